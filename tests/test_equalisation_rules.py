"""The rules of issue 14 in every bundled year: the länsvisa skattesatser of the kommunalekonomisk
utjämning, the paying kommuner, the national average, the pension rates and the economy leaves.
The values themselves come from the research note (docs/method.md 5.4, 5.5); these tests check
what must hold between them."""

import csv
import datetime as dt

import pytest

from nyttokalk import ledger
from nyttokalk.paths import rules_dir
from nyttokalk.ruleset import load_year

YEARS = [2022, 2023, 2024, 2025, 2026]


def municipalities(year):
    with (rules_dir() / "municipalities" / f"{year}.csv").open(encoding="utf-8") as fh:
        return {row["kommunkod"]: row for row in csv.DictReader(fh)}


@pytest.mark.parametrize("year", YEARS)
def test_each_lans_kommun_and_region_rates_sum_to_29_08(year):
    # förordning (2004:881) 2 §: every version since 2020 has kommun + region = 29.08 in every län and for Gotland
    eq = load_year(year).rules.equalisation
    day = dt.date(year, 1, 1)
    for row in eq.bidrag_rates.at(day):
        assert row.kommun + row.region == pytest.approx(0.2908, abs=1e-9), row.name
    gotland = eq.outside_region.at(day)
    assert gotland.kommunkoder == ["0980"] and gotland.kommun + gotland.region == pytest.approx(0.2908, abs=1e-9)


@pytest.mark.parametrize("year", YEARS)
def test_the_avgift_rates_are_the_bidrag_rates_less_2_07_and_0_52(year):
    # derived (research note §1.3): Stockholm 19.05 − 2.07 = 16.98 and 10.03 − 0.52 = 9.51, as SFS 2015:1011 3 § reads
    eq = load_year(year).rules.equalisation
    day = dt.date(year, 1, 1)
    avgift = {r.code: r for r in eq.avgift_rates.at(day)}
    for b in eq.bidrag_rates.at(day):
        assert avgift[b.code].kommun == pytest.approx(b.kommun - 0.0207, abs=1e-9)
        assert avgift[b.code].region == pytest.approx(b.region - 0.0052, abs=1e-9)
    assert (avgift["01"].kommun, avgift["01"].region) == (pytest.approx(0.1698), pytest.approx(0.0951))


@pytest.mark.parametrize("year", YEARS)
def test_every_kommun_is_in_a_lan_of_the_tables_and_the_paying_ones_exist(year):
    eq = load_year(year).rules.equalisation
    day = dt.date(year, 1, 1)
    counties = {r.code for r in eq.bidrag_rates.at(day)}
    kommuner = municipalities(year)
    outside = set(eq.outside_region.at(day).kommunkoder)
    assert all(code[:2] in counties or code in outside for code in kommuner)
    assert set(eq.paying_kommuner.at(day)) <= set(kommuner)
    assert {kommuner[c]["kommun"] for c in eq.paying_kommuner.at(day)} == {
        "Danderyd", "Lidingö", "Täby", "Nacka", "Sollentuna", "Vaxholm", "Ekerö", "Stockholm", "Solna"}  # the 2018 list
    assert set(eq.paying_regioner.at(day)) <= counties


@pytest.mark.parametrize("year", YEARS)
def test_the_national_average_rates_are_the_mean_over_the_kommuner(year):
    # equalisation.average_rates (derived): the mean over the year's kommuner of a receiving kommun's and region's rate, to 0.01
    eq = load_year(year).rules.equalisation
    day = dt.date(year, 1, 1)
    rates = {r.code: r for r in eq.bidrag_rates.at(day)}
    gotland = eq.outside_region.at(day)
    kommun, region = [], []
    for code in municipalities(year):
        row = gotland if code in gotland.kommunkoder else rates[code[:2]]
        kommun.append(row.kommun)
        region.append(row.region)
    avg = eq.average_rates.at(day)
    assert avg.kommun == pytest.approx(round(100 * sum(kommun) / len(kommun), 2) / 100, abs=1e-12)
    assert avg.region == pytest.approx(round(100 * sum(region) / len(region), 2) / 100, abs=1e-12)


@pytest.mark.parametrize("year", YEARS)
def test_the_pension_rules(year):
    r = load_year(year).rules
    day = dt.date(year, 1, 1)
    # socialavgiftslagen 2 kap. 26 § and lag (1998:676) 2 §: 10.21 % in every year
    assert r.employer_contributions.pension_rate.at(day) == pytest.approx(0.1021)
    assert r.pension_system.state_contribution_rate.at(day) == pytest.approx(0.1021)
    # the benefits it is paid on are ledger categories paid by the state to the individ
    cats = ledger.categories()
    for cid in r.pension_system.state_contribution_benefits.at(day):
        assert (cats[cid].payer, cats[cid].payee) == ("stat", "individ"), cid
    # every reduction of the employer fees keeps the whole ålderspensionsavgift (research note §5.2), or is no fee at all
    for _, reductions in r.employer_contributions.reductions.dated_values():
        assert all(red.rate >= 10.21 or red.rate == 0 for red in reductions)


@pytest.mark.parametrize("year", YEARS)
def test_the_economy_leaves_carry_the_research_notes_values_and_statuses(year):
    eco = load_year(year).rules.economy
    day = dt.date(year, 1, 1)
    assert (eco.indirect_tax_rate.at(day), eco.indirect_tax_rate.status) == (pytest.approx(0.13), "assumed")
    assert (eco.consumption_share.at(day), eco.consumption_share.status) == (1.0, "assumed")
    assert (eco.productivity_subsidised.at(day), eco.productivity_subsidised.status) == (0.8, "secondary")
    assert eco.productivity_unsubsidised.at(day) == 1.0
