"""The rich console summary."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from ..analysis import ALL, Analysis
from .labels import ACTOR_LABELS, months, sek


def _payback(pb: dict, kind: str) -> str:
    if pb["cost"] is None:
        return "–"
    if pb["cost"] == 0:
        return "ingen kostnad"
    return months(pb[kind])


def render(a: Analysis, console: Console, out_path: str | None) -> None:
    m = a.meta
    rules = ", ".join(m["rules"])
    console.print(
        f"[bold]nyttokalk {m['version']}[/] · scenario [bold]{m['scenario']['name']}[/] ({m['scenario']['title']})\n"
        f"{m['participants']} deltagare · första övergång {m['first_month']} · horisont {m['horizon_months']} mån · regelår {rules}"
    )
    table = Table(title="Effekt (efter − före) per aktör", title_justify="left")
    table.add_column("Aktör")
    table.add_column("Per deltagare och månad", justify="right")
    table.add_column("Första året, alla deltagare", justify="right")
    table.add_column("Återbetalning", justify="right")
    table.add_column("Diskonterad", justify="right")
    for actor in ALL:
        pb = a.payback[actor]
        style = "bold" if actor == "offentlig_sektor" else None
        table.add_row(
            ACTOR_LABELS[actor],
            sek(a.per_participant_month[actor]),
            sek(a.first_year[actor]),
            _payback(pb, "simple"),
            _payback(pb, "discounted"),
            style=style,
        )
    console.print(table)
    console.print(f"Projektkostnad {sek(m['project_cost'])}; diskonteringsränta {m['discount_rate_percent']:g} %.")
    if a.warnings:
        console.print("[bold yellow]Varningar[/]")
        for w in a.warnings:
            console.print(f"  • {w}", markup=False)
    console.print("[bold]Antaganden[/]")
    for x in a.assumptions:
        console.print(f"  • {x}", markup=False)
    if out_path:
        console.print(f"Arbetsbok: [bold]{out_path}[/]")
