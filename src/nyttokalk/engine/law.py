"""What the law says about the participants' moves and paths, found before computing: warnings
where the law forbids a move (a state that takes no new entrants in the exit month, an age outside
a state's limits), and the assumptions the before-paths and the household's benefits state."""

from __future__ import annotations

import numpy as np

from .. import states as st
from ..i18n import N_, Msg
from ..notes import Note, always, counted
from ..participants import Participants
from ..ruleset.lookup import MonthRules
from ..scenario import LoadedScenario
from .result import ExitGrid

PATH_STATES = ("etableringsersattning", "a_kassa", "sjukpenning", "aktivitetsersattning")
PATHS_NOTE = N_("in a before state with a legal end or step ({detail}): the before situation follows the "
                "law's path from months_in_state at the exit, and so does a fall-back after a subsidised job (docs/method.md 2.5): "
                "etableringsersättning ends after transfers.etableringsersattning.max_months months in the programme, then {after_etablering} "
                "(paths.after_etablering); a-kassa after its ersättningsdagar, then aktivitetsstöd in jobb- och utvecklingsgarantin; "
                "sjukpenning steps to the fortsättningsnivå; aktivitetsersättning ends in the year the person turns 30, then "
                "{after_ae} (paths.after_aktivitetsersattning)")
STATIC_NOTE = N_("paths.static: the before state's level at the exit is held for the whole horizon and no benefit ends (etableringsprogrammet, "
                 "the a-kassa period and aktivitetsersättning continue), as in a static calculator")
UNDER_25_NOTE = N_("aktivitetsstöd under 25 (transfers.aktivitetsstod.min_age) without a right to a-kassa is computed as utvecklingsersättning, "
                   "at the {level} level (förordning 2017:819 2 kap. 1, 10 §§; benefits.utvecklingsersattning_level), before and after, and "
                   "aktivitetsstöd from the year the person turns 25")
JOBBSTIMULANS_NOTE = N_("jobbstimulans (SoL 2001:453 4 kap. 1 b §, assumed unchanged in SoL 2025:400): after six months in a row with "
                        "försörjningsstöd 25 per cent of the net earned income is not counted for 24 months; the months in a row at the exit are "
                        "months_in_state for a before state of försörjningsstöd (continuously on it), otherwise 0, and count on from the exit")
NO_JOBBSTIMULANS_NOTE = N_("jobbstimulans left out (forsorjningsstod.jobbstimulans: false): the top-up counts all net earned income")
BOSTADSBIDRAG_NOTE = N_("bostadsbidrag (SFB 95–98 kap.) for households with children and for 18–28-year-olds without children, the final "
                        "amount on the calendar year's bidragsgrundande inkomst (taxable income, etableringsersättning, 80 per cent of the studiebidrag); "
                        "the temporary tilläggsbidrag 2022-07 – 2025-06 for families; no area limits (no housing area given); a partner's "
                        "income taken as 0; counted as income in the försörjningsstöd assessment and deducted from bostadsersättning")
LEVELS = {"higher": N_("higher"), "lower": N_("lower")}  # benefits.utvecklingsersattning_level in words
TILLAGG_NOTE = N_("etableringstillägg for the children under 20 at home (the three eldest), and bostadsersättning for those living alone "
                  "without children (förordning 2017:819 3 kap.), paid with etableringsersättning; tax-free, counted in the top-up")


def law_flags(p: Participants, inputs: dict, grid: ExitGrid, mr: MonthRules) -> dict[str, np.ndarray]:
    """Per participant: 'no_new_entrants:<state>' (an exit into a state whose entry flag is 0 in the exit
    month) and 'age:<state>' (the age at the exit outside the state's ages), for the states that declare them."""
    out: dict[str, np.ndarray] = {}
    exits, age = grid.exit_index, inputs["age"]
    codes = p.state_codes
    for sid, state in st.STATES.items():
        entering = codes.after == st.CODES[sid]
        if state.entry is not None and entering.any():
            closed = mr.at(state.entry, default=1.0)[exits] == 0  # an absent rule is refused elsewhere (inputs.check_states_exist)
            out[f"no_new_entrants:{sid}"] = entering & closed
        if state.ages is not None:
            here = (codes.before == st.CODES[sid]) | (codes.used == st.CODES[sid])
            if here.any():
                lo, hi = (mr.at(path)[exits] for path in state.ages)
                out[f"age:{sid}"] = here & ((age < lo) | (age > hi))
    return {k: v for k, v in out.items() if v.any()}


def path_notes(p: Participants, inputs: dict, grid: ExitGrid, mr: MonthRules, ls: LoadedScenario) -> list[Note]:
    """The assumptions of the before-paths and the household's benefits (every note made, whatever its count)."""
    s = ls.scenario
    codes = p.state_codes
    on_path = np.isin(codes.before, st.codes_of(PATH_STATES))
    by_state = {sid: int((codes.before == st.CODES[sid]).sum()) for sid in PATH_STATES}
    notes = [always(STATIC_NOTE) if s.paths.static else
             Note(PATHS_NOTE, {"count": int(on_path.sum())}, by_state, counted=True,
                  args={"after_etablering": s.paths.after_etablering, "after_ae": s.paths.after_aktivitetsersattning})]
    programme_codes = st.codes_of(("aktivitetsstod", "utvecklingsersattning"))
    programme = np.isin(codes.before, programme_codes) | np.isin(codes.used, programme_codes)
    young = inputs["age"] < mr.at("transfers.aktivitetsstod.min_age")[grid.exit_index]
    notes.append(counted(int((programme & young & ~inputs["a_kassa_right"]).sum()), UNDER_25_NOTE,
                         level=Msg(LEVELS[s.benefits.utvecklingsersattning_level])))
    notes.append(always(JOBBSTIMULANS_NOTE if s.forsorjningsstod.jobbstimulans else NO_JOBBSTIMULANS_NOTE))
    notes.append(counted(int((~np.isnan(inputs["housing_cost"])).sum()), BOSTADSBIDRAG_NOTE))
    etablering = (codes.before == st.CODES["etableringsersattning"]) | (codes.used == st.CODES["etableringsersattning"])
    notes.append(counted(int(etablering.sum()), TILLAGG_NOTE))
    return notes
