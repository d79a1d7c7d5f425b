"""The situations of a chunk: which state each participant is in each month before and after the
project, when a subsidised job ends, what follows it, and the states' monthly items.

A situation is a matrix of state codes (participants × months) with what the engine needs to
compute it (`Situation`); the engine treats every situation alike. The after situation is mixed
from keeping the job (p) and falling back (1 − p), then with the monthly drop-off (`mix_after`).
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
from .paths import PATH_CODES, follow
from .result import ExitGrid


_STATE_ITEMS = frozenset(STATE_ITEMS)


@dataclass
class Situation:
    """One trajectory of a chunk's participants (or of some of them: `rows`)."""

    name: str  # before | after | after_fallback | potential
    codes: np.ndarray  # rows × months: the state each month
    months_in_state: np.ndarray  # rows × months: months on the state's path before the month (engine/paths.py)
    inputs: dict[str, np.ndarray]  # the rows' inputs (the potential: everyone's wage)
    observed: np.ndarray  # rows × months: observed försörjningsstöd (NaN: the modelled top-up)
    rows: np.ndarray | None = None  # the chunk participants it covers; None: all
    warns: bool = False  # the states' warnings are taken from this trajectory
    wage_level: np.ndarray | None = None  # the wage index over the months (None: wages as at exit)

    def take(self, per_participant: np.ndarray) -> np.ndarray:
        """A per-participant (first axis) array of the chunk restricted to this situation's rows."""
        return per_participant if self.rows is None else per_participant[self.rows]


@dataclass
class Mixing:
    """How a chunk's after situation is mixed: the participants whose job ends (their fall-back
    situation computed), the share who keep the job, the monthly drop-off."""

    rows: np.ndarray
    keep_p: float | None
    dropoff: float


def durations(p: Participants, inputs: dict, grid: ExitGrid, mr: MonthRules, ls: LoadedScenario) -> np.ndarray:
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


def _cells_maker(inputs: dict, months_in_state: np.ndarray, m_count: int, wage_level: np.ndarray | None = None):
    """A function from flat indices of a rows × months matrix to their Cells."""
    flat_months = months_in_state.reshape(-1)

    def cells_of(idx: np.ndarray) -> Cells:
        person, month = np.divmod(idx, m_count)
        return _cells(inputs, person, month, flat_months[idx], wage_level, with_wage=False)

    return cells_of


def _path(start: np.ndarray, months_in_state: np.ndarray, inputs: dict, mr: MonthRules) -> np.ndarray:
    """Rows × months: the codes of the states `start` (one per row) moved along the law's paths; only
    the rows that start in a state with a path are followed."""
    codes = np.array(np.broadcast_to(start[:, None], months_in_state.shape), dtype=np.int64)
    rows = np.flatnonzero(np.isin(start, PATH_CODES))
    if rows.size:
        sub = {k: v[rows] for k, v in inputs.items()}
        codes[rows] = follow(codes[rows], _cells_maker(sub, months_in_state[rows], months_in_state.shape[1]), mr)
    return codes


def chunk_situations(p: Participants, codes: dict[str, np.ndarray], inputs: dict, duration: np.ndarray, grid: ExitGrid,
                     ls: LoadedScenario, potential_wage: np.ndarray | None, mr: MonthRules,
                     wage_level: np.ndarray | None = None) -> tuple[list[Situation], Mixing]:
    """The situations of a chunk's participants over the chunk's months (grid, mr: the chunk's).

    Each state code matrix follows the law's paths (engine/paths.py): the before state from
    months_in_state at the exit (held under paths.static), an after state from its first month,
    the fall-back from where the before path has the person then."""
    s = ls.scenario
    n, m_count = len(p), grid.n_months
    month_idx = np.arange(m_count)[None, :]
    exit_idx = grid.exit_index[:, None]
    after_started = month_idx >= exit_idx
    since_exit = month_idx - exit_idx
    start = inputs["months_in_state"][:, None]
    before_in_state = np.broadcast_to(start, (n, m_count)).astype(float) if s.paths.static else np.maximum(0.0, start + since_exit)
    before_codes = _path(codes["before"], before_in_state, inputs, mr)
    after_in_state = np.where(after_started, since_exit, before_in_state).astype(float)
    after_codes = np.where(after_started, _path(codes["after"], np.maximum(since_exit, 0).astype(float), inputs, mr), before_codes)

    # A subsidised job ends after its duration: with probability p the person keeps the job
    # unsubsidised ("after"), otherwise falls back to the before state ("after_fallback").
    # Per participant, whether the job ends before the end of the calendar year of the horizon's last
    # month: an end just after the horizon still changes that year's income tax and so the months counted.
    ended = month_idx >= (grid.exit_index + duration)[:, None]
    keep_p = s.persistence.keep_job_probability
    last_tax_month = (grid.exit_index + grid.horizon - 1) // 12 * 12 + 11
    mixed = np.isfinite(duration) & (grid.exit_index + duration <= last_tax_month)
    mixing = Mixing(np.flatnonzero(mixed), keep_p, s.persistence.monthly_dropoff)

    # unchanged (oförändrad, or after = before): the after situation is the before situation, month for
    # month (the path and a benefit's level that depends on time on it are the before state's)
    unchanged = ((p.after == st.OFORANDRAD) | (p.after == p.before))[:, None]
    after_codes = np.where(unchanged, before_codes, after_codes)
    after_in_state = np.where(unchanged, before_in_state, after_in_state)
    before_amount = np.broadcast_to(p.before_amount[:, None], (n, m_count))
    after_amount = np.where(after_started, p.after_amount[:, None], before_amount)

    out = [Situation("before", before_codes, before_in_state, inputs, before_amount.copy(), wage_level=wage_level),
           Situation("after", np.where(ended, st.CODES["arbete"], after_codes) if mixed.any() else after_codes,
                     after_in_state, inputs, after_amount, warns=True, wage_level=wage_level)]
    if potential_wage is not None:
        out.append(Situation("potential", np.where(after_started, st.CODES["arbete"], before_codes), np.where(after_started, since_exit, before_in_state),
                             {**inputs, "wage": potential_wage}, np.where(after_started, np.nan, before_amount), wage_level=wage_level))
    if mixed.any() and keep_p is not None and keep_p < 1:
        # keep_p is required when a job ends inside the horizon (inputs.check_scenario_choices); when it
        # ends only after the horizon and none is given, the job is kept (the pay, hence the tax, is the same).
        # The fall-back trajectory differs from the kept one only for participants whose job ends: computed for them only.
        # It returns to where the before path has the person in the month the job ends.
        rows = mixing.rows
        kept_on = (after_started & ~ended)[rows]
        out.append(Situation("after_fallback", np.where(ended, before_codes, after_codes)[rows],
                             np.where(ended, before_in_state, after_in_state)[rows], {k: v[rows] for k, v in inputs.items()},
                             np.where(kept_on, p.after_amount[rows, None], before_amount[rows]), rows=rows, wage_level=wage_level))
    return out, mixing


def state_items(sit: Situation, mr: MonthRules, in_horizon: np.ndarray | None = None) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
    """The monthly items of a situation's states (rows × months) and the states' warnings per row.
    Items no state wrote are absent (zero). in_horizon (rows × months): the cells inside their
    participant's horizon — the months whose rules a state's figures rest on (MonthRules.using)."""
    n, m_count = sit.codes.shape
    flat = sit.codes.ravel().astype(np.int16)
    items: dict[str, np.ndarray] = {}
    warnings: dict[str, np.ndarray] = {}
    # the cells of each state, in order: one stable (radix) sort instead of a comparison per state
    order = np.argsort(flat, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(flat, minlength=len(st.IDS)))])
    for sid in np.flatnonzero(np.diff(bounds)):
        state = st.STATES[st.IDS[sid]]
        idx = order[bounds[sid]:bounds[sid + 1]]
        person, month = np.divmod(idx, m_count)
        cells = _cells(sit.inputs, person, month, sit.months_in_state.reshape(-1)[idx], sit.wage_level, "wage" in state.needs)
        counted = month if in_horizon is None else month[in_horizon.reshape(-1)[idx]]
        for key, values in state.flows(cells, mr.using(counted)).items():  # the rules it reads: used in these months
            if key.startswith("warning:"):
                w = warnings.setdefault(key[8:], np.zeros(n, dtype=bool))
                w[person[values]] = True
            elif key not in _STATE_ITEMS:
                raise KeyError(f"state {state.id} returned {key!r}, which is not a ledger category a state computes "
                               "(add a Category with source STATE in ledger.categories)")
            else:
                target = items.get(key)
                if target is None:
                    target = items[key] = np.zeros(flat.shape)
                target[idx] = values  # the states' cells are disjoint
    return {k: v.reshape(n, m_count) for k, v in items.items()}, warnings


def _cells(v: dict, person: np.ndarray, month: np.ndarray, months_in_state: np.ndarray, wage_level: np.ndarray | None,
           with_wage: bool = True) -> Cells:
    wage = v["wage"][person] if with_wage else np.full(len(person), np.nan)
    if with_wage and wage_level is not None:  # the wage at exit follows the wage index (docs/method.md 6.7)
        wage = wage * (wage_level[month] / v["wage_level_at_exit"][person])
    return Cells(
        person=person,
        month=month,
        months_in_state=months_in_state,
        age=v["age"][person],
        birth_year=v["birth_year"][person],
        wage=wage,
        extent=v["extent"][person],
        newly_arrived=v["newly_arrived"][person],
        months_unemployed=v["months_unemployed"][person],
        prior_income=v["prior_income"][person],
        a_kassa_right=v["a_kassa_right"][person],
        child_birth_year=v["child_birth_year"][person],
        adults=v["adults"][person],
        housing_cost=v["housing_cost"][person],
    )


def mix_after(ledger: dict[str, dict[str, np.ndarray]], mixing: Mixing, grid: ExitGrid) -> None:
    """The expected after situation, in place: keep (p) and fall back (1 − p), then a monthly
    drop-off back to the before state. Both are linear mixtures of balanced ledgers, so the ledger
    still balances. Removes the fall-back situation."""
    fallback = ledger.pop("after_fallback", None)
    after = ledger["after"]
    n, m_count = grid.exit_index.shape[0], grid.n_months
    zeros = np.zeros((n, m_count))
    if fallback is not None:
        # only the participants whose job ends are mixed: the others' after situation stays exactly as computed
        rows, keep_p = mixing.rows, mixing.keep_p
        for cat in set(after) | set(fallback):
            a = after[cat] if cat in after else np.zeros((n, m_count))  # each situation's arrays are its own: changed in place
            f = fallback.get(cat)
            a[rows] = keep_p * a[rows] + (1 - keep_p) * (f if f is not None else 0.0)
            after[cat] = a
    d = mixing.dropoff
    if d > 0:
        since_exit = np.maximum(0, np.arange(m_count)[None, :] - grid.exit_index[:, None])
        survival = (1 - d) ** since_exit
        before = ledger["before"]
        for cat in set(after) | set(before):
            after[cat] = survival * after.get(cat, zeros) + (1 - survival) * before.get(cat, zeros)
