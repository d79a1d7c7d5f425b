"""The rules lookup (rules/lookup.py): a parameter by its path, in the code's units, per month.

Expected values are read off rules/<year>.yaml by hand; the working is in the comments.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from nyttokalk.ruleset.loader import RuleBook, load_year
from nyttokalk.ruleset.lookup import MissingRule, MonthRules, RuleView
from nyttokalk.scenario import load_scenario

from helpers import write_scenario


def month_rules(tmp_path, first: str, n: int, rules_date: str | None = None) -> MonthRules:
    """The rules of n months from `first` (YYYY-MM) under a scenario with the given rules_date."""
    period = {"horizon_months": 12} | ({"rules_date": rules_date} if rules_date else {})
    ls = load_scenario(str(write_scenario(tmp_path / "s.yaml", {"title": "t", "period": period, "forsorjningsstod": {"reasonable_costs": 6500}})))
    year, month = map(int, first.split("-"))
    return MonthRules.build(RuleBook(), year * 12 + month - 1 + np.arange(n), ls.scenario)


def test_a_value_by_path_follows_a_dated_change_within_the_year(tmp_path):
    # rules/2025.yaml transfers.aktivitetsstod.daily_amount: 223 kr/day from 2025-01-01, 365 from 2025-10-01
    mr = month_rules(tmp_path, "2025-01", 12)
    assert mr.at("transfers.aktivitetsstod.daily_amount").tolist() == [223] * 9 + [365] * 3
    assert RuleView(load_year(2025).rules, dt.date(2025, 9, 30)).at("transfers.aktivitetsstod.daily_amount") == 223


def test_a_list_of_numbers_is_one_row_per_month(tmp_path):
    # rules/2022.yaml subsidies.nystartsjobb.multiples: [1, 2, 2.5] from 2022-01-01, [2, 2.5, 3] from 2022-04-01 (docs/rules.md)
    got = month_rules(tmp_path, "2022-02", 4).at("subsidies.nystartsjobb.multiples")
    assert got.tolist() == [[1, 2, 2.5], [1, 2, 2.5], [2, 2.5, 3], [2, 2.5, 3]]


def test_a_percent_leaf_is_a_fraction():
    # rules/2024.yaml income_tax.state_tax_rate: 20 (percent) → 0.20
    assert RuleView(load_year(2024).rules).at("income_tax.state_tax_rate") == pytest.approx(0.20)


def test_a_percent_inside_a_structured_value_is_a_fraction():
    rules = load_year(2026).rules
    # employer_contributions.reductions from 2026-04-01: born 2003–2007 at 20.81 % on pay up to 25 000 kr/month
    youth = RuleView(rules, dt.date(2026, 4, 1)).at("employer_contributions.reductions")[0]
    assert (youth.born_from, youth.born_to, youth.monthly_pay_cap) == (2003, 2007, 25_000)  # not percent: as written
    assert youth.rate == pytest.approx(0.2081)
    # transfers.a_kassa (lag 2024:506): percent_member [80, 70, 65] → [0.80, 0.70, 0.65]; step_days stay days
    a_kassa = RuleView(rules).at("transfers.a_kassa")
    assert a_kassa.percent_member == pytest.approx([0.80, 0.70, 0.65])
    assert a_kassa.step_days == [100, 200]
    # the rules themselves keep what the file says
    assert rules.transfers.a_kassa.raw_at(dt.date(2026, 1, 1)).percent_member == [80, 70, 65]


def test_a_prisbasbelopp_or_inkomstbasbelopp_leaf_is_in_sek():
    view = RuleView(load_year(2024).rules)  # PBB 57 300, IBB 76 200 (rules/2024.yaml base_amounts)
    # transfers.sjukpenning.sgi_cap: 10 prisbasbelopp = 10 × 57 300 = 573 000 kr
    assert view.at("transfers.sjukpenning.sgi_cap") == pytest.approx(573_000)
    # income_tax.pension_fee.ceiling: 8.07 inkomstbasbelopp = 8.07 × 76 200 = 614 934 kr
    assert view.at("income_tax.pension_fee.ceiling") == pytest.approx(614_934)


def test_amounts_in_base_amounts_inside_a_structured_value_are_in_sek():
    view = RuleView(load_year(2024).rules)
    # income_tax.grundavdrag (prisbasbelopp): second piece over 0.99 PBB = 56 727 kr, base 0.423 PBB = 24 237.9 kr, rate 20 % → 0.2
    piece = view.at("income_tax.grundavdrag")[1]
    assert (piece.over, piece.base, piece.rate) == pytest.approx((0.99 * 57_300, 0.423 * 57_300, 0.20))
    # transfers.sjuk_och_aktivitetsersattning.garantiniva from age 30: 2.78 PBB = 159 294 kr a year
    oldest = view.at("transfers.sjuk_och_aktivitetsersattning.garantiniva")[-1]
    assert (oldest.min_age, oldest.level) == (30, pytest.approx(159_294))


def test_an_absent_optional_rule_needs_has_or_an_explicit_default(tmp_path):
    # subsidies.extratjanst is in rules/2022.yaml (share 100 %) and absent from 2023
    assert RuleView(load_year(2022).rules).has("subsidies.extratjanst")
    view_2023 = RuleView(load_year(2023).rules)
    assert not view_2023.has("subsidies.extratjanst")
    with pytest.raises(MissingRule, match="subsidies.extratjanst.share.*2023"):
        view_2023.at("subsidies.extratjanst.share")
    assert view_2023.at("subsidies.extratjanst.share", default=0.0) == 0.0
    mr = month_rules(tmp_path, "2022-11", 4)  # Nov, Dec 2022; Jan, Feb 2023
    assert mr.has("subsidies.extratjanst").tolist() == [True, True, False, False]
    with pytest.raises(MissingRule, match="2023"):
        mr.at("subsidies.extratjanst.share")
    assert mr.at("subsidies.extratjanst.share", default=0.0).tolist() == [1.0, 1.0, 0.0, 0.0]


def test_structured_values_come_grouped_by_rule_period(tmp_path):
    # rules/2026.yaml employer_contributions.reductions: two bands from 2026-01-01, three from 2026-04-01
    groups = month_rules(tmp_path, "2026-01", 12).groups("employer_contributions.reductions")
    assert [(months.tolist(), len(value)) for months, value in groups] == [([0, 1, 2], 2), (list(range(3, 12)), 3)]
    mr = month_rules(tmp_path, "2026-01", 12)
    cells = np.array([0, 5, 2, 11])  # the cells' months
    masks = [(mask.tolist(), len(value)) for mask, value in mr.cell_groups("employer_contributions.reductions", cells)]
    assert masks == [([True, False, True, False], 2), ([False, True, False, True], 3)]
    with pytest.raises(TypeError, match="groups"):
        mr.at("employer_contributions.reductions")


def test_rules_date_pins_every_month_and_a_window_is_a_slice(tmp_path):
    # period.rules_date 2025-11-01: every month gets aktivitetsstöd 365 kr/day, also those of 2024
    mr = month_rules(tmp_path, "2024-01", 24, rules_date="2025-11-01")
    assert set(mr.at("transfers.aktivitetsstod.daily_amount").tolist()) == {365}
    assert {mr.view(m).year for m in range(24)} == {2025}
    window = month_rules(tmp_path, "2025-01", 12).window(8, 11)  # September–November 2025
    assert window.at("transfers.aktivitetsstod.daily_amount").tolist() == [223, 365, 365]
    assert window.month_of_year.tolist() == [9, 10, 11]


def test_a_mistyped_path_or_a_group_is_an_error_not_a_value():
    view = RuleView(load_year(2024).rules)
    with pytest.raises(KeyError, match="subsidies.introduktionsjobb has no key 'shares'"):
        view.at("subsidies.introduktionsjobb.shares")
    with pytest.raises(TypeError, match="group of rules"):
        view.at("subsidies.introduktionsjobb")


def test_a_rule_year_pickles_by_reference_and_loads_in_a_fresh_process(tmp_path):
    """Dask's processes and clusters send rule years between processes. Every model class, also
    the parametrised ones (Leaf[float], Dated[list[Piece]]), must be found by name: pickle could
    not pickle them at all before, and cloudpickle copied them by value with a half-built
    validator that pydantic 2.13 could not unpickle (RecursionError in CI)."""
    import pickle
    import subprocess
    import sys

    book = RuleBook()
    newest = book.years[-1]
    loaded, projected = book.year_for(2022)[0], book.year_for(newest + 3)[0]
    blob = tmp_path / "rules.pickle"
    blob.write_bytes(pickle.dumps([loaded, projected]))
    child = ("import pickle, sys; a, b = pickle.load(open(sys.argv[1], 'rb')); "
             "print(a.rules.year, b.rules.year, b.projected_from)")
    out = subprocess.run([sys.executable, "-c", child, str(blob)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["2022", str(newest + 3), str(newest)]
    cloudpickle = pytest.importorskip("cloudpickle")
    assert b"MockValSer" not in cloudpickle.dumps(loaded)  # no class copied by value
