"""A chunk's participants over its months as segments: stretches of months in which nothing that a
participant's flows depend on changes (docs/architecture.md, "The engine in segments").

A table of segments (`Segments`) holds for each stretch its participant, first month, length, state,
months on the state's path at its first month (and whether they grow along it) and observed
försörjningsstöd. Every participant's segments tile the chunk's months in order. Tables are made by
cutting each participant's months (`tile`), cut further (`refine`), restricted to a range of months
per participant (`clip`) and put together (`concat`).

The calendar cuts every participant shares (`calendar_cuts`): January (the tax year, ages, the
household's children, the rule year, the price year), every date the rules in force name (a dated
value, the first period of a new law), and the edges of the calendar months a rule lists (an
employer-fee reduction in June–August).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel

from ..ruleset.lookup import MonthRules


@dataclass
class Segments:
    """Stretches of participant-months, sorted by participant and first month."""

    row: np.ndarray  # chunk participant
    start: np.ndarray  # chunk month of the first month
    length: np.ndarray  # months (≥ 1)
    code: np.ndarray  # state code (states.CODES)
    mis: np.ndarray  # months on the state's path before the first month (engine/paths.py)
    slope: np.ndarray  # 1.0 where those months grow by one a month along the segment, 0.0 where they are held
    observed: np.ndarray  # observed försörjningsstöd a month (NaN: the modelled top-up)

    def __len__(self) -> int:
        return len(self.row)

    @property
    def end(self) -> np.ndarray:
        return self.start + self.length

    def take(self, idx: np.ndarray) -> "Segments":
        return Segments(*(getattr(self, f.name)[idx] for f in dataclasses.fields(self)))

    def with_(self, **changes) -> "Segments":
        return dataclasses.replace(self, **changes)

    def mis_at(self, month: np.ndarray) -> np.ndarray:
        """Months on the path at a month inside each segment."""
        return self.mis + self.slope * (month - self.start)


def empty() -> Segments:
    i, f = np.zeros(0, dtype=np.int64), np.zeros(0)
    return Segments(i, i, i, i, f, f, f)


def tile(n: int, m_count: int, cuts: list[np.ndarray], calendar: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(row, start, length) of the segments of n participants over m_count months, cut at the calendar
    months (every participant) and at each participant's month in each of `cuts` (arrays of n; a month
    outside 1 … m_count − 1 cuts nothing; repeats allowed)."""
    marks = np.empty((n, 1 + len(calendar) + len(cuts)), dtype=np.int64)
    marks[:, 0] = 0
    marks[:, 1:1 + len(calendar)] = calendar[None, :]
    for k, c in enumerate(cuts):
        marks[:, 1 + len(calendar) + k] = np.where((c > 0) & (c < m_count), c, m_count)
    marks.sort(axis=1)
    first = np.ones(marks.shape, dtype=bool)
    first[:, 1:] = marks[:, 1:] != marks[:, :-1]
    first &= marks < m_count
    start = marks[first]
    row = np.repeat(np.arange(n, dtype=np.int64), first.sum(axis=1))
    same = np.r_[row[1:] == row[:-1], False]
    end = np.where(same, np.r_[start[1:], 0], m_count)
    return row, start, end - start


def refine(seg: Segments, rows: np.ndarray, months: np.ndarray, m_count: int) -> tuple[Segments, np.ndarray]:
    """The segments cut further at the (row, month) pairs that fall strictly inside one; and for each
    new segment the index of the segment it was cut from (its parent)."""
    width = m_count + 1
    old = seg.row * width + seg.start
    key = np.unique(rows.astype(np.int64) * width + months)
    parent = np.searchsorted(old, key, side="right") - 1
    safe = np.maximum(parent, 0)
    inside = (parent >= 0) & (key % width > seg.start[safe]) & (key % width < seg.end[safe]) & (key // width == seg.row[safe])
    if not inside.any():
        return seg, np.arange(len(seg))
    key, parent = key[inside], parent[inside]
    at = parent + 1  # each cut goes after the segment it falls in (old keys sorted, cuts distinct from them)
    parent = np.insert(np.arange(len(seg)), at, parent)
    start = np.insert(seg.start, at, key % width)
    last = np.r_[parent[1:] != parent[:-1], True]
    end = np.where(last, seg.end[parent], np.r_[start[1:], 0])
    out = seg.take(parent)
    return out.with_(start=start, length=end - start, mis=out.mis_at(start)), parent


def clip(seg: Segments, lo: np.ndarray, hi: np.ndarray) -> Segments:
    """The segments restricted to months lo[row] … hi[row] − 1 of their participant (empty ones dropped)."""
    start = np.maximum(seg.start, lo[seg.row])
    end = np.minimum(seg.end, hi[seg.row])
    keep = end > start
    out = seg.take(keep)
    start = start[keep]
    return out.with_(start=start, length=end[keep] - start, mis=out.mis_at(start))


def concat(parts: list[Segments]) -> Segments:
    """The segments of several tables, each sorted by participant, whose months follow one another for
    each participant (the first table's first): sorted by participant and first month (a stable merge
    of the tables' runs)."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return empty()
    out = Segments(*(np.concatenate([getattr(p, f.name) for p in parts]) for f in dataclasses.fields(Segments)))
    return out.take(np.argsort(out.row, kind="stable"))


def covered(row: np.ndarray, start: np.ndarray, end: np.ndarray, lo: np.ndarray, hi: np.ndarray, m_count: int) -> np.ndarray:
    """The months (of m_count) that segments (row, start, end) cover inside lo[row] … hi[row] − 1 (a participant's horizon)."""
    first = np.maximum(start, lo[row])
    last = np.minimum(end, hi[row])
    keep = last > first
    if not keep.any():
        return np.zeros(0, dtype=np.int64)
    edges = np.bincount(first[keep], minlength=m_count + 1) - np.bincount(last[keep], minlength=m_count + 1)
    return np.flatnonzero(np.cumsum(edges[:m_count]) > 0)


# --- the calendar's cuts ------------------------------------------------------------------------------

_MARKS: dict[int, tuple[object, set[int], set[tuple[int, ...]]]] = {}  # id(rule year) → (it, months of its dates, month lists)


def _walk(obj, dates: set[int], lists: set[tuple[int, ...]], field: str = "") -> None:
    """The months (year × 12 + month − 1) where a date in a rules object takes effect, and every list of
    calendar months named `months`. A dated value (`valid_from`) is looked up on a month's first day: from
    its month when it is the first, else from the next; any other date (the first period of a new law,
    compared by its month) from its month."""
    if isinstance(obj, dt.date):
        dates.add(obj.year * 12 + obj.month - 1 + (field == "valid_from" and obj.day > 1))
    elif isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            value = getattr(obj, name)
            if name == "months" and isinstance(value, list) and all(isinstance(v, int) for v in value):
                lists.add(tuple(value))
            else:
                _walk(value, dates, lists, name)
    elif isinstance(obj, (list, tuple)):
        for v in obj:
            _walk(v, dates, lists, field)
    elif isinstance(obj, dict):
        for v in obj.values():
            _walk(v, dates, lists, field)


def _marks(rules) -> tuple[set[int], set[tuple[int, ...]]]:
    got = _MARKS.get(id(rules))
    if got is None or got[0] is not rules:
        dates: set[int] = set()
        lists: set[tuple[int, ...]] = set()
        _walk(rules, dates, lists)
        got = _MARKS[id(rules)] = (rules, dates, lists)
    return got[1], got[2]


def calendar_cuts(mr: MonthRules) -> np.ndarray:
    """The months of a chunk (mr: its window) where a new stretch begins for every participant: each
    January, the months where a date in the rules in force takes effect, and the first and the month
    after the last of each run of calendar months a rule lists."""
    absolute = (mr.calendar_year * 12 + mr.month_of_year - 1).astype(np.int64)
    cut = mr.month_of_year == 1
    dates: set[int] = set()
    by_rules: dict[int, list[int]] = {}
    for m in range(len(mr)):
        by_rules.setdefault(id(mr.view(m).rules), []).append(m)
    for months in by_rules.values():
        found, lists = _marks(mr.view(months[0]).rules)
        dates |= found
        for listed in lists:  # in the months of these rules: where a run of listed months begins or ends
            inside = np.isin(np.arange(14), listed)
            edge = inside[1:13] != inside[0:12]  # calendar month k (1–12) begins or follows a run
            cut[months] |= edge[mr.month_of_year[months] - 1]
    cut |= np.isin(absolute, np.array(sorted(dates), dtype=np.int64))
    return np.flatnonzero(cut)


@dataclass
class Calendar:
    """A chunk's stretches of months that every participant shares (between calendar_cuts): each
    month's stretch, each stretch's first month."""

    cuts: np.ndarray  # chunk months where a stretch begins (0 included)
    of_month: np.ndarray  # chunk month → stretch
    first: np.ndarray  # stretch → its first chunk month

    @classmethod
    def of(cls, mr: MonthRules) -> "Calendar":
        cuts = np.union1d([0], calendar_cuts(mr))
        of_month = np.searchsorted(cuts, np.arange(len(mr)), side="right") - 1
        return cls(cuts, of_month, cuts)

    def __len__(self) -> int:
        return len(self.first)
