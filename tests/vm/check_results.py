"""check_results.py DIR: the results directory a guest's `cachepong report`
wrote, checked on the host after it came back.  Prints what is wrong, one
line per problem, nothing when all is right (a crash prints its traceback,
which is not nothing).

- plan.txt: cells at both placement classes of the 2-socket shape;
- every planned cell is done or capped (cells-done.log) or skipped with a
  reason; a cell capped before its first row (its cap spent starting it)
  wrote nothing and is left out of the checks below;
- every CSV a done or capped cell wrote exists, parses, has the schema's
  columns and exactly the rows its cells say they added;
- report.md exists, names the cross-package class, and every figure it
  links exists and is not empty; every experiment with rows has a figure."""
import csv
import os
import re
import sys

d = sys.argv[1]
err = []
plan = [l.strip() for l in open(os.path.join(d, "plan.txt")) if l.strip() and not l.startswith("#")]
if not plan:
    err.append("plan.txt has no cell")
for cls in ("llc", "cross-package"):
    if not any("--placement " + cls in c for c in plan):
        err.append("plan.txt has no cell at --placement %s" % cls)

done, nothing = {}, []
for l in open(os.path.join(d, "cells-done.log")):
    f = l.rstrip("\n").split("\t")
    if len(f) < 7 or f[1] not in ("done", "capped"):
        continue
    m = re.search(r"(\d+) rows", f[6])
    n = int(m.group(1)) if m else -1
    if f[1] == "capped" and n == 0:
        nothing.append(f[5])
    else:
        done[f[5]] = (f[4], n)
skipped = {}
with open(os.path.join(d, "skipped.csv")) as fh:
    for r in csv.DictReader(fh):
        skipped[r["command"]] = r["reason"]
for c in plan:
    if c not in done and c not in nothing and not skipped.get(c):
        err.append("cell neither done nor skipped with a reason: %s" % c)
if not done:
    err.append("no cell done")

# a cell's rows go to its command's CSV (the log's file list is every
# file's size after the cell)
want_rows = {}
for cmd, (files, n) in done.items():
    name = cmd.split()[0] + ".csv"
    if name not in [f.split("=")[0] for f in files.split(";")]:
        err.append("cell wrote no %s: %s" % (name, cmd))
    want_rows[name] = want_rows.get(name, 0) + n
for name, n in sorted(want_rows.items()):
    p = os.path.join(d, name)
    if not os.path.isfile(p):
        err.append("%s missing" % name)
        continue
    with open(p) as fh:
        rows = list(csv.DictReader(fh))
    cols = set(rows[0].keys()) if rows else set()
    for col in ("experiment", "mode", "placement", "cpus", "p50", "ci_lo", "ci_hi"):
        if col not in cols:
            err.append("%s lacks column %s" % (name, col))
    if len(rows) != n:
        err.append("%s has %d rows, the cells say %d" % (name, len(rows), n))

md = open(os.path.join(d, "report.md")).read()
if "cross-package" not in md:
    err.append("report.md never names cross-package")
figs = re.findall(r"\]\(([^)]+\.(?:svg|png))\)", md)
if not figs:
    err.append("report.md links no figure")
for f in figs:
    p = os.path.join(d, f)
    if not os.path.isfile(p) or os.path.getsize(p) == 0:
        err.append("figure %s missing or empty" % f)
for name in sorted(want_rows):
    exp = name[:-4]
    if not [f for f in figs if os.path.basename(f).startswith(exp)]:
        err.append("no figure of %s in report.md" % exp)
print("\n".join(err[:8]))
