"""A small xlsx writer on openpyxl's write-only mode, for every workbook nyttokalk writes.

`new_workbook` and `save`, a `Sheet` written row by row (`row`, `bulk`, `text`, `blank`, and
`raw_rows` for many rows spliced into the sheet's XML at save), `column_widths`, and the fonts
the sheets use. Rows stream to disk, so 100 000 participants fit in memory; the file is written to
a temporary file that is renamed into place. Its zip entries and document properties carry a
fixed time, so the same input gives the same file, byte for byte. What the sheets hold is laid
out elsewhere (reports/excel.py, and the compare and sensitivity commands).
"""

from __future__ import annotations

import contextlib

import dataclasses
import datetime as dt
import math
import re
import shutil
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape
from zipfile import ZIP_DEFLATED, ZipFile, ZipInfo

import numpy as np
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from .files import FORMULA_START, atomic_path

# Created/modified and every zip entry carry this time instead of the clock: the same input gives
# the same workbook, byte for byte.
FIXED_TIME = dt.datetime(2000, 1, 1)

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
        self.widths = [min(max(w, 8), 70) for w in widths]  # as set: a text line spans them (text())
        for i, w in enumerate(self.widths, start=1):
            self.ws.column_dimensions[get_column_letter(i)].width = w
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
            right_from: int | None = None, wrap: bool = False, links: Sequence[int] = ()) -> int:
        """Append one row; returns its 1-based row number. A format applies to numbers only; the
        columns in `links` that hold a web address become hyperlinks to it."""
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
            if i in links and isinstance(c.value, str) and c.value.startswith(("https://", "http://")):
                c.hyperlink = c.value
                c.style = "Hyperlink"
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

    def text(self, line: str, font: Font | None = None) -> None:
        """A line of prose in one cell that spans the table's columns and wraps within them (a
        sentence stays one cell: copied, filtered or read aloud whole), its row as tall as it needs."""
        span = max(1, len(self.widths))
        width = sum(self.widths) if self.widths else 110
        c = WriteOnlyCell(self.ws, value=_clean(str(line)))
        c.alignment = WRAP
        if font is not None:
            c.font = font
        _as_text(c)
        chars_per_line = max(int(width * 1.1), 20)  # about 1.1 characters of body text per unit of column width
        lines = sum(max(1, -(-len(part) // chars_per_line)) for part in str(line).split("\n"))
        row = self.rows + 1
        if lines > 1:
            self.ws.row_dimensions[row].height = 15 * min(lines, 100)
        self.ws.append([c])
        if span > 1:
            self.ws.merged_cells.add(f"A{row}:{get_column_letter(span)}{row}")
        self.rows += 1

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


def column_widths(header: Sequence, rows: Iterable[Sequence], sample: int = 200) -> list[float]:
    """A width per column that fits its header and the first `sample` rows (a float as it prints
    with thousands separators and a unit)."""
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
    """Write the workbook to a temporary file beside `path`, then rename it into place. On any
    failure (a full disk, Ctrl-C) the write-only sheets' own temporary files go too."""
    try:
        with atomic_path(Path(path)) as tmp:
            archive = _FixedTimeZip(tmp, "w", ZIP_DEFLATED, allowZip64=True)
            archive.workbook = wb
            wb.properties.modified = FIXED_TIME  # openpyxl's save_workbook would stamp the clock here
            ExcelWriter(wb, archive).save()
    except BaseException:
        discard(wb)
        raise
    return Path(path)


@contextlib.contextmanager
def building(wb: Workbook) -> Iterator[Workbook]:
    """The workbook while its sheets are written: on any failure its temporary files go (discard)."""
    try:
        yield wb
    except BaseException:
        discard(wb)
        raise


def discard(wb: Workbook) -> None:
    """After a failed save: close each write-only sheet's row writer and remove the temporary file
    openpyxl keeps for it (it would otherwise wait for the end of the process)."""
    from openpyxl.worksheet import _writer

    for ws in wb.worksheets:
        rows = getattr(ws, "_rows", None)
        if rows is not None:
            try:
                rows.close()
            except Exception:  # the sheet's file may already be closed: nothing more to flush
                pass
        out = getattr(getattr(ws, "_writer", None), "out", None)
        if out:
            Path(out).unlink(missing_ok=True)
            if out in _writer.ALL_TEMP_FILES:
                _writer.ALL_TEMP_FILES.remove(out)
