#!/bin/sh
# test_readme.sh: the README's example is what the program prints today
# (tools/readme_example.sh --check: numbers aside, the same lines, columns
# and sentences), and the check fails on an example that drifted or is
# missing.
. "$(dirname "$0")/lib.sh"

R="sh $ROOT/tools/readme_example.sh"
out=$($R --check "$CP" 2>&1)
rc=$?
[ $rc -eq 0 ] && printf '%s\n' "$out" | grep -Eq "the program's shape \([1-9][0-9]* lines\)" &&
	ok "the README's example matches the program" || notok "README example" "exit $rc: $out"

# an example in an older layout (a column gone, a sentence changed) fails
sed 's/  arm  / /; s/interleaved arms/two arms/' "$ROOT/README.md" >"$TMP/drift.md"
out=$(CP_README=$TMP/drift.md $R --check "$CP" 2>&1)
rc=$?
[ $rc -eq 1 ] && printf '%s\n' "$out" | grep -q '^> interleaved arms' &&
	ok "an example that drifted is named, with the difference" || notok "README drift" "exit $rc: $out"

# no example to read is an error, not a pass
printf '# x\n\n## Example\n\nnone\n' >"$TMP/none.md"
expect_exit "no example: exit 2" 2 "no '    \\\$ cachepong ...' line" env CP_README="$TMP/none.md" $R --check "$CP"
finish
