"""Hostile and careless outputs (issue 20): a run writes only where it is asked to, all of its
files or none, never over its own inputs, and every failure of the environment is exit 2 with
the place and no traceback."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nyttokalk.cli import app
from nyttokalk.paths import scenarios_dir

runner = CliRunner(env={"COLUMNS": "200"})
EXAMPLE = scenarios_dir() / "example"
SCENARIO = """\
name: "{name}"
title: "{title}"
period: {{exit_month: 2022-01, horizon_months: 12}}
forsorjningsstod: {{reasonable_costs: 6500}}
wages: {{default: 21500, extratjanst: 18000}}
"""


def invoke(*args):
    return runner.invoke(app, [str(a) for a in args])


def assert_exit_2(result, *needles):
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    for n in needles:
        assert n in result.output, (n, result.output)


def files_under(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


@pytest.fixture()
def work(tmp_path, monkeypatch):
    """A current folder with a copy of the example's participants, inside a tree we can watch."""
    cwd = tmp_path / "a" / "b" / "work"
    cwd.mkdir(parents=True)
    shutil.copy(EXAMPLE / "participants.csv", cwd / "p.csv")
    monkeypatch.chdir(cwd)
    return cwd


def scenario(folder: Path, name: str, title: str = "t") -> Path:
    path = folder / "s.yaml"
    path.write_text(SCENARIO.format(name=name, title=title), encoding="utf-8")
    return path


def test_a_scenario_name_with_a_path_never_leaves_the_current_folder(work, tmp_path):
    before = files_under(tmp_path)
    res = invoke("run", "p.csv", "--scenario", scenario(work, "x/../../../../another/folder/deltagare"))
    assert res.exit_code == 0, res.output
    new = files_under(tmp_path) - before
    assert new and all(Path(f).parent == Path("a/b/work") for f in new), new
    assert any(f.endswith(".xlsx") and ".." not in Path(f).name for f in new)


def test_a_name_is_a_safe_file_name():
    from nyttokalk.outputs import SAFE_NAME_LENGTH, safe_name

    assert safe_name("x/../../etc/passwd") == "x-etc-passwd"
    assert safe_name("..") == "nyttokalk"
    assert safe_name("Malmökraften 2022") == "Malmökraften-2022"
    assert len(safe_name("a" * 1000)) == SAFE_NAME_LENGTH


def test_out_over_the_participant_file_is_refused_and_the_file_is_unchanged(work):
    original = (work / "p.csv").read_bytes()
    assert_exit_2(invoke("run", "p.csv", "--scenario", "example", "--out", "p.csv"), "is one of this run's inputs")
    assert (work / "p.csv").read_bytes() == original


def test_a_table_output_over_the_input_is_refused_before_anything_is_written(work):
    # --out r.xlsx --format csv would write r-flows.csv and r-participants.csv: the second is the input
    shutil.copy(work / "p.csv", work / "r-participants.csv")
    original = (work / "r-participants.csv").read_bytes()
    assert_exit_2(invoke("run", "r-participants.csv", "--scenario", "example", "--out", "r.xlsx", "--format", "csv"),
                  "r-participants.csv", "is one of this run's inputs")
    assert (work / "r-participants.csv").read_bytes() == original
    assert not (work / "r.xlsx").exists() and not (work / "r-flows.csv").exists()


def test_an_output_inside_a_dataset_folder_is_refused(work):
    data = work / "data"
    data.mkdir()
    shutil.copy(work / "p.csv", data / "part1.csv")
    assert_exit_2(invoke("run", data, "--scenario", "example", "--out", data / "r.xlsx"), "inside the input folder")


@pytest.mark.parametrize("out, needle", [(".", "is a folder"), ("nowhere/r.xlsx", "does not exist")])
def test_out_that_cannot_be_a_file_is_a_clear_error(work, out, needle):
    assert_exit_2(invoke("run", "p.csv", "--scenario", "example", "--out", out), "--out", needle)


def test_a_folder_without_write_permission_is_exit_2_with_the_place(work):
    # /sys refuses new files even to root (CI runs as root, so chmod cannot make a folder read-only)
    assert_exit_2(invoke("run", "p.csv", "--scenario", "example", "--out", "/sys/r.xlsx"), "/sys", "cannot read or write")


def test_a_full_disk_during_the_save_is_exit_2_and_leaves_nothing(work, monkeypatch):
    from openpyxl.writer.excel import ExcelWriter

    def full(self):
        raise OSError(errno.ENOSPC, "No space left on device", str(work / "r.xlsx"))

    monkeypatch.setattr(ExcelWriter, "save", full)
    before = files_under(work)
    assert_exit_2(invoke("run", "p.csv", "--scenario", "example", "--out", "r.xlsx"), "the disk is full")
    assert files_under(work) == before


def test_a_failure_after_the_charts_leaves_no_chart_behind(work, monkeypatch):
    from nyttokalk.reports import excel

    def broken(*a, **k):
        raise OSError(errno.EIO, "Input/output error", "r.xlsx")

    monkeypatch.setattr(excel, "save", broken)
    before = files_under(work)
    assert invoke("run", "p.csv", "--scenario", "example", "--out", "r.xlsx").exit_code == 2
    assert files_under(work) == before  # the PNG and SVG written before the workbook are gone too


def test_markup_and_escape_sequences_in_a_scenario_never_reach_the_terminal(work):
    res = invoke("run", "p.csv", "--scenario", scenario(work, "evil[/x]", "title [bold][/x] \\e[31mred\\e[0m"), "--out", "r.xlsx")
    assert res.exit_code == 0, res.output
    assert "evil[/x]" in res.output
    assert "\x1b[31m" not in res.output
    assert "Internt fel" not in res.output


def test_a_path_with_markup_in_an_error_is_shown_as_it_is(work):
    res = invoke("run", "[/x].csv", "--scenario", "example")
    assert_exit_2(res, "[/x].csv", "file not found")


def _tmp_files(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.slow
def test_sigterm_during_the_save_leaves_no_file_and_exit_143(tmp_path):
    """A big enough file that the workbook takes a while; SIGTERM as soon as a temporary file appears."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from generate import generate  # noqa: E402

    people = tmp_path / "p.csv"
    generate(60_000, seed=3).to_csv(people, index=False)
    out = tmp_path / "out"
    out.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, "-m", "nyttokalk.cli", "run", str(people), "--scenario",
                             str(Path(__file__).resolve().parent.parent / "bench" / "scenario.yaml"), "--out", str(out / "r.xlsx")],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None and not _tmp_files(out):
        time.sleep(0.01)
    assert proc.poll() is None, "the run ended before its save began"
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 143, stderr.decode()
    assert list(out.iterdir()) == []
    assert b"Traceback" not in stderr
