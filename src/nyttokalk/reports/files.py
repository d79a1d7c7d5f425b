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
    """Yield a temporary path beside `path`; on success rename it to `path`, else remove it. Inside
    an outputs.OutputSet the rename waits until every file of the set is written."""
    from ..outputs import OutputSet, remove_stale, temp_prefix

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(path.parent, path.name)
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(path), suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a report gets the usual permissions
        yield Path(tmp)
        out = OutputSet.active()
        if out is not None:
            out.add(Path(tmp), path)
        else:
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


def _frames(table) -> Iterator[pd.DataFrame]:
    """A DataFrame as one frame; a table kept on disk (spool.SpooledTable) a partition at a time."""
    if isinstance(table, pd.DataFrame):
        yield table
    else:
        yield from table.frames()


def _whole(table):
    """The table as one DataFrame when it is one already (or held in memory), else itself (on disk)."""
    if isinstance(table, pd.DataFrame):
        return table
    whole = getattr(table, "in_memory", None)
    return table.to_frame() if whole else table


# CSV dialects: "sv" opens in a Swedish Excel with a double-click (semicolon, decimal comma, UTF-8
# with a byte-order mark), "plain" is for scripts (comma, decimal point, UTF-8). Both round every
# decimal number to two places (öre), so no 79761.00000000001 or 5.82e-11 reaches a reader.
DIALECTS = {
    "sv": {"sep": ";", "decimal": ",", "encoding": "utf-8-sig"},
    "plain": {"sep": ",", "decimal": ".", "encoding": "utf-8"},
}


def write_csv(table, path: Path, dialect: str = "plain") -> Path:
    """A CSV a spreadsheet opens safely (formula-safe text) in the given dialect (DIALECTS),
    written atomically. table: a DataFrame, or a SpooledTable written a partition at a time."""
    d = DIALECTS[dialect]
    with atomic_path(path) as tmp, open(tmp, "w", encoding=d["encoding"], newline="") as out:
        for k, df in enumerate(_frames(table)):
            csv_safe_frame(df).to_csv(out, index=False, header=k == 0, lineterminator="\n", sep=d["sep"], decimal=d["decimal"],
                                      float_format="%.2f")
    return Path(path)


def write_json(table, path: Path) -> Path:
    """A JSON array of records, written atomically (a SpooledTable a partition at a time)."""
    table = _whole(table)
    with atomic_path(path) as tmp:
        if isinstance(table, pd.DataFrame):
            table.to_json(tmp, orient="records", force_ascii=False, indent=1, double_precision=15)
            return Path(path)
        with open(tmp, "w", encoding="utf-8") as out:
            out.write("[")
            first = True
            for df in table.frames():
                if len(df) == 0:
                    continue
                body = df.to_json(orient="records", force_ascii=False, indent=1, double_precision=15).strip()[1:-1].strip("\n")
                out.write(("\n" if first else ",\n") + body)
                first = False
            out.write("\n]" if not first else "]")
    return Path(path)


def require_pyarrow() -> None:
    import importlib.util

    if importlib.util.find_spec("pyarrow") is None:
        from ..errors import InputError, Problem
        from ..i18n import _

        raise InputError(
            [Problem(file="--format", value="parquet",
                     problem=_("Parquet needs the optional package pyarrow: pip install 'nyttokalk[parquet]' (or choose --format csv or json)"))],
            _("pyarrow is not installed"),
        )


def write_parquet(table, path: Path) -> Path:
    require_pyarrow()
    table = _whole(table)
    with atomic_path(path) as tmp:
        if isinstance(table, pd.DataFrame):
            table.to_parquet(tmp, index=False, engine="pyarrow")
            return Path(path)
        import pyarrow as pa
        import pyarrow.parquet as pq

        writer = None
        try:
            for df in table.frames():
                t = pa.Table.from_pandas(df, preserve_index=False)
                if writer is None:
                    writer = pq.ParquetWriter(tmp, t.schema)
                writer.write_table(t.cast(writer.schema))
        finally:
            if writer is not None:
                writer.close()
    return Path(path)
