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


def utvecklingsersattning(c: Cells, r: MonthRules) -> dict[str, np.ndarray]:
    # Förordning (2017:819) 2 kap. 10–11 §§: per day, at most five days a week; tax-free
    return {"utvecklingsersattning": r["utvecklingsersattning_daily"][c.month] * r.days_per_month[c.month]}


def ingen_ersattning(c: Cells, r: MonthRules) -> dict[str, np.ndarray]:
    # no public income support (supported by a partner or savings): no benefit and no top-up
    return {}
