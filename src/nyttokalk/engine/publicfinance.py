"""Offentliga finanser and samhällsekonomi of a situation's flows (docs/method.md 3.5, 3.5a, 5.4, 5.5):

- production: productivity × lönekostnad, by the work state's kind or the scenario; the state's
  share of it is indirect tax on the individ's consumption (default) or, under Ramboll's
  convention, the market-price markup; samhällsekonomi's production at market price and the
  displacement as memos;
- the state's ålderspensionsavgift on benefits to the pension system;
- the kommunalekonomisk utjämning of the kommun's and the region's tax;
- the study-loan claim (Ramboll's convention only);
- the employer's flows moved to a public employer (lon → lon@kommun).

Every function works on a whole situation's segments (a month's amounts per segment); none loops over participants.
"""

from __future__ import annotations

import numpy as np

from .. import states as st
from ..actors import EMPLOYER_ACTOR, EMPLOYERS, PUBLIC_EMPLOYERS
from ..ledger import EMPLOYER_ITEMS, EMPLOYER_SEPARATOR, LABOUR_COST_ITEMS, SUBSIDY_ITEMS, Category
from ..ruleset.lookup import MonthRules
from ..scenario import Scenario
from .situations import Situation
from .taxation import YearlyTax

KINDS_RULE = {"work": "economy.productivity_unsubsidised", "subsidised_work": "economy.productivity_subsidised"}
FLOOR_FLAG = "productivity_below_floor"


def productivity_table(mr: MonthRules, s: Scenario) -> np.ndarray:
    """Share of the lönekostnad produced, per state code (rows, as states.CODES) and month: the
    scenario's `productivity` for a state, else the rules' by the state's kind; 0 outside work."""
    table = np.zeros((len(st.IDS), len(mr)))
    for sid, state in st.STATES.items():
        if state.kind in KINDS_RULE:
            table[st.CODES[sid]] = s.productivity[sid] if sid in s.productivity else mr.at(KINDS_RULE[state.kind])
    return table


def displacement_table(s: Scenario) -> np.ndarray:
    """Share of a state's production that displaces other production (samhällsekonomi), per state code."""
    out = np.zeros(len(st.IDS))
    for sid, share in s.displacement.items():
        out[st.CODES[sid]] = share
    return out


def _sum(flows: dict[str, np.ndarray], ids, zeros: np.ndarray) -> np.ndarray:
    return sum((flows[k] for k in ids if k in flows), zeros)


def production(flows: dict[str, np.ndarray], sit: Situation, mr: MonthRules, s: Scenario, productivity: np.ndarray,
               displacement: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> dict[str, np.ndarray]:
    """Production value, in place; returns the chunk participants whose productivity is below the
    employer's revealed-preference floor (lönekostnad − subsidy) / lönekostnad in some month of their
    horizon (lo … hi − 1 per participant; a month outside it counts for nothing, so it flags nothing)."""
    seg = sit.seg
    zeros = np.zeros(len(seg))
    labour_cost = _sum(flows, LABOUR_COST_ITEMS, zeros)
    if not labour_cost.any():
        return {}
    share = productivity[seg.code, seg.start]
    produced = share * labour_cost  # at factor value (the employer's cost), every employer
    factor = mr.at("economy.production_market_price_factor")[seg.start]
    flows["produktion"] = produced  # a public employer's part becomes a memo (by_employer)
    flows["produktion_marknadspris"] = factor * produced  # samhällsekonomi: at market prices (memo)
    if displacement.any():
        flows["undantrangning"] = displacement[seg.code] * flows["produktion_marknadspris"]  # samhällsekonomi (memo)
    if s.production.convention == "ramboll":  # Ramboll 2022: the 0.18 of net product taxes to the state
        flows["produktion_indirekta_skatter"] = (factor - 1) * produced
    floor = np.divide(labour_cost - _sum(flows, SUBSIDY_ITEMS, zeros), labour_cost, out=np.zeros_like(labour_cost), where=labour_cost > 0)
    in_horizon = np.minimum(seg.end, hi[seg.row]) > np.maximum(seg.start, lo[seg.row])
    below = (share < floor - 1e-9) & (labour_cost > 0) & in_horizon
    return {FLOOR_FLAG: np.bincount(seg.row[below], minlength=len(lo)) > 0}


def pension_on_benefits(flows: dict[str, np.ndarray], mr: MonthRules, month: np.ndarray) -> None:
    """Lag (1998:676) om statlig ålderspensionsavgift 2 §: the state pays a share of the benefits
    listed in the rules to the pension system, in place (month: each segment's)."""
    rate = mr.at("pension_system.state_contribution_rate")[month]
    base = None
    for months, benefits in mr.groups("pension_system.state_contribution_benefits"):
        mask = np.zeros(len(mr), dtype=bool)
        mask[months] = True
        for cid in benefits:
            if cid in flows:
                part = np.where(mask[month], flows[cid], 0.0)
                base = part if base is None else base + part
    if base is not None:
        flows["statlig_alderspensionsavgift"] = rate * base


def equalisation(flows: dict[str, np.ndarray], sit: Situation, tax: YearlyTax, years: list[int],
                 rates: dict[int, tuple[np.ndarray, np.ndarray]]) -> None:
    """Lag (2004:773) 3–7 §§: the kommun and the region each give up their utjämning rate × the
    beskattningsbar förvärvsinkomst, spread over the year's months like the tax, in place."""
    bfi = tax.per_segment({y: c["bfi"] for y, c in tax.by_year.items()}, years) * tax.share
    row = sit.seg.row
    kommun_rate = np.stack([rates[y][0] for y in years], axis=1)[row, tax.year]
    region_rate = np.stack([rates[y][1] for y in years], axis=1)[row, tax.year]
    flows["utjamning_kommun"] = kommun_rate * bfi
    flows["utjamning_region"] = region_rate * bfi


def consumption_tax(flows: dict[str, np.ndarray], cats: dict[str, Category], mr: MonthRules, month: np.ndarray) -> None:
    """Indirect taxes (moms, punktskatter) on the individ's consumption, in place: rate ×
    consumption share × disposable income (the individ's cash after income tax, every benefit and
    försörjningsstöd, without the study loan)."""
    disposable = None
    for cid, amount in flows.items():
        c = cats[cid]
        sign = c.sign("individ")
        if sign and c.disposable:
            disposable = sign * amount if disposable is None else disposable + sign * amount
    if disposable is not None:
        flows["indirekta_skatter"] = (mr.at("economy.indirect_tax_rate") * mr.at("economy.consumption_share"))[month] * disposable


def by_employer(flows: dict[str, np.ndarray], employer: np.ndarray) -> None:
    """The employer's flows of segments with a public employer moved to that actor's categories
    (lon → lon@kommun), in place; employer: each segment's index into actors.EMPLOYERS."""
    actor = np.array([EMPLOYER_ACTOR[e] for e in EMPLOYERS], dtype=object)
    public = {a: np.array([x == a for x in actor])[employer] for a in PUBLIC_EMPLOYERS}
    public = {a: rows for a, rows in public.items() if rows.any()}
    if not public:
        return
    private = ~np.array([x in PUBLIC_EMPLOYERS for x in actor])[employer]
    for cid in EMPLOYER_ITEMS:
        if cid not in flows:
            continue
        amount = flows[cid]
        for a, rows in public.items():
            flows[f"{cid}{EMPLOYER_SEPARATOR}{a}"] = np.where(rows, amount, 0.0)
        flows[cid] = np.where(private, amount, 0.0)
