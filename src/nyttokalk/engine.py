"""participants × months × states → ledger, for the situation before and after the project.

Vectorised: state functions get all participant-months in a state at once; the only Python
loops run over states, calendar years and months, never over participants.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import states as st
from .errors import InputError, Problem
from .household import household_norm
from .ledger import TAX_CATEGORIES, Ledger, categories
from .actors import ACTORS, UNIT_COST_PAYERS
from .notes import Note, always, counted, literal
from .notes import render as render_notes
from .participants import Participants, Population
from .rules.loader import LoadedYear, RuleBook
from .scenario import LoadedScenario, LocalRates, parse_month
from .spool import Spool
from .rules.lookup import MonthRules
from .states.cells import Cells
from .tax import AgeNotModelled, income_tax, year_rules

TAXABLE_WORK = ("lon", "semesterersattning")  # arbetsinkomst: gives jobbskatteavdrag
TAXABLE_BENEFIT = ("aktivitetsstod", "a_kassa", "sjukpenning")  # taxable, pension-qualifying, no jobbskatteavdrag
TAXABLE_NO_FEE = ("sjukersattning", "aktivitetsersattning")  # taxable, no allmän pensionsavgift, no jobbskatteavdrag
TAX_FREE = ("etableringsersattning", "utvecklingsersattning", "studiebidrag", "studielan")
ITEMS = (
    "lon", "semesterersattning", "arbetsgivaravgift",
    "stod_introduktionsjobb", "stod_handledare", "stod_nystartsjobb", "stod_extratjanst", "stod_lonebidrag",
    "aktivitetsstod", "etableringsersattning", "utvecklingsersattning", "studiebidrag", "studielan", "studieplats",
    "a_kassa", "sjukpenning", "sjukersattning", "aktivitetsersattning",
)
# states whose benefit is computed from the participant's prior_income
INCOME_BASED = ("a_kassa", "sjukpenning", "sjukersattning", "aktivitetsersattning")


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
    month_rules: MonthRules | None
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


def _require(values, missing, default, name, participants, problems, why=""):
    """Fill missing values with the scenario default, or report the rows when there is none."""
    if not missing.any():
        return values, 0
    if default is None:
        for row in participants.rows[missing][:50]:
            problems.append(Problem(participants.file, f"{name} is empty and the scenario sets no default{why}", row=int(row), column=name))
        return values, 0
    out = values.copy()
    out[missing] = default
    return out, int(missing.sum())


def _resolve_inputs(p: Participants, ls: LoadedScenario) -> tuple[dict[str, np.ndarray], list[str]]:
    s = ls.scenario
    d = s.participant_defaults
    problems: list[Problem] = []
    notes: list[Note] = []  # every note made whatever its count (notes.merge relies on the same templates in every group)

    def note(count, text):
        notes.append(counted(count, text))

    age, n = _require(p.age, np.isnan(p.age), d.age, "age", p, problems)
    note(n, f"age missing, scenario default {d.age} used")
    newly, n = _require(p.newly_arrived, np.isnan(p.newly_arrived), float(d.newly_arrived), "newly_arrived", p, problems)
    note(n, f"newly_arrived missing, scenario default {d.newly_arrived} used")
    extent, n = _require(p.extent, np.isnan(p.extent), d.extent, "extent", p, problems)
    note(n, f"extent missing, scenario default {d.extent:g} used")

    needs_months = (p.after == "nystartsjobb") & (newly != 1)
    months = p.months_unemployed.copy()
    miss = needs_months & np.isnan(months)
    months, n = _require(months, miss, d.months_unemployed, "months_unemployed", p, problems, " (needed for the nystartsjobb level)")
    note(n, f"months_unemployed missing, scenario default {d.months_unemployed} used for the nystartsjobb level")

    work_states = [sid for sid, state in st.STATES.items() if state.kind in ("work", "subsidised_work")]
    is_work = np.isin(p.after, work_states)
    wage = p.wage.copy()
    for label, mask, default in (
        ("extratjanst", is_work & (p.after == "extratjanst"), s.wages.extratjanst),
        ("default", is_work & (p.after != "extratjanst"), s.wages.default),
    ):
        miss = mask & np.isnan(wage)
        wage, n = _require(wage, miss, default, "wage", p, problems, " (needed for work states)")
        if default is not None:
            note(n, f"wage missing, scenario wage ({label}) {default:.0f} SEK/month used")

    in_income_state = np.isin(p.before, INCOME_BASED) | np.isin(np.where(p.after == st.OFORANDRAD, p.before, p.after), INCOME_BASED)
    prior_income, n = _require(p.prior_income, in_income_state & np.isnan(p.prior_income), d.prior_income, "prior_income", p, problems,
                               " (needed for a_kassa, sjukpenning, sjukersattning and aktivitetsersattning: the yearly income before the benefit)")
    if d.prior_income is not None:
        note(n, f"prior_income missing, scenario default {d.prior_income:.0f} SEK/year used as the basis of a-kassa, SGI or antagandeinkomst")

    used = np.where(p.after == st.OFORANDRAD, p.before, p.after)
    for states, text in (
        (("a_kassa",), f"a-kassa modelled for a scenario-wide membership ({s.benefits.a_kassa_membership}, benefits.a_kassa_membership) "
                       "at full time, without the two karensdagar and without the end of the ersättningsperiod (the last level continues)"),
        (("sjukpenning",), "sjukpenning at the normalnivå (80 %) throughout; the fortsättningsnivå after day 364 is not modelled"),
        (("sjukersattning", "aktivitetsersattning"), "sjuk-/aktivitetsersättning is taxed without the skattereduktion för sjuk- och "
                       "aktivitetsersättning (IL 67 kap. 9 a–c §§), which is not modelled: their tax is overstated; full benefit and "
                       "full försäkringstid for the garantinivå assumed"),
    ):
        note(int((np.isin(p.before, states) | np.isin(used, states)).sum()), text)

    # a-kassa in the before state: months already on the benefit at the transition (its level is held over the horizon)
    akassa_before = p.before == "a_kassa"
    months_before = np.where(np.isnan(p.months_unemployed), s.benefits.a_kassa_months_before, p.months_unemployed)
    note(int((akassa_before & np.isnan(p.months_unemployed)).sum()),
         f"a_kassa before the project: months_unemployed missing, benefits.a_kassa_months_before = {s.benefits.a_kassa_months_before} "
         "months on a-kassa at the transition used for the benefit level")

    exit_idx = p.exit_month.copy()
    miss = exit_idx < 0
    default_exit = None
    if s.period.exit_month is not None:
        dm = parse_month(s.period.exit_month)
        default_exit = dm.year * 12 + dm.month - 1
    exit_idx, n = _require(exit_idx, miss, default_exit, "exit_month", p, problems)
    note(n, f"exit_month missing, scenario default {s.period.exit_month} used")

    adults = np.where(np.isnan(p.adults), d.adults, p.adults)
    n_default_adults = int(np.isnan(p.adults).sum())
    k = max(p.children_ages.shape[1], len(d.children_ages))
    children = np.full((len(p), k), np.nan)
    children[:, : p.children_ages.shape[1]] = p.children_ages
    children[~p.children_given, : len(d.children_ages)] = d.children_ages
    n_default_children = int((~p.children_given).sum())

    if problems:
        raise InputError(problems, f"{p.file}: values needed for the calculation are missing")
    birth_year = exit_idx // 12 - age
    n_couples, n_with_children = int((adults == 2).sum()), int((~np.isnan(children)).any(axis=1).sum())
    notes.append(Note("household for the försörjningsstöd norm: {singles} single adults, {couples} couples (sambor), {count} with children",
                      {"singles": len(p) - n_couples, "couples": n_couples, "count": n_with_children}, shown_by=None))
    note(n_default_adults, f"adults missing, scenario default {d.adults} used for the household (participant_defaults.adults)")
    note(n_default_children, f"children_ages missing, scenario default {d.children_ages or 'none'} used for the household "
                             "(participant_defaults.children_ages)")
    notes.append(Note("{count} of {n} participants live with a partner: " + literal(
        "the norm is the couple's household norm, the partner's own income is taken as 0 and the whole household's försörjningsstöd "
        "is counted as the participant's"), {"count": n_couples}))
    notes.append(Note(literal("children age by calendar year from their age at the exit month (riksnorm age bands); a child older than the "
                              "table's oldest band leaves the household; barnbidrag and underhållsstöd are not counted as household income"),
                      {"count": n_with_children}))
    return {
        "age": age,
        "newly_arrived": newly == 1,
        "extent": extent,
        "months_unemployed": months,
        "wage": wage,
        "exit_index": exit_idx,
        "birth_year": birth_year,
        "prior_income": prior_income,
        "months_before": months_before,
        "adults": adults,
        "child_birth_year": exit_idx[:, None] // 12 - children,
        "children_ages": children,
    }, notes


def _local_rates(p: Participants, grid: Grid, ls: LoadedScenario, book: RuleBook) -> dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(kommun, region, begravning) rates per participant for each calendar year of the grid."""
    s = ls.scenario
    out = {}
    problems: list[Problem] = []
    where, names = pd.factorize(p.municipality)  # hash-based: no sort of a million strings
    for year in grid.years:
        day = s.period.rules_date or dt.date(year, 1, 1)
        loaded, _ = book.year_for(day.year)
        lt = loaded.rules.local_tax
        if isinstance(s.local_tax, LocalRates):
            base = (s.local_tax.kommun / 100, s.local_tax.region / 100, s.local_tax.begravning / 100)
        else:
            base = (lt.average_kommun_rate.at(day), lt.average_region_rate.at(day), lt.begravning_rate.at(day))
        table = np.tile(np.array(base, dtype=float), (len(names), 1))  # per distinct name: kommun, region, begravning
        for j, name in enumerate(names):
            if name == "":
                continue
            m = book.municipality(loaded, name)
            if m is None:
                if year == grid.years[0]:
                    guess = book.suggest_municipality(loaded, name)
                    hint = f"; did you mean {guess!r}?" if guess else ""
                    path = loaded.municipalities_path or f"rules/municipalities/{loaded.rules.year}.csv"
                    for row in p.rows[p.municipality == name][:20]:
                        problems.append(Problem(p.file, f"municipality not found in {path}{hint}", row=int(row), column="municipality", value=name))
                continue
            table[j] = (m.kommun_rate, m.region_rate, m.begravning_rate)
        k, r, b = (table[where, i] for i in range(3))
        out[year] = (k, r, b)
    if problems:
        raise InputError(problems, f"{p.file}: unknown municipalities")
    return out


def _situation_items(codes: np.ndarray, months_in_state: np.ndarray, inputs: dict, mr: MonthRules) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """Monthly items for one situation; codes: participants × months state codes. Items no state
    wrote are absent (zero)."""
    n, m_count = codes.shape
    flat = codes.ravel().astype(np.int16)
    items: dict[str, np.ndarray] = {}
    warnings: dict[str, np.ndarray] = {}
    # the cells of each state, in order: one stable (radix) sort instead of a comparison per state
    order = np.argsort(flat, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(flat, minlength=len(st.IDS)))])
    for sid in np.flatnonzero(np.diff(bounds)):
        state = st.STATES[st.IDS[sid]]
        idx = order[bounds[sid]:bounds[sid + 1]]
        person, month = np.divmod(idx, m_count)
        cells = Cells(
            person=person,
            month=month,
            months_in_state=months_in_state.ravel()[idx],
            age=inputs["age"][person],
            birth_year=inputs["birth_year"][person],
            wage=inputs["wage"][person],
            extent=inputs["extent"][person],
            newly_arrived=inputs["newly_arrived"][person],
            months_unemployed=inputs["months_unemployed"][person],
            prior_income=inputs["prior_income"][person],
            months_before=inputs["months_before"][person],
        )
        for key, values in state.flows(cells, mr).items():
            if key.startswith("warning:"):
                w = warnings.setdefault(key[8:], np.zeros(n, dtype=bool))
                w[person[values]] = True
            else:
                target = items.get(key)
                if target is None:
                    target = items[key] = np.zeros(flat.shape)
                target[idx] = values  # the states' cells are disjoint
    return {k: v.reshape(n, m_count) for k, v in items.items()}, warnings


def _check_scenario_choices(p: Participants, inputs: dict, grid: Grid, mr: MonthRules, ls: LoadedScenario) -> np.ndarray:
    """Scenario values the participants make necessary: raise, naming the key, when one is missing.
    Returns each participant's subsidy duration in months (inf: no end)."""
    s = ls.scenario
    problems: list[Problem] = []
    if (p.after == "lonebidrag").any() and s.subsidies.lonebidrag_share is None:
        rows = ", ".join(str(r) for r in p.rows[p.after == "lonebidrag"][:10])
        problems.append(Problem(str(ls.path), f"participants go to lonebidrag (rows {rows}) but the scenario does not say which share of "
                                  "the lönekostnad the subsidy pays (decided per person by Arbetsförmedlingen)",
                                  column="subsidies.lonebidrag_share", value="null"))

    duration = _durations(p, inputs, grid, mr, ls)
    ends_in_horizon = np.isfinite(duration) & (duration < s.period.horizon_months)
    if ends_in_horizon.any() and s.persistence.keep_job_probability is None:
        rows = ", ".join(str(r) for r in p.rows[ends_in_horizon][:10]) + (" …" if ends_in_horizon.sum() > 10 else "")
        problems.append(Problem(
            str(ls.path), f"{int(ends_in_horizon.sum())} participants' subsidised jobs end inside the {s.period.horizon_months}-month horizon "
            f"(participant rows {rows}); set the share who keep the job unsubsidised afterwards (0–1) — the rest fall back to their before state",
            column="persistence.keep_job_probability", value="null"))
    if problems:
        raise InputError(problems, "the scenario must say more for these participants")
    return duration


@dataclass
class Plan:
    """What every chunk of participants shares: resolved inputs, the month grid, the rules per month,
    the local tax rates and each participant's subsidy duration."""

    inputs: dict[str, np.ndarray]
    notes: list[Note]
    grid: Grid
    mr: MonthRules
    rules_used: dict[int, LoadedYear]
    projected: list[str]
    rates: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]]
    duration: np.ndarray
    codes: dict[str, np.ndarray]  # "before", "after": each participant's state code (oförändrad → the before state)


def _check_children(p: Participants, inputs: dict, grid: Grid, mr: MonthRules, ls: LoadedScenario) -> None:
    """Children's ages are checked against the riksnorm table in force in each participant's exit month."""
    children = inputs["children_ages"]
    oldest = np.zeros(len(mr))
    for months, bands in mr.groups("transfers.forsorjningsstod.riksnorm_personal_children"):
        oldest[months] = max(b.max_age for b in bands)
    oldest = oldest[grid.exit_index]
    bad = np.flatnonzero((children > oldest[:, None]).any(axis=1))
    if bad.size:
        problems = []
        for i in bad[:20]:
            ages = " ".join(f"{a:.0f}" for a in children[i][~np.isnan(children[i])])
            why = (f"a child older than {oldest[i]:.0f}: the riksnorm (transfers.forsorjningsstod.riksnorm_personal_children) counts children "
                   f"up to {oldest[i]:.0f} (hemmavarande skolungdom); an older child is a household of its own")
            if p.children_given[i]:
                problems.append(Problem(p.file, why, row=int(p.rows[i]), column="children_ages", value=ages))
            else:
                problems.append(Problem(str(ls.path), why + f" (participant row {p.rows[i]})", column="participant_defaults.children_ages", value=ages))
        raise InputError(problems, "children too old for the riksnorm")


def _household_norm(inputs: dict, mr: MonthRules, ls: LoadedScenario) -> np.ndarray:
    """The försörjningsstöd norm per participant and month: the household's riksnorm plus the
    scenario's reasonable costs (by household size when given so)."""
    month_years = mr.calendar_year  # the chunk's months (MonthRules.window)
    fs = "transfers.forsorjningsstod."
    groups = mr.groups(fs + "riksnorm_personal_children")
    n_bands = max(len(bands) for _, bands in groups)
    child = {key: np.full((len(mr), n_bands), fill) for key, fill in (("min_age", 1.0), ("max_age", 0.0), ("amount", 0.0))}  # padding never matches
    for months, bands in groups:
        for key, table in child.items():
            table[months, :len(bands)] = [getattr(b, key) for b in bands]
    rules = {"single": mr.at(fs + "riksnorm_personal_single"), "couple": mr.at(fs + "riksnorm_personal_couple"),
             "common": mr.at(fs + "riksnorm_common_by_persons"),
             "child_min_age": child["min_age"], "child_max_age": child["max_age"], "child_amount": child["amount"]}
    riksnorm, size = household_norm(inputs["adults"], inputs["child_birth_year"], month_years, rules)
    reasonable = ls.scenario.forsorjningsstod.reasonable_costs
    if isinstance(reasonable, dict):
        sizes = np.array(sorted(reasonable))
        amounts = np.array([reasonable[k] for k in sizes], dtype=float)
        reasonable = amounts[np.searchsorted(sizes, size, side="right") - 1]
    return riksnorm + reasonable


def _setup(p: Participants, ls: LoadedScenario, book: RuleBook) -> Plan:
    s = ls.scenario
    inputs, notes = _resolve_inputs(p, ls)
    exit_index = inputs["exit_index"]
    first_year = int(exit_index.min() // 12)
    last_month = int((exit_index + s.period.horizon_months - 1).max())
    n_months = (last_month // 12 - first_year + 1) * 12
    grid = Grid(first_year, n_months, (exit_index - first_year * 12).astype(int), s.period.horizon_months)
    mr = MonthRules.build(book, grid.first_year * 12 + np.arange(grid.n_months), s)
    rules_used, projected = mr.rules_used, mr.projected_months
    rates = _local_rates(p, grid, ls, book)
    duration = _check_scenario_choices(p, inputs, grid, mr, ls)
    _check_states_exist(p, grid, mr, duration)
    _check_children(p, inputs, grid, mr, ls)
    code_of = pd.Series(st.CODES)
    codes = {
        "before": code_of.reindex(p.before).to_numpy(dtype=np.int64),
        "after": code_of.reindex(np.where(p.after == st.OFORANDRAD, p.before, p.after)).to_numpy(dtype=np.int64),
    }
    return Plan(inputs, notes, grid, mr, rules_used, projected, rates, duration, codes)


def _check_states_exist(p: Participants, grid: Grid, mr: MonthRules, duration: np.ndarray) -> None:
    """Extratjänst ended in 2022: a counted month of it without the rule is an input error."""
    sel = p.after == "extratjanst"
    if not sel.any():
        return
    exists = mr.has("subsidies.extratjanst")
    missing_before = np.concatenate([[0], np.cumsum(~exists)])  # months without the rule before m
    start = grid.exit_index[sel]
    stop = np.minimum(start + np.minimum(duration[sel], grid.horizon), grid.n_months).astype(int)
    bad = (missing_before[stop] - missing_before[start]) > 0
    if bad.any():
        year = mr.view(int(np.flatnonzero(~exists)[0])).year
        raise InputError(
            [Problem(p.file, f"extratjänst does not exist in the rules for {year} (no new extratjänster from 2022; "
                     f"rule subsidies.extratjanst is absent) but this participant's horizon reaches it",
                     row=int(r), column="after", value="extratjanst") for r in p.rows[sel][bad][:20]],
            "extratjänst outside the years it existed",
        )


def prepare(p: Participants, ls: LoadedScenario, book: RuleBook | None = None) -> list[Note]:
    """Everything a run checks before computing (missing values, rule years, municipalities);
    raises InputError with every problem, else returns the notes on the inputs (render with
    notes.render(…, len(p)); notes of several files add up with notes.merge)."""
    return _setup(p, ls, book or RuleBook()).notes


def _durations(p: Participants, inputs: dict, grid: Grid, mr: MonthRules, ls: LoadedScenario) -> np.ndarray:
    """Months each participant's subsidised job lasts (inf: no end): the scenario's durations, else
    the rules in force in the exit month (nystartsjobb by age at the start of the job)."""
    s = ls.scenario
    dur = np.full(len(p), np.inf)
    exit_m = grid.exit_index
    for m in np.unique(exit_m):
        rules = mr.view(int(m))
        here = exit_m == m
        for sid, override in (("introduktionsjobb", s.durations.introduktionsjobb), ("extratjanst", s.durations.extratjanst)):
            sel = here & (p.after == sid)
            if sel.any():
                value = override if override is not None else rules.at(f"subsidies.{sid}.max_months", default=None)
                if value is not None:
                    dur[sel] = value
        sel = here & (p.after == "nystartsjobb")
        if sel.any():
            if s.durations.nystartsjobb is not None:
                dur[sel] = s.durations.nystartsjobb
            else:
                for band in rules.at("subsidies.nystartsjobb.max_months"):
                    hit = sel & (inputs["age"] >= band.min_age) & (inputs["age"] <= band.max_age)
                    dur[hit] = band.months
    return dur


# Participant-months per chunk. A chunk holds ~30 items × 4 situations of this many float64 cells
# (~200 MB); smaller chunks stay in the CPU caches better: on the benchmark 2 000–3 000 participants
# a chunk were fastest (bench/README.md). Results do not depend on it (tests/test_chunks.py).
CHUNK_CELLS = 200_000


def chunk_participants(horizon: int) -> int:
    """Default participants per chunk for a horizon: a chunk spans about horizon + 12 months."""
    return max(1, CHUNK_CELLS // (horizon + 12))


def _potential_wage(inputs: dict, ls: LoadedScenario) -> np.ndarray:
    """The potential: everyone in unsubsidised work from the exit month at their wage, else the
    scenario's default wage (NaN where neither: the potential is then not computed)."""
    d = ls.scenario.wages.default
    return np.where(np.isnan(inputs["wage"]), np.nan if d is None else d, inputs["wage"])


def _run_notes(p: Participants, plan: Plan, ls: LoadedScenario) -> list[Note]:
    """The assumptions a run adds to those of the inputs (every note made, whatever its count)."""
    s = ls.scenario
    notes: list[Note] = [Note(literal("the potential (everyone in unsubsidised work) is not computed: some participants have no wage and the "
                                      "scenario sets no wages.default"), {"count": int(np.isnan(_potential_wage(plan.inputs, ls)).sum())})]
    ends_in_horizon = np.isfinite(plan.duration) & (plan.duration < plan.grid.horizon)
    keep_p = s.persistence.keep_job_probability
    by_state = {sid: int((ends_in_horizon & (p.after == sid)).sum()) for sid in np.unique(p.after[ends_in_horizon])}
    after = ("afterwards they fall back to their before state" if keep_p is None  # no job ends (a scenario without the choice is refused when one does)
             else f"afterwards {keep_p:.0%} keep the job unsubsidised and {1 - keep_p:.0%} fall back to their before state")
    notes.append(Note("{count} participants' subsidised jobs end inside the horizon ({detail}); "
                      + literal(after + " (persistence.keep_job_probability)"), {"count": int(ends_in_horizon.sum())}, by_state))
    if s.persistence.monthly_dropoff > 0:
        notes.append(always(f"each month {s.persistence.monthly_dropoff:.1%} of those still in the after state fall back to the before state "
                            "(persistence.monthly_dropoff)"))
    for col, values in (("before_amount", p.before_amount), ("after_amount", p.after_amount)):
        notes.append(counted(int(np.isfinite(values).sum()), f"observed monthly försörjningsstöd ({col}) used instead of the modelled "
                             "top-up (see the per-participant table)"))
    for sid, per_actor in s.unit_costs.items():
        notes.append(always(f"unit cost in {sid}: " + ", ".join(f"{a} {v:,.0f} SEK per person-month" for a, v in per_actor.items())
                            + " (scenario unit_costs; real resource use, category enhetskostnad_<actor>)"))
    return notes


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


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# what forked worker processes compute on: set in the parent before the pool forks (no pickling)
_SHARED: dict = {}


def _chunk_result(w: dict, k: int) -> tuple:
    """Chunk k of the run described by w: (participant indices, grid offset, the chunk's sums as
    chunk month × months since exit arrays, first-year effects, flags, the chunk)."""
    idx = w["chunks"][k]
    chunk = _compute_chunk(w["plan"], w["p"], w["ls"], w["book"], idx, w["cats"], w["potential_wage"])
    local, first_year = _accumulate(chunk, w["cats"], w["plan"].grid.horizon)
    return idx, chunk.offset, local, first_year, chunk.flags, chunk


def run_engine(p: Participants, ls: LoadedScenario, book: RuleBook | None = None, *, chunk_size: int | None = None,
               keep_ledger: bool = False, progress=None, workers: int | None = None) -> EngineResult:
    """Compute the ledger chunk by chunk and keep only its sums per situation, category, grid month
    and month since exit (and each participant's first-year effect per actor). keep_ledger=True
    also keeps the ledger per participant-month (one chunk; for tests and small runs).
    workers: processes computing chunks in parallel (default: the CPUs available; 1 = this process);
    the chunks' sums are added in chunk order, so the result does not depend on it.
    progress(done, total) is called after each chunk."""
    book = book or RuleBook()
    s = ls.scenario
    plan = _setup(p, ls, book)
    grid, inputs = plan.grid, plan.inputs
    n, horizon = len(p), grid.horizon
    notes = list(plan.notes) + _run_notes(p, plan, ls)

    potential_wage = _potential_wage(inputs, ls)
    with_potential = not np.isnan(potential_wage).any()

    cats = categories(s.fees.public_service, s.fees.begravning)
    situations = ["before", "after"] + (["potential"] if with_potential else [])
    sums = {sit: {cid: np.zeros((grid.n_months, horizon)) for cid in cats} for sit in situations}
    first_naive = np.zeros((n, len(ACTORS)))
    flags: dict[str, np.ndarray] = {}
    order = np.argsort(grid.exit_index, kind="stable")  # chunks of neighbouring exit months span few calendar years
    size = n if keep_ledger else max(1, chunk_size or chunk_participants(horizon))
    chunks = [order[start:start + size] for start in range(0, n, size)]
    workers = max(1, min(workers or available_cpus(), len(chunks) // 2))  # a pool only pays off over several chunks each
    shared = dict(plan=plan, p=p, ls=ls, book=book, cats=cats, chunks=chunks,
                  potential_wage=potential_wage if with_potential else None)
    cell_ledger = None
    tax_detail: dict = {}
    done = 0
    pool = None
    try:
        if workers > 1:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            _SHARED.update(shared)  # inherited by the forked workers
            pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
            results = pool.map(_chunk_result_light, range(len(chunks)))
        else:
            results = (_chunk_result(shared, k) for k in range(len(chunks)))
        for idx, offset, local, first_year, chunk_flags, chunk in results:  # in chunk order, whoever computed them
            for sit, flows in local.items():
                for cid, a in flows.items():
                    sums[sit][cid][offset:offset + a.shape[0]] += a
            first_naive[idx] = first_year
            for key, mask in chunk_flags.items():
                flags.setdefault(key, np.zeros(n, dtype=bool))[idx] = mask
            if keep_ledger:
                inverse = np.empty(n, dtype=int)
                inverse[order] = np.arange(n)
                cell_ledger = Ledger(categories=cats, flows={
                    sit: {cid: a[inverse] for cid, a in flows.items()} for sit, flows in chunk.flows.items()})
                cell_ledger.check_balance()
                tax_detail = {sit: {y: {k: v[inverse] for k, v in comp.items()} for y, comp in years.items()}
                              for sit, years in chunk.tax.items() if sit != "after_fallback"}
            done += len(idx)
            if progress is not None:
                progress(done, n)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
            _SHARED.clear()

    aggregates = Ledger(categories=cats, flows=sums)
    aggregates.check_balance(relative=1e-9)
    warnings = flag_warnings(flag_summary(flags, p))
    return EngineResult(
        aggregates=aggregates,
        first_year_naive=first_naive,
        grid=grid,
        participants=p,
        month_rules=plan.mr,
        rules_used=plan.rules_used,
        projected_months=plan.projected,
        assumptions=render_notes(notes, n),
        notes=notes,
        warnings=warnings,
        resolved=inputs,
        ledger=cell_ledger,
        tax=tax_detail,
        chunks=len(chunks),
        flags=flags,
        workers=workers,
    )


def _chunk_result_light(k: int) -> tuple:
    """In a forked worker: chunk k of the run in _SHARED, without the chunk's ledger."""
    return _chunk_result(_SHARED, k)[:5] + (None,)


@dataclass
class Chunk:
    flows: dict[str, dict[str, np.ndarray]]  # situation → category → participants × chunk months (absent = 0)
    exit_local: np.ndarray  # each participant's exit month in the chunk's months (sorted ascending)
    offset: int  # grid month of the chunk's first month
    flags: dict[str, np.ndarray]
    tax: dict[str, dict[int, dict[str, np.ndarray]]]  # situation → calendar year → income-tax components per participant


def _compute_chunk(plan: Plan, p_all: Participants, ls: LoadedScenario, book: RuleBook, idx: np.ndarray,
                   cats: dict, potential_wage: np.ndarray | None) -> Chunk:
    """The ledger of participants idx (sorted by exit month) over the calendar years their horizons span."""
    s = ls.scenario
    grid_all = plan.grid
    horizon = grid_all.horizon
    exits = grid_all.exit_index[idx]
    offset = int(exits.min() // 12 * 12)
    stop = int((exits.max() + horizon - 1) // 12 * 12 + 12)
    grid = Grid(grid_all.first_year + offset // 12, stop - offset, exits - offset, horizon)
    mr = plan.mr.window(offset, stop)
    p = p_all.take(idx)
    inputs = {k: v[idx] for k, v in plan.inputs.items()}
    duration = plan.duration[idx]
    rates = {year: tuple(a[idx] for a in plan.rates[year]) for year in grid.years}

    n, m_count = len(p), grid.n_months
    month_idx = np.arange(m_count)[None, :]
    after_started = month_idx >= grid.exit_index[:, None]
    months_in_state = np.where(after_started, month_idx - grid.exit_index[:, None], -1)
    before_codes = plan.codes["before"][idx]
    after_codes = plan.codes["after"][idx]  # oförändrad: the before state
    after_codes_m = np.where(after_started, after_codes[:, None], before_codes[:, None])
    situations = {
        "before": np.broadcast_to(before_codes[:, None], (n, m_count)),
        "after": after_codes_m,
    }
    if potential_wage is not None:
        situations["potential"] = np.where(after_started, st.CODES["arbete"], before_codes[:, None])

    # A subsidised job ends after its duration: with probability p the person keeps the job
    # unsubsidised ("after"), otherwise falls back to the before state ("after_fallback").
    # Per participant, whether the job ends before the end of the calendar year of the horizon's last
    # month: an end just after the horizon still changes that year's income tax and so the months counted.
    ended = month_idx >= (grid.exit_index + duration)[:, None]
    keep_p = s.persistence.keep_job_probability
    last_tax_month = (grid.exit_index + horizon - 1) // 12 * 12 + 11
    mixed = np.isfinite(duration) & (grid.exit_index + duration <= last_tax_month)
    if mixed.any():
        situations["after"] = np.where(ended, st.CODES["arbete"], after_codes_m)
        if keep_p is not None and keep_p < 1:
            # keep_p is required when a job ends inside the horizon (_check_scenario_choices); when it
            # ends only after the horizon and none is given, the job is kept (the pay, hence the tax, is the same)
            situations["after_fallback"] = np.where(ended, before_codes[:, None], after_codes_m)

    # unchanged (oförändrad, or after = before): the after situation is the before situation, month for
    # month (a benefit's level that depends on time on it, like the a-kassa's, is the before state's)
    unchanged = (p.after == st.OFORANDRAD) | (p.after == p.before)
    after_in_state = np.where(unchanged[:, None], -1, months_in_state)
    ledger: dict[str, dict[str, np.ndarray]] = {}
    flags: dict[str, np.ndarray] = {}
    tax_detail: dict[str, dict[int, dict[str, np.ndarray]]] = {}
    norm = _household_norm(inputs, mr, ls)  # participants × chunk months
    mixed_rows = np.flatnonzero(mixed)
    for name, codes in situations.items():
        in_state = after_in_state if name in ("after", "after_fallback") else np.full_like(months_in_state, -1)
        if name == "after_fallback":
            in_state = np.where(ended, -1, in_state)
        elif name == "potential":
            in_state = months_in_state
        used = {**inputs, "wage": potential_wage[idx]} if name == "potential" else inputs
        # the fall-back trajectory differs from the kept one only for participants whose job ends: computed for them only
        sub = (lambda x: x[mixed_rows]) if name == "after_fallback" else (lambda x: x)  # noqa: E731
        codes, in_state = sub(codes), sub(in_state)
        if name == "after_fallback":
            used = {k: sub(v) for k, v in used.items()}
        n_rows = len(codes)
        items, situation_flags = _situation_items(codes, in_state, used, mr)
        if name == "after":  # warnings once, from the main after trajectory
            flags = situation_flags
        zeros = np.zeros((n_rows, m_count))
        item = lambda key: items.get(key, zeros)  # noqa: E731
        flows = dict(items)

        # production value at market price (seed 004): factor cost to the employer, the rest to the state
        if "lon" in items:
            factor_cost = item("lon") + item("semesterersattning") + item("arbetsgivaravgift")
            flows["produktion_faktorkostnad"] = factor_cost
            flows["produktion_indirekta_skatter"] = factor_cost * (mr.at("economy.production_market_price_factor")[None, :] - 1)
        # the state's claim on future repayment of the study loan
        if "studielan" in items:
            flows["studielan_fordran"] = items["studielan"].copy()

        # income tax per person and calendar year, spread over the year's months in proportion to taxable income
        work = item("lon") + item("semesterersattning")
        benefit = sum((item(k) for k in TAXABLE_BENEFIT), zeros)
        no_fee = sum((item(k) for k in TAXABLE_NO_FEE), zeros)
        taxable = work + benefit + no_fee
        tax_flows = {cat: np.zeros((n_rows, m_count)) for cat in TAX_CATEGORIES.values()}
        tax_total = np.zeros((n_rows, m_count))
        for k, year in enumerate(grid.years):
            cols = slice(12 * k, 12 * k + 12)
            day = s.period.rules_date or dt.date(year, 1, 1)
            loaded, _ = book.year_for(day.year)
            params = year_rules(loaded.rules)
            kommun, region, begr = (sub(a) for a in rates[year])
            age_at_start = year - sub(inputs["birth_year"]) - 1
            try:
                comp = income_tax(
                    work[:, cols].sum(axis=1), benefit[:, cols].sum(axis=1), kommun, region, begr, params,
                    age_at_year_start=age_at_start, temporary_reduction=s.tax.temporary_work_reduction,
                    no_fee_income=no_fee[:, cols].sum(axis=1),
                )
            except AgeNotModelled as exc:
                rows = sub(p.rows)[exc.mask]
                raise InputError(
                    [Problem(p.file, f"age at the start of {year} is {exc.limit:g} or more; the older persons' tax rules "
                             f"(förhöjt grundavdrag) are not modelled yet", row=int(r), column="age") for r in rows[:20]],
                    "participants too old for the modelled tax rules",
                )
            tax_detail.setdefault(name, {})[year] = comp
            annual = taxable[:, cols].sum(axis=1, keepdims=True)
            share = np.divide(taxable[:, cols], annual, out=np.zeros_like(taxable[:, cols]), where=annual > 0)
            for component, cat in TAX_CATEGORIES.items():
                tax_flows[cat][:, cols] = comp[component][:, None] * share
            tax_total[:, cols] = comp["total"][:, None] * share
        flows.update(tax_flows)

        # Socialtjänstlagen 4 kap. 1 §: försörjningsstöd tops income up to the norm (household riksnorm + reasonable costs)
        net_income = taxable - tax_total + sum((item(k) for k in TAX_FREE), zeros)
        no_topup = np.isin(codes, [st.CODES[sid] for sid, state in st.STATES.items() if not state.topped_up])
        modelled = np.where(no_topup, 0.0, np.maximum(0.0, sub(norm) - net_income))
        # observed monthly försörjningsstöd (before_amount / after_amount) replaces the model
        observed = np.broadcast_to(sub(p.before_amount)[:, None], (n_rows, m_count)).copy()
        if name != "before":
            in_after = after_started if name != "after_fallback" else sub(after_started & ~ended)
            observed = np.where(in_after, sub(p.after_amount)[:, None], observed)
            if name == "potential":
                observed = np.where(after_started, np.nan, observed)
        flows["forsorjningsstod"] = np.where(np.isnan(observed), modelled, observed)
        # scenario unit costs: real resource use per person-month in a state, paid by a public actor
        for actor in UNIT_COST_PAYERS:
            for sid, per_actor in s.unit_costs.items():
                if actor in per_actor:
                    cost = (codes == st.CODES[sid]) * float(per_actor[actor])
                    key = f"enhetskostnad_{actor}"
                    flows[key] = flows[key] + cost if key in flows else cost
        ledger[name] = flows

    # Expected after situation: keep (p) and fall back (1 − p), then a monthly drop-off back to
    # the before state. Both are linear mixtures of balanced ledgers, so the ledger still balances.
    fallback = ledger.pop("after_fallback", None)
    after = ledger["after"]
    zeros = np.zeros((n, m_count))
    if fallback is not None:
        # only the participants whose job ends are mixed: the others' after situation stays exactly as computed
        for cat in set(after) | set(fallback):
            a = after[cat] if cat in after else np.zeros((n, m_count))  # each situation's arrays are its own: changed in place
            f = fallback.get(cat)
            a[mixed_rows] = keep_p * a[mixed_rows] + (1 - keep_p) * (f if f is not None else 0.0)
            after[cat] = a
    d = s.persistence.monthly_dropoff
    if d > 0:
        since_exit = np.maximum(0, month_idx - grid.exit_index[:, None])
        survival = (1 - d) ** since_exit
        before = ledger["before"]
        for cat in set(after) | set(before):
            after[cat] = survival * after.get(cat, zeros) + (1 - survival) * before.get(cat, zeros)
    return Chunk(flows=ledger, exit_local=grid.exit_index, offset=offset, flags=flags, tax=tax_detail)


def _accumulate(chunk: Chunk, cats: dict, horizon: int) -> tuple[dict, np.ndarray]:
    """The chunk's in-horizon flows summed per situation and category as arrays chunk month × months
    since exit, and each participant's first-year effect per actor (after − before, participants × ACTORS)."""
    n = len(chunk.exit_local)
    exits, starts = np.unique(chunk.exit_local, return_index=True)  # exit_local is sorted
    rows = exits[:, None] + np.arange(horizon)[None, :]  # chunk month of each (exit group, month since exit)
    cols = np.broadcast_to(np.arange(horizon)[None, :], rows.shape)
    k = min(12, horizon)
    first_year = np.zeros((n, len(ACTORS)))
    gather = None
    local: dict[str, dict[str, np.ndarray]] = {}
    for sit, flows in chunk.flows.items():
        sign = {"after": 1.0, "before": -1.0}.get(sit)
        for cid, c in cats.items():  # in the categories' fixed order: the per-participant sums do not depend on the chunk
            a = flows.get(cid)
            if a is None:
                continue
            m_count = a.shape[1]
            if gather is None:  # flat index of each participant's months since exit 0 … horizon − 1
                gather = (np.arange(n) * m_count + chunk.exit_local)[:, None] + np.arange(horizon)[None, :]
            relative = a.reshape(-1)[gather]  # participants × months since exit
            out = local.setdefault(sit, {})[cid] = np.zeros((m_count, horizon))
            out[rows, cols] = np.add.reduceat(relative, starts, axis=0)  # (row, col) distinct: one exit month per group
            if sign is not None:
                total = relative[:, :k].sum(axis=1)
                for j, actor in enumerate(ACTORS):
                    w = (c.payee == actor) - (c.payer == actor)
                    if w:
                        first_year[:, j] += sign * w * total
    return local, first_year
