"""Every rule leaf with status unknown or assumed that a run used is named, with its value and the
months it was used in, in the warnings (console, JSON, Sammanfattning) and in meta (issue 16)."""

from __future__ import annotations

import json

import pytest
import yaml
from typer.testing import CliRunner

from helpers import run_people
from nyttokalk.cli import app
from nyttokalk.paths import rules_dir

SCENARIO = {"title": "doubtful", "period": {"exit_month": "2024-01", "horizon_months": 12},
            "participant_defaults": {"age": 35, "months_unemployed": 24}, "wages": {"default": 22_000},
            "forsorjningsstod": {"reasonable_costs": 6_500}, "persistence": {"keep_job_probability": 0.5}}
INTRO = {"id": "I", "before": "forsorjningsstod", "after": "introduktionsjobb", "newly_arrived": "true"}
WORK = {"id": "W", "before": "forsorjningsstod", "after": "arbete"}

pytestmark = pytest.mark.usefixtures("english")  # the warnings' wording is checked in English; Swedish below


def _status(path: str, year: int) -> str:
    node = yaml.safe_load((rules_dir() / f"{year}.yaml").read_text(encoding="utf-8"))
    for key in path.split("."):
        node = node[key]
    return node["status"]


def _named(analysis, path: str) -> list[str]:
    return [w for w in analysis.warnings if f"rule {path} " in w]


def test_an_unknown_rule_a_participant_used_is_named_with_its_value_and_months(tmp_path):
    # rules/2024.yaml: introduktionsjobb's wage cap has status unknown (förordning 2018:42 as amended not read);
    # one person in an introduktionsjobb all of 2024 uses it in 12 months
    assert _status("subsidies.introduktionsjobb.wage_cap", 2024) == "unknown"
    _, a = run_people(tmp_path, [INTRO], SCENARIO, chunk_size=5)
    [line] = _named(a, "subsidies.introduktionsjobb.wage_cap")
    assert "status unknown" in line and "12 months (2024-01–2024-12)" in line
    [meta] = [e for e in a.meta["doubtful_rules"] if e["path"] == "subsidies.introduktionsjobb.wage_cap"]
    assert meta["months"] == ["2024-01", "2024-12", 12] and meta["status"] == "unknown"


def test_a_rule_no_participant_used_is_not_named(tmp_path):
    # only unsubsidised work: the introduktionsjobb rules are never read, so never named
    _, a = run_people(tmp_path, [WORK], SCENARIO, chunk_size=5)
    assert not _named(a, "subsidies.introduktionsjobb.wage_cap")
    assert not [e for e in a.meta["doubtful_rules"] if e["path"].startswith("subsidies.introduktionsjobb")]


def test_the_months_are_those_of_the_cells_not_of_the_whole_run(tmp_path):
    # the introduktionsjobb ends after 6 months (durations): its rules are used in 2024-01…2024-06 only,
    # although the run goes on to 2024-12 for both people
    scenario = {**SCENARIO, "durations": {"introduktionsjobb": 6}}
    _, a = run_people(tmp_path, [INTRO, WORK], scenario, chunk_size=5)
    [line] = _named(a, "subsidies.introduktionsjobb.share")
    assert "6 months (2024-01–2024-06)" in line


@pytest.mark.parametrize("chunk_size", [1, 2])
def test_the_named_rules_do_not_depend_on_chunks_or_workers(tmp_path, chunk_size):
    rows = [INTRO, WORK, {**INTRO, "id": "I2", "exit_month": "2024-07"}]
    (tmp_path / "one").mkdir()
    (tmp_path / "many").mkdir()
    _, whole = run_people(tmp_path / "one", rows, SCENARIO, chunk_size=10)
    _, parts = run_people(tmp_path / "many", rows, SCENARIO, chunk_size=chunk_size)
    assert whole.meta["doubtful_rules"] == parts.meta["doubtful_rules"]


def test_the_cli_json_and_console_name_them(tmp_path):
    people = tmp_path / "p.csv"
    people.write_text("id,before,after,newly_arrived,exit_month\nI,forsorjningsstod,introduktionsjobb,true,2024-01\n", encoding="utf-8")
    sc = tmp_path / "s.yaml"
    sc.write_text(yaml.safe_dump(SCENARIO), encoding="utf-8")
    res = CliRunner().invoke(app, ["run", str(people), "--scenario", str(sc), "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert any("subsidies.introduktionsjobb.wage_cap" in w for w in doc["warnings"])
    res = CliRunner(env={"COLUMNS": "200"}).invoke(app, ["run", str(people), "--scenario", str(sc), "--out", str(tmp_path / "r.xlsx")])
    assert res.exit_code == 0 and "subsidies.introduktionsjobb.wage_cap" in res.output


def test_rules_read_in_worker_processes_are_named_too(tmp_path):
    from helpers import write_csv, write_scenario
    from nyttokalk.analysis import analyse
    from nyttokalk.engine import run_engine
    from nyttokalk.participants import read_participants
    from nyttokalk.scenario import load_scenario

    rows = [WORK, {**WORK, "id": "W2"}, {**WORK, "id": "W3"}, {**WORK, "id": "W4"}, {**INTRO, "exit_month": "2024-07"}]
    ls = load_scenario(str(write_scenario(tmp_path / "s.yaml", SCENARIO)))
    p = read_participants(write_csv(tmp_path / "p.csv", rows))
    one = analyse(run_engine(p, ls, chunk_size=1, workers=1), ls)
    res = run_engine(p, ls, chunk_size=1, workers=2)
    assert res.workers == 2
    assert analyse(res, ls).meta["doubtful_rules"] == one.meta["doubtful_rules"]
    assert [e for e in one.meta["doubtful_rules"] if e["path"] == "subsidies.introduktionsjobb.wage_cap"]


def test_in_swedish_the_status_unit_and_number_are_swedish(tmp_path):
    # rules/2024.yaml: economy.indirect_tax_rate is 13 percent, status assumed; in Swedish the line says
    # "status antagen (13 procent)" and the months as "12 månader"
    from nyttokalk.i18n import language

    with language("sv"):
        _, a = run_people(tmp_path, [WORK], SCENARIO, chunk_size=5)
    [line] = [w for w in a.warnings if "economy.indirect_tax_rate " in w]
    assert line.startswith("regeln economy.indirect_tax_rate har status antagen (13 procent) och användes i 12 månader (2024-01–2024-12)")
    [meta] = [e for e in a.meta["doubtful_rules"] if e["path"] == "economy.indirect_tax_rate"]
    assert (meta["value"], meta["unit"], meta["status"]) == (13, "percent", "assumed")  # meta stays in the rules' words
