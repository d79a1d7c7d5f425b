"""The Python API: what the command line does, for notebooks and scripts.

    import nyttokalk
    r = nyttokalk.run("participants.csv", "example")
    r.first_year["kommun"], r.payback["offentlig_sektor"].simple, r.per_actor_year

Every function calls the same runner as the command line (runner.py), so a file, a long file, a
folder of files or a DataFrame give the same figures as `nyttokalk run`. Bad input raises
`nyttokalk.InputError`, whose `problems` are the ones the command line prints. See docs/api.md.

Every function takes `lang` ("sv" or "en"; None: the current language, Swedish unless a caller set
another with `nyttokalk.i18n.language`): the language of its problems, assumptions, warnings and labels.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Literal

from .actors import ALL
from .errors import InputError, Problem
from .i18n import _, check_language, language
from .runner import Options, Source, compute, scenario_of, source

if TYPE_CHECKING:
    import pandas as pd

    from .analysis import Analysis
    from .engine import EngineResult
    from .ruleset.loader import LoadedYear, RuleBook
    from .scenario import LoadedScenario, Scenario

ParticipantsLike = "str | Path | pd.DataFrame | None"
ScenarioLike = "str | Path | dict | Scenario | LoadedScenario"


# ---- the result ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Payback:
    """An actor's payback. `cost` is its share of the project cost (None: no funding share, so
    no payback of its own); `simple` and `discounted` are months from the first transition until
    the cumulative effect covers the cost, None when there is none (see `status`)."""

    cost: float | None
    simple: int | None
    discounted: int | None

    @property
    def status(self) -> Literal["no_share", "no_cost", "reached", "not_reached"]:
        """no_share: the actor funds no part of the project; no_cost: its share costs nothing;
        reached / not_reached within the horizon (simple payback)."""
        if self.cost is None:
            return "no_share"
        if self.cost == 0:
            return "no_cost"
        return "reached" if self.simple is not None else "not_reached"


@dataclass(frozen=True)
class Horizon:
    """Effects over the whole horizon per actor (SEK): before deadweight (naive), after it
    (undiscounted, discounted), and the net present value after the actor's cost share."""

    naive: dict[str, float]
    undiscounted: dict[str, float]
    discounted: dict[str, float]
    npv: dict[str, float]


@dataclass(frozen=True)
class Outcome:
    """One type of outcome of the typology (Framtidsutbildning 2014): how many participants, and their share."""

    count: int
    share: float


@dataclass
class Result:
    """The result of one run. Money is SEK; effects are after − before, summed over participants,
    after deadweight unless a name says naive."""

    first_year: dict[str, float]  # each actor and offentlig_sektor: over each participant's first 12 months
    first_year_naive: dict[str, float]  # the same before deadweight
    per_participant_month: dict[str, float]  # first-year effect per participant and month
    payback: dict[str, Payback]
    horizon: Horizon
    typology: dict[str, Outcome]
    per_actor_year: "pd.DataFrame"  # index: year after transition (1 …); columns: (undiscounted | discounted, actor)
    monthly: "pd.DataFrame"  # index: calendar month YYYY-MM; columns: actors; the effect of all participants in that month
    flows: "pd.DataFrame"  # the ledger's categories over the first year: payer, payee, before, after, effect
    assumptions: list[str]
    warnings: list[str]
    meta: dict
    counterfactual: dict
    return_per_krona: dict[str, dict[str, float | None]]
    stat_split: dict[str, float]  # the state's first-year effect by af | fk | csn | statsbudget
    potential: dict[str, float] | None  # first-year effect if everyone reached unsubsidised work (None: not computed)
    first_year_before_equalisation: dict[str, float] = field(default_factory=dict)  # first_year without kommunalekonomisk utjämning
    society: dict[str, dict[str, float]] = field(default_factory=dict)  # samhällsekonomi: first_year, horizon, horizon_discounted
    lang: str = "sv"
    analysis: "Analysis | None" = field(default=None, repr=False)  # the analysis behind it (reports read it)
    engine: "EngineResult | None" = field(default=None, repr=False)
    scenario: "LoadedScenario | None" = field(default=None, repr=False)

    @property
    def per_participant(self) -> "pd.DataFrame":
        """One row per participant: id, states and each actor's first-year effect (after deadweight).
        A dataset's rows wait on disk until asked for."""
        return self.analysis.per_participant.to_frame()

    def to_json(self) -> dict:
        """The object `nyttokalk run --json` prints."""
        return self.analysis.to_json()

    def to_excel(self, path: str | Path, *, lang: str | None = None) -> Path:
        """Write the workbook (the one `nyttokalk run` writes) to `path`, atomically; in `lang`
        (default: the run's language) — the run's assumptions, warnings and flows stated again in it
        when it is another."""
        from .reports.excel import write_workbook

        lang = check_language(lang or self.lang)
        with language(lang):
            a = self.analysis
            if lang != self.lang and self.engine is not None and self.scenario is not None:
                from .analysis import analyse

                a = analyse(self.engine, self.scenario)  # the sums again, the texts in `lang` (no figure changes)
            return write_workbook(a, self.engine, Path(path), scenario=self.scenario, lang=lang, charts=False)


def _per_actor_year(a: "Analysis") -> "pd.DataFrame":
    import pandas as pd

    data = {(kind, actor): [y[kind][actor] for y in a.per_year] for kind in ("undiscounted", "discounted") for actor in ALL}
    frame = pd.DataFrame(data, index=pd.Index([y["year"] for y in a.per_year], name="year"))
    frame.columns = pd.MultiIndex.from_tuples(frame.columns, names=["kind", "actor"])
    return frame


def result_of(a: "Analysis", res: "EngineResult", ls: "LoadedScenario", lang: str | None = None) -> Result:
    """The API's view of an analysis."""
    payback = {x: Payback(pb["cost"], pb["simple"] if pb["cost"] else None, pb["discounted"] if pb["cost"] else None)
               for x, pb in a.payback.items()}
    h = a.horizon
    return Result(
        first_year=dict(a.first_year), first_year_naive=dict(a.first_year_naive), per_participant_month=dict(a.per_participant_month),
        payback=payback, horizon=Horizon(h["naive"], h["undiscounted"], h["discounted"], h["npv"]),
        typology={k: Outcome(int(v["count"]), float(v["share"])) for k, v in a.typology.items()},
        per_actor_year=_per_actor_year(a), monthly=a.monthly, flows=a.by_category, assumptions=list(a.assumptions),
        warnings=list(a.warnings), meta=a.meta, counterfactual=a.counterfactual, return_per_krona=a.return_per_krona,
        stat_split=a.stat_split, potential=a.potential, lang=check_language(lang), analysis=a, engine=res, scenario=ls,
        first_year_before_equalisation=dict(a.first_year_before_equalisation), society={k: dict(v) for k, v in a.society.items()},
    )


# ---- inputs -------------------------------------------------------------------------------------


def _book(rules_dir: str | Path | None) -> "RuleBook":
    from .ruleset.loader import RuleBook

    return RuleBook(Path(rules_dir).expanduser() if rules_dir is not None else None)


def load(scenario: Any = "example", *, lang: str | None = None) -> "LoadedScenario":
    """A scenario: a bundled name, a path (file or folder), a dict of its keys (merged over
    scenarios/defaults.yaml) or a Scenario, validated; its problems in `lang`."""
    with language(lang):
        return scenario_of(scenario)


# ---- the functions ------------------------------------------------------------------------------


def run(participants: Any = None, scenario: Any = "example", *, rules_dir: str | Path | None = None, lang: str | None = None,
        progress: Callable[[int, int], None] | None = None, id_key: str | None = None, keep_ids: bool = False,
        chunk_size: int | None = None, workers: int | None = None, use_dask: bool = False) -> Result:
    """Compute per-actor effects and payback, as `nyttokalk run` does.

    participants: a participant file (CSV, XLSX, Parquet), a folder of them, a pandas DataFrame
    with the same columns, or None for the scenario's own file. scenario: a bundled name, a
    path, a dict of scenario keys (merged over scenarios/defaults.yaml) or a Scenario.
    rules_dir: a folder of rule years of your own (default: the bundled rules).
    progress(done, total) is called as the work proceeds. lang: the language of the problems,
    assumptions, warnings and labels (None: the current language)."""
    from .analysis import analyse

    lang = check_language(lang)
    with language(lang):
        ls = scenario_of(scenario)
        opts = Options(id_key=id_key, keep_ids=keep_ids, chunk_size=chunk_size, workers=workers, use_dask=use_dask)
        res = compute(source(participants, ls), ls, book=_book(rules_dir), opts=opts, progress=progress)
        return result_of(analyse(res, ls), res, ls, lang)


def compare(scenarios: list[Any], participants: Any = None, *, rules_years: list[int] | None = None, lang: str | None = None,
            id_key: str | None = None):
    """Scenarios (or one scenario under several rule years) side by side on the same participants,
    as `nyttokalk compare` does. Returns a Comparison: `.figures` (key figures of every variant),
    `.assumptions` and `.rules` (only what differs), `.variants`, `.to_json()`."""
    from .commands import compare as cmp

    lang = check_language(lang)
    with language(lang):
        return cmp.compare(list(scenarios), list(rules_years or []), participants, id_key, lang)


def sensitivity(participants: Any = None, scenario: Any = "example", *, vary: list[str] | None = None, samples: int = 200,
                seed: int = 1, id_key: str | None = None, progress: Callable[[int, int], None] | None = None, lang: str | None = None):
    """Tornado and Monte Carlo over scenario assumptions, as `nyttokalk sensitivity` does. vary:
    specs like "discount_rate=0:7" or "wages.default=-10%:+10%" (default: the command's ranges).
    Returns a Sensitivity: `.tornado` (rows), `.percentiles`, `.to_json()`."""
    from .commands import sensitivity as sens

    with language(lang):
        return sens.sensitivity(scenario, participants, list(vary or []), samples, seed, id_key, progress=progress)


def tax(year: int, annual_income: float | None = None, *, monthly_income: float | None = None, municipality: str | None = None,
        local_rate: float | None = None, begravning: float | None = None, age: int | None = None, jsa: bool = True,
        pension_fee: bool = True, temporary_reduction: bool = True, lang: str | None = None) -> dict:
    """The income tax for one income, every component, as `nyttokalk tax --json` prints it.
    local_rate and begravning in percent; age at the start of the year."""
    from .commands.tax import TaxRequest, compute as compute_tax

    with language(lang):
        if (annual_income is None) == (monthly_income is None):
            raise InputError([Problem("tax", _("give exactly one of annual_income and monthly_income"))], _("bad tax request"))
        req = TaxRequest(year, annual_income, [monthly_income] if monthly_income is not None else [], local_rate, begravning, municipality,
                         age, jsa, pension_fee, temporary_reduction, None, None)
        return compute_tax(req)[0]


@dataclass(frozen=True)
class Rules:
    """The rules of one year: `value(path, day)` in force, `leaf(path)` with its unit, reference and
    status, `table()` every leaf as a DataFrame."""

    loaded: "LoadedYear"

    @property
    def year(self) -> int:
        return self.loaded.rules.year

    @property
    def projected_from(self) -> int | None:
        return self.loaded.projected_from

    def leaf(self, path: str):
        from .commands.rules import select

        hits = select(self.loaded.rules, path)
        if path not in hits:
            raise InputError([Problem(_("rules {year}").format(year=self.year), _("no such rule leaf"), column=path)], _("no such rule"))
        return hits[path]

    def value(self, path: str, day: dt.date | None = None):
        """The value in force on `day` (default: 1 January of the year); percent leaves as fractions."""
        return self.leaf(path).at(day or dt.date(self.year, 1, 1))

    def table(self) -> "pd.DataFrame":
        import pandas as pd

        from .ruleset.schema import iter_leaves

        rows = []
        for path, leaf in iter_leaves(self.loaded.rules):
            for day, value in leaf.dated_values():
                rows.append({"path": ".".join(path), "valid_from": day, "value": value, "unit": leaf.unit, "status": leaf.status,
                             "reference": leaf.reference.title + (f", {leaf.reference.section}" if leaf.reference.section else ""),
                             "url": leaf.reference.url})
        return pd.DataFrame(rows)


def rules(year: int, *, rules_dir: str | Path | None = None, lang: str | None = None) -> Rules:
    """The rules of a year (a year after the newest rules file: the newest carried forward, projected)."""
    with language(lang):
        return Rules(_book(rules_dir).year_for(year)[0])


__all__ = ["run", "compare", "sensitivity", "tax", "rules", "load", "Result", "Payback", "Horizon", "Outcome", "Rules",
           "InputError", "Problem", "Options", "Source"]
