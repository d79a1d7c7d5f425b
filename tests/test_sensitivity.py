"""`nyttokalk sensitivity`: tornado order you can reason out by hand, seeded Monte Carlo."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from helpers import RAMBOLL_LIKE, write_csv, write_scenario
from nyttokalk.cli import app
from nyttokalk.commands.sensitivity import parse_ranges, sensitivity
from nyttokalk.errors import InputError
from nyttokalk.ruleset.loader import load_year
from nyttokalk.scenario import load_scenario

pytestmark = pytest.mark.usefixtures("english")  # messages are checked in English, the message ids (Swedish: test_i18n.py)

runner = CliRunner(env={"COLUMNS": "200"})

# Three people leave försörjningsstöd for unsubsidised full-time work at the scenario's default
# wage (no wage column), age 30 (full employer contributions), all from January 2022.
WORKERS = [{"id": f"W{i}", "before": "forsorjningsstod", "after": "arbete", "age": 30, "exit_month": "2022-01"} for i in range(3)]
SCENARIO = {**RAMBOLL_LIKE, "wages": {**RAMBOLL_LIKE["wages"], "default": 20000, "extratjanst": None},
            "project": {"cost": 500_000, "funding": None}}


@pytest.fixture()
def case(tmp_path):
    sc = write_scenario(tmp_path / "s.yaml", SCENARIO)
    people = write_csv(tmp_path / "people.csv", WORKERS)
    return str(sc), people


def test_tornado_wage_moves_the_public_sector_and_project_cost_does_not(case):
    # The project cost is not part of the first-year effect (it only decides when the effect has
    # paid for it), so ±25 % of it moves the first-year effect by exactly 0 kr. A wage of
    # 18 000 instead of 22 000 kr (±10 % of 20 000) moves the employer contributions to the state
    # by 3 people × 12 months × 4 000 kr × the full rate, and the income tax the same way (both
    # grow with the wage; at 18 000 kr the person is above the försörjningsstöd norm of
    # 4 250 + 6 500 kr, so no top-up is left in either case): the wage comes first.
    sc, people = case
    s = sensitivity(sc, people, ["project.cost=-25%:+25%", "wages.default=-10%:+10%", "discount_rate=0:7"], 0, 1, None)
    assert [r["key"] for r in s.tornado][0] == "wages.default"
    rows = {r["key"]: r for r in s.tornado}
    w = rows["wages.default"]
    assert (w["low"], w["high"]) == (18000, 22000)
    rate = load_year(2022).rules.employer_contributions.full_rate.at(dt.date(2022, 4, 1))
    assert w["effect_high"] - w["effect_low"] >= 3 * 12 * 4000 * rate
    assert rows["project.cost"]["swing"] == 0 and rows["discount_rate"]["swing"] == 0
    # a cheaper project pays back no later than a dearer one; the discount rate leaves simple payback alone
    pc = rows["project.cost"]
    assert (pc["low"], pc["high"]) == (375_000, 625_000)
    assert pc["payback_low"] is not None and pc["payback_high"] is not None and pc["payback_low"] < pc["payback_high"]
    assert rows["discount_rate"]["payback_low"] == rows["discount_rate"]["payback_high"] == s.base.payback["simple"]


def test_monte_carlo_over_project_cost_alone_leaves_the_first_year_effect_unchanged(case):
    # Every draw has another project cost and so the same first-year effect: p5 = p50 = p95 = base.
    sc, people = case
    s = sensitivity(sc, people, ["project.cost=200000:600000"], 20, 7, None)
    for actor, pct in s.percentiles.items():
        assert pct["p5"] == pct["p50"] == pct["p95"] == pytest.approx(s.base.first_year[actor])
    pb = s.payback_percentiles["simple"]
    assert pb["p5"] <= pb["p50"] <= pb["p95"]


def test_the_same_seed_gives_the_same_percentiles(case):
    sc, people = case
    spec = ["wages.default=18000:24000", "forsorjningsstod.reasonable_costs=-20%:+20%"]
    a = sensitivity(sc, people, spec, 12, 42, None)
    b = sensitivity(sc, people, spec, 12, 42, None)
    assert a.percentiles == b.percentiles and a.payback_percentiles == b.payback_percentiles
    p = a.percentiles["offentlig_sektor"]
    assert p["p5"] < p["p50"] < p["p95"]
    c = sensitivity(sc, people, spec, 12, 43, None)
    assert c.percentiles != a.percentiles


def test_default_ranges_skip_what_the_scenario_does_not_set(tmp_path):
    sc = write_scenario(tmp_path / "s.yaml", {**SCENARIO, "wages": {**SCENARIO["wages"], "default": None}, "project": {"cost": 0, "funding": None}})
    ls = load_scenario(str(sc))
    from nyttokalk.commands.sensitivity import DEFAULT_RANGES

    ranges, skipped = parse_ranges(list(DEFAULT_RANGES), ls, explicit=False)
    assert {r.key for r in ranges} == {"forsorjningsstod.reasonable_costs", "discount_rate"}
    assert {s.key for s in skipped} == {"wages.default", "project.cost"}
    r = {r.key: r for r in ranges}["forsorjningsstod.reasonable_costs"]
    assert (r.low, r.high) == (6500 * 0.8, 6500 * 1.2)


def test_sensitivity_json_workbook_and_tornado_charts(case, tmp_path):
    sc, people = case
    out = tmp_path / "k.xlsx"
    result = runner.invoke(app, ["sensitivity", str(people), "--scenario", sc, "--samples", "5", "--json", "--out", str(out), "--charts"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    swings = [r["swing"] for r in doc["tornado"]]
    assert swings == sorted(swings, reverse=True) and len(swings) == 4  # the default set
    assert doc["monte_carlo"]["samples"] == 5 and set(doc["monte_carlo"]["first_year"]["offentlig_sektor"]) == {"p5", "p50", "p95"}
    wb = load_workbook(out)
    assert wb.sheetnames[:2] == ["Tornado", "Monte Carlo"]
    assert len(wb["Tornado"]._charts) == 1
    keys = [r[0] for r in wb["Tornado"].iter_rows(min_row=4, max_row=3 + len(doc["tornado"]), values_only=True)]
    assert keys == [r["key"] for r in doc["tornado"]]
    assert (tmp_path / "k-tornado.png").read_bytes()[:4] == b"\x89PNG"
    assert "<svg" in (tmp_path / "k-tornado.svg").read_text(encoding="utf-8")


@pytest.mark.parametrize("vary, needle", [
    ("wages.default", "KEY=LOW:HIGH"),
    ("wages.defualt=1:2", "did you mean 'wages.default'"),
    ("discount_rate=7:0", "low value is above the high value"),
    ("discount_rate=0:50", "must be at most 20"),
    ("wages.extratjanst=-10%:+10%", "needs a value to vary"),
])
def test_a_bad_range_is_exit_2_naming_the_option_and_value(case, vary, needle):
    sc, people = case
    result = runner.invoke(app, ["sensitivity", str(people), "--scenario", sc, "--vary", vary, "--samples", "0", "--json"])
    assert result.exit_code == 2, result.output
    assert "--vary" in result.output and needle in result.output and "Traceback" not in result.output


def test_productivity_and_displacement_by_work_state_can_be_varied(case):
    """`productivity.<work state>` and `displacement.<work state>` are ranges too, whether or not the
    scenario gives the state (then only in absolute values: the rules' share is not the scenario's).
    Under Ramboll's convention (SCENARIO) the state gets 0.18 × productivity × lönekostnad, so the
    public sector's swing for arbete from 0.5 to 1.0 is, per person-month,
      0.18 × 0.5 × 20 000 × (1 + 31.42 %) = 0.09 × 26 284 = 2 365.56 kr,
    for 3 people × 12 months = 85 160.16 kr; displacement moves samhällsekonomi only: swing 0."""
    sc, people = case
    s = sensitivity(sc, people, ["productivity.arbete=0.5:1", "displacement.arbete=0:0.65"], 0, 1, None)
    rows = {r["key"]: r for r in s.tornado}
    rate = load_year(2022).rules.employer_contributions.full_rate.at(dt.date(2022, 4, 1))
    assert rate == pytest.approx(0.3142)
    assert rows["productivity.arbete"]["swing"] == pytest.approx(3 * 12 * 0.18 * 0.5 * 20_000 * (1 + rate), abs=0.01)
    assert rows["productivity.arbete"]["base"] is None  # the scenario does not set it
    assert rows["displacement.arbete"]["swing"] == 0
    with pytest.raises(InputError, match="bad --vary"):
        sensitivity(sc, people, ["productivity.arbete=-10%:+10%"], 0, 1, None)  # no scenario value to take a percentage of
