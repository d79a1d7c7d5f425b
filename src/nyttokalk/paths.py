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


def rules_dir() -> Path:
    """The bundled rules, or the folder named by NYTTOKALK_RULES_DIR (your own rule years)."""
    own = os.environ.get("NYTTOKALK_RULES_DIR")
    if own:
        return Path(own).expanduser()
    return _bundled("rules")


def scenarios_dir() -> Path:
    return _bundled("scenarios")


def bundled_relative(path: Path | str) -> str | None:
    """'rules/municipalities/2024.csv' for a file inside the bundled rules or scenarios, else None."""
    path = Path(path)
    if not path.is_absolute():
        return None
    for name in ("scenarios", "rules"):
        root = _bundled(name).resolve()
        try:
            return (Path(name) / path.relative_to(root)).as_posix()
        except ValueError:
            continue
    return None
