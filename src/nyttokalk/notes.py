"""Assumption notes that carry their counts, translated when they are rendered.

A run states its assumptions as sentences with counts in them ("12 of 240 participants: age
missing, …"). Kept as a template (an English message id of the catalogues, i18n.py), its fixed
values and its counts until the end, the notes of a dataset's partitions add up to exactly the
notes of one run on all of them, without keeping the participants (distributed.py); and a note is
written in the language current when it is rendered, its numbers as that language writes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .i18n import Num, _, ngettext


@dataclass
class Note:
    # a str.format template, English (a message id: mark it with N_ where it is written): {n} =
    # participants, {count} and the other names in counts, {detail} = the breakdown, and the names in args
    text: str
    counts: dict[str, int] = field(default_factory=dict)
    detail: dict[str, int] = field(default_factory=dict)  # e.g. per state, rendered "introduktionsjobb 3, nystartsjobb 5"
    shown_by: str | None = "count"  # the count that must be above 0 for the note to be stated; None: always
    # fixed values of the template: text (identifiers, shown as they are), numbers (i18n.Num: written in the
    # language) or words to translate (i18n.Msg); every group of participants gives the same ones
    args: dict[str, Any] = field(default_factory=dict)
    plural: str | None = None  # the plural template: ngettext(text, plural, counts["count"])
    counted: bool = False  # stated as '<count> of <n> participants: <text>'

    def shown(self) -> bool:
        return self.shown_by is None or self.counts.get(self.shown_by, 0) > 0

    def key(self) -> tuple:
        """What makes two notes the same note (their counts aside)."""
        return self.text, self.plural, self.counted, tuple(sorted(self.args.items()))

    def render(self, n: int) -> str:
        count = self.counts.get("count", 0)
        template = ngettext(self.text, self.plural, count) if self.plural else _(self.text)
        detail = ", ".join(f"{k} {Num(v)}" for k, v in sorted(self.detail.items()) if v)
        body = template.format(n=Num(n), detail=detail, **{k: Num(v) for k, v in self.counts.items()}, **self.args)
        if not self.counted:
            return body
        return ngettext("{count} of {n} participant: {text}", "{count} of {n} participants: {text}", n).format(
            count=Num(count), n=Num(n), text=body)


def counted(count: int, text: str, **args) -> Note:
    """'<count> of <n> participants: <text>', stated when count > 0; `text` an English template, `args` its values."""
    return Note(text, {"count": int(count)}, args=args, counted=True)


def always(text: str, **args) -> Note:
    return Note(text, shown_by=None, args=args)


def render(notes: list[Note], n: int) -> list[str]:
    return [x.render(n) for x in notes if x.shown()]


def merge(lists: list[list[Note]]) -> list[Note]:
    """The notes of several groups of participants as one: counts of the same note added, in the
    order the notes first appear (every group makes the same notes, in the same order, whatever its
    counts)."""
    out: dict[tuple, Note] = {}
    for notes in lists:
        for x in notes:
            have = out.get(x.key())
            if have is None:
                out[x.key()] = Note(x.text, dict(x.counts), dict(x.detail), x.shown_by, dict(x.args), x.plural, x.counted)
                continue
            for k, v in x.counts.items():
                have.counts[k] = have.counts.get(k, 0) + v
            for k, v in x.detail.items():
                have.detail[k] = have.detail.get(k, 0) + v
    return list(out.values())
