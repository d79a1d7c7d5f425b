"""The schema of one rule year (`rules/<year>.yaml`).

Every number from law or from an official source is a *leaf*: its value (or dated values that
change within the year), its unit, a reference and a status. Unknown keys are errors.

Units inside a structured value (a schedule, a list of bands, the a-kassa rule) are declared on
its fields: `Percent` (written as percent, read as a fraction) and `InLeafUnit` (an amount in
the leaf's own unit, e.g. prisbasbelopp). `in_code_units` is the one place that converts them;
`Leaf.at` and the rules lookup (rules/lookup.py) both go through it.
"""

import datetime as dt
from typing import Annotated, Generic, Iterator, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ..i18n import gettext

T = TypeVar("T")

Status = Literal[
    "legislated",  # read in the text of a law or förordning (SFS)
    "official",  # published by the responsible authority (Skatteverket, FK, AF, CSN, regeringen.se)
    "reproduced",  # reproduces Skatteverket's official withholding tables exactly
    "secondary",  # secondary source (seed report, accountant, news)
    "derived",  # computed from a verified rule; the figure itself not seen in an official text
    "assumed",  # a modelling convention or assumption, not a rule
    "unknown",  # not found; placeholder that reports flag
    "projected",  # carried forward from an earlier year
]

Index = Literal["prisbasbelopp", "inkomstbasbelopp", "riksnorm"]

Unit = Literal[
    "SEK",
    "SEK/year",
    "SEK/month",
    "SEK/week",
    "SEK/day",
    "percent",
    "factor",
    "prisbasbelopp",
    "inkomstbasbelopp",
    "months",
    "years",
    "days/week",
    "weeks/year",
    "level",
    "categories",  # a list of ledger category ids
    "kommunkoder",  # a list of four-digit kommunkoder
    "länskoder",  # a list of two-digit länskoder (the first two digits of a kommunkod)
    "days",
    "flag",  # 1 = yes, 0 = no
]


class UnitOf:
    """Field metadata: the numbers of this field are in `unit` ("percent", or "leaf": the leaf's unit)."""

    def __init__(self, unit: str):
        self.unit = unit

    def __repr__(self) -> str:
        return f"UnitOf({self.unit!r})"


Percent = Annotated[float, UnitOf("percent")]  # written as percent (20.67), read as a fraction (0.2067)
Percents = Annotated[list[float], UnitOf("percent")]
InLeafUnit = Annotated[float, UnitOf("leaf")]  # an amount in the unit of the leaf that holds it
BASE_AMOUNTS = ("prisbasbelopp", "inkomstbasbelopp")  # units that are a base amount of the year (SEK/year)


def _scaled(x, unit: str | None, bases: dict[str, float] | None):
    if unit == "percent":
        return x / 100
    if bases is not None and unit in bases:
        return x * bases[unit]
    return x


def _field_unit(model: BaseModel, name: str) -> str | None:
    for meta in type(model).model_fields[name].metadata:
        if isinstance(meta, UnitOf):
            return meta.unit
    return None


def in_code_units(value, unit: str | None, bases: dict[str, float] | None = None):
    """A rule value as the code uses it: percent → fraction, and with `bases` (SEK per
    prisbasbelopp / inkomstbasbelopp) an amount in a base amount → SEK. A number or a list of
    numbers is in `unit` (the leaf's); inside a structured value only the fields declared
    `Percent` or `InLeafUnit` are converted (a new object; the rules themselves are not changed)."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return _scaled(value, unit, bases)
    if isinstance(value, list):
        return [in_code_units(v, unit, bases) for v in value]
    if isinstance(value, BaseModel):
        update = {}
        for name in type(value).model_fields:
            field_value = getattr(value, name)
            declared = _field_unit(value, name)
            if declared is not None:
                update[name] = in_code_units(field_value, unit if declared == "leaf" else declared, bases)
            elif isinstance(field_value, BaseModel) or (isinstance(field_value, list) and any(isinstance(v, BaseModel) for v in field_value)):
                update[name] = in_code_units(field_value, unit, bases)  # nested: its own declared fields
        return value.model_copy(update=update) if update else value
    return value


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False, defer_build=True)  # nan and inf are never a rule's value


# Units of amounts, rates, counts and levels: a plain number in any of them cannot be negative.
# (Schedules hold pieces, not plain numbers: their bases and rates may be.)
NON_NEGATIVE_UNITS = frozenset(Unit.__args__)  # type: ignore[attr-defined]


def _has_bool(value) -> bool:
    if isinstance(value, bool):
        return True
    if isinstance(value, dict):
        return any(_has_bool(v) for v in value.values())
    return isinstance(value, list) and any(_has_bool(v) for v in value)


class Reference(Strict):
    title: str = Field(min_length=3)
    section: str | None = None
    url: str | None = None


class Dated(Strict, Generic[T]):
    valid_from: dt.date
    value: T


class Leaf(Strict, Generic[T]):
    """One parameter with its evidence. `values` holds changes within the year."""

    value: T | None = None
    values: list[Dated[T]] | None = None
    unit: Unit
    reference: Reference
    status: Status
    note: str | None = None
    uprate_with: Index | None = None  # index that carries this value into a projected year

    @model_validator(mode="before")
    @classmethod
    def _numbers_not_bools(cls, data):
        # a leaf's value never holds true/false (pydantic would read true as 1)
        if isinstance(data, dict) and (_has_bool(data.get("value")) or _has_bool(data.get("values"))):
            raise ValueError(gettext("expected a number, not true/false"))
        return data

    @model_validator(mode="after")
    def _one_of_value_or_values(self) -> "Leaf[T]":
        if (self.value is None) == (self.values is None):
            raise ValueError(gettext("give exactly one of 'value' or 'values' (a list of {items})").format(items="{valid_from, value}"))
        if self.values is not None:
            if not self.values:
                raise ValueError(gettext("'values' is empty"))
            dates = [v.valid_from for v in self.values]
            if dates != sorted(dates) or len(set(dates)) != len(dates):
                raise ValueError(gettext("'values' must be in increasing valid_from order without repeats"))
        if self.unit in NON_NEGATIVE_UNITS:
            for day, v in self.dated_values():
                negative = [x for x in (v if isinstance(v, list) else [v]) if isinstance(x, (int, float)) and x < 0]
                if negative:
                    what = gettext("value {value}") if day is None else gettext("the value from {day}, {value},")
                    raise ValueError((what + " " + gettext("is negative; a leaf in {unit} cannot be")).format(
                        value=f"{negative[0]:g}", day=day, unit=self.unit))
        return self

    def raw_at(self, day: dt.date) -> T:
        """The value in force on `day`: the latest valid_from not after it."""
        if self.values is None:
            return self.value  # type: ignore[return-value]
        current = None
        for item in self.values:
            if item.valid_from <= day:
                current = item.value
        if current is None:
            raise LookupError(f"no value in force on {day} (first valid_from {self.values[0].valid_from})")
        return current

    def at(self, day: dt.date):
        """Value in force on `day` with percent as fractions (20.67 → 0.2067), also the `Percent`
        fields of a structured value; amounts stay in the leaf's unit (the rules lookup,
        rules/lookup.py, also turns base amounts into SEK)."""
        return in_code_units(self.raw_at(day), self.unit)

    def dated_values(self) -> list[tuple[dt.date | None, T]]:
        if self.values is None:
            return [(None, self.value)]  # type: ignore[list-item]
        return [(v.valid_from, v.value) for v in self.values]


class Piece(Strict):
    """One band of a schedule as the law writes it: above `over`, `base` plus `rate` percent of
    the part above `over`. `over` and `base` are in the leaf's unit (prisbasbelopp or SEK)."""

    over: Annotated[InLeafUnit, Field(ge=0)]
    base: InLeafUnit
    rate: Percent  # of the income above `over` (or of the whole income, with of: total)
    of: Literal["excess", "total"] = "excess"


class Schedule(Leaf[list[Piece]]):
    @model_validator(mode="after")
    def _pieces_ordered(self) -> "Schedule":
        for _, pieces in self.dated_values():
            overs = [p.over for p in pieces]
            if not pieces or overs[0] != 0 or overs != sorted(overs):
                raise ValueError(gettext("schedule pieces must start at over: 0 and increase"))
        return self


Number = Leaf[float]


# --- income tax -------------------------------------------------------------------------


class PensionFee(Strict):
    rate: Number
    ceiling: Number  # inkomstbasbelopp
    floor: Number  # prisbasbelopp: no fee below
    rounding: Number  # SEK: to the nearest, exact half down


class OlderJobbskatteavdrag(Strict):
    """IL 67 kap. 7 § for those who have reached max_age: an amount by arbetsinkomst, not × the rate."""

    schedule: Schedule
    phase_out_over: Number | None = None  # in the schedule's unit
    phase_out_rate: Number | None = None


class Jobbskatteavdrag(Strict):
    schedule: Schedule  # "underlag" by arbetsinkomst, in prisbasbelopp
    phase_out_over: Number | None = None  # prisbasbelopp
    phase_out_rate: Number | None = None
    max_age: Number  # this schedule is for those who had not reached this age at the start of the year
    older: OlderJobbskatteavdrag | None = None


class EarnedIncomeReduction(Strict):
    rate: Number
    floor: Number
    ceiling: Number


class PublicService(Strict):
    rate: Number
    cap: Number  # inkomstbasbelopp
    min_age: Number  # years reached before the start of the year


class IncomeTax(Strict):
    income_rounding: Number  # FFI and arbetsinkomst rounded down to this
    deduction_rounding: Number  # grundavdrag rounded up to this
    grundavdrag: Schedule
    grundavdrag_max_age: Number  # from this age at the start of the year: förhöjt grundavdrag
    grundavdrag_older: Schedule | None = None  # IL 63 kap. 3 a §: the särskilt belopp added to the grundavdrag
    state_tax_rate: Number
    state_tax_threshold: Number  # skiktgräns, SEK of beskattningsbar förvärvsinkomst
    pension_fee: PensionFee
    jobbskatteavdrag: Jobbskatteavdrag
    earned_income_reduction: EarnedIncomeReduction
    temporary_work_reduction: Schedule | None = None  # lag (2021:930), 2021–2022 only
    public_service: PublicService
    withholding_table_fees: Number  # %-points of fees the withholding tables assume
    withholding_intervals: "WithholdingIntervals"  # the monthly tables' pay intervals


class WithholdingInterval(Strict):
    """Monthly pay above `over` up to `up_to` falls in intervals `width` kronor wide (SKV 433)."""

    over: float = Field(ge=0)
    up_to: float
    width: float = Field(gt=0)


class WithholdingIntervals(Leaf[list[WithholdingInterval]]):
    @model_validator(mode="after")
    def _intervals_follow(self) -> "WithholdingIntervals":
        for _, intervals in self.dated_values():
            if not intervals or intervals[0].over != 0 or any(i.up_to <= i.over for i in intervals) or any(
                    b.over != a.up_to for a, b in zip(intervals, intervals[1:])):
                raise ValueError(gettext("withholding intervals must start at over: 0 and each start where the one before ends (up_to)"))
        return self


class LocalTax(Strict):
    average_kommun_rate: Number
    average_region_rate: Number
    begravning_rate: Number  # uniform rate outside Stockholm and Tranås


# --- employer contributions -------------------------------------------------------------


class ReducedContribution(Strict):
    born_from: int
    born_to: int
    rate: Percent
    monthly_pay_cap: float | None = None  # SEK; pay above it at the full rate
    months: list[int] | None = None  # calendar months it applies in; all when absent

    @model_validator(mode="after")
    def _months_valid(self) -> "ReducedContribution":
        if self.months is not None and not all(1 <= m <= 12 for m in self.months):
            raise ValueError(gettext("months must be 1–12"))
        if self.born_to < self.born_from:
            raise ValueError(gettext("born_to before born_from"))
        return self


class EmployerContributions(Strict):
    full_rate: Number
    pension_rate: Number  # the ålderspensionsavgift within the fees; every reduction keeps it whole
    reductions: Leaf[list[ReducedContribution]]


class PensionSystem(Strict):
    """Lag (1998:676) om statlig ålderspensionsavgift: what the state pays to the pension system on benefits."""

    state_contribution_rate: Number  # 2 §: percent of the benefit
    state_contribution_benefits: Leaf[list[str]]  # the ledger categories (benefits) it is paid on


# --- kommunalekonomisk utjämning ------------------------------------------------------------


class CountyRates(Strict):
    """One län's länsvisa skattesatser (förordning 2004:881): for its kommuner and its region."""

    code: str = Field(pattern=r"^\d{2}$")  # länskod: the first two digits of its kommuners' kommunkoder
    name: str
    kommun: Percent
    region: Percent


class KommunRates(Strict):
    """Rates for kommuner outside a region (Gotland), who carry both parts, or a national average."""

    kommunkoder: list[str] = Field(default_factory=list)
    kommun: Percent
    region: Percent


class Equalisation(Strict):
    """Lag (2004:773) om kommunalekonomisk utjämning 3–7 §§ and förordning (2004:881) 2–3 §§: the
    inkomstutjämning's marginal rate per län for a receiving (bidrag) or a paying (avgift) kommun or region."""

    guarantee_kommun: Number  # percent of the uppräknad medelskattekraft (documentation)
    guarantee_region: Number
    bidrag_rates: Leaf[list[CountyRates]]
    avgift_rates: Leaf[list[CountyRates]]
    outside_region: Leaf[KommunRates]  # kommuner not in a region: both parts on the kommun
    paying_kommuner: Leaf[list[str]]  # kommunkoder of the kommuner that pay an avgift
    paying_regioner: Leaf[list[str]]  # länskoder of the regioner that pay an avgift
    average_rates: Leaf[KommunRates]  # for a participant without a kommun (national average tax rates)

    @model_validator(mode="after")
    def _same_counties(self) -> "Equalisation":
        for leaf in (self.bidrag_rates, self.avgift_rates):
            for _, rows in leaf.dated_values():
                codes = [r.code for r in rows]
                if len(set(codes)) != len(codes):
                    raise ValueError(gettext("a län appears twice in the utjämning rates"))
        return self


# --- transfers ----------------------------------------------------------------------------


class ChildBand(Strict):
    """An amount for one child whose age (whole years) is in [min_age, max_age]."""

    min_age: int = Field(ge=0)
    max_age: int = Field(ge=0)
    amount: Annotated[InLeafUnit, Field(ge=0)]


class AfterAKassaDaily(Strict):
    """Aktivitetsstöd in jobb- och utvecklingsgarantin after an ersättningsperiod under lag (1997:238)
    has been used up: a share of the dagsförtjänst behind the a-kassa, at least an amount a day."""

    variant: Literal["daily"]
    percent: Percent  # of the dagsförtjänst
    min_per_day: float  # SEK a day (at full time)


class AfterAKassaMonthly(Strict):
    """Förordning (2017:819) 2 kap. 4 § (from 2025-10-01), after day `period_days` of a period under
    lag (2024:506): 1/days_per_month of the ersättningsgrundande inkomst, capped per day, times the
    level of the period's last band less `step_down` percentage points, and `step_down` more every
    `step_days` ersättningsdagar; at least `min_per_day`."""

    variant: Literal["monthly"]
    step_down: Percent  # percentage points
    step_days: int
    income_cap_per_day: float  # SEK a day of the ersättningsgrundande inkomst
    min_per_day: float


class Aktivitetsstod(Strict):
    daily_amount: Number  # grundbelopp
    min_age: Number  # aktivitetsstöd without a right to a-kassa from this age; younger: utvecklingsersättning (2 kap. 1, 10 §§)
    after_a_kassa: Leaf[Annotated[AfterAKassaDaily | AfterAKassaMonthly, Field(discriminator="variant")]]
    after_a_kassa_ongoing: Leaf[AfterAKassaDaily] | None = None  # for periods under the old law after the new one began


class Etableringsersattning(Strict):
    daily_amount: Number
    max_months: Number  # the etableringsprogram's length (förordning 2017:820 7 §)
    min_age: Number  # years: from this age …
    max_age: Number  # … until the birthday after this one
    tillagg: Leaf[list[ChildBand]]  # etableringstillägg per hemmavarande child by age, SEK/month
    tillagg_max_children: Number  # the eldest this many children count
    bostadsersattning_cost_floor: Number  # SEK/month: the housing cost above this …
    bostadsersattning_cost_ceiling: Number  # … up to this is paid (100 %)


class Utvecklingsersattning(Strict):
    daily_amount_higher: Number  # 1/5 of the weekly studiemedel grant
    daily_amount_lower: Number  # studiehjälpens studiebidrag / 22
    min_age: Number
    max_age: Number


class Jobbstimulans(Strict):
    share: Percent  # of the net income of employment, not counted in the assessment
    qualifying_months: int  # consecutive months with försörjningsstöd before the rule applies
    months: int  # the rule applies for this many months from then


class Forsorjningsstod(Strict):
    """Riksnorm: personal costs of every household member plus the household's common costs."""

    riksnorm_personal_single: Number  # ensamstående
    riksnorm_personal_couple: Number  # sambor, for both adults
    riksnorm_personal_children: Leaf[list[ChildBand]]  # barn och skolungdom by age
    riksnorm_common_one_person: Number
    riksnorm_common_by_persons: Leaf[list[float]]  # households of 1, 2, …, 7 persons
    jobbstimulans: Leaf[Jobbstimulans]  # part of the earned income not counted (SoL 2001:453 4 kap. 1 b §)

    @model_validator(mode="after")
    def _tables_consistent(self) -> "Forsorjningsstod":
        for _, bands in self.riksnorm_personal_children.dated_values():
            ages = [(b.min_age, b.max_age) for b in bands]
            if not bands or ages[0][0] != 0 or any(lo > hi for lo, hi in ages) or any(
                    ages[k + 1][0] != ages[k][1] + 1 for k in range(len(ages) - 1)):
                raise ValueError(gettext("riksnorm_personal_children: age bands must start at 0 and follow each other without gaps"))
        for _, amounts in self.riksnorm_common_by_persons.dated_values():
            if len(amounts) != 7:
                raise ValueError(gettext("riksnorm_common_by_persons: give the common costs for households of 1 to 7 persons (7 amounts)"))
        if self.riksnorm_common_one_person.dated_values() != [(d, v[0]) for d, v in self.riksnorm_common_by_persons.dated_values()]:
            raise ValueError(gettext("riksnorm_common_one_person must equal the first amount of riksnorm_common_by_persons"))
        return self


class AKassaDaily(Strict):
    """Lag (1997:238) om arbetslöshetsförsäkring (until 2025-09-30): dagpenning per day."""

    variant: Literal["daily"]
    basic_amount_per_day: float  # grundbelopp, full time
    max_per_day_first_100: float  # highest income-related dagpenning, days 1–100
    max_per_day_after_100: float
    percent_days_1_200: Percent  # of dagsförtjänst
    percent_after_200: Percent
    karens_days: int
    income_days_per_month: float  # dagsförtjänst = average monthly income in the ramtid / this
    step_days: list[int]  # ersättningsdagar after which the max (first) and the percent (second) step down
    period_days: int  # ersättningsperiod (lag 1997:238 22 §)
    period_days_parent: int  # for a parent of a child under 18 on day period_days


class AKassaMonthly(Strict):
    """Lag (2024:506) om arbetslöshetsförsäkring (from 2025-10-01): income-based, paid per month."""

    variant: Literal["monthly"]
    income_ceiling_per_month: float  # högsta ersättningsgrundande inkomst
    percent_member: Percents  # member ≥ 12 months: days 1–100, 101–200, 201–300
    percent_short_member: Percents  # member 6–<12 months
    percent_non_member: Percents
    step_days: list[int]  # ersättningsdagar after which the percent steps down
    days_per_month: float  # a month of full benefit = this many ersättningsdagar
    karens_days: int
    period_days: int  # the longest ersättningsperiod (lag 2024:506 4 kap. 4 §)
    periods_from: dt.date  # applies to ersättningsperioder decided from this day; earlier ones run on under the old law


class Sjukpenning(Strict):
    """Socialförsäkringsbalken (2010:110) 25–28 kap.: sjukpenning per kalenderdag on the SGI."""

    replacement_rate: Number  # percent of the sjukpenningunderlag (normalnivån)
    sgi_share: Number  # percent: the sjukpenningunderlag is this share of the SGI
    sgi_cap: Number  # prisbasbelopp: income above it gives no SGI
    fortsattning_rate: Number  # percent of the sjukpenningunderlag after normal_days (fortsättningsnivån)
    normal_days: Number  # days with sjukpenning on the normalnivå (SFB 27 kap. 21 §)
    sarskilda_fall_daily: Number  # sjukpenning i särskilda fall at hel förmån, SEK per calendar day (SFB 28 a kap.)


class GuaranteeBand(Strict):
    min_age: int  # from this age (years, inclusive) until the next band's
    level: InLeafUnit  # garantinivå for full benefit per year (the leaf's unit: prisbasbelopp)


class SjukOchAktivitetsersattning(Strict):
    """Socialförsäkringsbalken (2010:110) 33–37 kap.: sjukersättning and aktivitetsersättning."""

    income_related_rate: Number  # percent of the antagandeinkomst
    antagandeinkomst_cap: Number  # prisbasbelopp
    garantiniva: Leaf[list[GuaranteeBand]]  # by age, prisbasbelopp per year
    aktivitetsersattning_min_age: Number
    aktivitetsersattning_max_age: Number  # paid until the month before the birthday after this age (SFB 33 kap. 18–19 §§)

    @model_validator(mode="after")
    def _bands_ordered(self) -> "SjukOchAktivitetsersattning":
        for _, bands in self.garantiniva.dated_values():
            ages = [b.min_age for b in bands]
            if not bands or ages != sorted(ages) or len(set(ages)) != len(ages):
                raise ValueError(gettext("garantiniva bands must be in increasing min_age order"))
        return self


class Barnbidrag(Strict):
    """Socialförsäkringsbalken 15 kap.: barnbidrag and flerbarnstillägg; studiehjälpens studiebidrag (CSN) for 16–19."""

    per_child: Number  # SEK/month
    last_age: Number  # paid while the child's age in the year is at most this
    flerbarnstillagg: Leaf[list[float]]  # SEK/month for the household, by its number of children 1, 2, 3, …
    flerbarnstillagg_each_further: Number  # for each child beyond the list
    studiebidrag_per_month: Number  # studiehjälp, SEK a month paid
    studiebidrag_months_per_year: Number
    studiebidrag_last_age: Number  # children older than last_age and up to this are taken to be in school


class FamilyBostadsbidrag(Strict):
    """SFB 97 kap. 15–23 §§: households with children (amounts SEK/month, income limits SEK/year)."""

    cost_floor: float
    cost_share: Percent  # of the housing cost between the floor and the ceiling
    cost_ceilings: list[float]  # by 1, 2, 3 or more children
    sarskilt_bidrag: list[float]  # by 1, 2, 3 or more children (hemmavarande)
    max_children: int
    income_limit_single_per_year: float
    income_limit_per_spouse_per_year: float
    income_reduction: Percent  # of the bidragsgrundande inkomst above the limit


class CostBand(Strict):
    over: float
    up_to: float
    share: Percent


class YoungBostadsbidrag(Strict):
    """SFB 96 kap. 10–11 §§, 97 kap. 24–28 §§: households without children, 18–28 years."""

    min_age: int
    max_age: int
    bands: list[CostBand]  # SEK/month of housing cost
    income_limit_single_per_year: float
    income_limit_couple_per_year: float
    income_reduction: Percent


class Tillaggsbidrag(Strict):
    share: Percent  # of the preliminary bostadsbidrag (households with children)
    max_per_month: float


class Bostadsbidrag(Strict):
    families: Leaf[FamilyBostadsbidrag]
    young: Leaf[YoungBostadsbidrag]
    min_per_year: Number  # nothing is paid below this
    rounded_down_to: Number  # the monthly amount, SEK
    tillaggsbidrag: Leaf[Tillaggsbidrag]
    studiebidrag_income_share: Number  # percent of the studiebidrag counted as bidragsgrundande inkomst


class Transfers(Strict):
    payment_days_per_week: Number
    aktivitetsstod: Aktivitetsstod
    etableringsersattning: Etableringsersattning
    utvecklingsersattning: Utvecklingsersattning
    forsorjningsstod: Forsorjningsstod
    a_kassa: Leaf[Annotated[AKassaDaily | AKassaMonthly, Field(discriminator="variant")]]
    sjukpenning: Sjukpenning
    sjuk_och_aktivitetsersattning: SjukOchAktivitetsersattning
    a_kassa_ongoing: Leaf[AKassaDaily] | None = None  # lag (1997:238) for periods decided before the new law
    barnbidrag: Barnbidrag
    bostadsbidrag: Bostadsbidrag


# --- subsidised employment ---------------------------------------------------------------


class Introduktionsjobb(Strict):
    share: Number
    wage_cap: Number
    supervisor_support: Number
    supervisor_months: Number
    max_months: Number  # length of one decision (the subsidy ends after it)


class DurationBand(Strict):
    min_age: int
    max_age: int
    months: int = Field(ge=1)


class NystartsjobbBand(Strict):
    min_age: int
    max_age: int
    min_months: int
    max_months: int | None = None
    level: int = Field(ge=1)


class Nystartsjobb(Strict):
    multiples: Leaf[list[float]]  # by level 1, 2, 3: times the employer contributions due
    wage_cap: Number
    bands: Leaf[list[NystartsjobbBand]]
    newly_arrived_level: Number
    max_months: Leaf[list[DurationBand]]  # longest support by age at the start of the job


class Extratjanst(Strict):
    share: Number
    wage_cap: Number
    max_months: Number
    new_entrants: Number  # flag: 0 = no new anvisningar in the months it is in force


class Lonebidrag(Strict):
    wage_cap: Number  # bidragsgrundande lön, SEK/month at full time


class Subsidies(Strict):
    introduktionsjobb: Introduktionsjobb
    lonebidrag: Lonebidrag
    nystartsjobb: Nystartsjobb
    extratjanst: Extratjanst | None = None


# --- studies, economy ---------------------------------------------------------------------


class Studiemedel(Strict):
    grant_per_week: Number
    loan_per_week: Number
    weeks_per_year: Number


class Studies(Strict):
    studiemedel: Studiemedel
    study_place_cost: Number


class Economy(Strict):
    production_market_price_factor: Number
    holiday_pay_rate: Number
    indirect_tax_rate: Number  # indirect taxes (moms, punktskatter) as a share of household consumption
    consumption_share: Number  # share of a change in disposable income that is consumed
    productivity_subsidised: Number  # share of the lönekostnad a worker in a subsidised job produces
    productivity_unsubsidised: Number  # … in unsubsidised work


class RuleYear(Strict):
    year: int
    title: str
    base_amounts: "BaseAmounts"
    income_tax: IncomeTax
    local_tax: LocalTax
    employer_contributions: EmployerContributions
    transfers: Transfers
    subsidies: Subsidies
    studies: Studies
    economy: Economy
    pension_system: PensionSystem
    equalisation: Equalisation

    @model_validator(mode="after")
    def _dates_inside_year(self) -> "RuleYear":
        for path, leaf in iter_leaves(self):
            for day, _ in leaf.dated_values():
                if day is not None and day.year != self.year:
                    raise ValueError(gettext("{path}: valid_from {day} is outside {year}").format(path=".".join(path), day=day, year=self.year))
        return self


class BaseAmounts(Strict):
    prisbasbelopp: Number
    inkomstbasbelopp: Number


RuleYear.model_rebuild()


def iter_leaves(model: BaseModel, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Leaf]]:
    """Every leaf below model with its key path, in schema order."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, Leaf):
            yield path + (name,), value
        elif isinstance(value, BaseModel):
            yield from iter_leaves(value, path + (name,))


def known_keys(model_type: type[BaseModel] = RuleYear) -> dict[tuple[str, ...], list[str]]:
    """Allowed keys per key path (for "did you mean")."""
    out: dict[tuple[str, ...], list[str]] = {}

    def walk(tp, path):
        fields = getattr(tp, "model_fields", None)
        if not fields:
            return
        out[path] = list(fields)
        for name, f in fields.items():
            ann = f.annotation
            for cand in getattr(ann, "__args__", ()) + (ann,):
                if isinstance(cand, type) and issubclass(cand, BaseModel):
                    if issubclass(cand, Leaf):
                        out[path + (name,)] = list(cand.model_fields)
                    else:
                        walk(cand, path + (name,))

    walk(model_type, ())
    return out


# --- indices for carrying rules into years without a rules file -------------------------


class IndexSeries(Strict):
    """An index's official values per year and the annual change assumed for later years."""

    values: dict[int, float]
    unit: Unit
    reference: Reference
    status: Status
    projected_annual_change: float  # percent a year
    projected_reference: Reference
    projected_status: Status


class PricePoint(Strict):
    value: float
    status: Status
    reference: Reference | None = None
    note: str | None = None


class PriceSeries(Strict):
    """A price or wage series per calendar year (fixed prices, docs/method.md 6.7): each year's value
    with its own status, and the change assumed for the years after the last one."""

    unit: str
    values: dict[int, PricePoint]
    reference: Reference
    projected_annual_change: float  # percent a year
    projected_reference: Reference
    projected_status: Status

    @model_validator(mode="after")
    def _consecutive(self) -> "PriceSeries":
        years = sorted(self.values)
        if not years or years != list(range(years[0], years[-1] + 1)):
            raise ValueError(gettext("give a value for every year from the first to the last, without gaps"))
        return self


class Indices(Strict):
    prisbasbelopp: IndexSeries
    inkomstbasbelopp: IndexSeries
    riksnorm: IndexSeries
    wage_growth: PriceSeries  # nominal wage growth, percent from the year before
    kpi: PriceSeries  # konsumentprisindex, annual mean (1980 = 100)


def _register_parametrised_classes() -> None:
    """Make the generic models parametrised in the annotations above (Leaf[float],
    Dated[list[Piece]], …) attributes of this module under their own names, so that pickle finds
    them by reference. Otherwise a loaded rule year cannot be pickled, and cloudpickle (Dask's
    processes, a Dask cluster) copies each such class by value, with a half-built validator that
    older pydantic versions cannot unpickle (RecursionError)."""
    seen, todo = set(), [Strict]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            if sub not in seen:
                seen.add(sub)
                todo.append(sub)
                if sub.__module__ == __name__ and "[" in sub.__qualname__:
                    globals().setdefault(sub.__qualname__, sub)


_register_parametrised_classes()
