"""What a state function sees: the participant-months it applies to (`Cells`), and the rules of
each month (`MonthRules`, rules/lookup.py: parameters by their rule path, `r.at(path)[c.month]`)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..ruleset.lookup import MonthRules

__all__ = ["Cells", "MonthRules", "benefit_days_per_month"]


@dataclass
class Cells:
    """Participant-months (flattened), all arrays of the same length."""

    person: np.ndarray  # participant index
    month: np.ndarray  # month index in the grid
    months_in_state: np.ndarray  # 0 in the first month of the after state; -1 in the before state
    age: np.ndarray  # years at transition
    birth_year: np.ndarray
    wage: np.ndarray  # gross SEK/month at full time (NaN outside work states)
    extent: np.ndarray
    newly_arrived: np.ndarray  # bool
    months_unemployed: np.ndarray  # NaN when unknown
    prior_income: np.ndarray  # gross SEK/year before the benefit (NaN where no state needs it)
    months_before: np.ndarray  # months already on the before state's benefit at the transition (a-kassa)

    def __len__(self) -> int:
        return len(self.person)


def benefit_days_per_month(r: MonthRules) -> np.ndarray:
    """Paid days of a daily benefit per month: the rules' days a week × the scenario's paid weeks
    a year (benefits.weeks_per_year) / 12."""
    return r.at("transfers.payment_days_per_week") * r.scenario.benefits.weeks_per_year / 12
