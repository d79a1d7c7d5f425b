"""The web page in a real browser: headless Chromium from Debian's `chromium` package
(/usr/bin/chromium, installed by .ci/run; never a browser build of Playwright's own), driven by
Playwright, against `nyttokalk serve` started in a subprocess on a free localhost port. One
browser and one server for the module; each test has its own browser context (its own cookies).

The screenshots of the user guide (docs/images/web-*.png) are made here: run with
NYTTOKALK_SCREENSHOTS=1 to write them there; otherwise they go to a temporary folder.
"""

from __future__ import annotations

import csv
import os
import re
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]

pytest.importorskip("fastapi", reason="the web page needs the extra [web]: pip install '.[webtest]'")
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed: pip install '.[webtest]'")
pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="no /usr/bin/chromium: apt-get install chromium (as .ci/run does)")]

from webhelpers import (EXAMPLE_PEOPLE, cli_json, expected_from_json, figures, problem_table, scenario_file,  # noqa: E402
                        serve, shown_subset)

DOCS_IMAGES = Path(__file__).resolve().parents[1] / "docs" / "images"


@pytest.fixture(scope="module")
def server():
    with serve() as (url, _):
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser, server):
    context = browser.new_context(viewport={"width": 1200, "height": 900}, accept_downloads=True, locale="sv-SE")
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    pg.goto(server + "/")
    yield pg
    context.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    return DOCS_IMAGES if os.environ.get("NYTTOKALK_SCREENSHOTS") else tmp_path_factory.mktemp("screenshots")


def field(pg, key: str):
    return pg.locator(f"input[name='{key}']")


def calculate(pg, wait_for: str = "#summary") -> None:
    pg.click("#submit")
    pg.wait_for_selector(wait_for)


def test_the_page_is_swedish_with_an_english_switch(page, shots):
    assert page.locator("h1").inner_text() == "nyttokalk"
    assert page.locator("#submit").inner_text() == "Beräkna"
    assert page.locator("legend").first.inner_text() == "1. Deltagare"
    page.screenshot(path=str(shots / "web-formular.png"))
    page.click("text=English")
    assert page.locator("#submit").inner_text() == "Calculate"
    assert "Deadweight" in page.locator("#choices").inner_text()


def test_upload_the_example_change_choices_and_see_the_figures_of_the_command_line(page, shots, tmp_path):
    page.set_input_files("#participants", str(EXAMPLE_PEOPLE))
    field(page, "period.horizon_months").fill("24")
    field(page, "counterfactual.deadweight").fill("20")
    field(page, "persistence.keep_job_probability").fill("50")  # needed: subsidised jobs end inside 24 months
    calculate(page)
    shown = figures(page.content())
    cli = cli_json(EXAMPLE_PEOPLE, scenario_file(tmp_path, {"period.horizon_months": 24, "counterfactual.deadweight": 0.2,
                                                            "persistence.keep_job_probability": 0.5}))
    expected = expected_from_json(cli)
    assert shown_subset(shown, expected) == expected
    assert "Dödvikt: 0 % → 20 %" in page.locator("#changed").inner_text()
    assert page.locator("#chart polyline").count() == len(expected)  # one line per actor
    page.screenshot(path=str(shots / "web-resultat.png"), full_page=True)
    # change a choice again without choosing the file again: htmx sends the same form, file and all
    field(page, "counterfactual.deadweight").fill("30")
    page.click("#submit")
    sync_api.expect(page.locator("#changed")).to_contain_text("30 %")  # (the page's CSP allows no string eval: locators only)
    again = figures(page.content())
    # the effect after deadweight is (1 − deadweight) × the naive effect: 0.7 / 0.8 of the figure at 20 %
    for actor in ("kommun", "offentlig_sektor"):
        assert abs(float(again[actor]["first_year"]) - float(shown[actor]["first_year"]) * 0.7 / 0.8) <= 0.01
    # the same result in English, with the reports' labels
    page.click("text=English")
    page.wait_for_selector("text=Public sector")
    assert figures(page.content()) == again


def test_download_the_workbook_and_open_it(page, tmp_path):
    import openpyxl

    calculate(page)  # the scenario's own participants: the bundled example
    kommun = float(figures(page.content())["kommun"]["first_year"])
    with page.expect_download() as info:
        page.click("#dl-workbook")
    assert info.value.suggested_filename == "nyttokalk-example.xlsx"
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    wb = openpyxl.load_workbook(saved)
    assert wb.sheetnames[:3] == ["Sammanfattning", "Per aktör och år", "Per deltagare"]
    rows = {row[0]: row for row in wb["Sammanfattning"].iter_rows(values_only=True) if row and row[0]}
    assert round(rows["Effekt första året"][rows["Nyckeltal"].index("Kommun")], 2) == kommun
    with page.expect_download() as info:
        page.click("#dl-participants")
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    with saved.open(encoding="utf-8-sig") as fh:  # the Swedish page: the Swedish Excel dialect
        people = list(csv.DictReader(fh, delimiter=";"))
    assert len(people) == 40 and people[0]["id"] == "EX001"


def test_a_bad_file_shows_the_problem_table_and_nothing_else(page, shots, tmp_path):
    bad = tmp_path / "deltagare.csv"
    bad.write_text("id,before,after,age,wage\nA1,forsorjningsstod,arbeet,30,21500\nA2,forsörjningsstöd,arbete,tjugo,21500\n", encoding="utf-8")
    page.set_input_files("#participants", str(bad))
    calculate(page, "#problems")
    rows = problem_table(page.content())
    assert ("deltagare.csv", "2", "after", "arbeet", "okänt tillstånd; menade du 'arbete'?") in rows
    assert any(r[1:4] == ("3", "age", "tjugo") for r in rows)
    assert page.locator("#summary").count() == 0 and page.locator("#dl-workbook").count() == 0
    assert "deltagare.csv: 2 fel i deltagarfilen" in page.locator("#results").inner_text() and "/tmp/" not in page.content()
    page.locator("#results").screenshot(path=str(shots / "web-fel.png"))


def test_compare_with_the_scenario_without_the_changes(page, shots):
    field(page, "counterfactual.deadweight").fill("20")
    page.select_option("#compare", "@original")
    calculate(page, "#comparison")
    table = figures(page.content(), "comparison")
    with_change, without = float(table["kommun"]["0"]), float(table["kommun"]["1"])
    assert abs(with_change - 0.8 * without) <= 0.01  # 20 % deadweight: 0.8 × the figure without it
    assert "counterfactual.deadweight" in page.locator("#differences").inner_text()
    page.locator("#results").screenshot(path=str(shots / "web-jamforelse.png"))


def test_another_scenario_shows_its_own_values(page):
    assert field(page, "project.cost").input_value() == "2 500 000"
    page.select_option("#scenario", "ramboll-2022")  # htmx fetches the scenario's choices
    sync_api.expect(field(page, "project.cost")).to_have_value("0")
    assert field(page, "project.funding.kommun").input_value() == ""
    calculate(page)
    assert "ramboll-2022" in page.locator("#results .meta").inner_text()


def test_a_file_over_the_limit_gets_a_clear_message(page, tmp_path):
    from nyttokalk.web import MAX_UPLOAD_BYTES

    big = tmp_path / "stor.csv"
    with big.open("wb") as fh:
        fh.truncate(MAX_UPLOAD_BYTES + 1)
    page.set_input_files("#participants", str(big))
    calculate(page, "text=Filen är för stor")
    assert re.search(r"högst 50 MB", page.locator("#results").inner_text())
