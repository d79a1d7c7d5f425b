"""Personal data: recognise personnummer and samordningsnummer so that no output or message shows one."""

from __future__ import annotations

import re
from pathlib import PurePath

PERSONNUMMER_SHAPE = r"^\s*(?:\d{2})?\d{6}[-+]?\d{4}\s*$"  # for vectorised pre-filtering (pandas str.match)
_PNR = re.compile(r"^(?:\d{2})?(\d{6})[-+]?(\d{4})$")
_ANYWHERE = re.compile(r"(?<!\d)(?:\d{2})?\d{6}[-+]?\d{4}(?!\d)")


def looks_like_personnummer(text: str) -> bool:
    """10 or 12 digits (optional - or +) with a valid Luhn check digit: a personnummer or a
    samordningsnummer (day + 60), with or without century and separator."""
    m = _PNR.match(str(text).strip())
    if not m:
        return False
    digits = m.group(1) + m.group(2)
    total = 0
    for i, ch in enumerate(digits[:9]):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return (10 - total % 10) % 10 == int(digits[9])


def mask(text: str) -> str:
    """The text with every personnummer-like number in it replaced by <personnummer>."""
    return _ANYWHERE.sub(lambda m: "<personnummer>" if looks_like_personnummer(m.group(0)) else m.group(0), str(text))


def mask_file_name(path: str) -> str:
    """A file's path with every personnummer in its name masked (the folders are kept, so that the
    path stays below the same folder)."""
    p = PurePath(path)
    return str(p.with_name(mask(p.name))) if p.name else str(path)
