"""The ledger: every flow between actors, per participant and month, for both situations.

A category has a fixed payer and payee. Transfers move money between actors and sum to zero
over all actors; production value and claims enter from outside (`extern`), real resource use
(a study place) leaves to it. The balance check: the actors' nets sum to production + claims
− resource use, for every participant-month.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .actors import ACTORS, EXTERNAL

# A category's tax treatment: how it counts in the individual's income (incometax.income_tax, the top-up)
WORK = "work"  # taxable arbetsinkomst: allmän pensionsavgift and jobbskatteavdrag
BENEFIT = "benefit"  # taxable and pension-qualifying, no jobbskatteavdrag (aktivitetsstöd, a-kassa, sjukpenning)
NO_FEE = "no_fee"  # taxable, no allmän pensionsavgift and no jobbskatteavdrag (sjuk- and aktivitetsersättning)
TAX_FREE = "tax_free"  # income to the individual that is not taxed
NOT_INCOME = "not_income"  # not the individual's income (employer contributions, subsidies, taxes, resource use)

# Who computes a category's amounts
STATE = "state"  # a state function returns it (states/)
ENGINE = "engine"  # the engine: production value, the loan claim, the income tax, the top-up, unit costs


@dataclass(frozen=True)
class Category:
    """One flow item, declared once: who pays and receives it, what kind of flow it is, how it is
    taxed, who in the state pays it, and what computes it."""

    id: str
    label: str
    payer: str
    payee: str
    kind: str  # transfer | production | claim | resource
    stat_unit: str = "statsbudget"  # who in the state pays or receives: af | fk | csn | statsbudget
    tax: str = NOT_INCOME  # WORK | BENEFIT | NO_FEE | TAX_FREE | NOT_INCOME
    source: str = STATE  # STATE | ENGINE
    tax_component: str | None = None  # the component of incometax.income_tax this category carries


def categories(public_service_to: str = "stat", begravning_to: str = "stat") -> dict[str, Category]:
    """Every category, in the ledger's fixed order; the fees' payee is the scenario's (fees.*)."""
    C = Category
    cats = [
        C("lon", "Lön", "arbetsgivare", "individ", "transfer", tax=WORK),
        C("semesterersattning", "Semesterersättning", "arbetsgivare", "individ", "transfer", tax=WORK),
        C("arbetsgivaravgift", "Arbetsgivaravgifter", "arbetsgivare", "stat", "transfer"),
        C("stod_introduktionsjobb", "Stöd introduktionsjobb", "stat", "arbetsgivare", "transfer", "af"),
        C("stod_handledare", "Handledarstöd introduktionsjobb", "stat", "arbetsgivare", "transfer", "af"),
        C("stod_nystartsjobb", "Stöd nystartsjobb", "stat", "arbetsgivare", "transfer", "af"),
        C("stod_extratjanst", "Stöd extratjänst", "stat", "arbetsgivare", "transfer", "af"),
        C("stod_lonebidrag", "Lönebidrag", "stat", "arbetsgivare", "transfer", "af"),
        C("produktion_faktorkostnad", "Produktionsvärde till faktorkostnad", EXTERNAL, "arbetsgivare", "production", source=ENGINE),
        C("produktion_indirekta_skatter", "Produktionsvärde: indirekta skatter", EXTERNAL, "stat", "production", source=ENGINE),
        C("kommunalskatt", "Kommunalskatt", "individ", "kommun", "transfer", source=ENGINE, tax_component="kommun_tax"),
        C("regionskatt", "Regionskatt", "individ", "region", "transfer", source=ENGINE, tax_component="region_tax"),
        C("statlig_skatt", "Statlig inkomstskatt", "individ", "stat", "transfer", source=ENGINE, tax_component="state_tax"),
        C("allman_pensionsavgift", "Allmän pensionsavgift", "individ", "stat", "transfer", source=ENGINE, tax_component="pension_fee"),
        C("skattereduktion_pensionsavgift", "Skattereduktion allmän pensionsavgift", "stat", "individ", "transfer", source=ENGINE,
          tax_component="pension_fee_reduction"),
        C("jobbskatteavdrag", "Jobbskatteavdrag", "stat", "individ", "transfer", source=ENGINE, tax_component="jobbskatteavdrag"),
        C("skattereduktion_forvarvsinkomst", "Skattereduktion för förvärvsinkomst", "stat", "individ", "transfer", source=ENGINE,
          tax_component="earned_income_reduction"),
        C("tillfallig_skattereduktion", "Tillfällig skattereduktion för arbetsinkomster", "stat", "individ", "transfer", source=ENGINE,
          tax_component="temporary_work_reduction"),
        C("public_service_avgift", "Public service-avgift", "individ", public_service_to, "transfer", source=ENGINE,
          tax_component="public_service_fee"),
        C("begravningsavgift", "Begravningsavgift", "individ", begravning_to, "transfer", source=ENGINE, tax_component="begravning_fee"),
        C("aktivitetsstod", "Aktivitetsstöd", "stat", "individ", "transfer", "af", tax=BENEFIT),
        C("etableringsersattning", "Etableringsersättning", "stat", "individ", "transfer", "af", tax=TAX_FREE),
        C("utvecklingsersattning", "Utvecklingsersättning", "stat", "individ", "transfer", "af", tax=TAX_FREE),
        C("a_kassa", "Arbetslöshetsersättning (a-kassa)", "stat", "individ", "transfer", "af", tax=BENEFIT),
        C("sjukpenning", "Sjukpenning", "stat", "individ", "transfer", "fk", tax=BENEFIT),
        C("sjukersattning", "Sjukersättning", "stat", "individ", "transfer", "fk", tax=NO_FEE),
        C("aktivitetsersattning", "Aktivitetsersättning", "stat", "individ", "transfer", "fk", tax=NO_FEE),
        C("etableringstillagg", "Etableringstillägg", "stat", "individ", "transfer", "af", tax=TAX_FREE),
        C("bostadsersattning", "Bostadsersättning (etablering)", "stat", "individ", "transfer", "af", tax=TAX_FREE),
        C("barnbidrag", "Barnbidrag, flerbarnstillägg och studiehjälp", "stat", "individ", "transfer", "fk", tax=TAX_FREE, source=ENGINE),
        C("bostadsbidrag", "Bostadsbidrag (med tilläggsbidrag)", "stat", "individ", "transfer", "fk", tax=TAX_FREE, source=ENGINE),
        C("forsorjningsstod", "Försörjningsstöd", "kommun", "individ", "transfer", tax=TAX_FREE, source=ENGINE),
        C("studiebidrag", "Studiemedel, bidrag", "stat", "individ", "transfer", "csn", tax=TAX_FREE),
        C("studielan", "Studiemedel, lån", "stat", "individ", "transfer", "csn", tax=TAX_FREE),
        C("studielan_fordran", "Fordran på återbetalning av studielån", EXTERNAL, "stat", "claim", "csn", source=ENGINE),
        C("studieplats", "Studieplats (komvux, sfi)", "kommun", EXTERNAL, "resource"),
        C("enhetskostnad_kommun", "Enhetskostnad kommun (scenario)", "kommun", EXTERNAL, "resource", source=ENGINE),
        C("enhetskostnad_region", "Enhetskostnad region (scenario)", "region", EXTERNAL, "resource", source=ENGINE),
        C("enhetskostnad_stat", "Enhetskostnad stat (scenario)", "stat", EXTERNAL, "resource", source=ENGINE),
    ]
    return {c.id: c for c in cats}


# Derived from the categories (the fees' payee does not change any of these)
_CATEGORIES = categories()
STATE_ITEMS = tuple(cid for cid, c in _CATEGORIES.items() if c.source == STATE)  # what state functions may return


def _state_items_taxed(tax: str) -> tuple[str, ...]:
    return tuple(cid for cid in STATE_ITEMS if _CATEGORIES[cid].tax == tax)


TAXABLE_WORK = _state_items_taxed(WORK)
TAXABLE_BENEFIT = _state_items_taxed(BENEFIT)
TAXABLE_NO_FEE = _state_items_taxed(NO_FEE)
TAX_FREE_ITEMS = _state_items_taxed(TAX_FREE)  # the states' tax-free income (the top-up counts it; not its own försörjningsstöd)
HOUSEHOLD_ITEMS = ("barnbidrag", "bostadsbidrag")  # the household's tax-free income the engine computes (engine/household.py); the top-up counts it
TAX_CATEGORIES = {c.tax_component: cid for cid, c in _CATEGORIES.items() if c.tax_component}  # incometax.income_tax component → category


class LedgerImbalance(AssertionError):
    pass


@dataclass
class Ledger:
    """Flows per situation ("before", "after", "potential") and category (SEK): arrays participants × months,
    or, summed over participants, grid months × months since exit (EngineResult.aggregates)."""

    categories: dict[str, Category]
    flows: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)

    def actor_net(self, situation: str, actor: str) -> np.ndarray:
        """What the actor receives minus what it pays, per participant-month."""
        net = None
        for cid, amount in self.flows[situation].items():
            c = self.categories[cid]
            sign = (c.payee == actor) - (c.payer == actor)
            if sign:
                net = sign * amount if net is None else net + sign * amount
        if net is None:
            shape = next(iter(self.flows[situation].values())).shape
            return np.zeros(shape)
        return net

    def check_balance(self, tolerance: float = 1e-6, relative: float = 0.0) -> None:
        """Actors' nets sum to production + claims − resource use in every cell (participant-month, or
        grid month × months since exit for sums over participants, where `relative` allows for the
        rounding of large sums: the gap may be tolerance + relative × the cell's gross flows)."""
        for situation, flows in self.flows.items():
            total = sum(self.actor_net(situation, a) for a in ACTORS)
            outside = sum(
                (amount if self.categories[cid].payer == EXTERNAL else -amount)
                for cid, amount in flows.items()
                if self.categories[cid].kind != "transfer"
            )
            gap = np.abs(total - outside)
            allowed = tolerance + (relative * sum(np.abs(a) for a in flows.values()) if relative else 0.0)
            if gap.size and (gap > allowed).any():
                raise LedgerImbalance(f"ledger does not balance in the {situation} situation: max gap {gap.max():.6f} SEK")
            for cid, amount in flows.items():
                if not np.isfinite(amount).all():
                    raise LedgerImbalance(f"non-finite amounts in {cid} ({situation})")
