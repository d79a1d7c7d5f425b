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




@dataclass(frozen=True)
class Category:
    id: str
    label: str
    payer: str
    payee: str
    kind: str  # transfer | production | claim | resource
    stat_unit: str = "statsbudget"  # who in the state pays or receives: af | fk | csn | statsbudget


def categories(public_service_to: str = "stat", begravning_to: str = "stat") -> dict[str, Category]:
    cats = [
        Category("lon", "Lön", "arbetsgivare", "individ", "transfer"),
        Category("semesterersattning", "Semesterersättning", "arbetsgivare", "individ", "transfer"),
        Category("arbetsgivaravgift", "Arbetsgivaravgifter", "arbetsgivare", "stat", "transfer"),
        Category("stod_introduktionsjobb", "Stöd introduktionsjobb", "stat", "arbetsgivare", "transfer", "af"),
        Category("stod_handledare", "Handledarstöd introduktionsjobb", "stat", "arbetsgivare", "transfer", "af"),
        Category("stod_nystartsjobb", "Stöd nystartsjobb", "stat", "arbetsgivare", "transfer", "af"),
        Category("stod_extratjanst", "Stöd extratjänst", "stat", "arbetsgivare", "transfer", "af"),
        Category("stod_lonebidrag", "Lönebidrag", "stat", "arbetsgivare", "transfer", "af"),
        Category("produktion_faktorkostnad", "Produktionsvärde till faktorkostnad", EXTERNAL, "arbetsgivare", "production"),
        Category("produktion_indirekta_skatter", "Produktionsvärde: indirekta skatter", EXTERNAL, "stat", "production"),
        Category("kommunalskatt", "Kommunalskatt", "individ", "kommun", "transfer"),
        Category("regionskatt", "Regionskatt", "individ", "region", "transfer"),
        Category("statlig_skatt", "Statlig inkomstskatt", "individ", "stat", "transfer"),
        Category("allman_pensionsavgift", "Allmän pensionsavgift", "individ", "stat", "transfer"),
        Category("skattereduktion_pensionsavgift", "Skattereduktion allmän pensionsavgift", "stat", "individ", "transfer"),
        Category("jobbskatteavdrag", "Jobbskatteavdrag", "stat", "individ", "transfer"),
        Category("skattereduktion_forvarvsinkomst", "Skattereduktion för förvärvsinkomst", "stat", "individ", "transfer"),
        Category("tillfallig_skattereduktion", "Tillfällig skattereduktion för arbetsinkomster", "stat", "individ", "transfer"),
        Category("public_service_avgift", "Public service-avgift", "individ", public_service_to, "transfer"),
        Category("begravningsavgift", "Begravningsavgift", "individ", begravning_to, "transfer"),
        Category("aktivitetsstod", "Aktivitetsstöd", "stat", "individ", "transfer", "af"),
        Category("etableringsersattning", "Etableringsersättning", "stat", "individ", "transfer", "af"),
        Category("utvecklingsersattning", "Utvecklingsersättning", "stat", "individ", "transfer", "af"),
        Category("a_kassa", "Arbetslöshetsersättning (a-kassa)", "stat", "individ", "transfer", "af"),
        Category("sjukpenning", "Sjukpenning", "stat", "individ", "transfer", "fk"),
        Category("sjukersattning", "Sjukersättning", "stat", "individ", "transfer", "fk"),
        Category("aktivitetsersattning", "Aktivitetsersättning", "stat", "individ", "transfer", "fk"),
        Category("forsorjningsstod", "Försörjningsstöd", "kommun", "individ", "transfer"),
        Category("studiebidrag", "Studiemedel, bidrag", "stat", "individ", "transfer", "csn"),
        Category("studielan", "Studiemedel, lån", "stat", "individ", "transfer", "csn"),
        Category("studielan_fordran", "Fordran på återbetalning av studielån", EXTERNAL, "stat", "claim", "csn"),
        Category("studieplats", "Studieplats (komvux, sfi)", "kommun", EXTERNAL, "resource"),
        Category("enhetskostnad_kommun", "Enhetskostnad kommun (scenario)", "kommun", EXTERNAL, "resource"),
        Category("enhetskostnad_region", "Enhetskostnad region (scenario)", "region", EXTERNAL, "resource"),
        Category("enhetskostnad_stat", "Enhetskostnad stat (scenario)", "stat", EXTERNAL, "resource"),
    ]
    return {c.id: c for c in cats}


# tax components of tax.income_tax → ledger categories
TAX_CATEGORIES = {
    "kommun_tax": "kommunalskatt",
    "region_tax": "regionskatt",
    "state_tax": "statlig_skatt",
    "pension_fee": "allman_pensionsavgift",
    "pension_fee_reduction": "skattereduktion_pensionsavgift",
    "jobbskatteavdrag": "jobbskatteavdrag",
    "earned_income_reduction": "skattereduktion_forvarvsinkomst",
    "temporary_work_reduction": "tillfallig_skattereduktion",
    "public_service_fee": "public_service_avgift",
    "begravning_fee": "begravningsavgift",
}


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
