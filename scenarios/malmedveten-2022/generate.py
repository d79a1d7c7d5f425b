"""Write the synthetic participant file for Målmedveten på hemmaplan (Ramboll 2022, Ramboll 2022).

    python scenarios/malmedveten-2022/generate.py [OUTPUT.csv]

No real person is described. The counts reproduce what the report publishes (Ramboll,
slututvärdering 2022, "Analysen inkluderar deltagare som gått vidare till arbete eller studier"
and bilaga 2 "Metod för den samhällsekonomiska analysen (1/4)"):
45 participants in the analysis, 36 to work ("1. Arbete (36 deltagare)"), 9 to studies
("2. Studier (9 deltagare)"); 5 who had a-kassa or no benefit are counted as on
försörjningsstöd, and the 2 who went to lönebidrag are counted as unsubsidised work, as the report
does. How the 36 and the 40 others split over subsidy types and before states is NOT published
(figure 16 and figures 5–6 are images); the split in MIX is an assumption, listed in scenario.yaml.
Ages and months unemployed are drawn with a fixed seed, so the file is the same on every run.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from nyttokalk.reports.files import write_csv

SEED = 4004
# (before, after, count). Totals: 36 to work states, 9 to studier; 45 in all (published).
MIX = [
    # 18 work rows from försörjningsstöd, 5 of them the a-kassa/no-benefit rows the report moves here
    ("forsorjningsstod", "arbete", 6),            # 2 of the 12 arbete rows are the report's lönebidrag
    ("forsorjningsstod", "nystartsjobb", 5),
    ("forsorjningsstod", "introduktionsjobb", 4),
    ("forsorjningsstod", "extratjanst", 3),
    ("aktivitetsstod", "arbete", 4),
    ("aktivitetsstod", "nystartsjobb", 3),
    ("aktivitetsstod", "introduktionsjobb", 2),
    ("aktivitetsstod", "extratjanst", 3),
    ("etableringsersattning", "arbete", 2),
    ("etableringsersattning", "nystartsjobb", 2),
    ("etableringsersattning", "introduktionsjobb", 2),
    ("forsorjningsstod", "studier", 5),
    ("aktivitetsstod", "studier", 4),
]


def rows() -> list[dict]:
    rng = np.random.default_rng(SEED)
    out = []
    for before, after, count in MIX:
        for _ in range(count):
            # Ramboll 2022: 89 % unemployed or on sick leave more than six months, 63 % more than two years
            u = rng.random()
            months = int(rng.integers(6, 24)) if u < 0.37 else int(rng.integers(24, 121))
            out.append({
                "id": f"MH{len(out) + 1:03d}",
                "before": before,
                "after": after,
                "age": int(rng.integers(26, 61)),
                "newly_arrived": "true" if before == "etableringsersattning" else "false",
                "months_unemployed": months,
                "wage": "",          # scenario wages: 21 500, extratjänst 18 000 (Ramboll 2022)
                "extent": "1",
                "exit_month": "2022-01",
            })
    return out


def generate(path: Path) -> None:
    write_csv(pd.DataFrame(rows()), path)  # nyttokalk's own atomic, formula-safe CSV writer


if __name__ == "__main__":
    generate(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("participants.csv"))
