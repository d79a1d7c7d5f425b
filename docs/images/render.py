"""Render the screenshots in docs/images/ from the bundled example (needs LibreOffice and
pdftoppm, i.e. the Debian packages libreoffice-calc-nogui and poppler-utils):

    python docs/images/render.py

Each sheet is shown by saving a copy of the workbook with every other sheet hidden, converting
it to PDF with `soffice --headless` and turning the first page into a PNG, trimmed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from openpyxl import load_workbook
from PIL import Image, ImageChops

HERE = Path(__file__).resolve().parent
SHEETS = {
    "Sammanfattning": "sheet-sammanfattning.png",
    "Per aktör och år": "sheet-per-aktor-och-ar.png",
    "Per deltagare": "sheet-per-deltagare.png",
    "Flöden": "sheet-floden.png",
    "Per månad": "sheet-per-manad.png",
    "Parametrar": "sheet-parametrar.png",
    "Antaganden": "sheet-antaganden.png",
    "Om beräkningen": "sheet-om-berakningen.png",
    "Jämförelse": "sheet-jamforelse.png",
    "Tornado": "sheet-tornado.png",
}


def run(*args: str, cwd: Path) -> None:
    subprocess.run(args, cwd=cwd, check=True, capture_output=True, timeout=300)


def trim(path: Path, out: Path, max_height: int = 1100) -> None:
    im = Image.open(path).convert("RGB")
    bg = Image.new("RGB", im.size, (255, 255, 255))
    box = ImageChops.difference(im, bg).getbbox()
    if box:
        im = im.crop((max(box[0] - 12, 0), max(box[1] - 12, 0), min(box[2] + 12, im.width), min(box[3] + 12, im.height)))
    if im.height > max_height:
        im = im.crop((0, 0, im.width, max_height))
    im.save(out, optimize=True)


def sheet_png(workbook: Path, sheet: str, out: Path, work: Path) -> None:
    wb = load_workbook(workbook)
    for ws in wb.worksheets:
        ws.sheet_state = "visible" if ws.title == sheet else "hidden"
    wb.active = wb.sheetnames.index(sheet)
    copy = work / f"only-{abs(hash(sheet))}.xlsx"
    wb.save(copy)
    run("soffice", f"-env:UserInstallation=file://{work}/profile", "--headless", "--convert-to", "pdf", "--outdir", str(work), str(copy), cwd=work)
    run("pdftoppm", "-r", "90", "-f", "1", "-l", "1", "-png", str(copy.with_suffix(".pdf")), str(work / "page"), cwd=work)
    page = sorted(work.glob("page*.png"))[-1]
    trim(page, out)
    page.unlink()


def main() -> int:
    if not shutil.which("soffice") or not shutil.which("pdftoppm"):
        print("needs soffice (libreoffice-calc-nogui) and pdftoppm (poppler-utils)", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        run("nyttokalk", "run", "--out", "resultat.xlsx", "--charts", cwd=work)
        run("nyttokalk", "compare", "example", "ramboll-2022", "--out", "jamforelse.xlsx", cwd=work)
        run("nyttokalk", "sensitivity", "--samples", "100", "--out", "kanslighet.xlsx", "--charts", cwd=work)
        for sheet, name in SHEETS.items():
            book = {"Jämförelse": "jamforelse.xlsx", "Tornado": "kanslighet.xlsx"}.get(sheet, "resultat.xlsx")
            sheet_png(work / book, sheet, HERE / name, work)
        trim(work / "resultat-cumulative.png", HERE / "chart-cumulative.png")
        trim(work / "kanslighet-tornado.png", HERE / "chart-tornado.png")
    print("wrote", ", ".join(sorted(p.name for p in HERE.glob("*.png"))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
