"""Before states as the law runs them (docs/method.md 2.5), worked by hand.

Rules as bundled (each month its own year's, no rules_date); 5 paid days a week × 52 weeks / 12 =
21.667 days a month unless a test says otherwise. Amounts: etableringsersättning 308 kr/day
(förordning 2017:819 2 kap. 13 §); a-kassa under lag (1997:238): dagsförtjänst = prior_income / 12 /
22, 80 % for days 1–200 and 70 % after, at most 1 200 / 1 000 kr a day, the period 300 ersättningsdagar
(450 for the parent of a child under 18 on day 300, 22 §); after the period aktivitetsstöd in jobb- och
utvecklingsgarantin at 65 % of the dagsförtjänst, at least 365 kr a day (2017:819 2 kap. 3 § before
2025-10-01, secondary). Riksnorm single 2024 3 790 + 1 230 = 5 020, 2025 3 910 + 1 270 = 5 180.
"""

from __future__ import annotations

import numpy as np
import pytest

from helpers import run_people
from nyttokalk.errors import InputError

pytestmark = pytest.mark.usefixtures("english")  # messages are checked in English, the message ids (Swedish: test_i18n.py)

DAYS = 5 * 52 / 12  # 21.667


def scenario(exit_month: str = "2024-01", horizon: int = 12, **extra) -> dict:
    s = {"title": "paths", "period": {"exit_month": exit_month, "horizon_months": horizon},
         "participant_defaults": {"age": 40}, "wages": {"default": 30_000}, "forsorjningsstod": {"reasonable_costs": 6_500},
         "persistence": {"keep_job_probability": 1}}
    for key, value in extra.items():
        s[key] = {**s[key], **value} if isinstance(value, dict) and isinstance(s.get(key), dict) else value
    return s


def flows(res, situation: str, item: str, person: int = 0) -> np.ndarray:
    """An item's monthly flows of one participant from the exit month on (zeros where absent)."""
    f = res.ledger.flows[situation]
    start = res.detail.exits[person]
    a = f[item][person] if item in f else np.zeros(res.grid.n_months)
    return a[start:]


# --- a-kassa --------------------------------------------------------------------------------

# dagsförtjänst 360 000 / 12 / 22 = 1 363.64; days 201–300: 70 % = 954.55 (under the 1 000 max); JOB 65 % = 886.36
DAY = 360_000 / 12 / 22
AK70, JOB65 = 0.70 * DAY, 0.65 * DAY


def test_a_kassa_with_200_days_used_ends_after_100_more_days_then_aktivitetsstod(tmp_path):
    # 48 paid weeks a year: 5 × 48 / 12 = 20 days a month, so months_in_state 10 = 200 days used exactly.
    # Months 1–5 after the exit are days 201–300: a-kassa 20 × 954.55 = 19 090.91 a month; from month 6 the
    # period is used up: aktivitetsstöd in JOB 20 × 886.36 = 17 727.27 a month, for the rest of the 60 months
    # (no end in law; from 2025-10-01 the old period runs on with the transitional floor 432 / 415, below it).
    s = scenario(horizon=60, benefits={"weeks_per_year": 48})
    row = {"id": "A", "before": "a_kassa", "after": "arbete", "prior_income": 360_000, "months_in_state": 10}
    res, a = run_people(tmp_path, [row], s)
    a_kassa, aks = flows(res, "before", "a_kassa")[:60], flows(res, "before", "aktivitetsstod")[:60]
    assert a_kassa[:5] == pytest.approx(np.full(5, 20 * AK70))
    assert a_kassa[5:] == pytest.approx(np.zeros(55))  # the state's a-kassa saving stops after 100 more days
    assert aks[:5] == pytest.approx(np.zeros(5))
    assert aks[5:] == pytest.approx(np.full(55, 20 * JOB65))  # … and continues at the aktivitetsstöd level
    # Arbetsförmedlingen's first-year saving (2024, base year 2024): 5 × 19 090.91 + 7 × 17 727.27 = 219 545.45
    assert a.stat_split["af"] == pytest.approx(5 * 20 * AK70 + 7 * 20 * JOB65, abs=0.01)


def test_a_kassa_period_ends_inside_a_month_pro_rata(tmp_path):
    # 21.667 days a month, months_in_state 9 = 195 days: month 1 days 195–216.67: 5 days at 80 % (capped at
    # 1 000 after day 100) and 16.67 at 70 %: 20 909.09; months 2–4 days 216.67–281.67 at 70 % (20 681.82);
    # month 5 days 281.67–303.33: 18.33 days of a-kassa (17 500.00) and 3.33 days of aktivitetsstöd (2 954.55);
    # from month 6: aktivitetsstöd 21.667 × 886.36 = 19 204.55
    row = {"id": "A", "before": "a_kassa", "after": "arbete", "prior_income": 360_000, "months_in_state": 9}
    res, _ = run_people(tmp_path, [row], scenario())
    a_kassa, aks = flows(res, "before", "a_kassa")[:12], flows(res, "before", "aktivitetsstod")[:12]
    assert a_kassa[0] == pytest.approx(5 * 1_000 + (DAYS - 5) * AK70)
    assert a_kassa[1:4] == pytest.approx(np.full(3, DAYS * AK70))
    assert a_kassa[4] == pytest.approx((300 - 13 * DAYS) * AK70)  # 18.33 days: 17 500.00
    assert aks[4] == pytest.approx((14 * DAYS - 300) * JOB65)  # 3.33 days: 2 954.55
    assert a_kassa[5:] == pytest.approx(np.zeros(7))
    assert aks[5:] == pytest.approx(np.full(7, DAYS * JOB65))


def test_a_kassa_lasts_450_days_for_the_parent_of_a_child_under_18_on_day_300(tmp_path):
    # Lag (1997:238) 22 §. Day 300 falls in 2024 (month 5 after the exit); a child aged 17 in 2024 makes the
    # period 450 days: 195 + 11 × 21.667 = 433.33, so month 12 (Dec 2024) has 16.67 days of a-kassa and 5 of JOB.
    # A child aged 18 in 2024 does not: the period ends in month 5 as for a person without children.
    rows = [{"id": "P", "before": "a_kassa", "after": "arbete", "prior_income": 360_000, "months_in_state": 9, "children_ages": "17"},
            {"id": "Q", "before": "a_kassa", "after": "arbete", "prior_income": 360_000, "months_in_state": 9, "children_ages": "18"}]
    res, _ = run_people(tmp_path, rows, scenario())
    parent = flows(res, "before", "a_kassa", 0)[:12]
    assert parent[0] == pytest.approx(5 * 1_000 + (DAYS - 5) * AK70)  # day 200 inside month 1, as above
    assert parent[1:11] == pytest.approx(np.full(10, DAYS * AK70))
    assert parent[11] == pytest.approx((450 - 20 * DAYS) * AK70)
    assert flows(res, "before", "aktivitetsstod", 0)[11] == pytest.approx((21 * DAYS - 450) * JOB65)
    assert flows(res, "before", "a_kassa", 1)[4] == pytest.approx((300 - 13 * DAYS) * AK70)
    assert flows(res, "before", "a_kassa", 1)[5] == 0


def test_a_kassa_under_the_new_law_and_its_aktivitetsstod_levels(tmp_path):
    # A period that begins in January 2026 is under lag (2024:506): ersättningsgrundande inkomst min(30 000, 34 000),
    # 22 ersättningsdagar a month, 80 / 70 / 65 % (member). Month 14 after the exit covers days 286–308: 14 days at
    # 65 % (12 409.09) and 8 days of aktivitetsstöd at 2017:819 2 kap. 4 §: min(30 000 / 22, 1 364) = 1 363.64 ×
    # (65 − 5) % = 818.18 a day (6 545.45); days 308–330: 22 × 818.18 = 18 000; month 19 (396–418): 4 days at 60 %
    # and 18 at 55 %: 3 272.73 + 13 500 = 16 772.73. (2027 uses the 2026 rules carried forward.)
    s = scenario("2026-01", horizon=24)
    row = {"id": "A", "before": "a_kassa", "after": "arbete", "prior_income": 360_000, "months_in_state": 0}
    res, _ = run_people(tmp_path, [row], s)
    a_kassa, aks = flows(res, "before", "a_kassa"), flows(res, "before", "aktivitetsstod")
    assert a_kassa[0] == pytest.approx(0.80 * 30_000)
    assert a_kassa[13] == pytest.approx(14 / 22 * 0.65 * 30_000)
    assert aks[13] == pytest.approx(8 * 0.60 * 30_000 / 22)
    assert aks[14] == pytest.approx(0.60 * 30_000)
    assert aks[18] == pytest.approx(4 * 0.60 * 30_000 / 22 + 18 * 0.55 * 30_000 / 22)


# --- etableringsersättning -----------------------------------------------------------------

ETAB = 308 * DAYS  # 6 673.33


def test_etablering_in_month_20_ends_after_4_more_months_then_forsorjningsstod(tmp_path):
    # Förordning (2017:820) 7 §: at most 24 months in the programme. Months 1–4 after the exit: etableringsersättning
    # 6 673.33, topped up to 11 520 (2024) by 4 846.67; from month 5 försörjningsstöd pays the norm: 11 520 in 2024,
    # 11 680 in 2025. Over the 60-month horizon the state's saving is 4 × 6 673.33 = 26 693.33, not 60 months of it.
    row = {"id": "E", "before": "etableringsersattning", "after": "arbete", "age": 30, "newly_arrived": "true", "months_in_state": 20}
    res, a = run_people(tmp_path, [row], scenario(horizon=60))
    etab, fbs = flows(res, "before", "etableringsersattning")[:60], flows(res, "before", "forsorjningsstod")[:60]
    assert etab[:4] == pytest.approx(np.full(4, ETAB))
    assert etab[4:] == pytest.approx(np.zeros(56))
    assert etab.sum() == pytest.approx(26_693.33, abs=0.01)
    assert fbs[0] == pytest.approx(11_520 - ETAB)
    assert fbs[4] == pytest.approx(11_520) and fbs[12] == pytest.approx(11_680)
    assert a.stat_split["af"] == pytest.approx(4 * ETAB, abs=0.01)  # the first year: no other flow of Arbetsförmedlingen


def test_paths_static_holds_the_before_state(tmp_path):
    row = {"id": "E", "before": "etableringsersattning", "after": "arbete", "age": 30, "months_in_state": 20}
    res, a = run_people(tmp_path, [row], scenario(horizon=60, paths={"static": True}))
    assert flows(res, "before", "etableringsersattning")[:60] == pytest.approx(np.full(60, ETAB))
    assert any("paths.static" in x for x in a.assumptions)


def test_a_subsidised_job_falls_back_to_where_the_before_path_is(tmp_path):
    # Etablering from the exit (months_in_state 0) and a nystartsjobb of 30 months that no one keeps: the fall-back
    # from month 31 is where the before path is then, försörjningsstöd (the programme ended after 24 months).
    s = scenario(horizon=36, durations={"nystartsjobb": 30}, persistence={"keep_job_probability": 0})
    row = {"id": "N", "before": "etableringsersattning", "after": "nystartsjobb", "age": 30, "newly_arrived": "true", "months_in_state": 0}
    res, _ = run_people(tmp_path, [row], s)
    assert flows(res, "after", "etableringsersattning")[30:36] == pytest.approx(np.zeros(6))
    assert flows(res, "after", "forsorjningsstod")[30:36] == pytest.approx(np.full(6, 5_220 + 6_500))  # 2026
    assert flows(res, "before", "etableringsersattning")[:24] == pytest.approx(np.full(24, ETAB))


def test_etableringstillagg_for_the_three_eldest_children_and_bostadsersattning(tmp_path):
    # 2017:819 3 kap. 10–12 §§: 800 kr per child under 11, 1 500 per child 11–19, the three eldest: children
    # 2, 5, 12, 17 → 1 500 + 1 500 + 800 = 3 800. 13–16 §§: alone without children, rent 5 000: 5 000 − 1 800 = 3 200
    # (at most 3 900), less the month's bostadsbidrag (5 kap. 5 §): at 30 there is none; at 22 bostadsbidrag for the
    # young (SFB 97 kap. 26–27 §§): 0.90 × 800 + 0.65 × 1 000 = 1 370 a month, the year's income 12 × 6 673.33 =
    # 80 080 (etableringsersättning counts, 97 kap. 2 §): 16 440 − (80 080 − 41 000) / 3 = 3 413.33 a year → 284.44
    # → 200 a month (rounded down to hundreds); bostadsersättning 3 200 − 200 = 3 000.
    rows = [{"id": "K", "before": "etableringsersattning", "after": "oforandrad", "age": 40, "children_ages": "2 5 12 17"},
            {"id": "L", "before": "etableringsersattning", "after": "oforandrad", "age": 30, "housing_cost": 5_000},
            {"id": "Y", "before": "etableringsersattning", "after": "oforandrad", "age": 22, "housing_cost": 5_000}]
    res, _ = run_people(tmp_path, rows, scenario())
    assert flows(res, "before", "etableringstillagg", 0)[0] == pytest.approx(3_800)
    assert flows(res, "before", "bostadsersattning", 1)[0] == pytest.approx(3_200)
    assert flows(res, "before", "bostadsbidrag", 2)[0] == pytest.approx(200)
    assert flows(res, "before", "bostadsersattning", 2)[0] == pytest.approx(3_000)
    # the top-up counts them: 11 520 − 6 673.33 − 3 200 = 1 646.67
    assert flows(res, "before", "forsorjningsstod", 1)[0] == pytest.approx(11_520 - ETAB - 3_200)


# --- aktivitetsstöd, utvecklingsersättning, aktivitetsersättning, sjukpenning ----------------


def test_under_25_on_aktivitetsstod_without_a_kassa_is_on_utvecklingsersattning(tmp_path):
    # Förordning (2017:819) 2 kap. 1, 10 §§: under 25 without a right to a-kassa, utvecklingsersättning (tax-free),
    # 2024 higher level 199 × 21.667 = 4 311.67 (2025: 205 × 21.667 = 4 441.67); from the year the person turns 25
    # (2025) aktivitetsstöd with
    # grundbelopp 223 × 21.667 = 4 831.67 (365 from October 2025). With a right to a-kassa (prior_income 300 000)
    # income-based aktivitetsstöd: 80 % × 300 000 / 12 / 22 = 909.09 a day, 19 696.97 a month.
    rows = [{"id": "U", "before": "aktivitetsstod", "after": "oforandrad", "age": 22},
            {"id": "V", "before": "aktivitetsstod", "after": "oforandrad", "age": 24},
            {"id": "W", "before": "aktivitetsstod", "after": "oforandrad", "age": 22, "prior_income": 300_000},
            {"id": "X", "before": "forsorjningsstod", "after": "aktivitetsstod", "age": 22}]
    res, a = run_people(tmp_path, rows, scenario(horizon=24))
    assert flows(res, "before", "utvecklingsersattning", 0)[:24] == pytest.approx(np.repeat([199 * DAYS, 205 * DAYS], 12))
    assert flows(res, "before", "aktivitetsstod", 0)[:24] == pytest.approx(np.zeros(24))
    v_ue, v_aks = flows(res, "before", "utvecklingsersattning", 1), flows(res, "before", "aktivitetsstod", 1)
    assert v_ue[:12] == pytest.approx(np.full(12, 199 * DAYS)) and v_ue[12:24] == pytest.approx(np.zeros(12))
    assert v_aks[12] == pytest.approx(223 * DAYS) and v_aks[21] == pytest.approx(365 * DAYS)
    assert flows(res, "before", "aktivitetsstod", 2)[0] == pytest.approx(0.8 * 300_000 / 12 / 22 * DAYS)
    assert flows(res, "after", "utvecklingsersattning", 3)[0] == pytest.approx(199 * DAYS)  # the same check after
    assert any("computed as utvecklingsersättning" in x and x.startswith("3 of 4") for x in a.assumptions)


def test_aktivitetsersattning_ends_in_the_year_of_30_then_sjukpenning_i_sarskilda_fall(tmp_path):
    # SFB 33 kap. 19 §: until the month before the 30th birthday; born 2024 − 28 = 1996, 30 in 2026 (birth month
    # unknown: the year). Garantinivå (prior_income 0): 2024 age 28: 2.68 × 57 300 / 12 = 12 797; 2025 age 29:
    # 2.73 × 58 800 / 12 = 13 377. From January 2026 sjukpenning i särskilda fall (SFB 28 a kap.): 230 kr a day,
    # 365 / 12 days a month = 6 995.83.
    row = {"id": "A", "before": "aktivitetsersattning", "after": "oforandrad", "age": 28, "prior_income": 0}
    res, _ = run_people(tmp_path, [row], scenario(horizon=36))
    ae, sp = flows(res, "before", "aktivitetsersattning")[:36], flows(res, "before", "sjukpenning")[:36]
    assert ae[0] == pytest.approx(2.68 * 57_300 / 12) and ae[12] == pytest.approx(2.73 * 58_800 / 12)
    assert ae[24:] == pytest.approx(np.zeros(12))
    assert sp[:24] == pytest.approx(np.zeros(24)) and sp[24:] == pytest.approx(np.full(12, 230 * 365 / 12))


def test_sjukpenning_steps_to_the_fortsattningsniva_after_day_364(tmp_path):
    # SFB 27 kap. 21, 24 §§, 28 kap. 7 §: sick 10 months at the exit (304.17 days); month 1 (days 304.17–334.58) at
    # 80 % of 97 % of the SGI 300 000: 19 400; month 2 (334.58–365) 29.42 days at 80 % and 1 at 75 %:
    # (29.4167 × 0.80 + 1 × 0.75) × 0.97 × 300 000 / 365 = 19 360.14; then 75 %: 18 187.50, with no end.
    row = {"id": "S", "before": "sjukpenning", "after": "arbete", "prior_income": 300_000, "months_in_state": 10}
    res, _ = run_people(tmp_path, [row], scenario(horizon=24))
    sp = flows(res, "before", "sjukpenning")[:24]
    assert sp[0] == pytest.approx(19_400)
    assert sp[1] == pytest.approx((364 - 11 * 365 / 12) * 0.8 * 0.97 * 300_000 / 365 + (12 * 365 / 12 - 364) * 0.75 * 0.97 * 300_000 / 365)
    assert sp[2:] == pytest.approx(np.full(22, 0.75 * 0.97 * 300_000 / 12))


# --- the household ----------------------------------------------------------------------------

# 2024, local rates kommun 21.0 %, region 11.5 %, begravning 0.25 %; wage 21 500 at 50 %: 10 750 a month, 129 000 a year.
# Tax (IL as in docs/method.md 5.3; PBB 57 300, IBB 76 200): FFI 129 000; GA 0.423 × 57 300 + 20 % × (129 000 −
# 0.99 × 57 300) = 38 692.5 → 38 700; BFI 90 300; K floor(90 300 × 32.5 %) = 29 347; pensionsavgift 7 % × 129 000 =
# 9 030 → 9 000, offset; JSA: underlag 0.91 × 57 300 + 38.74 % × (129 000 − 52 143) = 81 917.40,
# floor((81 917.40 − 38 700) × 32.5 %) = 14 045; förvärvsinkomst floor(0.75 % × 50 300) = 377; public service
# floor(1 % × 90 300) = 903; begravning floor(0.25 % × 90 300) = 225. Tax 29 347 − 14 045 − 377 + 903 + 225 = 16 053;
# net 112 947 a year = 9 412.25 a month. Norm single 5 020 + 6 500 = 11 520.
RATES = {"kommun": 21.0, "region": 11.5, "begravning": 0.25}
NET_HALF = (129_000 - 16_053) / 12  # 9 412.25


def test_jobbstimulans_at_half_time_after_8_months_on_forsorjningsstod(tmp_path):
    # SoL (2001:453) 4 kap. 1 b §: 8 months on försörjningsstöd at the exit: the rule applies since month 7 (two of its
    # 24 months used), so 25 % of the net wage is not counted in months 1–22 after the exit:
    # top-up 11 520 − 0.75 × 9 412.25 = 4 460.81 instead of 2 107.75; the individual gains 0.25 × 9 412.25 = 2 353.06
    # a month over the norm (without the rule: 0).
    row = {"id": "J", "before": "forsorjningsstod", "after": "arbete", "wage": 21_500, "extent": 0.5, "months_in_state": 8}
    res, a = run_people(tmp_path, [row], scenario(local_tax=RATES))
    fbs = flows(res, "after", "forsorjningsstod")[:12]
    assert fbs == pytest.approx(np.full(12, 11_520 - 0.75 * NET_HALF), abs=0.01)
    # 12 × 2 353.06 = 28 236.75 more to spend, of which 13 % goes in indirect taxes (economy.indirect_tax_rate ×
    # consumption_share 1, method.md 3.5a): 28 236.75 × 0.87 = 24 565.97
    assert a.first_year["individ"] == pytest.approx(12 * 0.25 * NET_HALF * (1 - 0.13), abs=0.01)
    off = scenario(local_tax=RATES, forsorjningsstod={"jobbstimulans": False})
    (tmp_path / "off").mkdir()
    res, a = run_people(tmp_path / "off", [row], off)
    assert flows(res, "after", "forsorjningsstod")[:12] == pytest.approx(np.full(12, 11_520 - NET_HALF), abs=0.01)
    assert a.first_year["individ"] == pytest.approx(0.0, abs=0.01)


def test_jobbstimulans_begins_after_six_months_in_a_row(tmp_path):
    # From the first month of försörjningsstöd (months_in_state 0): a top-up is paid January–June (2 107.75),
    # so from July the rule applies: 4 460.81. The window of 24 months runs to June 2026; in the horizon only 2024.
    row = {"id": "J", "before": "forsorjningsstod", "after": "arbete", "wage": 21_500, "extent": 0.5, "months_in_state": 0}
    res, _ = run_people(tmp_path, [row], scenario(local_tax=RATES))
    fbs = flows(res, "after", "forsorjningsstod")[:12]
    assert fbs[:6] == pytest.approx(np.full(6, 11_520 - NET_HALF), abs=0.01)
    assert fbs[6:] == pytest.approx(np.full(6, 11_520 - 0.75 * NET_HALF), abs=0.01)


def test_barnbidrag_for_two_children_lowers_the_top_up_in_both_situations(tmp_path):
    # Single parent, children 4 and 8 (2024): norm 3 790 + 2 930 (4–6) + 3 670 (7–10) + 3 persons 1 720 + 6 500 =
    # 18 610. Barnbidrag 2 × 1 250 + flerbarnstillägg 150 = 2 650 (SFB 15 kap.), the state's, in both situations:
    # before 18 610 − 2 650 = 15 960; after (half-time work, months 1–6) 18 610 − 9 412.25 − 2 650 = 6 547.75.
    # The transition's effect does not change: the barnbidrag is in both.
    row = {"id": "B", "before": "forsorjningsstod", "after": "arbete", "wage": 21_500, "extent": 0.5, "children_ages": "4 8"}
    res, a = run_people(tmp_path, [row], scenario(local_tax=RATES))
    assert flows(res, "before", "forsorjningsstod")[0] == pytest.approx(15_960)
    assert flows(res, "after", "forsorjningsstod")[0] == pytest.approx(18_610 - NET_HALF - 2_650, abs=0.01)
    assert flows(res, "before", "barnbidrag")[:12] == pytest.approx(np.full(12, 2_650))
    assert flows(res, "after", "barnbidrag")[:12] == pytest.approx(np.full(12, 2_650))
    assert a.by_category.set_index("category").loc["barnbidrag", "effect"] == pytest.approx(0.0)


def test_bostadsbidrag_for_a_single_parent_with_two_children(tmp_path):
    # SFB 97 kap. (2024): rent 7 000, two children: housing part 50 % × (min(7 000, 5 900) − 1 400) = 2 250,
    # särskilt bidrag 2 000; 12 × 4 250 = 51 000. After, wage 18 000 a month: the year's income 216 000,
    # − 20 % × (216 000 − 150 000) = 13 200 → 37 800 a year, 3 150 → 3 100 a month; tilläggsbidrag (2024: 40 %,
    # at most 2 100) 1 240: 4 340. Before, no income: 4 250 → 4 200, tilläggsbidrag 1 680: 5 880.
    row = {"id": "H", "before": "forsorjningsstod", "after": "arbete", "wage": 18_000, "children_ages": "4 8", "housing_cost": 7_000}
    res, _ = run_people(tmp_path, [row], scenario())
    assert flows(res, "after", "bostadsbidrag")[:12] == pytest.approx(np.full(12, 3_100 + 1_240))
    assert flows(res, "before", "bostadsbidrag")[:12] == pytest.approx(np.full(12, 4_200 + 1_680))


def test_bostadsbidrag_2022_tillaggsbidrag_from_july_and_2026_limits(tmp_path):
    # 2022: the same family and wage: 3 100 a month; the tilläggsbidrag 25 % (775) only July–December 2022.
    # 2026 (ceiling 7 900 for two children): housing part 50 % × (7 000 − 1 400) = 2 800; (2 800 + 2 000) × 12 −
    # 13 200 = 44 400 → 3 700 a month; no tilläggsbidrag after June 2025.
    row = {"id": "H", "before": "forsorjningsstod", "after": "arbete", "wage": 18_000, "children_ages": "4 8", "housing_cost": 7_000}
    res, _ = run_people(tmp_path, [{**row, "exit_month": "2022-01"}], scenario("2022-01"))
    bb = flows(res, "after", "bostadsbidrag")[:12]
    assert bb[:6] == pytest.approx(np.full(6, 3_100)) and bb[6:] == pytest.approx(np.full(6, 3_100 + 775))
    (tmp_path / "y26").mkdir()
    res, _ = run_people(tmp_path / "y26", [{**row, "exit_month": "2026-01"}], scenario("2026-01"))
    assert flows(res, "after", "bostadsbidrag")[:12] == pytest.approx(np.full(12, 3_700))


def test_bostadsbidrag_for_the_young_without_children(tmp_path):
    # SFB 97 kap. 24–27 §§: age 20, rent 4 500: 0.90 × (2 600 − 1 800) + 0.65 × (3 600 − 2 600) = 1 370 a month;
    # wage 5 000 a month (60 000 a year): 16 440 − (60 000 − 41 000) / 3 = 10 106.67 → 842.22 → 800.
    # At 29 (96 kap. 11 §: not from the 29th birthday): none.
    rows = [{"id": "Y", "before": "forsorjningsstod", "after": "arbete", "age": 20, "wage": 5_000, "housing_cost": 4_500},
            {"id": "Z", "before": "forsorjningsstod", "after": "arbete", "age": 29, "wage": 5_000, "housing_cost": 4_500}]
    res, _ = run_people(tmp_path, rows, scenario())
    assert flows(res, "after", "bostadsbidrag", 0)[:12] == pytest.approx(np.full(12, 800))
    assert "bostadsbidrag" not in res.ledger.flows["after"] or flows(res, "after", "bostadsbidrag", 1).sum() == 0


# --- the law forbids the move ---------------------------------------------------------------


def test_an_exit_into_extratjanst_in_2022_and_an_age_outside_a_state_warn_naming_the_rows(tmp_path):
    # Arbetsförmedlingen made no new extratjänster from 2022-01-01 (subsidies.extratjanst.new_entrants 0);
    # aktivitetsersättning is for 19–29 (SFB 33 kap. 18–19 §§): 31 at the exit is outside.
    rows = [{"id": "A", "before": "forsorjningsstod", "after": "extratjanst", "wage": 18_000, "exit_month": "2022-03"},
            {"id": "B", "before": "aktivitetsersattning", "after": "oforandrad", "age": 31, "prior_income": 0, "exit_month": "2022-03"}]
    _, a = run_people(tmp_path, rows, scenario("2022-03", horizon=10))  # extratjänst's rules end with 2022
    assert any(w.startswith("1 participant goes to extratjanst in a month it takes no new entrants") and w.endswith("row 2") for w in a.warnings)
    assert any(w.startswith("1 participant is in aktivitetsersattning at the exit at an age outside its limits") and w.endswith("row 3")
               for w in a.warnings)


def test_months_in_state_must_be_whole_months(tmp_path):
    rows = [{"id": "A", "before": "a_kassa", "after": "arbete", "prior_income": 300_000, "months_in_state": -2},
            {"id": "B", "before": "a_kassa", "after": "arbete", "prior_income": 300_000, "months_in_state": "2.5"}]
    with pytest.raises(InputError) as exc:
        run_people(tmp_path, rows, scenario())
    assert [(p.row, p.column) for p in exc.value.problems] == [(2, "months_in_state"), (3, "months_in_state")]
