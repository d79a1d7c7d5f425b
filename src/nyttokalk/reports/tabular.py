"""`run --format csv|json|parquet`: the ledger summed by category and the per-participant
results as tables for further work. Columns are ids (stable for scripts), not labels."""

from __future__ import annotations

from pathlib import Path

from ..analysis import Analysis
from .files import require_pyarrow, write_csv, write_json, write_parquet

FORMATS = ("csv", "json", "parquet")
_WRITERS = {"csv": write_csv, "json": write_json, "parquet": write_parquet}


def table_paths(base: Path, fmt: str) -> dict[str, Path]:
    """`<base>-flows.<fmt>` and `<base>-participants.<fmt>` beside `base` (a path without suffix)."""
    base = Path(base)
    return {"flows": base.with_name(base.name + f"-flows.{fmt}"),
            "participants": base.with_name(base.name + f"-participants.{fmt}")}


def check_formats(formats: list[str]) -> None:
    """Every format known and writable here, before anything is computed or written."""
    from ..errors import InputError, Problem

    bad = [Problem(file="--format", value=f, problem=f"unknown format; choose from {', '.join(FORMATS)}") for f in formats if f not in _WRITERS]
    if bad:
        raise InputError(bad, "unknown format")
    if "parquet" in formats:
        require_pyarrow()


def write_tables(a: Analysis, base: Path, formats: list[str]) -> list[Path]:
    check_formats(formats)
    written: list[Path] = []
    for fmt in dict.fromkeys(formats):  # once per format, in the order given
        paths = table_paths(base, fmt)
        written.append(_WRITERS[fmt](a.by_category, paths["flows"]))
        written.append(_WRITERS[fmt](a.per_participant, paths["participants"]))
    return written
