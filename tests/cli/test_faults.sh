#!/bin/sh
# test_faults.sh: signals at several phases of the commands, to the main
# process and to an agent: the exit code, the time to exit (bounded), no
# leak (SysV segments, /dev/shm, processes, temporary files), and for
# sweep, report and matrix that a resume ends with exactly the cells of an
# uninterrupted run.  Phases are reached by polling for what the command
# has written or started, never by sleeping a guessed time.
. "$(dirname "$0")/lib.sh"
cd "$TMP" || exit 1
BOUND=15  # seconds a signalled command may take to exit


# poll (20 ms) until "$@" succeeds, at most 30 s; 1 when it never did
wait_for() {
	_i=0
	until "$@"; do
		_i=$((_i + 1))
		[ $_i -gt 1500 ] && return 1
		sleep 0.02
	done
	return 0
}

now() { date +%s.%N; }
agents_up() { [ "$(pgrep -P "$bg" | wc -l)" -ge 2 ]; }
# the sweep of a running matrix (FILE.part/sweep) holds a header and a pair
has_rows() {
	[ -f "$1.part/sweep/matrix.csv" ] && [ "$(wc -l <"$1.part/sweep/matrix.csv")" -ge 2 ]
}
logged() { [ -s "$1/cells-done.log" ]; }

# signals a shell left ignored (a background job's SIGINT) stay ignored
# across exec, and cachepong rightly keeps them so: start from the defaults
start() {
	env --default-signal=INT,TERM,HUP "$@" >"$TMP/out" 2>"$TMP/err" </dev/null &
	bg=$!
}

# signal SIG to PID; the command must end with EXIT within BOUND seconds
stop_check() {
	_name=$1 _sig=$2 _pid=$3 _want=$4
	_t0=$(now)
	kill -s "$_sig" "$_pid"
	wait "$bg"
	_rc=$?
	_dt=$(echo "$(now) - $_t0" | bc)
	if [ "$_rc" != "$_want" ]; then
		notok "$_name: exit" "exit $_rc, expected $_want: $(head -c 300 "$TMP/err")"
	else
		ok "$_name: exit $_want"
	fi
	if [ "$(echo "$_dt < $BOUND" | bc)" = 1 ]; then ok "$_name: exited in ${_dt%????} s"
	else notok "$_name: time" "took $_dt s to exit (bound $BOUND s)"; fi
	[ "${5:-}" = later ] && return 0
	# a SIGKILLed coordinator's agents end by PDEATHSIG, a moment later
	wait_for clean || true
	_after=$(leak_snapshot)
	if [ "$_after" = "$base" ]; then ok "$_name: nothing leaked"
	else notok "$_name: leaks" "$(printf '%s\n' "$_after" | grep -vxF -- "$base" | head -3 | tr '\n' ' ')"; fi
}

clean() { [ "$(leak_snapshot)" = "$base" ]; }

# the cells of a results CSV, as sorted keys: a missing column or an
# unreadable file prints ERROR, which never equals a real key list
keys() {
	python3 - "$@" <<'PY'
import csv, sys
out = []
try:
    for path in sys.argv[1:]:
        with open(path) as f:
            r = csv.DictReader(f)
            for row in r:
                out.append("|".join(row[c] for c in ("experiment", "kernel", "mode", "metric", "cpu_a", "cpu_b")))
    if not out:
        raise ValueError("no rows")
    print("\n".join(sorted(out)))
except Exception as e:
    print("ERROR", e)
PY
}

same_keys() {
	_name=$1 _a=$2 _b=$3
	_ka=$(keys "$_a") _kb=$(keys "$_b")
	case "$_ka$_kb" in *ERROR*) notok "$_name" "cannot read the rows: $_ka $_kb" ; return ;; esac
	if [ "$_ka" = "$_kb" ]; then ok "$_name ($(printf '%s\n' "$_ka" | wc -l) rows)"
	else notok "$_name" "resumed rows differ from the uninterrupted run's"; fi
}

base=$(leak_snapshot)

# ---- pingpong: main process, agents running (process mode: children)
for s in INT:130 TERM:143 HUP:129 KILL:137; do
	sig=${s%:*} want=${s#*:}
	rm -f pp.csv
	start "$CP" pingpong --cpus 0,1 --mode process --shm sysv --samples 200000 --out pp.csv
	if wait_for agents_up; then
		if [ "$sig" = KILL ]; then
			stop_check "pingpong SIG$sig while measuring" "$sig" "$bg" "$want" later
			# its pp.csv.tmp.PID stays; the next run writing pp.csv removes it
			"$CP" pingpong --cpus 0,1 --op cas --samples 3 --out pp.csv 2>/dev/null
			rm -f pp.csv
			wait_for clean && ok "pingpong SIGKILL: the next run removed what it left" ||
				notok "pingpong SIGKILL: left" "$(leak_snapshot | grep -vxF -- "$base" | head -3 | tr '\n' ' ')"
		else
			stop_check "pingpong SIG$sig while measuring" "$sig" "$bg" "$want"
		fi
	else notok "pingpong SIG$sig" "the agents never started"; kill -9 "$bg"; wait "$bg"; fi
	[ -e pp.csv ] && notok "pingpong SIG$sig: no output" "pp.csv was written" || ok "pingpong SIG$sig: no half file"
done
# ... and posix / memfd memory, INT
for k in posix memfd; do
	start "$CP" pingpong --cpus 0,1 --mode process --shm $k --samples 200000
	wait_for agents_up && stop_check "pingpong --shm $k SIGINT" INT "$bg" 130
done

# ---- an agent killed or stopped: the coordinator ends the run, reaps all
start "$CP" pingpong --cpus 0,1 --mode process --samples 200000 --timeout 1
if wait_for agents_up; then
	stop_check "agent SIGKILL" KILL "$(pgrep -P "$bg" | head -1)" 1
	grep -q "killed by signal 9" "$TMP/err" && ok "agent SIGKILL: named" || notok "agent SIGKILL: named" "$(head -c 200 "$TMP/err")"
fi
start "$CP" pingpong --cpus 0,1 --mode process --samples 200000 --timeout 1
if wait_for agents_up; then
	stop_check "agent SIGSTOP" STOP "$(pgrep -P "$bg" | head -1)" 1
	grep -q "stopped answering" "$TMP/err" && ok "agent SIGSTOP: named" || notok "agent SIGSTOP: named" "$(head -c 200 "$TMP/err")"
fi
# a SIGSTOP/SIGCONT of the main process is no fault: the run completes
start "$CP" pingpong --cpus 0,1 --mode process --op cas --samples 20000 --out cont.csv
if wait_for agents_up; then
	kill -STOP "$bg"; kill -CONT "$bg"; wait "$bg"
	rc=$?
	[ "$rc" = 0 ] && [ -s cont.csv ] && ok "main SIGSTOP/SIGCONT: completes" || notok "main SIGSTOP/SIGCONT" "exit $rc"
fi

# ---- setup with SysV segments: SIGKILL at every phase leaves none behind
# (a segment a killed run left is removed by the next run)
for i in 1 2 3; do
	start "$CP" setup --cpus 0,1 --what create,attach,detach --shm sysv --sizes 4K..1M --samples 200 --mode both
	wait_for agents_up || true
	stop_check "setup sysv SIGKILL $i" KILL "$bg" 137 later
	"$CP" setup --cpus 0,1 --what create --shm sysv --sizes 4K --samples 1 --mode thread --out s$i.csv 2>/dev/null
	[ "$(leak_snapshot)" = "$base" ] && ok "setup sysv SIGKILL $i: no segment after the next run" ||
		notok "setup sysv SIGKILL $i" "$(leak_snapshot | grep -vxF -- "$base" | head -3 | tr '\n' ' ')"
	rm -f s$i.csv
done
# the cost commands, their agents running as processes: they stop, drop
# their output and end by the signal
for cmd in "sync --prim futex,pipe" "contend --op faa --agents 2" "copy --via memcpy,pipe" "setup --what touch --shm anon --sizes 64M --samples 400"; do
	for s in INT:130 TERM:143 HUP:129; do
		sig=${s%:*} want=${s#*:}
		rm -f cost.csv
		case "$cmd" in *--samples*) n= ;; *) n="--samples 100000" ;; esac
		start "$CP" $cmd --cpus 0,1 --mode process $n --out cost.csv
		if wait_for agents_up; then stop_check "${cmd%% *} SIG$sig while measuring" "$sig" "$bg" "$want"
		else notok "${cmd%% *} SIG$sig" "the agents never started: $(head -c 200 "$TMP/err")"; kill -9 "$bg"; wait "$bg"; fi
		[ -e cost.csv ] && notok "${cmd%% *} SIG$sig: no output" "cost.csv written" || ok "${cmd%% *} SIG$sig: no half file"
	done
done

# ---- sweep: interrupted after a cell, resumed = the uninterrupted rows
printf 'pingpong --cpus 0,1 --op cas --samples 20000\npingpong --cpus 0,1 --op faa --samples 20000\ncontend --cpus 0,1 --op faa --samples 10\nsync --cpus 0,1 --prim futex --samples 10\n' >plan.txt
"$CP" sweep --plan plan.txt --dir ref >/dev/null 2>&1 || notok "sweep reference" "failed"
for s in INT:130 TERM:130 HUP:130 KILL:137; do
	sig=${s%:*} want=${s#*:}
	start "$CP" sweep --plan plan.txt --dir sw$sig
	if wait_for logged sw$sig; then stop_check "sweep SIG$sig after a cell" "$sig" "$bg" "$want"
	else notok "sweep SIG$sig" "no cell was logged"; kill -9 "$bg"; wait "$bg"; fi
	# a child cell of a SIGKILLed sweep dies with it (PDEATHSIG): wait for that
	wait_for sh -c "! pgrep -f '^$CP (pingpong|contend|sync) ' >/dev/null"
	if "$CP" sweep --resume sw$sig >/dev/null 2>"$TMP/err2"; then
		same_keys "sweep SIG$sig: resume" "ref/pingpong.csv" "sw$sig/pingpong.csv"
		same_keys "sweep SIG$sig: resume (sync)" "ref/sync.csv" "sw$sig/sync.csv"
	else notok "sweep SIG$sig: resume" "$(head -c 300 "$TMP/err2")"; fi
	grep -q '"sweep_status": "complete"' sw$sig/meta.json && ok "sweep SIG$sig: meta complete" ||
		notok "sweep SIG$sig: meta" "$(grep sweep_status sw$sig/meta.json)"
done
# after a SIGKILL, meta.json said "running"; plot says it is gone
start "$CP" sweep --plan plan.txt --dir swk
if wait_for logged swk; then
	kill -9 "$bg"; wait "$bg"
	"$CP" plot swk >/dev/null 2>&1
	grep -q '"sweep_status": "killed"' swk/meta.json && ok "kill -9: meta.json says killed" ||
		notok "kill -9: meta.json" "$(grep sweep_status swk/meta.json)"
fi

# ---- matrix: interrupted after a pair, resumed = the uninterrupted pairs
"$CP" matrix --cpus 0,1 --op all --mode both --samples 8000 --out mref.csv >/dev/null 2>&1 || notok "matrix reference" failed
for s in INT:130 TERM:130 HUP:130 KILL:137; do
	sig=${s%:*} want=${s#*:}
	start "$CP" matrix --cpus 0,1 --op all --mode both --samples 8000 --out m$sig.csv
	# a SIGKILLed matrix leaves its rows in FILE.part: the resume goes on from there
	if wait_for has_rows m$sig.csv; then
		stop_check "matrix SIG$sig after a pair" "$sig" "$bg" "$want" "$([ $sig = KILL ] && echo later)"
	else notok "matrix SIG$sig" "no pair was written"; kill -9 "$bg"; wait "$bg"; fi
	if "$CP" matrix --cpus 0,1 --op all --mode both --samples 8000 --resume m$sig.csv >/dev/null 2>"$TMP/err2"; then
		same_keys "matrix SIG$sig: resume" mref.csv m$sig.csv
		wait_for clean && ok "matrix SIG$sig: nothing left after the resume" ||
			notok "matrix SIG$sig: left" "$(leak_snapshot | grep -vxF -- "$base" | head -3 | tr '\n' ' ')"
	else notok "matrix SIG$sig: resume" "$(head -c 300 "$TMP/err2")"; fi
done

# ---- report: interrupted during its sweep, resumed = the uninterrupted cells
"$CP" report --preset quick --dir rref >/dev/null 2>&1 || notok "report reference" failed
start "$CP" report --preset quick --budget 77s --dir rint
if wait_for logged rint; then stop_check "report SIGINT during the sweep" INT "$bg" 130
	if "$CP" report --resume rint >/dev/null 2>"$TMP/err2"; then
		# the resume goes on within the budget the report was started with
		grep -q "budget 77 s" "$TMP/err2" && ok "report SIGINT: resume keeps --budget 77s" ||
			notok "report resume budget" "$(grep -m1 budget "$TMP/err2")"
		same_keys "report SIGINT: resume" rref/pingpong.csv rint/pingpong.csv
		[ -s rint/report.md ] && ok "report SIGINT: resume writes the report" || notok "report resume" "no report.md"
	else notok "report SIGINT: resume" "$(head -c 300 "$TMP/err2")"; fi
fi
finish
