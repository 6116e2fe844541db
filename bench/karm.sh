#!/bin/sh
# bench/karm.sh: how good the design of k arms over one key is on this
# machine (pingpong --shm anon,sysv,posix,memfd: src/harness/arms.c
# arms_runs_measure_k, src/exp/pingpong.c pp_measure_karms).
#
#   1. The width of each arm's interval against the baseline (anon) for
#      `pingpong --cpus CPUS --op cas --mode MODE --shm anon,sysv,posix,memfd`
#      after about SECONDS_GOAL s of measuring (--samples sized from a short
#      first run's time per round); goal: every interval within +-3% after
#      20 s.
#   2. How many of RUNS runs of the A/A design `--shm anon,anon,anon,anon`
#      (default settings) claim a difference in any of its three
#      comparisons (verdict slower or faster): the method's false positives
#      here, the three held together at 95% (Bonferroni); goal: at most 1
#      of 20.
# A benchmark, not a test: figures vary with the machine and its load.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CP=${CP:-$ROOT/build/cachepong}
CPUS=${CPUS:-0,1}
MODE=${MODE:-thread}
SECONDS_GOAL=${SECONDS_GOAL:-20}
RUNS=${RUNS:-20}
KINDS=anon,sysv,posix,memfd
case "$RUNS$SECONDS_GOAL" in
*[!0-9]*|"") echo "bench/karm.sh: RUNS='$RUNS' SECONDS_GOAL='$SECONDS_GOAL': allowed: whole numbers" >&2; exit 2 ;;
esac
case "$MODE" in
thread|process) ;;
*) echo "bench/karm.sh: MODE='$MODE': allowed: thread, process" >&2; exit 2 ;;
esac
TMP=$(mktemp -d "${TMPDIR:-/tmp}/cachepong-karm.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

# the comparison rows, one line each: "pair estimate lo hi verdict rounds level"
cmp_rows() {
	python3 -c '
import csv, sys
r = [x for x in csv.DictReader(open(sys.argv[1])) if x["metric"] == "ratio"]
assert len(r) == int(sys.argv[2]), "%d comparison rows, want %s" % (len(r), sys.argv[2])
for x in r:
    print(x["shm"], x["p50"], x["ci_lo"], x["ci_hi"], x["verdict"], x["blocks"], x["ci_level"])' "$1" "$2"
}

# 1. calibrate: seconds per round from a run of 400 rounds (the start-up
# a small share of it)
t0=$(date +%s.%N)
"$CP" pingpong --cpus "$CPUS" --op cas --mode "$MODE" --shm "$KINDS" --samples 4000 --format csv >"$TMP/cal.csv"
t1=$(date +%s.%N)
rounds=$(cmp_rows "$TMP/cal.csv" 3 | awk 'NR == 1 { print $6 }')
samples=$(python3 -c "import sys; t = float(sys.argv[2]) - float(sys.argv[1]); p = int(sys.argv[3]); \
print(max(200, int(float(sys.argv[4]) / (t / p)) * 10))" "$t0" "$t1" "$rounds" "$SECONDS_GOAL")
t0=$(date +%s.%N)
"$CP" pingpong --cpus "$CPUS" --op cas --mode "$MODE" --shm "$KINDS" --samples "$samples" --format csv >"$TMP/long.csv"
t1=$(date +%s.%N)
cmp_rows "$TMP/long.csv" 3 | while read -r pair est lo hi v b lvl; do
	python3 -c "
import sys
pair, est, lo, hi, v, b, lvl, t0, t1 = sys.argv[1:]
est, lo, hi = float(est), float(lo), float(hi)
a, x = pair.split(':')
print('cas $MODE %s / %s: %.4f [%.4f, %.4f] at %s%%  %s  %s rounds in %.1f s: interval %+.2f%% / %+.2f%% of the estimate'
      % (x, a, est, lo, hi, lvl, v, b, float(t1) - float(t0), (lo / est - 1) * 100, (hi / est - 1) * 100))" \
		"$pair" "$est" "$lo" "$hi" "$v" "$b" "$lvl" "$t0" "$t1"
done

# 2. the A/A design: four identical arms
claims=0
percmp=""
i=0
while [ "$i" -lt "$RUNS" ]; do
	"$CP" pingpong --cpus "$CPUS" --op cas --mode "$MODE" --shm anon,anon,anon,anon --format csv >"$TMP/aa.csv"
	some=$(cmp_rows "$TMP/aa.csv" 3 | awk '$5 == "slower" || $5 == "faster" { n++ } END { print n + 0 }')
	percmp="$percmp $some"
	[ "$some" -gt 0 ] && claims=$((claims + 1))
	i=$((i + 1))
done
echo "A/A $MODE anon x4: $claims of $RUNS runs claimed a difference in any of 3 comparisons (claims per run:$percmp)"
