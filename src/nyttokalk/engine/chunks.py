"""The chunk loop: participants sorted by exit month, computed a chunk at a time (in forked worker
processes when there are several), each chunk's flows summed per situation, category, calendar
month and month since exit, and added to the run's sums in chunk order."""

from __future__ import annotations

import dataclasses
import os
from contextlib import closing
from dataclasses import dataclass

import numpy as np

from .. import states as st
from ..actors import ACTORS, UNIT_COST_PAYERS
from ..ledger import Ledger, categories_for
from ..notes import render as render_notes
from ..participants import Participants, Population
from ..ruleset.loader import RuleBook
from ..ruleset.lookup import MonthRules
from ..scenario import LoadedScenario
from ..spool import MemoryRows, participant_rows
from . import household_benefits, segments, sums, topup
from . import publicfinance as pf
from .doubtful import doubtful_rules
from .inputs import run_notes
from .plan import Plan, setup
from .result import Detail, EngineResult, ExitGrid, flag_summary, flag_warnings
from .segments import Calendar
from .situations import Mixing, Situation, chunk_situations, state_items
from .sums import SituationFlows
from .taxation import YearlyTax, situation_tax

# Participants per chunk. A chunk holds ~35 items × 3–4 situations of ~8–10 segments per participant
# (float64): ~200 MB at 20 000 participants; larger chunks spend less time in Python per participant,
# smaller ones stay in the CPU caches; 15 000–40 000 were about as fast (bench/README.md). Results do not
# depend on it (tests/test_chunks.py).
CHUNK_CELLS = 1_400_000  # participant-months (the horizon plus a year each)


# The rule subtrees the engine reads for every participant's months (the top-up and its norm, the household's
# benefits, production, the pension contributions, the consumption tax): where one may change within a year,
# every participant's months are cut (engine/segments.Calendar); a state's own rules are its State.rules.
SHARED_RULES = ("transfers.forsorjningsstod", "transfers.barnbidrag", "transfers.bostadsbidrag", "economy", "pension_system")


def _shared_rules(inputs: dict, idx: np.ndarray) -> tuple[str, ...]:
    """SHARED_RULES for a chunk's participants: the household's benefits only where some participant has
    children (barnbidrag) or a housing cost (bostadsbidrag, which counts the children at home)."""
    children = bool(np.isfinite(inputs["child_birth_year"][idx]).any())
    housing = bool(np.isfinite(inputs["housing_cost"][idx]).any())
    return tuple(rule for rule in SHARED_RULES if (rule != "transfers.barnbidrag" or children or housing)
                 and (rule != "transfers.bostadsbidrag" or housing))


def chunk_participants(horizon: int) -> int:
    """Default participants per chunk for a horizon: a chunk spans about horizon + 12 months."""
    return max(1, CHUNK_CELLS // (horizon + 12))


def available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


@dataclass
class Chunk:
    outs: list[SituationFlows]  # each situation's flows over its segments
    exit_local: np.ndarray  # each participant's exit month in the chunk's months (sorted ascending)
    offset: int  # grid month of the chunk's first month
    n_months: int  # the chunk's months
    mixing: Mixing
    flags: dict[str, np.ndarray]
    tax: dict[str, dict[int, dict[str, np.ndarray]]]  # situation → calendar year → income-tax components per participant
    weight: np.ndarray  # chunk months: each month's weight in the per-participant sums (fixed prices)


@dataclass
class _Context:
    """What the situations of one chunk share."""

    mr: MonthRules  # the chunk's months
    grid: ExitGrid  # the chunk's months
    calendar: Calendar  # the chunk's stretches of months every participant shares
    plan: Plan
    rates: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]]  # the chunk participants'
    norm: np.ndarray  # the försörjningsstöd norm, chunk participants × the calendar's stretches
    barnbidrag: np.ndarray | None  # barnbidrag, flerbarnstillägg and studiehjälp, chunk participants × stretches (every situation alike); None: no children
    p: Participants  # the chunk's participants
    ls: LoadedScenario
    cats: dict  # the run's categories
    equalisation: dict[int, tuple[np.ndarray, np.ndarray]]  # the chunk participants' utjämning rates per year ({} = off)
    productivity: np.ndarray  # state code × chunk month
    displacement: np.ndarray  # per state code
    lo: np.ndarray  # per chunk participant: the first chunk month of its horizon (its exit)
    hi: np.ndarray  # … and the month after the last
    inputs: dict  # the chunk participants' inputs
    _children: np.ndarray | None = None

    @property
    def n(self) -> int:
        return len(self.lo)

    def children(self) -> np.ndarray:
        """The hemmavarande children, chunk participants × stretches (read when a housing cost needs them)."""
        if self._children is None:
            self._children = household_benefits.children_at_home(self.inputs, self.mr, self.calendar.first)
        return self._children


def _potential_wage(inputs: dict, ls: LoadedScenario) -> np.ndarray:
    """The potential: everyone in unsubsidised work from the exit month at their wage, else the
    scenario's default wage (NaN where neither: the potential is then not computed)."""
    d = ls.scenario.wages.default
    return np.where(np.isnan(inputs["wage"]), np.nan if d is None else d, inputs["wage"])


def _compute_chunk(plan: Plan, p_all: Participants, ls: LoadedScenario, idx: np.ndarray, potential_wage: np.ndarray | None,
                   cats: dict, keep_ledger: bool = False) -> Chunk:
    """The flows of participants idx (sorted by exit month) over the calendar years their horizons span."""
    horizon = plan.grid.horizon
    exits = plan.grid.exit_index[idx]
    offset = int(exits.min() // 12 * 12)
    stop = int((exits.max() + horizon - 1) // 12 * 12 + 12)
    grid = ExitGrid(plan.grid.first_year + offset // 12, stop - offset, exits - offset, horizon)
    lo = grid.exit_index.astype(np.int64)
    hi = lo + horizon
    # the rules read for this chunk count as used in the months of its participants' horizons (engine/doubtful.py)
    in_horizon = np.flatnonzero(np.cumsum(np.bincount(lo, minlength=stop - offset + horizon + 1)
                                          - np.bincount(hi, minlength=stop - offset + horizon + 1))[:stop - offset] > 0)
    shared: set[str] = set()  # the rules read for every participant (checked against SHARED_RULES below)
    mr = plan.mr.window(offset, stop).using(in_horizon).capturing(shared)
    calendar = Calendar.of(mr, _shared_rules(plan.inputs, idx))
    p = p_all.take(idx)
    inputs = {k: v[idx] for k, v in plan.inputs.items()}
    codes = {k: v[idx] for k, v in plan.codes.items()}
    situations, mixing = chunk_situations(p, codes, inputs, plan.duration[idx], grid, ls,
                                          None if potential_wage is None else potential_wage[idx], mr, calendar,
                                          plan.wage_level[offset:stop], share=not keep_ledger)
    ctx = _Context(mr, grid, calendar, plan, {year: tuple(a[idx] for a in plan.rates[year]) for year in grid.years},
                   topup.norm(inputs, mr, ls, calendar.first), household_benefits.barnbidrag(inputs, mr, calendar.first), p, ls, cats,
                   {year: tuple(a[idx] for a in plan.equalisation[year]) for year in grid.years} if plan.equalisation else {},
                   pf.productivity_table(mr, ls.scenario), pf.displacement_table(ls.scenario), lo, hi, inputs)
    outs: list[SituationFlows] = []
    flags: dict[str, np.ndarray] = {}
    tax_detail: dict[str, dict[int, dict[str, np.ndarray]]] = {}
    for sit in situations:
        out, situation_flags, tax_detail[sit.name] = _situation_flows(sit, ctx)
        outs += out
        if sit.warns:
            flags = situation_flags
    segments.check_declared(shared, _shared_rules(plan.inputs, idx), "the engine")
    return Chunk(outs, grid.exit_index, offset, stop - offset, mixing, flags, tax_detail, plan.weight[offset:stop])


def _situation_flows(sit: Situation, ctx: _Context) -> tuple[list[SituationFlows], dict[str, np.ndarray], dict]:
    """Every category's flows in one situation (a month's amount per segment; and the jobbstimulans' change
    to them in its windows, as segments of their own), the states' warnings and the tax per year."""
    s = ctx.ls.scenario
    items, warnings = state_items(sit, ctx.mr, ctx.lo, ctx.hi, ctx.n)
    tax = situation_tax(sit, items, ctx.grid.years, ctx.plan.tax_rules, ctx.rates, s.tax.temporary_work_reduction, ctx.p)
    flows = dict(items)
    flows.update(tax.flows)
    _household_benefits(sit, items, flows, tax, ctx)
    flows["forsorjningsstod"], window = _topup(sit, items, flows, tax, ctx)
    # scenario unit costs: real resource use per person-month in a state, paid by a public actor
    for actor in UNIT_COST_PAYERS:
        for sid, per_actor in s.unit_costs.items():
            if actor in per_actor:
                cost = (sit.seg.code == st.CODES[sid]) * float(per_actor[actor])
                key = f"enhetskostnad_{actor}"
                flows[key] = flows[key] + cost if key in flows else cost
    warnings.update(_public_finance(flows, sit, tax, ctx))
    unknown = set(flows) - set(ctx.cats)
    if unknown:
        raise KeyError(f"flows without a ledger category: {', '.join(sorted(unknown))}")
    outs = [SituationFlows(sit.name, sit.seg, flows, sit.rows)]
    if window is not None:
        if s.production.convention == "consumption_tax":  # the individ consumes the försörjningsstöd the window adds
            pf.consumption_tax(window.flows, ctx.cats, ctx.mr, window.seg.start)
        outs.append(window)
    return outs, warnings, tax.by_year


def _topup(sit: Situation, items: dict, flows: dict, tax: YearlyTax, ctx: _Context) -> tuple[np.ndarray, SituationFlows | None]:
    """(the försörjningsstöd per segment without the jobbstimulans, and — where its windows could change it —
    the change in the windows' months: stretches inside the segments, SituationFlows that do not tile)."""
    seg = sit.seg
    inc = topup.income(sit, items, tax.taxable, tax.total, ctx.norm[seg.row, ctx.calendar.of_month[seg.start]])
    fs = topup.forsorjningsstod(sit, inc)
    rows = topup.stimulated_rows(sit, inc, ctx.mr, ctx.n)
    if not rows.size:
        return fs, None
    at_exit = np.where(sit.inputs["before_is_forsorjningsstod"], sit.inputs["months_in_state"], 0).astype(np.int64)
    row, first, end = topup.jobbstimulans(sit, inc, fs, rows, ctx.mr, ctx.lo, at_exit)
    if not len(row):
        return fs, None
    width = len(ctx.mr) + 1
    parent = np.searchsorted(seg.row * width + seg.start, row * width + first, side="right") - 1  # the segment each window is in
    pieces = seg.take(parent)
    pieces = pieces.with_(start=first, length=end - first, mis=pieces.mis_at(first))
    stimulated = topup.forsorjningsstod(dataclasses.replace(sit, seg=pieces), inc.take(parent), np.ones(len(row), dtype=bool),
                                        topup.jobbstimulans_share(ctx.mr)[first])
    return fs, SituationFlows(sit.name, pieces, {"forsorjningsstod": stimulated - fs[parent]}, sit.rows, tiles=False)


def _public_finance(flows: dict[str, np.ndarray], sit: Situation, tax: YearlyTax, ctx: _Context) -> dict[str, np.ndarray]:
    """Production and its share to the state, the pension system's contributions on benefits, the
    utjämning, the study-loan claim, the consumption tax and a public employer's flows, in place
    (engine/publicfinance.py); returns the participants flagged (productivity below the floor)."""
    s = ctx.ls.scenario
    flags = pf.production(flows, sit, ctx.mr, s, ctx.productivity, ctx.displacement, ctx.lo, ctx.hi)
    if s.study_loan == "ramboll" and "studielan" in flows:  # Ramboll 2022: the state's claim on the loan's repayment, at face value
        flows["studielan_fordran"] = flows["studielan"].copy()
    if s.actors.pension_system == "separate":
        pf.pension_on_benefits(flows, ctx.mr, sit.seg.start)
    if ctx.equalisation:
        pf.equalisation(flows, sit, tax, ctx.grid.years, ctx.equalisation)
    if s.production.convention == "consumption_tax":
        pf.consumption_tax(flows, ctx.cats, ctx.mr, sit.seg.start)
    pf.by_employer(flows, sit.inputs["employer"][sit.seg.row])
    return flags


def _household_benefits(sit: Situation, items: dict, flows: dict, tax: YearlyTax, ctx: _Context) -> None:
    """In place: barnbidrag and bostadsbidrag into the items (the top-up counts them) and the flows;
    bostadsersättning less the month's bostadsbidrag (förordning 2017:819 5 kap. 5 §)."""
    seg = sit.seg
    stretch = ctx.calendar.of_month[seg.start]
    if ctx.barnbidrag is not None:
        items["barnbidrag"] = flows["barnbidrag"] = ctx.barnbidrag[seg.row, stretch]
    housing = ~np.isnan(sit.inputs["housing_cost"][sit.covers(ctx.n)])
    children = ctx.children()[seg.row, stretch] if housing.any() else None
    bostadsbidrag = household_benefits.bostadsbidrag(sit, items, tax, children, ctx.mr)
    if bostadsbidrag.any():
        items["bostadsbidrag"] = flows["bostadsbidrag"] = bostadsbidrag
    if "bostadsersattning" in items:
        items["bostadsersattning"] = flows["bostadsersattning"] = np.maximum(0.0, items["bostadsersattning"] - bostadsbidrag)


# what forked worker processes compute on: set in the parent before the pool forks (no pickling)
_SHARED: dict = {}


def _chunk_result(w: dict, k: int) -> tuple:
    """Chunk k of the run described by w: (participant indices, grid offset, the chunk's sums as exit
    month × months since exit arrays (sums.aggregates), first-year effects, flags, the chunk)."""
    idx = w["chunks"][k]
    chunk = _compute_chunk(w["plan"], w["p"], w["ls"], idx, w["potential_wage"], w["cats"], w.get("keep_ledger", False))
    horizon = w["plan"].grid.horizon
    local = sums.aggregates(chunk.outs, w["cats"], chunk.exit_local, horizon, chunk.mixing)
    first_year = sums.first_year(chunk.outs, w["cats"], chunk.exit_local, horizon, chunk.weight, chunk.mixing)
    return idx, chunk.offset, local, first_year, chunk.flags, chunk


def _chunk_result_light(k: int) -> tuple:
    """In a forked worker: chunk k of the run in _SHARED, without the chunk's ledger, with the rules
    this worker has read so far (the parent adds them: the doubtful rules a run names)."""
    plan = _SHARED["plan"]
    return _chunk_result(_SHARED, k)[:5] + (None, (plan.mr.used(), {y: set(v.read) for y, v in plan.tax_rules.items()}))


def _chunk_results(shared: dict, workers: int):
    """Every chunk's result in chunk order, computed here or by forked workers."""
    if workers <= 1:
        yield from (_chunk_result(shared, k) for k in range(len(shared["chunks"])))
        return
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from ..outputs import die_with_parent

    _SHARED.update(shared)  # inherited by the forked workers
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"), initializer=die_with_parent)
    try:
        yield from pool.map(_chunk_result_light, range(len(shared["chunks"])))
    except BaseException:  # an error, Ctrl-C or SIGTERM here: the workers stop now, not after their chunk
        for proc in list((getattr(pool, "_processes", None) or {}).values()):
            proc.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    else:
        pool.shutdown()
    finally:
        _SHARED.clear()


@dataclass
class _Sums:
    """A run's running totals, added chunk by chunk."""

    flows: dict[str, dict[str, np.ndarray]]
    first_naive: np.ndarray
    flags: dict[str, np.ndarray]
    ledger: Ledger | None = None
    tax: dict | None = None

    def add(self, result: tuple, cats: dict, keep_ledger: bool, order: np.ndarray, plan: Plan) -> int:
        idx, offset, local, first_year, chunk_flags, chunk = result[:6]
        if len(result) > 6:  # a worker's record of the rules it read
            months, tax_paths = result[6]
            plan.mr.note_used(months)
            for year, paths in tax_paths.items():
                plan.tax_rules[year].read |= paths
        n = len(self.first_naive)
        exit_months, by_exit = local
        horizon = plan.grid.horizon
        rows = offset + exit_months[:, None] + np.arange(horizon)[None, :]  # grid month of each (exit month, month since exit)
        cols = np.broadcast_to(np.arange(horizon)[None, :], rows.shape)
        for sit, flows in by_exit.items():
            for cid, a in flows.items():
                self.flows[sit][cid][rows, cols] += a  # (row, col) distinct: one exit month per row of a
        self.first_naive[idx] = first_year
        for key, mask in chunk_flags.items():
            self.flags.setdefault(key, np.zeros(n, dtype=bool))[idx] = mask
        if keep_ledger:  # one chunk of every participant: back in the participants' order
            inverse = np.empty(n, dtype=int)
            inverse[order] = np.arange(n)
            per_month = sums.ledger(chunk.outs, n, chunk.n_months, chunk.exit_local, chunk.mixing)
            self.ledger = Ledger(categories=cats, flows={
                sit: {cid: a[inverse] for cid, a in flows.items()} for sit, flows in per_month.items()})
            self.ledger.check_balance()
            self.tax = {sit: {y: {k: v[inverse] for k, v in comp.items()} for y, comp in years.items()}
                        for sit, years in chunk.tax.items() if sit != "after_fallback"}
        return len(idx)


def run_engine(p: Participants, ls: LoadedScenario, book: RuleBook | None = None, *, chunk_size: int | None = None,
               keep_ledger: bool = False, progress=None, workers: int | None = None, where: str | None = None) -> EngineResult:
    """Compute the ledger chunk by chunk and keep only its sums per situation, category, grid month
    and month since exit, and each participant's first-year effect per actor (the result's rows).
    keep_ledger=True also keeps the ledger per participant-month (one chunk; for tests and small
    runs: EngineResult.detail). workers: processes computing chunks in parallel (default: the
    CPUs available; 1 = this process); the chunks' sums are added in chunk order, so the result
    does not depend on it. where: how the warnings name this file's rows ('where:row'; a
    dataset's part). progress(done, total) is called after each chunk."""
    s = ls.scenario
    book = book or RuleBook()
    plan = setup(p, ls, book)
    grid, n = plan.grid, len(p)
    potential_wage = _potential_wage(plan.inputs, ls)
    potential_missing = int(np.isnan(potential_wage).sum())
    notes = list(plan.notes) + run_notes(p, plan.duration, grid.horizon, potential_missing, ls)

    cats = categories_for(s)
    situations = ["before", "after"] + (["potential"] if not potential_missing else [])
    sums = _Sums({sit: {cid: np.zeros((grid.n_months, grid.horizon)) for cid in cats} for sit in situations},
                 np.zeros((n, len(ACTORS))), {})
    order = np.argsort(grid.exit_index, kind="stable")  # chunks of neighbouring exit months span few calendar years
    size = n if keep_ledger else max(1, chunk_size or chunk_participants(grid.horizon))
    chunks = [order[start:start + size] for start in range(0, n, size)]
    workers = max(1, min(workers or available_cpus(), len(chunks) // 2))  # a pool only pays off over several chunks each
    shared = dict(plan=plan, p=p, ls=ls, cats=cats, chunks=chunks, potential_wage=None if potential_missing else potential_wage,
                  keep_ledger=keep_ledger)
    done = 0
    with closing(_chunk_results(shared, workers)) as results:  # closing: the pool goes down also on an error here
        for result in results:  # in chunk order, whoever computed them
            done += sums.add(result, cats, keep_ledger, order, plan)
            if progress is not None:
                progress(done, n)

    aggregates = Ledger(categories=cats, flows=sums.flows)
    aggregates.check_balance(relative=1e-9)
    sums.flags.update(plan.flags)  # the law's warnings found before computing (engine/law.py)
    market_factor = plan.mr.at("economy.production_market_price_factor")
    aggregates.check_society(market_factor[:, None], relative=1e-9)  # rows: grid months
    if sums.ledger is not None:
        sums.ledger.check_society(market_factor[None, :])  # columns: grid months
    flags = flag_summary(sums.flags, p, where)
    detail = None
    if keep_ledger:
        detail = Detail(participants=p, exits=grid.exit_index, month_rules=plan.mr, resolved=plan.inputs, ledger=sums.ledger,
                        tax=sums.tax or {}, flags=sums.flags, first_year_naive=sums.first_naive)
    return EngineResult(
        aggregates=aggregates, grid=grid.summary(), population=Population.of(p), rows=MemoryRows(participant_rows(p, sums.first_naive)),
        rules_used=plan.rules_used, projected_months=plan.projected, notes=notes, assumptions=render_notes(notes, n),
        warnings=flag_warnings(flags), flags=flags, chunks=len(chunks), workers=workers, detail=detail, prices=plan.prices,
        doubtful=doubtful_rules(plan, book),
    )
