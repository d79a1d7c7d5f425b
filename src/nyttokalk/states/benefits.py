"""Benefit states: the benefit is paid by the state or the kommun to the individual."""

from __future__ import annotations

import numpy as np

from . import unemployment
from .cells import Cells, MonthRules, benefit_days_per_month, children_in_band


def forsorjningsstod(c: Cells, r: MonthRules) -> dict[str, np.ndarray]:
    # Socialtjänstlagen 4 kap. 1 §: no other income; the engine's top-up pays the whole norm
    return {}


def aktivitetsstod(c: Cells, r: MonthRules) -> dict[str, np.ndarray]:
    # Förordning (2017:819) 2 kap. 7 §: grundbelopp per day, at most five days a week; taxable.
    # 2 kap. 2–4 §§: with a right to a-kassa the a-kassa amount (income-based) inside the ersättningsperiod,
    # then the level in jobb- och utvecklingsgarantin (states/unemployment.py)
    daily = r.at("transfers.aktivitetsstod.daily_amount")
    out = daily[c.month] * benefit_days_per_month(r)[c.month]
    right = c.a_kassa_right
    if right.any():
        in_period, after = unemployment.income_based(c.take(right), r, aktivitetsstod=True)
        out[right] = in_period + after
    return {"aktivitetsstod": out}


def aktivitetsstod_steps(c: Cells, r: MonthRules) -> np.ndarray:
    """Cells × k: the months_in_state at which income-based aktivitetsstöd changes (unemployment.steps;
    NaN for the grundbelopp, which does not change with the months)."""
    right = c.a_kassa_right
    if not right.any():
        return np.full((len(c), 0), np.nan)
    found = unemployment.steps(c.take(right), r)
    out = np.full((len(c), found.shape[1]), np.nan)
    out[right] = found
    return out


def etableringstillagg(c: Cells, r: MonthRules) -> np.ndarray:
    """Förordning (2017:819) 3 kap. 10–12 §§: an amount per hemmavarande child by age, for the
    eldest `tillagg_max_children` children (SEK/month, tax-free)."""
    ages = r.calendar_year[c.month][:, None] - c.child_birth_year  # NaN: no child
    amount = np.zeros(ages.shape)
    for in_rule, bands in r.cell_groups("transfers.etableringsersattning.tillagg", c):
        for band in bands:
            amount[in_rule] += np.where((ages[in_rule] >= band.min_age) & (ages[in_rule] <= band.max_age), band.amount, 0.0)
    eldest = np.argsort(-np.nan_to_num(np.where(amount > 0, ages, -1.0), nan=-1.0), axis=1, kind="stable")
    counted = np.take_along_axis(amount, eldest, axis=1)
    k = r.at("transfers.etableringsersattning.tillagg_max_children")[c.month].astype(int)
    return np.where(np.arange(counted.shape[1])[None, :] < k[:, None], counted, 0.0).sum(axis=1)


def bostadsersattning(c: Cells, r: MonthRules) -> np.ndarray:
    """Förordning (2017:819) 3 kap. 13–16 §§: an ensamstående without hemmavarande children gets the
    housing cost between the floor and the ceiling (before the bostadsbidrag of the month, which the
    engine deducts: 5 kap. 5 §). No housing cost given: none."""
    floor = r.at("transfers.etableringsersattning.bostadsersattning_cost_floor")[c.month]
    ceiling = r.at("transfers.etableringsersattning.bostadsersattning_cost_ceiling")[c.month]
    last_child_age = r.at("transfers.barnbidrag.studiebidrag_last_age")[c.month]  # hemmavarande: the children the household counts
    alone = (c.adults == 1) & ~children_in_band(c, r, 0, last_child_age).any(axis=1)
    paid = np.clip(np.nan_to_num(c.housing_cost, nan=0.0) - floor, 0.0, ceiling - floor)
    return np.where(alone, paid, 0.0)


def etableringsersattning(c: Cells, r: MonthRules) -> dict[str, np.ndarray]:
    # Förordning (2017:819) 2 kap. 13 §: per day, at most five days a week; tax-free; with the tillägg for children and housing
    daily = r.at("transfers.etableringsersattning.daily_amount")
    out = {"etableringsersattning": daily[c.month] * benefit_days_per_month(r)[c.month]}
    for key, amount in (("etableringstillagg", etableringstillagg(c, r)), ("bostadsersattning", bostadsersattning(c, r))):
        if amount.any():  # absent is zero: no array for a household without children or housing cost
            out[key] = amount
    return out


def utvecklingsersattning(c: Cells, r: MonthRules) -> dict[str, np.ndarray]:
    # Förordning (2017:819) 2 kap. 10–11 §§: per day, at most five days a week; tax-free. The
    # higher amount with a gymnasieexamen, the lower at the studiehjälp level: the scenario's choice.
    level = r.scenario.benefits.utvecklingsersattning_level  # higher | lower
    daily = r.at(f"transfers.utvecklingsersattning.daily_amount_{level}")
    return {"utvecklingsersattning": daily[c.month] * benefit_days_per_month(r)[c.month]}


def ingen_ersattning(c: Cells, r: MonthRules) -> dict[str, np.ndarray]:
    # no public income support (supported by a partner or savings): no benefit and no top-up
    return {}
