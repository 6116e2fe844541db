#!/bin/sh
# test_export.sh: `cachepong export DIR --format openmetrics` on the
# committed standard report (results/reference) and on a sweep made here:
# promtool (Debian's prometheus) accepts it, every family has its TYPE, a
# UNIT its name ends with, no series twice, a value per stat of every row;
# --out is atomic; bad input is refused (exit 2).
. "$(dirname "$0")/lib.sh"

REF=$ROOT/results/reference
if ! command -v promtool >/dev/null 2>&1; then
	notok "promtool" "not found (Debian's prometheus package): run make deps-test"
fi

# om_check NAME FILE CSVDIR: promtool, then the structure against the CSVs
om_check() {
	if command -v promtool >/dev/null 2>&1; then
		if out=$(promtool check metrics <"$2" 2>&1); then
			ok "$1: promtool check metrics accepts it"
		else
			notok "$1: promtool check metrics" "$(printf '%s' "$out" | head -c 500)"
		fi
	fi
	bad=$(python3 - "$2" "$3" <<'EOF'
import csv, glob, math, os, re, sys
text = open(sys.argv[1]).read()
lines = text.splitlines()
probs = []
if not lines or lines[-1] != "# EOF":
    probs.append("does not end with # EOF")
types, units, seen, fams, series = {}, {}, [], set(), set()
for l in lines:
    m = re.match(r"# (TYPE|UNIT|HELP) (\S+) ?(.*)", l)
    if m:
        (types if m[1] == "TYPE" else units if m[1] == "UNIT" else {})[m[2]] = m[3]
        if m[1] == "TYPE":
            if m[2] in fams:
                probs.append("family twice: " + m[2])
            fams.add(m[2])
        continue
    if l.startswith("#"):
        continue
    m = re.match(r"([a-z_:][a-z0-9_:]*)(\{.*\})? (\S+)$", l)
    if not m:
        probs.append("not a sample: " + l[:80]); continue
    if m[1] not in types:
        probs.append("sample before its TYPE: " + m[1])
    if (m[1], m[2]) in series:
        probs.append("series twice: " + l[:120])
    series.add((m[1], m[2]))
    if not math.isfinite(float(m[3])):
        probs.append("not a finite value: " + l[:80])
    seen.append((m[1], m[2] or ""))
for f, u in units.items():
    if not f.endswith("_" + u) and f != "cachepong_" + u:
        probs.append(f"{f}: UNIT {u} is not its suffix")
for f in types:
    if re.search(r"_(seconds|ratio|bytes_per_second|operations_per_second)$", f) and f not in units:
        probs.append(f + ": no UNIT")
# every row of every results CSV: its p50 as a stat="p50" sample of its experiment
rows = 0
for p in sorted(glob.glob(os.path.join(sys.argv[2], "*.csv"))):
    with open(p) as fh:
        rd = list(csv.DictReader(fh))
    if not rd or "p50" not in rd[0] or "experiment" not in rd[0]:
        continue
    for r in rd:
        if r["p50"] == "":
            continue
        rows += 1
        lab = 'experiment="%s",kernel="%s"' % (r["experiment"], r["kernel"])
        if not any(lab in s and 'stat="p50"' in s for _, s in seen):
            probs.append("no p50 sample for a row of " + os.path.basename(p))
            break
if rows == 0:
    probs.append("no result rows in the CSVs")
if "cachepong_run_info" not in types:
    probs.append("no cachepong_run_info")
print("; ".join(probs[:5]) if probs else "")
EOF
)
	rc=$?
	if [ "$rc" = 0 ] && [ -z "$bad" ]; then
		ok "$1: families, units, series and a p50 per row"
	else
		notok "$1: structure" "exit $rc: $bad"
	fi
}

"$CP" export "$REF" --format openmetrics >"$TMP/ref.om" 2>"$TMP/err"
rc=$?
[ "$rc" = 0 ] && [ -s "$TMP/ref.om" ] && ok "export of the standard report: exit 0" ||
	notok "export of the standard report" "exit $rc: $(head -c 300 "$TMP/err")"
om_check "standard report" "$TMP/ref.om" "$REF"
# seconds from the CSV's ns: the first round trip's p50 read back
want=$(python3 -c '
import csv,sys
r=[x for x in csv.DictReader(open(sys.argv[1])) if x["metric"]=="round_trip" and x["p50"]][0]
print("%.6g" % (float(r["p50"]) * 1e-9))' "$REF/pingpong.csv")
grep -q "^cachepong_round_trip_seconds{experiment=\"pingpong\".*stat=\"p50\"} " "$TMP/ref.om" &&
	got=$(grep -m1 "^cachepong_round_trip_seconds{experiment=\"pingpong\".*stat=\"p50\"} " "$TMP/ref.om" |
		awk '{printf "%.6g", $NF}')
[ -n "$want" ] && [ "${got:-}" = "$want" ] && ok "round trips in seconds: the first p50 reads back ($got s)" ||
	notok "round trip in seconds" "want $want, got ${got:-none}"
grep -q '^cachepong_verdict{.*verdict="' "$TMP/ref.om" && ok "the comparisons' verdicts are exported" ||
	notok "verdicts" "no cachepong_verdict sample"

# a run made here, written with --out (atomically, no temporary left)
"$CP" sweep --preset quick --budget 15s --dir "$TMP/run" >/dev/null 2>"$TMP/err" ||
	notok "the quick sweep" "$(tail -3 "$TMP/err")"
mkdir -p "$TMP/prom"
if "$CP" export "$TMP/run" --out "$TMP/prom/cachepong.prom" 2>"$TMP/err"; then
	ok "export --out of a quick sweep: exit 0"
else
	notok "export --out" "$(head -c 300 "$TMP/err")"
fi
[ "$(ls -A "$TMP/prom")" = "cachepong.prom" ] && ok "--out leaves the file and nothing else" ||
	notok "--out" "the directory holds: $(ls -A "$TMP/prom" | tr '\n' ' ')"
om_check "quick sweep" "$TMP/prom/cachepong.prom" "$TMP/run"

expect_exit "export of a directory that is no results directory: exit 2" 2 "results|marker|cachepong" \
	"$CP" export "$TMP/prom"
expect_exit "export --format csv: exit 2 naming openmetrics" 2 "format.*'csv'.*openmetrics" \
	"$CP" export "$REF" --format csv
expect_exit "export without a directory: exit 2" 2 "give one results directory" "$CP" export
expect_exit "export of a missing directory: exit 2" 2 "nosuch" "$CP" export "$TMP/nosuch"

finish
