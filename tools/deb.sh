#!/bin/sh
# deb.sh VERSION OUTDIR (`make deb`): the Debian package, built by
# dpkg-buildpackage in a copy of this tree so that the checkout is never
# touched (no debian/cachepong/, no build/deb/, no files in ..), then its
# files moved to OUTDIR.  A file of the same name already in OUTDIR is
# never overwritten: the build stops before, naming it (exit 2).
#
# debian/changelog is written in the copy from VERSION and the commit: the
# version has one home, the Makefile.
set -u
VERSION=$1
OUT=$2
ROOT=$(cd "$(dirname "$0")/.." && pwd)

if [ ! -d "$OUT" ] || [ ! -w "$OUT" ]; then
	echo "deb: DEBDIR '$OUT' is not a writable directory: give one (make deb DEBDIR=DIR)" >&2
	exit 2
fi
OUT=$(cd "$OUT" && pwd)
for t in dpkg-buildpackage dh; do
	command -v "$t" >/dev/null 2>&1 ||
		{ echo "deb: $t missing: run make deps-deb (debhelper, dpkg-dev)" >&2; exit 3; }
done
ARCH=$(dpkg-architecture -qDEB_HOST_ARCH)
for f in "cachepong_${VERSION}_$ARCH.deb" "cachepong-dbgsym_${VERSION}_$ARCH.deb" \
	"cachepong_${VERSION}_$ARCH.buildinfo" "cachepong_${VERSION}_$ARCH.changes"; do
	if [ -e "$OUT/$f" ]; then
		echo "deb: $OUT/$f exists: move it away, or give another DEBDIR (nothing is overwritten)" >&2
		exit 2
	fi
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/cachepong-deb.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM HUP
SRC=$WORK/cachepong-$VERSION
mkdir -p "$SRC"
# the tree as git sees it (committed or not, never what .gitignore names);
# a tree without git: everything but build/ and results/
cd "$ROOT" || exit 1
if git rev-parse --git-dir >/dev/null 2>&1; then
	git ls-files -z --cached --others --exclude-standard |
		tar --null -T - --ignore-failed-read -cf - 2>/dev/null | tar -xf - -C "$SRC" || exit 1
	rev=$(git rev-parse --short=12 HEAD)
	git diff --quiet HEAD -- || rev="$rev-dirty"
	date=$(git log -1 --format=%aD)
else
	tar --exclude=./build --exclude=./results -cf - . | tar -xf - -C "$SRC"
	rev=unknown
	date=$(date -R)
fi
cat >"$SRC/debian/changelog" <<EOC
cachepong ($VERSION) unstable; urgency=medium

  * cachepong $VERSION, git $rev.

 -- cachepong developers <cachepong@lists.cachepong.org>  $date
EOC

echo "deb: building cachepong $VERSION (git $rev) for $ARCH in $SRC"
cd "$SRC" || exit 1
if ! CACHEPONG_GIT_REV=$rev dpkg-buildpackage -us -uc -b >"$WORK/build.log" 2>&1; then
	tail -30 "$WORK/build.log" >&2
	echo "deb: dpkg-buildpackage failed (the last lines above)" >&2
	exit 1
fi
n=0
for f in "$WORK"/cachepong*_"$VERSION"_*; do
	[ -f "$f" ] || continue
	mv "$f" "$OUT/" && n=$((n + 1)) && echo "$OUT/$(basename "$f")"
done
[ "$n" -gt 0 ] || { echo "deb: dpkg-buildpackage wrote no package" >&2; exit 1; }
