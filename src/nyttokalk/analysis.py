"""Analysis reads the engine's sums only: per-actor effects (after − before), per year, payback."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import __version__
from .engine import EngineResult
from .participants import Population
from .actors import ACTORS, ALL, PUBLIC, PUBLIC_ACTORS, with_public
from .scenario import LoadedScenario
from .spool import SpooledTable, participant_rows



@dataclass
class Analysis:
    first_year: dict[str, float]
    per_participant_month: dict[str, float]  # first-year effect per participant and month
    first_year_months: int  # participant-months in the first year
    per_year: list[dict]
    payback: dict[str, dict]
    monthly: pd.DataFrame  # effect per actor per month from the first transition month
    per_participant: pd.DataFrame | SpooledTable  # a SpooledTable (on disk) after a dataset run
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


def analyse(res: EngineResult, ls: LoadedScenario) -> Analysis:
    """Everything from the engine's sums: res.aggregates holds, per situation and category, an array
    grid month × months since exit (every cell inside some participant's horizon)."""
    s = ls.scenario
    agg, grid, pop = res.aggregates, res.grid, res.population
    horizon = grid.horizon
    rel = np.arange(horizon)  # months since each participant's exit: the columns
    first = rel < 12
    base = grid.first_exit
    t = np.arange(grid.n_months) - base
    discount = ((1 + s.discount_rate / 100) ** (-t / 12))[:, None]  # by calendar month: the rows

    naive = with_public({a: agg.actor_net("after", a) - agg.actor_net("before", a) for a in ACTORS})
    # Counterfactual: a share `deadweight` would have made the same move anyway
    deadweight, counterfactual = counterfactual_share(ls, pop)
    kept = 1 - deadweight
    effect = {a: kept * naive[a] for a in ALL}
    first_year_naive = {a: float(naive[a][:, first].sum()) for a in ALL}

    first_year = {a: float(effect[a][:, first].sum()) for a in ALL}
    n_first = pop.n * int(first.sum())
    per_pm = {a: first_year[a] / n_first if n_first else 0.0 for a in ALL}

    n_years = -(-horizon // 12)
    per_year = []
    for k in range(n_years):
        cols = slice(12 * k, 12 * k + 12)
        per_year.append({
            "year": k + 1,
            "undiscounted": {a: float(effect[a][:, cols].sum()) for a in ALL},
            "discounted": {a: float((effect[a][:, cols] * discount).sum()) for a in ALL},
        })

    # monthly totals from the first transition month to the end of the last horizon
    last = grid.last_exit + horizon
    span = slice(base, last)
    monthly = pd.DataFrame({a: effect[a].sum(axis=1)[span] for a in ALL})
    monthly.index = [grid.month_date(m).strftime("%Y-%m") for m in range(base, last)]
    disc = discount[span, 0]

    cost = s.project.cost
    funding = s.project.funding
    payback = {}
    for a in ALL:
        if funding is None:
            share = 1.0 if a == PUBLIC else None
        elif a == PUBLIC:
            share = sum(funding.get(x, 0.0) for x in PUBLIC_ACTORS)
        else:
            share = funding.get(a, 0.0)
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

    # over the whole horizon: naive, adjusted, discounted and net present value after the cost share
    horizon_totals = {
        "naive": {a: float(naive[a].sum()) for a in ALL},
        "undiscounted": {a: float(effect[a].sum()) for a in ALL},
        "discounted": {a: float((effect[a] * discount).sum()) for a in ALL},
    }
    horizon_totals["npv"] = {a: horizon_totals["discounted"][a] - (payback[a]["cost"] or 0.0) for a in ALL}
    # return per krona of project cost after 1 and 5 years (discounted effect / cost share)
    return_per_krona = {}
    for years in (1, 5):
        window = rel < 12 * years
        long_enough = horizon >= 12 * years  # no figure for a window the horizon does not cover
        out = {}
        for a in ALL:
            c = payback[a]["cost"]
            out[a] = float((effect[a][:, window] * discount).sum()) / c if c and long_enough else None
        return_per_krona[str(years)] = out

    # Payoff's typology of outcomes (seed 002)
    def subsidised(b, a):
        return np.isin(a, ["introduktionsjobb", "nystartsjobb", "extratjanst", "lonebidrag"])

    def same(b, a):
        return (a == "oforandrad") | (a == b)

    types = {
        "osubventionerat_arbete": lambda b, a: a == "arbete",
        "subventionerat_arbete": subsidised,
        "studier": lambda b, a: a == "studier",
        "stegforflyttning": lambda b, a: ~same(b, a) & ~subsidised(b, a) & ~np.isin(a, ["arbete", "studier"]),
        "oforandrad": same,
    }
    counts = {k: pop.count(where) for k, where in types.items()}
    typology = {k: {"count": c, "share": c / pop.n if pop.n else 0.0} for k, c in counts.items()}

    potential = None
    if "potential" in agg.flows:
        pot = with_public({a: agg.actor_net("potential", a) - agg.actor_net("before", a) for a in ACTORS})
        potential = {a: float(pot[a][:, first].sum()) for a in ALL}

    # who in the state: Arbetsförmedlingen, Försäkringskassan, CSN, the state budget (sum = stat)
    stat_split = {"af": 0.0, "fk": 0.0, "csn": 0.0, "statsbudget": 0.0}
    for cid, cat in agg.categories.items():
        sign = (cat.payee == "stat") - (cat.payer == "stat")
        if sign:
            diff = agg.flows["after"][cid] - agg.flows["before"][cid]
            stat_split[cat.stat_unit] += kept * sign * float(diff[:, first].sum())

    if res.spool is not None:  # a dataset's partitions: their rows are on disk, read (and scaled) when written out
        per_participant = SpooledTable(res.spool, lambda raw: participant_table(raw, kept))
    else:
        per_participant = participant_table(participant_rows(res.participants, res.first_year_naive), kept)

    rows = []
    for cid, cat in agg.categories.items():
        b = float(agg.flows["before"][cid][:, first].sum())
        af = float(agg.flows["after"][cid][:, first].sum())
        if b or af:
            rows.append({"category": cid, "label": cat.label, "payer": cat.payer, "payee": cat.payee,
                         "before": b, "after": af, "effect": af - b})
    by_category = pd.DataFrame(rows, columns=["category", "label", "payer", "payee", "before", "after", "effect"])

    assumptions = [f"scenario {s.name}: {c}" for c in s.choices]
    if counterfactual["source"] == "comparison_group":
        c, r = counterfactual["comparison_moved_share"], counterfactual["participants_moved_share"]
        assumptions.append(f"comparison group: {c:.1%} of the comparison group made the move without the project, {r:.1%} of the participants "
                           f"made it ({counterfactual['participants_moved_share_from']}), so deadweight = {c:.3f} / {r:.3f} = {deadweight:.1%}: "
                           "effects are (1 − deadweight) × the naive before/after effect (counterfactual.comparison_group); the naive figures "
                           "are shown beside them; the Flöden table is before deadweight")
    elif deadweight:
        assumptions.append(f"deadweight {deadweight:.0%}: effects are (1 − deadweight) × the naive before/after effect "
                           "(counterfactual.deadweight); the naive figures are shown beside them; the Flöden table is before deadweight")
    assumptions += res.assumptions
    if funding is None and cost > 0:
        assumptions.append("no funding shares given (project.funding): the whole project cost is counted against the public sector; no payback per actor")
    if s.period.rules_date is not None:
        assumptions.append(f"every month is computed with the rules in force on {s.period.rules_date} (period.rules_date)")
    assumptions.append(f"defaults used from scenarios/defaults.yaml: {', '.join(ls.defaults_used) or 'none'}")
    warnings = list(res.warnings)
    if pop.ids_pseudonymised:
        warnings.append("the id column holds personnummer or samordningsnummer: every output carries keyed pseudonyms instead "
                        + ("(key from --id-key: the same pseudonyms in every run with that key)" if pop.id_key_given
                           else "(a new random key for this run; give --id-key to get the same pseudonyms next time)"))
    elif pop.ids_look_like_personnummer:
        warnings.append("--keep-ids: the outputs contain the participants' personnummer; handle them as personal data")
    if res.projected_months:
        pm = res.projected_months
        base_years = sorted({l.projected_from for l in res.rules_used.values() if l.projected_from is not None})
        warnings.append(f"{len(pm)} months ({pm[0]}–{pm[-1]}) use projected rules: no rules file exists for them yet, so the "
                        f"rules of {', '.join(map(str, base_years))} are carried forward, uprated by the indices declared in "
                        f"rules/indices.yaml (status 'projected')")

    if deadweight > 1:
        warnings.append(f"the comparison group moved more often than the participants (deadweight {deadweight:.0%} > 100 %): "
                           "the adjusted effects are the naive ones with the opposite sign, scaled")
    meta = {
        "program": "nyttokalk",
        "version": __version__,
        "scenario": {"name": s.name, "title": s.title, "file": str(ls.path), "sha256": ls.sha256},
        "input": {"file": pop.file, "sha256": pop.sha256, "ids_pseudonymised": pop.ids_pseudonymised},
        "participants": pop.n,
        "rules": {str(y): {"file": str(l.path), "sha256": l.sha256, "projected_from": l.projected_from} for y, l in sorted(res.rules_used.items())},
        "projected_months": res.projected_months,
        "horizon_months": grid.horizon,
        "chunks": res.chunks,
        "partitions": res.partitions,
        "blocks": res.blocks,
        "workers": res.workers,
        "first_month": grid.month_date(base).strftime("%Y-%m"),
        "discount_rate_percent": s.discount_rate,
        "project_cost": cost,
        "funding": funding,
    }
    return Analysis(first_year, per_pm, n_first, per_year, payback, monthly, per_participant, by_category, meta, assumptions, warnings,
                    first_year_naive=first_year_naive, horizon=horizon_totals, return_per_krona=return_per_krona, typology=typology, potential=potential,
                    stat_split=stat_split, counterfactual=counterfactual)
