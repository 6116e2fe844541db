#!/bin/sh
# report.sh: `make report` (the build is done): the standard sweep for this
# machine within the budget, the figures and report.md / report.html, then
# where they are.  Arguments go to `cachepong report` (e.g. --budget 10m,
# --dir DIR, --resume DIR); REPORT_ARGS from the environment too.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CP=${CP:-$ROOT/build/cachepong}
cd "$ROOT" || exit 1
if [ ! -x "$CP" ]; then
	echo "report: $CP is not built: run make first" >&2
	exit 1
fi
out=$(mktemp "${TMPDIR:-/tmp}/cachepong-report.XXXXXX") || exit 1
trap 'rm -f "$out"' EXIT
# shellcheck disable=SC2086  # REPORT_ARGS is a list of words on purpose
"$CP" report ${REPORT_ARGS:-} "$@" >"$out"
rc=$?
if [ -s "$out" ]; then
	echo
	echo "The report:"
	sed 's/^/  /' "$out"
	[ "$rc" != 0 ] && echo "(some cells failed: the report lists them under \"Not measured\")"
elif [ "$rc" = 130 ]; then
	echo "report: interrupted; continue with: $CP report --resume DIR (the directory it named)" >&2
fi
exit "$rc"
