"""What a run returns: the month grid (`Grid`), the result (`EngineResult`) and the warnings
made from the states' flags."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from ..ledger import Ledger
from ..notes import Note
from ..participants import Participants, Population
from ..rules.loader import LoadedYear
from ..rules.lookup import MonthRules
from ..spool import Spool


@dataclass
class Grid:
    first_year: int
    n_months: int
    exit_index: np.ndarray  # per participant: grid month of the first month in the after state (a dataset's merged grid: only the earliest and the latest)
    horizon: int

    @property
    def first_exit(self) -> int:
        return int(self.exit_index.min())

    @property
    def last_exit(self) -> int:
        return int(self.exit_index.max())

    @property
    def years(self) -> list[int]:
        return [self.first_year + k for k in range(self.n_months // 12)]

    def month_date(self, m: int) -> dt.date:
        return dt.date(self.first_year + m // 12, m % 12 + 1, 1)

    def in_horizon(self) -> np.ndarray:
        m = np.arange(self.n_months)[None, :]
        start = self.exit_index[:, None]
        return (m >= start) & (m < start + self.horizon)


@dataclass
class EngineResult:
    aggregates: Ledger  # per situation and category: (grid months × months since exit) sums over participants
    first_year_naive: np.ndarray | None  # participants × ACTORS: after − before over each one's first 12 months, before deadweight (None: in spool)
    grid: Grid
    participants: Participants | None  # None after a dataset run (population and spool instead)
    month_rules: MonthRules | None  # the rules of the grid's months, by path (rules/lookup.py)
    rules_used: dict[int, LoadedYear]  # rule year → loaded file
    projected_months: list[str]  # YYYY-MM computed with carried-forward rules
    assumptions: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    resolved: dict[str, np.ndarray] = field(default_factory=dict)  # per-participant inputs as used
    ledger: Ledger | None = None  # per participant-month, only with keep_ledger=True (tests, small runs)
    tax: dict[str, dict[int, dict[str, np.ndarray]]] = field(default_factory=dict)  # with keep_ledger: situation → year → components
    chunks: int = 1
    flags: dict[str, np.ndarray] = field(default_factory=dict)  # per participant: the states' warnings (merged across partitions)
    partitions: int = 1  # files of a dataset computed separately and merged (distributed.py)
    blocks: int = 1  # groups of participants computed separately and merged (a dataset's files, or a long file's blocks)
    workers: int = 1  # processes that computed the chunks
    population: Population | None = None  # the counts the analysis needs (set from participants when not given)
    notes: list[Note] = field(default_factory=list)  # the assumptions with their counts (what `assumptions` renders)
    spool: "Spool | None" = None  # a dataset run: the per-participant rows on disk (participant_rows)

    def __post_init__(self) -> None:
        if self.population is None and self.participants is not None:
            self.population = Population.of(self.participants)


FLAG_ROWS_SHOWN = 10  # rows a warning names


def flag_summary(flags: dict[str, np.ndarray], p: Participants, where: str | None = None) -> dict[str, tuple[int, list[str]]]:
    """Each flag's count and its first rows (as 'where:row' when where is given, e.g. a dataset's file)."""
    out = {}
    for key, mask in flags.items():
        rows = p.rows[mask][:FLAG_ROWS_SHOWN]
        out[key] = (int(mask.sum()), [f"{where}:{r}" if where else str(r) for r in rows])
    return out


def flag_warnings(summary: dict[str, tuple[int, list[str]]]) -> list[str]:
    """Warnings from the states' flags (flag_summary), naming the first rows."""
    out = []
    for key, (count, rows) in summary.items():
        if count:
            out.append(f"{count} participants in {key.split('_')[0]} do not meet the rules' qualifying conditions "
                       f"(age and months unemployed, rule subsidies.nystartsjobb.bands); modelled without subsidy: rows "
                       + ", ".join(rows[:FLAG_ROWS_SHOWN]) + (" …" if count > FLAG_ROWS_SHOWN else ""))
    return out
