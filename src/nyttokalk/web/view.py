"""What the page shows of an outcome, as plain rows for the templates: the summary per actor, the
chart, the comparison, the problem table. The actors are those of the result, in the order of
nyttokalk.actors.ALL (an actor added later appears without a change here); every word comes from
reports.labels or the page's texts."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..actors import ALL, PUBLIC
from ..reports.labels import labels
from . import MAX_SHOWN_PROBLEMS, choices
from .chart import chart
from .flow import ORIGINAL, Outcome, bundled, problem_rows, shown_text
from .texts import texts


@dataclass(frozen=True)
class Cell:
    text: str
    value: str = ""  # the figure as run --json gives it (rounded to öre), for scripts and tests: data-value


@dataclass
class Row:
    actor: str
    label: str
    cells: list[Cell]
    public: bool = False


@dataclass
class FieldView:
    key: str
    label: str
    help: str
    unit: str
    value: str
    default: str
    kind: str = "text"  # "yesno": a choice of yes or no


@dataclass
class Page:
    lang: str
    T: dict
    L: object
    scenarios: list[tuple[str, str]]
    scenario: str
    basis: str
    compare: str
    fields: list[FieldView]
    funding: list[FieldView]
    funding_default: str
    result_id: str | None = None
    outcome: Outcome | None = None
    summary: list[Row] = field(default_factory=list)
    summary_line: str = ""
    chart: object = None
    comparison: list[Row] = field(default_factory=list)
    comparison_labels: list[str] = field(default_factory=list)
    difference_label: str = ""
    differences: list[tuple[str, str, str]] = field(default_factory=list)
    changed: list[tuple[str, str, str, str]] = field(default_factory=list)  # (label, key, scenario's value, value used)
    problems: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    problem_summary: str = ""
    more_problems: int = 0
    message: tuple[str, str] | None = None  # (title, text) of a page-level message
    token_login: bool = False
    equalisation: list[Row] = field(default_factory=list)  # kommun and region: first year before and after utjämning
    society: list[Row] = field(default_factory=list)  # samhällsekonomi: each component, first year and whole horizon
    assumptions: list[str] = field(default_factory=list)  # the first run's, in the page's language
    warnings: list[str] = field(default_factory=list)


def actors_of(result) -> list[str]:
    """The result's actors in the order of actors.ALL, then any the list does not know yet."""
    present = list(result.first_year)
    return [a for a in ALL if a in present] + [a for a in present if a not in ALL]


def _money(x, L) -> Cell:
    return Cell(L.sek(x), "" if x is None else repr(round(float(x), 2)))


def payback_text(pb, key: str, L, T) -> str:
    """A payback in words: n months, not reached, no cost, no share."""
    if pb is None or pb.status == "no_share":
        return T["no_share"]
    if pb.status == "no_cost":
        return L["no_cost"]
    return L.months(getattr(pb, key))


def _payback(pb, key: str, L, T) -> Cell:
    value = "" if pb is None or pb.cost is None or not pb.cost else ("null" if getattr(pb, key) is None else str(getattr(pb, key)))
    return Cell(payback_text(pb, key, L, T), value)


def summary(result, L, T) -> list[Row]:
    rows = []
    for a in actors_of(result):
        pb = result.payback.get(a)
        h = result.horizon
        cells = [_money(result.first_year.get(a), L), _money(h.undiscounted.get(a), L), _money(h.discounted.get(a), L),
                 _money(pb.cost if pb is not None else None, L) if pb is not None and pb.cost is not None else Cell(T["no_share"], ""),
                 _payback(pb, "simple", L, T), _payback(pb, "discounted", L, T)]
        rows.append(Row(a, L[a], cells, a == PUBLIC))
    return rows


def equalisation_rows(result, L) -> list[Row]:
    """The kommun's and the region's first-year effect before and after kommunalekonomisk
    utjämning, and what it moves (empty when the run has no utjämning)."""
    before, after = result.first_year_before_equalisation or {}, result.first_year
    rows = []
    for a in ("kommun", "region"):
        if a in before and a in after and abs(before[a] - after[a]) > 0.005:
            rows.append(Row(a, L[a], [_money(before[a], L), _money(after[a], L), _money(after[a] - before[a], L)], False))
    return rows


SOCIETY_PARTS = ("production", "resources", "displacement", "total", "project_cost", "total_after_project_cost")  # costs shown as they are, labelled "−"


def society_rows(result, T, L) -> list[Row]:
    """Samhällsekonomi: each component over the first year and the whole horizon (undiscounted)."""
    s = result.society or {}
    first, horizon = s.get("first_year", {}), s.get("horizon", {})
    rows = []
    for part in SOCIETY_PARTS:
        if part in first or part in horizon:
            rows.append(Row(part, T[f"society.{part}"], [_money(first.get(part), L) if part in first else Cell("", ""),
                                                          _money(horizon.get(part), L)], part.startswith("total")))
    return rows


def summary_line(result, L) -> str:
    return L.summary_line(result.meta)


def narrative(result, lang: str) -> tuple[list[str], list[str]]:
    """The run's assumptions and warnings in `lang`: as computed, or stated again from the kept
    engine result when the page is shown in another language than the run was made in."""
    if result.lang == lang or result.engine is None or result.scenario is None:
        return list(result.assumptions), list(result.warnings)
    from ..analysis import narrative as stated
    from ..i18n import language

    with language(lang):
        return stated(result.engine, result.scenario)


def comparison(runs, L, T) -> list[Row]:
    """Per actor: first year, whole horizon and payback of each run, and the difference (second − first)."""
    a_res, b_res = runs[0].result, runs[1].result
    acts = actors_of(a_res) + [x for x in actors_of(b_res) if x not in actors_of(a_res)]
    rows = []
    for a in acts:
        for key, get in (("compare.first_year", lambda r: r.first_year.get(a)), ("compare.horizon", lambda r: r.horizon.undiscounted.get(a))):
            x, y = get(a_res), get(b_res)
            diff = None if x is None or y is None else y - x
            rows.append(Row(a, T[key].format(actor=L[a]), [_money(x, L), _money(y, L), _money(diff, L)], a == PUBLIC))
        pa, pb = a_res.payback.get(a), b_res.payback.get(a)
        if (pa is not None and pa.cost is not None) or (pb is not None and pb.cost is not None):
            rows.append(Row(a, T["compare.payback"].format(actor=L[a]), [_payback(pa, "simple", L, T), _payback(pb, "simple", L, T), Cell("")],
                            a == PUBLIC))
    return rows


def _flat(d: dict, prefix: str = "") -> dict[str, object]:
    out = {}
    for k, v in d.items():
        if isinstance(v, dict) and v and all(isinstance(x, str) for x in v):
            out.update(_flat(v, f"{prefix}{k}."))
        else:
            out[f"{prefix}{k}"] = v
    return out


def differences(runs) -> list[tuple[str, str, str]]:
    """(key, first value, second value) of the scenario keys that differ (name and participants left out)."""
    a = _flat(runs[0].result.scenario.scenario.model_dump(mode="json"))
    b = _flat(runs[1].result.scenario.scenario.model_dump(mode="json"))
    keys = list(a) + [k for k in b if k not in a]
    return [(k, _show(a.get(k, "—")), _show(b.get(k, "—"))) for k in keys
            if k not in ("name", "participants") and a.get(k, "—") != b.get(k, "—")]


def _show(v) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _funding_text(shares, L, T) -> str:
    if not shares:
        return T["default.unset"]
    return ", ".join(f"{L[a]} {choices.shown(v, 'percent', L.lang)} %" for a, v in shares.items())


def changed(outcome: Outcome, lang: str, T, L) -> list[tuple[str, str, str, str]]:
    """(label, key, the scenario's value, the value used) of every choice the person changed."""
    before = choices.defaults(outcome.basis, lang)
    units = {f.key: f.unit for f in choices.FIELDS}
    rows = []
    for key, value in outcome.changed.items():
        if key == choices.FUNDING:
            rows.append((T["field.project.funding"], key, _funding_text(choices.scenario_value(outcome.basis, key), L, T), _funding_text(value, L, T)))
            continue
        unit = T[f"unit.{units[key]}"]
        old = f"{before[key]} {unit}".strip() if before.get(key) else T["default.unset"]
        rows.append((T[f"field.{key}"], key, old, f"{choices.shown(value, units[key], lang)} {unit}".strip()))
    return rows


def fields(values: dict[str, str], basis: dict, lang: str, T) -> tuple[list[FieldView], list[FieldView], str]:
    """The form's fields (values as typed or used, defaults from the scenario) and the funding group."""
    defaults = choices.defaults(basis, lang) if basis else {}
    unset = T["default.unset"]

    def view(f, label: str, help_: str) -> FieldView:
        shown = defaults.get(f.key, "")
        return FieldView(f.key, label, help_, T[f"unit.{f.unit}"], values.get(f.key, shown), (f"{shown} {T['unit.' + f.unit]}".strip() if shown else unset),
                         "yesno" if f.unit == "yesno" else "text")

    main = [view(f, T[f"field.{f.key}"], T[f"help.{f.key}"]) for f in choices.FIELDS]
    L = labels(lang)
    funding = [view(f, L[f.actor], "") for f in choices.FUNDING_FIELDS]
    given = [f"{L[f.actor]} {defaults[f.key]} %" for f in choices.FUNDING_FIELDS if defaults.get(f.key)]
    return main, funding, ", ".join(given) or unset


def page(lang: str, *, scenario: str = "example", outcome: Outcome | None = None, result_id: str | None = None,
         values: dict[str, str] | None = None, basis: dict | None = None, message: tuple[str, str] | None = None) -> Page:
    """Everything the page template needs: the form, and the outcome if there is one."""
    T, L = texts(lang), labels(lang)
    if outcome is not None:
        scenario = outcome.submission.scenario
        values = outcome.values
        basis = outcome.basis or basis
    main, funding, funding_default = fields(values or {}, basis or {}, lang, T)
    p = Page(lang, T, L, list(bundled(lang)), scenario, outcome.basis_id if outcome is not None else scenario,
             outcome.submission.compare if outcome is not None else "", main, funding, funding_default,
             result_id=result_id, outcome=outcome, message=message)
    if outcome is None:
        return p
    if outcome.error is not None:
        rows = problem_rows(outcome.error, outcome.names)
        p.problems, p.more_problems = rows[:MAX_SHOWN_PROBLEMS], max(0, len(rows) - MAX_SHOWN_PROBLEMS)
        p.problem_summary = shown_text(outcome.error.summary, outcome.names)
        return p
    first = outcome.runs[0].result
    p.summary, p.summary_line = summary(first, L, T), summary_line(first, L)
    p.equalisation, p.society = equalisation_rows(first, L), society_rows(first, T, L)
    p.chart = chart(first, actors_of(first), L, T["chart.title"])
    p.changed = changed(outcome, lang, T, L)
    p.assumptions, p.warnings = narrative(first, lang)
    if len(outcome.runs) == 2:
        p.comparison = comparison(outcome.runs, L, T)
        p.comparison_labels = [r.label for r in outcome.runs]
        p.difference_label = L["compare.difference"].format(a=p.comparison_labels[0], b=p.comparison_labels[1])
        p.differences = differences(outcome.runs)
    return p


__all__ = ["page", "Page", "actors_of", "ORIGINAL"]
