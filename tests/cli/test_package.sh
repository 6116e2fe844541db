#!/bin/sh
# test_package.sh: `make deb DEBDIR=DIR`, the Debian package: built in a
# copy (the checkout unchanged), its files in DIR, nothing overwritten; its
# contents in their Debian places, its version the Makefile's, its
# dependencies from the shared libraries, and lintian without an error or a
# warning (the tags overridden are explained in debian/cachepong.lintian-overrides).
# Installing it is the fresh-root test's (tests/fresh/run.sh): not on this
# machine.
. "$(dirname "$0")/lib.sh"

cd "$ROOT" || exit 1
VERSION=$(sed -n 's/^VERSION *:= *//p' Makefile)
before=$(git status --porcelain 2>/dev/null)
mkdir -p "$TMP/deb"
if make --no-print-directory deb DEBDIR="$TMP/deb" >"$TMP/deb.log" 2>&1; then
	ok "make deb DEBDIR=DIR: exit 0"
else
	notok "make deb" "$(tail -15 "$TMP/deb.log")"
	finish
fi
[ "$(git status --porcelain 2>/dev/null)" = "$before" ] && ok "the checkout is as it was (built in a copy)" ||
	notok "the checkout" "git status changed: $(git status --porcelain | head -5 | tr '\n' ' ')"
DEB=$(ls "$TMP"/deb/cachepong_"$VERSION"_*.deb 2>/dev/null | head -1)
[ -n "$DEB" ] && ok "the package: $(basename "$DEB")" || { notok "the package" "no cachepong_${VERSION}_*.deb in DIR: $(ls "$TMP/deb")"; finish; }

dpkg-deb -c "$DEB" | awk '{print $6}' | sed 's|^\./|/|' >"$TMP/files"
missing=""
for f in /usr/bin/cachepong /usr/share/man/man1/cachepong.1.gz /usr/share/bash-completion/completions/cachepong \
	/usr/share/cachepong/plots/common.gp /usr/share/cachepong/counters/default.txt \
	/usr/share/cachepong/schema/results.schema.json /usr/share/cachepong/schema/meta.schema.json \
	/usr/share/cachepong/schema/columns.schema.json /usr/share/cachepong/tools/slurm/cachepong-task.sbatch \
	/usr/share/doc/cachepong/examples/numa-costs.plan /usr/share/doc/cachepong/examples/textfile-collector.sh \
	/usr/share/doc/cachepong/copyright /usr/share/doc/cachepong/changelog.gz; do
	grep -qx "$f" "$TMP/files" || missing="$missing $f"
done
for f in plots/*.gp counters/*.txt; do
	grep -qx "/usr/share/cachepong/$f" "$TMP/files" || missing="$missing /usr/share/cachepong/$f"
done
[ -z "$missing" ] && ok "every file in its Debian place ($(wc -l <"$TMP/files") entries)" ||
	notok "the package's files" "missing:$missing"
grep -v '^/usr/' "$TMP/files" | grep -qv '^/$' && notok "files outside /usr" "$(grep -v '^/usr/' "$TMP/files" | head -3)" ||
	ok "nothing outside /usr"

ctl=$(dpkg-deb -f "$DEB" Version Depends Recommends)
printf '%s\n' "$ctl" | grep -q "^Version: $VERSION$" && ok "Version: $VERSION, the Makefile's" ||
	notok "Version" "$ctl"
printf '%s\n' "$ctl" | grep -q '^Depends:.*libhwloc[0-9]*.*libjansson[0-9]' && ok "Depends from the shared libraries" ||
	notok "Depends" "$ctl"
printf '%s\n' "$ctl" | grep -q '^Recommends:.*gnuplot-nox.*papi-tools' && ok "Recommends gnuplot-nox and papi-tools" ||
	notok "Recommends" "$ctl"
dpkg-deb --fsys-tarfile "$DEB" | tar -xOf - ./usr/share/doc/cachepong/changelog.gz | gzip -dc |
	head -1 | grep -q "^cachepong ($VERSION) " && ok "debian/changelog's entry is the version" ||
	notok "changelog" "$(dpkg-deb --fsys-tarfile "$DEB" | tar -xOf - ./usr/share/doc/cachepong/changelog.gz | gzip -dc | head -3)"
# the packaged binary runs and finds its data files where the package has
# them (BINDIR/../share/cachepong; installed, that is /usr/share/cachepong)
dpkg-deb -x "$DEB" "$TMP/x"
(cd / && "$TMP/x/usr/bin/cachepong" counters list >"$TMP/cl" 2>&1) && grep -q '^backend,event' "$TMP/cl" &&
	ok "the packaged binary runs from / and finds its event sets" || notok "packaged binary" "$(head -3 "$TMP/cl")"
cmp -s "$TMP/x/usr/share/bash-completion/completions/cachepong" "$ROOT/build/completion/cachepong" &&
	ok "the packaged completion is the build's" || notok "packaged completion" "differs from build/completion/cachepong"

if command -v lintian >/dev/null 2>&1; then
	# a clean package prints no tag: lintian's own exit status says it ran
	lintian --fail-on none -E --pedantic "$TMP"/deb/cachepong_"$VERSION"_*.changes >"$TMP/lintian" 2>&1
	lrc=$?
	grep -E '^(E|W): ' "$TMP/lintian" >"$TMP/lw"
	if [ "$lrc" != 0 ]; then
		notok "lintian ran" "exit $lrc: $(grep -v 'root privileges' "$TMP/lintian" | head -3)"
	elif [ -s "$TMP/lw" ]; then
		notok "lintian: no error, no warning" "$(head -5 "$TMP/lw")"
	else
		ok "lintian: no error, no warning ($(grep -c '^[IPX]: ' "$TMP/lintian") info/pedantic tags)"
	fi
else
	notok "lintian" "missing: run make deps-test"
fi

# nothing overwritten: a second build into the same DIR stops first
sum=$(cat "$TMP"/deb/* | cksum)
make --no-print-directory deb DEBDIR="$TMP/deb" >"$TMP/deb2.log" 2>&1
rc=$?
[ "$rc" != 0 ] && grep -q "exists.*nothing is overwritten" "$TMP/deb2.log" && [ "$(cat "$TMP"/deb/* | cksum)" = "$sum" ] &&
	ok "a second make deb into the same DIR stops, naming the file, and changes nothing" ||
	notok "no overwrite" "exit $rc: $(tail -3 "$TMP/deb2.log")"
make --no-print-directory deb DEBDIR="$TMP/nosuch" >"$TMP/deb3.log" 2>&1
rc=$?
[ "$rc" != 0 ] && grep -q "DEBDIR '$TMP/nosuch' is not a writable directory" "$TMP/deb3.log" &&
	ok "make deb DEBDIR=missing: refused, naming it" || notok "DEBDIR missing" "exit $rc: $(tail -2 "$TMP/deb3.log")"

finish
