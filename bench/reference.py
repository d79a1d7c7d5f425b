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
contributions and their reductions, subsidies and their durations, production value, the
calendar-year tax spread by taxable income, the försörjningsstöd top-up and observed amounts,
keep/fall-back persistence, monthly drop-off, deadweight, the actors' nets and the effects — is
computed below, following the sections of docs/method.md named in the comments.

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

ACTORS = ("individ", "kommun", "region", "stat", "arbetsgivare")
PUBLIC = ("kommun", "region", "stat")
ALL = ACTORS + ("offentlig_sektor",)

WORK_STATES = ("arbete", "introduktionsjobb", "nystartsjobb", "extratjanst", "lonebidrag")
NO_TOP_UP = ("ingen_ersattning",)  # method.md 3.13

# method.md 1.2: category → (payer, payee); the fees' payee comes from the scenario
TAX_PAYER_PAYEE = {
    "kommun_tax": ("individ", "kommun"),
    "region_tax": ("individ", "region"),
    "state_tax": ("individ", "stat"),
    "pension_fee": ("individ", "stat"),
    "pension_fee_reduction": ("stat", "individ"),
    "jobbskatteavdrag": ("stat", "individ"),
    "earned_income_reduction": ("stat", "individ"),
    "temporary_work_reduction": ("stat", "individ"),
}
FLOW_PAYER_PAYEE = {
    "lon": ("arbetsgivare", "individ"),
    "semesterersattning": ("arbetsgivare", "individ"),
    "arbetsgivaravgift": ("arbetsgivare", "stat"),
    "stod_introduktionsjobb": ("stat", "arbetsgivare"),
    "stod_handledare": ("stat", "arbetsgivare"),
    "stod_nystartsjobb": ("stat", "arbetsgivare"),
    "stod_extratjanst": ("stat", "arbetsgivare"),
    "stod_lonebidrag": ("stat", "arbetsgivare"),
    "produktion_faktorkostnad": ("extern", "arbetsgivare"),
    "produktion_indirekta_skatter": ("extern", "stat"),
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
            full = v["aga_full"]
            fees = full * gross
            for red in v["aga_reductions"]:
                if red.months is not None and v["calendar_month"] not in red.months:
                    continue
                if red.born_from <= x.birth_year <= red.born_to:
                    cap = math.inf if red.monthly_pay_cap is None else red.monthly_pay_cap
                    fees = red.rate * min(gross, cap) + full * max(0.0, gross - cap)  # Leaf.at: the rate as a fraction
            rate = fees / gross if gross > 0 else 0.0
            f.update(lon=lon, semesterersattning=holiday, arbetsgivaravgift=fees)
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
            # 3.5: production value at market price
            factor = lon + holiday + fees
            f["produktion_faktorkostnad"] = factor
            f["produktion_indirekta_skatter"] = factor * (v["market_factor"] - 1)
        elif state not in ("forsorjningsstod", "ingen_ersattning"):
            raise ValueError(f"state {state!r} is not modelled")
        if "studielan" in f:
            f["studielan_fordran"] = f["studielan"]
        return f

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
                net = dict.fromkeys(ACTORS, 0.0)
                for cat, amount in f.items():
                    payer, payee = FLOW_PAYER_PAYEE[cat]
                    net[payer] = net.get(payer, 0.0) - amount
                    net[payee] = net.get(payee, 0.0) + amount
                for comp, amount in t.items():
                    payer, payee = TAX_PAYER_PAYEE[comp]
                    net[payer] -= amount
                    net[payee] += amount
                net["individ"] -= fee_ps + fee_b
                net[self.s.fees.public_service] += fee_ps
                net[self.s.fees.begravning] += fee_b
                nets.append(net)
        return nets

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
            after = [{a: keep_p * k[a] + (1 - keep_p) * f[a] for a in ACTORS} for k, f in zip(keep, fallback)]
        d = s.persistence.monthly_dropoff
        kept = 1 - s.counterfactual.deadweight
        naive, adjusted = [], []
        for t in range(h):  # 2.2: the horizon, months exit … exit + h − 1
            i = x.exit + t - first
            survival = (1 - d) ** t
            e = {a: survival * after[i][a] + (1 - survival) * before[i][a] - before[i][a] for a in ACTORS}
            e["offentlig_sektor"] = sum(e[a] for a in PUBLIC)
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
    out["participants"] = count
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("participants", type=Path)
    ap.add_argument("--scenario", default=None, help="scenario name or path (default: the bundled example)")
    ap.add_argument("--limit", type=int, default=None, help="only the first N participants")
    a = ap.parse_args()
    ls = load_scenario(a.scenario)
    result = run_reference(read_participants(a.participants), ls, limit=a.limit)
    print(json.dumps({k: ({a: round(v, 2) for a, v in d.items()} if isinstance(d, dict) else d) for k, d in result.items()}, indent=2))


if __name__ == "__main__":
    main()
