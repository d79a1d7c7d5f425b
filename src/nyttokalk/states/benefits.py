"""Benefit states: the benefit is paid by the state or the kommun to the individual."""

from __future__ import annotations

import numpy as np

from .cells import Cells, MonthRules


def forsorjningsstod(c: Cells, r: MonthRules) -> dict[str, np.ndarray]:
    # Socialtjänstlagen 4 kap. 1 §: no other income; the engine's top-up pays the whole norm
    return {}


def aktivitetsstod(c: Cells, r: MonthRules) -> dict[str, np.ndarray]:
    # Förordning (2017:819) 2 kap. 7 §: grundbelopp per day, at most five days a week; taxable
    return {"aktivitetsstod": r["aktivitetsstod_daily"][c.month] * r.days_per_month[c.month]}


def etableringsersattning(c: Cells, r: MonthRules) -> dict[str, np.ndarray]:
    # Förordning (2017:819) 2 kap. 13 §: per day, at most five days a week; tax-free
    return {"etableringsersattning": r["etablering_daily"][c.month] * r.days_per_month[c.month]}
