"""Labels for reports, per language: Swedish (default) and English.

Reports look up every word they show here: `labels(lang)["key"]`. A key a language lacks falls
back to Swedish, and an id no language knows (a new field of the analysis) is shown as it is, so
a new field never breaks a report. The actors' names are given once per language in the order of
actors.ALL; a new actor without its names stops the import (zip strict) rather than shifting the
names of the others.
"""

from __future__ import annotations

from ..actors import ALL

LANGS = ("sv", "en")

# The actors' names per language, in the order of actors.ALL (the actors, then the public sector)
ACTOR_NAMES = {
    "sv": ("Individ", "Kommun", "Region", "Stat", "Pensionssystemet", "Övriga kommuner och regioner", "Arbetsgivare", "Offentlig sektor"),
    "en": ("Individual", "Municipality", "Region", "State", "Pension system", "Other municipalities and regions", "Employer",
           "Public sector"),
}
ACTOR_LABELS = dict(zip(ALL, ACTOR_NAMES["sv"], strict=True))

_SV = {
    **ACTOR_LABELS,
    # sheets
    "sheet.summary": "Sammanfattning",
    "sheet.per_year": "Per aktör och år",
    "sheet.per_participant": "Per deltagare",
    "sheet.flows": "Flöden",
    "sheet.monthly": "Per månad",
    "sheet.parameters": "Parametrar",
    "sheet.assumptions": "Antaganden",
    "sheet.about": "Om beräkningen",
    "sheet.compare": "Jämförelse",
    "sheet.tornado": "Tornado",
    "sheet.monte_carlo": "Monte Carlo",
    # summary
    "actor": "Aktör",
    "key_figure": "Nyckeltal",
    "per_participant_month": "Effekt per deltagare och månad",
    "first_year": "Effekt första året",
    "first_year_naive": "Effekt första året före dödviktsavdrag",
    "potential": "Effekt första året om alla fått osubventionerat arbete",
    "horizon": "Hela horisonten",
    "horizon.naive": "Hela horisonten före dödviktsavdrag",
    "horizon.undiscounted": "Hela horisonten",
    "horizon.discounted": "Hela horisonten, diskonterad",
    "horizon.npv": "Nettonuvärde (diskonterad effekt − kostnadsandel)",
    "return_per_krona": "Avkastning per satsad krona",
    "return_per_krona.1": "Avkastning per krona efter 1 år",
    "return_per_krona.5": "Avkastning per krona efter 5 år",
    "more_figures": "Fler nyckeltal",
    "typology.osubventionerat_arbete.count": "Utfall osubventionerat arbete: antal",
    "typology.osubventionerat_arbete.share": "Utfall osubventionerat arbete: andel",
    "typology.subventionerat_arbete.count": "Utfall subventionerat arbete: antal",
    "typology.subventionerat_arbete.share": "Utfall subventionerat arbete: andel",
    "typology.studier.count": "Utfall studier: antal",
    "typology.studier.share": "Utfall studier: andel",
    "typology.stegforflyttning.count": "Utfall stegförflyttning: antal",
    "typology.stegforflyttning.share": "Utfall stegförflyttning: andel",
    "typology.oforandrad.count": "Utfall oförändrad: antal",
    "typology.oforandrad.share": "Utfall oförändrad: andel",
    "stat_split.af": "Staten första året: Arbetsförmedlingen",
    "stat_split.fk": "Staten första året: Försäkringskassan",
    "stat_split.csn": "Staten första året: CSN",
    "stat_split.statsbudget": "Staten första året: statsbudgeten i övrigt",
    "cost": "Andel av projektkostnad",
    "simple": "Återbetalningstid (mån)",
    "discounted": "Diskonterad återbetalningstid (mån)",
    "not_reached": "nås ej",
    "no_cost": "ingen kostnad",
    "none": "–",
    "months": "mån",
    "summary.title": "Offentliga finanser: effekt (efter − före) per aktör",
    "first_year_before_equalisation": "Effekt första året före kommunalekonomisk utjämning",
    "equalisation.title": "Kommun och region första året, före och efter kommunalekonomisk utjämning",
    "equalisation.before": "Före utjämning",
    "equalisation.after": "Efter utjämning",
    "equalisation.off": "Kommunalekonomisk utjämning räknas inte (equalisation.enabled: false).",
    "society.title": "Samhällsekonomi: produktion till marknadspris − resurser − undanträngning (överföringar tar ut varandra)",
    "society.part": "Post",
    "society.production": "Produktion till marknadspris",
    "society.resources": "Resurser (studieplatser, enhetskostnader)",
    "society.displacement": "Undanträngning",
    "society.total": "Summa",
    "society.project_cost": "Projektkostnad (en resurs)",
    "society.total_after_project_cost": "Summa efter projektkostnad",
    "society.first_year": "Första året",
    "society.horizon": "Hela horisonten",
    "society.horizon_discounted": "Hela horisonten, diskonterad",
    "kind": "Slag",
    "kind.transfer": "överföring",
    "kind.production": "produktion",
    "kind.claim": "fordran",
    "kind.resource": "resurs",
    "kind.memo": "memo",
    "console.per_participant_month": "Per deltagare och månad",
    "console.first_year": "Första året, alla deltagare",
    "console.first_year_naive": "Första året utan dödvikt",
    "console.simple": "Återbetalning",
    "console.discounted": "Diskonterad",
    "summary.line": "{participants} deltagare · första övergång {first_month} · horisont {horizon} mån · regelår {rules}",
    "summary.cost": "Projektkostnad {cost}; diskonteringsränta {rate} %.",
    "summary.prices": "Alla belopp i {prices}; diskonteringsräntan är {kind}.",
    "price_base": "Prisbas",
    "discount.real": "real",
    "discount.nominal": "nominell",
    "project_cost": "Projektkostnad",
    "discount_rate": "Diskonteringsränta (%)",
    "participants": "Antal deltagare",
    "first_month": "Första övergång",
    "rules_years": "Regelår",
    "warnings": "Varningar",
    "assumptions": "Antaganden som påverkar resultatet",
    "notes": "Om arbetsboken",
    "note.parameters": "Parametrar listar varje regelblad i de regelår beräkningen använde, inte bara de blad den läste.",
    "note.csv": "Deltagarna ({n}) är fler än ett kalkylblad rymmer ({limit} rader): resultaten per deltagare finns i {file}.",
    "note.csv_sheet": "Resultaten per deltagare finns i {file} bredvid arbetsboken ({n} deltagare, fler än {limit} rader).",
    "note.charts": "Diagram: {files}",
    "note.payback": "Återbetald när kumulativt netto (effekt − kostnadsandel) når noll; markerad med ◆ i diagrammet.",
    "workbook": "Arbetsbok",
    "files": "Filer",
    # per year
    "year_after": "År efter övergång",
    "year_n": "År {n}",
    "suffix.undiscounted": "",
    "suffix.discounted": ", diskonterad",
    "chart.per_year": "Effekt per aktör och år",
    "chart.cumulative": "Kumulativt netto per aktör (effekt − kostnadsandel)",
    "chart.month": "Månad",
    "chart.sek": "kr",
    "payback_marker": "Återbetald: {actor} ({months} mån)",
    "payback_marker_short": "◆ återbetald: {actor}",
    # per participant
    "id": "id",
    "before": "Före",
    "after": "Efter",
    # flows
    "category": "Kategori",
    "label": "Benämning",
    "payer": "Betalare",
    "payee": "Mottagare",
    "effect": "Effekt",
    "total": "Summa",
    "flows.note": "Första året efter varje deltagares övergång, alla deltagare. Kolumnerna per aktör: effekten med tecken (+ mottagare, − betalare); summan per aktör är aktörens effekt första året.",
    # monthly
    "month": "Månad",
    "effect_suffix": ": effekt",
    "cumulative_suffix": ": kumulativt netto",
    # parameters
    "rule_year": "Regelår",
    "parameter": "Parameter",
    "value": "Värde",
    "unit": "Enhet",
    "valid_from": "Gäller från",
    "status": "Status",
    "source": "Källa",
    "url": "URL",
    # assumptions
    "key": "Nyckel",
    "origin": "Ursprung",
    "origin.default": "standardvärde (scenarios/defaults.yaml)",
    "origin.scenario": "scenariofilen",
    "origin.variant": "varierad av kommandot",
    "assumptions.run": "Antaganden i beräkningen",
    # about
    "item": "Uppgift",
    "program": "Program",
    "scenario": "Scenario",
    "scenario_sha": "Scenario sha256",
    "input_file": "Deltagarfil",
    "input_sha": "Deltagarfil sha256",
    "rules_sha": "Regelår {year} sha256",
    "rules_projected": "Regelår {year} framskrivet från",
    "language": "Språk",
    "about.same": "Samma indata ger samma arbetsbok: skapad/ändrad är fasta och härleds inte från klockan.",
    # compare
    "compare.title": "Jämförelse",
    "compare.key_figures": "Nyckeltal",
    "compare.assumptions": "Antaganden som skiljer sig",
    "compare.rules": "Regelparametrar som skiljer sig",
    "compare.no_assumptions": "Inga antaganden skiljer sig.",
    "compare.no_rules": "Inga regelparametrar skiljer sig.",
    "compare.difference": "Skillnad ({b} − {a})",
    "compare.rules_label": "regler {year}",
    "compare.row.first_year": "Effekt första året: {actor}",
    "compare.row.per_participant_month": "Per deltagare och månad: {actor}",
    "compare.row.payback": "{kind}: {actor}",
    "compare.row.participants": "Antal deltagare",
    "compare.row.rules": "Regelår",
    "compare.row.input": "Deltagarfil",
    "compare.chart": "Effekt första året per aktör",
    # sensitivity
    "sens.title": "Känslighet (en i taget): offentlig sektor",
    "sens.assumption": "Antagande",
    "sens.low": "Lågt värde",
    "sens.high": "Högt värde",
    "sens.base": "Basvärde",
    "sens.effect_low": "Effekt första året, lågt",
    "sens.effect_high": "Effekt första året, högt",
    "sens.swing": "Utslag",
    "sens.payback_low": "Återbetalning, lågt (mån)",
    "sens.payback_high": "Återbetalning, högt (mån)",
    "sens.dpayback_low": "Diskonterad, lågt (mån)",
    "sens.dpayback_high": "Diskonterad, högt (mån)",
    "sens.base_line": "Basfall: effekt första året offentlig sektor {effect}, återbetalning {payback}.",
    "sens.chart": "Effekt första året, offentlig sektor: lågt och högt värde",
    "sens.mc_title": "Monte Carlo: {n} dragningar (seed {seed}), likformigt över intervallen",
    "sens.percentile": "Percentil",
    "sens.payback_public": "Återbetalning offentlig sektor (mån)",
    "sens.reached": "Andel dragningar med återbetalning inom horisonten",
    "sens.range": "Intervall",
    "sens.skipped": "Utelämnat",
    "sens.seed": "Seed",
    "sens.samples": "Dragningar",
}

_EN = {
    **dict(zip(ALL, ACTOR_NAMES["en"], strict=True)),
    "sheet.summary": "Summary",
    "sheet.per_year": "Per actor and year",
    "sheet.per_participant": "Per participant",
    "sheet.flows": "Flows",
    "sheet.monthly": "Per month",
    "sheet.parameters": "Parameters",
    "sheet.assumptions": "Assumptions",
    "sheet.about": "About",
    "sheet.compare": "Comparison",
    "sheet.tornado": "Tornado",
    "sheet.monte_carlo": "Monte Carlo",
    "actor": "Actor",
    "key_figure": "Key figure",
    "per_participant_month": "Effect per participant and month",
    "first_year": "Effect first year",
    "first_year_naive": "Effect first year before deadweight",
    "potential": "Effect first year if everyone had reached unsubsidised work",
    "horizon": "Whole horizon",
    "horizon.naive": "Whole horizon before deadweight",
    "horizon.undiscounted": "Whole horizon",
    "horizon.discounted": "Whole horizon, discounted",
    "horizon.npv": "Net present value (discounted effect − cost share)",
    "return_per_krona": "Return per krona spent",
    "return_per_krona.1": "Return per krona after 1 year",
    "return_per_krona.5": "Return per krona after 5 years",
    "more_figures": "More key figures",
    "typology.osubventionerat_arbete.count": "Outcome unsubsidised work: count",
    "typology.osubventionerat_arbete.share": "Outcome unsubsidised work: share",
    "typology.subventionerat_arbete.count": "Outcome subsidised work: count",
    "typology.subventionerat_arbete.share": "Outcome subsidised work: share",
    "typology.studier.count": "Outcome studies: count",
    "typology.studier.share": "Outcome studies: share",
    "typology.stegforflyttning.count": "Outcome a step closer: count",
    "typology.stegforflyttning.share": "Outcome a step closer: share",
    "typology.oforandrad.count": "Outcome unchanged: count",
    "typology.oforandrad.share": "Outcome unchanged: share",
    "stat_split.af": "State first year: Arbetsförmedlingen",
    "stat_split.fk": "State first year: Försäkringskassan",
    "stat_split.csn": "State first year: CSN",
    "stat_split.statsbudget": "State first year: rest of the state budget",
    "cost": "Share of project cost",
    "simple": "Payback (months)",
    "discounted": "Discounted payback (months)",
    "not_reached": "not reached",
    "no_cost": "no cost",
    "months": "months",
    "summary.title": "Public finances: effect (after − before) per actor",
    "first_year_before_equalisation": "Effect first year before kommunalekonomisk utjämning (income equalisation)",
    "equalisation.title": "Municipality and region in the first year, before and after kommunalekonomisk utjämning",
    "equalisation.before": "Before equalisation",
    "equalisation.after": "After equalisation",
    "equalisation.off": "Kommunalekonomisk utjämning is not counted (equalisation.enabled: false).",
    "society.title": "Society (samhällsekonomi): production at market prices − resources − displacement (transfers cancel)",
    "society.part": "Item",
    "society.production": "Production at market prices",
    "society.resources": "Resources (study places, unit costs)",
    "society.displacement": "Displacement",
    "society.total": "Total",
    "society.project_cost": "Project cost (a resource)",
    "society.total_after_project_cost": "Total after project cost",
    "society.first_year": "First year",
    "society.horizon": "Whole horizon",
    "society.horizon_discounted": "Whole horizon, discounted",
    "kind": "Kind",
    "kind.transfer": "transfer",
    "kind.production": "production",
    "kind.claim": "claim",
    "kind.resource": "resource",
    "kind.memo": "memo",
    "console.per_participant_month": "Per participant and month",
    "console.first_year": "First year, all participants",
    "console.first_year_naive": "First year before deadweight (naive)",
    "console.simple": "Payback",
    "console.discounted": "Discounted",
    "summary.line": "{participants} participants · first transition {first_month} · horizon {horizon} months · rule years {rules}",
    "summary.cost": "Project cost {cost}; discount rate {rate} %.",
    "summary.prices": "Every amount in {prices}; the discount rate is {kind}.",
    "price_base": "Price base",
    "discount.real": "real",
    "discount.nominal": "nominal",
    "project_cost": "Project cost",
    "discount_rate": "Discount rate (%)",
    "participants": "Participants",
    "first_month": "First transition",
    "rules_years": "Rule years",
    "warnings": "Warnings",
    "assumptions": "Assumptions that matter",
    "notes": "About this workbook",
    "note.parameters": "Parameters lists every rule leaf of the rule years the run used, not only the leaves it read.",
    "note.csv": "There are more participants ({n}) than a worksheet holds ({limit} rows): the per-participant results are in {file}.",
    "note.csv_sheet": "The per-participant results are in {file} beside the workbook ({n} participants, more than {limit} rows).",
    "note.charts": "Charts: {files}",
    "note.payback": "Paid back when the cumulative net (effect − cost share) reaches zero; marked with ◆ in the chart.",
    "workbook": "Workbook",
    "files": "Files",
    "year_after": "Year after transition",
    "year_n": "Year {n}",
    "suffix.discounted": ", discounted",
    "chart.per_year": "Effect per actor and year",
    "chart.cumulative": "Cumulative net per actor (effect − cost share)",
    "chart.month": "Month",
    "chart.sek": "SEK",
    "payback_marker": "Paid back: {actor} ({months} months)",
    "payback_marker_short": "◆ paid back: {actor}",
    "before": "Before",
    "after": "After",
    "category": "Category",
    "label": "Label",
    "payer": "Payer",
    "payee": "Payee",
    "effect": "Effect",
    "total": "Total",
    "flows.note": "First year after each participant's transition, all participants. The per-actor columns: the effect with its sign (+ payee, − payer); an actor's total is its first-year effect.",
    "month": "Month",
    "effect_suffix": ": effect",
    "cumulative_suffix": ": cumulative net",
    "rule_year": "Rule year",
    "parameter": "Parameter",
    "value": "Value",
    "unit": "Unit",
    "valid_from": "Valid from",
    "status": "Status",
    "source": "Source",
    "key": "Key",
    "origin": "Origin",
    "origin.default": "default (scenarios/defaults.yaml)",
    "origin.scenario": "scenario file",
    "origin.variant": "varied by the command",
    "assumptions.run": "Assumptions of the run",
    "item": "Item",
    "program": "Program",
    "scenario": "Scenario",
    "scenario_sha": "Scenario sha256",
    "input_file": "Participant file",
    "input_sha": "Participant file sha256",
    "rules_sha": "Rule year {year} sha256",
    "rules_projected": "Rule year {year} projected from",
    "language": "Language",
    "about.same": "The same input gives the same workbook: created/modified are fixed, not taken from the clock.",
    "compare.title": "Comparison",
    "compare.key_figures": "Key figures",
    "compare.assumptions": "Assumptions that differ",
    "compare.rules": "Rule parameters that differ",
    "compare.no_assumptions": "No assumption differs.",
    "compare.no_rules": "No rule parameter differs.",
    "compare.difference": "Difference ({b} − {a})",
    "compare.rules_label": "rules {year}",
    "compare.row.first_year": "Effect first year: {actor}",
    "compare.row.per_participant_month": "Per participant and month: {actor}",
    "compare.row.payback": "{kind}: {actor}",
    "compare.row.participants": "Participants",
    "compare.row.rules": "Rule years",
    "compare.row.input": "Participant file",
    "compare.chart": "Effect first year per actor",
    "sens.title": "Sensitivity (one at a time): public sector",
    "sens.assumption": "Assumption",
    "sens.low": "Low value",
    "sens.high": "High value",
    "sens.base": "Base value",
    "sens.effect_low": "Effect first year, low",
    "sens.effect_high": "Effect first year, high",
    "sens.swing": "Swing",
    "sens.payback_low": "Payback, low (months)",
    "sens.payback_high": "Payback, high (months)",
    "sens.dpayback_low": "Discounted, low (months)",
    "sens.dpayback_high": "Discounted, high (months)",
    "sens.base_line": "Base case: public-sector effect first year {effect}, payback {payback}.",
    "sens.chart": "Effect first year, public sector: low and high value",
    "sens.mc_title": "Monte Carlo: {n} draws (seed {seed}), uniform over the ranges",
    "sens.percentile": "Percentile",
    "sens.payback_public": "Public-sector payback (months)",
    "sens.reached": "Share of draws paid back within the horizon",
    "sens.range": "Range",
    "sens.skipped": "Left out",
    "sens.seed": "Seed",
    "sens.samples": "Draws",
}

def _society_keys(lab: dict) -> dict[str, str]:
    """The workbook's flattened society figures ('society.horizon.total'): period, then item."""
    periods = ("first_year", "horizon", "horizon_discounted")
    parts = ("production", "resources", "displacement", "total", "project_cost", "total_after_project_cost")
    return {f"society.{p}.{k}": f"{lab['society.title'].split(':')[0]}, {lab['society.' + p].lower()}: {lab['society.' + k].lower()}"
            for p in periods for k in parts}


_SV.update(_society_keys(_SV))
_EN.update(_society_keys({**_SV, **_EN}))
_LABELS = {"sv": _SV, "en": {**_SV, **_EN}}

SEK_FORMATS = {"sv": '#,##0 "kr";[Red]-#,##0 "kr"', "en": '#,##0 "SEK";[Red]-#,##0 "SEK"'}


class Labels(dict):
    """A language's labels; an unknown key is shown as it is."""

    lang: str = "sv"

    def __missing__(self, key: str) -> str:
        return key

    def actor(self, actor_id: str) -> str:
        return self[actor_id]

    def sek(self, x: float | None) -> str:
        return sek(x, self.lang)

    def prices(self, prices: dict) -> str:
        """'Alla belopp i fasta priser, år 2024; diskonteringsräntan är real.' from the analysis' meta.prices."""
        return self["summary.prices"].format(prices=prices[f"label_{self.lang}"], kind=self[f"discount.{prices.get('discount_rate_kind', 'real')}"])

    def months(self, x: int | None) -> str:
        return months(x, self.lang)

    def payback(self, pb: dict, kind: str) -> str:
        """A payback entry ({"simple", "discounted", "cost"}) as text: – for an actor without a cost
        share, 'no cost' for a zero cost, else the months or 'not reached'."""
        if pb.get("cost") is None:
            return "–"
        if pb["cost"] == 0:
            return self["no_cost"]
        return self.months(pb.get(kind))


def labels(lang: str = "sv") -> Labels:
    if lang not in _LABELS:
        from ..errors import InputError, Problem

        raise InputError([Problem(file="--lang", value=str(lang), problem=f"unknown language; choose one of {', '.join(LANGS)}")], "unknown language")
    out = Labels(_LABELS[lang])
    out.lang = lang
    return out


def sek(x: float | None, lang: str = "sv") -> str:
    """12 345 kr with a space as thousands separator, as Swedish reports write it."""
    if x is None:
        return "–"
    unit = "SEK" if lang == "en" else "kr"
    return f"{x:,.0f}".replace(",", " ").replace("-", "−") + " " + unit


def months(x: int | None, lang: str = "sv") -> str:
    lab = _LABELS.get(lang, _SV)
    return lab["not_reached"] if x is None else f"{x} {lab['months']}"
