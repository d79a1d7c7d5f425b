"""Benchmark by hand (not a test): the floor and the end-to-end run on the same file.

    python bench/run.py FILE.csv [--scenario bench/scenario.yaml]

(a) pandas.read_csv of the file — the floor; (b) `nyttokalk run FILE --json` end to end in a
subprocess, with its peak memory (ru_maxrss). Prints the ratio (b)/(a). The per-participant
reference implementation (c) of issue 7 is not written yet.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("file", type=Path)
    ap.add_argument("--scenario", default=str(Path(__file__).with_name("scenario.yaml")))
    a = ap.parse_args()

    t = time.perf_counter()
    df = pd.read_csv(a.file)
    floor = time.perf_counter() - t

    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "nyttokalk.cli", "run", str(a.file), "--scenario", a.scenario, "--json"],
                   check=True, stdout=subprocess.DEVNULL)
    full = time.perf_counter() - t
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

    print(f"rows {len(df):,}")
    print(f"(a) read_csv            {floor:8.2f} s")
    print(f"(b) nyttokalk run --json {full:8.2f} s   peak {peak_mb:,.0f} MB")
    print(f"(b)/(a)                 {full / floor:8.1f}")


if __name__ == "__main__":
    main()
