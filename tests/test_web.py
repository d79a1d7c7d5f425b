"""The web page (`nyttokalk serve`) in process, through Starlette's test client: the flow, the
figures against the command line and against figures worked by hand, the problem table, the
downloads, and the guards (token, hosts, body size, private uploads, no path from the user)."""

from __future__ import annotations

import csv
import io
import os
import re
import stat
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from nyttokalk.actors import ALL
import yaml

pytest.importorskip("fastapi", reason="the web page needs the extra [web]: pip install '.[webtest]'")
pytest.importorskip("httpx", reason="Starlette's test client needs httpx: pip install '.[webtest]'")

from fastapi.testclient import TestClient  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from nyttokalk.cli import app as cli_app  # noqa: E402
from nyttokalk.web import MAX_UPLOAD_BYTES, choices  # noqa: E402
from nyttokalk.web.app import create_app  # noqa: E402
from nyttokalk.web.flow import bundled  # noqa: E402
from nyttokalk.web.security import AUTH_COOKIE  # noqa: E402
from nyttokalk.web.store import Store  # noqa: E402
from nyttokalk.web.view import actors_of  # noqa: E402
from webhelpers import (EXAMPLE_PEOPLE, EXAMPLE_SCENARIO, METHOD_KOMMUN_FIRST_YEAR, METHOD_PERSON, METHOD_SCENARIO, cli_json,  # noqa: E402
                        expected_from_json, figures, problem_table, scenario_file, shown_subset)

LOCAL = "http://127.0.0.1"
TOKEN = "a-test-token-of-24-chars"


@pytest.fixture()
def client():
    app = create_app()
    with TestClient(app, base_url=LOCAL) as c:
        c.web = app.state.web
        yield c


def post(c, people: bytes | None = None, name: str = "deltagare.csv", scenario_yaml: bytes | None = None, **data):
    """POST the form as a browser does: every choice sent, as the page filled it (the values of the
    scenario in `basis`), with the fields in `data` typed over them."""
    import nyttokalk

    basis = data.get("basis") or data.get("scenario") or "example"
    if basis in {n for n, _ in bundled()}:
        data = {**choices.defaults(nyttokalk.load(basis).scenario.model_dump(), data.get("lang", "sv")), **data}
    files = {}
    if people is not None:
        files["participants"] = (name, people, "text/csv")
    if scenario_yaml is not None:
        files["scenario_file"] = ("mitt-scenario.yaml", scenario_yaml, "application/yaml")
    data.setdefault("scenario", "example")
    data.setdefault("basis", data["scenario"])
    return c.post("/", data=data, files=files or None)


def method_case(c, **data):
    """The worked example of docs/method.md §7, uploaded: one participant and its scenario."""
    return post(c, METHOD_PERSON.encode(), "metod.csv", yaml.safe_dump(METHOD_SCENARIO).encode(), **data)


# ---- choices: the text a person types ------------------------------------------------------------


@pytest.mark.parametrize("text, unit, value", [
    ("2 500 000", "sek", 2_500_000.0),
    ("2\u00a0500\u00a0000 kr", "sek", 2_500_000.0),
    ("12,5", "sek", 12.5),
    ("12.5", "sek", 12.5),
    ("20 %", "percent", 0.2),  # a percent becomes the scenario's fraction: exactly the float 0.2 a YAML file gives
    ("33,3", "percent", 0.333),
    ("24", "months", 24),
    ("1: 6500; 3: 8000", "sek_month", {1: 6500.0, 3: 8000.0}),
])
def test_a_choice_is_read_as_a_person_writes_it(text, unit, value):
    assert choices.parse(text, choices.Field("k", unit), "form") == value


@pytest.mark.parametrize("text, unit, problem", [("tolv", "months", "inte ett tal"), ("12,5", "months", "väntade ett helt antal månader"),
                                                  ("1: x", "sek_month", "väntade belopp per hushållsstorlek som 1: 6500; 3: 8000")])
def test_a_choice_that_is_no_number_is_a_problem_naming_the_field(text, unit, problem):
    with pytest.raises(Exception) as info:
        choices.parse(text, choices.Field("period.horizon_months", unit), "formulär")
    p = info.value.problems[0]
    assert (p.file, p.column, p.value, p.problem) == ("formulär", "period.horizon_months", text, problem)


def test_only_changed_choices_become_scenario_keys():
    import nyttokalk

    basis = nyttokalk.load("example").scenario.model_dump()
    unchanged = choices.defaults(basis, "sv")
    assert unchanged["project.cost"] == "2 500 000" and unchanged["project.funding.kommun"] == "50"
    assert choices.changes(unchanged, basis) == {}
    assert choices.changes({**unchanged, "counterfactual.deadweight": "20"}, basis) == {"counterfactual.deadweight": 0.2}
    # one funding share changed: the whole group becomes the shares given (stat left empty pays nothing)
    shares = {**unchanged, "project.funding.kommun": "75", "project.funding.stat": ""}
    assert choices.changes(shares, basis) == {"project.funding": {"kommun": 0.75, "region": 0.25}}


# ---- the page and its figures --------------------------------------------------------------------


def test_the_page_is_swedish_by_default_with_an_english_switch(client):
    sv = client.get("/")
    assert sv.status_code == 200 and 'lang="sv"' in sv.text and ">Beräkna<" in sv.text and "Dödvikt" in sv.text
    assert 'href="/?lang=en' in sv.text
    en = client.get("/?lang=en")
    assert 'lang="en"' in en.text and ">Calculate<" in en.text and "Deadweight" in en.text
    # every bundled scenario can be chosen
    for name in ("example", "ramboll-2022", "malmokraften"):
        assert f'<option value="{name}"' in sv.text


def test_each_field_shows_the_chosen_scenarios_value_and_help(client):
    page = client.get("/?scenario=example").text
    assert 'name="period.horizon_months" value="12"' in page and "Scenariots värde: 12 mån." in page
    assert 'name="project.cost" value="2 500 000"' in page and "Scenariots värde: 2 500 000 kr." in page
    assert "Scenariots värde: Kommun 50 %, Region 25 %, Stat 25 %." in page
    assert "Andel av deltagarna som hade gjort samma övergång utan projektet" in page
    # the htmx swap for another scenario: its own values (ramboll-2022: no project cost, no funding)
    ramboll = client.get("/choices?scenario=ramboll-2022").text
    assert 'name="basis" value="ramboll-2022"' in ramboll and 'name="project.cost" value="0"' in ramboll
    assert 'name="project.funding.kommun" value=""' in ramboll and "Scenariots värde: inte satt." in ramboll


def test_the_worked_example_of_method_md_on_the_page(client):
    r = method_case(client)
    assert r.status_code == 200, r.text
    kommun = figures(r.text)["kommun"]
    # 131 384.16 kr after utjämning (webhelpers); its 25 000 kr covered in month 3 (10 948.68 kr a month: 2 months make 21 897.36)
    assert kommun["first_year"] == repr(METHOD_KOMMUN_FIRST_YEAR)
    assert kommun["cost"] == "25000.0" and kommun["payback"] == "3"
    assert "131\u202f384\u00a0kr" in r.text and "3\u00a0mån" in r.text  # no-break spaces: a figure never splits


def test_a_deadweight_typed_in_the_form_scales_the_effect(client):
    r = method_case(client, **{"counterfactual.deadweight": "20"})
    # a fifth would have moved anyway: 0.8 × 131 384.16 = 105 107.33
    assert figures(r.text)["kommun"]["first_year"] == "105107.33"
    assert re.search(r"Dödvikt: 0 % → <strong>20 %</strong>", r.text)


def test_the_figures_equal_nyttokalk_run_json_for_the_same_changes(client, tmp_path):
    typed = {"period.horizon_months": "24", "counterfactual.deadweight": "12,5", "forsorjningsstod.reasonable_costs": "7 000",
             "persistence.keep_job_probability": "40",
             "project.cost": "3 000 000", "project.funding.kommun": "60", "project.funding.region": "20", "project.funding.stat": "20"}
    r = post(client, EXAMPLE_PEOPLE.read_bytes(), "participants.csv", **typed)
    assert r.status_code == 200, r.text
    scenario = scenario_file(tmp_path, {"period.horizon_months": 24, "counterfactual.deadweight": 0.125, "forsorjningsstod.reasonable_costs": 7000,
                                        "persistence.keep_job_probability": 0.4,
                                        "project.cost": 3_000_000, "project.funding": {"kommun": 0.6, "region": 0.2, "stat": 0.2}})
    expected = expected_from_json(cli_json(EXAMPLE_PEOPLE, scenario))
    assert shown_subset(figures(r.text), expected) == expected
    assert list(figures(r.text)) == list(ALL)  # every actor, in the order of nyttokalk.actors


def test_without_a_file_the_page_uses_the_scenarios_own_participants(client, tmp_path):
    r = post(client, scenario="ramboll-2022")
    assert "ramboll-2022/participants.csv (medföljer nyttokalk)" in r.text
    ramboll = EXAMPLE_PEOPLE.parents[1] / "ramboll-2022"
    expected = expected_from_json(cli_json(ramboll / "participants.csv", scenario_file(tmp_path, {}, base=ramboll / "scenario.yaml")))
    assert shown_subset(figures(r.text), expected) == expected


def test_assumptions_and_warnings_are_shown(client):
    r = post(client, EXAMPLE_PEOPLE.read_bytes())
    assert '<ul id="assumptions">' in r.text
    assert "8 av 40 deltagare: wage saknas, scenariots lön (default) 21\u202f500 kr/mån används" in r.text
    # the example states no deadweight: the page says so, as every output must (issue 14)
    assert "effekten förutsätter att ingen hade gjort samma övergång utan projektet" in r.text


def test_the_result_in_english_uses_the_reports_labels(client):
    r = post(client, EXAMPLE_PEOPLE.read_bytes(), lang="en")
    assert "Municipality" in r.text and "Public sector" in r.text and ">Payback<" in r.text
    rid = re.search(r"/download/([\w-]+)/workbook", r.text).group(1)
    sv = client.get(f"/result/{rid}?lang=sv")
    assert "Kommun" in sv.text and "Offentlig sektor" in sv.text
    assert figures(sv.text) == figures(r.text)


def test_htmx_gets_only_the_results_and_the_choices(client):
    r = client.post("/", data={"scenario": "example", "basis": "example"}, headers={"HX-Request": "true"})
    assert r.text.lstrip().startswith('<section id="results"')
    assert 'hx-swap-oob="true"' in r.text and "<html" not in r.text


def test_actors_come_from_the_result_in_the_order_of_actors_all():
    fake = SimpleNamespace(first_year={"offentlig_sektor": 0, "pensionssystemet": 0, "kommun": 0, "individ": 0, "nytt": 0})
    # in the order of nyttokalk.actors.ALL; an actor it does not know yet appears, last
    assert actors_of(fake) == ["individ", "kommun", "pensionssystemet", "offentlig_sektor", "nytt"]


# ---- compare --------------------------------------------------------------------------------------


def test_two_scenarios_side_by_side_on_the_same_file(client):
    r = method_case(client, **{"counterfactual.deadweight": "20", "compare": "@original"})
    table = figures(r.text, "comparison")
    kommun = table["kommun"]  # rows of an actor: first year, horizon, payback; cells: with the change, without, difference
    # with 20 % deadweight 0.8 × 131 384.16 = 105 107.33; without 131 384.16; difference 0.2 × 131 384.16 = 26 276.83
    assert (kommun["0"], kommun["1"], kommun["2"]) == ("105107.33", repr(METHOD_KOMMUN_FIRST_YEAR), "26276.83")
    assert "counterfactual.deadweight" in r.text and "0.2" in r.text


def test_compare_with_another_bundled_scenario_lists_the_assumptions_that_differ(client):
    r = post(client, EXAMPLE_PEOPLE.read_bytes(), compare="ramboll-2022")
    assert '<table id="comparison"' in r.text and '<table id="differences">' in r.text
    assert "<code>project.cost</code></td><td>2500000.0</td><td>0.0</td>" in r.text
    assert "<code>project.funding.kommun</code></td><td>0.5</td><td>—</td>" in r.text


# ---- problems -------------------------------------------------------------------------------------


def test_input_problems_are_a_table_and_nothing_is_computed(client):
    pnr = "19121212-1212"  # Skatteverket's test personnummer (Luhn-valid)
    bad = f"id,before,after,age\n{pnr},forsorjningsstod,arbeet,30\nX2,forsorjningsstod,arbete,{pnr}\n".encode()
    r = post(client, bad, f"deltagare {pnr}.csv")
    assert r.status_code == 422
    rows = problem_table(r.text)
    # the same problems as the command line (file, row with the header as row 1, column, value, problem),
    # with the personnummer masked wherever it appears, the file by the name it was uploaded with
    assert ("deltagare <personnummer>.csv", "2", "after", "arbeet", "okänt tillstånd; menade du 'arbete'?") in rows
    assert any(r[:4] == ("deltagare <personnummer>.csv", "3", "age", "<personnummer>") for r in rows)
    assert pnr not in r.text and "19121212" not in r.text
    assert str(client.web.root) not in r.text and "/tmp/" not in r.text  # never the server's paths
    assert "deltagare &lt;personnummer&gt;.csv: 2 fel i deltagarfilen." in r.text  # the summary names the upload too
    assert "/download/" not in r.text and '<table id="summary"' not in r.text
    assert len(client.web.store) == 0


def test_a_choice_the_scenario_schema_refuses_is_a_problem_of_the_form(client):
    r = post(client, EXAMPLE_PEOPLE.read_bytes(), **{"project.funding.kommun": "70"})  # 70 + 25 + 25 = 120 %
    rows = problem_table(r.text)
    assert rows and rows[0][0] == "formulär" and rows[0][2] == "project.funding"
    assert "finansieringsandelarna ska summera till 1 (de summerar till 1,2)" in rows[0][4]
    assert problem_table(post(client, **{"period.horizon_months": "tolv"}).text) == [("formulär", "", "period.horizon_months", "tolv", "inte ett tal")]


def test_a_broken_scenario_upload_is_a_problem_of_the_file_by_its_own_name(client):
    r = post(client, scenario_yaml=b"title: x\nperiod:\n  horizon_months: [\n")
    rows = problem_table(r.text)
    assert rows and rows[0][0] == "mitt-scenario.yaml" and rows[0][1] == "4"  # the YAML line of the error
    assert str(client.web.root) not in r.text and "/tmp/" not in r.text
    rows = problem_table(post(client, scenario_yaml=b"period:\n  horizon_months: 0\n").text)
    assert rows == [("mitt-scenario.yaml", "2", "period.horizon_months", "0", "ska vara minst 1")]


def test_a_file_of_another_type_is_refused_before_anything_is_read(client):
    rows = problem_table(post(client, b"MZ\x90\x00", "program.exe").text)
    assert rows == [("program.exe", "", "", ".exe", "filtypen tas inte emot: ge en CSV-, XLSX- eller Parquet-fil")]


# ---- downloads ------------------------------------------------------------------------------------


def _download_links(html: str) -> dict[str, str]:
    return dict(re.findall(r'id="dl-([\w-]+)" href="([^"]+)"', html))


def test_downloads_workbook_and_csvs(client):
    import openpyxl

    r = method_case(client)
    links = _download_links(r.text)
    xlsx = client.get(links["workbook"].replace("&amp;", "&"))
    assert xlsx.status_code == 200
    # the uploaded scenario names itself after its file (mitt-scenario.yaml), never after the server's random name
    assert xlsx.headers["content-disposition"] == 'attachment; filename="nyttokalk-mitt-scenario.xlsx"'
    assert "Scenario: mitt-scenario – One participant, 2022 (method.md §7)" in r.text
    wb = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    ws = wb["Sammanfattning"]
    rows = {row[0]: row for row in ws.iter_rows(values_only=True) if row and row[0]}
    header = rows["Nyckeltal"]
    assert round(rows["Effekt första året"][header.index("Kommun")], 2) == METHOD_KOMMUN_FIRST_YEAR
    about = {row[0]: row[1] for row in wb["Om beräkningen"].iter_rows(values_only=True) if row and row[0]}
    assert about["Deltagarfil"] == "metod.csv"  # the name it was uploaded with, not the server's temporary path
    # the Swedish page's CSVs open in a Swedish Excel: a byte-order mark, semicolons, decimal comma, öre
    raw = client.get(links["participants"].replace("&amp;", "&")).content
    assert raw.startswith(b"\xef\xbb\xbf")
    people = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert [p["id"] for p in people] == ["R01"] and people[0]["kommun"] == "131384,16"  # METHOD_KOMMUN_FIRST_YEAR
    years = list(csv.reader(io.StringIO(client.get(links["per-actor-year"].replace("&amp;", "&")).content.decode("utf-8-sig")), delimiter=";"))
    assert years[0][:3] == ["År efter övergång", "Individ", "Kommun"] and "Kommun, diskonterad" in years[0]
    assert years[1][0] == "1" and years[1][2] == "131384,16"


def test_formula_injection_is_escaped_in_every_download(client):
    import openpyxl

    evil = '=HYPERLINK("http://example.invalid","x")'
    people = f'id,before,after,age,wage\n"{evil.replace(chr(34), chr(34) * 2)}",forsorjningsstod,arbete,30,21500\n'.encode()
    r = post(client, people, "deltagare.csv", scenario_yaml=yaml.safe_dump(METHOD_SCENARIO).encode())
    links = _download_links(r.text)
    text = client.get(links["participants"].replace("&amp;", "&")).content.decode("utf-8-sig")
    assert list(csv.DictReader(io.StringIO(text), delimiter=";"))[0]["id"] == "'" + evil
    wb = openpyxl.load_workbook(io.BytesIO(client.get(links["workbook"].replace("&amp;", "&")).content))
    cells = [c for row in wb["Per deltagare"].iter_rows() for c in row if c.value == evil]
    assert cells and all(c.data_type == "s" for c in cells)  # text, never a formula


def test_personnummer_are_pseudonymised_as_on_the_command_line(client):
    pnrs = ["19121212-1212", "198112189876"]  # Luhn-valid test numbers
    people = "id,before,after,age,wage\n" + "".join(f"{p},forsorjningsstod,arbete,30,21500\n" for p in pnrs)
    r = post(client, people.encode(), scenario_yaml=yaml.safe_dump(METHOD_SCENARIO).encode())
    assert "Id-kolumnen innehåller personnummer" in r.text
    text = client.get(_download_links(r.text)["participants"].replace("&amp;", "&")).content.decode("utf-8-sig")
    ids = [row["id"] for row in csv.DictReader(io.StringIO(text), delimiter=";")]
    assert len(set(ids)) == 2 and not any(p.replace("-", "")[-10:] in i.replace("-", "") for p in pnrs for i in ids)


def test_a_result_belongs_to_the_browser_that_computed_it(client):
    r = method_case(client)
    links = _download_links(r.text)
    rid = re.search(r"/download/([\w-]+)/", links["workbook"]).group(1)
    with TestClient(client.app, base_url=LOCAL) as other:  # another browser: another session cookie
        assert other.get(f"/result/{rid}").status_code == 404
        assert other.get(links["workbook"].replace("&amp;", "&")).status_code == 404
    assert client.get(f"/result/{rid}").status_code == 200
    assert client.get(f"/download/{rid}/..%2F..%2Fetc%2Fpasswd").status_code == 404


def test_results_expire():
    now = [0.0]
    store = Store(ttl=60, limit=2, clock=lambda: now[0])
    a = store.put("s1", "A")
    assert store.get("s1", a) == "A" and store.get("s2", a) is None
    now[0] = 61
    assert store.get("s1", a) is None
    keys = [store.put("s1", x) for x in "BCD"]  # at most two kept: the oldest goes
    assert store.get("s1", keys[0]) is None and store.get("s1", keys[2]) == "D"
    heavy = Store(ttl=60, limit=10, budget=100)  # at most 100 participants kept together
    first, second = heavy.put("s", "E", weight=60), heavy.put("s", "F", weight=60)
    assert heavy.get("s", first) is None and heavy.get("s", second) == "F"
    alone = heavy.put("s", "G", weight=500)  # over the budget alone: the newest is kept all the same
    assert heavy.get("s", alone) == "G" and len(heavy) == 1


# ---- safe by default ------------------------------------------------------------------------------


def test_uploads_live_in_a_private_folder_under_a_random_name_and_are_removed(client, monkeypatch):
    from nyttokalk.web import flow

    seen = {}
    real = flow.compute

    def spy(sub):
        path = sub.participants.path
        seen.update(path=path, exists=path.exists(), folder_mode=stat.S_IMODE(path.parent.stat().st_mode),
                    root_mode=stat.S_IMODE(path.parent.parent.stat().st_mode))
        return real(sub)

    monkeypatch.setattr(flow, "compute", spy)
    r = post(client, EXAMPLE_PEOPLE.read_bytes(), "../../Anna Andersson.CSV")
    assert r.status_code == 200
    path = seen["path"]
    assert seen["exists"] and seen["folder_mode"] == 0o700 and seen["root_mode"] == 0o700
    assert path.parent.parent == client.web.root and re.fullmatch(r"[0-9a-f]{24}\.csv", path.name)
    assert not path.exists() and not path.parent.exists()  # removed when the run was done
    assert list(client.web.root.iterdir()) == []
    assert "Anna Andersson.CSV" in r.text  # shown by the name it was given (escaped), never used as a path


def test_no_user_input_is_used_as_a_path(client, tmp_path):
    secret = tmp_path / "secret.yaml"
    secret.write_text("title: secret\n", encoding="utf-8")
    for field in ("scenario", "compare"):
        rows = problem_table(post(client, **{field: str(secret), "scenario": str(secret) if field == "scenario" else "example"}).text)
        assert rows[0][2] == field and rows[0][4] == "inget sådant medföljande scenario"
    # an uploaded scenario's participants key is not read: the page uses the bundled example's participants
    own_data = yaml.safe_load(EXAMPLE_SCENARIO.read_text(encoding="utf-8"))
    own = yaml.safe_dump({**own_data, "participants": str(EXAMPLE_PEOPLE.parent.parent / "ramboll-2022" / "participants.csv")})
    r = post(client, scenario_yaml=own.encode())
    assert "example/participants.csv (medföljer nyttokalk)" in r.text
    assert figures(r.text)["kommun"] and "40 deltagare" in r.text


def test_security_headers():
    with TestClient(create_app(), base_url=LOCAL) as c:
        r = c.get("/")
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "default-src 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff" and r.headers["cache-control"] == "no-store"
    session = r.headers["set-cookie"]
    assert "HttpOnly" in session and "SameSite=Strict" in session


def test_a_local_server_answers_only_requests_for_localhost():
    app = create_app()
    with TestClient(app, base_url="http://attacker.example") as c:  # DNS rebinding: a foreign name for 127.0.0.1
        assert c.get("/").status_code == 400
    for base in (LOCAL, "http://localhost:8000", "http://[::1]:8000"):
        with TestClient(app, base_url=base) as c:
            assert c.get("/").status_code == 200


def test_with_a_token_every_request_needs_it():
    app = create_app(token=TOKEN, local_only=False)
    with TestClient(app, base_url="http://nyttokalk.example.org") as c:
        r = c.get("/", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login")
        assert c.post("/", data={"scenario": "example"}).status_code == 401
        assert c.get("/static/style.css").status_code == 200  # the login page's style
        wrong = c.post("/login", data={"token": "wrong"})
        assert wrong.status_code == 401 and "Fel nyckel." in wrong.text
        ok = c.post("/login", data={"token": TOKEN}, follow_redirects=False)
        assert ok.status_code == 303
        cookie = ok.headers["set-cookie"]
        assert cookie.startswith(AUTH_COOKIE + "=") and "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
        assert TOKEN not in cookie  # an HMAC of the token, not the token
        assert c.get("/").status_code == 200
    with TestClient(app, base_url="http://nyttokalk.example.org") as api_client:
        assert api_client.get("/", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
        assert api_client.get("/", headers={"Authorization": "Bearer nope"}, follow_redirects=False).status_code == 303


def test_the_upload_limit_is_50_mb_with_a_clear_message():
    assert MAX_UPLOAD_BYTES == 50 * 1024 * 1024
    app = create_app(max_upload_bytes=1024 * 1024)  # the same guard with a 1 MB limit, to keep the test small
    with TestClient(app, base_url=LOCAL) as c:
        big = b"id,before,after\n" + b"X,forsorjningsstod,arbete\n" * 60_000  # 1.5 MB
        r = c.post("/", data={"scenario": "example"}, files={"participants": ("stor.csv", big, "text/csv")})
        assert r.status_code == 413 and "Filen är för stor" in r.text and "högst 1 MB" in r.text
        # a body sent without a length is counted as it arrives
        chunked = c.post("/", content=(big[i:i + 65536] for i in range(0, len(big), 65536)),
                         headers={"content-type": "multipart/form-data; boundary=x"})
        assert chunked.status_code == 413
        assert list(app.state.web.root.iterdir()) == []


# ---- the command -----------------------------------------------------------------------------------


def test_serve_refuses_a_non_local_host_without_a_token(monkeypatch):
    monkeypatch.delenv("NYTTOKALK_TOKEN", raising=False)
    r = CliRunner().invoke(cli_app, ["serve", "--host", "0.0.0.0"])
    assert r.exit_code == 2
    assert "--token" in r.output and "NYTTOKALK_TOKEN" in r.output


def test_serve_refuses_a_short_token(monkeypatch):
    r = CliRunner().invoke(cli_app, ["serve", "--host", "0.0.0.0"], env={"NYTTOKALK_TOKEN": "short"})
    assert r.exit_code == 2 and "minst 16 tecken" in r.output


def test_serve_without_the_web_extra_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "fastapi", None)  # as if fastapi were not installed
    r = CliRunner().invoke(cli_app, ["serve"])
    assert r.exit_code == 2 and "pip install 'nyttokalk[web]'" in r.output and "fastapi" in r.output


def test_serve_says_when_the_port_is_taken():
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        r = CliRunner().invoke(cli_app, ["serve", "--port", str(port)])
    assert r.exit_code == 2 and "porten används redan" in r.output


def test_the_page_needs_no_internet():
    page = (Path(__file__).parents[1] / "src" / "nyttokalk" / "web" / "templates")
    text = "".join(p.read_text(encoding="utf-8") for p in page.glob("*.html"))
    assert not re.search(r"(src|href)=\"(https?:)?//", text)  # every script and style is served by the page itself
    assert os.path.getsize(Path(__file__).parents[1] / "src" / "nyttokalk" / "web" / "static" / "htmx.min.js") > 40_000


def test_utjamning_can_be_switched_off_in_the_form_and_the_page_shows_both(client, tmp_path):
    """With utjämning (the default) the page shows the kommun before and after it; switched off in the
    form, the kommun keeps all of its tax: method.md 7.8, 12 × 10 750 + 47 850.76 = 176 850.76."""
    on = method_case(client)
    eq = figures(on.text, "equalisation")["kommun"]
    # before 176 850.76, after 131 384.16 (webhelpers), moved −45 466.60 (19.64 % × BFI 231 500)
    assert (eq["0"], eq["1"], eq["2"]) == ("176850.76", repr(METHOD_KOMMUN_FIRST_YEAR), "-45466.6")
    assert 'id="society"' in on.text and "Produktionsvärde till marknadspris" in on.text
    off = method_case(client, **{"equalisation.enabled": "nej"})
    assert figures(off.text)["kommun"]["first_year"] == "176850.76"
    assert 'id="equalisation"' not in off.text
    assert "Kommunalekonomisk utjämning: ja → <strong>nej</strong>" in off.text
