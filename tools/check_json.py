#!/usr/bin/env python3
"""check_json.py SCHEMA_DIR PATH...: validate cachepong's files against the
JSON Schema documents it ships (cachepong schema NAME; the build writes them
to build/schema/NAME.schema.json).

Every *.json file under each PATH is validated against the schema its kind
needs: meta.json -> meta, topo.json and `topo --format json` -> topo, a
results file ("meta" and "results") -> results; a schema document itself
must be a valid JSON Schema.  A JSON file of no known kind
is an error, not a skip (a test's own expectations, *.fixture.json, are not
cachepong's files).  Every results CSV (a header with p50 and at least
half of the schema's columns; a figure's data in plots/ has a few) is checked too: its header must be the columns of
the columns schema in order, then ctr: counters, and each row, its empty
fields null and numbers read as numbers, must validate against it.

Prints one line per problem and a summary "check_json: N files valid, M
invalid"; exits 0 only when nothing was invalid, 2 on bad arguments, 3 when
python3-jsonschema is missing."""
import csv
import json
import os
import sys

try:
    import jsonschema
except ImportError:
    print("check_json: not available on this machine: python3-jsonschema (apt-get install python3-jsonschema)",
          file=sys.stderr)
    sys.exit(3)


def load_schemas(d):
    out = {}
    # every document the build wrote (cachepong schema list), and at least these
    names = {n[:-len(".schema.json")] for n in os.listdir(d) if n.endswith(".schema.json")} if os.path.isdir(d) else set()
    for name in sorted(names | {"results", "meta", "columns", "topo"}):
        p = os.path.join(d, name + ".schema.json")
        try:
            with open(p, encoding="utf-8") as f:
                s = json.load(f)
        except (OSError, ValueError) as e:
            print(f"check_json: cannot read schema {p}: {e}", file=sys.stderr)
            sys.exit(2)
        jsonschema.Draft202012Validator.check_schema(s)
        out[name] = jsonschema.Draft202012Validator(s)
    return out


def kind_of(path, doc):
    base = os.path.basename(path)
    if isinstance(doc, dict) and "$schema" in doc:
        return "schema"
    if base == "meta.json":
        return "meta"
    if isinstance(doc, dict) and "meta" in doc and "results" in doc:
        return "results"
    if base == "topo.json" or (isinstance(doc, dict) and "this_system" in doc):
        return "topo"
    return None


def number(text):
    try:
        v = float(text)
    except ValueError:
        return text
    return int(v) if v.is_integer() and "." not in text and "e" not in text.lower() else v


def check_csv(path, v, problems):
    cols = v.schema["x-columns"]
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    head = rows[0]
    extra = head[len(cols):]
    if head[:len(cols)] != cols or any(not c.startswith("ctr:") for c in extra):
        problems.append(f"{path}: header is not the schema's columns then ctr: counters: {','.join(head)}")
        return
    strs = {k for k, p in v.schema["properties"].items() if "string" in p["type"]}
    for n, r in enumerate(rows[1:], 2):
        obj = {k: (None if x == "" else x if k in strs else number(x)) for k, x in zip(head, r)}
        for err in v.iter_errors(obj):
            problems.append(f"{path}:{n}: {err.message} (at {'/'.join(map(str, err.path))})")
            break


def main():
    if len(sys.argv) < 3:
        print("usage: check_json.py SCHEMA_DIR PATH...", file=sys.stderr)
        sys.exit(2)
    v = load_schemas(sys.argv[1])
    schema_cols = set(v["columns"].schema["x-columns"])
    files, problems, valid = [], [], 0
    for top in sys.argv[2:]:
        if os.path.isfile(top):
            files.append(top)
        for dp, _, names in os.walk(top):
            files += [os.path.join(dp, n) for n in names]
    for p in sorted(set(files)):
        # a temporary being written; a test's own expectations (*.fixture.json)
        if ".tmp." in os.path.basename(p) or p.endswith(".fixture.json"):
            continue
        before = len(problems)
        if p.endswith(".json"):
            try:
                with open(p, encoding="utf-8") as f:
                    doc = json.load(f)
            except (OSError, ValueError) as e:
                problems.append(f"{p}: not JSON: {e}")
                continue
            k = kind_of(p, doc)
            if not k:
                problems.append(f"{p}: a JSON file of no known kind (meta, results, topo)")
                continue
            if k == "schema":   # a schema document itself (cachepong schema NAME)
                try:
                    jsonschema.Draft202012Validator.check_schema(doc)
                except jsonschema.SchemaError as err:
                    problems.append(f"{p}: not a valid JSON Schema: {err.message}")
                valid += len(problems) == before
                continue
            for err in v[k].iter_errors(doc):
                problems.append(f"{p}: {k}: {err.message} (at {'/'.join(map(str, err.path))})")
                break
        elif p.endswith(".csv"):
            try:
                with open(p, encoding="utf-8") as f:
                    head = f.readline()
            except (OSError, UnicodeDecodeError):
                continue
            cols = set(head.strip().split(","))
            if "p50" not in cols or len(cols & schema_cols) < len(schema_cols) // 2:
                continue   # not a results file: raw samples, the sweep's logs, a figure's data
            check_csv(p, v["columns"], problems)
        else:
            continue
        valid += len(problems) == before
    for line in problems:
        print(line)
    print(f"check_json: {valid} files valid, {len(problems)} invalid")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
