"""Offentliga finanser and samhällsekonomi (issue 14), worked by hand: the state's share of
production (consumption tax, or Ramboll's markup), productivity, the employer kinds,
kommunalekonomisk utjämning (a receiving, a paying kommun, Gotland), the study loan, the pension
system, displacement, the counterfactual warning and the identity between the two perspectives.

Common to all: 2022 rules in force on 2022-04-01, age 30, 24 months unemployed, no tillfällig
skattereduktion, fees to the state (as test_transitions.py), but nyttokalk's own conventions
(scenarios/defaults.yaml) unless a test says otherwise. One year of work at 21 500 kr/month:
BFI 231 500, tax components worked in test_transitions.py (imported).
"""

import pytest

from helpers import RAMBOLL_LIKE, run_people
from test_transitions import AGA, AKS, NORM, WORK_KOMMUN, WORK_NET, WORK_REGION

pytestmark = pytest.mark.usefixtures("english")  # messages are checked in English, the message ids (Swedish: test_i18n.py)

RAMBOLL_KEYS = ("production", "productivity", "equalisation", "study_loan", "actors")
DEFAULTS = {k: v for k, v in RAMBOLL_LIKE.items() if k not in RAMBOLL_KEYS}  # nyttokalk's conventions
BASE = {"age": 30, "newly_arrived": "false", "months_unemployed": 24, "extent": 1, "exit_month": "2022-01", "wage": 21500}

LABOUR_COST = 21_500 * 1.3142  # lön + arbetsgivaravgifter 31.42 % = 28 255.30
PENSION_PART = 0.1021 * 21_500  # ålderspensionsavgift 10.21 % = 2 195.15 → pensionssystemet
STATE_FEES = AGA - PENSION_PART  # the other 21.21 % = 4 560.15 → stat
# the individ's tax on 258 000 a year, per month (test_transitions.py): pension fee 18 100 offset by its reduction,
# jobbskatteavdrag 23 854, skattereduktion för förvärvsinkomst 1 436, public service 1 327, begravning 604
PENSION_FEE = 18_100 / 12  # 1 508.33 individ → pensionssystemet; the same reduction stat → individ
STATE_TAX_NET = (1_327 + 604 - 18_100 - 23_854 - 1_436) / 12  # stat's part of the income tax: −3 454.92
INDIRECT = 0.13 * 1.0  # economy.indirect_tax_rate 13 % × economy.consumption_share 1.0
BFI = 231_500 / 12  # 19 291.67 a month
AVERAGE_UTJ = (0.1964, 0.0944)  # equalisation.average_rates 2022 (no kommun: the national average)
NYSTART = 2.5 * 0.3142 * 20_000  # level 2 from 2022-04-01: 15 710


def scenario(**over):
    return {**DEFAULTS, **over}


def one(tmp_path, before, after, sc=None, **extra):
    return run_people(tmp_path, [{"id": "A", "before": before, "after": after, **BASE, **extra}], sc or scenario())


def per_month(a):
    return {k: v / 12 for k, v in a.first_year.items()}


# --- production: the state gets the consumption tax, not the markup ------------------------------

def test_work_gives_the_state_indirect_tax_on_consumption_not_the_markup(tmp_path):
    # försörjningsstöd → arbete at 21 500 kr, no kommun (national average rates), every month:
    _, a = one(tmp_path, "forsorjningsstod", "arbete")
    e = per_month(a)
    # individ: disposable income 17 228.92 instead of 10 750, less 13 % indirect tax on it: 6 478.92 × 0.87 = 5 636.66
    assert e["individ"] == pytest.approx((WORK_NET - NORM) * (1 - INDIRECT), abs=0.01)
    # stat: the fees but the pension part 4 560.15 + 13 % × 6 478.92 = 842.26 + its part of the tax −3 454.92 = 1 947.49
    assert e["stat"] == pytest.approx(STATE_FEES + INDIRECT * (WORK_NET - NORM) + STATE_TAX_NET, abs=0.01)
    # pensionssystemet: ålderspensionsavgift 2 195.15 + allmän pensionsavgift 1 508.33 = 3 703.48
    assert e["pensionssystemet"] == pytest.approx(PENSION_PART + PENSION_FEE, abs=0.01)
    # kommun: 10 750 + 3 987.56 − 19.64 % × 19 291.67 (3 788.88) = 10 948.68; region 2 230.10 − 9.44 % × 19 291.67 = 408.97
    assert e["kommun"] == pytest.approx(NORM + WORK_KOMMUN - AVERAGE_UTJ[0] * BFI, abs=0.01)
    assert e["region"] == pytest.approx(WORK_REGION - AVERAGE_UTJ[1] * BFI, abs=0.01)
    assert e["ovriga_kommuner"] == pytest.approx(sum(AVERAGE_UTJ) * BFI, abs=0.01)  # 29.08 % × 19 291.67 = 5 610.02
    # the employer: production 1.0 × 28 255.30 pays the wage and every fee
    assert e["arbetsgivare"] == pytest.approx(0.0, abs=0.01)
    # no markup anywhere in the cash: the actors sum to the production at factor value, 28 255.30
    assert sum(e[x] for x in ("individ", "kommun", "region", "stat", "pensionssystemet", "ovriga_kommuner", "arbetsgivare")) == \
        pytest.approx(LABOUR_COST, abs=0.02)
    flows = a.by_category.set_index("category")
    assert "produktion_indirekta_skatter" not in flows.index
    assert flows.loc["indirekta_skatter", "effect"] / 12 == pytest.approx(INDIRECT * (WORK_NET - NORM), abs=0.01)
    # samhällsekonomi: production at market price 1.18 × 28 255.30 = 33 341.25 a month
    assert a.society["first_year"]["production"] / 12 == pytest.approx(1.18 * LABOUR_COST, abs=0.01)
    assert a.society["first_year"]["total"] == pytest.approx(a.society["first_year"]["production"], abs=0.01)


def test_the_ramboll_markup_option_gives_the_state_018_of_production_and_no_consumption_tax(tmp_path):
    _, a = one(tmp_path, "forsorjningsstod", "arbete", scenario(production={"convention": "ramboll"}))
    e = per_month(a)
    # stat: 4 560.15 + 0.18 × 28 255.30 (5 085.95) − 3 454.92 = 6 191.19; the individ keeps 6 478.92
    assert e["stat"] == pytest.approx(STATE_FEES + 0.18 * LABOUR_COST + STATE_TAX_NET, abs=0.01)
    assert e["individ"] == pytest.approx(WORK_NET - NORM, abs=0.01)
    # samhällsekonomi does not depend on the convention: the production at market price
    assert a.society["first_year"]["production"] / 12 == pytest.approx(1.18 * LABOUR_COST, abs=0.01)


# --- productivity ------------------------------------------------------------------------------

def test_a_nystartsjobb_produces_08_of_its_labour_cost_and_the_employer_keeps_the_rest_of_the_subsidy(tmp_path):
    # economy.productivity_subsidised 0.8: production 0.8 × 28 255.30 = 22 604.24; the employer pays
    # 28 255.30 and gets 15 710: 22 604.24 − 28 255.30 + 15 710 = 10 058.94 a month
    _, a = one(tmp_path, "forsorjningsstod", "nystartsjobb")
    assert per_month(a)["arbetsgivare"] == pytest.approx(0.8 * LABOUR_COST - LABOUR_COST + NYSTART, abs=0.01)
    assert a.society["first_year"]["production"] / 12 == pytest.approx(1.18 * 0.8 * LABOUR_COST, abs=0.01)  # 26 673.00
    # the floor (28 255.30 − 15 710) / 28 255.30 = 0.44 is below 0.8: no warning
    assert not any("produce less" in w for w in a.warnings)


def test_a_scenario_productivity_below_the_employers_floor_is_warned(tmp_path):
    # unsubsidised work at 0.9: the employer pays the whole 28 255.30, so it must expect at least 1.0
    _, a = one(tmp_path, "forsorjningsstod", "arbete", scenario(productivity={"arbete": 0.9}))
    assert per_month(a)["arbetsgivare"] == pytest.approx(-0.1 * LABOUR_COST, abs=0.01)  # −2 825.53
    (w,) = [w for w in a.warnings if "produce less" in w]
    assert w.startswith("1 participant ") and w.endswith("row 2")


# --- who the employer is -------------------------------------------------------------------------

def employer_effects(tmp_path, employer):
    (tmp_path / employer).mkdir()
    _, a = one(tmp_path / employer, "forsorjningsstod", "nystartsjobb", employer=employer)
    return a, per_month(a)


@pytest.mark.parametrize("employer", ["privat", "ideell"])
def test_a_private_or_non_profit_employer_is_the_employer_actor(tmp_path, employer):
    a, e = employer_effects(tmp_path, employer)
    assert e["arbetsgivare"] == pytest.approx(0.8 * LABOUR_COST - LABOUR_COST + NYSTART, abs=0.01)  # 10 058.94
    # the state pays the subsidy and gets the fees: 4 560.15 − 15 710 + 842.26 − 3 454.92 = −13 762.51
    assert e["stat"] == pytest.approx(STATE_FEES - NYSTART + INDIRECT * (WORK_NET - NORM) + STATE_TAX_NET, abs=0.01)


def test_the_kommun_as_employer_pays_the_wage_and_fees_and_gets_the_subsidy(tmp_path):
    a, e = employer_effects(tmp_path, "kommun")
    # kommun: 10 750 + 3 987.56 − 3 788.88 − 28 255.30 + 15 710 = −1 596.62; its production (22 604.24) is a memo
    assert e["kommun"] == pytest.approx(NORM + WORK_KOMMUN - AVERAGE_UTJ[0] * BFI - LABOUR_COST + NYSTART, abs=0.01)
    assert e["arbetsgivare"] == pytest.approx(0.0, abs=1e-9)
    assert e["stat"] == pytest.approx(STATE_FEES - NYSTART + INDIRECT * (WORK_NET - NORM) + STATE_TAX_NET, abs=0.01)  # as for privat
    assert e["pensionssystemet"] == pytest.approx(PENSION_PART + PENSION_FEE, abs=0.01)
    # nothing enters the cash from outside: the public sector pays for what the individ gains, −5 636.66
    assert e["offentlig_sektor"] == pytest.approx(-(WORK_NET - NORM) * (1 - INDIRECT), abs=0.01)
    flows = a.by_category.set_index("category")
    assert flows.loc["lon@kommun", "payer"] == "kommun" and flows.loc["stod_nystartsjobb@kommun", "payee"] == "kommun"
    assert flows.loc["produktion@kommun", "kind"] == "memo"
    assert flows.loc["produktion@kommun", "effect"] / 12 == pytest.approx(0.8 * LABOUR_COST, abs=0.01)
    assert flows.loc["lon@kommun", "label"] == "Wage (the municipality as employer)"
    # samhällsekonomi counts the services at market price like any production: 1.18 × 22 604.24
    assert a.society["first_year"]["production"] / 12 == pytest.approx(1.18 * 0.8 * LABOUR_COST, abs=0.01)


def test_the_region_as_employer(tmp_path):
    _, e = employer_effects(tmp_path, "region")
    # region: 2 230.10 − 1 821.13 − 28 255.30 + 15 710 = −12 136.33
    assert e["region"] == pytest.approx(WORK_REGION - AVERAGE_UTJ[1] * BFI - LABOUR_COST + NYSTART, abs=0.01)
    assert e["kommun"] == pytest.approx(NORM + WORK_KOMMUN - AVERAGE_UTJ[0] * BFI, abs=0.01)
    assert e["arbetsgivare"] == pytest.approx(0.0, abs=1e-9)


def test_the_state_as_employer_pays_the_wage_and_the_pension_part_and_subsidises_itself(tmp_path):
    _, e = employer_effects(tmp_path, "stat")
    # the fees but the pension part and the subsidy are the state's own: −21 500 − 2 195.15 + 842.26 − 3 454.92 = −26 307.81
    assert e["stat"] == pytest.approx(-21_500 - PENSION_PART + INDIRECT * (WORK_NET - NORM) + STATE_TAX_NET, abs=0.01)
    assert e["pensionssystemet"] == pytest.approx(PENSION_PART + PENSION_FEE, abs=0.01)


# --- kommunalekonomisk utjämning (research note §1.6, 2022, BFI 231 500 a year) -----------------

def utjamning(tmp_path, municipality):
    res, a = one(tmp_path, "forsorjningsstod", "arbete", municipality=municipality)
    flows = a.by_category.set_index("category")
    return a, flows


def test_malmo_a_receiving_kommun_gives_up_the_skane_bidrag_rate(tmp_path):
    a, flows = utjamning(tmp_path, "Malmö")
    # kommunalskatt: floor(231 500 × (21.24 + 11.18) %) = floor(75 052.3) = 75 052; Malmö's part × 21.24 / 32.42 = 49 170.40
    kommunalskatt, regionskatt = 75_052 * 21.24 / 32.42, 75_052 * 11.18 / 32.42
    # förordning (2004:881) 2 §, Skåne: kommun 19.70 %, region 9.38 % of the BFI: 45 605.50 and 21 714.70
    assert flows.loc["utjamning_kommun", "effect"] == pytest.approx(0.1970 * 231_500, abs=0.01)
    assert flows.loc["utjamning_region", "effect"] == pytest.approx(0.0938 * 231_500, abs=0.01)
    # the kommun before utjämning: 12 × 10 750 + 49 170.40 = 178 170.40; after: − 45 605.50 = 132 564.90 (it keeps 1.54 % of the BFI)
    assert a.first_year_before_equalisation["kommun"] == pytest.approx(12 * NORM + kommunalskatt, abs=0.01)
    assert a.first_year["kommun"] == pytest.approx(12 * NORM + kommunalskatt - 0.1970 * 231_500, abs=0.01)
    assert a.first_year["region"] == pytest.approx(regionskatt - 0.0938 * 231_500, abs=0.01)  # 25 881.60 − 21 714.70 = 4 166.90
    assert a.first_year["ovriga_kommuner"] == pytest.approx((0.1970 + 0.0938) * 231_500, abs=0.01)  # 67 320.20
    # the public sector is the same before and after: the utjämning moves money inside it
    assert a.first_year["offentlig_sektor"] == pytest.approx(a.first_year_before_equalisation["offentlig_sektor"], abs=0.01)
    assert a.first_year_before_equalisation["ovriga_kommuner"] == pytest.approx(0.0, abs=1e-9)


def test_danderyd_a_paying_kommun_in_a_paying_region_pays_the_avgift_rates(tmp_path):
    a, flows = utjamning(tmp_path, "Danderyd")
    # förordning (2004:881) 3 § (derived), Stockholms län: kommun 16.98 %, region 9.51 %: 39 308.70 and 22 015.65
    assert flows.loc["utjamning_kommun", "effect"] == pytest.approx(0.1698 * 231_500, abs=0.01)
    assert flows.loc["utjamning_region", "effect"] == pytest.approx(0.0951 * 231_500, abs=0.01)
    # kommunalskatt floor(231 500 × 30.43 %) = floor(70 445.45) = 70 445; Danderyd's part × 18.35 / 30.43 = 42 479.98
    assert a.first_year["kommun"] == pytest.approx(12 * NORM + 70_445 * 18.35 / 30.43 - 0.1698 * 231_500, abs=0.01)
    assert any("equalisation.paying_kommuner (status secondary" in x and "1 of 1 participants live in a kommun" in x for x in a.assumptions)


def test_gotland_carries_both_parts_on_the_kommun(tmp_path):
    a, flows = utjamning(tmp_path, "Gotland")
    # Gotland's whole 33.60 % is kommunal: floor(231 500 × 33.60 %) = 77 784; utjämning (19.60 + 9.48) % × 231 500 = 67 320.20
    assert flows.loc["utjamning_kommun", "effect"] == pytest.approx(0.2908 * 231_500, abs=0.01)
    assert "utjamning_region" not in flows.index  # no region part: its flow is zero
    assert a.first_year["kommun"] == pytest.approx(12 * NORM + 77_784 - 0.2908 * 231_500, abs=0.01)  # keeps 10 463.80 of the tax
    assert a.first_year["region"] == pytest.approx(0.0, abs=1e-9)


def test_the_counterpart_stat_option_gives_the_utjamning_to_the_state(tmp_path):
    _, a = one(tmp_path, "forsorjningsstod", "arbete", scenario(equalisation={"counterpart": "stat"}), municipality="Malmö")
    _, base = one(tmp_path, "forsorjningsstod", "arbete", municipality="Malmö")
    assert a.first_year["ovriga_kommuner"] == pytest.approx(0.0, abs=1e-9)
    assert a.first_year["stat"] - base.first_year["stat"] == pytest.approx((0.1970 + 0.0938) * 231_500, abs=0.01)


def test_without_utjamning_the_kommun_keeps_all_its_tax(tmp_path):
    _, a = one(tmp_path, "forsorjningsstod", "arbete", scenario(equalisation={"enabled": False}), municipality="Malmö")
    assert a.first_year["kommun"] == pytest.approx(12 * NORM + 75_052 * 21.24 / 32.42, abs=0.01)
    assert a.first_year["kommun"] == pytest.approx(a.first_year_before_equalisation["kommun"], abs=1e-9)


# --- the study loan ------------------------------------------------------------------------------

def test_the_study_loan_is_in_neither_the_individs_nor_the_states_cash(tmp_path):
    # försörjningsstöd → studier: grant 840 × 40 / 12 = 2 800, loan 1 932 × 40 / 12 = 6 440, top-up 10 750 − 2 800 − 6 440 = 1 510
    _, a = one(tmp_path, "forsorjningsstod", "studier")
    e = per_month(a)
    grant, loan = 840 * 40 / 12, 1_932 * 40 / 12
    # individ: cash 2 800 + 1 510 = 4 310 instead of 10 750 (the loan is borrowed, not income): −6 440, less 13 % of it = −5 602.80
    assert e["individ"] == pytest.approx(-loan * (1 - INDIRECT), abs=0.01)
    # stat: the grant and 13 % less consumption tax: −2 800 − 837.20 = −3 637.20; no loan paid, no claim
    assert e["stat"] == pytest.approx(-grant - INDIRECT * loan, abs=0.01)
    # the kommun saves the top-up it no longer pays and pays the study place: 10 750 − 1 510 − 4 117 = 5 123
    assert e["kommun"] == pytest.approx(NORM - (NORM - grant - loan) - 4_117, abs=0.01)
    flows = a.by_category.set_index("category")
    assert flows.loc["studielan", "kind"] == "memo" and flows.loc["studielan", "after"] / 12 == pytest.approx(loan, abs=0.01)
    assert "studielan_fordran" not in flows.index
    # samhällsekonomi: the study place is a real resource, the loan is not: −4 117 a month
    assert a.society["first_year"]["total"] / 12 == pytest.approx(-4_117, abs=0.01)


def test_the_ramboll_loan_option_gives_the_individ_the_loan_and_the_state_a_claim(tmp_path):
    _, a = one(tmp_path, "forsorjningsstod", "studier", scenario(study_loan="ramboll", production={"convention": "ramboll"}))
    e = per_month(a)
    assert e["individ"] == pytest.approx(0.0, abs=0.01)  # the loan counted as income keeps the individ at the norm
    assert e["stat"] == pytest.approx(-840 * 40 / 12, abs=0.01)  # the loan paid out and owed back at face value


# --- the pension system --------------------------------------------------------------------------

def test_the_pension_system_gets_the_employer_part_the_allman_pensionsavgift_and_the_state_part_on_aktivitetsstod(tmp_path):
    # aktivitetsstöd → arbete. Before: the state pays 10.21 % of aktivitetsstöd 4 831.67 (493.31) to the pension
    # system (lag 1998:676 2 §), and the individ 4 100 / 12 = 341.67 of allmän pensionsavgift. After: 2 195.15 + 1 508.33.
    _, a = one(tmp_path, "aktivitetsstod", "arbete")
    before = 0.1021 * AKS + 4_100 / 12
    assert per_month(a)["pensionssystemet"] == pytest.approx(PENSION_PART + PENSION_FEE - before, abs=0.01)  # 2 868.50
    flows = a.by_category.set_index("category")
    assert flows.loc["statlig_alderspensionsavgift", "before"] / 12 == pytest.approx(0.1021 * AKS, abs=0.01)
    assert flows.loc["alderspensionsavgift", "after"] / 12 == pytest.approx(PENSION_PART, abs=0.01)
    assert flows.loc["arbetsgivaravgift", "after"] / 12 == pytest.approx(STATE_FEES, abs=0.01)
    # the state split no longer holds the pension contributions: it still sums to the state's effect,
    # and Arbetsförmedlingen's part is the aktivitetsstöd saved
    assert sum(a.stat_split.values()) == pytest.approx(a.first_year["stat"], abs=0.01)
    assert a.stat_split["af"] / 12 == pytest.approx(AKS, abs=0.01)


def test_in_state_books_every_pension_contribution_as_the_states(tmp_path):
    _, a = one(tmp_path, "aktivitetsstod", "arbete", scenario(actors={"pension_system": "in_state"}))
    _, sep = one(tmp_path, "aktivitetsstod", "arbete")
    assert a.first_year["pensionssystemet"] == pytest.approx(0.0, abs=1e-9)
    # the state gets what the pension system got; its own contribution on aktivitetsstöd (493.31 a month) is then
    # internal: it no longer saves it (−) and the pension system no longer loses it (+), so the two add up
    assert a.first_year["stat"] == pytest.approx(sep.first_year["stat"] + sep.first_year["pensionssystemet"], abs=0.01)
    assert "statlig_alderspensionsavgift" not in a.by_category["category"].tolist()


# --- displacement, the counterfactual warning ---------------------------------------------------

def test_displacement_reduces_society_not_the_actors(tmp_path):
    _, plain = one(tmp_path, "forsorjningsstod", "nystartsjobb")
    _, a = one(tmp_path, "forsorjningsstod", "nystartsjobb", scenario(displacement={"nystartsjobb": 0.65}))
    market = 12 * 1.18 * 0.8 * LABOUR_COST  # 320 076.02 a year
    assert a.society["first_year"]["displacement"] == pytest.approx(0.65 * market, abs=0.05)
    assert a.society["first_year"]["total"] == pytest.approx(0.35 * market, abs=0.05)
    assert a.first_year == pytest.approx(plain.first_year, abs=1e-6)
    assert any("no other work" in w for w in plain.warnings)
    assert not any("no other work" in w for w in a.warnings)


def test_a_scenario_without_a_counterfactual_says_so_in_one_line(tmp_path):
    _, silent = one(tmp_path, "forsorjningsstod", "arbete")
    _, stated = one(tmp_path, "forsorjningsstod", "arbete", scenario(counterfactual={"deadweight": 0.0}))
    _, group = one(tmp_path, "forsorjningsstod", "arbete", scenario(counterfactual={"comparison_group": {"moved_share": 0.1}}))
    line = "the effect assumes that nobody would have made the same move without the project"
    assert sum(line in w for w in silent.warnings) == 1
    assert not any(line in w for w in stated.warnings + group.warnings)


# --- the two perspectives ------------------------------------------------------------------------

def test_the_identity_between_offentliga_finanser_and_samhallsekonomi(tmp_path):
    # Σ actors' cash = production entering an actor's cash (a private employer's) + claims − resources paid by actors;
    # samhällsekonomi = every employer's production × the market factor − resources − displacement (docs/method.md 1.5)
    rows = [{"id": "P", "before": "forsorjningsstod", "after": "arbete", **BASE},
            {"id": "K", "before": "aktivitetsstod", "after": "nystartsjobb", **BASE, "employer": "kommun"},
            {"id": "S", "before": "forsorjningsstod", "after": "studier", **BASE}]
    sc = scenario(displacement={"nystartsjobb": 0.5}, unit_costs={"studier": {"region": 300}})
    res, a = run_people(tmp_path, rows, sc)
    flows = a.by_category.set_index("category")["effect"]
    cash = sum(a.first_year_naive[x] for x in ("individ", "kommun", "region", "stat", "pensionssystemet", "ovriga_kommuner", "arbetsgivare"))
    resources = flows.get("studieplats", 0) + flows.get("enhetskostnad_region", 0)
    assert cash == pytest.approx(flows["produktion"] - resources, abs=0.01)
    production_all = flows["produktion"] + flows["produktion@kommun"]
    soc = a.society["first_year"]
    assert soc["production"] == pytest.approx(1.18 * production_all, abs=0.01)
    assert soc["resources"] == pytest.approx(resources, abs=0.01)
    assert soc["displacement"] == pytest.approx(0.5 * 1.18 * flows["produktion@kommun"], abs=0.01)
    assert soc["total"] == pytest.approx(soc["production"] - soc["resources"] - soc["displacement"], abs=0.01)
    # and per participant-month in the ledger: the engine checks both identities on every run
    res.ledger.check_balance()
    res.ledger.check_society(1.18)


# --- inputs --------------------------------------------------------------------------------------

def test_the_employer_column_takes_swedish_spellings_and_names_an_unknown_one(tmp_path):
    from helpers import write_csv
    from nyttokalk.errors import InputError
    from nyttokalk.participants import read_participants

    rows = [{"id": str(i), "before": "forsorjningsstod", "after": "arbete", "employer": e}
            for i, e in enumerate(["Kommunen", " privat ", "REGION", "staten", "idéell", ""])]
    p = read_participants(write_csv(tmp_path / "p.csv", rows))
    assert p.employer.tolist() == ["kommun", "privat", "region", "stat", "ideell", ""]
    with pytest.raises(InputError) as exc:
        read_participants(write_csv(tmp_path / "bad.csv", [{"id": "A", "before": "forsorjningsstod", "after": "arbete", "employer": "bolag"}]))
    (problem,) = exc.value.problems
    assert (problem.row, problem.column, problem.value) == (2, "employer", "bolag") and "privat, kommun, region, stat, ideell" in problem.problem


def test_the_scenario_default_employer_is_counted_in_the_assumptions(tmp_path):
    rows = [{"id": "A", "before": "forsorjningsstod", "after": "arbete", **BASE},
            {"id": "B", "before": "forsorjningsstod", "after": "nystartsjobb", **BASE, "employer": "kommun"},
            {"id": "C", "before": "forsorjningsstod", "after": "studier", **BASE}]
    _, a = run_people(tmp_path, rows, scenario(participant_defaults={**DEFAULTS["participant_defaults"], "employer": "Region"}))
    assert any(x.startswith("1 of 3 participants: employer missing, scenario default region used") for x in a.assumptions)
    assert a.first_year["arbetsgivare"] == pytest.approx(0.0, abs=1e-9)  # A works for the region, B for the kommun


def test_productivity_and_displacement_are_given_for_work_states_only(tmp_path):
    from helpers import write_scenario
    from nyttokalk.errors import InputError
    from nyttokalk.scenario import load_scenario

    with pytest.raises(InputError, match="not a work state"):
        load_scenario(str(write_scenario(tmp_path / "s.yaml", scenario(productivity={"studier": 0.5}))))
    assert load_scenario(str(write_scenario(tmp_path / "t.yaml", scenario(displacement={"Nystartsjobb": 0.65})))).scenario.displacement == \
        {"nystartsjobb": 0.65}
