"""The rich console summary. Amounts are written with no-break spaces (i18n.sek) and their columns
never wrap; sentences wrap at ordinary spaces only (print_text), so no number or 'kr' is split
between lines."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.table import Table

from ..actors import PUBLIC
from ..analysis import Analysis
from ..display import plain, shown
from .charts import chart_paths
from .labels import labels


def figures_table(title: str, headers: Sequence[str], rows: Sequence[Sequence[str]], styles: Sequence[str | None] | None = None) -> Table:
    """A table of a label column and figure columns: a figure never wraps (its column is no_wrap) and
    each figure column's header is broken over lines to its widest figure, so that the table fits
    a narrow terminal by wrapping words in the labels and headers, never inside a number."""
    table = Table(title=title, title_justify="left")
    table.add_column(headers[0], overflow="fold")
    for j, header in enumerate(headers[1:], start=1):
        widest = max([len(str(r[j])) for r in rows] + [max((len(w) for w in header.split()), default=1)])
        table.add_column("\n".join(textwrap.wrap(header, widest, break_long_words=False)) or header, justify="right", no_wrap=True)
    for k, r in enumerate(rows):
        table.add_row(*r, style=styles[k] if styles else None)
    return table


def print_text(console: Console, text: str, first: str = "", rest: str | None = None) -> None:
    """`text` wrapped to the console's width at ordinary spaces only (a number's no-break spaces hold
    it together; rich would break at them too), the first line after `first`, the others after `rest`
    (default: as many spaces); printed as it is (no markup)."""
    rest = " " * len(first) if rest is None else rest
    width = max(20, console.width - 1)
    lines = textwrap.wrap(text, width, initial_indent=first, subsequent_indent=rest, break_long_words=False, break_on_hyphens=False) or [first]
    for line in lines:
        console.print(line, markup=False, highlight=False, soft_wrap=True)


def render(a: Analysis, console: Console, out_path: str | None, lang: str = "sv", files: Sequence[str] = ()) -> None:
    L = labels(lang)
    m = a.meta
    console.print(f"[bold]nyttokalk {m['version']}[/] · scenario [bold]{shown(m['scenario']['name'])}[/] ({shown(m['scenario']['title'])})")
    print_text(console, L.summary_line(m))
    prices = m.get("prices")
    if prices:
        print_text(console, L.prices(prices))
    # with deadweight, the naive before/after result beside the adjusted one
    naive = a.naive_differs
    keys = ["console.per_participant_month", "console.first_year"] + (["console.first_year_naive"] if naive else [])
    rows = []
    for actor in a.actors:
        pb = a.payback.get(actor, {})
        cells = [L.sek(a.per_participant_month.get(actor)), L.sek(a.first_year[actor])]
        if naive:
            cells.append(L.sek(a.first_year_naive[actor]))
        rows.append([L[actor], *cells, L.payback(pb, "simple"), L.payback(pb, "discounted")])
    headers = [L["actor"]] + [L[k] for k in keys + ["console.simple", "console.discounted"]]
    console.print(figures_table(L["summary.title"], headers, rows, ["bold" if x == PUBLIC else None for x in a.actors]))
    _equalisation(a, console, L)
    _society(a, console, L)
    print_text(console, L.cost_line(m))
    if a.warnings:
        console.print(f"[bold yellow]{L['warnings']}[/]")
        for w in a.warnings:
            print_text(console, plain(w, 2000), "  • ")
    console.print(f"[bold]{L['assumptions']}[/]")
    for x in a.assumptions:
        print_text(console, plain(x, 2000), "  • ")
    if out_path:
        console.print(f"{L['workbook']}: [bold]{shown(out_path)}[/]")
        files = [str(p) for p in chart_paths(Path(out_path)).values() if p.exists()] + list(files)
    if files:
        print_text(console, f"{L['files']}: " + ", ".join(plain(f) for f in files))


def _equalisation(a: Analysis, console: Console, L) -> None:
    """The kommun's and the region's first year before and after kommunalekonomisk utjämning."""
    before = a.first_year_before_equalisation
    if not before or all(abs(before[x] - a.first_year[x]) < 0.005 for x in ("kommun", "region")):
        print_text(console, L["equalisation.off"])
        return
    rows = [[L[actor], L.sek(before[actor]), L.sek(a.first_year[actor])] for actor in ("kommun", "region", "ovriga_kommuner")]
    console.print(figures_table(L["equalisation.title"], [L["actor"], L["equalisation.before"], L["equalisation.after"]], rows))


def _society(a: Analysis, console: Console, L) -> None:
    """Samhällsekonomi: its parts over the first year and the horizon."""
    if not a.society:
        return
    periods = list(a.society)
    parts = ("production", "resources", "displacement", "total", "project_cost", "total_after_project_cost")
    rows = [[L[f"society.{part}"], *[L.sek(a.society[p][part]) if part in a.society[p] else "" for p in periods]] for part in parts]
    headers = [L["society.part"]] + [L[f"society.{p}"] for p in periods]
    console.print(figures_table(L["society.title"], headers, rows, ["bold" if part.startswith("total") else None for part in parts]))
