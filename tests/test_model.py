"""The transition model over time: subsidies that end, persistence, drop-off, deadweight,
stegförflyttning per actor, the new states, the state split, typology and the potential.

All cases use 2022 rules in force on 2022-04-01 (as test_transitions.py), age 30, national
average rates, no tillfällig skattereduktion, fees to the state; the per-month figures of one
year of work at 21 500 kr/month are worked out in test_transitions.py and imported here.
"""

import pytest

from helpers import RAMBOLL_LIKE, run_people
from nyttokalk.errors import InputError
from test_transitions import (AGA, AKS, AKS_FBS, AKS_FEES, AKS_KOMMUN, AKS_REGION, INDIRECT, NORM,
                              WORK_KOMMUN, WORK_NET, WORK_REGION, WORK_STATE_TAX)

BASE = {"age": 30, "newly_arrived": "false", "months_unemployed": 24, "extent": 1, "exit_month": "2022-01", "wage": 21500}
# One month of forsorjningsstod → arbete (R01 of the Ramboll scenario)
R01 = {"individ": WORK_NET - NORM, "kommun": NORM + WORK_KOMMUN, "region": WORK_REGION,
       "stat": AGA + INDIRECT + WORK_STATE_TAX, "arbetsgivare": 0.0}
# Nystartsjobb level 2 (age 26–65, 24–35 months away) from 2022-04-01: 2.5 × 31.42 % × 20 000 = 15 710 a month
NYSTART = 2.5 * 0.3142 * 20_000


def scenario(**over):
    sc = {**RAMBOLL_LIKE, **over}
    sc["period"] = {**RAMBOLL_LIKE["period"], **over.get("period", {})}
    return sc


def one(tmp_path, before, after, sc=None, **extra):
    return run_people(tmp_path, [{"id": "A", "before": before, "after": after, **BASE, **extra}], sc or scenario())


def test_a_nystartsjobb_that_ends_keeps_the_job_with_p_or_falls_back(tmp_path):
    # Age 30 → the rules' longest nystartsjobb is 24 months (25–54 år); horizon 36 months.
    sc = scenario(period={"horizon_months": 36}, persistence={"keep_job_probability": 0.5})
    _, a = one(tmp_path, "forsorjningsstod", "nystartsjobb", sc)
    y1, y2, y3 = (y["undiscounted"] for y in a.per_year)
    # Years 1 and 2: work at 21 500 with the subsidy from the state to the employer
    for y in (y1, y2):
        assert y["individ"] == pytest.approx(12 * R01["individ"], abs=0.05)
        assert y["stat"] == pytest.approx(12 * (R01["stat"] - NYSTART), abs=0.05)
        assert y["arbetsgivare"] == pytest.approx(12 * NYSTART, abs=0.05)
    # Year 3: half keep the job unsubsidised (R01), half are back on försörjningsstöd (no effect)
    for actor in ("individ", "kommun", "region", "stat"):
        assert y3[actor] == pytest.approx(12 * 0.5 * R01[actor], abs=0.05)
    assert y3["arbetsgivare"] == pytest.approx(0.0, abs=0.05)


def test_a_subsidy_ending_inside_the_horizon_needs_the_keep_probability(tmp_path):
    with pytest.raises(InputError) as exc:
        one(tmp_path, "forsorjningsstod", "nystartsjobb", scenario(period={"horizon_months": 36}))
    assert exc.value.problems[0].column == "persistence.keep_job_probability"


def test_a_scenario_duration_overrides_the_rules(tmp_path):
    # introduktionsjobb for 6 months, then everyone keeps the job: months 7–12 are R01
    sc = scenario(durations={"introduktionsjobb": 6}, persistence={"keep_job_probability": 1})
    res, a = one(tmp_path, "forsorjningsstod", "introduktionsjobb", sc)
    monthly = a.monthly["arbetsgivare"].to_numpy()
    assert monthly[6:] == pytest.approx([0.0] * 6, abs=1e-6)
    assert (monthly[:6] > 0).all()


def test_monthly_dropoff_weights_the_effect_by_survival(tmp_path):
    # 10 % a month fall back: month t (0 = exit month) keeps 0.9^t of the effect;
    # the first year sums to (1 − 0.9^12) / 0.1 = 7.17570… months of R01
    _, a = one(tmp_path, "forsorjningsstod", "arbete", scenario(persistence={"monthly_dropoff": 0.1}))
    months = (1 - 0.9 ** 12) / 0.1
    for actor in ("individ", "kommun", "region", "stat"):
        assert a.first_year[actor] == pytest.approx(months * R01[actor], abs=0.05)


def test_deadweight_scales_the_effect_and_the_naive_result_is_kept(tmp_path):
    _, a = one(tmp_path, "forsorjningsstod", "arbete", scenario(counterfactual={"deadweight": 0.25}))
    for actor in ("individ", "kommun", "region", "stat"):
        assert a.first_year_naive[actor] == pytest.approx(12 * R01[actor], abs=0.05)
        assert a.first_year[actor] == pytest.approx(0.75 * 12 * R01[actor], abs=0.05)


def test_deadweight_one_gives_zero_effect(tmp_path):
    _, a = one(tmp_path, "forsorjningsstod", "arbete", scenario(counterfactual={"deadweight": 1}))
    assert all(v == pytest.approx(0.0, abs=1e-9) for v in a.first_year.values())


def test_stegforflyttning_from_forsorjningsstod_to_aktivitetsstod_shifts_cost_from_kommun_to_stat(tmp_path):
    # After: aktivitetsstöd 4 831.67 a month from the state (Arbetsförmedlingen), taxed 11 855 a
    # year; försörjningsstöd tops up to the norm: 6 906.25. The person ends at the norm either way.
    _, a = one(tmp_path, "forsorjningsstod", "aktivitetsstod")
    e = {k: v / 12 for k, v in a.first_year.items()}
    assert e["individ"] == pytest.approx(0.0, abs=0.01)
    assert e["kommun"] == pytest.approx(NORM - AKS_FBS + AKS_KOMMUN, abs=0.01)  # +4 774.70
    assert e["region"] == pytest.approx(AKS_REGION, abs=0.01)
    assert e["stat"] == pytest.approx(-AKS + AKS_FEES, abs=0.01)  # −4 794.50
    assert e["offentlig_sektor"] == pytest.approx(0.0, abs=0.01)  # moved, not saved
    # inside the state: Arbetsförmedlingen pays the benefit, the budget gets the fees
    assert a.stat_split["af"] / 12 == pytest.approx(-AKS, abs=0.01)
    assert a.stat_split["statsbudget"] / 12 == pytest.approx(AKS_FEES, abs=0.01)
    assert sum(a.stat_split.values()) == pytest.approx(a.first_year["stat"], abs=0.01)
    assert a.typology["stegforflyttning"]["count"] == 1


def test_utvecklingsersattning_is_tax_free_and_topped_up(tmp_path):
    # 2022 higher level 168 kr/day (840 / 5) × 5 × 52 / 12 = 3 640 a month, tax-free;
    # försörjningsstöd tops up the rest of the norm: kommun saves 3 640, the state pays it.
    _, a = one(tmp_path, "forsorjningsstod", "utvecklingsersattning")
    e = {k: v / 12 for k, v in a.first_year.items()}
    ue = 168 * 5 * 52 / 12
    assert e["kommun"] == pytest.approx(ue, abs=0.01)
    assert e["stat"] == pytest.approx(-ue, abs=0.01)
    assert e["individ"] == pytest.approx(0.0, abs=0.01)


def test_ingen_ersattning_gets_no_top_up(tmp_path):
    # Before: no income and no försörjningsstöd. After: the wage, taxed; the kommun saves nothing.
    _, a = one(tmp_path, "ingen_ersattning", "arbete")
    e = {k: v / 12 for k, v in a.first_year.items()}
    assert e["individ"] == pytest.approx(WORK_NET, abs=0.01)
    assert e["kommun"] == pytest.approx(WORK_KOMMUN, abs=0.01)
    assert e["stat"] == pytest.approx(AGA + INDIRECT + WORK_STATE_TAX, abs=0.01)


def test_lonebidrag_pays_the_scenario_share_of_labour_cost_up_to_the_cap(tmp_path):
    # 50 % × min(21 500, 20 000) × (1 + 31.42 %) = 13 142 a month from the state to the employer
    _, a = one(tmp_path, "forsorjningsstod", "lonebidrag", scenario(subsidies={"lonebidrag_share": 0.5}))
    e = {k: v / 12 for k, v in a.first_year.items()}
    assert e["arbetsgivare"] == pytest.approx(0.5 * 20_000 * 1.3142, abs=0.01)
    assert e["stat"] == pytest.approx(R01["stat"] - 0.5 * 20_000 * 1.3142, abs=0.01)
    with pytest.raises(InputError) as exc:
        one(tmp_path, "forsorjningsstod", "lonebidrag")
    assert exc.value.problems[0].column == "subsidies.lonebidrag_share"


def test_typology_and_the_potential(tmp_path):
    rows = [{"id": f"P{i}", "before": "forsorjningsstod", "after": after, **BASE}
            for i, after in enumerate(["arbete", "nystartsjobb", "studier", "aktivitetsstod", "oforandrad"])]
    _, a = run_people(tmp_path, rows, scenario())
    assert {k: v["count"] for k, v in a.typology.items()} == {
        "osubventionerat_arbete": 1, "subventionerat_arbete": 1, "studier": 1, "stegforflyttning": 1, "oforandrad": 1}
    # the potential: all five in unsubsidised work at 21 500 = 5 × R01 for a year
    for actor in ("individ", "kommun", "region", "stat"):
        assert a.potential[actor] == pytest.approx(5 * 12 * R01[actor], abs=0.5)


def test_the_typology_reads_the_kind_of_the_after_state(monkeypatch):
    # One pair per outcome: work → osubventionerat, a subsidised job → subventionerat, studies →
    # studier, a move to another benefit → stegförflyttning, oförändrad or the same state → oförändrad.
    import numpy as np

    from nyttokalk import analysis, states

    before = np.array(["forsorjningsstod"] * 6 + ["a_kassa"], dtype=object)
    after = np.array(["arbete", "extratjanst", "studier", "aktivitetsstod", "oforandrad", "forsorjningsstod", "a_kassa"], dtype=object)
    assert analysis.outcome(before, after).tolist() == [
        "osubventionerat_arbete", "subventionerat_arbete", "studier", "stegforflyttning", "oforandrad", "oforandrad", "oforandrad"]
    # a new subsidised job counts as subsidised work by its kind alone, without being listed in the analysis
    new = states.State("nytt_jobb", "Nytt jobb", "after", None, "subsidised_work")
    monkeypatch.setitem(states.STATES, "nytt_jobb", new)
    assert analysis.outcome(np.array(["forsorjningsstod"], dtype=object), np.array(["nytt_jobb"], dtype=object)).tolist() == ["subventionerat_arbete"]


def test_return_per_krona_and_npv(tmp_path):
    # Cost 120 000, all paid by the kommun; one person to work for 12 months, no discounting:
    # return after one year = 12 × kommun's R01 effect / 120 000; no 5-year figure on a 12-month horizon.
    sc = scenario(discount_rate=0, project={"cost": 120_000, "funding": {"kommun": 1.0}})
    _, a = one(tmp_path, "forsorjningsstod", "arbete", sc)
    assert a.return_per_krona["1"]["kommun"] == pytest.approx(12 * R01["kommun"] / 120_000, abs=1e-6)
    assert a.return_per_krona["5"]["kommun"] is None
    assert a.horizon["npv"]["kommun"] == pytest.approx(12 * R01["kommun"] - 120_000, abs=0.05)


def test_the_cumulative_net_and_the_payback_marks(tmp_path):
    # Cost 120 000, all paid by the kommun, no discounting; one person to work for 12 months.
    # kommun: k × R01 − 120 000 after month k; 120 000 / 14 737.56 = 8.14 → paid back in month 9.
    # Public sector (share 1): 120 000 / (R01 kommun + region + stat = 26 862.34) = 4.47 → month 5.
    # The individual carries no cost: its cumulative net is its cumulative effect, and no mark.
    sc = scenario(discount_rate=0, project={"cost": 120_000, "funding": {"kommun": 1.0}})
    _, a = one(tmp_path, "forsorjningsstod", "arbete", sc)
    cum = a.cumulative_net
    assert list(cum.index) == list(a.monthly.index) and list(cum.columns) == a.actors
    for k in (1, 8, 9, 12):
        assert cum["kommun"].iloc[k - 1] == pytest.approx(k * R01["kommun"] - 120_000, abs=0.05)
        assert cum["individ"].iloc[k - 1] == pytest.approx(k * R01["individ"], abs=0.05)
    assert a.payback_marks == {"kommun": 9, "offentlig_sektor": 5}


def test_the_flows_by_actor_sum_to_the_naive_first_year_effect(tmp_path):
    # Double entry: + for the payee, − for the payer, so an actor's column summed over the
    # categories is its first-year effect before deadweight (here 12 × R01); with a deadweight of
    # 25 % the adjusted figure is 0.75 × that, so the naive one is worth showing.
    _, a = one(tmp_path, "forsorjningsstod", "arbete", scenario(counterfactual={"deadweight": 0.25}))
    flows = a.flows_by_actor
    assert list(flows.columns) == a.actors and len(flows) == len(a.by_category)
    for actor in ("individ", "kommun", "region", "stat", "arbetsgivare"):
        assert flows[actor].sum() == pytest.approx(12 * R01[actor], abs=0.05)
        assert a.flows_by_actor_total[actor] == pytest.approx(12 * R01[actor], abs=0.05)
    assert a.flows_by_actor_total["offentlig_sektor"] == pytest.approx(12 * (R01["kommun"] + R01["region"] + R01["stat"]), abs=0.05)
    assert a.naive_differs
    _, plain = one(tmp_path, "forsorjningsstod", "arbete", scenario())
    assert not plain.naive_differs


def test_observed_forsorjningsstod_replaces_the_model_and_is_reported(tmp_path):
    # Observed: 9 000 kr a month before (instead of the modelled 10 750), 0 after.
    # kommun: +9 000 saved + its income tax share; individ: net wage − 9 000.
    rows = [{"id": "A", "before": "forsorjningsstod", "after": "arbete", **BASE, "before_amount": 9000, "after_amount": 0},
            {"id": "B", "before": "forsorjningsstod", "after": "arbete", **BASE}]
    _, a = run_people(tmp_path, rows, scenario())
    pp = a.per_participant.to_frame().set_index("id")
    assert pp.loc["A", "kommun"] / 12 == pytest.approx(9_000 + WORK_KOMMUN, abs=0.01)
    assert pp.loc["A", "individ"] / 12 == pytest.approx(WORK_NET - 9_000, abs=0.01)
    assert pp.loc["B", "kommun"] / 12 == pytest.approx(R01["kommun"], abs=0.01)
    assert (pp.loc["A", "forsorjningsstod_before"], pp.loc["B", "forsorjningsstod_before"]) == ("observed", "modelled")
    assert any("before_amount" in x for x in a.assumptions)


def test_validate_already_asks_for_the_missing_scenario_choices(tmp_path):
    # `nyttokalk validate` runs engine.prepare: both missing choices are reported at once
    from helpers import write_csv, write_scenario
    from nyttokalk.engine import prepare
    from nyttokalk.participants import read_participants
    from nyttokalk.scenario import load_scenario

    rows = [{"id": "A", "before": "forsorjningsstod", "after": "nystartsjobb", **BASE},
            {"id": "B", "before": "forsorjningsstod", "after": "lonebidrag", **BASE}]
    sc = write_scenario(tmp_path / "s.yaml", scenario(period={"horizon_months": 36}))
    with pytest.raises(InputError) as exc:
        prepare(read_participants(write_csv(tmp_path / "p.csv", rows)), load_scenario(str(sc)))
    assert {pr.column for pr in exc.value.problems} == {"persistence.keep_job_probability", "subsidies.lonebidrag_share"}


def test_introduktionsjobb_lasts_the_rules_12_months(tmp_path):
    # rules 2022 subsidies.introduktionsjobb.max_months = 12: the employer's subsidy stops in month 13
    sc = scenario(period={"horizon_months": 24}, persistence={"keep_job_probability": 1})
    _, a = one(tmp_path, "forsorjningsstod", "introduktionsjobb", sc)
    employer = a.monthly["arbetsgivare"].to_numpy()
    assert (employer[:12] > 0).all()
    assert employer[12:] == pytest.approx([0.0] * 12, abs=1e-6)


def test_the_55_plus_nystartsjobb_extension_ends_in_2025(tmp_path):
    # age 58: rules 2024 give 48 months (no end inside 36), rules 2025 give 24 (förordning 2018:43
    # 11 § after SFS 2024:1108). Keeping the job (p = 1) the subsidy stops after month 24.
    base = {"title": "t", "period": {"horizon_months": 36}, "forsorjningsstod": {"reasonable_costs": 6500},
            "persistence": {"keep_job_probability": 1}}
    row = {**BASE, "age": 58, "id": "A", "before": "forsorjningsstod", "after": "nystartsjobb"}
    _, a24 = run_people(tmp_path, [{**row, "exit_month": "2024-01"}], base)
    _, a25 = run_people(tmp_path, [{**row, "exit_month": "2025-01"}], base)
    assert (a24.monthly["arbetsgivare"].to_numpy()[:36] > 0).all()
    e25 = a25.monthly["arbetsgivare"].to_numpy()
    assert (e25[:24] > 0).all() and e25[24:] == pytest.approx([0.0] * 12, abs=1e-6)


def test_the_norm_and_aktivitetsstod_follow_the_dated_rules_2025_2026(tmp_path):
    # riksnorm single 2025: 3 910 + 1 270 = 5 180; 2026: 3 940 + 1 280 = 5 220 (rules 2025/2026);
    # with reasonable costs 6 500 the kommun pays 11 680 and 11 720 a month.
    # aktivitetsstöd 223 kr/day until 2025-09-30, 365 from 2025-10-01; × 5 × 52 / 12 days a month.
    sc = {"title": "t", "period": {"horizon_months": 24}, "forsorjningsstod": {"reasonable_costs": 6500}}
    rows = [{**BASE, "id": "F", "before": "forsorjningsstod", "after": "oforandrad", "exit_month": "2025-01"},
            {**BASE, "id": "K", "before": "aktivitetsstod", "after": "oforandrad", "exit_month": "2025-01"}]
    res, _ = run_people(tmp_path, rows, sc)
    fbs = res.ledger.flows["before"]["forsorjningsstod"][0]
    assert (fbs[0], fbs[12]) == (pytest.approx(11_680), pytest.approx(11_720))  # Jan 2025, Jan 2026
    aks = res.ledger.flows["before"]["aktivitetsstod"][1]
    assert aks[8] == pytest.approx(223 * 5 * 52 / 12)  # September 2025: 4 831.67
    assert aks[9] == pytest.approx(365 * 5 * 52 / 12)  # October 2025: 7 908.33
