"""A participant dataset in several files (a partitioned Parquet dataset, or CSV parts), one
partition at a time on this machine or in parallel with Dask (`pip install 'nyttokalk[dask]'`).

Each partition is read, validated and computed like a participant file of its own
(`engine.run_engine`) and reduced to what does not grow with its participants: the sums per
situation, category, calendar month and month since exit, the assumptions' counts
(notes.Note), the counts of each move (participants.Population) and the first rows of each
warning. Its per-participant rows go to a temporary folder on disk (spool.Spool) and its ids,
hashed, to bucket files for the duplicate check. So the driver's memory does not grow with the
number of partitions: it holds the running sums and, with Dask, the results of one wave of
partitions. The merged figures and assumptions equal those of one run on the concatenated file
(tests/test_dataset.py).
"""

from __future__ import annotations

import copy

import hashlib
import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .engine.doubtful import merge as merge_doubtful
from .engine import FLAG_ROWS_SHOWN, EngineResult, Grid, available_cpus, flag_warnings, prepare, run_engine
from .errors import InputError, Problem
from .i18n import N_, _, current, language
from .ledger import Ledger
from .notes import Note
from .notes import merge as merge_notes
from .notes import render as render_notes
from .participants import BlockedFile, Population, participants_from_frame, read_participants
from .scenario import LoadedScenario
from .spool import Spool

PART_SUFFIXES = (".parquet", ".csv", ".xlsx")
DASK_HINT = N_("install with pip install 'nyttokalk[dask]'")


def dataset_files(path: Path) -> list[Path]:
    """The participant files of a dataset folder (recursively, e.g. Hive-style year=2024/ folders), sorted."""
    files = sorted(f for f in Path(path).rglob("*") if f.is_file() and f.suffix.lower() in PART_SUFFIXES and not f.name.startswith((".", "_")))
    if not files:
        raise InputError([Problem(str(path), _("no participant files ({suffixes}) in this folder").format(suffixes=", ".join(PART_SUFFIXES)))],
                         _("empty dataset"))
    return files


@dataclass
class PartResult:
    """One partition reduced: sums, counts and its per-participant rows (which the driver spools)."""

    aggregates: Ledger  # per situation and category: (partition grid months × months since exit)
    first_year: int  # calendar year of the partition grid's first row
    first_exit: int  # absolute months (year × 12 + month − 1) of the earliest and the latest exit
    last_exit: int
    notes: list[Note]
    population: Population
    flags: dict[str, tuple[int, list[str]]]
    rows: pd.DataFrame  # spool.participant_rows
    lines: np.ndarray  # each participant's row in its file (duplicate check)
    rules_used: dict
    projected_months: list[str]
    chunks: int
    workers: int
    prices: object = None  # engine.prices.PriceIndex of the part
    doubtful: list = None  # engine.doubtful: the doubtful rules the part used


def _reduce(p, ls: LoadedScenario, chunk_size: int | None, workers: int | None, where: str | None, book=None) -> PartResult:
    """Compute one group of participants (a partition, a block) and keep what the merge needs."""
    r = run_engine(p, ls, book, chunk_size=chunk_size, workers=workers, where=where)
    base = r.grid.first_year * 12
    return PartResult(
        aggregates=r.aggregates, first_year=r.grid.first_year, first_exit=base + r.grid.first_exit, last_exit=base + r.grid.last_exit,
        notes=r.notes, population=r.population, flags=r.flags, rows=r.rows.rows,
        lines=p.rows, rules_used=r.rules_used, projected_months=r.projected_months, chunks=r.chunks, workers=r.workers,
        prices=r.prices, doubtful=r.doubtful,
    )


def _partition(path: Path, ls: LoadedScenario, id_key: str, keep_ids: bool, chunk_size: int | None, workers: int | None,
               where: str, book=None, lang: str | None = None) -> PartResult:
    """One partition as a Dask task, its problems in the driver's language `lang` (a task runs in another process or thread)."""
    with language(lang):
        return _reduce(read_participants(path, id_key=id_key, keep_ids=keep_ids), ls, chunk_size, workers, where, book)


def _file_groups(files: list[Path], where: list[str], key: str, keep_ids: bool):
    """A dataset's files as groups: (load, where, done, total), load() reading and validating one file."""
    for k, f in enumerate(files):
        yield (lambda f=f: read_participants(f, id_key=key, keep_ids=keep_ids)), where[k], k + 1, len(files)


def _block_groups(big: BlockedFile, key: str, keep_ids: bool):
    """A long file's blocks as groups (see _file_groups); progress counted in rows."""
    done = 0
    for block in big.blocks():
        done += block.rows
        load = lambda b=block: participants_from_frame(b.take(), str(big.path), first_row=b.first_row, sha256=big.sha256,  # noqa: E731
                                                       id_key=key, keep_ids=keep_ids)
        yield load, None, min(done, big.rows), big.rows


def _in_turn(groups, ls: LoadedScenario, use, summary: str, progress=None, book=None) -> None:
    """Read and validate the groups one after the other and hand each to use(k, participants, where).
    After a group with problems the rest are only checked (read, validated, prepared), so that
    every problem of every group is reported at once."""
    problems: list[Problem] = []
    for k, (load, where, done, total) in enumerate(groups):
        try:
            p = load()
            if problems:
                prepare(p, ls, book)
            else:
                use(k, p, where)
        except InputError as exc:
            problems += exc.problems
        if progress is not None:
            progress(done, total)
    if problems:
        raise InputError(problems, summary)


class _Sums:
    """Running sums over partitions, aligned by calendar month (rows added as later or earlier years appear)."""

    def __init__(self) -> None:
        self.first_year: int | None = None
        self.flows: dict[str, dict[str, np.ndarray]] = {}
        self.categories = None

    def add(self, agg: Ledger, first_year: int) -> None:
        if self.first_year is None:
            self.first_year, self.categories = first_year, agg.categories
            self.flows = {sit: {cid: a.copy() for cid, a in flows.items()} for sit, flows in agg.flows.items()}
            return
        # a situation counts only if every partition has it (e.g. the potential: not computed where a wage is missing)
        for sit in [s for s in self.flows if s not in agg.flows]:
            del self.flows[sit]
        rows = next(iter(next(iter(agg.flows.values())).values())).shape[0]
        have = next(iter(next(iter(self.flows.values())).values())).shape[0]
        start = min(self.first_year, first_year) * 12
        stop = max(self.first_year * 12 + have, first_year * 12 + rows)
        for flows in self.flows.values():
            for cid, a in flows.items():
                if (start, stop) != (self.first_year * 12, self.first_year * 12 + have):
                    a = np.pad(a, ((self.first_year * 12 - start, stop - self.first_year * 12 - have), (0, 0)))
                    flows[cid] = a
        self.first_year = start // 12
        offset = first_year * 12 - start
        for sit, flows in self.flows.items():
            for cid, a in agg.flows[sit].items():
                flows[cid][offset:offset + a.shape[0]] += a

    def ledger(self) -> Ledger:
        return Ledger(categories=self.categories, flows=self.flows)


class _IdIndex:
    """Every partition's ids, hashed to 128 bits (two keyed 64-bit hashes: a false match among 10⁸ ids
    has a chance of about 10⁻²³), with partition and row, in bucket files on disk; check() finds
    the ids in more than one partition one bucket at a time."""

    BUCKETS = 64
    RECORD = np.dtype([("h1", "<u8"), ("h2", "<u8"), ("part", "<i4"), ("line", "<i8")])

    def __init__(self) -> None:
        from .outputs import private_tempdir

        self.folder = private_tempdir("ids")

    def add(self, part: int, ids: np.ndarray, lines: np.ndarray) -> None:
        values = pd.Series(ids, dtype=object).to_numpy()
        rec = np.empty(len(values), dtype=self.RECORD)
        rec["h1"] = pd.util.hash_array(values, hash_key="nyttokalk-ids-01")
        rec["h2"] = pd.util.hash_array(values, hash_key="nyttokalk-ids-02")
        rec["part"], rec["line"] = part, lines
        bucket = (rec["h1"] % self.BUCKETS).astype(np.int64)
        order = np.argsort(bucket, kind="stable")
        bounds = np.searchsorted(bucket[order], np.arange(self.BUCKETS + 1))
        for b in range(self.BUCKETS):
            if bounds[b] < bounds[b + 1]:
                with open(self.folder / f"{b:02d}.bin", "ab") as f:
                    rec[order[bounds[b]:bounds[b + 1]]].tofile(f)

    def check(self, sources: list[Path], limit: int = 20) -> list[Problem]:
        """sources[part]: the file each part came from."""
        problems: list[Problem] = []
        for path in sorted(self.folder.glob("*.bin")):
            rec = np.fromfile(path, dtype=self.RECORD)
            rec = rec[np.lexsort((rec["line"], rec["part"], rec["h2"], rec["h1"]))]
            same = (rec["h1"][1:] == rec["h1"][:-1]) & (rec["h2"][1:] == rec["h2"][:-1])
            starts = np.flatnonzero(np.concatenate([[True], ~same]))
            group_first = starts[np.cumsum(np.concatenate([[True], ~same])) - 1]  # each record's group's first record
            for i in np.flatnonzero(np.concatenate([[False], same])):
                first = rec[group_first[i]]
                here, there = sources[rec["part"][i]], sources[first["part"]]
                why = (_("duplicate id (first on row {row})").format(row=first["line"]) if there == here else
                       _("duplicate id (also in {file}, row {row})").format(file=there.name, row=first["line"]))
                problems.append(Problem(str(here), why, row=int(rec["line"][i]), column="id"))
                if len(problems) >= limit:
                    return problems
        return problems

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)


class _Merge:
    """Partition (or block) results added up, in order. A context manager: its temporary files go
    when it ends, the spool too when it ends with an error (else with the result that uses it)."""

    def __init__(self, path: Path, partitions: int, id_key_given: bool, sha256: str | None = None) -> None:
        self.path, self.partitions, self.id_key_given, self.sha256 = path, partitions, id_key_given, sha256
        self.sums = _Sums()
        self.notes: list[Note] = []
        self.population: Population | None = None
        self.sources: list[Path] = []  # per part: its file
        self.shas: list[str] = []
        self.flags: dict[str, tuple[int, list[str]]] = {}
        self.first_exit, self.last_exit = None, None
        self.rules_used: dict = {}
        self.projected: set[str] = set()
        self.chunks = 0
        self.workers = 1
        self.spool = Spool()
        self.ids = _IdIndex()
        self.prices = None  # the parts' price levels, their years merged
        self.doubtful: list[list[dict]] = []  # each part's doubtful rules (engine.doubtful), merged at the end

    def add(self, k: int, r: PartResult) -> None:
        self.sums.add(r.aggregates, r.first_year)
        self.doubtful.append(r.doubtful or [])
        self.notes = merge_notes([self.notes, r.notes])
        if self.population is None:
            self.population = Population(0, str(self.path), "", {}, id_key_given=self.id_key_given)
        self.population.add(r.population)
        self.sources.append(Path(r.population.file))
        self.shas.append(r.population.sha256)
        for key, (count, rows) in r.flags.items():
            have = self.flags.get(key, (0, []))
            self.flags[key] = (have[0] + count, (have[1] + rows)[:FLAG_ROWS_SHOWN])
        self.first_exit = r.first_exit if self.first_exit is None else min(self.first_exit, r.first_exit)
        self.last_exit = r.last_exit if self.last_exit is None else max(self.last_exit, r.last_exit)
        self.rules_used.update(r.rules_used)
        self.projected.update(r.projected_months)
        self.chunks += r.chunks
        self.workers = max(self.workers, r.workers)
        self.ids.add(k, r.rows["id"].to_numpy(), r.lines)
        self.spool.add(r.rows)
        if r.prices is not None:
            if self.prices is None:
                self.prices = copy.deepcopy(r.prices)
            else:
                self.prices.merge(r.prices)

    def result(self, horizon: int) -> EngineResult:
        if self.population is None:
            raise InputError([Problem(str(self.path), _("no participant rows under the header"))], _("no participants"))
        duplicates = self.ids.check(self.sources)
        if duplicates:
            raise InputError(duplicates, _("the same id in several partitions"))
        pop = self.population
        pop.sha256 = self.sha256 or hashlib.sha256("".join(f"{f.relative_to(self.path)}:{sha}\n"
                                                           for f, sha in zip(self.sources, self.shas)).encode()).hexdigest()
        first_year = self.first_exit // 12
        last_month = self.last_exit + horizon - 1
        grid = Grid(first_year, (last_month // 12 - first_year + 1) * 12, horizon, self.first_exit - first_year * 12,
                    self.last_exit - first_year * 12)
        aggregates = self.sums.ledger()
        assert aggregates.flows["before"][next(iter(aggregates.categories))].shape[0] == grid.n_months
        aggregates.check_balance(relative=1e-9)
        return EngineResult(
            aggregates=aggregates, grid=grid, population=pop, rows=self.spool, rules_used=dict(sorted(self.rules_used.items())),
            projected_months=sorted(self.projected), notes=self.notes, assumptions=render_notes(self.notes, pop.n),
            warnings=flag_warnings(self.flags), flags=dict(self.flags), chunks=self.chunks, partitions=self.partitions,
            workers=self.workers, blocks=len(self.sources), prices=self.prices, doubtful=merge_doubtful(self.doubtful),
        )

    def __enter__(self) -> "_Merge":
        return self

    def __exit__(self, kind, *_) -> None:
        self.ids.close()
        if kind is not None:
            self.spool.close()


def run_dataset(path: Path, ls: LoadedScenario, *, use_dask: bool = False, scheduler: str | None = None,
                id_key: str | None = None, keep_ids: bool = False, chunk_size: int | None = None, workers: int | None = None,
                progress=None, book=None) -> EngineResult:
    """Compute every partition of the dataset at `path` and merge them into one result.
    Without Dask the partitions run one after the other, each with `workers` processes for its
    chunks. use_dask: the partitions run as Dask tasks, a wave of a few per worker at a time
    (scheduler: 'processes' (default), 'threads', 'synchronous', or the address of a
    dask.distributed scheduler, tcp://host:port)."""
    path = Path(path)
    files = dataset_files(path)
    # one pseudonym key for all partitions, so the same personnummer gets the same pseudonym everywhere
    key = id_key if id_key is not None else secrets.token_hex(32)
    where = [str(f.relative_to(path)) for f in files]
    with _Merge(path, len(files), id_key_given=id_key is not None) as merged:
        if use_dask:
            _run_with_dask(files, where, ls, key, keep_ids, chunk_size, scheduler, merged, progress, path, book)
        else:
            _in_turn(_file_groups(files, where, key, keep_ids), ls, lambda k, p, where: merged.add(k, _reduce(p, ls, chunk_size, workers, where, book)),
                     _("{path}: problems in the dataset's files").format(path=path), progress, book)
        return merged.result(ls.scenario.period.horizon_months)


def run_blocks(big: BlockedFile, ls: LoadedScenario, *, id_key: str | None = None, keep_ids: bool = False,
               chunk_size: int | None = None, workers: int | None = None, progress=None, book=None) -> EngineResult:
    """Compute a participant file too long to hold at once (participants.blocked_file) block by
    block, merged like a dataset's partitions: the figures and assumptions are those of reading it
    whole; memory depends on the block's rows (participants.BLOCK_ROWS), not on the file."""
    key = id_key if id_key is not None else secrets.token_hex(32)
    with _Merge(big.path, 1, id_key_given=id_key is not None, sha256=big.sha256) as merged:
        _in_turn(_block_groups(big, key, keep_ids), ls, lambda k, p, where: merged.add(k, _reduce(p, ls, chunk_size, workers, where, book)),
                 _("{path}: problems in the participant file").format(path=big.path), progress, book)
        return merged.result(ls.scenario.period.horizon_months)


def _check(groups, ls: LoadedScenario, summary: str, book=None) -> tuple[int, list[Note], bool]:
    """What `validate` does for a dataset or a long file: every group read, validated and prepared
    (not computed), ids checked across groups; every problem raised at once, else the count of
    participants, the notes of all groups and whether any ids are personnummer."""
    each: list[list[Note]] = []
    sources: list[Path] = []
    sizes: list[int] = []
    personnummer = [False]
    ids = _IdIndex()

    def use(k, p, where):
        each.append(prepare(p, ls, book))
        sources.append(Path(p.file))
        sizes.append(len(p))
        ids.add(k, p.ids, p.rows)
        personnummer[0] |= bool(p.ids_look_like_personnummer)

    try:
        _in_turn(groups, ls, use, summary, book=book)
        duplicates = ids.check(sources)
    finally:
        ids.close()
    if duplicates:
        raise InputError(duplicates, summary)
    return sum(sizes), merge_notes(each), personnummer[0]


def check_dataset(path: Path, ls: LoadedScenario, book=None) -> tuple[int, list[Note], bool]:
    files = dataset_files(path)
    key = secrets.token_hex(32)  # one key: a personnummer in two files gets the same pseudonym, and is found twice
    return _check(_file_groups(files, [f.name for f in files], key, False), ls, _("{path}: problems in the dataset's files").format(path=path), book)


def check_blocks(big: BlockedFile, ls: LoadedScenario, book=None) -> tuple[int, list[Note], bool]:
    return _check(_block_groups(big, secrets.token_hex(32), False), ls, _("{path}: problems in the participant file").format(path=big.path), book)


def _run_with_dask(files, where, ls, key, keep_ids, chunk_size, scheduler, merged: _Merge, progress, path, book=None) -> None:
    try:
        import dask
    except ImportError:
        raise InputError([Problem(str(path), _("Dask is not installed: {hint}").format(hint=_(DASK_HINT)))], _("Dask missing")) from None
    lang = current()
    tasks = [dask.delayed(_partition)(f, ls, key, keep_ids, chunk_size, 1, w, book, lang) for f, w in zip(files, where)]  # parallel over partitions, not inside one
    client = None
    if scheduler and "://" in scheduler:
        try:
            from dask.distributed import Client
        except ImportError:
            raise InputError([Problem(str(path), _("a scheduler address needs dask.distributed: pip install 'dask[distributed]'"))],
                             _("dask.distributed missing")) from None
        client = Client(scheduler)
    try:
        # in waves, so that the driver holds the reduced results of a few partitions per worker at a time
        slots = sum(client.nthreads().values()) if client is not None else available_cpus()
        wave = max(2, 2 * slots)
        for start in range(0, len(tasks), wave):
            batch = tasks[start:start + wave]
            if client is not None:
                results = client.compute(batch, sync=True)
            else:  # chunksize 1: each partition a task of its own (Dask's default, 6, would give a short wave to one process)
                results = dask.compute(*batch, scheduler=scheduler or "processes", chunksize=1)
            for k, r in enumerate(results, start):
                merged.add(k, r)
            if progress is not None:
                progress(min(start + wave, len(tasks)), len(tasks))
    finally:
        if client is not None:
            client.close()
