"""The situations of a chunk: which state each participant is in before and after the project, when
a subsidised job ends, what follows it, and the states' items — over segments, stretches of months
in which nothing a participant's flows depend on changes (engine/segments.py).

A situation is a table of segments with what the engine needs to compute it (`Situation`); the
engine treats every situation alike. The before states follow the law's paths (engine/paths.py):
each participant's months are cut at the calendar's cuts and where the participant's path or the
amounts of its state change (`paths.path_steps`, `State.steps`), found by reading ahead until no
stretch needs a further cut. The after situation is mixed from keeping the job (p) and falling
back (1 − p), then with the monthly drop-off, in the sums (engine/sums.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import states as st
from ..ledger import STATE_ITEMS
from ..participants import Participants
from ..ruleset.lookup import MonthRules
from ..scenario import LoadedScenario
from ..states.cells import Cells
from . import segments as sg
from .paths import PATH_CODES, follow, path_steps
from .result import ExitGrid
from .segments import Calendar, Segments

_STATE_ITEMS = frozenset(STATE_ITEMS)
# the states whose amounts or path change with the months on it: their participants' months are cut where they do
TIMED_CODES = np.union1d(PATH_CODES, [st.CODES[sid] for sid, s in st.STATES.items() if s.steps is not None])
# the rules following the paths reads (engine/paths.py): those of the states with a path
PATH_RULES = tuple(sorted({rule for code in PATH_CODES for rule in st.STATES[st.IDS[code]].rules}))
MAX_LOOKS = 16  # rounds of reading ahead for cuts (each finds the cuts of the states the last one revealed; 2–3 in practice)


@dataclass
class Situation:
    """One trajectory of a chunk's participants (or of some of them: `rows`), as segments."""

    name: str  # before | after | after_fallback | potential
    seg: Segments  # sorted by participant (chunk index) and month
    inputs: dict[str, np.ndarray]  # the chunk participants' inputs (the potential: everyone's wage)
    rows: np.ndarray | None = None  # the chunk participants it covers (ascending); None: all
    warns: bool = False  # the states' warnings are taken from this trajectory
    wage_level: np.ndarray | None = None  # the wage index over the chunk's months (None: wages as at exit)

    def covers(self, n: int) -> np.ndarray:
        """The chunk participants it covers."""
        return np.arange(n) if self.rows is None else self.rows


@dataclass
class Mixing:
    """How a chunk's after situation is mixed: the participants whose job ends (their fall-back
    situation computed), the share who keep the job, the monthly drop-off."""

    rows: np.ndarray
    keep_p: float | None
    dropoff: float
    fallback: bool = False  # the fall-back situation is computed (rows mix keep_p × after + (1 − keep_p) × fall-back)
    after_is_before: np.ndarray | None = None  # per chunk participant: its after situation is its before situation (not computed)
    potential_is_after: np.ndarray | None = None  # per chunk participant: its potential is its after situation (not computed)


def durations(p: Participants, inputs: dict, grid: ExitGrid, mr: MonthRules, ls: LoadedScenario) -> np.ndarray:
    """Months each participant's subsidised job lasts (inf: no end): the scenario's durations, else
    the rules in force in the exit month (nystartsjobb by age at the start of the job)."""
    s = ls.scenario
    dur = np.full(len(p), np.inf)
    exit_m = grid.exit_index
    after = p.state_codes.after
    for sid, override in (("introduktionsjobb", s.durations.introduktionsjobb), ("extratjanst", s.durations.extratjanst)):
        sel = np.flatnonzero(after == st.CODES[sid])
        if override is not None:
            dur[sel] = override
            continue
        for m in np.unique(exit_m[sel]):  # the rules in force in the exit month
            value = mr.view(int(m)).at(f"subsidies.{sid}.max_months", default=None)
            if value is not None:
                dur[sel[exit_m[sel] == m]] = value
    sel = np.flatnonzero(after == st.CODES["nystartsjobb"])
    if s.durations.nystartsjobb is not None:
        dur[sel] = s.durations.nystartsjobb
        return dur
    for m in np.unique(exit_m[sel]):
        here = sel[exit_m[sel] == m]
        for band in mr.view(int(m)).at("subsidies.nystartsjobb.max_months"):
            hit = here[(inputs["age"][here] >= band.min_age) & (inputs["age"][here] <= band.max_age)]
            dur[hit] = band.months
    return dur


def segment_cells(v: dict, seg: Segments, idx: np.ndarray, wage_level: np.ndarray | None = None, with_wage: bool = True) -> Cells:
    """The Cells of segments idx: each participant's inputs (read when asked for), the segment's first
    month, its months on the path there and its length."""
    person, month = seg.row[idx], seg.start[idx]
    wage = v["wage"][person] if with_wage else np.full(len(person), np.nan)
    if with_wage and wage_level is not None:  # the wage at exit follows the wage index (docs/method.md 6.7)
        wage = wage * (wage_level[month] / v["wage_level_at_exit"][person])
    return Cells(person, month, seg.mis[idx], wage, seg.length[idx], v)


def _followed(table: Segments, inputs: dict, mr: MonthRules) -> np.ndarray:
    """The state of each segment: its participant's starting state (table.code) moved along the law's path."""
    codes = table.code.copy()
    sel = np.flatnonzero(np.isin(table.code, PATH_CODES))
    if sel.size:
        codes[sel] = follow(codes[sel], lambda idx: segment_cells(inputs, table, sel[idx], with_wage=False), mr)
    return codes


def _step_cuts(table: Segments, codes: np.ndarray, inputs: dict, mr: MonthRules) -> tuple[np.ndarray, np.ndarray]:
    """(rows, months) where a segment whose months on the path grow must be cut: where its path may end or
    its state's amounts change (read ahead, quietly; the rules read are checked against State.rules)."""
    found_rows, found_months = [], []
    moving = (table.slope > 0) & (table.length > 1)
    for code in np.intersect1d(np.flatnonzero(np.bincount(codes[moving], minlength=len(st.IDS))), TIMED_CODES):
        idx = np.flatnonzero(moving & (codes == code))
        cells = segment_cells(inputs, table, idx, with_wage=False)
        state = st.STATES[st.IDS[code]]
        read: set[str] = set()
        looked = mr.capturing(read)
        for steps in (path_steps(int(code), cells, looked), state.steps(cells, looked) if state.steps is not None else None):
            if steps is None or not steps.size:
                continue
            month = table.start[idx][:, None] + (steps - table.mis[idx][:, None])
            inside = np.isfinite(month) & (month > table.start[idx][:, None]) & (month < table.end[idx][:, None])
            found_rows.append(np.broadcast_to(table.row[idx][:, None], month.shape)[inside])
            found_months.append(month[inside].astype(np.int64))
        sg.check_declared(read, state.rules, f"the steps or path of state {state.id}")
    if not found_rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(found_rows), np.concatenate(found_months)


def rule_cuts(seg: Segments, codes: list[np.ndarray], calendar: Calendar) -> tuple[np.ndarray, np.ndarray]:
    """(rows, months) where a segment must be cut because a rule its state reads (State.rules of each of
    `codes`: the state it starts its path in, the state it is in) may change inside it."""
    found_rows, found_months = [], []
    for code_of in codes:
        for code in np.flatnonzero(np.bincount(code_of, minlength=len(st.IDS))):
            months = calendar.state_cuts(int(code), st.STATES[st.IDS[code]].rules)
            if not months.size:
                continue
            idx = np.flatnonzero(code_of == code)
            first = np.searchsorted(months, seg.start[idx], side="right")  # the first cut after each segment's start
            last = np.searchsorted(months, seg.end[idx], side="left")  # … and the first at or after its end
            has = np.flatnonzero(last > first)
            for k in range(int((last - first)[has].max()) if has.size else 0):
                take = has[first[has] + k < last[has]]
                found_rows.append(seg.row[idx[take]])
                found_months.append(months[first[take] + k])
    if not found_rows:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    return np.concatenate(found_rows), np.concatenate(found_months)


def state_rule_cuts(codes: np.ndarray, calendar: Calendar) -> list[np.ndarray]:
    """Per-participant cut months (for segments.tile) where a rule of each participant's state (codes) may change."""
    by_code = {int(c): calendar.state_cuts(int(c), st.STATES[st.IDS[c]].rules) for c in np.flatnonzero(np.bincount(codes, minlength=len(st.IDS)))}
    width = max((len(m) for m in by_code.values()), default=0)
    table = np.zeros((len(st.IDS), width), dtype=np.int64)  # 0: no cut
    for c, months in by_code.items():
        table[c, :len(months)] = months
    return [table[codes, k] for k in range(width)]


def _path(start: np.ndarray, n: int, m_count: int, cuts: list[np.ndarray], calendar: Calendar, mis_at,
          inputs: dict, mr: MonthRules) -> Segments:
    """The segments of each participant's months from the states `start` (one per participant) along the law's
    paths, cut at the calendar, at each participant's month in each of `cuts`, wherever a path or a state's
    amounts change and wherever a rule the states read may change. mis_at(row, month) → (months on the path,
    1.0 where they grow with the month else 0.0)."""
    row, first, length = sg.tile(n, m_count, cuts + state_rule_cuts(start, calendar), calendar.cuts)
    mis, slope = mis_at(row, first)
    table = Segments(row, first, length, start[row], mis, slope, np.full(len(row), np.nan))
    quiet = mr.quiet()
    for _ in range(MAX_LOOKS):
        # the rules `follow` reads count as used (for the months of the cells in each state before its path
        # is followed: the same months however the participants' months are cut); reading ahead does not count
        read: set[str] = set()
        codes = _followed(table, inputs, mr.capturing(read))
        sg.check_declared(read, PATH_RULES, "following the paths")
        step_rows, step_months = _step_cuts(table, codes, inputs, quiet)
        moved = np.flatnonzero(codes != table.code)  # where the path has moved on, the new state's rules
        rule_rows, rule_months = rule_cuts(table.take(moved), [codes[moved]], calendar)
        if not step_rows.size and not rule_rows.size:
            break
        table, _ = sg.refine(table, np.concatenate([step_rows, rule_rows]), np.concatenate([step_months, rule_months]), m_count)
    return table.with_(code=codes)


def _paths(codes: dict[str, np.ndarray], inputs: dict, duration: np.ndarray, grid: ExitGrid, calendar: Calendar, mr: MonthRules,
           static: bool) -> tuple[Segments, Segments]:
    """The before path (from months_in_state at the exit; held under paths.static) and the after path
    (from 0 in the exit month, cut where a subsidised job ends) of every chunk participant, over all its months."""
    n, m_count = len(grid.exit_index), grid.n_months
    exits = grid.exit_index.astype(np.int64)
    start = inputs["months_in_state"]
    began = (exits - start).astype(np.int64)  # the month the before state began (its months grow from there)
    timed = np.isin(codes["before"], TIMED_CODES) & (not static)
    if static:
        def before_mis(row, month):
            return start[row].astype(float), np.zeros(len(row))
    else:
        def before_mis(row, month):
            return np.maximum(0.0, start[row] + month - exits[row]), (month >= began[row]).astype(float)

    def after_mis(row, month):
        return np.maximum(0, month - exits[row]).astype(float), (month >= exits[row]).astype(float)

    before = _path(codes["before"], n, m_count, [np.where(timed, began, 0)], calendar, before_mis, inputs, mr)
    ends = np.isfinite(duration)
    after = _path(codes["after"], n, m_count, [exits, np.where(ends, exits + np.where(ends, duration, 0), 0).astype(np.int64)],
                  calendar, after_mis, inputs, mr)
    return before, after


def chunk_situations(p: Participants, codes: dict[str, np.ndarray], inputs: dict, duration: np.ndarray, grid: ExitGrid,
                     ls: LoadedScenario, potential_wage: np.ndarray | None, mr: MonthRules, calendar: Calendar,
                     wage_level: np.ndarray | None = None, share: bool = True) -> tuple[list[Situation], Mixing]:
    """The situations of a chunk's participants over the chunk's months (grid, mr: the chunk's).

    The before state follows the law's path from months_in_state at the exit (held under paths.static),
    an after state its own from its first month, the fall-back returns to where the before path has
    the person then. share: a participant whose after situation is its before situation (unchanged,
    the same observed amounts), or whose potential is its after situation (in unsubsidised work at its
    wage, no observed amount after), is computed once (Mixing.after_is_before, potential_is_after)."""
    s = ls.scenario
    n, m_count = len(p), grid.n_months
    exits = grid.exit_index.astype(np.int64)
    before, after_path = _paths(codes, inputs, duration, grid, calendar, mr, s.paths.static)
    pre = sg.clip(before, np.zeros(n, dtype=np.int64), exits)
    pre = pre.with_(observed=p.before_amount[pre.row])

    # A subsidised job ends after its duration: with probability p the person keeps the job
    # unsubsidised ("after"), otherwise falls back to the before state ("after_fallback").
    # Per participant, whether the job ends before the end of the calendar year of the horizon's last
    # month: an end just after the horizon still changes that year's income tax and so the months counted.
    ended = np.where(np.isfinite(duration), exits + np.where(np.isfinite(duration), duration, 0), m_count).astype(np.int64)
    last_tax_month = (exits + grid.horizon - 1) // 12 * 12 + 11
    mixed = np.isfinite(duration) & (ended <= last_tax_month)
    mixing = Mixing(np.flatnonzero(mixed), s.persistence.keep_job_probability, s.persistence.monthly_dropoff)

    # unchanged (oförändrad, or after = before): the after situation is the before situation, month for
    # month (the path and a benefit's level that depends on time on it are the before state's)
    unchanged = (p.state_codes.after == st.CODES[st.OFORANDRAD]) | (p.state_codes.after == p.state_codes.before)
    same = (p.before_amount == p.after_amount) | (np.isnan(p.before_amount) & np.isnan(p.after_amount))
    mixing.after_is_before = unchanged & same if share else np.zeros(n, dtype=bool)
    out = [Situation("before", before.with_(observed=p.before_amount[before.row]), inputs, wage_level=wage_level),
           _after(p, pre, (before, after_path), exits, unchanged, ended, mixed, mixing.after_is_before, inputs, wage_level, m_count)]
    if potential_wage is not None:
        works = (p.state_codes.used == st.CODES["arbete"]) & np.isnan(p.after_amount) & (potential_wage == inputs["wage"])
        mixing.potential_is_after = works if share else np.zeros(n, dtype=bool)
        out.append(_potential(pre, exits, calendar, mixing.potential_is_after, {**inputs, "wage": potential_wage}, wage_level, m_count))
    if mixed.any() and mixing.keep_p is not None and mixing.keep_p < 1:
        # keep_p is required when a job ends inside the horizon (inputs.check_scenario_choices); when it
        # ends only after the horizon and none is given, the job is kept (the pay, hence the tax, is the same).
        # The fall-back trajectory differs from the kept one only for participants whose job ends: computed for them only.
        # It returns to where the before path has the person in the month the job ends.
        mixing.fallback = True
        kept = sg.clip(after_path, np.where(mixed, exits, m_count), np.where(mixed, ended, 0))
        back = sg.clip(before, np.where(mixed, ended, m_count), np.full(n, m_count, dtype=np.int64))
        fallback = sg.concat([pre.take(mixed[pre.row]), kept.with_(observed=p.after_amount[kept.row]),
                              back.with_(observed=p.before_amount[back.row])])
        out.append(Situation("after_fallback", fallback, inputs, rows=mixing.rows, wage_level=wage_level))
    return out, mixing


def _after(p: Participants, pre: Segments, paths: tuple[Segments, Segments], exits: np.ndarray, unchanged: np.ndarray, ended: np.ndarray,
           mixed: np.ndarray, skip: np.ndarray, inputs: dict, wage_level, m_count: int) -> Situation:
    """The after situation: the before path until the exit, then the after state's (the before path's when
    unchanged); a subsidised job kept unsubsidised once it ends. skip: participants left out (as their before)."""
    before, after_path = paths
    end = np.full(len(unchanged), m_count, dtype=np.int64)
    post = sg.concat([sg.clip(before, np.where(unchanged, exits, end), end), sg.clip(after_path, np.where(unchanged, end, exits), end)])
    if mixed.any():  # the job ends: kept unsubsidised (every participant's, as far as the chunk's months reach)
        post = post.with_(code=np.where(post.start >= ended[post.row], st.CODES["arbete"], post.code))
    seg = sg.concat([pre, post.with_(observed=p.after_amount[post.row])])
    if skip.any():
        return Situation("after", seg.take(~skip[seg.row]), inputs, rows=np.flatnonzero(~skip), warns=True, wage_level=wage_level)
    return Situation("after", seg, inputs, warns=True, wage_level=wage_level)


def _potential(pre: Segments, exits: np.ndarray, calendar: Calendar, skip: np.ndarray, inputs: dict, wage_level, m_count: int) -> Situation:
    """The potential: everyone in unsubsidised work from the exit (cut where its rules may change). skip:
    participants left out (as their after)."""
    n = len(exits)
    row, first, length = sg.tile(n, m_count, [exits] + state_rule_cuts(np.full(n, st.CODES["arbete"]), calendar), calendar.cuts)
    work = Segments(row, first, length, np.full(len(row), st.CODES["arbete"]), (first - exits[row]).astype(float),
                    np.ones(len(row)), np.full(len(row), np.nan))
    seg = sg.concat([pre, sg.clip(work, exits, np.full(n, m_count, dtype=np.int64))])
    if skip.any():
        return Situation("potential", seg.take(~skip[seg.row]), inputs, rows=np.flatnonzero(~skip), wage_level=wage_level)
    return Situation("potential", seg, inputs, wage_level=wage_level)


def state_items(sit: Situation, mr: MonthRules, lo: np.ndarray, hi: np.ndarray, n: int) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The items of a situation's states a month, per segment, and the states' warnings per chunk
    participant (n). Items no state wrote are absent (zero). lo, hi: each participant's horizon (chunk
    months lo … hi − 1) — the months whose rules a state's figures rest on (MonthRules.using)."""
    seg = sit.seg
    flat = seg.code.astype(np.int16)
    items: dict[str, np.ndarray] = {}
    warnings: dict[str, np.ndarray] = {}
    # the segments of each state, in order: one stable (radix) sort instead of a comparison per state
    order = np.argsort(flat, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(flat, minlength=len(st.IDS)))])
    m_count = len(mr)
    for sid in np.flatnonzero(np.diff(bounds)):
        state = st.STATES[st.IDS[sid]]
        idx = order[bounds[sid]:bounds[sid + 1]]
        cells = segment_cells(sit.inputs, seg, idx, sit.wage_level, "wage" in state.needs)
        counted = sg.covered(cells.person, cells.month, cells.month + cells.span, lo, hi, m_count)
        read: set[str] = set()
        for key, values in state.flows(cells, mr.using(counted).capturing(read)).items():  # the rules it reads: used in these months
            if key.startswith("warning:"):
                w = warnings.setdefault(key[8:], np.zeros(n, dtype=bool))
                w[cells.person[values]] = True
            elif key not in _STATE_ITEMS:
                raise KeyError(f"state {state.id} returned {key!r}, which is not a ledger category a state computes "
                               "(add a Category with source STATE in ledger.categories)")
            else:
                target = items.get(key)
                if target is None:
                    target = items[key] = np.zeros(len(seg))
                target[idx] = values  # the states' segments are disjoint
        sg.check_declared(read, state.rules, f"state {state.id}")
    return items, warnings
