"""Scenario: the assumptions an evaluator argues about, merged over scenarios/defaults.yaml."""

from __future__ import annotations

import copy
import difflib
import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import InputError, Problem
from .i18n import Num as Number
from .i18n import _, current
from .limits import (BEGRAVNING_RATE_MAX, KOMMUN_RATE_MAX, MAX_FULL_TIME_WAGE, MAX_PROJECTION_YEARS, MIN_FULL_TIME_WAGE,
                     REGION_RATE_MAX, exit_years, rule_years)
from .paths import scenarios_dir
from .privacy import mask
from .states import STATES, normalise_state
from .yamlio import YamlDoc, load_yaml, pydantic_problems

from .actors import FUNDERS, ACTORS, EMPLOYERS, PUBLIC_ACTORS, UNIT_COST_PAYERS, normalise_employer  # noqa: F401  (re-exported: older imports)

_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


class Strict(BaseModel):
    # nan and inf are refused in every number of a scenario (allow_inf_nan), true/false where a number belongs (Num, Int)
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def _not_bool(value):
    if isinstance(value, bool):
        raise ValueError(_("expected a number, not {value}").format(value=str(value).lower()))
    return value


Num = Annotated[float, BeforeValidator(_not_bool)]  # a finite number (the models refuse nan and inf)
Int = Annotated[int, BeforeValidator(_not_bool)]


def parse_month(value: str) -> dt.date:
    if not isinstance(value, str) or not _MONTH.match(value):
        raise ValueError(_("expected a month as YYYY-MM"))
    y, m = value.split("-")
    return dt.date(int(y), int(m), 1)


def _year_in(year: int, what: str, earliest: int | None, latest: int | None) -> None:
    if (earliest is not None and year < earliest) or (latest is not None and year > latest):
        raise ValueError(_("{what} must fall in {earliest}–{latest} (rules years with at most {years} projected years; see 'What "
                           "nyttokalk promises' in docs/user-guide.md)").format(what=what, earliest=earliest, latest=latest,
                                                                                years=MAX_PROJECTION_YEARS))


class Period(Strict):
    exit_month: str | None
    horizon_months: Int = Field(ge=1, le=600)
    rules_date: dt.date | None

    @field_validator("exit_month")
    @classmethod
    def _month(cls, v):
        if v is not None:
            if not _MONTH.match(str(v)):
                raise ValueError(_("expected a month as YYYY-MM"))
            _year_in(int(str(v)[:4]), _("the exit month"), *exit_years())
        return v

    @field_validator("rules_date")
    @classmethod
    def _rules_date(cls, v):
        if v is not None and (years := rule_years()) is not None:
            _year_in(v.year, "rules_date", years[0], exit_years()[1])
        return v


class ParticipantDefaults(Strict):
    age: Int | None = Field(ge=15, le=100)
    newly_arrived: bool
    months_unemployed: Int | None = Field(ge=0)
    extent: Num = Field(gt=0, le=1)
    prior_income: Num | None = Field(ge=0)
    adults: Annotated[Literal[1, 2], BeforeValidator(_not_bool)]  # household for försörjningsstöd: 1 ensamstående, 2 sambor
    children_ages: list[Annotated[Int, Field(ge=0, le=30)]]  # ages at the exit month; [] = no children
    months_in_state: Int = Field(ge=0, le=600)  # months already in the before state at the exit (its path)
    housing_cost: Num | None = Field(ge=0)  # SEK/month for bostadsbidrag and bostadsersättning; None = not modelled
    employer: Literal[EMPLOYERS]  # who employs in a work state: privat, kommun, region, stat, ideell

    @field_validator("employer", mode="before")
    @classmethod
    def _employer(cls, v):
        return normalise_employer(v) or v  # Swedish spellings and any case; an unknown word fails with the allowed ones


class Wages(Strict):
    default: Num | None = Field(ge=MIN_FULL_TIME_WAGE, le=MAX_FULL_TIME_WAGE)
    extratjanst: Num | None = Field(ge=MIN_FULL_TIME_WAGE, le=MAX_FULL_TIME_WAGE)
    holiday_pay: bool


class LocalRates(Strict):
    kommun: Num = Field(ge=0, le=KOMMUN_RATE_MAX)
    region: Num = Field(ge=0, le=REGION_RATE_MAX)
    begravning: Num = Field(ge=0, le=BEGRAVNING_RATE_MAX)


class Forsorjningsstod(Strict):
    # SEK/month for every household, or by household size {1: 6500, 3: 8000}: the largest size ≤ the household's
    reasonable_costs: Annotated[Num, Field(ge=0)] | dict[Annotated[Int, Field(ge=1)], Annotated[Num, Field(ge=0)]] | None
    jobbstimulans: bool  # the särskild beräkningsregel (25 % of earned income not counted) for long-term recipients

    @field_validator("reasonable_costs")
    @classmethod
    def _sizes(cls, v):
        if isinstance(v, dict) and 1 not in v:
            raise ValueError(_("reasonable costs by household size must start at 1 person, e.g. {example}").format(
                example="{1: 6500, 2: 7500, 3: 8500}"))
        return v


class Benefits(Strict):
    weeks_per_year: Num = Field(gt=0, le=53)
    utvecklingsersattning_level: Literal["higher", "lower"]
    a_kassa_membership: Literal["member", "short_member", "non_member"]
    a_kassa_months_before: Int = Field(ge=0, le=600)


class Paths(Strict):
    """How the before states run over the horizon (docs/method.md 2.5)."""

    static: bool  # hold the before level of the exit month for the whole horizon, no benefit ends (static calculators)
    after_etablering: Literal["forsorjningsstod", "aktivitetsstod", "ingen_ersattning"]
    after_aktivitetsersattning: Literal["sjukpenning_sarskilda_fall", "sjukersattning", "forsorjningsstod", "aktivitetsstod"]


class Prices(Strict):
    mode: Literal["fixed", "nominal"]  # fixed: flows in the base year's prices (KPI), real discount rate; nominal: as paid
    base_year: Int | None = Field(ge=2000, le=2100)  # None: the calendar year of the first exit month


class SubsidyChoices(Strict):
    lonebidrag_share: Num | None = Field(ge=0, le=1)


class TaxChoices(Strict):
    temporary_work_reduction: bool


class Fees(Strict):
    public_service: Literal["stat", "kommun", "region"]
    begravning: Literal["stat", "kommun", "region"]


class Persistence(Strict):
    keep_job_probability: Num | None = Field(ge=0, le=1)
    monthly_dropoff: Num = Field(ge=0, lt=1)


class Durations(Strict):
    introduktionsjobb: Int | None = Field(ge=1, le=600)
    nystartsjobb: Int | None = Field(ge=1, le=600)
    extratjanst: Int | None = Field(ge=1, le=600)


class ComparisonGroup(Strict):
    moved_share: Num = Field(ge=0, le=1)  # share of the comparison group that made the move without the project
    participants_moved_share: Num | None = Field(default=None, gt=0, le=1)  # null = from the participant file (after ≠ before)


class Counterfactual(Strict):
    deadweight: Num = Field(ge=0, le=1)
    comparison_group: ComparisonGroup | None = None

    @model_validator(mode="after")
    def _one_source(self) -> "Counterfactual":
        if self.comparison_group is not None and self.deadweight:
            raise ValueError(_("give either counterfactual.deadweight or counterfactual.comparison_group, not both: "
                               "the comparison group is a way to derive the deadweight"))
        return self


class Production(Strict):
    convention: Literal["consumption_tax", "ramboll"]  # the state's share of production: indirect tax on consumption, or Ramboll's 0.18 markup


class Equalisation(Strict):
    enabled: bool  # kommunalekonomisk utjämning (lag 2004:773 3–7 §§) of the kommun's and the region's tax
    counterpart: Literal["ovriga_kommuner", "stat"]  # who gains what the kommun loses: the other kommuner (the law), or the state


class ActorChoices(Strict):
    pension_system: Literal["separate", "in_state"]  # the pension contributions: to pensionssystemet, or to the state (Ramboll)


def _work_state_shares(name: str, v: dict) -> dict[str, float]:
    """A mapping state id → share for work states, with the state ids normalised."""
    work = [sid for sid, st in STATES.items() if st.kind in ("work", "subsidised_work")]
    out: dict[str, float] = {}
    for key, share in v.items():
        sid = normalise_state(str(key))
        if sid not in work:
            raise ValueError(_("{key}: not a work state; work states: {states}").format(key=f"{name}.{key}", states=", ".join(work)))
        if sid in out:
            raise ValueError(_("{key}: the state {state} is given twice").format(key=f"{name}.{key}", state=repr(sid)))
        out[sid] = float(share)
    return out


class Project(Strict):
    cost: Num = Field(ge=0)
    funding: dict[Literal[FUNDERS], Num] | None

    @field_validator("funding")
    @classmethod
    def _shares(cls, v):
        if v is not None:
            if any(s < 0 for s in v.values()):
                raise ValueError(_("funding shares must not be negative"))
            if abs(sum(v.values()) - 1) > 1e-9:
                raise ValueError(_("funding shares must sum to 1 (they sum to {total:g})").format(total=Number(sum(v.values()))))
        return v


class Scenario(Strict):
    name: str
    title: str
    description: str
    # the texts in English, shown with --lang en (else the Swedish ones above)
    title_en: str | None = None
    description_en: str | None = None
    choices_en: list[str] | None = None
    participants: str | None
    period: Period
    participant_defaults: ParticipantDefaults
    wages: Wages
    local_tax: Literal["average"] | LocalRates
    forsorjningsstod: Forsorjningsstod
    benefits: Benefits
    paths: Paths
    prices: Prices
    subsidies: SubsidyChoices
    tax: TaxChoices
    fees: Fees
    persistence: Persistence
    durations: Durations
    counterfactual: Counterfactual
    discount_rate: Num = Field(ge=0, le=20)
    project: Project
    unit_costs: dict[str, dict[str, Annotated[Num, Field(ge=0)]]]  # state id → actor → SEK per person-month
    production: Production
    productivity: dict[str, Annotated[Num, Field(ge=0, le=2)]]  # work state → share of the lönekostnad produced ({}: the rules')
    displacement: dict[str, Annotated[Num, Field(ge=0, le=1)]]  # work state → share of its production displaced (samhällsekonomi)
    equalisation: Equalisation
    study_loan: Literal["financial", "ramboll"]  # financial: neither the loan nor the claim is booked; ramboll: the loan as income, a claim to the state
    actors: ActorChoices
    choices: list[str]

    @field_validator("name", "title", "description", "choices", "title_en", "description_en", "choices_en")
    @classmethod
    def _no_personnummer(cls, v):
        # a personnummer written into a scenario's texts is masked like an id, so no output shows it
        if v is None:
            return v
        return [mask(x) for x in v] if isinstance(v, list) else mask(v)

    def text(self, key: str) -> str | list[str]:
        """title, description or choices in the current language: the _en key in English when given."""
        english = getattr(self, f"{key}_en") if current() == "en" else None
        return english if english is not None else getattr(self, key)

    @field_validator("productivity")
    @classmethod
    def _productivity_keys(cls, v):
        return _work_state_shares("productivity", v)

    @field_validator("displacement")
    @classmethod
    def _displacement_keys(cls, v):
        return _work_state_shares("displacement", v)

    @field_validator("unit_costs")
    @classmethod
    def _unit_cost_keys(cls, v):
        out: dict[str, dict[str, float]] = {}
        for key, per_actor in v.items():
            sid = normalise_state(str(key))
            if sid not in STATES or sid == "oforandrad":
                guess = difflib.get_close_matches(sid, list(STATES), n=1, cutoff=0.6)
                hint = (_("did you mean {guess}?").format(guess=repr(guess[0])) if guess else
                        _("state ids: {ids}").format(ids=", ".join(x for x in STATES if x != "oforandrad")))
                raise ValueError(_("{key}: unknown state; {hint}").format(key=f"unit_costs.{key}", hint=hint))
            for actor in per_actor:
                if actor not in UNIT_COST_PAYERS:
                    raise ValueError(_("{key}: unit costs are paid by {payers}, not {actor}").format(
                        key=f"unit_costs.{key}.{actor}", payers=", ".join(UNIT_COST_PAYERS), actor=repr(actor)))
            if sid in out:
                raise ValueError(_("{key}: the state {state} is given twice").format(key=f"unit_costs.{key}", state=repr(sid)))
            out[sid] = dict(per_actor)
        return out



class LoadedScenario(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    scenario: Scenario
    path: Path
    sha256: str
    defaults_used: list[str]  # scenario keys left at their default

    @property
    def participants_path(self) -> Path | None:
        if self.scenario.participants is None:
            return None
        return (self.path.parent / self.scenario.participants).resolve()


def resolve_scenario(name_or_path: str | None) -> Path:
    """A scenario given as a path (file or folder) or as the name of a bundled scenario."""
    name_or_path = name_or_path or "example"
    candidate = Path(name_or_path)
    if candidate.is_dir():
        candidate = candidate / "scenario.yaml"
    if candidate.is_file():
        return candidate
    bundled = scenarios_dir() / name_or_path / "scenario.yaml"
    if bundled.is_file():
        return bundled
    names = sorted(p.parent.name for p in scenarios_dir().glob("*/scenario.yaml"))
    raise InputError(
        [Problem(file=name_or_path, problem=_("no such scenario file or bundled scenario; bundled: {names}").format(names=", ".join(names)))],
        _("scenario not found"),
    )


def _merge(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _leaf_paths(d: dict, prefix: str = "") -> list[str]:
    out = []
    for k, v in d.items():
        if isinstance(v, dict) and v:
            out.extend(_leaf_paths(v, f"{prefix}{k}."))
        else:
            out.append(f"{prefix}{k}")
    return out


def _known_keys() -> dict[tuple[str, ...], list[str]]:
    out: dict[tuple[str, ...], list[str]] = {(): list(Scenario.model_fields)}
    for name, f in Scenario.model_fields.items():
        ann = f.annotation
        for cand in getattr(ann, "__args__", ()) + (ann,):
            if isinstance(cand, type) and issubclass(cand, BaseModel):
                out.setdefault((name,), []).extend(cand.model_fields)
    return out


def load_scenario(name_or_path: str | None) -> LoadedScenario:
    path = resolve_scenario(name_or_path)
    doc = load_yaml(path)
    if not isinstance(doc.data, dict):
        raise InputError([doc.problem((), _("a scenario file must be a mapping of keys"))], _("invalid scenario {path}").format(path=path))
    name = path.parent.name if path.name == "scenario.yaml" else path.stem
    return _loaded(doc, path, name, hashlib.sha256(path.read_bytes()).hexdigest())


def scenario_from_dict(data: dict, name: str = "scenario") -> LoadedScenario:
    """A scenario given as a mapping of its keys (the Python API): merged over
    scenarios/defaults.yaml and validated like a file; problems name the key path."""
    import json

    if not isinstance(data, dict):
        raise InputError([Problem("<dict>", _("a scenario must be a mapping of keys"))], _("invalid scenario"))
    path = Path("<dict>")
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str, ensure_ascii=False).encode("utf-8")).hexdigest()
    return _loaded(YamlDoc(path, data, {}), path, name, digest)


def _loaded(doc: YamlDoc, path: Path, name: str, digest: str) -> LoadedScenario:
    """The scenario of `doc` merged over the defaults and validated."""
    defaults_doc = load_yaml(scenarios_dir() / "defaults.yaml")
    given = dict(doc.data)
    given.setdefault("name", name)
    merged = _merge(defaults_doc.data, given)
    try:
        scenario = Scenario.model_validate(merged)
    except ValidationError as exc:
        raise InputError(pydantic_problems(doc, exc, _known_keys()), _("invalid scenario {path}").format(path=path))
    given_paths = set(_leaf_paths(given))
    defaults_used = [p for p in _leaf_paths(defaults_doc.data) if p not in given_paths and not any(g.startswith(p + ".") for g in given_paths)]
    return LoadedScenario(scenario=scenario, path=path, sha256=digest, defaults_used=defaults_used)


def describe(value: Any) -> str:
    if isinstance(value, BaseModel):
        return ", ".join(f"{k}={describe(v)}" for k, v in value.model_dump().items())
    return str(value)


def template() -> str:
    """A commented scenario file: scenarios/defaults.yaml with every key, its default and which
    keys a user must set (marked REQUIRED)."""
    text = (scenarios_dir() / "defaults.yaml").read_text(encoding="utf-8")
    out = [
        "# nyttokalk scenario. Every key is shown with its default (from scenarios/defaults.yaml);",
        "# delete the keys you keep at their default, or leave them: the output lists which defaults",
        "# were used. Keys marked REQUIRED must be set; 'REQUIRED unless …' when the participant",
        "# file has the column for every row. Check with: nyttokalk validate PARTICIPANTS.csv --scenario THIS_FILE",
    ]
    for line in text.splitlines()[2:]:
        if "null = must be set" in line:
            line += "   ← REQUIRED"
        elif "null = the column is required" in line or "null = required for" in line or "null = a wage is required" in line:
            line += "   ← REQUIRED unless every participant row has it"
        out.append(line)
    return "\n".join(out) + "\n"
