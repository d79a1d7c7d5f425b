"""Participant files as Parquet: the same columns, validation and results as CSV; typed columns
are read as the CSV reader would read their text; row numbers are 1-based data rows."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from nyttokalk.cli import app
from nyttokalk.errors import InputError
from nyttokalk.participants import read_participants
from nyttokalk.paths import scenarios_dir

pytestmark = pytest.mark.usefixtures("english")  # messages are checked in English, the message ids (Swedish: test_i18n.py)

pytest.importorskip("pyarrow")

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))
from generate import generate, typed  # noqa: E402

runner = CliRunner(env={"COLUMNS": "250"})


def run_json(path: Path, scenario: str) -> dict:
    result = runner.invoke(app, ["run", str(path), "--scenario", scenario, "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    doc["meta"].pop("input")  # file name and hash differ by construction
    # a warning names its rows: a CSV's line numbers (header = line 1), a Parquet file's data rows (from 1)
    doc["warnings"] = [w.split(": rows ")[0] for w in doc["warnings"]]
    return doc


def test_a_typed_parquet_file_and_the_same_csv_give_identical_json(tmp_path):
    df = generate(120, seed=11)
    df.to_csv(tmp_path / "p.csv", index=False)
    typed(df).to_parquet(tmp_path / "p.parquet", index=False)  # int, float, bool, date columns
    scenario = str(BENCH / "scenario.yaml")
    assert run_json(tmp_path / "p.parquet", scenario) == run_json(tmp_path / "p.csv", scenario)


def test_the_bundled_example_as_parquet_gives_the_same_json(tmp_path):
    csv_path = scenarios_dir() / "example" / "participants.csv"
    pq = tmp_path / "participants.parquet"
    pd.read_csv(csv_path).to_parquet(pq, index=False)  # pandas types: ints, floats with NaN for empty cells, bools, strings
    from_parquet, from_csv = run_json(pq, "example"), run_json(csv_path, "example")
    # a warning names rows in the file's own numbering (a CSV's line numbers, a Parquet file's rows): the same people
    rows = [re.findall(r"rows? ([\d, ]+)", w) for w in from_csv["warnings"]]
    assert [[", ".join(str(int(x) - 1) for x in r[0].split(", "))] if r else [] for r in rows] == \
        [re.findall(r"rows? ([\d, ]+)", w) for w in from_parquet["warnings"]]
    assert [re.sub(r"rows? [\d, ]+", "rows", w) for w in from_parquet.pop("warnings")] == \
        [re.sub(r"rows? [\d, ]+", "rows", w) for w in from_csv.pop("warnings")]
    assert from_parquet == from_csv


def test_typed_columns_are_normalised_to_what_the_csv_path_reads(tmp_path):
    # the same three people written as CSV text and as typed Parquet columns with nulls
    (tmp_path / "p.csv").write_text(
        "id,before,after,age,newly_arrived,months_unemployed,wage,extent,exit_month,municipality\n"
        "1,forsorjningsstod,arbete,30,true,,21500,0.75,2024-03,Halmstad\n"
        "2,Aktivitetsstöd,nystartsjobb,,false,24,,1,2024-11,\n"
        "3,forsorjningsstod,studier,45,,,,,,0180\n", encoding="utf-8")
    pd.DataFrame({
        "id": pd.array([1, 2, 3], dtype="int64"),
        "before": ["forsorjningsstod", "Aktivitetsstöd", "forsorjningsstod"],
        "after": ["arbete", "nystartsjobb", "studier"],
        "age": [30.0, np.nan, 45.0],  # int column with a null: float in pandas
        "newly_arrived": pd.array([True, False, None], dtype="boolean"),
        "months_unemployed": pd.array([None, 24, None], dtype="Int64"),
        "wage": [21500.0, np.nan, np.nan],
        "extent": [0.75, 1.0, np.nan],
        "exit_month": [dt.date(2024, 3, 1), pd.Timestamp("2024-11-01"), None],
        "municipality": ["Halmstad", None, "0180"],
    }).to_parquet(tmp_path / "p.parquet", index=False)
    a, b = read_participants(tmp_path / "p.csv"), read_participants(tmp_path / "p.parquet")
    for field in ("ids", "before", "after", "municipality", "exit_month"):
        assert list(getattr(a, field)) == list(getattr(b, field)), field
    for field in ("age", "newly_arrived", "months_unemployed", "wage", "extent"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field), err_msg=field)
    assert list(b.ids) == ["1", "2", "3"] and list(b.before) == ["forsorjningsstod", "aktivitetsstod", "forsorjningsstod"]
    # 2024-03 → 2024 × 12 + 3 − 1 = 24 290; 2024-11 → 24 298; missing → −1
    assert list(b.exit_month) == [24_290, 24_298, -1]


def test_a_timestamp_column_with_a_time_becomes_dates_and_a_time_of_day_is_an_error(tmp_path):
    pd.DataFrame({"id": ["A", "B"], "before": ["forsorjningsstod"] * 2, "after": ["arbete"] * 2,
                  "exit_month": pd.to_datetime(["2024-05-01 00:00", "2024-05-01 13:30"])}).to_parquet(tmp_path / "t.parquet", index=False)
    with pytest.raises(InputError) as exc:
        read_participants(tmp_path / "t.parquet")
    text = str(exc.value)
    # data row 2 (1-based, no header row in Parquet) holds the afternoon timestamp
    assert "row 2, column exit_month" in text and "2024-05-01 13:30:00" in text and "YYYY-MM" in text
    assert "row 1" not in text


def test_an_unknown_parquet_column_gets_a_did_you_mean(tmp_path):
    pd.DataFrame({"id": ["A"], "before": ["forsorjningsstod"], "after": ["arbete"], "wagee": [21500]}).to_parquet(tmp_path / "bad.parquet", index=False)
    result = runner.invoke(app, ["validate", str(tmp_path / "bad.parquet"), "--scenario", "example"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "column wagee" in result.output and "did you mean 'wage'" in result.output


def test_bad_values_in_parquet_name_data_row_and_column(tmp_path):
    pd.DataFrame({"id": ["A", "B", "B"], "before": ["forsorjningsstod"] * 3, "after": ["arbete", "arbete", "jobb"],
                  "age": [30, 7, 40], "newly_arrived": ["ja", "kanske", "nej"]}).to_parquet(tmp_path / "bad.parquet", index=False)
    with pytest.raises(InputError) as exc:
        read_participants(tmp_path / "bad.parquet")
    text = str(exc.value)
    assert "row 2, column age" in text and "'7'" in text  # second data row
    assert "row 2, column newly_arrived" in text and "'kanske'" in text
    assert "row 3, column id" in text and "duplicate id (first on row 2)" in text
    assert "row 3, column after" in text and "'jobb'" in text


def test_a_damaged_parquet_file_is_a_clear_error(tmp_path):
    f = tmp_path / "d.parquet"
    f.write_bytes(b"id,before,after\nA,forsorjningsstod,arbete\n")
    result = runner.invoke(app, ["run", str(f), "--scenario", "example", "--json"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "cannot read as Parquet" in result.output and "d.parquet" in result.output


def test_a_parquet_file_named_csv_says_so(tmp_path):
    f = tmp_path / "p.csv"
    pd.DataFrame({"id": ["A"], "before": ["forsorjningsstod"], "after": ["arbete"]}).to_parquet(f, index=False)
    with pytest.raises(InputError) as exc:
        read_participants(f)
    assert "name it .parquet" in str(exc.value)


def test_parquet_without_pyarrow_names_the_file_and_the_extra(tmp_path, monkeypatch):
    f = tmp_path / "p.parquet"
    pd.DataFrame({"id": ["A"], "before": ["forsorjningsstod"], "after": ["arbete"]}).to_parquet(f, index=False)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)  # import pyarrow.parquet → ImportError
    result = runner.invoke(app, ["run", str(f), "--scenario", "example", "--json"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "p.parquet" in result.output
    assert "pip install 'nyttokalk[parquet]'" in result.output


@pytest.mark.parametrize("series, expected", [
    (pd.Series(pd.array([None, 24], dtype="Int64")), ["", "24"]),
    (pd.Series(pd.array([True, None, False], dtype="boolean")), ["true", "", "false"]),
    (pd.Series([30.0, np.nan, 0.75]), ["30", "", "0.75"]),
    (pd.Series(pd.array([1.5, None], dtype="Float64")), ["1.5", ""]),
    (pd.Series(pd.to_datetime(["2024-03-01 00:00", None, "2024-03-01 08:15"], format="%Y-%m-%d %H:%M")), ["2024-03-01", "", "2024-03-01 08:15:00"]),
    (pd.Series([dt.date(2024, 3, 1), None, "2024-04"], dtype=object), ["2024-03-01", "", "2024-04"]),
])
def test_nullable_and_typed_columns_become_csv_text(series, expected):
    from nyttokalk.participants import _parquet_text

    assert list(_parquet_text(series)) == expected
