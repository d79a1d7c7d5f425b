"""The choices evaluators argue about, as form fields: their defaults from a scenario, the text a
person types (Swedish or English number formats) and the scenario keys they set.

A field left as the scenario has it changes nothing; a field the person changed becomes a dotted
scenario key that `commands.compare.with_values` sets and validates again, exactly as a scenario
file holding the same value would be validated. The funding shares are one group: when any of
them changes, `project.funding` becomes the shares given (an empty field: that actor pays
nothing), or null when all are empty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

from ..actors import FUNDERS
from ..errors import InputError, Problem
from ..i18n import _

Unit = Literal["months", "percent", "sek", "sek_month", "yesno"]


@dataclass(frozen=True)
class Field:
    key: str  # the dotted scenario key; a funding share: project.funding.<actor>
    unit: Unit

    @property
    def actor(self) -> str | None:
        return self.key.rsplit(".", 1)[1] if self.key.startswith(FUNDING + ".") else None


FUNDING = "project.funding"
FIELDS = (
    Field("period.horizon_months", "months"),
    Field("counterfactual.deadweight", "percent"),
    Field("persistence.keep_job_probability", "percent"),
    Field("forsorjningsstod.reasonable_costs", "sek_month"),
    Field("project.cost", "sek"),
    Field("equalisation.enabled", "yesno"),
)
# the actors that may carry a share of the project cost (scenario project.funding)
FUNDING_FIELDS = tuple(Field(f"{FUNDING}.{a}", "percent") for a in FUNDERS)
YES = {"ja", "yes", "true", "1", "on", "sant"}
NO = {"nej", "no", "false", "0", "off", "falskt"}

_SPACES = re.compile(r"[\s\u00a0\u202f']+")
_UNIT_WORDS = re.compile(r"(%|kr/mån|kr/month|sek/month|kr|sek|mån|months?)$", re.IGNORECASE)


def scenario_value(data: dict, key: str):
    """The value of a dotted key in a scenario's model_dump() (None where it is not set)."""
    node = data
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _number(text: str) -> Decimal:
    """'2 500 000', '12,5', '12.5', '20 %', '6500 kr' → Decimal; ValueError when it is no number."""
    t = _SPACES.sub("", text.strip())
    t = _UNIT_WORDS.sub("", t)
    t = t.replace("\u2212", "-")
    if t.count(",") == 1 and "." not in t:
        t = t.replace(",", ".")
    try:
        d = Decimal(t)
    except InvalidOperation:
        raise ValueError(text) from None
    if not d.is_finite():
        raise ValueError(text)
    return d


def _plain(d: Decimal) -> str:
    """A Decimal without exponent or trailing zeros: 20, 12.5, 2500000."""
    d = d.normalize()
    text = format(d, "f")
    return text


def shown(value, unit: Unit, lang: str) -> str:
    """A scenario value as the text of its field: 20 (percent of 0.2), 2 500 000, 1: 6 500; 3: 8 000."""
    if value is None:
        return ""
    if unit == "yesno":
        return ("ja" if lang == "sv" else "yes") if value else ("nej" if lang == "sv" else "no")
    if isinstance(value, dict):
        return "; ".join(f"{k}: {shown(v, unit, lang)}" for k, v in value.items())
    d = Decimal(repr(float(value))) if not isinstance(value, int) else Decimal(value)
    if unit == "percent":
        d = d * 100
    text = _plain(d)
    whole, _, frac = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    whole = whole.lstrip("-")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    out = sign + " ".join(groups)
    if frac:
        out += ("," if lang == "sv" else ".") + frac
    return out


def parse(text: str, f: Field, form_name: str):
    """The scenario value of the text typed in field f: an int of months, a fraction for percent,
    a float of kronor, or {household size: kronor} for reasonable costs written '1: 6500; 3: 8000'.
    Raises InputError naming the field."""
    def bad(problem: str) -> InputError:
        return InputError([Problem(file=form_name, column=f.key, value=text, problem=problem)], _("a choice in the form is not valid"))

    if f.unit == "yesno":
        word = text.strip().casefold()
        if word in YES or word in NO:
            return word in YES
        raise bad(_("expected ja or nej (yes or no)"))
    if f.unit == "sek_month" and ":" in text:
        out: dict[int, float] = {}
        for part in filter(None, (p.strip() for p in text.split(";"))):
            size, _sep, amount = part.partition(":")
            try:
                n = _number(size)
                if n != n.to_integral_value():
                    raise ValueError(size)
                out[int(n)] = float(_number(amount))
            except ValueError:
                raise bad(_("expected amounts by household size like 1: 6500; 3: 8000")) from None
        return out
    try:
        d = _number(text)
    except ValueError:
        raise bad(_("not a number")) from None
    if f.unit == "months":
        if d != d.to_integral_value():
            raise bad(_("expected a whole number of months"))
        return int(d)
    if f.unit == "percent":
        return float(d / 100)
    return float(d)


def _same(a, b) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b or (a is not None and b is not None and bool(a) == bool(b))
    if isinstance(a, dict) or isinstance(b, dict):
        return isinstance(a, dict) and isinstance(b, dict) and {int(k): float(v) for k, v in a.items()} == {int(k): float(v) for k, v in b.items()}
    if a is None or b is None:
        return a is None and b is None
    return float(a) == float(b)


def changes(form: dict[str, str], basis: dict, form_name: str = "form") -> dict[str, object]:
    """The dotted scenario keys the person changed: each field's parsed value where it differs from
    its value in `basis` (the model_dump() of the scenario the form was filled from). An empty field
    is the scenario's own value. Every field that cannot be read is a problem of one InputError."""
    out: dict[str, object] = {}
    problems: list[Problem] = []
    for f in FIELDS:
        text = (form.get(f.key) or "").strip()
        if not text:
            continue
        try:
            value = parse(text, f, form_name)
        except InputError as exc:
            problems += exc.problems
            continue
        if not _same(value, scenario_value(basis, f.key)):
            out[f.key] = value
    shares: dict[str, float] = {}
    for f in FUNDING_FIELDS:
        text = (form.get(f.key) or "").strip()
        if not text:
            continue
        try:
            shares[f.actor] = parse(text, f, form_name)
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems, _("a choice in the form is not valid"))
    if not any(f.key in form for f in FUNDING_FIELDS):  # the group was not sent (a script posting a few fields)
        return out
    before = scenario_value(basis, FUNDING)
    after = shares or None
    if (before is None) != (after is None) or (after is not None and (set(after) != set(before)
                                                                    or any(not _same(after[a], before[a]) for a in after))):
        out[FUNDING] = after
    return out


def defaults(basis: dict, lang: str) -> dict[str, str]:
    """Each field's text as the scenario `basis` has it (what the form shows before any change)."""
    out = {f.key: shown(scenario_value(basis, f.key), f.unit, lang) for f in FIELDS}
    funding = scenario_value(basis, FUNDING) or {}
    for f in FUNDING_FIELDS:
        out[f.key] = shown(funding.get(f.actor), f.unit, lang)
    return out
