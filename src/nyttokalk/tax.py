"""Swedish income tax on earned income, vectorised over arrays of people.

Final tax (slutlig skatt) per person and calendar year, and Skatteverket's monthly withholding
tables, by the method in docs/method.md ("Income tax"). Every amount and rate comes from the
rule year; nothing from law is written here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from .rules.schema import Piece, RuleYear

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


def piecewise(x, pieces: list[Piece], unit_value: float):
    """Evaluate a schedule written as the law writes it: above `over`, `base` plus `rate` (a
    fraction) of the part above `over`; `over` and `base` in units of unit_value (PBB, or 1 for SEK)."""
    x = np.asarray(x, dtype=float)
    overs = np.array([p.over for p in pieces]) * unit_value
    bases = np.array([p.base for p in pieces]) * unit_value
    rates = np.array([p.rate for p in pieces])  # fractions (rules.schema.Percent)
    of_total = np.array([p.of == "total" for p in pieces])
    idx = np.clip(np.searchsorted(overs, x, side="left") - 1, 0, None)
    return bases[idx] + rates[idx] * (x - np.where(of_total[idx], 0.0, overs[idx]))


@dataclass(frozen=True)
class TaxParams:
    """The income-tax parameters of one year, read from its rules."""

    year: int
    pbb: float
    ibb: float
    income_rounding: float
    deduction_rounding: float
    grundavdrag: list[Piece]
    grundavdrag_max_age: float
    grundavdrag_older: list[Piece] | None
    state_tax_rate: float
    state_tax_threshold: float
    pension_fee_rate: float
    pension_fee_ceiling: float  # SEK
    pension_fee_floor: float  # SEK
    pension_fee_rounding: float
    jsa_schedule: list[Piece]
    jsa_phase_out_over: float  # SEK; inf when none
    jsa_phase_out_rate: float
    jsa_max_age: float
    jsa_older: list[Piece] | None
    jsa_older_unit: float  # PBB, or 1 for a schedule in SEK
    jsa_older_phase_out_over: float
    jsa_older_phase_out_rate: float
    fir_rate: float
    fir_floor: float
    fir_ceiling: float
    temporary_work_reduction: list[Piece] | None
    public_service_rate: float
    public_service_cap: float  # SEK
    public_service_min_age: float
    withholding_table_fees: float

    @classmethod
    def from_rules(cls, rules: RuleYear) -> "TaxParams":
        day = dt.date(rules.year, 1, 1)
        it = rules.income_tax
        pbb = rules.base_amounts.prisbasbelopp.at(day)
        ibb = rules.base_amounts.inkomstbasbelopp.at(day)
        jsa = it.jobbskatteavdrag
        return cls(
            year=rules.year,
            pbb=pbb,
            ibb=ibb,
            income_rounding=it.income_rounding.at(day),
            deduction_rounding=it.deduction_rounding.at(day),
            grundavdrag=it.grundavdrag.at(day),
            grundavdrag_max_age=it.grundavdrag_max_age.at(day),
            grundavdrag_older=it.grundavdrag_older.at(day) if it.grundavdrag_older else None,
            state_tax_rate=it.state_tax_rate.at(day),
            state_tax_threshold=it.state_tax_threshold.at(day),
            pension_fee_rate=it.pension_fee.rate.at(day),
            pension_fee_ceiling=it.pension_fee.ceiling.at(day) * ibb,
            pension_fee_floor=it.pension_fee.floor.at(day) * pbb,
            pension_fee_rounding=it.pension_fee.rounding.at(day),
            jsa_schedule=jsa.schedule.at(day),
            jsa_phase_out_over=jsa.phase_out_over.at(day) * pbb if jsa.phase_out_over else float("inf"),
            jsa_phase_out_rate=jsa.phase_out_rate.at(day) if jsa.phase_out_rate else 0.0,
            jsa_max_age=jsa.max_age.at(day),
            jsa_older=jsa.older.schedule.at(day) if jsa.older else None,
            jsa_older_unit=(pbb if jsa.older.schedule.unit == "prisbasbelopp" else 1.0) if jsa.older else 1.0,
            jsa_older_phase_out_over=(
                jsa.older.phase_out_over.at(day) * (pbb if jsa.older.phase_out_over.unit == "prisbasbelopp" else 1.0)
                if jsa.older and jsa.older.phase_out_over else float("inf")
            ),
            jsa_older_phase_out_rate=jsa.older.phase_out_rate.at(day) if jsa.older and jsa.older.phase_out_rate else 0.0,
            fir_rate=it.earned_income_reduction.rate.at(day),
            fir_floor=it.earned_income_reduction.floor.at(day),
            fir_ceiling=it.earned_income_reduction.ceiling.at(day),
            temporary_work_reduction=it.temporary_work_reduction.at(day) if it.temporary_work_reduction else None,
            public_service_rate=it.public_service.rate.at(day),
            public_service_cap=it.public_service.cap.at(day) * ibb,
            public_service_min_age=it.public_service.min_age.at(day),
            withholding_table_fees=it.withholding_table_fees.at(day),
        )


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
    p: TaxParams,
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
    Rates are fractions. `final` is the final tax (fees truncated to kronor, the 2021–2022
    temporary reduction included); `final=False` is the withholding-table variant.
    """
    work = np.asarray(work_income, dtype=float)
    other = np.asarray(benefit_income, dtype=float)
    no_fee = np.asarray(no_fee_income, dtype=float)
    work, other, no_fee = np.broadcast_arrays(work, other, no_fee)
    kommun_rate, region_rate, begravning_rate = (np.broadcast_to(np.asarray(r, dtype=float), work.shape) for r in (kommun_rate, region_rate, begravning_rate))
    if age_at_year_start is None:
        age = np.full(work.shape, p.public_service_min_age)  # an adult below the older-age rules
    else:
        age = np.broadcast_to(np.asarray(age_at_year_start, dtype=float), work.shape)
        limit = min(p.grundavdrag_max_age, p.jsa_max_age)
        too_old = age >= limit
        if too_old.any() and (p.grundavdrag_older is None or p.jsa_older is None):
            raise AgeNotModelled(too_old, limit, p.year)
    older_ga = age >= p.grundavdrag_max_age
    older_jsa = age >= p.jsa_max_age

    income = work + other + no_fee
    fee_income = work + other  # the allmän pensionsavgift's base: not sjuk-/aktivitetsersättning
    # IL 62–63 kap.: fastställd förvärvsinkomst rounded down; grundavdrag rounded up, never above FFI
    ffi = floor_to(income, p.income_rounding)
    ga_raw = piecewise(ffi, p.grundavdrag, p.pbb)
    if p.grundavdrag_older is not None and older_ga.any():
        # IL 63 kap. 3 a §: förhöjt grundavdrag = grundavdrag + särskilt belopp
        ga_raw = ga_raw + np.where(older_ga, piecewise(ffi, p.grundavdrag_older, p.pbb), 0.0)
    ga = np.minimum(ceil_to(ga_raw, p.deduction_rounding), ffi)
    bfi = ffi - ga

    # IL 65 kap. 3–5 §§: kommunal inkomstskatt (kommun + region) and statlig inkomstskatt
    local_rate = kommun_rate + region_rate
    municipal = floor_kr(bfi * local_rate)
    kommun_share = np.divide(kommun_rate, local_rate, out=np.ones_like(local_rate), where=local_rate > 0)
    kommun_tax = municipal * kommun_share
    region_tax = municipal - kommun_tax
    state = floor_kr(p.state_tax_rate * np.maximum(0.0, bfi - p.state_tax_threshold))

    # Lag (1994:1744) om allmän pensionsavgift 2–4 §§: 7 % of the income rounded down to hundreds,
    # up to 8.07 IBB, the fee rounded to the nearest hundred; IL 67 kap. 4 §: its reduction, set off first
    if pension_fee:
        fee_base = floor_to(fee_income, p.income_rounding)
        fee = round_half_down_to(p.pension_fee_rate * np.minimum(fee_base, p.pension_fee_ceiling), p.pension_fee_rounding)
        fee = np.where(fee_income < p.pension_fee_floor, 0.0, fee)
    else:
        fee = np.zeros_like(income)
    fee_reduction = np.minimum(fee, municipal + state)
    fee_red_municipal = np.minimum(fee_reduction, municipal)
    municipal_left = municipal - fee_red_municipal
    state_left = state - (fee_reduction - fee_red_municipal)

    # IL 67 kap. 7 §: jobbskatteavdrag, only against kommunal inkomstskatt
    work_rounded = floor_to(work, p.income_rounding)
    if jsa:
        # grundavdrag counts against arbetsinkomst only beyond the other income (IL 67 kap. 7 §)
        ga_work = np.maximum(0.0, ga - (ffi - work_rounded))
        underlag = piecewise(work_rounded, p.jsa_schedule, p.pbb)
        phase_out = p.jsa_phase_out_rate * np.maximum(0.0, work_rounded - p.jsa_phase_out_over)
        jsa_amount = floor_kr(np.maximum(0.0, (underlag - ga_work) * local_rate - phase_out))
        if p.jsa_older is not None and older_jsa.any():
            # IL 67 kap. 7 § for older workers: an amount by arbetsinkomst, not × the rate
            older_amount = piecewise(work_rounded, p.jsa_older, p.jsa_older_unit)
            older_amount -= p.jsa_older_phase_out_rate * np.maximum(0.0, work_rounded - p.jsa_older_phase_out_over)
            jsa_amount = np.where(older_jsa, floor_kr(np.maximum(0.0, older_amount)), jsa_amount)
        jsa_amount = np.where(work_rounded > 0, jsa_amount, 0.0)
    else:
        jsa_amount = np.zeros_like(income)
    jsa_credit = np.minimum(jsa_amount, municipal_left)
    municipal_left = municipal_left - jsa_credit

    # IL 67 kap. 46–48 §§: skattereduktion för förvärvsinkomst, only against kommunal inkomstskatt
    fir = floor_kr(p.fir_rate * np.maximum(0.0, np.minimum(bfi, p.fir_ceiling) - p.fir_floor))
    fir_credit = np.minimum(fir, municipal_left)
    municipal_left = municipal_left - fir_credit

    # Lag (2021:930): tillfällig skattereduktion för arbetsinkomster, set off last, final tax only
    if temporary_reduction and final and p.temporary_work_reduction is not None:
        temp = floor_kr(np.maximum(0.0, piecewise(work_rounded, p.temporary_work_reduction, 1.0)))
    else:
        temp = np.zeros_like(income)
    temp_credit = np.minimum(temp, municipal_left + state_left)

    # Lag (2018:1893): public service-avgift; begravningslagen 9 kap.: begravningsavgift
    public_service = np.where(
        age >= p.public_service_min_age,
        floor_kr(p.public_service_rate * np.minimum(bfi, p.public_service_cap)),
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


# column: (older, jsa, pension fee) — SKV 433: 1 wages < 66 (2022: 65), 2 pension ≥ 66, 3 wages ≥ 66,
# 5 other pension-qualifying income < 66 without JSA, 6 other income < 66 without pension fee
WITHHOLDING_COLUMNS = {1: (False, True, True), 2: (True, False, False), 3: (True, True, True), 5: (False, False, True), 6: (False, False, False)}


def withholding(monthly_income, table: int, column: int, p: TaxParams):
    """Skatteverket's monthly withholding (SKV 433) for a pay in the interval whose upper bound
    is given (or any pay: the interval is found from the table's steps), table N, column C."""
    if column not in WITHHOLDING_COLUMNS:
        raise ValueError(f"column {column} is not modelled (columns: {sorted(WITHHOLDING_COLUMNS)})")
    m = np.asarray(monthly_income, dtype=float)
    # intervals of 100 kr up to 20 000 kr, of 200 kr above (SKV 433): the interval's upper bound
    upper = np.where(m <= 20_000, ceil_to(m, 100), 20_000 + ceil_to(m - 20_000, 200))
    annual = floor_to(12 * upper, p.income_rounding)
    older, jsa, fee = WITHHOLDING_COLUMNS[column]
    local = (table - p.withholding_table_fees * 100) / 100
    age = max(p.grundavdrag_max_age, p.jsa_max_age) if older else p.public_service_min_age
    res = income_tax(annual, 0.0, local, 0.0, p.withholding_table_fees, p, age_at_year_start=age, jsa=jsa, pension_fee=fee, final=False)
    return floor_kr(res["total"] / 12)
