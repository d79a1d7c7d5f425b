"""One submission of the page, computed: load the scenario, apply the person's choices, run it on
the participants (and a second scenario to compare with), all through the Python API.

Runs in a worker thread (the page's event loop stays free) with `workers=1`, so that several
people at once do not each start a process per CPU. Nothing here touches the network or a path
the person gave: uploads arrive as files the app saved under random names, bundled scenarios are
looked up by name in the list of bundled scenarios.
"""

from __future__ import annotations

import functools
import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from .. import api
from ..errors import InputError, Problem
from ..i18n import language
from ..paths import rules_dir, scenarios_dir
from ..privacy import mask
from . import choices
from .texts import texts

EXAMPLE = "example"
ORIGINAL = "@original"  # compare with the chosen scenario as it is, without the form's changes
UPLOAD = "@upload"  # the form's values came from an uploaded scenario


@dataclass(frozen=True)
class Upload:
    path: Path  # where the app saved it: a random name in the request's private folder
    name: str  # what the person called it: shown, never used as a path


@dataclass
class Submission:
    lang: str = "sv"
    scenario: str = EXAMPLE  # a bundled scenario's name
    scenario_upload: Upload | None = None
    participants: Upload | None = None
    form: dict[str, str] = field(default_factory=dict)  # the choices' texts as typed
    basis: str = EXAMPLE  # the scenario the form's values were filled from (a bundled name or UPLOAD)
    compare: str = ""  # "", ORIGINAL or a bundled scenario's name
    problems: list[Problem] = field(default_factory=list)  # found while reading the request (file types, sizes)


@dataclass
class Run:
    label: str
    result: "api.Result"
    scenario_name: str


@dataclass
class Outcome:
    submission: Submission
    basis: dict  # model_dump() of the chosen scenario before the form's changes: the fields' defaults
    basis_id: str
    values: dict[str, str]  # the fields' texts as used
    changed: dict[str, object] = field(default_factory=dict)
    runs: list[Run] = field(default_factory=list)  # the chosen scenario first, then the one compared with
    participants_name: str = ""
    scenario_name: str = ""
    scenario_title: str = ""
    error: InputError | None = None  # input problems: nothing was computed
    names: dict[str, str] = field(default_factory=dict)  # server path → the name shown


@functools.lru_cache(maxsize=4)
def bundled(lang: str = "sv") -> tuple[tuple[str, str], ...]:
    """(name, title in `lang`) of every bundled scenario, the example first."""
    names = sorted(p.parent.name for p in scenarios_dir().glob("*/scenario.yaml"))
    names.sort(key=lambda n: n != EXAMPLE)
    with language(lang):
        return tuple((n, api.load(n).scenario.text("title")) for n in names)


def warm() -> None:
    """Import the engine and read the rules once, before the first person waits for it: the
    bundled example computed and thrown away (about half a second at start)."""
    api.run(None, EXAMPLE, workers=1)


def is_bundled(name: str) -> bool:
    return name in {n for n, _ in bundled()}


def _bundled_file(path: Path | None) -> str:
    """A bundled file shown as scenario-folder/file (not the server's path)."""
    return f"{path.parent.name}/{path.name}" if path is not None else ""


def _load_chosen(sub: Submission, T: dict) -> tuple["api.LoadedScenario", str]:
    """The chosen scenario (an upload wins over the bundled choice) and its name."""
    if sub.scenario_upload is not None:
        ls = api.load(sub.scenario_upload.path)
        if ls.scenario.name == sub.scenario_upload.path.stem:  # the file names none: the random name would show
            from ..commands.compare import with_values

            ls = with_values(ls, {"name": _display_stem(sub.scenario_upload.name) or T["upload.scenario_name"]}, T["form"])
        return ls, ls.scenario.name
    if not is_bundled(sub.scenario):
        raise InputError([Problem(file=T["form"], column="scenario", value=sub.scenario, problem=T["unknown_scenario"])], T["unknown_scenario"])
    return api.load(sub.scenario), sub.scenario


def _display_stem(name: str) -> str:
    stem = Path(name.replace("\\", "/")).stem
    return "".join(ch if ch.isalnum() or ch in "-_ ." else "-" for ch in stem)[:60].strip(" .-")


def _participants(sub: Submission, ls, T: dict) -> tuple[Path, str]:
    """The participant file and its shown name: the upload, else the chosen bundled scenario's own
    file (an uploaded scenario's participants key is never read: the example's file instead)."""
    if sub.participants is not None:
        return sub.participants.path, mask(sub.participants.name)
    own = ls.participants_path if sub.scenario_upload is None else None
    own = own or api.load(EXAMPLE).participants_path
    return own, T["participants.bundled"].format(name=_bundled_file(own))


def compute(sub: Submission) -> Outcome:
    """The outcome of a submission: results, or the input problems (then nothing is computed)."""
    T = texts(sub.lang)
    names = {str(u.path): mask(u.name) for u in (sub.participants, sub.scenario_upload) if u is not None}
    names.update({str(u.path.parent): "" for u in (sub.participants, sub.scenario_upload) if u is not None})  # the private folder itself
    names.update({str(scenarios_dir()) + os.sep: "", str(rules_dir()): "rules"})  # bundled files as example/scenario.yaml, rules/2022.yaml
    out = Outcome(sub, basis={}, basis_id=sub.basis, values=dict(sub.form), names=names)
    try:
        if sub.problems:
            raise InputError(list(sub.problems), T["problems.title"])
        ls, out.scenario_name = _load_chosen(sub, T)
        out.scenario_title = ls.scenario.text("title")
        out.basis = ls.scenario.model_dump()
        out.basis_id = UPLOAD if sub.scenario_upload is not None else sub.scenario
        # what the person changed: the fields against the scenario they were filled from (a bundled one, or the uploaded one)
        same = sub.basis == out.basis_id
        filled_from = api.load(sub.basis).scenario.model_dump() if is_bundled(sub.basis) and not same else out.basis
        out.changed = choices.changes(sub.form, filled_from, T["form"])
        from ..commands.compare import with_values

        chosen = with_values(ls, out.changed, T["form"]) if out.changed else ls
        path, out.participants_name = _participants(sub, ls, T)
        names[str(path)] = out.participants_name
        key = secrets.token_hex(16)  # one pseudonym key for both runs, as nyttokalk compare does
        out.runs.append(Run(out.scenario_name, api.run(path, chosen, lang=sub.lang, workers=1, id_key=key), out.scenario_name))
        if sub.compare:
            other, label = _compared(sub, ls, T)
            out.runs.append(Run(label, api.run(path, other, lang=sub.lang, workers=1, id_key=key), other.scenario.name))
        out.values = choices.defaults(chosen.scenario.model_dump(), sub.lang)
    except InputError as exc:
        out.error = exc
        out.runs = []
        if not any(sub.form.values()):
            out.values = choices.defaults(out.basis, sub.lang) if out.basis else {}
    for r in out.runs:
        _present(r.result, names)
    return out


def _compared(sub: Submission, ls, T: dict):
    """The scenario to compare with and its label: the chosen one without the form's changes, or a bundled one."""
    if sub.compare == ORIGINAL:
        return ls, T["compare.original_label"].format(name=ls.scenario.name)
    if not is_bundled(sub.compare):
        raise InputError([Problem(file=T["form"], column="compare", value=sub.compare, problem=T["unknown_scenario"])], T["unknown_scenario"])
    return api.load(sub.compare), sub.compare


def _present(result, names: dict[str, str]) -> None:
    """The files a result names, as the person knows them: an upload by its own (masked) name, a
    bundled file as folder/file; never the server's temporary or installation paths (the
    workbook's 'Om beräkningen' shows these)."""
    meta = result.meta
    for part in (meta.get("input"), meta.get("scenario"), *(meta.get("rules") or {}).values()):
        if isinstance(part, dict) and part.get("file"):
            part["file"] = names.get(str(part["file"])) or _bundled_file(Path(str(part["file"])))


def shown_text(x, names: dict[str, str]) -> str:
    """A text for the page: the server's paths replaced by the names the person knows, personnummer masked."""
    text = "" if x is None else str(x)
    for path, name in names.items():
        text = text.replace(path, name)
    return mask(text)


def problem_rows(exc: InputError, names: dict[str, str]) -> list[tuple[str, str, str, str, str]]:
    """(file, row, column, value, problem) of every problem, in the command line's order, with the
    server's paths replaced by the names the person knows and personnummer masked."""
    def clean(x) -> str:
        return shown_text(x, names)

    problems = sorted(exc.problems, key=lambda p: (p.file, p.row if p.row is not None else (p.line or 0), p.column or ""))
    return [(clean(p.file), clean(p.row if p.row is not None else p.line), clean(p.column), clean(p.value), clean(p.problem))
            for p in problems]
