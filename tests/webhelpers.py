"""Helpers for the web tests: read the figures a page shows, start `nyttokalk serve` in a
subprocess, run `nyttokalk run --json` on the same inputs."""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_PEOPLE = ROOT / "scenarios" / "example" / "participants.csv"
EXAMPLE_SCENARIO = ROOT / "scenarios" / "example" / "scenario.yaml"

# docs/method.md §7 (and docs/api.md): one person from försörjningsstöd to a job at 21 500 kr/month
# in 2022, project cost 100 000 kr funded kommun 25 %, region 25 %, stat 50 %. Worked by hand there:
# the kommun gains 12 × 10 750 + 47 850.76 = 176 850.76 kr the first year and covers its
# 25 000 kr in month 2.
METHOD_PERSON = "id,before,after,age,wage\nR01,forsorjningsstod,arbete,30,21500\n"
METHOD_SCENARIO = {
    "title": "One participant, 2022 (method.md §7)",
    "period": {"exit_month": "2022-01", "horizon_months": 12, "rules_date": "2022-04-01"},
    "forsorjningsstod": {"reasonable_costs": 6500},
    "tax": {"temporary_work_reduction": False},
    "project": {"cost": 100000, "funding": {"kommun": 0.25, "region": 0.25, "stat": 0.5}},
}
# docs/api.md (method.md 7.8 and 7.10): 12 × 10 750 + 47 850.76 = 176 850.76 before kommunalekonomisk
# utjämning, less the utjämning on the BFI of 231 500 kr at the national average rate 19.64 % (no
# kommun given): 176 850.76 − 45 466.60 = 131 384.16
METHOD_KOMMUN_FIRST_YEAR = 131_384.16


class _Figures(HTMLParser):
    """Every <td data-value> of a table, by the row's data-actor and the cell's data-key (or position)."""

    def __init__(self, table_id: str) -> None:
        super().__init__()
        self.table_id, self.inside, self.actor, self.col = table_id, False, None, 0
        self.out: dict[str, dict[str, str]] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and a.get("id") == self.table_id:
            self.inside = True
        elif self.inside and tag == "tr" and "data-actor" in a:
            self.actor, self.col = a["data-actor"], 0
            self.out.setdefault(self.actor, {})
        elif self.inside and tag == "td" and self.actor is not None and "data-value" in a:
            self.out[self.actor][a.get("data-key") or f"{len(self.out[self.actor])}"] = a["data-value"]

    def handle_endtag(self, tag):
        if tag == "table" and self.inside:
            self.inside = False


def figures(html: str, table_id: str = "summary") -> dict[str, dict[str, str]]:
    """actor → key → data-value of the summary table (first_year, horizon, horizon_discounted, cost, payback, …)."""
    p = _Figures(table_id)
    p.feed(html)
    return p.out


def problem_table(html: str) -> list[tuple[str, ...]]:
    """The rows of the problem table as (file, row, column, value, problem)."""
    body = re.search(r'<table id="problems">.*?<tbody>(.*?)</tbody>', html, re.S)
    if not body:
        return []
    rows = re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)
    import html as html_lib

    return [tuple(html_lib.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", r, re.S)) for r in rows]


def scenario_file(folder: Path, changes: dict, base: Path = EXAMPLE_SCENARIO, name: str = "scenario.yaml") -> Path:
    """The bundled scenario with dotted keys changed, as a file for the command line (participants
    resolved to the bundled file, so the CLI reads the same file as the page)."""
    data = yaml.safe_load(base.read_text(encoding="utf-8"))
    if data.get("participants"):
        data["participants"] = str((base.parent / data["participants"]).resolve())
    for key, value in changes.items():
        node = data
        parts = key.split(".")
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    path = folder / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def cli_json(participants: Path, scenario: Path) -> dict:
    """`nyttokalk run PARTICIPANTS --scenario SCENARIO --json`, in a subprocess."""
    out = subprocess.run([sys.executable, "-m", "nyttokalk", "run", str(participants), "--scenario", str(scenario), "--json"],
                         capture_output=True, text=True, timeout=120, cwd=scenario.parent)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def expected_from_json(doc: dict) -> dict[str, dict[str, str]]:
    """What the summary table's data-values must be for a run --json document (rounded to öre as run --json is)."""
    out = {}
    for actor, fy in doc["first_year"].items():
        pb = doc["payback_months"].get(actor, {})
        row = {"first_year": repr(fy), "horizon": repr(doc["horizon"]["undiscounted"][actor]),
               "horizon_discounted": repr(doc["horizon"]["discounted"][actor])}
        if pb.get("cost"):
            row["cost"] = repr(pb["cost"])
            row["payback"] = "null" if pb["simple"] is None else str(pb["simple"])
            row["payback_discounted"] = "null" if pb["discounted"] is None else str(pb["discounted"])
        out[actor] = row
    return out


def shown_subset(page: dict[str, dict[str, str]], expected: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
    """The page's values for exactly the keys `expected` has (the cost of an actor without a share shows no value)."""
    return {a: {k: page.get(a, {}).get(k) for k in row} for a, row in expected.items()}


@contextlib.contextmanager
def serve(*args: str, env: dict | None = None, timeout: float = 60):
    """`python -m nyttokalk serve --port 0 ARGS` in a subprocess; yields (base URL, process).
    Stopped with SIGTERM (then waited for) when the block ends."""
    proc = subprocess.Popen([sys.executable, "-m", "nyttokalk", "serve", "--port", "0", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})})
    try:
        deadline = time.monotonic() + timeout
        line = proc.stdout.readline()
        while "http://" not in line:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"server did not start: {line!r} {proc.stderr.read() if proc.poll() is not None else ''}")
            line = proc.stdout.readline()
        yield re.search(r"http://\S+?/", line).group(0).rstrip("/"), proc
    finally:
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
