#!/bin/sh
# run.sh: every unit-test binary (plain and asan builds) and every CLI test
# file (with the plain build; files that set SAN_TOO=1 also with asan and
# tsan), then one closing line "N passed, N failed".
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
LOG=$(mktemp "${TMPDIR:-/tmp}/cachepong-tests.XXXXXX")
export CP_TEST_LOG="$LOG"
upass=0
ufail=0
TIMES=$(mktemp "${TMPDIR:-/tmp}/cachepong-times.XXXXXX")
# timed NAME CMD...: runs CMD, its wall seconds into $TIMES (the closing
# lines name the slowest parts: where a slow machine spends make test)
timed() {
	name=$1
	shift
	t0=$(date +%s)
	"$@"
	trc=$?
	echo "$(( $(date +%s) - t0 )) $name" >>"$TIMES"
	return $trc
}

run_unit() {
	bin=$1
	out=$("$bin" 2>&1)
	rc=$?
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | awk '{s+=$1} END {print s+0}')
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then
		f=1  # crashed or a sanitizer stopped it
	fi
	[ "$f" != 0 ] && printf '%s\n' "$out" | grep -E 'FAILED|ERROR|error|Sanitizer' | head -20 >&2
	echo "unit $(basename "$(dirname "$bin")")/$(basename "$bin"): $p passed, $f failed" >&2
	upass=$((upass + p))
	ufail=$((ufail + f))
}

for b in build/tests/test_* build/asan/tests/test_*; do
	case "$b" in *.d) continue ;; esac
	[ -x "$b" ] && run_unit "$b"
done

for t in tests/cli/test_*.sh; do
	[ -f "$t" ] || continue
	n=$(basename "$t" .sh)
	CP="$ROOT/build/cachepong" timed "$n" sh "$t"
	if grep -q '^SAN_TOO=1' "$t"; then
		CP_SAN=asan CP="$ROOT/build/asan/cachepong" timed "${n}[asan]" sh "$t"
		CP_SAN=tsan CP="$ROOT/build/tsan/cachepong" timed "${n}[tsan]" sh "$t"
	fi
done

# the kernels built for aarch64, under qemu-user
if [ -x build/aarch64/pp_cross ] && command -v qemu-aarch64 >/dev/null; then
	timed aarch64 qemu-aarch64 build/aarch64/pp_cross >>"$LOG" || true
else
	echo "FAIL aarch64: cross compiler (gcc-aarch64-linux-gnu) or qemu-user missing: run make deps-test" >>"$LOG"
fi

# the parsers under libFuzzer, a bounded time each (make fuzz runs longer)
timed fuzz sh tests/fuzz/run.sh "${CP_FUZZ_SECONDS:-12}" "$LOG" || true

# a real Slurm (make test-slurm): a fleet of two tasks and its comparison;
# its PASS/FAIL lines go to $LOG
CP_TEST_LOG="$LOG" timed slurm sh tests/slurm/run.sh >/dev/null

# the qemu NUMA guests (make test-vm): their PASS/FAIL lines go to $LOG
CP_TEST_LOG="$LOG" timed vm sh tests/vm/run.sh | grep -v "^PASS " >&2

cpass=$(grep -c '^PASS ' "$LOG")
cfail=$(grep -c '^FAIL ' "$LOG")
grep '^FAIL ' "$LOG" >&2
echo "time: $(awk '{ s += $1 } END { print s }' "$TIMES") s in the parts; the slowest: $(sort -rn "$TIMES" | head -8 |
	awk '{ printf "%s%s %d s", (NR > 1 ? ", " : ""), $2, $1 }')" >&2
rm -f "$LOG" "$TIMES"
echo "$((upass + cpass)) passed, $((ufail + cfail)) failed"
[ $((ufail + cfail)) = 0 ]
