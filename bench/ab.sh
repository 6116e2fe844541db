#!/bin/sh
# bench/ab.sh: how good the interleaved comparison of arms is on this
# machine (pingpong --mode A:B, src/harness/arms.c, src/common/verdict.c).
#
#   1. The width of the process/thread interval for
#      `pingpong --cpus CPUS --op cas --mode both` with about SECONDS s of
#      measuring (--samples sized from a short first run's time per block
#      pair); goal: within +-3% after 10 s.
#   2. How many of RUNS runs of the A/A controls `--mode thread:thread` and
#      `--mode process:process` (default settings) claim a difference
#      (verdict slower or faster): the method's false positives here; goal:
#      at most 1 of 20.
# A benchmark, not a test: figures vary with the machine and its load.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CP=${CP:-$ROOT/build/cachepong}
CPUS=${CPUS:-0,1}
SECONDS_GOAL=${SECONDS_GOAL:-10}
RUNS=${RUNS:-20}
case "$RUNS$SECONDS_GOAL" in
*[!0-9]*|"") echo "bench/ab.sh: RUNS='$RUNS' SECONDS_GOAL='$SECONDS_GOAL': allowed: whole numbers" >&2; exit 2 ;;
esac
TMP=$(mktemp -d "${TMPDIR:-/tmp}/cachepong-ab.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# the comparison row: "estimate lo hi verdict blocks"
cmp_row() {
	python3 -c '
import csv, sys
r = [x for x in csv.DictReader(open(sys.argv[1])) if x["metric"] == "ratio"]
assert len(r) == 1, "no comparison row"
r = r[0]
print(r["p50"], r["ci_lo"], r["ci_hi"], r["verdict"], r["blocks"])' "$1"
}

# 1. calibrate: seconds per block pair from a run of 200 pairs (the
# start-up's share small)
t0=$(date +%s.%N)
"$CP" pingpong --cpus "$CPUS" --op cas --mode both --samples 2000 --format csv >"$TMP/cal.csv"
t1=$(date +%s.%N)
set -- $(cmp_row "$TMP/cal.csv")
samples=$(python3 -c "import sys; t = float(sys.argv[2]) - float(sys.argv[1]); p = int(sys.argv[3]); \
print(max(200, int(float(sys.argv[4]) / (t / p)) * 10))" "$t0" "$t1" "$5" "$SECONDS_GOAL")
t0=$(date +%s.%N)
"$CP" pingpong --cpus "$CPUS" --op cas --mode both --samples "$samples" --format csv >"$TMP/long.csv"
t1=$(date +%s.%N)
set -- $(cmp_row "$TMP/long.csv")
python3 -c "
import sys
est, lo, hi, v, b, t0, t1 = sys.argv[1:]
est, lo, hi = float(est), float(lo), float(hi)
print('cas process/thread: %.4f [%.4f, %.4f]  %s  %s block pairs in %.1f s: interval %+.2f%% / %+.2f%% of the estimate'
      % (est, lo, hi, v, b, float(t1) - float(t0), (lo / est - 1) * 100, (hi / est - 1) * 100))" "$@" "$t0" "$t1"

# 2. A/A controls
for m in thread:thread process:process; do
	claims=0
	verdicts=""
	i=0
	while [ "$i" -lt "$RUNS" ]; do
		"$CP" pingpong --cpus "$CPUS" --op cas --mode "$m" --format csv >"$TMP/aa.csv"
		set -- $(cmp_row "$TMP/aa.csv")
		case "$4" in slower|faster) claims=$((claims + 1)) ;; esac
		verdicts="$verdicts $4"
		i=$((i + 1))
	done
	echo "A/A $m: $claims of $RUNS runs claimed a difference (verdicts:$(printf '%s\n' $verdicts | sort | uniq -c | awk '{ printf " %s %s", $1, $2 }'))"
done
