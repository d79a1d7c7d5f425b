"""Load `rules/<year>.yaml` through the schema; look rules up by month."""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import hashlib
import io
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from pydantic import ValidationError

from ..errors import InputError, Problem
from ..i18n import _
from ..limits import BEGRAVNING_RATE_MAX, KOMMUN_RATE_MAX, REGION_RATE_MAX
from ..paths import rules_dir as bundled_rules_dir
from ..yamlio import load_yaml, pydantic_problems
from .schema import Indices, Leaf, RuleYear, iter_leaves, known_keys


def available_years(directory: Path | None = None) -> list[int]:
    directory = directory or bundled_rules_dir()
    return sorted(int(p.stem) for p in directory.glob("[0-9][0-9][0-9][0-9].yaml"))


def file_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def file_digest(path: Path) -> str:
    """The sha256 of a file that shaped a result (a rules year, the indices, a municipal table),
    read once per version of the file (cached by path, size and modification time)."""
    st = Path(path).stat()
    return _digest(Path(path).resolve(), st.st_size, st.st_mtime_ns)


@lru_cache(maxsize=256)
def _digest(path: Path, size: int, mtime_ns: int) -> str:
    return file_hash(path)


@dataclass(frozen=True)
class Municipality:
    code: str
    name: str
    kommun_rate: float  # fraction
    region_rate: float
    begravning_rate: float


@dataclass(frozen=True)
class LoadedYear:
    rules: RuleYear
    path: Path
    sha256: str
    municipalities: dict[str, Municipality]  # by kommunkod
    municipalities_path: Path | None
    projected_from: int | None = None  # the rule year this one was carried forward from


MUNICIPALITY_COLUMNS = ("kommunkod", "kommun", "kommunal_procent", "region_procent", "begravning_procent")
# percent: the lowest and highest plausible rate of each (Gotland has no regional tax: 0)
RATE_RANGES = {"kommunal_procent": (0.0, KOMMUN_RATE_MAX), "region_procent": (0.0, REGION_RATE_MAX),
               "begravning_procent": (0.0, BEGRAVNING_RATE_MAX)}


def _municipality_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """The table's header and its data rows with their line numbers; an InputError when the file is
    not UTF-8 or the header lacks a column."""
    def fail(problem: str, row: int | None = None) -> InputError:
        return InputError([Problem(file=str(path), row=row, problem=problem)], _("bad municipal tax table {path}").format(path=path))

    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise fail(_("not UTF-8 text: byte {byte} ({reason}); save the table as UTF-8").format(byte=f"0x{raw[exc.start]:02x}", reason=exc.reason),
                   raw.count(b"\n", 0, exc.start) + 1) from None
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as exc:
        raise fail(_("cannot read as CSV: {why}").format(why=exc)) from None
    header = [h.strip() for h in rows[0]] if rows else []
    missing = [c for c in MUNICIPALITY_COLUMNS if c not in header]
    if missing:
        raise fail(_("the header lacks {missing} (columns: {columns})").format(missing=", ".join(missing), columns=",".join(MUNICIPALITY_COLUMNS)), 1)
    return header, [(i, r) for i, r in enumerate(rows[1:], start=2) if any(c.strip() for c in r)]


def _read_municipalities(path: Path) -> dict[str, Municipality]:
    """rules/municipalities/<year>.csv by kommunkod. Every row is checked (complete, a four-digit
    kommunkod and a name used once, rates in range); every problem is reported at once."""
    problems: list[Problem] = []
    out: dict[str, Municipality] = {}
    first_row: dict[str, int] = {}  # kommunkod and folded name → row
    header, rows = _municipality_rows(path)
    for i, row in rows:
        if len(row) != len(header):
            problems.append(Problem(str(path), _("the row has {n} fields; the header has {header}").format(n=len(row), header=len(header)), row=i))
            continue
        cells = {h: c.strip() for h, c in zip(header, row)}
        code, name = cells["kommunkod"].zfill(4), cells["kommun"]
        bad = len(problems)
        if not (code.isdigit() and len(code) == 4):
            problems.append(Problem(str(path), _("expected a kommunkod of four digits"), row=i, column="kommunkod", value=cells["kommunkod"]))
        if not name:
            problems.append(Problem(str(path), _("the name is empty"), row=i, column="kommun"))
        for key, seen in ((code, "kommunkod"), (name.casefold(), "kommun")):
            if key in first_row:
                problems.append(Problem(str(path), _("{column} given twice (first on row {row})").format(column=seen, row=first_row[key]), row=i,
                                        column=seen, value=cells[seen]))
            first_row.setdefault(key, i)
        rates = {}
        for col, (lo, hi) in RATE_RANGES.items():
            try:
                rates[col] = float(cells[col])
            except ValueError:
                rates[col] = math.nan
            if not lo <= rates[col] <= hi:  # also nan
                problems.append(Problem(str(path), _("expected a rate in percent in {interval}").format(interval=f"[{lo:g}, {hi:g}]"), row=i,
                                        column=col, value=cells[col]))
        if len(problems) == bad:
            out[code] = Municipality(code, name, rates["kommunal_procent"] / 100, rates["region_procent"] / 100,
                                     rates["begravning_procent"] / 100)
    if problems:
        raise InputError(problems, _("bad municipal tax table {path}").format(path=path))
    return out


def _load(path: Path, check_name: bool = True) -> LoadedYear:
    doc = load_yaml(path)
    data = doc.data
    if not isinstance(data, dict):
        raise InputError([doc.problem((), _("a rules file must be a mapping"))], _("invalid rules file {path}").format(path=path))
    data = {k: v for k, v in data.items() if not str(k).startswith("x-")}  # x-…: anchors only
    try:
        rules = RuleYear.model_validate(data)
    except ValidationError as exc:
        raise InputError(pydantic_problems(doc, exc, known_keys()), _("invalid rules file {path}").format(path=path))
    if check_name and str(rules.year) != path.stem:
        raise InputError([doc.problem(("year",), _("file {file} says year {year}").format(file=path.name, year=rules.year), rules.year)],
                         _("rules year mismatch"))
    mpath = path.parent / "municipalities" / f"{rules.year}.csv"
    municipalities = _read_municipalities(mpath) if mpath.exists() else {}
    return LoadedYear(rules, path, file_hash(path), municipalities, mpath if mpath.exists() else None)


@lru_cache(maxsize=64)
def _load_cached(path: Path, versions: tuple) -> LoadedYear:
    """A year loaded once per version of its files (the year file and its municipal table)."""
    return _load(path)


def _versions(path: Path) -> tuple:
    """What tells a changed rule year: the modification times and sizes of its file and its municipal table."""
    out = []
    for f in (path, path.parent / "municipalities" / f"{path.stem}.csv"):
        try:
            st = f.stat()
            out.append((st.st_mtime_ns, st.st_size))
        except FileNotFoundError:
            out.append(None)
    return tuple(out)


def load_year(year: int, directory: Path | None = None) -> LoadedYear:
    directory = directory or bundled_rules_dir()
    path = directory / f"{year}.yaml"
    if not path.exists():
        years = available_years(directory)
        have = ", ".join(map(str, years)) or _("none")
        raise InputError(
            [Problem(file=str(path), problem=_("no rules for {year}; available years: {years}. To add a year, write rules/{year}.yaml (see "
                                               "docs/rules.md).").format(year=year, years=have))],
            _("no rules for {year}").format(year=year),
        )
    return _load_cached(path.resolve(), _versions(path))


def load_indices(directory: Path | None = None) -> tuple[Indices, Path]:
    path = (directory or bundled_rules_dir()) / "indices.yaml"
    doc = load_yaml(path)
    try:
        return Indices.model_validate(doc.data), path
    except ValidationError as exc:
        raise InputError(pydantic_problems(doc, exc), _("invalid index file {path}").format(path=path))


def _upratable(value) -> bool:
    """A number, a list of numbers, or a list of bands each with an `amount` (riksnorm tables)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return True
    return isinstance(value, list) and bool(value) and (
        all(isinstance(v, (int, float)) for v in value) or all(isinstance(v, dict) and "amount" in v for v in value))


def _uprate(value, factor: float):
    if isinstance(value, list):
        return [{**v, "amount": v["amount"] * factor} if isinstance(v, dict) else v * factor for v in value]
    return value * factor


def projected_data(base: RuleYear, year: int, indices: Indices) -> dict:
    """The rules of `base` carried to `year`: each leaf's value in force at the end of the base
    year, uprated by its declared index (`uprate_with`) for each year, status `projected`."""
    data = base.model_dump(mode="json", exclude_none=True)
    steps = year - base.year
    year_end = dt.date(base.year, 12, 31)
    for path, leaf in iter_leaves(base):
        node = data
        for key in path[:-1]:
            node = node[key]
        dumped = leaf.model_dump(mode="json")
        if leaf.values is None:
            value = dumped["value"]
        else:  # the value in force at the end of the base year
            value = [v["value"] for v in dumped["values"] if v["valid_from"] <= year_end.isoformat()][-1]
        note = f"projected from {base.year}"
        if leaf.uprate_with is not None and _upratable(value):
            change = getattr(indices, leaf.uprate_with).projected_annual_change
            value = _uprate(value, (1 + change / 100) ** steps)
            note += f", uprated by {leaf.uprate_with} {change:g} % a year"
        elif leaf.uprate_with is not None:
            note += f" (not uprated: {leaf.uprate_with} applies to amounts only)"
        else:
            note += ", unchanged"
        entry = {"value": value}
        entry.update({k: v for k, v in leaf.model_dump(mode="json", exclude_none=True).items() if k not in ("value", "values")})
        entry.update(status="projected", note=note + (f"; {leaf.note}" if leaf.note else ""))
        node[path[-1]] = entry
    data["year"] = year
    data["title"] = f"{base.title} — projected to {year}"
    return data


class RuleBook:
    """The rule years a run uses. A month uses the rules of its own year; a month after the newest
    year uses the newest year's rules carried forward, uprated by each leaf's declared index
    (rules/indices.yaml), and is reported as projected."""

    def __init__(self, directory: Path | None = None):
        self.directory = directory or bundled_rules_dir()
        self.years = available_years(self.directory)
        self._projections: dict[int, LoadedYear] = {}
        self._names: dict[int, tuple[dict, dict[str, Municipality]]] = {}  # id(a year's municipalities) → (them, by name)
        if not self.years:
            raise InputError([Problem(file=str(self.directory), problem=_("no rules/<year>.yaml files"))], _("no rules"))

    def year_for(self, year: int) -> tuple[LoadedYear, bool]:
        """(rules to use for calendar year `year`, whether they are projected)."""
        if year in self.years:
            return load_year(year, self.directory), False
        if year > self.years[-1]:
            return self._projected(year), True
        load_year(year, self.directory)  # raises with the available years
        raise AssertionError("unreachable")

    def _projected(self, year: int) -> LoadedYear:
        if year not in self._projections:
            base = load_year(self.years[-1], self.directory)
            indices, ipath = load_indices(self.directory)
            rules = RuleYear.model_validate(projected_data(base.rules, year, indices))
            digest = hashlib.sha256((base.sha256 + file_hash(ipath)).encode()).hexdigest()
            self._projections[year] = LoadedYear(rules, base.path, digest, base.municipalities, base.municipalities_path, projected_from=base.rules.year)
        return self._projections[year]

    def municipality(self, loaded: LoadedYear, name_or_code: str) -> Municipality | None:
        """The municipality by kommunkod or by name (any case), looked up in a hash."""
        key = name_or_code.strip()
        if key.isdigit():
            return loaded.municipalities.get(key.zfill(4))
        return self._by_name(loaded).get(key.casefold())

    def _by_name(self, loaded: LoadedYear) -> dict[str, Municipality]:
        """A year's municipalities by their casefolded name (the first in kommunkod order where two share one)."""
        held = self._names.get(id(loaded.municipalities))
        if held is None or held[0] is not loaded.municipalities:
            names: dict[str, Municipality] = {}
            for m in loaded.municipalities.values():
                names.setdefault(m.name.casefold(), m)
            held = self._names[id(loaded.municipalities)] = (loaded.municipalities, names)
        return held[1]

    @staticmethod
    def suggest_municipality(loaded: LoadedYear, name: str) -> str | None:
        names = [m.name for m in loaded.municipalities.values()]
        match = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
        return match[0] if match else None


def first_of_month(year: int, month: int) -> dt.date:
    return dt.date(year, month, 1)
