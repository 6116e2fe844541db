#!/bin/sh
# tests/fuzz/run.sh SECONDS [LOG]: run every fuzz target of build/fuzz for
# SECONDS each, from its seed corpus (copied: the repository's corpus is
# never written), under ASan/UBSan.  One line per target into LOG
# ("PASS fuzz NAME: N executions" / "FAIL ..."), as tests/run.sh counts
# them; a crashing input is kept in build/fuzz/crashes/ and named.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SECS=${1:-10}
LOG=${2:-/dev/stdout}
case "$SECS" in
'' | *[!0-9]* | 0*)
	msg="fuzz: invalid value '$SECS' for the seconds per target (FUZZ_TIME, CP_FUZZ_SECONDS): allowed: a whole number from 1"
	echo "$msg" >&2
	[ "$LOG" = /dev/stdout ] || echo "FAIL $msg" >>"$LOG"
	exit 2 ;;
esac
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cachepong-fuzz.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
names=$(sed -n 's/^FUZZ(\([a-z0-9_]*\),.*/\1/p' "$ROOT/tests/fuzz/targets.def")
[ -n "$names" ] || { echo "FAIL fuzz: no targets read from tests/fuzz/targets.def" >>"$LOG"; exit 1; }
fail=0
for n in $names; do
	bin=$ROOT/build/fuzz/fuzz_$n
	if [ ! -x "$bin" ]; then
		echo "FAIL fuzz $n: $bin missing (clang and libclang-rt-dev: make deps-test)" >>"$LOG"
		fail=1
		continue
	fi
	mkdir -p "$WORK/$n"
	"$bin" -max_total_time="$SECS" -print_final_stats=1 -artifact_prefix="$WORK/$n-" -close_fd_mask=3 \
		"$WORK/$n" "$ROOT/tests/fuzz/corpus/$n" >"$WORK/$n.log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$WORK/$n.log" | tail -1)
	crash=$(ls "$WORK/$n-"* 2>/dev/null | head -1)
	if [ "$rc" = 0 ] && [ -z "$crash" ] && [ -n "$runs" ] && [ "$runs" -gt 0 ]; then
		echo "PASS fuzz $n: $runs executions in $SECS s" >>"$LOG"
	else
		if [ -n "$crash" ]; then
			mkdir -p "$ROOT/build/fuzz/crashes"
			cp "$crash" "$ROOT/build/fuzz/crashes/"
		fi
		echo "FAIL fuzz $n: exit $rc, ${runs:-no} executions${crash:+, crash kept in build/fuzz/crashes/$(basename "$crash")}: $(grep -m1 -E 'ERROR|runtime error|deadly' "$WORK/$n.log")" >>"$LOG"
		fail=1
	fi
done
exit $fail
