"""A chunk's sums from its situations' segments (docs/architecture.md, "The engine in segments"):

- per situation and category, the flows inside each participant's horizon summed per calendar month
  and month since exit (`aggregates`): for each exit month, a difference array over the months since
  exit (+ at the first month of a segment inside the horizon, − after its last) summed cumulatively;
- each participant's first-year effect per actor (after − before over its first 12 months, each month
  weighted for fixed prices);
- the after situation mixed from keeping the job (p) and falling back (1 − p), and with the monthly
  drop-off: after(t) = S(t) × after(t) + (1 − S(t)) × before(t), S(t) = (1 − d)^t, t months after the
  exit. Both are linear, so they apply to the sums: the fall-back's segments enter the after sums
  weighted 1 − p (the kept ones p), and since the sums' columns are months since exit, the drop-off is
  a factor per column; a participant's first year takes Σ S(t) over each segment's months in closed form.

`ledger` expands segments to participant-months (keep_ledger: tests and small runs) and mixes them the
same way, month by month.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..actors import ACTORS
from .segments import Segments
from .situations import Mixing


@dataclass
class SituationFlows:
    """A situation's flows: a month's amount per segment for each category (absent = 0)."""

    name: str
    seg: Segments
    flows: dict[str, np.ndarray]
    rows: np.ndarray | None  # the chunk participants it covers (None: all)
    tiles: bool = True  # its segments tile its participants' months; False: a change to some months (the jobbstimulans' windows)


def _mix_weight(out: SituationFlows, mixing: Mixing, n: int) -> tuple[str, np.ndarray | None]:
    """(the sums the situation goes to, each segment's weight in them; None: 1)."""
    if out.name == "after_fallback":
        return "after", np.full(len(out.seg), 1 - mixing.keep_p)
    if out.name == "after" and mixing.fallback:
        weight = np.ones(n)
        weight[mixing.rows] = mixing.keep_p
        return "after", weight[out.seg.row]
    return out.name, None


def _targets(out: SituationFlows, mixing: Mixing, n: int) -> list[tuple[str, SituationFlows, np.ndarray | None]]:
    """Every sum a situation's segments go to, with those segments and their weights: its own (mixed), and
    the after sums of the participants whose after situation is their before, the potential's of those whose
    potential is their after (chunk_situations(share=True): computed once)."""
    name, weight = _mix_weight(out, mixing, n)
    targets = [(name, out, weight)]
    for source, into, same in (("before", "after", mixing.after_is_before), ("after", "potential", mixing.potential_is_after)):
        if out.name == source and same is not None and same.any():
            rows = np.flatnonzero(same[out.seg.row])
            targets.append((into, SituationFlows(into, out.seg.take(rows), {k: v[rows] for k, v in out.flows.items()}, out.rows), None))
    return targets


def survival(dropoff: float, horizon: int) -> np.ndarray:
    """S(t) = (1 − d)^t for the months since exit 0 … horizon − 1."""
    return (1 - dropoff) ** np.arange(horizon)


def _survival_sum(dropoff: float, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Σ S(t) over t = a … b − 1, in closed form (0 where b ≤ a)."""
    if dropoff == 0:
        return np.maximum(b - a, 0).astype(float)
    q = 1 - dropoff
    return np.where(b > a, (q ** a - q ** np.maximum(a, b)) / dropoff, 0.0)


class _Bins:
    """Where a situation's segments enter the sums: each segment's part inside its participant's horizon
    is months since exit a … b − 1 of its exit month's group. Segments with the same (group, a, b) — most
    of them: the calendar cuts everyone alike — are summed first (one bincount per category), then each
    such stretch is spread over its months since exit. A column no nonzero stretch covers stays exactly 0."""

    def __init__(self, seg: Segments, exits: np.ndarray, groups: np.ndarray, horizon: int, n_groups: int):
        exit = exits[seg.row]
        a = np.clip(seg.start - exit, 0, horizon)
        b = np.clip(seg.end - exit, 0, horizon)
        width = horizon + 1
        key = (groups[seg.row] * width + a) * width + b
        if n_groups * width * width <= max(1 << 20, 4 * len(key)):
            present = np.bincount(key, minlength=n_groups * width * width) > 0
            stretch = np.flatnonzero(present)
            stretch_of = (np.cumsum(present) - 1)[key]
        else:
            stretch, stretch_of = np.unique(key, return_inverse=True)
        self.n = len(stretch)
        self.stretch_of = stretch_of  # outside the horizon (a = b): a stretch of no months
        g, rest = np.divmod(stretch, width * width)
        first, after = np.divmod(rest, width)
        months = after - first
        self.of_cell = np.repeat(np.arange(self.n), months)  # each (stretch, month) of the spread
        t = np.arange(months.sum()) - np.repeat(np.cumsum(months) - months, months) + np.repeat(first, months)
        self.cell = np.repeat(g, months) * horizon + t
        self.shape = (n_groups, horizon)

    def sums(self, values: np.ndarray) -> np.ndarray:
        """Per exit-month group and month since exit: the sum of the values (a month's, per segment)."""
        per_stretch = np.bincount(self.stretch_of, values, minlength=self.n)
        return np.bincount(self.cell, per_stretch[self.of_cell], minlength=self.shape[0] * self.shape[1]).reshape(self.shape)


def aggregates(outs: list[SituationFlows], cats: dict, exits: np.ndarray, horizon: int,
               mixing: Mixing) -> tuple[np.ndarray, dict[str, dict[str, np.ndarray]]]:
    """(the chunk's exit months, per situation and category the in-horizon flows summed as an array exit
    month × months since exit: row g, column t is calendar month exit_months[g] + t)."""
    n = len(exits)
    exit_months, groups = np.unique(exits, return_inverse=True)
    sums: dict[str, dict[str, np.ndarray]] = {}
    for out in outs:
        for target, part, weight in _targets(out, mixing, n):
            bins = _Bins(part.seg, exits, groups, horizon, len(exit_months))
            into = sums.setdefault(target, {})
            for cid in cats:  # in the categories' fixed order
                a = part.flows.get(cid)
                if a is None:
                    continue
                total = bins.sums(a if weight is None else a * weight)
                into[cid] = into[cid] + total if cid in into else total
    if mixing.dropoff > 0 and "after" in sums:
        s = survival(mixing.dropoff, horizon)[None, :]
        after, before = sums["after"], sums.get("before", {})
        for cid in [c for c in cats if c in after or c in before]:
            after[cid] = s * after.get(cid, 0.0) + (1 - s) * before.get(cid, 0.0)
    return exit_months, sums


def first_year(outs: list[SituationFlows], cats: dict, exits: np.ndarray, horizon: int, weight: np.ndarray,
               mixing: Mixing) -> np.ndarray:
    """Each participant's first-year effect per actor (participants × ACTORS): after − before over its
    first 12 months (or the horizon), each month weighted (fixed prices) and by the drop-off's S(t).
    Per category after − before first, so that identical situations give exactly 0."""
    n = len(exits)
    k = min(12, horizon)
    factors = []
    for sit in outs:
        sign = {"after": 1.0, "after_fallback": 1.0, "before": -1.0}.get(sit.name)
        if sign is None:
            continue
        seg = sit.seg
        exit = exits[seg.row]
        factor = sign * weight[seg.start] * _survival_sum(mixing.dropoff, np.clip(seg.start - exit, 0, k), np.clip(seg.end - exit, 0, k))
        _, mix = _mix_weight(sit, mixing, n)
        if mix is not None:
            factor = factor * mix
        if sit.name == "before" and mixing.after_is_before is not None:  # after − before is 0: neither is counted
            factor = factor * ~mixing.after_is_before[seg.row]
        counted = np.flatnonzero(np.clip(seg.end - exit, 0, k) > np.clip(seg.start - exit, 0, k))  # the segments in the first year
        factors.append((sit, counted, seg.row[counted], factor[counted]))
    out = np.zeros((n, len(ACTORS)))
    for cid, c in cats.items():  # in the categories' fixed order: the per-participant sums do not depend on the chunk
        total = None
        for sit, counted, row, factor in factors:
            a = sit.flows.get(cid)
            if a is not None:
                part = np.bincount(row, a[counted] * factor, minlength=n)
                total = part if total is None else total + part
        if total is None:
            continue
        for j, actor in enumerate(ACTORS):
            w = c.sign(actor)
            if w:
                out[:, j] += w * total
    return out


def months(parts: list[SituationFlows], n_rows: int, m_count: int) -> dict[str, np.ndarray]:
    """A situation's flows per participant-month (its participants × the chunk's months), from its
    segments (the first part tiles its months) and its changes in some months (the other parts)."""
    base = parts[0]
    out = {cid: np.repeat(a, base.seg.length).reshape(n_rows, m_count) for cid, a in base.flows.items()}
    for part in parts[1:]:
        seg = part.seg
        local = seg.row if part.rows is None else np.searchsorted(part.rows, seg.row)
        cell = np.repeat(local * m_count + seg.start - np.cumsum(seg.length) + seg.length, seg.length) + np.arange(seg.length.sum())
        for cid, a in part.flows.items():
            target = out.setdefault(cid, np.zeros((n_rows, m_count))).reshape(-1)
            np.add.at(target, cell, np.repeat(a, seg.length))
    return out


def ledger(outs: list[SituationFlows], n: int, m_count: int, exits: np.ndarray, mixing: Mixing) -> dict[str, dict[str, np.ndarray]]:
    """Every situation's flows per participant-month, the after situation mixed with the fall-back
    (keep_p) and the drop-off month by month."""
    names = list(dict.fromkeys(o.name for o in outs))
    flows = {}
    for name in names:
        parts = [o for o in outs if o.name == name]
        flows[name] = months(parts, n if parts[0].rows is None else len(parts[0].rows), m_count)
    fallback = flows.pop("after_fallback", None)
    after = flows["after"]
    zeros = np.zeros((n, m_count))
    if fallback is not None:
        # only the participants whose job ends are mixed: the others' after situation stays exactly as computed
        rows, keep_p = mixing.rows, mixing.keep_p
        for cat in set(after) | set(fallback):
            a = after[cat] if cat in after else np.zeros((n, m_count))
            f = fallback.get(cat)
            a[rows] = keep_p * a[rows] + (1 - keep_p) * (f if f is not None else 0.0)
            after[cat] = a
    d = mixing.dropoff
    if d > 0:
        since_exit = np.maximum(0, np.arange(m_count)[None, :] - exits[:, None])
        s = (1 - d) ** since_exit
        before = flows["before"]
        for cat in set(after) | set(before):
            after[cat] = s * after.get(cat, zeros) + (1 - s) * before.get(cat, zeros)
    return flows
