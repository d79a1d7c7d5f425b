"""Write a synthetic participant file of N rows (seeded; no real people).

    python bench/generate.py N OUT.csv [--seed 1]
    python bench/generate.py N OUT.parquet [--seed 1]   # typed columns (needs pyarrow)

The mix: before states försörjningsstöd 50 %, aktivitetsstöd 35 %, etableringsersättning 15 %;
after states arbete 25 %, nystartsjobb 15 %, introduktionsjobb 10 %, studier 15 %,
aktivitetsstöd 5 %, oförändrad 30 %; ages 20–64; wages 17 000–35 000; municipalities drawn from
the 2024 table; exit months over 2024. A .parquet output carries typed columns (integers,
floats, newly_arrived as a boolean, exit_month as a date), as a data warehouse would export them.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np
import pandas as pd

BEFORE = (["forsorjningsstod", "aktivitetsstod", "etableringsersattning"], [0.5, 0.35, 0.15])
AFTER = (["arbete", "nystartsjobb", "introduktionsjobb", "studier", "aktivitetsstod", "oforandrad"],
         [0.25, 0.15, 0.10, 0.15, 0.05, 0.30])


def generate(n: int, seed: int = 1, first_id: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    root = Path(__file__).resolve().parent.parent
    with open(root / "rules" / "municipalities" / "2024.csv", encoding="utf-8") as fh:
        names = [row["kommun"] for row in csv.DictReader(fh)]
    return pd.DataFrame({
        "id": [f"B{i:08d}" for i in range(first_id, first_id + n)],
        "before": rng.choice(BEFORE[0], size=n, p=BEFORE[1]),
        "after": rng.choice(AFTER[0], size=n, p=AFTER[1]),
        "age": rng.integers(20, 65, size=n),
        "municipality": rng.choice(names, size=n),
        "newly_arrived": rng.choice(["false", "true"], size=n, p=[0.8, 0.2]),
        "months_unemployed": rng.integers(12, 60, size=n),
        "wage": rng.integers(17_000, 35_001, size=n),
        "extent": rng.choice([1.0, 0.75, 0.5], size=n, p=[0.7, 0.2, 0.1]),
        "exit_month": [f"2024-{m:02d}" for m in rng.integers(1, 13, size=n)],
    })


def typed(df: pd.DataFrame) -> pd.DataFrame:
    """The same rows with Parquet-style types: bool for newly_arrived, a date for exit_month."""
    out = df.copy()
    out["newly_arrived"] = out["newly_arrived"] == "true"
    out["exit_month"] = pd.to_datetime(out["exit_month"] + "-01").dt.date
    return out


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("out", type=Path)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--first-id", type=int, default=0, help="number of the first id (parts of one dataset need distinct ids)")
    a = ap.parse_args()
    df = generate(a.n, a.seed, a.first_id)
    if a.out.suffix.lower() == ".parquet":
        typed(df).to_parquet(a.out, index=False, engine="pyarrow")
    else:
        df.to_csv(a.out, index=False)
