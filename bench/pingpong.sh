#!/bin/sh
# bench/pingpong.sh: `make bench` — ping-pong on two CPUs (default 0,1, or
# CPUS=a,b), every op, threads vs processes back to back, the same memory
# kind (anon) for both.  Prints the median round trip, one-way, the CI
# and p10..p90 spread, and the process/thread ratio.  A benchmark, not a
# test: figures vary with the machine and its load.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CP=${CP:-$ROOT/build/cachepong}
CPUS=${CPUS:-0,1}
SAMPLES=${SAMPLES:-300}
echo "cachepong pingpong --cpus $CPUS --op all --mode both --samples $SAMPLES"
"$CP" pingpong --cpus "$CPUS" --op all --mode both --samples "$SAMPLES" --format table
if [ "${COUNTERS:-}" = 1 ]; then
	echo
	echo "same with --counters perf --events page-faults,context-switches (counting must not change the median):"
	"$CP" pingpong --cpus "$CPUS" --op all --mode both --samples "$SAMPLES" --format table \
		--counters perf --events page-faults,context-switches
fi
