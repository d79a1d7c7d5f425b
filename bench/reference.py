"""A deliberately plain reference implementation of the nyttokalk model: one participant and one
month at a time, in scalar Python (floats and dicts, no arrays).

    python bench/reference.py PARTICIPANTS [--scenario NAME|PATH] [--limit N]

It is written from docs/method.md, not from the engine, and serves two purposes: the benchmark
(bench/run.py, figure (c)) and an independent cross-check of the vectorised engine
(tests/test_reference.py: both must agree to the öre on the first-year and whole-horizon
effects per actor).

What it reuses from nyttokalk, and nothing else:
- the participant reader (`read_participants`), the scenario loader (`load_scenario`) and the
  rules loader (`RuleBook`): the inputs, already validated;
- the income tax, `nyttokalk.incometax.income_tax`, called with arrays of length 1 for one person and
  one calendar year. The tax function is checked on its own against Skatteverket's withholding
  tables (tests/test_withholding_tables.py); re-implementing it here would double the code
  without testing anything the tables do not.

Everything else — inputs and defaults, the month's rules, the flows of each state, employer
contributions and their reductions (the ålderspensionsavgift apart), subsidies and their
durations, production value by productivity and employer, the state's share of it (consumption
tax or Ramboll's markup), the calendar-year tax spread by taxable income, the kommunalekonomisk
utjämning, the pension system's contributions, the försörjningsstöd top-up and observed amounts,
the study loan, keep/fall-back persistence, monthly drop-off, deadweight, the actors' nets,
samhällsekonomi and the effects — is computed below, following the sections of docs/method.md
named in the comments. So are the before-paths (2.5: etablering's end, the a-kassa period by the
law of its start and the JOB level after it, sjukpenning's fortsättningsnivå, aktivitetsersättning's
end at 30, the under-25 rule), the income-based states (3.15–3.18), the household's norm,
barnbidrag, bostadsbidrag, etableringstillägg, bostadsersättning and jobbstimulans (4), and fixed
prices (6.7: the wage index, KPI to the base year), each a month at a time for one person, where
the engine works on arrays.

One deliberate difference of reading (see tests/test_reference.py): a subsidised job ends after
its duration for every participant whose scenario says what follows (keep probability set),
also when it ends after the horizon but inside the horizon's last calendar year (where it changes
that year's tax). The engine only splits keep/fall back when some participant's subsidy ends
inside the horizon, so a participant's result can depend on the other participants.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nyttokalk.participants import Participants, read_participants
from nyttokalk.ruleset.loader import RuleBook, load_indices
from nyttokalk.scenario import LoadedScenario, LocalRates, load_scenario, parse_month
from nyttokalk.incometax import income_tax, year_rules

ACTORS = ("individ", "kommun", "region", "stat", "pensionssystemet", "ovriga_kommuner", "arbetsgivare")
PUBLIC = ("kommun", "region", "stat", "pensionssystemet", "ovriga_kommuner")
ALL = ACTORS + ("offentlig_sektor",)
SOCIETY = ("production", "resources", "displacement")  # method.md 1.5: total = production − resources − displacement

WORK_STATES = ("arbete", "introduktionsjobb", "nystartsjobb", "extratjanst", "lonebidrag")
UNSUBSIDISED = ("arbete",)  # method.md 3.5: productivity economy.productivity_unsubsidised; the other work states _subsidised
NO_TOP_UP = ("ingen_ersattning",)  # method.md 3.13

# Roles in the payer/payee tables that the scenario or the person decides (method.md 1.1, 1.2):
# "employer" → the person's employer's actor; "pension" → pensionssystemet (or stat, actors.pension_system: in_state);
# "counterpart" → ovriga_kommuner (or stat, equalisation.counterpart)
EMPLOYER_OF = {"privat": "arbetsgivare", "ideell": "arbetsgivare", "kommun": "kommun", "region": "region", "stat": "stat"}

# method.md 1.2: category → (payer, payee); the fees' payee comes from the scenario
TAX_PAYER_PAYEE = {
    "kommun_tax": ("individ", "kommun"),
    "region_tax": ("individ", "region"),
    "state_tax": ("individ", "stat"),
    "pension_fee": ("individ", "pension"),
    "pension_fee_reduction": ("stat", "individ"),
    "jobbskatteavdrag": ("stat", "individ"),
    "earned_income_reduction": ("stat", "individ"),
    "temporary_work_reduction": ("stat", "individ"),
}
FLOW_PAYER_PAYEE = {
    "lon": ("employer", "individ"),
    "semesterersattning": ("employer", "individ"),
    "arbetsgivaravgift": ("employer", "stat"),
    "alderspensionsavgift": ("employer", "pension"),
    "stod_introduktionsjobb": ("stat", "employer"),
    "stod_handledare": ("stat", "employer"),
    "stod_nystartsjobb": ("stat", "employer"),
    "stod_extratjanst": ("stat", "employer"),
    "stod_lonebidrag": ("stat", "employer"),
    "produktion": ("extern", "employer"),  # a memo for a public employer (method.md 3.5)
    "produktion_indirekta_skatter": ("extern", "stat"),
    "indirekta_skatter": ("individ", "stat"),
    "statlig_alderspensionsavgift": ("stat", "pension"),
    "utjamning_kommun": ("kommun", "counterpart"),
    "utjamning_region": ("region", "counterpart"),
    "enhetskostnad_kommun": ("kommun", "extern"),
    "enhetskostnad_region": ("region", "extern"),
    "enhetskostnad_stat": ("stat", "extern"),
    "aktivitetsstod": ("stat", "individ"),
    "etableringsersattning": ("stat", "individ"),
    "utvecklingsersattning": ("stat", "individ"),
    "forsorjningsstod": ("kommun", "individ"),
    "studiebidrag": ("stat", "individ"),
    "studielan": ("stat", "individ"),
    "studielan_fordran": ("extern", "stat"),
    "studieplats": ("kommun", "extern"),
    "a_kassa": ("stat", "individ"),
    "sjukpenning": ("stat", "individ"),
    "sjukersattning": ("stat", "individ"),
    "aktivitetsersattning": ("stat", "individ"),
    "etableringstillagg": ("stat", "individ"),
    "bostadsersattning": ("stat", "individ"),
    "barnbidrag": ("stat", "individ"),
    "bostadsbidrag": ("stat", "individ"),
}
BENEFIT = ("aktivitetsstod", "a_kassa", "sjukpenning")  # 5.2: taxable, pension fee, no jobbskatteavdrag
NO_FEE = ("sjukersattning", "aktivitetsersattning")  # 5.2: taxable, no pension fee
TAX_FREE = ("etableringsersattning", "etableringstillagg", "bostadsersattning", "utvecklingsersattning", "studiebidrag", "studielan",
            "barnbidrag", "bostadsbidrag")  # 4: counted in the top-up
INSURANCE = {"sjukpenning": "sjukpenning", "sjukersattning": "sjukersattning", "aktivitetsersattning": "aktivitetsersattning",
             "sjukpenning_sarskilda_fall": "sjukpenning"}  # state → its category (3.17–3.18)


def overlap(d0: float, d1: float, pieces) -> float:
    """Σ over (from_day, to_day, amount a day) of the days of [d0, d1) in each piece × its amount."""
    return sum(max(0.0, min(d1, hi) - max(d0, lo)) * level for lo, hi, level in pieces)


class Jobbstimulans:
    """Method.md 4.5: the top-up of one trajectory month by month, with SoL 4 kap. 1 b § (share of the net
    earned income not counted once försörjningsstöd has been paid the qualifying months in a row, for
    the rule's months). The months in a row at the exit: months_in_state for a before state of
    försörjningsstöd (continuously on it), else 0."""

    def __init__(self, ref: "Reference", x: "Person"):
        self.ref, self.x = ref, x
        self.run, self.opened = 0, None

    def top_up(self, m: int, norm: float, net_income: float, net_work: float, topped: bool, observed: float) -> float:
        plain = (max(0.0, norm - net_income) if topped else 0.0) if math.isnan(observed) else observed
        if not self.ref.s.forsorjningsstod.jobbstimulans or m < self.x.exit:
            return plain
        v = self.ref.month(m)
        rule = v["rules"].transfers.forsorjningsstod.jobbstimulans.at(v["day"])
        if m == self.x.exit:
            months = self.x.months_in_state if self.x.before == "forsorjningsstod" else 0
            phase = int(months) % (rule.qualifying_months + rule.months)
            self.run, self.opened = (0, m - (phase - rule.qualifying_months)) if phase >= rule.qualifying_months else (phase, None)
        window = self.opened is not None and self.opened <= m < self.opened + rule.months
        counted = net_income - (rule.share * net_work if window else 0.0)
        fs = (max(0.0, norm - counted) if topped else 0.0) if math.isnan(observed) else observed
        self.run = 0 if window or fs <= 0 else self.run + 1
        if self.run >= rule.qualifying_months:
            self.opened, self.run = m + 1, 0
        return fs


@dataclass
class Person:
    before: str
    after: str  # 'oforandrad' already replaced by the before state
    age: float
    birth_year: float
    newly_arrived: bool
    months_unemployed: float  # NaN when unknown
    wage: float  # NaN outside work states
    extent: float
    exit: int  # absolute month: year × 12 + month − 1
    municipality: str
    before_amount: float  # NaN: model the top-up
    after_amount: float
    employer: str = "privat"  # privat, kommun, region, stat, ideell
    months_in_state: float = 0.0  # method.md 2.5: months already in the before state at the exit
    housing_cost: float = math.nan  # method.md 4.4: NaN = no bostadsbidrag / bostadsersättning
    adults: int = 1
    child_birth_years: tuple = ()  # calendar year − age at exit of each child
    prior_income: float = math.nan
    a_kassa_right: bool = False  # method.md 3.2: aktivitetsstöd at the a-kassa level


class Reference:
    def __init__(self, ls: LoadedScenario, book: RuleBook | None = None):
        self.ls = ls
        self.s = ls.scenario
        self.book = book or RuleBook()
        self._months: dict[int, dict] = {}
        self._tax: dict[tuple, dict[str, float]] = {}
        self._rates: dict[tuple[int, str], tuple[float, float, float]] = {}
        self._index: dict[tuple[str, int], float] = {}

    # --- inputs (method.md 2.2, 2.4, 3) -------------------------------------------------------

    def person(self, p: Participants, i: int) -> Person:
        d, s = self.s.participant_defaults, self.s

        def given(x):
            return not math.isnan(x)

        def need(value, default, what):
            if value is None or (isinstance(value, float) and math.isnan(value)):
                if default is None:
                    raise ValueError(f"row {p.rows[i]}: {what} missing and no scenario default")
                return float(default)
            return float(value)

        age = need(p.age[i], d.age, "age")
        newly = bool(p.newly_arrived[i]) if given(p.newly_arrived[i]) else bool(d.newly_arrived)
        extent = need(p.extent[i], d.extent, "extent")
        after = p.before[i] if p.after[i] == "oforandrad" else p.after[i]
        months = float(p.months_unemployed[i])
        if p.after[i] == "nystartsjobb" and not newly:
            months = need(months, d.months_unemployed, "months_unemployed")
        wage = float(p.wage[i])
        if p.after[i] in WORK_STATES:
            wage = need(wage, s.wages.extratjanst if p.after[i] == "extratjanst" else s.wages.default, "wage")
        if p.exit_month[i] >= 0:
            exit_m = int(p.exit_month[i])
        else:
            em = parse_month(s.period.exit_month) if s.period.exit_month else None
            if em is None:
                raise ValueError(f"row {p.rows[i]}: exit_month missing and no scenario default")
            exit_m = em.year * 12 + em.month - 1
        before = str(p.before[i])
        in_state = float(p.months_in_state[i])
        if math.isnan(in_state):  # method.md 2.5; the deprecated a-kassa key when a scenario gives it
            in_state = float(s.benefits.a_kassa_months_before if before == "a_kassa" and "benefits.a_kassa_months_before" not in self.ls.defaults_used
                             else d.months_in_state)
        prior = float(p.prior_income[i])
        income_states = ("a_kassa", "sjukpenning", "sjukersattning", "aktivitetsersattning")
        if before in income_states or after in income_states:
            prior = need(prior, d.prior_income, "prior_income")
        housing = float(p.housing_cost[i])
        if math.isnan(housing) and d.housing_cost is not None:
            housing = float(d.housing_cost)
        adults = int(p.adults[i]) if given(p.adults[i]) else int(d.adults)
        ages = [a for a in p.children_ages[i] if given(a)] if p.children_given[i] else list(d.children_ages)
        right = before == "a_kassa" or after == "a_kassa" or (given(prior) and prior > 0)  # method.md 3.2
        return Person(
            before=before, after=str(after), age=age, birth_year=exit_m // 12 - age, newly_arrived=newly,
            months_unemployed=months, wage=wage, extent=extent, exit=exit_m, municipality=str(p.municipality[i]),
            before_amount=float(p.before_amount[i]), after_amount=float(p.after_amount[i]),
            employer=str(p.employer[i]) or d.employer,
            months_in_state=in_state, housing_cost=housing, adults=adults, child_birth_years=tuple(exit_m // 12 - a for a in ages),
            prior_income=prior, a_kassa_right=right,
        )

    # --- the rules a month uses (method.md 2.3) ------------------------------------------------

    def month(self, m: int) -> dict:
        if m in self._months:
            return self._months[m]
        s = self.s
        cal = dt.date(m // 12, m % 12 + 1, 1)
        day = s.period.rules_date or cal
        r = self.book.year_for(day.year)[0].rules
        tr, sub, stud, eco = r.transfers, r.subsidies, r.studies, r.economy
        ue = tr.utvecklingsersattning
        v = {
            "calendar_month": cal.month,
            # method.md 3.2: days per month = paid days a week × paid weeks a year / 12
            "days": tr.payment_days_per_week.at(day) * s.benefits.weeks_per_year / 12,
            "aktivitetsstod_daily": tr.aktivitetsstod.daily_amount.at(day),
            "etablering_daily": tr.etableringsersattning.daily_amount.at(day),
            "utveckling_daily": (ue.daily_amount_higher if s.benefits.utvecklingsersattning_level == "higher" else ue.daily_amount_lower).at(day),
            "rules": r,  # method.md 2.5, 3.15–3.18, 4: read where used (paths, income-based states, household)
            "day": day,
            "pbb": r.base_amounts.prisbasbelopp.at(day),
            "aga_full": r.employer_contributions.full_rate.at(day),
            "aga_pension": r.employer_contributions.pension_rate.at(day),
            "productivity_unsubsidised": eco.productivity_unsubsidised.at(day),
            "productivity_subsidised": eco.productivity_subsidised.at(day),
            "indirect_tax": eco.indirect_tax_rate.at(day) * eco.consumption_share.at(day),
            "state_pension_rate": r.pension_system.state_contribution_rate.at(day),
            "state_pension_benefits": r.pension_system.state_contribution_benefits.at(day),
            "aga_reductions": r.employer_contributions.reductions.at(day),
            "holiday_rate": eco.holiday_pay_rate.at(day),
            "market_factor": eco.production_market_price_factor.at(day),
            "intro_share": sub.introduktionsjobb.share.at(day),
            "intro_cap": sub.introduktionsjobb.wage_cap.at(day),
            "intro_supervisor": sub.introduktionsjobb.supervisor_support.at(day),
            "intro_supervisor_months": sub.introduktionsjobb.supervisor_months.at(day),
            "intro_max_months": sub.introduktionsjobb.max_months.at(day),
            "nsj_multiples": sub.nystartsjobb.multiples.at(day),
            "nsj_cap": sub.nystartsjobb.wage_cap.at(day),
            "nsj_bands": sub.nystartsjobb.bands.at(day),
            "nsj_newly_level": int(sub.nystartsjobb.newly_arrived_level.at(day)),
            "nsj_max_months": sub.nystartsjobb.max_months.at(day),
            "extra": None if sub.extratjanst is None else {
                "share": sub.extratjanst.share.at(day), "cap": sub.extratjanst.wage_cap.at(day), "max_months": sub.extratjanst.max_months.at(day)},
            "lonebidrag_cap": sub.lonebidrag.wage_cap.at(day),
            "grant_week": stud.studiemedel.grant_per_week.at(day),
            "loan_week": stud.studiemedel.loan_per_week.at(day),
            "study_weeks": stud.studiemedel.weeks_per_year.at(day),
            "study_place": stud.study_place_cost.at(day),
        }
        self._months[m] = v
        return v

    # --- paths of the states (method.md 2.5) -----------------------------------------------------

    def path_state(self, x: Person, state: str, t: float, m: int) -> str:
        """The state the law's path has the person in, in month m, t months after the state began."""
        v, s = self.month(m), self.s
        tr, day = v["rules"].transfers, v["day"]
        age = m // 12 - x.birth_year  # 2.4: the age in the month's calendar year
        if not s.paths.static:
            if state == "etableringsersattning" and t >= tr.etableringsersattning.max_months.at(day):
                state = s.paths.after_etablering
            if state == "a_kassa":
                law = self.a_kassa_law(x, m, t)
                if t * law["dpm"] >= law["period"]:
                    state = "aktivitetsstod"
            if state == "aktivitetsersattning" and age > tr.sjuk_och_aktivitetsersattning.aktivitetsersattning_max_age.at(day):
                state = s.paths.after_aktivitetsersattning
        if state in ("aktivitetsstod", "utvecklingsersattning"):  # 3.2, 3.12: by age in every month
            limit = tr.aktivitetsstod.min_age.at(day)
            if age < limit and not x.a_kassa_right:
                state = "utvecklingsersattning"
            elif state == "utvecklingsersattning" and age >= limit > x.age:
                state = "aktivitetsstod"
        return state

    # --- a-kassa and the income-based aktivitetsstöd (method.md 3.16) --------------------------

    def a_kassa_law(self, x: Person, m: int, t: float) -> dict:
        """The law of the period (the a-kassa rule in force in the month it began), its rule for month m,
        the JOB rule, days a month and the period's ersättningsdagar."""
        v = self.month(m)
        tr, day = v["rules"].transfers, v["day"]
        start = m if self.s.paths.static else m - int(t)
        first = self.book.years[0] * 12
        began = self.month(start) if start >= first else None
        new = began is not None and began["rules"].transfers.a_kassa.at(began["day"]).variant == "monthly"
        now = tr.a_kassa.at(day)
        if new:
            rule, job, dpm = now, tr.aktivitetsstod.after_a_kassa.at(day), now.days_per_month
            period = rule.period_days
        else:
            ongoing = now.variant == "monthly"  # the old law runs on after the new one began
            rule = tr.a_kassa_ongoing.at(day) if ongoing else now
            job = (tr.aktivitetsstod.after_a_kassa_ongoing if ongoing else tr.aktivitetsstod.after_a_kassa).at(day)
            dpm = v["days"]
            day_300_year = (start + math.floor(rule.period_days / dpm)) // 12
            parent = any(0 <= day_300_year - c < 18 for c in x.child_birth_years)
            period = rule.period_days_parent if parent else rule.period_days
        return {"new": new, "rule": rule, "job": job, "dpm": dpm, "period": math.inf if self.s.paths.static else period}

    def a_kassa_month(self, x: Person, m: int, t: float, aktivitetsstod: bool = False) -> tuple[float, float]:
        """(a-kassa for the month's days inside the period, aktivitetsstöd for its days after it)."""
        law = self.a_kassa_law(x, m, t)
        rule, job, dpm, period = law["rule"], law["job"], law["dpm"], law["period"]
        member = self.s.benefits.a_kassa_membership
        d0 = t * dpm
        if not law["new"]:  # lag (1997:238)
            pd = x.prior_income / 12 / rule.income_days_per_month
            levels = [min(rule.percent_days_1_200 * pd, rule.max_per_day_first_100), min(rule.percent_days_1_200 * pd, rule.max_per_day_after_100),
                      min(rule.percent_after_200 * pd, rule.max_per_day_after_100)]
            levels = [max(lv, rule.basic_amount_per_day) if member == "member" else rule.basic_amount_per_day for lv in levels]
            inside = [(0, 100, levels[0]), (100, 200, levels[1]), (200, period, levels[2])]
            after = [(period, math.inf, max(job.percent * pd if member == "member" else 0.0, job.min_per_day))]
        else:  # lag (2024:506), förordning (2017:819) 2 kap. 3–4 §§
            egi = min(x.prior_income / 12, rule.income_ceiling_per_month)
            pct = getattr(rule, f"percent_{member}")
            floor = job.min_per_day if aktivitetsstod else 0.0
            inside = [(0, 100, max(pct[0] * egi / dpm, floor)), (100, 200, max(pct[1] * egi / dpm, floor)), (200, period, max(pct[2] * egi / dpm, floor))]
            after, k = [], 0
            while True:
                level = pct[2] - job.step_down * (k + 1)
                if level <= 0:
                    after.append((period + k * job.step_days, math.inf, job.min_per_day))
                    break
                after.append((period + k * job.step_days, period + (k + 1) * job.step_days, max(min(egi / dpm, job.income_cap_per_day) * level, job.min_per_day)))
                k += 1
        return overlap(d0, d0 + dpm, inside), overlap(d0, d0 + dpm, after)

    # --- Försäkringskassan's benefits (method.md 3.17–3.18) --------------------------------------

    def insurance_month(self, state: str, x: Person, m: int, t: float) -> dict[str, float]:
        v = self.month(m)
        tr, day, pbb = v["rules"].transfers, v["day"], v["pbb"]
        if state == "sjukpenning_sarskilda_fall":
            return {"sjukpenning": tr.sjukpenning.sarskilda_fall_daily.at(day) * 365 / 12}
        if state == "sjukpenning":
            sp = tr.sjukpenning
            sgi = min(x.prior_income, sp.sgi_cap.at(day) * pbb)
            month_days = 365 / 12
            normal = min(max(sp.normal_days.at(day) - t * month_days, 0.0), month_days)
            return {"sjukpenning": (sp.replacement_rate.at(day) * normal + sp.fortsattning_rate.at(day) * (month_days - normal))
                    * sp.sgi_share.at(day) * sgi / 365}
        sa = tr.sjuk_och_aktivitetsersattning
        income_related = sa.income_related_rate.at(day) * min(x.prior_income, sa.antagandeinkomst_cap.at(day) * pbb)
        age = m // 12 - x.birth_year
        level = 0.0
        for band in sa.garantiniva.at(day):
            if age >= band.min_age:
                level = band.level * pbb
        return {INSURANCE[state]: max(income_related, level) / 12}

    # --- the household (method.md 3.3, 4.1, 4.3–4.5) -------------------------------------------

    def child_ages(self, x: Person, m: int) -> list[float]:
        return [m // 12 - c for c in x.child_birth_years]

    def etablering_extras(self, x: Person, m: int) -> tuple[float, float]:
        """(etableringstillägg for the eldest children, bostadsersättning before bostadsbidrag)."""
        v = self.month(m)
        tr, day = v["rules"].transfers, v["day"]
        et = tr.etableringsersattning
        amounts = []
        for age in sorted(self.child_ages(x, m), reverse=True):
            for band in et.tillagg.at(day):
                if band.min_age <= age <= band.max_age:
                    amounts.append(band.amount)
        tillagg = sum(amounts[: int(et.tillagg_max_children.at(day))])
        home = [a for a in self.child_ages(x, m) if 0 <= a <= tr.barnbidrag.studiebidrag_last_age.at(day)]
        lo, hi = et.bostadsersattning_cost_floor.at(day), et.bostadsersattning_cost_ceiling.at(day)
        cost = 0.0 if math.isnan(x.housing_cost) else x.housing_cost
        bo = min(max(cost - lo, 0.0), hi - lo) if x.adults == 1 and not home else 0.0
        return tillagg, bo

    def barnbidrag(self, x: Person, m: int) -> float:
        v = self.month(m)
        bb, day = v["rules"].transfers.barnbidrag, v["day"]
        ages = self.child_ages(x, m)
        young = sum(1 for a in ages if 0 <= a <= bb.last_age.at(day))
        school = sum(1 for a in ages if bb.last_age.at(day) < a <= bb.studiebidrag_last_age.at(day))
        amount = young * bb.per_child.at(day) + school * bb.studiebidrag_per_month.at(day) * bb.studiebidrag_months_per_year.at(day) / 12
        table, k = bb.flerbarnstillagg.at(day), young + school
        if k:
            amount += table[min(k, len(table)) - 1] + max(0, k - len(table)) * bb.flerbarnstillagg_each_further.at(day)
        return amount

    def bostadsbidrag(self, x: Person, m: int, income: float) -> float:
        """The month's final bostadsbidrag on the year's bidragsgrundande inkomst, with the tilläggsbidrag."""
        if math.isnan(x.housing_cost):
            return 0.0
        v = self.month(m)
        tr, day = v["rules"].transfers, v["day"]
        bo, cost = tr.bostadsbidrag, x.housing_cost
        step, least = bo.rounded_down_to.at(day), bo.min_per_year.at(day)

        def paid(annual):
            return math.floor(round(annual / 12, 2) / step) * step if annual >= least else 0.0  # the month to the öre, then down

        children = sum(1 for a in self.child_ages(x, m) if 0 <= a <= tr.barnbidrag.studiebidrag_last_age.at(day))
        if children:
            f = bo.families.at(day)
            k = min(children, f.max_children)
            housing = f.cost_share * max(0.0, min(cost, f.cost_ceilings[k - 1]) - f.cost_floor)
            limit = f.income_limit_per_spouse_per_year if x.adults == 2 else f.income_limit_single_per_year
            pay = paid(12 * (housing + f.sarskilt_bidrag[k - 1]) - f.income_reduction * max(0.0, income - limit))
            t = bo.tillaggsbidrag.at(day)
            return pay + min(t.share * pay, t.max_per_month)
        y = bo.young.at(day)
        if not y.min_age <= m // 12 - x.birth_year <= y.max_age:
            return 0.0
        part = sum(b.share * min(max(cost - b.over, 0.0), b.up_to - b.over) for b in y.bands)
        limit = y.income_limit_couple_per_year if x.adults == 2 else y.income_limit_single_per_year
        return paid(12 * part - y.income_reduction * max(0.0, income - limit))

    def norm(self, x: Person, m: int) -> float:
        """4.1: the household's riksnorm plus the reasonable costs (by household size when so given)."""
        v = self.month(m)
        fr, day = v["rules"].transfers.forsorjningsstod, v["day"]
        personal = (fr.riksnorm_personal_couple if x.adults == 2 else fr.riksnorm_personal_single).at(day)
        members = x.adults
        for age in self.child_ages(x, m):
            for band in fr.riksnorm_personal_children.at(day):
                if band.min_age <= age <= band.max_age:
                    personal += band.amount
                    members += 1
        common = fr.riksnorm_common_by_persons.at(day)
        k = len(common)
        together = common[min(members, k) - 1] + max(0, members - k) * (common[-1] - common[-2])
        reasonable = self.s.forsorjningsstod.reasonable_costs
        if isinstance(reasonable, dict):
            reasonable = reasonable[max(size for size in reasonable if size <= members)]
        return personal + together + reasonable

    # --- prices (method.md 6.7) ---------------------------------------------------------------

    def price_year(self, m: int) -> int:
        return self.s.period.rules_date.year if self.s.period.rules_date else m // 12

    def index(self, name: str, year: int) -> float:
        """KPI's annual mean, or the wage level (the product of the yearly wage growth since the series' first year)."""
        key = (name, year)
        if key in self._index:
            return self._index[key]
        series = getattr(load_indices(self.book.directory)[0], name)
        self._index[key] = value = self._index_value(series, name, year)
        return value

    @staticmethod
    def _index_value(series, name: str, year: int) -> float:
        last = max(series.values)
        if name == "kpi":
            if year in series.values:
                return series.values[year].value
            return series.values[last].value * (1 + series.projected_annual_change / 100) ** (year - last)
        level = 1.0
        for y in range(min(series.values) + 1, year + 1):
            level *= 1 + (series.values[y].value if y in series.values else series.projected_annual_change) / 100
        return level

    def wage_factor(self, x: Person, m: int) -> float:
        return self.index("wage_growth", self.price_year(m)) / self.index("wage_growth", self.price_year(x.exit))

    def price_factor(self, m: int, base_year: int) -> float:
        if self.s.prices.mode == "nominal":
            return 1.0
        return self.index("kpi", base_year) / self.index("kpi", self.price_year(m))

    def duration(self, x: Person) -> float:
        """Months the subsidised job lasts (method.md 2.2a): the scenario's, else the rules in
        force in the exit month; inf for states without an end."""
        d = self.s.durations
        mv = self.month(x.exit)
        if x.after == "introduktionsjobb":
            return d.introduktionsjobb if d.introduktionsjobb is not None else mv["intro_max_months"]
        if x.after == "extratjanst":
            if d.extratjanst is not None:
                return d.extratjanst
            return mv["extra"]["max_months"] if mv["extra"] else math.inf
        if x.after == "nystartsjobb":
            if d.nystartsjobb is not None:
                return d.nystartsjobb
            months = math.inf
            for band in mv["nsj_max_months"]:  # by age at the start of the job
                if band.min_age <= x.age <= band.max_age:
                    months = band.months
            return months
        return math.inf

    # --- flows of one state in one month (method.md 3) -------------------------------------------

    def state_flows(self, state: str, x: Person, m: int, months_in_state: int) -> dict[str, float]:
        v = self.month(m)
        f: dict[str, float] = {}
        if state == "aktivitetsstod":
            if x.a_kassa_right:  # 3.2: at the a-kassa level, then the JOB level (3.16)
                in_period, after = self.a_kassa_month(x, m, months_in_state, aktivitetsstod=True)
                f["aktivitetsstod"] = in_period + after
            else:
                f["aktivitetsstod"] = v["aktivitetsstod_daily"] * v["days"]
        elif state == "a_kassa":  # 3.16: the days inside the period are a-kassa, those after aktivitetsstöd
            f["a_kassa"], f["aktivitetsstod"] = self.a_kassa_month(x, m, months_in_state)
        elif state in ("sjukpenning", "sjukersattning", "aktivitetsersattning", "sjukpenning_sarskilda_fall"):
            f.update(self.insurance_month(state, x, m, months_in_state))
        elif state == "etableringsersattning":
            f["etableringsersattning"] = v["etablering_daily"] * v["days"]
            f["etableringstillagg"], f["bostadsersattning"] = self.etablering_extras(x, m)  # 3.3
        elif state == "utvecklingsersattning":
            f["utvecklingsersattning"] = v["utveckling_daily"] * v["days"]
        elif state == "studier":
            f["studiebidrag"] = v["grant_week"] * v["study_weeks"] / 12
            f["studielan"] = v["loan_week"] * v["study_weeks"] / 12
            f["studieplats"] = v["study_place"]
        elif state in WORK_STATES:
            # 3.4: pay, semesterersättning when on top, employer contributions with reductions
            lon = x.wage * self.wage_factor(x, m) * x.extent  # 6.7: the wage at exit follows the wage index
            holiday = lon * v["holiday_rate"] if self.s.wages.holiday_pay else 0.0
            gross = lon + holiday
            full, pension_rate = v["aga_full"], v["aga_pension"]
            fees = full * gross
            pension = min(full, pension_rate) * gross  # 3.4: the ålderspensionsavgift within the fees, never reduced
            for red in v["aga_reductions"]:
                if red.months is not None and v["calendar_month"] not in red.months:
                    continue
                if red.born_from <= x.birth_year <= red.born_to:
                    cap = math.inf if red.monthly_pay_cap is None else red.monthly_pay_cap
                    fees = red.rate * min(gross, cap) + full * max(0.0, gross - cap)  # Leaf.at: the rate as a fraction
                    pension = min(red.rate, pension_rate) * min(gross, cap) + min(full, pension_rate) * max(0.0, gross - cap)
            rate = fees / gross if gross > 0 else 0.0
            f.update(lon=lon, semesterersattning=holiday, arbetsgivaravgift=fees - pension, alderspensionsavgift=pension)
            if state == "introduktionsjobb":  # 3.7
                f["stod_introduktionsjobb"] = v["intro_share"] * min(gross, v["intro_cap"] * x.extent) * (1 + rate)
                f["stod_handledare"] = v["intro_supervisor"] if 0 <= months_in_state < v["intro_supervisor_months"] else 0.0
            elif state == "nystartsjobb":  # 3.8
                level = 0
                for b in v["nsj_bands"]:
                    upper = math.inf if b.max_months is None else b.max_months
                    if b.min_age <= x.age <= b.max_age and b.min_months <= x.months_unemployed <= upper:
                        level = b.level
                if x.newly_arrived:
                    level = v["nsj_newly_level"]
                multiple = v["nsj_multiples"][level - 1] if level > 0 else 0.0
                f["stod_nystartsjobb"] = multiple * rate * min(gross, v["nsj_cap"] * x.extent)
            elif state == "extratjanst":  # 3.9
                if v["extra"] is None:
                    raise ValueError(f"extratjänst has no rules in month {m // 12}-{m % 12 + 1:02d}")
                f["stod_extratjanst"] = v["extra"]["share"] * min(gross, v["extra"]["cap"] * x.extent) * (1 + rate)
            elif state == "lonebidrag":  # 3.14
                f["stod_lonebidrag"] = self.s.subsidies.lonebidrag_share * min(gross, v["lonebidrag_cap"] * x.extent) * (1 + rate)
            f.update(self.production(state, lon + holiday + fees, v))
        elif state not in ("forsorjningsstod", "ingen_ersattning"):
            raise ValueError(f"state {state!r} is not modelled")
        if "studielan" in f and self.s.study_loan == "ramboll":  # 3.10: Ramboll's convention, a claim at face value
            f["studielan_fordran"] = f["studielan"]
        for actor, cost in self.s.unit_costs.get(state, {}).items():  # 4.2: real resource use per person-month
            f[f"enhetskostnad_{actor}"] = float(cost)
        return f

    def production(self, state: str, labour_cost: float, v: dict) -> dict[str, float]:
        """method.md 3.5: productivity × lönekostnad (the scenario's share for the state, else the
        rules' for unsubsidised or subsidised work); samhällsekonomi's value at market price and its
        displaced part; under Ramboll's convention the markup to the state."""
        s = self.s
        rule = v["productivity_unsubsidised"] if state in UNSUBSIDISED else v["productivity_subsidised"]
        produced = s.productivity.get(state, rule) * labour_cost
        market = v["market_factor"] * produced
        out = {"produktion": produced, "produktion_marknadspris": market, "undantrangning": s.displacement.get(state, 0.0) * market}
        if s.production.convention == "ramboll":
            out["produktion_indirekta_skatter"] = (v["market_factor"] - 1) * produced
        return out

    # --- tax (method.md 5) ------------------------------------------------------------------------

    def local_rates(self, year: int, municipality: str) -> tuple[float, float, float]:
        key = (year, municipality)
        if key not in self._rates:
            day = self.s.period.rules_date or dt.date(year, 1, 1)
            loaded = self.book.year_for(day.year)[0]
            if isinstance(self.s.local_tax, LocalRates):
                rates = (self.s.local_tax.kommun / 100, self.s.local_tax.region / 100, self.s.local_tax.begravning / 100)
            else:
                lt = loaded.rules.local_tax
                rates = (lt.average_kommun_rate.at(day), lt.average_region_rate.at(day), lt.begravning_rate.at(day))
            found = self.book.municipality(loaded, municipality) if municipality else None
            if found is not None:
                rates = (found.kommun_rate, found.region_rate, found.begravning_rate)
            self._rates[key] = rates
        return self._rates[key]

    def year_tax(self, year: int, work: float, benefit: float, x: Person, no_fee: float = 0.0) -> dict[str, float]:
        """Final tax of one calendar year, every component (nyttokalk.incometax.income_tax on length-1 arrays);
        no_fee: sjuk- and aktivitetsersättning (5.2)."""
        k, r, b = self.local_rates(year, x.municipality)
        age = year - x.birth_year - 1  # 2.4: age at the start of the year
        key = (year, work, benefit, no_fee, k, r, b, age)
        if key not in self._tax:
            day = self.s.period.rules_date or dt.date(year, 1, 1)
            params = year_rules(self.book.year_for(day.year)[0].rules)
            comp = income_tax(np.array([work]), np.array([benefit]), k, r, b, params, age_at_year_start=np.array([age]),
                              temporary_reduction=self.s.tax.temporary_work_reduction, no_fee_income=np.array([no_fee]))
            self._tax[key] = {c: float(a[0]) for c, a in comp.items()}
        return self._tax[key]

    # --- one trajectory: states per month → each actor's net per month ------------------------

    def trajectory(self, x: Person, first: int, n: int, state_at, in_state_at, observed_at) -> list[dict[str, float]]:
        """Actors' nets for months first … first + n − 1 (whole calendar years)."""
        flows = [self.state_flows(state_at(m), x, m, in_state_at(m)) for m in range(first, first + n)]
        for j, f in enumerate(flows):  # 4.3: the household's barnbidrag, in every month and situation
            f["barnbidrag"] = self.barnbidrag(x, first + j)
        stimulans = Jobbstimulans(self, x)
        nets = []
        for y in range(n // 12):
            block = flows[12 * y: 12 * y + 12]
            work = sum(f.get("lon", 0.0) + f.get("semesterersattning", 0.0) for f in block)
            benefit = sum(sum(f.get(k, 0.0) for k in BENEFIT) for f in block)
            no_fee = sum(sum(f.get(k, 0.0) for k in NO_FEE) for f in block)
            tax = self.year_tax((first + 12 * y) // 12, work, benefit, x, no_fee)
            annual = work + benefit + no_fee
            # 4.4: the year's bidragsgrundande inkomst for bostadsbidrag
            rules0 = self.month(first + 12 * y)
            bgi = annual + sum(f.get("etableringsersattning", 0.0) for f in block) + \
                rules0["rules"].transfers.bostadsbidrag.studiebidrag_income_share.at(rules0["day"]) * sum(f.get("studiebidrag", 0.0) for f in block)
            for j, f in enumerate(block):
                m = first + 12 * y + j
                bb = self.bostadsbidrag(x, m, bgi)
                if bb:
                    f["bostadsbidrag"] = bb
                if "bostadsersattning" in f:  # 3.3: less the month's bostadsbidrag
                    f["bostadsersattning"] = max(0.0, f["bostadsersattning"] - bb)
                work_m = f.get("lon", 0.0) + f.get("semesterersattning", 0.0)
                taxable = work_m + sum(f.get(k, 0.0) for k in BENEFIT + NO_FEE)
                share = taxable / annual if annual > 0 else 0.0  # 5.1: spread by taxable income
                t = {c: tax[c] * share for c in TAX_PAYER_PAYEE}
                fee_ps, fee_b = tax["public_service_fee"] * share, tax["begravning_fee"] * share
                total = tax["total"] * share
                # 4: top-up to the norm, unless observed; the jobbstimulans leaves part of the net earned income out
                net_income = taxable - total + sum(f.get(k, 0.0) for k in TAX_FREE)
                net_work = work_m - (total * work_m / taxable if taxable > 0 else 0.0)
                f = dict(f, forsorjningsstod=stimulans.top_up(m, self.norm(x, m), net_income, net_work, state_at(m) not in NO_TOP_UP, observed_at(m)))
                # 3.5a, 5.4, 5.5: the consumption tax on the disposable income (the study loan is not income), utjämning, pension
                f.update(self.public_finance(f, net_income - f.get("studielan", 0.0), tax["bfi"] * share, (first + 12 * y) // 12, m, x))
                nets.append(self.nets(f, t, fee_ps, fee_b, x))
        return nets

    # --- public finances and samhällsekonomi (method.md 3.5, 3.5a, 5.4, 5.5, 6.6) ------------------

    def equalisation_rates(self, year: int, municipality: str) -> tuple[float, float]:
        """method.md 5.4: the (kommun, region) rate of the utjämning for a kommun by its län, whether
        it or its region pays, Gotland's both parts, or the national average without a kommun."""
        key = ("equalisation", year, municipality)
        if key not in self._rates:
            day = self.s.period.rules_date or dt.date(year, 1, 1)
            loaded = self.book.year_for(day.year)[0]
            eq = loaded.rules.equalisation
            found = self.book.municipality(loaded, municipality) if municipality else None
            if found is None:
                avg = eq.average_rates.at(day)
                rates = (avg.kommun, avg.region)
            elif found.code in eq.outside_region.at(day).kommunkoder:
                out = eq.outside_region.at(day)
                rates = (out.kommun + out.region, 0.0)
            else:
                county = found.code[:2]
                bidrag = {c.code: c for c in eq.bidrag_rates.at(day)}[county]
                avgift = {c.code: c for c in eq.avgift_rates.at(day)}[county]
                kommun = avgift.kommun if found.code in eq.paying_kommuner.at(day) else bidrag.kommun
                region = avgift.region if county in eq.paying_regioner.at(day) else bidrag.region
                rates = (kommun, region)
            self._rates[key] = rates
        return self._rates[key]

    def public_finance(self, f: dict[str, float], net_income: float, bfi: float, year: int, m: int, x: Person) -> dict[str, float]:
        """One month's state pension contribution on benefits, utjämning and consumption tax."""
        s, v = self.s, self.month(m)
        out: dict[str, float] = {}
        if s.actors.pension_system == "separate":  # 5.5: lag (1998:676) 2 §
            out["statlig_alderspensionsavgift"] = v["state_pension_rate"] * sum(f.get(b, 0.0) for b in v["state_pension_benefits"])
        if s.equalisation.enabled:  # 5.4: the länsvis rate × BFI, in the months of the tax
            kommun_rate, region_rate = self.equalisation_rates(year, x.municipality)
            out["utjamning_kommun"], out["utjamning_region"] = kommun_rate * bfi, region_rate * bfi
        if s.production.convention == "consumption_tax":  # 3.5a: indirect tax on the disposable income (no loan)
            disposable = net_income + f["forsorjningsstod"]  # net income after tax with every tax-free benefit, no loan
            out["indirekta_skatter"] = v["indirect_tax"] * disposable
        return out

    def nets(self, f: dict[str, float], t: dict[str, float], fee_ps: float, fee_b: float, x: Person) -> dict[str, float]:
        """Each actor's cash net in one month (1.3; memos in no actor's cash), the same before the
        utjämning ("eq0:" + actor), and samhällsekonomi's parts ("soc:" + part, 6.6)."""
        s = self.s
        role = {"employer": EMPLOYER_OF[x.employer], "pension": "stat" if s.actors.pension_system == "in_state" else "pensionssystemet",
                "counterpart": s.equalisation.counterpart}
        memo = {"produktion_marknadspris", "undantrangning"}
        if s.study_loan == "financial":
            memo.add("studielan")
        if role["employer"] != "arbetsgivare":  # a public employer's production is not cash
            memo.add("produktion")
        net = dict.fromkeys(ACTORS, 0.0)

        def move(payer, payee, amount):
            payer, payee = role.get(payer, payer), role.get(payee, payee)
            if payer in net:
                net[payer] -= amount
            if payee in net:
                net[payee] += amount

        for cat, amount in f.items():
            if cat not in memo:
                move(*FLOW_PAYER_PAYEE[cat], amount)
        for comp, amount in t.items():
            move(*TAX_PAYER_PAYEE[comp], amount)
        move("individ", s.fees.public_service, fee_ps)
        move("individ", s.fees.begravning, fee_b)
        out = dict(net)
        before_eq = dict(net)
        for cat in ("utjamning_kommun", "utjamning_region"):
            payer, payee = (role.get(a, a) for a in FLOW_PAYER_PAYEE[cat])
            before_eq[payer] += f.get(cat, 0.0)
            before_eq[payee] -= f.get(cat, 0.0)
        out.update({"eq0:" + a: before_eq[a] for a in ACTORS})
        out["soc:production"] = f.get("produktion_marknadspris", 0.0)
        out["soc:resources"] = f.get("studieplats", 0.0) + sum(f.get(f"enhetskostnad_{a}", 0.0) for a in ("kommun", "region", "stat"))
        out["soc:displacement"] = f.get("undantrangning", 0.0)
        return out

    # --- one participant: effects per actor over its horizon -------------------------------------

    def effects(self, x: Person) -> tuple[list[dict[str, float]], list[dict[str, float]]]:
        """(naive, adjusted) effect per actor for each month of the horizon, month 0 = exit."""
        s = self.s
        h = s.period.horizon_months
        first = (x.exit // 12) * 12
        last_year = (x.exit + h - 1) // 12
        n = (last_year + 1) * 12 - first
        duration = self.duration(x)
        keep_p = s.persistence.keep_job_probability
        ends = math.isfinite(duration) and (keep_p is not None or duration < h)
        if ends and keep_p is None:
            raise ValueError("a subsidy ends inside the horizon and persistence.keep_job_probability is not set")
        end = x.exit + duration if ends else math.inf

        def obs_before(m):
            return x.before_amount

        static = s.paths.static
        before_t = (lambda m: x.months_in_state) if static else (lambda m: max(0.0, x.months_in_state + m - x.exit))  # 2.5
        before_state = lambda m: self.path_state(x, x.before, before_t(m), m)  # noqa: E731
        if x.after == x.before:  # oförändrad: the after situation is the before situation, path and all
            after_state, after_t = before_state, before_t
        else:
            after_t = lambda m: m - x.exit  # noqa: E731
            after_state = lambda m: self.path_state(x, x.after, after_t(m), m)  # noqa: E731
        before = self.trajectory(x, first, n, before_state, before_t, obs_before)
        keep = self.trajectory(
            x, first, n,
            lambda m: before_state(m) if m < x.exit else (after_state(m) if m < end else "arbete"),
            lambda m: after_t(m) if m >= x.exit else before_t(m),
            lambda m: x.before_amount if m < x.exit else x.after_amount)
        after = keep
        if ends and keep_p < 1:  # 2.2a: the fall-back returns to where the before path is
            fallback = self.trajectory(
                x, first, n,
                lambda m: after_state(m) if x.exit <= m < end else before_state(m),
                lambda m: after_t(m) if x.exit <= m < end else before_t(m),
                lambda m: x.after_amount if x.exit <= m < end else x.before_amount)
            after = [{a: keep_p * k[a] + (1 - keep_p) * f[a] for a in k} for k, f in zip(keep, fallback)]
        d = s.persistence.monthly_dropoff
        kept = 1 - s.counterfactual.deadweight
        naive, adjusted = [], []
        for t in range(h):  # 2.2: the horizon, months exit … exit + h − 1
            i = x.exit + t - first
            survival = (1 - d) ** t
            e = {a: survival * after[i][a] + (1 - survival) * before[i][a] - before[i][a] for a in before[i]}
            e["offentlig_sektor"] = sum(e[a] for a in PUBLIC)
            e["eq0:offentlig_sektor"] = sum(e["eq0:" + a] for a in PUBLIC)
            naive.append(e)
            adjusted.append({a: kept * v for a, v in e.items()})  # 2.2b: deadweight
        return naive, adjusted


def run_reference(p: Participants, ls: LoadedScenario, book: RuleBook | None = None, limit: int | None = None) -> dict:
    """First-year and whole-horizon effects per actor summed over participants (method.md 6)."""
    ref = Reference(ls, book)
    count = len(p) if limit is None else min(limit, len(p))
    people = [ref.person(p, i) for i in range(count)]
    base = min(x.exit for x in people)
    rate = ls.scenario.discount_rate / 100
    base_year = ls.scenario.prices.base_year or base // 12  # 6.7: the price base
    out = {k: dict.fromkeys(ALL, 0.0) for k in ("first_year", "first_year_naive", "horizon_naive", "horizon", "horizon_discounted")}
    out["first_year_before_equalisation"] = dict.fromkeys(ALL, 0.0)
    out["society"] = {k: dict.fromkeys(SOCIETY, 0.0) for k in ("first_year", "horizon", "horizon_discounted")}
    for x in people:
        naive, adjusted = ref.effects(x)
        for t, (nv, ad) in enumerate(zip(naive, adjusted)):
            discount = (1 + rate) ** (-(x.exit + t - base) / 12)  # 6.3: from the first participant's exit month
            price = ref.price_factor(x.exit + t, base_year)  # 6.7: in the base year's prices
            for a in ALL:
                if t < 12:
                    out["first_year"][a] += ad[a] * price
                    out["first_year_naive"][a] += nv[a] * price
                out["horizon_naive"][a] += nv[a] * price
                out["horizon"][a] += ad[a] * price
                out["horizon_discounted"][a] += ad[a] * price * discount
            add_perspectives(out, t, ad, discount, price)
    society_totals(out["society"], ls.scenario.project.cost)
    out["participants"] = count
    return out


def add_perspectives(out: dict, t: int, adjusted: dict[str, float], discount: float, price: float = 1.0) -> None:
    """Month t's effect (after deadweight, in the base year's prices by `price`) on the actors before
    the utjämning and on samhällsekonomi's parts."""
    for part in SOCIETY:
        value = adjusted["soc:" + part] * price
        if t < 12:
            out["society"]["first_year"][part] += value
        out["society"]["horizon"][part] += value
        out["society"]["horizon_discounted"][part] += value * discount
    if t < 12:
        for a in ALL:
            out["first_year_before_equalisation"][a] += adjusted["eq0:" + a] * price


def society_totals(society: dict, project_cost: float) -> None:
    """method.md 1.5: total = production − resources − displacement; over the horizon also after the
    project cost (in the first exit month, not discounted)."""
    for key, parts in society.items():
        parts["total"] = parts["production"] - parts["resources"] - parts["displacement"]
        if key != "first_year":
            parts["project_cost"] = float(project_cost)
            parts["total_after_project_cost"] = parts["total"] - project_cost


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("participants", type=Path)
    ap.add_argument("--scenario", default=None, help="scenario name or path (default: the bundled example)")
    ap.add_argument("--limit", type=int, default=None, help="only the first N participants")
    a = ap.parse_args()
    ls = load_scenario(a.scenario)
    result = run_reference(read_participants(a.participants), ls, limit=a.limit)
    def rounded(d):
        return {k: rounded(v) for k, v in d.items()} if isinstance(d, dict) else round(d, 2) if isinstance(d, float) else d

    print(json.dumps(rounded(result), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
