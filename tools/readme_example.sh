#!/bin/sh
# tools/readme_example.sh [--check] [CP]: the README's example, from the
# program.  The example is the indented block under "## Example" that
# starts with "    $ cachepong ...": without --check, that command is run
# (CP: the binary, build/cachepong by default) and its output replaces the
# block's; with --check, the block is compared with a fresh run with every
# number and run of spaces made one token, so the README shows what the
# program prints today (its layout, columns and sentences), whatever this
# machine measures.  Exit 0 when it matches (or was rewritten), 1 when not,
# 2 when there is no example to read.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CHECK=0
[ "${1:-}" = --check ] && { CHECK=1; shift; }
CP=${1:-$ROOT/build/cachepong}
README=${CP_README:-$ROOT/README.md}
TMP=$(mktemp -d "${TMPDIR:-/tmp}/cachepong-readme.XXXXXX") || exit 2
trap 'rm -rf "$TMP"' EXIT INT TERM

# the example's command line and its block (the lines after it, up to the
# first line that is not indented by four spaces)
cmd=$(sed -n '/^## Example/,/^## /s/^    \$ cachepong //p' "$README" | head -1)
[ -n "$cmd" ] || { echo "readme_example: no '    \$ cachepong ...' line under '## Example' in $README" >&2; exit 2; }
awk -v c="    \$ cachepong $cmd" '
	$0 == c { on = 1; next }
	on && /^    / { print substr($0, 5); next }
	on && /^$/ { blank = blank "\n"; next }
	on { exit }
' "$README" >"$TMP/old"
[ -s "$TMP/old" ] || { echo "readme_example: the example's output block is empty" >&2; exit 2; }
# shellcheck disable=SC2086 # the README's words, as a shell would split them
"$CP" $cmd --format table >"$TMP/new" 2>&1 || { echo "readme_example: '$cmd' failed: $(tail -1 "$TMP/new")" >&2; exit 1; }
[ -s "$TMP/new" ] || { echo "readme_example: '$cmd' printed nothing" >&2; exit 1; }

# numbers, verdicts and placement classes are what a machine measures
shape() {
	sed -E 's/-?[0-9]+(\.[0-9]+)?(e[-+]?[0-9]+)?/N/g; s/\b(equivalent|slower|faster|inconclusive)\b/V/g;
		s/\b(smt|l2|cluster|llc|numa|die|package|cross-package(:N)?)\b/C/g; s/ +/ /g; s/ $//' "$1" |
		grep -v '^$'
}
if [ $CHECK = 1 ]; then
	shape "$TMP/old" >"$TMP/old.shape"
	shape "$TMP/new" >"$TMP/new.shape"
	if cmp -s "$TMP/old.shape" "$TMP/new.shape"; then
		echo "readme_example: the README's example has the program's shape ($(wc -l <"$TMP/new.shape") lines)"
		exit 0
	fi
	echo "readme_example: the README's example differs from what '$cmd' prints now (numbers aside):" >&2
	diff "$TMP/old.shape" "$TMP/new.shape" >&2
	exit 1
fi
# rewrite: the block after the command line, indented, blank lines kept
awk -v c="    \$ cachepong $cmd" -v out="$TMP/new" '
	$0 == c {
		print
		while ((getline l < out) > 0) print (l == "" ? "" : "    " l)
		skip = 1
		next
	}
	skip && (/^    / || /^$/) { if (/^$/) pend = pend "\n"; next }
	skip { skip = 0; printf "\n"; }
	{ print }
' "$README" >"$TMP/readme" && cp "$TMP/readme" "$README"
echo "readme_example: $README: the example rewritten from '$cmd'"
