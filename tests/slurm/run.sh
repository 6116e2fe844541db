#!/bin/sh
# run.sh: a real Slurm on this machine (`make test-slurm`; `make test` runs
# it where Debian's slurmctld, slurmd and munge are installed).  It starts
# munged, slurmctld and slurmd with a generated one-node configuration
# (proctrack/linuxproc, task/none: no cgroups), all under a private
# directory, runs `cachepong fleet --slurm` as a job array of two short
# tasks and the dependent comparison, checks the two runs and the
# comparison report, reruns the fleet (nothing left to do but compare),
# then stops the daemons and checks that none is left running.
#
# Output: PASS/FAIL lines (into $CP_TEST_LOG when set), then
# "N passed, M failed".  CP: the binary (default build/cachepong).
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CP=${CP:-$ROOT/build/cachepong}
LOG=${CP_TEST_LOG:-}
BUDGET=${CP_SLURM_BUDGET:-40s}
pass=0
fail=0

ok() { pass=$((pass + 1)); echo "PASS slurm: $1"; [ -n "$LOG" ] && echo "PASS slurm: $1" >>"$LOG"; return 0; }
notok() {
	fail=$((fail + 1))
	echo "FAIL slurm: $1: $2" >&2
	[ -n "$LOG" ] && echo "FAIL slurm: $1: $2" >>"$LOG"
	return 0
}
finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" = 0 ]
	exit $?
}

for p in munged slurmctld slurmd sbatch sinfo scontrol; do
	if ! command -v "$p" >/dev/null; then
		notok "$p" "not installed: run make deps-test (Debian's munge, slurmctld, slurmd, slurm-client)"
		finish
	fi
done
[ "$(id -u)" = 0 ] || { notok "root" "slurmd and munged run as root here"; finish; }
# slurmd 22.05 starts its cgroup plugin whatever the configuration
grep -q cgroup /proc/self/mounts ||
	{ notok "cgroups" "slurmd needs a cgroup filesystem under /sys/fs/cgroup, and none is mounted here"; finish; }

T=$(mktemp -d /tmp/cachepong-slurm.XXXXXX)
chmod 755 "$T"
mkdir -p "$T/state" "$T/spool" "$T/munge"
chmod 711 "$T/munge"
export SLURM_CONF="$T/slurm.conf"

# The daemons run in the foreground, children of this script: their pids
# are ours, their stderr is kept, and nothing depends on a pid file.
PIDS=""
start() {  # start NAME CMD...: in the background, stderr into $T/NAME.err
	name=$1
	shift
	"$@" >"$T/$name.err" 2>&1 &
	PIDS="$PIDS $!"
	eval "pid_$name=$!"
}
stop_all() {
	[ -n "$PIDS" ] && scontrol shutdown >/dev/null 2>&1
	for pid in $PIDS; do
		kill "$pid" 2>/dev/null
	done
	for pid in $PIDS; do
		i=0
		while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do
			i=$((i + 1))
			sleep 0.1   # polling for the daemon's own exit, 10 s at most
		done
		kill -9 "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	PIDS=""
}
# why a daemon is not up: its exit if it left, and the end of its output
why() {
	eval "pid=\$pid_$1"
	kill -0 "$pid" 2>/dev/null && st="still running" || st="exited"
	echo "$1 $st: $(tail -5 "$T/$1.err" "$T/$1.log" 2>/dev/null | tr '\n' ' ')"
}
trap 'stop_all; rm -rf "$T"' EXIT
trap 'exit 130' INT TERM HUP PIPE

# ---- munge, on a socket of its own ----
dd if=/dev/urandom of="$T/munge/munge.key" bs=1024 count=1 2>/dev/null
chmod 400 "$T/munge/munge.key"
start munged munged --foreground --force --key-file="$T/munge/munge.key" --socket="$T/munge/munge.sock" \
	--pid-file="$T/munged.pid" --log-file="$T/munged.log" --seed-file="$T/munge/seed"
# munged is up when its socket answers
i=0
while [ ! -S "$T/munge/munge.sock" ] && [ $i -lt 100 ] && kill -0 "$pid_munged" 2>/dev/null; do
	i=$((i + 1))
	sleep 0.05   # polling for munged's socket
done
[ -S "$T/munge/munge.sock" ] || { notok "munged" "$(why munged)"; finish; }
ok "munged started"

# ---- a one-node cluster: this machine ----
host=$(hostname -s)
ncpu=$(nproc)
mem=$(awk '/MemTotal/ { print int($2 / 1024 / 2) }' /proc/meminfo)
# two ports below the kernel's ephemeral range, free now (none listening)
port=$((10000 + $$ % 9000))
while grep -qiE ":($(printf '%04X' $port)|$(printf '%04X' $((port + 1)))) " /proc/net/tcp /proc/net/tcp6 2>/dev/null; do
	port=$((port + 2))
done
cat >"$SLURM_CONF" <<EOF
ClusterName=cachepongtest
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$T/munge/munge.sock
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
MessageTimeout=5
SlurmctldPort=$port
SlurmdPort=$((port + 1))
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/slurmctld.log
SlurmdLogFile=$T/slurmd.log
NodeName=$host NodeAddr=127.0.0.1 CPUs=$ncpu RealMemory=$mem State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
start slurmctld slurmctld -D -f "$SLURM_CONF"
start slurmd slurmd -D -f "$SLURM_CONF"
# the node registers with the controller: poll its state, 60 s at most
state=""
end=$(($(date +%s) + 60))
while [ "$(date +%s)" -lt "$end" ] && kill -0 "$pid_slurmctld" 2>/dev/null && kill -0 "$pid_slurmd" 2>/dev/null; do
	state=$(timeout 10 sinfo -h -n "$host" -o %T 2>/dev/null)
	[ "$state" = idle ] && break
	sleep 0.25   # polling the controller for the node's state
done
if [ "$state" = idle ]; then
	ok "slurmctld and slurmd up, node $host idle"
else
	# a daemon that left: its exit status (128 + N: killed by signal N)
	for d in slurmctld slurmd munged; do
		eval "pid=\$pid_$d"
		kill -0 "$pid" 2>/dev/null || { wait "$pid"; echo "$d exited with status $?" >>"$T/$d.err"; }
	done
	notok "node" "state '$state' (ports $port, $((port + 1))): $(why slurmctld); $(why slurmd); $(why munged)"
	finish
fi

# ---- the fleet: a job array of two tasks, then the comparison ----
S=$T/shared
t0=$(date +%s)
if timeout 900 "$CP" fleet --slurm --count 2 --preset quick --budget "$BUDGET" --wait --dir "$S" >"$T/fleet.out" 2>"$T/fleet.err"; then
	ok "fleet --slurm --count 2 --wait: exit 0 in $(( $(date +%s) - t0 )) s"
else
	notok "fleet --slurm" "exit $?: $(tail -5 "$T/fleet.err"; cat "$S"/slurm-*.out 2>/dev/null | tail -10)"
fi
runs=""
for i in 0 1; do
	st=$(sed -n 1p "$S/tasks/$i" 2>/dev/null)
	run=$(sed -n 2p "$S/tasks/$i" 2>/dev/null)
	if [ "$st" = done ] && [ -s "$run/report.md" ]; then
		ok "task $i done: $run"
		runs="$runs $run"
	else
		notok "task $i" "record '$st' '$run': $(cat "$S"/slurm-*_"$i".out 2>/dev/null | tail -5)"
	fi
done
R=$S/compare/report.md
if [ -s "$R" ] && [ -s "$S/compare/report.html" ]; then
	ok "the comparison job wrote $R"
	python3 - "$R" $runs <<'EOF' >"$T/py.out" 2>&1 && ok "comparison: $(cat "$T/py.out")" || notok "comparison" "$(cat "$T/py.out")"
import sys
t = open(sys.argv[1]).read()
first = t.split("\n## ")[1]
assert first.startswith("The runs"), first[:40]
for run in sys.argv[2:]:
    assert run in first, "run %s not listed" % run
assert "## pingpong: round\\_trip" in t, "no pingpong section"
sec = t.split("## pingpong: round\\_trip")[1].split("\n## ")[0]
rows = [l for l in sec.splitlines() if l.startswith("| ") and "thread" in l]
assert rows, "no cell lined up"
print("%d runs, %d pingpong cells lined up" % (len(sys.argv) - 2, len(rows)))
EOF
else
	notok "comparison" "no $R: $(cat "$S"/slurm-compare-*.out 2>/dev/null | tail -5)"
fi

# ---- a rerun: both tasks are done, only the comparison runs again ----
if timeout 300 "$CP" fleet --slurm --count 2 --preset quick --budget "$BUDGET" --wait --dir "$S" >/dev/null 2>"$T/re.err" &&
	grep -q "fleet: 0 of 2 tasks submitted" "$T/re.err"; then
	ok "a rerun submits no finished task"
else
	notok "rerun" "$(cat "$T/re.err")"
fi

stop_all
left=""
for p in /proc/[0-9]*; do
	case "$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null)" in *"$T"*) left="$left ${p#/proc/}" ;; esac
done
[ -z "$left" ] && ok "no daemon left running" || notok "daemons left" "pids$left"
echo "slurm: tasks in$(for r in $runs; do printf ' %s' "$r"; done); comparison $R" >&2
[ -s "$R" ] && echo "slurm: comparison headline: $(grep -m1 'differ' "$R")" >&2
finish
