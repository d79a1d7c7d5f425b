"""The rich console summary."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.table import Table

from ..actors import PUBLIC
from ..analysis import Analysis
from ..display import plain, shown
from .charts import chart_paths
from .labels import labels


def render(a: Analysis, console: Console, out_path: str | None, lang: str = "sv", files: Sequence[str] = ()) -> None:
    L = labels(lang)
    m = a.meta
    rules = ", ".join(m["rules"])
    console.print(f"[bold]nyttokalk {m['version']}[/] · scenario [bold]{shown(m['scenario']['name'])}[/] ({shown(m['scenario']['title'])})")
    console.print(L["summary.line"].format(participants=m["participants"], first_month=m["first_month"],
                                           horizon=m["horizon_months"], rules=rules))
    prices = m.get("prices")
    if prices:
        console.print(L.prices(prices), markup=False)
    table = Table(title=L["summary.title"], title_justify="left")
    # with deadweight, the naive before/after result beside the adjusted one
    naive = a.naive_differs
    table.add_column(L["actor"])
    keys = ["console.per_participant_month", "console.first_year"] + (["console.first_year_naive"] if naive else [])
    for key in keys + ["console.simple", "console.discounted"]:
        table.add_column(L[key], justify="right")
    for actor in a.actors:
        pb = a.payback.get(actor, {})
        style = "bold" if actor == PUBLIC else None
        cells = [L.sek(a.per_participant_month.get(actor)), L.sek(a.first_year[actor])]
        if naive:
            cells.append(L.sek(a.first_year_naive[actor]))
        table.add_row(L[actor], *cells, L.payback(pb, "simple"), L.payback(pb, "discounted"), style=style)
    console.print(table)
    _equalisation(a, console, L)
    _society(a, console, L)
    console.print(L["summary.cost"].format(cost=L.sek(m["project_cost"]), rate=f"{m['discount_rate_percent']:g}"))
    if a.warnings:
        console.print(f"[bold yellow]{L['warnings']}[/]")
        for w in a.warnings:
            console.print(f"  • {plain(w, 2000)}", markup=False)
    console.print(f"[bold]{L['assumptions']}[/]")
    for x in a.assumptions:
        console.print(f"  • {plain(x, 2000)}", markup=False)
    if out_path:
        console.print(f"{L['workbook']}: [bold]{shown(out_path)}[/]")
        files = [str(p) for p in chart_paths(Path(out_path)).values() if p.exists()] + list(files)
    if files:
        console.print(f"{L['files']}: " + ", ".join(plain(f) for f in files), markup=False)


def _equalisation(a: Analysis, console: Console, L) -> None:
    """The kommun's and the region's first year before and after kommunalekonomisk utjämning."""
    before = a.first_year_before_equalisation
    if not before or all(abs(before[x] - a.first_year[x]) < 0.005 for x in ("kommun", "region")):
        console.print(L["equalisation.off"])
        return
    table = Table(title=L["equalisation.title"], title_justify="left")
    table.add_column(L["actor"])
    table.add_column(L["equalisation.before"], justify="right")
    table.add_column(L["equalisation.after"], justify="right")
    for actor in ("kommun", "region", "ovriga_kommuner"):
        table.add_row(L[actor], L.sek(before[actor]), L.sek(a.first_year[actor]))
    console.print(table)


def _society(a: Analysis, console: Console, L) -> None:
    """Samhällsekonomi: its parts over the first year and the horizon."""
    if not a.society:
        return
    table = Table(title=L["society.title"], title_justify="left")
    table.add_column(L["society.part"])
    periods = list(a.society)
    for period in periods:
        table.add_column(L[f"society.{period}"], justify="right")
    for part in ("production", "resources", "displacement", "total", "project_cost", "total_after_project_cost"):
        style = "bold" if part.startswith("total") else None
        table.add_row(L[f"society.{part}"], *[L.sek(a.society[p][part]) if part in a.society[p] else "" for p in periods], style=style)
    console.print(table)
