"""One runner for every way in: `nyttokalk run` and `validate`, `compare`, `sensitivity`, the
Python API (api.py) and the web page all call it.

A participant source is a DataFrame, a file read whole, a file too long to hold (read and computed
a block at a time) or a folder of files (a partitioned dataset). The runner chooses how to read
and compute it; whoever calls gets the same result type from every kind of source.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Literal, NamedTuple

from .errors import InputError, Problem
from .i18n import _

if TYPE_CHECKING:
    import pandas as pd

    from .engine import EngineResult
    from .notes import Note
    from .participants import BlockedFile, Participants
    from .ruleset.loader import RuleBook
    from .scenario import LoadedScenario

Progress = Callable[[int, int], None]
FRAME_FILE = "<DataFrame>"  # the name a DataFrame's rows carry in messages


@dataclass(frozen=True)
class Options:
    """How to read and compute, never what: no option changes a figure."""

    id_key: str | None = None  # key of the personnummer pseudonyms (None: a new random key per run)
    keep_ids: bool = False  # keep ids that look like personnummer
    chunk_size: int | None = None  # participants computed at a time
    workers: int | None = None  # processes computing chunks (None: every CPU available)
    use_dask: bool = False  # a folder's files as Dask tasks
    dask_scheduler: str | None = None
    sheet: str | None = None  # the sheet of an XLSX file (None: the first visible one)


@dataclass
class Source:
    """Where the participants come from, and how they are read."""

    kind: Literal["frame", "file", "blocks", "folder"]
    name: str  # for messages: the path, or <DataFrame>
    path: Path | None = None
    frame: "pd.DataFrame | None" = None
    blocked: "BlockedFile | None" = None
    _read: "tuple[Participants, InputError | None] | None" = field(default=None, repr=False)  # read once (compare and sensitivity run it again)

    def participants(self, opts: Options) -> "Participants":
        """The validated participants of a frame or a file read whole (read once, then kept);
        raises InputError with every row problem."""
        p, error = self.checked(opts)
        if error is not None:
            raise error
        return p

    def checked(self, opts: Options) -> "tuple[Participants, InputError | None]":
        """The rows of a frame or a file read whole that have no problem, and the InputError
        naming the rows that have one (None: every row is fine): a run's later checks go on with the
        good rows, so that one pass names every problem."""
        if self.kind not in ("frame", "file"):
            raise AssertionError(f"a {self.kind} is computed part by part, not read whole")
        if self._read is None:
            if self.kind == "frame":
                self._read = _frame_participants(self.frame, opts)
            else:
                from .participants import read_participants_checked

                self._read = read_participants_checked(self.path, id_key=opts.id_key, keep_ids=opts.keep_ids, **_sheet(opts))
        return self._read


def _sheet(opts: Options) -> dict:
    return {"sheet": opts.sheet} if opts.sheet is not None else {}


def source(participants: "str | Path | pd.DataFrame | Source | None", ls: "LoadedScenario | None" = None) -> Source:
    """The source of `participants`: a DataFrame, a path (file or folder), or None for the
    scenario's own participant file."""
    if isinstance(participants, Source):
        return participants
    if participants is None:
        path = ls.participants_path if ls is not None else None
        if path is None:
            name = ls.scenario.name if ls is not None else "?"
            raise InputError([Problem(str(ls.path) if ls is not None else "scenario", _("the scenario names no participant file; give one "
                                      "(nyttokalk run PARTICIPANTS.csv, or participants= in the Python API)"), column="participants")],
                             _("scenario {name} names no participant file").format(name=name))
        participants = path
    if _is_frame(participants):
        return Source("frame", FRAME_FILE, frame=participants)
    path = Path(participants)
    if path.is_dir():
        return Source("folder", str(path), path=path)
    from .participants import blocked_file

    big = blocked_file(path)
    if big is not None:
        return Source("blocks", str(path), path=path, blocked=big)
    return Source("file", str(path), path=path)


def _is_frame(x) -> bool:
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - pandas is a dependency
        return False
    return isinstance(x, pd.DataFrame)


def _frame_participants(df: "pd.DataFrame", opts: Options) -> "tuple[Participants, InputError | None]":
    """A DataFrame's rows validated like a file's: every cell turned into the text a CSV would hold
    (numbers without a spurious decimal point, booleans as true/false, dates as YYYY-MM-DD); a row
    in a message is the 1-based position in the frame."""
    import pandas as pd

    from .participants import _from_frame, _parquet_text

    names = [str(c).strip() for c in df.columns]
    text = pd.DataFrame({name: _parquet_text(df.iloc[:, i].reset_index(drop=True)).to_numpy(dtype=object) for i, name in enumerate(names)})
    if len(set(names)) != len(names):
        dup = sorted({c for c in names if names.count(c) > 1})
        raise InputError([Problem(FRAME_FILE, _("the column appears more than once"), column=c) for c in dup], _("duplicate columns"))
    digest = lambda: hashlib.sha256(text.to_csv(index=False).encode("utf-8")).hexdigest()  # noqa: E731
    return _from_frame(text, FRAME_FILE, first_row=1, sha256=digest, id_key=opts.id_key, keep_ids=opts.keep_ids, decimal=None, lenient=True)


def scenario_of(scenario=None) -> "LoadedScenario":
    """A scenario from a bundled name (None: the example), a path (file or folder), a dict of its
    keys, a `Scenario` or an already loaded one."""
    from .scenario import LoadedScenario, Scenario, load_scenario, scenario_from_dict

    if isinstance(scenario, LoadedScenario):
        return scenario
    if isinstance(scenario, Scenario):
        return LoadedScenario(scenario=scenario, path=Path("<Scenario>"), sha256="", defaults_used=[])
    if isinstance(scenario, dict):
        return scenario_from_dict(scenario, str(scenario.get("name", "scenario")))
    if scenario is None or isinstance(scenario, (str, Path)):
        return load_scenario(None if scenario is None else str(scenario))
    raise InputError([Problem("scenario", _("expected a bundled scenario name, a path, a dict or a Scenario, not {kind}").format(
        kind=type(scenario).__name__))], _("bad scenario"))


def compute(src: Source, ls: "LoadedScenario", *, book: "RuleBook | None" = None, opts: Options = Options(),
            progress: Progress | None = None) -> "EngineResult":
    """The engine's result for every participant of the source under the scenario."""
    _check_sheet(src, opts)
    if opts.use_dask and src.kind != "folder":
        raise InputError([Problem(src.name, _("--dask needs a folder of participant files (a partitioned dataset); "
                                              "a single file is computed in chunks on this machine"))], _("--dask with one file"))
    if src.kind == "folder":
        from .distributed import run_dataset

        return run_dataset(src.path, ls, book=book, use_dask=opts.use_dask, scheduler=opts.dask_scheduler, id_key=opts.id_key,
                           keep_ids=opts.keep_ids, chunk_size=opts.chunk_size, workers=opts.workers, progress=progress)
    if src.kind == "blocks":
        from .distributed import run_blocks

        return run_blocks(src.blocked, ls, book=book, id_key=opts.id_key, keep_ids=opts.keep_ids, chunk_size=opts.chunk_size,
                          workers=opts.workers, progress=progress)
    from .engine import prepare, run_engine

    p, error = src.checked(opts)
    if error is not None:  # the good rows' checks too, so that the error names every problem: then it is raised
        prepare(p, ls, book, earlier=error)
        raise error
    return run_engine(p, ls, book, chunk_size=opts.chunk_size, workers=opts.workers, progress=progress)


class Checked(NamedTuple):
    """What `validate` finds when there is no problem: how many participants, the notes of the
    inputs, and whether the ids are personnummer (which a run would pseudonymise)."""

    count: int
    notes: list
    personnummer: bool


def check(src: Source, ls: "LoadedScenario", *, book: "RuleBook | None" = None, opts: Options = Options()) -> Checked:
    """What `validate` does: every participant read and checked with the scenario, nothing
    computed. Raises InputError with every problem."""
    _check_sheet(src, opts)
    if src.kind == "folder":
        from .distributed import check_dataset

        return Checked(*check_dataset(src.path, ls, book=book))
    if src.kind == "blocks":
        from .distributed import check_blocks

        return Checked(*check_blocks(src.blocked, ls, book=book))
    from .engine import prepare

    p, error = src.checked(Options(id_key=opts.id_key, keep_ids=opts.keep_ids, sheet=opts.sheet))
    notes = prepare(p, ls, book, earlier=error)  # raises with the read's problems and the checks' together
    return Checked(len(p), notes, bool(p.ids_look_like_personnummer))


def _check_sheet(src: Source, opts: Options) -> None:
    """--sheet names a sheet of one .xlsx workbook: refused for a folder or a long CSV/Parquet file."""
    if opts.sheet is not None and src.kind in ("folder", "blocks"):
        from .participants import check_sheet

        check_sheet(src.path, opts.sheet)
