"""A-kassa (arbetslöshetsersättning): income-based, paid by the unemployment insurance funds
from the state budget (anslag 14:1:2, administered by Arbetsförmedlingen).

Two laws: lag (1997:238) with a dagpenning per day until 2025-09-30, lag (2024:506) with a
monthly benefit from 2025-10-01. A month is computed with the law in force that month.
"""

from __future__ import annotations

import numpy as np

from .cells import Cells, MonthRules


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
    k = c.month
    months = months_on_benefit(c)
    member = r["akassa_income_related"][k] == 1
    monthly_law = r["akassa_monthly"][k] == 1
    out = np.zeros(len(c))

    # lag (1997:238) 26 §, förordning (1997:835) 3–4 §§: per ersättningsdag, five days a week
    old = ~monthly_law
    if old.any():
        dpm = r.days_per_month[k]
        # dagsförtjänst: average monthly income in the ramtid / 22 (IAF försäkringsbestämmelser avsnitt 6)
        per_day = c.prior_income / 12 / r["akassa_income_days"][k]
        pct1, pct2 = r["akassa_pct_1_200"][k], r["akassa_pct_after_200"][k]
        max1, max2 = r["akassa_max_first_100"][k], r["akassa_max_after_100"][k]
        basic = r["akassa_basic_per_day"][k]
        by_band = np.stack([  # days 1–100, 101–200, 201–
            np.minimum(pct1 * per_day, max1),
            np.minimum(pct1 * per_day, max2),
            np.minimum(pct2 * per_day, max2),
        ], axis=1)
        # the income-related dagpenning is never below the grundbelopp; without 12 months' membership only the grundbelopp
        by_band = np.where(member[:, None], np.maximum(by_band, basic[:, None]), basic[:, None])
        bounds = r["akassa_step_days"][k]
        days = days_in_bands(months * dpm, dpm, bounds)
        out = np.where(old, (days * by_band).sum(axis=1), out)

    # lag (2024:506) 5 kap. 2, 4–6, 10 §§, förordning (2024:1350) 7 §: a share of the
    # ersättningsgrundande inkomst up to the ceiling, stepping down after 100 and 200 days
    if monthly_law.any():
        dpm = r["akassa_days_per_month"][k]
        egi = np.minimum(c.prior_income / 12, r["akassa_ceiling"][k])
        days = days_in_bands(months * dpm, dpm, r["akassa_step_days"][k])
        pct = r["akassa_pct"][k]  # (cells, 3) for the scenario's membership
        out = np.where(monthly_law, (days / dpm[:, None] * pct).sum(axis=1) * egi, out)
    return {"a_kassa": out}
