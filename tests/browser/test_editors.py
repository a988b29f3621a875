"""A first row typed into each empty data editor that accepts new rows, with every kind of column
filled, is saved: read back through the services with exact values. Against servers of their own,
on databases prepared through the services, so the workspace starts with empty tables."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from crmstrategy.segments import create_segment
from crmstrategy.strengths import add_factor, list_factors, segment_factors
from crmstrategy.workspaces import create_workspace
from tests.browser.conftest import by_key, goto, new_page, no_exception, own_server, read_in, settle

pytestmark = pytest.mark.browser


def _grid(page: Page, key: str):
    grid = by_key(page, key)
    grid.scroll_into_view_if_needed()
    expect(grid.locator("canvas").first).to_be_visible()
    return grid


def start_first_row(page: Page, key: str) -> None:
    """Click the empty grid's trailing "add" row: it appends a row and opens its first cell's editor."""
    grid = _grid(page, key)
    box = grid.bounding_box()
    grid.click(position={"x": 60, "y": box["height"] / 2 * 1.5})  # header, then the "add" row
    settle(page)  # adding the row reruns the app once


def type_in_cell(page: Page, value: str, *, open_editor: bool = True, then: str = "Tab") -> None:
    """Type `value` into the selected cell (opening its editor first unless it is open) and commit
    it: with Tab, which moves the selection one column right, or with Enter (one row down)."""
    if open_editor:
        page.keyboard.press("Enter")
    expect(page.get_by_test_id("portal").locator("input, textarea").first).to_be_visible()
    page.keyboard.type(value)
    page.keyboard.press(then)
    settle(page)


def _one_segment(session) -> dict:
    ws = create_workspace(session=session, data={"name": "Empty tables"}, with_defaults=False)
    segment = create_segment(session=session, workspace_id=ws.id, data={"name": "Installers"})
    add_factor(session=session, workspace_id=ws.id, data={"name": "Stock availability"})
    return {"ws": ws.id, "segment": segment.id}


def test_a_first_key_factor_from_the_library_is_saved_on_a_segment_that_has_none(browser, tmp_path):
    with own_server(tmp_path, _one_segment) as env:
        page = new_page(browser)
        goto(page, f"{env.url}/strengths?ws={env.ws}")
        start_first_row(page, f"strength_factors_{env.segment}_0")
        type_in_cell(page, "Stock availability", open_editor=False)
        type_in_cell(page, "35")
        page.keyboard.press("Tab")  # past the share, which is computed
        type_in_cell(page, "4", then="Enter")
        by_key(page, "strength_factors_save", "button").click()
        settle(page)
        no_exception(page)
        expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("Saved 1 key factor for Installers.")
        saved = read_in(env, segment_factors, segment_id=env.segment)
        assert [(f.factor, f.weight, f.competitor_strength) for f in saved] == [("Stock availability", 35.0, 4)]
        assert [f.name for f in read_in(env, list_factors)] == ["Stock availability"]
        page.context.close()
