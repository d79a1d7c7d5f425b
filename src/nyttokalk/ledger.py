"""The ledger: every flow between actors, per participant and month, for both situations.

A category has a fixed payer and payee and a kind:
- transfer: money between actors (sums to zero over all actors);
- production: value entering an actor's cash from outside (`extern`): a private or non-profit
  employer's production, and under the Ramboll convention the 0.18 market-price markup to the state;
- claim: a claim entering an actor's books from outside (the study-loan claim, Ramboll's convention only);
- resource: real resource use leaving an actor's cash (a study place, unit costs);
- memo: counted in no actor's cash (production for a public employer, the study loan lent, the
  production at market price and the displacement that samhällsekonomi reads).

The cash balance check: the actors' nets sum to production + claims − resource use, for every
participant-month. Samhällsekonomi reads the categories marked with their `society` component:
production at market prices − resources − displacement (`Ledger.society_net`).

The employer's flows (pay, fees, subsidies, production) are declared once with the employer role
(`arbetsgivare`); `categories` expands each into one category per public employer
(`lon@kommun`: the kommun pays the wage), so that payer and payee stay fixed per category.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from .actors import ACTORS, EXTERNAL, PUBLIC_EMPLOYERS
from .i18n import N_, _

# A category's tax treatment: how it counts in the individual's income (incometax.income_tax, the top-up)
WORK = "work"  # taxable arbetsinkomst: allmän pensionsavgift and jobbskatteavdrag
BENEFIT = "benefit"  # taxable and pension-qualifying, no jobbskatteavdrag (aktivitetsstöd, a-kassa, sjukpenning)
NO_FEE = "no_fee"  # taxable, no allmän pensionsavgift and no jobbskatteavdrag (sjuk- and aktivitetsersättning)
TAX_FREE = "tax_free"  # income to the individual that is not taxed
NOT_INCOME = "not_income"  # not the individual's income (employer contributions, subsidies, taxes, resource use)

# Who computes a category's amounts
STATE = "state"  # a state function returns it (states/)
ENGINE = "engine"  # the engine: production value, the income tax, the top-up, unit costs, pension and utjämning flows

EMPLOYER_ROLE = "arbetsgivare"  # the payer or payee that the employer's categories expand
EMPLOYER_SEPARATOR = "@"  # lon@kommun: the category lon with the kommun as the employer
EMPLOYER_LABELS = {"kommun": N_("the municipality as employer"), "region": N_("the region as employer"), "stat": N_("the state as employer")}

# What samhällsekonomi counts a category as (Category.society): + production, − resources, − displacement
SOCIETY_SIGN = {"production": 1.0, "resources": -1.0, "displacement": -1.0}


@dataclass(frozen=True)
class Category:
    """One flow item, declared once: who pays and receives it, what kind of flow it is, how it is
    taxed, who in the state pays it, and what computes it."""

    id: str
    label: str  # English (a message id); text() gives it in the current language
    payer: str
    payee: str
    kind: str  # transfer | production | claim | resource | memo
    stat_unit: str = "statsbudget"  # who in the state pays or receives: af | fk | csn | statsbudget
    tax: str = NOT_INCOME  # WORK | BENEFIT | NO_FEE | TAX_FREE | NOT_INCOME
    source: str = STATE  # STATE | ENGINE
    tax_component: str | None = None  # the component of incometax.income_tax this category carries
    society: str | None = None  # production | resources | displacement: the samhällsekonomi component it counts in
    disposable: bool = True  # counts in the individ's disposable income when the individ receives it (not: the study loan)
    equalisation: bool = False  # a kommunalekonomisk utjämning flow (first_year_before_equalisation leaves it out)
    employer: str | None = None  # the employer role's actor for an expanded category (lon@kommun: kommun)
    public_label: str | None = None  # the label when a public employer is the employer (production: the value of the services)

    @property
    def employer_role(self) -> bool:
        return EMPLOYER_ROLE in (self.payer, self.payee) and self.employer is None

    def sign(self, actor: str) -> int:
        """+1 when the actor receives this category in cash, −1 when it pays it, 0 otherwise (memo)."""
        if self.kind == "memo":
            return 0
        return (self.payee == actor) - (self.payer == actor)

    def for_employer(self, actor: str) -> "Category":
        """This employer-role category with a public actor as the employer: that actor pays the wage
        and fees and receives the subsidy; its production is not cash (a memo)."""
        swap = lambda x: actor if x == EMPLOYER_ROLE else x  # noqa: E731
        kind = "memo" if self.kind == "production" else self.kind
        return replace(self, id=f"{self.id}{EMPLOYER_SEPARATOR}{actor}", label=self.public_label or self.label, payer=swap(self.payer),
                       payee=swap(self.payee), kind=kind, source=ENGINE, employer=actor, public_label=None)

    def text(self) -> str:
        """The label in the current language; an expanded category's names its employer ('Lön (kommunen som arbetsgivare)')."""
        if self.employer is None:
            return _(self.label)
        return f"{_(self.label)} ({_(EMPLOYER_LABELS[self.employer])})"


def base_id(category_id: str) -> str:
    """lon@kommun → lon."""
    return category_id.split(EMPLOYER_SEPARATOR, 1)[0]


def categories(public_service_to: str = "stat", begravning_to: str = "stat", *, pension_to: str = "pensionssystemet",
               equalisation_to: str = "ovriga_kommuner", study_loan: str = "financial") -> dict[str, Category]:
    """Every category, in the ledger's fixed order, the employer's expanded per public employer.
    The scenario decides the fees' payee (fees.*), the pension contributions' (actors.pension_system:
    pensionssystemet, or stat as Ramboll's calculator), the utjämning's counterpart
    (equalisation.counterpart) and the study loan's treatment (study_loan: financial, or ramboll:
    the loan as the individ's income and a claim of the same amount to the state)."""
    C = Category
    X = EXTERNAL
    loan_is_income = study_loan == "ramboll"
    cats = [
        C("lon", N_("Wage"), EMPLOYER_ROLE, "individ", "transfer", tax=WORK),
        C("semesterersattning", N_("Holiday pay"), EMPLOYER_ROLE, "individ", "transfer", tax=WORK),
        C("arbetsgivaravgift", N_("Employer contributions except the old-age pension contribution"), EMPLOYER_ROLE, "stat", "transfer"),
        C("alderspensionsavgift", N_("Old-age pension contribution (part of the employer contributions)"), EMPLOYER_ROLE, pension_to, "transfer"),
        C("stod_introduktionsjobb", N_("Subsidy for introduktionsjobb"), "stat", EMPLOYER_ROLE, "transfer", "af"),
        C("stod_handledare", N_("Supervisor subsidy for introduktionsjobb"), "stat", EMPLOYER_ROLE, "transfer", "af"),
        C("stod_nystartsjobb", N_("Subsidy for nystartsjobb"), "stat", EMPLOYER_ROLE, "transfer", "af"),
        C("stod_extratjanst", N_("Subsidy for extratjänst"), "stat", EMPLOYER_ROLE, "transfer", "af"),
        C("stod_lonebidrag", N_("Lönebidrag (wage subsidy)"), "stat", EMPLOYER_ROLE, "transfer", "af"),
        C("produktion", N_("Production value (productivity × lönekostnad)"), X, EMPLOYER_ROLE, "production", source=ENGINE,
          public_label=N_("Value of the services, memo (productivity × lönekostnad)")),
        C("produktion_indirekta_skatter", N_("Production value: indirect taxes (Ramboll's convention)"), X, "stat", "production", source=ENGINE),
        C("produktion_marknadspris", N_("Production value at market prices, memo (samhällsekonomi)"), X, X, "memo", source=ENGINE,
          society="production"),
        C("undantrangning", N_("Displacement, memo (samhällsekonomi)"), X, X, "memo", source=ENGINE, society="displacement"),
        C("kommunalskatt", N_("Municipal income tax (kommunalskatt)"), "individ", "kommun", "transfer", source=ENGINE, tax_component="kommun_tax"),
        C("regionskatt", N_("Regional income tax (regionskatt)"), "individ", "region", "transfer", source=ENGINE, tax_component="region_tax"),
        C("utjamning_kommun", N_("Kommunalekonomisk utjämning, the municipality"), "kommun", equalisation_to, "transfer", source=ENGINE, equalisation=True),
        C("utjamning_region", N_("Kommunalekonomisk utjämning, the region"), "region", equalisation_to, "transfer", source=ENGINE, equalisation=True),
        C("statlig_skatt", N_("State income tax"), "individ", "stat", "transfer", source=ENGINE, tax_component="state_tax"),
        C("allman_pensionsavgift", N_("General pension contribution (allmän pensionsavgift)"), "individ", pension_to, "transfer", source=ENGINE, tax_component="pension_fee"),
        C("skattereduktion_pensionsavgift", N_("Tax reduction for the allmän pensionsavgift"), "stat", "individ", "transfer", source=ENGINE,
          tax_component="pension_fee_reduction"),
        C("jobbskatteavdrag", N_("Jobbskatteavdrag (earned income tax credit)"), "stat", "individ", "transfer", source=ENGINE, tax_component="jobbskatteavdrag"),
        C("skattereduktion_forvarvsinkomst", N_("Tax reduction for earned income"), "stat", "individ", "transfer", source=ENGINE,
          tax_component="earned_income_reduction"),
        C("tillfallig_skattereduktion", N_("Temporary tax reduction for work income"), "stat", "individ", "transfer", source=ENGINE,
          tax_component="temporary_work_reduction"),
        C("public_service_avgift", N_("Public service fee"), "individ", public_service_to, "transfer", source=ENGINE,
          tax_component="public_service_fee"),
        C("begravningsavgift", N_("Burial fee (begravningsavgift)"), "individ", begravning_to, "transfer", source=ENGINE, tax_component="begravning_fee"),
        C("indirekta_skatter", N_("Indirect taxes on the individual's consumption"), "individ", "stat", "transfer", source=ENGINE),
        C("aktivitetsstod", N_("Aktivitetsstöd (activity support)"), "stat", "individ", "transfer", "af", tax=BENEFIT),
        C("etableringsersattning", N_("Etableringsersättning (introduction benefit)"), "stat", "individ", "transfer", "af", tax=TAX_FREE),
        C("utvecklingsersattning", N_("Utvecklingsersättning (development allowance)"), "stat", "individ", "transfer", "af", tax=TAX_FREE),
        C("a_kassa", N_("Unemployment benefit (a-kassa)"), "stat", "individ", "transfer", "af", tax=BENEFIT),
        C("sjukpenning", N_("Sjukpenning (sickness benefit)"), "stat", "individ", "transfer", "fk", tax=BENEFIT),
        C("sjukersattning", N_("Sjukersättning (sickness compensation)"), "stat", "individ", "transfer", "fk", tax=NO_FEE),
        C("aktivitetsersattning", N_("Aktivitetsersättning (activity compensation)"), "stat", "individ", "transfer", "fk", tax=NO_FEE),
        C("statlig_alderspensionsavgift", N_("State old-age pension contribution on benefits"), "stat", pension_to, "transfer", source=ENGINE),
        C("etableringstillagg", N_("Etableringstillägg (introduction supplement)"), "stat", "individ", "transfer", "af", tax=TAX_FREE),
        C("bostadsersattning", N_("Bostadsersättning (housing allowance in etablering)"), "stat", "individ", "transfer", "af", tax=TAX_FREE),
        C("barnbidrag", N_("Barnbidrag, flerbarnstillägg and studiehjälp (child benefits)"), "stat", "individ", "transfer", "fk", tax=TAX_FREE, source=ENGINE),
        C("bostadsbidrag", N_("Bostadsbidrag (housing allowance, with tilläggsbidrag)"), "stat", "individ", "transfer", "fk", tax=TAX_FREE, source=ENGINE),
        C("forsorjningsstod", N_("Försörjningsstöd (social assistance)"), "kommun", "individ", "transfer", tax=TAX_FREE, source=ENGINE),
        C("studiebidrag", N_("Study grant (studiemedel, bidrag)"), "stat", "individ", "transfer", "csn", tax=TAX_FREE),
        C("studielan", N_("Study loan (studiemedel, lån; Ramboll's convention)") if loan_is_income else N_("Study loan, amount lent, memo"),
          "stat", "individ", "transfer" if loan_is_income else "memo", "csn", tax=TAX_FREE, disposable=False),
    ]
    if loan_is_income:
        cats.append(C("studielan_fordran", N_("Claim to the repayment of the study loan (Ramboll's convention)"), X, "stat", "claim", "csn",
                      source=ENGINE))
    cats += [
        C("studieplats", N_("Study place (komvux, sfi)"), "kommun", X, "resource", society="resources"),
        C("enhetskostnad_kommun", N_("Unit cost, municipality (scenario)"), "kommun", X, "resource", source=ENGINE, society="resources"),
        C("enhetskostnad_region", N_("Unit cost, region (scenario)"), "region", X, "resource", source=ENGINE, society="resources"),
        C("enhetskostnad_stat", N_("Unit cost, state (scenario)"), "stat", X, "resource", source=ENGINE, society="resources"),
    ]
    out = {c.id: c for c in cats}
    for c in cats:
        if c.employer_role:
            out.update({e.id: e for e in (c.for_employer(actor) for actor in PUBLIC_EMPLOYERS)})
    return out


def categories_for(scenario) -> dict[str, Category]:
    """The categories under a scenario's choices."""
    s = scenario
    return categories(s.fees.public_service, s.fees.begravning, pension_to="stat" if s.actors.pension_system == "in_state" else "pensionssystemet",
                      equalisation_to=s.equalisation.counterpart, study_loan=s.study_loan)


# Derived from the categories (the scenario's choices of payee do not change any of these)
_CATEGORIES = categories()
STATE_ITEMS = tuple(cid for cid, c in _CATEGORIES.items() if c.source == STATE)  # what state functions may return
EMPLOYER_ITEMS = tuple(cid for cid, c in _CATEGORIES.items() if c.employer_role)  # expanded per employer by the engine
LABOUR_COST_ITEMS = tuple(cid for cid in EMPLOYER_ITEMS if _CATEGORIES[cid].payer == EMPLOYER_ROLE)  # the lönekostnad: pay and fees
SUBSIDY_ITEMS = tuple(cid for cid in EMPLOYER_ITEMS if _CATEGORIES[cid].payer == "stat")  # the state's subsidies to the employer


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

    def _signed_sum(self, situation: str, weight) -> np.ndarray:
        net = None
        for cid, amount in self.flows[situation].items():
            w = weight(self.categories[cid])
            if w:
                net = w * amount if net is None else net + w * amount
        if net is None:
            shape = next(iter(self.flows[situation].values())).shape
            return np.zeros(shape)
        return net

    def actor_net(self, situation: str, actor: str, *, equalisation: bool = True) -> np.ndarray:
        """What the actor receives minus what it pays in cash, per participant-month (memo
        categories are in no actor's cash); equalisation=False leaves out the utjämning flows."""
        return self._signed_sum(situation, lambda c: c.sign(actor) if equalisation or not c.equalisation else 0)

    def society_net(self, situation: str) -> np.ndarray:
        """Samhällsekonomi: production at market prices − resources − displacement, per cell."""
        return self._signed_sum(situation, lambda c: SOCIETY_SIGN.get(c.society, 0.0))

    def society_part(self, situation: str, component: str) -> np.ndarray:
        """One component of society_net, as a positive amount (production, resources or displacement)."""
        return self._signed_sum(situation, lambda c: 1.0 if c.society == component else 0.0)

    def check_balance(self, tolerance: float = 1e-6, relative: float = 0.0) -> None:
        """Actors' cash nets sum to production + claims − resource use in every cell (participant-month,
        or grid month × months since exit for sums over participants, where `relative` allows for the
        rounding of large sums: the gap may be tolerance + relative × the cell's gross flows). Memo
        categories are outside the cash ledger."""
        for situation, flows in self.flows.items():
            total = sum(self.actor_net(situation, a) for a in ACTORS)
            outside = sum(
                (amount if self.categories[cid].payer == EXTERNAL else -amount)
                for cid, amount in flows.items()
                if self.categories[cid].kind not in ("transfer", "memo")
            )
            gap = np.abs(total - outside)
            allowed = tolerance + (relative * sum(np.abs(a) for a in flows.values()) if relative else 0.0)
            if gap.size and (gap > allowed).any():
                raise LedgerImbalance(f"ledger does not balance in the {situation} situation: max gap {gap.max():.6f} SEK")
            for cid, amount in flows.items():
                if not np.isfinite(amount).all():
                    raise LedgerImbalance(f"non-finite amounts in {cid} ({situation})")

    def check_society(self, market_factor: np.ndarray, tolerance: float = 1e-6, relative: float = 0.0) -> None:
        """Samhällsekonomi's production is every employer's production (private, non-profit and
        public) at market prices: produktion_marknadspris = market_factor × (produktion + its
        public-employer memos) in every cell; market_factor broadcasts over the cells (per month)."""
        for situation, flows in self.flows.items():
            at_factor = sum((a for cid, a in flows.items() if base_id(cid) == "produktion"), 0.0)
            market = flows.get("produktion_marknadspris", 0.0)
            gap = np.abs(market - market_factor * at_factor)
            allowed = tolerance + (relative * np.abs(market) if relative else 0.0)
            if np.any(gap > allowed):
                raise LedgerImbalance(f"society's production is not the production at market price in the {situation} situation: "
                                      f"max gap {np.max(gap):.6f} SEK")
