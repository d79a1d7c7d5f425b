"""Command line: parse, call, render. Exit 0 on success, 2 on bad input, 1 on an internal error."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console

from .errors import InputError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="nyttokalk: who gains and who pays when participants move from benefits to work or studies.",
)
err = Console(stderr=True)


def _show_input_error(exc: InputError) -> None:
    """One line per problem (file, row or line, column, value, problem): easy to read and to copy."""
    err.print(f"[bold red]Fel:[/] {exc.summary}", soft_wrap=True, highlight=False)
    for p in exc.problems[:20]:
        err.print(f"  • {p}", soft_wrap=True, markup=False, highlight=False)
    if len(exc.problems) > 20:
        err.print(f"  … and {len(exc.problems) - 20} more problems.", soft_wrap=True)


def _guarded(fn):
    """Run a command: input errors → exit 2 with a table; anything else → exit 1 without a traceback."""
    try:
        fn()
    except InputError as exc:
        _show_input_error(exc)
        raise typer.Exit(2)
    except typer.Exit:
        raise
    except KeyboardInterrupt:
        err.print("Avbrutet; inga filer har skrivits halvfärdiga.")
        raise typer.Exit(130)
    except Exception as exc:  # an internal error: a bug, not the user's input
        if os.environ.get("NYTTOKALK_DEBUG"):
            raise
        err.print(f"[bold red]Internt fel:[/] {type(exc).__name__}: {exc}\n"
                  "Detta är ett fel i nyttokalk, inte i indata. Kör med NYTTOKALK_DEBUG=1 för detaljer och rapportera det.")
        raise typer.Exit(1)


@app.command()
def run(
    participants: Annotated[Optional[Path], typer.Argument(help="Participant CSV. Without it: the scenario's own participant file.")] = None,
    scenario: Annotated[str, typer.Option("--scenario", "-s", help="Bundled scenario name or path to a scenario YAML (or its folder).")] = "example",
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Excel workbook to write. Default: nyttokalk-<scenario>.xlsx here (not written with --json unless given).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as one JSON object on stdout, for scripts.")] = False,
) -> None:
    """Compute per-actor effects and payback for a participant file under a scenario."""

    def go():
        from .analysis import analyse
        from .engine import run_engine
        from .participants import read_participants
        from .reports.console import render
        from .reports.excel import write_workbook
        from .scenario import load_scenario

        ls = load_scenario(scenario)
        path = participants or ls.participants_path
        if path is None:
            raise InputError(summary=f"scenario {ls.scenario.name} names no participant file; give one: nyttokalk run PARTICIPANTS.csv")
        p = read_participants(path)
        res = run_engine(p, ls)
        a = analyse(res, ls)
        written = None
        if out is not None or not as_json:
            written = write_workbook(a, res, out or Path(f"nyttokalk-{ls.scenario.name}.xlsx"))
        if as_json:
            doc = a.to_json()
            doc["meta"]["workbook"] = str(written) if written else None
            sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
        else:
            render(a, Console(), str(written))

    _guarded(go)


@app.command()
def version() -> None:
    """Print the program version."""
    from . import __version__

    typer.echo(__version__)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
