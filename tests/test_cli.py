"""The command line through Typer's CliRunner: exit codes and the words a user sees."""

import json

import pytest
from typer.testing import CliRunner

from nyttokalk.cli import app

runner = CliRunner()


def test_run_without_arguments_runs_the_bundled_example_and_writes_a_workbook(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["run"])
    assert result.exit_code == 0, result.output
    assert "Offentlig" in result.output and "Kommun" in result.output
    assert (tmp_path / "nyttokalk-example.xlsx").exists()


def test_run_json_prints_one_object_with_the_contract_keys(tmp_path):
    result = runner.invoke(app, ["run", "--json", "--out", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    for key in ("first_year", "per_year", "payback_months", "meta", "first_year_before_equalisation", "society"):
        assert key in doc
    actors = {"individ", "kommun", "region", "stat", "pensionssystemet", "ovriga_kommuner", "arbetsgivare", "offentlig_sektor"}
    assert set(doc["first_year"]) == actors == set(doc["first_year_before_equalisation"])
    parts = {"production", "resources", "displacement", "total"}
    assert set(doc["society"]) == {"first_year", "horizon", "horizon_discounted"}
    assert set(doc["society"]["first_year"]) == parts
    assert set(doc["society"]["horizon"]) == set(doc["society"]["horizon_discounted"]) == parts | {"project_cost", "total_after_project_cost"}
    assert set(doc["payback_months"]["offentlig_sektor"]) >= {"simple", "discounted"}
    assert doc["meta"]["participants"] == 40
    assert "2022" in doc["meta"]["rules"] and len(doc["meta"]["rules"]["2022"]["sha256"]) == 64
    assert (tmp_path / "x.xlsx").exists()


def test_public_sector_first_year_is_the_sum_of_kommun_region_and_stat():
    doc = json.loads(runner.invoke(app, ["run", "--scenario", "ramboll-2022", "--json"]).stdout)
    fy = doc["first_year"]
    assert fy["offentlig_sektor"] == pytest.approx(fy["kommun"] + fy["region"] + fy["stat"], abs=0.02)
    assert fy["pensionssystemet"] == fy["ovriga_kommuner"] == 0  # Ramboll's conventions: pension to the state, no utjämning


def test_public_sector_is_the_sum_of_the_public_actors():
    # offentlig sektor = kommun + region + stat + pensionssystemet + övriga kommuner och regioner (actors.PUBLIC_ACTORS)
    doc = json.loads(runner.invoke(app, ["run", "--json"]).stdout)
    for fy in (doc["first_year"], doc["first_year_before_equalisation"]):
        assert fy["offentlig_sektor"] == pytest.approx(sum(fy[x] for x in ("kommun", "region", "stat", "pensionssystemet", "ovriga_kommuner")),
                                                       abs=0.05)
    # the utjämning moves money inside the public sector
    assert doc["first_year"]["offentlig_sektor"] == pytest.approx(doc["first_year_before_equalisation"]["offentlig_sektor"], abs=0.02)


def test_an_unknown_state_is_exit_2_naming_file_row_column_and_value(tmp_path):
    f = tmp_path / "p.csv"
    f.write_text("id,before,after,age,wage\nA,forsorjningsstod,arbete,30,21500\nB,forsorjningsstöd,jobb,40,21500\n", encoding="utf-8")
    result = runner.invoke(app, ["run", str(f), "--scenario", "example"])
    assert result.exit_code == 2
    out = result.output
    assert "p.csv" in out and "3" in out and "after" in out and "jobb" in out and "okänt tillstånd" in out  # Swedish, the default
    assert "Traceback" not in out


def test_an_unknown_column_gets_a_did_you_mean(tmp_path):
    f = tmp_path / "p.csv"
    f.write_text("id,before,after,wages\nA,forsorjningsstod,arbete,21500\n", encoding="utf-8")
    result = runner.invoke(app, ["run", str(f)])
    assert result.exit_code == 2
    assert "wages" in result.output and "menade du 'wage'" in result.output


def test_a_missing_participant_file_is_exit_2(tmp_path):
    result = runner.invoke(app, ["run", str(tmp_path / "nope.csv")])
    assert result.exit_code == 2 and "filen finns inte" in result.output


def test_an_unknown_scenario_names_the_bundled_ones():
    result = runner.invoke(app, ["run", "--scenario", "no-such-scenario"])
    assert result.exit_code == 2 and "example" in result.output and "ramboll-2022" in result.output


def test_a_personnummer_in_the_id_column_never_reaches_the_output(tmp_path):
    # 19811218-9876 is a made-up number with a valid check digit (Skatteverket's test-number style)
    f = tmp_path / "p.csv"
    f.write_text("id,before,after,age,wage\n19811218-9876,forsorjningsstod,arbete,40,21500\n", encoding="utf-8")
    result = runner.invoke(app, ["run", str(f), "--json", "--out", str(tmp_path / "o.xlsx")])
    assert result.exit_code == 0, result.output
    assert "9876" not in result.stdout
    from openpyxl import load_workbook

    wb = load_workbook(tmp_path / "o.xlsx")
    text = " ".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row)
    assert "19811218" not in text and "811218" not in text


def test_the_command_ends_at_once_with_its_output_whole_and_its_exit_status(tmp_path):
    """main() skips the interpreter's teardown after a command (bench/startup.py): what it wrote is
    whole, streams flushed, the exit status kept (0, 2 for bad input)."""
    import json
    import subprocess
    import sys

    from openpyxl import load_workbook

    def nyttokalk(*args):
        return subprocess.run([sys.executable, "-m", "nyttokalk", *args], cwd=tmp_path, capture_output=True, text=True, timeout=120)

    r = nyttokalk("run", "--json")
    assert r.returncode == 0, r.stderr
    assert set(json.loads(r.stdout)) >= {"first_year", "warnings", "meta"}  # the whole object, flushed
    r = nyttokalk("run", "--out", "r.xlsx")
    assert r.returncode == 0, r.stderr
    assert load_workbook(tmp_path / "r.xlsx").sheetnames[0] == "Sammanfattning"  # closed, not cut short
    r = nyttokalk("validate", "no-such.csv")
    assert r.returncode == 2 and "no-such.csv" in r.stderr
    assert nyttokalk("--version").returncode == 0


def test_the_garbage_collector_pauses_while_the_modules_load_and_works_during_the_computation(tmp_path):
    """main() pauses the cyclic garbage collector for the imports (bench/startup.py) and resumes it,
    with the modules' objects frozen, before the command computes: a run's garbage is collected,
    also in its forked workers."""
    import subprocess
    import sys

    script = (
        "import gc, sys\n"
        "import nyttokalk.runner as runner\n"
        "import nyttokalk.cli as cli\n"
        "compute = runner.compute\n"
        "def spy(*a, **k):\n"
        "    print('computing with gc', gc.isenabled(), gc.get_freeze_count() > 0, file=sys.stderr)\n"
        "    return compute(*a, **k)\n"
        "runner.compute = spy\n"
        "sys.argv = ['nyttokalk', 'run', '--json']\n"
        "cli.main()\n"
    )
    r = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "computing with gc True True" in r.stderr
    import gc

    assert gc.isenabled()  # the tests' own process (CliRunner, not main()) never pauses it
