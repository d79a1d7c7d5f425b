"""Rule files: schema, evidence on every leaf, strict loading, and Ramboll's (2022) values."""

import datetime as dt
import shutil

import pytest

from nyttokalk.errors import InputError
from nyttokalk.paths import rules_dir
from nyttokalk.ruleset import iter_leaves, load_year
from nyttokalk.scenario import load_scenario

pytestmark = pytest.mark.usefixtures("english")  # messages are checked in English, the message ids (Swedish: test_i18n.py)

APRIL = dt.date(2022, 4, 1)


@pytest.fixture
def rules_copy(tmp_path):
    d = tmp_path / "rules"
    shutil.copytree(rules_dir(), d)
    return d


def test_every_2022_leaf_has_a_unit_a_reference_and_a_status():
    rules = load_year(2022).rules
    leaves = list(iter_leaves(rules))
    assert len(leaves) > 40
    for path, leaf in leaves:
        assert leaf.unit and leaf.status and len(leaf.reference.title) > 3, path


def test_seed_004_method_appendix_values_are_in_the_rules_or_the_ramboll_scenario():
    r = load_year(2022).rules
    at = lambda leaf: leaf.raw_at(APRIL)  # noqa: E731  (as written in the file, percent as percent)
    # "Skatter & avgifter": Kommunalskatt 20,67 %, Regionskattesats 11,56 %, Public service-avgift 1,0 %,
    # Statlig skatt 20,0 %, Begravningsavgift 0,261 %, Arbetsgivaravgift 31,42 %
    assert at(r.local_tax.average_kommun_rate) == 20.67
    assert at(r.local_tax.average_region_rate) == 11.56
    assert at(r.income_tax.public_service.rate) == 1.0
    assert at(r.income_tax.state_tax_rate) == 20.0
    assert at(r.local_tax.begravning_rate) == 0.261
    assert at(r.employer_contributions.full_rate) == 31.42
    # Aktivitetsstöd 223 kr/dag, etableringsersättning 308 kr/dag
    assert at(r.transfers.aktivitetsstod.daily_amount) == 223
    assert at(r.transfers.etableringsersattning.daily_amount) == 308
    # riksnorm 3 210 + 1 040 = 4 250
    f = r.transfers.forsorjningsstod
    assert at(f.riksnorm_personal_single) + at(f.riksnorm_common_one_person) == 4_250
    # introduktionsjobb 80 % of lönekostnad up to 20 000; nystartsjobb cap 20 000, 2 / 2.5 / 3, nyanländ 3
    assert at(r.subsidies.introduktionsjobb.share) == 80 and at(r.subsidies.introduktionsjobb.wage_cap) == 20_000
    nsj = r.subsidies.nystartsjobb
    assert at(nsj.wage_cap) == 20_000 and at(nsj.multiples) == [2, 2.5, 3] and at(nsj.newly_arrived_level) == 3
    table = {(b.min_age, b.max_age, b.min_months, b.max_months): at(nsj.multiples)[b.level - 1] for b in at(nsj.bands)}
    assert table == {
        (20, 25, 6, 23): 2, (20, 25, 24, 35): 2.5, (20, 25, 36, None): 3,
        (26, 65, 12, 23): 2, (26, 65, 24, 35): 2.5, (26, 65, 36, None): 3,
    }
    # extratjänst 100 %
    assert at(r.subsidies.extratjanst.share) == 100
    # studiemedel 840 + 1 932 kr/vecka; (840 + 1 932) × 40 / 12 = 9 240 kr/mån; studieplats 4 117 kr/mån
    sm = r.studies.studiemedel
    assert at(sm.grant_per_week) == 840 and at(sm.loan_per_week) == 1_932
    assert (at(sm.grant_per_week) + at(sm.loan_per_week)) * at(sm.weeks_per_year) / 12 == 9_240
    assert at(r.studies.study_place_cost) == 4_117
    # produktionsvärde × 1,18
    assert at(r.economy.production_market_price_factor) == 1.18
    # wages 21 500 / 18 000 and skäliga kostnader 6 500 (norm 10 750) are scenario assumptions
    s = load_scenario("ramboll-2022").scenario
    assert (s.wages.default, s.wages.extratjanst, s.forsorjningsstod.reasonable_costs) == (21_500, 18_000, 6_500)
    assert at(f.riksnorm_personal_single) + at(f.riksnorm_common_one_person) + s.forsorjningsstod.reasonable_costs == 10_750


def test_nystartsjobb_multiples_change_on_1_april_2022():
    m = load_year(2022).rules.subsidies.nystartsjobb.multiples
    assert m.at(dt.date(2022, 3, 1)) == [1, 2, 2.5]
    assert m.at(dt.date(2022, 4, 1)) == [2, 2.5, 3]


def test_percent_leaves_are_read_as_fractions():
    assert load_year(2022).rules.income_tax.state_tax_rate.at(APRIL) == pytest.approx(0.20)


def test_a_duplicate_key_is_rejected_with_its_line(rules_copy):
    f = rules_copy / "2022.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("year: 2022\n", "year: 2022\nyear: 2022\n", 1), encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_year(2022, rules_copy)
    assert "duplicate key 'year'" in str(exc.value) and "2022.yaml:" in str(exc.value)


def test_an_unknown_key_names_file_line_and_a_suggestion(rules_copy):
    f = rules_copy / "2022.yaml"
    text = f.read_text(encoding="utf-8").replace("  state_tax_rate:\n", "  state_tax_rat:\n", 1)
    f.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_year(2022, rules_copy)
    msg = str(exc.value)
    line = text.splitlines().index("  state_tax_rat:") + 1
    assert f"2022.yaml:{line}:" in msg and "did you mean 'state_tax_rate'" in msg


def test_a_leaf_without_a_reference_is_rejected(rules_copy):
    f = rules_copy / "2022.yaml"
    text = f.read_text(encoding="utf-8")
    start = text.index("    reference: {title: \"Inkomstskattelagen (1999:1229)\", section: \"65 kap. 5 §\"}\n")
    f.write_text(text[:start] + text[start:].split("\n", 1)[1], encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_year(2022, rules_copy)
    assert "income_tax.state_tax_rate.reference" in str(exc.value) and "required key is missing" in str(exc.value)


def test_an_unknown_year_names_the_available_years_and_how_to_add_one():
    with pytest.raises(InputError) as exc:
        load_year(1999)
    assert "2022" in str(exc.value) and "docs/rules.md" in str(exc.value)


def test_the_yaml_loader_refuses_python_tags(rules_copy):
    f = rules_copy / "2022.yaml"
    f.write_text("!!python/object/apply:os.system ['true']\n", encoding="utf-8")
    with pytest.raises(InputError):
        load_year(2022, rules_copy)


def test_every_source_is_a_public_citation():
    """A reader of the Parametrar sheet can follow every source: no project-internal notes, no paths
    outside the project, no private repositories, no seed numbers (issue 16); a URL is a web address."""
    import re

    from nyttokalk.ruleset.loader import available_years, load_year
    from nyttokalk.ruleset.schema import iter_leaves

    internal = re.compile(r"seed\s*0\d\d|\.\./|shared/|rules-additions|rules-2022-2026|korv9|anton-portfolio|hardrockhodl|income-tax|gratiskalkyl|seniorAge|\.md\b", re.I)
    own_docs = re.compile(r"docs/[\w/.-]+\.md\b")  # the project's own documentation may be pointed to
    for year in available_years():
        for path, leaf in iter_leaves(load_year(year).rules):
            ref = leaf.reference
            for text in (ref.title, ref.section or "", leaf.note or ""):
                assert not internal.search(own_docs.sub("", text)), (year, ".".join(path), text)
            assert ref.url is None or ref.url.startswith(("https://", "http://")), (year, ".".join(path), ref.url)
