#!/bin/sh
# bench/c2clat.sh: cachepong's ping-pong polled by the CAS itself
# (`pingpong --poll rmw --op cas`) beside c2clat -w, the peer that measures
# the same hand-off, on the same two CPUs, interleaved: ROUNDS rounds, each
# running both tools, in ABBA order (c2clat first in odd rounds).  Both print
# a one-way figure: c2clat the minimum over its samples of (100 round trips)
# / 200, cachepong here the same, its sample min / 2 with --iters 100 and
# --samples 1000 (c2clat's batch and sample count).  Prints each round and
# the median of the rounds' figures for both tools, their ratio and the
# median of the per-round ratios (each round's pair measured back to back).
#
# c2clat is not part of cachepong: build it from its public source outside
# the repository (g++ -O3 -pthread c2clat.cpp) and give its path:
#   C2CLAT=/tmp/c2clat/c2clat sh bench/c2clat.sh
# A benchmark, not a test: figures vary with the machine and its load.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CP=${CP:-$ROOT/build/cachepong}
CPUS=${CPUS:-0,1}
ROUNDS=${ROUNDS:-10}
C2CLAT=${C2CLAT:-}
if [ -z "$C2CLAT" ] || [ ! -x "$C2CLAT" ]; then
	echo "bench/c2clat.sh: C2CLAT='$C2CLAT' is not an executable: build c2clat (github.com/rigtorp/c2clat) outside the repository and set C2CLAT to its path" >&2
	exit 2
fi
case "$CPUS" in
*,*,*|*[!0-9,]*|,*|*,) echo "bench/c2clat.sh: CPUS='$CPUS': allowed: two CPU numbers, a,b" >&2; exit 2 ;;
*,*) ;;
*) echo "bench/c2clat.sh: CPUS='$CPUS': allowed: two CPU numbers, a,b" >&2; exit 2 ;;
esac
case "$ROUNDS" in
'' | *[!0-9]* | 0) echo "bench/c2clat.sh: ROUNDS='$ROUNDS': allowed: a whole number of rounds, 1 or more" >&2; exit 2 ;;
esac
TMP=$(mktemp -d "${TMPDIR:-/tmp}/cachepong-c2clat.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

c2() {  # c2clat's one figure for the pair: its first CPU's row, second CPU's column
	taskset -c "$CPUS" "$C2CLAT" -w >"$TMP/c2.out"
	v=$(awk 'NR == 2 { print $3 }' "$TMP/c2.out")
	case "$v" in ''|*[!0-9]*) echo "bench/c2clat.sh: cannot read c2clat's output: $(head -c 200 "$TMP/c2.out")" >&2; exit 1 ;; esac
	echo "$v"
}
cp1() {  # cachepong's one-way minimum, ns
	"$CP" pingpong --cpus "$CPUS" --op cas --poll rmw --iters 100 --samples 1000 --format csv >"$TMP/cp.csv"
	python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 1 and rows[0]["poll"] == "rmw", rows
print("%.1f" % (float(rows[0]["min"]) / 2))' "$TMP/cp.csv"
}

echo "CPUs $CPUS, $ROUNDS rounds, one-way minimum in ns (c2clat -w | cachepong pingpong --poll rmw --op cas)"
: >"$TMP/figs"
r=1
while [ $r -le "$ROUNDS" ]; do
	if [ $((r % 2)) = 1 ]; then a=$(c2); b=$(cp1); else b=$(cp1); a=$(c2); fi
	echo "round $r: c2clat $a  cachepong $b"
	echo "$a $b" >>"$TMP/figs"
	r=$((r + 1))
done
python3 -c '
import statistics, sys
rows = [tuple(map(float, l.split())) for l in open(sys.argv[1])]
c2 = [a for a, b in rows]
cp = [b for a, b in rows]
m2, mc = statistics.median(c2), statistics.median(cp)
ratios = sorted(b / a for a, b in rows)
print("median of the rounds: c2clat %.1f ns (%g..%g), cachepong %.1f ns (%.1f..%.1f)"
      % (m2, min(c2), max(c2), mc, min(cp), max(cp)))
print("cachepong / c2clat: median of the rounds %.3f, median of the per-round ratios %.3f (%.3f..%.3f)"
      % (mc / m2, statistics.median(ratios), ratios[0], ratios[-1]))' "$TMP/figs"
