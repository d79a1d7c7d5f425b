"""Writing report files: always to a temporary file beside the target, then renamed into place,
so that an error or Ctrl-C leaves an earlier file intact. Text cells that a spreadsheet would
read as a formula get a leading apostrophe."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@contextlib.contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """Yield a temporary path beside `path`; on success rename it to `path`, else remove it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a report gets the usual permissions
        yield Path(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text(path: Path, text: str) -> Path:
    """A text file (YAML draft, scenario template), written atomically."""
    with atomic_path(path) as tmp:
        Path(tmp).write_text(text, encoding="utf-8")
    return Path(path)


def csv_safe_frame(df: pd.DataFrame) -> pd.DataFrame:
    """Text columns with a leading ' where a cell starts like a formula (= + - @ tab CR). Vectorised."""
    out = df.copy()
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            s = out[col].astype("string")
            risky = s.str.startswith(FORMULA_START).fillna(False)
            out[col] = s.where(~risky, "'" + s)
    return out


def write_csv(df: pd.DataFrame, path: Path) -> Path:
    """A CSV a spreadsheet opens safely (UTF-8, comma, formula-safe text), written atomically."""
    with atomic_path(path) as tmp:
        csv_safe_frame(df).to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n")
    return Path(path)


def write_json(df: pd.DataFrame, path: Path) -> Path:
    with atomic_path(path) as tmp:
        df.to_json(tmp, orient="records", force_ascii=False, indent=1, double_precision=15)
    return Path(path)


def require_pyarrow() -> None:
    import importlib.util

    if importlib.util.find_spec("pyarrow") is None:
        from ..errors import InputError, Problem

        raise InputError(
            [Problem(file="--format", value="parquet",
                     problem="Parquet needs the optional package pyarrow: pip install 'nyttokalk[parquet]' (or choose --format csv or json)")],
            "pyarrow is not installed",
        )


def write_parquet(df: pd.DataFrame, path: Path) -> Path:
    require_pyarrow()
    with atomic_path(path) as tmp:
        df.to_parquet(tmp, index=False, engine="pyarrow")
    return Path(path)
