"""The Excel workbook for finance officers. Written to a temporary file, then renamed."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from ..analysis import ALL, Analysis
from ..engine import EngineResult
from ..rules.schema import iter_leaves
from .labels import ACTOR_LABELS

SEK_FORMAT = '#,##0 "kr";[Red]-#,##0 "kr"'


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _as_text(cell) -> None:
    """Text from input is stored as text, never as a formula (CSV/formula injection)."""
    if isinstance(cell.value, str) and cell.value.startswith(_FORMULA_START):
        cell.data_type = "s"


def _sheet(wb, title, header, rows, money_cols=()):
    ws = wb.create_sheet(title)
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(list(row))
        for cell in ws[ws.max_row]:
            _as_text(cell)
    for col in money_cols:
        for cell in ws.iter_rows(min_row=2, min_col=col, max_col=col):
            cell[0].number_format = SEK_FORMAT
    ws.freeze_panes = "A2"
    for i, h in enumerate(header, start=1):
        width = max([len(str(h))] + [len(str(r[i - 1])) for r in rows[:200] if i - 1 < len(r)]) + 2
        ws.column_dimensions[get_column_letter(i)].width = min(max(width, 10), 80)
    return ws


def write_workbook(a: Analysis, res: EngineResult, path: Path) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    summary = [
        (ACTOR_LABELS[x], a.per_participant_month[x], a.first_year[x],
         a.payback[x]["cost"] if a.payback[x]["cost"] is not None else "–",
         "–" if a.payback[x]["cost"] is None else (a.payback[x]["simple"] if a.payback[x]["simple"] is not None else "nås ej"),
         "–" if a.payback[x]["cost"] is None else (a.payback[x]["discounted"] if a.payback[x]["discounted"] is not None else "nås ej"))
        for x in ALL
    ]
    ws = _sheet(wb, "Sammanfattning",
                ["Aktör", "Effekt per deltagare och månad", "Effekt första året", "Andel av projektkostnad", "Återbetalningstid (mån)", "Diskonterad (mån)"],
                summary, money_cols=(2, 3, 4))
    ws.append([])
    for text in ["Varningar", *a.warnings, "", "Antaganden", *a.assumptions]:
        ws.append([text] if text else [])
        for cell in ws[ws.max_row]:
            _as_text(cell)

    per_year = []
    for y in a.per_year:
        for x in ALL:
            per_year.append((y["year"], ACTOR_LABELS[x], y["undiscounted"][x], y["discounted"][x]))
    _sheet(wb, "Per aktör och år", ["År efter övergång", "Aktör", "Effekt", "Effekt diskonterad"], per_year, money_cols=(3, 4))

    pp = a.per_participant
    _sheet(wb, "Per deltagare", ["id", "före", "efter"] + [ACTOR_LABELS[x] for x in ALL],
           [tuple(r) for r in pp.itertuples(index=False)], money_cols=range(4, 4 + len(ALL)))

    bc = a.by_category
    _sheet(wb, "Flöden", ["Kategori", "Benämning", "Betalare", "Mottagare", "Före", "Efter", "Effekt"],
           [tuple(r) for r in bc.itertuples(index=False)], money_cols=(5, 6, 7))

    monthly = a.monthly
    _sheet(wb, "Per månad", ["Månad"] + [ACTOR_LABELS[x] for x in ALL],
           [(idx, *row) for idx, row in zip(monthly.index, monthly.itertuples(index=False))], money_cols=range(2, 2 + len(ALL)))

    params = []
    for year, loaded in sorted(res.rules_used.items()):
        for path_, leaf in iter_leaves(loaded.rules):
            for day, value in leaf.dated_values():
                ref = leaf.reference
                params.append((year, ".".join(path_), str(value), leaf.unit, str(day or ""), leaf.status,
                               ref.title + (f", {ref.section}" if ref.section else ""), ref.url or ""))
    _sheet(wb, "Parametrar", ["Regelår", "Parameter", "Värde", "Enhet", "Gäller från", "Status", "Källa", "URL"], params)

    m = a.meta
    about = [
        ("Program", f"{m['program']} {m['version']}"),
        ("Scenario", f"{m['scenario']['name']} ({m['scenario']['file']})"),
        ("Scenario sha256", m["scenario"]["sha256"]),
        ("Deltagarfil", m["input"]["file"]),
        ("Deltagarfil sha256", m["input"]["sha256"]),
        ("Antal deltagare", m["participants"]),
    ] + [(f"Regelår {y} sha256", v["sha256"]) for y, v in m["rules"].items()]
    _sheet(wb, "Om beräkningen", ["Uppgift", "Värde"], about)

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
