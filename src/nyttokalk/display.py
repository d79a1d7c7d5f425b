"""User text as it may be shown on a terminal: personnummer masked, control characters and
terminal escape sequences removed, console markup escaped, very long values cut.

Every text that came from a user (a path, a file name, a scenario's name, title or choices, a
cell) passes through `shown` before the console prints it inside markup, or `plain` when printed
without markup."""

from __future__ import annotations

import re

from .privacy import mask

SHOWN_LENGTH = 300  # characters of one user value on the console (the files keep it whole)
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def plain(text: object, limit: int = SHOWN_LENGTH) -> str:
    """The text masked, without control characters or escape sequences, at most `limit` characters."""
    t = _CONTROL.sub("", _ANSI.sub("", mask(str(text))))
    return t if len(t) <= limit else t[: limit - 1] + "…"


def shown(text: object, limit: int = SHOWN_LENGTH) -> str:
    """plain(text), with rich's markup escaped: safe inside a markup string."""
    from rich.markup import escape

    return escape(plain(text, limit))
