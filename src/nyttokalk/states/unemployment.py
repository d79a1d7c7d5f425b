"""A-kassa (arbetslöshetsersättning) and the income-based aktivitetsstöd that continues it: paid
by the unemployment insurance funds and Försäkringskassan from the state budget (anslag 14:1:2,
administered by Arbetsförmedlingen).

Two laws: lag (1997:238) with a dagpenning per day, lag (2024:506) with a monthly benefit for
ersättningsperioder decided from 2025-10-01 (`periods_from` of the new law's rule). The law of a
period is chosen by the month the period began (the cell's month − months_in_state), not by the
calendar month: a period under the old law runs on under it after the new law began
(transfers.a_kassa_ongoing). A period lasts its ersättningsdagar (300, under the old law 450 for
the parent of a child under 18 on day 300); the days after it are paid as aktivitetsstöd in jobb-
och utvecklingsgarantin (transfers.aktivitetsstod.after_a_kassa). Days with aktivitetsstöd count
as ersättningsdagar, so the same count runs through both (docs/method.md 3.16).
"""

from __future__ import annotations

import numpy as np

from ..ruleset.lookup import MissingRule
from .cells import Cells, MonthRules, absolute_month, benefit_days_per_month, day_steps

NEVER = np.iinfo(np.int64).max


def days_in_bands(first_day: np.ndarray, days: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Ersättningsdagar of the month [first_day, first_day + days) falling in each band between
    the bounds (band 0 below bounds[0], …, the last band above bounds[-1]); shape (cells, bands)."""
    lo = np.concatenate([np.zeros((len(first_day), 1)), bounds], axis=1)
    hi = np.concatenate([bounds, np.full((len(first_day), 1), np.inf)], axis=1)
    start, end = first_day[:, None], (first_day + days)[:, None]
    return np.clip(np.minimum(end, hi) - np.maximum(start, lo), 0.0, None)


def new_law_from(r: MonthRules) -> int:
    """The first month (year × 12 + month − 1) of the periods the new law applies to, from the rules
    of the grid's months (NEVER when no month of the grid has the new law)."""
    for _, rule in r.groups("transfers.a_kassa"):
        if rule.variant == "monthly":
            return rule.periods_from.year * 12 + rule.periods_from.month - 1
    return NEVER


def period_start(c: Cells, r: MonthRules) -> np.ndarray:
    """The month each cell's ersättningsperiod began (its own month under paths.static, which holds
    the level: the law in force in the month, as before paths)."""
    month = absolute_month(c, r)
    return month if r.scenario.paths.static else month - c.months_in_state.astype(np.int64)


def old_period_days(c: Cells, rule, dpm: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Lag (1997:238) 22 §: 300 ersättningsdagar, 450 for a claimant who on day 300 is the parent
    of a child under 18 (the child's age in the calendar year of the month of day 300)."""
    day_300_year = (start + np.floor(rule.period_days / dpm).astype(np.int64)) // 12
    age = day_300_year[:, None] - c.child_birth_year
    parent = ((age >= 0) & (age < 18)).any(axis=1)
    return np.where(parent, rule.period_days_parent, rule.period_days).astype(float)


def _no_end(r: MonthRules, period: np.ndarray) -> np.ndarray:
    """paths.static: no benefit ends (the period does not run out)."""
    return np.full_like(period, np.inf) if r.scenario.paths.static else period


def old_bounds(c: Cells, r: MonthRules, rule, start: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lag (1997:238): (the days on the path where the daily amount changes — the step days and the
    period's end —, cells × 3; ersättningsdagar a month)."""
    dpm = benefit_days_per_month(r)[c.month]
    period = _no_end(r, old_period_days(c, rule, dpm, start))
    return np.column_stack([np.broadcast_to(np.array(rule.step_days, dtype=float), (len(c), 2)), period]), dpm


def new_bounds(c: Cells, r: MonthRules, rule, job, pct: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lag (2024:506): (the days on the path where the monthly amount changes — the step days, the
    period's end and each step of the JOB level after it —, cells × k; ersättningsdagar a month)."""
    steps = int(np.ceil(pct[-1] / job.step_down)) + 1  # after these the JOB level's percent is 0: the floor
    period = _no_end(r, np.full(len(c), float(rule.period_days)))
    bounds = np.column_stack([np.broadcast_to(np.array(rule.step_days, dtype=float), (len(c), 2)),
                              period[:, None] + job.step_days * np.arange(steps)[None, :]])
    return bounds, np.full(len(c), float(rule.days_per_month))


def old_law(c: Cells, r: MonthRules, rule, job, membership: str, start: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lag (1997:238) 26 §, förordning (1997:835) 3–4 §§: per ersättningsdag, five days a week;
    after the period the JOB level: job.percent of the dagsförtjänst (members), at least job.min_per_day."""
    bounds, dpm = old_bounds(c, r, rule, start)
    # dagsförtjänst: average monthly income in the ramtid / the income days of a month (IAF försäkringsbestämmelser avsnitt 6)
    per_day = c.prior_income / 12 / rule.income_days_per_month
    by_band = np.stack([  # the bands between the step days: the max steps down first, then the percent
        np.minimum(rule.percent_days_1_200 * per_day, rule.max_per_day_first_100),
        np.minimum(rule.percent_days_1_200 * per_day, rule.max_per_day_after_100),
        np.minimum(rule.percent_after_200 * per_day, rule.max_per_day_after_100),
    ], axis=1)
    # the income-related dagpenning is never below the grundbelopp; without 12 months' membership only the grundbelopp
    basic = rule.basic_amount_per_day
    by_band = np.maximum(by_band, basic) if membership == "member" else np.full_like(by_band, basic)
    days = days_in_bands(c.months_in_state * dpm, dpm, bounds)
    job_daily = np.maximum(job.percent * per_day if membership == "member" else 0.0, job.min_per_day)
    return (days[:, :3] * by_band).sum(axis=1), days[:, 3] * job_daily


def new_law(c: Cells, rule, job, membership: str, r: MonthRules, floor_per_day: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Lag (2024:506) 5 kap. 2, 4–6, 10 §§, förordning (2024:1350) 7 §: a share of the
    ersättningsgrundande inkomst up to the ceiling, stepping down after the step days; after the
    period förordning (2017:819) 2 kap. 4 §: 1/days_per_month of the inkomst, capped a day, at the
    period's last level less job.step_down, job.step_down more every job.step_days, at least job.min_per_day.
    floor_per_day: the least amount a day inside the period (income-based aktivitetsstöd, 2 kap. 3 §)."""
    dpm = rule.days_per_month
    egi = np.minimum(c.prior_income / 12, rule.income_ceiling_per_month)
    pct = np.array(getattr(rule, f"percent_{membership}"))  # by band, for the scenario's membership
    bounds, per_month = new_bounds(c, r, rule, job, pct)
    steps = bounds.shape[1] - 2
    days = days_in_bands(c.months_in_state * dpm, per_month, bounds)
    in_period = (days[:, :3] * np.maximum(egi[:, None] / dpm * pct[None, :], floor_per_day)).sum(axis=1)
    job_pct = np.clip(pct[-1] - job.step_down * np.arange(1, steps + 1), 0.0, None)  # band k after the period: − (k + 1) steps
    job_daily = np.maximum(np.minimum(egi / dpm, job.income_cap_per_day)[:, None] * job_pct[None, :], job.min_per_day)
    return in_period, (days[:, 3:] * job_daily).sum(axis=1)


def _periods(c: Cells, r: MonthRules, start: np.ndarray):
    """(cells, law, JOB rule) for each group of cells under one law of their period (that of the month the
    period began) and one rule of the JOB level after it."""
    new_from = new_law_from(r)
    for in_rule, rule in r.cell_groups("transfers.a_kassa", c):  # the law in force in the cells' months
        if rule.variant == "daily":  # the new law has not begun: every period is under the old law
            groups = [(in_rule, rule, "transfers.aktivitetsstod.after_a_kassa")]
        else:  # a period that began before the new law runs on under the old law
            old = in_rule & (start < new_from)
            groups = [(in_rule & ~old, rule, "transfers.aktivitetsstod.after_a_kassa")]
            for sub, ongoing in r.cell_groups("transfers.a_kassa_ongoing", c, default=None):
                groups.append((old & sub, ongoing, "transfers.aktivitetsstod.after_a_kassa_ongoing"))
        for sel, law, job_path in groups:
            for sub, job in r.cell_groups(job_path, c, default=None):
                cells = sel & sub
                if not cells.any():
                    continue
                if law is None or job is None:
                    raise MissingRule(job_path if job is None else "transfers.a_kassa_ongoing", int(r.calendar_year[c.month[cells][0]]))
                yield cells, law, job


def income_based(c: Cells, r: MonthRules, aktivitetsstod: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """(the a-kassa amount for the month's days inside the ersättningsperiod, aktivitetsstöd in JOB
    for its days after the period), each cell under the law of its period. aktivitetsstod: the
    amount inside the period is income-based aktivitetsstöd (under the new law at least the JOB
    rule's min_per_day, 2 kap. 3 §)."""
    membership = r.scenario.benefits.a_kassa_membership  # member | short_member | non_member
    start = period_start(c, r)
    in_period, after = np.zeros(len(c)), np.zeros(len(c))
    for cells, law, job in _periods(c, r, start):
        part = c.take(cells)
        if law.variant == "daily":
            a, b = old_law(part, r, law, job, membership, start[cells])
        else:
            a, b = new_law(part, law, job, membership, r, job.min_per_day if aktivitetsstod else 0.0)
        in_period[cells], after[cells] = a, b
    return in_period, after


def steps(c: Cells, r: MonthRules) -> np.ndarray:
    """Cells × k: the months_in_state at which an income-based month's amounts change (the month of each
    step day, of the period's end and of each step of the JOB level, and the month after: cells.day_steps)."""
    membership = r.scenario.benefits.a_kassa_membership
    start = period_start(c, r)
    parts = []
    for cells, law, job in _periods(c, r, start):
        part = c.take(cells)
        if law.variant == "daily":
            bounds, per_month = old_bounds(part, r, law, start[cells])
        else:
            bounds, per_month = new_bounds(part, r, law, job, np.array(getattr(law, f"percent_{membership}")))
        parts.append((cells, day_steps(bounds, per_month)))
    out = np.full((len(c), max((s.shape[1] for _, s in parts), default=0)), np.nan)
    for cells, s in parts:
        out[cells, :s.shape[1]] = s
    return out


def a_kassa(c: Cells, r: MonthRules) -> dict[str, np.ndarray]:
    in_period, after = income_based(c, r)
    # the days after the ersättningsperiod in the month the period ends: aktivitetsstöd in JOB (later months are that state)
    return {"a_kassa": in_period, "aktivitetsstod": after}


def period_days(c: Cells, r: MonthRules) -> tuple[np.ndarray, np.ndarray]:
    """(ersättningsdagar of each cell's period, ersättningsdagar a month) under the law of the period:
    the path ends the a-kassa when months_in_state × days a month reaches the period (engine/paths.py)."""
    start = period_start(c, r)
    new_from = new_law_from(r)
    days, dpm = np.full(len(c), np.inf), benefit_days_per_month(r)[c.month].astype(float)
    for in_rule, rule in r.cell_groups("transfers.a_kassa", c):
        if rule.variant == "daily":
            groups = [(in_rule, rule)]
        else:
            old = in_rule & (start < new_from)
            new = in_rule & ~old
            days[new], dpm[new] = rule.period_days, rule.days_per_month
            groups = [(old & sub, ongoing) for sub, ongoing in r.cell_groups("transfers.a_kassa_ongoing", c, default=None)]
        for sel, law in groups:
            if sel.any():
                if law is None:
                    raise MissingRule("transfers.a_kassa_ongoing", int(r.calendar_year[c.month[sel][0]]))
                days[sel] = old_period_days(c.take(sel), law, dpm[sel], start[sel])
    return days, dpm
