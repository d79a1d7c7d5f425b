"""The doubtful rules a run used: every rule leaf with status `unknown` or `assumed` that the run
read for a month inside some participant's horizon, with its value and those months.

The rules lookup records which paths were read for which grid months (ruleset/lookup.py: a state
function's reads count for the months of its cells; the income tax's for its calendar year). A
month computed with projected rules counts with the status its leaf has in the year it was carried
forward from. Every output names these rules (analysis: warnings and meta), so that a figure never
rests silently on a value nobody has verified.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from ..ruleset.loader import RuleBook
from ..ruleset.lookup import RuleView

DOUBTFUL = ("unknown", "assumed")
VALUE_TEXT = 80  # characters of a structured value shown in a warning


def _value_text(value) -> str:
    if hasattr(value, "model_dump"):
        value = value.model_dump(exclude_none=True)
    if isinstance(value, list):
        value = [v.model_dump(exclude_none=True) if hasattr(v, "model_dump") else v for v in value]
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return text if len(text) <= VALUE_TEXT else text[: VALUE_TEXT - 1] + "…"


def _status(view: RuleView, path: str, base: RuleView | None) -> tuple[str, float | str, str] | None:
    """(status, value, unit) of the leaf at `path` in force for the view (a number as it is, a
    structured value as a short text); a projected leaf's status is the
    one it has in its base year. None: absent or not a leaf."""
    try:
        leaf = view.leaf(path)
    except (KeyError, TypeError):
        return None
    if leaf is None:
        return None
    status = leaf.status
    if status == "projected" and base is not None:
        try:
            origin = base.leaf(path)
        except (KeyError, TypeError):
            origin = None
        status = origin.status if origin is not None else status
    value = leaf.raw_at(view.day)
    return status, value if isinstance(value, (int, float)) and not isinstance(value, bool) else _value_text(value), leaf.unit


def doubtful_rules(plan, book: RuleBook) -> list[dict]:
    """[{"path", "status", "value", "unit", "months": [YYYY-MM, …]}] of the doubtful rules the run used, in
    path order (a rule whose value changes within the run: one entry per value)."""
    grid = plan.grid
    in_horizon = np.zeros(grid.n_months, dtype=bool)
    in_horizon[grid.first_exit:min(grid.n_months, grid.last_exit + grid.horizon)] = True
    views = [plan.mr.view(m) for m in range(grid.n_months)]
    bases: dict[int, RuleView | None] = {}

    def base_of(view: RuleView) -> RuleView | None:
        year = view.rules.year
        if year not in bases:
            loaded = plan.rules_used.get(year)
            origin = loaded.projected_from if loaded is not None else None
            bases[year] = None if origin is None else RuleView(book.year_for(origin)[0].rules, dt.date(origin, 12, 31))
        return bases[year]

    found: dict[tuple, list[int]] = {}

    def add(path: str, months: np.ndarray) -> None:
        by_view: dict[int, list[int]] = {}
        for m in months:
            by_view.setdefault(id(views[m]), []).append(int(m))
        for ms in by_view.values():
            got = _status(views[ms[0]], path, base_of(views[ms[0]]))
            if got is not None and got[0] in DOUBTFUL:
                found.setdefault((path, *got), []).extend(ms)

    for path, mark in plan.mr.used().items():
        add(path, np.flatnonzero(mark & in_horizon))
    for k, year in enumerate(grid.years):
        view = plan.tax_rules.get(year)
        months = np.flatnonzero(in_horizon[12 * k: 12 * k + 12]) + 12 * k
        if view is None or not months.size:
            continue
        for path in sorted(view.read):
            got = _status(view, path, base_of(view))
            if got is not None and got[0] in DOUBTFUL:
                found.setdefault((path, *got), []).extend(int(m) for m in months)
    return [{"path": path, "status": status, "value": value, "unit": unit,
             "months": [grid.month_date(m).strftime("%Y-%m") for m in sorted(set(ms))]}
            for (path, status, value, unit), ms in sorted(found.items(), key=lambda kv: (kv[0][0], str(kv[0][2])))]


def merge(lists: list[list[dict]]) -> list[dict]:
    """The doubtful rules of several groups of participants (a dataset's files) as one list."""
    out: dict[tuple, set[str]] = {}
    for entries in lists:
        for e in entries:
            out.setdefault((e["path"], e["status"], e["value"], e["unit"]), set()).update(e["months"])
    return [{"path": p, "status": s, "value": v, "unit": u, "months": sorted(ms)}
            for (p, s, v, u), ms in sorted(out.items(), key=lambda kv: (kv[0][0], str(kv[0][2])))]
