"""Fixed prices (docs/method.md 6.7): the wage index that carries a wage from the exit month into
later years, and the consumer price index (KPI) that expresses every flow in the prices of one
base year. Both from rules/indices.yaml (`wage_growth`, `kpi`), each year with its own status;
years after a series' last use its projected annual change.

A month's *price year* is its calendar year, or under `period.rules_date` (every month computed
with one date's rules: a static calculation) the year of that date for every month: wages are then
not indexed and the flows need no deflation among themselves.

The engine's sums stay nominal; the analysis deflates them per calendar month (`deflator`). The
per-participant first-year effects are summed in the engine, so the engine weighs each month by
`engine_weight` (1 / KPI of its price year in fixed prices) and the analysis multiplies by the base
year's KPI (`row_scale`): every figure is then in the same prices whatever the base year.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..ruleset.schema import PriceSeries

DOUBTFUL = ("unknown",)  # statuses that make a run warn when a price level uses them


def series_at(series: PriceSeries, year: int) -> tuple[float, str]:
    """(value, status) of a series for a year: its own, or after the last year the projected change."""
    if year in series.values:
        point = series.values[year]
        return point.value, point.status
    last = max(series.values)
    if year < min(series.values):
        raise ValueError(f"no value for {year}: the series starts in {min(series.values)}")
    return series.values[last].value, series.projected_status  # a change, or the level carried (kpi: see kpi_at)


def kpi_at(series: PriceSeries, year: int) -> tuple[float, str]:
    """KPI's annual mean for a year; after the last year the last one raised by the projected change a year."""
    if year in series.values or year < min(series.values):
        return series_at(series, year)
    last = max(series.values)
    return series.values[last].value * (1 + series.projected_annual_change / 100) ** (year - last), series.projected_status


def wage_level(series: PriceSeries, year: int) -> tuple[float, str]:
    """The wage level of a year relative to the series' first year (1.0): the product of the growth
    of each later year up to this one (the projected change after the last year)."""
    first = min(series.values)
    level, status = 1.0, series.values[first].status
    for y in range(first + 1, year + 1):
        growth = series.values[y].value if y in series.values else series.projected_annual_change
        level *= 1 + growth / 100
        status = series.values[y].status if y in series.values else series.projected_status
    return level, status


@dataclass
class PriceIndex:
    """The price levels a run used: per price year KPI and wage level with their status."""

    mode: str  # fixed | nominal
    fixed_year: int | None  # period.rules_date's year: every month's price year; None: each month's calendar year
    kpi: dict[int, float] = field(default_factory=dict)
    kpi_status: dict[int, str] = field(default_factory=dict)
    wages: dict[int, float] = field(default_factory=dict)
    wage_status: dict[int, str] = field(default_factory=dict)

    @classmethod
    def build(cls, indices, scenario, years: list[int]) -> "PriceIndex":
        rules_date = scenario.period.rules_date
        out = cls(scenario.prices.mode, None if rules_date is None else rules_date.year)
        wanted = set(years) | ({scenario.prices.base_year} if scenario.prices.base_year else set())
        if out.fixed_year is not None:
            wanted.add(out.fixed_year)
        for y in sorted(wanted):
            out.kpi[y], out.kpi_status[y] = kpi_at(indices.kpi, y)
            out.wages[y], out.wage_status[y] = wage_level(indices.wage_growth, y)
        return out

    def merge(self, other: "PriceIndex") -> None:
        """Another part's years added (a dataset's files)."""
        for attr in ("kpi", "kpi_status", "wages", "wage_status"):
            getattr(self, attr).update(getattr(other, attr))

    def price_year(self, calendar_years: np.ndarray) -> np.ndarray:
        return np.full(len(calendar_years), self.fixed_year) if self.fixed_year is not None else np.asarray(calendar_years, dtype=int)

    def wage_levels(self, calendar_years: np.ndarray) -> np.ndarray:
        """Per month: the wage level of its price year."""
        return np.array([self.wages[int(y)] for y in self.price_year(calendar_years)])

    def engine_weight(self, calendar_years: np.ndarray) -> np.ndarray:
        """Per month: 1 / KPI of its price year in fixed prices, 1 in nominal prices."""
        if self.mode == "nominal":
            return np.ones(len(calendar_years))
        return np.array([1.0 / self.kpi[int(y)] for y in self.price_year(calendar_years)])

    def base_year(self, scenario, first_exit_year: int) -> int:
        return scenario.prices.base_year or first_exit_year

    def row_scale(self, base_year: int) -> float:
        """What turns engine_weight-weighted sums into the base year's prices."""
        return 1.0 if self.mode == "nominal" else self.kpi[base_year]

    def deflator(self, calendar_years: np.ndarray, base_year: int) -> np.ndarray:
        """Per month: KPI(base year) / KPI(its price year) in fixed prices; 1 in nominal prices."""
        return self.engine_weight(calendar_years) * self.row_scale(base_year)

    def label(self, base_year: int, language: str = "sv") -> str:
        if self.mode == "nominal":
            return "löpande priser" if language == "sv" else "current prices"
        return f"fasta priser, år {base_year}" if language == "sv" else f"fixed prices, year {base_year}"

    def doubtful(self, years: list[int]) -> list[int]:
        """The years among these whose KPI has a doubtful status (unknown)."""
        return [y for y in sorted(set(years)) if self.kpi_status.get(y) in DOUBTFUL]
