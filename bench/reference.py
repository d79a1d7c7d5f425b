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
named in the comments.

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
from nyttokalk.ruleset.loader import RuleBook
from nyttokalk.scenario import LoadedScenario, LocalRates, load_scenario, parse_month
from nyttokalk.incometax import income_tax, year_rules

ACTORS = ("individ", "kommun", "region", "stat", "pensionssystemet", "ovriga_kommuner", "arbetsgivare")
PUBLIC = ("kommun", "region", "stat", "pensionssystemet", "ovriga_kommuner")
ALL = ACTORS + ("offentlig_sektor",)
SOCIETY = ("production", "resources", "displacement")  # method.md 6.6: total = production − resources − displacement

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
}


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


class Reference:
    def __init__(self, ls: LoadedScenario, book: RuleBook | None = None):
        self.ls = ls
        self.s = ls.scenario
        self.book = book or RuleBook()
        self._months: dict[int, dict] = {}
        self._tax: dict[tuple, dict[str, float]] = {}
        self._rates: dict[tuple[int, str], tuple[float, float, float]] = {}

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
        return Person(
            before=str(p.before[i]), after=str(after), age=age, birth_year=exit_m // 12 - age, newly_arrived=newly,
            months_unemployed=months, wage=wage, extent=extent, exit=exit_m, municipality=str(p.municipality[i]),
            before_amount=float(p.before_amount[i]), after_amount=float(p.after_amount[i]),
            employer=str(p.employer[i]) or d.employer,
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
            "norm": tr.forsorjningsstod.riksnorm_personal_single.at(day) + tr.forsorjningsstod.riksnorm_common_one_person.at(day)
                    + s.forsorjningsstod.reasonable_costs,
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
            f["aktivitetsstod"] = v["aktivitetsstod_daily"] * v["days"]
        elif state == "etableringsersattning":
            f["etableringsersattning"] = v["etablering_daily"] * v["days"]
        elif state == "utvecklingsersattning":
            f["utvecklingsersattning"] = v["utveckling_daily"] * v["days"]
        elif state == "studier":
            f["studiebidrag"] = v["grant_week"] * v["study_weeks"] / 12
            f["studielan"] = v["loan_week"] * v["study_weeks"] / 12
            f["studieplats"] = v["study_place"]
        elif state in WORK_STATES:
            # 3.4: pay, semesterersättning when on top, employer contributions with reductions
            lon = x.wage * x.extent
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

    def year_tax(self, year: int, work: float, benefit: float, x: Person) -> dict[str, float]:
        """Final tax of one calendar year, every component (nyttokalk.incometax.income_tax on length-1 arrays)."""
        k, r, b = self.local_rates(year, x.municipality)
        age = year - x.birth_year - 1  # 2.4: age at the start of the year
        key = (year, work, benefit, k, r, b, age)
        if key not in self._tax:
            day = self.s.period.rules_date or dt.date(year, 1, 1)
            params = year_rules(self.book.year_for(day.year)[0].rules)
            comp = income_tax(np.array([work]), np.array([benefit]), k, r, b, params,
                              age_at_year_start=np.array([age]), temporary_reduction=self.s.tax.temporary_work_reduction)
            self._tax[key] = {c: float(a[0]) for c, a in comp.items()}
        return self._tax[key]

    # --- one trajectory: states per month → each actor's net per month ------------------------

    def trajectory(self, x: Person, first: int, n: int, state_at, in_state_at, observed_at) -> list[dict[str, float]]:
        """Actors' nets for months first … first + n − 1 (whole calendar years)."""
        flows = [self.state_flows(state_at(m), x, m, in_state_at(m)) for m in range(first, first + n)]
        nets = []
        for y in range(n // 12):
            block = flows[12 * y: 12 * y + 12]
            work = sum(f.get("lon", 0.0) + f.get("semesterersattning", 0.0) for f in block)
            benefit = sum(f.get("aktivitetsstod", 0.0) for f in block)
            tax = self.year_tax((first + 12 * y) // 12, work, benefit, x)
            annual = work + benefit
            for j, f in enumerate(block):
                m = first + 12 * y + j
                taxable = f.get("lon", 0.0) + f.get("semesterersattning", 0.0) + f.get("aktivitetsstod", 0.0)
                share = taxable / annual if annual > 0 else 0.0  # 5.1: spread by taxable income
                t = {c: tax[c] * share for c in TAX_PAYER_PAYEE}
                fee_ps, fee_b = tax["public_service_fee"] * share, tax["begravning_fee"] * share
                total = tax["total"] * share
                # 4: top-up to the norm, unless observed
                net_income = (taxable - total + f.get("etableringsersattning", 0.0) + f.get("utvecklingsersattning", 0.0)
                              + f.get("studiebidrag", 0.0) + f.get("studielan", 0.0))
                modelled = 0.0 if state_at(m) in NO_TOP_UP else max(0.0, self.month(m)["norm"] - net_income)
                obs = observed_at(m)
                f = dict(f, forsorjningsstod=modelled if math.isnan(obs) else obs)
                f.update(self.public_finance(f, taxable - total, tax["bfi"] * share, (first + 12 * y) // 12, m, x))
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
            disposable = (net_income + f.get("etableringsersattning", 0.0) + f.get("utvecklingsersattning", 0.0)
                          + f.get("studiebidrag", 0.0) + f["forsorjningsstod"])
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

        before = self.trajectory(x, first, n, lambda m: x.before, lambda m: -1, obs_before)
        keep = self.trajectory(
            x, first, n,
            lambda m: x.before if m < x.exit else (x.after if m < end else "arbete"),
            lambda m: m - x.exit if m >= x.exit else -1,
            lambda m: x.before_amount if m < x.exit else x.after_amount)
        after = keep
        if ends and keep_p < 1:
            fallback = self.trajectory(
                x, first, n,
                lambda m: x.after if x.exit <= m < end else x.before,
                lambda m: m - x.exit if x.exit <= m < end else -1,
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
    out = {k: dict.fromkeys(ALL, 0.0) for k in ("first_year", "first_year_naive", "horizon_naive", "horizon", "horizon_discounted")}
    out["first_year_before_equalisation"] = dict.fromkeys(ALL, 0.0)
    out["society"] = {k: dict.fromkeys(SOCIETY, 0.0) for k in ("first_year", "horizon", "horizon_discounted")}
    for x in people:
        naive, adjusted = ref.effects(x)
        for t, (nv, ad) in enumerate(zip(naive, adjusted)):
            discount = (1 + rate) ** (-(x.exit + t - base) / 12)  # 6.3: from the first participant's exit month
            for a in ALL:
                if t < 12:
                    out["first_year"][a] += ad[a]
                    out["first_year_naive"][a] += nv[a]
                out["horizon_naive"][a] += nv[a]
                out["horizon"][a] += ad[a]
                out["horizon_discounted"][a] += ad[a] * discount
            add_perspectives(out, t, ad, discount)
    society_totals(out["society"], ls.scenario.project.cost)
    out["participants"] = count
    return out


def add_perspectives(out: dict, t: int, adjusted: dict[str, float], discount: float) -> None:
    """Month t's effect (after deadweight) on the actors before the utjämning and on samhällsekonomi's parts."""
    for part in SOCIETY:
        value = adjusted["soc:" + part]
        if t < 12:
            out["society"]["first_year"][part] += value
        out["society"]["horizon"][part] += value
        out["society"]["horizon_discounted"][part] += value * discount
    if t < 12:
        for a in ALL:
            out["first_year_before_equalisation"][a] += adjusted["eq0:" + a]


def society_totals(society: dict, project_cost: float) -> None:
    """method.md 6.6: total = production − resources − displacement; over the horizon also after the
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
