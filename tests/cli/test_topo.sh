# test_topo.sh: `cachepong topo` on this machine and on saved topologies.
. "$(dirname "$0")/lib.sh"
SAN_TOO=1

ZEN4=$TOPO/AMD-19h-Zen4-2xEpyc-9654.xml

check "topo runs here" "$CP" topo
expect_exit "json here" 0 '"classes": \[' "$CP" topo --format json

# 2x EPYC 9654: 192 SMT pairs, first is P#0 / P#192 (siblings P#n / P#n+192)
# the smt class of the Zen 4 machine, read as JSON (not as text)
if out=$("$CP" topo --topology-xml "$ZEN4" --format json | python3 -c '
import json, sys
c = [c for c in json.load(sys.stdin)["classes"] if c["name"] == "smt"]
assert len(c) == 1 and c[0]["kinds"] == "" and c[0]["pairs"] == 192 and c[0]["representative"] == [0, 192], c
print(c[0]["pairs"])' 2>&1); then ok "zen4 smt json: 192 pairs, representative 0,192"; else notok "zen4 smt json" "$out"; fi
# 192 x 192 pairs across the two sockets, one NUMA node each and no distances: no split
expect_exit "zen4 cross-package" 0 '^cross-package +36864 +0,96$' "$CP" topo --topology-xml "$ZEN4"
# --pairs 2 on Kunpeng clusters: one pair per socket bucket; L#64 = P#64 starts socket 1
expect_exit "kunpeng sample" 0 'sample \(a:b\) +0:1,64:65' \
	"$CP" topo --topology-xml "$TOPO/128arm-2pa2n8cluster4co.xml" --pairs 2

# table width: no line over 100 columns even for 24 nodes and 384 PUs
"$CP" topo --topology-xml "$TOPO/192em64t-24n8c2t.xml" >"$TMP/uv.txt" 2>&1
if awk 'length > 100 { bad = 1 } END { exit bad }' "$TMP/uv.txt"; then ok "uv table width"; else notok "uv table width" "a line is over 100 columns"; fi

# --out is written whole, and no temporary file is left behind
check "out json" "$CP" topo --topology-xml "$ZEN4" --format json --out "$TMP/t.json"
if python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert sum(c["pairs"] for c in d["classes"]) == 384*383//2' "$TMP/t.json" 2>"$TMP/py.err"; then
	ok "out json parses, classes sum to C(384,2)"
else
	notok "out json parses, classes sum to C(384,2)" "$(cat "$TMP/py.err")"
fi
if ls "$TMP" | grep -q 'tmp'; then notok "out no temp left" "$(ls "$TMP")"; else ok "out no temp left"; fi

# taskset -c 0: one allowed CPU, no pairs
if command -v taskset >/dev/null; then
	expect_exit "taskset one cpu" 0 '"allowed": 1,' taskset -c 0 "$CP" topo --format json
	expect_exit "taskset no pairs" 0 'none: fewer than 2 allowed CPUs' taskset -c 0 "$CP" topo
fi

# bad input: exit 2, the message names the value
expect_exit "missing xml" 2 "no-such\.xml" "$CP" topo --topology-xml "$TMP/no-such.xml"
printf '<topology version="2.0"><object type="Machine"' >"$TMP/broken.xml"
expect_exit "malformed xml" 2 "broken\.xml" "$CP" topo --topology-xml "$TMP/broken.xml"
expect_exit "pairs 0" 2 "pairs.*0" "$CP" topo --pairs 0
expect_exit "format csv" 2 "csv.*table\|json|table\|json.*csv" "$CP" topo --format csv
# placement classes through a command that takes --placement
expect_exit "unknown class" 2 "'l3'.*smt, l2, cluster, llc" "$CP" pingpong --placement l3
expect_exit "class not here" 3 "not available on this machine: placement class 'cluster'" \
	"$CP" pingpong --placement cluster
expect_exit "out unwritable" 1 "no-dir" "$CP" topo --out "$TMP/no-dir/t.txt"

finish
