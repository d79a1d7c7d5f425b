"""Reading and validating participant files. Every problem is collected, with file, row,
column and value, before anything is computed."""

from __future__ import annotations

import codecs
import csv
import dataclasses
import datetime as dt
import functools
import difflib
import hashlib
import hmac
import io
import re
import secrets
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import InputError, Problem
from .i18n import N_, Num, _, ngettext
from .household import parse_adults, parse_children_ages
from .limits import (AGE_RANGE, MAX_CELL_CHARS, MAX_COLUMNS, MAX_FULL_TIME_WAGE, MAX_MONTHS_UNEMPLOYED, MAX_HOUSING_COST, MAX_OBSERVED_AMOUNT,
                     MAX_PRIOR_INCOME, MAX_PROJECTION_YEARS, MAX_ROW_BYTES, MAX_XLSX_UNPACKED_BYTES, MIN_FULL_TIME_WAGE, exit_years)
from .actors import EMPLOYERS, normalise_employer
from .privacy import looks_like_personnummer, mask_file_name, personnummer_mask
from .states import CODES, OFORANDRAD, STATES, is_modelled, normalise_state, valid_after, valid_before

REQUIRED = ("id", "before", "after")
OPTIONAL = (
    "age",
    "municipality",
    "newly_arrived",
    "months_unemployed",
    "wage",
    "extent",
    "exit_month",
    "before_amount",
    "after_amount",
    "prior_income",
    "adults",
    "children_ages",
    "employer",
    "months_in_state",
    "housing_cost",
)
REPLACED = {"household": N_("the household is given by the columns adults (1 or 2; also 'ensamstående', 'sambo') and children_ages (e.g. '3 7 15')")}

TRUE = {"true", "ja", "yes", "1", "sant", "j", "y"}
FALSE = {"false", "nej", "no", "0", "falskt", "n"}

# Other names for the columns, as people write them (Swedish first). A header matches a column or an
# alias whatever its case, accents, spaces, '-' or '_', and a unit in brackets after it ("Lön (kr)").
ALIASES: dict[str, tuple[str, ...]] = {
    "id": ("löpnummer", "löpnr", "deltagare", "deltagar-id", "deltagarnummer", "personnummer", "pnr"),
    "before": ("före", "från", "from", "tillstånd före", "ersättning före"),
    "after": ("efter", "till", "to", "tillstånd efter", "utfall"),
    "age": ("ålder",),
    "municipality": ("kommun", "kommunkod", "hemkommun"),
    "newly_arrived": ("nyanländ", "nyanlända"),
    "months_unemployed": ("månader utan arbete", "månader arbetslös", "arbetslösa månader"),
    "wage": ("lön", "månadslön", "heltidslön"),
    "extent": ("omfattning", "sysselsättningsgrad", "tjänstgöringsgrad"),
    "exit_month": ("avslutsmånad", "avslutsdatum", "avslut"),
    "before_amount": ("belopp före", "försörjningsstöd före"),
    "after_amount": ("belopp efter", "försörjningsstöd efter"),
    "prior_income": ("tidigare inkomst", "inkomst före", "årsinkomst"),
    "adults": ("vuxna", "antal vuxna"),
    "children_ages": ("barnens åldrar", "barns åldrar", "barn"),
    "employer": ("arbetsgivare", "arbetsgivartyp", "arbetsgivarsektor"),
    "months_in_state": ("månader i tillståndet", "månader i ersättningen", "månader före"),
    "housing_cost": ("boendekostnad", "hyra", "boendekostnad per månad"),
}
MONEY = ("wage", "before_amount", "after_amount", "prior_income", "housing_cost")  # SEK: thousands separators and "kr" accepted
# A row whose id (or, without an id, any cell) is one of these words is a total, not a participant
TOTAL_WORDS = ("summa", "totalt", "total", "totalsumma", "sum", "summering", "s:a")
_TOTALS = {form + end for w in TOTAL_WORDS for form in (w, w.capitalize(), w.upper()) for end in ("", ":")}
UNNAMED = N_("(unnamed column {})")  # a header cell left empty (its name in the current language)

@dataclass(frozen=True)
class StateCodes:
    """Each participant's before state, after state (oförändrad included) and the state it is in after
    the transition (oförändrad: the before state), as state codes."""

    before: np.ndarray
    after: np.ndarray
    used: np.ndarray

    @classmethod
    def of(cls, before: np.ndarray, after: np.ndarray) -> "StateCodes":
        def codes(texts: np.ndarray) -> np.ndarray:
            where, names = pd.factorize(np.asarray(texts, dtype=object))  # each distinct text once
            return np.array([CODES.get(str(n), -1) for n in names], dtype=np.int64)[where] if len(texts) else np.zeros(0, dtype=np.int64)

        b, a = codes(before), codes(after)
        return cls(b, a, np.where(a == CODES[OFORANDRAD], b, a))


@dataclass
class Participants:
    file: str
    sha256: str
    ids: np.ndarray  # str; pseudonyms when the file's ids look like personnummer
    rows: np.ndarray  # line number in the file
    before: np.ndarray  # state ids
    after: np.ndarray
    age: np.ndarray  # float, NaN = missing
    municipality: np.ndarray  # str, "" = missing
    newly_arrived: np.ndarray  # float 1/0, NaN = missing
    months_unemployed: np.ndarray
    wage: np.ndarray
    extent: np.ndarray
    exit_month: np.ndarray  # int: year × 12 + month − 1; −1 = missing
    before_amount: np.ndarray  # observed monthly försörjningsstöd before, SEK; NaN = model it
    after_amount: np.ndarray  # observed monthly försörjningsstöd after, SEK; NaN = model it
    prior_income: np.ndarray  # gross SEK/year before the benefit (basis of a-kassa, SGI, antagandeinkomst); NaN = missing
    adults: np.ndarray  # float 1/2, NaN = missing (scenario default)
    children_ages: np.ndarray  # (n, k) float ages at exit_month, NaN padding; k ≥ 0
    children_given: np.ndarray  # bool: children_ages was filled in ('-' = no children)
    employer: np.ndarray  # str: privat, kommun, region, stat, ideell; "" = missing (scenario default)
    months_in_state: np.ndarray  # whole months already in the before state at the exit (its path); NaN = missing
    housing_cost: np.ndarray  # SEK/month (bostadsbidrag, bostadsersättning); NaN = missing
    ids_pseudonymised: bool = False
    ids_look_like_personnummer: bool = False
    id_key_given: bool = False

    def __len__(self) -> int:
        return len(self.ids)

    @functools.cached_property
    def state_codes(self) -> StateCodes:
        """The states as codes (states.CODES; −1 for a text that is no state): integers compare at once
        where texts compare one by one."""
        return StateCodes.of(self.before, self.after)

    @functools.cached_property
    def municipalities(self) -> tuple[np.ndarray, np.ndarray]:
        """(each participant's index into the distinct municipality texts, those texts), hashed once."""
        return pd.factorize(self.municipality)

    def take(self, idx: np.ndarray) -> "Participants":
        """The participants at positions idx (a chunk), every per-participant array taken alike."""
        n = len(self)
        out = dataclasses.replace(self, **{
            f.name: getattr(self, f.name)[idx]
            for f in dataclasses.fields(self)
            if isinstance(getattr(self, f.name), np.ndarray) and len(getattr(self, f.name)) == n
        })
        if "state_codes" in self.__dict__:  # hashed once: taken alike
            codes = self.state_codes
            out.__dict__["state_codes"] = StateCodes(codes.before[idx], codes.after[idx], codes.used[idx])
        return out

    @classmethod
    def concat(cls, parts: list["Participants"], **fields) -> "Participants":
        """The participants of several files one after the other (a dataset's partitions), every
        per-participant array concatenated (2-D ones padded with NaN to the widest); `fields`
        overrides the rest (file, sha256, …), which come from the first part."""
        first = parts[0]
        arrays = {}
        for f in dataclasses.fields(first):
            if not isinstance(getattr(first, f.name), np.ndarray):
                continue
            each = [getattr(q, f.name) for q in parts]
            if each[0].ndim == 2:  # e.g. children's ages
                width = max(a.shape[1] for a in each)
                each = [np.pad(a, ((0, 0), (0, width - a.shape[1])), constant_values=np.nan) for a in each]
            arrays[f.name] = np.concatenate(each)
        return dataclasses.replace(first, **arrays, **fields)


@dataclass
class Population:
    """What the analysis needs of the participants as a whole: how many made which move, and where
    they came from. Counts, not rows, so that the partitions of a dataset add up without keeping
    their participants (distributed.py)."""

    n: int
    file: str  # as outputs show it: a personnummer in the file's name masked
    sha256: str
    pairs: dict[tuple[str, str], int]  # (before state, after state as written) → participants
    ids_pseudonymised: bool = False
    ids_look_like_personnummer: bool = False
    id_key_given: bool = False

    @classmethod
    def of(cls, p: Participants) -> "Population":
        counts = pd.DataFrame({"before": p.before, "after": p.after}).value_counts(sort=False)
        # the file's name as outputs show it: a personnummer in it masked like an id
        return cls(len(p), mask_file_name(p.file), p.sha256, {(str(b), str(a)): int(c) for (b, a), c in counts.items()},
                   p.ids_pseudonymised, p.ids_look_like_personnummer, p.id_key_given)

    def count(self, where) -> int:
        """Participants whose (before, after) satisfy where(before, after) (vectorised over the distinct pairs)."""
        if not self.pairs:
            return 0
        before = np.array([b for b, _ in self.pairs], dtype=object)
        after = np.array([a for _, a in self.pairs], dtype=object)
        counts = np.fromiter(self.pairs.values(), dtype=np.int64, count=len(self.pairs))
        return int(counts[np.asarray(where(before, after), dtype=bool)].sum())

    def add(self, other: "Population") -> None:
        self.n += other.n
        for k, v in other.pairs.items():
            self.pairs[k] = self.pairs.get(k, 0) + v
        self.ids_pseudonymised |= other.ids_pseudonymised
        self.ids_look_like_personnummer |= other.ids_look_like_personnummer


def _unreadable(path, problem: str, summary: str | None = None, **where) -> InputError:
    return InputError([Problem(file=str(path), problem=problem, **where)], summary or _("unreadable participant file"))


def _float_text(x: float) -> str:
    """A typed number as text the number parser reads back exactly: a whole number without '.0', and
    never one decimal mark followed by exactly three digits (that is refused as ambiguous in text)."""
    if x.is_integer() and abs(x) < 1e15:
        return str(int(x))
    text = repr(x)
    return text + "0" if "e" not in text and len(text) - text.find(".") == 4 else text


def _cell_text(v) -> str:
    """An Excel cell's value as the text a CSV export would hold."""
    if v is None:
        return ""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return _float_text(v)
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d") if v.time() == dt.time() else v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, (dt.date, dt.time)):
        return v.isoformat()
    return str(v)


def _pick_sheet(wb, sheet: str | None, path: Path):
    """The sheet asked for by name (exact, else in any case), or the first visible one."""
    sheets = wb.worksheets
    if sheet is not None:
        found = [ws for ws in sheets if ws.title == sheet] or [ws for ws in sheets if ws.title.casefold() == sheet.strip().casefold()]
        if found:
            return found[0]
        names = ", ".join(repr(ws.title) + ("" if ws.sheet_state == "visible" else " " + _("(hidden)")) for ws in sheets)
        raise _unreadable(path, _("no sheet named {sheet}; the sheets are {names}").format(sheet=repr(sheet), names=names), _("no such sheet"))
    visible = [ws for ws in sheets if ws.sheet_state == "visible"]
    if not visible:
        raise _unreadable(path, _("the workbook has no visible sheet; name one with --sheet"), _("no visible sheet"))
    return visible[0]


_FORMULA = re.compile(rb"<(?:\w+:)?f[ >/]")  # a cell formula in a sheet's XML


def _sheet_has_formulas(path: Path, ws) -> bool:
    part = getattr(ws, "_worksheet_path", None)
    if part is None:  # not known: look at the cells
        return True
    with zipfile.ZipFile(path) as z, z.open(part.lstrip("/")) as fh:
        tail = b""
        while chunk := fh.read(2**22):
            if _FORMULA.search(tail + chunk):
                return True
            tail = chunk[-16:]
    return False


def _formulas_without_values(path: Path, ws, raw: list[tuple], header: tuple) -> list[Problem]:
    """Formula cells whose value Excel has not saved (a file written by a program, not saved in
    Excel): their cell, never an empty value."""
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    if not _sheet_has_formulas(path, ws):
        return []
    problems = []
    wb = load_workbook(path, read_only=True, data_only=False)
    try:
        for r, row in enumerate(wb[ws.title].iter_rows(values_only=True)):
            for c, v in enumerate(row):
                formula = isinstance(v, str) and v.startswith("=") or type(v).__name__ in ("ArrayFormula", "DataTableFormula")
                if formula and r < len(raw) and (c >= len(raw[r]) or raw[r][c] is None):
                    ref = f"{ws.title}!{get_column_letter(c + 1)}{r + 1}"
                    text = v if isinstance(v, str) else getattr(v, "text", "")
                    problems.append(Problem(str(path), _("cell {cell} holds a formula ({formula}) without a saved value: open the file in "
                                                         "Excel and save it, or paste the values instead of the formula").format(
                                                             cell=ref, formula=str(text)[:60]), row=r + 1,
                                            column=str(header[c]) if r and c < len(header) and header[c] is not None else None))
                    if len(problems) >= 100:
                        return problems
    finally:
        wb.close()
    return problems


def _read_xlsx(path: Path, sheet: str | None = None) -> pd.DataFrame:
    """The first visible sheet (or the one named) as text: Excel's saved values, not its formulas."""
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(path) as z:
            unpacked = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise _unreadable(path, _("cannot read as an Excel workbook: {why}").format(why=type(exc).__name__)) from None
    if unpacked > MAX_XLSX_UNPACKED_BYTES:
        raise _unreadable(path, _("the workbook unpacks to {size} bytes; at most {limit} are read (save it as CSV)").format(
            size=Num(unpacked), limit=Num(MAX_XLSX_UNPACKED_BYTES)))
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # a damaged or non-Excel file: openpyxl raises many kinds
        raise _unreadable(path, _("cannot read as an Excel workbook: {why}").format(why=type(exc).__name__)) from None
    try:
        ws = _pick_sheet(wb, sheet, path)
        raw = list(ws.iter_rows(values_only=True))
    except InputError:
        raise
    except Exception as exc:
        raise _unreadable(path, _("cannot read as an Excel workbook: {why}").format(why=type(exc).__name__)) from None
    finally:
        wb.close()
    if not raw:
        return pd.DataFrame()
    width = max(len(r) for r in raw)
    if width > MAX_COLUMNS and any(v is not None for r in raw for v in r[MAX_COLUMNS:]):
        raise _unreadable(path, _("the sheet has {n} columns; a participant file may have at most {limit}").format(n=width, limit=MAX_COLUMNS),
                          _("too many columns"))
    problems = _formulas_without_values(path, ws, raw, raw[0])
    if problems:
        raise InputError(problems, _("{file}: formulas without saved values").format(file=path))
    return pd.DataFrame([[_cell_text(v) for v in r[:MAX_COLUMNS]] for r in raw]).fillna("")


PARQUET_HINT = N_("install with pip install 'nyttokalk[parquet]'")


def _parquet_text(col: pd.Series) -> pd.Series:
    """A typed Parquet column as the text the CSV reader would have seen: '' for null, ints
    without a decimal point, true/false, dates as YYYY-MM-DD (with the time when it is not midnight)."""
    null = col.isna().to_numpy()
    text = None
    if pd.api.types.is_bool_dtype(col):
        text = np.where(col.fillna(False).to_numpy(dtype=bool), "true", "false")
    elif pd.api.types.is_integer_dtype(col):
        text = col.fillna(0).to_numpy(dtype=np.int64).astype(str)
    elif pd.api.types.is_float_dtype(col):
        x = col.to_numpy(dtype=float, na_value=np.nan)
        whole = np.isfinite(x) & (x == np.round(x)) & (np.abs(x) < 1e15)
        text = np.where(whole, np.where(whole, x, 0).astype(np.int64).astype(str), x.astype(str))
        with np.errstate(invalid="ignore"):  # exactly three decimals (1234.125) get a fourth digit, as _float_text
            three = np.isfinite(x) & ~whole & (np.round(x, 3) == x) & (np.round(x, 2) != x)
        if three.any():
            text = np.where(three, np.char.add(text.astype(str), "0"), text)
    elif pd.api.types.is_datetime64_any_dtype(col):
        midnight = (col.dt.normalize() == col).to_numpy()
        text = np.where(midnight, col.dt.strftime("%Y-%m-%d").to_numpy(dtype=object), col.dt.strftime("%Y-%m-%d %H:%M:%S").to_numpy(dtype=object))
    if text is not None:
        return pd.Series(np.where(null, "", text), index=col.index, dtype=object)

    def one(v) -> str:
        if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT or v is pd.NA:
            return ""
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, bytes):
            return v.decode("utf-8", errors="replace")
        if hasattr(v, "isoformat"):  # datetime.date from a Parquet date column
            return v.isoformat()
        return str(v)

    if pd.api.types.infer_dtype(col, skipna=True) in ("string", "empty"):  # text already: only the nulls change
        return pd.Series(np.where(null, "", col.to_numpy(dtype=object)), index=col.index, dtype=object)
    # anything else (dates, mixed): converted once per distinct value
    codes, uniques = pd.factorize(col.astype(object), use_na_sentinel=True)
    text = np.array([one(v) for v in uniques] + [""], dtype=object)
    return pd.Series(text[codes], index=col.index, dtype=object)  # code −1 (null) → the last, ''


def _read_parquet(path: Path) -> pd.DataFrame:
    """The columns of a Parquet file as text, normalised to what the CSV reader produces."""
    try:
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError([Problem(file=str(path), problem=_("reading Parquet needs the optional package pyarrow: {hint} (or save the file as "
                                                            "CSV)").format(hint=_(PARQUET_HINT)))], _("pyarrow is not installed"))
    try:
        table = pq.read_table(path)
    except Exception as exc:  # not Parquet, damaged: pyarrow raises several kinds
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError([Problem(file=str(path), problem=_("cannot read as Parquet: {why}").format(why=first))], _("unreadable participant file"))
    return _parquet_frame(table, path)


def _parquet_frame(table, path: Path, first_row: int = 1) -> pd.DataFrame:
    """A pyarrow table (or record batch, whose first row is first_row of the file) as the text frame the CSV reader gives."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if table.num_columns > MAX_COLUMNS:
        raise _unreadable(path, _("the file has {n} columns; a participant file may have at most {limit}").format(n=table.num_columns, limit=MAX_COLUMNS),
                          _("too many columns"))
    for name, column in zip(table.column_names, table.columns):
        if pa.types.is_string(column.type) or pa.types.is_large_string(column.type) or pa.types.is_binary(column.type):
            lengths = pc.binary_length(column)  # bytes: at least the characters
            longest = pc.max(lengths).as_py()
            if longest is not None and longest > MAX_CELL_CHARS:
                i = pc.index(lengths, longest).as_py()
                raise _unreadable(path, _("a cell of {n} bytes; a cell may hold at most {limit} characters").format(n=Num(longest), limit=Num(MAX_CELL_CHARS)),
                                  _("cell too long"),
                                  row=first_row + i, column=str(name))
    names = [str(n).strip() for n in table.column_names]
    dup = sorted({c for c in names if names.count(c) > 1})
    if dup:
        raise InputError([Problem(file=str(path), column=c, problem=_("the column appears more than once")) for c in dup], _("duplicate columns"))
    df = table.rename_columns([f"c{i}" for i in range(len(names))]).to_pandas()
    out = pd.DataFrame({name: _parquet_text(df[f"c{i}"]).to_numpy(dtype=object) for i, name in enumerate(names)})
    if len(out.columns) == 0:
        raise InputError([Problem(file=str(path), problem=_("the file has no columns"))], _("empty participant file"))
    return out


def _line_lengths(raw: bytes) -> np.ndarray:
    """The length in bytes of every line (without its line end)."""
    ends = np.flatnonzero(np.frombuffer(raw, dtype=np.uint8) == 10)
    return np.diff(np.concatenate(([-1], ends, [len(raw)]))) - 1


def _check_lines(lengths: np.ndarray, path: Path, first_line: int = 1) -> bool:
    """An InputError for a line longer than MAX_ROW_BYTES; whether any line could hold a cell longer than MAX_CELL_CHARS."""
    longest = int(lengths.max()) if len(lengths) else 0
    if longest > MAX_ROW_BYTES:
        raise _unreadable(path, _("line of {n} bytes; a row may have at most {limit} bytes").format(n=Num(longest), limit=Num(MAX_ROW_BYTES)),
                          _("row too long"),
                          row=first_line + int(np.argmax(lengths)))
    return longest > MAX_CELL_CHARS


def _check_cells(df: pd.DataFrame, path: Path, first_row: int) -> None:
    """Every cell at most MAX_CELL_CHARS (checked only when some line is that long)."""
    problems = []
    for c in df.columns:
        lengths = df[c].astype(str).str.len().to_numpy()
        for i in np.flatnonzero(lengths > MAX_CELL_CHARS)[:20]:
            problems.append(Problem(str(path), _("a cell of {n} characters; a cell may hold at most {limit}").format(
                                        n=Num(int(lengths[i])), limit=Num(MAX_CELL_CHARS)),
                                    row=first_row + int(i), column=str(c), value=str(df[c].iloc[i])[:40] + "…"))
    if problems:
        raise InputError(problems, _("cells too long"))


def _header_fields(text: str) -> tuple[str, str, int]:
    """The separator of a CSV file (the header decides: ';' or ','), its decimal mark (',' with ';')
    and the number of columns in the header."""
    start = 0
    while True:  # the first non-blank line
        end = text.find("\n", start)
        header = text[start:] if end < 0 else text[start:end]
        if header.strip() or end < 0:
            break
        start = end + 1
    sep, decimal = (";", ",") if header.count(";") > header.count(",") else (",", ".")
    return sep, decimal, header.count(sep) + 1


def _named_columns(df: pd.DataFrame, header: list[str]) -> pd.DataFrame:
    """df with the header's names; a column with an empty header gets a name of its own (UNNAMED)."""
    unnamed = _(UNNAMED)
    df.columns = [h if h else unnamed.format(i + 1) for i, h in enumerate(header)]
    return df


# A CSV text of at least this many characters is parsed with pyarrow's parser (several threads);
# a smaller one with pandas' own, which is faster there (the 40-row example: about 0.01 s less on a cold start, from
# converting pyarrow's strings to the frame; bench/startup.py).
PYARROW_CSV_MIN_CHARS = 1 << 20


def _parse_csv(text: str, sep: str) -> pd.DataFrame:
    """The CSV text as a frame of text cells: with pyarrow's parser where it is installed and the text
    is large, else, or where it finds a problem, with pandas' own (whose messages the errors show)."""
    options = dict(sep=sep, dtype=str, keep_default_na=False, skip_blank_lines=True, header=None)
    pyarrow = None
    if len(text) >= PYARROW_CSV_MIN_CHARS:
        try:
            import pyarrow  # noqa: F401  (the parquet extra)
        except ImportError:
            pass
    if pyarrow is not None:
        try:
            return pd.read_csv(io.BytesIO(text.encode("utf-8")), engine="pyarrow", **options)
        except Exception:  # noqa: BLE001 — the same text again with pandas' parser: its result or its error
            pass
    return pd.read_csv(io.StringIO(text), **options)


def _read_csv(path: Path, raw: bytes) -> pd.DataFrame:
    if raw[:4] == b"PAR1":
        raise _unreadable(path, _("this is a Parquet file; name it .parquet"), _("not a CSV file"))
    if raw[:4] == b"PK\x03\x04":
        raise _unreadable(path, _("this is an Excel workbook or other zip file; name it .xlsx, or save it as CSV"), _("not a CSV file"))
    if b"\x00" in raw[:4096]:
        raise _unreadable(path, _("binary content: expected a CSV text file (UTF-8 or Windows-1252), .xlsx or .parquet"), _("not a CSV file"))
    long_cells = _check_lines(_line_lengths(raw), path)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    sep, decimal, fields = _header_fields(text)
    if fields > MAX_COLUMNS:
        raise _unreadable(path, _("the header has {n} columns; a participant file may have at most {limit}").format(n=fields, limit=MAX_COLUMNS),
                          _("too many columns"), row=1)
    try:
        df = _parse_csv(text, sep)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, csv.Error) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise _unreadable(path, _("cannot read as CSV: {why}").format(why=first)) from None
    df.attrs.update(decimal=decimal, long_lines=long_cells)
    return df


def check_sheet(path: Path, sheet: str | None) -> None:
    """--sheet is for one .xlsx workbook: an InputError for a folder or another kind of file."""
    if sheet is not None and (path.is_dir() or path.suffix.lower() not in (".xlsx", ".xlsm")):
        raise _unreadable(path, _("--sheet names a sheet of an .xlsx workbook; this is a folder") if path.is_dir() else
                          _("--sheet names a sheet of an .xlsx workbook; this is not one"), _("--sheet without a workbook"))


def _read_table(path: Path, sheet: str | None = None) -> pd.DataFrame:
    """A participant file as a frame of text, its header as column names; CSV files record their
    decimal mark in attrs["decimal"]."""
    if not path.exists():
        raise _unreadable(path, _("file not found"), _("participant file not found"))
    if path.is_dir():
        raise _unreadable(path, _("is a folder, not a participant file"), _("not a file"))
    suffix = path.suffix.lower()
    check_sheet(path, sheet)
    try:
        raw = path.read_bytes() if suffix not in (".xlsx", ".xlsm", ".parquet") else b""
        empty = not raw.strip() if raw else path.stat().st_size == 0
    except OSError as exc:  # no permission, …
        raise _unreadable(path, _("cannot read: {why}").format(why=exc.strerror or type(exc).__name__)) from None
    if empty:
        raise _unreadable(path, _("the file is empty"), _("empty participant file"))
    if suffix == ".parquet":
        return _read_parquet(path)
    df = _read_xlsx(path, sheet) if suffix in (".xlsx", ".xlsm") else _read_csv(path, raw)
    if len(df) == 0:
        raise _unreadable(path, _("the file is empty"), _("empty participant file"))
    # the first row is the header (read as data so that repeated names are not renamed)
    decimal, long_lines = df.attrs.get("decimal"), df.attrs.get("long_lines")
    df = _named_columns(df.iloc[1:].reset_index(drop=True), [str(c).strip() for c in df.iloc[0]])
    if long_lines:
        _check_cells(df, path, 2)
    df.attrs["decimal"] = decimal
    if len(df.columns) != len(set(df.columns)):
        dup = sorted({c for c in df.columns if list(df.columns).count(c) > 1})
        raise InputError([Problem(file=str(path), row=1, column=c, problem=_("the column appears more than once in the header")) for c in dup],
                         _("duplicate columns"))
    # trailing rows that are empty in every column (Excel exports)
    last = len(df) - 1  # from the end: usually the last row has data and this stops at once
    while last >= 0 and all(str(v).strip() == "" for v in df.iloc[last]):
        last -= 1
    return df.iloc[: last + 1]


# --- the header ----------------------------------------------------------------------------------


def header_key(text: str) -> str:
    """A header as it is matched: case, accents, spaces, '-', '_', '.', ':' and a unit in brackets
    after it ignored ('Lön (kr)' → 'lon', 'Exit-Month' → 'exit_month')."""
    t = unicodedata.normalize("NFKD", str(text).strip().casefold())
    t = "".join(ch for ch in t if not unicodedata.combining(ch))
    t = re.sub(r"\s*[(\[][^)\]]*[)\]]\s*$", "", t)
    return "_".join(x for x in re.split(r"[\s_\-./:*]+", t) if x)


# header key → (column, the name as written in REQUIRED/OPTIONAL/REPLACED/ALIASES)
HEADERS: dict[str, tuple[str, str]] = {header_key(c): (c, c) for c in REQUIRED + OPTIONAL + tuple(REPLACED)}
HEADERS.update({header_key(a): (c, a) for c, names in ALIASES.items() for a in names})


def _did_you_mean(key: str) -> str:
    """A hint for an unknown header: the closest column or alias, else the list of columns."""
    match = difflib.get_close_matches(key, list(HEADERS), n=1, cutoff=0.6)
    match = match or [t for t in key.split("_") if t in HEADERS and len(t) > 1][:1] or difflib.get_close_matches(key, list(HEADERS), n=1, cutoff=0.5)
    if not match:
        return "; " + _("known columns: {columns}").format(columns=", ".join(REQUIRED + OPTIONAL))
    column, written = HEADERS[match[0]]
    return "; " + _("did you mean {guess}?").format(guess=repr(column) if column == written else f"{written!r} (= {column})")


def _resolve_header(df: pd.DataFrame, file: str, problems: list[Problem]) -> tuple[pd.DataFrame, dict[str, str]]:
    """df with its columns renamed to the column ids, and each id's header as written. Unknown and
    doubled columns become problems; a missing required column raises at once."""
    rename: dict[str, str] = {}
    written: dict[str, str] = {}
    for col in df.columns:
        if col.startswith(_(UNNAMED).split("{")[0]):
            if df[col].astype(str).str.strip().ne("").any():
                problems.append(Problem(file, _("the column has no name in the header but holds values: name it or remove it"), column=col))
            continue
        column = HEADERS.get(header_key(col), (None, None))[0]
        if column in REPLACED:
            problems.append(Problem(file, _("column not used: {why}").format(why=_(REPLACED[column])), column=col))
        elif column is None:
            problems.append(Problem(file, _("unknown column") + _did_you_mean(header_key(col)), column=col))
        elif column in written:
            problems.append(Problem(file, _("{first} and {second} are both the column {column}: keep one").format(
                first=repr(written[column]), second=repr(col), column=column), column=col))
        else:
            rename[col], written[column] = column, col
    for col in REQUIRED:
        if col not in written:
            also = " (" + _("also accepted as {names}").format(names=", ".join(ALIASES[col])) + ")" if ALIASES.get(col) else ""
            problems.append(Problem(file, _("required column is missing") + also, column=col))
    if any(col not in written for col in REQUIRED):
        raise InputError(problems, _("{file}: the header has problems").format(file=file))
    decimal = df.attrs.get("decimal")
    df = df[list(rename)].rename(columns=rename)
    df.attrs["decimal"] = decimal
    return df, written


@dataclass
class _Table:
    """The rows of a participant table under validation, and the problems found so far."""

    df: pd.DataFrame  # text, columns named by their ids
    rows: np.ndarray  # each row's number in the file
    file: str
    written: dict[str, str]  # column id → its header in the file
    decimal: str | None  # the file's decimal mark (',' or '.'); None when not known (Excel, Parquet)
    problems: list[Problem]

    def label(self, col: str) -> str:
        """The column as a message names it: its id, and the header when that differs ('Lön (wage)')."""
        head = self.written.get(col, col)
        return col if header_key(head) == col else f"{head} ({col})"

    def problem(self, i: int, col: str, message: str, value=None) -> None:
        self.problems.append(Problem(self.file, message, row=int(self.rows[i]), column=self.label(col), value=value))

    def text(self, col: str) -> pd.Series:
        return self.df[col].astype(str)


def _drop_total_rows(t: _Table) -> None:
    """A 'Summa'/'Totalt' row (in the id column, or anywhere in a row without an id) is one problem,
    and its cells are not checked as a participant's. Leaves the ids stripped of spaces."""
    ids = t.df["id"] = t.text("id").str.strip()
    total = ids.isin(_TOTALS).to_numpy(copy=True)
    no_id = np.flatnonzero((ids == "").to_numpy())
    if len(no_id):
        rest = t.df.iloc[no_id]
        total[no_id] = np.column_stack([rest[c].astype(str).str.strip().isin(_TOTALS).to_numpy() for c in rest.columns]).any(axis=1)
    if not total.any():
        return
    at = np.flatnonzero(total)
    word = next(str(v).strip() for v in t.df.iloc[at[0]] if str(v).strip() in _TOTALS)
    more = (" (" + _("also rows {rows}").format(rows=", ".join(str(r) for r in t.rows[at[1:]][:10]) + (" …" if len(at) > 11 else "")) + ")"
            if len(at) > 1 else "")
    t.problems.append(Problem(t.file, _("a total row ({word}) is not a participant: remove it{more}; nyttokalk adds the participants up "
                                        "itself").format(word=repr(word), more=more), row=int(t.rows[at[0]])))
    keep = ~total
    decimal = t.df.attrs.get("decimal")
    t.df, t.rows = t.df.loc[keep].reset_index(drop=True), t.rows[keep]
    t.df.attrs["decimal"] = decimal


# --- numbers ---------------------------------------------------------------------------------------

_SPACE = "[ \u00a0\u202f\u2009]"  # space, no-break space, narrow no-break space, thin space
_GROUPED = rf"[+-]?\d{{1,3}}(?:{_SPACE}\d{{3}})+(?:[.,]\d+)?"  # 23 500, 1 234 567,50
_AMBIGUOUS = r"[+-]?[1-9]\d{0,2}[.,]\d{3}"  # 21.500, 21,500: thousands or a decimal?
_CURRENCY = r"(?i)\s*(?:kr\.?|kronor|sek|:-)$"
SPACES_MESSAGE = N_("spaces may only separate thousands, in groups of three digits (23 500)")
SEPARATORS_MESSAGE = N_("'.' and ',' are not accepted between thousands: write the number with digits only, or a space between "
                        "thousands (1 234 567), and at most one decimal mark")


def _ambiguous(text: str, decimal: str | None) -> str:
    whole, frac = re.split(r"[.,]", text.lstrip("+-"))
    mark = decimal or ","
    decimals = f"{whole}{mark}{frac.rstrip('0') or '0'}"
    return _("ambiguous: {text} could be {thousands} or {decimals}; write {digits} or {thousands} for the first, {decimals} for the "
             "second").format(text=text, thousands=f"{whole} {frac}", decimals=decimals, digits=f"{whole}{frac}")


def _clean_numbers(texts: pd.Series, money: bool, decimal: str | None) -> tuple[pd.Series, np.ndarray]:
    """Texts that are not plain digits, made plain ('23 500 kr' → '23500', '0,75' → '0.75'), and
    the problem with each that is refused (None where accepted)."""
    if money:
        texts = texts.str.replace(_CURRENCY, "", regex=True).str.rstrip()
    grouped = texts.str.fullmatch(_GROUPED).to_numpy(dtype=bool)
    if grouped.any():
        texts = texts.where(~grouped, texts.str.replace(_SPACE, "", regex=True))
    why = np.full(len(texts), None, dtype=object)
    digits_and_spaces = texts.str.fullmatch(rf"[+-]?[\d{_SPACE[1:-1]}]+(?:[.,]\d+)?").to_numpy(dtype=bool)
    why[~grouped & digits_and_spaces & texts.str.contains(_SPACE).to_numpy(dtype=bool)] = _(SPACES_MESSAGE)
    why[(texts.str.count(r"[.,]") > 1).to_numpy() & (why == None)] = _(SEPARATORS_MESSAGE)  # noqa: E711
    ambiguous = texts.str.fullmatch(_AMBIGUOUS).to_numpy(dtype=bool) & (why == None)  # noqa: E711
    if not money:  # a count or a share: the file's own decimal mark is a decimal mark
        ambiguous &= decimal is not None and ~texts.str.contains(decimal, regex=False).to_numpy(dtype=bool)
    why[ambiguous] = [_ambiguous(x, decimal) for x in texts[ambiguous]]
    return texts.str.replace(",", ".", regex=False), why


def parse_numbers(texts: pd.Series, *, money: bool = False, decimal: str | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Numbers written as people write them, each text once: (values, empty, problem). A space
    (also no-break) separates thousands; in money columns a 'kr'/'SEK' suffix is dropped; ',' or '.'
    is the decimal mark. One mark followed by exactly three digits after at most three others
    (21.500, 21,500) is refused in money columns, and elsewhere unless it is the file's own decimal
    mark: it may be a thousands separator. NaN where empty or refused."""
    texts = texts.str.strip()
    empty = (texts == "").to_numpy()
    why = np.full(len(texts), None, dtype=object)
    special = texts.str.contains(r"[^0-9+\-]").to_numpy(dtype=bool)  # decimals, spaces, units, letters
    if special.any():
        cleaned, why[special] = _clean_numbers(texts[special], money, decimal)
        texts = texts.copy()
        texts[special] = cleaned
    ok = ~empty & (why == None)  # noqa: E711
    values = pd.to_numeric(texts.where(ok), errors="coerce").to_numpy(dtype=float, copy=True)
    why[ok & ~np.isfinite(values)] = _("not a number")
    values[~ok | ~np.isfinite(values)] = np.nan
    return values, empty, why


# column → (lowest, highest, lowest excluded, whole numbers only); every column in MONEY is in SEK
NUMBERS = {
    "age": (AGE_RANGE[0], AGE_RANGE[1], False, True),
    "months_unemployed": (0, MAX_MONTHS_UNEMPLOYED, False, True),
    "wage": (MIN_FULL_TIME_WAGE, MAX_FULL_TIME_WAGE, False, False),
    "extent": (0, 1, True, False),
    "before_amount": (0, MAX_OBSERVED_AMOUNT, False, False),
    "after_amount": (0, MAX_OBSERVED_AMOUNT, False, False),
    "prior_income": (0, MAX_PRIOR_INCOME, False, False),
    "months_in_state": (0, MAX_MONTHS_UNEMPLOYED, False, True),
    "housing_cost": (0, MAX_HOUSING_COST, False, False),
}
WAGE_FLOOR_MESSAGE = N_("a full-time wage below {floor} kr a month is not plausible: write the gross monthly wage at full time in "
                        "kronor (23500 or 23 500), or leave the cell empty")  # {floor}: limits.MIN_FULL_TIME_WAGE


def _number(t: _Table, col: str) -> np.ndarray:
    """A numeric column (see parse_numbers and NUMBERS) parsed once per distinct text; every refused cell is a problem."""
    if col not in t.df:
        return np.full(len(t.df), np.nan)
    lo, hi, lo_open, integer = NUMBERS[col]
    codes, uniques = pd.factorize(t.text(col))
    values_u, empty_u, why_u = parse_numbers(pd.Series(uniques, dtype=object), money=col in MONEY, decimal=t.decimal)
    with np.errstate(invalid="ignore"):
        low = (values_u <= lo) if lo_open else (values_u < lo)
        bad_range = np.isfinite(values_u) & (low | (values_u > hi) | ((values_u != np.round(values_u)) if integer else False))
    interval = f"{'(' if lo_open else '['}{lo}, {hi}]"
    range_message = (_("expected a whole number in {interval}") if integer else _("expected a number in {interval}")).format(interval=interval)
    why_u[(why_u == None) & bad_range] = range_message  # noqa: E711
    if col == "wage":
        why_u[(why_u == range_message) & low] = _(WAGE_FLOOR_MESSAGE).format(floor=MIN_FULL_TIME_WAGE)
    values = values_u[codes]  # a copy: safe to change below
    bad = np.flatnonzero((why_u != None)[codes])  # noqa: E711
    for i in bad:
        t.problem(i, col, why_u[codes[i]], value=t.df[col].iloc[i])
    values[bad] = np.nan
    return values


# --- other columns ---------------------------------------------------------------------------------

def _ids(t: _Table) -> tuple[np.ndarray, bool]:
    """The ids (non-empty, unique) and whether any looks like a personnummer. After _drop_total_rows (ids stripped)."""
    id_series = t.df["id"]
    ids = id_series.to_numpy(dtype=object)
    pseudonymise = bool(personnummer_mask(ids).any())  # shape and check digit, vectorised
    for i in np.flatnonzero(ids == ""):
        t.problem(i, "id", _("id is empty"))
    duplicated = (id_series.duplicated(keep="first") & (id_series != "")).to_numpy()
    if duplicated.any():
        first_on = dict(zip(ids[::-1], t.rows[::-1]))  # the first row of each id
        for i in np.flatnonzero(duplicated):
            v = ids[i]
            t.problem(i, "id", _("duplicate id (first on row {row})").format(row=first_on[v]), value="<personnummer>" if looks_like_personnummer(v) else v)
    return ids, pseudonymise


def _states(t: _Table) -> dict[str, np.ndarray]:
    """The before and after states as state ids (any case, Swedish spelling); unknown ones are problems."""
    states = {}
    for col, allowed in (("before", valid_before()), ("after", valid_after())):
        codes, uniques = pd.factorize(t.text(col))  # each distinct text once
        norm_u = np.array([normalise_state(u) for u in uniques], dtype=object)
        norm = norm_u[codes]
        for i in np.flatnonzero(~np.isin(norm_u, allowed)[codes]):
            sid = norm[i]
            listed = (_("before states: {states}") if col == "before" else _("after states: {states}")).format(states=", ".join(allowed))
            if sid in STATES and not is_modelled(sid):
                msg = _("state {state} is not modelled in this version; modelled {states}").format(state=repr(sid), states=listed)
            elif sid in STATES:
                msg = _("{state} can only be an after state; {states}").format(state=repr(sid), states=listed)
            elif sid == "":
                msg = _("empty; {states}").format(states=listed)
            else:
                guess = difflib.get_close_matches(sid, list(STATES), n=1, cutoff=0.6)
                msg = _("unknown state") + "; " + (_("did you mean {guess}?").format(guess=repr(guess[0])) if guess else listed)
            t.problem(i, col, msg, value=uniques[codes[i]])
        states[col] = norm
    return states


def _newly_arrived(t: _Table) -> np.ndarray:
    if "newly_arrived" not in t.df:
        return np.full(len(t.df), np.nan)
    codes, uniques = pd.factorize(t.text("newly_arrived"))  # each distinct text once
    folded = [u.strip().casefold() for u in uniques]
    value_u = np.array([1.0 if u in TRUE else 0.0 if u in FALSE else np.nan for u in folded])
    for i in np.flatnonzero(np.array([u not in TRUE and u not in FALSE and u != "" for u in folded], dtype=bool)[codes]):
        t.problem(i, "newly_arrived", _("expected true/false (or ja/nej)"), value=t.df["newly_arrived"].iloc[i])
    return value_u[codes]


# a month, or a day of it (Excel turns 2024-03 into a date, midnight)
_EXIT_MONTH = r"^(\d{4})-(\d{1,2})(?:-(\d{1,2})(?:[ T]00:00(?::00)?)?)?$"


def _month_problems(uniques: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Per distinct text: the month as year × 12 + month − 1 (−1 where refused) and the problem (None where accepted)."""
    parts = uniques.str.extract(_EXIT_MONTH)
    year, month, day = (pd.to_numeric(parts[k], errors="coerce").to_numpy(dtype=float) for k in range(3))
    why = np.full(len(uniques), None, dtype=object)
    shaped = np.isfinite(year) & np.isfinite(month) & (month >= 1) & (month <= 12)
    why[~shaped] = _("expected a month as YYYY-MM")
    earliest, latest = exit_years()
    outside = shaped & ((year < earliest) | ((year > latest) if latest is not None else False))
    why[outside] = _("outside the years a run can compute, {earliest}–{latest} (up to {years} years after the newest rules year; see "
                     "'What nyttokalk promises' in docs/user-guide.md)").format(earliest=earliest, latest=latest, years=MAX_PROJECTION_YEARS)
    dated = shaped & ~outside & np.isfinite(day)
    if dated.any():
        start = ((year[dated] - 1970) * 12 + month[dated] - 1).astype("int64").astype("datetime64[M]")
        days = ((start + 1).astype("datetime64[D]") - start.astype("datetime64[D]")).astype(int)
        no_day = (day[dated] < 1) | (day[dated] > days)
        idx = np.flatnonzero(dated)[no_day]
        why[idx] = [_("not a date: {month} has {days} days").format(month=f"{int(year[k])}-{int(month[k]):02d}", days=d) for k, d in zip(idx, days[no_day])]
    index = np.where(why == None, year * 12 + month - 1, -1)  # noqa: E711
    return np.nan_to_num(index, nan=-1).astype(np.int64), why


def _exit_months(t: _Table) -> np.ndarray:
    exit_month = np.full(len(t.df), -1, dtype=np.int64)
    if "exit_month" in t.df:
        text = t.text("exit_month").str.strip()
        # parsed once per distinct value (a file has few distinct months)
        codes, uniques = pd.factorize(text)
        index_u, why_u = _month_problems(pd.Series(uniques, dtype=object))
        exit_month[:] = index_u[codes]
        refused = (why_u != None) & (uniques != "")  # noqa: E711
        for i in np.flatnonzero(refused[codes]):
            t.problem(i, "exit_month", why_u[codes[i]], value=text.iloc[i])
    return exit_month


def _household(t: _Table) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """adults, children's ages (n × k, NaN padding) and whether children_ages was filled in; each distinct text parsed once."""
    adults = np.full(len(t.df), np.nan)
    if "adults" in t.df:
        codes, uniques = pd.factorize(t.text("adults"))
        given = np.array([x.strip() != "" for x in uniques], dtype=bool)
        parsed = np.array([parse_adults(x) if g else None for x, g in zip(uniques, given)], dtype=object)
        bad = given & np.array([x is None for x in parsed], dtype=bool)
        for i in np.flatnonzero(bad[codes]):
            t.problem(i, "adults", _("expected 1 or 2 adults in the household (or ensamstående / sambo, single / couple)"),
                      value=t.df["adults"].iloc[i])
        adults = np.array([np.nan if x is None else float(x) for x in parsed] + [np.nan])[codes]
    children_ages = np.full((len(t.df), 0), np.nan)
    children_given = np.zeros(len(t.df), dtype=bool)
    if "children_ages" in t.df:
        codes, uniques = pd.factorize(t.text("children_ages"))
        parsed = [parse_children_ages(x) if x.strip() else None for x in uniques]  # a list of ages, or a message
        for i in np.flatnonzero(np.array([isinstance(x, str) for x in parsed] + [False])[codes]):
            t.problem(i, "children_ages", parsed[codes[i]], value=t.df["children_ages"].iloc[i])
        lists = [x if isinstance(x, list) else [] for x in parsed]
        table = np.full((len(lists) + 1, max((len(x) for x in lists), default=0)), np.nan)
        for j, ages in enumerate(lists):
            table[j, : len(ages)] = ages
        children_ages = table[codes]
        children_given = np.array([isinstance(x, list) for x in parsed] + [False])[codes]
    return adults, children_ages, children_given


def _employer(t: _Table) -> np.ndarray:
    """The employer kind of each row (Swedish spellings and any case), "" where empty; each distinct text parsed once."""
    if "employer" not in t.df:
        return np.full(len(t.df), "", dtype=object)
    codes, uniques = pd.factorize(t.text("employer").str.strip())
    parsed = [normalise_employer(x) if x else "" for x in uniques]
    for i in np.flatnonzero(np.array([x is None for x in parsed] + [False])[codes]):
        t.problem(i, "employer", _("unknown employer; one of {kinds}").format(kinds=", ".join(EMPLOYERS)), value=t.df["employer"].iloc[i])
    return np.array([x or "" for x in parsed] + [""], dtype=object)[codes]


def _check_id_key(id_key: str | None) -> None:
    if id_key is not None and not id_key.strip():
        raise InputError([Problem(_("command line"), _("the key is empty: give a key (the same key gives the same pseudonyms), or leave "
                                                       "the option out for a new random key per run"), column="--id-key")], _("empty --id-key"))


def pseudonyms(ids: np.ndarray, key: bytes) -> np.ndarray:
    """Keyed hash (HMAC-SHA256) of each id: the same id and key give the same pseudonym; without
    the key the id cannot be found from the pseudonym by trying personnummer."""
    return np.array(["P" + hmac.new(key, str(x).encode("utf-8"), hashlib.sha256).hexdigest()[:12] for x in ids], dtype=object)


def read_participants(path: Path, *, id_key: str | None = None, keep_ids: bool = False, sheet: str | None = None) -> Participants:
    """Read and validate a participant file (CSV, XLSX or Parquet). Ids that look like personnummer are
    replaced by keyed pseudonyms (key from id_key, else random per run) unless keep_ids. sheet: the
    sheet of an .xlsx workbook (default: the first visible one)."""
    p, error = read_participants_checked(path, id_key=id_key, keep_ids=keep_ids, sheet=sheet, lenient=False)
    return p


def read_participants_checked(path: Path, *, id_key: str | None = None, keep_ids: bool = False, sheet: str | None = None,
                              lenient: bool = True) -> tuple[Participants, InputError | None]:
    """read_participants that, with `lenient`, also returns when rows have problems: the rows without
    one, and the InputError naming the others, so that a run's later checks (missing values, the
    scenario's choices) can run on them and every problem be reported in one pass. A problem that
    leaves no row to check (the header's, an unreadable file) raises at once."""
    _check_id_key(id_key)
    path = Path(path)
    df = _read_table(path, sheet)
    # CSV and XLSX: the line (sheet row) number, line 1 being the header; Parquet has no header
    # row: the 1-based data row
    first_row = 1 if path.suffix.lower() == ".parquet" else 2
    return _from_frame(df, str(path), first_row=first_row, sha256=lambda: hashlib.sha256(path.read_bytes()).hexdigest(),
                       id_key=id_key, keep_ids=keep_ids, decimal=None, lenient=lenient)


def participants_from_frame(df: pd.DataFrame, file: str, *, first_row: int, sha256, id_key: str | None = None,
                            keep_ids: bool = False, decimal: str | None = None) -> Participants:
    """Validate the rows of a participant table read as text (every cell a str; a whole file, or a
    block of a large one whose first row is `first_row`). sha256: the file's digest, or a function
    giving it (called only when the rows are valid). decimal: the file's decimal mark, default
    df.attrs["decimal"] (set by the CSV readers; None: not known)."""
    p, _error = _from_frame(df, file, first_row=first_row, sha256=sha256, id_key=id_key, keep_ids=keep_ids, decimal=decimal, lenient=False)
    return p


def _from_frame(df: pd.DataFrame, file: str, *, first_row: int, sha256, id_key: str | None, keep_ids: bool, decimal: str | None,
                lenient: bool) -> tuple[Participants, InputError | None]:
    _check_id_key(id_key)
    problems: list[Problem] = []
    decimal = decimal or df.attrs.get("decimal")
    df, written = _resolve_header(df, file, problems)
    if len(df) == 0:
        raise InputError([Problem(file, _("no participant rows under the header"))], _("no participants"))
    t = _Table(df, np.arange(first_row, len(df) + first_row), file, written, decimal, problems)
    _drop_total_rows(t)
    ids, pseudonymise = _ids(t)
    states = _states(t)
    numbers = {col: _number(t, col) for col in NUMBERS}
    newly = _newly_arrived(t)
    exit_month = _exit_months(t)
    adults, children_ages, children_given = _household(t)
    employer = _employer(t)
    municipality = t.text("municipality").str.strip().to_numpy(dtype=object) if "municipality" in t.df else np.full(len(t.df), "", dtype=object)
    error = None
    good = None
    if problems:
        error = InputError(problems, ngettext("{file}: {n} problem in the participant file", "{file}: {n} problems in the participant file",
                                              len(problems)).format(file=file, n=len(problems)))
        bad = {pr.row for pr in problems if pr.row is not None}
        good = ~np.isin(t.rows, list(bad))
        if not lenient or not good.any():
            raise error

    if pseudonymise and not keep_ids:
        key = id_key.encode("utf-8") if id_key else secrets.token_bytes(32)
        shown = pseudonyms(ids, key)
    else:
        shown = ids
    p = Participants(
        file=file, sha256=sha256() if callable(sha256) else sha256, ids=shown, rows=t.rows, before=states["before"], after=states["after"],
        age=numbers["age"], municipality=municipality, newly_arrived=newly, months_unemployed=numbers["months_unemployed"],
        wage=numbers["wage"], extent=numbers["extent"], exit_month=exit_month, before_amount=numbers["before_amount"],
        after_amount=numbers["after_amount"], prior_income=numbers["prior_income"], adults=adults, children_ages=children_ages,
        children_given=children_given, employer=employer, months_in_state=numbers["months_in_state"],
        housing_cost=numbers["housing_cost"], ids_pseudonymised=bool(pseudonymise and not keep_ids),
        ids_look_like_personnummer=bool(pseudonymise),
        id_key_given=bool(id_key),
    )
    return (p if good is None else p.take(np.flatnonzero(good))), error


# A CSV or Parquet file with more data rows than this is read, validated and computed this many
# rows at a time (distributed.run_blocks), so that memory does not grow with the file. Results do
# not depend on it (tests/test_dataset.py).
BLOCK_ROWS = 1_000_000
_READ = 16 * 2**20  # bytes per read in the pass over a large CSV


@dataclass
class BlockedFile:
    """A participant file too long to hold at once: its digest, about how many data rows it has
    (for the progress bar) and how to read it block by block."""

    path: Path
    rows: int
    sha256: str
    block_rows: int
    encoding: str = "utf-8-sig"
    sep: str = ","
    long_lines: bool = False  # some line is longer than a cell may be: check the cells

    def blocks(self) -> Iterator["Block"]:
        """The file's blocks of block_rows rows, in file order. A block hands its rows over once
        (Block.take), so that no reader keeps them while they are computed."""
        block_rows = self.block_rows
        if self.path.suffix.lower() == ".parquet":
            import pyarrow.parquet as pq

            first = 1
            for batch in pq.ParquetFile(self.path).iter_batches(batch_size=block_rows):
                block = Block(_parquet_frame(batch, self.path, first), first)
                del batch
                first += block.rows
                yield block
            return
        reader = pd.read_csv(self.path, sep=self.sep, encoding=self.encoding, encoding_errors="replace", dtype=str,
                             keep_default_na=False, skip_blank_lines=True, header=None, chunksize=block_rows)
        header = None
        first = 2
        pending: list[Block] = []  # blocks that may end in rows empty in every column
        while True:
            try:
                df = next(reader)
            except StopIteration:
                break
            except (pd.errors.ParserError, ValueError, csv.Error) as exc:
                line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                raise InputError([Problem(file=str(self.path), problem=_("cannot read as CSV: {why}").format(why=line))],
                                 _("unreadable participant file")) from None
            if header is None:
                header = [str(c).strip() for c in df.iloc[0]]
                if len(header) > MAX_COLUMNS:
                    raise _unreadable(self.path, _("the header has {n} columns; a participant file may have at most {limit}").format(
                        n=len(header), limit=MAX_COLUMNS), _("too many columns"), row=1)
                named = [h for h in header if h]
                if len(named) != len(set(named)):
                    dup = sorted({c for c in named if named.count(c) > 1})
                    raise InputError([Problem(file=str(self.path), row=1, column=c, problem=_("the column appears more than once in the header"))
                                      for c in dup], _("duplicate columns"))
                df = df.iloc[1:]
            df = _named_columns(df.reset_index(drop=True), header)
            if self.long_lines:
                _check_cells(df, self.path, first)
            df.attrs["decimal"] = "," if self.sep == ";" else "."
            block = Block(df, first)
            del df
            first += block.rows
            # rows empty in every column at the end (Excel exports) are dropped, as for a whole file:
            # a block whose last row is empty waits until a later block has data
            ends_filled = block.rows > 0 and _has_text(block.df.iloc[-1])
            if ends_filled or (block.rows and _filled_rows(block.df).any()):
                yield from pending
                pending = []
            if ends_filled:
                yield block
            else:
                pending.append(block)
            del block
        if pending:
            block = pending[0]  # the last block with data, or (all empty) the first empty one
            filled = _filled_rows(block.df)
            last = int(np.flatnonzero(filled)[-1]) + 1 if filled.any() else 0
            if last:
                block.df = block.df.iloc[:last]
                block.rows = last
                yield block


@dataclass
class Block:
    df: pd.DataFrame | None  # the rows as text
    first_row: int  # row number of the first
    rows: int = -1

    def __post_init__(self) -> None:
        if self.rows < 0:
            self.rows = len(self.df)

    def take(self) -> pd.DataFrame:
        df, self.df = self.df, None
        return df


def _has_text(row: pd.Series) -> bool:
    return any(str(v).strip() for v in row)


def _filled_rows(df: pd.DataFrame) -> np.ndarray:
    """Per row: some cell holds more than white space."""
    return np.column_stack([df[c].astype(str).str.strip().to_numpy() != "" for c in df.columns]).any(axis=1)


def blocked_file(path: Path, block_rows: int | None = None) -> BlockedFile | None:
    """A BlockedFile when `path` is a CSV or Parquet file of more than block_rows data rows;
    None for anything else (read whole by read_participants, which also reports unreadable files)."""
    path = Path(path)
    block_rows = block_rows or BLOCK_ROWS
    if not path.is_file() or path.suffix.lower() in (".xlsx", ".xlsm"):
        return None
    try:
        return _blocked_file(path, block_rows)
    except OSError:  # no permission, …: read_participants says so
        return None


def _blocked_file(path: Path, block_rows: int) -> BlockedFile | None:
    if path.suffix.lower() == ".parquet":
        try:
            import pyarrow.parquet as pq

            rows = pq.ParquetFile(path).metadata.num_rows
        except Exception:  # no pyarrow, or not Parquet: read_participants says so
            return None
        if rows <= block_rows:
            return None
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            while chunk := fh.read(_READ):
                digest.update(chunk)
        return BlockedFile(path, rows, digest.hexdigest(), block_rows)
    if path.stat().st_size <= block_rows * 4:  # a data row and its line end take at least 4 bytes: not more rows than a block
        return None
    with path.open("rb") as fh:
        start = fh.read(4096)
        if start[:4] in (b"PAR1", b"PK\x03\x04") or b"\x00" in start:
            return None  # not a CSV: read_participants reports it
        fh.seek(0)
        digest, lines, decoder, utf8 = hashlib.sha256(), 0, codecs.getincrementaldecoder("utf-8")(), True
        head = b""
        carry = 0  # bytes of the line that runs on from the previous chunk
        long_lines = False
        while chunk := fh.read(_READ):
            digest.update(chunk)
            lengths = _line_lengths(chunk)
            lengths[0] += carry
            carry = int(lengths[-1])
            long_lines |= _check_lines(lengths[:-1] if len(lengths) > 1 else lengths[:0], path, lines + 1)
            lines += len(lengths) - 1
            if carry > MAX_ROW_BYTES:
                _check_lines(lengths[-1:], path, lines + 1)
            if len(head) < 65536:
                head += chunk[:65536]
            if utf8:
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError:
                    utf8 = False
        if utf8:
            try:
                decoder.decode(b"", final=True)
            except UnicodeDecodeError:
                utf8 = False
    long_lines |= carry > MAX_CELL_CHARS
    encoding = "utf-8-sig" if utf8 else "cp1252"
    sep, _, _ = _header_fields(head.decode(encoding, errors="replace"))
    if lines - 1 <= block_rows:
        return None
    return BlockedFile(path, lines - 1, digest.hexdigest(), block_rows, encoding, sep, long_lines)
