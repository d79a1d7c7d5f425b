"""Swedish income tax on earned income, vectorised over arrays of people.

Final tax (slutlig skatt) per person and calendar year, and Skatteverket's monthly withholding
tables, by the method in docs/method.md ("Income tax"). Every amount and rate comes from the
rule year, read by its path (`rules.at("income_tax.state_tax_rate")`, rules/lookup.py: amounts in
SEK, rates as fractions); nothing from law is written here.
"""

from __future__ import annotations

import numpy as np

from .ruleset.lookup import RuleView
from .ruleset.schema import Piece, RuleYear

# Tolerance for floating-point products that should be whole kronor (e.g. 0.01 × 132 700).
_EPS = 1e-6


def floor_kr(x):
    return np.floor(np.asarray(x, dtype=float) + _EPS)


def floor_to(x, step: float):
    return np.floor(np.asarray(x, dtype=float) / step + _EPS) * step


def ceil_to(x, step: float):
    return np.ceil(np.asarray(x, dtype=float) / step - _EPS) * step


def round_half_down_to(x, step: float):
    """Nearest multiple of step; an exact half goes down (allmän pensionsavgift)."""
    return np.ceil(np.asarray(x, dtype=float) / step - 0.5 - _EPS) * step


def piecewise(x, pieces: list[Piece]):
    """Evaluate a schedule written as the law writes it: above `over`, `base` plus `rate` (a
    fraction) of the part above `over`, with `over` and `base` in SEK (as the rules lookup gives
    a schedule written in prisbasbelopp)."""
    x = np.asarray(x, dtype=float)
    overs = np.array([p.over for p in pieces])
    bases = np.array([p.base for p in pieces])
    rates = np.array([p.rate for p in pieces])
    of_total = np.array([p.of == "total" for p in pieces])
    idx = np.clip(np.searchsorted(overs, x, side="left") - 1, 0, None)
    return bases[idx] + rates[idx] * (x - np.where(of_total[idx], 0.0, overs[idx]))


def year_rules(rules: RuleYear) -> RuleView:
    """The income-tax parameters of a rule year: its rules in force on 1 January."""
    return RuleView(rules)


class AgeNotModelled(ValueError):
    """Raised for people whose age at the start of the year needs the older persons' rules."""

    def __init__(self, mask: np.ndarray, limit: float, year: int):
        self.mask = mask
        self.limit = limit
        self.year = year
        super().__init__(f"tax for people aged {limit:g} or more at the start of {year} is not modelled yet")


COMPONENTS = (
    "income",
    "ffi",
    "grundavdrag",
    "bfi",
    "municipal_tax",
    "kommun_tax",
    "region_tax",
    "state_tax",
    "pension_fee",
    "pension_fee_reduction",
    "jobbskatteavdrag",
    "earned_income_reduction",
    "temporary_work_reduction",
    "public_service_fee",
    "begravning_fee",
    "total",
    "net",
)


def income_tax(
    work_income,
    benefit_income,
    kommun_rate,
    region_rate,
    begravning_rate,
    rules: RuleView,
    *,
    age_at_year_start=None,
    jsa: bool = True,
    pension_fee: bool = True,
    temporary_reduction: bool = True,
    final: bool = True,
    no_fee_income=0.0,
) -> dict[str, np.ndarray]:
    """Annual income tax, every component, for arrays of people.

    work_income: arbetsinkomst (wages; gives jobbskatteavdrag), SEK/year.
    benefit_income: other taxable, pension-qualifying income without JSA (aktivitetsstöd, a-kassa, sjukpenning).
    no_fee_income: taxable income without allmän pensionsavgift and without JSA (sjuk- and
    aktivitetsersättning: the state pays the pension contribution), SEK/year.
    rules: the year's rules (`year_rules(rule_year)`), read by path in SEK and fractions.
    Rates are fractions. `final` is the final tax (fees truncated to kronor, the 2021–2022
    temporary reduction included); `final=False` is the withholding-table variant.

    One function on purpose: the law sets the components off against each other in a fixed
    order (pension-fee reduction first, then jobbskatteavdrag, förvärvsinkomst and the temporary
    reduction against what is left), which reads most plainly as one sequence.
    """
    at = rules.at
    work = np.asarray(work_income, dtype=float)
    other = np.asarray(benefit_income, dtype=float)
    no_fee = np.asarray(no_fee_income, dtype=float)
    work, other, no_fee = np.broadcast_arrays(work, other, no_fee)
    kommun_rate, region_rate, begravning_rate = (np.broadcast_to(np.asarray(r, dtype=float), work.shape) for r in (kommun_rate, region_rate, begravning_rate))
    ga_max_age, jsa_max_age = at("income_tax.grundavdrag_max_age"), at("income_tax.jobbskatteavdrag.max_age")
    ga_older = at("income_tax.grundavdrag_older", default=None)
    jsa_older = at("income_tax.jobbskatteavdrag.older.schedule", default=None)
    if age_at_year_start is None:
        age = np.full(work.shape, at("income_tax.public_service.min_age"))  # an adult below the older-age rules
    else:
        age = np.broadcast_to(np.asarray(age_at_year_start, dtype=float), work.shape)
        limit = min(ga_max_age, jsa_max_age)
        too_old = age >= limit
        if too_old.any() and (ga_older is None or jsa_older is None):
            raise AgeNotModelled(too_old, limit, rules.year)
    older_ga = age >= ga_max_age
    older_jsa = age >= jsa_max_age

    income = work + other + no_fee
    fee_income = work + other  # the allmän pensionsavgift's base: not sjuk-/aktivitetsersättning
    # IL 62–63 kap.: fastställd förvärvsinkomst rounded down; grundavdrag rounded up, never above FFI
    rounding = at("income_tax.income_rounding")
    ffi = floor_to(income, rounding)
    ga_raw = piecewise(ffi, at("income_tax.grundavdrag"))
    if ga_older is not None and older_ga.any():
        # IL 63 kap. 3 a §: förhöjt grundavdrag = grundavdrag + särskilt belopp
        ga_raw = ga_raw + np.where(older_ga, piecewise(ffi, ga_older), 0.0)
    ga = np.minimum(ceil_to(ga_raw, at("income_tax.deduction_rounding")), ffi)
    bfi = ffi - ga

    # IL 65 kap. 3–5 §§: kommunal inkomstskatt (kommun + region) and statlig inkomstskatt
    local_rate = kommun_rate + region_rate
    municipal = floor_kr(bfi * local_rate)
    kommun_share = np.divide(kommun_rate, local_rate, out=np.ones_like(local_rate), where=local_rate > 0)
    kommun_tax = municipal * kommun_share
    region_tax = municipal - kommun_tax
    state = floor_kr(at("income_tax.state_tax_rate") * np.maximum(0.0, bfi - at("income_tax.state_tax_threshold")))

    # Lag (1994:1744) om allmän pensionsavgift 2–4 §§: a share of the income rounded down to hundreds,
    # up to a ceiling in inkomstbasbelopp, the fee rounded to the nearest hundred; IL 67 kap. 4 §: its reduction, set off first
    if pension_fee:
        fee_base = floor_to(fee_income, rounding)
        fee = round_half_down_to(at("income_tax.pension_fee.rate") * np.minimum(fee_base, at("income_tax.pension_fee.ceiling")),
                                 at("income_tax.pension_fee.rounding"))
        fee = np.where(fee_income < at("income_tax.pension_fee.floor"), 0.0, fee)
    else:
        fee = np.zeros_like(income)
    fee_reduction = np.minimum(fee, municipal + state)
    fee_red_municipal = np.minimum(fee_reduction, municipal)
    municipal_left = municipal - fee_red_municipal
    state_left = state - (fee_reduction - fee_red_municipal)

    # IL 67 kap. 7 §: jobbskatteavdrag, only against kommunal inkomstskatt
    work_rounded = floor_to(work, rounding)
    if jsa:
        # grundavdrag counts against arbetsinkomst only beyond the other income (IL 67 kap. 7 §)
        ga_work = np.maximum(0.0, ga - (ffi - work_rounded))
        underlag = piecewise(work_rounded, at("income_tax.jobbskatteavdrag.schedule"))
        phase_out = at("income_tax.jobbskatteavdrag.phase_out_rate", default=0.0) * np.maximum(
            0.0, work_rounded - at("income_tax.jobbskatteavdrag.phase_out_over", default=np.inf))
        jsa_amount = floor_kr(np.maximum(0.0, (underlag - ga_work) * local_rate - phase_out))
        if jsa_older is not None and older_jsa.any():
            # IL 67 kap. 7 § for older workers: an amount by arbetsinkomst, not × the rate
            older_amount = piecewise(work_rounded, jsa_older)
            older_amount -= at("income_tax.jobbskatteavdrag.older.phase_out_rate", default=0.0) * np.maximum(
                0.0, work_rounded - at("income_tax.jobbskatteavdrag.older.phase_out_over", default=np.inf))
            jsa_amount = np.where(older_jsa, floor_kr(np.maximum(0.0, older_amount)), jsa_amount)
        jsa_amount = np.where(work_rounded > 0, jsa_amount, 0.0)
    else:
        jsa_amount = np.zeros_like(income)
    jsa_credit = np.minimum(jsa_amount, municipal_left)
    municipal_left = municipal_left - jsa_credit

    # IL 67 kap. 46–48 §§: skattereduktion för förvärvsinkomst, only against kommunal inkomstskatt
    fir = floor_kr(at("income_tax.earned_income_reduction.rate") * np.maximum(
        0.0, np.minimum(bfi, at("income_tax.earned_income_reduction.ceiling")) - at("income_tax.earned_income_reduction.floor")))
    fir_credit = np.minimum(fir, municipal_left)
    municipal_left = municipal_left - fir_credit

    # Lag (2021:930): tillfällig skattereduktion för arbetsinkomster, set off last, final tax only
    temporary = at("income_tax.temporary_work_reduction", default=None)
    if temporary_reduction and final and temporary is not None:
        temp = floor_kr(np.maximum(0.0, piecewise(work_rounded, temporary)))
    else:
        temp = np.zeros_like(income)
    temp_credit = np.minimum(temp, municipal_left + state_left)

    # Lag (2018:1893): public service-avgift; begravningslagen 9 kap.: begravningsavgift
    public_service = np.where(
        age >= at("income_tax.public_service.min_age"),
        floor_kr(at("income_tax.public_service.rate") * np.minimum(bfi, at("income_tax.public_service.cap"))),
        0.0,
    )
    begravning = bfi * begravning_rate
    if final:
        begravning = floor_kr(begravning)

    total = municipal + state + fee - fee_reduction - jsa_credit - fir_credit - temp_credit + public_service + begravning
    return {
        "income": income,
        "ffi": ffi,
        "grundavdrag": ga,
        "bfi": bfi,
        "municipal_tax": municipal,
        "kommun_tax": kommun_tax,
        "region_tax": region_tax,
        "state_tax": state,
        "pension_fee": fee,
        "pension_fee_reduction": fee_reduction,
        "jobbskatteavdrag": jsa_credit,
        "earned_income_reduction": fir_credit,
        "temporary_work_reduction": temp_credit,
        "public_service_fee": public_service,
        "begravning_fee": begravning,
        "total": total,
        "net": income - total,
    }


# column: (older, jsa, pension fee) — SKV 433: 1 wages below the older persons' age, 2 pension at or
# above it, 3 wages at or above it, 5 other pension-qualifying income below it without JSA,
# 6 other income below it without pension fee (the age: income_tax.jobbskatteavdrag.max_age)
WITHHOLDING_COLUMNS = {1: (False, True, True), 2: (True, False, False), 3: (True, True, True), 5: (False, False, True), 6: (False, False, False)}


def table_interval_top(monthly_income, rules: RuleView):
    """The upper bound of the withholding table's pay interval that holds each monthly pay
    (income_tax.withholding_intervals: widths by pay, SKV 433)."""
    m = np.asarray(monthly_income, dtype=float)
    intervals = rules.at("income_tax.withholding_intervals")
    overs = np.array([i.over for i in intervals])
    widths = np.array([i.width for i in intervals])
    k = np.clip(np.searchsorted(overs, m, side="left") - 1, 0, None)
    # over + a whole number of widths; over 0 gives exactly ceil_to(m, width)
    return np.where(k == 0, ceil_to(m, widths[0]), overs[k] + ceil_to(m - overs[k], widths[k]))


def withholding(monthly_income, table: int, column: int, rules: RuleView):
    """Skatteverket's monthly withholding (SKV 433) for a pay in the interval whose upper bound
    is given (or any pay: the interval is found from the table's steps), table N, column C."""
    if column not in WITHHOLDING_COLUMNS:
        raise ValueError(f"column {column} is not modelled (columns: {sorted(WITHHOLDING_COLUMNS)})")
    at = rules.at
    annual = floor_to(12 * table_interval_top(monthly_income, rules), at("income_tax.income_rounding"))
    older, jsa, fee = WITHHOLDING_COLUMNS[column]
    fees = at("income_tax.withholding_table_fees")
    local = (table - fees * 100) / 100  # the table number is the local rate in percent, fees included
    age = max(at("income_tax.grundavdrag_max_age"), at("income_tax.jobbskatteavdrag.max_age")) if older else at("income_tax.public_service.min_age")
    res = income_tax(annual, 0.0, local, 0.0, fees, rules, age_at_year_start=age, jsa=jsa, pension_fee=fee, final=False)
    return floor_kr(res["total"] / 12)
