"""A participant dataset in several files (a partitioned Parquet dataset, or CSV parts), one
partition at a time on this machine or in parallel with Dask (`pip install 'nyttokalk[dask]'`).

Each partition is read, validated and computed like a participant file of its own
(`engine.run_engine`). The driver then adds the partitions' sums calendar month by calendar
month, concatenates their per-participant arrays, and derives the assumptions from the whole
population, so every figure equals a run on the concatenated file (tests/test_dataset.py).
Memory on a worker is bounded by the partition and the engine's chunks; the driver holds only the
per-participant inputs (a few arrays of N values) and the sums.
"""

from __future__ import annotations

import hashlib
import secrets
from pathlib import Path

import numpy as np
import pandas as pd

from .engine import EngineResult, Grid, _run_notes, _setup, flag_warnings, run_engine
from .errors import InputError, Problem
from .ledger import Ledger
from .participants import Participants, read_participants
from .rules.loader import RuleBook
from .scenario import LoadedScenario

PART_SUFFIXES = (".parquet", ".csv", ".xlsx")
DASK_HINT = "install with pip install 'nyttokalk[dask]'"


def dataset_files(path: Path) -> list[Path]:
    """The participant files of a dataset folder (recursively, e.g. Hive-style year=2024/ folders), sorted."""
    files = sorted(f for f in Path(path).rglob("*") if f.is_file() and f.suffix.lower() in PART_SUFFIXES and not f.name.startswith((".", "_")))
    if not files:
        raise InputError([Problem(str(path), f"no participant files ({', '.join(PART_SUFFIXES)}) in this folder")], "empty dataset")
    return files


def _partition(path: Path, ls: LoadedScenario, id_key: str, keep_ids: bool, chunk_size: int | None) -> EngineResult:
    p = read_participants(path, id_key=id_key, keep_ids=keep_ids)
    return run_engine(p, ls, chunk_size=chunk_size, workers=1)  # parallel over partitions, not inside one


def run_dataset(path: Path, ls: LoadedScenario, *, use_dask: bool = False, scheduler: str | None = None,
                id_key: str | None = None, keep_ids: bool = False, chunk_size: int | None = None, progress=None) -> EngineResult:
    """Compute every partition of the dataset at `path` and merge them into one result.
    use_dask: run the partitions as Dask tasks (scheduler: 'processes' (default), 'threads',
    'synchronous', or the address of a dask.distributed scheduler, tcp://host:port)."""
    files = dataset_files(path)
    # one pseudonym key for all partitions, so the same personnummer gets the same pseudonym everywhere
    key = id_key if id_key is not None else secrets.token_hex(32)
    if use_dask:
        try:
            import dask
        except ImportError:
            raise InputError([Problem(str(path), f"Dask is not installed: {DASK_HINT}")], "Dask missing") from None
        tasks = [dask.delayed(_partition)(f, ls, key, keep_ids, chunk_size) for f in files]
        if scheduler and "://" in scheduler:
            try:
                from dask.distributed import Client
            except ImportError:
                raise InputError([Problem(str(path), "a scheduler address needs dask.distributed: pip install 'dask[distributed]'")],
                                 "dask.distributed missing") from None
            with Client(scheduler) as client:
                parts = list(client.compute(tasks, sync=True))
        else:
            parts = list(dask.compute(*tasks, scheduler=scheduler or "processes"))
        if progress is not None:
            progress(len(files), len(files))
    else:
        parts = []
        for i, f in enumerate(files):
            parts.append(_partition(f, ls, key, keep_ids, chunk_size))
            if progress is not None:
                progress(i + 1, len(files))
    return merge(parts, ls, path=Path(path), files=files, id_key_given=id_key is not None)


def _concat_participants(parts: list[Participants], path: Path, files: list[Path], id_key_given: bool) -> Participants:
    digest = hashlib.sha256("".join(f"{f.relative_to(path) if f != path else f.name}:{q.sha256}\n"
                                    for f, q in zip(files, parts)).encode()).hexdigest()
    return Participants.concat(
        parts, file=str(path), sha256=digest,
        ids_pseudonymised=any(q.ids_pseudonymised for q in parts),
        ids_look_like_personnummer=any(q.ids_look_like_personnummer for q in parts),
        id_key_given=id_key_given,
    )


def merge(parts: list[EngineResult], ls: LoadedScenario, *, path: Path, files: list[Path], id_key_given: bool,
          book: RuleBook | None = None) -> EngineResult:
    """One result from the partitions' results: sums aligned by calendar month and added."""
    p = _concat_participants([r.participants for r in parts], path, files, id_key_given)
    # ids must be unique across partitions too (each partition has checked its own)
    ids = pd.Series(p.ids)
    dup = ids.duplicated(keep="first").to_numpy()
    if dup.any():
        owner = np.repeat(np.arange(len(parts)), [len(r.participants) for r in parts])
        first_of = dict(zip(ids[::-1], owner[::-1]))  # the first partition holding each id
        problems = [Problem(str(files[owner[i]]), f"duplicate id (also in {files[first_of[ids[i]]].name})",
                            row=int(p.rows[i]), column="id") for i in np.flatnonzero(dup)[:20]]
        raise InputError(problems, "the same id in several partitions")

    # the whole population's plan: grid, resolved inputs and the assumptions, as a single run would have them
    plan = _setup(p, ls, book or RuleBook())
    grid: Grid = plan.grid
    start = grid.first_year * 12
    sums = {sit: {cid: np.zeros((grid.n_months, grid.horizon)) for cid in parts[0].aggregates.categories}
            for sit in parts[0].aggregates.flows}
    for r in parts:
        offset = r.grid.first_year * 12 - start
        for sit, flows in r.aggregates.flows.items():
            if sit not in sums:  # e.g. a partition has the potential and another not: then neither counts it
                continue
            for cid, a in flows.items():
                sums[sit][cid][offset:offset + a.shape[0]] += a
    for sit in [s for s in sums if not all(s in r.aggregates.flows for r in parts)]:
        del sums[sit]
    aggregates = Ledger(categories=parts[0].aggregates.categories, flows=sums)
    aggregates.check_balance(relative=1e-9)
    flags = {}
    for key in {k for r in parts for k in r.flags}:
        flags[key] = np.concatenate([r.flags.get(key, np.zeros(len(r.participants), dtype=bool)) for r in parts])
    rules_used = {}
    for r in parts:
        rules_used.update(r.rules_used)
    return EngineResult(
        aggregates=aggregates,
        first_year_naive=np.concatenate([r.first_year_naive for r in parts]),
        grid=grid,
        participants=p,
        month_rules=plan.mr,
        rules_used=dict(sorted(rules_used.items())),
        projected_months=sorted({m for r in parts for m in r.projected_months}),
        assumptions=list(plan.notes) + _run_notes(p, plan, ls),
        warnings=flag_warnings(flags, p),
        resolved=plan.inputs,
        chunks=sum(r.chunks for r in parts),
        flags=flags,
        partitions=len(parts),
    )
