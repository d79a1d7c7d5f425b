"""The cumulative chart of a result as inline SVG, drawn from `Result.monthly` and `Result.payback`:
per actor the cumulative effect from the first transition month less the actor's share of the
project cost (the workbook's 'kumulativt netto', reports/excel.cumulative_net), with ◆ where the
actor is paid back. No matplotlib round trip: a few polylines, so the page stays fast.

Every text in the SVG goes through Jinja's autoescape (templates/chart.svg.html)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..actors import PUBLIC
from ..i18n import number

WIDTH, HEIGHT = 760, 340
LEFT, RIGHT, TOP, BOTTOM = 92, 16, 16, 56  # margins for the axes' labels
# a colour-blind-safe palette (Okabe–Ito), one per actor in order; more actors cycle
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#000000", "#56B4E9", "#F0E442")


@dataclass(frozen=True)
class Line:
    actor: str
    label: str
    colour: str
    width: float
    points: str  # "x,y x,y …" for <polyline>
    marker: tuple[float, float] | None  # where the actor is paid back
    marker_text: str


@dataclass(frozen=True)
class Tick:
    pos: float
    text: str


@dataclass(frozen=True)
class Chart:
    title: str
    lines: list[Line]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    zero: float | None
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    top: int = TOP
    bottom: int = HEIGHT - BOTTOM


def _nice_step(span: float, count: int = 5) -> float:
    raw = span / max(count, 1)
    if raw <= 0:
        return 1.0
    mag = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if raw <= m * mag:
            return m * mag
    return 10 * mag


def _kr(x: float, lang: str | None = None) -> str:
    return number(x, 0, lang)


def cumulative(result, actors: list[str]) -> dict[str, list[float]]:
    """Actor → cumulative effect by month less its cost share (0 when it has none)."""
    out = {}
    for a in actors:
        pb = result.payback.get(a)
        cost = (pb.cost if pb is not None else None) or 0.0
        total, series = 0.0, []
        for v in result.monthly[a].to_numpy(dtype=float):
            total += float(v)
            series.append(total - cost)
        out[a] = series
    return out


def chart(result, actors: list[str], L, title: str) -> Chart:
    """The chart's geometry for the actors (in order), labelled with L (reports.labels)."""
    months = [str(m) for m in result.monthly.index]
    series = cumulative(result, actors)
    values = [v for s in series.values() for v in s] or [0.0]
    lo, hi = min(min(values), 0.0), max(max(values), 0.0)
    step = _nice_step(hi - lo or 1.0)
    lo, hi = math.floor(lo / step) * step, math.ceil(hi / step) * step
    if hi == lo:
        hi = lo + step
    n = max(len(months), 2)
    x0, x1, y0, y1 = LEFT, WIDTH - RIGHT, HEIGHT - BOTTOM, TOP

    def x(i: int) -> float:
        return round(x0 + (x1 - x0) * i / (n - 1), 1)

    def y(v: float) -> float:
        return round(y0 - (y0 - y1) * (v - lo) / (hi - lo), 1)

    lines = []
    for k, a in enumerate(actors):
        s = series[a]
        pb = result.payback.get(a)
        month = pb.simple if pb is not None and pb.cost and pb.simple is not None else None
        marker = (x(month - 1), y(s[month - 1])) if month is not None and 1 <= month <= len(s) else None
        lines.append(Line(a, L[a], COLOURS[k % len(COLOURS)], 3.0 if a == PUBLIC else 1.6,
                          " ".join(f"{x(i)},{y(v)}" for i, v in enumerate(s)), marker,
                          L["payback_marker"].format(actor=L[a], months=month) if marker else ""))
    every = max(1, math.ceil(len(months) / 12))
    x_ticks = [Tick(x(i), months[i]) for i in range(0, len(months), every)]
    count = int(round((hi - lo) / step))
    y_ticks = [Tick(y(lo + j * step), _kr(lo + j * step, L.lang)) for j in range(count + 1)]
    return Chart(title, lines, x_ticks, y_ticks, y(0.0) if lo <= 0 <= hi else None)
