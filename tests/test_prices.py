"""Fixed prices (docs/method.md 6.7), worked by hand from rules/indices.yaml.

Wage growth (percent from the year before): 2025 3.4, 2026 3.0 (assumed), later 3.0. KPI annual means
(1980 = 100): 2022 371.91, 2023 403.70, 2024 415.0 (derived), 2025 417.8 (unknown: a placeholder), later
+2 % a year. A flow of calendar year Y is counted at KPI(base) / KPI(Y) of its nominal amount.
"""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
import yaml
from typer.testing import CliRunner

from helpers import run_people, write_csv, write_scenario
from nyttokalk.analysis import analyse
from nyttokalk.cli import app
from nyttokalk.engine import run_engine
from nyttokalk.participants import read_participants
from nyttokalk.paths import rules_dir as bundled_rules_dir
from nyttokalk.ruleset.loader import RuleBook
from nyttokalk.scenario import load_scenario

KPI = {2022: 371.91, 2023: 403.70, 2024: 415.0, 2025: 417.8}
WORK = {"id": "W", "before": "forsorjningsstod", "after": "arbete", "age": 40, "wage": 30_000}


def scenario(exit_month="2024-01", horizon=24, **extra) -> dict:
    return {"title": "prices", "period": {"exit_month": exit_month, "horizon_months": horizon},
            "forsorjningsstod": {"reasonable_costs": 6_500}, **extra}


def test_the_wage_at_exit_follows_the_wage_index_from_january(tmp_path):
    # exit June 2024 at 30 000: 2024 30 000; 2025 × 1.034 = 31 020; 2026 × 1.03 = 31 950.60 (nominal, in the ledger)
    res, _ = run_people(tmp_path, [{**WORK, "exit_month": "2024-06"}], scenario("2024-06"))
    lon = res.ledger.flows["after"]["lon"][0]
    assert lon[5:12] == pytest.approx(np.full(7, 30_000))
    assert lon[12:24] == pytest.approx(np.full(12, 31_020))
    assert lon[24:29] == pytest.approx(np.full(5, 31_020 * 1.03))


def test_every_flow_in_the_prices_of_the_base_year(tmp_path):
    # The same run in current prices and in fixed prices (base 2024, the exit year): year 1 is 2024 (factor 1),
    # year 2 is 2025: fixed = nominal × 415.0 / 417.8. With prices.base_year 2022: × 371.91 / 415.0 and × 371.91 / 417.8.
    (tmp_path / "n").mkdir(), (tmp_path / "f").mkdir(), (tmp_path / "b").mkdir()
    _, nominal = run_people(tmp_path / "n", [WORK], scenario(prices={"mode": "nominal"}))
    _, fixed = run_people(tmp_path / "f", [WORK], scenario())
    _, based = run_people(tmp_path / "b", [WORK], scenario(prices={"base_year": 2022}))
    for actor in ("individ", "kommun", "stat"):
        y1, y2 = (y["undiscounted"][actor] for y in nominal.per_year)
        assert fixed.per_year[0]["undiscounted"][actor] == pytest.approx(y1, abs=1e-6)
        assert fixed.per_year[1]["undiscounted"][actor] == pytest.approx(y2 * KPI[2024] / KPI[2025], abs=1e-6)
        assert based.per_year[1]["undiscounted"][actor] == pytest.approx(y2 * KPI[2022] / KPI[2025], abs=1e-6)
        # the per-participant table is in the same prices as the sums
        assert based.per_participant.to_frame()[actor].sum() == pytest.approx(y1 * KPI[2022] / KPI[2024], abs=1e-6)
    assert fixed.meta["prices"]["label_sv"] == "fasta priser, år 2024"
    assert based.meta["prices"]["label_en"] == "fixed prices, year 2022"
    assert nominal.meta["prices"]["label_sv"] == "löpande priser" and nominal.meta["prices"]["discount_rate_kind"] == "nominal"
    assert any("KPI för 2025 är inte känt" in w for w in fixed.warnings)  # Swedish, the default


def test_a_rules_date_prices_every_month_as_of_that_year(tmp_path):
    # Every month on the rules of 2022-04-01: the wage is not indexed and no month is deflated (base 2022 = price year)
    s = scenario("2022-01", 36, period={"exit_month": "2022-01", "horizon_months": 36, "rules_date": "2022-04-01"})
    res, a = run_people(tmp_path, [WORK], s)
    assert res.ledger.flows["after"]["lon"][0] == pytest.approx(np.full(36, 30_000))
    assert a.per_year[2]["undiscounted"]["individ"] == pytest.approx(a.per_year[0]["undiscounted"]["individ"], abs=1e-6)


def test_the_console_and_the_json_state_the_price_base(tmp_path):
    sc = write_scenario(tmp_path / "s.yaml", scenario())
    people = write_csv(tmp_path / "p.csv", [WORK])
    out = CliRunner().invoke(app, ["run", str(people), "--scenario", str(sc)])
    assert out.exit_code == 0, out.output
    assert "fasta priser, år 2024" in out.output
    doc = json.loads(CliRunner().invoke(app, ["run", str(people), "--scenario", str(sc), "--json"]).stdout)
    assert doc["meta"]["prices"]["base_year"] == 2024 and doc["meta"]["prices"]["kpi"]["2025"] == 417.8


def test_a_constant_real_wage_gives_a_constant_real_gain(tmp_path):
    # Rules where every index moves alike: prisbasbelopp, inkomstbasbelopp, riksnorm, the wage and KPI all +2 % a
    # year (years after 2026 are projected from 2026 by rules/indices.yaml). From 2027 every nominal flow of a
    # year is then 1.02 × the year before's — the wage, the norm, every tax bound in PBB or IBB — and KPI deflates
    # it back: the individual's real gain is the same each year, save for the tax's roundings to 100 kr and whole
    # kronor and its few amounts in kronor that no index moves (the förvärvsinkomst reduction's 40 000 / 240 000):
    # at most 100 kr a year here. Before fixed prices (wage frozen, norm indexed) the gain fell year by year.
    rules = tmp_path / "rules"
    shutil.copytree(bundled_rules_dir(), rules)
    indices = yaml.safe_load((rules / "indices.yaml").read_text(encoding="utf-8"))
    for name in ("prisbasbelopp", "inkomstbasbelopp", "riksnorm", "wage_growth", "kpi"):
        indices[name]["projected_annual_change"] = 2.0
    (rules / "indices.yaml").write_text(yaml.safe_dump(indices, allow_unicode=True), encoding="utf-8")
    s = scenario("2027-01", 36, forsorjningsstod={"reasonable_costs": 0}, local_tax={"kommun": 21.0, "region": 11.5, "begravning": 0.25})
    sc, people = write_scenario(tmp_path / "s.yaml", s), write_csv(tmp_path / "p.csv", [WORK])
    ls = load_scenario(str(sc))
    a = analyse(run_engine(read_participants(people), ls, RuleBook(rules)), ls)
    gains = [y["undiscounted"]["individ"] for y in a.per_year]  # 2027, 2028, 2029 in 2027 prices
    assert abs(gains[1] - gains[0]) < 100 and abs(gains[2] - gains[0]) < 100
    ls_nominal = load_scenario(str(write_scenario(tmp_path / "n.yaml", {**s, "prices": {"mode": "nominal"}})))
    nominal = analyse(run_engine(read_participants(people), ls_nominal, RuleBook(rules)), ls_nominal)
    assert nominal.per_year[2]["undiscounted"]["individ"] == pytest.approx(gains[2] * 1.02 ** 2, abs=1e-6)  # 2029 at KPI 2027 × 1.02²
