"""A first row typed into each empty data editor that accepts new rows, with every kind of column
filled, is saved: read back through the services with exact values. Against servers of their own,
on databases prepared through the services, so the workspace starts with empty tables."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from crmstrategy.segments import create_segment
from crmstrategy.strengths import STARTER_FACTORS, add_factor, list_factors, segment_factors
from crmstrategy.workspaces import create_workspace
from tests.browser.conftest import by_key, choose, goto, new_page, no_exception, own_server, read_in, settle

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
    # The commit reruns the app; typing on before the grid is drawn again loses the row's cells.
    page.wait_for_timeout(1500)
    settle(page)


def _empty_tables(session) -> dict:
    """A new workspace (with the starter factor library) whose segments have no key factors, plus
    one factor added to the library by hand."""
    ws = create_workspace(session=session, data={"name": "Empty tables"})
    installers = create_segment(session=session, workspace_id=ws.id, data={"name": "Installers"})
    renovators = create_segment(session=session, workspace_id=ws.id, data={"name": "Renovators"})
    add_factor(session=session, workspace_id=ws.id, data={"name": "Stock availability"})
    return {"ws": ws.id, "installers": installers.id, "renovators": renovators.id}


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    with own_server(tmp_path_factory.mktemp("editors-server"), _empty_tables) as env:
        yield env


def _first_key_factor(page: Page, env, segment_name: str, factor: str, weight: str, competitor: str) -> None:
    goto(page, f"{env.url}/strengths?ws={env.ws}")
    if segment_name != "Installers":
        choose(page, "strength_segment", segment_name)
        settle(page)
    segment = env.installers if segment_name == "Installers" else env.renovators
    start_first_row(page, f"strength_factors_{segment}_0")
    type_in_cell(page, factor, open_editor=False)
    type_in_cell(page, weight)
    page.keyboard.press("Tab")  # past the share, which is computed
    type_in_cell(page, competitor, then="Enter")  # each cell is saved as it is committed
    no_exception(page)


def test_a_first_key_factor_from_the_library_is_saved_on_a_segment_that_has_none(env, browser):
    page = new_page(browser)
    try:
        _first_key_factor(page, env, "Installers", "Stock availability", "35", "4")
        expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("Saved the key factors of Installers.")
        saved = read_in(env, segment_factors, segment_id=env.installers)
        assert [(f.factor, f.weight, f.competitor_strength) for f in saved] == [("Stock availability", 35.0, 4)]
        assert len(read_in(env, list_factors)) == len(STARTER_FACTORS) + 1
    finally:
        page.context.close()


def test_a_new_factor_typed_in_the_key_factor_table_is_saved_and_joins_the_library(env, browser):
    page = new_page(browser)
    try:
        _first_key_factor(page, env, "Renovators", "Click and collect", "20", "3")
        expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text(
            "Saved the key factors of Renovators. New in the library: Click and collect.")
        saved = read_in(env, segment_factors, segment_id=env.renovators)
        assert [(f.factor, f.weight, f.competitor_strength) for f in saved] == [("Click and collect", 20.0, 3)]
        library = {f.name: (f.description, f.segments) for f in read_in(env, list_factors)}
        assert library["Click and collect"] == ("", ("Renovators",))
        assert len(library) == len(STARTER_FACTORS) + 2
        # The library beside the table lists it, with an empty cell for what it means.
        table = page.get_by_test_id("stDataFrame").nth(1).locator("table")
        expect(table).to_contain_text("Click and collectRenovators")
        expect(table).not_to_contain_text("None")
        expect(table).not_to_contain_text("nan")
    finally:
        page.context.close()
