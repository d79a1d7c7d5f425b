"""The states a participant can be in before and after the project.

One module per family (benefits, work, studies); each state is a function from the cells
(participant-months) it applies to, to monthly amounts per flow item. Adding a state means
adding a function and one line in STATES; the engine does not change.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Callable

import numpy as np

from . import benefits, insurance, studies, unemployment, work


@dataclass(frozen=True)
class State:
    id: str
    label: str
    when: str  # "both" (benefit states) or "after"
    flows: Callable | None  # None: not modelled yet
    kind: str  # benefit | work | subsidised_work | studies | same
    topped_up: bool = True  # försörjningsstöd tops income up to the norm in this state
    needs: tuple[str, ...] = ()  # participant inputs its function reads beyond age, extent and the months (checked before a run)
    ages: tuple[str, str] | None = None  # rule paths of the youngest and oldest age (years) the state is for: outside them, a warning
    entry: str | None = None  # rule path of a flag: 0 in the months the state takes no new entrants (an exit into it: a warning)
    steps: Callable | None = None  # (cells, rules) → cells × k: the months_in_state at which its amounts change (None: never)
    rules: tuple[str, ...] = ()  # the rule subtrees its function, steps and path read: where one may change in a year, the engine cuts its months


BENEFIT_DAYS = "transfers.payment_days_per_week"
EMPLOYMENT = ("economy.holiday_pay_rate", "employer_contributions")
A_KASSA_RULES = ("transfers.a_kassa", "transfers.a_kassa_ongoing")  # the law of the period, and the old law running on

STATES: dict[str, State] = {
    s.id: s
    for s in [
        State("forsorjningsstod", "Försörjningsstöd", "both", benefits.forsorjningsstod, "benefit"),
        State("aktivitetsstod", "Aktivitetsstöd", "both", benefits.aktivitetsstod, "benefit", steps=benefits.aktivitetsstod_steps,
              rules=(BENEFIT_DAYS, "transfers.aktivitetsstod", *A_KASSA_RULES)),
        State("etableringsersattning", "Etableringsersättning", "both", benefits.etableringsersattning, "benefit",
              ages=("transfers.etableringsersattning.min_age", "transfers.etableringsersattning.max_age"),
              rules=(BENEFIT_DAYS, "transfers.etableringsersattning", "transfers.barnbidrag.studiebidrag_last_age")),
        State("utvecklingsersattning", "Utvecklingsersättning", "both", benefits.utvecklingsersattning, "benefit",
              ages=("transfers.utvecklingsersattning.min_age", "transfers.utvecklingsersattning.max_age"),
              rules=(BENEFIT_DAYS, "transfers.utvecklingsersattning", "transfers.aktivitetsstod.min_age")),
        State("a_kassa", "A-kassa", "both", unemployment.a_kassa, "benefit", needs=("prior_income",), steps=unemployment.steps,
              rules=(BENEFIT_DAYS, *A_KASSA_RULES, "transfers.aktivitetsstod")),
        State("sjukpenning", "Sjukpenning", "both", insurance.sjukpenning, "benefit", needs=("prior_income",),
              steps=insurance.sjukpenning_steps, rules=("transfers.sjukpenning",)),
        State("sjukersattning", "Sjukersättning", "both", insurance.sjukersattning, "benefit", needs=("prior_income",),
              rules=("transfers.sjuk_och_aktivitetsersattning",)),
        State("aktivitetsersattning", "Aktivitetsersättning", "both", insurance.aktivitetsersattning, "benefit", needs=("prior_income",),
              ages=("transfers.sjuk_och_aktivitetsersattning.aktivitetsersattning_min_age",
                    "transfers.sjuk_och_aktivitetsersattning.aktivitetsersattning_max_age"),
              rules=("transfers.sjuk_och_aktivitetsersattning",)),
        State("sjukpenning_sarskilda_fall", "Sjukpenning i särskilda fall", "both", insurance.sjukpenning_sarskilda_fall, "benefit",
              rules=("transfers.sjukpenning",)),
        State("ingen_ersattning", "Ingen ersättning", "both", benefits.ingen_ersattning, "benefit", topped_up=False),
        State("arbete", "Arbete (osubventionerat)", "after", work.arbete, "work", needs=("wage",), rules=EMPLOYMENT),
        State("introduktionsjobb", "Introduktionsjobb", "after", work.introduktionsjobb, "subsidised_work", needs=("wage",),
              steps=work.introduktionsjobb_steps, rules=EMPLOYMENT + ("subsidies.introduktionsjobb",)),
        State("nystartsjobb", "Nystartsjobb", "after", work.nystartsjobb, "subsidised_work", needs=("wage", "months_unemployed"),
              rules=EMPLOYMENT + ("subsidies.nystartsjobb",)),
        State("extratjanst", "Extratjänst", "after", work.extratjanst, "subsidised_work", needs=("wage",),
              entry="subsidies.extratjanst.new_entrants", rules=EMPLOYMENT + ("subsidies.extratjanst",)),
        State("lonebidrag", "Lönebidrag", "after", work.lonebidrag, "subsidised_work", needs=("wage",), rules=EMPLOYMENT + ("subsidies.lonebidrag",)),
        State("studier", "Studier med studiemedel", "after", studies.studier, "studies", rules=("studies",)),
        State("oforandrad", "Oförändrad", "after", None, "same"),
    ]
}

CODES = {sid: i for i, sid in enumerate(STATES)}
IDS = list(STATES)
OFORANDRAD = "oforandrad"


def state_after(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """The state each participant is in after the transition: `after`, or for oförändrad the before state."""
    return np.where(after == OFORANDRAD, before, after)


def codes_of(ids) -> list[int]:
    """The codes of some state ids."""
    return [CODES[sid] for sid in ids]


def needing(column: str) -> list[str]:
    """The states whose function reads this participant input (State.needs)."""
    return [sid for sid, s in STATES.items() if column in s.needs]


def normalise_state(text: str) -> str:
    """'Försörjningsstöd', 'A-kassa', ' Nystartsjobb ' → 'forsorjningsstod', 'a_kassa', 'nystartsjobb'."""
    t = unicodedata.normalize("NFKD", text.strip().casefold())
    t = "".join(ch for ch in t if not unicodedata.combining(ch))
    return "_".join(t.replace("-", " ").split())


def is_modelled(state_id: str) -> bool:
    s = STATES[state_id]
    return s.flows is not None or s.id == OFORANDRAD


def valid_before() -> list[str]:
    return [s.id for s in STATES.values() if s.when == "both" and is_modelled(s.id)]


def valid_after() -> list[str]:
    return [s.id for s in STATES.values() if is_modelled(s.id)]
