"""The downloads of a result: the workbook (Result.to_excel, written on request into a private
temporary folder that is removed before the bytes are sent) and two CSVs, per participant and
per actor and year. Text cells that a spreadsheet would read as a formula are escaped by the
library's writers (the workbook writer, reports.files.csv_safe_frame), as on the command line."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from ..reports.files import DIALECTS, csv_safe_frame

KINDS = ("workbook", "participants", "per-actor-year")
MEDIA = {"workbook": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "participants": "text/csv; charset=utf-8",
         "per-actor-year": "text/csv; charset=utf-8"}


def file_name(scenario: str, kind: str) -> str:
    """nyttokalk-<scenario>.xlsx, …-deltagare.csv, …-per-aktor-och-ar.csv: ASCII only (a header value)."""
    base = re.sub(r"[^A-Za-z0-9_-]+", "-", scenario.translate(str.maketrans("åäöÅÄÖé", "aaoAAOe"))).strip("-")[:60] or "resultat"
    return {"workbook": f"nyttokalk-{base}.xlsx", "participants": f"nyttokalk-{base}-deltagare.csv",
            "per-actor-year": f"nyttokalk-{base}-per-aktor-och-ar.csv"}[kind]


def workbook(result, lang: str) -> bytes:
    folder = Path(tempfile.mkdtemp(prefix="nyttokalk-web-xlsx-"))  # mode 700
    try:
        path = result.to_excel(folder / "nyttokalk.xlsx", lang=lang)
        return path.read_bytes()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _csv(frame, lang: str) -> bytes:
    """The CSV dialect of the page's language (reports.files.DIALECTS): Swedish — semicolons,
    decimal comma, a byte-order mark, so a double-click opens it in a Swedish Excel — or plain
    for English; amounts in öre, text formula-safe."""
    d = DIALECTS["sv" if lang == "sv" else "plain"]
    text = csv_safe_frame(frame).to_csv(index=False, lineterminator="\n", sep=d["sep"], decimal=d["decimal"], float_format="%.2f")
    return text.encode(d["encoding"])


def participants_csv(result, lang: str = "sv") -> bytes:
    """One row per participant: id (pseudonymised where it was a personnummer), states and each
    actor's first-year effect, as `nyttokalk run --format csv` writes <out>-participants.csv."""
    return _csv(result.per_participant, lang)


def per_actor_year_csv(result, actors: list[str], L, lang: str = "sv") -> bytes:
    """One row per year after transition; per actor its effect, undiscounted and discounted."""
    import pandas as pd

    table = result.per_actor_year
    frame = pd.DataFrame({L["year_after"]: table.index.to_numpy()})
    for kind in ("undiscounted", "discounted"):
        for a in actors:
            if (kind, a) in table.columns:
                frame[L[a] + L[f"suffix.{kind}"]] = table[(kind, a)].to_numpy()
    return _csv(frame, lang)


def download(result, kind: str, actors: list[str], L, lang: str) -> bytes:
    if kind == "workbook":
        return workbook(result, lang)
    if kind == "participants":
        return participants_csv(result, lang)
    return per_actor_year_csv(result, actors, L, lang)
