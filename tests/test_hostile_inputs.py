"""Hostile and careless inputs (issue 20, the input side), driven through the CLI: each ends in exit 2
with the place named (file, line:col or row and column), fast, and without a traceback."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from helpers import refused
from nyttokalk.cli import app
from nyttokalk.paths import rules_dir, scenarios_dir

pytestmark = pytest.mark.usefixtures("english")  # messages are checked in English, the message ids (Swedish: test_i18n.py)

runner = CliRunner(env={"COLUMNS": "250"})
EXAMPLE = scenarios_dir() / "example"


def invoke(*args, env=None):
    return runner.invoke(app, [str(a) for a in args], env=env)


def scenario_file(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    """A scenario of a title, the norm's reasonable costs and `text` (keys not among the first two)."""
    f = tmp_path / name
    f.write_text("title: t\nforsorjningsstod: {reasonable_costs: 6500}\n" + text + "\n", encoding="utf-8")
    return f


def timed(*args, env=None):
    """(result, seconds) of a command, after a first call has imported what the command needs."""
    invoke(*args, env=env)
    start = time.perf_counter()
    result = invoke(*args, env=env)
    return result, time.perf_counter() - start


def line_of(path: Path, needle: str) -> int:
    return next(i for i, ln in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if needle in ln)


# --- YAML: bounded work, and every failure placed ------------------------------------------------

def _bomb(prefix: str) -> str:
    """Billion laughs: nine levels of ten aliases each, 10⁹ items once expanded."""
    lines = [f"{prefix}a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 9):
        prev, cur = chr(96 + i), chr(97 + i)
        lines.append(f"{prefix}{cur}: &{cur} [" + ", ".join([f"*{prev}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_in_a_scenario_ends_in_exit_2_within_a_second_with_file_and_line(tmp_path):
    f = tmp_path / "bomb.yaml"
    f.write_text("title: bomb\nchoices:\n  - x\nx-anchors:\n" + _bomb("  "), encoding="utf-8")
    result, seconds = timed("validate", "--scenario", f)
    assert seconds < 1.0
    refused(result, "bomb.yaml:", "aliases expanded")


def test_an_alias_bomb_under_the_ignored_x_keys_of_a_rules_file_ends_in_exit_2_within_a_second(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(rules_dir(), rules)
    f = rules / "2022.yaml"
    f.write_text(_bomb("x-") + f.read_text(encoding="utf-8"), encoding="utf-8")
    result, seconds = timed("rules", "validate", f)
    assert seconds < 1.0
    refused(result, "2022.yaml:", "aliases expanded")


def test_an_alias_repeated_in_choices_is_measured_once_per_use(tmp_path):
    # 3 000 uses of an anchor of 100 items: 300 000 values once expanded (over the 100 000 limit)
    f = tmp_path / "s.yaml"
    f.write_text("title: t\nx: &big [" + ", ".join(["word"] * 100) + "]\nchoices:\n" + "  - *big\n" * 3000, encoding="utf-8")
    refused(invoke("validate", "--scenario", f), "s.yaml:", "aliases expanded")


def test_a_recursive_alias_is_refused(tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text("title: t\nchoices: &c [a, *c]\n", encoding="utf-8")
    refused(invoke("validate", "--scenario", f), "s.yaml:2:", "recursive alias")


@pytest.mark.parametrize("text, needles", [
    (b"title: t\ndescription: a\x00b\n", ["s.yaml:2:15", "U+0000"]),
    (b"title: t\n? [a, b]\n: 1\n", ["s.yaml:2:3", "cannot be a key"]),
    (b"title: t\nperiod:\n  horizon_months: " + b"9" * 5000 + b"\n", ["s.yaml:3:19", "5000 characters"]),
    ("title: Malmö\n".encode("cp1252"), ["s.yaml:1:12", "not UTF-8", "0xf6"]),
    (b"title: t\nchoices: " + b"[" * 60 + b"]" * 60 + b"\n", ["s.yaml:2:", "levels deep"]),
], ids=["nul", "unhashable_key", "5000_digits", "cp1252", "deep"])
def test_unreadable_yaml_is_exit_2_naming_the_place(tmp_path, text, needles):
    f = tmp_path / "s.yaml"
    f.write_bytes(text)
    refused(invoke("validate", "--scenario", f), *needles)


# --- scenario values ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, key, needle", [
    ("period: {exit_month: 2022-01, horizon_months: true}", "period.horizon_months", "not true"),
    ("project: {cost: .inf}", "project.cost", "finite number"),
    ("project: {cost: 100000, funding: {stat: .nan, kommun: 0.5}}", "project.funding.stat", "finite number"),
    ("project: {cost: 100000, funding: {stat: 0.5, kommun: 0.4}}", "project.funding", "sum to 1"),
    ("discount_rate: .nan", "discount_rate", "finite number"),
    ("participant_defaults: {adults: true}", "participant_defaults.adults", "not true"),
    ("wages: {default: 21.5, extratjanst: 18000}", "wages.default", "must be at least 1,000"),
    ("period: {exit_month: 9999-12}", "period.exit_month", "1990–2036"),
    ("period: {exit_month: 0000-01}", "period.exit_month", "1990–2036"),
    ("period: {exit_month: 2022-01, rules_date: 9999-01-01}", "period.rules_date", "2022–2036"),
], ids=["bool_horizon", "inf_cost", "nan_share", "shares_sum", "nan_rate", "bool_adults", "wage_floor", "exit_9999", "exit_0000",
        "rules_date_9999"])
def test_a_wrong_scenario_value_is_exit_2_at_its_key(tmp_path, text, key, needle):
    f = scenario_file(tmp_path, text)
    result, seconds = timed("validate", "--scenario", f)
    assert seconds < 1.0  # 9999-12 and 0000-01 are refused before anything is computed
    refused(result, "s.yaml:3:", key, needle)


def test_a_personnummer_in_a_scenario_text_is_masked(tmp_path):
    # 19811218-9876 is made up, with a valid check digit
    text = (EXAMPLE / "scenario.yaml").read_text(encoding="utf-8")
    text = text.replace("participants: participants.csv", f"participants: {EXAMPLE / 'participants.csv'}")
    text = text.replace("title: Exempel", "title: Projekt 811218-9876 Exempel").replace(
        "  - \"Synthetic participants;", "  - \"Deltagare 19811218-9876 räknad för sig. Synthetic participants;")
    f = tmp_path / "s.yaml"
    f.write_text(text, encoding="utf-8")
    result = invoke("run", "--scenario", f, "--json", "--out", tmp_path / "o.xlsx")
    assert result.exit_code == 0, result.output
    assert "9876" not in result.stdout and "<personnummer>" in result.stdout


# --- rules files and municipal tax tables --------------------------------------------------------

def rules_copy(tmp_path: Path) -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(rules_dir(), rules)
    return rules


def test_a_negative_prisbasbelopp_is_exit_2_at_its_key(tmp_path):
    rules = rules_copy(tmp_path)
    f = rules / "2022.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("value: 48300", "value: -48300", 1), encoding="utf-8")
    result = invoke("validate", "--scenario", "example", env={"NYTTOKALK_RULES_DIR": str(rules)})
    refused(result, f"2022.yaml:{line_of(f, 'prisbasbelopp:')}:", "base_amounts.prisbasbelopp", "-48300 is negative")


@pytest.mark.parametrize("old, new, needle", [
    ("value: 48300", "value: .inf", "finite number"),
    ("value: 48300", "value: true", "not true/false"),
], ids=["inf", "bool"])
def test_a_non_finite_or_boolean_rule_value_is_exit_2_at_its_key(tmp_path, old, new, needle):
    rules = rules_copy(tmp_path)
    f = rules / "2022.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    result = invoke("validate", "--scenario", "example", env={"NYTTOKALK_RULES_DIR": str(rules)})
    refused(result, "2022.yaml:", "base_amounts.prisbasbelopp", needle)


HALMSTAD = "1380,Halmstad,"


@pytest.mark.parametrize("change, needles", [
    (lambda t: t + "1380,Halmstad igen,20.0,11.0,0.2\n", ["kommunkod given twice (first on row", "value '1380'"]),
    (lambda t: t + "0999,Kort\n", ["the row has 2 fields; the header has 5"]),
    (lambda t: t.replace("0114,Upplands Väsby,19.42", "0114,Upplands Väsby,194.2"), ["row 2, column kommunal_procent", "'194.2'"]),
    (lambda t: t.replace("0114,Upplands Väsby,19.42", "0114,Upplands Väsby,nan"), ["row 2, column kommunal_procent", "'nan'"]),
], ids=["duplicate_kommunkod", "short_row", "rate_out_of_range", "rate_nan"])
def test_a_bad_municipal_tax_table_is_exit_2_with_file_and_row(tmp_path, change, needles):
    rules = rules_copy(tmp_path)
    table = rules / "municipalities" / "2022.csv"
    table.write_text(change(table.read_text(encoding="utf-8")), encoding="utf-8")
    refused(invoke("validate", "--scenario", "example", env={"NYTTOKALK_RULES_DIR": str(rules)}), "2022.csv", *needles)


def test_a_municipal_tax_table_in_cp1252_is_exit_2_with_its_row(tmp_path):
    rules = rules_copy(tmp_path)
    table = rules / "municipalities" / "2022.csv"
    text = table.read_text(encoding="utf-8")
    table.write_bytes(text.encode("cp1252"))
    first_non_ascii = next(i for i, ln in enumerate(text.splitlines(), start=1) if not ln.isascii())
    refused(invoke("validate", "--scenario", "example", env={"NYTTOKALK_RULES_DIR": str(rules)}),
            f"2022.csv, row {first_non_ascii}", "not UTF-8")


# --- participant files ------------------------------------------------------------------------------

HEADER = "id,before,after,age,wage,exit_month\n"


def participant_file(tmp_path: Path, text: str, name: str = "deltagare.csv", encoding: str = "utf-8") -> Path:
    f = tmp_path / name
    f.write_bytes(text.encode(encoding))
    return f


@pytest.mark.parametrize("text, needles", [
    (HEADER + "A,forsorjningsstod,arbete,30,21.500,2022-01\n",
     ["row 2, column wage", "'21.500'", "ambiguous", "write 21500 or 21 500"]),
    (HEADER + 'A,forsorjningsstod,arbete,30,"21,500",2022-01\n',
     ["row 2, column wage", "'21,500'", "ambiguous", "21.5 for the second"]),
    ("id;före;efter;ålder;lön;avslutsmånad\nA;forsorjningsstod;arbete;30;21,500;2022-01\n",
     ["row 2, column lön (wage)", "'21,500'", "ambiguous"]),
    ("id;before;after;age;wage;exit_month\nA;forsorjningsstod;arbete;30;21,5;2022-01\n",
     ["row 2, column wage", "'21,5'", "below 1000 kr a month"]),
    (HEADER + "A,forsorjningsstod,arbete,30,21500,2022-01-45\n", ["row 2, column exit_month", "'2022-01-45'", "2022-01 has 31 days"]),
    (HEADER + "A,forsorjningsstod,arbete,30,21500,2022-02-30\n", ["row 2, column exit_month", "'2022-02-30'", "2022-02 has 28 days"]),
], ids=["dot_thousands", "comma_thousands", "semicolon_comma_thousands", "wage_floor", "day_45", "february_30"])
def test_a_wrong_number_or_date_is_never_a_result(tmp_path, text, needles):
    f = participant_file(tmp_path, text)
    out = tmp_path / "out.xlsx"
    refused(invoke("run", f, "--scenario", "example", "--out", out), *needles)
    assert not out.exists()


@pytest.mark.parametrize("month", ["9999-12", "0000-01"])
def test_an_exit_month_far_outside_the_rules_fails_at_once(tmp_path, month):
    f = participant_file(tmp_path, HEADER + f"A,forsorjningsstod,arbete,30,21500,{month}\n")
    result, seconds = timed("run", f, "--scenario", "example", "--json")
    assert seconds < 1.0
    refused(result, "row 2, column exit_month", f"'{month}'", "outside the years a run can compute, 1990–2036")


def test_a_5_mb_cell_is_refused_with_its_row(tmp_path):
    f = participant_file(tmp_path, HEADER + "A,forsorjningsstod,arbete,30,21500,2022-01\nB," + "x" * 5_000_000 + ",arbete,30,21500,2022-01\n")
    result, seconds = timed("validate", f)
    assert seconds < 1.0
    refused(result, "deltagare.csv, row 3", "a row may have at most 1,048,576 bytes")


def test_a_cell_longer_than_excel_allows_is_refused_with_row_and_column(tmp_path):
    f = participant_file(tmp_path, HEADER + "A,forsorjningsstod,arbete,30,21500,2022-01\nB,forsorjningsstod," + "y" * 40_000 + ",30,21500,2022-01\n")
    refused(invoke("validate", f), "row 3, column after", "a cell of 40,000 characters", "at most 32,767")


def test_a_million_column_header_is_refused_at_once(tmp_path):
    f = participant_file(tmp_path, "id" + "," * 999_999 + "\nA\n")
    result, seconds = timed("validate", f)
    assert seconds < 1.0
    refused(result, "row 1", "the header has 1000000 columns", "at most 200")


def test_a_million_column_row_is_refused(tmp_path):
    f = participant_file(tmp_path, HEADER + "A,forsorjningsstod,arbete,30,21500,2022-01" + ",x" * 500_000 + "\n")
    result, seconds = timed("validate", f)
    assert seconds < 2.0
    refused(result, "deltagare.csv", "cannot read as CSV", "Expected 6 fields in line 2")


def test_an_empty_id_key_is_refused(tmp_path):
    f = participant_file(tmp_path, HEADER + "19811218-9876,forsorjningsstod,arbete,30,21500,2022-01\n")
    refused(invoke("run", f, "--json", "--id-key", ""), "--id-key", "the key is empty")


def test_a_participant_file_named_after_a_personnummer_is_masked_in_the_outputs(tmp_path):
    # 19811218-9876 is made up, with a valid check digit
    f = participant_file(tmp_path, HEADER + "A,forsorjningsstod,arbete,30,21500,2022-01\n", name="19811218-9876.csv")
    out = tmp_path / "o.xlsx"
    result = invoke("run", f, "--json", "--out", out)
    assert result.exit_code == 0, result.output
    assert "9876" not in result.stdout and "<personnummer>.csv" in result.stdout
    from openpyxl import load_workbook

    text = " ".join(str(c.value) for ws in load_workbook(out) for row in ws.iter_rows() for c in row)
    assert "9876" not in text


def test_a_formula_without_a_saved_value_is_named_by_its_cell_not_read_as_a_missing_wage(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Deltagare"
    for row in (["id", "before", "after", "age", "wage", "exit_month"], ["A", "forsorjningsstod", "arbete", 30, "=21500*1", "2022-01"]):
        ws.append(row)
    wb.save(tmp_path / "d.xlsx")  # openpyxl saves formulas without their values, as any program but Excel
    result = invoke("run", tmp_path / "d.xlsx", "--json")
    refused(result, "cell Deltagare!E2 holds a formula (=21500*1) without a saved value", "row 2, column wage")
    assert "missing" not in result.output


def test_a_hidden_first_sheet_is_not_read(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    old = wb.active
    old.title = "Gammal"
    old.append(["id", "before", "after", "age", "wage", "exit_month"])
    old.append(["OLD1", "forsorjningsstod", "arbete", 30, 21500, "2022-01"])
    old.append(["OLD2", "forsorjningsstod", "arbete", 30, 21500, "2022-01"])
    old.sheet_state = "hidden"
    new = wb.create_sheet("Deltagare")
    new.append(["id", "before", "after", "age", "wage", "exit_month"])
    new.append(["NEW", "forsorjningsstod", "arbete", 30, 21500, "2022-01"])
    wb.save(tmp_path / "d.xlsx")
    result = invoke("validate", tmp_path / "d.xlsx")
    assert result.exit_code == 0, result.output
    assert "1 participants" in result.output


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_file_in_a_dataset_folder_is_exit_2(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    participant_file(folder, HEADER + "A,forsorjningsstod,arbete,30,21500,2022-01\n", name="a.csv")
    locked = participant_file(folder, HEADER + "B,forsorjningsstod,arbete,30,21500,2022-01\n", name="b.csv")
    locked.chmod(0)
    try:
        refused(invoke("run", folder, "--json"), "b.csv", "cannot read")
    finally:
        locked.chmod(0o600)
