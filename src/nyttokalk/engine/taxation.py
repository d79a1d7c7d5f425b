"""The income tax of a situation: per participant and calendar year (incometax.income_tax with that
year's rules), spread over the year's months in proportion to each month's taxable income."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InputError, Problem
from ..i18n import Num, _
from ..ledger import TAX_CATEGORIES, TAXABLE_BENEFIT, TAXABLE_NO_FEE, TAXABLE_WORK
from ..participants import Participants
from ..ruleset.lookup import RuleView
from ..incometax import AgeNotModelled, income_tax
from .result import ExitGrid
from .situations import Situation


@dataclass
class YearlyTax:
    flows: dict[str, np.ndarray]  # tax category → rows × months
    total: np.ndarray  # rows × months: the tax and fees net of reductions
    taxable: np.ndarray  # rows × months: the taxable income
    by_year: dict[int, dict[str, np.ndarray]]  # calendar year → every component of incometax.income_tax per row
    share: np.ndarray  # rows × months: the share of its calendar year's tax each month carries (its share of the taxable income)


def _total(items: dict[str, np.ndarray], ids: tuple[str, ...], zeros: np.ndarray) -> np.ndarray:
    return sum((items.get(k, zeros) for k in ids), zeros)


def situation_tax(sit: Situation, items: dict[str, np.ndarray], grid: ExitGrid, year_rules: dict[int, RuleView],
                  rates: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]], temporary_reduction: bool, p: Participants) -> YearlyTax:
    """The situation's income tax; rates: each calendar year's (kommun, region, begravning) per chunk participant."""
    zeros = np.zeros(sit.codes.shape)
    work = _total(items, TAXABLE_WORK, zeros)
    benefit = _total(items, TAXABLE_BENEFIT, zeros)
    no_fee = _total(items, TAXABLE_NO_FEE, zeros)
    taxable = work + benefit + no_fee
    flows = {cat: np.zeros(sit.codes.shape) for cat in TAX_CATEGORIES.values()}
    total = np.zeros(sit.codes.shape)
    shares = np.zeros(sit.codes.shape)
    by_year: dict[int, dict[str, np.ndarray]] = {}
    for k, year in enumerate(grid.years):
        cols = slice(12 * k, 12 * k + 12)
        kommun, region, begr = (sit.take(a) for a in rates[year])
        age_at_start = year - sit.inputs["birth_year"] - 1
        try:
            comp = income_tax(
                work[:, cols].sum(axis=1), benefit[:, cols].sum(axis=1), kommun, region, begr, year_rules[year],
                age_at_year_start=age_at_start, temporary_reduction=temporary_reduction,
                no_fee_income=no_fee[:, cols].sum(axis=1),
            )
        except AgeNotModelled as exc:
            raise _too_old(sit.take(p.rows)[exc.mask], year, exc.limit, p.file) from None
        by_year[year] = comp
        annual = taxable[:, cols].sum(axis=1, keepdims=True)
        share = np.divide(taxable[:, cols], annual, out=np.zeros_like(taxable[:, cols]), where=annual > 0)
        shares[:, cols] = share
        for component, cat in TAX_CATEGORIES.items():
            flows[cat][:, cols] = comp[component][:, None] * share
        total[:, cols] = comp["total"][:, None] * share
    return YearlyTax(flows, total, taxable, by_year, shares)


def _too_old(rows: np.ndarray, year: int, limit: float, file: str) -> InputError:
    return InputError(
        [Problem(file, _("age at the start of {year} is {limit} or more; the older persons' tax rules (förhöjt grundavdrag) are not "
                         "modelled yet").format(year=year, limit=Num(limit)), row=int(r), column="age") for r in rows[:20]],
        _("participants too old for the modelled tax rules"),
    )
