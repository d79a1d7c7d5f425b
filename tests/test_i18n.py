"""One language at a time (issue 16, item 4): every text from the message catalogues, Swedish by
default and English with --lang en; numbers as the language writes them.

The catalogues: the committed .mo files are compiled from the committed .po files, every text of
src/ has its Swedish translation (a new English text without its Swedish twin fails here), and a
translation keeps its template's placeholders. The outputs: `nyttokalk run` in Swedish holds no
English sentence and in English no Swedish one (a vocabulary check: common function words, with
quotations, identifiers and Swedish proper names such as 'jobb- och utvecklingsgarantin' exempt).
"""

from __future__ import annotations

import ast
import io
import re
import threading
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

import nyttokalk
from nyttokalk import i18n
from nyttokalk.cli import app
from nyttokalk.i18n import NBSP, THOUSANDS_SV, Msg, Num, _, language, ngettext, percent, sek
from nyttokalk.notes import Note, counted, merge, render
from nyttokalk.paths import scenarios_dir

babel = pytest.importorskip("babel")  # the test extra; never needed at run time

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
LOCALE = SRC / "nyttokalk" / "locale"
KEYWORDS = {"NP_": ((1, "c"), 2), "NN_": (1, 2), "Msg": None}  # as tools/catalogues.py and babel.cfg
runner = CliRunner()


def _read_po(lang: str):
    from babel.messages.pofile import read_po

    with open(LOCALE / lang / "LC_MESSAGES" / "nyttokalk.po", "rb") as fh:
        return read_po(fh)


def _extracted() -> list[tuple[str | None, str | tuple]]:
    """(context, id) of every text marked for the catalogue in src/ (what pybabel extract writes to a .pot)."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

    keywords = {**DEFAULT_KEYWORDS, **KEYWORDS}
    out = []
    for _file, _line, message, _comments, context in extract_from_dir(str(SRC), [("**.py", "python")], keywords=keywords):
        out.append((context, message if isinstance(message, str) else tuple(message)))
    return out


# ---- the catalogues --------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_the_committed_mo_is_compiled_from_the_committed_po(lang, tmp_path):
    from babel.messages.mofile import write_mo

    catalog = _read_po(lang)
    with open(tmp_path / "nyttokalk.mo", "wb") as fh:
        write_mo(fh, catalog)  # what `pybabel compile` writes (fuzzy entries left out)
    committed = (LOCALE / lang / "LC_MESSAGES" / "nyttokalk.mo").read_bytes()
    assert committed == (tmp_path / "nyttokalk.mo").read_bytes(), f"run: python tools/catalogues.py compile ({lang})"


def test_every_text_in_src_has_its_swedish_translation():
    sv = _read_po("sv")
    missing = []
    for context, message in _extracted():
        key = message[0] if isinstance(message, tuple) else message
        entry = sv.get(key, context=context)
        strings = () if entry is None else (entry.string if isinstance(entry.string, tuple) else (entry.string,))
        if entry is None or entry.fuzzy or not strings or not all(strings) or isinstance(message, tuple) != isinstance(entry.id, tuple):
            missing.append((context, key))
    assert not missing, f"{len(missing)} texts without a Swedish translation (python tools/catalogues.py update, then write them): {missing[:10]}"


def _fields(text: str) -> set[str]:
    return set(re.findall(r"\{([^{}:!]*)(?:[:!][^{}]*)?\}", text))


def test_a_swedish_translation_keeps_its_templates_placeholders():
    wrong = []
    for entry in _read_po("sv"):
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        want = set().union(*(_fields(x) for x in ids))
        for s in strings:
            if _fields(s) - want or (not isinstance(entry.id, tuple) and _fields(s) != want):
                wrong.append((ids[0][:60], s[:60]))
    assert not wrong, wrong


def test_english_is_the_message_ids_and_both_languages_have_a_catalogue():
    assert (LOCALE / "en" / "LC_MESSAGES" / "nyttokalk.mo").exists() and (LOCALE / "sv" / "LC_MESSAGES" / "nyttokalk.mo").exists()
    with language("en"):
        assert _("file not found") == "file not found"
    assert _("file not found") == "filen finns inte"  # Swedish, the default


def test_the_wheel_takes_the_compiled_catalogues():
    import tomllib

    wheel = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["hatch"]["build"]["targets"]["wheel"]
    assert any(Path("src/nyttokalk/locale/sv/LC_MESSAGES/nyttokalk.mo").match(glob) for glob in wheel["artifacts"])


def test_no_function_hides_the_translation_function_behind_a_throwaway_underscore():
    # `for _, x in …` in a function that also calls _("…") makes _ a local: the message would fail only
    # on the error path it belongs to
    found = []
    for path in (SRC / "nyttokalk").rglob("*.py"):
        for fn in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            names = [n for n in _own_nodes(fn) if isinstance(n, ast.Name) and n.id == "_"]
            if any(isinstance(n.ctx, ast.Store) for n in names) and any(isinstance(n.ctx, ast.Load) for n in names):
                found.append(f"{path.relative_to(SRC)}:{fn.lineno} {fn.name}")
    assert not found, found


def _own_nodes(fn):
    """The nodes of a function body, not those of the functions, lambdas and classes inside it."""
    stack = list(ast.iter_child_nodes(fn))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


# ---- the current language -----------------------------------------------------------------------------


def test_plural_forms_follow_the_count():
    assert [ngettext("{n} participant", "{n} participants", n).format(n=n) for n in (1, 2)] == ["1 deltagare", "2 deltagare"]
    with language("en"):
        assert [ngettext("{n} participant", "{n} participants", n).format(n=n) for n in (1, 2)] == ["1 participant", "2 participants"]


def test_the_language_is_each_threads_own():
    # the web page: every request sets its own language in its own thread
    seen: dict[str, list[str]] = {"sv": [], "en": []}
    barrier = threading.Barrier(2)

    def work(lang: str) -> None:
        with language(lang):
            barrier.wait()
            for _i in range(200):
                seen[lang].append(_("file not found"))

    threads = [threading.Thread(target=work, args=(x,)) for x in ("sv", "en")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(seen["sv"]) == {"filen finns inte"} and set(seen["en"]) == {"file not found"}
    assert i18n.current() == "sv"  # the main thread's language is untouched


def test_an_unknown_language_is_an_input_error_naming_the_choices():
    with pytest.raises(nyttokalk.InputError) as exc:
        i18n.check_language("fi")
    assert exc.value.problems[0].file == "--lang" and "sv, en" in exc.value.problems[0].problem


def test_a_note_is_translated_when_it_is_rendered_and_partitions_still_add_up():
    # a dataset's partitions make the same notes; their counts add up whatever the language rendering them
    a = [counted(2, "age missing, scenario default {default} used", default=Num(35)), Note("{count} of {n}", {"count": 1}, args={"x": Msg("none")})]
    b = [counted(3, "age missing, scenario default {default} used", default=Num(35)), Note("{count} of {n}", {"count": 4}, args={"x": Msg("none")})]
    merged = merge([a, b])
    assert [n.counts["count"] for n in merged] == [5, 5]
    assert render(merged[:1], 1200) == ["5 av 1\u202f200 deltagare: age saknas, scenariots standardvärde 35 används"]
    with language("en"):
        assert render(merged[:1], 1200) == ["5 of 1,200 participants: age missing, scenario default 35 used"]


def test_numbers_are_written_as_the_language_writes_them():
    assert sek(3678665.4) == f"3{THOUSANDS_SV}678{THOUSANDS_SV}665{NBSP}kr" and sek(-1500) == f"\u22121{THOUSANDS_SV}500{NBSP}kr"
    assert percent(3.5) == f"3,5{NBSP}%" and "{x:.1%}".format(x=Num(0.035)) == f"3,5{NBSP}%"
    with language("en"):
        assert sek(3678665.4) == f"3,678,665{NBSP}SEK" and percent(3.5) == f"3.5{NBSP}%"


# ---- the outputs, in one language each -------------------------------------------------------------

ENGLISH_WORDS = (" the ", " of ", " and ", " is ", " are ", " not ", " with ", " from ", " which ", " missing", " used")
SWEDISH_WORDS = (" och ", " för ", " av ", " är ", " inte ", " som ", " med ", " eller ", " till ", " saknas", " används")
# Swedish names that stay Swedish in English text (benefits, law titles), and quotations of Swedish sources
PROPER_NAMES = ("skattereduktion för sjuk- och aktivitetsersättning", "sjuk- och aktivitetsersättning", "jobb- och utvecklingsgarantin",
                "skattereduktion för arbetsinkomster", "skattereduktion för förvärvsinkomst")
LANGUAGE_SHEETS = {"sv": ("Sammanfattning", "Antaganden", "Om beräkningen", "Flöden"), "en": ("Summary", "Assumptions", "About", "Flows")}


def _words_of_the_other_language(text: str, lang: str) -> list[str]:
    """The other language's function words in `text` (line breaks joined, quotations and proper names left out)."""
    flat = " " + " ".join(text.split()) + " "
    flat = re.sub(r"(?<!\w)'[^']*'(?!\w)", "''", flat)
    for name in PROPER_NAMES:
        flat = flat.replace(name, "")
    words = ENGLISH_WORDS if lang == "sv" else SWEDISH_WORDS
    return [f"{w!r} in …{flat[max(0, m.start() - 60):m.end() + 40]}…" for w in words for m in re.finditer(re.escape(w), flat)]


def _run(tmp_path: Path, lang: str, scenario: str = "example") -> tuple[str, Path]:
    out = tmp_path / f"{scenario}-{lang}.xlsx"
    result = runner.invoke(app, ["run", "--scenario", scenario, "--out", str(out), "--lang", lang], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    return result.output, out


def _sheet_texts(path: Path, sheets: tuple[str, ...]) -> str:
    wb = load_workbook(path)
    return "\n".join(str(v) for name in sheets for row in wb[name].iter_rows(values_only=True) for v in row if isinstance(v, str))


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("scenario", ["example", "gemensam-kraft"])
def test_a_run_speaks_one_language_in_the_console_and_the_workbook(tmp_path, lang, scenario):
    console, workbook = _run(tmp_path, lang, scenario)
    found = _words_of_the_other_language(console, lang) + _words_of_the_other_language(_sheet_texts(workbook, LANGUAGE_SHEETS[lang]), lang)
    assert not found, found[:5]


def test_the_flows_label_column_is_in_the_workbooks_language(tmp_path):
    labels = {}
    for lang, sheet in (("sv", "Flöden"), ("en", "Flows")):
        ws = load_workbook(_run(tmp_path, lang)[1])[sheet]
        labels[lang] = {row[0]: row[1] for row in ws.iter_rows(min_row=2, values_only=True) if row[0]}
    assert labels["sv"]["lon"] == "Lön" and labels["en"]["lon"] == "Wage"
    assert labels["sv"]["forsorjningsstod"] == "Försörjningsstöd" and labels["en"]["forsorjningsstod"] == "Försörjningsstöd (social assistance)"


def test_a_bundled_scenarios_texts_follow_the_language():
    from nyttokalk.analysis import scenario_choices

    ls = nyttokalk.load("example")
    assert scenario_choices(ls.scenario) == ["Syntetiska deltagare; projektkostnaden och dess finansiering är påhittade för exemplet."]
    with language("en"):
        assert scenario_choices(ls.scenario) == ["Synthetic participants; the project cost and its funding are invented for the example."]
        assert ls.scenario.text("title") == "Example – 40 synthetic participants, 2022"
    for folder in sorted(scenarios_dir().glob("*/scenario.yaml")):  # every bundled scenario has both
        s = nyttokalk.load(folder.parent.name).scenario
        assert s.title_en and s.description_en and s.choices_en and len(s.choices_en) == len(s.choices), folder


def test_an_input_error_is_swedish_by_default_and_english_with_lang_en(tmp_path):
    bad = tmp_path / "p.csv"
    bad.write_text("id,before,after,age\nA,forsorjningsstod,arbeet,tjugo\n", encoding="utf-8")
    sv = runner.invoke(app, ["run", str(bad)])
    en = runner.invoke(app, ["run", str(bad), "--lang", "en"])
    assert sv.exit_code == en.exit_code == 2
    assert sv.output.startswith("Fel: ") and "rad 2, kolumn after (värde 'arbeet'): okänt tillstånd; menade du 'arbete'?" in sv.output
    assert "kolumn age (värde 'tjugo'): inte ett tal" in sv.output and "2 fel i deltagarfilen" in sv.output
    assert en.output.startswith("Error: ") and "row 2, column after (value 'arbeet'): unknown state; did you mean 'arbete'?" in en.output
    assert "2 problems in the participant file" in en.output
    for out, lang in ((sv.output, "sv"), (en.output, "en")):
        assert not _words_of_the_other_language(out.replace(str(bad), "FILE"), lang)


@pytest.mark.parametrize("command", [["validate"], ["tax", "--year", "2025", "--annual-income", "-1"], ["rules", "show", "no.such.path"],
                                     ["rules", "list"], ["compare", "example"], ["sensitivity", "--vary", "x=1:2", "--samples", "0"]])
def test_every_command_takes_lang(command):
    sv = runner.invoke(app, command)
    en = runner.invoke(app, [*command, "--lang", "en"])
    assert sv.exit_code == en.exit_code and en.exit_code in (0, 2), en.output
    assert not _words_of_the_other_language(sv.output, "sv") and not _words_of_the_other_language(en.output, "en")


def test_the_api_takes_lang():
    with pytest.raises(nyttokalk.InputError) as exc:
        nyttokalk.run(None, {"title": "x", "period": {"horizon_months": 0}}, lang="en")
    assert "must be at least 1" in str(exc.value.problems[0].problem)
    with pytest.raises(nyttokalk.InputError) as exc:
        nyttokalk.run(None, {"title": "x", "period": {"horizon_months": 0}})
    assert "ska vara minst 1" in exc.value.problems[0].problem


# ---- numbers in the console -----------------------------------------------------------------------


def test_swedish_console_numbers_have_a_decimal_comma_and_narrow_no_break_spaces(tmp_path):
    console, _ = _run(tmp_path, "sv")
    a = nyttokalk.run(lang="sv").analysis
    public = round(a.first_year["offentlig_sektor"])  # 3 046 014 kr in the example
    groups = f"{public:,}".replace(",", THOUSANDS_SV)
    assert f"{groups}{NBSP}kr" in console
    assert f"diskonteringsränta 3,5{NBSP}%" in console
    english, _ = _run(tmp_path, "en")
    assert f"{public:,}{NBSP}SEK" in english and f"discount rate 3.5{NBSP}%" in english


def test_console_tables_never_split_a_figure_at_100_columns(tmp_path):
    # the figures are written with no-break spaces and their columns do not wrap: each appears whole on one line
    from nyttokalk.reports.labels import labels

    L = labels("sv")
    run = runner.invoke(app, ["run", "--out", str(tmp_path / "r.xlsx")], env={"COLUMNS": "100"})
    sens = runner.invoke(app, ["sensitivity", "--samples", "5", "--out", str(tmp_path / "s.xlsx")], env={"COLUMNS": "100"})
    figures = runner.invoke(app, ["sensitivity", "--samples", "5", "--json"])
    assert run.exit_code == sens.exit_code == figures.exit_code == 0, run.output + sens.output
    a = nyttokalk.run().analysis
    for x in a.actors:
        assert L.sek(a.first_year[x]) in run.output and L.sek(a.per_participant_month[x]) in run.output, x
        assert L.payback(a.payback[x], "simple") in run.output
    doc = __import__("json").loads(figures.stdout)
    for row in doc["tornado"]:
        for k in ("effect_low", "effect_high", "swing"):
            assert L.sek(row[k]) in sens.output, (row["key"], k)
        assert L.months(row["payback_low"]) in sens.output
    for out in (run.output, sens.output):
        assert max(len(line) for line in out.splitlines()) <= 100
        assert not re.search(r"(^|[│┃ ])(kr|mån)\s*[│┃]", out, re.M)  # never a unit alone in a cell


def test_a_result_written_in_the_other_language_states_its_texts_in_it(tmp_path):
    # the web page's download of a kept result in the page's language: every text in that language, the same figures
    r = nyttokalk.run(lang="sv")
    en = load_workbook(r.to_excel(tmp_path / "en.xlsx", lang="en"))
    sv = load_workbook(r.to_excel(tmp_path / "sv.xlsx"))
    assert not _words_of_the_other_language(_sheet_texts(tmp_path / "en.xlsx", LANGUAGE_SHEETS["en"]), "en")
    assert {row[0]: row[1] for row in en["Flows"].iter_rows(min_row=2, values_only=True) if row[0]}["lon"] == "Wage"
    figures = lambda wb, name: [row[1:] for row in wb[name].iter_rows(min_row=2, values_only=True)]  # noqa: E731
    assert figures(en, "Per actor and year") == figures(sv, "Per aktör och år")
