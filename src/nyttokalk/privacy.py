"""Personal data: recognise personnummer and samordningsnummer so that no output or message shows one."""

from __future__ import annotations

import re
from pathlib import PurePath

import numpy as np

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


_WIDTH = 24  # characters the vectorised check reads; a longer id, or one beyond ASCII, is checked one at a time
_LUHN = np.array([2, 1, 2, 1, 2, 1, 2, 1, 2])
_BLOCK = 1 << 15  # rows checked at a time
_ASCII_SPACES = [c for c in range(128) if chr(c).isspace()]  # what str.strip and the pattern's \s take away


def personnummer_mask(values) -> np.ndarray:
    """looks_like_personnummer for every value of an array of texts at once (numpy over the characters,
    no Python step per row; a value longer than _WIDTH characters, or with a character beyond ASCII —
    another script's digits or spaces — or a NUL, is checked one at a time)."""
    texts = np.asarray(values, dtype=object)
    out = np.zeros(len(texts), dtype=bool)
    lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
    rows = np.flatnonzero((lengths >= 10) & (lengths <= _WIDTH))  # ten digits at least
    others = [np.flatnonzero(lengths > _WIDTH)]
    for block in range(0, len(rows), _BLOCK):  # blocks of rows: the characters' arrays stay in the CPU's caches
        part = rows[block:block + _BLOCK]
        width = int(lengths[part].max())
        code = np.asarray(texts[part], dtype=f"U{width}").view(np.uint32).reshape(len(part), width)
        plain = (code.max(axis=1) <= 127) & ((code != 0).sum(axis=1) == lengths[part])
        out[part] = plain & _shaped_with_check_digit(code.astype(np.uint8))
        others.append(part[~plain])
    others = np.concatenate(others)
    out[others] = [looks_like_personnummer(t) for t in texts[others]]
    return out


def _shaped_with_check_digit(char: np.ndarray) -> np.ndarray:
    """Rows × characters (ASCII, padded with NUL): whether each row, stripped, is 10 or 12 digits with at
    most one - or + before the last four, whose last ten digits pass the Luhn check."""
    digit = (char >= 48) & (char <= 57)
    separator = (char == 45) | (char == 43)
    solid = char != 0
    for c in _ASCII_SPACES:
        solid &= char != c
    width = char.shape[1]
    first = np.argmax(solid, axis=1)
    last = width - 1 - np.argmax(solid[:, ::-1], axis=1)
    core = last - first + 1
    separated = (core == 11) | (core == 13)
    at_separator = np.take_along_axis(separator, np.clip(last - 4, 0, None)[:, None], axis=1)[:, 0]
    n_digits = digit.sum(axis=1)
    shaped = (solid.sum(axis=1) == core) & (core >= 10) & (core <= 13) & (n_digits == core - separated) \
        & np.where(separated, at_separator & (separator.sum(axis=1) == 1), True)
    # the ten digits of the check: the six before the last four (and their separator), and the last four
    at = last[:, None] + np.concatenate([np.arange(-9, -3)[None, :] - separated[:, None], np.broadcast_to(np.arange(-3, 1), (len(last), 4))], axis=1)
    digits = np.take_along_axis(char, np.clip(at, 0, width - 1), axis=1).astype(np.int64) - 48
    doubled = digits[:, :9] * _LUHN[None, :]
    total = (doubled - 9 * (doubled > 9)).sum(axis=1)
    return shaped & ((10 - total % 10) % 10 == digits[:, 9])


def mask(text: str) -> str:
    """The text with every personnummer-like number in it replaced by <personnummer>."""
    return _ANYWHERE.sub(lambda m: "<personnummer>" if looks_like_personnummer(m.group(0)) else m.group(0), str(text))


def mask_file_name(path: str) -> str:
    """A file's path with every personnummer in its name masked (the folders are kept, so that the
    path stays below the same folder)."""
    p = PurePath(path)
    return str(p.with_name(mask(p.name))) if p.name else str(path)
