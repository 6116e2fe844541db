#!/bin/sh
# test_pingpong.sh: correctness of the ping-pong cells (not speed): every
# op x mode x shm x layout passes its tokens (the harness checks the
# kernels' checksums and the line's final value, and fails otherwise), rows
# carry the CPUs and node used, --mode both rows differ only in mode, bad
# values exit 2, and nothing leaks after normal runs, a partner killed with
# SIGKILL or stopped with SIGSTOP.
. "$(dirname "$0")/lib.sh"

ncpu=$(nproc)
if [ "$ncpu" -lt 2 ]; then
	expect_exit "one CPU: pingpong needs two" 2 "two different CPUs|does not exist|allowed" \
		"$CP" pingpong --cpus 0,1 --samples 3
	finish
fi

leaks() {
	segs=$(ipcs -m 2>/dev/null | awk 'NR>3 && $1 ~ /^0x/ {n++} END {print n+0}')
	files=$(find /dev/shm -maxdepth 1 -name 'cachepong*' 2>/dev/null | wc -l)
	zomb=$(ps -eo stat= | awk '$1 ~ /^Z/ {n++} END {print n+0}')
	echo "$segs $files $zomb"
}
before=$(leaks)

# the agent process of a background run $1 (waits until fork has happened)
agent_of() {
	for _ in $(seq 1 500); do
		c=$(pgrep -P "$1" | tail -n 1)
		[ -n "$c" ] && { echo "$c"; return 0; }
		sleep 0.01
	done
	return 1
}

# every op x mode x shm x layout x poll: exit 0 and a row per op with the
# right fields.  The harness itself fails a cell whose tokens do not add up.
# --poll rmw (the atomic is the poll, one line only): --op all means the
# three atomics; the harness checks their tokens the same way
for mode in thread process; do
	for shm in heap anon sysv posix memfd; do
		[ "$mode" = process ] && [ "$shm" = heap ] && continue
		for lp in one-line:load two-lines:load one-line:rmw; do
			layout=${lp%:*} poll=${lp#*:}
			name="tokens $mode $shm $layout"
			[ "$poll" = rmw ] && name="tokens --poll rmw $mode $shm"
			out=$("$CP" pingpong --cpus 0,1 --op all --poll "$poll" --mode "$mode" --shm "$shm" \
				--layout "$layout" --samples 5 --warmup 2 --iters 200 --format csv 2>"$TMP/err")
			rc=$?
			if [ $rc != 0 ]; then
				notok "$name" "exit $rc: $out $(cat "$TMP/err")"
				continue
			fi
			bad=$(printf '%s\n' "$out" | python3 -c '
import csv, sys
rows = list(csv.DictReader(sys.stdin))
ops = [r["kernel"] for r in rows]
want = sys.argv[1:]
err = []
wops = ["load-store", "cas", "faa", "xchg"] if want[3] == "load" else ["cas", "faa", "xchg"]
if ops != wops: err.append("ops %s, want %s" % (ops, wops))
for r in rows:
    for k, v in zip(("mode", "shm", "layout", "poll"), want):
        if r[k] != v: err.append("%s=%s want %s" % (k, r[k], v))
    if r["cpus"] != "0;1" or r["cpu_a"] != "0" or r["cpu_b"] != "1": err.append("cpus %s" % r["cpus"])
    if r["mem_node"] == "": err.append("mem_node empty")
    if r["samples"] != "5" or r["iters_per_sample"] != "200": err.append("samples/iters")
    if not float(r["p50"]) > 0: err.append("p50 %s" % r["p50"])
    if r["metric"] != "round_trip" or r["unit"] != "ns": err.append("metric")
print("; ".join(err) or "OK")
' "$mode" "$shm" "$layout" "$poll" 2>&1)
			# only an explicit OK passes: a crash or no output fails
			if [ "$bad" = OK ]; then ok "$name"; else notok "$name" "${bad:-the check printed nothing}"; fi
		done
	done
done

# the default poll is load
out=$("$CP" pingpong --cpus 0,1 --op cas --samples 5 --format csv 2>"$TMP/err")
[ "$(printf '%s\n' "$out" | python3 -c 'import csv, sys; print(next(csv.DictReader(sys.stdin))["poll"])' 2>&1)" = load ] &&
	ok "poll: load by default" || notok "poll: load by default" "$out $(cat "$TMP/err")"

# --mode both: the two arms' rows differ in mode and in the measured
# figures only (the third row is their comparison)
out=$("$CP" pingpong --cpus 1,0 --op faa --mode both --shm sysv --samples 5 --warmup 1 --format csv 2>"$TMP/err")
bad=$(printf '%s\n' "$out" | python3 -c '
import csv, sys
rows = list(csv.DictReader(sys.stdin))
if len(rows) != 3: print("rows: %d" % len(rows)); sys.exit()
t, p = rows[:2]
if (t["mode"], p["mode"]) != ("thread", "process"): print("modes", t["mode"], p["mode"])
measured = {"mode", "arm", "min", "p10", "p50", "p90", "p99", "max", "mean", "stddev", "ci_lo", "ci_hi", "p50_cycles", "iters_per_sample",
            "sample_ns", "modes", "mode_p50", "mode_weight"}
diff = [k for k in t if k not in measured and t[k] != p[k]]
if diff: print("differ in", diff)
arms = [(r["arms"], r["arm"]) for r in rows]
if arms != [("thread:process", "1"), ("thread:process", "2"), ("thread:process", "")]: print("arms", arms)
if t["cpus"] != "1;0": print("cpus", t["cpus"])
print("OK")
' 2>&1)
[ "$bad" = OK ] && ok "mode both: identical settings" || notok "mode both: identical settings" "$bad: $out $(cat "$TMP/err")"

# --mode both without --shm uses one memory kind for both rows
out=$("$CP" pingpong --cpus 0,1 --op cas --mode both --samples 3 --warmup 1 --format csv 2>&1)
n=$(printf '%s\n' "$out" | python3 -c '
import csv, sys
print(sum(r["shm"] == "anon" for r in csv.DictReader(sys.stdin)))' 2>&1)
[ "$n" = 3 ] && ok "mode both: same shm by default" || notok "mode both: same shm by default" "$out"

# JSON and raw samples
"$CP" pingpong --cpus 0,1 --op xchg --samples 7 --warmup 1 --format json --out "$TMP/pp.json" --raw "$TMP/raw.csv" >/dev/null 2>&1
check "json output parses" python3 -c "
import json; d = json.load(open('$TMP/pp.json'))
r = d['results'][0]; assert r['kernel'] == 'xchg' and r['samples'] == 7, r
assert 'timer' in d['meta'] or 'timer' in str(d['meta'])"
check "raw has one line per sample" python3 -c "
import csv; rows = list(csv.DictReader(open('$TMP/raw.csv'))); assert len(rows) == 7, len(rows)"

# --target-ci keeps sampling until the CI is tight (or the bound)
out=$("$CP" pingpong --cpus 0,1 --op cas --samples 10 --target-ci 50 --format csv 2>&1)
n=$(printf '%s\n' "$out" | python3 -c 'import csv, sys; print(next(csv.DictReader(sys.stdin))["samples"])' 2>/dev/null)
[ "${n:-0}" -ge 10 ] && ok "target-ci runs" || notok "target-ci runs" "$out"

# spin=pause and c11 variants run and say so
out=$("$CP" pingpong --cpus 0,1 --op cas --impl c11 --spin pause --samples 3 --warmup 1 --format csv 2>&1)
printf '%s' "$out" | grep -q ',c11,.*spin=pause' && ok "c11 + pause" || notok "c11 + pause" "$out"

# bad values: exit 2 with the value and what is allowed
expect_exit "op list with an empty name" 2 "--op: invalid value 'cas,': an empty name" \
	"$CP" pingpong --op cas, --samples 2
expect_exit "op list with a name twice" 2 "--op: invalid value 'cas,cas': 'cas' given twice" "$CP" pingpong --op cas,cas --samples 2
expect_exit "contend op list with a name twice" 2 "--op: invalid value 'faa,faa': 'faa' given twice" "$CP" contend --op faa,faa
expect_exit "bad op" 2 "'foo'.*load-store\|cas\|faa\|xchg" "$CP" pingpong --op foo
expect_exit "bad mode" 2 "'x'.*thread\|process\|both" "$CP" pingpong --mode x
expect_exit "bad shm" 2 "'x'.*heap\|anon" "$CP" pingpong --shm x
expect_exit "bad pages" 2 "'x'.*4k\|thp\|huge" "$CP" pingpong --pages x
expect_exit "bad layout" 2 "'x'.*one-line\|two-lines" "$CP" pingpong --layout x
expect_exit "bad spin" 2 "'x'.*plain\|pause" "$CP" pingpong --spin x
expect_exit "bad impl" 2 "'x'.*asm" "$CP" pingpong --impl x
expect_exit "bad iters" 2 "'0'" "$CP" pingpong --iters 0
expect_exit "bad warmup" 2 "'-1'" "$CP" pingpong --warmup -1
expect_exit "bad timeout" 2 "'0'" "$CP" pingpong --timeout 0
expect_exit "bad target-ci" 2 "'0'" "$CP" pingpong --target-ci 0
expect_exit "same cpu twice" 2 "twice" "$CP" pingpong --cpus 0,0
expect_exit "heap with processes" 2 "heap.*anon, sysv, posix or memfd" "$CP" pingpong --mode process --shm heap
expect_exit "one cpu given" 2 "'0' has 1 CPU: allowed: exactly two" "$CP" pingpong --cpus 0
expect_exit "three cpus given" 2 "'0-2' has 3 CPUs: allowed: exactly two" "$CP" pingpong --cpus 0-2
expect_exit "positional word" 2 "unexpected argument 'extra'" "$CP" pingpong extra

# not available here: exit 3 with the reason (only where it really is missing)
nodes=$(ls -d /sys/devices/system/node/node* 2>/dev/null | wc -l)
expect_exit "mem-node beyond the machine" 3 "not available on this machine: needs NUMA node $nodes" \
	"$CP" pingpong --cpus 0,1 --mem-node "$nodes" --samples 3
if [ "$(cat /proc/sys/vm/nr_hugepages 2>/dev/null)" = 0 ]; then
	expect_exit "huge pages: none reserved" 3 "not available on this machine: .*nr_hugepages is 0" \
		"$CP" pingpong --cpus 0,1 --pages huge --samples 3
fi
if grep -q '\[never\]' /sys/kernel/mm/transparent_hugepage/shmem_enabled 2>/dev/null; then
	expect_exit "thp on shmem: shmem_enabled never" 3 "not available on this machine: .*shmem_enabled is 'never'" \
		"$CP" pingpong --cpus 0,1 --mode process --pages thp --samples 3
fi

# a partner killed mid-run: exit 1 naming it, children reaped, nothing left
"$CP" pingpong --cpus 0,1 --op cas --mode process --shm sysv --samples 10000000 --iters 1000 \
	--format csv >"$TMP/kill.out" 2>"$TMP/kill.err" &
pp=$!
child=$(agent_of "$pp")
if [ -z "$child" ]; then
	notok "SIGKILL partner" "no agent process appeared"
	kill -9 "$pp" 2>/dev/null
else
	kill -9 "$child"
	wait "$pp"
	rc=$?
	if [ $rc = 1 ] && grep -q "killed by signal 9" "$TMP/kill.err"; then ok "SIGKILL partner: exit 1"; \
	else notok "SIGKILL partner: exit 1" "exit $rc: $(cat "$TMP/kill.err")"; fi
	[ -z "$(pgrep -P "$pp")" ] && ok "SIGKILL partner: children reaped" || notok "SIGKILL partner: children reaped" "left: $(pgrep -P "$pp")"
fi

# a partner stopped: the watchdog ends the run after --timeout
"$CP" pingpong --cpus 0,1 --op faa --mode process --shm posix --samples 10000000 --iters 1000 \
	--timeout 1 --format csv >"$TMP/stop.out" 2>"$TMP/stop.err" &
pp=$!
child=$(agent_of "$pp")
if [ -n "$child" ]; then
	kill -STOP "$child"
	wait "$pp"
	rc=$?
	if [ $rc = 1 ] && grep -q "stopped answering" "$TMP/stop.err"; then ok "SIGSTOP partner: watchdog"; \
	else notok "SIGSTOP partner: watchdog" "exit $rc: $(cat "$TMP/stop.err")"; fi
	kill -CONT "$child" 2>/dev/null
else
	notok "SIGSTOP partner: watchdog" "no agent process appeared"
	kill -9 "$pp" 2>/dev/null
fi

# one sample longer than --timeout is no hang: the lines still move (both
# modes); the check reads the CSV's row and fails when it has none
for m in thread process; do
	if "$CP" pingpong --cpus 0,1 --op cas --mode $m --iters 5000000 --samples 1 --warmup 0 \
		--timeout 0.2 --format csv >"$TMP/long.out" 2>"$TMP/long.err" &&
	   [ "$(awk -F, 'NR == 2 { print $1 "," $4 }' "$TMP/long.out")" = "pingpong,$m" ]; then
		ok "sample longer than --timeout ($m): measured"
	else
		notok "sample longer than --timeout ($m)" "$(head -c 300 "$TMP/long.err")"
	fi
done

# interleaved arms: --mode both is thread:process in ABBA blocks; the arms'
# rows and one comparison row with its verdict, margin and block pairs
for m in both thread:thread process:process; do
	# --iters 2000: blocks of milliseconds, so that a sleeping partner's
	# wake-ups are a small share of its parked time even under emulation
	if "$CP" pingpong --cpus 0,1 --op cas --mode $m --margin 4 --iters 2000 --format csv >"$TMP/arms.csv" 2>"$TMP/arms.err"; then
		bad=$(python3 -c "
import csv, re, sys
rows = list(csv.DictReader(open(sys.argv[1])))
want = {'both': 'thread:process'}.get(sys.argv[2], sys.argv[2])
err = []
if len(rows) != 3: err.append('%d rows' % len(rows))
arms, cmp = rows[:2], rows[2]
if [r['mode'] for r in arms] != want.split(':'): err.append('arm modes %s' % [r['mode'] for r in arms])
if cmp['mode'] != want or cmp['metric'] != 'ratio': err.append('comparison row %s %s' % (cmp['mode'], cmp['metric']))
if cmp['verdict'] not in ('equivalent', 'slower', 'faster', 'inconclusive'): err.append('verdict ' + repr(cmp['verdict']))
if float(cmp['margin']) != 4: err.append('margin ' + cmp['margin'])
b = int(cmp['blocks'])
if b < 20 or b % 2: err.append('blocks %d' % b)
if any(int(r['samples']) != 10 * b for r in arms): err.append('arm samples %s' % [r['samples'] for r in arms])
if not float(cmp['ci_lo']) <= float(cmp['p50']) <= float(cmp['ci_hi']): err.append('interval')
if any(r['verdict'] or r['margin'] or r['blocks'] for r in arms): err.append('arm rows carry comparison columns')
# the parked partner sleeps in the kernel: a spinning one shares CPU b with
# the running partner and gets ~40% of its parked time; a sleeping one
# under 1% here (its wake-ups cost more under emulation)
cpu = [float(x) for x in re.findall(r'([0-9.]+)% of', cmp['note'].replace(' and ', ' of '))]
if len(cpu) != 2 or max(cpu) > 15: err.append('parked CPU ' + cmp['note'])
print('; '.join(err))
" "$TMP/arms.csv" "$m" 2>&1)
		[ -z "$bad" ] && ok "arms $m: rows, verdict, parked partner" || notok "arms $m" "$bad"
	else
		notok "arms $m" "exit $?: $(head -c 300 "$TMP/arms.err")"
	fi
done
check "arms: JSON comparison row" sh -c "'$CP' pingpong --cpus 0,1 --op cas --mode both --format json | python3 -c '
import json, sys
r = json.load(sys.stdin)[\"results\"]
c = [x for x in r if x[\"metric\"] == \"ratio\"]
assert len(c) == 1 and c[0][\"verdict\"] in (\"equivalent\", \"slower\", \"faster\", \"inconclusive\"), c
assert c[0][\"margin\"] == 5 and c[0][\"blocks\"] >= 20, c
assert all(x[\"verdict\"] is None for x in r if x[\"metric\"] != \"ratio\"), r
'"
out=$("$CP" pingpong --cpus 0,1 --op cas --mode both --format table 2>&1)
printf '%s\n' "$out" | grep -Eq 'process / thread [0-9.]+ \[[0-9.]+, [0-9.]+\]: (equivalent|slower|faster|inconclusive) at a 5% margin' &&
	ok "arms: the table states the verdict" || notok "arms: the table states the verdict" "$out"

# k arms over one key: a list on --shm is a design of one cell, each arm
# against the baseline (--baseline, default the first), intervals at
# 100 - 5/(k-1) % so that the k-1 hold together at 95%
for base in "" sysv; do
	if "$CP" pingpong --cpus 0,1 --op cas --mode thread --shm anon,sysv,posix,memfd ${base:+--baseline $base} \
		--format csv >"$TMP/karm.csv" 2>"$TMP/karm.err"; then
		bad=$(python3 -c "
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
base = sys.argv[2] or 'anon'
kinds = ['anon', 'sysv', 'posix', 'memfd']
err = []
arms = [r for r in rows if r['metric'] == 'round_trip']
cmp = [r for r in rows if r['metric'] == 'ratio']
if [r['shm'] for r in arms] != kinds: err.append('arm kinds %s' % [r['shm'] for r in arms])
if [r['arm'] for r in arms] != ['1', '2', '3', '4']: err.append('arm numbers %s' % [r['arm'] for r in arms])
if any(r['arms'] != 'shm=anon:sysv:posix:memfd' or r['mode'] != 'thread' for r in rows): err.append('arms/mode columns')
want = ['%s:%s' % (base, k) for k in kinds if k != base]
if [r['shm'] for r in cmp] != want: err.append('comparisons %s, want %s' % ([r['shm'] for r in cmp], want))
ref = kinds.index(base) + 1
if [r['arm'].split(':')[0] for r in cmp] != [str(ref)] * 3: err.append('baseline arm %s' % [r['arm'] for r in cmp])
rounds = {int(r['blocks']) for r in cmp}
if len(rounds) != 1 or min(rounds) < 20 or min(rounds) % 4: err.append('rounds %s' % rounds)
if any(int(r['samples']) != 10 * min(rounds) for r in arms): err.append('arm samples')
for r in cmp:
    if r['verdict'] not in ('equivalent', 'slower', 'faster', 'inconclusive'): err.append('verdict ' + repr(r['verdict']))
    if abs(float(r['ci_level']) - 98.33) > 0.01: err.append('ci_level ' + r['ci_level'])
    if not float(r['ci_lo']) <= float(r['p50']) <= float(r['ci_hi']): err.append('interval')
if any(r['verdict'] or r['ci_level'] for r in arms): err.append('arm rows carry comparison columns')
print('; '.join(err))
" "$TMP/karm.csv" "$base" 2>&1)
		[ -z "$bad" ] && ok "k arms over --shm${base:+ --baseline $base}: rows, baseline, verdicts" ||
			notok "k arms over --shm${base:+ --baseline $base}" "$bad"
	else
		notok "k arms over --shm${base:+ --baseline $base}" "exit $?: $(head -c 300 "$TMP/karm.err")"
	fi
done
# the other keys: one design each, its key column holds the pairs; a
# placement listed twice is the A/A design of placements (one class here)
cls=$("$CP" pingpong --cpus 0,1 --op cas --samples 6 --warmup 1 --format csv 2>/dev/null |
	python3 -c 'import csv, sys; print(next(csv.DictReader(sys.stdin))["placement"])')
for kv in "layout one-line,two-lines" "poll load,rmw" "placement $cls,$cls"; do
	set -- $kv
	where="--cpus 0,1"; [ "$1" = placement ] && where=""
	# shellcheck disable=SC2086  # where is a list of words
	if "$CP" pingpong $where --op cas --"$1" "$2" --format csv >"$TMP/karm2.csv" 2>"$TMP/karm2.err"; then
		bad=$(python3 -c "
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
key, vals = sys.argv[2], sys.argv[3].split(',')
c = [r for r in rows if r['metric'] == 'ratio']
a = [r for r in rows if r['metric'] == 'round_trip']
assert [r[key] for r in a] == vals, [r[key] for r in a]
assert len(c) == 1 and c[0][key] == ':'.join(vals) and c[0]['arms'] == key + '=' + ':'.join(vals), c
assert float(c[0]['ci_level']) == 95 and c[0]['verdict'], c
" "$TMP/karm2.csv" "$1" "$2" 2>&1)
		[ -z "$bad" ] && ok "k arms over --$1" || notok "k arms over --$1" "$bad"
	else
		notok "k arms over --$1" "exit $?: $(head -c 300 "$TMP/karm2.err")"
	fi
done
# ops as arms: --arms op makes the op list one design (the rows' kernel
# column holds the pair), --baseline one of the ops
if "$CP" pingpong --cpus 0,1 --arms op --op cas,faa,xchg --baseline faa --format csv >"$TMP/karm3.csv" 2>"$TMP/karm3.err" &&
	python3 - "$TMP/karm3.csv" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
a = [r for r in rows if r["metric"] == "round_trip"]
c = [r for r in rows if r["metric"] == "ratio"]
assert [r["kernel"] for r in a] == ["cas", "faa", "xchg"] and all(r["arms"] == "kernel=cas:faa:xchg" for r in rows), a
assert [r["kernel"] for r in c] == ["faa:cas", "faa:xchg"] and [r["arm"] for r in c] == ["2:1", "2:3"], c
assert all(abs(float(r["ci_level"]) - 97.5) < 1e-9 and r["verdict"] for r in c), c
EOF
then
	ok "k arms over --op (--arms op, --baseline faa)"
else
	notok "k arms over --op" "$(head -c 300 "$TMP/karm3.err")"
fi
out=$("$CP" pingpong --cpus 0,1 --op cas --shm anon,sysv,memfd --format table 2>&1)
printf '%s\n' "$out" | grep -Eq 'memfd / anon [0-9.]+ \[[0-9.]+, [0-9.]+\]: (equivalent|slower|faster|inconclusive) at a 5% margin \(24 rounds, interval at 97.5%\)' &&
	ok "k arms: the table states each verdict and its coverage" || notok "k arms: the table" "$out"

# counters per arm: each arm's rows count over its own blocks (page faults
# and context switches are software events: every machine has them); the
# comparison row carries the arms' ratio where both counted something
for m in both k; do
	case $m in both) args="--mode both" ;; k) args="--shm anon,sysv" ;; esac
	# shellcheck disable=SC2086  # args is a list of words
	if "$CP" pingpong --cpus 0,1 --op cas $args --counters perf --events page-faults,context-switches,cycles \
		--format json >"$TMP/ctr.json" 2>"$TMP/ctr.err"; then
		bad=$(python3 -c "
import json, sys
r = json.load(open(sys.argv[1]))['results']
err = []
arms = [x for x in r if x['metric'] == 'round_trip']
if len(arms) != 2: err.append('%d arm rows' % len(arms))
for x in arms:
    c = {k[4:]: v for k, v in x.items() if k.startswith('ctr:')}
    for ev in ('page-faults', 'context-switches'):
        if not isinstance(c.get(ev), (int, float)): err.append('arm %s: %s is %r' % (x['arm'], ev, c.get(ev)))
    # no PMU here: cycles is unavailable, null, never 0
    if 'cycles' not in c: err.append('arm %s: no cycles key' % x['arm'])
    elif c['cycles'] is not None and c['cycles'] == 0: err.append('cycles reported as 0')
print('; '.join(err))
" "$TMP/ctr.json" 2>&1)
		[ -z "$bad" ] && ok "counters per arm ($m): JSON" || notok "counters per arm ($m)" "$bad"
	else
		notok "counters per arm ($m)" "exit $?: $(head -c 300 "$TMP/ctr.err")"
	fi
done
if "$CP" pingpong --cpus 0,1 --op cas --mode both --counters perf --events page-faults --format csv \
	>"$TMP/ctr.csv" 2>"$TMP/ctr.err"; then
	python3 -c "
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
arms = [r for r in rows if r['metric'] == 'round_trip']
assert len(arms) == 2 and all(r['ctr:page-faults'] != '' for r in arms), arms
" "$TMP/ctr.csv" 2>"$TMP/ctr.py" && ok "counters per arm: CSV column on each arm" ||
		notok "counters per arm: CSV" "$(cat "$TMP/ctr.py")"
else
	notok "counters per arm: CSV" "exit $?: $(head -c 300 "$TMP/ctr.err")"
fi

# the result file of a failed run is not left half-written
"$CP" pingpong --cpus 0,1 --mode process --samples 10000000 --iters 1000 --timeout 1 \
	--format csv --out "$TMP/never.csv" >/dev/null 2>&1 &
pp=$!
child=$(agent_of "$pp")
if [ -n "$child" ]; then
	kill -9 "$child"
else
	notok "failed run: its agent" "no agent process of $pp appeared"
	kill -9 "$pp"
fi
wait "$pp"
if [ ! -e "$TMP/never.csv" ] && [ -z "$(ls "$TMP" | grep 'never.csv.tmp')" ]; then ok "failed run leaves no file"; \
else notok "failed run leaves no file" "$(ls "$TMP")"; fi

after=$(leaks)
# other programs on the machine may come and go: only an increase is ours
set -- $before $after
[ "$4" -le "$1" ] && [ "$5" -le "$2" ] && [ "$6" -le "$3" ] && ok "no leaks (segments files zombies: $after)" || \
	notok "no leaks" "before $before after $after (segments, /dev/shm files, zombies)"
finish
