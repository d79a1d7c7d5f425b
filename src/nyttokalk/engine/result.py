"""What a run returns: the month grid (`Grid`), the result (`EngineResult`) and the warnings
made from the states' flags."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from ..i18n import NN_, Num, ngettext
from ..ledger import Ledger
from ..notes import Note
from ..participants import Participants, Population
from ..ruleset.loader import LoadedYear
from ..ruleset.lookup import MonthRules
from ..spool import MemoryRows, Spool
from .prices import PriceIndex


@dataclass
class ExitGrid:
    """The engine's month grid: calendar months from January of the first exit year, and each
    participant's exit month on it (engine-internal; a result carries a Grid)."""

    first_year: int
    n_months: int
    exit_index: np.ndarray  # per participant: grid month of the first month in the after state
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

    def summary(self) -> "Grid":
        return Grid(self.first_year, self.n_months, self.horizon, self.first_exit, self.last_exit)


@dataclass(frozen=True)
class Grid:
    """The months a result covers: from January of `first_year`, `n_months` calendar months (whole
    years); grid month m is first_year-01 + m. `first_exit` and `last_exit` are the grid months of
    the earliest and the latest exit; every participant's horizon is `horizon` months from its exit."""

    first_year: int
    n_months: int
    horizon: int
    first_exit: int
    last_exit: int

    @property
    def years(self) -> list[int]:
        return [self.first_year + k for k in range(self.n_months // 12)]

    def month_date(self, m: int) -> dt.date:
        return dt.date(self.first_year + m // 12, m % 12 + 1, 1)


@dataclass
class Detail:
    """What a small run keeps per participant and month (run_engine(..., keep_ledger=True); tests
    and small runs): nothing in it is needed by the analysis or the reports."""

    participants: Participants
    exits: np.ndarray  # each participant's exit month on the grid
    month_rules: MonthRules  # the rules of the grid's months, by path (rules/lookup.py)
    resolved: dict[str, np.ndarray]  # per-participant inputs as used
    ledger: Ledger  # per participant-month
    tax: dict[str, dict[int, dict[str, np.ndarray]]]  # situation → calendar year → income-tax components per participant
    flags: dict[str, np.ndarray]  # per participant: the states' warnings
    first_year_naive: np.ndarray  # participants × ACTORS: after − before over each one's first 12 months, before deadweight, each month weighted by prices.engine_weight (1 / KPI in fixed prices)


@dataclass
class EngineResult:
    """A run's result, the same in every mode (a file, a long file in blocks, a folder of files):
    sums, counts and the per-participant rows (in memory or spooled on disk, read the same way)."""

    aggregates: Ledger  # per situation and category: (grid months × months since exit) sums over participants
    grid: Grid
    population: Population  # the counts the analysis needs
    rows: "Spool | MemoryRows"  # per-participant rows (spool.participant_rows): frames(), n
    rules_used: dict[int, LoadedYear]  # rule year → loaded file
    projected_months: list[str]  # YYYY-MM computed with carried-forward rules
    notes: list[Note] = field(default_factory=list)  # the assumptions with their counts
    assumptions: list[str] = field(default_factory=list)  # the notes rendered
    warnings: list[str] = field(default_factory=list)
    flags: dict[str, tuple[int, list[str]]] = field(default_factory=dict)  # each state warning's count and first rows
    chunks: int = 1
    partitions: int = 1  # files of a dataset computed separately and merged (distributed.py)
    blocks: int = 1  # groups of participants computed separately and merged (a dataset's files, or a long file's blocks)
    workers: int = 1  # processes that computed the chunks
    detail: Detail | None = None  # per participant-month, only with keep_ledger=True
    prices: "PriceIndex | None" = None  # the price and wage levels used (engine/prices.py); the analysis deflates the sums with it
    doubtful: list[dict] = field(default_factory=list)  # rule leaves of status unknown/assumed the run used (engine/doubtful.py)

    @property
    def ledger(self) -> Ledger | None:
        """The ledger per participant-month (keep_ledger=True), else None."""
        return self.detail.ledger if self.detail is not None else None


FLAG_ROWS_SHOWN = 10  # rows a warning names


def flag_summary(flags: dict[str, np.ndarray], p: Participants, where: str | None = None) -> dict[str, tuple[int, list[str]]]:
    """Each flag's count and its first rows (as 'where:row' when where is given, e.g. a dataset's file)."""
    out = {}
    for key, mask in flags.items():
        rows = p.rows[mask][:FLAG_ROWS_SHOWN]
        out[key] = (int(mask.sum()), [f"{where}:{r}" if where else str(r) for r in rows])
    return out


# each flag's warning, singular and plural (English message ids): {count} participants, {rows} the first rows, {state} and {rule}
FLAG_TEXTS = {
    "nystartsjobb_not_qualifying": NN_(
        "{count} participant in nystartsjobb does not meet the rules' qualifying conditions (age and months unemployed, rule "
        "subsidies.nystartsjobb.bands); modelled without subsidy: row {rows}",
        "{count} participants in nystartsjobb do not meet the rules' qualifying conditions (age and months unemployed, rule "
        "subsidies.nystartsjobb.bands); modelled without subsidy: rows {rows}"),
    "no_new_entrants": NN_(
        "{count} participant goes to {state} in a month it takes no new entrants (rule {rule}): the law does not allow the move; "
        "computed as given: row {rows}",
        "{count} participants go to {state} in a month it takes no new entrants (rule {rule}): the law does not allow the move; "
        "computed as given: rows {rows}"),
    "age": NN_(
        "{count} participant is in {state} at the exit at an age outside its limits ({rule}): the law does not give it at that age; "
        "row {rows}",
        "{count} participants are in {state} at the exit at an age outside its limits ({rule}): the law does not give it at that "
        "age; rows {rows}"),
    "productivity_below_floor": NN_(
        "{count} participant in work is assumed to produce less than the employer pays net of the subsidy (productivity below "
        "(lönekostnad − subsidy) / lönekostnad, the least an employer who hires must expect; scenario productivity or the rules' "
        "economy.productivity_subsidised / _unsubsidised): row {rows}",
        "{count} participants in work are assumed to produce less than their employer pays net of the subsidy (productivity below "
        "(lönekostnad − subsidy) / lönekostnad, the least an employer who hires must expect; scenario productivity or the rules' "
        "economy.productivity_subsidised / _unsubsidised): rows {rows}"),
}
OTHER_FLAG = NN_("{count} participant: {flag}: row {rows}", "{count} participants: {flag}: rows {rows}")


def _flag_text(key: str, count: int, rows: str) -> str:
    from .. import states as st  # a lazy import: result.py is imported by the states' users

    kind, _, sid = key.partition(":")
    state = st.STATES.get(sid)
    rule = ""
    if state is not None:
        rule = state.entry if kind == "no_new_entrants" else " & ".join(state.ages or ())
    singular, plural = FLAG_TEXTS.get(kind, OTHER_FLAG)
    return ngettext(singular, plural, count).format(count=Num(count), rows=rows, state=sid, rule=rule, flag=kind)


def flag_warnings(summary: dict[str, tuple[int, list[str]]]) -> list[str]:
    """Warnings from the states' and the engine's flags (flag_summary), naming the first rows."""
    out = []
    kinds = list(FLAG_TEXTS)
    # in a fixed order (the kinds', then the keys'), whatever order the chunks or files found them in
    for key in sorted(summary, key=lambda k: (kinds.index(k.partition(":")[0]) if k.partition(":")[0] in kinds else len(kinds), k)):
        count, rows = summary[key]
        if count:
            shown = ", ".join(rows[:FLAG_ROWS_SHOWN]) + (" …" if count > FLAG_ROWS_SHOWN else "")
            out.append(_flag_text(key, count, shown))
    return out
