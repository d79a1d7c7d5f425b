"""`nyttokalk compare`: scenarios side by side, or one scenario under several rule years.

Each variant is a (scenario, rule year) pair run on the same participants (or on each scenario's
own participant file). The comparison shows the key figures of every variant, and exactly the
scenario assumptions and rule parameters that differ between them, with every variant's value.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from ..analysis import Analysis
from ..errors import InputError, Problem
from ..i18n import _, localise
from ..scenario import LoadedScenario


@dataclass
class Variant:
    label: str
    scenario: LoadedScenario
    rules_year: int | None
    participants_file: object  # a path (file or folder) or a DataFrame
    analysis: Analysis | None = None
    result: object = None
    overridden: list[str] = field(default_factory=list)  # scenario keys set by the command, not the file


def pin_rules_year(ls: LoadedScenario, year: int) -> LoadedScenario:
    """The scenario with period.rules_date = 1 January `year`: every month computed with that
    year's rules (a year after the newest rules file uses projected rules). Built in memory."""
    s = ls.scenario
    period = s.period.model_copy(update={"rules_date": dt.date(year, 1, 1)})
    scenario = s.model_copy(update={"period": period})
    return ls.model_copy(update={"scenario": scenario, "defaults_used": [d for d in ls.defaults_used if d != "period.rules_date"]})


STATE_MAPS = ("productivity", "displacement")  # scenario keys that map a work state to a share ({} = the rules' or none)


def with_values(ls: LoadedScenario, values: dict[str, object], source: str = "--vary") -> LoadedScenario:
    """The scenario with some dotted keys set (e.g. {"wages.default": 23650}), validated again by
    the scenario schema; an unknown key or a value the schema refuses is an InputError."""
    from pydantic import ValidationError

    from ..scenario import Scenario

    data = ls.scenario.model_dump()
    for key, value in values.items():
        node = data
        parts = key.split(".")
        for part in parts[:-1]:
            if not isinstance(node.get(part), dict):
                raise InputError([Problem(file=source, column=key, value=str(value), problem=_("no such scenario key"))], _("unknown scenario key"))
            node = node[part]
        if parts[-1] not in node and ".".join(parts[:-1]) not in STATE_MAPS:  # a map by work state may gain a key
            raise InputError([Problem(file=source, column=key, value=str(value), problem=_("no such scenario key"))], _("unknown scenario key"))
        node[parts[-1]] = value
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        from ..yamlio import pydantic_message

        problems = [Problem(file=source, column=".".join(str(p) for p in e["loc"]) or ",".join(values), value=", ".join(f"{k}={v}" for k, v in values.items()),
                            problem=pydantic_message(e)) for e in exc.errors()]
        raise InputError(problems, _("the varied scenario is not valid"))
    changed = set(values)
    return ls.model_copy(update={"scenario": scenario,
                                 "defaults_used": [d for d in ls.defaults_used if not any(k == d or k.startswith(d + ".") for k in changed)]})


def run_variant(ls: LoadedScenario, src, opts=None):
    """(engine result, analysis) of the scenario on a participant source (runner.Source: a file, a
    long file, a folder or a DataFrame)."""
    from ..analysis import analyse
    from ..runner import Options, compute

    res = compute(src, ls, opts=opts or Options())
    return res, analyse(res, ls)


def participants_for(ls: LoadedScenario, given) -> object:
    """The participants a variant runs on: the given file, folder or DataFrame, else the scenario's own file."""
    if given is not None:
        return given
    if ls.participants_path is None:
        raise InputError([Problem(file=str(ls.path), column="participants",
                                  problem=_("the scenario names no participant file; give one with --participants FILE"))],
                         _("scenario {name} names no participant file").format(name=ls.scenario.name))
    return ls.participants_path


def build_variants(scenarios: list, rules_years: list[int], participants) -> list[Variant]:
    if not scenarios:
        raise InputError([Problem(file=_("command line"), column="SCENARIOS", problem=_("give at least one scenario (name or path)"))],
                         _("nothing to compare"))
    years: list[int | None] = list(dict.fromkeys(rules_years)) or [None]
    if len(scenarios) * len(years) < 2:
        raise InputError([Problem(file=_("command line"), column="SCENARIOS",
                                  problem=_("give two or more scenarios, or one scenario with two or more --rules-year"))], _("nothing to compare"))
    from ..ruleset.loader import RuleBook

    oldest = RuleBook().years[0] if RuleBook().years else None
    for y in years:
        if y is not None and oldest is not None and y < oldest:
            raise InputError([Problem(file="--rules-year", value=str(y), problem=_("no rules before {year}").format(year=oldest))], _("no such rule year"))
    from ..runner import scenario_of

    loaded = [scenario_of(s) for s in scenarios]
    out: list[Variant] = []
    for ls in loaded:
        for y in years:
            v_ls = pin_rules_year(ls, y) if y is not None else ls
            out.append(Variant("", v_ls, y, participants_for(ls, participants), overridden=["period.rules_date"] if y is not None else []))
    return out


def label_variants(variants: list[Variant], L) -> None:
    names = [v.scenario.scenario.name for v in variants]
    one_scenario = len(set(names)) == 1 and len(set(v.rules_year for v in variants)) > 1
    labels_: list[str] = []
    for v in variants:
        rules = L["compare.rules_label"].format(year=v.rules_year) if v.rules_year is not None else None
        if one_scenario and rules:
            text = rules
        else:
            text = v.scenario.scenario.name + (f" · {rules}" if rules else "")
        base, k = text, 2
        while text in labels_:
            text = f"{base} ({k})"
            k += 1
        labels_.append(text)
        v.label = text


def run_all(variants: list[Variant], id_key: str | None) -> None:
    """Run every variant. Each participant source is read once (a file or a DataFrame), with one
    pseudonym key for the whole comparison."""
    from ..runner import Options, source

    opts = Options(id_key=id_key or secrets.token_hex(16))
    sources: dict[object, object] = {}
    for v in variants:
        given = v.participants_file
        k = id(given) if not isinstance(given, (str, Path)) else str(Path(given).resolve())
        if k not in sources:
            sources[k] = source(given)
        v.result, v.analysis = run_variant(v.scenario, sources[k], opts)


# ---- the comparison ----------------------------------------------------------------------------


def _flat_scenario(ls: LoadedScenario) -> dict[str, object]:
    from ..flat import model_leaves, show

    return {k: show(v) for k, v in model_leaves(ls.scenario).items()}


def _rule_values(res) -> dict[str, str]:
    """Every rule leaf of the rule years a run used: key → value (with unit); when the run used
    several years whose values differ, 'YEAR: value' for each."""
    from .rules import format_value, leaf_table

    per_year = {y: leaf_table(l.rules) for y, l in sorted(res.rules_used.items())}
    keys: list[str] = []
    for table in per_year.values():
        keys += [k for k in table if k not in keys]
    out = {}
    for key in keys:
        vals = {y: f"{format_value(t[key])} {t[key].unit}".strip() for y, t in per_year.items() if key in t}
        distinct = set(vals.values())
        out[key] = distinct.pop() if len(distinct) == 1 else "; ".join(f"{y}: {v}" for y, v in vals.items())
    return out


def differences(variants: list[Variant]) -> tuple[list[dict], list[dict]]:
    """(assumptions, rules) that differ: [{"key", "values": [one per variant]}]. The scenario's
    name is the variant's label and not listed; a key a variant lacks shows as '—'."""
    flats = [_flat_scenario(v.scenario) for v in variants]
    rules = [_rule_values(v.result) for v in variants]

    def diff(maps: list[dict], skip=()) -> list[dict]:
        keys: list[str] = []
        for m in maps:
            keys += [k for k in m if k not in keys and k not in skip]
        rows = []
        for k in keys:
            vals = [m.get(k, "—") for m in maps]
            if len({repr(x) for x in vals}) > 1:
                rows.append({"key": k, "values": vals})
        return rows

    return diff(flats, skip=("name",)), diff(rules)


def key_figures(variants: list[Variant], L) -> list[dict]:
    """Rows {"key", "label", "values", "kind"}: first-year effect and payback per actor, read
    generically from each analysis (every actor and every payback entry present)."""
    acts: list[str] = []
    pkeys: list[str] = []
    for v in variants:
        acts += [a for a in v.analysis.first_year if a not in acts]
        for pb in v.analysis.payback.values():
            pkeys += [k for k in pb if k not in pkeys and k != "cost"]
    rows = [{"key": "participants", "label": L["compare.row.participants"], "values": [v.analysis.meta["participants"] for v in variants], "kind": "count"},
            {"key": "rules_years", "label": L["compare.row.rules"], "values": [", ".join(v.analysis.meta["rules"]) for v in variants], "kind": "text"},
            {"key": "input", "label": L["compare.row.input"], "values": [Path(v.analysis.meta["input"]["file"]).name for v in variants], "kind": "text"}]
    for a in acts:
        rows.append({"key": f"first_year.{a}", "label": L["compare.row.first_year"].format(actor=L[a]),
                     "values": [v.analysis.first_year.get(a) for v in variants], "kind": "sek"})
    for a in acts:
        rows.append({"key": f"per_participant_month.{a}", "label": L["compare.row.per_participant_month"].format(actor=L[a]),
                     "values": [v.analysis.per_participant_month.get(a) for v in variants], "kind": "sek"})
    for k in pkeys:
        for a in acts:
            vals = [v.analysis.payback.get(a, {}) for v in variants]
            if all(pb.get("cost") is None for pb in vals):
                continue
            rows.append({"key": f"payback.{k}.{a}", "label": L["compare.row.payback"].format(kind=L[k], actor=L[a]),
                         "values": [pb.get(k) if pb.get("cost") is not None else None for pb in vals],
                         "display": [L.payback(pb, k) for pb in vals], "kind": "months"})
    return rows


@dataclass
class Comparison:
    variants: list[Variant]
    figures: list[dict]
    assumptions: list[dict]
    rules: list[dict]

    def to_json(self) -> dict:
        r = lambda x: None if x is None else round(float(x), 2)  # noqa: E731
        return {
            "variants": [{
                "label": v.label,
                "scenario": v.scenario.scenario.name,
                "scenario_file": str(v.scenario.path),
                "rules_year": v.rules_year,
                "participants_file": _source_name(v.participants_file),
                "first_year": {a: r(x) for a, x in v.analysis.first_year.items()},
                "payback_months": {a: {k: (r(x) if k == "cost" else x) for k, x in pb.items()} for a, pb in v.analysis.payback.items()},
                "meta": v.analysis.meta,
            } for v in self.variants],
            "assumptions_that_differ": self.assumptions,
            "rules_that_differ": self.rules,
        }


def _source_name(x) -> str:
    return str(x) if isinstance(x, (str, Path)) else "<DataFrame>"


def compare(scenarios: list, rules_years: list[int], participants, id_key: str | None, lang: str) -> Comparison:
    from ..reports.labels import labels

    L = labels(lang)
    variants = build_variants(scenarios, rules_years, participants)
    label_variants(variants, L)
    run_all(variants, id_key)
    assumptions, rules = differences(variants)
    return Comparison(variants, key_figures(variants, L), assumptions, rules)


# ---- output ------------------------------------------------------------------------------------


def render(c: Comparison, console, lang: str) -> None:
    from rich.table import Table

    from ..actors import PUBLIC
    from ..reports.labels import labels

    L = labels(lang)
    two = len(c.variants) == 2
    t = Table(title=f"{L['compare.title']}: {L['compare.key_figures']}", title_justify="left")
    t.add_column("")
    for v in c.variants:
        t.add_column(v.label, justify="right", overflow="fold")
    if two:
        t.add_column(L["compare.difference"].format(a=c.variants[0].label, b=c.variants[1].label), justify="right")
    for row in c.figures:
        shown = row.get("display") or [L.sek(x) if row["kind"] == "sek" else str(x) for x in row["values"]]
        extra = []
        if two:
            a, b = row["values"]
            extra = [_difference_text(row, a, b, L)]
        t.add_row(row["label"], *shown, *extra, style="bold" if row["key"].endswith(PUBLIC) else None)
    console.print(t)
    for title, rows, empty in ((L["compare.assumptions"], c.assumptions, L["compare.no_assumptions"]),
                               (L["compare.rules"], c.rules, L["compare.no_rules"])):
        if not rows:
            console.print(f"[bold]{title}[/]: {empty}")
            continue
        t = Table(title=title, title_justify="left", show_lines=False)
        t.add_column(L["key"], overflow="fold")
        for v in c.variants:
            t.add_column(v.label, overflow="fold")
        for row in rows:
            t.add_row(row["key"], *[_short(str(x)) for x in row["values"]])
        console.print(t)


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _difference_text(row: dict, a, b, L) -> str:
    if row["kind"] == "sek" and a is not None and b is not None:
        return L.sek(b - a)
    if row["kind"] == "months" and row["display"] == [L.months(a), L.months(b)] and a is not None and b is not None:
        return localise(f"{b - a:+d}", L.lang) + "\u00a0" + L["months"]
    if row["kind"] == "count" and a is not None and b is not None:
        return localise(f"{b - a:+,d}", L.lang)
    return ""


def write_workbook(c: Comparison, path: Path, lang: str) -> Path:
    """The comparison as a workbook: sheet Jämförelse (key figures, differing assumptions and
    rules) with a bar chart of the first-year effect per actor and variant."""
    from openpyxl.utils import get_column_letter

    from .. import __version__
    from ..reports.labels import SEK_FORMATS, labels
    from ..reports.xlsx import BOLD, TITLE, Sheet, building, column_widths, new_workbook, save

    L = labels(lang)
    sek = SEK_FORMATS[lang]
    wb = new_workbook("nyttokalk – " + " / ".join(v.label for v in c.variants), __version__)
    with building(wb):
        header, rows = _figure_rows(c, L)
        diff_rows = [[r["key"], *r["values"]] for r in c.assumptions] + [[r["key"], *r["values"]] for r in c.rules]
        widths = [min(w, 48) for w in column_widths(header, rows + diff_rows)]  # long texts wrap
        widths[0] = max(widths[0], 40)
        s = Sheet(wb, L["sheet.compare"], widths, freeze="B3")
        s.row([L["compare.title"] + ": " + " · ".join(v.label for v in c.variants)], font=TITLE)
        s.row(header, font=BOLD, right_from=1)
        acts_rows = []
        for fig, r in zip(c.figures, rows):
            n = s.row(r, [None] + [sek if fig["kind"] == "sek" else None] * (len(r) - 1), right_from=1)
            if fig["key"].startswith("first_year."):
                acts_rows.append(n)
        for title, items, empty in ((L["compare.assumptions"], c.assumptions, L["compare.no_assumptions"]),
                                    (L["compare.rules"], c.rules, L["compare.no_rules"])):
            s.blank()
            s.row([title], font=BOLD)
            if not items:
                s.row([empty])
                continue
            s.row([L["key"]] + [v.label for v in c.variants], font=BOLD)
            for item in items:
                s.row([item["key"], *item["values"]], wrap=True)
        if acts_rows:
            s.ws.add_chart(_first_year_bars(c, L, s.ws, acts_rows[0], acts_rows[-1]), f"{get_column_letter(len(header) + 2)}2")
        return save(wb, path)


def _figure_rows(c: Comparison, L) -> tuple[list, list[list]]:
    """The key-figure table's header and rows: a month count as a number, no cost / not reached /
    no share as words; with two variants, the difference b − a where both are numbers."""
    two = len(c.variants) == 2
    header = [L["compare.key_figures"]] + [v.label for v in c.variants]
    if two:
        header.append(L["compare.difference"].format(a=c.variants[0].label, b=c.variants[1].label))
    rows = []
    for row in c.figures:
        values = list(row["values"])
        if row["kind"] == "months":
            values = [x if isinstance(x, int) and d == L.months(x) else d for x, d in zip(row["values"], row["display"])]
        if two:
            a, b = values
            numeric = row["kind"] in ("sek", "count", "months") and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in (a, b))
            values.append(b - a if numeric else None)
        rows.append([row["label"]] + values)
    return header, rows


def _first_year_bars(c: Comparison, L, ws, first: int, last: int):
    """The first-year effect per actor (rows first–last) as bars, one series per variant."""
    from openpyxl.chart import BarChart, Reference, Series

    ch = BarChart()
    ch.type = "bar"
    ch.title = L["compare.chart"]
    ch.height, ch.width = 9, 18
    ch.legend.position = "b"
    for j, v in enumerate(c.variants):
        ser = Series(Reference(ws, min_col=2 + j, min_row=first, max_row=last), title=v.label)
        ch.series.append(ser)
    ch.set_categories(Reference(ws, min_col=1, min_row=first, max_row=last))
    ch.x_axis.delete = False
    ch.y_axis.delete = False
    ch.y_axis.number_format = "#,##0"
    return ch
