"""`nyttokalk compare`: key figures side by side and exactly what differs."""

from __future__ import annotations

import json

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from nyttokalk.analysis import analyse
from nyttokalk.cli import app
from nyttokalk.commands.compare import compare
from nyttokalk.commands.rules import format_value, leaf_table
from nyttokalk.engine import run_engine
from nyttokalk.participants import read_participants
from nyttokalk.reports.labels import labels
from nyttokalk.ruleset.loader import load_year
from nyttokalk.scenario import load_scenario

runner = CliRunner(env={"COLUMNS": "200"})
SV = labels("sv")

# no extratjänst (it does not exist after 2022), so every rule year can run these people
PEOPLE = ("id,before,after,age,wage,exit_month\n"
          "A,forsorjningsstod,arbete,30,22000,2022-01\n"
          "B,aktivitetsstod,arbete,40,21000,2022-01\n"
          "C,forsorjningsstod,studier,25,,2022-01\n"
          "D,aktivitetsstod,oforandrad,45,,2022-01\n")


def _analysis(scenario: str):
    ls = load_scenario(scenario)
    res = run_engine(read_participants(ls.participants_path), ls)
    return analyse(res, ls)


def test_a_scenario_compared_with_itself_shows_no_differences():
    c = compare(["example", "example"], [], None, None, "sv")
    assert c.assumptions == [] and c.rules == []
    assert [v.label for v in c.variants] == ["example", "example (2)"]
    for row in c.figures:
        assert row["values"][0] == row["values"][1], row["key"]


def test_compare_with_itself_on_the_command_line_says_nothing_differs():
    result = runner.invoke(app, ["compare", "example", "example"])
    assert result.exit_code == 0, result.output
    assert SV["compare.no_assumptions"] in result.output and SV["compare.no_rules"] in result.output


def test_two_scenarios_show_their_own_figures_and_the_assumptions_that_differ():
    result = runner.invoke(app, ["compare", "example", "ramboll-2022", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    for v, name in zip(doc["variants"], ("example", "ramboll-2022")):
        a = _analysis(name)
        assert v["first_year"] == {x: pytest.approx(y, abs=0.01) for x, y in a.first_year.items()}
        assert v["payback_months"]["offentlig_sektor"]["simple"] == a.payback["offentlig_sektor"]["simple"]
    differ = {d["key"]: d["values"] for d in doc["assumptions_that_differ"]}
    ex, rb = load_scenario("example").scenario, load_scenario("ramboll-2022").scenario
    assert differ["participant_defaults.age"] == [ex.participant_defaults.age, rb.participant_defaults.age]
    assert differ["project.cost"] == [ex.project.cost, rb.project.cost]
    assert "name" not in differ
    assert "wages.default" not in differ  # both 21 500: the same value is not a difference
    assert doc["rules_that_differ"] == []  # both run on the 2022 rules


def test_rule_years_for_the_same_participants_show_the_rules_that_differ(tmp_path):
    f = tmp_path / "people.csv"
    f.write_text(PEOPLE, encoding="utf-8")
    c = compare(["example"], [2024, 2026], f, None, "sv")
    assert [v.label for v in c.variants] == ["regler 2024", "regler 2026"]
    assert [d["key"] for d in c.assumptions] == ["period.rules_date"]
    assert [set(v.analysis.meta["rules"]) for v in c.variants] == [{"2024"}, {"2026"}]
    rules = {d["key"]: d["values"] for d in c.rules}
    t24, t26 = leaf_table(load_year(2024).rules), leaf_table(load_year(2026).rules)
    key = "transfers.aktivitetsstod.daily_amount"
    assert rules[key] == [f"{format_value(t24[key])} {t24[key].unit}", f"{format_value(t26[key])} {t26[key].unit}"]
    # exactly the leaves whose value or unit differs, no more
    same = [k for k in t24 if k in t26 and format_value(t24[k]) == format_value(t26[k]) and t24[k].unit == t26[k].unit]
    assert not set(same) & set(rules)
    assert set(rules) == {k for k in set(t24) | set(t26) if k not in same}


def test_the_comparison_workbook_holds_the_key_figures_and_a_chart(tmp_path):
    out = tmp_path / "jmf.xlsx"
    result = runner.invoke(app, ["compare", "example", "ramboll-2022", "--out", str(out)])
    assert result.exit_code == 0, result.output
    ws = load_workbook(out)["Jämförelse"]
    rows = {r[0]: r for r in ws.iter_rows(values_only=True) if r[0]}
    for name, col in (("example", 1), ("ramboll-2022", 2)):
        a = _analysis(name)
        label = SV["compare.row.first_year"].format(actor=SV["offentlig_sektor"])
        assert rows[label][col] == pytest.approx(a.first_year["offentlig_sektor"])
    label = SV["compare.row.first_year"].format(actor=SV["kommun"])
    assert rows[label][3] == pytest.approx(rows[label][2] - rows[label][1])  # the difference column
    assert SV["compare.assumptions"] in rows and "project.cost" in rows
    assert len(ws._charts) == 1


@pytest.mark.parametrize("args, needle", [
    (["compare", "example"], "två eller fler scenarier"),  # Swedish, the default
    (["compare", "example", "no-such-scenario"], "ingen sådan scenariofil"),
    (["compare", "example", "--rules-year", "1990", "--rules-year", "2022"], "inga regler före"),
])
def test_bad_compare_input_is_exit_2(args, needle):
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert needle in result.output and "Traceback" not in result.output
