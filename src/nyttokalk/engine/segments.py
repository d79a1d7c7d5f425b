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
from ..ruleset.schema import BASE_AMOUNTS, Leaf


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

_MARKS: dict[int, tuple[object, dict[str, tuple[set[int], set[tuple[int, ...]]]]]] = {}  # id(rule year) → (it, its leaves' marks)


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


def _leaves(obj, path: str, out: dict) -> None:
    """Every rule leaf of a rules object by its path."""
    if isinstance(obj, Leaf):
        out[path] = obj
    elif isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            _leaves(getattr(obj, name), f"{path}.{name}" if path else name, out)


def _marks(rules) -> dict[str, tuple[set[int], set[tuple[int, ...]]]]:
    """Each leaf path of a rule year with a date or a list of calendar months in it: (the months the dates
    take effect, the lists); a leaf in a base amount also has the base amount's."""
    got = _MARKS.get(id(rules))
    if got is None or got[0] is not rules:
        leaves: dict = {}
        _leaves(rules, "", leaves)
        found = {}
        for path, leaf in leaves.items():
            dates: set[int] = set()
            lists: set[tuple[int, ...]] = set()
            _walk(leaf, dates, lists)
            found[path] = (dates, lists)
        for path, leaf in leaves.items():
            if leaf.unit in BASE_AMOUNTS:
                base = found.get(f"base_amounts.{leaf.unit}", (set(), set()))
                found[path] = (found[path][0] | base[0], found[path][1] | base[1])
        got = _MARKS[id(rules)] = (rules, {k: v for k, v in found.items() if v[0] or v[1]})
    return got[1]


def rule_marks(mr: MonthRules) -> dict[str, np.ndarray]:
    """Each rule path whose value may change inside a year of the chunk (mr: its window): the chunk months
    where it may (a date in it takes effect, a run of the calendar months it lists begins or ends)."""
    absolute = (mr.calendar_year * 12 + mr.month_of_year - 1).astype(np.int64)
    by_rules: dict[int, list[int]] = {}
    for m in range(len(mr)):
        by_rules.setdefault(id(mr.view(m).rules), []).append(m)
    out: dict[str, np.ndarray] = {}
    for months in by_rules.values():
        months = np.asarray(months)
        for path, (dates, lists) in _marks(mr.view(int(months[0])).rules).items():
            cut = np.zeros(len(mr), dtype=bool)
            cut[months] = np.isin(absolute[months], np.array(sorted(dates), dtype=np.int64))
            for listed in lists:  # in the months of these rules: where a run of listed months begins or ends
                inside = np.isin(np.arange(14), listed)
                edge = inside[1:13] != inside[0:12]  # calendar month k (1–12) begins or follows a run
                cut[months] |= edge[mr.month_of_year[months] - 1]
            cut &= mr.month_of_year != 1  # a new year is a cut anyway
            if cut.any():
                out[path] = np.union1d(out.get(path, np.zeros(0, dtype=np.int64)), np.flatnonzero(cut))
    return out


def within(path: str, prefixes) -> bool:
    """Whether a rule path is one of the rule subtrees (a path or a group of rules above it)."""
    return any(path == p or path.startswith(p + ".") for p in prefixes)


def check_declared(reads: set[str], prefixes, who: str) -> None:
    """Every rule read is within the subtrees declared for it (State.rules, the engine's SHARED_RULES):
    the months are cut only where those may change. A rule read beyond them is an error in the code."""
    beyond = sorted(p for p in reads if not within(p, prefixes))
    if beyond:
        raise AssertionError(f"{who} reads {', '.join(beyond)}, not among its declared rules {tuple(prefixes)}: declare them "
                             "(states.State.rules or engine.chunks.SHARED_RULES), or a change in them within a year goes unseen")


@dataclass
class Calendar:
    """A chunk's stretches of months that every participant shares: each January and the months where a
    rule the engine reads for every participant (`shared`: the top-up, the household's benefits, public
    finance) may change. `marks` says where any rule may change, so that the months of a state are cut
    further where the rules it reads do (`state_cuts`)."""

    cuts: np.ndarray  # chunk months where a stretch begins (0 included)
    of_month: np.ndarray  # chunk month → stretch
    first: np.ndarray  # stretch → its first chunk month
    marks: dict[str, np.ndarray]  # rule path → chunk months where it may change (rule_marks)
    _by_state: dict = dataclasses.field(default_factory=dict)

    @classmethod
    def of(cls, mr: MonthRules, shared=None) -> "Calendar":
        """shared: the rule subtrees every participant's flows read (None: every rule)."""
        marks = rule_marks(mr)
        dated = [m for path, m in marks.items() if shared is None or within(path, shared)]
        cuts = np.union1d(np.flatnonzero(mr.month_of_year == 1), np.concatenate([[0]] + dated)).astype(np.int64)
        of_month = np.searchsorted(cuts, np.arange(len(mr)), side="right") - 1
        return cls(cuts, of_month, cuts, marks)

    def __len__(self) -> int:
        return len(self.first)

    def state_cuts(self, code: int, prefixes) -> np.ndarray:
        """The chunk months where a rule a state reads (its State.rules) may change."""
        if code not in self._by_state:
            found = [m for path, m in self.marks.items() if within(path, prefixes)]
            self._by_state[code] = np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)
        return self._by_state[code]
