"""Riksnorm by household, unit costs and the comparison group, worked by hand.

Riksnorm tables (kr/month; rules-additions.md §1.2, rules/<year>.yaml transfers.forsorjningsstod):

    year  ensam  sambor | barn 0  1–2   3     4–6   7–10  11–14 15–18 19–20 | gemensamma 1 … 7 personer
    2022  3 210  5 800  | 2 220 2 480 2 210 2 480 3 110 3 580 4 040 4 070 | 1 040 1 150 1 450 1 640 1 890 2 140 2 310
    2024  3 790  6 850  | 2 630 2 930 2 620 2 930 3 670 4 230 4 770 4 820 | 1 230 1 360 1 720 1 950 2 240 2 530 2 730
    2025  3 910  7 050  | 2 720 3 030 2 700 3 030 3 790 4 350 4 920 4 960 | 1 270 1 400 1 770 2 010 2 310 2 620 2 810
    2026  3 940  7 100  | 2 740 3 050 2 720 3 050 3 820 4 380 4 950 4 990 | 1 280 1 410 1 780 2 020 2 330 2 640 2 830

A person on försörjningsstöd with no other income receives the whole norm: household riksnorm
plus the scenario's reasonable costs (6 500 below), less the household's barnbidrag, which counts as
income in the assessment (SFB 15 kap.: 1 250 kr a month per child to 15, studiehjälp 1 250 × 10 / 12
for children 16–19 at home; flerbarnstillägg 150 / 730 / 1 740 / 2 990 for 2 / 3 / 4 / 5 children and
1 250 for each further child).
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from helpers import RAMBOLL_LIKE, monthly_effect, run_people, write_csv, write_scenario
from nyttokalk.errors import InputError
from nyttokalk.household import parse_adults, parse_children_ages
from nyttokalk.participants import read_participants
from nyttokalk.ruleset.loader import RuleBook
from nyttokalk.scenario import load_scenario

pytestmark = pytest.mark.usefixtures("english")  # messages are checked in English, the message ids (Swedish: test_i18n.py)

REASONABLE = 6_500


def scenario(exit_month: str, horizon: int = 12, **extra) -> dict:
    """Each month with its own year's rules (no rules_date)."""
    s = {
        "title": "household test",
        "period": {"exit_month": exit_month, "horizon_months": horizon},
        "participant_defaults": {"age": 30, "months_unemployed": 24},
        "wages": {"default": 21_500},
        "forsorjningsstod": {"reasonable_costs": REASONABLE},
    }
    s.update(extra)
    return s


def fbs(res, situation: str, person: int, month: str) -> float:
    """The försörjningsstöd flow of one participant in one calendar month (YYYY-MM)."""
    y, m = map(int, month.split("-"))
    col = (y - res.grid.first_year) * 12 + m - 1
    return float(res.ledger.flows[situation]["forsorjningsstod"][person, col])


ON_FBS = {"id": "a", "before": "forsorjningsstod", "after": "oforandrad"}


# --- A. riksnorm by household ---------------------------------------------------------------


def test_couple_with_children_3_and_15_in_2024(tmp_path):
    # sambor 6 850 + barn 3 år 2 620 + barn 15 år 4 770 + gemensamma 4 personer 1 950 = 16 190
    # barnbidrag 2 × 1 250 + flerbarnstillägg 150 = 2 650 counted as income
    res, _ = run_people(tmp_path, [{**ON_FBS, "adults": "sambo", "children_ages": "3 15"}], scenario("2024-01"))
    assert fbs(res, "before", 0, "2024-01") == pytest.approx(16_190 + REASONABLE - 2_650)
    assert res.ledger.flows["before"]["barnbidrag"][0, 0] == pytest.approx(2_650)


def test_couple_with_children_3_and_15_in_2026(tmp_path):
    # sambor 7 100 + barn 3 år 2 720 + barn 15 år 4 950 + gemensamma 4 personer 2 020 = 16 790; barnbidrag 2 650 (unchanged in 2026)
    res, _ = run_people(tmp_path, [{**ON_FBS, "adults": "2", "children_ages": "3;15"}], scenario("2026-01"))
    assert fbs(res, "before", 0, "2026-01") == pytest.approx(16_790 + REASONABLE - 2_650)


def test_children_age_by_calendar_year_and_cross_bands(tmp_path):
    # exit 2024-07, children 6 and 20 at the exit month, one adult:
    # 2024: ensam 3 790 + 4–6 år 2 930 + 19–20 år 4 820 + gemensamma 3 personer 1 720 = 13 260
    # 2025: the children are 7 and 21: ensam 3 910 + 7–10 år 3 790 + gemensamma 2 personer 1 400 = 9 100
    #       (21 is above the table: that child is a household of its own)
    # barnbidrag: 1 250 for the younger child in both years; the elder (20, 21) is past studiehjälp (to 19): none
    res, _ = run_people(tmp_path, [{**ON_FBS, "children_ages": "6, 20"}], scenario("2024-07"))
    assert fbs(res, "before", 0, "2024-12") == pytest.approx(13_260 + REASONABLE - 1_250)
    assert fbs(res, "before", 0, "2025-01") == pytest.approx(9_100 + REASONABLE - 1_250)
    assert fbs(res, "after", 0, "2025-06") == pytest.approx(9_100 + REASONABLE - 1_250)  # oförändrad: the same


def test_household_above_seven_persons(tmp_path):
    # 2025, sambor with six children 0, 2, 3, 5, 8, 12 = 8 persons:
    #   personal 7 050 + 2 720 + 3 030 + 2 700 + 3 030 + 3 790 + 4 350 = 26 670
    #   common: 7 persons 2 810 + 1 × (2 810 − 2 620) = 3 000 (SFS 2025:468 12 kap. 3 §) → 29 670
    # with a seventh child aged 16 (9 persons): 26 670 + 4 920 + 2 810 + 2 × 190 = 34 780
    # barnbidrag: six children 6 × 1 250 + flerbarnstillägg 2 990 + 1 250 (the sixth) = 11 740; with the seventh
    # (16: studiehjälp 1 250 × 10 / 12 = 1 041.67) 7 500 + 1 041.67 + 2 990 + 2 × 1 250 = 14 031.67
    rows = [{**ON_FBS, "adults": "2", "children_ages": "0 2 3 5 8 12"},
            {**ON_FBS, "id": "b", "adults": "2", "children_ages": "0 2 3 5 8 12 16"}]
    res, _ = run_people(tmp_path, rows, scenario("2025-03"))
    assert fbs(res, "before", 0, "2025-03") == pytest.approx(29_670 + REASONABLE - 11_740)
    assert fbs(res, "before", 1, "2025-03") == pytest.approx(34_780 + REASONABLE - (7_500 + 1_250 * 10 / 12 + 2_990 + 2 * 1_250))


def test_top_up_for_a_couple_with_children_when_one_adult_works(tmp_path):
    # 2022 rules (rules_date 2022-04-01), wage 21 500: net 17 228.92 a month (tests/test_transitions.py)
    # norm: sambor 5 800 + barn 3 år 2 210 + barn 15 år 4 040 + gemensamma 4 personer 1 640 + 6 500 = 20 190;
    # barnbidrag 2 × 1 250 + 150 = 2 650 is income in both situations
    # before (no income): 20 190 − 2 650 = 17 540; after: 17 540 − 17 228.92 = 311.08 (the partner's income is 0)
    # Jobbstimulans (SoL 4 kap. 1 b §): försörjningsstöd January–June (six months in a row from the exit,
    # months_in_state 0), so from July 25 % of the net wage is not counted: 311.08 + 0.25 × 17 228.92 = 4 618.31
    row = {"id": "w", "before": "forsorjningsstod", "after": "arbete", "adults": "Sambor", "children_ages": "3 15"}
    res, a = run_people(tmp_path, [row])
    net = 21_500 - 51_253 / 12
    assert fbs(res, "before", 0, "2022-05") == pytest.approx(17_540)
    assert fbs(res, "after", 0, "2022-05") == pytest.approx(17_540 - net, abs=0.01)
    assert fbs(res, "after", 0, "2022-06") == pytest.approx(17_540 - net, abs=0.01)
    assert fbs(res, "after", 0, "2022-07") == pytest.approx(17_540 - 0.75 * net, abs=0.01)
    assert any("partner's own income is taken as 0" in x for x in a.assumptions)
    # the kommun saves 17 540 − the after top-up (311.08 for six months, 4 618.31 for six: 2 464.70 on average)
    # plus its tax 74 612 × 20.67/32.23 / 12
    assert monthly_effect(a, "w")["kommun"] == pytest.approx(net - 0.25 * net / 2 + 74_612 * 20.67 / 32.23 / 12, abs=0.01)


def test_default_household_is_the_single_adult_norm_of_before(tmp_path):
    # ensam 3 210 + gemensamma 1 person 1 040 + 6 500 = 10 750 (the norm every existing test uses)
    res, a = run_people(tmp_path, [{"id": "d", "before": "forsorjningsstod", "after": "oforandrad"}])
    assert fbs(res, "before", 0, "2022-01") == 10_750
    assert any("1 single adults, 0 couples" in x for x in a.assumptions)


def test_scenario_default_household_and_reasonable_costs_by_size(tmp_path):
    # scenario default: couple with one child aged 4; 2025: 7 050 + 3 030 + 3 personer 1 770 = 11 850
    # reasonable costs by size {1: 6 500, 3: 8 000}: 3 persons → 8 000; barnbidrag 1 250; a row with '-'
    # (no children) and 1 adult: 3 910 + 1 270 + 6 500 = 11 680
    s = scenario("2025-02", participant_defaults={"age": 30, "months_unemployed": 24, "adults": 2, "children_ages": [4]},
                 forsorjningsstod={"reasonable_costs": {1: 6_500, 3: 8_000}})
    rows = [dict(ON_FBS), {**ON_FBS, "id": "b", "adults": "ensamstående", "children_ages": "-"}]
    res, a = run_people(tmp_path, rows, s)
    assert fbs(res, "before", 0, "2025-02") == pytest.approx(11_850 + 8_000 - 1_250)
    assert fbs(res, "before", 1, "2025-02") == pytest.approx(11_680)
    assert any("scenario default 2" in x for x in a.assumptions)


def test_projected_years_uprate_the_household_tables():
    # 2027 carries 2026 forward × 1.007 (rules/indices.yaml riksnorm): 4 persons 2 020 × 1.007 = 2 034.14
    rules = RuleBook().year_for(2027)[0].rules.transfers.forsorjningsstod
    assert rules.riksnorm_common_by_persons.value[3] == pytest.approx(2_034.14)
    assert rules.riksnorm_personal_children.value[0].amount == pytest.approx(2_740 * 1.007)
    assert rules.riksnorm_personal_couple.value == pytest.approx(7_100 * 1.007)


# --- household input ---------------------------------------------------------------------


@pytest.mark.parametrize("text, n", [("1", 1), ("Ensamstående", 1), ("SINGLE", 1), ("2", 2), ("sambo", 2), ("Couple", 2), ("2 vuxna", 2), ("gift", 2)])
def test_adults_words(text, n):
    assert parse_adults(text) == n


@pytest.mark.parametrize("text, ages", [("3 7 15", [3, 7, 15]), ("3;7;15", [3, 7, 15]), ("3, 7, 15", [3, 7, 15]), ("0", [0]),
                                        ("-", []), ("Inga", []), ("none", []), ("4 år", [4])])
def test_children_ages_forms(text, ages):
    assert parse_children_ages(text) == ages


def _problems(tmp_path, rows, scenario_data=None):
    sc = write_scenario(tmp_path / "s.yaml", scenario_data or scenario("2025-01"))
    path = write_csv(tmp_path / "p.csv", rows)
    from nyttokalk.engine import run_engine

    with pytest.raises(InputError) as exc:
        run_engine(read_participants(path), load_scenario(str(sc)))
    return exc.value.problems


def test_bad_household_values_name_row_column_and_value(tmp_path):
    rows = [{**ON_FBS, "adults": "3"}, {**ON_FBS, "id": "b", "adults": "tre"}, {**ON_FBS, "id": "c", "children_ages": "3 x"},
            {**ON_FBS, "id": "d", "children_ages": "-1"}, {**ON_FBS, "id": "e", "children_ages": "4 ; ;"}]
    got = {(p.row, p.column, p.value) for p in _problems(tmp_path, rows)}
    assert got == {(2, "adults", "3"), (3, "adults", "tre"), (4, "children_ages", "3 x"), (5, "children_ages", "-1")}


def test_a_child_older_than_the_table_is_an_error(tmp_path):
    problems = _problems(tmp_path, [{**ON_FBS, "children_ages": "5 21"}])
    assert [(p.row, p.column, p.value) for p in problems] == [(2, "children_ages", "5 21")]
    assert "up to 20" in problems[0].problem


def test_the_old_household_column_says_what_replaces_it(tmp_path):
    path = write_csv(tmp_path / "p.csv", [{**ON_FBS, "household": "sambo"}])
    with pytest.raises(InputError) as exc:
        read_participants(path)
    assert [p.column for p in exc.value.problems] == ["household"]
    assert "adults" in exc.value.problems[0].problem and "children_ages" in exc.value.problems[0].problem


# --- B. unit costs -----------------------------------------------------------------------


def test_unit_costs_show_the_kommun_saving_when_a_person_leaves_forsorjningsstod_for_work(tmp_path):
    # handläggning 1 500 kr a person-month in försörjningsstöd (kommun), 200 kr in work (region):
    # before 1 500 to the kommun every month, after 0 → kommun effect +1 500 a month; region −200
    row = {"id": "u", "before": "forsorjningsstod", "after": "arbete"}
    _, plain = run_people(tmp_path, [row])
    uc = {**RAMBOLL_LIKE, "unit_costs": {"Försörjningsstöd": {"kommun": 1_500}, "arbete": {"region": 200}}}
    res, a = run_people(tmp_path, [row], uc)
    flows = res.ledger.flows
    assert flows["before"]["enhetskostnad_kommun"][0, 0] == 1_500 and flows["after"]["enhetskostnad_kommun"][0, 0] == 0
    assert flows["after"]["enhetskostnad_region"][0, 0] == 200
    e, p = monthly_effect(a, "u"), monthly_effect(plain, "u")
    assert e["kommun"] - p["kommun"] == pytest.approx(1_500)
    assert e["region"] - p["region"] == pytest.approx(-200)
    assert e["individ"] == pytest.approx(p["individ"])
    assert any("unit cost in forsorjningsstod: kommun 1,500" in x for x in a.assumptions)


@pytest.mark.parametrize("costs, words", [({"forsorjningstod": {"kommun": 1}}, ["unit_costs.forsorjningstod", "forsorjningsstod"]),
                                          ({"arbete": {"individ": 1}}, ["unit_costs.arbete.individ", "kommun, region, stat"])])
def test_unit_cost_keys_are_checked(tmp_path, costs, words):
    sc = write_scenario(tmp_path / "s.yaml", {**RAMBOLL_LIKE, "unit_costs": costs})
    with pytest.raises(InputError) as exc:
        load_scenario(str(sc))
    text = " ".join(str(p) for p in exc.value.problems)
    assert all(w in text for w in words)


# --- C. comparison group -----------------------------------------------------------------

FOUR = [{"id": "m1", "before": "forsorjningsstod", "after": "arbete"}, {"id": "m2", "before": "forsorjningsstod", "after": "arbete"},
        {"id": "s1", "before": "forsorjningsstod", "after": "oforandrad"}, {"id": "s2", "before": "forsorjningsstod", "after": "forsorjningsstod"}]


def test_comparison_group_share_over_the_participants_share_is_the_deadweight(tmp_path):
    # 2 of 4 participants moved (r = 0.5); 10 % of the comparison group moved (c = 0.1):
    # deadweight = 0.1 / 0.5 = 0.2, adjusted = 0.8 × naive
    s = {**RAMBOLL_LIKE, "counterfactual": {"comparison_group": {"moved_share": 0.1}}}
    _, a = run_people(tmp_path, FOUR, s)
    for actor, naive in a.first_year_naive.items():
        assert a.first_year[actor] == pytest.approx(0.8 * naive)
    assert a.to_json()["counterfactual"]["deadweight"] == pytest.approx(0.2)
    assert a.to_json()["counterfactual"]["participants_moved_share"] == 0.5
    assert any("deadweight = 0.100 / 0.500 = 20.0\u00a0%" in x for x in a.assumptions)
    json.dumps(a.to_json())


def test_comparison_group_with_the_participants_share_given(tmp_path):
    # the file holds only the movers; 40 % of all participants moved: deadweight = 0.1 / 0.4 = 0.25
    s = {**RAMBOLL_LIKE, "counterfactual": {"comparison_group": {"moved_share": 0.1, "participants_moved_share": 0.4}}}
    _, a = run_people(tmp_path, FOUR[:2], s)
    for actor, naive in a.first_year_naive.items():
        assert a.first_year[actor] == pytest.approx(0.75 * naive)


def test_deadweight_and_comparison_group_together_are_rejected(tmp_path):
    sc = write_scenario(tmp_path / "s.yaml", {**RAMBOLL_LIKE, "counterfactual": {"deadweight": 0.2, "comparison_group": {"moved_share": 0.1}}})
    with pytest.raises(InputError) as exc:
        load_scenario(str(sc))
    assert "not both" in " ".join(str(p) for p in exc.value.problems)
