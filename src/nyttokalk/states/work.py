"""Work states: unsubsidised work and the subsidised jobs, paid by an employer.

Each returns the pay to the individual, the employer contributions (the ålderspensionsavgift
apart from the rest) and the state's subsidy to the employer. Production value and income tax are added by the engine.
"""

from __future__ import annotations

import numpy as np

from .cells import Cells, MonthRules


def gross_pay(c: Cells, r: MonthRules) -> tuple[np.ndarray, np.ndarray]:
    """(monthly pay, semesterersättning on top of it when the scenario says so)."""
    pay = c.wage * c.extent
    # Semesterlagen (1977:480) 16 b §: semesterersättning, only when the scenario adds it on top (wages.holiday_pay)
    holiday = pay * r.at("economy.holiday_pay_rate")[c.month] if r.scenario.wages.holiday_pay else np.zeros_like(pay)
    return pay, holiday


def employer_contribution_parts(gross: np.ndarray, c: Cells, r: MonthRules) -> tuple[np.ndarray, np.ndarray]:
    """(arbetsgivaravgifter with the reductions for the person's birth year and month, the
    ålderspensionsavgift within them). Every reduction keeps the ålderspensionsavgift whole (lag
    2021:55 2 §, lag 2000:981 11 §); a rate below it (no fees at all) is all pension."""
    # Socialavgiftslagen (2000:980) 2 kap. 26 §: full rate, of which the ålderspensionsavgift; 2 kap. 27 § and temporary laws: reductions
    full = r.at("employer_contributions.full_rate")[c.month]
    pension_rate = r.at("employer_contributions.pension_rate")[c.month]
    fees = full * gross
    pension = np.minimum(full, pension_rate) * gross
    calendar_month = r.month_of_year[c.month]
    for in_rule, reductions in r.cell_groups("employer_contributions.reductions", c):
        for red in reductions:
            hit = in_rule & (c.birth_year >= red.born_from) & (c.birth_year <= red.born_to)
            if red.months is not None:  # the calendar months it applies in, looked up by month (1–12)
                hit &= np.isin(np.arange(13), red.months)[calendar_month]
            if not hit.any():
                continue
            cap = np.inf if red.monthly_pay_cap is None else red.monthly_pay_cap
            below, above = np.minimum(gross[hit], cap), np.maximum(0.0, gross[hit] - cap)
            fees[hit] = red.rate * below + full[hit] * above
            pension[hit] = np.minimum(red.rate, pension_rate[hit]) * below + np.minimum(full[hit], pension_rate[hit]) * above
    return fees, pension


def employer_contributions(gross: np.ndarray, c: Cells, r: MonthRules) -> np.ndarray:
    """Arbetsgivaravgifter with the reductions for the person's birth year and month."""
    return employer_contribution_parts(gross, c, r)[0]


def _employment(c: Cells, r: MonthRules) -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray]:
    pay, holiday = gross_pay(c, r)
    gross = pay + holiday
    fees, pension = employer_contribution_parts(gross, c, r)
    effective_rate = np.divide(fees, gross, out=np.zeros_like(gross), where=gross > 0)
    # the ålderspensionsavgift goes to the pension system, the rest of the fees to the state
    return {"lon": pay, "semesterersattning": holiday, "arbetsgivaravgift": fees - pension, "alderspensionsavgift": pension}, gross, effective_rate


def _wage_subsidy(gross: np.ndarray, rate: np.ndarray, c: Cells, share, wage_cap: np.ndarray) -> np.ndarray:
    """A share of the lönekostnad (pay and employer contributions) on pay up to the cap, pro rata for part time."""
    capped = np.minimum(gross, wage_cap[c.month] * c.extent)
    return share * capped * (1 + rate)


def arbete(c: Cells, r: MonthRules) -> dict[str, np.ndarray]:
    flows, _, _ = _employment(c, r)
    return flows


def introduktionsjobb(c: Cells, r: MonthRules) -> dict[str, np.ndarray]:
    flows, gross, rate = _employment(c, r)
    # Förordning (2018:42): share of the lönekostnad on pay up to the cap (pro rata for part time)
    share = r.at("subsidies.introduktionsjobb.share")[c.month]
    flows["stod_introduktionsjobb"] = _wage_subsidy(gross, rate, c, share, r.at("subsidies.introduktionsjobb.wage_cap"))
    # handledarstöd for the first months of the employment
    first_months = c.months_in_state < r.at("subsidies.introduktionsjobb.supervisor_months")[c.month]
    flows["stod_handledare"] = np.where(first_months, r.at("subsidies.introduktionsjobb.supervisor_support")[c.month], 0.0)
    return flows


def introduktionsjobb_steps(c: Cells, r: MonthRules) -> np.ndarray:
    """Cells × 1: the months_in_state at which the handledarstöd ends."""
    return r.at("subsidies.introduktionsjobb.supervisor_months")[c.month][:, None].astype(float)


def nystartsjobb_level(c: Cells, r: MonthRules) -> np.ndarray:
    """Support level 1, 2, 3 by age and months away from work, or the newly-arrived level; 0 = none."""
    level = np.zeros(len(c), dtype=int)
    for in_rule, bands in r.cell_groups("subsidies.nystartsjobb.bands", c):
        for band in bands:
            upper = np.inf if band.max_months is None else band.max_months
            hit = (
                in_rule
                & (c.age >= band.min_age) & (c.age <= band.max_age)
                & (c.months_unemployed >= band.min_months) & (c.months_unemployed <= upper)
            )
            level[hit] = band.level
    newly = c.newly_arrived
    level[newly] = r.at("subsidies.nystartsjobb.newly_arrived_level")[c.month][newly].astype(int)
    return level


def nystartsjobb(c: Cells, r: MonthRules) -> dict[str, np.ndarray]:
    flows, gross, rate = _employment(c, r)
    # Förordning (2018:43) 11, 16–17 §§: a multiple of the employer contributions due on pay up to the cap
    level = nystartsjobb_level(c, r)
    multiples = r.at("subsidies.nystartsjobb.multiples")[c.month]  # (cells, levels)
    multiple = np.where(level > 0, np.take_along_axis(multiples, np.clip(level - 1, 0, None)[:, None], axis=1)[:, 0], 0.0)
    capped = np.minimum(gross, r.at("subsidies.nystartsjobb.wage_cap")[c.month] * c.extent)
    flows["stod_nystartsjobb"] = multiple * rate * capped
    flows["warning:nystartsjobb_not_qualifying"] = level == 0
    return flows


def extratjanst(c: Cells, r: MonthRules) -> dict[str, np.ndarray]:
    flows, gross, rate = _employment(c, r)
    # Förordning (2018:42): share of the lönekostnad on pay up to the cap. The rule is absent from 2023
    # (no new extratjänster): a counted month without it is refused with the inputs (engine), and a month
    # outside the horizon after it ended is paid without subsidy (default 0).
    share = r.at("subsidies.extratjanst.share", default=0.0)[c.month]
    flows["stod_extratjanst"] = _wage_subsidy(gross, rate, c, share, r.at("subsidies.extratjanst.wage_cap", default=0.0))
    return flows


def lonebidrag(c: Cells, r: MonthRules) -> dict[str, np.ndarray]:
    flows, gross, rate = _employment(c, r)
    # Förordning (2017:462) 21 §: the scenario's share of the lönekostnad (decided per person by
    # Arbetsförmedlingen; the engine requires subsidies.lonebidrag_share when anyone goes to lonebidrag)
    share = r.scenario.subsidies.lonebidrag_share
    flows["stod_lonebidrag"] = _wage_subsidy(gross, rate, c, share, r.at("subsidies.lonebidrag.wage_cap"))
    return flows
