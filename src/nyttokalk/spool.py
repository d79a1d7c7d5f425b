"""Per-participant results kept on disk instead of in memory.

A dataset run (distributed.py) holds only sums in memory; each partition's per-participant
rows (first-year effect per actor before deadweight) go to a file in a temporary folder, and the
outputs read them back one partition at a time. The folder is removed when the run's result is
no longer used (or when the program ends)."""

from __future__ import annotations

import shutil
import weakref
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import pandas as pd

from .actors import ACTORS


def participant_rows(p, first_year_naive: np.ndarray) -> pd.DataFrame:
    """The raw per-participant rows: id, states, first-year effect per actor before deadweight, and
    whether försörjningsstöd was observed or modelled."""
    rows = pd.DataFrame({"id": p.ids, "before": p.before, "after": p.after})
    for j, a in enumerate(ACTORS):
        rows[a] = first_year_naive[:, j]
    rows["forsorjningsstod_before"] = np.where(np.isnan(p.before_amount), "modelled", "observed")
    rows["forsorjningsstod_after"] = np.where(np.isnan(p.after_amount), "modelled", "observed")
    return rows


class Spool:
    """Per-participant row frames on disk, in the order they were added."""

    def __init__(self) -> None:
        from .outputs import private_tempdir

        self.folder = private_tempdir("rows")
        self.files: list[Path] = []
        self.n = 0
        self._cleanup = weakref.finalize(self, shutil.rmtree, self.folder, ignore_errors=True)

    def add(self, rows: pd.DataFrame) -> None:
        path = self.folder / f"{len(self.files):06d}.pkl"
        rows.to_pickle(path)  # our own file in our own temporary folder, read back only by frames()
        self.files.append(path)
        self.n += len(rows)

    def frames(self) -> Iterator[pd.DataFrame]:
        for path in self.files:
            yield pd.read_pickle(path)

    def close(self) -> None:
        self._cleanup()


class MemoryRows:
    """Per-participant rows held in memory: the same interface as a Spool (a run read whole)."""

    def __init__(self, rows: pd.DataFrame) -> None:
        self.rows = rows
        self.n = len(rows)

    def frames(self) -> Iterator[pd.DataFrame]:
        yield self.rows

    def close(self) -> None:
        pass


class SpooledTable:
    """A table read from per-participant rows (a Spool on disk, or MemoryRows) a part at a time,
    each frame passed through `transform`. The writers (reports/files.py) stream it; to_frame()
    builds it whole."""

    def __init__(self, spool: "Spool | MemoryRows", transform: Callable[[pd.DataFrame], pd.DataFrame]) -> None:
        self.spool = spool
        self.transform = transform

    def __len__(self) -> int:
        return self.spool.n

    @property
    def in_memory(self) -> bool:
        """True when the rows are held in memory (a run read whole), False when they wait on disk."""
        return isinstance(self.spool, MemoryRows)

    def frames(self) -> Iterator[pd.DataFrame]:
        for raw in self.spool.frames():
            yield self.transform(raw)

    def to_frame(self) -> pd.DataFrame:
        frames = list(self.frames())
        return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
