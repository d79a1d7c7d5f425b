"""Compare two sets of `nyttokalk run --json` outputs: is every figure equal (to the öre, as
printed)? `meta` is left out (versions, paths and hashes differ between checkouts).

    python bench/compare_json.py BEFORE_DIR AFTER_DIR      # *.json of the same names in each

A refactoring that must not change a figure (issue 17) is checked with it: run every bundled
scenario with `--json` into BEFORE_DIR on the old checkout and AFTER_DIR on the new one."""
import json, sys
from pathlib import Path

IGNORE = {"meta"}

def walk(a, b, path, out):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if not path and k in IGNORE:
                continue
            if k not in a:
                out.append(f"{path}.{k}: new key")
                continue
            if k not in b:
                out.append(f"{path}.{k}: missing")
                continue
            walk(a[k], b[k], f"{path}.{k}", out)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append(f"{path}: length {len(a)} -> {len(b)}")
        for i, (x, y) in enumerate(zip(a, b)):
            walk(x, y, f"{path}[{i}]", out)
    elif a != b:
        out.append(f"{path}: {a!r} -> {b!r}")

base, new = Path(sys.argv[1]), Path(sys.argv[2])
bad = 0
for f in sorted(base.glob("*.json")):
    g = new / f.name
    if not g.exists():
        print(f"{f.name}: missing in {new}"); bad += 1; continue
    out = []
    walk(json.loads(f.read_text()), json.loads(g.read_text()), "", out)
    print(f"{f.name}: {'identical figures' if not out else str(len(out)) + ' differences'}")
    for line in out[:40]:
        print("   ", line)
    bad += bool(out)
sys.exit(1 if bad else 0)
