#!/bin/sh
# tests/vm/guest.sh: runs inside a tests/vm guest, in a chroot of the host's
# root (read-only over 9p), as root.  The shape qemu was asked for comes in
# CP_VM_SOCKETS, _CORES, _THREADS, _NODES (nodes split the CPUs into equal
# consecutive ranges, qemu numbers threads of a core, then cores of a socket,
# consecutively); CP_VM_WHAT names the part to run.  Checks go to
# /tmp/vm-out/log (a share the host reads), results to /tmp/vm-out/.
OUT=/tmp/vm-out
export CP_TEST_LOG=$OUT/log
: >"$CP_TEST_LOG"
. "$CP_VM_REPO/tests/cli/lib.sh"
_T_FILE=guest
S=$CP_VM_SOCKETS C=$CP_VM_CORES T=$CP_VM_THREADS N=$CP_VM_NODES
NCPU=$((S * C * T))
PER_NODE=$((NCPU / N))
cd "$CP_VM_REPO" || exit 1

node_of() { echo $(($1 / PER_NODE)); }
socket_of() { echo $(($1 / (C * T))); }

# py NAME FILE SCRIPT ARGS...: python over FILE's CSV rows; prints what is wrong
py() {
	_n=$1 _f=$2 _s=$3
	shift 3
	_bad=$(python3 -c "
import csv, json, sys
err = []
rows = list(csv.DictReader(open(sys.argv[1])))
if not rows: err.append('no rows')
$_s
print('; '.join(err[:4]))" "$_f" "$@" 2>&1)
	if [ -n "$_bad" ]; then notok "$_n" "$_bad"; else ok "$_n"; fi
}

# run NAME ARGS...: cachepong ARGS --format csv into $TMP/out.csv, exit 0 expected
run() {
	_n=$1
	shift
	"$CP" "$@" --format csv >"$TMP/out.csv" 2>"$TMP/err" && return 0
	notok "$_n" "exit $?: $(grep -v 'warning: timer' "$TMP/err" | head -c 400)"
	return 1
}

# The classes and pair counts the shape implies: same core smt, same socket
# llc (qemu gives each socket one L3), else cross-package.
expect_classes() {
	python3 -c '
import itertools, sys
s, c, t = map(int, sys.argv[1:4])
n = s * c * t
count = {}
for a, b in itertools.combinations(range(n), 2):
    k = "smt" if a // t == b // t else "llc" if a // (c * t) == b // (c * t) else "cross-package"
    count[k] = count.get(k, 0) + 1
print(" ".join("%s=%d" % kv for kv in sorted(count.items())))' "$S" "$C" "$T"
}

part_topo() {
	want=$(expect_classes)
	if ! "$CP" topo --format json >"$TMP/topo.json" 2>"$TMP/err"; then
		notok "topo" "exit $?: $(head -c 300 "$TMP/err")"
		return
	fi
	"$CP" topo >"$OUT/topo.txt" 2>&1
	# a cache per SMT thread holds no whole core: its line says so, not "0 cores"
	if grep -q "^cache .* each 0 core" "$OUT/topo.txt"; then
		notok "topo: cache lines" "$(grep '^cache' "$OUT/topo.txt" | tr '\n' ' ')"
	else
		ok "topo: cache lines name what each cache holds"
	fi
	got=$(python3 -c '
import json, sys
t = json.load(open(sys.argv[1]))
print(" ".join("%s=%d" % (c["name"], c["pairs"]) for c in sorted(t["classes"], key=lambda c: c["name"])))' "$TMP/topo.json" 2>&1)
	if [ "$got" = "$want" ]; then ok "topo: classes $want"; else notok "topo: classes" "got '$got', want '$want'"; fi
	got=$(python3 -c '
import json, sys
t = json.load(open(sys.argv[1]))
print(t["packages"], len(t["numa_nodes"]), t["cores"], t["pus"], " ".join(str(c["node"]) for c in sorted(t["cpus"], key=lambda c: c["os"])))' "$TMP/topo.json" 2>&1)
	want="$S $N $((S * C)) $NCPU $(i=0; while [ $i -lt $NCPU ]; do printf '%s ' "$(node_of $i)"; i=$((i + 1)); done)"
	if [ "$got" = "${want% }" ]; then ok "topo: packages nodes cores PUs, node of each CPU: $got"
	else notok "topo: machine" "got '$got', want '${want% }'"; fi
}

# pingpong at CLASS: both modes, the pair really of that class in the shape
pp_class() {
	cls=$1
	run "pingpong --placement $cls --mode both" pingpong --placement "$cls" --mode both --op cas --samples 30 || return
	py "pingpong --placement $cls --mode both: a $cls pair of the shape, both modes" "$TMP/out.csv" '
s, c, t, cls = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
if sorted(r["mode"] for r in rows) != ["process", "thread", "thread:process"]: err.append("modes %s" % [r["mode"] for r in rows])
for r in rows:
    a, b = int(r["cpu_a"]), int(r["cpu_b"])
    k = "smt" if a // t == b // t else "llc" if a // (c * t) == b // (c * t) else "cross-package"
    if r["placement"] != cls or k != cls: err.append("CPUs %d,%d are %s in the shape; row says %s" % (a, b, k, r["placement"]))
    if float(r["p50"]) <= 0: err.append("p50 %s" % r["p50"])
' "$S" "$C" "$T" "$cls"
}

# --mem-node SPEC with CPUs A,B for every memory kind: the node the kernel
# reports for the page (move_pages) is the one the shape says
mem_nodes() {
	a=$1 b=$2 spec=$3 want=$4
	for kind in heap anon sysv posix memfd; do
		mode=both
		[ $kind = heap ] && mode=thread
		n="pingpong --cpus $a,$b --shm $kind --mode $mode --mem-node $spec: node $want"
		run "$n" pingpong --cpus "$a,$b" --shm $kind --mode $mode --mem-node "$spec" --op cas --samples 20 || continue
		py "$n" "$TMP/out.csv" '
want, mode = sys.argv[2], sys.argv[3]
# both: the two interleaved arms and their comparison row
if len(rows) != (3 if mode == "both" else 1): err.append("%d rows" % len(rows))
for r in rows:
    if r["mem_node"] != want: err.append("%s: mem_node %s" % (r["mode"], r["mem_node"]))
' "$want" "$mode"
	done
}

# coherence states at the far class, by processes (the harder case: each
# maps the lines itself): every op x state with the self baselines and S
# (a third CPU exists), holders of the shape
coherence_far() {
	run "coherence --placement cross-package --mode process" coherence --placement cross-package \
		--op all --state all --mode process --samples 10 --warmup 2 || return
	py "coherence --placement cross-package --op all --state all --mode process: the shape's holders" "$TMP/out.csv" '
s, c, t = map(int, sys.argv[2:5])
sock = lambda x: x // (c * t)
want = [("M", "self"), ("M", "x"), ("E", "self"), ("E", "x"), ("S", "x"), ("I", "memory")]
got = {}
for r in rows:
    cpus = [int(x) for x in r["cpus"].split(";")]
    prep, meas = cpus[0], cpus[1]
    if sock(prep) == sock(meas): err.append("CPUs %d,%d share a socket in the shape" % (prep, meas))
    if r["holder"] not in ("self", "memory") and r["holder"] != "cross-package": err.append("holder %s" % r["holder"])
    if r["state"] == "S" and (len(cpus) != 3 or len(set(cpus)) != 3): err.append("S with CPUs %s" % cpus)
    h = r["holder"] if r["holder"] in ("self", "memory") else "x"
    got.setdefault((r["kernel"], r["mode"]), []).append((r["state"], h))
for op in ("load", "store", "cas", "faa", "tas", "swap"):
    for m in ("process",):
        if got.get((op, m)) != want: err.append("%s %s: %s" % (op, m, got.get((op, m))))
' "$S" "$C" "$T"
}

part_placement() {
	part_topo
	pp_class llc
	pp_class cross-package
	coherence_far
	far=$(node_of $((NCPU - 1)))
	mem_nodes 0 1 0 0
	mem_nodes 0 1 "$far" "$far"
	mem_nodes 0 1 other "$far"
	mem_nodes 0 $((NCPU - 1)) a 0
	mem_nodes 0 $((NCPU - 1)) b "$far"
	# the cost commands with their memory on the far node
	for cmd in "setup --what touch --shm anon --sizes 64K --samples 3" "copy --sizes 4K --samples 3" \
		"sync --samples 3" "contend --samples 3"; do
		set -- $cmd
		n="$1 --cpus 0,1 --mode both --mem-node $far"
		run "$n" "$@" --cpus 0,1 --mode both --mem-node "$far" || continue
		py "$n: memory on node $far" "$TMP/out.csv" '
want = sys.argv[2]
# the comparison rows of their interleaved arms
seen = {r["mode"] for r in rows} - {"thread:process"}
if seen != {"thread", "process"}: err.append("modes %s" % sorted(seen))
mine = [r for r in rows if r["mem_node"] != ""]
if not mine: err.append("no row says where its memory was")
for r in mine:
    if r["mem_node"] != want: err.append("%s %s %s: mem_node %s" % (r["mode"], r["kernel"], r["shm"], r["mem_node"]))
' "$far"
	done
	# every pair of the machine, both modes
	if "$CP" matrix --mode both --op cas --samples 10 --out "$OUT/matrix.csv" >"$TMP/m.txt" 2>"$TMP/err"; then
		py "matrix --mode both: every pair of $NCPU CPUs, both modes, classes of the shape" "$OUT/matrix.csv" '
import itertools
s, c, t = map(int, sys.argv[2:5])
n = s * c * t
# both: per pair the two interleaved arms and their comparison row
got = sorted((int(r["cpu_a"]), int(r["cpu_b"]), r["mode"]) for r in rows)
want = sorted((a, b, m) for a, b in itertools.combinations(range(n), 2) for m in ("thread", "process", "thread:process"))
if got != want: err.append("pairs %s, want %s" % (got[:6], want[:6]))
for r in rows:
    a, b = int(r["cpu_a"]), int(r["cpu_b"])
    k = "llc" if a // (c * t) == b // (c * t) else "cross-package"
    if r["placement"] != k: err.append("%d,%d: %s, want %s" % (a, b, r["placement"], k))
' "$S" "$C" "$T"
	else
		notok "matrix --mode both" "exit $?: $(grep -v 'warning: timer' "$TMP/err" | head -c 300)"
	fi
	# the main job, small: the standard preset's sweep and the report on it,
	# within its budget + 5% where everything is slow (emulated CPUs)
	t0=$(date +%s)
	if "$CP" report --budget 60s --dir "$OUT/report" >"$OUT/report.log" 2>&1; then
		ok "report --budget 60s (standard preset) exit 0"
	else
		notok "report --budget 60s" "exit $?: $(grep -v 'warning: timer' "$OUT/report.log" | tail -c 400)"
	fi
	t=$(($(date +%s) - t0))
	[ "$t" -le 63 ] && ok "report --budget 60s took ${t} s (63 at most) under emulation" ||
		notok "report --budget 60s" "took ${t} s, over 60 s + 5%: $(grep -E '^report:|capped|over budget' "$OUT/report.log" | tail -c 600)"
}

part_smt() {
	part_topo
	pp_class smt
	run "pingpong --placement smt: every pair" pingpong --placement smt --pairs $((S * C)) --mode thread --op cas --samples 10 &&
		py "pingpong --placement smt --pairs $((S * C)): the $((S * C)) cores' sibling pairs" "$TMP/out.csv" '
t, cores = int(sys.argv[2]), int(sys.argv[3])
got = sorted((min(int(r["cpu_a"]), int(r["cpu_b"])), max(int(r["cpu_a"]), int(r["cpu_b"]))) for r in rows)
want = sorted((i * t + x, i * t + y) for i in range(cores) for x in range(t) for y in range(x + 1, t))
if got != want: err.append("pairs %s, want %s" % (got, want))
' "$T" "$((S * C))"
	part_parallel
}

# disjoint pairs at once: every pair exactly once, no CPU in two pairs of a
# group, the group's cells overlapping in time (each pair's agents are
# checked on their CPUs before and after their timed region, or the run fails)
part_parallel() {
	if "$CP" matrix --parallel 2 --op cas --samples 5 --out "$OUT/par.csv" >"$TMP/m.txt" 2>"$TMP/err"; then
		py "matrix --parallel 2: every pair of $NCPU CPUs once, at most 2 at a time, their cells overlapping" "$OUT/par.csv" '
import itertools, re
n = int(sys.argv[2])
got = sorted(tuple(sorted((int(r["cpu_a"]), int(r["cpu_b"])))) for r in rows)
if got != list(itertools.combinations(range(n), 2)): err.append("pairs %s" % got[:8])
ovl = []
for r in rows:
    m = re.search(r"([0-9]+) pairs at once .* >= ([0-9]+)% of its time", r["note"])
    if not m: err.append("no group note: %r" % r["note"]); break
    if int(m.group(1)) not in (1, 2): err.append("%s pairs at once" % m.group(1))
    if m.group(1) == "2": ovl.append(int(m.group(2)))
if not ovl: err.append("no group of two")
elif sorted(ovl)[len(ovl) // 2] < 50: err.append("the groups overlapped little: %s" % ovl)
' "$NCPU"
	else
		notok "matrix --parallel 2" "exit $?: $(grep -v 'warning: timer' "$TMP/err" | head -c 300)"
	fi
	# auto checks 4 pairs at once against alone before it trusts them; its
	# checks are rows of the results (alone, parallel, their ratio)
	if "$CP" matrix --parallel auto --per-class 1 --op cas --samples 5 --out "$OUT/pauto.csv" >"$TMP/m.txt" 2>"$TMP/err"; then
		py "matrix --parallel auto --per-class 1: the checks as rows, the N it settled on said" "$OUT/pauto.csv" '
chk = [r for r in rows if r["arms"].startswith("parallel=")]
cmp = [r for r in chk if r["arm"] == "1:2"]
if not cmp: err.append("no check rows")
for r in cmp:
    if r["verdict"] not in ("equivalent", "slower", "faster", "inconclusive"): err.append("verdict %r" % r["verdict"])
    if not float(r["ci_lo"]) <= float(r["p50"]) <= float(r["ci_hi"]): err.append("interval")
if len([r for r in chk if r["arm"] in ("1", "2")]) != 2 * len(cmp): err.append("arms rows")
cells = [r for r in rows if not r["arms"]]
if len(cells) < 4: err.append("%d pairs measured" % len(cells))
' && grep -q "matrix: --parallel auto: [0-9]* pairs\? at once" "$TMP/err" && ok "the N auto settled on is said" ||
			notok "matrix --parallel auto: N said" "$(grep parallel "$TMP/err" | head -c 300)"
	else
		notok "matrix --parallel auto" "exit $?: $(grep -v 'warning: timer' "$TMP/err" | head -c 300)"
	fi
}

part_hugepages() {
	CP_REQUIRE_PERF=1 sh tests/cli/test_hugepages.sh
}

part_cli() {
	for f in test_topo test_pingpong test_costs; do
		sh "tests/cli/$f.sh"
	done
}

case "${CP_VM_WHAT:-}" in
placement | smt | hugepages | cli) "part_$CP_VM_WHAT" ;;
*) notok "guest part" "unknown part '${CP_VM_WHAT:-}'" ;;
esac
finish
