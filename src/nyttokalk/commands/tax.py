"""`nyttokalk tax`: every component of the income tax for one or more incomes, or Skatteverket's
monthly withholding table N, column C."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InputError, Problem
from ..i18n import N_, _, localise, number, pgettext
from ..ruleset.loader import RuleBook
from ..ruleset.lookup import RuleView
from ..incometax import COMPONENTS, WITHHOLDING_COLUMNS, income_tax, withholding, year_rules

LABELS = {  # English message ids; the Swedish terms are the catalogue's
    "income": N_("Income"),
    "ffi": N_("Assessed earned income (fastställd förvärvsinkomst)"),
    "grundavdrag": N_("Basic allowance (grundavdrag)"),
    "bfi": N_("Taxable earned income"),
    "municipal_tax": N_("Municipal income tax"),
    "kommun_tax": N_("  of which kommun"),
    "region_tax": N_("  of which region"),
    "state_tax": N_("State income tax"),
    "pension_fee": N_("General pension contribution (allmän pensionsavgift)"),
    "pension_fee_reduction": N_("Tax reduction for the pension contribution"),
    "jobbskatteavdrag": N_("Jobbskatteavdrag (earned income tax credit)"),
    "earned_income_reduction": N_("Tax reduction for earned income"),
    "temporary_work_reduction": N_("Temporary tax reduction (2022)"),
    "public_service_fee": N_("Public service fee"),
    "begravning_fee": N_("Burial fee (begravningsavgift)"),
    "total": N_("Tax and fees"),
    "net": N_("Left after tax"),
}
NATIONAL_AVERAGE = N_("national average (rules)")  # rates_from in the JSON (as it is), translated when shown
REDUCTIONS = {"pension_fee_reduction", "jobbskatteavdrag", "earned_income_reduction", "temporary_work_reduction"}


@dataclass(frozen=True)
class TaxRequest:
    year: int
    annual_income: float | None
    monthly_incomes: list[float]
    local_rate: float | None  # percent, kommun + region
    begravning_rate: float | None  # percent
    municipality: str | None
    age: int | None
    jsa: bool
    pension_fee: bool
    temporary_reduction: bool
    table: int | None
    column: int | None


def _problem(option: str, value, text: str) -> Problem:
    return Problem(file=_("command line"), column=option, value=str(value), problem=text)


def compute(req: TaxRequest) -> list[dict]:
    """One result dict per income, in the order given. Raises InputError on bad options."""
    book = RuleBook()
    loaded, projected = book.year_for(req.year)
    rules = year_rules(loaded.rules)
    problems = _option_problems(req) + _table_problems(req, rules)
    if problems:
        raise InputError(problems, _("bad options for nyttokalk tax"))
    header = {"year": req.year, "projected_rules": projected}
    if req.table is not None:
        return _table_rows(req, rules, header)
    return _income_rows(req, rules, header, *_rates(req, book, loaded, rules))


def _option_problems(req: TaxRequest) -> list[Problem]:
    problems: list[Problem] = []
    if (req.annual_income is None) == (not req.monthly_incomes):
        problems.append(_problem("--annual-income/--monthly-income", "", _("give either --annual-income or --monthly-income (which may be repeated)")))
    if req.annual_income is not None and req.annual_income < 0:
        problems.append(_problem("--annual-income", req.annual_income, _("income must be zero or more")))
    for m in req.monthly_incomes:
        if m < 0:
            problems.append(_problem("--monthly-income", m, _("income must be zero or more")))
    if req.local_rate is not None and req.municipality is not None:
        problems.append(_problem("--local-rate/--municipality", "", _("give --local-rate or --municipality, not both")))
    if req.local_rate is not None and not 0 < req.local_rate < 100:
        problems.append(_problem("--local-rate", req.local_rate, _("a percent between 0 and 100, e.g. 32.38")))
    if req.age is not None and not 0 <= req.age <= 120:
        problems.append(_problem("--age", req.age, _("an age in whole years at the start of the year, 0–120")))
    return problems


def _table_problems(req: TaxRequest, rules: RuleView) -> list[Problem]:
    """With --table or --column: both given, a modelled column, monthly pay inside the tables."""
    if req.table is None and req.column is None:
        return []
    problems: list[Problem] = []
    if req.table is None or req.column is None:
        problems.append(_problem("--table/--column", "", _("give both --table N and --column C")))
    elif req.column not in WITHHOLDING_COLUMNS:
        problems.append(_problem("--column", req.column, _("columns modelled: {columns} (column 4, sjuk-/aktivitetsersättning, is not)").format(
            columns=", ".join(map(str, sorted(WITHHOLDING_COLUMNS))))))
    if req.table is not None and not 25 <= req.table <= 45:
        problems.append(_problem("--table", req.table, _("Skatteverket's table numbers run from about 29 to 42")))
    if not req.monthly_incomes:
        problems.append(_problem("--table", req.table, _("the withholding tables are monthly: give --monthly-income")))
    top = rules.at("income_tax.withholding_intervals")[-1].up_to
    for m in req.monthly_incomes:
        if m > top:
            problems.append(_problem("--monthly-income", m, _("above {top} kr/month the tables give a percentage, which is not modelled "
                                                              "(income_tax.withholding_intervals)").format(top=number(top))))
    for opt, given in (("--local-rate", req.local_rate), ("--municipality", req.municipality), ("--age", req.age)):
        if given is not None:
            problems.append(_problem(opt, given, _("the table and column fix the rate and age group; leave this out with --table")))
    return problems


def _rates(req: TaxRequest, book: RuleBook, loaded, rules: RuleView) -> tuple[tuple[float, float, float], str]:
    """(kommun, region, begravning) rates as fractions, and where they come from."""
    at = rules.at
    begr = at("local_tax.begravning_rate")
    if req.municipality is not None:
        m = book.municipality(loaded, req.municipality)
        if m is None:
            guess = book.suggest_municipality(loaded, req.municipality)
            hint = "; " + _("did you mean {guess}?").format(guess=repr(guess)) if guess else ""
            where = loaded.municipalities_path or f"rules/municipalities/{rules.year}.csv"
            raise InputError([_problem("--municipality", req.municipality, _("not found in {path}").format(path=where) + hint)],
                             _("unknown municipality"))
        rates = (m.kommun_rate, m.region_rate, m.begravning_rate)
        source = f"{m.name} ({m.code}), {loaded.municipalities_path.name if loaded.municipalities_path else ''}"
    elif req.local_rate is not None:
        rates, source = (req.local_rate / 100, 0.0, begr), "--local-rate"
    else:
        rates, source = (at("local_tax.average_kommun_rate"), at("local_tax.average_region_rate"), begr), NATIONAL_AVERAGE
    if req.begravning_rate is not None:
        rates = rates[:2] + (req.begravning_rate / 100,)
    return rates, source


def _table_rows(req: TaxRequest, rules: RuleView, header: dict) -> list[dict]:
    older, jsa, fee = WITHHOLDING_COLUMNS[req.column]
    monthly = np.asarray(req.monthly_incomes, dtype=float)
    w = withholding(monthly, req.table, req.column, rules)
    fees = rules.at("income_tax.withholding_table_fees")
    return [
        {**header, "monthly_income": float(mi), "table": req.table, "column": req.column,
         "withholding": int(wi), "assumes": {"kommunal_rate_percent": round(req.table - fees * 100, 4),
                                               "fees_percent": round(fees * 100, 4),
                                               "older": older, "jobbskatteavdrag": jsa, "pension_fee": fee}}
        for mi, wi in zip(monthly, w)
    ]


def _income_rows(req: TaxRequest, rules: RuleView, header: dict, rates: tuple[float, float, float], source: str) -> list[dict]:
    kommun, region, begr = rates
    if req.annual_income is not None:
        incomes, per = np.array([req.annual_income], dtype=float), "year"
    else:
        incomes, per = 12 * np.asarray(req.monthly_incomes, dtype=float), "month"
    age = req.age
    work = incomes if req.jsa else np.zeros_like(incomes)
    other = np.zeros_like(incomes) if req.jsa else incomes
    res = income_tax(work, other, kommun, region, begr, rules, age_at_year_start=age, jsa=req.jsa,
                     pension_fee=req.pension_fee, temporary_reduction=req.temporary_reduction)
    out = []
    for i in range(len(incomes)):
        comp = {k: round(float(res[k][i]), 2) for k in COMPONENTS}
        item = {**header, "annual_income": float(incomes[i]),
                "rates_percent": {"kommun": round(kommun * 100, 4), "region": round(region * 100, 4), "begravning": round(begr * 100, 4)},
                "rates_from": source, "age_at_year_start": age, "jobbskatteavdrag": req.jsa, "pension_fee": req.pension_fee,
                "components": comp}
        if per == "month":
            item["monthly_income"] = float(incomes[i] / 12)
            item["tax_per_month"] = round(comp["total"] / 12, 2)
        out.append(item)
    return out


def render(results: list[dict], console) -> None:
    from ..reports.console import figures_table, print_text

    first = results[0]
    projected = " " + _("(projected rules)") if first["projected_rules"] else ""
    if "withholding" in first:
        rows = [[number(r["monthly_income"]), number(r["withholding"])] for r in results]
        title = _("Withholding table {table}, column {column}, {year}").format(table=first["table"], column=first["column"], year=first["year"])
        console.print(figures_table(title + projected, [_("Monthly pay"), _("Preliminary tax")], rows))
        a = first["assumes"]
        print_text(console, _("The table assumes a municipal tax of {rate} and fees of {fees}.").format(
            rate=localise(f"{a['kommunal_rate_percent']:g}%"), fees=localise(f"{a['fees_percent']:g}%")))
        return
    for r in results:
        title = _("Final tax {year} on {income} kr/year").format(year=r["year"], income=number(r["annual_income"])) + projected
        rows = []
        for k in COMPONENTS:
            v = r["components"][k]
            sign = "−" if k in REDUCTIONS and v else ""
            rows.append([_(LABELS[k]), sign + number(v), sign + number(v / 12)])
        console.print(figures_table(title, [pgettext("tax", "Item"), _("kr/year"), _("kr/month")], rows))
        rp = r["rates_percent"]
        age = r["age_at_year_start"] if r["age_at_year_start"] is not None else _("under the limit for the older persons' rules (assumed)")
        print_text(console, _("Tax rates: kommun {kommun}, region {region}, begravning {begravning} ({source}); age at the start of the year: "
                              "{age}").format(kommun=localise(f"{rp['kommun']:g}%"), region=localise(f"{rp['region']:g}%"),
                                              begravning=localise(f"{rp['begravning']:g}%"), source=_(r["rates_from"]), age=age))
