"""The plain per-participant reference (bench/reference.py) and the vectorised engine agree.

The reference is written from docs/method.md one participant and one month at a time; any
difference of more than 0.01 SEK per actor is a bug in one of the two.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from helpers import RAMBOLL_LIKE, run_people, write_csv, write_scenario
from nyttokalk.analysis import analyse
from nyttokalk.cli import app
from nyttokalk.engine import run_engine
from nyttokalk.participants import read_participants
from nyttokalk.scenario import load_scenario

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))
from generate import generate  # noqa: E402
from reference import ALL, run_reference  # noqa: E402

TOLERANCE = 0.01  # SEK per actor, summed over all participants


def engine_figures(participants_path: Path, scenario: str) -> dict:
    ls = load_scenario(scenario)
    a = analyse(run_engine(read_participants(participants_path), ls), ls)
    return {"first_year": a.first_year, "first_year_naive": a.first_year_naive, "horizon": a.horizon["undiscounted"],
            "horizon_naive": a.horizon["naive"], "horizon_discounted": a.horizon["discounted"],
            "first_year_before_equalisation": a.first_year_before_equalisation,
            **{f"society.{k}": v for k, v in a.society.items()}}


def reference_figures(participants_path: Path, scenario: str) -> dict:
    return run_reference(read_participants(participants_path), load_scenario(scenario))


def assert_agree(engine: dict, ref: dict) -> None:
    """Every actor's figures, and samhällsekonomi's parts and totals, to the öre."""
    for key, values in engine.items():
        theirs = ref["society"][key.split(".", 1)[1]] if key.startswith("society.") else ref[key]
        assert set(values) == set(theirs), key
        for name in values:
            assert abs(theirs[name] - values[name]) <= TOLERANCE, (key, name, values[name], theirs[name])


def test_reference_reproduces_the_hand_worked_ramboll_row_r01(tmp_path):
    # method.md 7.8, worked by hand: försörjningsstöd → arbete at 21 500, 2022 rules on 2022-04-01, no temporary reduction.
    # individ: (17 228.917 − 10 750) × 12 = 6 478.917 × 12                          =  77 747.00
    # kommun:  10 750 × 12 + kommunalskatt 74 612 × 20.67 / 32.23 = 129 000 + 47 850.76 = 176 850.76
    # region:  74 612 × 11.56 / 32.23                                                  =  26 761.24
    # stat:    12 × (6 755.30 + 5 085.954) − (23 854 + 1 436 − 1 327 − 604) = 142 095.05 − 23 359 = 118 736.05
    sc = write_scenario(tmp_path / "s.yaml", RAMBOLL_LIKE)
    people = write_csv(tmp_path / "p.csv", [{"id": "R01", "before": "forsorjningsstod", "after": "arbete", "age": 30, "wage": 21500}])
    ref = reference_figures(people, str(sc))["first_year"]
    assert ref["individ"] == pytest.approx(77_747.00, abs=0.01)
    assert ref["kommun"] == pytest.approx(176_850.76, abs=0.01)
    assert ref["region"] == pytest.approx(26_761.24, abs=0.01)
    assert ref["stat"] == pytest.approx(118_736.05, abs=0.01)
    assert ref["arbetsgivare"] == pytest.approx(0.0, abs=1e-9)
    assert ref["offentlig_sektor"] == pytest.approx(176_850.76 + 26_761.24 + 118_736.05, abs=0.02)


def test_reference_and_engine_agree_on_the_benchmark_population(tmp_path):
    # bench/generate.py, 200 seeded rows, five-year horizon from 2024 (projected rules from 2027)
    path = tmp_path / "bench.csv"
    generate(200, seed=7).to_csv(path, index=False)
    assert_agree(engine_figures(path, str(BENCH / "scenario.yaml")), reference_figures(path, str(BENCH / "scenario.yaml")))


def test_reference_agrees_with_run_json_on_the_bundled_example():
    result = CliRunner().invoke(app, ["run", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    from nyttokalk.paths import scenarios_dir

    ref = reference_figures(scenarios_dir() / "example" / "participants.csv", "example")
    for actor in ALL:  # the JSON is rounded to öre: allow half an öre more
        assert abs(ref["first_year"][actor] - doc["first_year"][actor]) <= TOLERANCE + 0.005, actor
        assert abs(ref["horizon"][actor] - doc["horizon"]["undiscounted"][actor]) <= TOLERANCE + 0.005, actor


@pytest.mark.parametrize("scenario", ["ramboll-2022", "malmedveten-2022", "samverkan-utan-granser", "malmokraften", "example"])
def test_reference_and_engine_agree_on_bundled_scenarios(scenario):
    ls = load_scenario(scenario)
    assert_agree(engine_figures(ls.participants_path, scenario), reference_figures(ls.participants_path, scenario))


def mixed_population(n: int, seed: int) -> pd.DataFrame:
    """Every modelled state, youth and older employer-fee reductions, older persons' tax, observed
    amounts, mid-year exits in 2022 (extratjänst only from January, while its rule exists)."""
    rng = np.random.default_rng(seed)
    before = rng.choice(["forsorjningsstod", "aktivitetsstod", "etableringsersattning", "utvecklingsersattning", "ingen_ersattning"], n)
    after = rng.choice(["arbete", "nystartsjobb", "introduktionsjobb", "extratjanst", "lonebidrag", "studier", "oforandrad",
                        "aktivitetsstod", "forsorjningsstod", "etableringsersattning", "utvecklingsersattning", "ingen_ersattning"], n)
    exit_month = np.where(after == "extratjanst", 1, rng.integers(1, 13, n))
    observed = rng.random(n) < 0.15
    return pd.DataFrame({
        "id": [f"M{i:04d}" for i in range(n)],
        "before": before,
        "after": after,
        "age": rng.choice([19, 21, 23, 30, 45, 56, 62, 67, 70], n),
        "municipality": rng.choice(["", "Halmstad", "0180", "Kiruna"], n),
        "newly_arrived": rng.choice(["true", "false", ""], n),
        "months_unemployed": rng.choice(["", "8", "14", "26", "40"], n),
        "wage": rng.choice(["", "9000", "19000", "26000", "48000", "70000"], n),
        "extent": rng.choice(["", "1", "0.5", "0.8"], n),
        "exit_month": [f"2022-{m:02d}" for m in exit_month],
        "before_amount": np.where(observed & (rng.random(n) < 0.5), "4000", ""),
        "after_amount": np.where(observed, rng.choice(["0", "2500"], n), ""),
    })


MIXED_SCENARIO = {
    "title": "mixed",
    "period": {"horizon_months": 30},
    "participant_defaults": {"age": 40, "months_unemployed": 12},
    "wages": {"default": 22000, "extratjanst": 18000, "holiday_pay": True},
    "local_tax": {"kommun": 21.0, "region": 11.5, "begravning": 0.25},
    "forsorjningsstod": {"reasonable_costs": 6000},
    "benefits": {"utvecklingsersattning_level": "lower"},
    "subsidies": {"lonebidrag_share": 0.6},
    "tax": {"temporary_work_reduction": True},
    "fees": {"public_service": "kommun", "begravning": "region"},
    "persistence": {"keep_job_probability": 0.4, "monthly_dropoff": 0.02},
    "counterfactual": {"deadweight": 0.2},
    "discount_rate": 4.0,
}


def test_reference_and_engine_agree_on_every_state_and_mechanism(tmp_path):
    path = tmp_path / "mixed.csv"
    mixed_population(150, seed=3).to_csv(path, index=False)
    sc = write_scenario(tmp_path / "mixed.yaml", MIXED_SCENARIO)
    assert_agree(engine_figures(path, str(sc)), reference_figures(path, str(sc)))


def test_reference_and_engine_agree_with_rules_date_and_a_short_subsidy(tmp_path):
    sc = write_scenario(tmp_path / "s.yaml", {**RAMBOLL_LIKE, "period": {"exit_month": "2022-05", "horizon_months": 20, "rules_date": "2022-04-01"},
                                              "persistence": {"keep_job_probability": 0.7}, "durations": {"nystartsjobb": 5, "introduktionsjobb": 8}})
    rows = [{"id": f"S{i}", "before": b, "after": a, "age": 24 + i}
            for i, (b, a) in enumerate([("aktivitetsstod", "nystartsjobb"), ("forsorjningsstod", "introduktionsjobb"),
                                        ("etableringsersattning", "nystartsjobb"), ("aktivitetsstod", "studier")])]
    path = write_csv(tmp_path / "p.csv", rows)
    assert_agree(engine_figures(path, str(sc)), reference_figures(path, str(sc)))


# A subsidised job that ends after the horizon but inside the horizon's last calendar year changes
# that year's tax, and so the counted months of the year. The engine splits keep / fall back only
# when some participant's subsidy ends inside the horizon (engine.run_engine, `if
# ends_in_horizon.any():`), so participant B's effect depends on whether participant A is in the file.
PERSISTENCE = {"title": "t", "period": {"horizon_months": 12}, "wages": {"default": 21500},
               "forsorjningsstod": {"reasonable_costs": 6500},
               "persistence": {"keep_job_probability": 0.5}, "durations": {"nystartsjobb": 6}}
A = {"id": "A", "before": "forsorjningsstod", "after": "nystartsjobb", "age": 30, "months_unemployed": 24, "wage": 21500, "exit_month": "2024-03"}
B = {"id": "B", "before": "forsorjningsstod", "after": "introduktionsjobb", "age": 30, "months_unemployed": 24, "wage": 21500, "exit_month": "2024-03"}


def test_reference_gives_a_participant_the_same_effect_whoever_else_is_in_the_file(tmp_path):
    sc = write_scenario(tmp_path / "s.yaml", PERSISTENCE)
    alone = run_reference(read_participants(write_csv(tmp_path / "b.csv", [B])), load_scenario(str(sc)))["first_year"]
    pair = run_reference(read_participants(write_csv(tmp_path / "ab.csv", [A, B])), load_scenario(str(sc)))["first_year"]
    a_only = run_reference(read_participants(write_csv(tmp_path / "a.csv", [A])), load_scenario(str(sc)))["first_year"]
    for actor in ALL:
        assert pair[actor] == pytest.approx(alone[actor] + a_only[actor], abs=1e-6)


# Found by the reference: the engine used to split keep / fall back for everyone only when some
# participant's subsidy ended inside the horizon, so B's effect changed with A's presence.
def test_engine_gives_a_participant_the_same_effect_whoever_else_is_in_the_file(tmp_path):
    (tmp_path / "alone").mkdir()
    (tmp_path / "pair").mkdir()
    _, alone = run_people(tmp_path / "alone", [B], PERSISTENCE)
    _, pair = run_people(tmp_path / "pair", [A, B], PERSISTENCE)
    b_alone = alone.per_participant.to_frame().set_index("id").loc["B"]
    b_pair = pair.per_participant.to_frame().set_index("id").loc["B"]
    for actor in ALL:
        assert b_pair[actor] == pytest.approx(b_alone[actor], abs=TOLERANCE), actor


# --- issue 14: the public finances and samhällsekonomi, every mechanism against the reference ---

def public_population(n: int, seed: int) -> pd.DataFrame:
    """mixed_population with an employer of every kind (and empty: the scenario's default) and kommuner
    that receive (Malmö, Halmstad, Kiruna), pay (Danderyd, Stockholm: also Region Stockholm), carry both
    parts (Gotland) or none (the national average)."""
    rng = np.random.default_rng(seed)
    df = mixed_population(n, seed)
    df["municipality"] = rng.choice(["", "Malmö", "Danderyd", "0180", "Gotland", "Halmstad", "Kiruna"], n)
    df["employer"] = rng.choice(["", "privat", "Kommun", "region", "staten", "ideell"], n)
    return df


PUBLIC_VARIANTS = {
    # nyttokalk's defaults, with productivity, displacement and unit costs given
    "defaults": {"productivity": {"nystartsjobb": 0.9, "lonebidrag": 0.7, "arbete": 0.95},
                 "displacement": {"nystartsjobb": 0.65, "introduktionsjobb": 0.3, "arbete": 0.1},
                 "unit_costs": {"studier": {"kommun": 800}, "aktivitetsstod": {"stat": 1200, "region": 100}},
                 "participant_defaults": {"age": 40, "months_unemployed": 12, "employer": "kommun"}},
    # Ramboll's conventions, but the utjämning on with the state as the counterpart
    "ramboll": {"production": {"convention": "ramboll"}, "study_loan": "ramboll", "actors": {"pension_system": "in_state"},
                "equalisation": {"enabled": True, "counterpart": "stat"}},
    # mixed: the markup convention with every other default
    "markup_only": {"production": {"convention": "ramboll"}, "equalisation": {"enabled": False}, "displacement": {"extratjanst": 0.5}},
}


@pytest.mark.parametrize("variant", sorted(PUBLIC_VARIANTS))
def test_reference_and_engine_agree_on_employers_productivity_utjamning_pension_and_society(tmp_path, variant):
    path = tmp_path / "public.csv"
    public_population(160, seed=5).to_csv(path, index=False)
    over = PUBLIC_VARIANTS[variant]
    sc = write_scenario(tmp_path / "s.yaml", {**MIXED_SCENARIO, **over,
                                               "participant_defaults": over.get("participant_defaults", MIXED_SCENARIO["participant_defaults"])})
    engine, ref = engine_figures(path, str(sc)), reference_figures(path, str(sc))
    assert_agree(engine, ref)
    # the population exercises what it is meant to: utjämning, the pension system, public employers, society
    if variant != "markup_only":
        assert engine["first_year"]["kommun"] != pytest.approx(engine["first_year_before_equalisation"]["kommun"])
    assert engine["society.first_year"]["production"] > 0 and engine["society.first_year"]["resources"] > 0
    if variant != "ramboll":
        assert engine["first_year"]["pensionssystemet"] != 0


# --- issue 15: the before-paths, the household's benefits and fixed prices -------------------


def paths_population(n: int, seed: int) -> pd.DataFrame:
    """Every path state before and after (with months already in the state), the under-25s, households
    with children and partners, housing costs, observed amounts, exits from mid-2023 to the end of 2025
    (a-kassa periods under both laws and across 2025-10-01)."""
    rng = np.random.default_rng(seed)
    before = rng.choice(["forsorjningsstod", "aktivitetsstod", "etableringsersattning", "utvecklingsersattning", "a_kassa", "sjukpenning",
                         "sjukersattning", "aktivitetsersattning", "ingen_ersattning"], n)
    after = rng.choice(["arbete", "nystartsjobb", "introduktionsjobb", "lonebidrag", "studier", "oforandrad", "aktivitetsstod", "a_kassa",
                        "forsorjningsstod", "etableringsersattning", "sjukpenning"], n)
    exit_month = rng.choice(["2023-07", "2024-01", "2024-06", "2025-03", "2025-09", "2025-10", "2025-12"], n)
    observed = rng.random(n) < 0.1
    return pd.DataFrame({
        "id": [f"P{i:04d}" for i in range(n)],
        "before": before,
        "after": after,
        "age": rng.choice([19, 22, 24, 27, 29, 35, 50], n),
        "municipality": rng.choice(["", "Malmö", "Kiruna"], n),
        "newly_arrived": rng.choice(["true", "false"], n),
        "months_unemployed": rng.choice(["", "8", "26"], n),
        "months_in_state": rng.choice(["", "0", "5", "9", "14", "20", "30"], n),
        "prior_income": rng.choice(["", "0", "180000", "360000"], n),
        "wage": rng.choice(["", "12000", "21500", "34000"], n),
        "extent": rng.choice(["", "1", "0.5"], n),
        "adults": rng.choice(["", "1", "2"], n),
        "children_ages": rng.choice(["", "-", "4 8", "2 5 12 17", "16", "10"], n),
        "housing_cost": rng.choice(["", "3000", "4500", "7000"], n),
        "exit_month": exit_month,
        "before_amount": np.where(observed & (rng.random(n) < 0.5), "5000", ""),
        "after_amount": np.where(observed, rng.choice(["0", "1500"], n), ""),
    })


PATHS_SCENARIO = {
    "title": "paths",
    "period": {"horizon_months": 36},
    "participant_defaults": {"age": 40, "months_unemployed": 12, "prior_income": 240000, "months_in_state": 3, "housing_cost": None},
    "wages": {"default": 24000, "holiday_pay": True},
    "forsorjningsstod": {"reasonable_costs": {1: 6000, 3: 7500}},
    "subsidies": {"lonebidrag_share": 0.6},
    "persistence": {"keep_job_probability": 0.4, "monthly_dropoff": 0.01},
    "counterfactual": {"deadweight": 0.1},
    "durations": {"introduktionsjobb": 10, "nystartsjobb": 14},
}


@pytest.mark.parametrize("variant", [
    {},
    {"paths": {"after_etablering": "aktivitetsstod", "after_aktivitetsersattning": "sjukersattning"}, "prices": {"base_year": 2023}},
    {"paths": {"after_aktivitetsersattning": "forsorjningsstod"}, "prices": {"mode": "nominal"}, "forsorjningsstod": {"reasonable_costs": 6500, "jobbstimulans": False},
     "benefits": {"a_kassa_membership": "non_member", "utvecklingsersattning_level": "lower"}},
    {"paths": {"static": True}, "participant_defaults": {**PATHS_SCENARIO["participant_defaults"], "housing_cost": 5000}},
], ids=["paths", "next-states-base-2023", "nominal-no-stimulans", "static-housing-default"])
def test_reference_and_engine_agree_on_the_paths_household_and_prices(tmp_path, variant):
    path = tmp_path / "paths.csv"
    paths_population(160, seed=15).to_csv(path, index=False)
    sc = write_scenario(tmp_path / "paths.yaml", {**PATHS_SCENARIO, **variant})
    assert_agree(engine_figures(path, str(sc)), reference_figures(path, str(sc)))


def test_reference_and_engine_agree_with_a_rules_date_over_years(tmp_path):
    # every month on the rules of 2024-04-01 (a static calculator), the horizon over three years: no wage index, no deflation
    path = tmp_path / "paths.csv"
    paths_population(60, seed=16).to_csv(path, index=False)
    sc = write_scenario(tmp_path / "s.yaml", {**PATHS_SCENARIO, "period": {"horizon_months": 30, "rules_date": "2024-04-01"}})
    assert_agree(engine_figures(path, str(sc)), reference_figures(path, str(sc)))
