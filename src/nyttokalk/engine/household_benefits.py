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
from .taxation import YearlyTax

BB = "transfers.barnbidrag."
BO = "transfers.bostadsbidrag."


def in_months(months: np.ndarray, of: np.ndarray, m_count: int) -> np.ndarray:
    """Whether each of `of` (chunk months) is among `months` (a rule period's, MonthRules.groups)."""
    mask = np.zeros(m_count, dtype=bool)
    mask[months] = True
    return mask[of]


def _child_ages(inputs: dict, mr: MonthRules, months: np.ndarray) -> np.ndarray:
    """Rows × months × children: each child's age in the month's calendar year (NaN: no child)."""
    return mr.calendar_year[months][None, :, None] - inputs["child_birth_year"][:, None, :]


def children_at_home(inputs: dict, mr: MonthRules, months: np.ndarray) -> np.ndarray:
    """Rows × months (chunk months given): the hemmavarande children (age 0 … studiebidrag_last_age in the year)."""
    ages = _child_ages(inputs, mr, months)
    return ((ages >= 0) & (ages <= mr.at(BB + "studiebidrag_last_age")[months][None, :, None])).sum(axis=2)


def barnbidrag(inputs: dict, mr: MonthRules, months: np.ndarray) -> np.ndarray | None:
    """Rows × months (chunk months given: the calendar's stretches, engine/segments.Calendar): SFB 15 kap.
    3–4 §§ barnbidrag per child up to last_age, studiehjälp's studiebidrag (ten months a year, spread over
    twelve) for the older children at home, and 15 kap. 8 § flerbarnstillägg by the number of children at
    home; None when no row has a child."""
    if np.isnan(inputs["child_birth_year"]).all():
        return None
    ages = _child_ages(inputs, mr, months)
    last, school_last = mr.at(BB + "last_age")[months][None, :, None], mr.at(BB + "studiebidrag_last_age")[months][None, :, None]
    young = ((ages >= 0) & (ages <= last)).sum(axis=2)
    school = ((ages > last) & (ages <= school_last)).sum(axis=2)
    studiebidrag = (mr.at(BB + "studiebidrag_per_month") * mr.at(BB + "studiebidrag_months_per_year") / 12)[months]
    amount = young * mr.at(BB + "per_child")[months][None, :] + school * studiebidrag[None, :]
    count = young + school
    extra = np.zeros(count.shape)
    further = mr.at(BB + "flerbarnstillagg_each_further")[months]
    for group, table in mr.groups(BB + "flerbarnstillagg"):
        cols = in_months(group, months, len(mr))
        table = np.asarray(table, dtype=float)  # by 1, 2, … children
        c = count[:, cols]
        listed = table[np.clip(c, 1, len(table)) - 1]
        extra[:, cols] = np.where(c > 0, listed + np.maximum(0, c - len(table)) * further[cols][None, :], 0.0)
    return amount + extra


def _paid(annual: np.ndarray, mr: MonthRules, month: np.ndarray) -> np.ndarray:
    """SFB 97 kap. 16 §, 98 kap. 4 §: nothing below min_per_year, else the monthly amount (to the öre, so
    that a sum of fractions of kronor does not fall below a whole hundred) rounded down to whole hundreds."""
    step = mr.at(BO + "rounded_down_to")[month]
    return np.where(annual >= mr.at(BO + "min_per_year")[month], np.floor(np.round(annual / 12, 2) / step) * step, 0.0)


def _families(cost: np.ndarray, children: np.ndarray, income: np.ndarray, couple: np.ndarray, mr: MonthRules,
              month: np.ndarray) -> np.ndarray:
    """SFB 97 kap. 15–22 §§ (households with children), per year as an annual amount, per segment."""
    annual = np.zeros(cost.shape)
    for months, f in mr.groups(BO + "families"):
        sel = in_months(months, month, len(mr))
        n = np.clip(children[sel], 1, f.max_children)
        ceilings, special = np.asarray(f.cost_ceilings), np.asarray(f.sarskilt_bidrag)
        housing = f.cost_share * np.maximum(0.0, np.minimum(cost[sel], ceilings[n - 1]) - f.cost_floor)
        limit = np.where(couple[sel], f.income_limit_per_spouse_per_year, f.income_limit_single_per_year)  # the partner's income is 0
        annual[sel] = 12 * (housing + special[n - 1]) - f.income_reduction * np.maximum(0.0, income[sel] - limit)
    return annual


def _young(cost: np.ndarray, income: np.ndarray, couple: np.ndarray, mr: MonthRules, month: np.ndarray) -> np.ndarray:
    """SFB 97 kap. 24–27 §§ (households without children, 18–28), an annual amount, per segment."""
    annual = np.zeros(cost.shape)
    for months, y in mr.groups(BO + "young"):
        sel = in_months(months, month, len(mr))
        part = sum(b.share * np.clip(cost[sel] - b.over, 0.0, b.up_to - b.over) for b in y.bands)
        limit = np.where(couple[sel], y.income_limit_couple_per_year, y.income_limit_single_per_year)
        annual[sel] = 12 * part - y.income_reduction * np.maximum(0.0, income[sel] - limit)
    return annual


def _ages_allowed(birth_year: np.ndarray, mr: MonthRules, month: np.ndarray) -> np.ndarray:
    """Per segment: whether the participant's age in the year is within the young households' ages."""
    age = mr.calendar_year[month] - birth_year
    out = np.zeros(age.shape, dtype=bool)
    for months, y in mr.groups(BO + "young"):
        sel = in_months(months, month, len(mr))
        out[sel] = (age[sel] >= y.min_age) & (age[sel] <= y.max_age)
    return out


def bostadsbidrag(sit: Situation, items: dict[str, np.ndarray], tax: YearlyTax, children: np.ndarray, mr: MonthRules) -> np.ndarray:
    """Per segment: the final bostadsbidrag of each month on the calendar year's bidragsgrundande
    inkomst (taxable income + etableringsersättning + a share of the studiebidrag, SFB 97 kap. 2–3 §§),
    with the tilläggsbidrag of families in its months; 0 without a housing cost. children: the
    hemmavarande children per segment."""
    seg = sit.seg
    out = np.zeros(len(seg))
    rows = sit.covers(len(sit.inputs["housing_cost"]))
    if np.isnan(sit.inputs["housing_cost"][rows]).all():
        return out
    zeros = np.zeros(len(seg))
    month = seg.start
    income_month = tax.taxable + items.get("etableringsersattning", zeros) + mr.at(BO + "studiebidrag_income_share")[month] * items.get("studiebidrag", zeros)
    n_years = len(mr) // 12
    key = tax.local * n_years + tax.year
    income = np.bincount(key, income_month * seg.length, minlength=len(rows) * n_years)[key]  # the calendar year's, in each of its months
    cost = sit.inputs["housing_cost"][seg.row]
    has = ~np.isnan(cost)
    cost = np.nan_to_num(cost)
    couple = sit.inputs["adults"][seg.row] == 2
    families = _paid(_families(cost, children, income, couple, mr, month), mr, month)
    young = _paid(_young(cost, income, couple, mr, month), mr, month)
    extra = np.zeros(len(seg))
    for months, t in mr.groups(BO + "tillaggsbidrag"):
        sel = in_months(months, month, len(mr))
        extra[sel] = np.minimum(t.share * families[sel], t.max_per_month)
    out = np.where(children > 0, families + extra, np.where(_ages_allowed(sit.inputs["birth_year"][seg.row], mr, month), young, 0.0))
    return np.where(has, out, 0.0)
