#!/bin/sh
# bench/budget.sh: does the main job hold its time on this machine?
#
#   1. `sync --prim futex --mode thread --cpus CPUS --samples N` for N in
#      5, 20, 50, 100, REPEAT times each: the wall time of each run (goal:
#      under 2 s at N = 50) and the iterations per sample it chose;
#   2. `cachepong report --budget B` for each B in BUDGETS (default 30 60):
#      the wall time (goal: within B + 5%), the exit status, the figures
#      drawn against the figures the data allow, the cells capped.
# A benchmark, not a test: figures vary with the machine and its load; the
# reports' directories are removed at the end.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CP=${CP:-$ROOT/build/cachepong}
CPUS=${CPUS:-0,1}
REPEAT=${REPEAT:-3}
BUDGETS=${BUDGETS:-30 60}
case "$REPEAT" in
*[!0-9]*|"") echo "bench/budget.sh: REPEAT='$REPEAT': allowed: a whole number" >&2; exit 2 ;;
esac
TMP=$(mktemp -d "${TMPDIR:-/tmp}/cachepong-budget.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

now() {
	date +%s.%N
}

echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs"
echo "sync --prim futex --mode thread --cpus $CPUS --samples N: wall seconds per run, iterations per sample"
for n in 5 20 50 100; do
	line=""
	for _ in $(seq 1 "$REPEAT"); do
		t0=$(now)
		"$CP" sync --prim futex --mode thread --cpus "$CPUS" --samples "$n" --format csv >"$TMP/s.csv"
		t=$(echo "$(now) $t0" | awk '{printf "%.2f", $1 - $2}')
		it=$(python3 -c 'import csv,sys; print(next(csv.DictReader(open(sys.argv[1])))["iters_per_sample"])' "$TMP/s.csv")
		line="$line ${t}s/$it"
	done
	echo "  N=$n:$line"
done
for b in $BUDGETS; do
	t0=$(now)
	rc=0
	"$CP" report --budget "${b}s" --dir "$TMP/r$b" >/dev/null 2>"$TMP/r$b.err" || rc=$?
	t=$(echo "$(now) $t0" | awk '{printf "%.1f", $1 - $2}')
	drawn=$(sed -n 's/^report: \([0-9]*\) figures drawn.*/\1/p' "$TMP/r$b.err")
	capped=$(grep -c '	capped	' "$TMP/r$b/cells-done.log" || true)
	echo "report --budget ${b}s: ${t} s (goal <= $(echo "$b" | awk '{print $1 * 1.05}') s), exit $rc, ${drawn:-0} figures," \
		"$capped cells capped; $(grep '^report: no figure' "$TMP/r$b.err" | wc -l) figure notes"
done
