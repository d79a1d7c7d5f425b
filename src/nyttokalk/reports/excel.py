"""The Excel workbook for finance officers and evaluators. Reads the analysis only.

Sheets: Sammanfattning, Per aktör och år, Per deltagare, Flöden, Per månad, Parametrar,
Antaganden, Om beräkningen (English names with lang="en"), with native charts. The workbook is
written in openpyxl's write-only mode (rows stream to disk, so 100 000 participants fit in
memory), to a temporary file that is renamed into place. Its zip entries and document
properties carry a fixed time, so the same input gives the same file.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from ..actors import PUBLIC, PUBLIC_ACTORS
from ..analysis import Analysis
from ..engine import EngineResult
from ..rules.schema import iter_leaves
from .files import FORMULA_START, atomic_path
from .labels import SEK_FORMATS, Labels, labels

# Excel holds 1 048 576 rows a sheet; one is the header. Beyond this, per-participant results go
# to a CSV beside the workbook (a module constant so that a test can lower it).
EXCEL_MAX_DATA_ROWS = 1_048_575

# Created/modified and every zip entry carry this time instead of the clock: the same input gives
# the same workbook, byte for byte.
FIXED_TIME = dt.datetime(2000, 1, 1)

SEK_FORMAT = SEK_FORMATS["sv"]
NUMBER_FORMAT = "#,##0.##"
BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
RIGHT = Alignment(horizontal="right")
WRAP = Alignment(wrap_text=True, vertical="top")

def _as_text(cell) -> None:
    """Text from input is stored as text, never as a formula (CSV/formula injection)."""
    if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
        cell.data_type = "s"


def _clean(v):
    """A value openpyxl writes as Excel expects: numpy scalars as Python numbers, NaN/inf as empty."""
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat()
    if v is not None and not isinstance(v, (str, int, float, bool)):
        v = str(v)
    if isinstance(v, str):
        return _ILLEGAL_XML.sub("", v)  # control characters have no place in a worksheet
    return v


class Sheet:
    """A write-only worksheet written row by row. Column widths and frozen panes are set before
    the first row (write-only sheets write them first)."""

    def __init__(self, wb: Workbook, title: str, widths: Sequence[float] = (), freeze: str | None = None):
        self.ws = wb.create_sheet(title)
        for i, w in enumerate(widths, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = min(max(w, 8), 70)
        if freeze:
            self.ws.freeze_panes = freeze
        # printed landscape, as wide as one page
        self.ws.page_setup.orientation = "landscape"
        self.ws.page_setup.paperSize = "9"  # A4
        self.ws.page_setup.fitToWidth = 1
        self.ws.page_setup.fitToHeight = 0
        self.ws.sheet_properties.pageSetUpPr.fitToPage = True
        self.rows = 0

    @property
    def title(self) -> str:
        return self.ws.title

    def row(self, values: Iterable, formats: Sequence[str | None] | str | None = None, font: Font | None = None,
            right_from: int | None = None, wrap: bool = False) -> int:
        """Append one row; returns its 1-based row number. A format applies to numbers only."""
        values = list(values)
        if wrap:  # LibreOffice does not fit the height of wrapped rows: give it
            lines = 1
            for i, v in enumerate(values):
                width = self.ws.column_dimensions[get_column_letter(i + 1)].width or 10
                lines = max(lines, -(-len(str(v if v is not None else "")) // max(int(width * 1.1), 1)))
            if lines > 1:
                self.ws.row_dimensions[self.rows + 1].height = 15 * min(lines, 30)
        if isinstance(formats, str) or formats is None:
            formats = [formats] * len(values)
        cells = []
        for i, (v, f) in enumerate(zip(values, list(formats) + [None] * (len(values) - len(formats)))):
            c = WriteOnlyCell(self.ws, value=_clean(v))
            if font is not None:
                c.font = font
            if f and isinstance(c.value, (int, float)) and not isinstance(c.value, bool):
                c.number_format = f
            if right_from is not None and i >= right_from:
                c.alignment = RIGHT
            elif wrap:
                c.alignment = WRAP
            _as_text(c)
            cells.append(c)
        self.ws.append(cells)
        self.rows += 1
        return self.rows

    def bulk(self, columns: Sequence[Sequence], formats: Sequence[str | None]) -> None:
        """Many rows at once, column-wise data. One cell object per column is reused for every row
        (a write-only sheet serialises a row as soon as it is appended), so the style is looked up
        once per column, not once per cell."""
        protos = []
        for f in formats:
            c = WriteOnlyCell(self.ws)
            if f:
                c.number_format = f
            protos.append(c)
        text = [any(isinstance(v, str) for v in col[:1000]) for col in columns]
        for values in zip(*columns):
            for c, v, t in zip(protos, values, text):
                c.value = v if not (v != v) else None  # NaN → empty
                if t:
                    _as_text(c)
            self.ws.append(protos)
            self.rows += 1

    def text(self, line: str, width: int = 110) -> None:
        """A line of prose, wrapped over several rows so that it prints within the table's width."""
        import textwrap

        parts = textwrap.wrap(str(line), width=width, break_long_words=True, subsequent_indent="  ") or [""]
        for part in parts:
            self.row([part])

    def blank(self) -> None:
        self.ws.append([])
        self.rows += 1

    def raw_rows(self, columns: Sequence[Sequence], formats: Sequence[str | None]) -> None:
        """Many rows as the last rows of the sheet, spliced into the sheet's XML when the workbook
        is saved. openpyxl spends ~20 µs a cell; this writes 100 000 participants in about a second.
        Text is written as an inline string (never a formula), numbers with the column's format."""
        sids = []
        for f in formats:
            if f:
                c = WriteOnlyCell(self.ws)
                c.number_format = f
                sids.append(c.style_id)  # registers the style with the workbook
            else:
                sids.append(None)
        self.ws._nyttokalk_raw = _RawRows(self.rows + 1, [list(c) for c in columns], sids)
        self.rows += len(columns[0]) if columns else 0


_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(v: str) -> str:
    return xml_escape(_ILLEGAL_XML.sub("", v))


@dataclasses.dataclass
class _RawRows:
    first_row: int
    columns: list[list]
    style_ids: list[int | None]

    def xml_chunks(self, rows_per_chunk: int = 5000) -> Iterable[bytes]:
        n = len(self.columns[0]) if self.columns else 0
        rows = range(self.first_row, self.first_row + n)
        cells = []
        for j, (col, sid) in enumerate(zip(self.columns, self.style_ids)):
            letter = get_column_letter(j + 1)
            s_attr = f' s="{sid}"' if sid else ""
            out = []
            for r, v in zip(rows, col):
                if v is None or (isinstance(v, float) and not math.isfinite(v)):
                    out.append("")
                elif isinstance(v, str):
                    out.append(f'<c r="{letter}{r}"{s_attr} t="inlineStr"><is><t xml:space="preserve">{_xml_text(v)}</t></is></c>')
                elif isinstance(v, bool):
                    out.append(f'<c r="{letter}{r}"{s_attr} t="b"><v>{int(v)}</v></c>')
                else:
                    out.append(f'<c r="{letter}{r}"{s_attr} t="n"><v>{v!r}</v></c>')
            cells.append(out)
        for start in range(0, n, rows_per_chunk):
            stop = min(start + rows_per_chunk, n)
            yield "".join(f'<row r="{rows[i]}">' + "".join(c[i] for c in cells) + "</row>" for i in range(start, stop)).encode("utf-8")


def _widths(header: Sequence, rows: Iterable[Sequence], sample: int = 200) -> list[float]:
    width = [len(str(h)) + 2 for h in header]
    for k, r in enumerate(rows):
        if k >= sample:
            break
        for i, v in enumerate(r[: len(width)]):
            n = len(f"{v:,.0f}") + 5 if isinstance(v, float) else len(str(v))
            width[i] = max(width[i], n + 2)
    return width


class _FixedTimeZip(ZipFile):
    """A zip whose entries all carry FIXED_TIME (openpyxl stamps them with the clock)."""

    def _info(self, name: str) -> ZipInfo:
        info = ZipInfo(name, date_time=FIXED_TIME.timetuple()[:6])
        info.compress_type = self.compression
        info.external_attr = 0o644 << 16
        return info

    def writestr(self, zinfo_or_arcname, data, compress_type=None, compresslevel=None):
        if isinstance(zinfo_or_arcname, str):
            zinfo_or_arcname = self._info(zinfo_or_arcname)
        return super().writestr(zinfo_or_arcname, data, compress_type, compresslevel)

    workbook: Workbook | None = None

    def _raw_for(self, arcname: str) -> _RawRows | None:
        for ws in self.workbook.worksheets if self.workbook is not None else ():
            raw = getattr(ws, "_nyttokalk_raw", None)
            if raw is not None and ws.path[1:] == arcname:  # ws._id is set by the time a sheet is written
                return raw
        return None

    def write(self, filename, arcname=None, compress_type=None, compresslevel=None):
        arcname = arcname or Path(filename).name
        info = self._info(arcname)
        raw = self._raw_for(arcname)
        with open(filename, "rb") as src, self.open(info, "w", force_zip64=True) as dst:
            if raw is None:
                shutil.copyfileobj(src, dst, 1 << 20)
                return
            xml = src.read()  # the sheet without its raw rows: small
            end = xml.rindex(b"</sheetData>")
            dst.write(xml[:end])
            for chunk in raw.xml_chunks():
                dst.write(chunk)
            dst.write(xml[end:])


def new_workbook(title: str, version: str) -> Workbook:
    wb = Workbook(write_only=True)
    wb.properties.creator = f"nyttokalk {version}"
    wb.properties.title = title
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.properties.lastModifiedBy = None
    return wb


def save(wb: Workbook, path: Path) -> Path:
    """Write the workbook to a temporary file beside `path`, then rename it into place."""
    with atomic_path(Path(path)) as tmp:
        archive = _FixedTimeZip(tmp, "w", ZIP_DEFLATED, allowZip64=True)
        archive.workbook = wb
        wb.properties.modified = FIXED_TIME  # openpyxl's save_workbook would stamp the clock here
        ExcelWriter(wb, archive).save()
    return Path(path)


# ---- what the analysis holds, read generically -------------------------------------------------


def actors(a: Analysis) -> list[str]:
    return list(a.first_year)


def _is_number(v) -> bool:
    return v is None or (isinstance(v, (int, float, np.number)) and not isinstance(v, bool))


def actor_dict_fields(a: Analysis) -> list[str]:
    """Fields of the analysis that map every actor to a number (first_year, per_participant_month,
    and any added later), in the order the dataclass declares them, the two main ones first."""
    acts = set(actors(a))
    out = []
    for f in dataclasses.fields(a):
        v = getattr(a, f.name)
        if isinstance(v, dict) and acts and acts <= set(v) and all(_is_number(v[x]) for x in acts):
            out.append(f.name)
    order = {"per_participant_month": 0, "first_year": 1}
    return sorted(out, key=lambda n: order.get(n, 2))


def nested_actor_fields(a: Analysis) -> list[tuple[str, str]]:
    """(field, key) for fields shaped key → actor → number, e.g. horizon["npv"][actor]."""
    acts = set(actors(a))
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
    shown = set(actor_dict_fields(a)) | {f for f, _ in nested_actor_fields(a)} | {"payback", "meta"}
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
    for x in actors(a):
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


def flatten(d, prefix: str = "") -> dict[str, object]:
    out: dict[str, object] = {}
    if isinstance(d, dict) and d:
        for k, v in d.items():
            out.update(flatten(v, f"{prefix}{k}."))
        return out
    out[prefix[:-1]] = d
    return out


def model_leaves(model, prefix: str = "") -> dict[str, object]:
    """A pydantic model's leaves by dotted key: nested models are walked, anything else (a number,
    a text, a mapping such as project.funding, a list) is one leaf."""
    from pydantic import BaseModel

    out: dict[str, object] = {}
    for name in type(model).model_fields:
        v = getattr(model, name)
        if isinstance(v, BaseModel):
            out.update(model_leaves(v, f"{prefix}{name}."))
        else:
            out[f"{prefix}{name}"] = v
    return out


def show(v) -> object:
    """A scenario or meta value for a cell: numbers stay numbers, lists are joined, None is empty."""
    if v is None:
        return "–"
    if isinstance(v, (list, tuple)):
        return "; ".join(str(x) for x in v) if v else "–"
    if isinstance(v, dict):
        return "–" if not v else ", ".join(f"{k}: {x}" for k, x in v.items())
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, (int, float, str)):
        return v
    return str(v)


# ---- sheets ---------------------------------------------------------------------------------


def chart_paths(workbook: Path) -> dict[str, Path]:
    """The PNG and SVG charts written beside a workbook."""
    w = Path(workbook)
    stem = w.with_suffix("")
    return {ext: stem.with_name(stem.name + f"-cumulative.{ext}") for ext in ("png", "svg")}


def participants_csv_path(workbook: Path) -> Path:
    from .tabular import table_paths

    return table_paths(Path(workbook).with_suffix(""), "csv")["participants"]


def key_figure_rows(a: Analysis, L: Labels, sek: str) -> list[tuple[str, list, str | None]]:
    """(label, value per actor, number format) for every per-actor figure the analysis holds:
    the fields that map actors to numbers, payback per actor, and fields shaped key → actor → number."""
    acts = actors(a)
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
    acts = actors(a)
    header = [L["key_figure"]] + [L[x] for x in acts]
    figures = key_figure_rows(a, L, sek)
    rows = [[label] + values for label, values, _ in figures]
    widths = _widths(header, rows)
    widths[0] = max(widths[0], 40)
    s = Sheet(wb, L["sheet.summary"], [widths[0]] + [max(w, 16) for w in widths[1:]], freeze="B5")
    m = a.meta
    s.row([m["scenario"]["title"] or m["scenario"]["name"]], font=TITLE)
    s.row([L["summary.line"].format(participants=m["participants"], first_month=m["first_month"],
                                    horizon=m["horizon_months"], rules=", ".join(m["rules"]))])
    s.blank()
    s.row(header, font=BOLD, right_from=1)
    for r, (_, _, fmt) in zip(rows, figures):
        s.row(r, [None] + [fmt] * len(acts), right_from=1)
    s.blank()
    s.row([L["project_cost"], m.get("project_cost")], [None, sek])
    s.row([L["discount_rate"], m.get("discount_rate_percent")])
    s.row([L["participants"], m.get("participants")])
    more = other_fields(a)
    if more:
        s.blank()
        s.row([L["more_figures"]], font=BOLD)
        for k, v in more.items():
            s.row([field_label(L, k), show(v)], NUMBER_FORMAT)
    for title, lines in ((L["warnings"], a.warnings), (L["assumptions"], a.assumptions), (L["notes"], notes)):
        if not lines:
            continue
        s.blank()
        s.row([title], font=BOLD)
        for line in lines:
            s.text(line)
    return s


def _per_year(wb, a: Analysis, L: Labels, sek: str) -> tuple[Sheet, int, list[str]]:
    acts = actors(a)
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
    s = Sheet(wb, L["sheet.per_year"], _widths(header, rows), freeze="B2")
    s.row(header, font=BOLD)
    for r in rows:
        s.row(r, [None] + [sek] * (len(r) - 1))
    return s, len(rows), blocks


def _per_participant(wb, a: Analysis, L: Labels, sek: str, csv_file: Path | None) -> Sheet:
    pp = a.per_participant
    acts = set(actors(a))
    if csv_file is not None:
        s = Sheet(wb, L["sheet.per_participant"], [120])
        s.row([L["note.csv_sheet"].format(file=csv_file.name, n=len(pp), limit=EXCEL_MAX_DATA_ROWS)])
        return s
    if not isinstance(pp, pd.DataFrame):  # a dataset run's rows on disk: few enough for the sheet
        pp = pp.to_frame()
    header = [L[c] if (c in acts or c in ("id", "before", "after")) else str(c) for c in pp.columns]
    formats = [sek if c in acts else (NUMBER_FORMAT if pd.api.types.is_numeric_dtype(pp[c].dtype) else None) for c in pp.columns]
    columns = [pp[c].tolist() for c in pp.columns]
    widths = _widths(header, zip(*[col[:200] for col in columns]))
    s = Sheet(wb, L["sheet.per_participant"], widths, freeze="B2")
    s.row(header, font=BOLD)
    s.raw_rows(columns, formats)
    return s


def _flows(wb, a: Analysis, L: Labels, sek: str) -> Sheet:
    bc = a.by_category
    real = [x for x in actors(a) if x != PUBLIC]
    payer = bc["payer"].to_numpy(dtype=object)
    payee = bc["payee"].to_numpy(dtype=object)
    effect = bc["effect"].to_numpy(dtype=float)
    signed = {x: np.where(payee == x, effect, 0.0) - np.where(payer == x, effect, 0.0) for x in real}
    if PUBLIC in actors(a):
        signed[PUBLIC] = sum(signed[x] for x in PUBLIC_ACTORS if x in signed)
    cols = list(bc.columns)
    money = {"before", "after", "effect"}
    shown = {"payer", "payee"}
    header = [L[c] for c in cols] + [L[x] for x in signed]
    rows = []
    for i, r in enumerate(bc.itertuples(index=False)):
        vals = [L[v] if c in shown else v for c, v in zip(cols, r)]
        rows.append(vals + [float(signed[x][i]) for x in signed])
    formats = [sek if c in money else None for c in cols] + [sek] * len(signed)
    s = Sheet(wb, L["sheet.flows"], _widths(header, rows), freeze="C2")
    s.row(header, font=BOLD)
    for r in rows:
        s.row(r, formats)
    s.row([L["total"]] + [None] * (len(cols) - 1) + [float(signed[x].sum()) for x in signed], formats, font=BOLD)
    s.blank()
    s.text(L["flows.note"])
    return s


def cumulative_net(a: Analysis) -> dict[str, np.ndarray]:
    """Cumulative effect per actor from the first transition month, less the actor's share of the
    project cost: payback is the first month where it reaches zero."""
    out = {}
    for x in actors(a):
        cost = (a.payback.get(x) or {}).get("cost") or 0.0
        out[x] = np.cumsum(a.monthly[x].to_numpy(dtype=float)) - cost
    return out


def payback_markers(a: Analysis) -> dict[str, int]:
    """Actor → payback month (1-based) for the actors that carry a cost and reach payback."""
    out = {}
    for x in actors(a):
        pb = a.payback.get(x) or {}
        if pb.get("cost") and pb.get("simple") is not None:
            out[x] = int(pb["simple"])
    return out


def _monthly(wb, a: Analysis, L: Labels, sek: str) -> tuple[Sheet, int, int, int, list[str]]:
    acts = actors(a)
    cum = cumulative_net(a)
    marks = payback_markers(a)
    n = len(a.monthly)
    header = ([L["month"]] + [L[x] + L["effect_suffix"] for x in acts] + [L[x] + L["cumulative_suffix"] for x in acts]
              + [L["payback_marker"].format(actor=L[x], months=m) for x, m in marks.items()])
    columns = [list(a.monthly.index)] + [a.monthly[x].tolist() for x in acts] + [cum[x].tolist() for x in acts]
    for x, m in marks.items():
        columns.append([float(cum[x][i]) if i == m - 1 else None for i in range(n)])
    widths = _widths(header, zip(*[c[:50] for c in columns]))
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
                rows.append([year, ".".join(path_), _format_rule_value(value), leaf.unit, str(day or ""), leaf.status,
                             ref.title + (f", {ref.section}" if ref.section else ""), ref.url or ""])
    widths = _widths(header, rows)
    s = Sheet(wb, L["sheet.parameters"], widths, freeze="C3")
    s.row([L["note.parameters"]], font=Font(italic=True))
    s.row(header, font=BOLD)
    for r in rows:
        s.row(r)
    return s


def scenario_rows(ls, L: Labels) -> list[list]:
    """Every scenario key as used, its value, and whether it came from the defaults."""
    used = ls.defaults_used
    rows = []
    for key, value in model_leaves(ls.scenario).items():
        default = any(key == d or key.startswith(d + ".") for d in used)
        rows.append([key, show(value), L["origin.default"] if default else L["origin.scenario"]])
    return rows


def _assumptions(wb, a: Analysis, ls, L: Labels) -> Sheet:
    header = [L["key"], L["value"], L["origin"]]
    rows = scenario_rows(ls, L) if ls is not None else []
    widths = _widths(header, rows)
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
        [L["scenario"], f"{meta['scenario']['name']} ({meta['scenario']['file']})"],
        [L["scenario_sha"], meta["scenario"]["sha256"]],
        [L["input_file"], meta["input"]["file"]],
        [L["input_sha"], meta["input"]["sha256"]],
        [L["participants"], meta.get("participants")],
    ]
    for y, v in meta.get("rules", {}).items():
        rows.append([L["rules_sha"].format(year=y), v.get("sha256")])
        if v.get("projected_from") is not None:
            rows.append([L["rules_projected"].format(year=y), v["projected_from"]])
    known = {"program", "version", "scenario", "input", "participants", "rules"}
    for k, v in flatten({k: v for k, v in meta.items() if k not in known}).items():
        rows.append([k, show(v)])
    return rows


def _about(wb, a: Analysis, L: Labels, extra: Sequence[Sequence] = ()) -> Sheet:
    header = [L["item"], L["value"]]
    rows = about_rows(a.meta, L) + [list(r) for r in extra] + [[L["language"], L.lang]]
    s = Sheet(wb, L["sheet.about"], _widths(header, rows), freeze="A2")
    s.row(header, font=BOLD)
    for r in rows:
        s.row(r)
    s.blank()
    s.text(L["about.same"])
    return s


def write_workbook(a: Analysis, res: EngineResult, path: Path, *, scenario=None, lang: str = "sv", charts: bool = True) -> Path:
    """Write the workbook (and, with charts=True, the PNG/SVG charts beside it; per-participant
    results to a CSV beside it when they do not fit a sheet). Returns the workbook's path."""
    path = Path(path)
    L = labels(lang)
    sek = SEK_FORMATS[lang]
    notes = [L["note.parameters"], L["note.payback"]]
    csv_file = None
    if len(a.per_participant) > EXCEL_MAX_DATA_ROWS:
        from .files import write_csv

        csv_file = write_csv(a.per_participant, participants_csv_path(path))
        notes.append(L["note.csv"].format(n=len(a.per_participant), limit=EXCEL_MAX_DATA_ROWS, file=csv_file.name))
    if charts:
        from .charts import cumulative_chart

        files = cumulative_chart(a, chart_paths(path), lang)
        notes.append(L["note.charts"].format(files=", ".join(p.name for p in files)))

    wb = new_workbook(f"nyttokalk – {a.meta['scenario']['name']}", a.meta.get("version", ""))
    summary = _summary(wb, a, L, sek, notes)
    per_year, n_years, _ = _per_year(wb, a, L, sek)
    _per_participant(wb, a, L, sek, csv_file)
    _flows(wb, a, L, sek)
    monthly, n_months, first_cum, n_actors, marks = _monthly(wb, a, L, sek)
    acts = actors(a)
    _parameters(wb, res, L)
    _assumptions(wb, a, scenario, L)
    _about(wb, a, L)

    anchor_col = get_column_letter(len(actors(a)) + 3)
    summary.ws.add_chart(_cumulative_chart(L, monthly.ws, n_months, first_cum, acts, marks), f"{anchor_col}4")
    summary.ws.add_chart(_per_year_chart(L, per_year.ws, n_years, n_actors), f"{anchor_col}28")
    monthly.ws.add_chart(_cumulative_chart(L, monthly.ws, n_months, first_cum, acts, marks), f"B{n_months + 3}")
    per_year.ws.add_chart(_per_year_chart(L, per_year.ws, n_years, n_actors), f"B{n_years + 4}")
    return save(wb, path)
