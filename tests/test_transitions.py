"""One participant per transition type, effect per actor per month worked by hand.

Common to all: 2022 rules (in force on 2022-04-01), age 30, national average rates kommun
20.67 %, region 11.56 % (KI 32.23 %), begravning 0.261 %; no tillfällig skattereduktion;
PBB 48 300, IBB 71 000; försörjningsstöd norm 3 210 + 1 040 + 6 500 = 10 750 kr/month;
daily benefits 5 days × 52 weeks / 12 = 21.667 days/month; arbetsgivaravgift 31.42 %.
"""

import pytest

from helpers import monthly_effect, run_people

pytestmark = pytest.mark.usefixtures("english")  # messages are checked in English, the message ids (Swedish: test_i18n.py)

BASE = {"age": 30, "newly_arrived": "false", "months_unemployed": 24, "extent": 1, "exit_month": "2022-01"}

# Tax on a year of 21 500 kr/month = 258 000 kr:
#   grundavdrag 0.77 × 48 300 − 10 % × (258 000 − 3.11 × 48 300) = 26 412.3 → 26 500; BFI 231 500
#   kommunalskatt floor(231 500 × 32.23 %) = 74 612 (kommun 20.67/32.23 = 47 850.8, region 26 761.2)
#   pensionsavgift 7 % × 258 000 = 18 060 → 18 100, fully offset by its reduction
#   JSA: 1.812 × 48 300 + 12.8 % × (258 000 − 3.24 × 48 300) = 100 512.62; (100 512.62 − 26 500) × 32.23 % = 23 854.27 → 23 854
#   förvärvsinkomst 0.75 % × (231 500 − 40 000) = 1 436.25 → 1 436; public service 1 % × 132 770 → 1 327; begravning 0.261 % × 231 500 → 604
#   total 74 612 − 23 854 − 1 436 + 1 327 + 604 = 51 253 → 4 271.08 a month; net 21 500 − 4 271.08 = 17 228.92
WORK_KOMMUN = 74_612 * 20.67 / 32.23 / 12  # 3 987.56
WORK_REGION = 74_612 * 11.56 / 32.23 / 12  # 2 230.10
WORK_STATE_TAX = (18_100 - 18_100 - 23_854 - 1_436 + 1_327 + 604) / 12  # −1 946.58
WORK_NET = 21_500 - 51_253 / 12  # 17 228.92
AGA = 0.3142 * 21_500  # 6 755.30
INDIRECT = 0.18 * (21_500 + AGA)  # production at market price: 0.18 of factor cost to the state
NORM = 3_210 + 1_040 + 6_500

# Aktivitetsstöd 223 × 21.667 = 4 831.67 a month, 57 980 a year (taxable, no JSA):
#   FFI 57 900; grundavdrag 0.423 × 48 300 + 20 % × (57 900 − 0.99 × 48 300) = 22 447.5 → 22 500; BFI 35 400
#   kommunalskatt floor(35 400 × 32.23 %) = 11 409; pensionsavgift 7 % × 57 980 = 4 058.6 → 4 100, offset
#   public service 354; begravning 0.261 % × 35 400 = 92.39 → 92; total 11 855 → 987.92 a month
AKS = 223 * 5 * 52 / 12
AKS_KOMMUN = 11_409 * 20.67 / 32.23 / 12
AKS_REGION = 11_409 * 11.56 / 32.23 / 12
AKS_FEES = (354 + 92) / 12
AKS_FBS = NORM - (AKS - 11_855 / 12)  # top-up 6 906.25
ETABLERING = 308 * 5 * 52 / 12  # 6 673.33, tax-free; top-up 10 750 − 6 673.33


def effects(tmp_path, before, after, **extra):
    row = {"id": "A", "before": before, "after": after, **BASE, **extra}
    _, a = run_people(tmp_path, [row])
    return monthly_effect(a, "A")


def test_forsorjningsstod_to_arbete_moves_the_norm_from_kommun_to_taxes(tmp_path):
    e = effects(tmp_path, "forsorjningsstod", "arbete", wage=21500)
    # individ: net wage 17 228.92 instead of 10 750 försörjningsstöd
    assert e["individ"] == pytest.approx(WORK_NET - NORM, abs=0.01)  # 6 478.92
    # kommun: no försörjningsstöd (+10 750) and its share of kommunalskatt
    assert e["kommun"] == pytest.approx(NORM + WORK_KOMMUN, abs=0.01)  # 14 737.56
    assert e["region"] == pytest.approx(WORK_REGION, abs=0.01)  # 2 230.10
    # stat: employer fees + 0.18 × factor cost + pension fee/fees − reductions
    assert e["stat"] == pytest.approx(AGA + INDIRECT + WORK_STATE_TAX, abs=0.01)  # 9 894.67
    assert e["arbetsgivare"] == pytest.approx(0.0, abs=0.01)  # production at factor cost pays wage and fees
    assert e["offentlig_sektor"] == pytest.approx(e["kommun"] + e["region"] + e["stat"], abs=1e-6)


def test_aktivitetsstod_to_arbete_saves_the_state_the_benefit_and_kommun_the_top_up(tmp_path):
    e = effects(tmp_path, "aktivitetsstod", "arbete", wage=21500)
    assert e["individ"] == pytest.approx(WORK_NET - NORM, abs=0.01)  # before: benefit + top-up = norm
    assert e["kommun"] == pytest.approx(WORK_KOMMUN - (AKS_KOMMUN - AKS_FBS), abs=0.01)  # 10 284.07
    assert e["region"] == pytest.approx(WORK_REGION - AKS_REGION, abs=0.01)  # 1 889.10
    assert e["stat"] == pytest.approx(AGA + INDIRECT + WORK_STATE_TAX - (AKS_FEES - AKS), abs=0.01)  # 14 689.17


def test_etableringsersattning_to_arbete(tmp_path):
    e = effects(tmp_path, "etableringsersattning", "arbete", wage=21500, newly_arrived="true")
    assert e["kommun"] == pytest.approx(WORK_KOMMUN + (NORM - ETABLERING), abs=0.01)  # 8 064.23
    assert e["stat"] == pytest.approx(AGA + INDIRECT + WORK_STATE_TAX + ETABLERING, abs=0.01)  # 16 568.00


def test_introduktionsjobb_pays_80_percent_of_labour_cost_up_to_20_000_and_supervisor_support(tmp_path):
    e = effects(tmp_path, "forsorjningsstod", "introduktionsjobb", wage=21500)
    # 80 % × 20 000 × 1.3142 = 21 027.20 a month; handledarstöd 2 000 × 6 months / 12 = 1 000 a month on average
    subsidy = 0.8 * 20_000 * 1.3142 + 2_000 * 6 / 12
    assert e["arbetsgivare"] == pytest.approx(subsidy, abs=0.01)  # 22 027.20
    assert e["stat"] == pytest.approx(AGA + INDIRECT + WORK_STATE_TAX - subsidy, abs=0.01)  # −12 132.53
    assert e["kommun"] == pytest.approx(NORM + WORK_KOMMUN, abs=0.01)


def test_nystartsjobb_level_by_age_and_months_unemployed(tmp_path):
    # age 30, 24 months unemployed → level 2; from 2022-04-01 level 2 = 2.5 × the fees on pay up to 20 000
    e = effects(tmp_path, "forsorjningsstod", "nystartsjobb", wage=21500)
    assert e["arbetsgivare"] == pytest.approx(2.5 * 0.3142 * 20_000, abs=0.01)  # 15 710


def test_nystartsjobb_for_newly_arrived_is_three_times_the_fees(tmp_path):
    e = effects(tmp_path, "etableringsersattning", "nystartsjobb", wage=21500, newly_arrived="true", months_unemployed=3)
    assert e["arbetsgivare"] == pytest.approx(3 * 0.3142 * 20_000, abs=0.01)  # 18 852


def test_nystartsjobb_wage_cap_is_pro_rata_for_part_time(tmp_path):
    # extent 0.5 at 30 000: pay 15 000, cap 20 000 × 0.5 = 10 000 → 2.5 × 31.42 % × 10 000
    e = effects(tmp_path, "forsorjningsstod", "nystartsjobb", wage=30000, extent=0.5)
    assert e["arbetsgivare"] == pytest.approx(2.5 * 0.3142 * 10_000, abs=0.01)  # 7 855


def test_nystartsjobb_without_the_qualifying_time_gets_no_subsidy_and_a_warning(tmp_path):
    row = {"id": "A", "before": "forsorjningsstod", "after": "nystartsjobb", **BASE, "months_unemployed": 3, "wage": 21500}
    res, a = run_people(tmp_path, [row])
    assert monthly_effect(a, "A")["arbetsgivare"] == pytest.approx(0.0, abs=0.01)
    assert any("qualifying" in w for w in a.warnings)


def test_extratjanst_is_fully_subsidised_and_topped_up_to_the_norm_if_needed(tmp_path):
    e = effects(tmp_path, "forsorjningsstod", "extratjanst", wage=18000)
    # 18 000 × 1.3142 = 23 655.60 to the employer
    assert e["arbetsgivare"] == pytest.approx(18_000 * 1.3142, abs=0.01)
    # tax on 216 000: GA 0.77 × 48 300 − 10 % × (216 000 − 150 213) = 30 612.3 → 30 700; BFI 185 300
    #   K floor(185 300 × 32.23 %) = 59 722; JSA 1.812 × 48 300 + 12.8 % × (216 000 − 156 492) = 95 136.62;
    #   (95 136.62 − 30 700) × 32.23 % = 20 767.90 → 20 767; FIR 0.75 % × 145 300 = 1 089.75 → 1 089;
    #   public service 1 327; begravning 0.261 % × 185 300 = 483.63 → 483; total 59 722 − 20 767 − 1 089 + 1 327 + 483 = 39 676
    net = 18_000 - 39_676 / 12  # 14 693.67
    assert e["individ"] == pytest.approx(net - NORM, abs=0.01)  # 3 943.67


def test_studier_grant_costs_the_state_the_loan_does_not_and_kommun_pays_the_study_place(tmp_path):
    e = effects(tmp_path, "forsorjningsstod", "studier")
    grant, loan = 840 * 40 / 12, 1_932 * 40 / 12  # 2 800 and 6 440 a month
    top_up = NORM - grant - loan  # 1 510
    assert e["individ"] == pytest.approx(0.0, abs=0.01)  # still at the norm, loan counted as income
    assert e["stat"] == pytest.approx(-grant, abs=0.01)  # the loan is paid out and owed back
    assert e["kommun"] == pytest.approx(NORM - top_up - 4_117, abs=0.01)  # 5 123


def test_aktivitetsstod_to_studier_loses_the_tax_on_the_benefit(tmp_path):
    e = effects(tmp_path, "aktivitetsstod", "studier")
    grant, loan = 840 * 40 / 12, 1_932 * 40 / 12
    assert e["region"] == pytest.approx(-AKS_REGION, abs=0.01)  # −341.01
    assert e["kommun"] == pytest.approx(-(NORM - grant - loan) - 4_117 - (AKS_KOMMUN - AKS_FBS), abs=0.01)  # 669.51
    assert e["stat"] == pytest.approx(-grant - (AKS_FEES - AKS), abs=0.01)  # 1 994.50


def test_oforandrad_has_no_effect_for_anyone(tmp_path):
    e = effects(tmp_path, "aktivitetsstod", "oforandrad")
    assert all(v == pytest.approx(0.0, abs=1e-9) for v in e.values())


def test_tax_is_on_the_calendar_year_income_when_work_starts_in_july(tmp_path):
    # Exit 2022-07, horizon 6: the 2022 income is 6 × 21 500 = 129 000 (Jan–Jun on försörjningsstöd, tax-free)
    #   GA 0.423 × 48 300 + 20 % × (129 000 − 47 817) = 36 667.5 → 36 700; BFI 92 300
    #   K floor(92 300 × 32.23 %) = 29 748; pension fee 9 030 → 9 000, offset
    #   JSA 0.91 × 48 300 + 38.74 % × (129 000 − 43 953) = 76 900.21; (76 900.21 − 36 700) × 32.23 % = 12 956.53 → 12 956
    #   FIR 0.75 % × 52 300 = 392.25 → 392; tillfällig 1.25 % × (129 000 − 60 000) = 862.5 → 862
    #   public service 923; begravning 0.261 % × 92 300 = 240.9 → 240
    #   total 29 748 − 12 956 − 392 − 862 + 923 + 240 = 16 701 over six months of pay
    scenario = {
        "period": {"exit_month": "2022-07", "horizon_months": 6},
        "participant_defaults": {"age": 30},
        "wages": {"default": 21500},
        "forsorjningsstod": {"reasonable_costs": 6500},
    }
    row = {"id": "A", "before": "forsorjningsstod", "after": "arbete", "age": 30, "wage": 21500}
    _, a = run_people(tmp_path, [row], scenario)
    # disposable income rises by 21 500 − 16 701 / 6 − 10 750 = 7 966.50 a month; under the default convention the
    # individ pays the indirect taxes on consuming it (economy.indirect_tax_rate 13 % × consumption_share 1.0):
    # 7 966.50 × (1 − 0.13) = 6 930.86
    assert a.first_year["individ"] / 6 == pytest.approx((21_500 - 16_701 / 6 - NORM) * (1 - 0.13), abs=0.01)
