"""How long a small run takes against the floor of any Python program that uses pandas.

    python bench/startup.py [--repeat 15]

Times, interleaved and in fresh processes (medians of --repeat runs):
- (a) `python -c "import numpy, pandas"` — the floor;
- (b) `nyttokalk run --json` on the bundled example (40 participants), output discarded;
- (c) `nyttokalk --help`.
Prints the medians and the ratio (b)/(a). Targets (issue 16): (b)/(a) ≤ 1.5 and (c) ≤ 0.3 s.
Run it on a quiet machine: the ratio is what counts, both measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


# An installed package has its bytecode (pip compiles it on install), as numpy and pandas have
# theirs: so the runs here may write nyttokalk's __pycache__ even where PYTHONDONTWRITEBYTECODE
# is set (an editable install otherwise compiles every module from source on every run).
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _time(cmd: list[str], cwd: str) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=cwd, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args()
    exe = Path(sys.executable)
    script = exe.parent / "nyttokalk"  # the command users run (pip's console script), else python -m nyttokalk
    nyttokalk = [str(script)] if script.exists() else [str(exe), "-m", "nyttokalk"]
    floor = [str(exe), "-c", "import numpy, pandas"]
    times: dict[str, list[float]] = {"floor": [], "run": [], "help": []}
    with tempfile.TemporaryDirectory() as cwd:
        for cmd in (floor, nyttokalk + ["run", "--json"], nyttokalk + ["--help"]):  # warm the file cache once
            _time(cmd, cwd)
        for _ in range(args.repeat):
            times["floor"].append(_time(floor, cwd))
            times["run"].append(_time(nyttokalk + ["run", "--json"], cwd))
            times["help"].append(_time(nyttokalk + ["--help"], cwd))
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"machine: {os.cpu_count()} CPUs; {args.repeat} interleaved runs each, medians; bytecode cached as installed")
    print(f"(a) python -c 'import numpy, pandas'   {med['floor']:.3f} s")
    print(f"(b) nyttokalk run --json (example)      {med['run']:.3f} s   (b)/(a) = {med['run'] / med['floor']:.2f}   target ≤ 1.5")
    print(f"(c) nyttokalk --help                    {med['help']:.3f} s   target ≤ 0.3 s")


if __name__ == "__main__":
    main()
