"""The result workbook for finance officers and evaluators: the layout of its sheets. Reads the
analysis only; the xlsx writing itself is reports/xlsx.py.

Sheets: Sammanfattning, Per aktör och år, Per deltagare, Flöden, Per månad, Parametrar,
Antaganden, Om beräkningen (English names with lang="en"), with native charts. The same input
gives the same file (see reports/xlsx.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ..analysis import Analysis
from ..engine import EngineResult
from ..flat import flatten, model_leaves, show
from ..analysis import rule_value_text
from ..i18n import N_, _, language, status_word, unit_word
from ..paths import bundled_relative
from ..ruleset.schema import iter_leaves
from .charts import chart_paths, cumulative_chart
from .files import write_csv
from .labels import SEK_FORMATS, Labels, labels
from .tabular import table_paths
from .xlsx import BOLD, TITLE, Sheet, building, column_widths, new_workbook, save

# Excel holds 1 048 576 rows a sheet; one is the header. Beyond this, per-participant results go
# to a CSV beside the workbook (a module constant so that a test can lower it).
EXCEL_MAX_DATA_ROWS = 1_048_575

SEK_FORMAT = SEK_FORMATS["sv"]
NUMBER_FORMAT = "#,##0.##"


# ---- what the analysis holds, read generically -------------------------------------------------
# Its dataclass fields: a field added to Analysis shows in the summary without a change here. Its
# properties (cumulative_net, flows_by_actor, …) are views the sheets below lay out, not read here.


def _is_number(v) -> bool:
    return v is None or (isinstance(v, (int, float, np.number)) and not isinstance(v, bool))


def actor_dict_fields(a: Analysis) -> list[str]:
    """Fields of the analysis that map every actor to a number (first_year, per_participant_month,
    and any added later), in the order the dataclass declares them, the two main ones first."""
    acts = set(a.actors)
    out = []
    for f in dataclasses.fields(a):
        v = getattr(a, f.name)
        if isinstance(v, dict) and acts and acts <= set(v) and all(_is_number(v[x]) for x in acts):
            out.append(f.name)
    order = {"per_participant_month": 0, "first_year": 1}
    return sorted(out, key=lambda n: order.get(n, 2))


def nested_actor_fields(a: Analysis) -> list[tuple[str, str]]:
    """(field, key) for fields shaped key → actor → number, e.g. horizon["npv"][actor]."""
    acts = set(a.actors)
    out = []
    for f in dataclasses.fields(a):
        v = getattr(a, f.name)
        if f.name == "payback" or not isinstance(v, dict):
            continue
        for k, d in v.items():
            if isinstance(d, dict) and acts and acts <= set(d) and all(_is_number(d[x]) for x in acts):
                out.append((f.name, str(k)))
    return out


def other_fields(a: Analysis) -> dict[str, object]:
    """Every other dict field of the analysis (not per actor), flattened to dotted keys."""
    shown = set(actor_dict_fields(a)) | {f for f, _ in nested_actor_fields(a)} | {"payback", "meta", "society"}
    out: dict[str, object] = {}
    for f in dataclasses.fields(a):
        v = getattr(a, f.name)
        if f.name not in shown and isinstance(v, dict) and v:
            out.update(flatten(v, f"{f.name}."))
    return out


# fields whose figures are not SEK
RATIO_FIELDS = {"return_per_krona"}


def field_label(L: Labels, name: str, key: str | None = None) -> str:
    full = name if key is None else f"{name}.{key}"
    if full in L:
        return L[full]
    if key is not None and name in L:
        return f"{L[name]}: {key}"
    return full


def payback_keys(a: Analysis) -> list[str]:
    keys: list[str] = []
    for x in a.actors:
        for k in a.payback.get(x, {}):
            if k not in keys:
                keys.append(k)
    return (["cost"] if "cost" in keys else []) + [k for k in keys if k != "cost"]


def payback_cell(pb: dict, key: str, L: Labels):
    """A payback entry as a cell value: months, or a word for no cost / not reached / not applicable."""
    value = pb.get(key)
    if key == "cost":
        return L["none"] if value is None else value
    if pb.get("cost") is None:
        return L["none"]
    if pb.get("cost") == 0 and key in ("simple", "discounted"):
        return L["no_cost"]
    if value is None:
        return L["not_reached"]
    return value


# ---- sheets ---------------------------------------------------------------------------------


def participants_csv_path(workbook: Path) -> Path:
    return table_paths(Path(workbook).with_suffix(""), "csv")["participants"]


def key_figure_rows(a: Analysis, L: Labels, sek: str) -> list[tuple[str, list, str | None]]:
    """(label, value per actor, number format) for every per-actor figure the analysis holds:
    the fields that map actors to numbers, payback per actor, and fields shaped key → actor → number."""
    acts = a.actors
    fields = actor_dict_fields(a)
    out = []
    main = [f for f in fields if f in ("per_participant_month", "first_year")]
    for f in main:
        out.append((field_label(L, f), [getattr(a, f)[x] for x in acts], sek))
    for k in payback_keys(a):
        out.append((L[k], [payback_cell(a.payback.get(x, {}), k, L) for x in acts], sek if k == "cost" else "0"))
    for f in fields:
        if f not in main:
            out.append((field_label(L, f), [getattr(a, f)[x] for x in acts], sek))
    for f, k in nested_actor_fields(a):
        d = getattr(a, f)[k]
        out.append((field_label(L, f, k), [L["none"] if d[x] is None else d[x] for x in acts], "0.00" if f in RATIO_FIELDS else sek))
    return out


def _summary(wb, a: Analysis, L: Labels, sek: str, notes: list[str]) -> Sheet:
    acts = a.actors
    header = [L["key_figure"]] + [L[x] for x in acts]
    figures = key_figure_rows(a, L, sek)
    rows = [[label] + values for label, values, _ in figures]
    widths = column_widths(header, rows)
    widths[0] = max(widths[0], 40)
    s = Sheet(wb, L["sheet.summary"], [widths[0]] + [max(w, 16) for w in widths[1:]], freeze="B5")
    m = a.meta
    s.row([m["scenario"]["title"] or m["scenario"]["name"]], font=TITLE)
    s.row([L.summary_line(m)])
    if m.get("prices"):
        s.row([L.prices(m["prices"])])
    s.blank()
    s.row(header, font=BOLD, right_from=1)
    for r, (_, _, fmt) in zip(rows, figures):
        s.row(r, [None] + [fmt] * len(acts), right_from=1)
    if a.society:  # samhällsekonomi beside offentliga finanser
        s.blank()
        s.row([L["society.title"]], font=BOLD)
        periods = list(a.society)
        s.row([L["society.part"]] + [L[f"society.{p}"] for p in periods], font=BOLD, right_from=1)
        for part in ("production", "resources", "displacement", "total", "project_cost", "total_after_project_cost"):
            s.row([L[f"society.{part}"]] + [a.society[p].get(part) for p in periods], [None] + [sek] * len(periods), right_from=1)
    s.blank()
    s.row([L["project_cost"], m.get("project_cost")], [None, sek])
    s.row([L["discount_rate"], m.get("discount_rate_percent")])
    if m.get("prices"):
        s.row([L["price_base"], m["prices"][f"label_{L.lang}"]])
    s.row([L["participants"], m.get("participants")])
    more = other_fields(a)
    if more:
        s.blank()
        s.row([L["more_figures"]], font=BOLD)
        for k, v in more.items():
            s.row([L.key(k), L.get(f"{k}.{v}", show(v)) if isinstance(v, str) else show(v)], NUMBER_FORMAT)
    for title, lines in ((L["warnings"], a.warnings), (L["assumptions"], a.assumptions), (L["notes"], notes)):
        if not lines:
            continue
        s.blank()
        s.row([title], font=BOLD)
        for line in lines:
            s.text(line)
    return s


def _per_year(wb, a: Analysis, L: Labels, sek: str) -> tuple[Sheet, int, list[str]]:
    acts = a.actors
    blocks = []
    for y in a.per_year:
        for k, v in y.items():
            if isinstance(v, dict) and set(acts) <= set(v) and k not in blocks:
                blocks.append(k)

    def suffix(k):
        key = f"suffix.{k}"
        return L[key] if key in L else f", {k}"

    header = [L["year_after"]] + [L[x] + suffix(k) for k in blocks for x in acts]
    rows = [[L["year_n"].format(n=y["year"])] + [y.get(k, {}).get(x) for k in blocks for x in acts] for y in a.per_year]
    s = Sheet(wb, L["sheet.per_year"], column_widths(header, rows), freeze="B2")
    s.row(header, font=BOLD)
    for r in rows:
        s.row(r, [None] + [sek] * (len(r) - 1))
    return s, len(rows), blocks


def _per_participant(wb, a: Analysis, L: Labels, sek: str, csv_file: Path | None) -> Sheet:
    pp = a.per_participant
    acts = set(a.actors)
    if csv_file is not None:
        s = Sheet(wb, L["sheet.per_participant"], [120])
        s.row([L["note.csv_sheet"].format(file=csv_file.name, n=len(pp), limit=EXCEL_MAX_DATA_ROWS)])
        return s
    if not isinstance(pp, pd.DataFrame):  # a few enough for the sheet (checked above): whole
        pp = pp.to_frame()
    header = [L["per_participant.first_year"].format(actor=L[c]) if c in acts else L[c] for c in pp.columns]
    formats = [sek if c in acts else (NUMBER_FORMAT if pd.api.types.is_numeric_dtype(pp[c].dtype) else None) for c in pp.columns]
    words = {"observed": L["value.observed"], "modelled": L["value.modelled"]}  # how försörjningsstöd was found, in words
    columns = [pp[c].map(lambda v: words.get(v, v)).tolist() if c.startswith("forsorjningsstod_") else pp[c].tolist() for c in pp.columns]
    widths = column_widths(header, zip(*[col[:200] for col in columns]))
    s = Sheet(wb, L["sheet.per_participant"], widths, freeze="B2")
    s.row(header, font=BOLD)
    s.raw_rows(columns, formats)
    return s


def _flows(wb, a: Analysis, L: Labels, sek: str) -> Sheet:
    bc = a.by_category
    signed = a.flows_by_actor
    total = a.flows_by_actor_total
    cols = list(bc.columns)
    money = {"before", "after", "effect"}
    shown = {"payer", "payee"}
    header = [L[c] for c in cols] + [L[x] for x in signed.columns]
    rows = []
    for r, s_row in zip(bc.itertuples(index=False), signed.itertuples(index=False)):
        vals = [L[v] if c in shown else L[f"kind.{v}"] if c == "kind" else v for c, v in zip(cols, r)]
        rows.append(vals + [float(v) for v in s_row])
    formats = [sek if c in money else None for c in cols] + [sek] * len(signed.columns)
    s = Sheet(wb, L["sheet.flows"], column_widths(header, rows), freeze="C2")
    s.row(header, font=BOLD)
    for r in rows:
        s.row(r, formats)
    s.row([L["total"]] + [None] * (len(cols) - 1) + [total[x] for x in signed.columns], formats, font=BOLD)
    s.blank()
    s.text(L["flows.note"])
    return s


def _monthly(wb, a: Analysis, L: Labels, sek: str) -> tuple[Sheet, int, int, int, list[str]]:
    acts = a.actors
    cum = a.cumulative_net
    marks = a.payback_marks
    n = len(a.monthly)
    header = ([L["month"]] + [L[x] + L["effect_suffix"] for x in acts] + [L[x] + L["cumulative_suffix"] for x in acts]
              + [L["payback_marker"].format(actor=L[x], months=m) for x, m in marks.items()])
    columns = [list(a.monthly.index)] + [a.monthly[x].tolist() for x in acts] + [cum[x].tolist() for x in acts]
    for x, m in marks.items():
        columns.append([float(cum[x].iloc[i]) if i == m - 1 else None for i in range(n)])
    widths = column_widths(header, zip(*[c[:50] for c in columns]))
    s = Sheet(wb, L["sheet.monthly"], widths, freeze="B2")
    s.row(header, font=BOLD)
    s.bulk(columns, [None] + [sek] * (len(columns) - 1))
    first_cum = 2 + len(acts)
    return s, n, first_cum, len(acts), list(marks)


def _cumulative_chart(L: Labels, ws, n: int, first_col: int, acts: list[str], marks: list[str]) -> LineChart:
    from openpyxl.chart.series import SeriesLabel

    ch = LineChart()
    ch.title = L["chart.cumulative"]
    ch.y_axis.title = L["chart.sek"]
    ch.x_axis.title = L["chart.month"]
    ch.y_axis.number_format = "#,##0"
    ch.height, ch.width = 11, 22
    ch.legend.position = "b"
    ch.display_blanks = "gap"
    for i, x in enumerate(acts):
        ch.add_data(Reference(ws, min_col=first_col + i, min_row=2, max_row=n + 1), titles_from_data=False)
        ch.series[-1].tx = SeriesLabel(v=L[x])
        ch.series[-1].smooth = False
    for j, x in enumerate(marks):
        ch.add_data(Reference(ws, min_col=first_col + len(acts) + j, min_row=2, max_row=n + 1), titles_from_data=False)
        series = ch.series[-1]
        series.tx = SeriesLabel(v=L["payback_marker_short"].format(actor=L[x]))
        series.marker.symbol = "diamond"
        series.marker.size = 11
        series.marker.graphicalProperties.solidFill = "000000"
        series.marker.graphicalProperties.line.solidFill = "000000"
        series.graphicalProperties.line.noFill = True
        series.smooth = False
    ch.set_categories(Reference(ws, min_col=1, min_row=2, max_row=n + 1))
    ch.x_axis.delete = False
    ch.y_axis.delete = False
    ch.x_axis.tickLblSkip = max(1, n // 12)
    ch.x_axis.tickLblPos = "low"
    return ch


def _per_year_chart(L: Labels, ws, n_years: int, n_actors: int) -> BarChart:
    ch = BarChart()
    ch.type = "col"
    ch.title = L["chart.per_year"]
    ch.y_axis.title = L["chart.sek"]
    ch.y_axis.number_format = '#,##0'
    ch.height, ch.width = 9, 22
    ch.legend.position = "b"
    ch.add_data(Reference(ws, min_col=2, max_col=1 + n_actors, min_row=1, max_row=n_years + 1), titles_from_data=True)
    ch.set_categories(Reference(ws, min_col=1, min_row=2, max_row=n_years + 1))
    ch.x_axis.delete = False
    ch.y_axis.delete = False
    return ch


def _format_rule_value(v) -> object:
    if hasattr(v, "model_dump"):
        v = v.model_dump(exclude_none=True, exclude_defaults=True)
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, (int, float)):
        return v
    if isinstance(v, list):
        return "[" + ", ".join(str(_format_rule_value(x)) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {_format_rule_value(x)}" for k, x in v.items()) + "}"
    return str(v)


def _parameters(wb, res: EngineResult, L: Labels) -> Sheet:
    header = [L["rule_year"], L["parameter"], L["value"], L["unit"], L["valid_from"], L["status"], L["source"], L["url"]]
    rows = []
    for year, loaded in sorted(res.rules_used.items()):
        for path_, leaf in iter_leaves(loaded.rules):
            ref = leaf.reference
            for day, value in leaf.dated_values():
                rows.append([year, ".".join(path_), _format_rule_value(value), unit_word(leaf.unit), str(day or ""),
                             str(status_word(leaf.status)), ref.title + (f", {ref.section}" if ref.section else ""), ref.url or ""])
    widths = column_widths(header, rows)
    s = Sheet(wb, L["sheet.parameters"], widths, freeze="C3")
    s.row([L["note.parameters"]], font=Font(italic=True))
    s.row(header, font=BOLD)
    url = header.index(L["url"])
    for r in rows:
        s.row(r, links=(url,))
    return s


TEXT_KEYS = ("title", "description", "choices")  # a scenario's texts, each also in English as <key>_en


def _other_language(key: str, ls, lang: str) -> bool:
    """A scenario text in the language the workbook is not in: the _en keys in Swedish, and in English
    the Swedish ones the scenario gives an English text for."""
    top = key.split(".", 1)[0]
    if top.endswith("_en") and top[:-3] in TEXT_KEYS:
        return lang != "en"
    return lang == "en" and top in TEXT_KEYS and getattr(ls.scenario, f"{top}_en", None) is not None


def scenario_rows(ls, L: Labels) -> list[list]:
    """Every scenario key as used, its value, and whether it came from the defaults; the scenario's
    texts in the workbook's language only."""
    used = ls.defaults_used
    rows = []
    for key, value in model_leaves(ls.scenario).items():
        if _other_language(key, ls, L.lang):
            continue
        default = any(key == d or key.startswith(d + ".") for d in used)
        rows.append([key, show(value), L["origin.default"] if default else L["origin.scenario"]])
    return rows


def _assumptions(wb, a: Analysis, ls, L: Labels) -> Sheet:
    header = [L["key"], L["value"], L["origin"]]
    rows = scenario_rows(ls, L) if ls is not None else []
    widths = column_widths(header, rows)
    s = Sheet(wb, L["sheet.assumptions"], [min(w, 60) for w in widths], freeze="A2")
    s.row(header, font=BOLD)
    for r in rows:
        s.row(r)
    s.blank()
    s.row([L["assumptions.run"]], font=BOLD)
    for line in a.assumptions:
        s.text(line)
    return s


def about_rows(meta: dict, L: Labels) -> list[list]:
    rows = [
        [L["program"], f"{meta.get('program', 'nyttokalk')} {meta.get('version', '')}"],
        [L["scenario"], f"{meta['scenario']['name']}: {shown_file(meta['scenario']['file'])}"],
        [L["scenario_sha"], meta["scenario"]["sha256"]],
        [L["input_file"], shown_file(meta["input"]["file"])],
        [L["input_sha"], meta["input"]["sha256"]],
        [L["participants"], meta.get("participants")],
    ]
    for y, v in meta.get("rules", {}).items():
        rows.append([L["rules_sha"].format(year=y), v.get("sha256")])
        if v.get("projected_from") is not None:
            rows.append([L["rules_projected"].format(year=y), v["projected_from"]])
    known = {"program", "version", "scenario", "input", "participants", "rules", "doubtful_rules"}
    for k, v in flatten({k: v for k, v in meta.items() if k not in known}).items():
        if k in (f"prices.label_{'en' if L.lang == 'sv' else 'sv'}", "prices.discount_rate_percent"):
            continue  # the price base in the other language; the discount rate is given once, above
        rows.append([L.key(k), _about_value(k, v)])
    for e in meta.get("doubtful_rules") or ():
        first, last, count = e["months"]
        span = first if first == last else f"{first}–{last}"
        rows.append([L["doubtful_rule"].format(path=e["path"]),
                     f"{status_word(e['status'])}, {rule_value_text(e['value'], e['unit'])}, {span} ({L.months(count)})"])
    return rows


PRICE_MODES = {"fixed": N_("fixed prices"), "nominal": N_("current prices")}
DISCOUNT_KINDS = {"real": N_("real"), "nominal": N_("nominal")}


def _about_value(key: str, value):
    """A meta value as the workbook shows it: a bundled file by its place in the package (the
    install path says nothing to a reader), a user's file by its name; statuses, the price mode and
    the price index in the workbook's language."""
    if key.endswith("file") and isinstance(value, str) and value:
        return shown_file(value)
    if key.startswith(("prices.kpi_status.", "prices.wage_index_status.")) and isinstance(value, str):
        return str(status_word(value))
    if key == "prices.mode" and isinstance(value, str):
        return _(PRICE_MODES.get(value, value))
    if key == "prices.discount_rate_kind" and isinstance(value, str):
        return _(DISCOUNT_KINDS.get(value, value))
    if key == "prices.index" and isinstance(value, str):
        return _(value)
    return show(value)


def shown_file(file: str) -> str:
    """'scenarios/example/scenario.yaml (medföljer nyttokalk)' for a bundled file, else the file's name."""
    inside = bundled_relative(file)
    return _("{file} (bundled with nyttokalk)").format(file=inside) if inside else Path(file).name


def _about(wb, a: Analysis, L: Labels, extra: Sequence[Sequence] = ()) -> Sheet:
    header = [L["item"], L["value"]]
    rows = about_rows(a.meta, L) + [list(r) for r in extra] + [[L["language"], L.lang]]
    s = Sheet(wb, L["sheet.about"], column_widths(header, rows), freeze="A2")
    s.row(header, font=BOLD)
    for r in rows:
        s.row(r)
    s.blank()
    s.text(L["about.same"])
    return s


def write_workbook(a: Analysis, res: EngineResult, path: Path, *, scenario=None, lang: str = "sv", charts: bool = False) -> Path:
    """Write the workbook (and, with charts=True, the PNG/SVG charts beside it; per-participant
    results to a CSV beside it when they do not fit a sheet). Returns the workbook's path."""
    with language(lang):  # the texts made here (status words, units) in the workbook's language
        return _write_workbook(a, res, Path(path), scenario=scenario, lang=lang, charts=charts)


def _write_workbook(a: Analysis, res: EngineResult, path: Path, *, scenario, lang: str, charts: bool) -> Path:
    L = labels(lang)
    sek = SEK_FORMATS[lang]
    notes = [L["note.parameters"], L["note.payback"]]
    csv_file = None
    if len(a.per_participant) > EXCEL_MAX_DATA_ROWS:
        csv_file = write_csv(a.per_participant, participants_csv_path(path), dialect="sv" if lang == "sv" else "plain")
        notes.append(L["note.csv"].format(n=len(a.per_participant), limit=EXCEL_MAX_DATA_ROWS, file=csv_file.name))
    if charts:
        files = cumulative_chart(a, chart_paths(path), lang)
        notes.append(L["note.charts"].format(files=", ".join(p.name for p in files)))

    wb = new_workbook(f"nyttokalk – {a.meta['scenario']['name']}", a.meta.get("version", ""))
    with building(wb):
        summary = _summary(wb, a, L, sek, notes)
        per_year, n_years, _ = _per_year(wb, a, L, sek)
        _per_participant(wb, a, L, sek, csv_file)
        _flows(wb, a, L, sek)
        monthly, n_months, first_cum, n_actors, marks = _monthly(wb, a, L, sek)
        acts = a.actors
        _parameters(wb, res, L)
        _assumptions(wb, a, scenario, L)
        _about(wb, a, L)

        anchor_col = get_column_letter(len(a.actors) + 3)
        summary.ws.add_chart(_cumulative_chart(L, monthly.ws, n_months, first_cum, acts, marks), f"{anchor_col}4")
        summary.ws.add_chart(_per_year_chart(L, per_year.ws, n_years, n_actors), f"{anchor_col}28")
        monthly.ws.add_chart(_cumulative_chart(L, monthly.ws, n_months, first_cum, acts, marks), f"B{n_months + 3}")
        per_year.ws.add_chart(_per_year_chart(L, per_year.ws, n_years, n_actors), f"B{n_years + 4}")
        return save(wb, path)
