"""`nyttokalk tax` and `nyttokalk rules` through Typer's CliRunner, and rules carried past the newest year."""

from __future__ import annotations

import json
import shutil

import pytest
import yaml
from typer.testing import CliRunner

from helpers import run_people
from nyttokalk.cli import app
from nyttokalk.ruleset.loader import RuleBook, _load
from nyttokalk.ruleset.schema import iter_leaves

pytestmark = pytest.mark.usefixtures("english")  # messages are checked in English, the message ids (Swedish: test_i18n.py)

runner = CliRunner(env={"COLUMNS": "250"})  # rich draws tables this wide: no wrapped cells


def run_json(*args):
    r = runner.invoke(app, list(args))
    assert r.exit_code == 0, r.output
    return json.loads(r.stdout)


def test_tax_prints_every_component_of_the_2022_example():
    # Worked in test_tax.py: 258 000 kr at 32.23 %, begravning 0.261 % → 49 003 kr
    doc = run_json("tax", "--year", "2022", "--annual-income", "258000", "--local-rate", "32.23", "--begravning", "0.261", "--json")
    c = doc["components"]
    assert (c["grundavdrag"], c["jobbskatteavdrag"], c["temporary_work_reduction"], c["total"]) == (26_500, 23_854, 2_250, 49_003)


def test_tax_skv433_2026_jobbskatteavdrag_table_34():
    # SKV 433 2026 §7.5.2 (table 34: KI 32.84 %, fees 1.16 %): JSA 11 976 at 90 000 and 26 083 at 240 000
    for income, jsa in ((90_000, 11_976), (240_000, 26_083)):
        doc = run_json("tax", "--year", "2026", "--annual-income", str(income), "--local-rate", "32.84", "--begravning", "1.16", "--json")
        assert doc["components"]["jobbskatteavdrag"] == jsa


def test_tax_by_municipality_stockholm_2026():
    # Stockholm 2026 (rules/municipalities/2026.csv): kommun 18.22 + region 12.33 = 30.55 %, begravning 0.07 %.
    # Wage 200 000, PBB 59 200: 3.11 B = 184 112 < 200 000 < 7.88 B →
    #   GA 0.77 × 59 200 − 10 % × (200 000 − 184 112) = 45 584 − 1 588.8 = 43 995.2 → 44 000; BFI 156 000
    #   K floor(156 000 × 30.55 %) = 47 658; pension fee 14 000, reduced in full
    #   JSA: 3.24 B = 191 808 < AI: 1.813 × 59 200 + 25.1 % × (200 000 − 191 808) = 109 385.79;
    #        (109 385.79 − 44 000) × 30.55 % = 19 975.36 → 19 975
    #   FR 0.75 % × (156 000 − 40 000) = 870; PS 1 % × min(156 000, 1.42 × 83 400 = 118 428) = 1 184
    #   B 0.07 % × 156 000 = 109.2 → 109
    #   total 47 658 − 19 975 − 870 + 1 184 + 109 = 28 106 (= income-tax.md §8, independent calculator)
    doc = run_json("tax", "--year", "2026", "--annual-income", "200000", "--municipality", "Stockholm", "--json")
    assert doc["rates_percent"] == {"kommun": 18.22, "region": 12.33, "begravning": 0.07}
    c = doc["components"]
    assert (c["grundavdrag"], c["municipal_tax"], c["jobbskatteavdrag"], c["total"]) == (44_000, 47_658, 19_975, 28_106)


def test_tax_monthly_incomes_in_table_mode_give_a_list_in_order():
    # 2022 table 32 column 1 (official): 20 000 → 3 852; 10 000 → 1 322
    doc = run_json("tax", "--year", "2022", "--monthly-income", "20000", "--monthly-income", "10000",
                   "--table", "32", "--column", "1", "--json")
    assert [d["withholding"] for d in doc] == [3_852, 1_322]


def test_tax_older_person_columns_2026_table_32():
    # income-tax.md §4, official 2026 table 32 at 19 901–20 000: column 2 → 3 217, column 3 → 1 613
    for col, expected in ((2, 3_217), (3, 1_613)):
        doc = run_json("tax", "--year", "2026", "--monthly-income", "20000", "--table", "32", "--column", str(col), "--json")
        assert doc["withholding"] == expected


def test_tax_unknown_municipality_gets_did_you_mean_and_exit_2():
    r = runner.invoke(app, ["tax", "--year", "2026", "--annual-income", "300000", "--municipality", "Stokholm"])
    assert r.exit_code == 2
    assert "Stockholm" in r.output and "Traceback" not in r.output


@pytest.mark.parametrize("args", [
    ["--table", "32", "--monthly-income", "20000"],  # no column
    ["--table", "32", "--column", "4", "--monthly-income", "20000"],  # column 4 not modelled
    ["--table", "32", "--column", "1", "--monthly-income", "90000"],  # above the tables' 80 000
    ["--annual-income", "1", "--monthly-income", "1"],  # both
    ["--annual-income", "-5"],
])
def test_tax_bad_options_are_exit_2_without_traceback(args):
    r = runner.invoke(app, ["tax", "--year", "2026", *args])
    assert r.exit_code == 2, r.output
    assert "Traceback" not in r.output


def test_rules_list_shows_every_year():
    r = runner.invoke(app, ["rules", "list"])
    assert r.exit_code == 0, r.output
    for y in range(2022, 2027):
        assert str(y) in r.output


def test_rules_show_dated_values_and_unknown_path():
    r = runner.invoke(app, ["rules", "show", "transfers.aktivitetsstod", "--year", "2025"])
    assert r.exit_code == 0, r.output
    assert "from 2025-01-01: 223" in r.output and "from 2025-10-01: 365" in r.output
    r = runner.invoke(app, ["rules", "show", "transfers.aktivitetstod"])
    assert r.exit_code == 2 and "did you mean" in r.output


def test_rules_diff_2023_2024_names_the_changed_jsa_and_nystartsjobb():
    r = runner.invoke(app, ["rules", "diff", "2023", "2024"])
    assert r.exit_code == 0, r.output
    assert "income_tax.jobbskatteavdrag.schedule" in r.output
    assert "subsidies.nystartsjobb.multiples" in r.output
    assert "income_tax.pension_fee.rate" not in r.output  # 7 % both years


def test_rules_validate_flags_a_value_that_jumps_more_than_three_times(tmp_path):
    shutil.copy(RuleBook().directory / "2022.yaml", tmp_path / "2022.yaml")
    text = (RuleBook().directory / "2023.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert data["transfers"]["aktivitetsstod"]["daily_amount"]["value"] == 223
    # a typo: 2 230 instead of 223 (×10)
    (tmp_path / "2023.yaml").write_text(text.replace("value: 223\n", "value: 2230\n", 1), encoding="utf-8")
    r = runner.invoke(app, ["rules", "validate", str(tmp_path / "2023.yaml")])
    assert r.exit_code == 0, r.output
    assert "transfers.aktivitetsstod.daily_amount: 223 in 2022 → 2230 in 2023 (×10.00)" in r.output
    r = runner.invoke(app, ["rules", "validate", "--strict", str(tmp_path / "2023.yaml")])
    assert r.exit_code == 2


def test_rules_validate_all_bundled_years_passes():
    r = runner.invoke(app, ["rules", "validate"])
    assert r.exit_code == 0, r.output


def test_rules_new_writes_a_projected_draft_uprated_by_the_declared_index(tmp_path):
    out = tmp_path / "2027.yaml"
    r = runner.invoke(app, ["rules", "new", "2027", "--from", "2026", "--out", str(out)])
    assert r.exit_code == 0, r.output
    draft = _load(out).rules
    assert {leaf.status for _, leaf in iter_leaves(draft)} == {"projected"}
    # prisbasbelopp 59 200 × (1 + 0.7 %) = 59 614.4 → 59 614 (whole kronor in a draft)
    assert draft.base_amounts.prisbasbelopp.value == 59_614
    # aktivitetsstöd is fixed in the förordning: not uprated
    assert draft.transfers.aktivitetsstod.daily_amount.value == 365
    r = runner.invoke(app, ["rules", "new", "2027", "--from", "2026", "--out", str(out)])
    assert r.exit_code == 2 and "--force" in r.output


def test_a_horizon_over_2024_2027_uses_four_rule_years_the_last_projected(tmp_path):
    scenario = {
        "title": "horizon test",
        "period": {"exit_month": "2024-01", "horizon_months": 48},
        "participant_defaults": {"age": 30, "months_unemployed": 24},
        "wages": {"default": 25000},
        "forsorjningsstod": {"reasonable_costs": 6500},
    }
    row = {"id": "A", "before": "forsorjningsstod", "after": "arbete", "age": 30, "exit_month": "2024-01"}
    res, a = run_people(tmp_path, [row], scenario)
    assert sorted(res.rules_used) == [2024, 2025, 2026, 2027]
    assert a.meta["rules"]["2027"]["projected_from"] == 2026
    assert a.meta["rules"]["2026"]["projected_from"] is None
    assert a.meta["projected_months"] == [f"2027-{m:02d}" for m in range(1, 13)]
    assert any("projected" in w and "2027-01" in w for w in a.warnings)


def test_extratjanst_counted_after_2022_is_an_error_naming_the_row(tmp_path):
    # Extratjänst ended in 2022 (rules 2023+ have no subsidies.extratjanst): a horizon from 2022-06
    # over 12 months reaches 2023.
    from nyttokalk.errors import InputError

    scenario = {"title": "t", "period": {"exit_month": "2022-06", "horizon_months": 12},
                "participant_defaults": {"age": 30, "months_unemployed": 24}, "forsorjningsstod": {"reasonable_costs": 6500}}
    rows = [{"id": "A", "before": "forsorjningsstod", "after": "arbete", "wage": 20000},
            {"id": "B", "before": "forsorjningsstod", "after": "extratjanst", "wage": 18000}]
    with pytest.raises(InputError) as exc:
        run_people(tmp_path, rows, scenario)
    (problem,) = exc.value.problems
    assert (problem.row, problem.column, problem.value) == (3, "after", "extratjanst")
    assert "2023" in problem.problem
