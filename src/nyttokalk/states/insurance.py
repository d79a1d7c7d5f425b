"""The social insurance benefits paid by Försäkringskassan: sjukpenning, sjukersättning and
aktivitetsersättning (socialförsäkringsbalken, SFB 2010:110). Income-based on the participant's
prior_income (gross SEK a year before the benefit)."""

from __future__ import annotations

import numpy as np

from .cells import Cells, MonthRules, day_steps


DAYS_A_YEAR = 365  # sjukpenning is paid per kalenderdag (SFB 27 kap. 19 §): 365 / 12 days a month


def sjukpenning(c: Cells, r: MonthRules) -> dict[str, np.ndarray]:
    k = c.month
    # SFB 25–26 kap.: SGI = the expected yearly income from work, income above the cap (in PBB) not counted
    sgi = np.minimum(c.prior_income, r.at("transfers.sjukpenning.sgi_cap")[k])
    # SFB 28 kap. 7 §: the normalnivå of the sjukpenningunderlag (a share of the SGI) per kalenderdag for the first
    # normal_days days of the case (27 kap. 21 §), then the fortsättningsnivå (27 kap. 24 §); no end in law since 2016.
    # months_in_state: months sick before this month (paths.static holds it at the exit's).
    rate, share = r.at("transfers.sjukpenning.replacement_rate")[k], r.at("transfers.sjukpenning.sgi_share")[k]
    later = r.at("transfers.sjukpenning.fortsattning_rate")[k]
    per_month = DAYS_A_YEAR / 12
    first_day = c.months_in_state * per_month
    normal = np.clip(r.at("transfers.sjukpenning.normal_days")[k] - first_day, 0.0, per_month)
    return {"sjukpenning": (rate * normal + later * (per_month - normal)) * share * sgi / DAYS_A_YEAR}


def sjukpenning_steps(c: Cells, r: MonthRules) -> np.ndarray:
    """Cells × k: the months_in_state at which sjukpenning steps to the fortsättningsnivå (the month of
    day normal_days and the month after: cells.day_steps)."""
    return day_steps(r.at("transfers.sjukpenning.normal_days")[c.month][:, None], np.full(len(c), DAYS_A_YEAR / 12))


def sjukpenning_sarskilda_fall(c: Cells, r: MonthRules) -> dict[str, np.ndarray]:
    # SFB 28 a kap. 3, 9–11 §§: sjukpenning i särskilda fall, e.g. when aktivitetsersättning ends at 30: an amount per
    # calendar day at hel förmån (no SGI behind it); taxable like sjukpenning
    return {"sjukpenning": r.at("transfers.sjukpenning.sarskilda_fall_daily")[c.month] * DAYS_A_YEAR / 12}


def garantiniva(c: Cells, r: MonthRules) -> np.ndarray:
    """Garantinivå for full benefit by age in the month, SEK per year (SFB 35 kap.)."""
    age = r.calendar_year[c.month] - c.birth_year
    level = np.zeros(len(c))
    for in_rule, bands in r.cell_groups("transfers.sjuk_och_aktivitetsersattning.garantiniva", c):
        for band in bands:  # SEK a year (the rules' prisbasbelopp × the year's)
            level[in_rule & (age >= band.min_age)] = band.level
    return level


def _sjuk_eller_aktivitetsersattning(c: Cells, r: MonthRules) -> np.ndarray:
    k = c.month
    # SFB 34 kap.: inkomstrelaterad ersättning = a share of the antagandeinkomst, which is capped (in PBB)
    rate = r.at("transfers.sjuk_och_aktivitetsersattning.income_related_rate")[k]
    income_related = rate * np.minimum(c.prior_income, r.at("transfers.sjuk_och_aktivitetsersattning.antagandeinkomst_cap")[k])
    # SFB 35 kap.: garantiersättning tops the income-related ersättning up to the garantinivå
    return np.maximum(income_related, garantiniva(c, r)) / 12


def sjukersattning(c: Cells, r: MonthRules) -> dict[str, np.ndarray]:
    return {"sjukersattning": _sjuk_eller_aktivitetsersattning(c, r)}


def aktivitetsersattning(c: Cells, r: MonthRules) -> dict[str, np.ndarray]:
    return {"aktivitetsersattning": _sjuk_eller_aktivitetsersattning(c, r)}
