"""A participant dataset in several files: computed part by part (and with Dask), merged, it must give
exactly what one run on the concatenated file gives."""

import json
import sys
from pathlib import Path

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


def _figures(a):
    doc = a.to_json()
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
    assert res.partitions == 3 and len(res.participants) == 240
    f1, a1 = _figures(one)
    f2, a2 = _figures(merged)
    assert f2 == f1
    assert a2 == a1  # the assumptions are derived from the whole population
    assert merged.per_participant.drop(columns="id").equals(one.per_participant.drop(columns="id"))


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
    folder = tmp_path / "parts"
    folder.mkdir()
    row = {"before": "forsorjningsstod", "after": "arbete", "age": 30, "exit_month": "2024-01"}
    write_csv(folder / "a.csv", [{"id": "X1", **row}, {"id": "X2", **row}])
    write_csv(folder / "b.csv", [{"id": "X3", **row}, {"id": "X2", **row}])
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
    folder = tmp_path / "parts"
    folder.mkdir()
    row = {"before": "forsorjningsstod", "after": "arbete", "age": 30, "exit_month": "2024-01"}
    write_csv(folder / "a.csv", [{"id": "X1", **row}, {"id": "X2", **row}])
    write_csv(folder / "b.csv", [{"id": "X3", **row}])
    runner = CliRunner()
    ok = runner.invoke(app, ["validate", str(folder), "--scenario", str(sc)])
    assert ok.exit_code == 0 and "3participants" in "".join(ok.output.split())  # the console may wrap lines
    write_csv(folder / "c.csv", [{"id": "X4", **row, "age": "tre"}])
    write_csv(folder / "d.csv", [{"id": "X5", **row, "after": "arbte"}])
    bad = runner.invoke(app, ["validate", str(folder), "--scenario", str(sc)])
    assert bad.exit_code == 2
    flat = "".join(bad.output.split())
    assert "c.csv" in flat and "d.csv" in flat  # the problems of every file, not only the first
