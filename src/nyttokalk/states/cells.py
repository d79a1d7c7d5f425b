"""What a state function sees: the participant-months it applies to (`Cells`), and the rules of
each month (`MonthRules`, rules/lookup.py: parameters by their rule path, `r.at(path)[c.month]`)."""

from __future__ import annotations

import numpy as np

from ..ruleset.lookup import MonthRules

__all__ = ["Cells", "MonthRules", "benefit_days_per_month", "age_in_month", "absolute_month", "children_in_band", "day_steps"]


PARTICIPANT_INPUTS = ("age", "birth_year", "extent", "newly_arrived", "months_unemployed", "prior_income", "a_kassa_right",
                      "child_birth_year", "adults", "housing_cost")


class Cells:
    """Stretches of participant-months in which nothing the state's amounts depend on changes (the
    engine's segments, docs/architecture.md), all arrays of the same length (child_birth_year: cells ×
    children). A cell's amounts are per month, for each of its `span` months; `month` and
    `months_in_state` are those of its first month (months_in_state grows by one a month along it
    where the path runs, and the engine cuts the stretches where a state's `steps` say its amounts change).

    person: participant index; month: month index in the grid; months_in_state: months on the path
    before the month, since the state (for a-kassa: the ersättningsperiod) began; wage: gross SEK/month
    at full time in the month (the wage index applied; NaN outside work states); span: months the cell
    stands for (the rules read count as used in all of them). The participant's inputs are read from
    `inputs` by person when a state asks for them (PARTICIPANT_INPUTS): age (years at transition),
    birth_year, extent, newly_arrived (bool), months_unemployed (NaN when unknown), prior_income (gross
    SEK/year before the benefit), a_kassa_right (bool: aktivitetsstöd at the a-kassa level), child_birth_year
    (cells × children: calendar year − age at exit; NaN = no child), adults (1 or 2), housing_cost
    (SEK/month; NaN = not modelled)."""

    def __init__(self, person: np.ndarray, month: np.ndarray, months_in_state: np.ndarray, wage: np.ndarray, span: np.ndarray,
                 inputs: dict[str, np.ndarray]):
        self.person = person
        self.month = month
        self.months_in_state = months_in_state
        self.wage = wage
        self.span = span
        self._inputs = inputs

    def __getattr__(self, name: str) -> np.ndarray:
        if name in PARTICIPANT_INPUTS:  # gathered on first use, then kept
            value = self._inputs[name][self.person]
            setattr(self, name, value)
            return value
        raise AttributeError(name)

    def __len__(self) -> int:
        return len(self.person)

    def take(self, mask: np.ndarray) -> "Cells":
        """The cells where mask is true."""
        out = Cells(self.person[mask], self.month[mask], self.months_in_state[mask], self.wage[mask], self.span[mask], self._inputs)
        for name in PARTICIPANT_INPUTS:
            if name in self.__dict__:
                setattr(out, name, self.__dict__[name][mask])
        return out


def benefit_days_per_month(r: MonthRules) -> np.ndarray:
    """Paid days of a daily benefit per month: the rules' days a week × the scenario's paid weeks
    a year (benefits.weeks_per_year) / 12."""
    return r.at("transfers.payment_days_per_week") * r.scenario.benefits.weeks_per_year / 12


def age_in_month(c: Cells, r: MonthRules) -> np.ndarray:
    """The age in the cell's month as the calendar year minus the birth year (docs/method.md 2.4)."""
    return r.calendar_year[c.month] - c.birth_year


def absolute_month(c: Cells, r: MonthRules) -> np.ndarray:
    """The cell's month as year × 12 + month − 1."""
    return (r.calendar_year[c.month] * 12 + r.month_of_year[c.month] - 1).astype(np.int64)


def children_in_band(c: Cells, r: MonthRules, lo, hi) -> np.ndarray:
    """Cells × children: whether each child's age in the month's calendar year is in [lo, hi]."""
    ages = r.calendar_year[c.month][:, None] - c.child_birth_year
    lo = np.asarray(lo, dtype=float)
    hi = np.asarray(hi, dtype=float)
    return (ages >= (lo[:, None] if lo.ndim else lo)) & (ages <= (hi[:, None] if hi.ndim else hi))


STEP_NOISE = 1e-9  # months: a bound this close to a month's edge may fall on either side of it in floating point


def day_steps(bounds: np.ndarray, per_month: np.ndarray) -> np.ndarray:
    """Cells × k: the months_in_state at which a month's share of days on each side of a bound (in days
    on the path, cells × bounds; inf: none) changes, with `per_month` days a month: the month the bound
    falls in and the month after it (both sides of a month's edge when it falls on one)."""
    x = bounds / per_month[:, None]
    lo, hi = np.floor(x - STEP_NOISE), np.floor(x + STEP_NOISE)
    return np.concatenate([lo, lo + 1, hi, hi + 1], axis=1)
