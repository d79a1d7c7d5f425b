"""The social insurance benefits paid by Försäkringskassan: sjukpenning, sjukersättning and
aktivitetsersättning (socialförsäkringsbalken, SFB 2010:110). Income-based on the participant's
prior_income (gross SEK a year before the benefit)."""

from __future__ import annotations

import numpy as np

from .cells import Cells, MonthRules


def sjukpenning(c: Cells, r: MonthRules) -> dict[str, np.ndarray]:
    k = c.month
    # SFB 25–26 kap.: SGI = the expected yearly income from work, income above 10 PBB not counted
    sgi = np.minimum(c.prior_income, r["sgi_cap"][k])
    # SFB 28 kap.: 80 % of the sjukpenningunderlag (97 % of the SGI) per kalenderdag, 365 days a year
    return {"sjukpenning": r["sjukpenning_rate"][k] * r["sgi_share"][k] * sgi / 12}


def garantiniva(c: Cells, r: MonthRules) -> np.ndarray:
    """Garantinivå for full benefit by age in the month, SEK per year (SFB 35 kap.)."""
    age = r["calendar_year"][c.month] - c.birth_year
    level = np.zeros(len(c))
    for months, bands in r.month_groups("garantiniva"):
        in_months = np.isin(c.month, months)
        for band in bands:
            level[in_months & (age >= band.min_age)] = band.level
    return level * r["pbb"][c.month]


def _sjuk_eller_aktivitetsersattning(c: Cells, r: MonthRules) -> np.ndarray:
    k = c.month
    # SFB 34 kap.: inkomstrelaterad ersättning = 64.7 % of the antagandeinkomst, at most 7.5 PBB
    income_related = r["sa_rate"][k] * np.minimum(c.prior_income, r["antagandeinkomst_cap"][k])
    # SFB 35 kap.: garantiersättning tops the income-related ersättning up to the garantinivå
    return np.maximum(income_related, garantiniva(c, r)) / 12


def sjukersattning(c: Cells, r: MonthRules) -> dict[str, np.ndarray]:
    return {"sjukersattning": _sjuk_eller_aktivitetsersattning(c, r)}


def aktivitetsersattning(c: Cells, r: MonthRules) -> dict[str, np.ndarray]:
    return {"aktivitetsersattning": _sjuk_eller_aktivitetsersattning(c, r)}
