"""The segment engine (engine/segments.py): each participant is computed once per stretch of months
in which nothing its flows depend on changes. Cutting every participant's months at every month
gives the month-by-month engine; the stretches the engine finds must give the same figures, so every
change point (the calendar, a dated rule, a path's end, a state's steps, a subsidy's end, a
jobbstimulans window) is found."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from helpers import write_csv, write_scenario
from nyttokalk.analysis import analyse
from nyttokalk.engine import run_engine, segments
from nyttokalk.participants import read_participants
from nyttokalk.scenario import load_scenario
from test_reference import MIXED_SCENARIO, PATHS_SCENARIO, mixed_population, paths_population


def _run(path, scenario, monkeypatch=None, every_month=False):
    if every_month:  # as if a rule every participant's months read changed in every month: every month a stretch of its own
        marks = segments.rule_marks
        monkeypatch.setattr(segments, "rule_marks", lambda mr: {**marks(mr), "economy.every_month": np.arange(1, len(mr))})
    ls = load_scenario(str(scenario))
    res = run_engine(read_participants(path), ls, chunk_size=37, workers=1)
    out = analyse(res, ls).to_json()
    if every_month:
        monkeypatch.undo()
    return res, out


def _assert_within_an_ore(a, b, where=""):
    """Every figure as reported (rounded to öre) within one öre: the two engines add the same amounts
    in another order, so a sum on a half öre may round either way (seen: −2 184.43 / −2 184.42)."""
    if isinstance(a, dict):
        assert a.keys() == b.keys(), where
        for k in a:
            _assert_within_an_ore(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), where
        for k, (x, y) in enumerate(zip(a, b)):
            _assert_within_an_ore(x, y, f"{where}[{k}]")
    elif isinstance(a, float) and isinstance(b, float):
        assert abs(a - b) <= 0.01 + 1e-9, f"{where}: {a} != {b}"
    else:
        assert a == b, where


def _assert_same(path, scenario, monkeypatch):
    res, out = _run(path, scenario)
    res_m, out_m = _run(path, scenario, monkeypatch, every_month=True)
    _assert_within_an_ore({k: v for k, v in out.items() if k != "meta"}, {k: v for k, v in out_m.items() if k != "meta"})
    assert out["meta"]["doubtful_rules"] == out_m["meta"]["doubtful_rules"]
    for sit, flows in res_m.aggregates.flows.items():
        for cid, a in flows.items():
            np.testing.assert_allclose(res.aggregates.flows[sit][cid], a, rtol=1e-12, atol=1e-6, err_msg=f"{sit}/{cid}")
    np.testing.assert_allclose(res.rows.rows.select_dtypes("number").to_numpy(), res_m.rows.rows.select_dtypes("number").to_numpy(),
                               rtol=1e-12, atol=1e-6)


@pytest.mark.parametrize("variant", [
    {},
    {"paths": {"after_etablering": "aktivitetsstod", "after_aktivitetsersattning": "aktivitetsstod"}},
    {"paths": {"static": True}, "benefits": {"a_kassa_membership": "short_member"}},
    {"period": {"horizon_months": 30, "rules_date": "2025-09-01"}},
    {"period": {"horizon_months": 9}, "persistence": {"keep_job_probability": 0.0, "monthly_dropoff": 0.04}},
], ids=["paths", "next-aktivitetsstod", "static", "rules-date", "short-horizon"])
def test_the_stretches_give_the_month_by_month_figures_on_every_path(tmp_path, monkeypatch, variant):
    # a-kassa under both laws (exits across 2025-10-01), its day bands, its end and the JOB level's steps
    # after it, sjukpenning's day 364, etableringsersättning's end, aktivitetsersättning's at 30, the
    # handledarstöd's months, subsidies that end, jobbstimulans windows, dated rules within a year
    path = write_csv(tmp_path / "paths.csv", paths_population(240, seed=31).to_dict("records"))
    sc = write_scenario(tmp_path / "paths.yaml", {**PATHS_SCENARIO, **variant})
    _assert_same(path, sc, monkeypatch)


def test_the_stretches_give_the_month_by_month_figures_on_every_state(tmp_path, monkeypatch):
    # every modelled state, the employer-fee reductions of June–August 2022, older persons' tax, observed amounts
    path = write_csv(tmp_path / "mixed.csv", mixed_population(240, seed=32).to_dict("records"))
    sc = write_scenario(tmp_path / "mixed.yaml", MIXED_SCENARIO)
    _assert_same(path, sc, monkeypatch)


person = hs.fixed_dictionaries({
    "before": hs.sampled_from(["forsorjningsstod", "aktivitetsstod", "etableringsersattning", "a_kassa", "sjukpenning",
                               "aktivitetsersattning", "utvecklingsersattning"]),
    "after": hs.sampled_from(["arbete", "nystartsjobb", "introduktionsjobb", "aktivitetsstod", "a_kassa", "sjukpenning", "oforandrad"]),
    "age": hs.integers(19, 40),
    "wage": hs.integers(8_000, 40_000),
    "extent": hs.sampled_from([0.25, 0.5, 1]),
    "exit_month": hs.sampled_from(["2023-11", "2024-07", "2025-02", "2025-09", "2025-10"]),
    "months_in_state": hs.integers(0, 30),
    "prior_income": hs.integers(0, 500_000),
    "children_ages": hs.sampled_from(["-", "3", "15 17"]),
    "housing_cost": hs.sampled_from(["", "4000"]),
})


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(hs.lists(person, min_size=1, max_size=10), hs.sampled_from([6, 17, 40]), hs.sampled_from([0.0, 0.5]))
def test_the_stretches_give_the_month_by_month_figures_on_random_people(tmp_path_factory, monkeypatch, people, horizon, keep):
    tmp = tmp_path_factory.mktemp("s")
    path = write_csv(tmp / "p.csv", [{"id": f"P{i}", **p} for i, p in enumerate(people)])
    sc = write_scenario(tmp / "s.yaml", {**PATHS_SCENARIO, "period": {"horizon_months": horizon},
                                         "persistence": {"keep_job_probability": keep, "monthly_dropoff": 0.01}})
    _assert_same(path, sc, monkeypatch)


def test_refine_cuts_only_inside_segments_and_keeps_the_months_on_the_path():
    # one participant, months 0–9 in two segments [0, 4) held at 2 months and [4, 10) from 0, growing by one a month
    seg = segments.Segments(np.array([0, 0]), np.array([0, 4]), np.array([4, 6]), np.array([3, 3]), np.array([2.0, 0.0]),
                            np.array([0.0, 1.0]), np.full(2, np.nan))
    cut, parent = segments.refine(seg, np.array([0, 0, 0]), np.array([4, 7, 12]), 10)  # 4 is an edge, 12 outside
    assert cut.start.tolist() == [0, 4, 7] and cut.length.tolist() == [4, 3, 3] and parent.tolist() == [0, 1, 1]
    assert cut.mis.tolist() == [2.0, 0.0, 3.0]  # month 7 is three months into the second segment
    clipped = segments.clip(cut, np.array([2]), np.array([8]))
    assert clipped.start.tolist() == [2, 4, 7] and clipped.length.tolist() == [2, 3, 1] and clipped.mis.tolist() == [2.0, 0.0, 3.0]


def test_a_state_declares_every_rule_it_reads_and_a_kept_job_holds_the_works_rules():
    # the engine cuts a state's months only where a rule in its State.rules may change, and checks every read
    # against them (an undeclared read stops the run); a subsidised job kept after its subsidy becomes
    # arbete without a new cut, so each subsidised job's rules hold arbete's
    from nyttokalk import states as st
    work = set(st.STATES["arbete"].rules)
    for sid in ("introduktionsjobb", "nystartsjobb", "extratjanst", "lonebidrag"):
        assert work <= set(st.STATES[sid].rules), sid
    with pytest.raises(AssertionError, match="transfers.a_kassa"):
        segments.check_declared({"transfers.a_kassa.x", "studies.study_place_cost"}, ("studies",), "state studier")
    segments.check_declared({"studies.study_place_cost", "studies"}, ("studies",), "state studier")
