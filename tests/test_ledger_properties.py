"""Properties of the engine on random populations (hypothesis)."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from helpers import RAMBOLL_LIKE, run_people
from nyttokalk.analysis import ALL
from nyttokalk.states import valid_after, valid_before

person = hs.fixed_dictionaries({
    "before": hs.sampled_from(valid_before()),
    "after": hs.sampled_from(valid_after()),
    "age": hs.integers(20, 63),
    "newly_arrived": hs.sampled_from(["true", "false"]),
    "months_unemployed": hs.integers(0, 80),
    "wage": hs.integers(5_000, 80_000),
    "extent": hs.sampled_from([0.25, 0.5, 0.75, 1]),
    "exit_month": hs.sampled_from(["2022-01", "2022-03", "2022-06", "2022-11"]),
    "municipality": hs.sampled_from(["", "Stockholm", "Gotland", "Dorotea", "Tranås"]),
    "prior_income": hs.integers(0, 800_000),  # a-kassa, sjukpenning, sjuk-/aktivitetsersättning
})
# Extratjänst ended in 2022 (no rule from 2023): only people whose year ends by December 2022 keep it.
person = person.map(lambda d: {**d, "after": "arbete"} if d["after"] == "extratjanst" and d["exit_month"] != "2022-01" else d)
population = hs.lists(person, min_size=1, max_size=12)
SCENARIO = {**RAMBOLL_LIKE, "period": {"horizon_months": 12}, "tax": {"temporary_work_reduction": True},
            "subsidies": {"lonebidrag_share": 0.5}}
FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _rows(people):
    return [{"id": f"P{i}", **p} for i, p in enumerate(people)]


@FAST
@given(population)
def test_the_ledger_balances_and_income_never_falls_below_the_norm(tmp_path_factory, people):
    res, _ = run_people(tmp_path_factory.mktemp("p"), _rows(people), SCENARIO)
    res.ledger.check_balance()  # raises on imbalance
    fs = "transfers.forsorjningsstod."  # a single adult's riksnorm: personal costs + one person's common costs
    norm = res.detail.month_rules.at(fs + "riksnorm_personal_single") + res.detail.month_rules.at(fs + "riksnorm_common_one_person") + 6_500
    # ingen_ersattning: no public support and no top-up, by definition
    none_before = np.array([q["before"] == "ingen_ersattning" for q in people])
    none_after = none_before | np.array([q["after"] == "ingen_ersattning" for q in people])
    for situation, skip in (("before", none_before), ("after", none_after)):
        individ = res.ledger.actor_net(situation, "individ")
        assert (individ[~skip] >= norm[None, :] - 1e-6).all()


@FAST
@given(population)
def test_before_equals_after_gives_zero_effect_for_every_actor(tmp_path_factory, people):
    rows = [{**r, "after": "oforandrad"} for r in _rows(people)]
    _, a = run_people(tmp_path_factory.mktemp("p"), rows, SCENARIO)
    for actor in ALL:
        assert a.first_year[actor] == pytest.approx(0.0, abs=1e-6)


@FAST
@given(person, hs.integers(2, 5))
def test_effects_scale_linearly_with_identical_participants(tmp_path_factory, one, k):
    _, a1 = run_people(tmp_path_factory.mktemp("one"), _rows([one]), SCENARIO)
    _, ak = run_people(tmp_path_factory.mktemp("k"), _rows([one] * k), SCENARIO)
    for actor in ALL:
        assert ak.first_year[actor] == pytest.approx(k * a1.first_year[actor], abs=1e-6 * k + 1e-6)


@FAST
@given(population, hs.integers(0, 5_000_000), hs.integers(0, 5_000_000))
def test_payback_never_shortens_when_the_project_cost_rises(tmp_path_factory, people, c1, c2):
    low, high = sorted((c1, c2))
    paybacks = []
    for cost in (low, high):
        sc = {**SCENARIO, "project": {"cost": cost, "funding": {"kommun": 0.5, "stat": 0.5}}}
        _, a = run_people(tmp_path_factory.mktemp("c"), _rows(people), sc)
        paybacks.append(a.payback)
    for actor in ("kommun", "stat", "offentlig_sektor"):
        for kind in ("simple", "discounted"):
            p_low, p_high = paybacks[0][actor][kind], paybacks[1][actor][kind]
            if p_high is not None:
                assert p_low is not None and p_low <= p_high
