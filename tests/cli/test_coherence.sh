#!/bin/sh
# test_coherence.sh: the coherence-state experiment: the rows of --op all
# --state all --mode both (every op x state x holder x mode, with the
# self baselines), S skipped with its reason on two CPUs or measured with a
# third, --state S alone exit 3 where there is no third CPU, the JSON
# columns, and what physics guarantees and no more: the measuring CPU's own
# lines are the fastest, a load of a line Modified in another core is slower
# than a local load, and an op on a line in memory (I) costs at least what
# it costs on a local line.  Nothing leaks.
SAN_TOO=1
. "$(dirname "$0")/lib.sh"

ncpu=$(nproc)
if [ "$ncpu" -lt 2 ]; then
	expect_exit "one CPU: coherence needs two" 3 "needs 2 allowed CPUs" "$CP" coherence --samples 3
	finish
fi
before=$(leak_snapshot)

# --- every op x state x mode: the rows and their columns ---
out=$TMP/all.csv
"$CP" coherence --cpus 0,1 --op all --state all --mode both --samples 30 --warmup 3 --format csv \
	>"$out" 2>"$TMP/all.err"
rc=$?
if [ "$rc" != 0 ]; then
	notok "all ops x states x modes" "exit $rc: $(head -c 300 "$TMP/all.err")"
else
	ok "all ops x states x modes: exit 0"
fi
# python exits non-zero (a crash included) unless every check holds
if res=$(NCPU=$ncpu python3 - "$out" <<'EOF' 2>&1
import csv, os, sys
rows = list(csv.DictReader(open(sys.argv[1])))
need = ["experiment", "kernel", "mode", "state", "holder", "placement", "cpus", "agents", "p50",
        "ci_lo", "ci_hi", "metric", "unit", "iters_per_sample"]
assert rows, "no rows"
missing = [c for c in need if c not in rows[0]]
assert not missing, "columns missing: %s" % missing
ops = ["load", "store", "cas", "faa", "tas", "swap"]
third = int(os.environ["NCPU"]) >= 3
# --mode both: interleaved arms, a run per block; one comparison row per
# op x state x holder, after the two arms' rows
cmp = [r for r in rows if r["mode"] == "thread:process"]
rows = [r for r in rows if r["mode"] != "thread:process"]
blocks = {}
for r in cmp:
    assert r["metric"] == "ratio" and r["unit"] == "ratio", r
    assert r["verdict"] in ("equivalent", "slower", "faster", "inconclusive"), r["verdict"]
    b = int(r["blocks"])
    assert b >= 20 and int(r["samples"]) == b and float(r["margin"]) == 5, (b, r["samples"], r["margin"])
    assert float(r["ci_lo"]) <= float(r["p50"]) <= float(r["ci_hi"]), r
    blocks[(r["kernel"], r["state"], r["holder"])] = b
for r in rows:
    assert int(r["samples"]) == 10 * blocks[(r["kernel"], r["state"], r["holder"])], (r["kernel"], r["samples"])
want = [("M", "self"), ("M", "x"), ("E", "self"), ("E", "x")] + ([("S", "x")] if third else []) + [("I", "memory")]
got = {}
for r in rows:
    assert r["experiment"] == "coherence" and r["metric"] == "op_latency" and r["unit"] == "ns", r
    assert r["iters_per_sample"] == "256", r["iters_per_sample"]
    h = "self" if r["holder"] == "self" else "memory" if r["holder"] == "memory" else "x"
    if h == "x":
        assert r["holder"] == r["placement"], (r["holder"], r["placement"])
    n = 3 if r["state"] == "S" else 2
    assert r["agents"] == str(n) and len(r["cpus"].split(";")) == n, (r["state"], r["agents"], r["cpus"])
    assert r["cpus"].split(";")[:2] == ["0", "1"], r["cpus"]
    assert float(r["p50"]) > 0 and float(r["ci_lo"]) <= float(r["p50"]) <= float(r["ci_hi"]), r
    got.setdefault((r["kernel"], r["mode"]), []).append((r["state"], h))
for op in ops:
    for m in ("thread", "process"):
        assert got.get((op, m)) == want, "%s %s: %s, expected %s" % (op, m, got.get((op, m)), want)
    h = lambda r: "self" if r["holder"] == "self" else "memory" if r["holder"] == "memory" else "x"
    c = [(r["state"], h(r)) for r in cmp if r["kernel"] == op]
    assert c == want, "%s comparisons: %s, expected %s" % (op, c, want)
print(len(rows))
EOF
); then
	ok "all: $res rows, each op x mode has the states and holders asked for"
else
	notok "all: rows" "$res"
fi
if [ "$ncpu" -lt 3 ]; then
	grep -q "state S skipped: needs a third CPU" "$TMP/all.err" &&
		ok "two CPUs: --state all says S was skipped and why" ||
		notok "two CPUs: S skipped" "stderr: $(head -c 300 "$TMP/all.err")"
	expect_exit "two CPUs: --state S alone is not available" 3 \
		"not available on this machine: --state S: needs a third CPU" \
		"$CP" coherence --cpus 0,1 --state S --samples 3
else
	check "three CPUs: --state S" "$CP" coherence --cpus 0,1 --state S --op load --samples 5 --format csv
fi

# --- physics: the medians of one op and mode, thread rows; one re-measure
# of an op whose check fails (a shared VM has bursts of noise).  Every op
# on a line Modified in another core has to bring the line over, as a load
# of it does: it cannot take less than half that load's time (a prefetcher
# that fetched the lines ahead made faa and swap a third of it) ---
physics() {
	ops=load; [ "$1" = load ] || ops="load,$1"
	"$CP" coherence --cpus 0,1 --op "$ops" --state M,I --mode thread --samples 60 --warmup 5 \
		--format csv 2>/dev/null | python3 -c '
import csv, sys
op = sys.argv[1]
rows = list(csv.DictReader(sys.stdin))
assert len(rows) == (3 if op == "load" else 6), "%d rows" % len(rows)
med = {(r["kernel"], r["state"], r["holder"]): float(r["p50"]) for r in rows}
def of(kernel):
    p = {k[1:]: v for k, v in med.items() if k[0] == kernel}
    return p[("M", "self")], [v for k, v in p.items() if k[1] not in ("self", "memory")][0], p[("I", "memory")]
own, other, mem = of(op)
load_other = of("load")[1]
assert own < other, "own line %.1f ns not below the line held elsewhere %.1f" % (own, other)
assert mem >= own, "a line in memory %.1f ns below the own line %.1f" % (mem, own)
if op == "load":
    assert other > 2 * own, "load of a line Modified elsewhere %.1f ns, not above twice a local load %.1f" % (other, own)
assert other >= 0.5 * load_other, "%s of a line Modified elsewhere %.1f ns, below half a load of such a line %.1f: the line came ahead of the op" % (op, other, load_other)
print("own %.1f, elsewhere %.1f (a load %.1f), memory %.1f ns" % (own, other, load_other, mem))
' "$1"
}
# (the sanitizer builds change the timing, not the function: plain only)
for op in load store cas faa tas swap; do
	[ -n "${CP_SAN:-}" ] && break
	if r=$(physics "$op" 2>&1) || r=$(physics "$op" 2>&1); then
		ok "physics $op: $r"
	else
		notok "physics $op" "$r"
	fi
done

# --- counters of the interleaved arms: each arm's rows count its own
# blocks' runs (page faults: 0 per op, but counted); the comparison rows
# arm 2's / arm 1's, empty where arm 1 counted none (a sanitizer's own
# page faults make some) ---
if "$CP" counters list --counters perf --events page-faults >/dev/null 2>&1; then
	if "$CP" coherence --cpus 0,1 --op load --state M --mode both --samples 5 --counters perf \
		--events page-faults --format csv >"$TMP/ctr.csv" 2>"$TMP/ctr.err" && python3 -c '
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
arms = [r for r in rows if r["arm"]]
cmp = [r for r in rows if r["metric"] == "ratio"]
assert len(arms) == 4 and len(cmp) == 2, "%d arm rows, %d comparison rows" % (len(arms), len(cmp))
assert all(r["ctr:page-faults"] != "" for r in arms), [r["ctr:page-faults"] for r in arms]
one = [float(r["ctr:page-faults"]) for r in arms if r["arm"] == "1"]
for r in cmp:
    v = r["ctr:page-faults"]
    assert (v == "") == (max(one) == 0) and (v == "" or float(v) >= 0), (v, one)
' "$TMP/ctr.csv" 2>"$TMP/ctr.py"; then
		ok "mode both: counters per arm"
	else
		notok "mode both: counters per arm" "$(cat "$TMP/ctr.err" "$TMP/ctr.py" | tail -3)"
	fi
fi

# --- JSON: the new columns are there ---
if "$CP" coherence --cpus 0,1 --op cas --state M --samples 6 --format json 2>/dev/null | python3 -c '
import json, sys
d = json.load(sys.stdin)
r = d["results"]
assert [(x["state"], x["holder"]) for x in r] == [("M", "self"), ("M", r[1]["placement"])], r
' 2>"$TMP/json.err"; then
	ok "json: state and holder per row"
else
	notok "json" "$(head -c 300 "$TMP/json.err")"
fi

# --- memory kinds and pages, processes ---
for shm in anon sysv posix memfd; do
	check "process, $shm" "$CP" coherence --cpus 1,0 --op faa --state E --mode process --shm "$shm" --samples 5
done

# --- bad input ---
expect_exit "--state X" 2 "--state: invalid value 'X'.*allowed: M\|E\|S\|I" "$CP" coherence --state X
expect_exit "--op xchg (a ping-pong op)" 2 "--op: invalid value 'xchg'.*load\|store\|cas\|faa\|tas\|swap" \
	"$CP" coherence --op xchg
expect_exit "--state on pingpong" 2 "unknown option '--state'" "$CP" pingpong --state M
expect_exit "--iters (a sample is 256 lines)" 2 "unknown option '--iters'" "$CP" coherence --iters 5
expect_exit "--mode both with heap" 2 "heap" "$CP" coherence --mode both --shm heap --samples 3

after=$(leak_snapshot)
[ "$before" = "$after" ] && ok "nothing leaks" || notok "leaks" "before: $before; after: $after"
finish
