"""Helpers for tests: run the engine on a few participants written as dicts."""

from __future__ import annotations

import csv
from pathlib import Path

import yaml

from nyttokalk.analysis import analyse
from nyttokalk.engine import run_engine
from nyttokalk.participants import read_participants
from nyttokalk.scenario import load_scenario

RAMBOLL_LIKE = {
    "title": "test",
    "period": {"exit_month": "2022-01", "horizon_months": 12, "rules_date": "2022-04-01"},
    "participant_defaults": {"age": 30, "months_unemployed": 24},
    "wages": {"default": 21500, "extratjanst": 18000, "holiday_pay": False},
    "forsorjningsstod": {"reasonable_costs": 6500},
    "tax": {"temporary_work_reduction": False},
    # Ramboll's public-finance conventions, as scenarios/ramboll-2022 (Ramboll 2022): the 0.18 markup to the
    # state, full productivity, no utjämning, the loan as income with a claim, pension contributions to the state
    "production": {"convention": "ramboll"},
    "productivity": {"introduktionsjobb": 1.0, "nystartsjobb": 1.0, "extratjanst": 1.0, "lonebidrag": 1.0},
    "equalisation": {"enabled": False},
    "study_loan": "ramboll",
    "actors": {"pension_system": "in_state"},
}


def write_csv(path: Path, rows: list[dict]) -> Path:
    fields: list[str] = []
    for r in rows:
        fields += [k for k in r if k not in fields]
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)
    return path


def write_scenario(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def run_people(tmp_path: Path, rows: list[dict], scenario: dict | None = None, *, chunk_size: int | None = None):
    """(engine result, analysis) for the given participant rows under the scenario (default: ramboll-like).
    Without chunk_size: one chunk, with the ledger per participant-month kept (res.ledger)."""
    sc = write_scenario(tmp_path / "scenario.yaml", scenario if scenario is not None else RAMBOLL_LIKE)
    csv_path = write_csv(tmp_path / "people.csv", rows)
    ls = load_scenario(str(sc))
    res = run_engine(read_participants(csv_path), ls, chunk_size=chunk_size, keep_ledger=chunk_size is None)
    return res, analyse(res, ls)


def monthly_effect(analysis, person_id: str) -> dict[str, float]:
    """First-year effect per actor for one participant, per month (12-month horizon)."""
    row = analysis.per_participant.to_frame().set_index("id").loc[person_id]
    return {a: float(row[a]) / 12 for a in ("individ", "kommun", "region", "stat", "arbetsgivare", "offentlig_sektor")}


def refused(result, *needles):
    """A CLI result (typer's CliRunner) refused as bad input: exit 2, no traceback or internal error,
    every needle in what the user sees."""
    out = result.output
    assert result.exit_code == 2, out
    assert "Traceback" not in out and "Internt fel" not in out and "Internal error" not in out, out
    for n in needles:
        assert n in out, (n, out)
