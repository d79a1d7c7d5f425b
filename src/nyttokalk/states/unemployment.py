"""A-kassa (arbetslöshetsersättning): income-based, paid by the unemployment insurance funds
from the state budget (anslag 14:1:2, administered by Arbetsförmedlingen).

Two laws: lag (1997:238) with a dagpenning per day until 2025-09-30, lag (2024:506) with a
monthly benefit from 2025-10-01. A month is computed with the law in force that month.
"""

from __future__ import annotations

import numpy as np

from .cells import Cells, MonthRules, benefit_days_per_month


def days_in_bands(first_day: np.ndarray, days: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Ersättningsdagar of the month [first_day, first_day + days) falling in each band between
    the bounds (band 0 below bounds[0], …, the last band above bounds[-1]); shape (cells, bands)."""
    lo = np.concatenate([np.zeros((len(first_day), 1)), bounds], axis=1)
    hi = np.concatenate([bounds, np.full((len(first_day), 1), np.inf)], axis=1)
    start, end = first_day[:, None], (first_day + days)[:, None]
    return np.clip(np.minimum(end, hi) - np.maximum(start, lo), 0.0, None)


def months_on_benefit(c: Cells) -> np.ndarray:
    """Whole months on the benefit before this month: from the start of an after state, or the
    months at the transition (held for the whole horizon) in the before state."""
    return np.where(c.months_in_state >= 0, c.months_in_state, c.months_before)


def a_kassa(c: Cells, r: MonthRules) -> dict[str, np.ndarray]:
    months = months_on_benefit(c)
    membership = r.scenario.benefits.a_kassa_membership  # member | short_member | non_member
    out = np.zeros(len(c))
    for in_rule, rule in r.cell_groups("transfers.a_kassa", c.month):  # the law in force in the cells' months
        if rule.variant == "daily":
            out[in_rule] = _dagpenning(c, r, in_rule, months[in_rule], rule, membership)
        else:
            out[in_rule] = _monthly_benefit(c, in_rule, months[in_rule], rule, membership)
    return {"a_kassa": out}


def _dagpenning(c: Cells, r: MonthRules, sel: np.ndarray, months: np.ndarray, rule, membership: str) -> np.ndarray:
    """Lag (1997:238) 26 §, förordning (1997:835) 3–4 §§: per ersättningsdag, five days a week."""
    dpm = benefit_days_per_month(r)[c.month[sel]]
    # dagsförtjänst: average monthly income in the ramtid / the income days of a month (IAF försäkringsbestämmelser avsnitt 6)
    per_day = c.prior_income[sel] / 12 / rule.income_days_per_month
    pct1, pct2 = rule.percent_days_1_200, rule.percent_after_200
    max1, max2 = rule.max_per_day_first_100, rule.max_per_day_after_100
    by_band = np.stack([  # the bands between the step days: the max steps down first, then the percent
        np.minimum(pct1 * per_day, max1),
        np.minimum(pct1 * per_day, max2),
        np.minimum(pct2 * per_day, max2),
    ], axis=1)
    # the income-related dagpenning is never below the grundbelopp; without 12 months' membership only the grundbelopp
    basic = rule.basic_amount_per_day
    by_band = np.maximum(by_band, basic) if membership == "member" else np.full_like(by_band, basic)
    days = days_in_bands(months * dpm, dpm, _step_days(rule, len(dpm)))
    return (days * by_band).sum(axis=1)


def _monthly_benefit(c: Cells, sel: np.ndarray, months: np.ndarray, rule, membership: str) -> np.ndarray:
    """Lag (2024:506) 5 kap. 2, 4–6, 10 §§, förordning (2024:1350) 7 §: a share of the
    ersättningsgrundande inkomst up to the ceiling, stepping down after the step days."""
    dpm = rule.days_per_month
    egi = np.minimum(c.prior_income[sel] / 12, rule.income_ceiling_per_month)
    days = days_in_bands(months * dpm, np.full(len(months), dpm), _step_days(rule, len(months)))
    pct = np.array(getattr(rule, f"percent_{membership}"))  # by band, for the scenario's membership
    return (days / dpm * pct).sum(axis=1) * egi


def _step_days(rule, n: int) -> np.ndarray:
    return np.broadcast_to(np.array(rule.step_days, dtype=float), (n, len(rule.step_days)))
