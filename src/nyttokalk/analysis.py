"""Analysis reads the engine's sums only: per-actor effects (after − before), per year, payback.

`analyse` puts together one function per job: the effect arrays (`effects`), the figures read
from them (first year, per year, per month, payback, horizon, return per krona), the outcome
typology, the potential, the state split, the per-participant and per-category tables, the
assumption and warning texts, and the run's meta. The reports lay out what it holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import __version__
from .actors import ACTORS, ALL, PUBLIC, PUBLIC_ACTORS, with_public
from .engine import EngineResult, Grid
from .engine.prices import PriceIndex
from .engine.result import flag_warnings
from .i18n import N_, Num, _, current, ngettext, number, percent, status_word, unit_word
from .notes import render as render_notes
from .ledger import Ledger
from .participants import Population
from .scenario import LoadedScenario
from .privacy import mask
from .spool import SpooledTable
from .states import STATES


@dataclass
class Analysis:
    first_year: dict[str, float]
    per_participant_month: dict[str, float]  # first-year effect per participant and month
    first_year_months: int  # participant-months in the first year
    per_year: list[dict]
    payback: dict[str, dict]
    monthly: pd.DataFrame  # effect per actor per month from the first transition month
    per_participant: SpooledTable  # per participant, read a part at a time (frames()) or whole (to_frame()): in memory or on disk alike
    by_category: pd.DataFrame
    meta: dict
    assumptions: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    first_year_naive: dict[str, float] = field(default_factory=dict)  # before deadweight
    counterfactual: dict = field(default_factory=dict)  # the deadweight used and its source (counterfactual_share)
    horizon: dict[str, dict[str, float]] = field(default_factory=dict)  # naive / undiscounted / discounted / npv per actor
    return_per_krona: dict[str, dict[str, float | None]] = field(default_factory=dict)  # "1", "5" years → actor → SEK per SEK
    typology: dict[str, dict[str, float]] = field(default_factory=dict)  # Payoff's outcome types: count and share
    potential: dict[str, float] | None = None  # first-year effect if everyone reached unsubsidised work
    stat_split: dict[str, float] = field(default_factory=dict)  # first-year effect on stat by af | fk | csn | statsbudget
    first_year_before_equalisation: dict[str, float] = field(default_factory=dict)  # first_year without kommunalekonomisk utjämning
    society: dict[str, dict[str, float]] = field(default_factory=dict)  # samhällsekonomi: first_year, horizon, horizon_discounted

    # Views derived from the fields above, for the reports. Properties, not fields: to_json() and
    # the workbook's generic reading of the fields (reports/excel.py) do not see them.

    @property
    def actors(self) -> list[str]:
        """The actors every figure is given for, in report order (actors.ALL)."""
        return list(self.first_year)

    @property
    def naive_differs(self) -> bool:
        """Whether the deadweight changes a first-year figure by more than half an öre, so that the
        naive figure is worth showing beside the adjusted one."""
        return bool(self.first_year_naive) and any(abs(self.first_year_naive[x] - self.first_year[x]) > 0.005 for x in self.first_year)

    @property
    def cumulative_net(self) -> pd.DataFrame:
        """Per actor (columns) and month (the index of `monthly`): the cumulative effect from the
        first transition month less the actor's share of the project cost. The actor is paid back
        in the first month where it reaches zero."""
        out = {}
        for x in self.actors:
            cost = (self.payback.get(x) or {}).get("cost") or 0.0
            out[x] = np.cumsum(self.monthly[x].to_numpy(dtype=float)) - cost
        return pd.DataFrame(out, index=self.monthly.index, columns=self.actors)

    @property
    def payback_marks(self) -> dict[str, int]:
        """Actor → its payback month (1-based) for the actors that carry a cost and are paid back."""
        out = {}
        for x in self.actors:
            pb = self.payback.get(x) or {}
            if pb.get("cost") and pb.get("simple") is not None:
                out[x] = int(pb["simple"])
        return out

    def _signed_flows(self) -> dict[str, np.ndarray]:
        bc = self.by_category
        payer = bc["payer"].to_numpy(dtype=object)
        payee = bc["payee"].to_numpy(dtype=object)
        effect = np.where(bc["kind"].to_numpy(dtype=object) == "memo", 0.0, bc["effect"].to_numpy(dtype=float))  # memos: in no actor's cash
        signed = {x: np.where(payee == x, effect, 0.0) - np.where(payer == x, effect, 0.0) for x in self.actors if x != PUBLIC}
        if PUBLIC in self.actors:
            signed[PUBLIC] = sum(signed[x] for x in PUBLIC_ACTORS if x in signed)
        return signed

    @property
    def flows_by_actor(self) -> pd.DataFrame:
        """Each category's first-year effect (rows as in `by_category`, before deadweight) as it
        falls on each actor (columns): + for the payee, − for the payer; the public sector is the
        sum of the public actors. Double entry: a column summed is the actor's naive first-year effect."""
        return pd.DataFrame(self._signed_flows(), index=self.by_category.index)

    @property
    def flows_by_actor_total(self) -> dict[str, float]:
        """`flows_by_actor` summed over the categories, per actor."""
        return {x: float(v.sum()) for x, v in self._signed_flows().items()}

    def to_json(self) -> dict:
        r = lambda x: None if x is None else round(float(x), 2)  # noqa: E731
        return {
            "first_year": {a: r(v) for a, v in self.first_year.items()},
            "per_participant_month": {a: r(v) for a, v in self.per_participant_month.items()},
            "per_year": [
                {"year": y["year"], "undiscounted": {a: r(v) for a, v in y["undiscounted"].items()},
                 "discounted": {a: r(v) for a, v in y["discounted"].items()}}
                for y in self.per_year
            ],
            "payback_months": {a: {"simple": v["simple"], "discounted": v["discounted"], "cost": r(v["cost"])} for a, v in self.payback.items()},
            "first_year_naive": {a: r(v) for a, v in self.first_year_naive.items()},
            "counterfactual": self.counterfactual,
            "horizon": {k: {a: r(v) for a, v in d.items()} for k, d in self.horizon.items()},
            "return_per_krona": {k: {a: r(v) for a, v in d.items()} for k, d in self.return_per_krona.items()},
            "typology": self.typology,
            "stat_split_first_year": {k: r(v) for k, v in self.stat_split.items()},
            "first_year_before_equalisation": {a: r(v) for a, v in self.first_year_before_equalisation.items()},
            "society": {k: {c: r(v) for c, v in d.items()} for k, d in self.society.items()},
            "potential_first_year": None if self.potential is None else {a: r(v) for a, v in self.potential.items()},
            "assumptions": self.assumptions,
            "warnings": self.warnings,
            "meta": self.meta,
        }


def participant_table(raw: pd.DataFrame, kept: float) -> pd.DataFrame:
    """The per-participant table from the raw rows (spool.participant_rows): each actor's first-year
    effect after deadweight (kept = 1 − deadweight) and the public sector's."""
    out = raw[["id", "before", "after"]].copy()
    for a in ACTORS:
        out[a] = kept * raw[a].to_numpy()
    out[PUBLIC] = sum(out[a] for a in PUBLIC_ACTORS)
    out["forsorjningsstod_before"] = raw["forsorjningsstod_before"].to_numpy()
    out["forsorjningsstod_after"] = raw["forsorjningsstod_after"].to_numpy()
    return out


def _payback(cumulative: np.ndarray, cost: float) -> int | None:
    """Months from the first transition month until the cumulative effect covers the cost."""
    if cost <= 0:
        return 0
    reached = np.flatnonzero(cumulative >= cost - 1e-9)
    return int(reached[0]) + 1 if reached.size else None


def counterfactual_share(ls: LoadedScenario, pop: Population) -> tuple[float, dict]:
    """The deadweight w used for the adjusted effect, and how it was found.

    With a comparison group: w = c / r, c the share of the comparison group that made the move
    without the project, r the share of participants who made it (given, or the participant rows
    whose after state differs from the before state). w > 1 (the comparison group did better)
    makes the adjusted effect negative."""
    cf = ls.scenario.counterfactual
    if cf.comparison_group is None:
        return cf.deadweight, {"source": "deadweight", "deadweight": cf.deadweight}
    g = cf.comparison_group
    moved = pop.count(lambda before, after: (after != "oforandrad") & (after != before))
    r = g.participants_moved_share if g.participants_moved_share is not None else (moved / pop.n if pop.n else 0.0)
    w = g.moved_share / r if r > 0 else 1.0
    return w, {"source": "comparison_group", "deadweight": w, "comparison_moved_share": g.moved_share,
               "participants_moved_share": r, "participants_moved_share_from": "scenario" if g.participants_moved_share is not None else "participant file"}


@dataclass
class Effects:
    """Each actor's effect as an array grid month × months since exit (every cell inside some
    participant's horizon), before (`naive`) and after deadweight (`effect` = kept × naive),
    and the masks and factors every figure reads."""

    naive: dict[str, np.ndarray]
    effect: dict[str, np.ndarray]
    kept: float  # 1 − deadweight
    rel: np.ndarray  # months since each participant's exit: the columns
    first: np.ndarray  # the columns of the first year after exit
    discount: np.ndarray  # by calendar month (the rows), as a column: (1 + rate) ** (−years since the first exit)
    grid: Grid


def first_year_before_equalisation(agg: Ledger, e: Effects) -> dict[str, float]:
    """The first-year effect per actor without the kommunalekonomisk utjämning flows (after deadweight)."""
    naive = with_public({a: agg.actor_net("after", a, equalisation=False) - agg.actor_net("before", a, equalisation=False) for a in ACTORS})
    return {a: e.kept * float(naive[a][:, e.first].sum()) for a in ALL}


SOCIETY_PARTS = ("production", "resources", "displacement")  # total = production − resources − displacement


def society_figures(agg: Ledger, e: Effects, project_cost: float) -> dict[str, dict[str, float]]:
    """Samhällsekonomi: the effect (after − before, after deadweight) on production at market prices,
    real resources and displacement, and their total, over the first year and the horizon
    (undiscounted and discounted), the horizon also after the project cost (placed in the first
    exit month, so not discounted)."""
    parts = {c: e.kept * (agg.society_part("after", c) - agg.society_part("before", c)) for c in SOCIETY_PARTS}

    def figures(window, discount) -> dict[str, float]:
        out = {c: float((parts[c][:, window] * discount).sum()) for c in SOCIETY_PARTS}
        out["total"] = out["production"] - out["resources"] - out["displacement"]
        return out

    first = figures(e.first, 1.0)
    horizon = figures(slice(None), 1.0)
    discounted = figures(slice(None), e.discount)
    for h in (horizon, discounted):
        h["project_cost"] = float(project_cost)
        h["total_after_project_cost"] = h["total"] - project_cost
    return {"first_year": first, "horizon": horizon, "horizon_discounted": discounted}


def effects(agg: Ledger, grid: Grid, discount_rate: float, deadweight: float) -> Effects:
    """The effect arrays from the engine's sums: after − before per actor, scaled by 1 − deadweight."""
    rel = np.arange(grid.horizon)
    t = np.arange(grid.n_months) - grid.first_exit
    discount = ((1 + discount_rate / 100) ** (-t / 12))[:, None]
    naive = with_public({a: agg.actor_net("after", a) - agg.actor_net("before", a) for a in ACTORS})
    # Counterfactual: a share `deadweight` would have made the same move anyway
    kept = 1 - deadweight
    effect = {a: kept * naive[a] for a in ALL}
    return Effects(naive, effect, kept, rel, rel < 12, discount, grid)


def first_year_figures(e: Effects, participants: int) -> tuple[dict, dict, dict, int]:
    """(first year, first year before deadweight, per participant and month, participant-months
    in the first year)."""
    first_year_naive = {a: float(e.naive[a][:, e.first].sum()) for a in ALL}
    first_year = {a: float(e.effect[a][:, e.first].sum()) for a in ALL}
    n_first = participants * int(e.first.sum())
    per_pm = {a: first_year[a] / n_first if n_first else 0.0 for a in ALL}
    return first_year, first_year_naive, per_pm, n_first


def per_year_figures(e: Effects) -> list[dict]:
    """Each year after exit (months 1–12, 13–24, …): the effect, undiscounted and discounted."""
    out = []
    for k in range(-(-e.grid.horizon // 12)):
        cols = slice(12 * k, 12 * k + 12)
        out.append({
            "year": k + 1,
            "undiscounted": {a: float(e.effect[a][:, cols].sum()) for a in ALL},
            "discounted": {a: float((e.effect[a][:, cols] * e.discount).sum()) for a in ALL},
        })
    return out


def monthly_figures(e: Effects) -> tuple[pd.DataFrame, np.ndarray]:
    """The effect per actor per calendar month from the first transition month to the end of the
    last horizon (index YYYY-MM), and the discount factor of each of those months."""
    grid = e.grid
    base, last = grid.first_exit, grid.last_exit + grid.horizon
    span = slice(base, last)
    monthly = pd.DataFrame({a: e.effect[a].sum(axis=1)[span] for a in ALL})
    monthly.index = [grid.month_date(m).strftime("%Y-%m") for m in range(base, last)]
    return monthly, e.discount[span, 0]


def cost_share(funding: dict | None, actor: str) -> float | None:
    """The actor's share of the project cost (project.funding); without funding shares the whole
    cost is the public sector's and no other actor has a share (None)."""
    if funding is None:
        return 1.0 if actor == PUBLIC else None
    if actor == PUBLIC:
        return sum(funding.get(x, 0.0) for x in PUBLIC_ACTORS)
    return funding.get(actor, 0.0)


def payback_figures(monthly: pd.DataFrame, disc: np.ndarray, cost: float, funding: dict | None) -> dict[str, dict]:
    """Per actor: its cost share and the months until its cumulative effect (undiscounted and
    discounted) covers it; all None for an actor without a share."""
    payback = {}
    for a in ALL:
        share = cost_share(funding, a)
        if share is None:
            payback[a] = {"simple": None, "discounted": None, "cost": None}
            continue
        c = cost * share
        series = monthly[a].to_numpy()
        payback[a] = {
            "simple": _payback(np.cumsum(series), c),
            "discounted": _payback(np.cumsum(series * disc), c),
            "cost": c,
        }
    return payback


def horizon_figures(e: Effects, payback: dict[str, dict]) -> dict[str, dict[str, float]]:
    """Over the whole horizon: naive, adjusted, discounted and net present value after the cost share."""
    totals = {
        "naive": {a: float(e.naive[a].sum()) for a in ALL},
        "undiscounted": {a: float(e.effect[a].sum()) for a in ALL},
        "discounted": {a: float((e.effect[a] * e.discount).sum()) for a in ALL},
    }
    totals["npv"] = {a: totals["discounted"][a] - (payback[a]["cost"] or 0.0) for a in ALL}
    return totals


def return_per_krona(e: Effects, payback: dict[str, dict]) -> dict[str, dict[str, float | None]]:
    """The discounted effect per krona of the actor's cost share after 1 and 5 years; None for a
    window the horizon does not cover or an actor without a cost."""
    out = {}
    for years in (1, 5):
        window = e.rel < 12 * years
        long_enough = e.grid.horizon >= 12 * years
        per_actor = {}
        for a in ALL:
            c = payback[a]["cost"]
            per_actor[a] = float((e.effect[a][:, window] * e.discount).sum()) / c if c and long_enough else None
        out[str(years)] = per_actor
    return out


# Payoff's typology of outcomes (Framtidsutbildning 2014), by the kind of the after state (states.STATES)
OUTCOMES = ("osubventionerat_arbete", "subventionerat_arbete", "studier", "stegforflyttning", "oforandrad")
OUTCOME_OF_KIND = {"work": "osubventionerat_arbete", "subsidised_work": "subventionerat_arbete", "studies": "studier", "same": "oforandrad"}


def outcome(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """Each (before, after) pair's outcome: by the after state's kind; a participant who stays in
    the before state is oförändrad, and any other move (to another benefit) a stegförflyttning."""
    kind = np.array([STATES[x].kind for x in after], dtype=object)
    out = np.array([OUTCOME_OF_KIND.get(k, "stegforflyttning") for k in kind], dtype=object)
    out[np.asarray(after == before, dtype=bool)] = "oforandrad"
    return out


def typology(pop: Population) -> dict[str, dict[str, float]]:
    """Count and share of the participants in each outcome type."""
    counts = {k: pop.count(lambda b, a, k=k: outcome(b, a) == k) for k in OUTCOMES}
    return {k: {"count": c, "share": c / pop.n if pop.n else 0.0} for k, c in counts.items()}


def potential_figures(agg: Ledger, first: np.ndarray) -> dict[str, float] | None:
    """The first-year effect had everyone reached unsubsidised work (when the engine computed it)."""
    if "potential" not in agg.flows:
        return None
    pot = with_public({a: agg.actor_net("potential", a) - agg.actor_net("before", a) for a in ACTORS})
    return {a: float(pot[a][:, first].sum()) for a in ALL}


def stat_split(agg: Ledger, e: Effects) -> dict[str, float]:
    """Who in the state: the first-year effect on stat by Arbetsförmedlingen, Försäkringskassan,
    CSN and the state budget (their sum is stat's first-year effect)."""
    out = {"af": 0.0, "fk": 0.0, "csn": 0.0, "statsbudget": 0.0}
    for cid, cat in agg.categories.items():
        sign = cat.sign("stat")
        if sign:
            diff = agg.flows["after"][cid] - agg.flows["before"][cid]
            out[cat.stat_unit] += e.kept * sign * float(diff[:, e.first].sum())
    return out


def per_participant_table(res: EngineResult, kept: float, scale: float = 1.0) -> SpooledTable:
    """Each participant's first-year effect per actor; a dataset's rows stay on disk and are read
    (and scaled) when written out. scale: what turns the engine's weighted rows into the price base."""
    return SpooledTable(res.rows, lambda raw: participant_table(raw, kept * scale))


def price_base(res: EngineResult, ls: LoadedScenario) -> tuple[PriceIndex | None, int]:
    """The run's price levels and its base year (prices.base_year, else the first exit month's year)."""
    first_exit_year = res.grid.first_year + res.grid.first_exit // 12
    return res.prices, (res.prices.base_year(ls.scenario, first_exit_year) if res.prices is not None else first_exit_year)


def deflated(agg: Ledger, grid: Grid, prices: PriceIndex | None, base_year: int) -> Ledger:
    """The engine's nominal sums in the prices of the base year: each calendar month's row × KPI(base) /
    KPI(the month's price year) (docs/method.md 6.7); as they are in nominal prices."""
    if prices is None:
        return agg
    factor = prices.deflator(np.repeat(grid.years, 12), base_year)[:, None]
    if np.all(factor == 1.0):
        return agg
    return Ledger(categories=agg.categories, flows={sit: {cid: a * factor for cid, a in flows.items()} for sit, flows in agg.flows.items()})


PRICE_INDEX = N_("KPI (1980 = 100), annual mean (rules/indices.yaml kpi)")  # meta keeps the English; a workbook says it in its language


def price_meta(prices: PriceIndex | None, base_year: int, grid: Grid, discount_rate: float) -> dict:
    """How the figures are priced: fixed prices of a base year (KPI) or nominal, and the levels used."""
    if prices is None:
        return {"mode": "nominal", "label_sv": "löpande priser", "label_en": "current prices"}
    years = sorted(set(grid.years) | {base_year})
    return {
        "mode": prices.mode,
        "base_year": base_year if prices.mode == "fixed" else None,
        "label_sv": prices.label(base_year, "sv"),
        "label_en": prices.label(base_year, "en"),
        "index": PRICE_INDEX,
        "kpi": {str(y): round(prices.kpi[y], 4) for y in years if y in prices.kpi},
        "kpi_status": {str(y): prices.kpi_status[y] for y in years if y in prices.kpi_status},
        "price_year_fixed": prices.fixed_year,
        "wage_index": {str(y): round(prices.wages[y], 6) for y in years if y in prices.wages},
        "wage_index_status": {str(y): prices.wage_status[y] for y in years if y in prices.wage_status},
        "discount_rate_kind": "real" if prices.mode == "fixed" else "nominal",
        "discount_rate_percent": discount_rate,
    }


def price_texts(prices: PriceIndex | None, base_year: int, grid: Grid) -> list[str]:
    """The assumption lines of the price base and the wage index."""
    if prices is None:
        return []
    label = prices.label(base_year, current())
    if prices.fixed_year is not None:
        out = [_("every month is priced as of {year} (period.rules_date): wages are not indexed and the flows are not deflated "
                 "among themselves; {prices}").format(year=prices.fixed_year, prices=label)]
    else:
        later = [y for y in grid.years if y > grid.years[0]]
        rates = ", ".join(f"{y} {percent(100 * (prices.wages[y] / prices.wages[y - 1] - 1))} ({status_word(prices.wage_status[y])})"
                          for y in later if y - 1 in prices.wages)
        out = [_("wages in the participant file are the wages at the exit month; from each following January they follow the wage index "
                 "(rules/indices.yaml wage_growth{rates})").format(rates=": " + rates if rates else "")]
    if prices.mode == "fixed":
        years = sorted(set(prices.price_year(np.array(grid.years))) | {base_year})
        levels = ", ".join(f"{y} {number(prices.kpi[y], 2)} ({status_word(prices.kpi_status[y])})" for y in years)
        out.append(_("{prices}: every flow is expressed in {year} prices by KPI (annual means, 1980 = 100: {levels}) before discounting at "
                     "the real discount_rate (prices.mode fixed, prices.base_year)").format(prices=label, year=base_year, levels=levels))
    else:
        out.append(_("current prices (prices.mode nominal): flows as paid, discounted at discount_rate read as a nominal rate"))
    return out


def category_table(agg: Ledger, first: np.ndarray) -> pd.DataFrame:
    """Each category with a flow in the first year: payer, payee, before, after and effect (before deadweight)."""
    rows = []
    for cid, cat in agg.categories.items():
        b = float(agg.flows["before"][cid][:, first].sum())
        af = float(agg.flows["after"][cid][:, first].sum())
        if b or af:
            rows.append({"category": cid, "label": cat.text(), "payer": cat.payer, "payee": cat.payee, "kind": cat.kind,
                         "before": b, "after": af, "effect": af - b})
    return pd.DataFrame(rows, columns=["category", "label", "payer", "payee", "kind", "before", "after", "effect"])


def assumption_texts(ls: LoadedScenario, res: EngineResult, counterfactual: dict) -> list[str]:
    """The run's assumptions in words (in the current language): the scenario's choices, the deadweight
    and where it comes from, the engine's, the funding, the rules date and the defaults used."""
    s = ls.scenario
    deadweight = counterfactual["deadweight"]
    out = [_("scenario {name}: {choice}").format(name=s.name, choice=c) for c in scenario_choices(s)] + public_finance_texts(ls)
    if counterfactual["source"] == "comparison_group":
        c, r = counterfactual["comparison_moved_share"], counterfactual["participants_moved_share"]
        source = counterfactual["participants_moved_share_from"]
        out.append(_("comparison group: {c:.1%} of the comparison group made the move without the project, {r:.1%} of the participants "
                     "made it ({source}), so deadweight = {c:.3f} / {r:.3f} = {w:.1%}: effects are (1 − deadweight) × the naive before/after "
                     "effect (counterfactual.comparison_group); the naive figures are shown beside them; the Flows table is before "
                     "deadweight").format(c=Num(c), r=Num(r), w=Num(deadweight), source=_(MOVED_FROM.get(source, source))))
    elif deadweight:
        out.append(_("deadweight {w:.0%}: effects are (1 − deadweight) × the naive before/after effect (counterfactual.deadweight); the "
                     "naive figures are shown beside them; the Flows table is before deadweight").format(w=Num(deadweight)))
    out += render_notes(res.notes, res.population.n) if res.notes else res.assumptions
    if s.project.funding is None and s.project.cost > 0:
        out.append(_("no funding shares given (project.funding): the whole project cost is counted against the public sector; no payback "
                     "per actor"))
    if s.period.rules_date is not None:
        out.append(_("every month is computed with the rules in force on {day} (period.rules_date)").format(day=s.period.rules_date))
    out.append(_("defaults used from scenarios/defaults.yaml: {keys}").format(keys=", ".join(ls.defaults_used) or _("none")))
    return out


MOVED_FROM = {"participant file": N_("participant file"), "scenario": N_("scenario")}


def scenario_choices(s) -> list[str]:
    """The scenario's choices in the current language: choices_en in English when the scenario gives them."""
    return list(s.choices_en) if current() == "en" and s.choices_en else list(s.choices)


def public_finance_texts(ls: LoadedScenario) -> list[str]:
    """The run's public-finance conventions in words (docs/method.md 3.5, 3.5a, 5.4, 5.5)."""
    s = ls.scenario
    if s.production.convention == "ramboll":
        production = _("production (production.convention: ramboll, Ramboll 2022): the employer gets productivity × lönekostnad and the state "
                       "(economy.production_market_price_factor − 1) × it; no indirect tax on the individ's consumption is counted")
    else:
        production = _("production (production.convention: consumption_tax): the state's share of the extra production is the indirect "
                       "tax on the individ's consumption, economy.indirect_tax_rate × economy.consumption_share × the individ's disposable "
                       "income in each month; production itself is the employer's (a public employer's as a memo)")
    given = ", ".join(f"{k} {Num(v)}" for k, v in s.productivity.items())
    if given:
        productivity = _("productivity (share of the lönekostnad produced): {given}; other work states the rules' "
                         "economy.productivity_subsidised for subsidised jobs and economy.productivity_unsubsidised for arbete").format(given=given)
    else:
        productivity = _("productivity (share of the lönekostnad produced): the rules' economy.productivity_subsidised for subsidised jobs "
                         "and economy.productivity_unsubsidised for arbete")
    displaced = ", ".join(f"{k} {Num(v)}" for k, v in s.displacement.items() if v)
    displacement = _("displacement (undanträngning) in samhällsekonomi: {displaced}; not in the actors' cash").format(
        displaced=displaced or _("none (displacement: {})"))
    loan = (_("study loan (study_loan: financial): a financial transaction, neither the loan nor the claim is booked (a memo line); the "
              "försörjningsstöd top-up still counts it") if s.study_loan == "financial" else
            _("study loan (study_loan: ramboll, Ramboll 2022): the individ's income, and a claim of the same amount to the state"))
    pension = (_("pension contributions (actors.pension_system: separate): the ålderspensionsavgift, the allmän pensionsavgift and the "
                 "state's ålderspensionsavgift on benefits go to pensionssystemet") if s.actors.pension_system == "separate" else
               _("pension contributions (actors.pension_system: in_state, Ramboll 2022): counted as the state's"))
    return [production, productivity, displacement, loan, pension]


def counterfactual_warnings(ls: LoadedScenario, pop: Population) -> list[str]:
    """One line each when the effect silently assumes that nobody would have moved anyway, or
    that subsidised jobs displace nothing."""
    s = ls.scenario
    out = []
    if s.counterfactual.comparison_group is None and "counterfactual.deadweight" in ls.defaults_used:
        out.append(_("the effect assumes that nobody would have made the same move without the project: the scenario gives neither "
                     "counterfactual.deadweight nor a comparison group (counterfactual.comparison_group)"))
    subsidised = [sid for sid, st in STATES.items() if st.kind == "subsidised_work" and not s.displacement.get(sid)]
    n = pop.count(lambda b, a: np.isin(np.where(a == "oforandrad", b, a), subsidised))
    if n:
        out.append(ngettext("{n} participant goes to a subsidised job and samhällsekonomi assumes it displaces no other work "
                            "(displacement; Dahlberg & Forslund, IFAU 1999, found about 65 per cent for subsidised employment)",
                            "{n} participants go to subsidised jobs and samhällsekonomi assumes they displace no other work "
                            "(displacement; Dahlberg & Forslund, IFAU 1999, found about 65 per cent for subsidised employment)", n).format(n=Num(n)))
    return out


def warning_texts(res: EngineResult, deadweight: float) -> list[str]:
    """The engine's warnings, then the privacy of the ids, projected rules and a deadweight over 100 %."""
    pop = res.population
    out = flag_warnings(res.flags) if res.flags or not res.warnings else list(res.warnings)
    if pop.ids_pseudonymised:
        out.append(_("the id column holds personnummer or samordningsnummer: every output carries keyed pseudonyms instead") + " "
                   + (_("(key from --id-key: the same pseudonyms in every run with that key)") if pop.id_key_given
                      else _("(a new random key for this run; give --id-key to get the same pseudonyms next time)")))
    elif pop.ids_look_like_personnummer:
        out.append(_("--keep-ids: the outputs contain the participants' personnummer; handle them as personal data"))
    if res.projected_months:
        pm = res.projected_months
        base_years = sorted({l.projected_from for l in res.rules_used.values() if l.projected_from is not None})
        out.append(ngettext("{count} month ({first}–{last}) uses projected rules: no rules file exists for it yet, so the rules of {years} "
                            "are carried forward, uprated by the indices declared in rules/indices.yaml (status 'projected')",
                            "{count} months ({first}–{last}) use projected rules: no rules file exists for them yet, so the rules of "
                            "{years} are carried forward, uprated by the indices declared in rules/indices.yaml (status 'projected')",
                            len(pm)).format(count=Num(len(pm)), first=pm[0], last=pm[-1], years=", ".join(map(str, base_years))))
    if deadweight > 1:
        out.append(_("the comparison group moved more often than the participants (deadweight {w:.0%} > 100 %): the adjusted effects are "
                     "the naive ones with the opposite sign, scaled").format(w=Num(deadweight)))
    return out + doubtful_rule_warnings(res.doubtful)


def rule_value_text(value, unit: str) -> str:
    """A rule's value with its unit in the current language: '13 procent', '4 117 kr/mån'."""
    text = f"{Num(value)}" if isinstance(value, (int, float)) and not isinstance(value, bool) else str(value)
    return f"{text} {unit_word(unit, bare=True)}".strip()


def doubtful_rule_warnings(doubtful: list[dict]) -> list[str]:
    """One line per rule leaf of status unknown or assumed the run used (engine/doubtful.py): its
    value and the months it was used in, so that no figure rests silently on an unverified value."""
    out = []
    for e in doubtful:
        months = e["months"]
        span = months[0] if len(months) == 1 else f"{months[0]}–{months[-1]}"
        status = str(status_word(e["status"]))
        out.append(ngettext("rule {path} has status {status} ({value}) and was used in {n} month ({span}): the figures rest on it; "
                            "see the Parameters sheet for its source (nyttokalk rules show {path})",
                            "rule {path} has status {status} ({value}) and was used in {n} months ({span}): the figures rest on it; "
                            "see the Parameters sheet for its source (nyttokalk rules show {path})",
                            len(months)).format(path=e["path"], status=status, value=rule_value_text(e["value"], e["unit"]), n=Num(len(months)),
                                               span=span))
    return out


def _rule_year_digest(loaded) -> dict:
    """A rule year's file and its municipal tax table, each with its sha256 (a projected year's
    digest covers its base year and the indices)."""
    from .ruleset.loader import file_digest

    out = {"file": str(loaded.path), "sha256": loaded.sha256, "projected_from": loaded.projected_from}
    m = loaded.municipalities_path
    out["municipalities"] = {"file": str(m), "sha256": file_digest(m)} if m is not None and m.exists() else None
    return out


def _indices_digest(rules_used: dict) -> dict | None:
    """rules/indices.yaml (the uprating of projected years), beside the rule years a run used."""
    from .ruleset.loader import file_digest

    folders = {l.path.parent for l in rules_used.values()}
    for folder in sorted(folders):
        path = folder / "indices.yaml"
        if path.exists():
            return {"file": str(path), "sha256": file_digest(path)}
    return None


def _defaults_digest() -> dict:
    """scenarios/defaults.yaml, which every scenario is merged over."""
    from .paths import scenarios_dir
    from .ruleset.loader import file_digest

    path = scenarios_dir() / "defaults.yaml"
    return {"defaults_file": str(path), "defaults_sha256": file_digest(path)}


def price_warnings(prices: PriceIndex | None, base_year: int, grid: Grid) -> list[str]:
    """A warning when a price level the figures use has a doubtful status (unknown)."""
    if prices is None or prices.mode != "fixed":
        return []
    years = prices.doubtful(list(prices.price_year(np.array(grid.years))) + [base_year])
    if not years:
        return []
    return [_("the KPI of {years} is not known (rules/indices.yaml kpi, status unknown): the fixed prices use the placeholder noted "
              "there; figures in other years' prices move with it").format(years=", ".join(map(str, years)))]


def run_meta(res: EngineResult, ls: LoadedScenario) -> dict:
    """What was run, on what, with which rules: program, scenario, input, rule files (with hashes),
    how it was computed, and the cost, funding and discount rate."""
    s, grid, pop = ls.scenario, res.grid, res.population
    return {
        "program": "nyttokalk",
        "version": __version__,
        "scenario": {"name": s.name, "title": s.text("title"), "file": mask(str(ls.path)), "sha256": ls.sha256, **_defaults_digest()},
        "input": {"file": mask(pop.file), "sha256": pop.sha256, "ids_pseudonymised": pop.ids_pseudonymised},
        "participants": pop.n,
        "rules": {str(y): _rule_year_digest(l) for y, l in sorted(res.rules_used.items())},
        "indices": _indices_digest(res.rules_used),
        "projected_months": res.projected_months,
        "horizon_months": grid.horizon,
        "chunks": res.chunks,
        "partitions": res.partitions,
        "blocks": res.blocks,
        "workers": res.workers,
        "first_month": grid.month_date(grid.first_exit).strftime("%Y-%m"),
        "discount_rate_percent": s.discount_rate,
        "project_cost": s.project.cost,
        "funding": s.project.funding,
        "doubtful_rules": [{k: (v if k != "months" else [v[0], v[-1], len(v)]) for k, v in e.items()} for e in res.doubtful],
    }


def narrative(res: EngineResult, ls: LoadedScenario) -> tuple[list[str], list[str]]:
    """The run's assumptions and warnings in the current language (i18n.current()), stated from
    the engine's notes and flags: `analyse` states them once, and a page showing a kept result in
    another language states them again."""
    prices, base_year = price_base(res, ls)
    deadweight, counterfactual = counterfactual_share(ls, res.population)
    assumptions = assumption_texts(ls, res, counterfactual) + price_texts(prices, base_year, res.grid)
    warnings = (warning_texts(res, deadweight) + counterfactual_warnings(ls, res.population)
                + price_warnings(prices, base_year, res.grid))
    return assumptions, warnings


def analyse(res: EngineResult, ls: LoadedScenario) -> Analysis:
    """Everything from the engine's sums: res.aggregates holds, per situation and category, an array
    grid month × months since exit (every cell inside some participant's horizon)."""
    s, pop = ls.scenario, res.population
    prices, base_year = price_base(res, ls)
    agg = deflated(res.aggregates, res.grid, prices, base_year)
    deadweight, counterfactual = counterfactual_share(ls, pop)
    e = effects(agg, res.grid, s.discount_rate, deadweight)
    first_year, first_year_naive, per_pm, n_first = first_year_figures(e, pop.n)
    monthly, disc = monthly_figures(e)
    payback = payback_figures(monthly, disc, s.project.cost, s.project.funding)
    meta = run_meta(res, ls)
    meta["prices"] = price_meta(prices, base_year, res.grid, s.discount_rate)
    scale = prices.row_scale(base_year) if prices is not None else 1.0
    assumptions, warnings = narrative(res, ls)
    return Analysis(first_year, per_pm, n_first, per_year_figures(e), payback, monthly, per_participant_table(res, e.kept, scale),
                    category_table(agg, e.first), meta, assumptions, warnings,
                    first_year_naive=first_year_naive, horizon=horizon_figures(e, payback), return_per_krona=return_per_krona(e, payback),
                    typology=typology(pop), potential=potential_figures(agg, e.first), stat_split=stat_split(agg, e),
                    counterfactual=counterfactual, first_year_before_equalisation=first_year_before_equalisation(agg, e),
                    society=society_figures(agg, e, s.project.cost))
