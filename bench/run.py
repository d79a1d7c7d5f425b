"""Benchmark by hand (not a test): the floor, the end-to-end run and the plain reference on the same file.

    python bench/run.py FILE.csv|FILE.parquet|FOLDER [--scenario bench/scenario.yaml] [--reference-sample 1000] [--dask]

(a) a fresh Python process that imports pandas and reads the file (read_csv / read_parquet) — the
floor of any program that reads the file in a process of its own; (b) `nyttokalk run FILE
--json` end to end in a subprocess, with its peak memory (ru_maxrss); (c) the per-participant
reference (bench/reference.py) on the first --reference-sample rows, extrapolated linearly to all
rows. Prints the ratios (b)/(a) and (c)/(b), all measured in one run. A FOLDER is a dataset (its
files read one after the other for (a), the reference on its first file). See bench/README.md.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd

from reference import run_reference  # bench/ is on sys.path when this script runs

from nyttokalk.participants import read_participants
from nyttokalk.scenario import load_scenario


def _tree_rss(pid: int) -> int:
    """Resident memory (kB) of a process and all its descendants, from /proc (Linux; 0 elsewhere)."""
    proc = Path("/proc")
    if not proc.exists():
        return 0
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for d in proc.iterdir():
        if not d.name.isdigit():
            continue
        try:
            status = (d / "status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        ppid = int(fields.get("PPid", "0").strip() or 0)
        children.setdefault(ppid, []).append(int(d.name))
        rss[int(d.name)] = int(fields.get("VmRSS", "0 kB").split()[0]) if "VmRSS" in fields else 0
    total, todo = 0, [pid]
    while todo:
        q = todo.pop()
        total += rss.get(q, 0)
        todo += children.get(q, [])
    return total


def _hwm(pid: int) -> int:
    """Peak resident memory (kB) of one process so far (VmHWM; 0 when gone or not Linux)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _read(path: Path) -> pd.DataFrame:
    return pd.read_parquet(path) if path.suffix.lower() == ".parquet" else pd.read_csv(path)


READ_IN_A_FRESH_PROCESS = """
import sys
import pandas as pd
n = 0
for f in sys.argv[1:]:  # one at a time, as (b) reads a dataset
    n += len(pd.read_parquet(f) if f.lower().endswith(".parquet") else pd.read_csv(f))
print(n)
"""


def _fresh_read(files: list[Path]) -> tuple[float, int]:
    """(seconds, rows) of a fresh Python process that imports pandas and reads the files: the floor
    any program that reads the file in its own process must spend (start-up and import included)."""
    t = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", READ_IN_A_FRESH_PROCESS, *map(str, files)], check=True, capture_output=True, text=True)
    return time.perf_counter() - t, int(out.stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description="Time the read floor, nyttokalk run --json and the plain reference on one participant file.")
    ap.add_argument("file", type=Path, help="participant file (.csv or .parquet), e.g. from bench/generate.py")
    ap.add_argument("--scenario", default=str(Path(__file__).with_name("scenario.yaml")))
    ap.add_argument("--reference-sample", type=int, default=1000, help="rows the reference runs on before extrapolating (default 1000)")
    ap.add_argument("--skip-run", action="store_true", help="skip (b), e.g. to time only the reference")
    ap.add_argument("--workers", type=int, default=None, help="nyttokalk run --workers (default: every CPU)")
    ap.add_argument("--dask", action="store_true", help="nyttokalk run --dask (FOLDER only)")
    a = ap.parse_args()

    files = sorted(f for f in a.file.rglob("*") if f.suffix.lower() in (".csv", ".parquet")) if a.file.is_dir() else [a.file]
    floor, n = _fresh_read(files)
    t = time.perf_counter()
    for f in files:  # one at a time: the floor of reading the data, not of holding it all
        _read(f)
    in_process = time.perf_counter() - t

    full = None
    if not a.skip_run:
        t = time.perf_counter()
        cmd = [sys.executable, "-m", "nyttokalk.cli", "run", str(a.file), "--scenario", a.scenario, "--json"]
        if a.workers:
            cmd += ["--workers", str(a.workers)]
        if a.dask:
            cmd += ["--dask"]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
        tree_peak = main_peak = 0
        while proc.poll() is None:  # the run and its worker processes together, sampled every 50 ms
            tree_peak = max(tree_peak, _tree_rss(proc.pid))
            main_peak = max(main_peak, _hwm(proc.pid))
            time.sleep(0.05)
        full = time.perf_counter() - t
        if proc.returncode:
            raise SystemExit(f"nyttokalk run failed with exit code {proc.returncode}")
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # the largest process of the run
        main_mb = main_peak / 1024
        tree_mb = tree_peak / 1024

    ls = load_scenario(a.scenario)
    participants = read_participants(files[0])
    sample = min(a.reference_sample, len(participants))
    t = time.perf_counter()
    run_reference(participants, ls, limit=sample)
    ref_sample = time.perf_counter() - t
    ref = ref_sample * n / sample

    print(f"rows {n:,}")
    print(f"(a) pandas read          {floor:10.2f} s   (a fresh process: start-up, import pandas, read; the read alone {in_process:.2f} s)")
    if full is not None:
        print(f"(b) nyttokalk run --json {full:10.2f} s   peak {main_mb:,.0f} MB in the main process, {peak_mb:,.0f} MB in its largest "
              f"process, {tree_mb:,.0f} MB with its workers")
    print(f"(c) reference            {ref:10.2f} s   ({ref_sample:.2f} s on {sample:,} rows × {n / sample:,.1f}; computation only)")
    if full is not None:
        print(f"(b)/(a)                  {full / floor:10.1f}")
        print(f"(c)/(b)                  {ref / full:10.1f}")


if __name__ == "__main__":
    main()
