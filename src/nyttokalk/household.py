"""The participant's household for försörjningsstöd: adults (1 or 2) and the children's ages.

Parsing of the participant columns `adults` and `children_ages`, and the riksnorm of each
participant's household in each month (participants × months, vectorised over participants).
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np

from .i18n import _

ADULT_WORDS = {
    1: {"1", "ensamstaende", "ensam", "singel", "single", "en", "one", "1 vuxen", "en vuxen", "ensamstaende foralder"},
    2: {"2", "sambo", "sambor", "sammanboende", "gift", "gifta", "par", "makar", "couple", "married", "cohabiting",
        "partner", "two", "tva", "2 vuxna", "tva vuxna"},
}
NO_CHILDREN = {"-", "inga", "inget", "ingen", "inga barn", "none", "no", "nej", "no children"}
CHILD_SEPARATORS = re.compile(r"[;,/+\s]+")


def _fold(text: str) -> str:
    t = unicodedata.normalize("NFKD", str(text).strip().casefold())
    return " ".join("".join(ch for ch in t if not unicodedata.combining(ch)).split())


def parse_adults(text: str) -> int | None:
    """'1', 'ensamstående', 'Sambo', 'couple', '2 vuxna' → 1 or 2; None when not understood."""
    t = _fold(text)
    for n, words in ADULT_WORDS.items():
        if t in words:
            return n
    return None


def parse_children_ages(text: str) -> list[int] | str:
    """'3 7 15', '3;7;15', '3, 7, 15' → [3, 7, 15]; '-', 'inga', 'none' → []. Returns the
    problem as a string when a part is not a whole number of years. Whether each age is in the
    riksnorm's table is checked against the rules (engine)."""
    t = _fold(text)
    if t in NO_CHILDREN:
        return []
    ages = []
    for part in CHILD_SEPARATORS.split(t.removesuffix(" ar")):
        if part in ("", "ar", "years"):
            continue
        if not part.isdigit():
            return _("expected the children's ages in whole years separated by spaces or semicolons (e.g. '3 7 15'), or '-' for no "
                     "children; {part} is not a whole number").format(part=repr(part))
        ages.append(int(part))
    if not ages:
        return _("no ages given; write '-' for no children")
    return ages


def household_norm(adults: np.ndarray, child_birth_years: np.ndarray, month_years: np.ndarray, norm_rules: dict) -> tuple[np.ndarray, np.ndarray]:
    """Riksnorm per participant and month, and the number of household members.

    adults: (n,) 1 or 2; child_birth_years: (n, k) calendar year − age, NaN = no child;
    month_years: (M,) calendar year of each grid month; norm_rules: arrays per month —
    "single", "couple" (M,), "common" (M, 7), "child_min_age", "child_max_age", "child_amount" (M, B).
    A child's age in a calendar year is that year − its birth year (ages at the exit month, the
    participant's `age` convention); a child outside the table's ages (not yet born, or older
    than the oldest band) is not a member of the household that year.
    """
    n, m = len(adults), len(month_years)
    couple = (adults == 2)[:, None]
    personal = np.where(couple, norm_rules["couple"][None, :], norm_rules["single"][None, :])
    members = np.broadcast_to(adults[:, None].astype(float), (n, m)).copy()
    lo, hi, amount = norm_rules["child_min_age"], norm_rules["child_max_age"], norm_rules["child_amount"]
    for j in range(child_birth_years.shape[1]):
        age = month_years[None, :] - child_birth_years[:, j : j + 1]  # (n, M), NaN without a child
        for b in range(amount.shape[1]):
            # SFS 2025:468 12 kap. 2 §: personliga kostnader per child by age
            hit = (age >= lo[None, :, b]) & (age <= hi[None, :, b])
            personal = personal + np.where(hit, amount[None, :, b], 0.0)
            members = members + hit
    size = members.astype(int)
    common_table = norm_rules["common"]  # (M, 7): 1 … 7 persons
    capped = np.minimum(size, common_table.shape[1])
    common = common_table[np.arange(m)[None, :], capped - 1]
    # SFS 2025:468 12 kap. 3 §: each member above seven adds the difference between seven and six persons
    extra = np.maximum(size - common_table.shape[1], 0)
    common = common + extra * (common_table[:, -1] - common_table[:, -2])[None, :]
    return personal + common, size
