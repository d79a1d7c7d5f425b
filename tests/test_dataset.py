"""A participant dataset in several files: computed part by part (and with Dask), merged, it must give
exactly what one run on the concatenated file gives."""

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from helpers import write_csv, write_scenario
from nyttokalk.analysis import analyse
from nyttokalk.cli import app
from nyttokalk.distributed import run_dataset
from nyttokalk.engine import run_engine
from nyttokalk.errors import InputError
from nyttokalk.participants import read_participants
from nyttokalk.scenario import load_scenario
from nyttokalk.spool import Spool

pytestmark = pytest.mark.usefixtures("english")  # messages are checked in English, the message ids (Swedish: test_i18n.py)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from generate import generate  # noqa: E402

SCENARIO = {
    "title": "dataset",
    "period": {"horizon_months": 30},
    "wages": {"default": 21_500},
    "forsorjningsstod": {"reasonable_costs": 6_500},
    "persistence": {"keep_job_probability": 0.5, "monthly_dropoff": 0.01},
    "project": {"cost": 50_000_000, "funding": {"kommun": 0.25, "region": 0.25, "stat": 0.5}},
}


def _population(tmp_path, n=240):
    df = generate(n, seed=7)
    # exits spread over three years, so the partitions' grids start in different years
    df["exit_month"] = [f"{2022 + i % 3}-{1 + (i * 5) % 12:02d}" for i in range(n)]
    whole = tmp_path / "whole.csv"
    df.to_csv(whole, index=False)
    return df, whole


def _parts(df, folder: Path, sizes, suffix=".csv"):
    folder.mkdir()
    start = 0
    for k, size in enumerate(sizes):
        part = df.iloc[start:start + size]
        target = folder / f"part-{k}{suffix}"
        part.to_parquet(target, index=False) if suffix == ".parquet" else part.to_csv(target, index=False)
        start += size
    return folder


ROW = {"before": "forsorjningsstod", "after": "arbete", "age": 30, "exit_month": "2024-01"}


def _folder(tmp_path, files: dict[str, list[dict]]) -> Path:
    """A dataset folder (tmp_path/parts) with one CSV per name."""
    folder = tmp_path / "parts"
    folder.mkdir()
    for name, rows in files.items():
        write_csv(folder / name, rows)
    return folder


def _figures(a):
    # a warning names its first rows, in a dataset with the file ('part-0.csv:7'): compared without them
    doc = a.to_json()
    doc["warnings"] = [w.split(": rows ")[0] for w in doc["warnings"]]
    return {k: v for k, v in doc.items() if k not in ("meta", "assumptions")}, doc["assumptions"]


def _single(whole, ls):
    res = run_engine(read_participants(whole), ls)
    return res, analyse(res, ls)


def test_a_folder_of_csv_parts_gives_what_the_whole_file_gives(tmp_path):
    df, whole = _population(tmp_path)
    ls = load_scenario(str(write_scenario(tmp_path / "s.yaml", SCENARIO)))
    _, one = _single(whole, ls)
    folder = _parts(df, tmp_path / "parts", [100, 1, 139])
    res = run_dataset(folder, ls)
    merged = analyse(res, ls)
    assert res.partitions == 3 and res.population.n == 240 and isinstance(res.rows, Spool)  # counts and a spool, not the rows
    f1, a1 = _figures(one)
    f2, a2 = _figures(merged)
    assert f2 == f1
    assert a2 == a1  # the assumptions are derived from the whole population
    assert merged.per_participant.to_frame().drop(columns="id").equals(one.per_participant.to_frame().drop(columns="id"))


def test_dask_gives_the_same_totals_on_a_partitioned_parquet_dataset(tmp_path):
    pytest.importorskip("dask")
    pytest.importorskip("pyarrow")
    df, whole = _population(tmp_path)
    ls = load_scenario(str(write_scenario(tmp_path / "s.yaml", SCENARIO)))
    _, one = _single(whole, ls)
    folder = _parts(df, tmp_path / "dataset", [80, 80, 80], suffix=".parquet")
    for scheduler in ("synchronous", "processes"):
        merged = analyse(run_dataset(folder, ls, use_dask=True, scheduler=scheduler), ls)
        assert _figures(merged)[0] == _figures(one)[0], scheduler


def test_the_same_id_in_two_partitions_is_an_error_naming_both_files(tmp_path):
    ls = load_scenario(str(write_scenario(tmp_path / "s.yaml", SCENARIO)))
    folder = _folder(tmp_path, {"a.csv": [{"id": "X1", **ROW}, {"id": "X2", **ROW}],
                                "b.csv": [{"id": "X3", **ROW}, {"id": "X2", **ROW}]})
    with pytest.raises(InputError) as exc:
        run_dataset(folder, ls)
    (problem,) = exc.value.problems
    assert problem.file.endswith("b.csv") and problem.row == 3 and problem.column == "id" and "a.csv" in problem.problem


def test_cli_runs_a_folder_and_refuses_dask_on_one_file(tmp_path):
    df, whole = _population(tmp_path, n=30)
    sc = write_scenario(tmp_path / "s.yaml", SCENARIO)
    folder = _parts(df, tmp_path / "parts", [10, 20])
    runner = CliRunner()
    r = runner.invoke(app, ["run", str(folder), "--scenario", str(sc), "--json"])
    assert r.exit_code == 0, r.output
    doc = json.loads(r.stdout)
    assert doc["meta"]["participants"] == 30 and doc["meta"]["partitions"] == 2
    one = runner.invoke(app, ["run", str(whole), "--scenario", str(sc), "--json"])
    assert json.loads(one.stdout)["first_year"] == doc["first_year"]
    bad = runner.invoke(app, ["run", str(whole), "--scenario", str(sc), "--json", "--dask"])
    assert bad.exit_code == 2 and "folder" in bad.output


def test_an_empty_folder_is_an_input_error(tmp_path):
    (tmp_path / "empty").mkdir()
    r = CliRunner().invoke(app, ["run", str(tmp_path / "empty"), "--json"])
    assert r.exit_code == 2 and "no participant files" in r.output


def test_validate_checks_every_file_of_a_folder(tmp_path):
    sc = write_scenario(tmp_path / "s.yaml", SCENARIO)
    folder = _folder(tmp_path, {"a.csv": [{"id": "X1", **ROW}, {"id": "X2", **ROW}],
                                "b.csv": [{"id": "X3", **ROW}]})
    runner = CliRunner()
    ok = runner.invoke(app, ["validate", str(folder), "--scenario", str(sc)])
    assert ok.exit_code == 0 and "3participants" in "".join(ok.output.split())  # the console may wrap lines
    write_csv(folder / "c.csv", [{"id": "X4", **ROW, "age": "tre"}])
    write_csv(folder / "d.csv", [{"id": "X5", **ROW, "after": "arbte"}])
    bad = runner.invoke(app, ["validate", str(folder), "--scenario", str(sc)])
    assert bad.exit_code == 2
    flat = "".join(bad.output.split())
    assert "c.csv" in flat and "d.csv" in flat  # the problems of every file, not only the first


# --- the dataset is merged from sums and counts: nothing per participant stays in memory ---

STREAM_SCENARIO = {**SCENARIO, "participant_defaults": {"age": 35, "adults": 1, "children_ages": []},
                   "durations": {"nystartsjobb": 12}}


def _uneven(tmp_path):
    """Two partitions that differ in everything the assumptions count: the first file holds the later
    exits (2026), observed försörjningsstöd and no missing ages; the second the earlier exits (2023),
    missing ages, couples and the subsidised jobs that end inside the horizon."""
    df = generate(60, seed=11).astype(str)
    df["before_amount"] = ""
    df["adults"] = ""
    late, early = df.iloc[:25].copy(), df.iloc[25:].copy()
    late["exit_month"] = "2026-03"
    late["after"] = late["after"].replace({"nystartsjobb": "arbete", "introduktionsjobb": "arbete"})
    late.loc[late.index[:4], "before_amount"] = "9100"
    early["exit_month"] = [f"2023-{1 + i % 12:02d}" for i in range(len(early))]
    early.loc[early.index[:5], "age"] = ""
    early.loc[early.index[5:9], "adults"] = "2"
    early.loc[early.index[9:12], "after"] = "nystartsjobb"
    whole = tmp_path / "whole.csv"
    pd.concat([late, early]).to_csv(whole, index=False)
    folder = tmp_path / "uneven"
    folder.mkdir()
    late.to_csv(folder / "a-late.csv", index=False)
    early.to_csv(folder / "b-early.csv", index=False)
    return whole, folder


def test_partitions_that_differ_in_years_and_counts_merge_to_the_whole_files_figures_and_assumptions(tmp_path):
    whole, folder = _uneven(tmp_path)
    ls = load_scenario(str(write_scenario(tmp_path / "s.yaml", STREAM_SCENARIO)))
    res_one, one = _single(whole, ls)
    res = run_dataset(folder, ls, workers=1)
    merged = analyse(res, ls)
    # the later partition comes first: the running sums grow backwards by three years
    assert res.grid.first_year == 2023 and res.grid.n_months == res_one.grid.n_months
    assert _figures(merged) == _figures(one)
    text = "\n".join(merged.assumptions)
    # counts that exist in one partition only, added up: 5 missing ages (second file), 4 observed (first file), 4 couples
    assert "5 of 60 participants: age missing, scenario default 35 used" in text
    assert "4 of 60 participants: observed monthly försörjningsstöd (before_amount)" in text
    assert "4 of 60 participants: a partner in the household" in text
    assert "participants' subsidised jobs end inside the horizon (" in text
    assert merged.per_participant.to_frame().drop(columns="id").equals(one.per_participant.to_frame().drop(columns="id"))


def test_a_comparison_group_takes_the_moved_share_of_all_partitions(tmp_path):
    # deadweight = comparison moved share / participants' moved share, the latter counted over both
    # files (moves before → after that change the state); one file alone would give another share
    whole, folder = _uneven(tmp_path)
    ls = load_scenario(str(write_scenario(tmp_path / "s.yaml", {**STREAM_SCENARIO, "counterfactual": {"comparison_group": {"moved_share": 0.2}}})))
    res_one, one = _single(whole, ls)
    merged = analyse(run_dataset(folder, ls, workers=1), ls)
    df = pd.read_csv(whole, dtype=str)
    moved = int(((df["after"] != "oforandrad") & (df["after"] != df["before"])).sum())
    assert merged.counterfactual["participants_moved_share"] == moved / 60
    assert merged.counterfactual["deadweight"] == 0.2 / (moved / 60)
    assert _figures(merged) == _figures(one)


def test_the_per_participant_rows_are_on_disk_and_removed_with_the_result(tmp_path):
    import gc

    whole, folder = _uneven(tmp_path)
    ls = load_scenario(str(write_scenario(tmp_path / "s.yaml", STREAM_SCENARIO)))
    res = run_dataset(folder, ls, workers=1)
    spool_folder = res.rows.folder
    assert isinstance(res.rows, Spool) and res.detail is None
    assert len(list(spool_folder.iterdir())) == 2 and res.rows.n == 60  # one file per partition
    assert spool_folder.stat().st_mode & 0o777 == 0o700  # the rows hold ids: only this user may read them
    del res
    gc.collect()
    assert not spool_folder.exists()


def test_a_failed_dataset_run_leaves_no_temporary_files(tmp_path, monkeypatch):
    import tempfile as tf

    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tf, "tempdir", str(scratch))
    ls = load_scenario(str(write_scenario(tmp_path / "s.yaml", SCENARIO)))
    folder = _folder(tmp_path, {"a.csv": [{"id": "X1", **ROW}, {"id": "X2", **ROW}],
                                "b.csv": [{"id": "X3", **ROW}],
                                "c.csv": [{"id": "X4", **ROW}, {"id": "X1", **ROW}, {"id": "X3", **ROW}]})
    with pytest.raises(InputError) as exc:
        run_dataset(folder, ls, workers=1)
    # X1 first in a.csv row 2, X3 first in b.csv row 2; both found again in c.csv (rows 3 and 4)
    found = sorted((Path(pr.file).name, pr.row, pr.problem) for pr in exc.value.problems)
    assert found == [("c.csv", 3, "duplicate id (also in a.csv, row 2)"), ("c.csv", 4, "duplicate id (also in b.csv, row 2)")]
    assert list(scratch.iterdir()) == []  # neither the rows' spool nor the id buckets are left behind


def test_the_id_check_finds_every_repeated_id_among_many(tmp_path):
    from nyttokalk.distributed import _IdIndex

    index = _IdIndex()
    try:
        ids = np.array([f"P{i:07d}" for i in range(50_000)], dtype=object)
        index.add(0, ids[:30_000], np.arange(2, 30_002))
        index.add(1, ids[30_000:], np.arange(2, 20_002))
        assert index.check([Path("a.csv"), Path("b.csv")]) == []
        again = ids[[7, 29_999, 45_000]]  # two from the first file, one from the second
        index.add(2, again, np.array([2, 3, 4]))
        problems = index.check([Path("a.csv"), Path("b.csv"), Path("c.csv")])
        assert sorted((p.row, p.problem) for p in problems) == [
            (2, "duplicate id (also in a.csv, row 9)"),  # id 7 is on row 7 + 2
            (3, "duplicate id (also in a.csv, row 30001)"),
            (4, "duplicate id (also in b.csv, row 15002)"),  # id 45 000 is the second file's 15 000th: row 15 002
        ]
    finally:
        index.close()


@pytest.mark.parametrize("fmt", ["csv", "json", "parquet"])
def test_tables_from_a_dataset_are_written_partition_by_partition_and_equal_the_whole_files(tmp_path, fmt):
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    from nyttokalk.reports.tabular import write_tables

    whole, folder = _uneven(tmp_path)
    ls = load_scenario(str(write_scenario(tmp_path / "s.yaml", STREAM_SCENARIO)))
    _, one = _single(whole, ls)
    merged = analyse(run_dataset(folder, ls, workers=1), ls)
    a_rows, b_rows = (write_tables(x, tmp_path / name, [fmt], dialect="plain")[1] for x, name in ((one, "one"), (merged, "merged")))
    read = {"csv": pd.read_csv, "json": pd.read_json, "parquet": pd.read_parquet}[fmt]
    a, b = read(a_rows), read(b_rows)
    assert len(b) == 60
    pd.testing.assert_frame_equal(a.drop(columns="id"), b.drop(columns="id"))
    if fmt == "csv":
        # byte for byte apart from the ids (pseudonym-free here: the same ids)
        assert a_rows.read_bytes() == b_rows.read_bytes()


def test_a_dataset_too_large_for_a_sheet_writes_its_rows_to_a_csv_beside_the_workbook(tmp_path, monkeypatch):
    from nyttokalk.reports import excel

    monkeypatch.setattr(excel, "EXCEL_MAX_DATA_ROWS", 10)
    whole, folder = _uneven(tmp_path)
    ls = load_scenario(str(write_scenario(tmp_path / "s.yaml", STREAM_SCENARIO)))
    res = run_dataset(folder, ls, workers=1)
    a = analyse(res, ls)
    book = excel.write_workbook(a, res, tmp_path / "out.xlsx", charts=False)
    beside = excel.participants_csv_path(book)
    rows = pd.read_csv(beside, sep=";", decimal=",", encoding="utf-8-sig")  # beside a Swedish workbook: the Swedish CSV dialect
    assert len(rows) == 60 and list(rows.columns[:3]) == ["id", "before", "after"]


def test_validate_states_the_assumptions_of_every_file_of_a_folder(tmp_path):
    whole, folder = _uneven(tmp_path)
    sc = write_scenario(tmp_path / "s.yaml", STREAM_SCENARIO)
    r = CliRunner().invoke(app, ["validate", str(folder), "--scenario", str(sc)], env={"COLUMNS": "400"})
    assert r.exit_code == 0, r.output
    flat = " ".join(r.output.split())
    assert "60 participants" in flat
    # the second file's 5 missing ages and 4 couples, counted against all 60
    assert "5 of 60 participants: age missing" in flat and "4 of 60 participants: a partner in the household" in flat


def test_a_warning_names_the_rows_of_every_partition_with_their_files(tmp_path):
    # nystartsjobb needs 12 months unemployed (rules subsidies.nystartsjobb.bands) unless newly
    # arrived: one participant with 2 months in each file is modelled without subsidy and named
    ls = load_scenario(str(write_scenario(tmp_path / "s.yaml", SCENARIO)))
    row = {**ROW, "newly_arrived": "false", "wage": 25_000}
    folder = _folder(tmp_path, {"a.csv": [{**row, "id": "X1", "after": "nystartsjobb", "months_unemployed": 2},
                                          {**row, "id": "X2", "after": "arbete", "months_unemployed": 30}],
                                "b.csv": [{**row, "id": "X3", "after": "arbete", "months_unemployed": 30},
                                          {**row, "id": "X4", "after": "nystartsjobb", "months_unemployed": 2}]})
    a = analyse(run_dataset(folder, ls, workers=1), ls)
    (warning,) = [w for w in a.warnings if "do not meet the rules' qualifying conditions" in w]
    assert warning.startswith("2 participants in nystartsjobb") and warning.endswith("rows a.csv:2, b.csv:3")


# --- a file longer than a block is read and computed a block at a time ---

def _blocked(path, rows=7):
    from nyttokalk.participants import blocked_file

    big = blocked_file(path, rows)
    assert big is not None
    return big


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_long_file_read_in_blocks_gives_what_reading_it_whole_gives(tmp_path, suffix):
    from nyttokalk.distributed import run_blocks

    if suffix == ".parquet":
        pytest.importorskip("pyarrow")
    whole, _ = _uneven(tmp_path)
    if suffix == ".parquet":
        target = tmp_path / "whole.parquet"
        pd.read_csv(whole, dtype=str, keep_default_na=False).to_parquet(target, index=False)
        whole = target
    ls = load_scenario(str(write_scenario(tmp_path / "s.yaml", STREAM_SCENARIO)))
    res_one, one = _single(whole, ls)
    big = _blocked(whole, 7)
    assert big.rows == 60 and big.sha256 == res_one.population.sha256
    res = run_blocks(big, ls, workers=1)
    a = analyse(res, ls)
    assert res.blocks == 9 and res.partitions == 1  # 60 rows in blocks of 7: 8 full and one of 4
    assert _figures(a) == _figures(one)
    assert a.meta["input"] == one.meta["input"]  # the same file name and digest
    pd.testing.assert_frame_equal(a.per_participant.to_frame(), one.per_participant.to_frame())  # ids too: the same file


def test_problems_in_several_blocks_are_all_reported_with_the_files_rows(tmp_path):
    from nyttokalk.distributed import run_blocks

    ls = load_scenario(str(write_scenario(tmp_path / "s.yaml", SCENARIO)))
    rows = [{"id": f"X{i}", **ROW} for i in range(20)]
    rows[2]["age"] = "tre"  # line 4 (header on line 1), first block
    rows[15]["after"] = "arbte"  # line 17, third block
    rows[18]["id"] = "X1"  # line 20, a duplicate of line 3 in another block
    path = write_csv(tmp_path / "p.csv", rows)
    with pytest.raises(InputError) as exc:
        run_blocks(_blocked(path, 7), ls, workers=1)
    found = sorted((pr.row, pr.column) for pr in exc.value.problems)
    assert found == [(4, "age"), (17, "after")]  # the duplicate is checked once the rows are valid
    rows[2]["age"], rows[15]["after"] = 30, "arbete"
    path = write_csv(tmp_path / "p.csv", rows)
    with pytest.raises(InputError) as exc:
        run_blocks(_blocked(path, 7), ls, workers=1)
    (problem,) = exc.value.problems
    assert (problem.row, problem.column, problem.problem) == (20, "id", "duplicate id (first on row 3)")


def test_rows_empty_in_every_column_at_the_end_of_a_long_file_are_dropped(tmp_path):
    from nyttokalk.distributed import run_blocks

    ls = load_scenario(str(write_scenario(tmp_path / "s.yaml", SCENARIO)))
    path = write_csv(tmp_path / "p.csv", [{"id": f"X{i}", **ROW} for i in range(10)])
    with path.open("a") as fh:
        fh.write(",,,,\n" + ", ,,,\n" * 2)  # an Excel export's empty rows (one with a blank)
    res = run_blocks(_blocked(path, 4), ls, workers=1)
    assert res.population.n == 10


def test_small_files_and_workbooks_are_read_whole(tmp_path):
    from nyttokalk.participants import blocked_file

    path = write_csv(tmp_path / "p.csv", [{"id": f"X{i}", **ROW} for i in range(10)])
    assert blocked_file(path, 10) is None and blocked_file(path, 9) is not None
    assert blocked_file(tmp_path / "missing.csv", 1) is None  # read_participants reports it


def test_cli_reads_a_long_file_in_blocks_with_the_same_results(tmp_path, monkeypatch):
    from nyttokalk import participants

    whole, _ = _uneven(tmp_path)
    sc = write_scenario(tmp_path / "s.yaml", STREAM_SCENARIO)
    runner = CliRunner()
    one = json.loads(runner.invoke(app, ["run", str(whole), "--scenario", str(sc), "--json"]).stdout)
    monkeypatch.setattr(participants, "BLOCK_ROWS", 25)
    r = runner.invoke(app, ["run", str(whole), "--scenario", str(sc), "--json", "--workers", "1"])
    assert r.exit_code == 0, r.output
    blocked = json.loads(r.stdout)
    assert blocked["meta"]["blocks"] == 3 and one["meta"]["blocks"] == 1
    for doc in (one, blocked):
        del doc["meta"]["blocks"], doc["meta"]["chunks"], doc["meta"]["workers"]
    assert blocked == one
    v = runner.invoke(app, ["validate", str(whole), "--scenario", str(sc)], env={"COLUMNS": "400"})
    assert v.exit_code == 0 and "5 of 60 participants: age missing" in " ".join(v.output.split())


def test_validate_finds_an_id_in_two_files_and_in_two_blocks(tmp_path, monkeypatch):
    from nyttokalk import participants

    sc = write_scenario(tmp_path / "s.yaml", SCENARIO)
    # a valid personnummer (Luhn check digit 6 on 811218987): one pseudonym key for all files, so it is found in both
    folder = _folder(tmp_path, {"a.csv": [{"id": "X1", **ROW}, {"id": "198112189876", **ROW}],
                                "b.csv": [{"id": "198112189876", **ROW}]})
    runner = CliRunner()
    bad = runner.invoke(app, ["validate", str(folder), "--scenario", str(sc)], env={"COLUMNS": "400"})
    assert bad.exit_code == 2
    flat = " ".join(bad.output.split())
    assert "b.csv, row 2, column id: duplicate id (also in a.csv, row 3)" in flat and "198112189876" not in flat
    monkeypatch.setattr(participants, "BLOCK_ROWS", 2)
    path = write_csv(tmp_path / "long.csv", [{"id": f"X{i}", **ROW} for i in range(5)] + [{"id": "X0", **ROW}])
    bad = runner.invoke(app, ["validate", str(path), "--scenario", str(sc)], env={"COLUMNS": "400"})
    assert bad.exit_code == 2 and "row 7, column id: duplicate id (first on row 2)" in " ".join(bad.output.split())
