#!/bin/sh
# test_fleet.sh: `cachepong fleet --hosts` (over ssh) with an ssh on PATH
# that runs the remote command on this machine, as ssh does (its words
# joined, given to a shell), and logs each host: every answering host's
# task runs once into the shared directory, a host that does not answer
# leaves its task unstarted, the comparison lists it and exit is 1, and a
# rerun goes to that host alone.
. "$(dirname "$0")/lib.sh"

mkdir -p "$TMP/bin"
{
	echo '#!/bin/sh'
	echo 'host=$1'
	echo 'shift'
	echo "echo \"\$host\" >>'$TMP/ssh.log'"
	echo 'if [ "$host" = down ]; then'
	echo '	echo "ssh: connect to host down port 22: Connection refused" >&2'
	echo '	exit 255'
	echo 'fi'
	echo 'exec sh -c "$*"'
} >"$TMP/bin/ssh"
chmod +x "$TMP/bin/ssh"
S=$TMP/shared

PATH="$TMP/bin:$PATH" "$CP" fleet --hosts up1,down,up2 --preset quick --budget 20s --dir "$S" \
	>"$TMP/out" 2>"$TMP/err"
rc=$?
[ "$rc" = 1 ] && grep -q "fleet: 1 host failed" "$TMP/err" && ok "fleet --hosts: exit 1, one host failed" ||
	notok "fleet --hosts" "exit $rc: $(tail -5 "$TMP/err")"
[ "$(tr '\n' ' ' <"$TMP/ssh.log")" = "up1 down up2 " ] && ok "one ssh per host, in order" ||
	notok "ssh calls" "$(cat "$TMP/ssh.log")"
runs=""
for i in 0 2; do
	st=$(sed -n 1p "$S/tasks/$i" 2>/dev/null)
	run=$(sed -n 2p "$S/tasks/$i" 2>/dev/null)
	if [ "$st" = done ] && [ -s "$run/report.md" ] && [ -s "$run/pingpong.csv" ]; then
		ok "task $i done: $run"
		runs="$runs $run"
	else
		notok "task $i" "record '$st' '$run': $(tail -3 "$TMP/err")"
	fi
done
[ ! -e "$S/tasks/1" ] && ok "the unreachable host's task never started" || notok "task 1" "$(cat "$S/tasks/1")"
R=$S/compare/report.md
if [ -s "$R" ]; then
	if python3 -c '
import sys
t = open(sys.argv[1]).read()
first = t.split("\n## ")[1]
for run in sys.argv[2:]:
    assert run in first, "run %s not listed" % run
assert len(sys.argv) == 4, "runs: %s" % sys.argv[2:]
assert "task 1: never started" in t, "the failed task is not listed"
print("2 runs and the task that never started")
' "$R" $runs >"$TMP/py.out" 2>&1; then
		ok "comparison: $(cat "$TMP/py.out")"
	else
		notok "comparison" "$(cat "$TMP/py.out")"
	fi
else
	notok "comparison" "no $R: $(tail -5 "$TMP/err")"
fi

# ---- a rerun: only the host whose task is not done is asked again ----
: >"$TMP/ssh.log"
PATH="$TMP/bin:$PATH" "$CP" fleet --hosts up1,down,up2 --preset quick --budget 20s --dir "$S" \
	>/dev/null 2>"$TMP/err2"
rc=$?
[ "$rc" = 1 ] && [ "$(tr '\n' ' ' <"$TMP/ssh.log")" = "down " ] && ok "a rerun asks only the host that failed" ||
	notok "rerun" "exit $rc, ssh to: $(cat "$TMP/ssh.log"); $(tail -3 "$TMP/err2")"
# another host list is another fleet: refused
expect_exit "a rerun with other hosts" 2 "a fleet of 3 tasks" \
	env PATH="$TMP/bin:$PATH" "$CP" fleet --hosts up1,up2 --preset quick --budget 20s --dir "$S"
finish
