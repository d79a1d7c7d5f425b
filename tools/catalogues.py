"""Keep the message catalogues (src/nyttokalk/locale) in step with the code, with Babel.

    python tools/catalogues.py update    # extract every text of src/ and add the new ones to each .po (empty msgstr)
    python tools/catalogues.py compile   # compile each .po to its .mo (commit both)
    python tools/catalogues.py missing   # the Swedish texts still to write (empty or fuzzy msgstr)

The same as the pybabel commands (pip install babel, or the test extra):

    pybabel extract -F babel.cfg -k NP_:1c,2 -k NN_:1,2 -k Msg --no-location --sort-output --no-wrap -o nyttokalk.pot src
    pybabel update -i nyttokalk.pot -d src/nyttokalk/locale -D nyttokalk --no-wrap --no-fuzzy-matching --ignore-obsolete
    pybabel compile -d src/nyttokalk/locale -D nyttokalk

A new language: pybabel init -i nyttokalk.pot -d src/nyttokalk/locale -D nyttokalk -l <lang>, then
add it to i18n.LANGS. tests/test_i18n.py checks that every text has its Swedish translation and
that the committed .mo files are compiled from the committed .po files.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "src" / "nyttokalk" / "locale"
DOMAIN = "nyttokalk"
KEYWORDS = ["-k", "NP_:1c,2", "-k", "NN_:1,2", "-k", "Msg"]


def pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], cwd=ROOT, check=True)


def extract(pot: Path) -> None:
    pybabel("extract", "-F", "babel.cfg", *KEYWORDS, "--no-location", "--sort-output", "--no-wrap", "--project", DOMAIN,
            "-o", str(pot), "src")


def _messages(po: Path) -> list:
    from babel.messages.pofile import read_po

    with open(po, "rb") as fh:
        return [(m.context, m.id, m.string, sorted(m.flags)) for m in read_po(fh) if m.id]


def update() -> None:
    """New texts added to every .po (empty), texts gone removed; a .po whose messages did not change
    is left as it was (pybabel would still stamp a new POT-Creation-Date)."""
    pos = sorted(LOCALE.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))
    before = {po: (po.read_bytes(), _messages(po)) for po in pos}
    with tempfile.TemporaryDirectory() as tmp:
        pot = Path(tmp) / f"{DOMAIN}.pot"
        extract(pot)
        pybabel("update", "-i", str(pot), "-d", str(LOCALE), "-D", DOMAIN, "--no-wrap", "--no-fuzzy-matching", "--ignore-obsolete")
    for po, (raw, messages) in before.items():
        if _messages(po) == messages:
            po.write_bytes(raw)


def compile_() -> None:
    pybabel("compile", "-d", str(LOCALE), "-D", DOMAIN)


def missing() -> None:
    from babel.messages.pofile import read_po

    with open(LOCALE / "sv" / "LC_MESSAGES" / f"{DOMAIN}.po", "rb") as fh:
        cat = read_po(fh)
    for m in cat:
        if m.id and (m.fuzzy or not (all(m.string) if isinstance(m.string, tuple) else m.string)):
            print(repr(m.id))


if __name__ == "__main__":
    {"update": update, "compile": compile_, "missing": missing}[sys.argv[1] if len(sys.argv) > 1 else "update"]()
