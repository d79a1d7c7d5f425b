"""`nyttokalk rules list|show|diff|validate|new`: look at, compare, check and draft rule years."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import InputError, Problem
from ..i18n import _, localise
from ..ruleset.loader import (
    LoadedYear,
    RuleBook,
    _load,
    load_indices,
    load_year,
    projected_data,
)
from ..ruleset.schema import Leaf, RuleYear, iter_leaves

# A value more than this many times (or less than 1/this of) the year before is flagged.
JUMP_FACTOR = 3.0


def leaf_table(rules: RuleYear) -> dict[str, Leaf]:
    return {".".join(path): leaf for path, leaf in iter_leaves(rules)}


def format_value(leaf: Leaf) -> str:
    def one(v) -> str:
        if hasattr(v, "model_dump"):
            v = v.model_dump(exclude_none=True, exclude_defaults=True)
        if isinstance(v, list):
            return "[" + ", ".join(one(x) for x in v) + "]"
        if isinstance(v, dict):
            return "{" + ", ".join(f"{k}: {one(x)}" for k, x in v.items()) + "}"
        if isinstance(v, float):
            return f"{int(v)}" if v.is_integer() else f"{v:.10g}"
        return str(v)

    if leaf.values is None:
        return one(leaf.value)
    return "; ".join(_("from {day}: {value}").format(day=d, value=one(v)) for d, v in leaf.dated_values())


def format_reference(leaf: Leaf) -> str:
    r = leaf.reference
    return r.title + (f", {r.section}" if r.section else "") + (f" <{r.url}>" if r.url else "")


def status_counts(rules: RuleYear) -> Counter:
    return Counter(leaf.status for _, leaf in iter_leaves(rules))


def select(rules: RuleYear, path: str) -> dict[str, Leaf]:
    """Leaves at or below a dotted key path; InputError with a suggestion when none match."""
    table = leaf_table(rules)
    path = path.strip(".")
    hits = {k: v for k, v in table.items() if not path or k == path or k.startswith(path + ".")}
    if not hits:
        import difflib

        guess = difflib.get_close_matches(path, list(table) + sorted({k.rsplit(".", 1)[0] for k in table}), n=1, cutoff=0.5)
        hint = "; " + _("did you mean {guess}?").format(guess=repr(guess[0])) if guess else ""
        raise InputError([Problem(file=_("rules {year}").format(year=rules.year), column=path, value=path, problem=_("no rule at this key path") + hint)],
                         _("unknown rule path"))
    return hits


@dataclass(frozen=True)
class Change:
    path: str
    old: Leaf | None
    new: Leaf | None


def diff(a: RuleYear, b: RuleYear) -> list[Change]:
    ta, tb = leaf_table(a), leaf_table(b)
    out = []
    for key in list(ta) + [k for k in tb if k not in ta]:
        la, lb = ta.get(key), tb.get(key)
        if la is None or lb is None or format_value(la) != format_value(lb) or la.unit != lb.unit:
            out.append(Change(key, la, lb))
    return out


def _numbers(leaf: Leaf) -> list[float]:
    vals = [v for _, v in leaf.dated_values()]
    return [float(v) for v in vals if isinstance(v, (int, float)) and not isinstance(v, bool)]


def validate_file(path: Path) -> tuple[LoadedYear, list[str]]:
    """Load a rules file through the schema (InputError on failure) and return it with warnings:
    leaves without a section or url in their reference, status unknown, and values that jump by
    more than JUMP_FACTOR against the year before (when that year's file is beside it)."""
    loaded = _load(path, check_name=False)
    rules = loaded.rules
    warnings: list[str] = []
    for key, leaf in leaf_table(rules).items():
        if leaf.status == "unknown":
            warnings.append(_("{key}: status unknown — a placeholder that reports flag").format(key=key))
        if not leaf.reference.section and not leaf.reference.url:
            warnings.append(_("{key}: reference has a title only (no section, no url)").format(key=key))
    prev_path = path.parent / f"{rules.year - 1}.yaml"
    if prev_path.exists():
        prev = leaf_table(_load(prev_path, check_name=False).rules)
        for key, leaf in leaf_table(rules).items():
            if key not in prev:
                continue
            old, new = _numbers(prev[key]), _numbers(leaf)
            if old and new and old[-1] and new[0]:
                ratio = new[0] / old[-1]
                if ratio > JUMP_FACTOR or ratio < 1 / JUMP_FACTOR or (ratio < 0):
                    warnings.append(_("{key}: {old} in {year_before} → {new} in {year} (×{ratio}); check the value and its unit").format(
                        key=key, old=localise(f"{old[-1]:g}"), year_before=rules.year - 1, new=localise(f"{new[0]:g}"), year=rules.year,
                        ratio=localise(f"{ratio:.2f}")))
    if not loaded.municipalities:
        warnings.append(_("no rules/municipalities/{year}.csv beside the file: participants' municipality column cannot be used").format(year=rules.year))
    return loaded, warnings


def _round_draft(data: dict, rules: RuleYear) -> dict:
    """Round uprated SEK amounts in a draft to whole kronor (a finance officer confirms them)."""
    for path, leaf in iter_leaves(rules):
        node = data
        for key in path[:-1]:
            node = node[key]
        entry = node[path[-1]]
        value = entry.get("value")
        if leaf.uprate_with and leaf.unit.startswith("SEK"):
            if isinstance(value, float):
                entry["value"] = float(round(value))
            elif isinstance(value, list):  # riksnorm tables: amounts by household size or child age
                entry["value"] = [{**v, "amount": float(round(v["amount"]))} if isinstance(v, dict) else float(round(v)) for v in value]
    return data


def draft_year(year: int, base_year: int, directory: Path | None = None) -> str:
    """YAML text of a draft rules file for `year` from `base_year`, uprated by rules/indices.yaml."""
    base = load_year(base_year, directory)
    indices, ipath = load_indices(directory)
    data = projected_data(base.rules, year, indices)
    data = _round_draft(data, RuleYear.model_validate(data))  # the draft must load
    header = (
        f"# DRAFT rules for {year}, written by `nyttokalk rules new {year} --from {base_year}` on {dt.date.today()}.\n"
        f"# Every leaf is the {base_year} value in force on 31 December {base_year}, uprated by its declared index\n"
        f"# (uprate_with; annual changes in {ipath.name}) and marked `status: projected`.\n"
        "# Before use: check each value against its source, then set value, reference and status.\n"
    )
    return header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120)


def resolve_year(year: int | None, book: RuleBook) -> LoadedYear:
    return book.year_for(year if year is not None else book.years[-1])[0]
