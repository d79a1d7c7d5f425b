"""The income tax of a situation: per participant and calendar year (incometax.income_tax with that
year's rules, one call per calendar year for all the situation's participants), spread over the
year's months in proportion to each month's taxable income."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from ..errors import InputError, Problem
from ..i18n import Num, _
from ..ledger import TAX_CATEGORIES, TAXABLE_BENEFIT, TAXABLE_NO_FEE, TAXABLE_WORK
from ..participants import Participants
from ..ruleset.lookup import RuleView
from ..incometax import AgeNotModelled, income_tax
from .situations import Situation


@dataclass
class YearlyTax:
    flows: dict[str, np.ndarray]  # tax category → a month's amount per segment
    total: np.ndarray  # per segment: a month's tax and fees net of reductions
    taxable: np.ndarray  # per segment: a month's taxable income
    by_year: dict[int, YearComponents]  # calendar year → every component of incometax.income_tax per participant (sit.rows)
    share: np.ndarray  # per segment: the share of its calendar year's tax each of its months carries (its share of the taxable income)
    local: np.ndarray  # per segment: its participant's index in the situation's participants
    year: np.ndarray  # per segment: its calendar year's index in the chunk's years

    def per_segment(self, per_year: dict[int, np.ndarray], years: list[int]) -> np.ndarray:
        """A per participant and year value (year → per participant) at each segment."""
        return np.stack([per_year[y] for y in years], axis=1).ravel()[self.local * len(years) + self.year]


def _total(items: dict[str, np.ndarray], ids: tuple[str, ...], zeros: np.ndarray) -> np.ndarray:
    return sum((items.get(k, zeros) for k in ids), zeros)


def local_rows(sit: Situation, n: int) -> tuple[np.ndarray, np.ndarray]:
    """(the situation's chunk participants, each segment's index among them)."""
    rows = sit.covers(n)
    return rows, (sit.seg.row if sit.rows is None else np.searchsorted(rows, sit.seg.row))


def situation_tax(sit: Situation, items: dict[str, np.ndarray], years: list[int], year_rules: dict[int, RuleView],
                  rates: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]], temporary_reduction: bool, p: Participants) -> YearlyTax:
    """The situation's income tax; rates: each calendar year's (kommun, region, begravning) per chunk participant."""
    seg = sit.seg
    rows, local = local_rows(sit, len(p))
    zeros = np.zeros(len(seg))
    work = _total(items, TAXABLE_WORK, zeros)
    benefit = _total(items, TAXABLE_BENEFIT, zeros)
    no_fee = _total(items, TAXABLE_NO_FEE, zeros)
    taxable = work + benefit + no_fee
    year = seg.start // 12  # a segment lies in one calendar year (engine/segments.calendar_cuts)
    key, size = local * len(years) + year, len(rows) * len(years)

    def per_year(monthly: np.ndarray) -> np.ndarray:  # participants × years: the year's sum over its months
        return np.bincount(key, monthly * seg.length, minlength=size).reshape(len(rows), len(years))

    w, b, s, annual = per_year(work), per_year(benefit), per_year(no_fee), per_year(taxable)
    by_year = {year_: _year_tax(w[:, k], b[:, k], s[:, k], year_, rows, sit, year_rules[year_], rates[year_], temporary_reduction, p)
               for k, year_ in enumerate(years)}
    year_total = annual[local, year]
    share = np.divide(taxable, year_total, out=np.zeros(len(seg)), where=year_total > 0)

    def at_segments(component: str) -> np.ndarray:  # a month's part of each segment's year's component
        flat = np.zeros(size)
        for k, year_ in enumerate(years):
            some, comp = by_year[year_].computed
            flat[some * len(years) + k] = comp[component]
        return flat[key] * share

    flows = {cat: at_segments(component) for component, cat in TAX_CATEGORIES.items()}
    return YearlyTax(flows, at_segments("total"), taxable, by_year, share, local, year)


class YearComponents(Mapping):
    """One calendar year's income-tax components (incometax.income_tax) per participant of a situation, of
    which only those with taxable income (or of the older persons' ages) were computed: the others pay
    nothing. A component is spread out to every participant when it is asked for."""

    def __init__(self, n: int, some: np.ndarray, comp: dict[str, np.ndarray]):
        self.n = n
        self.computed = (some, comp)
        self._full: dict[str, np.ndarray] = {}

    def __getitem__(self, key: str) -> np.ndarray:
        if key not in self._full:
            some, comp = self.computed
            out = np.zeros(self.n)
            out[some] = comp[key]
            self._full[key] = out
        return self._full[key]

    def __iter__(self):
        return iter(self.computed[1])

    def __len__(self) -> int:
        return len(self.computed[1])


def _year_tax(work, benefit, no_fee, year: int, rows: np.ndarray, sit: Situation, rules: RuleView, rates, temporary_reduction: bool,
              p: Participants) -> YearComponents:
    """Every component of one calendar year's income tax for the situation's participants (rows). A
    participant without taxable income below the older persons' ages pays nothing: only the others are
    computed (the rules read are the same)."""
    age = year - sit.inputs["birth_year"][rows] - 1
    older = min(rules.at("income_tax.grundavdrag_max_age"), rules.at("income_tax.jobbskatteavdrag.max_age"))
    some = np.flatnonzero((work + benefit + no_fee > 0) | (age >= older))
    kommun, region, begr = (a[rows][some] for a in rates)
    try:
        comp = income_tax(work[some], benefit[some], kommun, region, begr, rules, age_at_year_start=age[some],
                          temporary_reduction=temporary_reduction, no_fee_income=no_fee[some])
    except AgeNotModelled as exc:
        raise _too_old(p.rows[rows][some][exc.mask], year, exc.limit, p.file) from None
    return YearComponents(len(rows), some, comp)


def _too_old(rows: np.ndarray, year: int, limit: float, file: str) -> InputError:
    return InputError(
        [Problem(file, _("age at the start of {year} is {limit} or more; the older persons' tax rules (förhöjt grundavdrag) are not "
                         "modelled yet").format(year=year, limit=Num(limit)), row=int(r), column="age") for r in rows[:20]],
        _("participants too old for the modelled tax rules"),
    )
