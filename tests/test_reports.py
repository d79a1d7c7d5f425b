"""The workbook, the charts and the tables: read back, every figure equals the analysis."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from nyttokalk.actors import ALL as ACTORS
from nyttokalk.analysis import analyse
from nyttokalk.cli import app
from nyttokalk.engine import run_engine
from nyttokalk.participants import read_participants
from nyttokalk.reports import excel, xlsx
from nyttokalk.reports.labels import labels
from nyttokalk.scenario import load_scenario

runner = CliRunner(env={"COLUMNS": "200"})
SV = labels("sv")


@pytest.fixture(scope="module")
def example():
    ls = load_scenario("example")
    res = run_engine(read_participants(ls.participants_path), ls)
    return ls, res, analyse(res, ls)


@pytest.fixture(scope="module")
def book(example, tmp_path_factory):
    ls, res, a = example
    path = excel.write_workbook(a, res, tmp_path_factory.mktemp("wb") / "resultat.xlsx", scenario=ls)
    return path, load_workbook(path)


def _row(ws, label, col=1):
    """The first row whose column `col` holds `label`, as a list of values."""
    for row in ws.iter_rows(values_only=True):
        if row[col - 1] == label:
            return list(row)
    raise AssertionError(f"no row {label!r} in {ws.title}")


def test_the_workbook_has_every_sheet_with_frozen_headers(book):
    _, wb = book
    assert wb.sheetnames == ["Sammanfattning", "Per aktör och år", "Per deltagare", "Flöden", "Per månad",
                             "Parametrar", "Antaganden", "Om beräkningen"]
    for ws in wb:
        assert ws.freeze_panes is not None, ws.title


def test_summary_figures_are_the_analysis_figures(book, example):
    _, wb = book
    _, _, a = example
    ws = wb["Sammanfattning"]
    header = _row(ws, SV["key_figure"])
    assert header[1:1 + len(ACTORS)] == [SV[x] for x in ACTORS]
    first = _row(ws, SV["first_year"])
    per_pm = _row(ws, SV["per_participant_month"])
    for i, x in enumerate(ACTORS, start=1):
        assert first[i] == pytest.approx(a.first_year[x], abs=1e-6)
        assert per_pm[i] == pytest.approx(a.per_participant_month[x], abs=1e-6)
    simple = _row(ws, SV["simple"])
    for i, x in enumerate(ACTORS, start=1):
        pb = a.payback[x]
        expected = SV["no_cost"] if pb["cost"] == 0 else (SV["not_reached"] if pb["simple"] is None else pb["simple"])
        assert simple[i] == expected
    assert ws.cell(row=6, column=2).number_format == excel.SEK_FORMAT
    assert _row(ws, SV["project_cost"])[1] == a.meta["project_cost"]


def test_summary_lists_the_warnings_assumptions_and_notes(book, example):
    _, wb = book
    _, _, a = example
    text = " ".join(str(r[0]) for r in wb["Sammanfattning"].iter_rows(values_only=True) if r[0])
    assert SV["assumptions"] in text and SV["note.parameters"][:40] in text
    cells = [r[0] for r in wb["Sammanfattning"].iter_rows(values_only=True) if r[0]]
    for line in a.assumptions + a.warnings:  # each sentence whole in one cell (issue 16: not split over rows)
        assert line in cells, line


def test_a_sentence_is_one_wrapped_cell_across_the_table(book, example):
    _, wb = book
    _, _, a = example
    ws = wb["Sammanfattning"]
    [row] = [c.row for c in ws["A"] if c.value == a.assumptions[1]]
    cell = ws.cell(row, 1)
    assert cell.alignment.wrap_text
    merged = [r for r in ws.merged_cells.ranges if r.min_row == row]
    assert merged and merged[0].min_col == 1 and merged[0].max_col == ws.max_column  # spans the table
    assert len(a.assumptions[1]) > 200 and ws.row_dimensions[row].height > 15  # a long one gets the height it needs


def test_per_year_rows_are_the_analysis_per_year(book, example):
    _, wb = book
    _, _, a = example
    ws = wb["Per aktör och år"]
    header = [c.value for c in ws[1]]
    for k, year in enumerate(a.per_year, start=2):
        row = [c.value for c in ws[k]]
        for x in ACTORS:
            assert row[header.index(SV[x])] == pytest.approx(year["undiscounted"][x], abs=1e-6)
            assert row[header.index(SV[x] + SV["suffix.discounted"])] == pytest.approx(year["discounted"][x], abs=1e-6)


def test_per_participant_rows_are_the_analysis_rows(book, example):
    _, wb = book
    _, _, a = example
    ws = wb["Per deltagare"]
    rows = list(ws.iter_rows(values_only=True))
    assert len(rows) == 1 + len(a.per_participant)
    header = rows[0]
    for got, want in zip(rows[1:], a.per_participant.to_frame().itertuples(index=False)):
        want = want._asdict()
        assert got[0] == want["id"] and got[1] == want["before"] and got[2] == want["after"]
        for x in ACTORS:
            assert got[header.index(SV["per_participant.first_year"].format(actor=SV[x]))] == pytest.approx(want[x], abs=1e-9)
    assert ws["D2"].number_format == excel.SEK_FORMAT


def test_flows_per_actor_sum_to_each_actors_first_year_effect(book, example):
    # Double entry: a category's effect is + for its payee and − for its payer, so an actor's
    # column summed over all categories is its net effect, which is its first-year effect.
    _, wb = book
    _, _, a = example
    ws = wb["Flöden"]
    header = [c.value for c in ws[1]]
    total = _row(ws, SV["total"])
    naive = getattr(a, "first_year_naive", None) or a.first_year  # the table is before any deadweight
    for x in ACTORS:
        assert total[header.index(SV[x])] == pytest.approx(naive[x], abs=0.01)
    n_categories = len(a.by_category)
    effects = [r[header.index(SV["effect"])] for r in ws.iter_rows(min_row=2, max_row=1 + n_categories, values_only=True)]
    assert effects == pytest.approx(a.by_category["effect"].tolist())


def test_the_cumulative_net_reaches_zero_in_the_payback_month(book, example):
    _, wb = book
    _, _, a = example
    ws = wb["Per månad"]
    header = [c.value for c in ws[1]]
    col = header.index(SV["offentlig_sektor"] + SV["cumulative_suffix"])
    cum = [r[col] for r in ws.iter_rows(min_row=2, values_only=True)]
    first_paid = next(i for i, v in enumerate(cum) if v >= -1e-6) + 1
    assert first_paid == a.payback["offentlig_sektor"]["simple"]
    # the monthly effect column summed over the first 12 months is the first-year effect (all exit in the same month)
    eff = header.index(SV["offentlig_sektor"] + SV["effect_suffix"])
    assert sum(r[eff] for r in ws.iter_rows(min_row=2, max_row=13, values_only=True)) == pytest.approx(a.first_year["offentlig_sektor"], abs=0.01)
    marker = header.index(SV["payback_marker"].format(actor=SV["offentlig_sektor"], months=first_paid))
    marks = [r[marker] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert [i for i, v in enumerate(marks) if v is not None] == [first_paid - 1]


def test_the_analysis_views_are_not_listed_as_further_figures(example):
    # cumulative_net, payback_marks, flows_by_actor … are derived for the sheets that lay them out;
    # the summary reads the analysis's fields generically and must not list them again.
    _, _, a = example
    listed = [label for label, _, _ in excel.key_figure_rows(a, SV, excel.SEK_FORMAT)] + list(excel.other_fields(a))
    for view in ("actors", "naive_differs", "cumulative_net", "payback_marks", "flows_by_actor", "flows_by_actor_total"):
        assert not any(view in str(x) for x in listed), view


def test_native_charts_are_in_the_workbook(book):
    _, wb = book
    assert len(wb["Sammanfattning"]._charts) == 2
    assert len(wb["Per månad"]._charts) == 1
    assert len(wb["Per aktör och år"]._charts) == 1


def test_parameters_list_every_leaf_with_its_reference(book, example):
    from nyttokalk.ruleset.schema import iter_leaves

    _, wb = book
    _, res, _ = example
    ws = wb["Parametrar"]
    assert ws["A1"].value == SV["note.parameters"]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    loaded = res.rules_used[2022]
    expected = sum(len(leaf.dated_values()) for _, leaf in iter_leaves(loaded.rules))
    assert len(rows) == expected
    assert all(r[6] for r in rows)  # every row has a source
    # a web address is a link a reader can follow; statuses and units in the workbook's language
    links = [c for c in ws["H"][2:] if c.value]
    assert links and all(c.hyperlink is not None and c.hyperlink.target == c.value for c in links)
    prisbasbelopp = next(r for r in rows if r[1] == "base_amounts.prisbasbelopp")
    assert prisbasbelopp[3:6:2] == ("kr/år", "officiell")  # SEK/year, official
    assert {r[5] for r in rows} <= {"lagstadgad", "officiell", "reproducerad", "sekundär", "härledd", "antagen", "okänd", "framskriven"}


def test_assumptions_mark_which_values_came_from_the_defaults(book, example):
    _, wb = book
    ls, _, _ = example
    ws = wb["Antaganden"]
    rows = {r[0]: r for r in ws.iter_rows(min_row=2, values_only=True) if r[0]}
    assert rows["forsorjningsstod.reasonable_costs"][1:] == (ls.scenario.forsorjningsstod.reasonable_costs, SV["origin.scenario"])
    assert rows["discount_rate"][2] == SV["origin.default"]
    assert rows["project.funding"][1] == "kommun: 0.5, region: 0.25, stat: 0.25"


def test_about_sheet_has_version_and_hashes(book, example):
    _, wb = book
    _, _, a = example
    rows = {r[0]: r[1] for r in wb["Om beräkningen"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert rows[SV["input_sha"]] == a.meta["input"]["sha256"]
    assert rows[SV["rules_sha"].format(year="2022")] == a.meta["rules"]["2022"]["sha256"]
    assert a.meta["version"] in rows[SV["program"]]
    # a bundled file by its place in the package, never the install path; doubtful rules in words
    assert rows[SV["input_file"]] == "scenarios/example/participants.csv (medföljer nyttokalk)"
    assert not [v for v in rows.values() if isinstance(v, str) and ("/work/" in v or str(Path.home()) in v or "site-packages" in v)]
    assert not [v for v in rows.values() if isinstance(v, str) and "{'" in v]  # no dict printed raw
    # rules/2022.yaml: economy.indirect_tax_rate 13 percent, status assumed; used in all 12 months of the run
    assert rows["Regel med osäker status: economy.indirect_tax_rate"] == "antagen, 13 procent, 2022-01–2022-12 (12\u00a0mån)"  # no break before the unit
    assert rows["KPI-status: 2022"] == "officiell" and rows["Priser"] == "fasta priser"


def test_the_same_input_gives_the_same_workbook(example, tmp_path):
    ls, res, a = example
    p1 = excel.write_workbook(a, res, tmp_path / "a.xlsx", scenario=ls, charts=False)
    p2 = excel.write_workbook(a, res, tmp_path / "b.xlsx", scenario=ls, charts=False)
    w1, w2 = load_workbook(p1), load_workbook(p2)
    for s1, s2 in zip(w1, w2):
        assert list(s1.iter_rows(values_only=True)) == list(s2.iter_rows(values_only=True))
    assert w1.properties.created == w1.properties.modified == xlsx.FIXED_TIME
    assert hashlib.sha256(p1.read_bytes()).digest() == hashlib.sha256(p2.read_bytes()).digest()


def test_too_many_participants_for_a_sheet_go_to_a_formula_safe_csv(tmp_path, monkeypatch):
    monkeypatch.setattr(excel, "EXCEL_MAX_DATA_ROWS", 2)
    f = tmp_path / "p.csv"
    f.write_text("id,before,after,age,wage,exit_month\n"
                 "=HYPERLINK(1),forsorjningsstod,arbete,30,21500,2022-01\n"
                 "@SUM,forsorjningsstod,arbete,40,21500,2022-01\n"
                 "-1,forsorjningsstod,oforandrad,50,,2022-01\n", encoding="utf-8")
    ls = load_scenario("example")
    res = run_engine(read_participants(f), ls)
    a = analyse(res, ls)
    out = excel.write_workbook(a, res, tmp_path / "o.xlsx", scenario=ls, charts=False)
    target = tmp_path / "o-participants.csv"
    assert target.exists()
    with target.open(encoding="utf-8-sig") as fh:  # beside a Swedish workbook: semicolons, decimal comma, a BOM
        rows = list(csv.DictReader(fh, delimiter=";"))
    assert [r["id"] for r in rows] == ["'=HYPERLINK(1)", "'@SUM", "'-1"]
    for r, want in zip(rows, a.per_participant.to_frame().itertuples(index=False)):
        assert float(r["offentlig_sektor"].replace(",", ".")) == pytest.approx(want.offentlig_sektor, abs=0.005)
    wb = load_workbook(out)
    assert len(list(wb["Per deltagare"].iter_rows())) == 1
    assert "o-participants.csv" in wb["Per deltagare"]["A1"].value
    summary = " ".join(str(r[0]) for r in wb["Sammanfattning"].iter_rows(values_only=True) if r[0])
    assert "o-participants.csv" in summary
    assert not list(tmp_path.glob(".*.tmp"))  # written via temp file + rename


def test_text_from_the_input_is_never_a_formula_in_the_fast_per_participant_sheet(tmp_path):
    f = tmp_path / "p.csv"
    f.write_text("id,before,after,age,wage,exit_month\n=1+1,forsorjningsstod,arbete,30,21500,2022-01\n<&>,forsorjningsstod,arbete,30,21500,2022-01\n", encoding="utf-8")
    ls = load_scenario("example")
    res = run_engine(read_participants(f), ls)
    a = analyse(res, ls)
    wb = load_workbook(excel.write_workbook(a, res, tmp_path / "o.xlsx", scenario=ls, charts=False))
    ws = wb["Per deltagare"]
    assert (ws["A2"].value, ws["A2"].data_type) == ("=1+1", "s")
    assert ws["A3"].value == "<&>"


def test_english_labels_for_sheets_and_actors(example, tmp_path):
    ls, res, a = example
    wb = load_workbook(excel.write_workbook(a, res, tmp_path / "en.xlsx", scenario=ls, lang="en", charts=False))
    en = labels("en")
    assert wb.sheetnames[0] == "Summary" and "Per participant" in wb.sheetnames
    header = _row(wb["Summary"], en["key_figure"])
    assert header[1:9] == ["Individual", "Municipality", "Region", "State", "Pension system", "Other municipalities and regions", "Employer",
                           "Public sector"]
    assert _row(wb["Summary"], en["first_year"])[2] == pytest.approx(a.first_year["kommun"])


def test_charts_are_written_as_png_and_svg_beside_the_workbook(example, tmp_path):
    ls, res, a = example
    excel.write_workbook(a, res, tmp_path / "r.xlsx", scenario=ls, charts=True)
    png, svg = tmp_path / "r-cumulative.png", tmp_path / "r-cumulative.svg"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = svg.read_text(encoding="utf-8")
    assert text.lstrip().startswith("<?xml") and "<svg" in text
    assert SV["kommun"] in text  # the legend (text kept as text)


def test_payback_marks_are_named_in_the_legend_not_beside_the_lines(example, tmp_path):
    # the example: kommun pays back its 1 250 000 kr share in month 6 and the public sector in month 10
    # (Sammanfattning); both cross zero, so labels beside the marks would sit on top of each other
    import re

    from nyttokalk.reports.charts import cumulative_chart

    _, _, a = example
    assert a.payback_marks == {"kommun": 6, "offentlig_sektor": 10}
    [_, svg] = cumulative_chart(a, {"png": tmp_path / "c.png", "svg": tmp_path / "c.svg"}, "sv")
    text = svg.read_text(encoding="utf-8")
    legend = re.search(r'<g id="legend_1">.*?</g>\s*</g>\s*</g>', text, re.S).group(0)
    for label in ("Återbetald: Kommun (6 mån)", "Återbetald: Offentlig sektor (10 mån)"):
        assert text.count(label) == 1 and label in legend, label


def test_the_tornado_draws_no_empty_bar_and_names_what_has_none(tmp_path):
    from nyttokalk.reports.charts import tornado_chart

    rows = [{"key": "wages.default", "low": 19_350, "high": 23_650, "effect_low": 90.0, "effect_high": 130.0},
            {"key": "discount_rate", "low": 0, "high": 7, "effect_low": 100.0, "effect_high": 100.0}]  # = base: no bar
    [_, svg] = tornado_chart(rows, 100.0, {"png": tmp_path / "t.png", "svg": tmp_path / "t.svg"}, "t", "sv")
    text = svg.read_text(encoding="utf-8")
    assert text.count("fill: #c0504d") == 2 and text.count("fill: #4f81bd") == 2  # wages.default's bar and the legend's key, each
    assert "Ändrar inte det här måttet (ingen stapel): discount_rate" in text
    assert "(0 – 7)" not in text  # discount_rate has no tick label


def test_run_lang_en_and_every_format(tmp_path):
    pytest.importorskip("pyarrow")
    import pandas as pd

    out = tmp_path / "r.xlsx"
    result = runner.invoke(app, ["run", "--out", str(out), "--lang", "en", "--format", "csv", "--format", "json", "--format", "parquet"])
    assert result.exit_code == 0, result.output
    assert "Public sector" in result.output and "Municipality" in result.output
    doc = json.loads((tmp_path / "r-participants.json").read_text(encoding="utf-8"))
    assert len(doc) == 40 and set(ACTORS) <= set(doc[0])
    sv = dict(sep=";", decimal=",", encoding="utf-8-sig")  # --format csv: the Swedish dialect by default
    flows = pd.read_csv(tmp_path / "r-flows.csv", **sv)
    assert set(flows.columns) >= {"category", "payer", "payee", "before", "after", "effect"}
    pq = pd.read_parquet(tmp_path / "r-participants.parquet")
    csv_pp = pd.read_csv(tmp_path / "r-participants.csv", **sv)
    assert pq["offentlig_sektor"].tolist() == pytest.approx(csv_pp["offentlig_sektor"].tolist(), abs=0.005)  # the CSV in öre
    assert sum(d["offentlig_sektor"] for d in doc) == pytest.approx(pq["offentlig_sektor"].sum())


def test_run_writes_no_chart_unless_asked(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(app, ["run"]).exit_code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nyttokalk-example.xlsx"]
    assert runner.invoke(app, ["run", "--charts", "--out", "r.xlsx"]).exit_code == 0
    assert (tmp_path / "r-cumulative.png").exists() and (tmp_path / "r-cumulative.svg").exists()


def test_csv_for_a_swedish_excel_and_for_scripts(tmp_path):
    """--format csv: semicolons, decimal comma, a byte-order mark and öre (a Swedish Excel opens it
    with a double-click); --dialect plain: commas and decimal points. Both with the per-year and
    monthly tables beside the flows and the participants, and the same figures as --json."""
    res = runner.invoke(app, ["run", "--out", str(tmp_path / "r.xlsx"), "--format", "csv", "--json"])
    assert res.exit_code == 0, res.output
    kommun = json.loads(res.stdout)["per_year"][0]["undiscounted"]["kommun"]  # rounded to öre in the JSON too
    raw = (tmp_path / "r-per-year.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM
    lines = raw.decode("utf-8-sig").splitlines()
    header = lines[0].split(";")
    assert header[:3] == ["year", "kind", "individ"] and "offentlig_sektor" in header
    row = lines[1].split(";")
    assert row[:2] == ["1", "undiscounted"] and row[header.index("kommun")] == f"{kommun:.2f}".replace(".", ",")
    monthly = (tmp_path / "r-monthly.csv").read_text(encoding="utf-8-sig").splitlines()
    assert monthly[0].startswith("month;individ;") and monthly[1].startswith("2022-01;")
    res = runner.invoke(app, ["run", "--out", str(tmp_path / "p.xlsx"), "--format", "csv", "--dialect", "plain"])
    assert res.exit_code == 0, res.output
    plain = (tmp_path / "p-per-year.csv").read_text(encoding="utf-8")
    assert not plain.startswith("\ufeff") and f",{kommun:.2f}," in plain
    assert not re.search(r"\de[-+]\d", (tmp_path / "p-flows.csv").read_text(encoding="utf-8"))  # no 5.82e-11: rounded to öre


def test_parquet_without_pyarrow_is_a_clear_exit_2(tmp_path, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "pyarrow" else real(name, *a))
    result = runner.invoke(app, ["run", "--out", str(tmp_path / "r.xlsx"), "--format", "parquet"])
    assert result.exit_code == 2
    assert "pyarrow" in result.output and "nyttokalk[parquet]" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "r.xlsx").exists()


def test_an_unknown_language_or_format_is_exit_2(tmp_path):
    r1 = runner.invoke(app, ["run", "--out", str(tmp_path / "r.xlsx"), "--lang", "de"])
    assert r1.exit_code == 2 and "--lang" in r1.output and "sv, en" in r1.output
    r2 = runner.invoke(app, ["run", "--out", str(tmp_path / "r.xlsx"), "--format", "xml"])
    assert r2.exit_code == 2 and "--format" in r2.output and "csv, json, parquet" in r2.output


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_the_workbook_without_repair(book, tmp_path):
    path, _ = book
    profile = tmp_path / "lo-profile"
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(path)],
        capture_output=True, text=True, timeout=180, env={**os.environ, "HOME": str(tmp_path)},
    )
    pdf = tmp_path / (Path(path).stem + ".pdf")
    assert result.returncode == 0, result.stderr
    assert pdf.exists() and pdf.read_bytes()[:5] == b"%PDF-", result.stdout + result.stderr
