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

from helpers import refused
from nyttokalk.cli import app
from nyttokalk.paths import scenarios_dir

pytestmark = pytest.mark.usefixtures("english")  # messages are checked in English, the message ids (Swedish: test_i18n.py)

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
    refused(invoke("run", "p.csv", "--scenario", "example", "--out", "p.csv"), "is one of this run's inputs")
    assert (work / "p.csv").read_bytes() == original


def test_a_table_output_over_the_input_is_refused_before_anything_is_written(work):
    # --out r.xlsx --format csv would write r-flows.csv and r-participants.csv: the second is the input
    shutil.copy(work / "p.csv", work / "r-participants.csv")
    original = (work / "r-participants.csv").read_bytes()
    refused(invoke("run", "r-participants.csv", "--scenario", "example", "--out", "r.xlsx", "--format", "csv"),
                  "r-participants.csv", "is one of this run's inputs")
    assert (work / "r-participants.csv").read_bytes() == original
    assert not (work / "r.xlsx").exists() and not (work / "r-flows.csv").exists()


def test_an_output_inside_a_dataset_folder_is_refused(work):
    data = work / "data"
    data.mkdir()
    shutil.copy(work / "p.csv", data / "part1.csv")
    refused(invoke("run", data, "--scenario", "example", "--out", data / "r.xlsx"), "inside the input folder")


@pytest.mark.parametrize("out, needle", [(".", "is a folder"), ("nowhere/r.xlsx", "does not exist")])
def test_out_that_cannot_be_a_file_is_a_clear_error(work, out, needle):
    refused(invoke("run", "p.csv", "--scenario", "example", "--out", out), "--out", needle)


def test_a_folder_without_write_permission_is_exit_2_with_the_place(work):
    # /sys refuses new files even to root (CI runs as root, so chmod cannot make a folder read-only)
    refused(invoke("run", "p.csv", "--scenario", "example", "--out", "/sys/r.xlsx"), "/sys", "cannot read or write")


def test_a_full_disk_during_the_save_is_exit_2_and_leaves_nothing(work, monkeypatch):
    from openpyxl.writer.excel import ExcelWriter

    def full(self):
        raise OSError(errno.ENOSPC, "No space left on device", str(work / "r.xlsx"))

    monkeypatch.setattr(ExcelWriter, "save", full)
    before = files_under(work)
    refused(invoke("run", "p.csv", "--scenario", "example", "--out", "r.xlsx"), "the disk is full")
    assert files_under(work) == before


def test_a_failure_after_the_charts_leaves_no_chart_behind(work, monkeypatch):
    from nyttokalk.reports import excel

    def broken(*a, **k):
        raise OSError(errno.EIO, "Input/output error", "r.xlsx")

    monkeypatch.setattr(excel, "save", broken)  # fails after the charts and every sheet are written
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
    refused(res, "[/x].csv", "file not found")


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


def _dataset(tmp_path: Path, parts: int, rows: int) -> Path:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from generate import generate  # noqa: E402

    folder = tmp_path / "data"
    folder.mkdir(parents=True)
    for k in range(parts):
        generate(rows, seed=k + 1, first_id=k * rows).to_csv(folder / f"part-{k}.csv", index=False)
    return folder


def _processes_mentioning(text: str) -> list[int]:
    """Processes whose command line holds `text` (a forked worker has its parent's command line)."""
    found = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                if text.encode() in (d / "cmdline").read_bytes():
                    found.append(int(d.name))
            except OSError:
                pass
    return found


def _wait_for(predicate, timeout: float) -> bool:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_a_killed_dataset_run_leaves_no_workers_and_its_temporary_files_go(tmp_path, sig):
    """SIGTERM: exit 143, the spool and the id buckets removed, the workers gone. SIGKILL (nothing can
    clean up after it): the workers end with the parent, and the next run removes the folders left."""
    folder = _dataset(tmp_path, parts=4, rows=60_000)  # long enough to be stopped in the middle
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    env = {**os.environ, "TMPDIR": str(tmp)}
    scenario = str(Path(__file__).resolve().parent.parent / "bench" / "scenario.yaml")
    cmd = [sys.executable, "-m", "nyttokalk", "run", str(folder), "--scenario", scenario, "--json", "--workers", "2"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert _wait_for(lambda: len(_processes_mentioning(str(folder))) >= 3 or proc.poll() is not None, 120)  # the parent and its workers
    assert proc.poll() is None, "the run ended before it could be stopped"
    proc.send_signal(sig)
    _, stderr = proc.communicate(timeout=60)
    assert _wait_for(lambda: not _processes_mentioning(str(folder)), 10), "workers outlived the run"
    if sig == signal.SIGTERM:
        assert proc.returncode == 143, stderr.decode()
        assert b"Traceback" not in stderr
        assert list(tmp.iterdir()) == []
    else:
        assert any(d.name.startswith("nyttokalk-") for d in tmp.iterdir())  # left behind by the kill
        small = _dataset(tmp_path / "again", parts=1, rows=10)
        done = subprocess.run([sys.executable, "-m", "nyttokalk", "run", str(small), "--scenario", scenario, "--json"],
                              env=env, capture_output=True, timeout=120)
        assert done.returncode == 0, done.stderr.decode()
        assert list(tmp.iterdir()) == []


# ---- privacy and reproducibility ---------------------------------------------------------------

PNR = "19811218-9876"  # made up, valid check digit


def test_a_file_named_after_a_personnummer_is_masked_in_every_output(work):
    shutil.copy(work / "p.csv", work / f"{PNR}.csv")
    res = invoke("run", f"{PNR}.csv", "--scenario", "example", "--json", "--out", "r.xlsx")
    assert res.exit_code == 0, res.output
    assert "9876" not in res.stdout
    from openpyxl import load_workbook

    wb = load_workbook(work / "r.xlsx")
    cells = [str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert not any("9876" in c for c in cells)


def _meta_and_figures(env_rules: Path, work: Path) -> tuple[dict, dict]:
    import json

    res = CliRunner(env={"NYTTOKALK_RULES_DIR": str(env_rules)}).invoke(app, ["run", "p.csv", "--scenario", "example", "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    return doc["meta"], doc["first_year"]


def test_the_metadata_changes_when_a_municipal_rate_changes(work, tmp_path):
    """Every file that shapes a result is hashed: a kommun's rate changed the figures while every
    recorded hash stayed the same (issue 20)."""
    from nyttokalk.paths import rules_dir

    rules = tmp_path / "rules"
    shutil.copytree(rules_dir(), rules)
    (work / "p.csv").write_text("id,before,after,age,wage,municipality\nA,forsorjningsstod,arbete,30,21500,Malmö\n", encoding="utf-8")
    meta1, fig1 = _meta_and_figures(rules, work)
    table = rules / "municipalities" / "2022.csv"
    lines = table.read_text(encoding="utf-8").splitlines()
    lines = [ln.replace("Malmö,21.24", "Malmö,22.24") if ln.startswith("1280,") else ln for ln in lines]
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    meta2, fig2 = _meta_and_figures(rules, work)
    assert fig1["kommun"] != fig2["kommun"]
    assert meta1["rules"]["2022"]["municipalities"]["sha256"] != meta2["rules"]["2022"]["municipalities"]["sha256"]
    assert meta1["rules"]["2022"]["sha256"] == meta2["rules"]["2022"]["sha256"]  # the year file itself did not change


def test_the_metadata_hashes_the_defaults_and_the_indices(work):
    import json

    res = invoke("run", "p.csv", "--scenario", "example", "--json")
    meta = json.loads(res.stdout)["meta"]
    assert len(meta["scenario"]["defaults_sha256"]) == 64
    assert len(meta["indices"]["sha256"]) == 64
