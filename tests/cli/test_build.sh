#!/bin/sh
# test_build.sh: the build's configuration.  In a private build folder
# (BUILD=...), a changed probe answer (forced with WITHOUT=papi), a changed
# CFLAGS or nothing changed must rebuild exactly what depends on it, with no
# `make clean`; and the data files are found from the binary, from any
# directory, never from the current one.
. "$(dirname "$0")/lib.sh"

B=$TMP/build
SRCS=$(cd "$ROOT" && ls src/*/*.c kernels/*.c topology/*.c counters/*.c)
NSRC=$(printf '%s\n' "$SRCS" | wc -l)
# the objects that depend on the papi answer: the sources including its header
PAPI_USERS=$(cd "$ROOT" && grep -l '"have_papi.h"' $SRCS | sed 's/\.c$/.o/' | sort)

# every source that tests HAVE_<LIB> includes have_<lib>.h, or a changed
# answer would not rebuild it
bad=""
for lib in hwloc numa papi likwid; do
	up=$(printf '%s' "$lib" | tr 'a-z' 'A-Z')
	for f in $(cd "$ROOT" && grep -l "HAVE_$up" $SRCS $(ls src/*/*.h kernels/*.h topology/*.h counters/*.h)); do
		grep -q "\"have_$lib.h\"" "$ROOT/$f" || bad="$bad $f:HAVE_$up"
	done
done
[ -z "$bad" ] && ok "every HAVE_<LIB> user includes have_<lib>.h" || notok "HAVE_ users" "without the header:$bad"

mk() {  # mk ARGS...: build $B/cachepong; the output in $OUT, its exit in $RC
	# a bare make: nothing of an outer `make test` (MAKEFLAGS) leaks in
	OUT=$(env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -C "$ROOT" --no-print-directory BUILD="$B" "$@" "$B/cachepong" 2>&1)
	RC=$?
}
compiled() {  # the objects the last mk compiled, relative, sorted
	printf '%s\n' "$OUT" | sed -n "s|^  CC      $B/||p" | sort
}
ncompiled() { compiled | grep -c . ; }

mk -j2 CFLAGS='-O1 -g'
if [ "$RC" = 0 ] && [ "$(ncompiled)" = "$NSRC" ]; then ok "a fresh build folder compiles all $NSRC sources"
else notok "fresh build" "exit $RC, compiled $(ncompiled) of $NSRC: $(printf '%s' "$OUT" | tail -3)"; fi

line=$(printf '%s\n' "$OUT" | grep '^config (')
if [ "$(printf '%s\n' "$line" | grep -c .)" = 1 ] && printf '%s' "$line" | grep -q 'compiled in: .*hwloc' &&
   printf '%s' "$line" | grep -q 'left out: '; then
	ok "make prints one line of what was compiled in and left out"
else
	notok "config line" "expected one 'config (...): compiled in: ...; left out: ...' line, got: '$line'"
fi

mk CFLAGS='-O1 -g'
if [ "$RC" = 0 ] && [ "$(ncompiled)" = 0 ] && ! printf '%s' "$OUT" | grep -q '  LD '; then
	ok "nothing changed: nothing rebuilt"
else
	notok "no-op build" "exit $RC, compiled: $(compiled | tr '\n' ' ')"
fi

mk CFLAGS='-O1 -g' WITHOUT=papi
got=$(compiled)
if [ "$RC" = 0 ] && [ -n "$PAPI_USERS" ] && [ "$got" = "$PAPI_USERS" ] &&
   printf '%s' "$OUT" | grep -q '  LD '; then
	ok "WITHOUT=papi rebuilds exactly the papi users ($(echo $PAPI_USERS)) and relinks"
else
	notok "WITHOUT=papi" "exit $RC; compiled '$(echo $got)', expected '$(echo $PAPI_USERS)'"
fi
if printf '%s' "$OUT" | grep -q 'left out: .*papi (left out by WITHOUT=papi)'; then
	ok "the config line says papi was left out, and why"
else
	notok "config line without papi" "$(printf '%s\n' "$OUT" | grep '^config')"
fi
expect_exit "the build without papi says papi is not built in" 3 'backend papi was not built in' \
	"$B/cachepong" counters list --counters papi

# a bad WITHOUT names the value and what is allowed, and builds nothing
mk CFLAGS='-O1 -g' WITHOUT=papi,papu
if [ "$RC" = 2 ] && printf '%s' "$OUT" | grep -q "WITHOUT=papi,papu: invalid value 'papu': allowed: numa,papi,likwid,cmocka" &&
   [ "$(ncompiled)" = 0 ]; then
	ok "WITHOUT with an unknown library: exit 2, the value and the allowed names"
else
	notok "bad WITHOUT" "exit $RC: $(printf '%s' "$OUT" | tail -2)"
fi

mk CFLAGS='-O1 -g'
if [ "$RC" = 0 ] && [ "$(compiled)" = "$PAPI_USERS" ]; then ok "papi back: its users rebuilt again"
else notok "papi back" "exit $RC; compiled '$(echo $(compiled))'"; fi
out=$("$B/cachepong" counters list --counters papi 2>&1)
if printf '%s' "$out" | grep -q '^papi,' && ! printf '%s' "$out" | grep -q 'not built in'; then
	ok "the rebuilt binary has papi again"
else
	notok "papi back in the binary" "$(printf '%s' "$out" | head -3)"
fi

mk -j2 CFLAGS='-O2 -g'
if [ "$RC" = 0 ] && [ "$(ncompiled)" = "$NSRC" ]; then ok "changed CFLAGS: every object rebuilt"
else notok "changed CFLAGS" "exit $RC, compiled $(ncompiled) of $NSRC"; fi

mk CFLAGS='-O2 -g' PREFIX=/opt/cp-test
got=$(compiled)
if [ "$RC" = 0 ] && [ "$got" = "src/common/cp_datadir.o" ]; then ok "changed PREFIX: only the data-file lookup rebuilt"
else notok "changed PREFIX" "exit $RC; compiled '$(echo $got)'"; fi

# Data files from the binary, from any directory.
cd /
expect_exit "from /: counters list finds the event sets beside the binary" 0 '^perf,' \
	"$CP" counters list --counters perf
cd "$TMP"
expect_exit "CACHEPONG_DATA overrides, and the message lists the place tried" 3 \
	"counters/default.txt not found in CACHEPONG_DATA=$TMP/nodata \\(tried $TMP/nodata/counters\\)" \
	env CACHEPONG_DATA="$TMP/nodata" "$B/cachepong" counters list --counters perf
# a copy of the binary with no data anywhere near it: every place is named
mkdir -p "$TMP/lone/bin"
cp "$B/cachepong" "$TMP/lone/bin/cachepong"
expect_exit "nothing found: every place tried is listed" 3 \
	"tried $TMP/lone/bin/counters, $TMP/lone/counters, .*$TMP/lone/bin/../share/cachepong/counters, /opt/cp-test/share/cachepong/counters" \
	"$TMP/lone/bin/cachepong" counters list --counters perf
# the current directory holds event sets: they must not be read
mkdir -p "$TMP/cwd/counters"
cp "$ROOT"/counters/*.txt "$TMP/cwd/counters/"
cd "$TMP/cwd"
expect_exit "event sets in the current directory are never read" 3 'counters/default.txt not found' \
	"$TMP/lone/bin/cachepong" counters list --counters perf
cd "$TMP"
mkdir -p "$TMP/lone/share/cachepong"
cp -r "$ROOT/counters" "$TMP/lone/share/cachepong/"
expect_exit "an installed tree moved as a whole still finds its data" 0 '^perf,' \
	"$TMP/lone/bin/cachepong" counters list --counters perf
cd "$ROOT"
finish
