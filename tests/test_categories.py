"""A flow item is declared once, as a ledger.Category; the engine's lists come from there."""

from __future__ import annotations

import dataclasses

import pytest

from helpers import run_people
from nyttokalk import ledger
from nyttokalk import states as st
from nyttokalk.incometax import COMPONENTS


def test_the_tax_treatment_of_the_state_items_follows_the_law():
    # IL 67 kap. 7 §: lön and semesterersättning are arbetsinkomst (jobbskatteavdrag, allmän pensionsavgift)
    assert set(ledger.TAXABLE_WORK) == {"lon", "semesterersattning"}
    # taxable and pension-qualifying (lag 1994:1744 2 §), no jobbskatteavdrag
    assert set(ledger.TAXABLE_BENEFIT) == {"aktivitetsstod", "a_kassa", "sjukpenning"}
    # sjuk- and aktivitetsersättning: taxable, the state pays the pension contribution (no allmän pensionsavgift)
    assert set(ledger.TAXABLE_NO_FEE) == {"sjukersattning", "aktivitetsersattning"}
    # tax-free (IL 8 kap.): etableringsersättning with its tillägg and bostadsersättning, utvecklingsersättning,
    # studiemedel; the top-up's own försörjningsstöd is tax-free too but not income the top-up counts
    assert set(ledger.TAX_FREE_ITEMS) == {"etableringsersattning", "etableringstillagg", "bostadsersattning", "utvecklingsersattning",
                                          "studiebidrag", "studielan"}
    assert ledger.categories()["forsorjningsstod"].tax == ledger.TAX_FREE
    # the household's own tax-free benefits (IL 8 kap. 7 §: barnbidrag, bostadsbidrag), computed by the engine, counted by the top-up
    assert set(ledger.HOUSEHOLD_ITEMS) == {"barnbidrag", "bostadsbidrag"}
    assert all(ledger.categories()[k].tax == ledger.TAX_FREE and ledger.categories()[k].source == ledger.ENGINE for k in ledger.HOUSEHOLD_ITEMS)


def test_every_flow_component_of_the_income_tax_has_one_category():
    not_flows = {"income", "ffi", "grundavdrag", "bfi", "municipal_tax", "total", "net"}  # bases and sums, not payments
    assert set(ledger.TAX_CATEGORIES) == set(COMPONENTS) - not_flows
    assert len(set(ledger.TAX_CATEGORIES.values())) == len(ledger.TAX_CATEGORIES)


def test_the_fees_payee_is_the_scenarios():
    cats = ledger.categories(public_service_to="kommun", begravning_to="region")
    assert (cats["public_service_avgift"].payee, cats["begravningsavgift"].payee) == ("kommun", "region")


def test_a_state_item_without_a_category_is_refused(tmp_path, monkeypatch):
    def arbete_with_a_stray_item(c, r):
        return {**st.work.arbete(c, r), "bonus": c.wage * 0}

    monkeypatch.setitem(st.STATES, "arbete", dataclasses.replace(st.STATES["arbete"], flows=arbete_with_a_stray_item))
    with pytest.raises(KeyError, match="state arbete returned 'bonus'"):
        run_people(tmp_path, [{"id": "A", "before": "forsorjningsstod", "after": "arbete"}])
