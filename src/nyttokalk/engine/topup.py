"""Försörjningsstöd: the household norm and the top-up of income to it (socialtjänstlagen 4 kap. 1 §),
or the observed amount where the participant file gives one."""

from __future__ import annotations

import numpy as np

from .. import states as st
from ..household import household_norm
from ..ledger import TAX_FREE_ITEMS
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


def forsorjningsstod(sit: Situation, items: dict[str, np.ndarray], taxable: np.ndarray, tax: np.ndarray, norm_: np.ndarray) -> np.ndarray:
    """Rows × months: the observed amount where given, else the income's shortfall from the norm
    (taxable income after tax plus the states' tax-free income); none in a state without top-up."""
    zeros = np.zeros(sit.codes.shape)
    net_income = taxable - tax + sum((items.get(k, zeros) for k in TAX_FREE_ITEMS), zeros)
    modelled = np.where(np.isin(sit.codes, NOT_TOPPED_UP), 0.0, np.maximum(0.0, sit.take(norm_) - net_income))
    return np.where(np.isnan(sit.observed), modelled, sit.observed)
