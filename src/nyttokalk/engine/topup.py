"""Försörjningsstöd: the household norm and the top-up of income to it (socialtjänstlagen 4 kap. 1 §),
or the observed amount where the participant file gives one."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import states as st
from ..household import household_norm
from ..ledger import HOUSEHOLD_ITEMS, TAX_FREE_ITEMS, TAXABLE_WORK
from ..ruleset.lookup import MonthRules
from ..scenario import LoadedScenario
from .situations import Situation

NORM = "transfers.forsorjningsstod."  # the riksnorm's rules

NOT_TOPPED_UP = np.array([not st.STATES[sid].topped_up for sid in st.IDS])  # per state code: no top-up in it


def _child_bands(mr: MonthRules, months: np.ndarray) -> dict[str, np.ndarray]:
    """The riksnorm's child age bands in the given months as arrays (months × bands), padded with bands that never match."""
    groups = mr.groups(NORM + "riksnorm_personal_children")
    n_bands = max(len(bands) for _, bands in groups)
    tables = {"min_age": np.full((len(mr), n_bands), 1.0), "max_age": np.zeros((len(mr), n_bands)), "amount": np.zeros((len(mr), n_bands))}
    for group, bands in groups:
        for key, table in tables.items():
            table[group, :len(bands)] = [getattr(b, key) for b in bands]
    return {k: v[months] for k, v in tables.items()}


def norm(inputs: dict, mr: MonthRules, ls: LoadedScenario, months: np.ndarray) -> np.ndarray:
    """The försörjningsstöd norm per participant in the given chunk months (the calendar's stretches,
    engine/segments.Calendar): the household's riksnorm plus the scenario's reasonable costs (by
    household size when given so)."""
    child = _child_bands(mr, months)
    rules = {"single": mr.at(NORM + "riksnorm_personal_single")[months], "couple": mr.at(NORM + "riksnorm_personal_couple")[months],
             "common": mr.at(NORM + "riksnorm_common_by_persons")[months],
             "child_min_age": child["min_age"], "child_max_age": child["max_age"], "child_amount": child["amount"]}
    riksnorm, size = household_norm(inputs["adults"], inputs["child_birth_year"], mr.calendar_year[months], rules)
    reasonable = ls.scenario.forsorjningsstod.reasonable_costs
    if isinstance(reasonable, dict):
        sizes = np.array(sorted(reasonable))
        amounts = np.array([reasonable[k] for k in sizes], dtype=float)
        reasonable = amounts[np.searchsorted(sizes, size, side="right") - 1]
    return riksnorm + reasonable


@dataclass
class Income:
    """What the top-up of a situation's segments rests on (a month's amounts per segment)."""

    net: np.ndarray  # net income: taxable income after tax, the states' and the household's tax-free income
    work: np.ndarray | None  # earned income (wage, semesterersättning); None: none in the situation
    net_work: np.ndarray | None  # earned income less its share of the month's tax
    norm: np.ndarray
    no_topup: np.ndarray  # in a state without top-up

    def take(self, idx: np.ndarray) -> "Income":
        return Income(self.net[idx], None if self.work is None else self.work[idx],
                      None if self.net_work is None else self.net_work[idx], self.norm[idx], self.no_topup[idx])


def income(sit: Situation, items: dict[str, np.ndarray], taxable: np.ndarray, tax: np.ndarray, norm_: np.ndarray) -> Income:
    net_income = taxable - tax
    for k in TAX_FREE_ITEMS + HOUSEHOLD_ITEMS:
        if k in items:
            net_income = net_income + items[k]
    present = [items[k] for k in TAXABLE_WORK if k in items]
    work = sum(present[1:], present[0]) if present else None
    net_work = None
    if work is not None:  # the net earned income: the work's share of the month's tax taken off (the tax is spread by taxable income)
        net_work = work - np.divide(tax * work, taxable, out=np.zeros_like(work), where=taxable > 0)
    return Income(net_income, work, net_work, norm_, NOT_TOPPED_UP[sit.seg.code])


def forsorjningsstod(sit: Situation, inc: Income, window: np.ndarray | None = None, share: np.ndarray | None = None) -> np.ndarray:
    """Per segment: the observed amount where given, else the income's shortfall from the norm (less,
    in the segments of a jobbstimulans window, its share of the net earned income); none in a state
    without top-up."""
    counted = inc.net if window is None else inc.net - share * inc.net_work * window
    modelled = np.where(inc.no_topup, 0.0, np.maximum(0.0, inc.norm - counted))
    return np.where(np.isnan(sit.seg.observed), modelled, sit.seg.observed)


def _rule_arrays(mr: MonthRules) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per month: the jobbstimulans' share, qualifying months and months (SoL 2001:453 4 kap. 1 b §)."""
    share, qualify, months = np.zeros(len(mr)), np.zeros(len(mr), dtype=int), np.zeros(len(mr), dtype=int)
    for m, rule in mr.groups(NORM + "jobbstimulans"):
        share[m], qualify[m], months[m] = rule.share, rule.qualifying_months, rule.months
    return share, qualify, months


def jobbstimulans_share(mr: MonthRules) -> np.ndarray:
    """Per month: the share of the net earned income the jobbstimulans leaves out in its months."""
    return _rule_arrays(mr)[0]


def stimulated_rows(sit: Situation, inc: Income, mr: MonthRules, n: int) -> np.ndarray:
    """The chunk participants whose top-up the jobbstimulans could change: earned income in a topped-up,
    modelled month whose top-up would be positive with the share of it left out."""
    if not mr.scenario.forsorjningsstod.jobbstimulans or inc.work is None:
        return np.zeros(0, dtype=np.int64)
    seg = sit.seg
    if not (np.bincount(seg.row, inc.work != 0, minlength=n) > 0).any():  # only rows with earned income can be changed
        return np.zeros(0, dtype=np.int64)
    share = _rule_arrays(mr)[0][seg.start]
    could = (inc.net_work > 0) & ~inc.no_topup & np.isnan(seg.observed) & (inc.norm - (inc.net - share * inc.net_work) > 0)
    return np.flatnonzero(np.bincount(seg.row[could], minlength=n) > 0)


def jobbstimulans(sit: Situation, inc: Income, fs: np.ndarray, rows: np.ndarray, mr: MonthRules, exits: np.ndarray,
                  months_at_exit: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """SoL (2001:453) 4 kap. 1 b §, from each participant's exit month (rows: those it could change):
    once försörjningsstöd has been paid `qualifying_months` months in a row, `share` of the net earned
    income is not counted for `months` months (whether or not försörjningsstöd is paid in them); then the
    months in a row count anew. At the exit the months in a row are months_at_exit (months_in_state for a
    before state of försörjningsstöd, continuously on it: whole cycles of qualifying + window months),
    else 0. Outside the windows the top-up is the ordinary one (fs), so the months in a row follow it.

    Returns the windows as (participant, first month, month after the last), each inside one segment."""
    _, qualify, length = _rule_arrays(mr)
    seg = sit.seg
    sel = np.flatnonzero(np.isin(seg.row, rows) & (seg.end > exits[seg.row]))
    row, first, end = seg.row[sel], np.maximum(seg.start[sel], exits[seg.row[sel]]), seg.end[sel]
    paid = fs[sel] > 0
    q_exit, length_exit = qualify[exits[rows]], length[exits[rows]]
    phase = months_at_exit[rows] % (q_exit + length_exit)
    never = np.iinfo(np.int64).min // 2
    state = _Run(np.where(phase >= q_exit, 0, phase), np.where(phase >= q_exit, exits[rows] - (phase - q_exit), never))
    owner = np.searchsorted(rows, row)
    position = np.arange(len(row)) - np.searchsorted(row, row)  # the segment's place among its participant's
    found: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for j in range(int(position.max()) + 1 if len(row) else 0):
        at = np.flatnonzero(position == j)
        who = owner[at]
        found += state.advance(who, row[at], first[at], end[at], paid[at], qualify[first[at]], length[first[at]])
    if not found:
        return (np.zeros(0, dtype=np.int64),) * 3
    return tuple(np.concatenate(parts) for parts in zip(*found))


@dataclass
class _Run:
    """The jobbstimulans' count of each participant: months in a row with försörjningsstöd, and the month
    the last window opened."""

    run: np.ndarray
    opened: np.ndarray

    def advance(self, who, row, first, end, paid, qualify, length) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Through one segment of each participant `who` (months first … end − 1, ordinary top-up paid or
        not, the rule's qualifying months and window length there): the windows inside it."""
        pos = first.copy()
        run, opened = self.run[who], self.opened[who]
        windows = []
        while True:
            active = pos < end
            if not active.any():
                break
            inside = active & (pos >= opened) & (pos < opened + length)
            if inside.any():  # a window runs to its end or the segment's; nothing counts in it
                close = np.minimum(end, opened + length)
                windows.append((row[inside], pos[inside], close[inside]))
                pos, run = np.where(inside, close, pos), np.where(inside, 0, run)
            closed = active & ~inside
            reached = pos + np.maximum(qualify - run, 1) - 1  # the month the run reaches qualify, paid every month
            opens = closed & paid & (reached < end)
            counting = closed & paid & ~opens
            opened = np.where(opens, reached + 1, opened)
            run = np.where(opens, 0, np.where(counting, run + (end - pos), np.where(closed & ~paid, 0, run)))
            pos = np.where(opens, reached + 1, np.where(closed, end, pos))
        self.run[who], self.opened[who] = run, opened
        return windows
