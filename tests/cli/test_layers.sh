#!/bin/sh
# test_layers.sh: the module structure (tools/layers.py) of the plain build:
# no two source files call each other in a cycle, every folder calls and
# includes only the folders below it (common < kernels, topology, counters
# < harness < out < exp < sweep < suite < report, fleet < cli), nothing
# below cli sees the command line, and no function is over 100 lines.  The
# checker itself is tried on objects that break each rule, so a checker
# that finds nothing cannot pass.
. "$(dirname "$0")/lib.sh"

L="python3 $ROOT/tools/layers.py"
out=$($L --root "$ROOT" "$ROOT/build" 2>&1)
rc=$?
if [ $rc -eq 0 ] && printf '%s\n' "$out" | grep -Eq '^layers: [1-9][0-9]+ files, [1-9][0-9]* calls between them, 0 problems$'; then
	ok "the build has no cycle and no layer breach"
else
	notok "layers of the build" "exit $rc: $out"
fi

# a fake tree: a cycle in src/exp, a counters file calling src/out, an exp
# file calling the sweep above it, an out header including the sweep's, a
# harness header that includes opts.h
F=$TMP/tree
mkdir -p "$F/src/exp" "$F/src/out" "$F/src/harness" "$F/src/sweep" "$F/counters" "$F/b/src/exp" "$F/b/src/out" \
	"$F/b/counters" "$F/b/src/sweep"
printf 'int b(void);\nint a(void) { return b(); }\n' >"$F/src/exp/a.c"
printf 'int a(void);\nint b(void) { return a() + 1; }\n' >"$F/src/exp/b.c"
printf 'int w(void) { return 3; }\n' >"$F/src/out/w.c"
printf 'int w(void);\nint c(void) { return w(); }\n' >"$F/counters/c.c"
printf '#include "opts.h"\n' >"$F/src/harness/h.h"
printf 'int s(void) { return 4; }\n' >"$F/src/sweep/s.c"
printf 'int s(void);\nint u(void) { return s(); }\n' >"$F/src/exp/u.c"
printf '/* the sweep */\n' >"$F/src/sweep/sweep.h"
printf '#include "sweep.h"\n' >"$F/src/out/o.h"
# and a function of 101 lines
{ printf 'int w(void)\n{\n'; i=0; while [ $i -lt 97 ]; do printf '\t;\n'; i=$((i + 1)); done
  printf '\treturn 3;\n}\n'; } >"$F/src/out/w.c"
for s in src/exp/a src/exp/b src/out/w counters/c src/sweep/s src/exp/u; do
	cc -c -o "$F/b/$s.o" "$F/$s.c" || notok "fake tree" "cannot compile $s.c"
done
out=$($L --root "$F" "$F/b" 2>&1)
rc=$?
[ $rc -eq 1 ] && printf '%s\n' "$out" | grep -q '^cycle: src/exp/a <-> src/exp/b$' &&
	printf '%s\n' "$out" | grep -q '^  src/exp/a -> src/exp/b: b$' &&
	ok "a cycle is named with its calls" || notok "cycle found" "exit $rc: $out"
printf '%s\n' "$out" | grep -q '^layer: counters/c (counters) calls src/out/w (out): w; counters may call common$' &&
	ok "a lower layer calling sideways is named" || notok "layer breach found" "$out"
printf '%s\n' "$out" | grep -q '^command line in harness: src/harness/h.h:1: #include "opts.h"$' &&
	ok "the command line in a lower layer is named" || notok "opts.h found" "$out"
printf '%s\n' "$out" | grep -q '^long function: src/out/w.c: 101 lines (at most 100): int w(void)$' &&
	ok "a function over 100 lines is named" || notok "long function found" "$out"
printf '%s\n' "$out" | grep -q '^layer: src/exp/u (exp) calls src/sweep/s (sweep): s; exp may call common, counters, harness, kernels, out, topology$' &&
	ok "a call up to a higher layer is named" || notok "upward call found" "$out"
printf '%s\n' "$out" | grep -q '^include: src/out/o.h:1: #include "sweep.h" is sweep'"'"'s; out may use common, counters, harness, kernels, topology$' &&
	ok "an include of a higher layer's header is named" || notok "upward include found" "$out"
printf '%s\n' "$out" | grep -q ', 6 problems$' && ok "the problems are counted" || notok "problem count" "$out"

# nothing to read is an error, not a pass
mkdir -p "$TMP/empty"
expect_exit "no objects: exit 2" 2 "no objects of .* build first" $L --root "$ROOT" "$TMP/empty"
finish
