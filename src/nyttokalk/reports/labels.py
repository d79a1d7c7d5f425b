"""Labels for reports, per language: Swedish (default) and English, from the message catalogues.

Reports look up every word they show here: `labels(lang)["key"]`. The table below gives each key
its English text (the message id); `labels(lang)` translates them with that language's catalogue
(src/nyttokalk/locale; i18n.py). A key no table knows (a new field of the analysis) is shown as it
is, so a new field never breaks a report. The actors' names are given once, in the order of
actors.ALL; a new actor without its name stops the import (zip strict) rather than shifting the
names of the others.
"""

from __future__ import annotations

from ..actors import ALL
from ..i18n import LANGS, N_, catalogue, check_language, number, percent
from ..i18n import sek as _sek

__all__ = ["LANGS", "Labels", "labels", "sek", "months", "SEK_FORMATS"]


def NP_(context: str, message: str) -> tuple[str, str]:
    """A label whose English words need another translation in this context (pgettext)."""
    return context, message


# The actors' names, in the order of actors.ALL (the actors, then the public sector)
ACTOR_NAMES = (N_("Individual"), N_("Municipality"), N_("Region"), N_("State"), N_("Pension system"),
               N_("Other municipalities and regions"), N_("Employer"), N_("Public sector"))

_TEXTS: dict[str, str | tuple[str, str]] = {
    **dict(zip(ALL, ACTOR_NAMES, strict=True)),
    "extern": N_("external"),  # the payer of production and the payee of resources (ledger.EXTERNAL)
    "sheet.summary": N_("Summary"),
    "sheet.per_year": N_("Per actor and year"),
    "sheet.per_participant": N_("Per participant"),
    "sheet.flows": N_("Flows"),
    "sheet.monthly": N_("Per month"),
    "sheet.parameters": N_("Parameters"),
    "sheet.assumptions": N_("Assumptions"),
    "sheet.about": N_("About"),
    "sheet.compare": N_("Comparison"),
    "sheet.tornado": N_("Tornado"),
    "sheet.monte_carlo": N_("Monte Carlo"),
    "actor": N_("Actor"),
    "key_figure": N_("Key figure"),
    "per_participant_month": N_("Effect per participant and month"),
    "first_year": N_("Effect first year"),
    "first_year_naive": N_("Effect first year before deadweight"),
    "potential": N_("Effect first year if everyone had reached unsubsidised work"),
    "horizon": N_("Whole horizon"),
    "horizon.naive": N_("Whole horizon before deadweight"),
    "horizon.undiscounted": N_("Whole horizon"),
    "horizon.discounted": N_("Whole horizon, discounted"),
    "horizon.npv": N_("Net present value (discounted effect − cost share)"),
    "return_per_krona": N_("Return per krona spent"),
    "return_per_krona.1": N_("Return per krona after 1 year"),
    "return_per_krona.5": N_("Return per krona after 5 years"),
    "more_figures": N_("More key figures"),
    "typology.osubventionerat_arbete.count": N_("Outcome unsubsidised work: count"),
    "typology.osubventionerat_arbete.share": N_("Outcome unsubsidised work: share"),
    "typology.subventionerat_arbete.count": N_("Outcome subsidised work: count"),
    "typology.subventionerat_arbete.share": N_("Outcome subsidised work: share"),
    "typology.studier.count": N_("Outcome studies: count"),
    "typology.studier.share": N_("Outcome studies: share"),
    "typology.stegforflyttning.count": N_("Outcome a step closer: count"),
    "typology.stegforflyttning.share": N_("Outcome a step closer: share"),
    "typology.oforandrad.count": N_("Outcome unchanged: count"),
    "typology.oforandrad.share": N_("Outcome unchanged: share"),
    "stat_split.af": N_("State first year: Arbetsförmedlingen"),
    "stat_split.fk": N_("State first year: Försäkringskassan"),
    "stat_split.csn": N_("State first year: CSN"),
    "stat_split.statsbudget": N_("State first year: rest of the state budget"),
    "cost": N_("Share of project cost"),
    "simple": N_("Payback (months)"),
    "discounted": N_("Discounted payback (months)"),
    "not_reached": N_("not reached"),
    "no_cost": N_("no cost"),
    "none": "–",
    "months": N_("months"),
    "summary.title": N_("Public finances: effect (after − before) per actor"),
    "first_year_before_equalisation": N_("Effect first year before kommunalekonomisk utjämning (income equalisation)"),
    "equalisation.title": N_("Municipality and region in the first year, before and after kommunalekonomisk utjämning"),
    "equalisation.before": N_("Before equalisation"),
    "equalisation.after": N_("After equalisation"),
    "equalisation.off": N_("Kommunalekonomisk utjämning is not counted (equalisation.enabled: false)."),
    "society.title": N_("Society (samhällsekonomi): production at market prices − resources − displacement (transfers cancel)"),
    "society.part": NP_("society", "Item"),
    "society.production": N_("Production at market prices"),
    "society.resources": N_("Resources (study places, unit costs)"),
    "society.displacement": N_("Displacement"),
    "society.total": N_("Total"),
    "society.project_cost": N_("Project cost (a resource)"),
    "society.total_after_project_cost": N_("Total after project cost"),
    "society.first_year": N_("First year"),
    "society.horizon": N_("Whole horizon"),
    "society.horizon_discounted": N_("Whole horizon, discounted"),
    "kind": N_("Kind"),
    "kind.transfer": N_("transfer"),
    "kind.production": N_("production"),
    "kind.claim": N_("claim"),
    "kind.resource": N_("resource"),
    "kind.memo": N_("memo"),
    "console.per_participant_month": N_("Per participant and month"),
    "console.first_year": N_("First year, all participants"),
    "console.first_year_naive": N_("First year before deadweight (naive)"),
    "console.simple": N_("Payback"),
    "console.discounted": N_("Discounted"),
    "summary.line": N_("{participants} · first transition {first_month} · horizon {horizon} months · rule years {rules}"),
    "summary.cost": N_("Project cost {cost}; discount rate {rate}."),
    "summary.prices": N_("Every amount in {prices}; the discount rate is {kind}."),
    "price_base": N_("Price base"),
    "discount.real": N_("real"),
    "discount.nominal": N_("nominal"),
    "project_cost": N_("Project cost"),
    "discount_rate": N_("Discount rate (%)"),
    "participants": N_("Participants"),
    "first_month": N_("First transition"),
    "rules_years": N_("Rule years"),
    "warnings": N_("Warnings"),
    "assumptions": N_("Assumptions that matter"),
    "notes": N_("About this workbook"),
    "note.parameters": N_("Parameters lists every rule leaf of the rule years the run used, not only the leaves it read."),
    "note.csv": N_("There are more participants ({n}) than a worksheet holds ({limit} rows): the per-participant results are in {file}."),
    "note.csv_sheet": N_("The per-participant results are in {file} beside the workbook ({n} participants, more than {limit} rows)."),
    "note.charts": N_("Charts: {files}"),
    "note.payback": N_("Paid back when the cumulative net (effect − cost share) reaches zero; marked with ◆ in the chart."),
    "workbook": N_("Workbook"),
    "files": N_("Files"),
    "year_after": N_("Year after transition"),
    "year_n": N_("Year {n}"),
    "suffix.undiscounted": "",
    "suffix.discounted": N_(", discounted"),
    "chart.per_year": N_("Effect per actor and year"),
    "chart.cumulative": N_("Cumulative net per actor (effect − cost share)"),
    "chart.month": N_("Month"),
    "chart.sek": N_("SEK"),
    "payback_marker": N_("Paid back: {actor} ({months} months)"),
    "payback_marker_short": N_("◆ paid back: {actor}"),
    "id": "id",
    "before": N_("Before"),
    "after": N_("After"),
    "per_participant.first_year": N_("{actor}: effect first year"),
    "forsorjningsstod_before": N_("Försörjningsstöd before: observed or modelled"),
    "forsorjningsstod_after": N_("Försörjningsstöd after: observed or modelled"),
    "value.observed": N_("observed"),
    "value.modelled": N_("modelled"),
    "category": N_("Category"),
    "label": N_("Label"),
    "payer": N_("Payer"),
    "payee": N_("Payee"),
    "effect": N_("Effect"),
    "total": N_("Total"),
    "flows.note": N_("First year after each participant's transition, all participants. The per-actor columns: the effect with its sign (+ payee, − payer); an actor's total is its first-year effect."),
    "month": N_("Month"),
    "effect_suffix": N_(": effect"),
    "cumulative_suffix": N_(": cumulative net"),
    "rule_year": N_("Rule year"),
    "parameter": N_("Parameter"),
    "value": N_("Value"),
    "unit": N_("Unit"),
    "valid_from": N_("Valid from"),
    "status": N_("Status"),
    "source": N_("Source"),
    "url": "URL",
    "key": N_("Key"),
    "origin": N_("Origin"),
    "origin.default": N_("default (scenarios/defaults.yaml)"),
    "origin.scenario": N_("scenario file"),
    "origin.variant": N_("varied by the command"),
    "assumptions.run": N_("Assumptions of the run"),
    "item": N_("Item"),
    "program": N_("Program"),
    "scenario": N_("Scenario"),
    "scenario_sha": N_("Scenario sha256"),
    "input_file": N_("Participant file"),
    "input_sha": N_("Participant file sha256"),
    "rules_sha": N_("Rule year {year} sha256"),
    "rules_projected": N_("Rule year {year} projected from"),
    "language": N_("Language"),
    # more key figures and the run's meta (Fler nyckeltal, Om beräkningen): keys of to_json()
    "counterfactual.source": N_("Deadweight from"),
    "counterfactual.source.deadweight": N_("the scenario's deadweight (counterfactual.deadweight)"),
    "counterfactual.source.comparison_group": N_("a comparison group (counterfactual.comparison_group)"),
    "counterfactual.deadweight": N_("Deadweight (share)"),
    "counterfactual.comparison_moved_share": N_("Comparison group's share who moved without the project"),
    "counterfactual.participants_moved_share": N_("Participants' share who moved"),
    "counterfactual.participants_moved_share_from": N_("Participants' share from"),
    "indices.file": N_("Index file"),
    "indices.sha256": N_("Index file sha256"),
    "projected_months": N_("Months with projected rules"),
    "horizon_months": N_("Horizon (months)"),
    "chunks": N_("Chunks computed"),
    "partitions": N_("Partitions (files of a dataset)"),
    "blocks": N_("Blocks (files or parts of a long file)"),
    "workers": N_("Processes"),
    "first_month": N_("First transition"),
    "discount_rate_percent": N_("Discount rate (%)"),
    "funding": N_("Share of project cost"),
    "input.ids_pseudonymised": N_("Ids replaced by pseudonyms"),
    "doubtful_rule": N_("Rule of doubtful status: {path}"),
    "prices.mode": N_("Prices"),
    "prices.base_year": N_("Price base year"),
    "prices.label_sv": N_("Price base (Swedish)"),
    "prices.label_en": N_("Price base (English)"),
    "prices.index": N_("Price index"),
    "prices.kpi": N_("KPI"),
    "prices.kpi_status": N_("KPI status"),
    "prices.price_year_fixed": N_("All months priced as of"),
    "prices.wage_index": N_("Wage index"),
    "prices.wage_index_status": N_("Wage index status"),
    "prices.discount_rate_kind": N_("Discount rate kind"),
    "prices.discount_rate_percent": N_("Discount rate (%)"),
    "sensitivity.ranges": N_("Ranges varied"),
    "sensitivity.samples": N_("Draws"),
    "sensitivity.seed": N_("Seed"),
    "about.same": N_("The same input gives the same workbook: created/modified are fixed, not taken from the clock."),
    "compare.title": N_("Comparison"),
    "compare.key_figures": N_("Key figures"),
    "compare.assumptions": N_("Assumptions that differ"),
    "compare.rules": N_("Rule parameters that differ"),
    "compare.no_assumptions": N_("No assumption differs."),
    "compare.no_rules": N_("No rule parameter differs."),
    "compare.difference": N_("Difference ({b} − {a})"),
    "compare.rules_label": N_("rules {year}"),
    "compare.row.first_year": N_("Effect first year: {actor}"),
    "compare.row.per_participant_month": N_("Per participant and month: {actor}"),
    "compare.row.payback": N_("{kind}: {actor}"),
    "compare.row.participants": N_("Participants"),
    "compare.row.rules": N_("Rule years"),
    "compare.row.input": N_("Participant file"),
    "compare.chart": N_("Effect first year per actor"),
    "sens.title": N_("Sensitivity (one at a time): public sector"),
    "sens.payback_title": N_("Sensitivity (one at a time): public sector's payback"),
    "sens.assumption": N_("Assumption"),
    "sens.low": N_("Low value"),
    "sens.unaffected": N_("Does not change this figure (no bar): {keys}"),
    "sens.high": N_("High value"),
    "sens.base": N_("Base value"),
    "sens.effect_low": N_("Effect first year, low"),
    "sens.effect_high": N_("Effect first year, high"),
    "sens.swing": N_("Swing"),
    "sens.payback_low": N_("Payback, low (months)"),
    "sens.payback_high": N_("Payback, high (months)"),
    "sens.dpayback_low": N_("Discounted, low (months)"),
    "sens.dpayback_high": N_("Discounted, high (months)"),
    "sens.base_line": N_("Base case: public-sector effect first year {effect}, payback {payback}."),
    "sens.chart": N_("Effect first year, public sector: low and high value"),
    "sens.mc_title": N_("Monte Carlo: {n} draws (seed {seed}), uniform over the ranges"),
    "sens.percentile": N_("Percentile"),
    "sens.payback_public": N_("Public-sector payback (months)"),
    "sens.reached": N_("Share of draws paid back within the horizon"),
    "sens.range": N_("Range"),
    "sens.skipped": N_("Left out"),
    "sens.seed": N_("Seed"),
    "sens.samples": N_("Draws"),
}


def _society_keys(lab: dict) -> dict[str, str]:
    """The workbook's flattened society figures ('society.horizon.total'): period, then item."""
    periods = ("first_year", "horizon", "horizon_discounted")
    parts = ("production", "resources", "displacement", "total", "project_cost", "total_after_project_cost")
    return {f"society.{p}.{k}": f"{lab['society.title'].split(':')[0]}, {lab['society.' + p].lower()}: {lab['society.' + k].lower()}"
            for p in periods for k in parts}


_TRANSLATED: dict[str, dict[str, str]] = {}


def _translated(lang: str) -> dict[str, str]:
    """Every label in `lang`, translated once."""
    out = _TRANSLATED.get(lang)
    if out is None:
        cat = catalogue(lang)
        out = {k: cat.pgettext(*v) if isinstance(v, tuple) else cat.gettext(v) if v else v for k, v in _TEXTS.items()}
        out.update(_society_keys(out))
        _TRANSLATED[lang] = out
    return out


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

    def key(self, dotted: str) -> str:
        """A dotted key of a run's figures or meta in words: its own label, else the label of its
        longest known prefix and the rest ('prices.kpi.2022' → 'KPI: 2022'), else the key as it is."""
        if dotted in self:
            return self[dotted]
        parts = dotted.split(".")
        for k in range(len(parts) - 1, 0, -1):
            head, rest = ".".join(parts[:k]), ".".join(parts[k:])
            if head in self:
                return f"{self[head]}: {self.get(rest, rest)}"
        return dotted

    def participants(self, n: int) -> str:
        """'1 participant', '40 participants' ('40 deltagare')."""
        return catalogue(self.lang).ngettext("{n} participant", "{n} participants", n).format(n=number(n, lang=self.lang))

    def summary_line(self, meta: dict) -> str:
        """'40 deltagare · första övergång 2024-01 · horisont 60 mån · regelår 2024, 2025' from a run's meta."""
        return self["summary.line"].format(participants=self.participants(meta.get("participants") or 0), first_month=meta.get("first_month"),
                                           horizon=meta.get("horizon_months"), rules=", ".join(meta.get("rules") or ()))

    def cost_line(self, meta: dict) -> str:
        """'Projektkostnad 2 500 000 kr; diskonteringsränta 3,5 %.' from a run's meta."""
        return self["summary.cost"].format(cost=self.sek(meta["project_cost"]), rate=percent(meta["discount_rate_percent"], None, self.lang))

    def payback(self, pb: dict, kind: str) -> str:
        """A payback entry ({"simple", "discounted", "cost"}) as text: – for an actor without a cost
        share, 'no cost' for a zero cost, else the months or 'not reached'."""
        if pb.get("cost") is None:
            return "–"
        if pb["cost"] == 0:
            return self["no_cost"]
        return self.months(pb.get(kind))


def labels(lang: str | None = None) -> Labels:
    """The labels in `lang` (None: the current language, i18n.current()); an unknown language is an InputError."""
    lang = check_language(lang)
    out = Labels(_translated(lang))
    out.lang = lang
    return out


def sek(x: float | None, lang: str | None = None) -> str:
    """3 678 665 kr (sv: narrow no-break spaces between thousands) or 3,678,665 SEK (en); – for None."""
    return _sek(x, lang)


def months(x: int | None, lang: str | None = None) -> str:
    """'14 mån' / '14 months', or 'nås ej' / 'not reached' for None."""
    lab = _translated(check_language(lang))
    return lab["not_reached"] if x is None else f"{x}\u00a0{lab['months']}"
