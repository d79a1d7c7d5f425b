"""Bad input gets a clear error and loses nothing; personal data stays private; formulas stay text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from helpers import refused
from nyttokalk.cli import app

pytestmark = pytest.mark.usefixtures("english")  # messages are checked in English, the message ids (Swedish: test_i18n.py)

runner = CliRunner(env={"COLUMNS": "250"})
HEADER = "id,before,after,age,wage,exit_month\n"
GOOD = "A1,forsorjningsstod,arbete,30,21500,2022-01\n"
# Made-up numbers with a valid check digit (never real people)
PNR = ("19811218-9876", "811218-9876", "198112189876", "8112189876", "19811278-9873")  # last: samordningsnummer


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


BAD_FILES = {
    "empty": (b"", ["the file is empty"]),
    "only_spaces": (b"  \n \n", ["the file is empty"]),
    "binary": (b"\x00\x01\x02PNG\x00" * 50, ["binary content"]),
    "zip_named_csv": (b"PK\x03\x04" + b"\x00" * 100, ["Excel workbook or other zip file"]),
    "header_only": (HEADER.encode(), ["no participant rows"]),
    "no_header": (b"A1,forsorjningsstod,arbete\n", ["required column is missing", "column id"]),
    "duplicate_ids": ((HEADER + GOOD + GOOD).encode(), ["row 3, column id", "duplicate id (first on row 2)"]),
    "age_out_of_range": ((HEADER + "A1,forsorjningsstod,arbete,7,21500,2022-01\n").encode(), ["row 2, column age", "'7'"]),
    "wage_not_a_number": ((HEADER + "A1,forsorjningsstod,arbete,30,lots,2022-01\n").encode(), ["row 2, column wage", "'lots'", "not a number"]),
    "wage_negative": ((HEADER + "A1,forsorjningsstod,arbete,30,-5,2022-01\n").encode(), ["row 2, column wage", "'-5'"]),
    "extent_zero": (("id,before,after,age,wage,exit_month,extent\nA1,forsorjningsstod,arbete,30,21500,2022-01,0\n").encode(), ["column extent", "(0, 1]"]),
    "extent_above_one": (("id,before,after,age,wage,exit_month,extent\nA1,forsorjningsstod,arbete,30,21500,2022-01,1.5\n").encode(), ["column extent", "'1.5'"]),
    "unknown_column": (("id,before,after,age,wage,exit_month,wagee\nA1,forsorjningsstod,arbete,30,21500,2022-01,1\n").encode(), ["column wagee", "did you mean 'wage'"]),
    "unknown_state": ((HEADER + "A1,forsörjningstöd,arbete,30,21500,2022-01\n").encode(), ["row 2, column before", "did you mean 'forsorjningsstod'"]),
    "bad_month": ((HEADER + "A1,forsorjningsstod,arbete,30,21500,2022-13\n").encode(), ["row 2, column exit_month", "YYYY-MM"]),
    "duplicate_column": (("id,before,after,age,age\nA1,forsorjningsstod,arbete,30,30\n").encode(), ["column age", "more than once"]),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_participant_file_is_exit_2_with_the_place_and_no_output(tmp_path, case):
    content, needles = BAD_FILES[case]
    f = tmp_path / "deltagare.csv"
    f.write_bytes(content)
    out = tmp_path / "out.xlsx"
    result = run("run", f, "--scenario", "example", "--out", out)
    refused(result, *needles)
    assert not out.exists()


def test_every_problem_is_collected_and_more_than_20_go_to_an_error_csv(tmp_path):
    rows = "".join(f"A{i},forsorjningsstod,arbete,{200 + i},21500,2022-01\n" for i in range(30))  # 30 ages out of range
    f = tmp_path / "deltagare.csv"
    f.write_text(HEADER + rows, encoding="utf-8")
    result = run("run", f, "--out", tmp_path / "out.xlsx")
    refused(result, "… and 10 more problems", "deltagare.errors.csv")
    lines = (tmp_path / "deltagare.errors.csv").read_text(encoding="utf-8").splitlines()
    assert lines[0] == "file,row,column,value,problem"
    assert len(lines) == 31  # every problem, not the first 20
    assert sum(",age,229," in ln for ln in lines) == 1


def test_validate_and_run_name_every_problem_in_one_pass(tmp_path):
    """Issue 16: a scenario missing three choices and a file with three kinds of row problems took
    several rounds of validate; now one pass names all six, and run refuses with the same six."""
    scenario = tmp_path / "s.yaml"
    scenario.write_text("title: t\nperiod: {exit_month: 2024-01, horizon_months: 36}\nwages: {default: 21500}\n"
                        "participant_defaults: {age: 35}\n", encoding="utf-8")  # no reasonable_costs, lonebidrag_share, keep_job_probability
    people = tmp_path / "p.csv"
    people.write_text("id,before,after,wage,months_unemployed,municipality\n"
                      "A1,forsorjningsstod,arbete,23 x00,,Halmstad\n"            # row 2: not a number
                      "A2,forsorjningsstod,nystartsjobb,21000,,Halmstad\n"       # row 3: months_unemployed needed
                      "A3,forsorjningsstod,lonebidrag,21000,,Halmstad\n"         # row 4: lonebidrag needs the share
                      "A4,forsorjningsstod,introduktionsjobb,21000,,Halmsta\n"   # row 5: unknown kommun; the job ends in 36 months
                      "A5,forsorjningsstod,arbete,21000,,Halmstad\n", encoding="utf-8")
    expected = ["p.csv, row 2, column wage (value '23 x00'): not a number",
                "p.csv, row 3, column months_unemployed",
                "p.csv, row 5, column municipality (value 'Halmsta')",
                "s.yaml, key forsorjningsstod.reasonable_costs",
                "s.yaml, key persistence.keep_job_probability",
                "s.yaml, key subsidies.lonebidrag_share (value 'null'): 1 participant goes to lonebidrag (row 4)"]
    for command in ("validate", "run"):
        result = run(command, people, "--scenario", scenario, "--out", tmp_path / "r.xlsx") if command == "run" else \
            run(command, people, "--scenario", scenario)
        refused(result, "6 problems in the participants and the scenario", *expected)
        assert result.output.count("  • ") == 6
    assert not (tmp_path / "r.xlsx").exists()


def test_an_error_leaves_an_earlier_workbook_intact(tmp_path):
    out = tmp_path / "resultat.xlsx"
    out.write_bytes(b"earlier result")
    f = tmp_path / "deltagare.csv"
    f.write_text(HEADER + "A1,forsorjningsstod,arbete,300,21500,2022-01\n", encoding="utf-8")
    assert run("run", f, "--out", out).exit_code == 2
    assert out.read_bytes() == b"earlier result"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temporary left


@pytest.mark.parametrize("encoding,text", [
    ("utf-8-sig", HEADER + GOOD),  # UTF-8 with BOM (Excel "CSV UTF-8")
    ("cp1252", "id;before;after;age;wage;exit_month;newly_arrived;extent\nA1;Försörjningsstöd;arbete;30;21500,50;2022-01;nej;0,75\n\n;;;;;;;\n"),
])
def test_swedish_excel_exports_are_read(tmp_path, encoding, text):
    f = tmp_path / "deltagare.csv"
    f.write_bytes(text.encode(encoding))
    result = run("run", f, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["meta"]["participants"] == 1


def test_an_xlsx_participant_file_is_read(tmp_path):
    wb = Workbook()
    ws = wb.active
    for row in (HEADER.strip().split(","), GOOD.strip().split(",")):
        ws.append(row)
    ws.append([None] * 6)  # a trailing empty row
    wb.save(tmp_path / "deltagare.xlsx")
    result = run("run", tmp_path / "deltagare.xlsx", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["meta"]["participants"] == 1


def test_an_xlsx_with_numbers_and_dates_as_excel_stores_them_is_read(tmp_path):
    import datetime as dt

    wb = Workbook()
    ws = wb.active
    ws.append(HEADER.strip().split(","))
    ws.append(["A1", "forsorjningsstod", "arbete", 30, 21500, dt.datetime(2022, 1, 1)])  # Excel makes 2022-01 a date
    wb.save(tmp_path / "d.xlsx")
    result = run("run", tmp_path / "d.xlsx", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["meta"]["first_month"] == "2022-01"


def test_the_bundled_templates_validate():
    root = Path(__file__).parent.parent / "docs" / "templates"
    for name in ("deltagare-mall.csv", "deltagare-mall.xlsx"):
        r = run("validate", root / name, "--scenario", "example")
        assert r.exit_code == 0, r.output


def test_the_templates_name_every_column_and_its_swedish_names():
    """A finance officer starting from a template meets every column the engine reads (issue 16)."""
    import csv

    from nyttokalk.participants import ALIASES, OPTIONAL, REQUIRED

    root = Path(__file__).parent.parent / "docs" / "templates"
    with open(root / "deltagare-mall.csv", encoding="utf-8") as f:
        header = next(csv.reader(f))
    assert header == list(REQUIRED + OPTIONAL)
    wb = load_workbook(root / "deltagare-mall.xlsx")
    assert [c.value for c in wb["Deltagare"][1]] == list(REQUIRED + OPTIONAL)
    listed = {row[0]: row[1] for row in wb["Kolumner"].iter_rows(min_row=2, values_only=True) if row[0] in REQUIRED + OPTIONAL}
    assert set(listed) == set(REQUIRED + OPTIONAL)
    for col, aliases in ALIASES.items():
        assert listed[col].split(", ") == list(aliases), col


def test_a_formula_in_an_id_stays_text_in_the_workbook(tmp_path):
    f = tmp_path / "deltagare.csv"
    f.write_text(HEADER + '"=HYPERLINK(""http://x"",""klick"")",forsorjningsstod,arbete,30,21500,2022-01\n'
                 "+1+1,forsorjningsstod,arbete,30,21500,2022-01\n", encoding="utf-8")
    out = tmp_path / "o.xlsx"
    assert run("run", f, "--out", out).exit_code == 0
    ws = load_workbook(out)["Per participant"]
    cells = {c.value: c.data_type for row in ws.iter_rows(min_row=2, max_col=1) for c in row}
    assert cells['=HYPERLINK("http://x","klick")'] == "s"
    assert cells["+1+1"] == "s"


def test_the_error_csv_never_holds_a_formula_or_a_personnummer(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # without --out, the error CSV goes to the current folder
    rows = "".join(f"=cmd{i},forsorjningsstod,arbete,{200 + i},21500,2022-01\n" for i in range(25))
    rows += f"{PNR[0]},forsorjningsstod,arbete,300,21500,2022-01\n"
    f = tmp_path / "d.csv"
    f.write_text(HEADER + rows, encoding="utf-8")
    assert run("run", f).exit_code == 2
    text = (tmp_path / "d.errors.csv").read_text(encoding="utf-8")
    assert "\n=" not in text and ",=" not in text
    assert "9876" not in text


@pytest.mark.parametrize("pnr", PNR)
def test_a_personnummer_never_reaches_any_output_or_message(tmp_path, pnr):
    f = tmp_path / "d.csv"
    f.write_text(HEADER + f"{pnr},forsorjningsstod,arbete,40,21500,2022-01\n" + GOOD, encoding="utf-8")
    out = tmp_path / "o.xlsx"
    result = run("run", f, "--json", "--out", out)
    assert result.exit_code == 0, result.output
    assert "9876" not in result.output and "9873" not in result.output
    doc = json.loads(result.stdout)
    assert any("pseudonym" in w for w in doc["warnings"])
    text = " ".join(str(c.value) for ws in load_workbook(out) for row in ws.iter_rows() for c in row)
    assert "811218" not in text and "811278" not in text
    # a duplicate personnummer is reported without the number
    f.write_text(HEADER + f"{pnr},forsorjningsstod,arbete,40,21500,2022-01\n" * 2, encoding="utf-8")
    result = run("run", f)
    refused(result, "duplicate id")
    assert "811218" not in result.output and "811278" not in result.output


def test_pseudonyms_are_keyed_stable_with_a_key_and_ids_kept_on_request(tmp_path):
    f = tmp_path / "d.csv"
    f.write_text(HEADER + f"{PNR[0]},forsorjningsstod,arbete,40,21500,2022-01\n", encoding="utf-8")

    def first_id(*extra):
        r = run("run", f, "--json", "--out", tmp_path / "o.xlsx", *extra)
        assert r.exit_code == 0, r.output
        return load_workbook(tmp_path / "o.xlsx")["Per participant"]["A2"].value

    a, b = first_id("--id-key", "hemlig"), first_id("--id-key", "hemlig")
    assert a == b and a.startswith("P") and "9876" not in a
    assert first_id("--id-key", "annan") != a
    assert first_id("--keep-ids") == PNR[0]


def test_json_output_is_pure_json_on_stdout(tmp_path):
    f = tmp_path / "d.csv"
    f.write_text(HEADER + f"{PNR[0]},forsorjningsstod,arbete,40,21500,2022-01\n", encoding="utf-8")
    result = runner.invoke(app, ["run", str(f), "--json"])
    assert result.exit_code == 0
    assert "personnummer" in result.stderr  # the warning, on stderr
    json.loads(result.stdout)  # stdout is one JSON document


def test_two_runs_of_the_same_input_give_the_same_figures():
    a = json.loads(run("run", "--json").stdout)
    b = json.loads(run("run", "--json").stdout)
    assert a["first_year"] == b["first_year"] and a["per_year"] == b["per_year"] and a["meta"]["rules"] == b["meta"]["rules"]
    assert len(a["meta"]["input"]["sha256"]) == 64 and len(a["meta"]["scenario"]["sha256"]) == 64


def test_validate_checks_without_writing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert run("validate").exit_code == 0
    assert list(tmp_path.iterdir()) == []
    f = tmp_path / "d.csv"
    f.write_text(HEADER + "A1,forsorjningsstod,arbete,30,,2022-01\n", encoding="utf-8")
    r = run("validate", f, "--scenario", "example")
    assert r.exit_code == 0, r.output  # the example scenario has a default wage
    r = runner.invoke(app, ["validate", str(f), "--scenario", str(Path(__file__).parent / "no-such.yaml")])
    refused(r, "no such scenario")


def test_scenario_init_writes_a_template_that_names_the_required_keys(tmp_path):
    out = tmp_path / "s.yaml"
    assert run("scenario", "init", out).exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "reasonable_costs: null" in text and "← REQUIRED" in text
    r = run("validate", Path(__file__).parent.parent / "scenarios" / "example" / "participants.csv", "--scenario", out)
    refused(r, "reasonable_costs must be set")
    assert run("scenario", "init", out).exit_code == 2  # no overwrite without --force


def test_a_scenario_yaml_error_names_file_line_column_and_suggests(tmp_path):
    s = tmp_path / "s.yaml"
    s.write_text("title: t\nforsorjningsstod:\n  reasonable_cost: 6500\n", encoding="utf-8")
    refused(run("validate", "--scenario", s), "s.yaml:3:3", "did you mean 'reasonable_costs'")
    s.write_text("title: t\ntitle: u\n", encoding="utf-8")
    refused(run("validate", "--scenario", s), "duplicate key 'title'")


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
cell = hs.lists(hs.sampled_from(list("ab01-,;\"=\n\r\t .éÖ") + ["forsorjningsstod", "arbete", "2022-01", "\x00"]), max_size=6).map("".join)


@FUZZ
@given(hs.lists(hs.lists(cell, min_size=1, max_size=7), min_size=0, max_size=6), hs.booleans())
def test_malformed_csv_never_ends_in_a_traceback(tmp_path_factory, table, with_header):
    d = tmp_path_factory.mktemp("f")
    lines = ([HEADER.strip()] if with_header else []) + [",".join(r) for r in table]
    f = d / "d.csv"
    f.write_text("\n".join(lines), encoding="utf-8")
    result = run("run", f, "--json", "--out", d / "o.xlsx")
    assert result.exit_code in (0, 2), result.output
    assert "Traceback" not in result.output and "Internt fel" not in result.output


@FUZZ
@given(hs.lists(hs.sampled_from(list("abc:- {}[]\n'\"&*!#|>%@`0123456789") + ["title", "period", "horizon_months", "  "]), max_size=40).map("".join))
def test_malformed_scenario_yaml_never_ends_in_a_traceback(tmp_path_factory, text):
    d = tmp_path_factory.mktemp("y")
    s = d / "s.yaml"
    s.write_text(text, encoding="utf-8")
    result = run("validate", Path(__file__).parent.parent / "scenarios" / "example" / "participants.csv", "--scenario", s)
    assert result.exit_code in (0, 2), result.output
    assert "Traceback" not in result.output and "Internt fel" not in result.output
