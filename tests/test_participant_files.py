"""Participant files as people make them (issue 16, item 1): headers in any case, with Swedish
aliases; numbers with thousands separators and "kr"; Excel workbooks with hidden sheets."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from nyttokalk.cli import app
from nyttokalk.errors import InputError
from nyttokalk.participants import parse_numbers, read_participants

pytestmark = pytest.mark.usefixtures("english")  # messages are checked in English, the message ids (Swedish: test_i18n.py)

runner = CliRunner(env={"COLUMNS": "250"})


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def problems(path: Path, **kw) -> list[str]:
    with pytest.raises(InputError) as exc:
        read_participants(path, **kw)
    return [str(p) for p in exc.value.problems]


# --- headers ---------------------------------------------------------------------------------------

SWEDISH = ("Löpnummer;Före;Efter;Ålder;Kommun;Lön;Omfattning;Avslutsmånad;Nyanländ;Månader utan arbete\n"
           "D1;Försörjningsstöd;Arbete;34;Halmstad;23 500;1;2022-01;nej;14\n"
           "D2;Aktivitetsstöd;Nystartsjobb;27;Falkenberg;21\u00a0500 kr;0,75;2022-01;ja;30\n"
           "D3;Etableringsersättning;Studier;41;1380;;;2022-01;ja;\n")
PLAIN = ("id,before,after,age,municipality,wage,extent,exit_month,newly_arrived,months_unemployed\n"
         "D1,forsorjningsstod,arbete,34,Halmstad,23500,1,2022-01,nej,14\n"
         "D2,aktivitetsstod,nystartsjobb,27,Falkenberg,21500,0.75,2022-01,ja,30\n"
         "D3,etableringsersattning,studier,41,1380,,,2022-01,ja,\n")


def test_a_semicolon_cp1252_file_with_swedish_headers_and_spaced_thousands_runs_as_the_plain_file(tmp_path):
    sv = write(tmp_path / "deltagare.csv", SWEDISH, "cp1252")
    plain = write(tmp_path / "plain.csv", PLAIN)
    a = invoke("run", sv, "--json", "--scenario", "example")
    b = invoke("run", plain, "--json", "--scenario", "example")
    assert a.exit_code == 0, a.output
    assert b.exit_code == 0, b.output
    da, db = json.loads(a.stdout), json.loads(b.stdout)
    assert da["meta"]["participants"] == 3
    assert da["first_year"] == db["first_year"] and da["per_year"] == db["per_year"]


def test_swedish_headers_are_read_into_the_columns(tmp_path):
    p = read_participants(write(tmp_path / "d.csv", SWEDISH, "cp1252"))
    assert list(p.ids) == ["D1", "D2", "D3"]
    assert list(p.before) == ["forsorjningsstod", "aktivitetsstod", "etableringsersattning"]
    assert list(p.after) == ["arbete", "nystartsjobb", "studier"]
    np.testing.assert_array_equal(p.wage, [23_500, 21_500, np.nan])  # '23 500' and '21 500 kr' (no-break space)
    np.testing.assert_array_equal(p.extent, [1, 0.75, np.nan])  # '0,75': the file's decimal comma
    np.testing.assert_array_equal(p.age, [34, 27, 41])
    np.testing.assert_array_equal(p.months_unemployed, [14, 30, np.nan])
    np.testing.assert_array_equal(p.newly_arrived, [0, 1, 1])
    assert list(p.municipality) == ["Halmstad", "Falkenberg", "1380"]
    assert list(p.exit_month) == [2022 * 12] * 3  # January 2022: year × 12 + month − 1


@pytest.mark.parametrize("header", [
    "ID,Before,After,Age,Wage,Exit Month",
    " id , BEFORE ,after,ÅLDER,LÖN,exit-month",
    "Id,Från,Till,Alder,Lon (kr/mån),avslutsmanad",
    "Deltagar-ID,Tillstånd före,Tillstånd efter,ålder,Månadslön,Avslutsdatum",
])
def test_headers_match_in_any_case_spacing_and_spelling(tmp_path, header):
    f = write(tmp_path / "d.csv", header + "\nA,forsorjningsstod,arbete,30,21500,2022-03\n")
    p = read_participants(f)
    assert p.ids[0] == "A" and p.after[0] == "arbete" and p.age[0] == 30 and p.wage[0] == 21_500
    assert p.exit_month[0] == 2022 * 12 + 2


@pytest.mark.parametrize("header, bad, hint", [
    ("ID-nr", "ID-nr", "did you mean 'id'"),
    ("IDs", "IDs", "did you mean 'id'"),
    ("Id-nummer", "Id-nummer", "= id"),
    ("Lönn", "Lönn", "did you mean 'lön' (= wage)"),
])
def test_an_unknown_header_keeps_its_did_you_mean(tmp_path, header, bad, hint):
    f = write(tmp_path / "d.csv", f"{header},before,after\nA,forsorjningsstod,arbete\n")
    found = " ".join(problems(f))
    assert f"column {bad}" in found and hint in found


def test_two_headers_for_the_same_column_are_one_problem(tmp_path):
    f = write(tmp_path / "d.csv", "id,före,after,before\nA,forsorjningsstod,arbete,forsorjningsstod\n")
    assert any("'före' and 'before' are both the column before" in x for x in problems(f))


def test_a_summa_row_gets_one_message(tmp_path):
    f = write(tmp_path / "d.csv", "id;before;after;age;wage;exit_month\n"
                                  "A;forsorjningsstod;arbete;30;21 500;2022-01\n"
                                  "B;forsorjningsstod;arbete;31;22 000;2022-01\n"
                                  "Summa;;;;43 500;\n")
    found = problems(f)
    assert len(found) == 1, found
    assert "row 4: a total row ('Summa') is not a participant" in found[0]


def test_an_empty_trailing_column_is_ignored(tmp_path):
    f = write(tmp_path / "d.csv", "id;before;after;age;wage;exit_month;\nA;forsorjningsstod;arbete;30;21500;2022-01;\n")
    assert read_participants(f).wage[0] == 21_500


def test_validate_reports_personnummer_ids_as_run_does(tmp_path):
    # 19811218-9876 is made up, with a valid check digit
    f = write(tmp_path / "d.csv", "id,before,after,age,wage,exit_month\n19811218-9876,forsorjningsstod,arbete,30,21500,2022-01\n")
    result = invoke("validate", f)
    assert result.exit_code == 0, result.output
    assert "personnummer" in result.output and "pseudonyms" in result.output and "9876" not in result.output


# --- numbers ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, money, decimal, value", [
    ("23 500", True, ",", 23_500),
    ("23\u00a0500", True, ",", 23_500),  # no-break space, as Swedish Excel writes thousands
    ("23\u202f500", True, None, 23_500),  # narrow no-break space
    ("1 234 567", True, ".", 1_234_567),
    ("23 500 kr", True, ",", 23_500),
    ("23500 SEK", True, ".", 23_500),
    ("23 500:-", True, ",", 23_500),
    ("21 500,50", True, ",", 21_500.5),
    ("21500.50", True, ",", 21_500.5),  # one mark, two decimals: a decimal whatever the file's mark
    ("1234,567", True, ",", 1234.567),  # four digits before the mark: no thousands separator
    ("0,500", False, ",", 0.5),  # a leading 0 is never a thousands group
    ("0,75", False, ".", 0.75),
    ("1,000", False, ",", 1.0),  # a share in a semicolon file: the file's decimal comma
    ("1.000", False, None, 1.0),  # Excel or Parquet text: a share's mark is a decimal mark
    ("2.15e4", True, ".", 21_500),
])
def test_numbers_as_people_write_them(text, money, decimal, value):
    values, empty, why = parse_numbers(pd.Series([text], dtype=object), money=money, decimal=decimal)
    assert why[0] is None and not empty[0]
    assert values[0] == pytest.approx(value, abs=0)


@pytest.mark.parametrize("text, money, decimal, needle", [
    ("21.500", True, ",", "could be 21 500 or 21,5; write 21500 or 21 500"),
    ("21,500", True, ".", "could be 21 500 or 21.5"),
    ("21,500", True, ",", "ambiguous"),  # even a semicolon file's decimal comma: 21,5 kr is not meant
    ("-1.250", True, None, "ambiguous"),
    ("1,000", False, ".", "ambiguous"),  # a comma file: ',' can only be a thousands separator there
    ("1.234.567", True, ",", "'.' and ',' are not accepted between thousands"),
    ("21.500,50", True, ",", "'.' and ',' are not accepted between thousands"),
    ("23 50", True, ",", "spaces may only separate thousands"),
    ("kr", True, ",", "not a number"),
    ("inf", True, ".", "not a number"),
    ("30 år", False, ",", "not a number"),
])
def test_ambiguous_or_broken_numbers_are_refused_with_how_to_write_them(text, money, decimal, needle):
    values, _, why = parse_numbers(pd.Series([text], dtype=object), money=money, decimal=decimal)
    assert np.isnan(values[0])
    assert needle in why[0]


def test_a_wage_below_the_floor_is_an_error_naming_row_column_and_value(tmp_path):
    # '21,5' in a semicolon file is 21,5 kr: below MIN_FULL_TIME_WAGE (1 000 kr a month)
    f = write(tmp_path / "d.csv", "id;before;after;age;Lön;exit_month\nA;forsorjningsstod;arbete;30;21,5;2022-01\n")
    found = problems(f)
    assert len(found) == 1 and "row 2, column Lön (wage) (value '21,5')" in found[0] and "below 1000 kr" in found[0]


# --- Excel ---------------------------------------------------------------------------------------

ROWS = [["id", "before", "after", "age", "wage", "exit_month", "before_amount"],
        ["A", "forsorjningsstod", "arbete", 30, 21500, "2022-01", 1234.125]]


def workbook(path: Path, sheets: dict[str, list[list]], hidden: tuple[str, ...] = ()) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
        if name in hidden:
            ws.sheet_state = "hidden"
    wb.save(path)
    return path


def test_the_first_visible_sheet_is_read_and_a_hidden_first_sheet_skipped(tmp_path):
    other = [["id", "before", "after"], ["OLD", "forsorjningsstod", "arbete"]]
    f = workbook(tmp_path / "d.xlsx", {"Gammal": other, "Deltagare": ROWS}, hidden=("Gammal",))
    p = read_participants(f)
    assert list(p.ids) == ["A"]
    assert p.before_amount[0] == 1234.125  # a typed number with three decimals is not ambiguous


def test_a_sheet_is_chosen_with_sheet_and_a_missing_one_lists_the_sheets(tmp_path):
    f = workbook(tmp_path / "d.xlsx", {"Blad1": [["x"], [1]], "Deltagare": ROWS, "Dold": ROWS}, hidden=("Dold",))
    result = invoke("validate", f, "--sheet", "Deltagare")
    assert result.exit_code == 0, result.output
    result = invoke("validate", f, "--sheet", "Saknas")
    assert result.exit_code == 2
    assert "no sheet named 'Saknas'" in result.output and "'Blad1', 'Deltagare', 'Dold' (hidden)" in result.output
    result = invoke("run", f, "--sheet", "Deltagare", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["meta"]["participants"] == 1


def test_sheet_is_refused_for_a_csv_file(tmp_path):
    f = write(tmp_path / "d.csv", "id,before,after\nA,forsorjningsstod,arbete\n")
    result = invoke("validate", f, "--sheet", "Blad1")
    assert result.exit_code == 2 and "--sheet names a sheet of an .xlsx workbook; this is not one" in result.output


def test_a_long_file_read_in_blocks_knows_its_headers_and_decimal_mark(tmp_path):
    from nyttokalk.participants import blocked_file, participants_from_frame

    rows = "".join(f"D{i};forsorjningsstod;arbete;30;21 500 kr;1,000;2022-01\n" for i in range(12))
    f = write(tmp_path / "d.csv", "Löpnummer;Före;Efter;Ålder;Lön;Omfattning;Avslutsmånad\n" + rows, "cp1252")
    big = blocked_file(f, 5)
    assert big is not None
    parts = [participants_from_frame(b.take(), str(f), first_row=b.first_row, sha256=big.sha256) for b in big.blocks()]
    assert [len(p) for p in parts] == [4, 5, 3]  # the header is the first of the first block's rows
    assert all((p.wage == 21_500).all() and (p.extent == 1.0).all() for p in parts)  # '1,000': the file's decimal comma
    assert parts[2].rows.tolist() == [11, 12, 13]  # line numbers, the header being line 1


def test_pyarrows_csv_parser_and_pandas_own_read_a_file_alike(tmp_path, monkeypatch):
    # a large CSV goes through pyarrow's parser, a small one through pandas' own: the same file
    # through each must give the same participants (quoted cells, empty
    # cells, thousands with a no-break space, Swedish headers, a BOM)
    pytest.importorskip("pyarrow")
    import nyttokalk.participants as participants

    text = ("\ufeffLöpnummer;Före;Efter;Ålder;Lön;Kommun;Avslutsmånad\n"
            'A1;forsorjningsstod;arbete;34;"23\u00a0500";Malmö;2024-03\n'
            'A2;aktivitetsstod;nystartsjobb;;"21 500 kr";"Upplands Väsby";2024-05\n'
            "A3;forsorjningsstod;oforandrad;51;;;2024-07\n")
    path = write(tmp_path / "p.csv", text)
    engines, read_csv = [], pd.read_csv
    monkeypatch.setattr(pd, "read_csv", lambda *a, **k: engines.append(k.get("engine", "c")) or read_csv(*a, **k))
    small = read_participants(path)
    monkeypatch.setattr(participants, "PYARROW_CSV_MIN_CHARS", 0)
    large = read_participants(path)
    assert engines == ["c", "pyarrow"]  # each parser once, and pyarrow's found no problem
    assert list(small.ids) == list(large.ids) == ["A1", "A2", "A3"]
    np.testing.assert_array_equal(small.wage, large.wage)
    assert list(small.wage[:2]) == [23500.0, 21500.0]  # "23 500" and "21 500 kr" as written
    np.testing.assert_array_equal(small.age, large.age)
    assert list(small.municipality) == list(large.municipality) == ["Malmö", "Upplands Väsby", ""]
