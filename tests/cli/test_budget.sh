#!/bin/sh
# test_budget.sh: the main job holds on a machine that misbehaves.  Faults
# are put in with build/tests/libslowwake.so (tests/faults/slowwake.c, an
# LD_PRELOAD shim that delays futex wake-ups: always, sometimes, or only in
# phases), and checked:
#  - --time-limit: a measurement cut short keeps its rows (stop=time-limit)
#    and the command exits 4, soon after the limit;
#  - sync: the rows say the waiter was asleep; a bimodal wake-up gives a row
#    with its modes (medians and shares), not one median;
#  - a 30 s and a 60 s report with a slow or a bimodal primitive finish
#    within their budget + 5%, exit 0, with a figure for every experiment,
#    the slow cell capped and the report saying so;
#  - a figure that hangs (a gnuplot that never ends, put first on PATH) is
#    stopped at the end of the budget: the report ends in time, says so,
#    and leaves no temporary and no process behind;
#  - two runs never measure at once: the second waits for the first, naming
#    it, and starts when it ends.
# The shim needs the plain build (a sanitizer's runtime must come first in
# a process): this file runs with it only.
. "$(dirname "$0")/lib.sh"

SHIM=$ROOT/build/tests/libslowwake.so
# this file's runs lock among themselves, never against a developer's
export CACHEPONG_LOCK="$TMP/machine.lock"
if [ ! -f "$SHIM" ]; then
	notok "fault shim" "$SHIM is not built (make unit-bins)"
	finish
fi

now() {
	date +%s.%N
}

# elapsed T0: seconds since T0 (now), one decimal
elapsed() {
	echo "$(now) $1" | awk '{printf "%.1f", $1 - $2}'
}

# ---- --time-limit ----
t0=$(now)
"$CP" pingpong --cpus 0,1 --op all --samples 100000000 --time-limit 1s --format csv >"$TMP/tl.csv" 2>"$TMP/tl.err"
rc=$?
t=$(elapsed "$t0")
if [ "$rc" = 4 ] && grep -q "time limit 1.0 s reached" "$TMP/tl.err" &&
	python3 - "$TMP/tl.csv" "$t" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 1, "%d rows: the ops after the cut one were measured" % len(rows)
r = rows[0]
assert r["stop"] == "time-limit", r["stop"]
assert 0 < int(r["samples"]) < 100000000, r["samples"]
assert float(sys.argv[2]) < 3, "took %s s" % sys.argv[2]
EOF
then
	ok "--time-limit 1s: exit 4 after ${t} s, the cut row kept with stop=time-limit, nothing after it"
else
	notok "--time-limit" "rc $rc after ${t} s: $(tail -c 300 "$TMP/tl.err") $(head -c 300 "$TMP/tl.csv")"
fi
expect_exit "--time-limit 0.01: below its range" 2 "time-limit.*0.01.*duration from 0.1s" \
	"$CP" pingpong --cpus 0,1 --time-limit 0.01

# ---- sync: the waiter asleep, and a bimodal wake-up seen as two modes ----
if "$CP" sync --prim all --mode thread --cpus 0,1 --samples 20 --format csv >"$TMP/sy.csv" 2>"$TMP/sy.err" &&
	python3 - "$TMP/sy.csv" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert rows, "no rows"
for r in rows:
    want = "spinning" if r["kernel"] == "spin" else "asleep"
    assert r["state"] == want, (r["kernel"], r["state"])
    assert int(r["iters_per_sample"]) >= 1 and float(r["sample_ns"]) > 0 and r["stop"] == "samples", r
EOF
then
	ok "sync: every blocking row says its waiter was asleep, the spin row spinning"
else
	notok "sync waiter state" "$(tail -c 300 "$TMP/sy.err") $(head -c 400 "$TMP/sy.csv")"
fi
# 20% of the wake-ups 5 ms late: one round trip per sample is fast (64%), or
# one (32%) or two wake-ups late: populations two decades apart.  Measured
# from --raw here: the separation D at the fast/slow cut 9.2-12.6 where the
# test needs 3.5; with 30% 2 ms late it was 3.0-6.4 and a noisy host (fast
# round trips 12-200 us, the late ones 2-9 ms) once left one mode.
if CP_SLOWWAKE_US=5000 CP_SLOWWAKE_P=0.2 LD_PRELOAD="$SHIM" "$CP" sync --prim futex --mode thread --cpus 0,1 \
	--samples 200 --iters 1 --format csv >"$TMP/bi.csv" 2>"$TMP/bi.err" &&
	python3 - "$TMP/bi.csv" <<'EOF'
import csv, sys
r = list(csv.DictReader(open(sys.argv[1])))[0]
n = int(r["modes"])
p50 = [float(x) for x in r["mode_p50"].split(";")]
w = [float(x) for x in r["mode_weight"].split(";")]
assert n >= 2 and len(p50) == n and len(w) == n, r
assert abs(sum(w) - 1) < 1e-3, w
assert p50[0] < 1e6 and p50[-1] > 3e6, p50
EOF
then
	ok "sync with 20% of wake-ups 5 ms late: the row has its modes, medians and shares"
else
	notok "sync bimodal" "$(tail -c 300 "$TMP/bi.err") $(cut -d, -f1-5,33-40 "$TMP/bi.csv" | head -c 600)"
fi

# ---- reports with a misbehaving primitive ----
# report NAME BUDGET_S ENV...: a report into $TMP/NAME with the shim and
# that environment; checks its time, exit, figures, and the capped cell
report() {
	_n=$1 _b=$2
	shift 2
	_t0=$(now)
	env "$@" LD_PRELOAD="$SHIM" "$CP" report --budget "${_b}s" --dir "$TMP/$_n" >"$TMP/$_n.out" 2>"$TMP/$_n.err"
	_rc=$?
	_t=$(elapsed "$_t0")
	if [ "$_rc" = 0 ] && echo "$_t $_b" | awk '{exit !($1 <= $2 * 1.05)}'; then
		ok "report $_n: exit 0 in ${_t} s (budget ${_b} s + 5%)"
	else
		notok "report $_n" "exit $_rc in ${_t} s (budget ${_b} s + 5%): $(grep -v '^sweep: \[' "$TMP/$_n.err" | tail -c 500)"
	fi
	if _bad=$(python3 - "$TMP/$_n" <<'EOF' 2>&1
import os, re, sys
d = sys.argv[1]
exps = ["pingpong", "setup", "sync", "copy", "contend", "coherence", "matrix"]
figs = os.listdir(os.path.join(d, "plots"))
missing = [e for e in exps if not any(f.startswith(e) and f.endswith(".png") for f in figs)]
assert not missing, "no figure of %s" % missing
md = open(os.path.join(d, "report.md")).read()
assert "budget ran out" not in md, "a figure noted as out of budget"
for e in missing:
    pass
EOF
	); then
		ok "report $_n: a figure for every experiment"
	else
		notok "report $_n: figures" "$_bad"
	fi
}

# every futex wake-up 20 ms late: sync crawls (its hold-offs wait for each
# wake-up), and so do the interleaved arms' hand-overs
report slow30 30 CP_SLOWWAKE_US=20000
if awk -F'\t' '$2 == "capped" && $6 ~ /^sync/ {c++} END {exit !c}' "$TMP/slow30/cells-done.log" &&
	grep -q '^[0-9]*,capped,"sync' "$TMP/slow30/skipped.csv" &&
	grep -q "stopped at .* cap" "$TMP/slow30.err" &&
	grep -q "capped" "$TMP/slow30/report.md"; then
	ok "report slow30: the slow sync cell capped (kept), listed, and said in the last lines"
else
	notok "report slow30: capped" "$(awk -F'\t' '{print $2, $3, substr($6, 1, 50)}' "$TMP/slow30/cells-done.log" | grep -v done | head -8)"
fi
# the wake-ups 2 ms late half the time: a bimodal cost
report bimodal60 60 CP_SLOWWAKE_US=2000 CP_SLOWWAKE_P=0.5
python3 - "$TMP/bimodal60/sync.csv" <<'EOF' >"$TMP/b60.out" 2>&1 && ok "report bimodal60: sync rows measured, every one with its modes column" || notok "report bimodal60: sync rows" "$(cat "$TMP/b60.out")"
import csv, sys
rows = [r for r in csv.DictReader(open(sys.argv[1])) if r["metric"] == "round_trip" and r["kernel"] != "spin"]
assert rows, "no sync rows"
for r in rows:
    assert r["modes"] != "" or int(r["samples"]) < 20, r
EOF

# ---- a figure that never ends ----
# gnuplot is real except for the heat map's, which blocks until killed
# (the report is bounded by timeout(1): a stop that fails fails here, not hangs)
GNUPLOT=$(command -v gnuplot)
mkdir -p "$TMP/hangbin"
printf '#!/bin/sh\ncase "$*" in *heatmap.gp*) exec sleep 3600 ;; esac\nexec %s "$@"\n' "$GNUPLOT" >"$TMP/hangbin/gnuplot"
chmod +x "$TMP/hangbin/gnuplot"
t0=$(now)
PATH="$TMP/hangbin:$PATH" timeout 120 "$CP" report --budget 30s --dir "$TMP/hang" >"$TMP/hang.out" 2>"$TMP/hang.err"
rc=$?
t=$(elapsed "$t0")
left=$(ls "$TMP/hang/plots" | grep -c '\.tmp')
if [ -z "$GNUPLOT" ]; then
	notok "report with a hung figure" "gnuplot is not installed"
elif [ "$rc" = 0 ] && echo "$t" | awk '{exit !($1 <= 30 * 1.05)}' &&
	grep -q "1 figure stopped unfinished at the end of the budget" "$TMP/hang.err" &&
	[ "$left" = 0 ] && ! ls "$TMP/hang/plots" | grep -q '^matrix.*\.png$' &&
	ls "$TMP/hang/plots" | grep -q '^pingpong.*\.png$' && ! pgrep -f "sleep 3600" >/dev/null; then
	ok "report with a figure that never ends: stopped at the budget's end, exit 0 in ${t} s, nothing left behind"
else
	notok "report with a hung figure" "rc $rc in ${t} s, $left temporaries: $(grep '^report:' "$TMP/hang.err" | tail -c 500)"
	pkill -f "sleep 3600"
fi

# ---- one run at a time ----
# the first holds the lock while it measures; the second is started once
# /proc/locks shows it held, and must wait for it
"$CP" pingpong --cpus 0,1 --op cas --samples 3000 --format csv >"$TMP/first.csv" 2>"$TMP/first.err" &
first=$!
ino=""
for _ in $(seq 1 2000); do
	[ -f "$CACHEPONG_LOCK" ] && ino=$(stat -c %i "$CACHEPONG_LOCK") &&
		grep -q "FLOCK.* $first .*:$ino " /proc/locks && break
	kill -0 "$first" 2>/dev/null || break
done
"$CP" pingpong --cpus 0,1 --op cas --samples 20 --format csv >"$TMP/second.csv" 2>"$TMP/second.err"
rc=$?
wait "$first"
rc1=$?
if [ "$rc" = 0 ] && [ "$rc1" = 0 ] && grep -q "waiting for pid $first: .*pingpong" "$TMP/second.err" &&
	grep -q "the other run ended after" "$TMP/second.err" && [ -s "$TMP/second.csv" ]; then
	ok "a second run waits for the first (named by its pid and command), then measures"
else
	notok "lock" "rc $rc/$rc1: $(cat "$TMP/second.err" | head -c 400)"
fi
finish
