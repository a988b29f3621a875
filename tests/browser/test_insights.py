"""Capturing insights in a workshop: three notes in a row, found again by segment after a reload."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import by_key, choose, goto, no_exception, screenshot, settle

pytestmark = pytest.mark.browser


def test_three_insights_in_a_row_found_by_segment_after_reload(server, page):
    goto(page, server + "/insights?ws=1")
    choose(page, "insight_segments", "Facility managers")
    choose(page, "insight_source", "Customer service")
    notes = [
        "Technicians buy at the nearest shop when the order portal is down.",
        "«Vi trenger FDV-dokumentasjonen samtidig med varene.»",
        "Municipal buyers ask for one invoice per building <each month>.",
    ]
    for note in notes:
        by_key(page, "insight_text", "textarea").fill(note)
        by_key(page, "insight_submit", "button").click()
        settle(page)
        expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("Saved insight #")
        expect(by_key(page, "insight_text", "textarea")).to_have_value("")
        # segment and source stay for the next note
        expect(by_key(page, "insight_segments")).to_contain_text("Facility managers")
        expect(by_key(page, "insight_source", "input")).to_have_value("Customer service")
    no_exception(page)

    page.reload()
    settle(page)
    choose(page, "insights_filter_segment", "Facility managers")
    settle(page)
    table = page.get_by_test_id("stDataFrame").first.locator("table")
    for note in notes:
        expect(table).to_contain_text(note)
    expect(table).not_to_contain_text("pick-up code")  # a note about another segment is filtered out
    screenshot(page, "insights-filtered")
    no_exception(page)
