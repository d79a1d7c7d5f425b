"""Kommunalekonomisk utjämning: the rate at which a participant's kommun and region give up
inkomstutjämning when the participant's beskattningsbar förvärvsinkomst (BFI) rises.

Lag (2004:773) om kommunalekonomisk utjämning 3–7 §§: a kommun below the guarantee level receives
a bidrag of (guarantee − its tax base) × the länsvis bidrag rate, one above it pays an avgift of
(its tax base − guarantee) × the länsvis avgift rate (förordning 2004:881 2–3 §§). Either way one
krona more BFI of a resident costs the kommun the länsvis rate of that krona, whatever its own
tax rate; likewise the region. Gotland, a kommun outside a region, carries both parts (lag 2 §).
The state's appropriation is fixed, so what the kommun loses goes to the other kommuner and
regioner through the regleringspost (the scenario may name the state instead).
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from ..i18n import N_, Msg, status_word
from ..notes import Note
from ..participants import Participants
from ..ruleset.loader import RuleBook
from ..ruleset.lookup import RuleView
from ..scenario import LoadedScenario
from .result import ExitGrid

RULES = "equalisation."


def _rate_table(view: RuleView, book: RuleBook, loaded, names) -> tuple[np.ndarray, np.ndarray]:
    """(kommun rate, region rate) per distinct municipality name or code ("" = none: the national average)."""
    bidrag = {row.code: row for row in view.at(RULES + "bidrag_rates")}
    avgift = {row.code: row for row in view.at(RULES + "avgift_rates")}
    outside = view.at(RULES + "outside_region")
    paying_kommuner, paying_regioner = set(view.at(RULES + "paying_kommuner")), set(view.at(RULES + "paying_regioner"))
    average = view.at(RULES + "average_rates")
    table = np.tile(np.array([average.kommun, average.region], dtype=float), (len(names), 1))
    paying = np.zeros((len(names), 2), dtype=bool)
    for j, name in enumerate(names):
        m = book.municipality(loaded, name) if name else None
        if m is None:  # no kommun (an unknown one is refused with the tax rates)
            continue
        if m.code in outside.kommunkoder:  # lag (2004:773) 2 §: both parts on the kommun
            table[j] = (outside.kommun + outside.region, 0.0)
            continue
        county = m.code[:2]  # länskod: the kommunkod's first two digits
        if county not in bidrag or county not in avgift:
            raise KeyError(f"{view.year}: {RULES}bidrag_rates / avgift_rates have no län {county} for kommun {m.code} {m.name}")
        paying[j] = (m.code in paying_kommuner, county in paying_regioner)
        table[j] = ((avgift if paying[j, 0] else bidrag)[county].kommun, (avgift if paying[j, 1] else bidrag)[county].region)
    return table, paying


def equalisation_rates(p: Participants, grid: ExitGrid, ls: LoadedScenario, book: RuleBook
                       ) -> tuple[dict[int, tuple[np.ndarray, np.ndarray]], list[Note]]:
    """Per calendar year of the grid: the (kommun, region) utjämning rate of each participant's
    kommun and region, with the rules of the year the income tax uses; and the run's note on it."""
    s = ls.scenario
    if not s.equalisation.enabled:
        return {}, [Note(N_("kommunalekonomisk utjämning not counted (equalisation.enabled: false): the kommun and the region "
                            "keep all their tax"), shown_by=None)]
    where, names = p.municipalities
    out: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    first = None
    for year in grid.years:
        day = s.period.rules_date or dt.date(year, 1, 1)
        loaded, _ = book.year_for(day.year)
        view = RuleView(loaded.rules, day)
        table, paying = _rate_table(view, book, loaded, names)
        out[year] = (table[:, 0].copy()[where], table[:, 1].copy()[where])
        if first is None:
            first = (view, paying)
    view, paying = first
    per_name = np.bincount(where, minlength=len(names))
    counts = {"paying_kommun": int(per_name[paying[:, 0]].sum()), "paying_region": int(per_name[paying[:, 1]].sum()),
              "average": int(per_name[np.asarray(names) == ""].sum())}
    return out, [_note(view, s.equalisation.counterpart, counts)]


EQUALISATION_NOTE = N_(
    "kommunalekonomisk utjämning (lag 2004:773 3–7 §§): a participant's kommun and region give up the länsvis rate of each krona of "
    "beskattningsbar förvärvsinkomst to {to}, in the months of the tax it offsets (in law the tax base of year y enters the utjämning "
    "of year y + 2); {paying_kommun} of {n} participants live in a kommun and {paying_region} in a region that pays an avgift by the "
    "rules equalisation.paying_kommuner (status {status_kommuner}: the 2018 list, the list for these years is not known) and "
    "equalisation.paying_regioner (status {status_regioner}); {average} without a kommun get the national average rates "
    "(equalisation.average_rates, status {status_average})")
COUNTERPARTS = {"ovriga_kommuner": N_("the other kommuner and regioner (the appropriation is fixed)"), "stat": N_("the state")}


def _note(view: RuleView, counterpart: str, counts: dict[str, int]) -> Note:
    status = {key: view.leaf(RULES + key).status for key in ("paying_kommuner", "paying_regioner", "average_rates")}
    return Note(EQUALISATION_NOTE, counts, shown_by=None,
                args={"to": Msg(COUNTERPARTS[counterpart]), "status_kommuner": status_word(status["paying_kommuner"]),
                      "status_regioner": status_word(status["paying_regioner"]), "status_average": status_word(status["average_rates"])})
