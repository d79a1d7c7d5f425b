"""Write the example's synthetic participant file (seeded; no real person is described).

    python scenarios/example/generate.py

The mix of states is fixed; ages, municipalities, months unemployed and wages are drawn
with a fixed seed, so the file is the same on every run.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from nyttokalk.reports.files import write_csv

SEED = 2022
# (before, after, count)
MIX = [
    ("forsorjningsstod", "arbete", 5),
    ("forsorjningsstod", "nystartsjobb", 4),
    ("forsorjningsstod", "introduktionsjobb", 2),
    ("forsorjningsstod", "extratjanst", 2),
    ("forsorjningsstod", "studier", 4),
    ("forsorjningsstod", "oforandrad", 4),
    ("aktivitetsstod", "arbete", 3),
    ("aktivitetsstod", "nystartsjobb", 3),
    ("aktivitetsstod", "introduktionsjobb", 1),
    ("aktivitetsstod", "studier", 2),
    ("aktivitetsstod", "oforandrad", 3),
    ("etableringsersattning", "arbete", 1),
    ("etableringsersattning", "nystartsjobb", 2),
    ("etableringsersattning", "introduktionsjobb", 1),
    ("etableringsersattning", "studier", 2),
    ("etableringsersattning", "oforandrad", 1),
]
MUNICIPALITIES = ["Falkenberg", "Hylte", "Laholm", "Halmstad", ""]  # "" = scenario's average rates
WORK = {"arbete", "nystartsjobb", "introduktionsjobb", "extratjanst"}


def generate(path: Path) -> None:
    rng = np.random.default_rng(SEED)
    rows = []
    for before, after, count in MIX:
        for _ in range(count):
            newly = before == "etableringsersattning"
            age = int(rng.integers(20, 61))
            wage = ""
            if after in WORK and rng.random() < 0.6:
                wage = str(int(rng.integers(180, 261)) * 100)
            extent = "1" if rng.random() < 0.8 or after not in WORK else str(rng.choice([0.5, 0.75]))
            rows.append({
                "id": f"EX{len(rows) + 1:03d}",
                "before": before,
                "after": after,
                "age": age,
                "municipality": rng.choice(MUNICIPALITIES),
                "newly_arrived": "true" if newly else "false",
                "months_unemployed": int(rng.integers(6, 61)),
                "wage": wage,
                "extent": extent,
                "exit_month": "2022-01",
            })
    write_csv(pd.DataFrame(rows), path)  # nyttokalk's own atomic, formula-safe CSV writer


if __name__ == "__main__":
    generate(Path(__file__).with_name("participants.csv"))
