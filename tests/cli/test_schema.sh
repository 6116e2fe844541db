#!/bin/sh
# test_schema.sh: the JSON Schema documents (`cachepong schema NAME`, the
# build's build/schema/NAME.schema.json): valid draft 2020-12 schemas, the
# build's files the same, the committed reference report valid against
# them, and the validator (tools/check_json.py) failing on files that break
# them: a key too many, a wrong type, a file of no known kind, a CSV whose
# columns moved.  --version names the schema version the files record.
. "$(dirname "$0")/lib.sh"

PY=$(json_python)
[ -n "$PY" ] || { notok "python3-jsonschema" "missing: run make deps-test"; finish; }
CHECK="$PY $ROOT/tools/check_json.py"
REF=$ROOT/results/reference

names=$("$CP" schema list | tr '\n' ' ')
[ "$names" = "results meta columns topo " ] && ok "schema list: $names" || notok "schema list" "got '$names'"
mkdir -p "$TMP/sch"
bad=""
for n in $names; do
	"$CP" schema "$n" --out "$TMP/sch/$n.schema.json" || bad="$bad $n(exit $?)"
	cmp -s "$TMP/sch/$n.schema.json" "$ROOT/build/schema/$n.schema.json" || bad="$bad $n(differs from the build's)"
	$PY -c 'import json,sys,jsonschema; jsonschema.Draft202012Validator.check_schema(json.load(open(sys.argv[1])))' \
		"$TMP/sch/$n.schema.json" 2>"$TMP/err" || bad="$bad $n($(tail -1 "$TMP/err"))"
done
[ -z "$bad" ] && ok "every schema is a valid draft 2020-12 schema, as the build wrote it" || notok "schemas" "$bad"
expect_exit "schema nosuch: exit 2 naming the documents" 2 "unknown document 'nosuch'.*results\|meta" "$CP" schema nosuch

v=$("$CP" --version)
sv=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["schema_version"])' "$REF/meta.json")
case "$v" in
*"results schema $sv") ok "--version: $v" ;;
*) notok "--version names the schema" "'$v', meta.json says $sv" ;;
esac

# the committed standard report: every JSON file and results CSV
out=$($CHECK "$TMP/sch" "$REF" 2>&1) && ok "the reference report validates ($(echo "$out" | tail -1))" ||
	notok "the reference report" "$(echo "$out" | head -c 500)"
# the CSV header a command writes now is the columns schema's order
"$CP" pingpong --cpus 0,1 --samples 5 --warmup 1 --format csv --out "$TMP/pp.csv" 2>/dev/null
want=$(python3 -c 'import json,sys; print(",".join(json.load(open(sys.argv[1]))["x-columns"]))' \
	"$TMP/sch/columns.schema.json")
[ -n "$want" ] && [ "$(head -1 "$TMP/pp.csv")" = "$want" ] && ok "a CSV's header is the columns schema's order" ||
	notok "CSV header" "$(head -1 "$TMP/pp.csv" | head -c 200)"

# each break once: the validator must fail (exit 1) and say where
mkdir -p "$TMP/broken"
python3 - "$REF" "$TMP/broken" <<'PYEOF'
import json, sys, shutil, os
ref, out = sys.argv[1], sys.argv[2]
def dump(name, doc):
    os.makedirs(os.path.join(out, name), exist_ok=True)
    json.dump(doc, open(os.path.join(out, name, name.split("-")[0] + ".json"), "w"))
m = json.load(open(os.path.join(ref, "meta.json")))
m["no_such_key"] = 1
dump("meta-extra", m)
m = json.load(open(os.path.join(ref, "meta.json")))
m["schema_version"] = m["schema_version"] + 1
dump("meta-version", m)
t = json.load(open(os.path.join(ref, "topo.json")))
t["cpus"][0]["os"] = "zero"
dump("topo-type", t)
dump("other-kind", {"hello": 1})
PYEOF
"$CP" pingpong --cpus 0,1 --samples 5 --warmup 1 --format json --out "$TMP/broken/pp.json" 2>/dev/null
python3 -c '
import json,sys
d=json.load(open(sys.argv[1])); d["results"][0]["p50"]="fast"; json.dump(d,open(sys.argv[2],"w"))' \
	"$TMP/broken/pp.json" "$TMP/broken/rows-type.json"
rm -f "$TMP/broken/pp.json"
python3 -c '
import sys
l=open(sys.argv[1]).read().splitlines(); h=l[0].split(","); h[0],h[1]=h[1],h[0]; l[0]=",".join(h)
open(sys.argv[2],"w").write("\n".join(l)+"\n")' "$TMP/pp.csv" "$TMP/broken/moved.csv"
for b in meta-extra/meta.json meta-version/meta.json topo-type/topo.json other-kind/other.json rows-type.json moved.csv; do
	out=$($CHECK "$TMP/sch" "$TMP/broken/$b" 2>&1)
	rc=$?
	[ "$rc" = 1 ] && printf '%s' "$out" | grep -q "$(basename "$b")" && ok "a broken file fails validation: $b" ||
		notok "broken $b" "exit $rc: $(printf '%s' "$out" | head -c 300)"
done
# the broken files must not fail this file's own closing check
rm -rf "$TMP/broken"

finish
