"""Fixtures shared by the test modules."""

import pytest

from nyttokalk.i18n import language


@pytest.fixture
def english(monkeypatch):
    """Every text in English (the message ids): what the engine and the API make (the current
    language) and what the command line prints (NYTTOKALK_LANG, read by --lang). Tests of a
    message's content use it; tests/test_i18n.py checks the Swedish default itself."""
    monkeypatch.setenv("NYTTOKALK_LANG", "en")
    with language("en"):
        yield
