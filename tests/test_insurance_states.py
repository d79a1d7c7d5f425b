"""A-kassa, sjukpenning, sjukersättning and aktivitetsersättning, one participant each, worked by hand.

Common (as tests/test_transitions.py): 2022 rules (in force on 2022-04-01), national average
rates kommun 20.67 %, region 11.56 % (KI 32.23 %), begravning 0.261 %; PBB 48 300, IBB 71 000;
försörjningsstöd norm 3 210 + 1 040 + 6 500 = 10 750 kr/month; 5 days × 52 weeks / 12 = 21.667
payment days a month; no tillfällig skattereduktion. Tax worked per income-tax.md §2 on the year's
income: FFI rounded down to 100, grundavdrag (GA) rounded up to 100, kommunalskatt floor(BFI × KI),
pensionsavgift 7 % rounded to the nearest 100 and offset by its reduction, förvärvsinkomst-
reduktion floor(0.75 % × (BFI − 40 000)), public service floor(1 % × min(BFI, 132 770)),
begravning floor(0.261 % × BFI). None of these benefits gives jobbskatteavdrag.
"""

import numpy as np
import pytest

from helpers import RAMBOLL_LIKE, monthly_effect, run_people
from nyttokalk.errors import InputError

from test_transitions import AGA, INDIRECT, NORM, WORK_KOMMUN, WORK_NET, WORK_REGION, WORK_STATE_TAX

pytestmark = pytest.mark.usefixtures("english")  # messages are checked in English, the message ids (Swedish: test_i18n.py)

BASE = {"newly_arrived": "false", "extent": 1, "exit_month": "2022-01"}
# The level tests hold the before state's level for the year (paths.static); the paths are in tests/test_paths.py
STATIC = {**RAMBOLL_LIKE, "paths": {"static": True}}
DAYS = 5 * 52 / 12  # 21.667 payment days a month
K, R = 20.67 / 32.23, 11.56 / 32.23  # kommun's and region's shares of the kommunalskatt


def one(tmp_path, before, after, scenario=None, **extra):
    row = {"id": "A", "before": before, "after": after, **BASE, **extra}
    return run_people(tmp_path, [row], scenario)


# --- sjukpenning ---------------------------------------------------------------------------

# prior_income 300 000 ≤ SGI cap 10 × 48 300 = 483 000: sjukpenning 80 % × 97 % × 300 000 = 232 800 a year,
# 19 400 a month (1 027 kr/day at most in 2022; here 232 800 / 365 = 637.81 kr/day)
SP = 0.80 * 0.97 * 300_000 / 12
# tax on 232 800: GA 0.77 × 48 300 − 10 % × (232 800 − 3.11 × 48 300) = 28 932.3 → 29 000; BFI 203 800
#   kommunalskatt floor(203 800 × 32.23 %) = 65 684; pensionsavgift 7 % × 232 800 = 16 296 → 16 300, offset
#   förvärvsinkomst 0.75 % × 163 800 = 1 228.5 → 1 228; public service 1 327; begravning 531.9 → 531
#   total 65 684 − 1 228 + 1 327 + 531 = 66 314; net 19 400 − 5 526.17 = 13 873.83 > norm: no top-up
SP_TAX = 66_314
SP_STATE_TAX = (16_300 - 16_300 - 1_228 + 1_327 + 531) / 12


def test_sjukpenning_is_80_percent_of_97_percent_of_the_sgi_per_calendar_day(tmp_path):
    res, _ = one(tmp_path, "sjukpenning", "arbete", STATIC, age=30, wage=21_500, prior_income=300_000)
    assert res.ledger.flows["before"]["sjukpenning"][0, :12] == pytest.approx(np.full(12, SP))  # 19 400
    tax = res.detail.tax["before"][2022]
    assert tax["total"][0] == pytest.approx(SP_TAX)
    assert tax["pension_fee"][0] == 16_300 and tax["jobbskatteavdrag"][0] == 0


def test_sjukpenning_is_capped_at_ten_prisbasbelopp(tmp_path):
    res, _ = one(tmp_path, "sjukpenning", "arbete", STATIC, age=30, wage=21_500, prior_income=700_000)
    # SGI min(700 000, 483 000): 0.8 × 0.97 × 483 000 / 12 = 31 234 (= 1 026.87 kr/day × 365 / 12)
    assert res.ledger.flows["before"]["sjukpenning"][0, 0] == pytest.approx(0.8 * 0.97 * 483_000 / 12)


def test_sjukpenning_to_arbete_saves_forsakringskassan_the_benefit(tmp_path):
    res, a = one(tmp_path, "sjukpenning", "arbete", STATIC, age=30, wage=21_500, prior_income=300_000)
    e = monthly_effect(a, "A")
    assert e["individ"] == pytest.approx(WORK_NET - (SP - SP_TAX / 12), abs=0.01)  # 17 228.92 − 13 873.83
    assert e["kommun"] == pytest.approx(WORK_KOMMUN - 65_684 * K / 12, abs=0.01)
    assert e["region"] == pytest.approx(WORK_REGION - 65_684 * R / 12, abs=0.01)
    assert e["stat"] == pytest.approx(AGA + INDIRECT + WORK_STATE_TAX - (SP_STATE_TAX - SP), abs=0.01)
    assert a.stat_split["fk"] == pytest.approx(12 * SP, abs=0.01)  # Försäkringskassan no longer pays 232 800


# --- sjukersättning ------------------------------------------------------------------------

# age 35, prior_income 100 000: income-related 64.7 % × 100 000 = 64 700 a year < garantinivå
# 2.78 × 48 300 = 134 274 a year → 11 189.50 a month (FK: 11 190)
SA = 2.78 * 48_300 / 12
# tax on 134 274, no pensionsavgift: FFI 134 200; GA 0.77 × 48 300 = 37 191 → 37 200 (2.72–3.11 PBB); BFI 97 000
#   kommunalskatt floor(97 000 × 32.23 %) = 31 263; förvärvsinkomst 0.75 % × 57 000 = 427.5 → 427
#   public service 970; begravning 253.17 → 253; total 31 263 − 427 + 970 + 253 = 32 059 → 2 671.58 a month
#   net 11 189.50 − 2 671.58 = 8 517.92 → försörjningsstöd tops up 10 750 − 8 517.92 = 2 232.08
SA_TAX = 32_059
SA_TOPUP = NORM - (SA - SA_TAX / 12)


def test_sjukersattning_garantiniva_pays_no_pension_fee_and_kommun_tops_up(tmp_path):
    res, _ = one(tmp_path, "sjukersattning", "arbete", age=35, wage=21_500, prior_income=100_000)
    f = res.ledger.flows["before"]
    assert f["sjukersattning"][0, :12] == pytest.approx(np.full(12, SA))  # 11 189.50
    tax = res.detail.tax["before"][2022]
    assert tax["pension_fee"][0] == 0  # sjukersättning is not in the allmän pensionsavgift's base
    assert tax["jobbskatteavdrag"][0] == 0
    assert tax["total"][0] == pytest.approx(SA_TAX)
    assert f["forsorjningsstod"][0, :12] == pytest.approx(np.full(12, SA_TOPUP), abs=0.01)  # 2 232.08


def test_sjukersattning_income_related_above_the_garantiniva(tmp_path):
    res, _ = one(tmp_path, "sjukersattning", "arbete", age=35, wage=21_500, prior_income=400_000)
    # antagandeinkomst min(400 000, 7.5 × 48 300 = 362 250); 64.7 % × 362 250 = 234 375.75 a year (FK max 234 376)
    assert res.ledger.flows["before"]["sjukersattning"][0, 0] == pytest.approx(0.647 * 362_250 / 12)  # 19 531.31


def test_sjukersattning_to_arbete(tmp_path):
    _, a = one(tmp_path, "sjukersattning", "arbete", age=35, wage=21_500, prior_income=100_000)
    e = monthly_effect(a, "A")
    assert e["individ"] == pytest.approx(WORK_NET - NORM, abs=0.01)  # before: benefit + top-up = norm
    assert e["kommun"] == pytest.approx(WORK_KOMMUN - (31_263 * K / 12 - SA_TOPUP), abs=0.01)
    assert e["stat"] == pytest.approx(AGA + INDIRECT + WORK_STATE_TAX - ((-427 + 970 + 253) / 12 - SA), abs=0.01)


# --- aktivitetsersättning ------------------------------------------------------------------

# age 22, no income before: garantinivå 2.53 PBB (21–22 years) = 122 199 a year, 10 183.25 a month (FK: 10 183)
AE = 2.53 * 48_300 / 12
# tax on 122 199: FFI 122 100; GA 0.423 × 48 300 + 20 % × (122 100 − 0.99 × 48 300) = 35 287.5 → 35 300; BFI 86 800
#   kommunalskatt floor(86 800 × 32.23 %) = 27 975; förvärvsinkomst 0.75 % × 46 800 = 351; public service 868
#   begravning 226.5 → 226; total 27 975 − 351 + 868 + 226 = 28 718 → 2 393.17 a month
#   net 10 183.25 − 2 393.17 = 7 790.08 → top-up 10 750 − 7 790.08 = 2 959.92
AE_TOPUP = NORM - (AE - 28_718 / 12)


def test_forsorjningsstod_to_aktivitetsersattning_moves_the_cost_from_kommun_to_the_state(tmp_path):
    # stegförflyttning: the person is still not working, but the state (FK) now pays most of the living
    res, a = one(tmp_path, "forsorjningsstod", "aktivitetsersattning", age=22, prior_income=0)
    f = res.ledger.flows["after"]
    assert f["aktivitetsersattning"][0, :12] == pytest.approx(np.full(12, AE))
    assert f["forsorjningsstod"][0, :12] == pytest.approx(np.full(12, AE_TOPUP), abs=0.01)  # 2 959.92
    e = monthly_effect(a, "A")
    assert e["individ"] == pytest.approx(0.0, abs=0.01)  # at the norm before and after
    assert e["kommun"] == pytest.approx(NORM - AE_TOPUP + 27_975 * K / 12, abs=0.01)  # 7 790.08 + 1 495.36 = 9 285.44
    assert e["region"] == pytest.approx(27_975 * R / 12, abs=0.01)  # 836.18
    assert e["stat"] == pytest.approx(-AE + (-351 + 868 + 226) / 12, abs=0.01)  # −10 121.33
    assert a.stat_split["fk"] == pytest.approx(-12 * AE, abs=0.01)


def test_aktivitetsersattning_garantiniva_follows_the_age_in_each_year(tmp_path):
    scenario = {**RAMBOLL_LIKE, "period": {"exit_month": "2025-07", "horizon_months": 12}}
    res, _ = one(tmp_path, "forsorjningsstod", "aktivitetsersattning", scenario, age=22, prior_income=0, exit_month="2025-07")
    ae = res.ledger.flows["after"]["aktivitetsersattning"][0]
    # born 2025 − 22 = 2003: 22 in 2025 → 2.53 × 58 800 / 12 = 12 397; 23 in 2026 → 2.58 × 59 200 / 12 = 12 728
    assert ae[6] == pytest.approx(2.53 * 58_800 / 12)  # July 2025
    assert ae[12] == pytest.approx(2.58 * 59_200 / 12)  # January 2026


# --- a-kassa -------------------------------------------------------------------------------


def test_a_kassa_old_law_steps_at_day_100_and_day_200(tmp_path):
    res, _ = one(tmp_path, "forsorjningsstod", "a_kassa", age=30, prior_income=360_000)
    # dagsförtjänst 360 000 / 12 / 22 = 1 363.64; 80 % = 1 090.91 (under 1 200, over 1 000); 70 % = 954.55
    # month k covers ersättningsdagar [21.667 k, 21.667 (k + 1))
    day = 360_000 / 12 / 22
    expected = [
        *[0.8 * day * DAYS] * 4,  # days 0–86.7: 23 636.36
        (100 - 4 * DAYS) * 0.8 * day + (5 * DAYS - 100) * 1_000,  # 13.33 days at 1 090.91, 8.33 at the 1 000 max: 22 878.79
        *[1_000 * DAYS] * 4,  # 21 666.67
        (200 - 9 * DAYS) * 1_000 + (10 * DAYS - 200) * 0.7 * day,  # 5 days at 1 000, 16.67 at 954.55: 20 909.09
        *[0.7 * day * DAYS] * 2,  # 20 681.82
    ]
    assert res.ledger.flows["after"]["a_kassa"][0, :12] == pytest.approx(expected)


def test_a_kassa_grundbelopp_without_membership_and_a_floor_for_members(tmp_path):
    scenario = {**RAMBOLL_LIKE, "benefits": {"a_kassa_membership": "non_member"}}
    res, _ = one(tmp_path, "forsorjningsstod", "a_kassa", scenario, age=30, prior_income=360_000)
    assert res.ledger.flows["after"]["a_kassa"][0, 0] == pytest.approx(510 * DAYS)  # 11 050
    # a member with a low income: 80 % × 120 000 / 12 / 22 = 363.64 < grundbelopp 510 → 510
    res, _ = one(tmp_path, "forsorjningsstod", "a_kassa", age=30, prior_income=120_000)
    assert res.ledger.flows["after"]["a_kassa"][0, 0] == pytest.approx(510 * DAYS)


def test_a_kassa_the_law_of_the_month_the_period_began(tmp_path):
    # IAF: lag (2024:506) applies to periods decided from 1 October 2025; an earlier period runs on under lag (1997:238)
    # (transfers.a_kassa_ongoing). A period that begins in August 2025 stays under the old law after October.
    scenario = {**RAMBOLL_LIKE, "period": {"exit_month": "2025-08", "horizon_months": 6}}
    res, _ = one(tmp_path, "forsorjningsstod", "a_kassa", scenario, age=30, prior_income=480_000, exit_month="2025-08")
    ak = res.ledger.flows["after"]["a_kassa"][0]
    # old law: 80 % × 40 000 / 22 = 1 454.55 a day, capped at 1 200 (rules looked up on the 1st: 1 236 from 4 Aug
    # counts from September)
    assert ak[7] == pytest.approx(1_200 * DAYS)  # August 2025: 26 000
    assert ak[8] == pytest.approx(1_236 * DAYS)  # September: 26 780
    assert ak[9] == pytest.approx(1_236 * DAYS)  # October, old law still (days 43.3–65): 26 780
    assert ak[11] == pytest.approx(1_236 * (100 - 4 * DAYS) + 1_000 * (5 * DAYS - 100))  # December: day 100 inside
    # a period that begins in October 2025: the new law; ersättningsgrundande inkomst min(40 000, 34 000),
    # 22 ersättningsdagar a month, month k from day 22 k
    scenario = {**RAMBOLL_LIKE, "period": {"exit_month": "2025-10", "horizon_months": 6}}
    res, _ = one(tmp_path, "forsorjningsstod", "a_kassa", scenario, age=30, prior_income=480_000, exit_month="2025-10")
    ak = res.ledger.flows["after"]["a_kassa"][0]
    assert ak[9] == pytest.approx(0.80 * 34_000)  # October (days 0–22): 27 200
    assert ak[12] == pytest.approx(0.80 * 34_000)  # January 2026 (66–88)
    assert ak[13] == pytest.approx(34_000 * (12 * 0.80 + 10 * 0.70) / 22)  # February (88–110): 25 654.55
    assert ak[14] == pytest.approx(0.70 * 34_000)  # March (110–132): 23 800
    scenario["benefits"] = {"a_kassa_membership": "non_member"}
    res, _ = one(tmp_path, "forsorjningsstod", "a_kassa", scenario, age=30, prior_income=480_000, exit_month="2025-10")
    assert res.ledger.flows["after"]["a_kassa"][0, 9] == pytest.approx(0.50 * 34_000)  # new law, not a member: 50 % = 17 000
    scenario["period"]["exit_month"] = "2025-08"
    res, _ = one(tmp_path, "forsorjningsstod", "a_kassa", scenario, age=30, prior_income=480_000, exit_month="2025-08")
    assert res.ledger.flows["after"]["a_kassa"][0, 9] == pytest.approx(510 * DAYS)  # old law, not a member: grundbelopp 11 050


# a_kassa before the project, months_unemployed 0 (first 100 days, held): 80 % × 300 000 / 12 / 22 = 909.09 a day,
# × 21.667 = 19 696.97 a month, 236 363.64 a year. Tax: FFI 236 300; GA 37 191 − 10 % × (236 300 − 150 213)
# = 28 582.3 → 28 600; BFI 207 700; kommunalskatt floor(207 700 × 32.23 %) = 66 941; pensionsavgift
# 7 % × 236 300 = 16 541 → 16 500, offset; förvärvsinkomst 0.75 % × 167 700 = 1 257.75 → 1 257; public service 1 327;
# begravning 542.1 → 542; total 66 941 − 1 257 + 1 327 + 542 = 67 553
AK = 0.8 * 300_000 / 12 / 22 * DAYS


def test_a_kassa_is_taxed_with_pension_fee_and_no_jobbskatteavdrag(tmp_path):
    res, a = one(tmp_path, "a_kassa", "arbete", STATIC, age=30, wage=21_500, prior_income=300_000, months_in_state=0)
    assert res.ledger.flows["before"]["a_kassa"][0, :12] == pytest.approx(np.full(12, AK))
    tax = res.detail.tax["before"][2022]
    assert tax["total"][0] == pytest.approx(67_553)
    assert tax["pension_fee"][0] == 16_500 and tax["jobbskatteavdrag"][0] == 0
    e = monthly_effect(a, "A")
    assert e["stat"] == pytest.approx(AGA + INDIRECT + WORK_STATE_TAX - ((-1_257 + 1_327 + 542) / 12 - AK), abs=0.01)
    assert a.stat_split["af"] == pytest.approx(12 * AK, abs=0.01)  # paid from anslag 14:1:2 (Arbetsförmedlingen)


def test_a_kassa_before_uses_months_in_state_for_its_level(tmp_path):
    # months_in_state 24: 24 × 21.667 = 520 days used. Held (paths.static, no end): 70 % × 300 000 / 12 / 22 = 795.45
    # a day (under 1 000): 17 234.85 a month. On the law's path the 300 days are used up: aktivitetsstöd in jobb- och
    # utvecklingsgarantin at 65 % of the dagsförtjänst 1 136.36 = 738.64 a day (over the 365 floor): 16 003.79 a month
    res, _ = one(tmp_path, "a_kassa", "arbete", STATIC, age=30, wage=21_500, prior_income=300_000, months_in_state=24)
    assert res.ledger.flows["before"]["a_kassa"][0, :12] == pytest.approx(np.full(12, 0.7 * 300_000 / 12 / 22 * DAYS))
    res, _ = one(tmp_path, "a_kassa", "arbete", age=30, wage=21_500, prior_income=300_000, months_in_state=24)
    before = res.ledger.flows["before"]
    assert "a_kassa" not in before or before["a_kassa"][0, :12] == pytest.approx(np.zeros(12))
    assert before["aktivitetsstod"][0, :12] == pytest.approx(np.full(12, 0.65 * 300_000 / 12 / 22 * DAYS))


def test_forsorjningsstod_to_a_kassa_is_a_gain_for_kommun_and_a_cost_for_the_state(tmp_path):
    # stegförflyttning: prior_income 300 000, a-kassa from the first day of 2022
    res, a = one(tmp_path, "forsorjningsstod", "a_kassa", age=30, prior_income=300_000)
    # 909.09 a day for days 0–200 (under the 1 000 max), 795.45 after: months 0–8 19 696.97;
    # month 9 5 × 909.09 + 16.667 × 795.45 = 17 803.03; months 10–11 17 234.85; year 229 545.45
    year = 9 * AK + (5 * 909.0909 + (10 * DAYS - 200) * 795.4545) + 2 * 0.7 * 300_000 / 12 / 22 * DAYS
    assert res.ledger.flows["after"]["a_kassa"][0, :12].sum() == pytest.approx(year, abs=0.01)
    # tax: FFI 229 500; GA 37 191 − 10 % × (229 500 − 150 213) = 29 262.3 → 29 300; BFI 200 200
    #   kommunalskatt floor(200 200 × 32.23 %) = 64 524; pensionsavgift 16 065 → 16 100, offset;
    #   förvärvsinkomst 0.75 % × 160 200 = 1 201.5 → 1 201; public service 1 327; begravning 522.5 → 522
    # the lowest month nets 17 234.85 × (1 − 65 172 / 229 545.45) = 12 341 > 10 750: no top-up
    row = a.per_participant.to_frame().set_index("id").loc["A"]
    assert row["kommun"] == pytest.approx(12 * NORM + 64_524 * K, abs=0.01)  # 129 000 + 41 381.04: a gain
    assert row["region"] == pytest.approx(64_524 * R, abs=0.01)
    assert row["stat"] == pytest.approx(-year + (-1_201 + 1_327 + 522), abs=0.01)  # −228 897.45: a cost
    assert row["kommun"] > 0 > row["stat"]


# --- input ---------------------------------------------------------------------------------


def test_missing_prior_income_names_the_row_and_column(tmp_path):
    rows = [
        {"id": "A", "before": "forsorjningsstod", "after": "arbete", "age": 30, "wage": 21_500, **BASE},
        {"id": "B", "before": "sjukpenning", "after": "arbete", "age": 30, "wage": 21_500, **BASE},
    ]
    with pytest.raises(InputError) as err:
        run_people(tmp_path, rows)
    [problem] = err.value.problems
    assert (problem.row, problem.column) == (3, "prior_income")
    assert "prior_income" in problem.problem


def test_scenario_default_prior_income_is_used_and_noted(tmp_path):
    scenario = {**RAMBOLL_LIKE, "participant_defaults": {**RAMBOLL_LIKE["participant_defaults"], "prior_income": 0}}
    res, _ = one(tmp_path, "sjukersattning", "arbete", scenario, age=35, wage=21_500)
    assert res.ledger.flows["before"]["sjukersattning"][0, 0] == pytest.approx(SA)  # garantinivå only
    assert any("prior_income missing, scenario default 0" in n for n in res.assumptions)
    assert any("skattereduktion för sjuk- och aktivitetsersättning" in n for n in res.assumptions)


def test_prior_income_must_be_a_non_negative_number(tmp_path):
    with pytest.raises(InputError) as err:
        one(tmp_path, "sjukpenning", "arbete", age=30, wage=21_500, prior_income=-5)
    assert [(p.row, p.column) for p in err.value.problems] == [(2, "prior_income")]
