"""Follow-up and the strategy document in Chromium, on the demo workspace: the document downloaded
as PDF (read back by pypdf) and as HTML, a goal measurement added through the form (and a value
that is not a number refused), and one measured value edited in the (canvas) data editor and saved."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from crmstrategy.implementation.follow_up import goal_measurements
from crmstrategy.strategy.goals import list_goals
from crmstrategy.workspace.document_layout import SECTIONS
from crmstrategy.workspace.workspace_file import import_workspace, load_demo_document
from tests.browser.conftest import (
    by_key,
    click_option,
    new_page,
    no_exception,
    own_server,
    read_in,
    screenshot,
    settle,
    table,
    type_cell,
)

pytestmark = pytest.mark.browser

DEMO_NAME = "Demo: Nordvik Rørhandel"
CHURN = "Installer churn per year"


def _setup(session) -> dict:
    ws = import_workspace(session=session, document=load_demo_document())
    assert ws.name == DEMO_NAME
    return {"ws": ws.id}


def _settle(page) -> None:
    """settle, after waiting generously for a run on a busy machine (the demo's pages draw charts)."""
    page.wait_for_timeout(250)
    expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning", timeout=90_000)
    settle(page)


def _open(page, url: str) -> None:
    page.goto(url, timeout=60_000)
    _settle(page)
    no_exception(page)


def _goal_id(env, metric: str) -> int:
    return next(g.id for g in read_in(env, list_goals) if g.metric == metric)


def _values(env, goal_id: int) -> dict[date, float]:
    return {m.measured_on: m.value for m in read_in(env, goal_measurements).get(goal_id, [])}


def _outline_titles(outline) -> list[str]:
    titles = []
    for entry in outline:
        if isinstance(entry, list):
            titles += _outline_titles(entry)
        else:
            titles.append(entry.title)
    return titles


def _pick(page, key: str, option: str) -> None:
    """Type into a selectbox in a form and click the option (Escape would undo the choice)."""
    click_option(page, by_key(page, key, "input"), option)


def test_strategy_document_downloads_as_pdf_and_html(browser, tmp_path):
    with own_server(tmp_path, _setup) as env:
        page = new_page(browser)
        _open(page, f"{env.url}/document?ws={env.ws}")
        screenshot(page, "document")
        # The PDF is built on the click (charts drawn in a process of their own): allow it time.
        with page.expect_download(timeout=60_000) as pdf_download:
            by_key(page, "document_pdf", "button").click()
        download = pdf_download.value
        assert download.suggested_filename == "demo-nordvik-rorhandel-strategy-2026-12-01.pdf"
        reader = PdfReader(io.BytesIO(download.path().read_bytes()))
        assert len(reader.pages) > 1
        titles = _outline_titles(reader.outline)
        missing = [section for section in SECTIONS if not any(section in title for title in titles)]
        assert not missing, f"sections without a bookmark: {missing}; bookmarks: {titles}"
        text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
        for expected in (DEMO_NAME, CHURN, "Off track"):
            assert expected in text

        with page.expect_download(timeout=60_000) as html_download:
            by_key(page, "document_html", "button").click()
        assert html_download.value.suggested_filename == "demo-nordvik-rorhandel-strategy-2026-12-01.html"
        html = html_download.value.path().read_bytes().decode("utf-8")
        assert html.startswith("<!DOCTYPE html>")
        assert DEMO_NAME in html
        no_exception(page)


def test_add_a_goal_measurement_and_refuse_one_that_is_not_a_number(browser, tmp_path):
    with own_server(tmp_path, _setup) as env:
        churn = _goal_id(env, CHURN)
        before = _values(env, churn)
        assert date(2026, 11, 15) not in before  # the demo measures on month ends only
        page = new_page(browser)
        _open(page, f"{env.url}/follow_up?ws={env.ws}")
        page.get_by_role("tab", name="Add a measurement").click()
        # The date input is a field of year, month and day segments; it loads lazily.
        year = by_key(page, "measurement_new_date", "[data-type=year]")
        expect(year).to_be_visible(timeout=20_000)
        _pick(page, "measurement_new_what", f"Goal: {CHURN}")
        expect(by_key(page, "measurement_new_what", "input")).to_have_value(f"Goal: {CHURN}")
        by_key(page, "measurement_new_value", "input").fill("14.2")
        by_key(page, "measurement_new_note", "input").fill("Mid-month check – æøå")
        year.click()
        page.keyboard.type("20261115")  # each segment moves on to the next when full
        expect(by_key(page, "measurement_new_date", "[data-type=month]")).to_have_text("11")
        expect(by_key(page, "measurement_new_date", "[data-type=day]")).to_have_text("15")
        by_key(page, "measurement_new_submit", "button").click()
        _settle(page)
        expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("Added 14.2 on 2026-11-15.")
        after = _values(env, churn)
        assert after == before | {date(2026, 11, 15): 14.2}
        added = next(m for m in read_in(env, goal_measurements)[churn] if m.measured_on == date(2026, 11, 15))
        assert added.note == "Mid-month check – æøå"
        screenshot(page, "follow-up-added")

        page.get_by_role("tab", name="Add a measurement").click()
        expect(by_key(page, "measurement_new_what", "input")).to_have_value(f"Goal: {CHURN}")
        by_key(page, "measurement_new_value", "input").fill("abc")
        year.click()
        page.keyboard.type("20261116")
        expect(by_key(page, "measurement_new_date", "[data-type=day]")).to_have_text("16")
        by_key(page, "measurement_new_submit", "button").click()
        _settle(page)
        expect(page.get_by_test_id("stAlertContentError")).to_contain_text("must be a number")
        expect(page.get_by_test_id("stAlertContentSuccess")).to_have_count(0)
        assert _values(env, churn) == after
        screenshot(page, "follow-up-refused")
        no_exception(page)


def test_the_form_is_emptied_for_the_next_measurement(browser, tmp_path):
    with own_server(tmp_path, _setup) as env:
        churn = _goal_id(env, CHURN)
        before = _values(env, churn)
        page = new_page(browser)
        _open(page, f"{env.url}/follow_up?ws={env.ws}")
        page.get_by_role("tab", name="Add a measurement").click()
        year = by_key(page, "measurement_new_date", "[data-type=year]")
        expect(year).to_be_visible(timeout=20_000)
        _pick(page, "measurement_new_what", f"Goal: {CHURN}")
        by_key(page, "measurement_new_value", "input").fill("14.2")
        by_key(page, "measurement_new_note", "input").fill("Mid-month check")
        year.click()
        page.keyboard.type("20261115")
        expect(by_key(page, "measurement_new_date", "[data-type=day]")).to_have_text("15")
        by_key(page, "measurement_new_submit", "button").click()
        _settle(page)
        expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("Added 14.2 on 2026-11-15.")
        assert _values(env, churn) == before | {date(2026, 11, 15): 14.2}

        page.get_by_role("tab", name="Add a measurement").click()
        expect(by_key(page, "measurement_new_value", "input")).to_have_value("")
        expect(by_key(page, "measurement_new_note", "input")).to_have_value("")
        # Submitting again with only another date must not add the previous value once more.
        year.click()
        page.keyboard.type("20261116")
        expect(by_key(page, "measurement_new_date", "[data-type=day]")).to_have_text("16")
        by_key(page, "measurement_new_submit", "button").click()
        _settle(page)
        expect(page.get_by_test_id("stAlertContentError")).to_contain_text("Value is required")
        assert _values(env, churn) == before | {date(2026, 11, 15): 14.2}


def test_edit_one_measured_value_in_the_table_and_save(browser, tmp_path):
    with own_server(tmp_path, _setup) as env:
        churn = _goal_id(env, CHURN)
        before = _values(env, churn)
        latest = max(before)
        assert (latest, before[latest]) == (date(2026, 11, 30), 14.7)
        page = new_page(browser)
        _open(page, f"{env.url}/follow_up?ws={env.ws}")
        # The goal most off track is shown first: the demo's installer churn.
        expect(by_key(page, "follow_goal", "input")).to_have_value(f"{CHURN} · Off track")
        prefix = f"follow_values_{env.ws}_{churn}_v"
        grid = table(page, prefix)
        # The values are listed newest first.
        expect(grid.locator("table tbody tr").first).to_contain_text("2026-11-3014.7Erik Solberg")
        type_cell(page, prefix, 0, 1, "14.5", expect_value=re.compile(r"^14\.7"))  # first row (newest), Value
        _settle(page)
        screenshot(page, "follow-up-value-edited")
        expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text(
            f"Saved {len(before)} values of '{CHURN}'."
        )
        assert _values(env, churn) == before | {latest: 14.5}
        screenshot(page, "follow-up-saved")
        no_exception(page)
