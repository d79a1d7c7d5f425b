"""Write the synthetic participant file for Malmökraften (Malmökraftens slutrapport, final report, dnr 22-039-S01).

    python scenarios/malmokraften/generate.py [OUTPUT.csv]

No real person is described. The counts reproduce what the report publishes (Malmökraftens slutrapport, "Mål 2"
and "Mål 5"): 855 participants written out, 368 to work and 92 to studies, the remaining 395 with
a joint assessment and further planning; of them, 489 came in on försörjningsstöd, and 49 % of those
(240 of 489) no longer had försörjningsstöd when written out.
Assumptions (listed in scenario.yaml): the 240 who left försörjningsstöd are the ones among the 489
who went to work or studies, split 192 / 48 as the whole group (368 : 92 = 4 : 1); the other 366
came in on aktivitetsstöd; half of the 192 from försörjningsstöd took a municipal
arbetsmarknadsanställning (12 months, modelled as introduktionsjobb) with the kommun as the employer
("på en kommunal arbetsplats", column employer), every other job is unsubsidised at the scenario's
default employer (privat); everyone else is unchanged. Ages and months unemployed are drawn with a fixed seed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from nyttokalk.reports.files import write_csv

SEED = 2024
# (before, after, count, employer); 855 in all: work 368, studies 92, unchanged 395 (published)
MIX = [
    ("forsorjningsstod", "arbete", 96, ""),
    ("forsorjningsstod", "introduktionsjobb", 96, "kommun"),   # Malmö stad's arbetsmarknadsanställning, 12 months, "på en kommunal arbetsplats"
    ("forsorjningsstod", "studier", 48, ""),
    ("forsorjningsstod", "oforandrad", 249, ""),         # 489 − 240 still on försörjningsstöd
    ("aktivitetsstod", "arbete", 176, ""),
    ("aktivitetsstod", "studier", 44, ""),
    ("aktivitetsstod", "oforandrad", 146, ""),
]


def rows() -> list[dict]:
    rng = np.random.default_rng(SEED)
    out = []
    for before, after, count, employer in MIX:
        for _ in range(count):
            out.append({
                "id": f"MK{len(out) + 1:03d}",
                "before": before,
                "after": after,
                "age": int(rng.integers(25, 65)),
                "municipality": "Malmö",
                "newly_arrived": "false",
                "months_unemployed": int(rng.integers(12, 121)),   # långtidsarbetslösa Malmöbor
                "wage": "",
                "extent": "1",
                "exit_month": "2024-04",
                "employer": employer,
            })
    return out


def generate(path: Path) -> None:
    write_csv(pd.DataFrame(rows()), path)  # nyttokalk's own atomic, formula-safe CSV writer


if __name__ == "__main__":
    generate(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("participants.csv"))
