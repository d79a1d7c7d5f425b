"""Where the bundled rules and scenarios are: inside the installed package, or in the source tree."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_SOURCE_ROOT = _PACKAGE.parent.parent  # src/nyttokalk -> repository root


def _bundled(name: str) -> Path:
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _SOURCE_ROOT / name


def bundled(name: str) -> Path:
    """The folder of what ships with nyttokalk: "rules" or "scenarios" (whatever NYTTOKALK_RULES_DIR says)."""
    return _bundled(name)


def rules_dir() -> Path:
    """The bundled rules, or the folder named by NYTTOKALK_RULES_DIR (your own rule years)."""
    own = os.environ.get("NYTTOKALK_RULES_DIR")
    if own:
        return Path(own).expanduser()
    return _bundled("rules")


def scenarios_dir() -> Path:
    return _bundled("scenarios")
