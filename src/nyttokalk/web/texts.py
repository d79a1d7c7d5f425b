"""The web page's own words, Swedish (default) and English, from the message catalogues. Actor
names, key figures and payback words come from reports.labels, as in the workbook; only what the
page alone says is here. The table gives each key its English text (the message id); `texts(lang)`
translates them with that language's catalogue (i18n.py)."""

from __future__ import annotations

from ..i18n import LANGS, N_, catalogue

_TEXTS = {
    "title": N_("nyttokalk – who gains and who pays"),
    "tagline": N_("Calculator for labour-market projects: who gains, who pays, and when the project has paid for itself."),
    "step.participants": N_("1. Participants"),
    "participants.file": N_("Participant file"),
    "participants.help": N_("CSV, XLSX or Parquet, one row per participant with the columns id, before and after (and age, wage, exit_month … where known), as nyttokalk run reads it. Without a file the page uses the scenario's bundled participants; the example has 40 synthetic participants. Personnummer are replaced by pseudonyms in every result."),
    "participants.limit": N_("At most {mb} MB. The file is kept only during the calculation, then removed."),
    "step.scenario": N_("2. Scenario"),
    "scenario.bundled": N_("Bundled scenario"),
    "scenario.show": N_("Show the scenario's values"),
    "scenario.file": N_("… or your own scenario (YAML)"),
    "scenario.help": N_("Your own scenario (nyttokalk scenario init writes a template) wins over the chosen one. The page does not read its participants key: upload the participant file above."),
    "step.choices": N_("3. Choices that change the result"),
    "choices.help": N_("The fields show the scenario's values. What you change replaces the scenario's value; an empty field means the scenario's value."),
    "default": N_("Scenario's value"),
    "default.unset": N_("not set"),
    "field.period.horizon_months": N_("Horizon"),
    "help.period.horizon_months": N_("Months after each participant's transition that are counted (1–600). Five years is 60."),
    "field.counterfactual.deadweight": N_("Deadweight"),
    "help.counterfactual.deadweight": N_("Share of participants who would have made the same move without the project (0–100 %). The effect is (1 − deadweight) × the naive effect."),
    "field.persistence.keep_job_probability": N_("Keep the job"),
    "help.persistence.keep_job_probability": N_("Share who keep the job unsubsidised when a subsidised job ends (the rest fall back to where they were). Needed when a subsidy ends inside the horizon."),
    "field.forsorjningsstod.reasonable_costs": N_("Reasonable costs"),
    "help.forsorjningsstod.reasonable_costs": N_("SEK a month on top of the riksnorm in försörjningsstöd (housing, electricity, travel, insurance). By household size: 1: 6500; 3: 8000."),
    "field.project.cost": N_("Project cost"),
    "help.project.cost": N_("The project's cost in SEK, at the first participant's transition."),
    "field.project.funding": N_("Funding"),
    "help.project.funding": N_("Each actor's share of the project cost in percent; the shares must add up to 100 %. Leave empty for an actor that does not fund it. All empty: payback for the public sector only."),
    "field.equalisation.enabled": N_("Kommunalekonomisk utjämning (equalisation)"),
    "help.equalisation.enabled": N_("Yes: a higher tax base lowers the municipality's and the region's equalisation grant (or raises their fee), so they keep only a small part of the tax; the rest goes to the other municipalities and regions (lag 2004:773). No: the home municipality keeps all of the tax, as in calculators without equalisation."),
    "unit.yesno": "",
    "yes": N_("yes"),
    "no": N_("no"),
    "equalisation.caption": N_("Municipality and region before and after equalisation (first year)"),
    "equalisation.before": N_("Before equalisation"),
    "equalisation.after": N_("After equalisation"),
    "equalisation.moved": N_("Equalisation"),
    "society.caption": N_("Society as a whole: production value less resource costs (transfers cancel out)"),
    "society.production": N_("Production value at market prices"),
    "society.resources": N_("− Resource costs (study places, unit costs)"),
    "society.displacement": N_("− Displacement"),
    "society.project_cost": N_("− Project cost"),
    "society.total": N_("Total before the project cost"),
    "society.total_after_project_cost": N_("Total after the project cost"),
    "unit.months": N_("months"),
    "unit.percent": "%",
    "unit.sek": N_("SEK"),
    "unit.sek_month": N_("SEK/month"),
    "step.compare": N_("4. Compare with (optional)"),
    "compare.none": N_("No comparison"),
    "compare.original": N_("The chosen scenario without the changes above"),
    "compare.help": N_("Computes a second scenario on the same participants and shows both side by side."),
    "submit": N_("Calculate"),
    "busy": N_("Calculating …"),
    "results": N_("Results"),
    "no_result": N_("Choose participants and a scenario and press Calculate."),
    "participants.used": N_("Participants: {name}"),
    "participants.bundled": N_("{name} (bundled with nyttokalk)"),
    "scenario.used": N_("Scenario: {name} – {title}"),
    "ids_pseudonymised": N_("The id column holds personnummer; the results show keyed pseudonyms instead."),
    "downloads": N_("Download"),
    "download.workbook": N_("Workbook (.xlsx)"),
    "download.participants": N_("Per participant (.csv)"),
    "download.per_actor_year": N_("Per actor and year (.csv)"),
    "download.kept": N_("The result is kept for {minutes} minutes for downloads, for this browser only."),
    "summary.caption": N_("Effect (after − before) per actor, after deadweight"),
    "col.first_year": N_("First year"),
    "col.horizon": N_("Whole horizon"),
    "col.horizon_discounted": N_("Whole horizon, discounted"),
    "col.cost": N_("Share of the project cost"),
    "col.payback": N_("Payback"),
    "col.payback_discounted": N_("Discounted payback"),
    "no_share": N_("no share"),
    "chart.title": N_("Cumulative net per actor (effect − cost share), by month"),
    "chart.desc": N_("Line chart: cumulative effect less cost share for each actor, month by month; ◆ where the actor has its share back."),
    "changed": N_("Changed in the form"),
    "changed.none": N_("Nothing: the scenario's own values."),
    "assumptions": N_("Assumptions"),
    "warnings": N_("Warnings"),
    "warnings.none": N_("No warnings."),
    "compare.title": N_("Comparison on the same participants"),
    "compare.figure": N_("Key figure"),
    "compare.first_year": N_("First year: {actor}"),
    "compare.horizon": N_("Whole horizon: {actor}"),
    "compare.payback": N_("Payback: {actor}"),
    "compare.assumptions": N_("Assumptions that differ"),
    "compare.no_assumptions": N_("No assumption differs."),
    "compare.key": N_("Key"),
    "compare.original_label": N_("{name} without changes"),
    "problems.title": N_("Problems in the input – nothing was computed"),
    "problems.summary": N_("{summary}. Fix the problems and try again."),
    "problems.more": N_("… and {n} more problems."),
    "col.file": N_("File"),
    "col.row": N_("Row"),
    "col.column": N_("Column"),
    "col.value": N_("Value"),
    "col.problem": N_("Problem"),
    "form": N_("form"),
    "upload.type": N_("this file type is not accepted: give a CSV, XLSX or Parquet file"),
    "upload.scenario_type": N_("this file type is not accepted: give a scenario file .yaml or .yml"),
    "upload.scenario_size": N_("the scenario file is larger than {kb} kB"),
    "upload.scenario_name": N_("uploaded scenario"),
    "unknown_scenario": N_("no such bundled scenario"),
    "too_large.title": N_("The file is too large"),
    "too_large": N_("An upload may be at most {mb} MB. Split the participant file, or run nyttokalk run on your computer."),
    "bad_form": N_("The form could not be read: {why}"),
    "gone.title": N_("The result is gone"),
    "gone": N_("A result is kept for {minutes} minutes, and only for the browser that computed it. Calculate again."),
    "internal.title": N_("Internal error"),
    "internal": N_("Something went wrong in nyttokalk, not in the input ({kind}). Try again; if it persists, report it."),
    "back": N_("Back to the start page"),
    "login.title": N_("Log in"),
    "login.help": N_("This server needs a key (token). Ask the person who started it."),
    "login.token": N_("Key"),
    "login.submit": N_("Log in"),
    "login.wrong": N_("Wrong key."),
    "logout": N_("Log out"),
    "footer": N_("nyttokalk {version} · computed on the server, nothing is kept after a result expires · method: docs/method.md"),
}

NAMES = {"sv": "Svenska", "en": "English"}  # each language by its own name, for the switch
_TRANSLATED: dict[str, dict[str, str]] = {}


def texts(lang: str) -> dict[str, str]:
    """The page's words in `lang` (an unknown language: Swedish)."""
    lang = lang_of(lang)
    out = _TRANSLATED.get(lang)
    if out is None:
        cat = catalogue(lang)
        other = next(x for x in LANGS if x != lang)
        out = {k: cat.gettext(v) if v else v for k, v in _TEXTS.items()}
        out.update(html_lang=lang, switch_lang=other, switch=NAMES[other])
        _TRANSLATED[lang] = out
    return out


def lang_of(value: str | None) -> str:
    """A language the page speaks: the value if it is one, else Swedish."""
    return value if value in LANGS else "sv"
