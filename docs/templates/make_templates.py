"""Write the participant-file templates (deltagare-mall.csv and .xlsx) from the code's columns.

Run by hand after a column or an alias changes:

    python docs/templates/make_templates.py

The rows are synthetic. tests/test_trust.py checks that both templates name every column and alias
of nyttokalk.participants and that they validate against the bundled example scenario.
"""

from __future__ import annotations

import csv
import os
import tempfile
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from nyttokalk.participants import ALIASES, OPTIONAL, REQUIRED

HERE = Path(__file__).resolve().parent
COLUMNS = REQUIRED + OPTIONAL

# Synthetic people, one per kind of row a finance officer meets (every value made up).
ROWS = [
    {"id": "D001", "before": "forsorjningsstod", "after": "arbete", "age": 34, "municipality": "Halmstad",
     "newly_arrived": "nej", "months_unemployed": 14, "wage": 23000, "extent": 1, "exit_month": "2024-03",
     "adults": "sambo", "children_ages": "3 15", "months_in_state": 14, "housing_cost": 8200},
    {"id": "D002", "before": "aktivitetsstod", "after": "nystartsjobb", "age": 27, "municipality": "Falkenberg",
     "newly_arrived": "ja", "months_unemployed": 30, "wage": 21500, "extent": 0.75, "exit_month": "2024-05",
     "adults": 1, "children_ages": "-"},
    {"id": "D003", "before": "etableringsersattning", "after": "studier", "age": 41, "municipality": "1380",
     "newly_arrived": "ja", "exit_month": "2024-08", "adults": "ensamstående", "children_ages": "7",
     "months_in_state": 20, "housing_cost": 6900},
    {"id": "D004", "before": "sjukpenning", "after": "arbete", "age": 45, "municipality": "Halmstad",
     "newly_arrived": "nej", "wage": 24000, "extent": 0.5, "exit_month": "2024-09", "prior_income": 264000,
     "adults": 1, "children_ages": "-", "months_in_state": 5},
    {"id": "D005", "before": "forsorjningsstod", "after": "arbete", "age": 52, "municipality": "Halmstad",
     "newly_arrived": "nej", "months_unemployed": 40, "wage": 21000, "extent": 1, "exit_month": "2024-10",
     "adults": 1, "children_ages": "-", "employer": "kommun", "months_in_state": 24},
]

REQUIRED_WORD = {True: "ja", False: "nej"}
NOTE = ("Rubriker matchas oavsett versaler, accenter, mellanslag, '-' och '_'; en enhet inom parentes "
        "efter namnet ignoreras. nyttokalk läser det första synliga bladet (Deltagare), eller det som "
        "anges med --sheet. Tomma celler tar scenariots participant_defaults. Kolumnernas innebörd: "
        "docs/user-guide.md, \"Columns\".")


def _replace(path: Path, write) -> None:
    """Write beside the target and rename: a failed run leaves the old template whole."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_csv(path: Path) -> None:
    def write(tmp: Path) -> None:
        with open(tmp, "w", newline="", encoding="utf-8") as f:
            out = csv.writer(f, lineterminator="\n")
            out.writerow(COLUMNS)
            for row in ROWS:
                out.writerow([row.get(c, "") for c in COLUMNS])
    _replace(path, write)


def write_xlsx(path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Deltagare"
    ws.append(list(COLUMNS))
    for row in ROWS:
        ws.append([row.get(c) for c in COLUMNS])  # numbers as numbers, as Excel keeps them
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for i, col in enumerate(COLUMNS, start=1):
        ws.column_dimensions[ws.cell(1, i).column_letter].width = max(10, len(col) + 2)

    cols = wb.create_sheet("Kolumner")
    cols.append(["Kolumn", "Även godtaget som rubrik", "Krävs"])
    for cell in cols[1]:
        cell.font = Font(bold=True)
    for col in COLUMNS:
        cols.append([col, ", ".join(ALIASES.get(col, ())), REQUIRED_WORD[col in REQUIRED]])
    cols.append([])
    cols.append([NOTE])
    cols.cell(cols.max_row, 1).alignment = Alignment(wrap_text=True, vertical="top")
    cols.merge_cells(start_row=cols.max_row, start_column=1, end_row=cols.max_row, end_column=3)
    cols.row_dimensions[cols.max_row].height = 75
    cols.column_dimensions["A"].width = 20
    cols.column_dimensions["B"].width = 70
    cols.column_dimensions["C"].width = 8
    _replace(path, wb.save)


if __name__ == "__main__":
    write_csv(HERE / "deltagare-mall.csv")
    write_xlsx(HERE / "deltagare-mall.xlsx")
    print(f"wrote {HERE / 'deltagare-mall.csv'} and {HERE / 'deltagare-mall.xlsx'}")
