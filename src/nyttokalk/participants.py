"""Reading and validating participant files. Every problem is collected, with file, row,
column and value, before anything is computed."""

from __future__ import annotations

import codecs
import csv
import dataclasses
import difflib
import hashlib
import hmac
import io
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import InputError, Problem
from .household import parse_adults, parse_children_ages
from .privacy import PERSONNUMMER_SHAPE, looks_like_personnummer
from .states import STATES, is_modelled, normalise_state, valid_after, valid_before

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
    "months_in_state",
    "housing_cost",
)
NOT_YET: tuple[str, ...] = ()  # known columns this version cannot use yet
REPLACED = {"household": "the household is given by the columns adults (1 or 2; also 'ensamstående', 'sambo') and children_ages (e.g. '3 7 15')"}

TRUE = {"true", "ja", "yes", "1", "sant", "j", "y"}
FALSE = {"false", "nej", "no", "0", "falskt", "n"}

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
    months_in_state: np.ndarray  # whole months already in the before state at the exit (its path); NaN = missing
    housing_cost: np.ndarray  # SEK/month (bostadsbidrag, bostadsersättning); NaN = missing
    ids_pseudonymised: bool = False
    ids_look_like_personnummer: bool = False
    id_key_given: bool = False

    def __len__(self) -> int:
        return len(self.ids)

    def take(self, idx: np.ndarray) -> "Participants":
        """The participants at positions idx (a chunk), every per-participant array taken alike."""
        n = len(self)
        return dataclasses.replace(self, **{
            f.name: getattr(self, f.name)[idx]
            for f in dataclasses.fields(self)
            if isinstance(getattr(self, f.name), np.ndarray) and len(getattr(self, f.name)) == n
        })

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
    file: str
    sha256: str
    pairs: dict[tuple[str, str], int]  # (before state, after state as written) → participants
    ids_pseudonymised: bool = False
    ids_look_like_personnummer: bool = False
    id_key_given: bool = False

    @classmethod
    def of(cls, p: Participants) -> "Population":
        counts = pd.DataFrame({"before": p.before, "after": p.after}).value_counts(sort=False)
        return cls(len(p), p.file, p.sha256, {(str(b), str(a)): int(c) for (b, a), c in counts.items()},
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


def _read_xlsx(path: Path) -> pd.DataFrame:
    try:
        df = pd.read_excel(path, sheet_name=0, dtype=str, keep_default_na=False, engine="openpyxl", header=None)
    except Exception as exc:  # a damaged or non-Excel file: openpyxl raises many kinds
        raise InputError([Problem(file=str(path), problem=f"cannot read as an Excel workbook: {type(exc).__name__}")], "unreadable participant file")
    return df.fillna("").astype(str).replace({"nan": ""})


PARQUET_HINT = "install with pip install 'nyttokalk[parquet]'"


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
        raise InputError([Problem(file=str(path), problem=f"reading Parquet needs the optional package pyarrow: {PARQUET_HINT} (or save the file as CSV)")],
                         "pyarrow is not installed")
    try:
        table = pq.read_table(path)
    except Exception as exc:  # not Parquet, damaged: pyarrow raises several kinds
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise InputError([Problem(file=str(path), problem=f"cannot read as Parquet: {first}")], "unreadable participant file")
    return _parquet_frame(table, path)


def _parquet_frame(table, path: Path) -> pd.DataFrame:
    """A pyarrow table (or record batch) as the text frame the CSV reader gives."""
    names = [str(n).strip() for n in table.column_names]
    dup = sorted({c for c in names if names.count(c) > 1})
    if dup:
        raise InputError([Problem(file=str(path), column=c, problem="the column appears more than once") for c in dup], "duplicate columns")
    df = table.rename_columns([f"c{i}" for i in range(len(names))]).to_pandas()
    out = pd.DataFrame({name: _parquet_text(df[f"c{i}"]).to_numpy(dtype=object) for i, name in enumerate(names)})
    if len(out.columns) == 0:
        raise InputError([Problem(file=str(path), problem="the file has no columns")], "empty participant file")
    return out


def _read_table(path: Path) -> pd.DataFrame:
    if not path.exists():
        raise InputError([Problem(file=str(path), problem="file not found")], "participant file not found")
    if path.is_dir():
        raise InputError([Problem(file=str(path), problem="is a folder, not a participant file")], "not a file")
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError([Problem(file=str(path), problem="the file is empty")], "empty participant file")
    header_in_data = True
    if path.suffix.lower() == ".parquet":
        df = _read_parquet(path)
        header_in_data = False
    elif path.suffix.lower() in (".xlsx", ".xlsm"):
        df = _read_xlsx(path)
    else:
        if raw[:4] == b"PAR1":
            raise InputError([Problem(file=str(path), problem="this is a Parquet file; name it .parquet")], "not a CSV file")
        if raw[:4] == b"PK\x03\x04":
            raise InputError([Problem(file=str(path), problem="this is an Excel workbook or other zip file; name it .xlsx, or save it as CSV")], "not a CSV file")
        if b"\x00" in raw[:4096]:
            raise InputError([Problem(file=str(path), problem="binary content: expected a CSV text file (UTF-8 or Windows-1252), .xlsx or .parquet")], "not a CSV file")
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
        header = next((ln for ln in io.StringIO(text) if ln.strip()), "")  # the first non-blank line
        sep = ";" if header.count(";") > header.count(",") else ","
        try:
            df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False, skip_blank_lines=True, header=None)
        except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError, csv.Error) as exc:
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            raise InputError([Problem(file=str(path), problem=f"cannot read as CSV: {first}")], "unreadable participant file")
    if header_in_data:
        if len(df) == 0:
            raise InputError([Problem(file=str(path), problem="the file is empty")], "empty participant file")
        # the first row is the header (read as data so that repeated names are not renamed)
        df.columns = [str(c).strip() for c in df.iloc[0]]
        df = df.iloc[1:].reset_index(drop=True)
    if len(df.columns) != len(set(df.columns)):
        dup = sorted({c for c in df.columns if list(df.columns).count(c) > 1})
        raise InputError([Problem(file=str(path), row=1, column=c, problem="the column appears more than once in the header") for c in dup], "duplicate columns")
    # trailing rows that are empty in every column (Excel exports)
    last = len(df) - 1  # from the end: usually the last row has data and this stops at once
    while last >= 0 and all(str(v).strip() == "" for v in df.iloc[last]):
        last -= 1
    df = df.iloc[: last + 1]
    return df


def _number(df, col, rows, problems, file, *, lo=None, hi=None, lo_open=False, integer=False):
    """Parse a numeric column (decimal comma accepted); every bad cell becomes a Problem."""
    if col not in df:
        return np.full(len(df), np.nan)
    # parsed once per distinct text (ages, months, wages repeat a lot)
    codes, uniques = pd.factorize(df[col].astype(str))
    text = pd.Series(uniques, dtype=object).str.strip().str.replace(",", ".", regex=False)
    empty_u = (text == "").to_numpy()
    values_u = pd.to_numeric(text.where(~empty_u), errors="coerce").to_numpy(dtype=float, copy=True)
    empty = empty_u[codes]
    values = values_u[codes]  # a copy: safe to change below
    not_number = ~empty & ~np.isfinite(values)
    with np.errstate(invalid="ignore"):
        out_of_range = np.zeros(len(df), dtype=bool)
        if lo is not None:
            out_of_range |= (values <= lo) if lo_open else (values < lo)
        if hi is not None:
            out_of_range |= values > hi
        if integer:
            out_of_range |= values != np.round(values)
    out_of_range &= ~empty & ~not_number
    rng = f"{'(' if lo_open else '['}{lo}, {hi}]"
    what = "a whole number in " if integer else "a number in "
    for i in np.flatnonzero(not_number):
        problems.append(Problem(file, "not a number", row=int(rows[i]), column=col, value=df[col].iloc[i]))
    for i in np.flatnonzero(out_of_range):
        problems.append(Problem(file, f"expected {what}{rng}", row=int(rows[i]), column=col, value=df[col].iloc[i]))
    values[empty | not_number | out_of_range] = np.nan
    return values


def pseudonyms(ids: np.ndarray, key: bytes) -> np.ndarray:
    """Keyed hash (HMAC-SHA256) of each id: the same id and key give the same pseudonym; without
    the key the id cannot be found from the pseudonym by trying personnummer."""
    return np.array(["P" + hmac.new(key, str(x).encode("utf-8"), hashlib.sha256).hexdigest()[:12] for x in ids], dtype=object)


def read_participants(path: Path, *, id_key: str | None = None, keep_ids: bool = False) -> Participants:
    """Read and validate a participant file (CSV, XLSX or Parquet). Ids that look like personnummer are
    replaced by keyed pseudonyms (key from id_key, else random per run) unless keep_ids."""
    path = Path(path)
    df = _read_table(path)
    # CSV and XLSX: the line (sheet row) number, line 1 being the header; Parquet has no header
    # row: the 1-based data row
    first_row = 1 if path.suffix.lower() == ".parquet" else 2
    return participants_from_frame(df, str(path), first_row=first_row, sha256=lambda: hashlib.sha256(path.read_bytes()).hexdigest(),
                                   id_key=id_key, keep_ids=keep_ids)


def participants_from_frame(df: pd.DataFrame, file: str, *, first_row: int, sha256, id_key: str | None = None,
                            keep_ids: bool = False) -> Participants:
    """Validate the rows of a participant table read as text (every cell a str; a whole file, or a
    block of a large one whose first row is `first_row`). sha256: the file's digest, or a function
    giving it (called only when the rows are valid)."""
    problems: list[Problem] = []
    known = REQUIRED + OPTIONAL
    for col in df.columns:
        if col in REPLACED:
            problems.append(Problem(file, f"column not used: {REPLACED[col]}", column=col))
        elif col not in known:
            guess = difflib.get_close_matches(col, known, n=1, cutoff=0.5)
            hint = f"; did you mean {guess[0]!r}?" if guess else f"; known columns: {', '.join(known)}"
            problems.append(Problem(file, f"unknown column{hint}", column=col))
    for col in REQUIRED:
        if col not in df.columns:
            problems.append(Problem(file, "required column is missing", column=col))
    if any(col not in df.columns for col in REQUIRED):
        raise InputError(problems, f"{file}: the header has problems")
    if len(df) == 0:
        raise InputError([Problem(file, "no participant rows under the header")], "no participants")

    rows = np.arange(first_row, len(df) + first_row)
    id_series = df["id"].astype(str).str.strip()
    ids = id_series.to_numpy(dtype=object)
    # only ids shaped like one (10 or 12 digits) need the check digit
    shaped = id_series.str.match(PERSONNUMMER_SHAPE).to_numpy(dtype=bool)
    pseudonymise = any(looks_like_personnummer(x) for x in ids[shaped])

    def shown_id(value: str) -> str:
        return "<personnummer>" if looks_like_personnummer(value) else value

    for i in np.flatnonzero(ids == ""):
        problems.append(Problem(file, "id is empty", row=int(rows[i]), column="id"))
    duplicated = (id_series.duplicated(keep="first") & (id_series != "")).to_numpy()
    if duplicated.any():
        first_on = dict(zip(ids[::-1], rows[::-1]))  # the first row of each id
        for i in np.flatnonzero(duplicated):
            v = ids[i]
            problems.append(Problem(file, f"duplicate id (first on row {first_on[v]})", row=int(rows[i]), column="id", value=shown_id(v)))

    states = {}
    for col, allowed in (("before", valid_before()), ("after", valid_after())):
        raw_values = df[col].to_numpy(dtype=object)
        mapping = {raw: normalise_state(raw) for raw in pd.unique(raw_values)}
        norm = pd.Series(raw_values).map(mapping).to_numpy(dtype=object)
        bad = ~pd.Series(norm).isin(allowed).to_numpy()
        for i in np.flatnonzero(bad):
            raw, sid, row = raw_values[i], norm[i], int(rows[i])
            if sid in STATES and not is_modelled(sid):
                msg = f"state {sid!r} is not modelled in this version; modelled {col} states: {', '.join(allowed)}"
            elif sid in STATES:
                msg = f"{sid!r} can only be an after state; {col} states: {', '.join(allowed)}"
            elif sid == "":
                msg = f"empty; {col} states: {', '.join(allowed)}"
            else:
                guess = difflib.get_close_matches(sid, list(STATES), n=1, cutoff=0.6)
                msg = "unknown state" + (f"; did you mean {guess[0]!r}?" if guess else f"; {col} states: {', '.join(allowed)}")
            problems.append(Problem(file, msg, row=row, column=col, value=raw))
        states[col] = norm

    age = _number(df, "age", rows, problems, file, lo=15, hi=100, integer=True)
    months_unemployed = _number(df, "months_unemployed", rows, problems, file, lo=0, hi=600, integer=True)
    wage = _number(df, "wage", rows, problems, file, lo=0, hi=2_000_000)
    extent = _number(df, "extent", rows, problems, file, lo=0, hi=1, lo_open=True)
    before_amount = _number(df, "before_amount", rows, problems, file, lo=0, hi=200_000)
    after_amount = _number(df, "after_amount", rows, problems, file, lo=0, hi=200_000)
    prior_income = _number(df, "prior_income", rows, problems, file, lo=0, hi=100_000_000)
    months_in_state = _number(df, "months_in_state", rows, problems, file, lo=0, hi=600, integer=True)
    housing_cost = _number(df, "housing_cost", rows, problems, file, lo=0, hi=1_000_000)

    newly = np.full(len(df), np.nan)
    if "newly_arrived" in df:
        t = df["newly_arrived"].str.strip().str.casefold().to_numpy(dtype=object)
        is_true, is_false = np.isin(t, list(TRUE)), np.isin(t, list(FALSE))
        newly[is_true], newly[is_false] = 1.0, 0.0
        for i in np.flatnonzero(~is_true & ~is_false & (t != "")):
            problems.append(Problem(file, "expected true/false (or ja/nej)", row=int(rows[i]), column="newly_arrived", value=df["newly_arrived"].iloc[i]))

    exit_month = np.full(len(df), -1, dtype=np.int64)
    if "exit_month" in df:
        t = df["exit_month"].str.strip()
        # parsed once per distinct value (a file has few distinct months)
        codes, uniques = pd.factorize(t)
        parts = pd.Series(uniques, dtype=object).str.extract(r"^(\d{4})-(\d{1,2})(?:-\d{1,2}(?:[ T]00:00(?::00)?)?)?$")  # Excel turns 2024-03 into a date
        year = np.append(pd.to_numeric(parts[0], errors="coerce").to_numpy(dtype=float), np.nan)[codes]  # code −1 (missing) → NaN
        month = np.append(pd.to_numeric(parts[1], errors="coerce").to_numpy(dtype=float), np.nan)[codes]
        ok = np.isfinite(year) & np.isfinite(month) & (month >= 1) & (month <= 12)
        exit_month[ok] = (year[ok] * 12 + month[ok] - 1).astype(np.int64)
        for i in np.flatnonzero(~ok & (t != "").to_numpy()):
            problems.append(Problem(file, "expected a month as YYYY-MM", row=int(rows[i]), column="exit_month", value=t.iloc[i]))

    for col in NOT_YET:
        if col in df:
            for t, row in zip(df[col], rows):
                if t.strip():
                    problems.append(Problem(file, "this column is not used by this version yet; leave it empty or remove it", row=row, column=col, value=t))

    # household columns: each distinct text parsed once
    adults = np.full(len(df), np.nan)
    if "adults" in df:
        codes, uniques = pd.factorize(df["adults"].astype(str))
        given = np.array([t.strip() != "" for t in uniques], dtype=bool)
        parsed = np.array([parse_adults(t) if g else None for t, g in zip(uniques, given)], dtype=object)
        bad = given & np.array([x is None for x in parsed], dtype=bool)
        for i in np.flatnonzero(bad[codes]):
            problems.append(Problem(file, "expected 1 or 2 adults in the household (or ensamstående / sambo, single / couple)",
                                    row=int(rows[i]), column="adults", value=df["adults"].iloc[i]))
        adults = np.array([np.nan if x is None else float(x) for x in parsed] + [np.nan])[codes]
    children_ages = np.full((len(df), 0), np.nan)
    children_given = np.zeros(len(df), dtype=bool)
    if "children_ages" in df:
        codes, uniques = pd.factorize(df["children_ages"].astype(str))
        parsed = [parse_children_ages(t) if t.strip() else None for t in uniques]  # a list of ages, or a message
        for i in np.flatnonzero(np.array([isinstance(x, str) for x in parsed] + [False])[codes]):
            problems.append(Problem(file, parsed[codes[i]], row=int(rows[i]), column="children_ages", value=df["children_ages"].iloc[i]))
        lists = [x if isinstance(x, list) else [] for x in parsed]
        table = np.full((len(lists) + 1, max((len(x) for x in lists), default=0)), np.nan)
        for j, ages in enumerate(lists):
            table[j, : len(ages)] = ages
        children_ages = table[codes]
        children_given = np.array([isinstance(x, list) for x in parsed] + [False])[codes]

    municipality = df["municipality"].str.strip().to_numpy(dtype=object) if "municipality" in df else np.full(len(df), "", dtype=object)

    if problems:
        raise InputError(problems, f"{file}: {len(problems)} problem(s) in the participant file")

    if pseudonymise and not keep_ids:
        key = id_key.encode("utf-8") if id_key else secrets.token_bytes(32)
        shown = pseudonyms(ids, key)
    else:
        shown = ids
    return Participants(
        file=file,
        sha256=sha256() if callable(sha256) else sha256,
        ids=shown,
        rows=rows,
        before=states["before"],
        after=states["after"],
        age=age,
        municipality=municipality,
        newly_arrived=newly,
        months_unemployed=months_unemployed,
        wage=wage,
        extent=extent,
        exit_month=exit_month,
        before_amount=before_amount,
        after_amount=after_amount,
        prior_income=prior_income,
        adults=adults,
        children_ages=children_ages,
        children_given=children_given,
        months_in_state=months_in_state,
        housing_cost=housing_cost,
        ids_pseudonymised=bool(pseudonymise and not keep_ids),
        ids_look_like_personnummer=bool(pseudonymise),
        id_key_given=bool(id_key),
    )


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

    def blocks(self) -> Iterator["Block"]:
        """The file's blocks of block_rows rows, in file order. A block hands its rows over once
        (Block.take), so that no reader keeps them while they are computed."""
        block_rows = self.block_rows
        if self.path.suffix.lower() == ".parquet":
            import pyarrow.parquet as pq

            first = 1
            for batch in pq.ParquetFile(self.path).iter_batches(batch_size=block_rows):
                block = Block(_parquet_frame(batch, self.path), first)
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
                raise InputError([Problem(file=str(self.path), problem=f"cannot read as CSV: {line}")], "unreadable participant file") from None
            if header is None:
                header = [str(c).strip() for c in df.iloc[0]]
                if len(header) != len(set(header)):
                    dup = sorted({c for c in header if header.count(c) > 1})
                    raise InputError([Problem(file=str(self.path), row=1, column=c, problem="the column appears more than once in the header")
                                      for c in dup], "duplicate columns")
                df = df.iloc[1:]
            df.columns = header
            block = Block(df.reset_index(drop=True), first)
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
        while chunk := fh.read(_READ):
            digest.update(chunk)
            lines += chunk.count(b"\n")
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
    encoding = "utf-8-sig" if utf8 else "cp1252"
    text = head.decode(encoding, errors="replace")
    header = next((ln for ln in io.StringIO(text) if ln.strip()), "")
    sep = ";" if header.count(";") > header.count(",") else ","
    if lines - 1 <= block_rows:
        return None
    return BlockedFile(path, lines - 1, digest.hexdigest(), block_rows, encoding, sep)
