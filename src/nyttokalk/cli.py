"""Command line: parse, call, render. Exit 0 on success, 2 on bad input, 1 on an internal error."""

import contextlib
import errno
import json
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from .display import plain, shown
from .errors import InputError, Problem
from .i18n import N_, _, ngettext, number, set_language

app = typer.Typer(
    no_args_is_help=True,
    rich_markup_mode=None,  # help texts are plain: "pip install 'nyttokalk[parquet]'" keeps its brackets
    help="nyttokalk: who gains and who pays when participants move from benefits to work or studies.",
)


def Console(*args, **kwargs):  # noqa: N802 - rich's Console, imported when a command first prints
    from rich.console import Console as RichConsole

    return RichConsole(*args, **kwargs)


class _Stderr:
    """rich's Console on stderr, made when first used: a run that prints nothing there (run --json)
    does not import rich (about 20 ms of a small run's start)."""

    def __init__(self) -> None:
        self._console = None

    def __getattr__(self, name: str):
        if self._console is None:
            self._console = Console(stderr=True)
        return getattr(self._console, name)


err = _Stderr()


def _version(value: bool) -> None:
    if value:
        from . import __version__

        typer.echo(f"nyttokalk {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the program version and exit.")] = False,
) -> None:
    """nyttokalk: who gains and who pays when participants move from benefits to work or studies."""


SHOWN_PROBLEMS = 20
LANG_HELP = "Language of every text (messages, assumptions, labels, workbook): sv (Swedish, default) or en; also NYTTOKALK_LANG."
Lang = Annotated[str, typer.Option("--lang", envvar="NYTTOKALK_LANG", help=LANG_HELP)]


def write_error_csv(exc: InputError, folder: Path) -> Path | None:
    """All problems (the scenario's too) in <input>.errors.csv in `folder` (the folder of --out, else the current
    folder: never beside the input, which may be somewhere the run must not write): personnummer
    masked, formula-safe, written atomically."""
    import pandas as pd

    from .outputs import safe_name
    from .privacy import mask
    from .reports.files import write_csv

    files = {p.file for p in exc.problems if not p.file.endswith((".yaml", ".yml"))}  # named after the participant file
    if len(files) != 1:
        return None
    source = Path(files.pop())
    if not source.is_file():
        return None
    rows = [(p.file, p.row if p.row is not None else p.line, p.column, p.value, p.problem) for p in exc.problems]
    table = pd.DataFrame([[mask("" if x is None else str(x)) for x in r] for r in rows],
                         columns=["file", "row", "column", "value", "problem"])
    target = Path(folder) / (safe_name(mask(source.stem), "deltagare") + ".errors.csv")
    try:
        if target.exists() and source.exists() and target.samefile(source):
            return None
        write_csv(table, target)
    except OSError:
        return None
    return target


def _show_input_error(exc: InputError, folder: Path) -> None:
    """One line per problem (file, row or line, column, value, problem): easy to read and to copy.
    The first 20 on screen; with more, all of them in an error CSV (write_error_csv)."""
    from .display import plain, shown

    err.print("[bold red]" + _("Error:") + f"[/] {shown(exc.summary)}", soft_wrap=True, highlight=False)
    exc.problems.sort(key=lambda p: (p.file, p.row if p.row is not None else (p.line or 0), p.column or ""))
    for p in exc.problems[:SHOWN_PROBLEMS]:
        err.print(f"  • {plain(p, 1000)}", soft_wrap=True, markup=False, highlight=False)
    if len(exc.problems) > SHOWN_PROBLEMS:
        written = write_error_csv(exc, folder)
        more = len(exc.problems) - SHOWN_PROBLEMS
        where = "; " + _("all {n} are in {file}").format(n=len(exc.problems), file=plain(written)) if written else ""
        err.print("  … " + ngettext("and {n} more problem", "and {n} more problems", more).format(n=more) + where + ".",
                  soft_wrap=True, markup=False, highlight=False)


ENVIRONMENT_HINTS = {
    errno.ENOSPC: N_("the disk is full"),
    errno.EACCES: N_("no permission"),
    errno.EPERM: N_("not permitted"),
    errno.EROFS: N_("the file system is read-only"),
    errno.ENOENT: N_("no such file or folder"),
    errno.EISDIR: N_("is a folder"),
    errno.ENOTDIR: N_("a part of the path is not a folder"),
    errno.EDQUOT: N_("the disk quota is exceeded"),
}


def environment_error(exc: OSError) -> InputError:
    """An operating-system error (permissions, a missing folder, a full disk) as a problem a user can act on."""
    where = exc.filename if exc.filename is not None else _("(file system)")
    why = _(ENVIRONMENT_HINTS[exc.errno]) if exc.errno in ENVIRONMENT_HINTS else exc.strerror or type(exc).__name__
    return InputError([Problem(str(where), _("cannot read or write: {why}").format(why=why))], _("a file could not be read or written"))


def _guarded(fn, folder: Path | None = None, lang: str | None = None):
    """Run a command in the language `lang` (--lang; every message, also the errors below, in it):
    bad input or a bad environment (permissions, missing folders, a full disk) → exit 2 with the
    place; Ctrl-C → 130 and SIGTERM → 143, leaving nothing half-written; anything else is a bug →
    exit 1 without a traceback. `folder`: where an error CSV may be written."""
    from .i18n import restored

    with restored():
        _run_guarded(fn, folder, lang)


def _run_guarded(fn, folder: Path | None, lang: str | None) -> None:
    from .outputs import Terminated, on_sigterm

    _resume_gc()
    on_sigterm()
    try:
        set_language(lang)  # an unknown language is an InputError, shown in the default language
        fn()
    except InputError as exc:
        _show_input_error(exc, folder or Path("."))
        raise typer.Exit(2)
    except typer.Exit:
        raise
    except OSError as exc:
        if os.environ.get("NYTTOKALK_DEBUG"):
            raise
        _show_input_error(environment_error(exc), folder or Path("."))
        raise typer.Exit(2)
    except KeyboardInterrupt:
        err.print(_("Interrupted; no file has been left half-written."))
        raise typer.Exit(130)
    except Terminated:
        err.print(_("Interrupted (SIGTERM); no file has been left half-written."))
        raise typer.Exit(143)
    except Exception as exc:  # an internal error: a bug, not the user's input
        if os.environ.get("NYTTOKALK_DEBUG"):
            raise
        err.print("[bold red]" + _("Internal error:") + f"[/] {type(exc).__name__}: {shown(exc, 1000)}\n"
                  + _("This is a fault in nyttokalk, not in the input. Run with NYTTOKALK_DEBUG=1 for the details and report it."))
        raise typer.Exit(1)


@contextlib.contextmanager
def _progress(show: bool, label: str | None = None, unit: str | None = N_("participants")):
    """A progress bar on stderr, only on a terminal and never with --json; yields a callback
    update(done, total). The bar appears at the first call with done < total, so a job that is
    done in one step (a single chunk) shows nothing."""
    if not show or not err.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    label = _("Computing") if label is None else label
    unit = _(unit) if unit else unit
    columns = [TextColumn(label), BarColumn(), MofNCompleteColumn()] + ([TextColumn(unit)] if unit else []) + [TimeRemainingColumn()]
    bar = Progress(*columns, console=err, transient=True)
    task = None

    def update(done: int, total: int) -> None:
        nonlocal task
        if task is None:
            if done >= total:
                return
            bar.start()
            task = bar.add_task(label, total=total)
        bar.update(task, completed=done)

    try:
        yield update
    finally:
        bar.stop()


ID_KEY_HELP = "Key for the pseudonyms of personnummer ids (the same key gives the same pseudonyms). Default: a new random key per run."
SHEET_HELP = "The sheet of an .xlsx participant file to read. Default: the first visible sheet."
KEEP_IDS_HELP = "Keep ids that look like personnummer in the outputs (they are personal data)."


@app.command()
def run(
    participants: Annotated[Optional[Path], typer.Argument(help="Participant file (CSV, XLSX or Parquet), or a folder of them (a partitioned dataset, computed part by part). Without it: the scenario's own participant file.")] = None,
    scenario: Annotated[str, typer.Option("--scenario", "-s", help="Bundled scenario name or path to a scenario YAML (or its folder).")] = "example",
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Excel workbook to write. Default: nyttokalk-<scenario>.xlsx here (not written with --json unless given).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as one JSON object on stdout, for scripts; messages go to stderr.")] = False,
    id_key: Annotated[Optional[str], typer.Option("--id-key", help=ID_KEY_HELP, envvar="NYTTOKALK_ID_KEY")] = None,
    keep_ids: Annotated[bool, typer.Option("--keep-ids", help=KEEP_IDS_HELP)] = False,
    lang: Lang = "sv",
    formats: Annotated[Optional[list[str]], typer.Option("--format", help="Also write the results as tables beside the workbook: <out>-flows, -participants, -per-year and -monthly, as csv, json or parquet (parquet: pip install 'nyttokalk[parquet]'). Repeatable.")] = None,
    dialect: Annotated[str, typer.Option("--dialect", help="CSV for --format csv: sv (semicolon, decimal comma, UTF-8 with BOM: opens in a Swedish Excel) or plain (comma, decimal point, UTF-8: for scripts).")] = "sv",
    charts: Annotated[bool, typer.Option("--charts", help="Also write the cumulative chart as PNG and SVG beside the workbook, named after it.")] = False,
    chunk_size: Annotated[Optional[int], typer.Option("--chunk-size", min=1, help="Participants computed at a time (memory grows with it; results do not change). Default: about 1 400 000 participant-months per chunk (some 19 000 participants over five years).")] = None,
    workers: Annotated[Optional[int], typer.Option("--workers", min=1, help="Processes computing chunks in parallel (default: every CPU available to this program; results do not change).")] = None,
    use_dask: Annotated[bool, typer.Option("--dask", help="With a folder of participant files: compute the files in parallel with Dask (pip install 'nyttokalk[dask]').")] = False,
    dask_scheduler: Annotated[Optional[str], typer.Option("--dask-scheduler", help="Dask scheduler: processes (default), threads, synchronous, or a dask.distributed address tcp://host:port.")] = None,
    sheet: Annotated[Optional[str], typer.Option("--sheet", help=SHEET_HELP)] = None,
) -> None:
    """Compute per-actor effects and payback for a participant file under a scenario."""

    from .analysis import analyse  # before _guarded, which resumes the garbage collector (main)
    from .outputs import OutputSet
    from .reports.tabular import check_formats, write_tables
    from .runner import Options, compute, source
    from .scenario import load_scenario

    def go():
        check_formats(formats or [], dialect)
        ls = load_scenario(scenario)
        src = source(participants, ls)
        target, planned = _planned_outputs(out, ls, src, with_workbook=out is not None or not as_json, formats=formats or [], charts=charts)
        opts = Options(id_key=id_key, keep_ids=keep_ids, chunk_size=chunk_size, workers=workers, use_dask=use_dask, dask_scheduler=dask_scheduler,
                       sheet=sheet)
        with _progress(show=not as_json, unit=N_("files") if src.kind == "folder" else N_("participants")) as progress:
            res = compute(src, ls, opts=opts, progress=progress)
        if res.population.ids_look_like_personnummer:
            err.print("[yellow]" + _("Note:") + "[/] " + (_("the id column holds personnummer; they are kept in the outputs (--keep-ids).") if keep_ids
                                                 else _("the id column holds personnummer; the outputs carry keyed pseudonyms instead.")),
                      highlight=False)
        a = analyse(res, ls)
        written = None
        with OutputSet():  # every file of the run, or none
            if target in planned:
                from .reports.excel import write_workbook

                written = write_workbook(a, res, target, scenario=ls, lang=lang, charts=charts)
            tables = write_tables(a, target.with_suffix(""), formats, dialect) if formats else []
        if as_json:
            doc = a.to_json()
            doc["meta"]["workbook"] = str(written) if written else None
            sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
        else:
            from .reports.console import render

            render(a, Console(), str(written), lang=lang, files=[str(t) for t in tables])

    _guarded(go, out.parent if out is not None and str(out).strip() else None, lang)


def _inputs(ls, src=None) -> list[Path]:
    """Every file a run reads: the participants (file or folder), the scenario and its defaults,
    the rules (years, indices, municipal tables). No output may replace one of them."""
    from .paths import rules_dir, scenarios_dir

    found = [scenarios_dir() / "defaults.yaml"]
    if src is not None and src.path is not None:
        found.append(src.path)
    if ls.path.is_file():
        found.append(ls.path)
    rules = rules_dir()
    if rules.is_dir():
        found += sorted(rules.glob("*.yaml")) + sorted((rules / "municipalities").glob("*.csv"))
    return found


def _planned_outputs(out: Path | None, ls, src, *, with_workbook: bool, formats: list[str], charts: bool) -> tuple[Path, list[Path]]:
    """The workbook's path (--out, else nyttokalk-<scenario name as a safe file name>.xlsx here) and
    every file the run will write, each checked before anything is computed (outputs.check_target)."""
    from .outputs import check_target, safe_name
    from .reports.tabular import table_paths

    inputs = _inputs(ls, src)
    target = check_target(out, inputs) if out is not None else Path(f"nyttokalk-{safe_name(ls.scenario.name)}.xlsx")
    planned = [target] if with_workbook else []
    if with_workbook and charts:
        from .reports.charts import chart_paths

        planned += list(chart_paths(target).values())
    for fmt in dict.fromkeys(formats):
        planned += list(table_paths(target.with_suffix(""), fmt).values())
    for path in planned:
        check_target(path, inputs, "--out" if out is not None else _("output"))
    return target, planned


@app.command()
def validate(
    participants: Annotated[Optional[Path], typer.Argument(help="Participant file (CSV, XLSX or Parquet), or a folder of them. Without it: the scenario's own file.")] = None,
    scenario: Annotated[str, typer.Option("--scenario", "-s", help="Bundled scenario name or path to a scenario YAML.")] = "example",
    sheet: Annotated[Optional[str], typer.Option("--sheet", help=SHEET_HELP)] = None,
    lang: Lang = "sv",
) -> None:
    """Check a participant file (or a folder of them) and a scenario without computing: exit 0 when a run would start."""

    def go():
        from .notes import render as render_notes
        from .reports.console import print_text
        from .runner import Options, check, source
        from .scenario import load_scenario

        ls = load_scenario(scenario)
        src = source(participants, ls)
        checked = check(src, ls, opts=Options(sheet=sheet))  # a dataset's or long file's: every file or block checked
        if checked.personnummer:
            err.print("[yellow]" + _("Note:") + "[/] " + _("the id column holds personnummer; the outputs of a run carry keyed pseudonyms instead."),
                      highlight=False)
        notes = render_notes(checked.notes, checked.count)  # of all its rows, as a run states them
        console = Console()
        print_text(console, "✓ " + _("{source}: {participants}, scenario {scenario}: no problems found.").format(
            source=shown(src.name), participants=ngettext("{n} participant", "{n} participants", checked.count).format(n=number(checked.count)),
            scenario=shown(ls.scenario.name)))
        for n in notes:
            print_text(console, plain(n, 2000), "  • ")

    _guarded(go, lang=lang)


scenario_app = typer.Typer(no_args_is_help=True, help="Scenario files.")
app.add_typer(scenario_app, name="scenario")


@scenario_app.command("init")
def scenario_init(
    out: Annotated[Path, typer.Argument(help="Scenario file to write.")] = Path("scenario.yaml"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    lang: Lang = "sv",
) -> None:
    """Write a commented scenario template: every key, its default, and which are required."""

    def go():
        from .reports.files import write_text
        from .scenario import template

        if out.exists() and not force:
            raise InputError([Problem(file=str(out), problem=_("exists already; use --force to overwrite"))], _("file exists"))
        write_text(out, template())
        err.print(_("Wrote {file}. Fill in the keys marked REQUIRED, then: nyttokalk validate PARTICIPANTS.csv --scenario {file}").format(
            file=shown(out)), highlight=False)

    _guarded(go, lang=lang)


@app.command()
def tax(
    year: Annotated[int, typer.Option("--year", "-y", help="Income year (a year after the newest rules file uses projected rules).")],
    annual_income: Annotated[Optional[float], typer.Option("--annual-income", help="Annual income, kr.")] = None,
    monthly_income: Annotated[Optional[list[float]], typer.Option("--monthly-income", help="Monthly income, kr; may be given several times.")] = None,
    local_rate: Annotated[Optional[float], typer.Option("--local-rate", help="Kommunal + regional tax rate in percent, e.g. 32.38. Default: the national average of the rules.")] = None,
    municipality: Annotated[Optional[str], typer.Option("--municipality", help="Kommun name or kommunkod: its rates for the year (rules/municipalities/<year>.csv).")] = None,
    begravning: Annotated[Optional[float], typer.Option("--begravning", help="Begravningsavgift in percent. Default: the municipality's, or the uniform rate.")] = None,
    age: Annotated[Optional[int], typer.Option("--age", help="Age at the start of the year (decides the older persons' rules). Default: an adult under that age.")] = None,
    no_jsa: Annotated[bool, typer.Option("--no-jsa", help="Income that gives no jobbskatteavdrag (aktivitetsstöd, a-kassa, sjukpenning).")] = False,
    no_pension_fee: Annotated[bool, typer.Option("--no-pension-fee", help="Income that carries no allmän pensionsavgift (e.g. pension).")] = False,
    no_temporary_reduction: Annotated[bool, typer.Option("--no-temporary-reduction", help="Leave out 2022's tillfällig skattereduktion (lag 2021:930).")] = False,
    table: Annotated[Optional[int], typer.Option("--table", help="Skatteverket's withholding table number (with --column and --monthly-income).")] = None,
    column: Annotated[Optional[int], typer.Option("--column", help="Table column: 1, 2, 3, 5 or 6.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON on stdout: an object, or a list when --monthly-income is repeated.")] = False,
    lang: Lang = "sv",
) -> None:
    """Income tax for an income, every component; or a cell of Skatteverket's monthly table."""

    def go():
        from .commands.tax import TaxRequest, compute, render

        req = TaxRequest(year, annual_income, list(monthly_income or []), local_rate, begravning, municipality, age,
                         not no_jsa, not no_pension_fee, not no_temporary_reduction, table, column)
        results = compute(req)
        if as_json:
            doc = results[0] if len(results) == 1 else results
            sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
        else:
            render(results, Console())

    _guarded(go, lang=lang)


rules_app = typer.Typer(no_args_is_help=True, help="Look at, compare, check and draft rule years (rules/<year>.yaml).")
app.add_typer(rules_app, name="rules")


@rules_app.command("list")
def rules_list(lang: Lang = "sv") -> None:
    """The rule years, with how many leaves have each status."""

    def go():
        from rich.table import Table

        from .commands.rules import status_counts
        from .ruleset.loader import available_years, load_year

        years = available_years()
        if not years:
            raise InputError([], _("no rules/<year>.yaml files"))
        t = Table(title=_("Rule years"))
        for col in (_("Year"), _("File"), _("Municipalities"), _("Leaves per status")):
            t.add_column(col, overflow="fold")
        for y in years:
            ly = load_year(y)
            c = status_counts(ly.rules)
            t.add_row(str(y), ly.path.name, str(len(ly.municipalities)), ", ".join(f"{s} {n}" for s, n in sorted(c.items(), key=lambda kv: -kv[1])))
        Console().print(t)
        Console().print(_("Years after {year} use the rules of {year} uprated by rules/indices.yaml (projected).").format(year=years[-1]),
                        highlight=False)

    _guarded(go, lang=lang)


@rules_app.command("show")
def rules_show(
    path: Annotated[str, typer.Argument(help="Dotted key path, e.g. transfers.aktivitetsstod or income_tax.jobbskatteavdrag.schedule; empty for all.")] = "",
    year: Annotated[Optional[int], typer.Option("--year", "-y", help="Rule year (default: the newest; later years are projected).")] = None,
    lang: Lang = "sv",
) -> None:
    """Every rule at or below a key path: value(s), unit, status and reference."""

    def go():
        from rich.table import Table

        from .commands.rules import format_reference, format_value, resolve_year, select
        from .ruleset.loader import RuleBook

        loaded = resolve_year(year, RuleBook())
        hits = select(loaded.rules, path)
        title = (_("Rules {year} (projected from {base})") if loaded.projected_from else _("Rules {year}")).format(
            year=loaded.rules.year, base=loaded.projected_from)
        t = Table(title=title, show_lines=True)
        for col in (_("Key"), _("Value"), _("Unit"), _("Status"), _("Source")):
            t.add_column(col, overflow="fold")
        for key, leaf in hits.items():
            ref = format_reference(leaf) + (f"\n{leaf.note}" if leaf.note else "")
            t.add_row(key, format_value(leaf), leaf.unit, leaf.status, ref)
        Console().print(t)

    _guarded(go, lang=lang)


@rules_app.command("diff")
def rules_diff(
    a: Annotated[int, typer.Argument(help="First rule year.")],
    b: Annotated[int, typer.Argument(help="Second rule year.")],
    lang: Lang = "sv",
) -> None:
    """Rules whose value differs between two years, with both references."""

    def go():
        from rich.table import Table

        from .commands.rules import diff, format_reference, format_value
        from .ruleset.loader import RuleBook

        book = RuleBook()
        ra, rb = book.year_for(a)[0], book.year_for(b)[0]
        changes = diff(ra.rules, rb.rules)
        t = Table(title=_("Changed rules {a} → {b}: {n}").format(a=a, b=b, n=len(changes)), show_lines=True)
        for col in (_("Key"), str(a), str(b), _("Source {year}").format(year=a), _("Source {year}").format(year=b)):
            t.add_column(col, overflow="fold")
        for ch in changes:
            t.add_row(ch.path,
                      format_value(ch.old) + f" {ch.old.unit}" if ch.old else "—",
                      format_value(ch.new) + f" {ch.new.unit}" if ch.new else "—",
                      format_reference(ch.old) if ch.old else "", format_reference(ch.new) if ch.new else "")
        Console().print(t)

    _guarded(go, lang=lang)


@rules_app.command("validate")
def rules_validate(
    file: Annotated[Optional[Path], typer.Argument(help="A rules file; without it every bundled year.")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Exit 2 when there are warnings, too.")] = False,
    lang: Lang = "sv",
) -> None:
    """Check rules files: schema, references, value jumps over ×3 against the year before."""

    def go():
        from .commands.rules import validate_file
        from .paths import rules_dir
        from .ruleset.loader import available_years

        files = [file] if file else [rules_dir() / f"{y}.yaml" for y in available_years()]
        if file is not None and not file.exists():
            raise InputError([Problem(file=str(file), problem=_("no such file"))], _("no such rules file"))
        total = 0
        for f in files:
            warnings = validate_file(f)[1]
            total += len(warnings)
            Console().print("[green]✓[/] " + ngettext("{file}: schema OK, {n} warning", "{file}: schema OK, {n} warnings", len(warnings)).format(
                file=shown(f), n=len(warnings)), highlight=False)
            for w in warnings:
                Console().print(f"  • {w}", markup=False, highlight=False, soft_wrap=True)
        if strict and total:
            raise typer.Exit(2)

    _guarded(go, lang=lang)


@rules_app.command("new")
def rules_new(
    year: Annotated[int, typer.Argument(help="The year to draft.")],
    from_year: Annotated[int, typer.Option("--from", help="The rule year to start from.")],
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="File to write (default: ./<YEAR>.yaml).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
    lang: Lang = "sv",
) -> None:
    """Write a draft rules file for YEAR: FROM's rules uprated by the declared indices, all 'projected'."""

    def go():
        from .commands.rules import draft_year
        from .reports.files import write_text

        if year <= from_year:
            raise InputError([Problem(file=_("command line"), column="YEAR", value=str(year),
                                      problem=_("must be after --from {year}").format(year=from_year))], _("bad year"))
        target = out or Path(f"{year}.yaml")
        if target.exists() and not force:
            raise InputError([Problem(file=str(target), problem=_("exists already; use --force to overwrite or --out for another file"))],
                             _("file exists"))
        write_text(target, draft_year(year, from_year))
        err.print(_("Wrote {file}: a draft of {year} from {base}. Check every leaf, then copy it into your rules folder (NYTTOKALK_RULES_DIR, "
                    "see docs/rules.md).").format(file=shown(target), year=year, base=from_year), highlight=False)

    _guarded(go, lang=lang)


# ---- reports for finance officers and evaluators: compare, sensitivity -------------------------


@app.command()
def compare(
    scenarios: Annotated[list[str], typer.Argument(help="Scenarios to compare: bundled names or paths to scenario YAMLs (one is enough with two or more --rules-year).")],
    participants: Annotated[Optional[Path], typer.Option("--participants", "-p", help="Run every scenario on this participant file, or folder of files (a partitioned dataset). Default: each scenario's own file.")] = None,
    rules_year: Annotated[Optional[list[int]], typer.Option("--rules-year", help="Run the scenario(s) with every month under this year's rules (period.rules_date = 1 January). Repeat to compare years.")] = None,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Also write the comparison as a workbook (sheet Jämförelse).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the comparison as one JSON object on stdout.")] = False,
    lang: Lang = "sv",
    id_key: Annotated[Optional[str], typer.Option("--id-key", help=ID_KEY_HELP, envvar="NYTTOKALK_ID_KEY")] = None,
) -> None:
    """Scenarios (or rule years) side by side: key figures, and exactly the assumptions and rules that differ."""

    def go():
        from .commands import compare as cmp
        from .reports.labels import labels

        from .outputs import OutputSet, check_target
        from .runner import scenario_of

        if out is not None:  # checked before anything is computed
            inputs = [x for s in scenarios for x in _inputs(scenario_of(s))] + ([participants] if participants is not None else [])
            check_target(out, inputs)
        c = cmp.compare(list(scenarios), list(rules_year or []), participants, id_key, lang)
        with OutputSet():
            written = cmp.write_workbook(c, out, lang) if out is not None else None
        if as_json:
            doc = c.to_json()
            doc["workbook"] = str(written) if written else None
            sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n")
        else:
            console = Console()
            cmp.render(c, console, lang)
            if written:
                console.print(f"{labels(lang)['workbook']}: [bold]{shown(written)}[/]")

    _guarded(go, out.parent if out is not None and str(out).strip() else None, lang)


@app.command()
def sensitivity(
    participants: Annotated[Optional[Path], typer.Argument(help="Participant file (CSV, XLSX or Parquet), or a folder of them (a partitioned dataset; every run computes it part by part). Without it: the scenario's own participant file.")] = None,
    scenario: Annotated[str, typer.Option("--scenario", "-s", help="Bundled scenario name or path to a scenario YAML.")] = "example",
    vary: Annotated[Optional[list[str]], typer.Option("--vary", help="KEY=LOW:HIGH in the key's unit (discount_rate=0:7) or in percent of the scenario's value (wages.default=-10%:+10%). Repeatable. Default: wages.default ±10 %, forsorjningsstod.reasonable_costs ±20 %, discount_rate 0–7, project.cost ±25 %.")] = None,
    samples: Annotated[int, typer.Option("--samples", help="Monte Carlo draws (0: tornado only). Each draw is one run of the engine.")] = 200,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the random draws: the same seed gives the same percentiles.")] = 1,
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Workbook to write (Tornado, Monte Carlo). Default: nyttokalk-<scenario>-sensitivity.xlsx here (not written with --json unless given).")] = None,
    charts: Annotated[bool, typer.Option("--charts", help="Also write the tornado as PNG and SVG beside the workbook, named after it.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the results as one JSON object on stdout; no progress bar.")] = False,
    lang: Lang = "sv",
    id_key: Annotated[Optional[str], typer.Option("--id-key", help=ID_KEY_HELP, envvar="NYTTOKALK_ID_KEY")] = None,
) -> None:
    """How the first-year effect and the payback move with the assumptions: tornado and Monte Carlo."""

    def go():
        from .commands import sensitivity as sens
        from .reports.labels import labels

        from .outputs import OutputSet, check_target, safe_name
        from .runner import scenario_of

        ls = scenario_of(scenario)
        inputs = _inputs(ls) + ([participants] if participants is not None else ([ls.participants_path] if ls.participants_path else []))
        target = out or Path(f"nyttokalk-{safe_name(ls.scenario.name)}-sensitivity.xlsx")
        writes = out is not None or not as_json
        if writes:  # checked before anything is computed
            for path in [target, *(sens.chart_paths(target).values() if charts else [])]:
                check_target(path, inputs, "--out" if out is not None else _("output"))
        with _progress(show=not as_json, label="nyttokalk sensitivity", unit=None) as update:
            s = sens.sensitivity(ls, participants, list(vary or []), samples, seed, id_key, progress=update)
        written = None
        chart_files = []
        if writes:
            with OutputSet():  # the workbook and its charts, or none of them
                chart_files = sens.write_charts(s, target, lang) if charts else []
                written = sens.write_workbook(s, target, lang)
        if as_json:
            doc = s.to_json()
            doc["workbook"] = str(written) if written else None
            sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n")
        else:
            console = Console()
            sens.render(s, console, lang)
            if written:
                L = labels(lang)
                console.print(f"{L['workbook']}: [bold]{shown(written)}[/]")
                if chart_files:
                    console.print(f"{L['files']}: " + ", ".join(plain(c) for c in chart_files), markup=False)

    _guarded(go, out.parent if out is not None and str(out).strip() else None, lang)


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on. Default 127.0.0.1: this machine only. Any other (0.0.0.0: every network) needs --token.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port to listen on (0: any free port; the address is printed).")] = 8000,
    token: Annotated[Optional[str], typer.Option("--token", envvar="NYTTOKALK_TOKEN", help="A secret of at least 16 characters that every request must carry (a login form sets a cookie). Required with a --host other than localhost.")] = None,
    lang: Annotated[str, typer.Option("--lang", envvar="NYTTOKALK_LANG", help="Language of the server's own messages: sv (default) or en. The page itself speaks each visitor's language (?lang=).")] = "sv",
) -> None:
    """The web page for finance officers: upload participants, adjust the choices, see and download the results (pip install 'nyttokalk[web]')."""

    def go():
        from .web.server import serve as run_server

        run_server(host, port, token)

    _guarded(go, lang=lang)


@app.command()
def version() -> None:
    """Print the program version."""
    from . import __version__

    typer.echo(__version__)


_gc_paused = False


def _resume_gc() -> None:
    """Resume the cyclic garbage collector that main() paused while the modules load (they make
    hundreds of thousands of objects that live as long as the process, and the collector walked
    them again and again: about 0.06 s of a small run's start, bench/startup.py). The objects made
    so far are frozen (never traversed again); the computation's garbage is collected as usual,
    also in forked workers. Called before a command does its work; nothing when main() did not pause it."""
    global _gc_paused
    if _gc_paused:
        import gc

        gc.freeze()
        gc.enable()
        _gc_paused = False


def main() -> None:
    global _gc_paused
    import gc

    if gc.isenabled():  # resumed by _resume_gc when the command starts its work
        gc.disable()
        _gc_paused = True
    # nyttokalk's command line uses no pydantic plugin: skip their discovery (a scan of every installed
    # package's entry points, tens of milliseconds of each start); a library user's setting is kept
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        app()
    except SystemExit as exc:
        _exit_now(exc.code)
    _exit_now(0)


def _exit_now(code) -> None:
    """End the process once the command is done: the outputs are written and closed, the streams are
    flushed and the exit handlers run, then the interpreter's teardown (freeing every module and
    object one by one, about 0.1 s after a run) is skipped. With another thread still running, or a
    failure to flush, the normal exit."""
    import atexit
    import threading

    if isinstance(code, str):  # SystemExit("message"): printed, exit status 1, as Python does
        print(code, file=sys.stderr)
        code = 1
    code = 0 if code is None else code
    if threading.active_count() > 1 or not isinstance(code, int):
        sys.exit(code)
    try:
        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
    except BaseException:  # noqa: BLE001 - e.g. a closed pipe: let Python end the normal way
        sys.exit(code)
    os._exit(code)


if __name__ == "__main__":
    main()
