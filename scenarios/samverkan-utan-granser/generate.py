"""Write the synthetic participant file for Samverkan utan gränser (Framtidsutbildning 2014, Framtidsutbildning AB 2014).

    python scenarios/samverkan-utan-granser/generate.py [OUTPUT.csv]

No real person is described. The counts reproduce Payoff AB's typology as published in the final
report (Framtidsutbildning 2014, "Resultat för hela projektet", "Ärendekategorier enligt typologi från Payoff AB"):
of 360 participants, osubventionerat arbete 0, subventionerat arbete 54, studier 8,
stegförflyttning 161, oförändrad situation 137; per site (sections "Hässleholm" and "Kristianstad"):
Hässleholm 0 / 31 / 2 / 102 / 81 (216), Kristianstad 0 / 23 / 6 / 59 / 54 (142); the 2 registered
at both sites make up the difference in "oförändrad" (137 − 81 − 54) and are put in Hässleholm here.
Mapping to nyttokalk states (assumptions, listed in scenario.yaml): before försörjningsstöd for all;
subventionerat arbete → introduktionsjobb in Kristianstad (Instegsjobb, its predecessor), and in
Hässleholm 20 lönebidrag (the kommun's 20 OSA jobs, with the kommun as the employer: "OSA-anställningar
inom kommunen") and 11 nystartsjobb; stegförflyttning →
aktivitetsstöd; oförändrad → oforandrad. Ages and months unemployed are drawn with a fixed seed.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd

from nyttokalk.reports.files import write_csv

SEED = 2014
# (municipality, before, after, count, employer: "" = the scenario's default)
MIX = [
    ("Hässleholm", "forsorjningsstod", "lonebidrag", 20, "kommun"),   # OSA jobs financed by the kommun, "inom kommunen"
    ("Hässleholm", "forsorjningsstod", "nystartsjobb", 11, ""),
    ("Hässleholm", "forsorjningsstod", "studier", 2, ""),
    ("Hässleholm", "forsorjningsstod", "aktivitetsstod", 102, ""),   # stegförflyttning
    ("Hässleholm", "forsorjningsstod", "oforandrad", 81 + 2, ""),    # + the 2 registered at both sites
    ("Kristianstad", "forsorjningsstod", "introduktionsjobb", 23, ""),
    ("Kristianstad", "forsorjningsstod", "studier", 6, ""),
    ("Kristianstad", "forsorjningsstod", "aktivitetsstod", 59, ""),
    ("Kristianstad", "forsorjningsstod", "oforandrad", 54, ""),
]


def rows() -> list[dict]:
    rng = np.random.default_rng(SEED)
    out = []
    for municipality, before, after, count, employer in MIX:
        for _ in range(count):
            out.append({
                "id": f"SUG{len(out) + 1:03d}",
                "before": before,
                "after": after,
                "age": int(rng.integers(25, 65)),      # target group 16–64; 25+ so nystartsjobb lasts past the horizon
                "municipality": municipality,
                "newly_arrived": "false",              # long-term unemployed, not in the etablering programme
                "months_unemployed": int(rng.integers(24, 121)),   # target group: långtidsarbetslösa
                "wage": "",
                "extent": "1",
                "exit_month": "2022-01",
                "employer": employer,
            })
    return out


def generate(path: Path) -> None:
    write_csv(pd.DataFrame(rows()), path)  # nyttokalk's own atomic, formula-safe CSV writer


if __name__ == "__main__":
    generate(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).with_name("participants.csv"))
