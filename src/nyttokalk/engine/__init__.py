"""participants × months × states → ledger, for the situation before and after the project.

Vectorised: state functions get all participant-months in a state at once; the only Python
loops run over states, situations, calendar years, rule periods and chunks, never over participants.

Modules, in the order a run uses them:
- `inputs`: scenario defaults for empty participant columns (the `FILLS` table), the checks
  that need the scenario and the rules, local tax rates, and the assumption texts as data;
- `plan`: what every chunk shares (`Plan`: inputs, month grid, rules per month and per tax
  year, rates, subsidy durations, state codes); `prepare` = the checks without computing;
- `situations`: the before / after / fall-back / potential state matrices of a chunk
  (`Situation`), subsidy ends, the states' items, and the keep/fall-back and drop-off mixing;
- `taxation`: the yearly income tax of a situation, spread over the months;
- `topup`: the household norm and the försörjningsstöd top-up (or the observed amount);
- `chunks`: the chunk loop (`run_engine`), forked workers, and the sums kept;
- `result`: `Grid`, `EngineResult` and the warnings from the states' flags.
"""

from .chunks import CHUNK_CELLS, available_cpus, chunk_participants, run_engine
from .plan import Plan, prepare
from .result import FLAG_ROWS_SHOWN, EngineResult, Grid, flag_summary, flag_warnings

__all__ = [
    "CHUNK_CELLS", "FLAG_ROWS_SHOWN", "EngineResult", "Grid", "Plan", "available_cpus", "chunk_participants",
    "flag_summary", "flag_warnings", "prepare", "run_engine",
]
