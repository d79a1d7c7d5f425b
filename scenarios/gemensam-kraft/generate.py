"""Write the synthetic participant file for Gemensam kraft (Tranquist Utvärdering and Slutrapport Gemensam Kraft, Samordningsförbundet Skåne Nordost).

    python scenarios/gemensam-kraft/generate.py [OUTPUT.csv]

No real person is described. The rows are the 209 participants written out of Gemensam kraft up to
November 2025, by kommun and avslutsorsak, as Tranquist Utvärdering publishes them (Tranquist Utvärdering,
section 3.2, tabell 2). The table gives each kommun's number written out and a whole-percent share
per avslutsorsak; exactly one set of counts gives those percentages, the kommun totals and the
"Totalt" column (Bromölla's 11 is 209 minus the other four; its printed figure is lost):

    avslutsorsak (code in the id)        Bromölla Hässleholm Kristianstad Osby Ö Göinge Totalt
    Arbete ej subvention (ARB)                  1          0            2    0        0      3
    Arbete med subvention (SUB)                 0          1            0    0        0      1
    Avbrott på egen begäran (AVB)               0          1            1    0        1      3
    Avslut av annat skäl (ANN)                  1          3            3    2        2     11
    Fortsatt arbetsrehab via Af/Fk (AFK)        4         13           33    4        4     58
    Fortsatt arbetsrehab via kommun (KOM)       0          1            5    4        1     11
    Studier (STU)                               0          1            3    0        0      4
    Åter remittent (ATR)                        5         36           43   16       18    118
    written out                                11         56           90   26       26    209

Assumptions (listed in scenario.yaml and docs/scenarios.md):
- Referrer: each kommun's written-out participants come from Försäkringskassan in the share of
  its referrals (Tranquist Utvärdering, tabell 1: Bromölla 27/32, Hässleholm 55/106, Kristianstad 131/158,
  Osby 26/50, Östra Göinge 34/39), rounded: 9, 29, 75, 14, 23 = 150 of 209; the others came from
  the kommun on ekonomiskt bistånd (försörjningsstöd). "Via Af/Fk" (rehabiliteringssamverkan) goes
  to Försäkringskassan's participants, "via kommun" to the kommun's; every other avslutsorsak is
  shared in the same proportion (largest remainder).
- Försäkringskassan's participants are the three groups of the Slutrapport's målgrupp in turn:
  sjukpenning with an SGI (prior_income 258 000 = 12 × 21 500), sjukskrivna with SGI 0
  (sjukpenning with prior_income 0: no sjukpenning, försörjningsstöd tops up) and unga with
  aktivitetsersättning (prior_income 0: garantinivå). The six who moved are two of each, written
  out below; the unchanged take the groups in turn.
- After state: ARB → arbete, SUB → lonebidrag, STU → studier; every other avslutsorsak → oforandrad
  (a step towards work without a change of benefit).
Ages and months unemployed are drawn with a fixed seed.
"""

from __future__ import annotations

import sys
from itertools import cycle
from pathlib import Path

import numpy as np
import pandas as pd

from nyttokalk.reports.files import write_csv

SEED = 2025
SGI = 258000          # ASSUMPTION: 12 × 21 500, Ramboll's (2022) wage (the work rows' wage)
SJUKPENNING = ("sjukpenning", SGI)
SGI_0 = ("sjukpenning", 0)                       # sjukskriven med SGI 0 (Slutrapport Gemensam Kraft, målgrupp)
AKTIVITETSERSATTNING = ("aktivitetsersattning", 0)  # unga med aktivitetsersättning (Slutrapport Gemensam Kraft, målgrupp)
FK = None                                        # one of the three groups above, in turn
FS = ("forsorjningsstod", "")                    # referred by the kommun: ekonomiskt bistånd
AFTER = {"ARB": "arbete", "SUB": "lonebidrag", "STU": "studier"}   # all other codes: oforandrad

# (kommun, avslutsorsak code, (before, prior_income) or FK, count)
MIX = [
    ("Bromölla", "ARB", SJUKPENNING, 1),
    ("Bromölla", "ANN", FK, 1),
    ("Bromölla", "AFK", FK, 4),
    ("Bromölla", "ATR", FK, 3),
    ("Bromölla", "ATR", FS, 2),
    ("Hässleholm", "SUB", SJUKPENNING, 1),
    ("Hässleholm", "AVB", FS, 1),
    ("Hässleholm", "ANN", FK, 1),
    ("Hässleholm", "ANN", FS, 2),
    ("Hässleholm", "AFK", FK, 13),
    ("Hässleholm", "KOM", FS, 1),
    ("Hässleholm", "STU", FS, 1),
    ("Hässleholm", "ATR", FK, 14),
    ("Hässleholm", "ATR", FS, 22),
    ("Kristianstad", "ARB", SGI_0, 1),
    ("Kristianstad", "ARB", AKTIVITETSERSATTNING, 1),
    ("Kristianstad", "AVB", FK, 1),
    ("Kristianstad", "ANN", FK, 2),
    ("Kristianstad", "ANN", FS, 1),
    ("Kristianstad", "AFK", FK, 33),
    ("Kristianstad", "KOM", FS, 5),
    ("Kristianstad", "STU", SGI_0, 1),
    ("Kristianstad", "STU", AKTIVITETSERSATTNING, 1),
    ("Kristianstad", "STU", FS, 1),
    ("Kristianstad", "ATR", FK, 35),
    ("Kristianstad", "ATR", FS, 8),
    ("Osby", "ANN", FK, 1),
    ("Osby", "ANN", FS, 1),
    ("Osby", "AFK", FK, 4),
    ("Osby", "KOM", FS, 4),
    ("Osby", "ATR", FK, 9),
    ("Osby", "ATR", FS, 7),
    ("Östra Göinge", "AVB", FK, 1),
    ("Östra Göinge", "ANN", FK, 2),
    ("Östra Göinge", "AFK", FK, 4),
    ("Östra Göinge", "KOM", FS, 1),
    ("Östra Göinge", "ATR", FK, 16),
    ("Östra Göinge", "ATR", FS, 2),
]


def rows() -> list[dict]:
    rng = np.random.default_rng(SEED)
    fk_groups = cycle([SJUKPENNING, SGI_0, AKTIVITETSERSATTNING])
    out = []
    for municipality, code, group, count in MIX:
        for _ in range(count):
            before, prior_income = next(fk_groups) if group is FK else group
            young = before == "aktivitetsersattning"          # SFB 33 kap.: aktivitetsersättning 19–29 år
            out.append({
                "id": f"GK{len(out) + 1:03d}-{code}",
                "before": before,
                "after": AFTER.get(code, "oforandrad"),
                "age": int(rng.integers(20, 30) if young else rng.integers(25, 65)),
                "municipality": municipality,
                "newly_arrived": "false",
                "months_unemployed": int(rng.integers(12, 121)),   # långt från arbetsmarknaden
                "prior_income": prior_income,
                "wage": "",
                "extent": "1",
                "exit_month": "2025-01",
            })
    return out


def generate(path: Path) -> None:
    write_csv(pd.DataFrame(rows()), path)  # nyttokalk's own atomic, formula-safe CSV writer


if __name__ == "__main__":
    generate(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("participants.csv"))
