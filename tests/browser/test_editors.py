"""A first row typed into each empty data editor that accepts new rows, with every kind of column
filled, is saved: read back through the services with exact values. Against servers of their own,
on databases prepared through the services, so the workspace starts with empty tables."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from crmstrategy.analysis.segments import create_segment
from crmstrategy.analysis.strengths import add_factor, list_factors, segment_factors
from crmstrategy.workspace.seeding import STARTER_FACTORS
from crmstrategy.workspace.workspaces import create_workspace
from tests.browser.conftest import add_row, choose, goto, new_page, no_exception, own_server, read_in, settle, type_cell

pytestmark = pytest.mark.browser


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


def _first_key_factor(
    page: Page, env, segment_name: str, factor: str, weight: str, competitor: str, saved: str
) -> None:
    """Type a first key factor into the segment's empty table. The name alone is refused (a weight is
    required) and stays; with the weight the row is saved, with the confirmation `saved`; the
    competitor's strength is then saved as a change of that row."""
    goto(page, f"{env.url}/strengths?ws={env.ws}")
    if segment_name != "Installers":
        choose(page, "strength_segment", segment_name)
        settle(page)
    segment = env.installers if segment_name == "Installers" else env.renovators
    prefix = f"strength_factors_{env.ws}_{segment}_v"
    add_row(page, prefix)
    # Each cell is saved as it is committed (the first ones are refused until the row is whole, and
    # what was typed stays); the Share column between Weight and the competitor is computed.
    type_cell(page, prefix, 0, 0, factor)
    expect(page.get_by_test_id("stAlertContentError")).to_contain_text("Weight")
    type_cell(page, prefix, 0, 1, weight)
    expect(page.get_by_test_id("stAlertContentSuccess")).to_have_text(f"check_circle{saved}")
    type_cell(page, prefix, 0, 3, competitor)
    expect(page.get_by_test_id("stAlertContentSuccess")).to_have_text(
        f"check_circleSaved the key factors of {segment_name}."
    )
    no_exception(page)


def test_a_first_key_factor_from_the_library_is_saved_on_a_segment_that_has_none(env, browser):
    page = new_page(browser)
    try:
        _first_key_factor(
            page, env, "Installers", "Stock availability", "35", "4", saved="Saved the key factors of Installers."
        )
        saved = read_in(env, segment_factors, segment_id=env.installers)
        assert [(f.factor, f.weight, f.competitor_strength) for f in saved] == [("Stock availability", 35.0, 4)]
        assert len(read_in(env, list_factors)) == len(STARTER_FACTORS) + 1
    finally:
        page.context.close()


def test_a_new_factor_typed_in_the_key_factor_table_is_saved_and_joins_the_library(env, browser):
    page = new_page(browser)
    try:
        _first_key_factor(
            page,
            env,
            "Renovators",
            "Click and collect",
            "20",
            "3",
            saved="Saved the key factors of Renovators. New in the library: Click and collect.",
        )
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
