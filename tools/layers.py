#!/usr/bin/env python3
"""layers.py: check cachepong's module structure from the built objects.

  python3 tools/layers.py [--root DIR] BUILD_DIR

Reads the symbols of every object of BUILD_DIR whose source exists under
ROOT (nm -P), draws which file calls which, and fails (exit 1) when:
  - files call each other in a cycle (a strongly connected group of more
    than one file): the cycle's files and the symbols of each edge;
  - a layer calls into a layer that is not below it (BELOW): layers only
    look down, from the command line to the kernels;
  - a file includes a header of a layer that is not below its own;
  - a file below the command line mentions `struct opts` or includes
    opts.h or command.h (commands turn options into typed requests);
  - a function of the sources is longer than MAX_FUNC_LINES lines (from its
    name's line to its closing brace, kernel style: both at column 0).
Exit 2 when there is nothing to read (no objects, nm missing)."""
import os
import re
import subprocess
import sys

# The layers, each with those right below it; a layer may use every layer
# below it (the closure), its own, and nothing above or beside it.
BELOW = {
    "common": set(),
    "kernels": {"common"},
    "topology": {"common"},
    "counters": {"common"},
    "harness": {"kernels", "topology", "counters"},
    "out": {"harness"},
    "exp": {"out"},
    "sweep": {"exp"},
    "suite": {"sweep"},
    "report": {"suite"},
    "fleet": {"suite"},
    "cli": {"report", "fleet"},
}


def closure(lv):
    out, todo = set(), list(BELOW.get(lv, ()))
    while todo:
        w = todo.pop()
        if w not in out:
            out.add(w)
            todo.extend(BELOW.get(w, ()))
    return out


MAY_USE = {lv: closure(lv) for lv in BELOW}
MAX_FUNC_LINES = 100
CLI_HEADERS = re.compile(r'struct opts\b|#include "(opts|command)\.h"')


def layer(rel):
    parts = rel.split("/")
    return parts[1] if parts[0] == "src" else parts[0]


def layer_dir(root, lv):
    return os.path.join(root, lv if lv in ("kernels", "topology", "counters") else "src/" + lv)


def headers(root):
    """header name -> the layer whose folder holds it."""
    out = {}
    for lv in BELOW:
        d = layer_dir(root, lv)
        for name in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            if name.endswith((".h", ".def")):
                out.setdefault(name, lv)
    return out


def include_problems(root):
    """Lines that include what their layer may not see."""
    where, out = headers(root), []
    inc = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
    for lv in sorted(BELOW):
        d = layer_dir(root, lv)
        for name in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            if not name.endswith((".c", ".h", ".def")):
                continue
            path = os.path.join(d, name)
            with open(path, encoding="utf-8") as f:
                for ln, text in enumerate(f, 1):
                    m = inc.match(text)
                    rel = os.path.relpath(path, root)
                    if lv != "cli" and CLI_HEADERS.search(text):
                        out.append(f"command line in {lv}: {rel}:{ln}: {text.strip()}")
                    elif m and where.get(m.group(1), lv) not in MAY_USE[lv] | {lv}:
                        hl = where[m.group(1)]
                        out.append(f"include: {rel}:{ln}: {text.strip()} is {hl}'s; "
                                   f"{lv} may use {', '.join(sorted(MAY_USE[lv])) or 'nothing'}")
    return out


def read_objects(root, build):
    defs, uses = {}, {}
    for dirpath, _, files in os.walk(build):
        for f in files:
            if not f.endswith(".o"):
                continue
            obj = os.path.join(dirpath, f)
            rel = os.path.relpath(obj, build)[:-2]
            if not os.path.exists(os.path.join(root, rel + ".c")):
                continue  # a test, another build variant, or a stale object
            out = subprocess.run(["nm", "-P", obj], capture_output=True, text=True, check=True).stdout
            uses[rel] = set()
            for line in out.splitlines():
                p = line.split()
                if len(p) < 2:
                    continue
                if p[1] == "U":
                    uses[rel].add(p[0])
                elif p[1] in "TDBRCVW":
                    defs.setdefault(p[0], rel)
    return defs, uses


def cycles(graph):
    index, low, stack, on, out, n = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = n[0]
        n[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(100000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def long_functions(root):
    """(lines, file, first line) of every function over MAX_FUNC_LINES."""
    out = []
    for d in ("src", "kernels", "topology", "counters"):
        for dirpath, _, files in os.walk(os.path.join(root, d)):
            for name in sorted(files):
                if not name.endswith(".c"):
                    continue
                path = os.path.join(dirpath, name)
                with open(path, encoding="utf-8") as f:
                    lines = f.read().split("\n")
                start = None
                for i, line in enumerate(lines):
                    if start is None and line == "{" and i and re.match(r"^[A-Za-z_].*\)$", lines[i - 1]):
                        start = i - 1
                    elif start is not None and line == "}":
                        if i - start + 1 > MAX_FUNC_LINES:
                            out.append((i - start + 1, os.path.relpath(path, root), lines[start]))
                        start = None
    return out


def main(argv):
    root = "."
    if len(argv) > 2 and argv[0] == "--root":
        root, argv = argv[1], argv[2:]
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    build = argv[0]
    try:
        defs, uses = read_objects(root, build)
    except (OSError, subprocess.CalledProcessError) as e:
        print(f"layers: cannot read the objects of {build}: {e}", file=sys.stderr)
        return 2
    if not uses:
        print(f"layers: no objects of {root}'s sources under {build}: build first", file=sys.stderr)
        return 2
    graph = {v: {defs[s] for s in uses[v] if s in defs and defs[s] != v} for v in uses}
    bad = 0
    for comp in cycles(graph):
        bad += 1
        print("cycle: " + " <-> ".join(comp))
        for v in comp:
            for w in sorted(graph[v] & set(comp)):
                syms = sorted(s for s in uses[v] if defs.get(s) == w)
                print(f"  {v} -> {w}: {', '.join(syms[:6])}")
    for v in sorted(graph):
        lv = layer(v)
        if lv not in BELOW:
            continue
        for w in sorted(graph[v]):
            lw = layer(w)
            if lw != lv and lw not in MAY_USE[lv]:
                bad += 1
                syms = sorted(s for s in uses[v] if defs.get(s) == w)
                print(f"layer: {v} ({lv}) calls {w} ({lw}): {', '.join(syms[:6])}; "
                      f"{lv} may call {', '.join(sorted(MAY_USE[lv])) or 'nothing'}")
    for line in include_problems(root):
        bad += 1
        print(line)
    for n, path, head in long_functions(root):
        bad += 1
        print(f"long function: {path}: {n} lines (at most {MAX_FUNC_LINES}): {head}")
    print(f"layers: {len(graph)} files, {sum(len(s) for s in graph.values())} calls between them, "
          f"{bad} problem{'s' if bad != 1 else ''}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
