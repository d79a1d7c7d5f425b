"""The participants' inputs as the engine uses them: scenario defaults where a column is empty,
the checks that need the scenario and the rules, the local tax rates, and the assumptions a run
states.

The assumption texts are data (the tables below); the functions fill them in with counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .. import states as st
from ..actors import EMPLOYERS
from ..errors import InputError, Problem
from ..i18n import NN_, N_, Msg, Num, _, ngettext
from ..paths import bundled_relative
from ..notes import Note, always, counted
from ..participants import Participants
from ..ruleset.loader import RuleBook
from ..ruleset.lookup import MonthRules
from ..scenario import LoadedScenario, LocalRates, parse_month
from .result import ExitGrid

ROWS_NAMED = 50  # rows an input error names per column


@dataclass(frozen=True)
class Fill:
    """A participant column that takes the scenario's default where it is empty."""

    column: str  # the Participants attribute
    default: str  # the scenario key of its default, e.g. "participant_defaults.age"
    note: str  # the assumption stated when the default is used (an English message id); {default} is its value
    needed: Callable[[Participants, dict], np.ndarray] | None = None  # the rows that need a value (given the values so far); None: all
    why: str = ""  # added to the error for a row that needs a value when the scenario sets no default (a message id)


def _after_needs(column: str) -> Callable[[Participants, dict], np.ndarray]:
    """Rows whose after state reads the column (State.needs)."""
    return lambda p, values: np.isin(p.state_codes.after, st.codes_of(st.needing(column)))


def _either_needs(column: str) -> Callable[[Participants, dict], np.ndarray]:
    """Rows whose before or after state reads the column."""
    return lambda p, values: (np.isin(p.state_codes.before, st.codes_of(st.needing(column)))
                              | np.isin(p.state_codes.used, st.codes_of(st.needing(column))))


FILLS = (
    Fill("age", "participant_defaults.age", N_("age missing, scenario default {default} used")),
    Fill("newly_arrived", "participant_defaults.newly_arrived", N_("newly_arrived missing, scenario default {default} used")),
    Fill("extent", "participant_defaults.extent", N_("extent missing, scenario default {default:g} used")),
    # a newly arrived person gets the newly-arrived level whatever the months (subsidies.nystartsjobb.newly_arrived_level)
    Fill("months_unemployed", "participant_defaults.months_unemployed",
         N_("months_unemployed missing, scenario default {default} used for the nystartsjobb level"),
         needed=lambda p, v: _after_needs("months_unemployed")(p, v) & (v["newly_arrived"] != 1),
         why=N_("needed for the nystartsjobb level")),
    Fill("wage", "wages.extratjanst", N_("wage missing, scenario wage (extratjanst) {default:,.0f} SEK/month used"),
         needed=lambda p, v: p.state_codes.after == st.CODES["extratjanst"], why=N_("needed for work states")),
    Fill("wage", "wages.default", N_("wage missing, scenario wage (default) {default:,.0f} SEK/month used"),
         needed=lambda p, v: _after_needs("wage")(p, v) & (p.state_codes.after != st.CODES["extratjanst"]), why=N_("needed for work states")),
    Fill("prior_income", "participant_defaults.prior_income",
         N_("prior_income missing, scenario default {default:,.0f} SEK/year used as the basis of a-kassa, SGI or antagandeinkomst"),
         needed=_either_needs("prior_income"),
         why=N_("needed for a_kassa, sjukpenning, sjukersattning and aktivitetsersattning: the yearly income before the benefit")),
)
EXIT_FILL = Fill("exit_month", "period.exit_month", N_("exit_month missing, scenario default {default} used"))

# What the model leaves out for a state: stated with the count of participants in it before or after
STATE_NOTES = (
    (("a_kassa",), N_("a-kassa modelled for a scenario-wide membership ({membership}, benefits.a_kassa_membership) at full time, without the "
                      "two karensdagar; a period is under the law of the month it began (months_in_state before the exit; lag 2024:506 for "
                      "periods from transfers.a_kassa.periods_from); it ends after its ersättningsdagar (300, under lag 1997:238 450 for the parent "
                      "of a child under 18 on day 300), then aktivitetsstöd in jobb- och utvecklingsgarantin (transfers.aktivitetsstod.after_a_kassa)")),
    (("sjukpenning",), N_("sjukpenning at the normalnivå to day transfers.sjukpenning.normal_days of the case, then the fortsättningsnivå, with "
                          "no end (none in law since 2016; a work-capacity assessment that ends it is not modelled); the case began months_in_state "
                          "months before the exit; the 543 kr/day cap for the unemployed (SFB 28 kap. 11 §) is not applied")),
    (("sjukersattning", "aktivitetsersattning"), N_("sjuk-/aktivitetsersättning is taxed without the skattereduktion för sjuk- och "
                                                    "aktivitetsersättning (IL 67 kap. 9 a–c §§), which is not modelled: their tax is overstated; full benefit and "
                                                    "full försäkringstid for the garantinivå assumed")),
)
AKASSA_BEFORE_NOTE = N_("a_kassa before the project without months_in_state: benefits.a_kassa_months_before = {months} months on a-kassa "
                        "at the exit used (deprecated: give months_in_state or participant_defaults.months_in_state)")
MONTHS_IN_STATE_NOTE = N_("months_in_state missing, scenario default {months} months already in the before state at the exit used "
                          "(participant_defaults.months_in_state: where the person is on the state's path, and the months of försörjningsstöd "
                          "before the exit for jobbstimulans)")
HOUSING_NOTE = N_("housing_cost missing, scenario default {cost:,.0f} SEK/month used for bostadsbidrag and bostadsersättning "
                  "(participant_defaults.housing_cost)")
NO_HOUSING_NOTE = N_("no housing cost (housing_cost, participant_defaults.housing_cost): bostadsbidrag and bostadsersättning are not modelled "
                     "for these participants")
A_KASSA_RIGHT_NOTE = N_("aktivitetsstöd with a right to a-kassa (prior_income given, or coming from a-kassa): income-based at the a-kassa "
                        "level while the ersättningsperiod lasts, then the jobb- och utvecklingsgarantin level (förordning 2017:819 2 kap. 2–4 §§)")
HOUSEHOLD_NOTE = N_("household for the försörjningsstöd norm: {singles} single adults, {couples} couples (sambor), {count} with children")
ADULTS_NOTE = N_("adults missing, scenario default {adults} used for the household (participant_defaults.adults)")
CHILDREN_NOTE = N_("children_ages missing, scenario default {ages} used for the household (participant_defaults.children_ages)")
PARTNER_NOTE = N_("a partner in the household: the norm is the couple's household norm, the partner's own income is taken as 0 and the "
                  "whole household's försörjningsstöd is counted as the participant's")
CHILDREN_AGE_NOTE = N_("children age by calendar year from their age at the exit month (riksnorm age bands); a child older than the "
                       "table's oldest band leaves the household; barnbidrag and flerbarnstillägg (children 16–19 taken to be in school with "
                       "studiehjälp) are paid by the state in both situations and counted as household income in the försörjningsstöd "
                       "assessment; underhållsstöd is not modelled")


def _scenario_value(scenario, key: str):
    value = scenario
    for part in key.split("."):
        value = getattr(value, part)
    return value


def _fill(fill: Fill, values: np.ndarray, needed: np.ndarray, default, p: Participants,
          problems: list[Problem], notes: list[Note], shown=None) -> np.ndarray:
    """The column with the default where a needed value is missing (NaN, or < 0 for a month index);
    the rows without a default to problems, and the note of the default's use (made whenever there
    is a default, whatever its count: notes.merge relies on the same templates in every group)."""
    missing = needed & (np.isnan(values) if values.dtype.kind == "f" else values < 0)
    if default is None:
        why = _("{column} is empty and the scenario sets no default").format(column=fill.column) + (f" ({_(fill.why)})" if fill.why else "")
        for row in p.rows[missing][:ROWS_NAMED]:
            problems.append(Problem(p.file, why, row=int(row), column=fill.column))
        return values
    notes.append(counted(int(missing.sum()), fill.note, default=_shown(default if shown is None else shown)))
    if not missing.any():
        return values
    out = values.copy()
    out[missing] = default
    return out


def _shown(value):
    """A scenario value as a note shows it: yes/no for a truth value, a number in the language's writing."""
    if isinstance(value, (bool, np.bool_)):
        return Msg(N_("yes") if value else N_("no"))
    if isinstance(value, (int, float, np.integer, np.floating)):
        return Num(value.item() if isinstance(value, np.generic) else value)
    return value


def resolve_inputs(p: Participants, ls: LoadedScenario) -> tuple[dict[str, np.ndarray], list[Note]]:
    """Every input the states read, per participant, with the notes on the defaults used.
    Raises InputError naming every row whose needed value is missing without a default."""
    s = ls.scenario
    problems: list[Problem] = []
    notes: list[Note] = []
    values: dict[str, np.ndarray] = {}
    for fill in FILLS:
        needed = np.ones(len(p), dtype=bool) if fill.needed is None else fill.needed(p, values)
        current = values.get(fill.column, getattr(p, fill.column))
        values[fill.column] = _fill(fill, current, needed, _scenario_value(s, fill.default), p, problems, notes)
    notes += _state_notes(p, s)
    path_inputs, path_notes = _path_inputs(p, ls, values["prior_income"])
    notes += path_notes
    default_exit = None
    if s.period.exit_month is not None:
        dm = parse_month(s.period.exit_month)
        default_exit = dm.year * 12 + dm.month - 1
    exit_idx = _fill(EXIT_FILL, p.exit_month, np.ones(len(p), dtype=bool), default_exit, p, problems, notes, shown=s.period.exit_month)
    household, household_notes = _household(p, s)
    employer, employer_note = _employer(p, s)
    notes.append(employer_note)
    if problems:
        raise InputError(problems, _("{file}: values needed for the calculation are missing").format(file=p.file))
    age = values["age"]
    return {
        "age": age,
        "newly_arrived": values["newly_arrived"] == 1,
        "extent": values["extent"],
        "months_unemployed": values["months_unemployed"],
        "wage": values["wage"],
        "exit_index": exit_idx,
        "birth_year": exit_idx // 12 - age,
        "prior_income": values["prior_income"],
        **path_inputs,
        "adults": household["adults"],
        "child_birth_year": exit_idx[:, None] // 12 - household["children"],
        "children_ages": household["children"],
        "employer": employer,
    }, notes + household_notes


EMPLOYER_NOTE = N_("employer missing, scenario default {default} used (participant_defaults.employer)")


def _employer(p: Participants, s) -> tuple[np.ndarray, Note]:
    """Each participant's employer as an index into actors.EMPLOYERS (the scenario default where
    empty), and the note counting the rows in a work state that took the default."""
    default = s.participant_defaults.employer
    given = p.employer != ""
    codes = np.full(len(p), EMPLOYERS.index(default), dtype=np.int64)
    for k, kind in enumerate(EMPLOYERS):
        codes[given & (p.employer == kind)] = k
    work = [sid for sid, state in st.STATES.items() if state.kind in ("work", "subsidised_work")]
    in_work = np.isin(p.state_codes.used, st.codes_of(work))
    return codes, counted(int((in_work & ~given).sum()), EMPLOYER_NOTE, default=default)


def _path_inputs(p: Participants, ls: LoadedScenario, prior_income: np.ndarray) -> tuple[dict[str, np.ndarray], list[Note]]:
    """months_in_state (the scenario default where empty; for a-kassa rows the deprecated
    benefits.a_kassa_months_before when a scenario sets it), housing_cost (NaN: not modelled) and
    the right to a-kassa, with their notes."""
    d = ls.scenario.participant_defaults
    missing = np.isnan(p.months_in_state)
    legacy = "benefits.a_kassa_months_before" not in ls.defaults_used  # given by the scenario
    codes = p.state_codes
    a_kassa_legacy = missing & (codes.before == st.CODES["a_kassa"]) & legacy
    months = np.where(missing, d.months_in_state, p.months_in_state)
    months = np.where(a_kassa_legacy, ls.scenario.benefits.a_kassa_months_before, months)
    housing_default = np.nan if d.housing_cost is None else d.housing_cost
    housing = np.where(np.isnan(p.housing_cost), housing_default, p.housing_cost)
    right = (codes.before == st.CODES["a_kassa"]) | (codes.used == st.CODES["a_kassa"]) | (np.nan_to_num(prior_income) > 0)
    programme = st.codes_of(("aktivitetsstod", "utvecklingsersattning"))
    in_programme = np.isin(codes.before, programme) | np.isin(codes.used, programme)
    notes = [
        counted(int((missing & ~a_kassa_legacy).sum()), MONTHS_IN_STATE_NOTE, months=Num(d.months_in_state)),
        counted(int(a_kassa_legacy.sum()), AKASSA_BEFORE_NOTE, months=Num(ls.scenario.benefits.a_kassa_months_before)),
        counted(int((np.isnan(p.housing_cost) & ~np.isnan(housing)).sum()), HOUSING_NOTE, cost=Num(float(np.nan_to_num(housing_default)))),
        counted(int(np.isnan(housing).sum()), NO_HOUSING_NOTE),
        counted(int((right & in_programme).sum()), A_KASSA_RIGHT_NOTE),
    ]
    return {"months_in_state": months.astype(float), "housing_cost": housing, "a_kassa_right": right}, notes


def _state_notes(p: Participants, s) -> list[Note]:
    codes = p.state_codes
    return [counted(int((np.isin(codes.before, st.codes_of(states)) | np.isin(codes.used, st.codes_of(states))).sum()), text,
                    **({"membership": s.benefits.a_kassa_membership} if "{membership}" in text else {})) for states, text in STATE_NOTES]


def _household(p: Participants, s) -> tuple[dict[str, np.ndarray], list[Note]]:
    """Adults and the children's ages (scenario defaults where empty), and the notes on the household."""
    d = s.participant_defaults
    adults = np.where(np.isnan(p.adults), d.adults, p.adults)
    k = max(p.children_ages.shape[1], len(d.children_ages))
    children = np.full((len(p), k), np.nan)
    children[:, : p.children_ages.shape[1]] = p.children_ages
    children[~p.children_given, : len(d.children_ages)] = d.children_ages
    n_couples, n_with_children = int((adults == 2).sum()), int((~np.isnan(children)).any(axis=1).sum())
    notes = [
        Note(HOUSEHOLD_NOTE, {"singles": len(p) - n_couples, "couples": n_couples, "count": n_with_children}, shown_by=None),
        counted(int(np.isnan(p.adults).sum()), ADULTS_NOTE, adults=Num(d.adults)),
        counted(int((~p.children_given).sum()), CHILDREN_NOTE, ages=" ".join(map(str, d.children_ages)) or Msg(N_("none"))),
        counted(n_couples, PARTNER_NOTE),
        Note(CHILDREN_AGE_NOTE, {"count": n_with_children}),
    ]
    return {"adults": adults, "children": children}, notes


def local_rates(p: Participants, grid: ExitGrid, ls: LoadedScenario, book: RuleBook) -> dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(kommun, region, begravning) rates per participant for each calendar year of the grid: the
    participant's municipality, else the scenario's rates, else the year's national averages."""
    s = ls.scenario
    out = {}
    problems: list[Problem] = []
    where, names = p.municipalities  # hash-based: no sort of a million strings
    for year in grid.years:
        day = s.period.rules_date or dt.date(year, 1, 1)
        loaded = book.year_for(day.year)[0]
        lt = loaded.rules.local_tax
        if isinstance(s.local_tax, LocalRates):
            base = (s.local_tax.kommun / 100, s.local_tax.region / 100, s.local_tax.begravning / 100)  # the scenario's percent
        else:
            base = (lt.average_kommun_rate.at(day), lt.average_region_rate.at(day), lt.begravning_rate.at(day))
        table = np.tile(np.array(base, dtype=float), (len(names), 1))  # per distinct name: kommun, region, begravning
        for j, name in enumerate(names):
            if name == "":
                continue
            m = book.municipality(loaded, name)
            if m is None:
                if year == grid.years[0]:
                    problems += _unknown_municipality(p, book, loaded, name)
                continue
            table[j] = (m.kommun_rate, m.region_rate, m.begravning_rate)
        out[year] = tuple(table[:, i].copy()[where] for i in range(3))
    if problems:
        raise InputError(problems, _("{file}: unknown municipalities").format(file=p.file))
    return out


def _unknown_municipality(p: Participants, book: RuleBook, loaded, name: str) -> list[Problem]:
    guess = book.suggest_municipality(loaded, name)
    hint = "; " + _("did you mean {guess}?").format(guess=repr(guess)) if guess else ""
    path = loaded.municipalities_path or f"rules/municipalities/{loaded.rules.year}.csv"
    path = bundled_relative(path) or path  # the bundled table by its place in the package, not the install path
    why = _("municipality not found in {path}").format(path=path) + hint
    return [Problem(p.file, why, row=int(row), column="municipality", value=name)
            for row in p.rows[p.municipality == name][:20]]


def check_scenario_choices(p: Participants, duration: np.ndarray, ls: LoadedScenario) -> None:
    """Scenario values the participants make necessary: raise, naming the key, when one is missing."""
    s = ls.scenario
    problems: list[Problem] = []
    if s.forsorjningsstod.reasonable_costs is None:  # every run tops incomes up to the norm
        problems.append(Problem(str(ls.path), _("forsorjningsstod.reasonable_costs must be set: the försörjningsstöd norm is the riksnorm plus "
                                                "reasonable costs (housing etc.) in SEK/month, e.g. 6500 as in Ramboll 2022"),
                                column="forsorjningsstod.reasonable_costs", value="null"))
    lonebidrag = p.state_codes.after == st.CODES["lonebidrag"]
    if lonebidrag.any() and s.subsidies.lonebidrag_share is None:
        at = p.rows[lonebidrag]
        rows = ", ".join(str(r) for r in at[:10]) + (" …" if len(at) > 10 else "")
        problems.append(Problem(str(ls.path), ngettext(
            "{count} participant goes to lonebidrag (row {rows}) but the scenario does not say which share of the lönekostnad the "
            "subsidy pays (decided per person by Arbetsförmedlingen)",
            "{count} participants go to lonebidrag (rows {rows}) but the scenario does not say which share of the lönekostnad the "
            "subsidy pays (decided per person by Arbetsförmedlingen)", len(at)).format(count=Num(len(at)), rows=rows),
            column="subsidies.lonebidrag_share", value="null"))
    ends_in_horizon = np.isfinite(duration) & (duration < s.period.horizon_months)
    if ends_in_horizon.any() and s.persistence.keep_job_probability is None:
        rows = ", ".join(str(r) for r in p.rows[ends_in_horizon][:10]) + (" …" if ends_in_horizon.sum() > 10 else "")
        ending = int(ends_in_horizon.sum())
        problems.append(Problem(
            str(ls.path), ngettext("{count} participant's subsidised job ends inside the {horizon}-month horizon (participant row {rows}); "
                                   "set the share who keep the job unsubsidised afterwards (0–1) — the rest fall back to their before state",
                                   "{count} participants' subsidised jobs end inside the {horizon}-month horizon (participant rows {rows}); "
                                   "set the share who keep the job unsubsidised afterwards (0–1) — the rest fall back to their before state",
                                   ending).format(count=Num(ending), horizon=s.period.horizon_months, rows=rows),
            column="persistence.keep_job_probability", value="null"))
    if problems:
        raise InputError(problems, _("the scenario must say more for these participants"))


def check_children(p: Participants, inputs: dict, grid: ExitGrid, mr: MonthRules, ls: LoadedScenario) -> None:
    """Children's ages are checked against the riksnorm table in force in each participant's exit month."""
    children = inputs["children_ages"]
    oldest_by_month = np.zeros(len(mr))
    for months, bands in mr.groups("transfers.forsorjningsstod.riksnorm_personal_children"):
        oldest_by_month[months] = max(b.max_age for b in bands)
    oldest = oldest_by_month[grid.exit_index]
    bad = np.flatnonzero((children > oldest[:, None]).any(axis=1))
    if not bad.size:
        return
    problems = []
    for i in bad[:20]:
        ages = " ".join(f"{a:.0f}" for a in children[i][~np.isnan(children[i])])
        why = _("a child older than {oldest}: the riksnorm (transfers.forsorjningsstod.riksnorm_personal_children) counts children "
                "up to {oldest} (hemmavarande skolungdom); an older child is a household of its own").format(oldest=f"{oldest[i]:.0f}")
        if p.children_given[i]:
            problems.append(Problem(p.file, why, row=int(p.rows[i]), column="children_ages", value=ages))
        else:
            problems.append(Problem(str(ls.path), why + " " + _("(participant row {row})").format(row=p.rows[i]),
                                    column="participant_defaults.children_ages", value=ages))
    raise InputError(problems, _("children too old for the riksnorm"))


def check_states_exist(p: Participants, grid: ExitGrid, mr: MonthRules, duration: np.ndarray) -> None:
    """A state whose rule is absent in some years (extratjänst: no new ones from 2022, rule
    subsidies.extratjanst absent from 2023): a counted month of it without the rule is an input error."""
    sel = p.state_codes.after == st.CODES["extratjanst"]
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
            [Problem(p.file, _("extratjänst does not exist in the rules for {year} (no new extratjänster from 2022; "
                               "rule subsidies.extratjanst is absent) but this participant's horizon reaches it").format(year=year),
                     row=int(r), column="after", value="extratjanst") for r in p.rows[sel][bad][:20]],
            _("extratjänst outside the years it existed"),
        )


def run_notes(p: Participants, duration: np.ndarray, horizon: int, potential_missing: int, ls: LoadedScenario) -> list[Note]:
    """The assumptions a run adds to those of the inputs (every note made, whatever its count)."""
    s = ls.scenario
    notes: list[Note] = [Note(N_("the potential (everyone in unsubsidised work) is not computed: some participants have no wage and the "
                                 "scenario sets no wages.default"), {"count": potential_missing})]
    ends_in_horizon = np.isfinite(duration) & (duration < horizon)
    keep_p = s.persistence.keep_job_probability
    ended = np.bincount(p.state_codes.after[ends_in_horizon], minlength=len(st.IDS))
    by_state = {sid: int(ended[st.CODES[sid]]) for sid in sorted(st.IDS[k] for k in np.flatnonzero(ended))}
    if keep_p is None:  # no job ends (a scenario without the choice is refused when one does)
        singular, plural = NN_("{count} participant's subsidised job ends inside the horizon ({detail}); afterwards the participant falls "
                               "back to the before state (persistence.keep_job_probability)",
                               "{count} participants' subsidised jobs end inside the horizon ({detail}); afterwards they fall back to their "
                               "before state (persistence.keep_job_probability)")
        args = {}
    else:
        singular, plural = NN_("{count} participant's subsidised job ends inside the horizon ({detail}); afterwards {keep:.0%} keep the job "
                               "unsubsidised and {fall:.0%} fall back to their before state (persistence.keep_job_probability)",
                               "{count} participants' subsidised jobs end inside the horizon ({detail}); afterwards {keep:.0%} keep the job "
                               "unsubsidised and {fall:.0%} fall back to their before state (persistence.keep_job_probability)")
        args = {"keep": Num(keep_p), "fall": Num(1 - keep_p)}
    notes.append(Note(singular, {"count": int(ends_in_horizon.sum())}, by_state, args=args, plural=plural))
    if s.persistence.monthly_dropoff > 0:
        notes.append(always(N_("each month {share:.1%} of those still in the after state fall back to the before state "
                               "(persistence.monthly_dropoff)"), share=Num(s.persistence.monthly_dropoff)))
    for col, values in (("before_amount", p.before_amount), ("after_amount", p.after_amount)):
        notes.append(counted(int(np.isfinite(values).sum()), N_("observed monthly försörjningsstöd ({column}) used instead of the modelled "
                                                              "top-up (see the per-participant table)"), column=col))
    for sid, per_actor in s.unit_costs.items():
        costs = ", ".join(_("{actor} {amount:,.0f} SEK per person-month").format(actor=a, amount=Num(v)) for a, v in per_actor.items())
        notes.append(always(N_("unit cost in {state}: {costs} (scenario unit_costs; real resource use, category enhetskostnad_<actor>)"),
                            state=sid, costs=costs))
    return notes
