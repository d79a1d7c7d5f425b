"""Försörjningsstöd: the household norm and the top-up of income to it (socialtjänstlagen 4 kap. 1 §),
or the observed amount where the participant file gives one."""

from __future__ import annotations

import numpy as np

from .. import states as st
from ..household import household_norm
from ..ledger import HOUSEHOLD_ITEMS, TAX_FREE_ITEMS, TAXABLE_WORK
from ..ruleset.lookup import MonthRules
from ..scenario import LoadedScenario
from .situations import Situation

NORM = "transfers.forsorjningsstod."  # the riksnorm's rules

NOT_TOPPED_UP = [st.CODES[sid] for sid, state in st.STATES.items() if not state.topped_up]


def _child_bands(mr: MonthRules) -> dict[str, np.ndarray]:
    """The riksnorm's child age bands per month as arrays (months × bands), padded with bands that never match."""
    groups = mr.groups(NORM + "riksnorm_personal_children")
    n_bands = max(len(bands) for _, bands in groups)
    tables = {"min_age": np.full((len(mr), n_bands), 1.0), "max_age": np.zeros((len(mr), n_bands)), "amount": np.zeros((len(mr), n_bands))}
    for months, bands in groups:
        for key, table in tables.items():
            table[months, :len(bands)] = [getattr(b, key) for b in bands]
    return tables


def norm(inputs: dict, mr: MonthRules, ls: LoadedScenario) -> np.ndarray:
    """The försörjningsstöd norm per participant and month: the household's riksnorm plus the
    scenario's reasonable costs (by household size when given so)."""
    child = _child_bands(mr)
    rules = {"single": mr.at(NORM + "riksnorm_personal_single"), "couple": mr.at(NORM + "riksnorm_personal_couple"),
             "common": mr.at(NORM + "riksnorm_common_by_persons"),
             "child_min_age": child["min_age"], "child_max_age": child["max_age"], "child_amount": child["amount"]}
    riksnorm, size = household_norm(inputs["adults"], inputs["child_birth_year"], mr.calendar_year, rules)
    reasonable = ls.scenario.forsorjningsstod.reasonable_costs
    if isinstance(reasonable, dict):
        sizes = np.array(sorted(reasonable))
        amounts = np.array([reasonable[k] for k in sizes], dtype=float)
        reasonable = amounts[np.searchsorted(sizes, size, side="right") - 1]
    return riksnorm + reasonable


def forsorjningsstod(sit: Situation, items: dict[str, np.ndarray], taxable: np.ndarray, tax: np.ndarray, norm_: np.ndarray,
                     mr: MonthRules, exit_local: np.ndarray) -> np.ndarray:
    """Rows × months: the observed amount where given, else the income's shortfall from the norm
    (taxable income after tax plus the states' and the household's tax-free income, less the
    jobbstimulans' share of the net earned income in its months); none in a state without top-up."""
    net_income = taxable - tax
    for k in TAX_FREE_ITEMS + HOUSEHOLD_ITEMS:
        if k in items:
            net_income += items[k]
    no_topup = np.isin(sit.codes, NOT_TOPPED_UP)
    norm_ = sit.take(norm_)
    out = np.where(np.isnan(sit.observed), np.where(no_topup, 0.0, np.maximum(0.0, norm_ - net_income)), sit.observed)
    if not mr.scenario.forsorjningsstod.jobbstimulans:
        return out
    present = [items[k] for k in TAXABLE_WORK if k in items]
    if not present:
        return out
    work = sum(present[1:], present[0])
    working = np.flatnonzero(work.any(axis=1))  # only rows with earned income can be changed
    if not working.size:
        return out
    work, tax_w, taxable_w = work[working], tax[working], taxable[working]
    # the net earned income: the work's share of the month's tax taken off (the tax is spread by taxable income)
    net_work = work - np.divide(tax_w * work, taxable_w, out=np.zeros_like(work), where=taxable_w > 0)
    sub = _stimulated_rows(net_work, net_income[working], norm_[working], no_topup[working], sit.observed[working], mr)
    rows = working[sub]
    if rows.size:
        out[rows] = _with_jobbstimulans(rows, sit, net_income[rows], net_work[sub], norm_[rows], no_topup[rows], mr, exit_local)
    return out


def _rule_arrays(mr: MonthRules) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per month: the jobbstimulans' share, qualifying months and months (SoL 2001:453 4 kap. 1 b §)."""
    share, qualify, months = np.zeros(len(mr)), np.zeros(len(mr), dtype=int), np.zeros(len(mr), dtype=int)
    for m, rule in mr.groups(NORM + "jobbstimulans"):
        share[m], qualify[m], months[m] = rule.share, rule.qualifying_months, rule.months
    return share, qualify, months


def _stimulated_rows(net_work, net_income, norm_, no_topup, observed, mr: MonthRules) -> np.ndarray:
    """The rows where the jobbstimulans could change a month's top-up: earned income in a topped-up,
    modelled month whose top-up would be positive with the share of it left out."""
    share = _rule_arrays(mr)[0][None, :]
    could = (net_work > 0) & ~no_topup & np.isnan(observed) & (norm_ - (net_income - share * net_work) > 0)
    return np.flatnonzero(could.any(axis=1))


def _with_jobbstimulans(rows, sit: Situation, net_income, net_work, norm_, no_topup, mr: MonthRules, exit_local) -> np.ndarray:
    """SoL (2001:453) 4 kap. 1 b §, month by month from each row's exit month (vectorised over the rows):
    once försörjningsstöd has been paid `qualifying_months` months in a row, `share` of the net earned
    income is not counted for `months` months (whether or not försörjningsstöd is paid in them); then the
    months in a row count anew. At the exit the months in a row are months_in_state for a before state
    of försörjningsstöd (continuously on it: whole cycles of qualifying + window months), else 0."""
    share, qualify, length = _rule_arrays(mr)
    observed, exits = sit.observed[rows], exit_local[rows]
    before = np.where(sit.inputs["before_is_forsorjningsstod"][rows], sit.inputs["months_in_state"][rows].astype(int), 0)
    q = qualify[exits]
    phase = before % (q + length[exits])
    never = np.iinfo(np.int64).min // 2
    first_open = np.where(phase >= q, exits - (phase - q), never)  # the window opened before the exit
    first_run = np.where(phase >= q, 0, phase)
    run, opened = np.zeros(len(rows), dtype=np.int64), np.full(len(rows), never)
    out = np.where(no_topup, 0.0, np.maximum(0.0, norm_ - net_income))  # before the exit: as without the rule
    out = np.where(np.isnan(observed), out, observed)
    for j in range(int(exits.min()), net_income.shape[1]):
        at_exit, after = exits == j, exits <= j
        run, opened = np.where(at_exit, first_run, run), np.where(at_exit, first_open, opened)
        window = after & (j >= opened) & (j < opened + length[j])
        counted = net_income[:, j] - share[j] * net_work[:, j] * window
        fs = np.where(no_topup[:, j], 0.0, np.maximum(0.0, norm_[:, j] - counted))
        fs = np.where(np.isnan(observed[:, j]), fs, observed[:, j])
        out[:, j] = np.where(after, fs, out[:, j])
        run = np.where(after & ~window & (fs > 0), run + 1, 0)
        newly = run >= qualify[j]
        opened = np.where(newly, j + 1, opened)
        run = np.where(newly, 0, run)
    return out
