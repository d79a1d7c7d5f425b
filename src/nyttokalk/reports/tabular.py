"""`run --format csv|json|parquet`: the results as tables for further work — the ledger summed
by category (flows), each participant's first-year effect (participants), the effect per actor and
year (per-year) and per calendar month (monthly). Columns are ids (stable for scripts), not labels.
CSV comes in two dialects (files.DIALECTS): "sv" for a Swedish Excel (the default), "plain" for scripts."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pandas as pd

from ..analysis import Analysis
from .files import DIALECTS, require_pyarrow, write_csv, write_json, write_parquet

FORMATS = ("csv", "json", "parquet")
TABLES = ("flows", "participants", "per-year", "monthly")


def table_paths(base: Path, fmt: str) -> dict[str, Path]:
    """`<base>-<table>.<fmt>` beside `base` (a path without suffix), for every table."""
    base = Path(base)
    return {name: base.with_name(base.name + f"-{name}.{fmt}") for name in TABLES}


def check_formats(formats: list[str], dialect: str = "sv") -> None:
    """Every format known and writable here, before anything is computed or written."""
    from ..errors import InputError, Problem
    from ..i18n import _

    bad = [Problem(file="--format", value=f, problem=_("unknown format; choose from {formats}").format(formats=", ".join(FORMATS)))
           for f in formats if f not in FORMATS]
    if dialect not in DIALECTS:
        bad.append(Problem(file="--dialect", value=dialect, problem=_("unknown CSV dialect; choose from {dialects}").format(dialects=", ".join(DIALECTS))))
    if bad:
        raise InputError(bad, _("unknown format"))
    if "parquet" in formats:
        require_pyarrow()


def per_year_table(a: Analysis) -> pd.DataFrame:
    """One row per year after the transition and kind (undiscounted, discounted), a column per actor."""
    rows = [{"year": y["year"], "kind": kind, **y[kind]} for y in a.per_year for kind in ("undiscounted", "discounted")]
    return pd.DataFrame(rows, columns=["year", "kind", *a.actors])


def monthly_table(a: Analysis) -> pd.DataFrame:
    """One row per calendar month: every participant's effect in that month, a column per actor."""
    out = a.monthly.copy()
    out.insert(0, "month", out.index)
    return out.reset_index(drop=True)


def write_tables(a: Analysis, base: Path, formats: list[str], dialect: str = "sv") -> list[Path]:
    check_formats(formats, dialect)
    writers = {"csv": partial(write_csv, dialect=dialect), "json": write_json, "parquet": write_parquet}
    tables = {"flows": a.by_category, "participants": a.per_participant, "per-year": per_year_table(a), "monthly": monthly_table(a)}
    written: list[Path] = []
    for fmt in dict.fromkeys(formats):  # once per format, in the order given
        paths = table_paths(base, fmt)
        for name in TABLES:
            written.append(writers[fmt](tables[name], paths[name]))
    return written
