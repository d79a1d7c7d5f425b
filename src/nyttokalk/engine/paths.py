"""Before states as the law runs them (docs/method.md 2.5).

The state codes of a situation's cells (stretches of participant-months, engine/segments.py) start as
each participant's state; `follow` moves the cells along the law's path by the months on the path
before each cell's month (`months_in_state`), and `path_steps` says at which months on the path a
path may end, so that the engine cuts the stretches there:

- etableringsersättning ends after the programme's months (transfers.etableringsersattning.max_months),
  then the scenario's next state (paths.after_etablering);
- a-kassa ends when its ersättningsdagar are used up (states/unemployment.py: 300 or 450 days under
  the old law, 300 under the new, by the law of the period), then aktivitetsstöd in jobb- och
  utvecklingsgarantin at the level after the a-kassa (the same count of days runs on);
- aktivitetsersättning ends in the year the person turns 30
  (transfers.sjuk_och_aktivitetsersattning.aktivitetsersattning_max_age), then paths.after_aktivitetsersattning;
- sjukpenning does not change state (its level steps to the fortsättningsnivå in states/insurance.py);
- and in every month a participant in a programme without a right to a-kassa is on
  utvecklingsersättning below transfers.aktivitetsstod.min_age (25) and on aktivitetsstöd from the
  year of the 25th birthday (förordning 2017:819 2 kap. 1, 10 §§), whatever the path: also in after
  states. A row given in utvecklingsersättning at 25 or older is computed as given (engine/law.py warns).

With paths.static the states do not end (the level is held, `months_in_state` too); the age rule
still applies. Loops run over the few path states, never over participants.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from .. import states as st
from ..ruleset.lookup import MonthRules
from ..states import unemployment
from ..states.cells import Cells, age_in_month, day_steps

CellsOf = Callable[[np.ndarray], Cells]  # the Cells of the flat indices of a situation's matrix

ETABLERING, A_KASSA, AKTIVITETSERSATTNING = (st.CODES[x] for x in ("etableringsersattning", "a_kassa", "aktivitetsersattning"))
AKTIVITETSSTOD, UTVECKLINGSERSATTNING = st.CODES["aktivitetsstod"], st.CODES["utvecklingsersattning"]
PATH_CODES = np.array([ETABLERING, A_KASSA, AKTIVITETSERSATTNING, AKTIVITETSSTOD, UTVECKLINGSERSATTNING])  # the states follow changes


def path_steps(code: int, c: Cells, r: MonthRules) -> np.ndarray | None:
    """Cells × k: the months_in_state at which the path of cells in state `code` may end (the engine cuts
    a stretch of months there, engine/segments.py); None: it does not end with the months (paths.static,
    or a state whose path is by age, which changes only in January)."""
    if r.scenario.paths.static:
        return None
    if code == ETABLERING:
        return r.at("transfers.etableringsersattning.max_months")[c.month][:, None].astype(float)
    if code == A_KASSA:
        days, per_month = unemployment.period_days(c, r)
        return day_steps(days[:, None], per_month)
    return None


def _ends(flat: np.ndarray, code: int, cells_of: CellsOf, ended: Callable[[Cells], np.ndarray], next_code: int) -> None:
    """In place: the cells in state `code` whose path has ended get `next_code`."""
    idx = np.flatnonzero(flat == code)
    if idx.size:
        flat[idx[ended(cells_of(idx))]] = next_code


def follow(codes: np.ndarray, cells_of: CellsOf, r: MonthRules) -> np.ndarray:
    """The codes (rows × months, changed in place and returned) moved along the law's paths; cells_of
    builds the Cells of flat indices (their months_in_state: months on the path before the month)."""
    s = r.scenario
    flat = codes.reshape(-1)
    if not s.paths.static:
        _ends(flat, ETABLERING, cells_of,
              lambda c: c.months_in_state >= r.at("transfers.etableringsersattning.max_months")[c.month],
              st.CODES[s.paths.after_etablering])

        def a_kassa_used(c: Cells) -> np.ndarray:
            days, per_month = unemployment.period_days(c, r)
            return c.months_in_state * per_month >= days  # the month begins after the last ersättningsdag

        _ends(flat, A_KASSA, cells_of, a_kassa_used, AKTIVITETSSTOD)
        _ends(flat, AKTIVITETSERSATTNING, cells_of,
              lambda c: age_in_month(c, r) > r.at("transfers.sjuk_och_aktivitetsersattning.aktivitetsersattning_max_age")[c.month],
              st.CODES[s.paths.after_aktivitetsersattning])
    idx = np.flatnonzero((flat == AKTIVITETSSTOD) | (flat == UTVECKLINGSERSATTNING))
    if idx.size:
        c = cells_of(idx)
        limit = r.at("transfers.aktivitetsstod.min_age")[c.month]
        young = age_in_month(c, r) < limit
        aged_out = ~young & (c.age < limit)  # reached 25 inside the horizon (given at 25 or older: as given, with a warning)
        ue = young & ~c.a_kassa_right
        flat[idx] = np.where(ue, UTVECKLINGSERSATTNING, np.where(aged_out | (flat[idx] == AKTIVITETSSTOD), AKTIVITETSSTOD, flat[idx]))
    return codes
