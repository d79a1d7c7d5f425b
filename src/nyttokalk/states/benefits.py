"""Benefit states: the benefit is paid by the state or the kommun to the individual."""

from __future__ import annotations

import numpy as np

from .cells import Cells, MonthRules, benefit_days_per_month


def forsorjningsstod(c: Cells, r: MonthRules) -> dict[str, np.ndarray]:
    # Socialtjänstlagen 4 kap. 1 §: no other income; the engine's top-up pays the whole norm
    return {}


def aktivitetsstod(c: Cells, r: MonthRules) -> dict[str, np.ndarray]:
    # Förordning (2017:819) 2 kap. 7 §: grundbelopp per day, at most five days a week; taxable
    daily = r.at("transfers.aktivitetsstod.daily_amount")
    return {"aktivitetsstod": daily[c.month] * benefit_days_per_month(r)[c.month]}


def etableringsersattning(c: Cells, r: MonthRules) -> dict[str, np.ndarray]:
    # Förordning (2017:819) 2 kap. 13 §: per day, at most five days a week; tax-free
    daily = r.at("transfers.etableringsersattning.daily_amount")
    return {"etableringsersattning": daily[c.month] * benefit_days_per_month(r)[c.month]}


def utvecklingsersattning(c: Cells, r: MonthRules) -> dict[str, np.ndarray]:
    # Förordning (2017:819) 2 kap. 10–11 §§: per day, at most five days a week; tax-free. The
    # higher amount with a gymnasieexamen, the lower at the studiehjälp level: the scenario's choice.
    level = r.scenario.benefits.utvecklingsersattning_level  # higher | lower
    daily = r.at(f"transfers.utvecklingsersattning.daily_amount_{level}")
    return {"utvecklingsersattning": daily[c.month] * benefit_days_per_month(r)[c.month]}


def ingen_ersattning(c: Cells, r: MonthRules) -> dict[str, np.ndarray]:
    # no public income support (supported by a partner or savings): no benefit and no top-up
    return {}
