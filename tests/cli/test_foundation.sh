#!/bin/sh
# test_foundation.sh: the CLI contract (version, help, bad usage -> exit 2
# with a message naming the value and what is allowed, unwritable --out ->
# exit 1 before measuring) and the result files read back by python's csv
# and json modules (tests/roundtrip.py) against values worked out by hand.
. "$(dirname "$0")/lib.sh"

# ---- version and help ----
expect_exit "--version names version and git revision" 0 \
	'^cachepong [0-9]+\.[0-9]+\.[0-9]+ \(git [0-9a-f]{7,}(-dirty)?\)' "$CP" --version
expect_exit "--help lists the commands" 0 'pingpong' "$CP" --help
expect_exit "--help gives the exit codes" 0 '2 bad usage' "$CP" --help
expect_exit "pingpong --help lists its options" 0 '--cpus LIST.*' "$CP" pingpong --help
expect_exit "no command: usage, exit 2" 2 'usage: cachepong COMMAND' "$CP"

# ---- bad usage: exit 2, the bad value and what is allowed ----
expect_exit "unknown command" 2 "unknown command 'frobnicate': commands are .*pingpong" \
	"$CP" frobnicate
expect_exit "unknown option" 2 "unknown option '--frob'.*pingpong --help" \
	"$CP" pingpong --frob
expect_exit "option without its value" 2 "'--samples' needs a value" "$CP" pingpong --samples
expect_exit "--samples 0" 2 "--samples: invalid value '0': expected an integer from 1 to [0-9]+" \
	"$CP" pingpong --samples 0
expect_exit "--samples -5" 2 "--samples: invalid value '-5': expected an integer from 1 to [0-9]+" \
	"$CP" pingpong --samples -5
expect_exit "--format xml" 2 "--format: invalid value 'xml': allowed: table\|csv\|json" \
	"$CP" pingpong --format xml
expect_exit "--timer rdtsc" 2 "--timer: invalid value 'rdtsc': allowed: auto\|tsc\|cntvct\|clock" \
	"$CP" pingpong --timer rdtsc --samples 1
case $(uname -m) in
x86_64) other=cntvct ;;
aarch64) other=tsc ;;
*) other=tsc ;;
esac
expect_exit "--timer $other: the other architecture's counter" 3 \
	"not available on this machine: --timer $other: " "$CP" pingpong --timer $other --samples 1
expect_exit "--cpus 3-1" 2 "--cpus: invalid value '3-1': expected a CPU list .*ascending" \
	"$CP" pingpong --cpus 3-1
expect_exit "--cpus a" 2 "--cpus: invalid value 'a': expected a CPU list" "$CP" pingpong --cpus a
expect_exit "--cpus 0,,1" 2 "--cpus: invalid value '0,,1': expected a CPU list" \
	"$CP" pingpong --cpus 0,,1
expect_exit "--cpus 0,0" 2 "--cpus: .*CPU 0 is listed twice" "$CP" pingpong --cpus 0,0
allowed=$(python3 -c 'import os; s=sorted(os.sched_getaffinity(0)); print(",".join(map(str,s)))')
# the message names CPU 99 and the allowed set (as a cpulist: 0,1 or 0-3)
expect_exit "--cpus 0,99" 2 "--cpus: CPU 99 does not exist.*allowed: [0-9]" \
	"$CP" pingpong --cpus 0,99
if [ "$(nproc)" -ge 2 ] && printf '%s' "$allowed" | grep -q '^0,1'; then
	expect_exit "CPU outside the affinity mask" 2 \
		"--cpus: CPU 1 is offline or outside this process's affinity mask: allowed: 0$" \
		taskset -c 0 "$CP" pingpong --cpus 0,1
else
	ok "CPU outside the affinity mask (skipped: needs CPUs 0 and 1)"
fi

# ---- --out: exit 1 naming the path and the reason, before measuring: a
# run of 10^8 samples would take far longer than the timeout ----
expect_exit "--out in a missing directory" 1 \
	"--out /nonexistent/dir/x.csv: .*/nonexistent/dir.*No such file or directory" \
	timeout 20 "$CP" pingpong --samples 100000000 --out /nonexistent/dir/x.csv
expect_exit "--raw in a missing directory" 1 \
	"--raw /nonexistent/dir/r.csv: .*No such file or directory" \
	timeout 20 "$CP" pingpong --samples 100000000 --raw /nonexistent/dir/r.csv
ls /nonexistent/dir >/dev/null 2>&1 && notok "--out created nothing" "/nonexistent/dir exists"

# ---- a run killed by SIGTERM/SIGHUP leaves no FILE.tmp.PID: the signal is
# sent once the temporary files exist (polled, bounded), and the exit status
# must still say "killed by that signal" (128 + N) ----
for sn in TERM:15 HUP:1; do
	sig=${sn%:*}
	d=$TMP/sig$sig
	mkdir -p "$d"
	"$CP" pingpong --samples 100000000 --out "$d/r.csv" --raw "$d/r.raw" >/dev/null 2>&1 &
	pid=$!
	i=0
	while [ $i -lt 400 ] && [ "$(ls "$d" | grep -c '\.tmp\.')" -lt 2 ]; do
		i=$((i + 1))
		sleep 0.05
	done
	seen=$(ls "$d" | grep -c '\.tmp\.')
	kill -$sig $pid 2>/dev/null
	wait $pid 2>/dev/null
	rc=$?
	want=$((128 + ${sn#*:}))
	left=$(ls "$d")
	if [ "$seen" -lt 2 ]; then
		notok "SIG$sig removes the temporary files" "the run never created them: $(ls "$d")"
	elif [ -n "$left" ]; then
		notok "SIG$sig removes the temporary files" "left: $left"
	elif [ "$rc" != "$want" ]; then
		notok "SIG$sig removes the temporary files" "exit $rc, expected $want (killed by SIG$sig)"
	else
		ok "SIG$sig removes the temporary files"
	fi
done

# ---- result files read back by python ----
TR=$ROOT/build/tests/test_result
if [ ! -x "$TR" ]; then
	notok "roundtrip" "$TR is missing: run 'make test' (it builds the unit tests)"
	finish
fi
if ! CP_ROUNDTRIP_DIR=$TMP "$TR" >"$TMP/unit.log" 2>&1; then
	notok "roundtrip writer" "$(grep -E 'ERROR|FAILED' "$TMP/unit.log" | head -5)"
	finish
fi
ls "$TMP" | grep -q '\.tmp\.' && notok "no temporary files left" "$(ls "$TMP")"

# Expected values of the fixture in tests/unit/test_result.c, by hand:
# row 0 samples 1..10: R-7 p10 = 1 + 9(0.1) = 1.9, p50 5.5, p90 9.1, p99 9.91,
#   stddev sqrt(sum (i-5.5)^2 / 9) = sqrt(82.5/9) = 3.0276503540974917,
#   CI x(2), x(9) = 2, 9; p50_cycles = 5.5 x 2 ticks/ns = 11.
# row 1 samples 11..20: the same shifted by 10; no ticks -> no cycles; added as
#   arm 2 of thread:process (result_arm).
# row 2 samples 100,300,200: p50 200, p10 = 100 + 0.2(100) = 120, p99 = 298,
#   stddev 100, n = 3 < 6 -> no CI; ns/page is a time -> cycles 400.
cat >"$TMP/expect.fixture.json" <<'JSON'
{"counters": ["PAPI_L1_DCM", "perf::PAGE-FAULTS"],
 "rows": [
  {"experiment": "pingpong", "kernel": "cas", "impl": "asm", "mode": "thread", "arms": null, "arm": null, "shm": "anon",
   "pages": "4k", "layout": "one-line", "placement": "cpus", "cpus": "0;1", "cpu_a": 0, "cpu_b": 1,
   "mem_node": null, "size_bytes": 64, "agents": 2, "samples": 10, "iters_per_sample": 1000,
   "metric": "round_trip", "unit": "ns", "min": 1, "p10": 1.9, "p50": 5.5, "p90": 9.1, "p99": 9.91,
   "max": 10, "mean": 5.5, "stddev": 3.0276503540974917, "ci_lo": 2, "ci_hi": 9, "p50_cycles": 11,
   "note": "a, \"quoted\" note", "ctr:PAPI_L1_DCM": 1.5, "ctr:perf::PAGE-FAULTS": null},
  {"experiment": "pingpong", "kernel": "cas", "mode": "process", "arms": "thread:process", "arm": "2",
   "cpus": "0;1", "unit": "ns",
   "min": 11, "p10": 11.9, "p50": 15.5, "p90": 19.1, "p99": 19.91, "max": 20, "mean": 15.5,
   "ci_lo": 12, "ci_hi": 19, "p50_cycles": null, "note": null,
   "ctr:PAPI_L1_DCM": null, "ctr:perf::PAGE-FAULTS": 0.25},
  {"experiment": "setup", "kernel": "touch", "impl": null, "mode": "thread", "layout": null,
   "cpus": "1", "cpu_a": 1, "cpu_b": null, "mem_node": 0, "agents": 1, "samples": 3,
   "metric": "per_page", "unit": "ns/page", "min": 100, "p10": 120, "p50": 200, "p90": 280,
   "p99": 298, "max": 300, "mean": 200, "stddev": 100, "ci_lo": null, "ci_hi": null,
   "p50_cycles": 400, "note": "line1\nline2"}
 ],
 "raw": [[1,2,3,4,5,6,7,8,9,10], [11,12,13,14,15,16,17,18,19,20], [100,300,200]],
 "meta": {"timer.name": "tsc", "timer.freq_hz": 2e9, "timer.overhead_ns": 20, "timer.warning": null,
          "command_line": ["cachepong", "pingpong", "--note=a \"b\"\\c\u0001"],
          "notes": ["perf::PAGE-FAULTS: not counted in process mode \"x\""],
          "extra": {"kernel_asm": "lock cmpxchg"}}}
JSON
# CSV "" is null for the checker: strings that are null in JSON are empty in CSV
if out=$(python3 "$ROOT/tests/roundtrip.py" "$TMP/expect.fixture.json" "$TMP/rows.csv" "$TMP/rows.json" \
	"$TMP/raw.csv" "$ROOT/results/README.md" 2>&1); then
	ok "roundtrip: csv, json and raw read back by python match"
else
	notok "roundtrip" "$out"
fi
# the checker itself must be able to fail: a wrong expectation is caught
sed 's/"p50": 5.5/"p50": 5.6/' "$TMP/expect.fixture.json" >"$TMP/wrong.fixture.json"
if python3 "$ROOT/tests/roundtrip.py" "$TMP/wrong.fixture.json" "$TMP/rows.csv" "$TMP/rows.json" \
	"$TMP/raw.csv" "$ROOT/results/README.md" >/dev/null 2>&1; then
	notok "roundtrip catches a wrong value" "p50 5.6 accepted"
else
	ok "roundtrip catches a wrong value"
fi
# --out never replaces anything but a regular file, and one file under two
# names is caught before measuring
mknod "$TMP/chardev" c 1 3 2>/dev/null || mkfifo "$TMP/chardev"
before=$(ls -l "$TMP/chardev" | cut -c1)
expect_exit "--out refuses a device or pipe" 1 "--out $TMP/chardev: is a (character device|named pipe)" \
	"$CP" pingpong --cpus 0,1 --op cas --samples 3 --out "$TMP/chardev"
[ "$(ls -l "$TMP/chardev" | cut -c1)" = "$before" ] && ok "--out left the device as it was" ||
	notok "--out left the device as it was" "$(ls -l "$TMP/chardev")"
echo keep >"$TMP/target"
ln -s "$TMP/target" "$TMP/link"
expect_exit "--out refuses a symbolic link" 1 "--out $TMP/link: is a symbolic link" \
	"$CP" pingpong --cpus 0,1 --op cas --samples 3 --out "$TMP/link"
[ "$(cat "$TMP/target")" = keep ] && ok "the link's target is untouched" || notok "link target" "changed"
mkdir -p "$TMP/sub"
expect_exit "--out and --raw: one file by two names" 2 "--raw .*the same file as --out" \
	"$CP" pingpong --cpus 0,1 --op cas --samples 3 --out "$TMP/same.csv" --raw "$TMP/sub/../same.csv"
ln "$TMP/target" "$TMP/hardlink"
expect_exit "--out and --raw: hard links of one file" 2 "--raw .*the same file as --out" \
	"$CP" pingpong --cpus 0,1 --op cas --samples 3 --out "$TMP/target" --raw "$TMP/hardlink"
[ -z "$(ls "$TMP" | grep '\.tmp\.')" ] && ok "no temporary file left by refused outputs" ||
	notok "temporary files" "$(ls "$TMP")"

# a topology "file" that never ends is refused, not read forever
expect_exit "--topology-xml /dev/zero" 2 "'/dev/zero' is not a regular file" \
	timeout 20 "$CP" topo --topology-xml /dev/zero

# more samples than the old 10^7 buffer (16 MB past it): all kept, no crash
if timeout 120 "$CP" pingpong --cpus 0,1 --op cas --samples 12000000 --iters 1 --warmup 0 \
	--format csv --out "$TMP/big.csv" 2>"$TMP/big.err"; then
	n=$(awk -F, 'NR==1 {for (i = 1; i <= NF; i++) if ($i == "samples") c = i} NR==2 {print $c}' "$TMP/big.csv")
	[ "$n" = 12000000 ] && ok "1.2x10^7 samples measured and kept" || notok "1.2x10^7 samples" "samples column '$n'"
else
	notok "1.2x10^7 samples" "exit $?: $(head -c 300 "$TMP/big.err")"
fi
rm -f "$TMP/big.csv"
finish
