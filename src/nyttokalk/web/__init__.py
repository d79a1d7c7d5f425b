"""`nyttokalk serve`: one web page for finance officers, built on the Python API (nyttokalk.api).

Upload a participant file (or start from the bundled participants), pick a bundled scenario or
upload a scenario YAML, adjust the choices evaluators argue about, and see who gains and who
pays; download the workbook and the results as CSV; compare two scenarios on the same file.

Needs the extra `[web]` (FastAPI, Jinja2, python-multipart, uvicorn). Importing this package
imports none of them: `missing()` says what is not installed, so the command line can say how
to install it.

Safe by default (docs/user-guide.md, "The web page"):
- it binds to 127.0.0.1; any other host needs a token (`--token` or NYTTOKALK_TOKEN), and then
  every request needs it (a login form sets an HttpOnly cookie, or an `Authorization: Bearer`
  header);
- an upload is at most MAX_UPLOAD_BYTES; it is saved under a random name in a private temporary
  folder (mode 700) that is removed as soon as the run is done;
- a result is kept in memory for its session only (RESULT_TTL_SECONDS, at most MAX_RESULTS and
  MAX_KEPT_PARTICIPANTS), so
  that the workbook and the CSVs can be downloaded; the workbook is written on download;
- nothing is logged but counts.
"""

from __future__ import annotations

import importlib.util

MAX_UPLOAD_BYTES = 50 * 1024 * 1024  # one request's body: the participant file, a scenario and the form (50 MB)
MAX_SCENARIO_BYTES = 256 * 1024  # an uploaded scenario YAML (the bundled ones are under 4 kB)
RESULT_TTL_SECONDS = 30 * 60  # a result is kept for downloads this long after it was computed
MAX_RESULTS = 24  # results kept at once, all sessions together; the oldest goes first
MAX_KEPT_PARTICIPANTS = 1_000_000  # participants of all kept results together (about 0.6 kB of memory each); the oldest goes first
MIN_TOKEN_LENGTH = 16  # characters of a --token: a short one could be guessed
MAX_SHOWN_PROBLEMS = 200  # rows of the problem table; the count says how many more there are

REQUIRED = {"fastapi": "fastapi", "uvicorn": "uvicorn", "jinja2": "jinja2", "python_multipart": "python-multipart"}
INSTALL = "pip install 'nyttokalk[web]'"


def missing() -> list[str]:
    """The packages of the [web] extra that cannot be imported here (their distribution names)."""
    out = []
    for module, dist in REQUIRED.items():
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):  # a parent package missing, or a module set to None in sys.modules
            found = False
        if not found:
            out.append(dist)
    return out
