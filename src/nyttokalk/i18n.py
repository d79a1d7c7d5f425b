"""The language of every text a user reads, and numbers written the way that language writes them.

The texts are English in the code (the message ids) and come out in the current language through
gettext catalogues compiled from src/nyttokalk/locale/<lang>/LC_MESSAGES/nyttokalk.po (Babel
extracts and compiles them: docs/architecture.md, "Languages"). Only the standard library's
gettext reads them at run time.

The current language is a context variable: every entry point sets it (the command line's
--lang, the Python API's lang=, the web page per request) and texts made anywhere below read it.
Swedish is the default.

    with language("en"):
        _("file not found")                                  # 'file not found'
    _("file not found")                                      # 'filen finns inte'
    ngettext("{n} participant", "{n} participants", 3)      # '{n} deltagare'
    sek(3678665.2)                                           # '3 678 665 kr' (U+202F between thousands)
    "{share:.1%}".format(share=Num(0.035))                   # '3,5 %'
"""

from __future__ import annotations

import contextlib
from contextvars import ContextVar, Token
from dataclasses import dataclass
from pathlib import Path
from typing import Any

LANGS = ("sv", "en")
DEFAULT = "sv"
DOMAIN = "nyttokalk"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"

THOUSANDS_SV = "\u202f"  # narrow no-break space: 3 678 665
NBSP = "\u00a0"  # no-break space between a number and its unit: 3 678 665 kr, 3,5 %
MINUS = "\u2212"

_LANG: ContextVar[str] = ContextVar("nyttokalk_language", default=DEFAULT)
_CATALOGUES: dict[str, Any] = {}


def current() -> str:
    """The language texts are made in now (sv unless an entry point set another)."""
    return _LANG.get()


def check_language(lang: str | None, option: str = "--lang") -> str:
    """`lang` if nyttokalk speaks it (None: the current language); else an InputError naming the option."""
    if lang is None:
        return current()
    if lang not in LANGS:
        from .errors import InputError, Problem

        raise InputError([Problem(file=option, value=str(lang), problem=_("unknown language; choose one of {langs}").format(langs=", ".join(LANGS)))],
                         _("unknown language"))
    return lang


def set_language(lang: str | None) -> Token:
    """Make `lang` the current language of this context (a thread, a task); returns the token that
    resets it. Prefer `with language(lang):`."""
    return _LANG.set(check_language(lang))


@contextlib.contextmanager
def language(lang: str | None):
    """Texts made inside are in `lang` (None: the current language); the language before is restored after."""
    token = set_language(lang)
    try:
        yield lang
    finally:
        _LANG.reset(token)


@contextlib.contextmanager
def restored():
    """The current language as it was before, whatever set_language calls happen inside."""
    token = _LANG.set(_LANG.get())
    try:
        yield
    finally:
        _LANG.reset(token)


def catalogue(lang: str | None = None):
    """The compiled catalogue of a language (gettext.GNUTranslations), loaded once; a language
    without one gives the English ids unchanged."""
    lang = lang or current()
    cat = _CATALOGUES.get(lang)
    if cat is None:
        import gettext

        try:
            cat = gettext.translation(DOMAIN, LOCALE_DIR, languages=[lang])
        except OSError:
            cat = gettext.NullTranslations()
        _CATALOGUES[lang] = cat
    return cat


def _(message: str) -> str:
    """`message` (an English text) in the current language."""
    return catalogue(_LANG.get()).gettext(message)


gettext = _  # the same, for a module that uses _ as a throwaway name (Babel extracts both)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural text for a count n, in the current language's plural forms."""
    return catalogue(_LANG.get()).ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """`message` in the current language, where the same English words need another translation in `context`."""
    return catalogue(_LANG.get()).pgettext(context, message)


def N_(message: str) -> str:
    """Marks a text for the catalogue without translating it now (a table of texts translated
    where they are shown: `_(text)`)."""
    return message


def NN_(singular: str, plural: str) -> tuple[str, str]:
    """Marks a singular and plural text for the catalogue without translating them now: translate
    with ngettext(singular, plural, n) where the count is known."""
    return singular, plural


@dataclass(frozen=True)
class Msg:
    """A text translated when it is written out (`str()` or a format field): for a value put into
    a template that is itself rendered later (notes.Note)."""

    text: str

    def __str__(self) -> str:
        return _(self.text)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


# The rules files' status words (docs/rules.md), as a text in the language says them; the files,
# meta and the JSON keep the words themselves.
STATUS_WORDS = {"legislated": N_("legislated"), "official": N_("official"), "reproduced": N_("reproduced"),
                "secondary": N_("secondary"), "derived": N_("derived"), "assumed": N_("assumed"), "unknown": N_("unknown"),
                "projected": N_("projected")}


def status_word(status: str) -> Msg:
    """A rule's status as the current language writes it when the text is written ('antagen')."""
    return Msg(STATUS_WORDS.get(status, status))


# The rules files' units, as a text in the language says them.
UNIT_WORDS = {"percent": N_("percent"), "SEK/month": N_("SEK/month"), "SEK/year": N_("SEK/year"), "SEK/day": N_("SEK/day"),
              "SEK/week": N_("SEK/week"), "SEK": N_("SEK"), "years": N_("years"), "months": N_("months"), "days": N_("days"),
              "weeks/year": N_("weeks/year"), "days/week": N_("days/week"), "factor": N_("factor"), "level": N_("level")}
BARE = ("factor", "level")  # a value in these units is a bare number


def unit_word(unit: str, bare: bool = False) -> str:
    """A rule's unit in the current language ('kr/mån'); with bare=True, '' for a factor or a level
    (the number says it all). Units the catalogue does not know (prisbasbelopp, kommunkoder) stay as written."""
    if bare and unit in BARE:
        return ""
    return _(UNIT_WORDS[unit]) if unit in UNIT_WORDS else unit


# ---- numbers -------------------------------------------------------------------------------------


def localise(text: str, lang: str | None = None) -> str:
    """A number as Python formats it (',' between thousands, '.' before decimals, '-', '%') as the
    language writes it: Swedish 1 234 567,5 (narrow no-break spaces) and −; English 1,234,567.5 and −;
    a percent sign after a no-break space in both."""
    lang = lang or current()
    if lang == "sv":
        text = text.translate(_SV_NUMBER)
    else:
        text = text.replace("-", MINUS)
    return text.replace("%", NBSP + "%") if text.endswith("%") and not text.endswith(NBSP + "%") else text


_SV_NUMBER = str.maketrans({",": THOUSANDS_SV, ".": ",", "-": MINUS})


@dataclass(frozen=True)
class Num:
    """A number that a format field writes in the current language: '{x:,.0f}' → '21 500' in
    Swedish; with no format spec, whole numbers get thousands separators ('{count}' → '3 000')."""

    value: float | int

    def __format__(self, spec: str) -> str:
        value = self.value
        if not spec and isinstance(value, int) and not isinstance(value, bool):
            spec = ","
        elif not spec:
            spec = ",g" if isinstance(value, float) and abs(value) < 1e16 else ""
        return localise(format(value, spec))

    def __str__(self) -> str:
        return format(self, "")


def number(x: float | None, decimals: int = 0, lang: str | None = None) -> str:
    """1 234 567 (sv) / 1,234,567 (en) with `decimals` decimals; – for None."""
    if x is None:
        return "–"
    return localise(f"{x:,.{decimals}f}", lang)


def sek(x: float | None, lang: str | None = None, decimals: int = 0) -> str:
    """An amount: '3 678 665 kr' (sv) or '3,678,665 SEK' (en), never split between lines; – for None."""
    if x is None:
        return "–"
    lang = lang or current()
    return number(x, decimals, lang) + NBSP + ("kr" if lang == "sv" else "SEK")


def percent(x: float | None, decimals: int | None = 1, lang: str | None = None) -> str:
    """A value in percent: '3,5 %' (sv) or '3.5 %' (en) with `decimals` decimals (None: as few as
    the value needs); – for None."""
    if x is None:
        return "–"
    return (number(x, decimals, lang) if decimals is not None else localise(f"{x:,g}", lang)) + NBSP + "%"


def share(x: float | None, decimals: int = 0, lang: str | None = None) -> str:
    """A fraction as a percent: 0.2 → '20 %'."""
    return percent(None if x is None else 100 * x, decimals, lang)
