#!/bin/sh
# test_compare.sh: `cachepong compare` over two small sweeps of this machine
# and a fleet directory made by hand: the runs' table marks what differs,
# the cells line up across runs with the ratio to the baseline, a cell
# measured in one run only is named, failed and unstarted fleet tasks are
# listed, and bad directories are refused naming them.
. "$(dirname "$0")/lib.sh"

cat >"$TMP/a.plan" <<'EOF'
pingpong --cpus 0,1 --op cas --mode thread --samples 20 --warmup 2
sync --cpus 0,1 --prim futex --mode thread --samples 5 --warmup 1 --iters 20
EOF
cat >"$TMP/b.plan" <<'EOF'
pingpong --cpus 0,1 --op cas,faa --mode thread --samples 20 --warmup 2
sync --cpus 0,1 --prim futex --mode thread --samples 5 --warmup 1 --iters 20
EOF
for r in a b; do
	if ! "$CP" sweep --plan "$TMP/$r.plan" --dir "$TMP/$r" >/dev/null 2>"$TMP/$r.err"; then
		notok "sweep $r" "$(tail -3 "$TMP/$r.err")"
		finish
	fi
done
# one run on another kernel, as its metadata says
python3 - "$TMP/b/meta.json" <<'EOF'
import json, sys
m = json.load(open(sys.argv[1]))
m["kernel"] = "9.9.9-other"
json.dump(m, open(sys.argv[1], "w"), indent=2)
EOF

check "compare two runs" "$CP" compare "$TMP/a" "$TMP/b" --label old,new --dir "$TMP/cmp"
R=$TMP/cmp/report.md
if [ -s "$R" ] && [ -s "$TMP/cmp/report.html" ]; then
	ok "compare writes report.md and report.html"
else
	notok "compare output" "$(ls "$TMP/cmp")"
fi
grep -q '^| kernel (differs) | .* | 9.9.9-other |$' "$R" && ok "the runs' table marks the differing kernel" ||
	notok "differences" "$(grep -i kernel "$R" | head -3)"
grep -q '^| host | ' "$R" && ! grep -q '^| host (differs)' "$R" && ok "fields that agree are not marked" ||
	notok "agreeing fields" "$(grep '^| host' "$R")"
grep -q 'pingpong: not in\|pingpong: 1 cell measured in some runs only' "$R" &&
	ok "a cell of one run only is named in the gaps" || notok "gaps" "$(sed -n '/Measured in one run/,/^## /p' "$R")"
# the cas round trip of both runs on one line, the ratio new / old with an interval
if out=$(python3 - "$R" <<'EOF' 2>&1
import re, sys
t = open(sys.argv[1]).read()
sec = t.split("## pingpong: round\\_trip")[1].split("\n## ")[0]
rows = [l for l in sec.splitlines() if l.startswith("| cas thread")]
assert len(rows) == 1, rows
cells = [c.strip() for c in rows[0].strip("|").split("|")]
num = r"[0-9.]+ \\\[[0-9.]+, [0-9.]+\\\]"
assert re.fullmatch(num, cells[1]) and re.fullmatch(num, cells[2]), cells
m = re.fullmatch(r"([0-9.]+) \\\[([0-9.]+), ([0-9.]+)\\\]", cells[3])
assert m and float(m.group(2)) <= float(m.group(1)) <= float(m.group(3)), cells[3]
faa = [l for l in sec.splitlines() if l.startswith("| faa thread")]
assert faa and "not measured" in faa[0], faa
print(cells[3])
EOF
); then ok "pingpong cells line up, new / old = $out"; else notok "pingpong side by side" "$out"; fi
grep -q '^## sync: round\\_trip' "$R" && ok "every experiment both ran has its section" || notok "sync section" "$(grep '^## ' "$R")"

# the baseline is the second run: its ratio column says old / new
check "compare --baseline 2" "$CP" compare "$TMP/a" "$TMP/b" --label old,new --baseline 2 --dir "$TMP/cmp2"
grep -qF '| old / new \[95% CI\] |' "$TMP/cmp2/report.md" && ok "--baseline 2 divides by the second run" ||
	notok "--baseline" "$(grep '/ new' "$TMP/cmp2/report.md" | head -2)"
# a second comparison into the same directory replaces the first
check "compare again into its own directory" "$CP" compare "$TMP/a" "$TMP/b" --dir "$TMP/cmp"

# a fleet: two finished tasks, one failed, one never started
F=$TMP/fleet
mkdir -p "$F/tasks"
printf 'cachepong fleet\ntasks 4\npreset quick\nbudget 0\n' >"$F/.cachepong-fleet"
printf 'done\n%s\nhost-a\n0\n' "$TMP/a" >"$F/tasks/0"
printf 'done\n%s\nhost-b\n0\n' "$TMP/b" >"$F/tasks/1"
printf 'failed\n%s/x\nhost-c\n1\n' "$F" >"$F/tasks/2"
check "compare --fleet" "$CP" compare --fleet "$F" --dir "$F/compare"
grep -q 'task 2 on host-c: failed (cachepong report exited 1)' "$F/compare/report.md" &&
	grep -q 'task 3: never started' "$F/compare/report.md" &&
	ok "compare --fleet lists the failed and the unstarted tasks" ||
	notok "fleet gaps" "$(sed -n '/Measured in one run/,/^## /p' "$F/compare/report.md")"

# bad directories and options
mkdir -p "$TMP/plain" "$TMP/old" "$TMP/full"
printf 'cachepong results directory\nschema 1\n' >"$TMP/old/.cachepong-results"
touch "$TMP/full/mine.txt"
expect_exit "one directory" 2 "give two or more results directories" "$CP" compare "$TMP/a" --dir "$TMP/c1"
expect_exit "not a results directory" 2 "plain: no .cachepong-results there: not a results directory" \
	"$CP" compare "$TMP/a" "$TMP/plain" --dir "$TMP/c2"
expect_exit "another schema version" 2 "old: results of schema version 1, this cachepong reads" \
	"$CP" compare "$TMP/a" "$TMP/old" --dir "$TMP/c3"
expect_exit "labels do not match" 2 "--label: invalid value 'x': 1 names for 2 directories" \
	"$CP" compare "$TMP/a" "$TMP/b" --label x --dir "$TMP/c4"
expect_exit "baseline out of range" 2 "--baseline: invalid value '3': allowed: 1 to 2" \
	"$CP" compare "$TMP/a" "$TMP/b" --baseline 3 --dir "$TMP/c5"
expect_exit "no --dir" 2 "--dir OUT is needed" "$CP" compare "$TMP/a" "$TMP/b"
expect_exit "a user's directory is never written into" 2 "full: not empty \(it holds 'mine.txt'\)" \
	"$CP" compare "$TMP/a" "$TMP/b" --dir "$TMP/full"
[ "$(ls -A "$TMP/full")" = mine.txt ] && ok "the user's directory is as it was" || notok "user dir" "$(ls -A "$TMP/full")"
finish
