"""Assumption notes that carry their counts.

A run states its assumptions as sentences with counts in them ("12 of 240 participants: age
missing, …"). Kept as a template and its counts until the end, the notes of a dataset's
partitions add up to exactly the notes of one run on all of them, without keeping the
participants (distributed.py)."""

from __future__ import annotations

from dataclasses import dataclass, field


def literal(text: str) -> str:
    """Text put into a template as it is (braces escaped)."""
    return text.replace("{", "{{").replace("}", "}}")


@dataclass
class Note:
    text: str  # a str.format template: {n} = participants, {count} and the other names in counts, {detail} = the breakdown
    counts: dict[str, int] = field(default_factory=dict)
    detail: dict[str, int] = field(default_factory=dict)  # e.g. per state, rendered "introduktionsjobb 3, nystartsjobb 5"
    shown_by: str | None = "count"  # the count that must be above 0 for the note to be stated; None: always

    def shown(self) -> bool:
        return self.shown_by is None or self.counts.get(self.shown_by, 0) > 0

    def render(self, n: int) -> str:
        detail = ", ".join(f"{k} {v}" for k, v in sorted(self.detail.items()) if v)
        return self.text.format(n=n, detail=detail, **self.counts)


def counted(count: int, text: str) -> Note:
    """'<count> of <n> participants: <text>', stated when count > 0."""
    return Note("{count} of {n} participants: " + literal(text), {"count": int(count)})


def always(text: str) -> Note:
    return Note(literal(text), shown_by=None)


def render(notes: list[Note], n: int) -> list[str]:
    return [x.render(n) for x in notes if x.shown()]


def merge(lists: list[list[Note]]) -> list[Note]:
    """The notes of several groups of participants as one: counts of the same template added, in
    the order the templates first appear (every group makes the same templates, in the same order,
    whatever its counts)."""
    out: dict[str, Note] = {}
    for notes in lists:
        for x in notes:
            have = out.get(x.text)
            if have is None:
                out[x.text] = Note(x.text, dict(x.counts), dict(x.detail), x.shown_by)
                continue
            for k, v in x.counts.items():
                have.counts[k] = have.counts.get(k, 0) + v
            for k, v in x.detail.items():
                have.detail[k] = have.detail.get(k, 0) + v
    return list(out.values())
