#!/usr/bin/env python3
"""roundtrip.py: read result files the way users do (python's csv and json)
and compare them with expected values.

usage: roundtrip.py EXPECT.json ROWS.csv ROWS.json RAW.csv SCHEMA.md

EXPECT.json: {"counters": [names], "rows": [{column: value}], "raw": [[values of row 0], ...],
              "meta": {key: value}}
A null expected value means an empty CSV field and a JSON null; numbers are
compared to 1e-12 relative.  The CSV header must be exactly the column list
documented in SCHEMA.md (the lines between <!-- columns --> and
<!-- /columns -->) followed by ctr:<name> per counter.  Exit 0 when all
match, else 1 with one line per difference."""
import csv
import json
import math
import re
import sys

errors = []


def err(msg):
    errors.append(msg)


def same(want, got_num, where):
    if want is None:
        if got_num is not None:
            err(f"{where}: expected null/empty, got {got_num!r}")
    elif isinstance(want, (int, float)) and not isinstance(want, bool):
        if got_num is None or not math.isclose(float(got_num), float(want), rel_tol=1e-12, abs_tol=1e-12):
            err(f"{where}: expected {want!r}, got {got_num!r}")
    elif want != got_num:
        err(f"{where}: expected {want!r}, got {got_num!r}")


def documented_columns(schema):
    text = open(schema, encoding="utf-8").read()
    m = re.search(r"<!-- columns -->(.*?)<!-- /columns -->", text, re.S)
    if not m:
        err(f"{schema}: no <!-- columns --> block")
        return []
    return re.findall(r"^\|\s*`([a-z0-9_]+)`", m.group(1), re.M)


def check_csv(exp, path, cols):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header = cols + ["ctr:" + c for c in exp["counters"]]
    if rows[0] != header:
        err(f"{path}: header {rows[0]} != documented {header}")
    body = rows[1:]
    if len(body) != len(exp["rows"]):
        err(f"{path}: {len(body)} rows, expected {len(exp['rows'])}")
    for i, (want, got) in enumerate(zip(exp["rows"], body)):
        if len(got) != len(rows[0]):
            err(f"{path} row {i}: {len(got)} fields, header has {len(rows[0])}")
        rec = dict(zip(rows[0], got))
        for k, v in want.items():
            g = rec.get(k)
            if g is None:
                err(f"{path} row {i}: no column {k}")
            elif isinstance(v, str):
                same(v, g, f"{path} row {i} {k}")
            else:
                same(v, float(g) if g != "" else None, f"{path} row {i} {k}")


def check_json(exp, path, cols):
    doc = json.load(open(path, encoding="utf-8"))
    if set(doc) != {"meta", "results"}:
        err(f"{path}: top-level keys {sorted(doc)}")
    res = doc["results"]
    if len(res) != len(exp["rows"]):
        err(f"{path}: {len(res)} results, expected {len(exp['rows'])}")
    for i, (want, got) in enumerate(zip(exp["rows"], res)):
        keys = cols + ["ctr:" + c for c in exp["counters"]]
        if list(got) != keys:
            err(f"{path} result {i}: keys {list(got)} != {keys}")
        for k, v in want.items():
            same(v, got.get(k, "<missing>"), f"{path} result {i} {k}")
    meta = doc["meta"]
    for k, v in exp.get("meta", {}).items():
        g = meta
        for part in k.split("."):
            g = g.get(part, "<missing>") if isinstance(g, dict) else "<missing>"
        same(v, g, f"{path} meta {k}")


def check_raw(exp, path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    want_n = sum(len(r) for r in exp["raw"])
    if len(rows) != want_n:
        err(f"{path}: {len(rows)} samples, expected {want_n}")
    k = 0
    for ri, values in enumerate(exp["raw"]):
        for si, v in enumerate(values):
            if k >= len(rows):
                return
            r = rows[k]
            same(si, int(r["sample"]), f"{path} line {k} sample")
            same(v, float(r["value"]), f"{path} line {k} value")
            for col in ("experiment", "kernel", "mode", "cpus", "unit"):
                same(exp["rows"][ri][col], r[col], f"{path} line {k} {col}")
            k += 1


def main():
    if len(sys.argv) != 6:
        print(__doc__, file=sys.stderr)
        return 2
    exp = json.load(open(sys.argv[1], encoding="utf-8"))
    cols = documented_columns(sys.argv[5])
    check_csv(exp, sys.argv[2], cols)
    check_json(exp, sys.argv[3], cols)
    check_raw(exp, sys.argv[4])
    for e in errors:
        print("roundtrip: " + e, file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
