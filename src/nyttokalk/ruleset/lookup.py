"""Rule parameters by their path, in the units the code computes with.

    view = RuleView(rules, day)                      # the rules in force on one day
    view.at("income_tax.state_tax_rate")             # 0.2 (written 20, unit percent)
    mr = MonthRules.build(book, months, scenario)    # one view per grid month
    mr.at("subsidies.introduktionsjobb.share")       # array over the months
    mr.groups("employer_contributions.reductions")   # [(months, value)] per distinct rule period

A path is the key path in `rules/<year>.yaml` (and the schema), so a parameter is found by the
same name in the rules, the code and the tests.

Units (one convention for every parameter):
- percent → a fraction (`0.2067`), also the `Percent` fields of a structured value;
- an amount in prisbasbelopp or inkomstbasbelopp → SEK: multiplied by that base amount in force
  on the same day, both a number leaf (`transfers.sjukpenning.sgi_cap` 10 → 573 000 in 2024) and
  the `InLeafUnit` fields of a structured value (schedule bounds and bases, garantinivå levels);
- every other unit as written (SEK/month, SEK/day, days/week, months, years, level, factor).
The conversion itself is `rules.schema.in_code_units`.

A node the schema makes optional may be absent in a year (`subsidies.extratjanst` from 2023, the
jobbskatteavdrag phase-out from 2025): `at` raises `MissingRule` unless the caller gives a
`default`, and `has` says where it exists — never a silent NaN.

Values are resolved once per distinct rule period (the rule year and the dated value in force)
and cached; a chunk's `window` shares the cache of the whole grid.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterator

import numpy as np
from pydantic import BaseModel

from .schema import BASE_AMOUNTS, Leaf, RuleYear, in_code_units

REQUIRED = object()  # `at(path)` without a default: an absent rule is an error


class MissingRule(LookupError):
    """A rule that is absent in the rules in force (an optional node), asked for without a default."""

    def __init__(self, path: str, year: int):
        self.path = path
        self.year = year
        super().__init__(f"rule {path} is absent in the rules for {year}; check has({path!r}) or give a default")


class RuleView:
    """The rules of one rule year in force on one day (default: 1 January of the rule year)."""

    def __init__(self, rules: RuleYear, day: dt.date | None = None):
        self.rules = rules
        self.day = day or dt.date(rules.year, 1, 1)
        self._values: dict[str, object] = {}
        self.read: set[str] = set()  # every path read with at() (the doubtful rules a run names)

    @property
    def year(self) -> int:
        return self.rules.year

    def node(self, path: str):
        """The schema object at `path` (a Leaf or a group of rules); None where an optional node on
        the way is absent. A key the schema does not know is a KeyError (a typo in the code)."""
        obj: object = self.rules
        walked: list[str] = []
        for key in path.split("."):
            if obj is None:
                return None
            if isinstance(obj, Leaf) or not isinstance(obj, BaseModel) or key not in type(obj).model_fields:
                where = ".".join(walked) or "the rules"
                raise KeyError(f"no rule {path!r}: {where} has no key {key!r}")
            obj = getattr(obj, key)
            walked.append(key)
        return obj

    def has(self, path: str) -> bool:
        return self.node(path) is not None

    def leaf(self, path: str) -> Leaf | None:
        node = self.node(path)
        if node is not None and not isinstance(node, Leaf):
            raise TypeError(f"rule {path} is a group of rules, not a value; its keys: {', '.join(type(node).model_fields)}")
        return node

    def at(self, path: str, default=REQUIRED):
        """The value in force, in the code's units (module docstring); `default` where the rule is absent."""
        self.read.add(path)
        if path in self._values:
            return self._values[path]
        leaf = self.leaf(path)
        if leaf is None:
            if default is REQUIRED:
                raise MissingRule(path, self.year)
            return default
        value = in_code_units(leaf.raw_at(self.day), leaf.unit, self._bases(leaf))
        self._values[path] = value
        return value

    def _bases(self, leaf: Leaf) -> dict[str, float] | None:
        if leaf.unit not in BASE_AMOUNTS:
            return None
        return {name: getattr(self.rules.base_amounts, name).at(self.day) for name in BASE_AMOUNTS}

    def period(self, path: str) -> tuple:
        """A key that two views share exactly when the value at `path` is the same: the leaf and the
        dated value in force (and the base amount's, for an amount in a base amount); absent: ()."""
        leaf = self.leaf(path)
        if leaf is None:
            return ()
        key: tuple = (id(leaf), _in_force(leaf, self.day))
        if leaf.unit in BASE_AMOUNTS:
            base = getattr(self.rules.base_amounts, leaf.unit)
            key += (id(base), _in_force(base, self.day))
        return key


def _in_force(leaf: Leaf, day: dt.date) -> int:
    """Which of the leaf's dated values is in force on `day` (0 for a single value)."""
    if leaf.values is None:
        return 0
    return sum(1 for v in leaf.values if v.valid_from <= day)


class _Resolved:
    """One path over the whole grid: each month's distinct-period number and each period's value."""

    def __init__(self, views: list[RuleView], path: str, default):
        keys: dict[tuple, int] = {}
        self.index = np.empty(len(views), dtype=np.int64)
        self.values: list = []
        for m, view in enumerate(views):
            key = view.period(path)
            if key not in keys:
                keys[key] = len(self.values)
                self.values.append(view.at(path, default))
            self.index[m] = keys[key]
        self._array: np.ndarray | None = None

    def array(self, path: str) -> np.ndarray:
        if self._array is None:
            if any(isinstance(v, BaseModel) or (isinstance(v, list) and v and isinstance(v[0], BaseModel)) for v in self.values):
                raise TypeError(f"rule {path} is a structured value: read it with groups() or cell_groups()")
            self._array = np.array(self.values, dtype=float)[self.index]
            self._array.flags.writeable = False
        return self._array


class MonthRules:
    """The rules in force in each month of a grid (or of a chunk's window of it), by path.

    `scenario` carries the scenario's choices that select a parameter (benefits.a_kassa_membership,
    benefits.utvecklingsersattning_level, benefits.weeks_per_year, subsidies.lonebidrag_share,
    wages.holiday_pay): a state function reads them from there."""

    def __init__(self, views: list[RuleView], months: np.ndarray, scenario, *, _cache: dict | None = None,
                 _start: int = 0, _stop: int | None = None, _usage: dict | None = None, _using: np.ndarray | None = None,
                 _record: bool = True, _reads: set | None = None):
        self._views = views  # the whole grid's
        self._months = np.asarray(months)  # the whole grid's: calendar year × 12 + month − 1
        self._cache = {} if _cache is None else _cache
        self._start = _start
        self._stop = len(views) if _stop is None else _stop
        # which rule was read for which grid months (shared by every window and copy): path → bool per grid month
        self._usage: dict[str, np.ndarray] = {} if _usage is None else _usage
        self._using = _using  # this window's months a reader uses (using()); None: all of them
        self._record = _record  # False: reads are not recorded (quiet(): the engine looking ahead, not computing)
        self._reads = _reads  # every path read through this window (capturing()), recorded or not
        self.scenario = scenario
        here = self._months[self._start:self._stop]
        self.calendar_year = (here // 12).astype(float)
        self.month_of_year = here % 12 + 1
        self.rules_used: dict = {}  # set by build(), for the whole grid
        self.projected_months: list[str] = []  # set by build(), for the whole grid

    @classmethod
    def build(cls, book, months: np.ndarray, scenario) -> "MonthRules":
        """Each month's rules from the book (a RuleBook): its calendar year's, on its first day, or
        every month on the scenario's period.rules_date. Records the rule years used (`rules_used`,
        rule year → LoadedYear) and the months computed with projected rules (`projected_months`)."""
        views: dict[tuple, RuleView] = {}
        per_month = []
        rules_used = {}
        projected = []
        for month in np.asarray(months):
            first_day = dt.date(int(month) // 12, int(month) % 12 + 1, 1)
            day = scenario.period.rules_date or first_day
            loaded, carried = book.year_for(day.year)
            if carried:
                projected.append(first_day.strftime("%Y-%m"))
            rules_used[loaded.rules.year] = loaded
            per_month.append(views.setdefault((loaded.rules.year, day), RuleView(loaded.rules, day)))
        mr = cls(per_month, months, scenario)
        mr.rules_used = rules_used  # in the order of the months
        mr.projected_months = projected
        return mr

    def __len__(self) -> int:
        return self._stop - self._start

    def view(self, m: int) -> RuleView:
        """The rules of month m (of this window)."""
        return self._views[self._start + m]

    def window(self, start: int, stop: int) -> "MonthRules":
        """Months start … stop − 1 of this one (a chunk's calendar years); shares the cache."""
        return MonthRules(self._views, self._months, self.scenario, _cache=self._cache,
                          _start=self._start + start, _stop=self._start + stop, _usage=self._usage, _reads=self._reads)

    def using(self, months: np.ndarray) -> "MonthRules":
        """This window, recording every rule read through it as used in these of its months only (the
        months of the cells a state function computes): the doubtful rules a run names (used())."""
        months = np.unique(np.asarray(months, dtype=np.int64))
        if self._using is not None:  # within the months this window already counts
            months = np.intersect1d(months, self._using)
        return self._copy(_using=months)

    def quiet(self) -> "MonthRules":
        """This window without recording its reads: for reading ahead (where a stretch of months must be
        cut), so that only the reads of the computation itself count as used."""
        return self._copy(_record=False)

    def capturing(self, reads: set) -> "MonthRules":
        """This window adding every path read through it (or a copy made from it) to `reads`: which rules a
        computation rests on (the engine cuts its stretches of months where they change, engine/segments.py)."""
        return self._copy(_reads=reads)

    def _copy(self, **changes) -> "MonthRules":
        kept = dict(_cache=self._cache, _start=self._start, _stop=self._stop, _usage=self._usage, _using=self._using,
                    _record=self._record, _reads=self._reads)
        out = MonthRules(self._views, self._months, self.scenario, **{**kept, **changes})
        out.rules_used, out.projected_months = self.rules_used, self.projected_months
        return out

    def _note(self, path: str, months: np.ndarray | None = None) -> None:
        """Record that `path` was read for these months of the window (default: the using() months, else all)."""
        if self._reads is not None:
            self._reads.add(path)
        if not self._record:
            return
        mark = self._usage.get(path)
        if mark is None:
            mark = self._usage[path] = np.zeros(len(self._views), dtype=bool)
        if months is None:
            months = self._using
        if months is None:
            mark[self._start:self._stop] = True
        else:
            mark[self._start + np.asarray(months, dtype=np.int64)] = True

    def used(self) -> dict[str, np.ndarray]:
        """Every rule read so far, with the grid months it was read for (bool per grid month)."""
        return self._usage

    def note_used(self, usage: dict[str, np.ndarray]) -> None:
        """Add another process's record of rules read (a forked worker's chunks)."""
        for path, mark in usage.items():
            have = self._usage.get(path)
            self._usage[path] = mark.copy() if have is None else (have | mark)

    def _resolved(self, path: str, default) -> _Resolved:
        key = (path, None if default is REQUIRED else ("default", default))
        if key not in self._cache:
            self._cache[key] = _Resolved(self._views, path, default)
        return self._cache[key]

    def at(self, path: str, default=REQUIRED) -> np.ndarray:
        """A number (or a list of numbers) per month: an array (months,) or (months, k), read-only."""
        self._note(path)
        return self._resolved(path, default).array(path)[self._start:self._stop]

    def has(self, path: str) -> np.ndarray:
        """Per month: whether the rule exists in the rules in force."""
        return np.array([v.has(path) for v in self._views[self._start:self._stop]], dtype=bool)

    def groups(self, path: str, default=REQUIRED) -> list[tuple[np.ndarray, object]]:
        """[(months, value)] for each distinct value in force, in the order of their first month,
        so that a function loops over the few rule periods (bands, reductions), not the months."""
        self._note(path)
        r = self._resolved(path, default)
        index = r.index[self._start:self._stop]
        order = sorted(set(index.tolist()), key=lambda g: int(np.argmax(index == g)))
        return [(np.flatnonzero(index == g), r.values[g]) for g in order]

    def cell_groups(self, path: str, cells, default=REQUIRED) -> Iterator[tuple[np.ndarray, object]]:
        """For cells (states.cells.Cells, or an array of their months): (mask of the cells, value) for each
        distinct value in force. The rule counts as used in every month the cells stand for (Cells.span)."""
        month = getattr(cells, "month", cells)
        span = getattr(cells, "span", None)
        self._note(path, month if span is None else covered_months(month, span, len(self)))
        r = self._resolved(path, default)
        index = r.index[self._start:self._stop][month]
        for g in np.unique(index):
            yield index == g, r.values[g]


def covered_months(start: np.ndarray, span: np.ndarray, n_months: int) -> np.ndarray:
    """The months (of n_months) that stretches of `span` months from `start` cover, each once."""
    if not len(start):
        return np.zeros(0, dtype=np.int64)
    edges = np.bincount(start, minlength=n_months + 1) - np.bincount(start + span, minlength=n_months + 1)
    return np.flatnonzero(np.cumsum(edges[:n_months]) > 0)
