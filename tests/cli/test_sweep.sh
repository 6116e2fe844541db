#!/bin/sh
# test_sweep.sh: sweeps and the all-pairs matrix.
#  - plans of the real server topologies (--dry-run --topology-xml): pair
#    counts n(n-1)/2 from the PUs counted in the XML itself, estimates that
#    scale with the samples, budgets that size the samples or refuse;
#  - plan files: both syntaxes, and the errors (file:line, what is allowed);
#  - sweeps here: rows appended per cell, unavailable and over-budget cells
#    recorded (not failures), Ctrl-C and kill -9 then --resume ending with
#    exactly the rows of an uninterrupted sweep, none twice;
#  - matrix: Ctrl-C / kill -9 then --resume, every measurement once.
. "$(dirname "$0")/lib.sh"

[ -n "$(ls "$TOPO"/*.xml 2>/dev/null)" ] || TOPO=/work/shared/topologies

# The value of "key: value" in a dry-run plan.
field() { sed -n "s/^$1: //p"; }

# Wait (up to $3 s) until file $1 has at least $2 lines: the condition, not
# a guess at how long it takes.
wait_lines() {
	_i=0
	while [ "$_i" -lt $(($3 * 20)) ]; do
		for _f in $1; do
			[ -f "$_f" ] && [ "$(wc -l <"$_f")" -ge "$2" ] && return 0
		done
		sleep 0.05
		_i=$((_i + 1))
	done
	return 1
}

# Data rows of a CSV (the header excluded) with the columns that identify a
# measurement, sorted; duplicates would show up as repeated lines.
keys() {
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		 { print $c["experiment"] "," $c["kernel"] "," $c["mode"] "," $c["shm"] "," \
			 $c["placement"] "," $c["cpus"] "," $c["metric"] "," $c["size_bytes"] "," $c["agents"] }' "$1" | sort
}

# ---- the matrix's plan on real machines ----
for x in "$TOPO"/*.xml; do
	name=$(basename "$x" .xml)
	n=$(grep -c 'type="PU"' "$x")
	out=$("$CP" matrix --dry-run --topology-xml "$x" 2>&1)
	pairs=$(printf '%s\n' "$out" | field pairs)
	if [ "$pairs" = $((n * (n - 1) / 2)) ]; then
		ok "matrix plan $name: $pairs pairs for $n PUs"
	else
		notok "matrix plan $name" "pairs '$pairs', expected $((n * (n - 1) / 2)) for $n PUs: $out"
	fi
	# the classes' pairs add up to all pairs
	sum=$(printf '%s\n' "$out" | awk '/^  [a-z].* pairs/ { s += $2 } END { print s + 0 }')
	[ "$sum" = "$pairs" ] && ok "matrix plan $name: classes add up" ||
		notok "matrix plan $name: classes add up" "sum $sum of classes, $pairs pairs"
	# --per-class 2: every class of the full plan in the sample, 2 pairs
	# each (or all it has), 2 random ones besides, no pair twice
	"$CP" matrix --dry-run --topology-xml "$x" --per-class 2 >"$TMP/pc.txt" 2>&1
	if printf '%s\n' "$out" | python3 -c '
import re, sys
full = {}
for m in re.finditer(r"^  ([a-z][^ ]*) +([0-9]+) pairs", sys.stdin.read(), re.M):
    full[m.group(1)] = full.get(m.group(1), 0) + int(m.group(2))  # hybrid: one line per kind
got = [l.split() for l in open(sys.argv[1]) if l.startswith("  pair ")]
assert full and got, "no classes or no sample"
pairs = [tuple(sorted(map(int, g[1].split(",")))) for g in got]
assert len(set(pairs)) == len(pairs), "a pair twice"
cls = {}
for g in got:
    if len(g) == 3:
        cls[g[2]] = cls.get(g[2], 0) + 1
assert set(cls) == set(full), "classes %s, plan %s" % (sorted(cls), sorted(full))
for c, n in cls.items():
    assert n == min(2, full[c]), "%s: %d pairs" % (c, n)
assert sum(1 for g in got if g[-1] == "(random)") == min(2, sum(full.values()) - len(cls)), "random pairs"
' "$TMP/pc.txt" 2>"$TMP/pc.py"; then
		ok "matrix --per-class 2 on $name: every class, 2 pairs each, 2 random"
	else
		notok "matrix --per-class 2 on $name" "$(tail -1 "$TMP/pc.py")"
	fi
	# --parallel auto: half the PUs at once, as many pairs in all
	par=$("$CP" matrix --dry-run --topology-xml "$x" --parallel auto | sed -n 's/^parallel: \([0-9]*\) pairs at once.*/\1/p')
	[ "$par" = $((n / 2)) ] && ok "matrix --parallel auto on $name: $par pairs at once" ||
		notok "matrix --parallel auto on $name" "'$par' pairs at once for $n PUs"
done

zen4=$TOPO/AMD-19h-Zen4-2xEpyc-9654.xml
e1=$("$CP" matrix --dry-run --topology-xml "$zen4" --samples 200 | field estimate_s)
e2=$("$CP" matrix --dry-run --topology-xml "$zen4" --samples 400 | field estimate_s)
if awk -v a="$e1" -v b="$e2" 'BEGIN { r = b / a; exit !(a > 0 && r > 1.8 && r < 2.05) }'; then
	ok "matrix estimate doubles with the samples ($e1 s -> $e2 s)"
else
	notok "matrix estimate doubles with the samples" "$e1 s at 200 samples, $e2 s at 400"
fi
e3=$("$CP" matrix --dry-run --topology-xml "$zen4" --op all --mode both --samples 200 | field estimate_s)
awk -v a="$e1" -v b="$e3" 'BEGIN { exit !(b > 7 * a && b < 10 * a) }' &&
	ok "matrix estimate: 4 ops x 2 modes ~ 8x" || notok "matrix estimate: 4 ops x 2 modes" "$e1 -> $e3"
fit=$("$CP" matrix --dry-run --topology-xml "$zen4" --budget 10m)
est=$(printf '%s\n' "$fit" | field estimate_s)
awk -v e="$est" 'BEGIN { exit !(e > 300 && e <= 600) }' &&
	ok "matrix --budget 10m sizes the samples to fit ($est s)" ||
	notok "matrix --budget 10m sizes the samples" "estimate $est s: $fit"
# all 73,536 pairs in minutes: disjoint pairs at once
est=$("$CP" matrix --dry-run --topology-xml "$zen4" --parallel auto | field estimate_s)
awk -v e="$est" 'BEGIN { exit !(e > 0 && e <= 120) }' &&
	ok "matrix --parallel auto on 2x EPYC 9654: all pairs in $est s (2 min at most)" ||
	notok "matrix --parallel auto on 2x EPYC 9654" "estimate '$est' s"
"$CP" matrix --dry-run --topology-xml "$zen4" --parallel auto --budget 2m >"$TMP/pb.txt" 2>&1 &&
	grep -q "^parallel: 192 pairs at once" "$TMP/pb.txt" && ok "matrix --parallel auto --budget 2m fits 73,536 pairs" ||
	notok "matrix --parallel auto --budget 2m" "$(head -c 300 "$TMP/pb.txt")"
expect_exit "matrix --budget too short, one pair at a time asked" 2 "budget 30 s: too short for 73536 pair measurements" \
	"$CP" matrix --dry-run --topology-xml "$zen4" --budget 30s --parallel 1
# a budget too short for one pair at a time: pairs at once, then a class
# sample, said in the first line
out=$("$CP" matrix --dry-run --topology-xml "$zen4" --budget 2m)
first=$(printf '%s\n' "$out" | head -1)
est=$(printf '%s\n' "$out" | field estimate_s)
case "$first" in
"budget: 2 min 00 s is too short for every pair one at a time"*"disjoint pairs at once (--parallel auto)")
	awk -v e="$est" 'BEGIN { exit !(e > 0 && e <= 120) }' && printf '%s\n' "$out" | grep -q "^pairs: 73536$" &&
		ok "matrix --budget 2m on 384 CPUs: every pair, disjoint pairs at once, said first ($est s)" ||
		notok "matrix --budget 2m on 384 CPUs" "estimate $est: $out" ;;
*) notok "matrix --budget 2m on 384 CPUs: first line" "$first" ;;
esac
out=$("$CP" matrix --dry-run --topology-xml "$zen4" --budget 10s)
est=$(printf '%s\n' "$out" | field estimate_s)
printf '%s\n' "$out" | head -1 | grep -q "a sample of [0-9]* pairs per class (--per-class [0-9]*), disjoint pairs at once" &&
	awk -v e="$est" 'BEGIN { exit !(e > 0 && e <= 10) }' &&
	ok "matrix --budget 10s on 384 CPUs: a class sample at once, said first ($est s)" ||
	notok "matrix --budget 10s on 384 CPUs" "$(printf '%s\n' "$out" | head -3)"
expect_exit "matrix --topology-xml measures nothing" 2 "only plans one \\(with --dry-run\\)" \
	"$CP" matrix --topology-xml "$zen4"
expect_exit "matrix --cpus with one CPU" 2 "needs two CPUs" "$CP" matrix --cpus 0 --dry-run
expect_exit "matrix --op bad" 2 "load-store" "$CP" matrix --op nop --dry-run

# ---- presets from the topology ----
for x in "$zen4" "$TOPO/memorysidecaches.xml"; do
	name=$(basename "$x" .xml)
	plan=$("$CP" sweep --preset standard --dry-run --topology-xml "$x" 2>&1)
	classes=$("$CP" topo --format json --topology-xml "$x" |
		  python3 -c 'import json, sys; print("\n".join(sorted({c["name"] for c in json.load(sys.stdin)["classes"]})))')
	[ -n "$classes" ] || notok "preset standard for $name" "no classes read from topo --format json"
	missing=""
	for c in $classes; do
		for m in "--mode thread --shm heap" "--mode both --shm anon" "--mode both --shm memfd"; do
			printf '%s\n' "$plan" | grep -q -- "pingpong --placement $c --op all $m" ||
				missing="$missing [$c $m]"
		done
	done
	[ -n "$classes" ] && [ -z "$missing" ] && ok "preset standard for $name: every class x mode x memory" ||
		notok "preset standard for $name" "classes '$classes', missing:$missing"
done
expect_exit "preset unknown" 2 "allowed: quick.standard.full" "$CP" sweep --preset huge --dry-run
expect_exit "sweep with two plans" 2 "give one of" "$CP" sweep --preset quick --plan x --dry-run

# ---- plan files ----
cat >"$TMP/ok.plan" <<'EOF'
# comment
pingpong --placement llc --op cas --mode thread --samples 40   # trailing comment

command = contend
agents = 1..2
op = faa
samples = 5
EOF
out=$("$CP" sweep --plan "$TMP/ok.plan" --dry-run 2>&1)
printf '%s\n' "$out" | grep -q "2 cells" && printf '%s\n' "$out" | grep -q "contend --agents 1..2 --op faa --samples 5" &&
	ok "plan: a command line and a key = value block" || notok "plan: both syntaxes" "$out"
printf 'pingpong --op cas\nfrobnicate --x 1\n' >"$TMP/bad1.plan"
expect_exit "plan: unknown command names file:line" 2 "bad1.plan:2: 'frobnicate' is not an experiment" \
	"$CP" sweep --plan "$TMP/bad1.plan" --dry-run
printf 'pingpong --op cas --nosuch 3\n' >"$TMP/bad2.plan"
expect_exit "plan: unknown option" 2 "bad2.plan:1: .*unknown option '--nosuch'" \
	"$CP" sweep --plan "$TMP/bad2.plan" --dry-run
printf 'pingpong --op cas --out x.csv\n' >"$TMP/bad3.plan"
expect_exit "plan: --out is the sweep's" 2 "bad3.plan:1: --out is set by the sweep" \
	"$CP" sweep --plan "$TMP/bad3.plan" --dry-run
printf 'topo --format json\n' >"$TMP/bad4.plan"
expect_exit "plan: a cell must measure" 2 "'topo' is not an experiment: a cell must be a measuring command" "$CP" sweep --plan "$TMP/bad4.plan" --dry-run
printf 'agents = 2\nop = faa\n' >"$TMP/bad5.plan"
expect_exit "plan: block without command" 2 "bad5.plan:1: a key = value block needs a 'command" \
	"$CP" sweep --plan "$TMP/bad5.plan" --dry-run
printf 'pingpong --samples 0\n' >"$TMP/bad6.plan"
expect_exit "plan: values checked by the command's parser" 2 "bad6.plan:1: .*samples" \
	"$CP" sweep --plan "$TMP/bad6.plan" --dry-run
expect_exit "plan: missing file" 2 "nope.plan" "$CP" sweep --plan "$TMP/nope.plan" --dry-run

# ---- a sweep here: unavailable and over-budget cells are recorded ----
cat >"$TMP/small.plan" <<'EOF'
pingpong --placement llc --op cas --mode thread --samples 50 --warmup 5
pingpong --placement cross-package:99 --op cas --samples 50
pingpong --op cas --mode process --pages huge --samples 50
pingpong --op faa --mode process --samples 50 --warmup 5
EOF
if [ "$(cat /proc/sys/vm/nr_hugepages)" != 0 ]; then
	sed -i '/--pages huge/d' "$TMP/small.plan"
fi
"$CP" sweep --plan "$TMP/small.plan" --dir "$TMP/s1" >"$TMP/s1.out" 2>"$TMP/s1.err"
rc=$?
[ "$rc" = 0 ] && ok "sweep with unavailable cells exits 0" || notok "sweep exit" "rc $rc: $(cat "$TMP/s1.err")"
[ "$(keys "$TMP/s1/pingpong.csv" | wc -l)" = 2 ] && ok "sweep: 2 rows in pingpong.csv" ||
	notok "sweep rows" "$(cat "$TMP/s1/pingpong.csv")"
[ "$(head -1 "$TMP/s1/pingpong.csv" | cut -c1-20)" = "experiment,kernel,im" ] &&
	[ "$(grep -c '^experiment,' "$TMP/s1/pingpong.csv")" = 1 ] && ok "sweep: one header" ||
	notok "sweep: one header" "$(head -3 "$TMP/s1/pingpong.csv")"
grep -q '^2,unavailable,.*this machine has' "$TMP/s1/skipped.csv" &&
	ok "sweep: unavailable cell in skipped.csv with its reason" ||
	notok "sweep: unavailable recorded" "$(cat "$TMP/s1/skipped.csv")"
for f in meta.json topo.json plan.txt cells-done.log raw/pingpong.csv; do
	[ -s "$TMP/s1/$f" ] && ok "sweep wrote $f" || notok "sweep wrote $f" "missing or empty"
done
grep -q '"sweep_status": "complete"' "$TMP/s1/meta.json" && ok "meta.json: complete" ||
	notok "meta.json status" "$(grep sweep_ "$TMP/s1/meta.json")"
# meta.json is JSON with numbers as numbers, and both it and the marker
# carry the schema version of the CSVs beside them
if out=$(python3 - "$TMP/s1" <<'EOF' 2>&1
import json, re, sys
d = sys.argv[1]
m = json.load(open(d + "/meta.json"))
x = m["extra"]
assert isinstance(m["schema_version"], int) and m["schema_version"] >= 2, m["schema_version"]
assert isinstance(x["sweep_cells"], int) and x["sweep_cells"] > 0, x["sweep_cells"]
assert x["sweep_cells_done"] + x["sweep_cells_unavailable"] + x["sweep_cells_not_run"] <= x["sweep_cells"], x
assert isinstance(m["steal_ms"], (int, float)) or m["steal_ms"] is None
marker = open(d + "/.cachepong-results").read()
assert re.search(r"^schema %d$" % m["schema_version"], marker, re.M), marker
print(m["schema_version"])
EOF
); then ok "meta.json: numbers, schema version $out (also in the marker)"; else notok "meta.json schema" "$out"; fi
mkdir -p "$TMP/old" && printf 'cachepong results directory\nschema 1\n' >"$TMP/old/.cachepong-results"
expect_exit "--resume of another schema version: exit 2 naming both" 2 \
	"--resume .*/old: results of schema version 1, this cachepong reads and writes version [0-9]+" \
	"$CP" sweep --resume "$TMP/old"
expect_exit "plot of another schema version: exit 2" 2 "old: results of schema version 1" "$CP" plot "$TMP/old"
[ "$(cat "$TMP/s1.out")" = "$TMP/s1" ] && ok "sweep prints its directory" || notok "sweep stdout" "$(cat "$TMP/s1.out")"
expect_exit "sweep refuses a used directory" 2 "holds a sweep already: continue it with --resume" \
	"$CP" sweep --plan "$TMP/small.plan" --dir "$TMP/s1"
"$CP" sweep --resume "$TMP/s1" >/dev/null 2>&1 &&
	[ "$(keys "$TMP/s1/pingpong.csv" | wc -l)" = 2 ] && ok "resume of a finished sweep adds nothing" ||
	notok "resume of a finished sweep" "$(cat "$TMP/s1/pingpong.csv")"

# a cell that does not fit is skipped and recorded, the cells after it
# still run; an experiment's first cell runs in what it has, capped
printf 'pingpong --op cas --samples 50\npingpong --op faa --samples 100000\npingpong --op xchg --samples 50\n' \
	>"$TMP/budget.plan"
"$CP" sweep --plan "$TMP/budget.plan" --dir "$TMP/b1" --budget 2s >/dev/null 2>"$TMP/b1.err"
rc=$?
[ "$rc" = 0 ] && grep -q '^2,over-budget,' "$TMP/b1/skipped.csv" && [ "$(keys "$TMP/b1/pingpong.csv" | wc -l)" = 2 ] &&
	awk -F'\t' '$1 == 3 && $2 == "done" {f = 1} END {exit !f}' "$TMP/b1/cells-done.log" &&
	ok "--budget: a cell that does not fit is skipped and recorded, the rest runs" ||
	notok "--budget skip" "rc $rc: $(cat "$TMP/b1/skipped.csv" "$TMP/b1.err")"
printf 'pingpong --op cas --samples 100000\n' >"$TMP/budget2.plan"
"$CP" sweep --plan "$TMP/budget2.plan" --dir "$TMP/b2" --budget 1s >/dev/null 2>"$TMP/b2.err"
rc=$?
[ "$rc" = 0 ] && grep -q '^1,capped,.*stopped at its cap of' "$TMP/b2/skipped.csv" &&
	[ "$(keys "$TMP/b2/pingpong.csv" | wc -l)" = 1 ] && grep -q ',time-limit,' "$TMP/b2/pingpong.csv" &&
	ok "--budget: an experiment's first cell that cannot fit runs capped and keeps its row (stop=time-limit)" ||
	notok "--budget capped" "rc $rc: $(cat "$TMP/b2/skipped.csv" "$TMP/b2.err")"

# ---- interrupted sweeps end with exactly the rows of a whole one ----
: >"$TMP/int.plan"
for op in load-store cas faa xchg; do
	for m in thread process; do
		echo "pingpong --op $op --mode $m --samples 3000 --warmup 5" >>"$TMP/int.plan"
	done
done
"$CP" sweep --plan "$TMP/int.plan" --dir "$TMP/full" >/dev/null 2>&1
keys "$TMP/full/pingpong.csv" >"$TMP/full.keys"
[ "$(wc -l <"$TMP/full.keys")" = 8 ] && ok "whole sweep: 8 rows" || notok "whole sweep" "$(cat "$TMP/full.keys")"

"$CP" sweep --plan "$TMP/int.plan" --dir "$TMP/int" >/dev/null 2>"$TMP/int.err" &
pid=$!
if wait_lines "$TMP/int/cells-done.log" 2 60; then
	kill -INT "$pid"
	wait "$pid"
	rc=$?
	[ "$rc" = 130 ] && grep -q "continue with: cachepong sweep --resume $TMP/int" "$TMP/int.err" &&
		ok "Ctrl-C: exit 130, says how to resume" || notok "Ctrl-C" "rc $rc: $(cat "$TMP/int.err")"
	got=$(keys "$TMP/int/pingpong.csv" | wc -l)
	logged=$(wc -l <"$TMP/int/cells-done.log")
	[ "$got" -lt 8 ] && [ "$got" = "$logged" ] && ok "Ctrl-C: $got cells kept, as logged" ||
		notok "Ctrl-C: rows kept" "$got rows, $logged logged"
	grep -q '"sweep_status": "interrupted"' "$TMP/int/meta.json" && ok "meta.json: interrupted" ||
		notok "meta.json interrupted" "$(grep sweep_status "$TMP/int/meta.json")"
	"$CP" sweep --resume "$TMP/int" >/dev/null 2>&1
	keys "$TMP/int/pingpong.csv" >"$TMP/int.keys"
	cmp -s "$TMP/full.keys" "$TMP/int.keys" && ok "Ctrl-C + --resume: the full set of rows, none twice" ||
		notok "Ctrl-C + resume" "$(diff "$TMP/full.keys" "$TMP/int.keys")"
	[ "$(keys "$TMP/int/raw/pingpong.csv" | uniq | wc -l)" = 8 ] && ok "resume: raw samples of all 8 cells" ||
		notok "resume raw" "$(keys "$TMP/int/raw/pingpong.csv" | uniq -c)"
else
	kill "$pid" 2>/dev/null
	notok "Ctrl-C" "no cell logged within 60 s"
fi

# kill -9: the sweep cannot clean up; the resume cuts what it half-appended.
# A last cell of another experiment, so that a data file of the plan's can
# be found that no logged cell wrote.
{ cat "$TMP/int.plan"; echo "sync --prim spin --mode thread --samples 3 --warmup 1"; } >"$TMP/k9.plan"
"$CP" sweep --plan "$TMP/k9.plan" --dir "$TMP/k9" >/dev/null 2>&1 &
pid=$!
if wait_lines "$TMP/k9/cells-done.log" 3 60; then
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	# what a kill in the middle of an append leaves: a whole row of a cell
	# that was never logged and half of the next
	tail -1 "$TMP/k9/pingpong.csv" >>"$TMP/k9/pingpong.csv"
	printf 'pingpong,cas,asm,thr' >>"$TMP/k9/pingpong.csv"
	# a data file of the plan's experiments that no logged cell wrote (the
	# resume removes it before the sync cell writes its own), and the
	# user's own files: one named after an experiment the plan does not run
	printf 'experiment,value\nsync,1\n' >"$TMP/k9/raw/sync.csv"
	printf 'experiment,value\nsetup,1\n' >"$TMP/k9/raw/setup.csv"
	printf 'experiment,value\npingpong,1\n' >"$TMP/k9/raw/notes.csv"
	printf 'mine\n' >"$TMP/k9/important.csv"
	"$CP" sweep --resume "$TMP/k9" >/dev/null 2>&1
	keys "$TMP/k9/pingpong.csv" >"$TMP/k9.keys"
	[ -s "$TMP/k9/raw/sync.csv" ] && ! grep -q '^sync,1$' "$TMP/k9/raw/sync.csv" &&
		ok "resume removes a data file no logged cell wrote" ||
		notok "resume: stray file" "$(head -3 "$TMP/k9/raw/sync.csv" 2>&1)"
	[ "$(cat "$TMP/k9/important.csv" 2>/dev/null)" = mine ] &&
	[ "$(tail -1 "$TMP/k9/raw/notes.csv" 2>/dev/null)" = pingpong,1 ] &&
	[ "$(tail -1 "$TMP/k9/raw/setup.csv" 2>/dev/null)" = setup,1 ] &&
		ok "resume never touches a file the sweep did not write" ||
		notok "resume: the user's files" "important.csv, raw/notes.csv or raw/setup.csv changed or gone"
	cmp -s "$TMP/full.keys" "$TMP/k9.keys" && ok "kill -9 + --resume: the full set of rows, none twice" ||
		notok "kill -9 + resume" "$(diff "$TMP/full.keys" "$TMP/k9.keys")"
else
	kill "$pid" 2>/dev/null
	notok "kill -9" "no cell logged within 60 s"
fi

# ---- the matrix: rows as measured, Ctrl-C / kill -9, --resume ----
"$CP" matrix --op all --mode both --samples 3000 --out "$TMP/m.csv" 2>"$TMP/m.err" &
pid=$!
if wait_lines "$TMP/m.csv.part/sweep/matrix.csv" 3 60; then
	kill -INT "$pid"
	wait "$pid"
	rc=$?
	got=$(keys "$TMP/m.csv" | wc -l)
	# both modes: per pair and op the two interleaved arms and their
	# comparison, 4 ops x 3 rows on the one pair of a 2-CPU machine
	[ "$rc" = 130 ] && [ "$got" -ge 2 ] && [ "$got" -lt 12 ] && grep -q -- "--resume $TMP/m.csv" "$TMP/m.err" &&
		ok "matrix Ctrl-C: $got of 12 kept, says how to resume" || notok "matrix Ctrl-C" "rc $rc, $got rows: $(cat "$TMP/m.err")"
	# the interrupted run is a sweep in m.csv.part/sweep: one cell per
	# measurement (4 ops, the two modes interleaved in each), every finished
	# one logged, its rows those FILE got
	if python3 -c '
import json, sys
d, rows = sys.argv[1], int(sys.argv[2])
plan = [l.strip() for l in open(d + "/plan.txt") if l.strip() and not l.startswith("#")]
assert len(plan) == 4 and all(l.startswith("matrix --cpus 0,1 --op ") and "--mode both" in l for l in plan), plan
done = [l for l in open(d + "/cells-done.log") if l.split("\t")[1] == "done"]
assert len(done) * 3 == rows, "%d cells logged done, %d rows in FILE" % (len(done), rows)
st = json.load(open(d + "/meta.json"))["extra"]["sweep_status"]
assert st == "interrupted", st
print(len(done))
' "$TMP/m.csv.part/sweep" "$got" >"$TMP/mp.out" 2>&1; then
		ok "matrix: the run is a sweep of its measurements, $(cat "$TMP/mp.out") of 4 logged"
	else
		notok "matrix: its sweep" "$(cat "$TMP/mp.out")"
	fi
	expect_exit "matrix --out over an interrupted run" 2 "holds an interrupted matrix: continue it with --resume" \
		"$CP" matrix --op all --mode both --samples 200 --out "$TMP/m.csv"
	"$CP" matrix --op all --mode both --samples 200 --resume "$TMP/m.csv" 2>/dev/null
	[ "$(keys "$TMP/m.csv" | wc -l)" = 12 ] && [ "$(keys "$TMP/m.csv" | uniq | wc -l)" = 12 ] &&
		ok "matrix --resume: 12 rows, none twice" || notok "matrix resume" "$(keys "$TMP/m.csv")"
	[ ! -e "$TMP/m.csv.part" ] && ok "matrix: a finished run removes its state" || notok "matrix state" "$(ls -R "$TMP/m.csv.part")"
else
	kill "$pid" 2>/dev/null
	notok "matrix Ctrl-C" "no row within 60 s"
fi
"$CP" matrix --op all --mode both --samples 3000 --out "$TMP/m9.csv" 2>/dev/null &
pid=$!
if wait_lines "$TMP/m9.csv.part/sweep/matrix.csv" 3 60; then
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	"$CP" matrix --op all --mode both --samples 200 --resume "$TMP/m9.csv" 2>"$TMP/m9.err"
	[ "$(keys "$TMP/m9.csv" | wc -l)" = 12 ] && [ "$(keys "$TMP/m9.csv" | uniq | wc -l)" = 12 ] &&
		grep -q "continuing the interrupted run" "$TMP/m9.err" &&
		ok "matrix kill -9 + --resume keeps the killed run's rows, 12 once each" ||
		notok "matrix kill -9 resume" "$(cat "$TMP/m9.err"; keys "$TMP/m9.csv")"
	ls "$TMP"/m9.csv.part* >/dev/null 2>&1 && notok "matrix leftovers" "$(ls "$TMP")" || ok "matrix: no leftovers"
else
	kill "$pid" 2>/dev/null
	notok "matrix kill -9" "no row within 60 s"
fi
expect_exit "matrix --resume of nothing" 2 "no such file" "$CP" matrix --resume "$TMP/none.csv"
# --resume of a finished FILE with more ops: only what FILE lacks, FILE's rows kept
"$CP" matrix --op cas --mode thread --samples 50 --out "$TMP/ma.csv" 2>/dev/null
"$CP" matrix --op cas,faa --mode thread --samples 50 --resume "$TMP/ma.csv" 2>"$TMP/ma.err"
[ "$(keys "$TMP/ma.csv" | cut -d, -f2 | tr '\n' ' ')" = "cas faa " ] && grep -q "measurements: 1 " "$TMP/ma.err" &&
	ok "matrix --resume FILE with another op: measures only that op" ||
	notok "matrix resume with more ops" "$(keys "$TMP/ma.csv"; cat "$TMP/ma.err")"
# rows to stdout: the sweep in TMPDIR/cachepong-matrix.PID, removed; one a
# killed run left (its process gone) is removed by the next run
mkdir -p "$TMP/mt/cachepong-matrix.999999999/raw" && : >"$TMP/mt/cachepong-matrix.999999999/plan.txt"
if TMPDIR=$TMP/mt "$CP" matrix --op cas --samples 20 --format csv >"$TMP/mt.csv" 2>/dev/null &&
   [ "$(keys "$TMP/mt.csv" | wc -l)" = 1 ] && [ -z "$(ls -A "$TMP/mt")" ]; then
	ok "matrix to stdout: its temporary sweep removed, and a dead run's"
else
	notok "matrix to stdout" "$(cat "$TMP/mt.csv"; ls -A "$TMP/mt")"
fi
# a sweep resumed after its matrix cell was killed removes the cell's state
echo "matrix --op cas --samples 20" >"$TMP/mk.plan"
if "$CP" sweep --plan "$TMP/mk.plan" --dir "$TMP/mk" >/dev/null 2>&1 && [ -s "$TMP/mk/matrix.csv" ] &&
   [ -z "$(find "$TMP/mk" -name '.cell*')" ]; then
	mkdir -p "$TMP/mk/.cell.csv.part/sweep/raw" && : >"$TMP/mk/.cell.csv.part/base.csv" &&
		: >"$TMP/mk/.cell.csv.part/sweep/plan.txt"
	"$CP" sweep --resume "$TMP/mk" >/dev/null 2>&1
	[ ! -e "$TMP/mk/.cell.csv.part" ] && ok "sweep --resume removes a killed matrix cell's state" ||
		notok "matrix cell state" "$(ls -RA "$TMP/mk/.cell.csv.part")"
else
	notok "sweep of a matrix cell" "$(ls -A "$TMP/mk")"
fi

# a new sweep takes only an empty or new directory; --resume only its own
mkdir -p "$TMP/busy"
echo mine >"$TMP/busy/important.csv"
expect_exit "sweep --dir refuses a non-empty directory" 2 "--dir $TMP/busy: not empty \\(it holds 'important.csv'\\)" \
	"$CP" sweep --preset quick --dir "$TMP/busy" --budget 5s
[ "$(cat "$TMP/busy/important.csv")" = mine ] && [ "$(ls -A "$TMP/busy")" = important.csv ] &&
	ok "the refused directory is as it was" || notok "refused directory" "$(ls -A "$TMP/busy")"
mkdir -p "$TMP/notours"
printf 'x\n' >"$TMP/notours/plan.txt"
expect_exit "--resume refuses a directory without the marker" 2 "no .cachepong-results there" \
	"$CP" sweep --resume "$TMP/notours"
finish
