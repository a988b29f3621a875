"""The customer promise in Chromium: two versions saved through the composer, compared word by
word, the checks following the text, the PDF card downloaded and read, and present mode."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from crmstrategy.analysis.personas import create_persona
from crmstrategy.analysis.segments import create_segment
from crmstrategy.strategy.promise import list_versions
from crmstrategy.workspace.workspaces import create_workspace
from tests.browser.conftest import by_key, goto, new_page, no_exception, own_server, read_in, screenshot, settle

pytestmark = pytest.mark.browser

FIRST = "We are the leading partner with world-class solutions for <b>every</b> [installer](x) :red[now]."
SECOND = "Parts in stock when the job needs them, and invoices that match every job."


def _setup(session) -> dict:
    ws = create_workspace(session=session, data={"name": "Rørlegger Øst"}).id
    segment = create_segment(
        session=session,
        workspace_id=ws,
        data={"name": "Installers", "priority": "Primary target", "priority_rationale": "Our core."},
    ).id
    create_persona(
        session=session,
        workspace_id=ws,
        data={
            "name": "Kjetil",
            "segment_id": segment,
            "needs": "Parts in stock at the counter; clear delivery times.",
            "pains": "Invoices he cannot match to jobs; waiting for parts.",
        },
    )
    return {"ws": ws}


def _type(page, key: str, text: str, widget: str = "textarea") -> None:
    field = by_key(page, key, widget)
    field.fill(text)
    field.press("Control+Enter" if widget == "textarea" else "Enter")
    settle(page)


def _save(page) -> None:
    by_key(page, "promise_save", "button").click()
    settle(page)


def test_two_versions_saved_and_compared(browser, tmp_path):
    with own_server(tmp_path, _setup) as env:
        page = new_page(browser)
        goto(page, f"{env.url}/promise?ws={env.ws}")
        expect(page.get_by_text("No promise yet.")).to_be_visible()
        _type(page, "promise_delivers", "Parts in stock, on site when the job needs them.")
        _type(page, "promise_value", "Installers spend the day earning, not chasing parts.")
        _type(page, "promise_perceived", "The installer's easiest supplier.")
        _type(page, "promise_text", FIRST)
        buzzwords = by_key(page, "promise_check_buzzwords")
        expect(buzzwords).to_contain_text("Found 'leading', 'world-class', 'solutions'")
        _type(page, "promise_author", "Hanne Lie", "input")
        _save(page)
        expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("Saved version 1 as the current promise.")

        _type(page, "promise_text", SECOND)
        expect(buzzwords).to_contain_text("None of the workspace's")
        expect(by_key(page, "promise_check_needs")).to_contain_text("It touches")
        _type(page, "promise_note", "Said what installers get.", "input")
        _save(page)
        expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("Saved version 2")
        versions = read_in(env, list_versions)
        assert [(v.number, v.text, v.author, v.is_current) for v in versions] == [
            (1, FIRST, "Hanne Lie", True),
            (2, SECOND, "Hanne Lie", False),
        ]

        page.get_by_role("tab", name="Compare").click()
        settle(page)
        left, right = by_key(page, "promise_compare_removed"), by_key(page, "promise_compare_added")
        expect(left).to_contain_text("Version 1")
        expect(right).to_contain_text("Version 2")
        # Words only in version 1 are struck through on the left; those only in version 2 are marked on the right.
        struck = " ".join(left.locator("del").all_inner_texts())
        assert "leading" in struck and "world-class" in struck and "Parts" not in struck
        marked = " ".join(right.locator("span[style*='background']").all_inner_texts())
        assert "Parts in stock" in marked and "leading" not in marked
        # User text is literal: the tag is shown, not rendered.
        expect(left).to_contain_text("<b>every</b> [installer](x) :red[now].")
        expect(left.locator("b", has_text="every")).to_have_count(0)
        expect(left.locator("a", has_text="installer")).to_have_count(0)  # the heading's own anchor aside
        expect(left.locator("a[href='x']")).to_have_count(0)
        screenshot(page, "promise-compare")
        no_exception(page)


def test_current_promise_card_downloads_and_present_mode(browser, tmp_path):
    with own_server(tmp_path, _setup) as env:
        page = new_page(browser)
        goto(page, f"{env.url}/promise?ws={env.ws}")
        _type(page, "promise_text", "Delen du trenger, på lager når jobben krever det – æøå ÆØÅ.")
        _type(page, "promise_author", "Åse", "input")
        _save(page)
        with page.expect_download() as download_info:
            by_key(page, "promise_current_pdf", "button").click()
        download = download_info.value
        assert download.suggested_filename == "rorlegger-ost-customer-promise-v1-2026-12-01.pdf"
        reader = PdfReader(io.BytesIO(download.path().read_bytes()))
        assert len(reader.pages) == 1
        text = re.sub(r"\s+", " ", reader.pages[0].extract_text())
        assert "Delen du trenger, på lager når jobben krever det – æøå ÆØÅ." in text
        assert "Rørlegger Øst" in text and "Version 1" in text and "Åse" in text

        page.get_by_role("link", name="Present it on the projector").click()
        settle(page)
        assert f"ws={env.ws}" in page.url
        expect(page.locator("h1").first).to_have_text("Delen du trenger, på lager når jobben krever det – æøå ÆØÅ.")
        screenshot(page, "promise-present")
        no_exception(page)
