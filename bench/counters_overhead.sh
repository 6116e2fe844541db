#!/bin/sh
# bench/counters_overhead.sh: does counting disturb the kernel?  Alternates
# runs without and with --counters perf (ROUNDS each, default 5) so drift
# of the machine hits both alike, and prints the median of the per-run
# medians for each and their ratio.  A benchmark, not a test.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CP=${CP:-$ROOT/build/cachepong}
CPUS=${CPUS:-0,1}
ROUNDS=${ROUNDS:-5}
OP=${OP:-cas}
MODE=${MODE:-thread}
EVENTS=${EVENTS:-page-faults,context-switches}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# the p50 column of each row, by name
p50() { awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "p50") c = i; next } c { print $c }'; }
for i in $(seq 1 "$ROUNDS"); do
	"$CP" pingpong --cpus "$CPUS" --op "$OP" --mode "$MODE" --samples 300 --format csv |
		p50 >>"$tmp/off"
	"$CP" pingpong --cpus "$CPUS" --op "$OP" --mode "$MODE" --samples 300 --format csv \
		--counters perf --events "$EVENTS" | p50 >>"$tmp/on"
done
python3 - "$tmp/off" "$tmp/on" "$OP" "$MODE" "$EVENTS" <<'PY'
import statistics, sys
off = [float(x) for x in open(sys.argv[1])]
on = [float(x) for x in open(sys.argv[2])]
mo, mn = statistics.median(off), statistics.median(on)
print("pingpong %s %s, %d alternating runs of 300 samples each" % (sys.argv[3], sys.argv[4], len(off)))
print("  without counters: median of medians %.1f ns (runs %.1f..%.1f)" % (mo, min(off), max(off)))
print("  --counters perf --events %s: %.1f ns (runs %.1f..%.1f)" % (sys.argv[5], mn, min(on), max(on)))
print("  ratio with/without: %.3f" % (mn / mo))
PY
