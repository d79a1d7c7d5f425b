"""What every chunk of a run shares (`Plan`): the resolved inputs, the month grid, the rules of
each month and of each tax year, the local tax rates, each participant's subsidy duration and
state codes. `prepare` is a run's checks without the computation."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import states as st
from ..errors import InputError, Problem
from ..i18n import Num, ngettext
from ..notes import Note
from ..participants import Participants
from ..ruleset.loader import LoadedYear, RuleBook, load_indices
from ..ruleset.lookup import MonthRules, RuleView
from ..scenario import LoadedScenario
from ..incometax import year_rules
from .equalisation import equalisation_rates
from .inputs import check_children, check_scenario_choices, check_states_exist, local_rates, resolve_inputs
from .law import law_flags, path_notes
from .prices import PriceIndex
from .result import ExitGrid
from .situations import durations


@dataclass
class Plan:
    inputs: dict[str, np.ndarray]
    notes: list[Note]
    grid: ExitGrid
    mr: MonthRules
    tax_rules: dict[int, RuleView]  # calendar year → the income tax's rules
    rates: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]]  # calendar year → (kommun, region, begravning) per participant
    duration: np.ndarray  # months each participant's subsidised job lasts (inf: no end)
    codes: dict[str, np.ndarray]  # "before", "after": each participant's state code (oförändrad → the before state)
    prices: PriceIndex  # the price and wage levels of the grid's years (engine/prices.py)
    wage_level: np.ndarray  # grid months: the wage index of each month's price year
    weight: np.ndarray  # grid months: the engine's weight of a month's flows in the per-participant sums (PriceIndex.engine_weight)
    flags: dict[str, np.ndarray]  # per participant: warnings found before computing (law forbids the move, age outside a state's limits)
    equalisation: dict[int, tuple[np.ndarray, np.ndarray]]  # calendar year → (kommun, region) utjämning rate per participant; {} = off

    @property
    def rules_used(self) -> dict[int, LoadedYear]:
        return self.mr.rules_used

    @property
    def projected(self) -> list[str]:
        return self.mr.projected_months


def _grid(inputs: dict, horizon: int) -> ExitGrid:
    """Months from January of the first exit year to December of the year the last horizon ends."""
    exit_index = inputs["exit_index"]
    first_year = int(exit_index.min() // 12)
    last_month = int((exit_index + horizon - 1).max())
    n_months = (last_month // 12 - first_year + 1) * 12
    return ExitGrid(first_year, n_months, (exit_index - first_year * 12).astype(int), horizon)


def _tax_rules(grid: ExitGrid, mr: MonthRules) -> dict[int, RuleView]:
    """Each calendar year's income-tax rules: those of its January (its own year, or the scenario's
    period.rules_date), in force on 1 January of the rule year."""
    views: dict[int, RuleView] = {}
    out = {}
    for k, year in enumerate(grid.years):
        rules = mr.view(12 * k).rules
        out[year] = views.setdefault(rules.year, year_rules(rules))
    return out


def _prices(book: RuleBook, ls: LoadedScenario, grid: ExitGrid, inputs: dict) -> tuple[PriceIndex, np.ndarray, np.ndarray]:
    """The run's price levels, the wage level of each grid month and the months' weights; the
    participants' wage level at their exit month goes into the inputs."""
    indices, _ = load_indices(book.directory)
    years = np.repeat(grid.years, 12)
    prices = PriceIndex.build(indices, ls.scenario, grid.years)
    wage_level = prices.wage_levels(years)
    inputs["wage_level_at_exit"] = wage_level[grid.exit_index]
    return prices, wage_level, prices.engine_weight(years)


class _Problems:
    """Every problem the checks of a run find, gathered so that one pass names them all (issue 16):
    rows with a missing value leave the later checks, which go on with the other rows."""

    def __init__(self, earlier: InputError | None = None):
        self.problems: list[Problem] = list(earlier.problems) if earlier is not None else []
        self.summaries: list[str] = [earlier.summary] if earlier is not None else []

    def check(self, fn, *args):
        """fn(*args), or None with its problems kept when it raises InputError."""
        try:
            return fn(*args)
        except InputError as exc:
            self.problems += exc.problems
            self.summaries.append(exc.summary)
            return None

    def raise_any(self, file: str) -> None:
        if not self.problems:
            return
        summary = self.summaries[0] if len(set(self.summaries)) == 1 else ngettext(
            "{file}: {n} problem in the participants and the scenario", "{file}: {n} problems in the participants and the scenario",
            len(self.problems)).format(file=file, n=Num(len(self.problems)))
        raise InputError(self.problems, summary)


def _resolved(p: Participants, ls: LoadedScenario, found: _Problems) -> tuple[Participants, dict, list[Note]]:
    """The inputs of the rows that have every needed value; the others' problems are kept."""
    try:
        inputs, notes = resolve_inputs(p, ls)
        return p, inputs, notes
    except InputError as exc:
        found.problems += exc.problems
        found.summaries.append(exc.summary)
        bad = {pr.row for pr in exc.problems if pr.file == p.file and pr.row is not None}
        keep = np.flatnonzero(~np.isin(p.rows, list(bad)))
        if not bad or not keep.size:
            found.raise_any(p.file)
        rest = p.take(keep)
        inputs, notes = resolve_inputs(rest, ls)
        return rest, inputs, notes


def setup(p: Participants, ls: LoadedScenario, book: RuleBook, earlier: InputError | None = None) -> Plan:
    """The plan of a run; every problem of the inputs found in one pass (with `earlier`: the read's
    row problems, whose rows are already left out of p) is raised together as one InputError."""
    s = ls.scenario
    found = _Problems(earlier)
    p, inputs, notes = _resolved(p, ls, found)
    grid = _grid(inputs, s.period.horizon_months)
    mr = MonthRules.build(book, grid.first_year * 12 + np.arange(grid.n_months), s)
    prices, wage_level, weight = _prices(book, ls, grid, inputs)
    inputs["before_is_forsorjningsstod"] = p.state_codes.before == st.CODES["forsorjningsstod"]
    rates = found.check(local_rates, p, grid, ls, book)
    equalisation, equalisation_notes = equalisation_rates(p, grid, ls, book)
    duration = durations(p, inputs, grid, mr, ls)
    found.check(check_scenario_choices, p, duration, ls)
    found.check(check_states_exist, p, grid, mr, duration)
    found.check(check_children, p, inputs, grid, mr, ls)
    found.raise_any(p.file)
    codes = {"before": p.state_codes.before, "after": p.state_codes.used}
    notes += equalisation_notes + path_notes(p, inputs, grid, mr, ls)
    return Plan(inputs, notes, grid, mr, _tax_rules(grid, mr), rates, duration, codes, prices, wage_level, weight,
                law_flags(p, inputs, grid, mr), equalisation)


def prepare(p: Participants, ls: LoadedScenario, book: RuleBook | None = None, earlier: InputError | None = None) -> list[Note]:
    """Everything a run checks before computing (missing values, rule years, municipalities, the
    scenario's choices); raises InputError with every problem (and `earlier`'s), else returns the
    notes on the inputs (render with notes.render(…, len(p)); notes of several files add up with
    notes.merge)."""
    return setup(p, ls, book or RuleBook(), earlier).notes
