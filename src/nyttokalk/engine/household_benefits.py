"""The household's benefits that do not depend on the participant's state (docs/method.md 4.3–4.4):
barnbidrag with flerbarnstillägg and studiehjälp, paid alike in every situation, and bostadsbidrag
with the temporary tilläggsbidrag, which depends on the calendar year's income and so on the
situation. Both are paid by the state (Försäkringskassan; CSN for studiehjälp), are tax-free and
count as income in the försörjningsstöd assessment (engine/topup.py).

Children are the household's children in the calendar year (age = year − the child's birth year,
as for the riksnorm); those older than `transfers.barnbidrag.last_age` up to
`studiebidrag_last_age` are taken to be in school with studiehjälp, and count as hemmavarande
children for flerbarnstillägg, bostadsbidrag and bostadsersättning.
"""

from __future__ import annotations

import numpy as np

from ..ruleset.lookup import MonthRules
from .situations import Situation

BB = "transfers.barnbidrag."
BO = "transfers.bostadsbidrag."


def _child_ages(inputs: dict, mr: MonthRules) -> np.ndarray:
    """Rows × months × children: each child's age in the month's calendar year (NaN: no child)."""
    return mr.calendar_year[None, :, None] - inputs["child_birth_year"][:, None, :]


def children_at_home(inputs: dict, mr: MonthRules) -> np.ndarray:
    """Rows × months: the hemmavarande children (age 0 … studiebidrag_last_age in the year)."""
    ages = _child_ages(inputs, mr)
    return ((ages >= 0) & (ages <= mr.at(BB + "studiebidrag_last_age")[None, :, None])).sum(axis=2)


def barnbidrag(inputs: dict, mr: MonthRules) -> np.ndarray | None:
    """Rows × months: SFB 15 kap. 3–4 §§ barnbidrag per child up to last_age, studiehjälp's studiebidrag
    (ten months a year, spread over twelve) for the older children at home, and 15 kap. 8 §
    flerbarnstillägg by the number of children at home; None when no row has a child."""
    if np.isnan(inputs["child_birth_year"]).all():
        return None
    ages = _child_ages(inputs, mr)
    last, school_last = mr.at(BB + "last_age")[None, :, None], mr.at(BB + "studiebidrag_last_age")[None, :, None]
    young = ((ages >= 0) & (ages <= last)).sum(axis=2)
    school = ((ages > last) & (ages <= school_last)).sum(axis=2)
    studiebidrag = mr.at(BB + "studiebidrag_per_month") * mr.at(BB + "studiebidrag_months_per_year") / 12
    amount = young * mr.at(BB + "per_child")[None, :] + school * studiebidrag[None, :]
    count = young + school
    extra = np.zeros(count.shape)
    further = mr.at(BB + "flerbarnstillagg_each_further")
    for months, table in mr.groups(BB + "flerbarnstillagg"):
        table = np.asarray(table, dtype=float)  # by 1, 2, … children
        c = count[:, months]
        listed = table[np.clip(c, 1, len(table)) - 1]
        extra[:, months] = np.where(c > 0, listed + np.maximum(0, c - len(table)) * further[months][None, :], 0.0)
    return amount + extra


def _paid(annual: np.ndarray, mr: MonthRules) -> np.ndarray:
    """SFB 97 kap. 16 §, 98 kap. 4 §: nothing below min_per_year, else the monthly amount (to the öre, so
    that a sum of fractions of kronor does not fall below a whole hundred) rounded down to whole hundreds."""
    step = mr.at(BO + "rounded_down_to")[None, :]
    return np.where(annual >= mr.at(BO + "min_per_year")[None, :], np.floor(np.round(annual / 12, 2) / step) * step, 0.0)


def _families(cost: np.ndarray, children: np.ndarray, income: np.ndarray, couple: np.ndarray, mr: MonthRules) -> np.ndarray:
    """SFB 97 kap. 15–22 §§ (households with children), per year as an annual amount, rows × months."""
    annual = np.zeros(cost.shape)
    for months, f in mr.groups(BO + "families"):
        n = np.clip(children[:, months], 1, f.max_children)
        ceilings, special = np.asarray(f.cost_ceilings), np.asarray(f.sarskilt_bidrag)
        housing = f.cost_share * np.maximum(0.0, np.minimum(cost[:, months], ceilings[n - 1]) - f.cost_floor)
        limit = np.where(couple, f.income_limit_per_spouse_per_year, f.income_limit_single_per_year)[:, None]  # the partner's income is 0
        annual[:, months] = 12 * (housing + special[n - 1]) - f.income_reduction * np.maximum(0.0, income[:, months] - limit)
    return annual


def _young(cost: np.ndarray, income: np.ndarray, couple: np.ndarray, mr: MonthRules) -> np.ndarray:
    """SFB 97 kap. 24–27 §§ (households without children, 18–28), an annual amount, rows × months."""
    annual = np.zeros(cost.shape)
    for months, y in mr.groups(BO + "young"):
        part = sum(b.share * np.clip(cost[:, months] - b.over, 0.0, b.up_to - b.over) for b in y.bands)
        limit = np.where(couple, y.income_limit_couple_per_year, y.income_limit_single_per_year)[:, None]
        annual[:, months] = 12 * part - y.income_reduction * np.maximum(0.0, income[:, months] - limit)
    return annual


def _ages_allowed(sit: Situation, mr: MonthRules) -> np.ndarray:
    """Rows × months: whether the participant's age in the year is within the young households' ages."""
    age = mr.calendar_year[None, :] - sit.inputs["birth_year"][:, None]
    out = np.zeros(age.shape, dtype=bool)
    for months, y in mr.groups(BO + "young"):
        out[:, months] = (age[:, months] >= y.min_age) & (age[:, months] <= y.max_age)
    return out


def bostadsbidrag(sit: Situation, items: dict[str, np.ndarray], taxable: np.ndarray, mr: MonthRules) -> np.ndarray:
    """Rows × months: the final bostadsbidrag of each month on the calendar year's bidragsgrundande
    inkomst (taxable income + etableringsersättning + a share of the studiebidrag, SFB 97 kap. 2–3 §§),
    with the tilläggsbidrag of families in its months; 0 without a housing cost."""
    cost = sit.inputs["housing_cost"]
    out = np.zeros(sit.codes.shape)
    has = ~np.isnan(cost)
    if not has.any():
        return out
    zeros = np.zeros(sit.codes.shape)
    income_month = taxable + items.get("etableringsersattning", zeros) + mr.at(BO + "studiebidrag_income_share")[None, :] * items.get("studiebidrag", zeros)
    income = np.repeat(income_month.reshape(len(cost), -1, 12).sum(axis=2), 12, axis=1)  # the calendar year's, in each of its months
    cost_m = np.broadcast_to(np.nan_to_num(cost)[:, None], out.shape)
    children = children_at_home(sit.inputs, mr)
    couple = sit.inputs["adults"] == 2
    families = _paid(_families(cost_m, children, income, couple, mr), mr)
    young = _paid(_young(cost_m, income, couple, mr), mr)
    extra = np.zeros(out.shape)
    for months, t in mr.groups(BO + "tillaggsbidrag"):
        extra[:, months] = np.minimum(t.share * families[:, months], t.max_per_month)
    out = np.where(children > 0, families + extra, np.where(_ages_allowed(sit, mr), young, 0.0))
    return np.where(has[:, None], out, 0.0)
