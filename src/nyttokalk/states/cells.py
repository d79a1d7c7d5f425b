"""What a state function sees: the participant-months it applies to, and the month's rules."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


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


@dataclass
class MonthRules:
    """Rule values per grid month (arrays of length M), looked up by the rule in force that month."""

    dates: list  # first day of each month used for the lookup
    month_of_year: np.ndarray
    rules_index: np.ndarray  # index into `years` (the rule year each month uses)
    years: list  # LoadedYear per rules_index
    values: dict  # name -> array of length M (or M × k)
    lists: dict  # name -> list of length M of structured rule values (bands, reductions)
    holiday_pay: bool
    days_per_month: np.ndarray

    def __getitem__(self, name: str) -> np.ndarray:
        return self.values[name]

    def window(self, start: int, stop: int) -> "MonthRules":
        """The rules of grid months start … stop − 1 (a chunk's own calendar years)."""
        return MonthRules(
            dates=self.dates[start:stop],
            month_of_year=self.month_of_year[start:stop],
            rules_index=self.rules_index[start:stop],
            years=self.years,
            values={k: v[start:stop] for k, v in self.values.items()},
            lists={k: v[start:stop] for k, v in self.lists.items()},
            holiday_pay=self.holiday_pay,
            days_per_month=self.days_per_month[start:stop],
        )

    def month_groups(self, name: str) -> list[tuple[np.ndarray, object]]:
        """Months that share the same structured value of lists[name]: [(months, value), …], so a state
        function loops over the few distinct values (bands, reductions), not over every month."""
        groups: dict[int, tuple[list[int], object]] = {}
        for m, value in enumerate(self.lists[name]):  # the same rule period gives the same object
            groups.setdefault(id(value), ([], value))[0].append(m)
        return [(np.array(ms), value) for ms, value in groups.values()]
