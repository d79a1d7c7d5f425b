"""Chunked processing: the results do not depend on how many participants a chunk holds.

The engine computes chunk by chunk and keeps only sums per situation, category, calendar month and
month since exit; these tests run the same populations in chunks of 1, 7 and all participants and
require every reported figure to agree (JSON, rounded to öre) and the raw sums to agree to 1e-6 kr.
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from helpers import run_people
from nyttokalk.actors import ACTORS
from nyttokalk.analysis import analyse
from nyttokalk.engine import run_engine
from nyttokalk.participants import read_participants
from nyttokalk.scenario import load_scenario
from nyttokalk.paths import scenarios_dir

SCENARIO = {
    "title": "chunks",
    "period": {"horizon_months": 30},
    "participant_defaults": {"age": 35, "months_unemployed": 24},
    "wages": {"default": 23_000, "holiday_pay": True},
    "forsorjningsstod": {"reasonable_costs": 6_000},
    "persistence": {"keep_job_probability": 0.6, "monthly_dropoff": 0.02},
    "counterfactual": {"deadweight": 0.2},
    "subsidies": {"lonebidrag_share": 0.6},
    "project": {"cost": 2_000_000, "funding": {"kommun": 0.25, "region": 0.25, "stat": 0.5}},
}
person = hs.fixed_dictionaries({
    "before": hs.sampled_from(["forsorjningsstod", "aktivitetsstod", "etableringsersattning", "utvecklingsersattning", "ingen_ersattning"]),
    "after": hs.sampled_from(["arbete", "nystartsjobb", "introduktionsjobb", "lonebidrag", "studier", "aktivitetsstod", "oforandrad"]),
    "age": hs.integers(19, 60),
    "wage": hs.integers(12_000, 60_000),
    "extent": hs.sampled_from([0.5, 0.75, 1]),
    "exit_month": hs.sampled_from(["2022-01", "2022-07", "2023-03", "2024-01", "2024-12", "2025-09"]),
    "municipality": hs.sampled_from(["", "Stockholm", "Kiruna", "Malmö"]),
    "before_amount": hs.sampled_from(["", "", "9000"]),
})


def _rows(people):
    return [{"id": f"P{i}", **p} for i, p in enumerate(people)]


def _same(results):
    (r0, a0), *rest = results
    for r, a in rest:
        assert a.to_json()["first_year"] == a0.to_json()["first_year"]
        assert {k: v for k, v in a.to_json().items() if k != "meta"} == {k: v for k, v in a0.to_json().items() if k != "meta"}
        for sit, flows in r0.aggregates.flows.items():
            for cid, arr in flows.items():
                np.testing.assert_allclose(r.aggregates.flows[sit][cid], arr, rtol=0, atol=1e-6, err_msg=f"{sit}/{cid}")
        cols = list(ACTORS)
        np.testing.assert_allclose(r.rows.rows[cols].to_numpy(), r0.rows.rows[cols].to_numpy(), rtol=0, atol=1e-9)
        assert a.per_participant.to_frame().equals(a0.per_participant.to_frame())


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(hs.lists(person, min_size=1, max_size=15))
def test_chunk_size_1_7_and_all_give_the_same_results(tmp_path_factory, people):
    rows = _rows(people)
    results = [run_people(tmp_path_factory.mktemp("c"), rows, SCENARIO, chunk_size=size) for size in (len(rows), 1, 7)]
    assert [r.chunks for r, _ in results] == [1, len(rows), -(-len(rows) // 7)]
    _same(results)


@pytest.mark.parametrize("name", ["samverkan-utan-granser", "malmokraften"])
def test_bundled_scenarios_give_the_same_results_in_chunks(name):
    ls = load_scenario(name)
    p = read_participants(scenarios_dir() / name / "participants.csv")
    results = []
    for size in (len(p), 1, 7):
        res = run_engine(p, ls, chunk_size=size)
        results.append((res, analyse(res, ls)))
    _same(results)


def test_the_cell_ledger_sums_to_the_aggregates(tmp_path):
    # keep_ledger=True keeps the ledger per participant-month; summing each participant's first
    # 30 months after exit into (calendar month, month since exit) must give the engine's sums
    rows = _rows([
        {"before": "forsorjningsstod", "after": "nystartsjobb", "age": 30, "wage": 25_000, "extent": 1, "exit_month": "2022-07", "municipality": "", "before_amount": ""},
        {"before": "aktivitetsstod", "after": "studier", "age": 25, "wage": 20_000, "extent": 1, "exit_month": "2023-03", "municipality": "Kiruna", "before_amount": ""},
    ])
    res, _ = run_people(tmp_path, rows, SCENARIO)
    assert res.ledger is not None
    for sit, flows in res.aggregates.flows.items():
        for cid, agg in flows.items():
            expected = np.zeros_like(agg)
            cell = res.ledger.flows[sit].get(cid)
            if cell is not None:
                for i, e in enumerate(res.detail.exits):
                    for h in range(30):
                        expected[e + h, h] += cell[i, e + h]
            np.testing.assert_allclose(agg, expected, atol=1e-9, err_msg=f"{sit}/{cid}")


def test_progress_is_reported_per_chunk_and_shown_only_on_a_terminal(monkeypatch):
    import io

    from rich.console import Console

    from nyttokalk import cli

    ls = load_scenario("samverkan-utan-granser")
    p = read_participants(scenarios_dir() / "samverkan-utan-granser" / "participants.csv")
    calls = []
    run_engine(p, ls, chunk_size=100, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(100, 360), (200, 360), (300, 360), (360, 360)]

    with cli._progress(show=False) as update:  # --json
        assert update is None
    monkeypatch.setattr(cli, "err", Console(file=io.StringIO(), force_terminal=False))
    with cli._progress(show=True) as update:  # not a terminal
        assert update is None
    screen = io.StringIO()
    monkeypatch.setattr(cli, "err", Console(file=screen, force_terminal=True, width=100))
    with cli._progress(show=True) as update:
        update(100, 360)
        update(360, 360)
    assert "Beräknar" in screen.getvalue() and "deltagare" in screen.getvalue()


def test_worker_processes_give_exactly_the_result_of_one_process():
    # the chunks' sums are added in chunk order whoever computed them: bit for bit the same
    ls = load_scenario("malmokraften")
    p = read_participants(scenarios_dir() / "malmokraften" / "participants.csv")
    one = run_engine(p, ls, chunk_size=50, workers=1)
    two = run_engine(p, ls, chunk_size=50, workers=2)
    assert (one.workers, two.workers) == (1, 2)
    for sit, flows in one.aggregates.flows.items():
        for cid, a in flows.items():
            assert np.array_equal(two.aggregates.flows[sit][cid], a), (sit, cid)
    assert one.rows.rows.equals(two.rows.rows)
