"""The browser walk: every page, the first-session path (workspace, segment, persona), and
export/import of a workspace, in real Chromium against the real server."""

import json
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import add_row_in_editor, by_key, current_workspace, goto, no_exception, screenshot, settle

pytestmark = pytest.mark.browser

PAGES = {
    "overview": "/",
    "workspaces": "/workspaces",
    "participants": "/participants",
    "segments": "/segments",
    "personas": "/personas",
    "insights": "/insights",
    "readiness": "/readiness",
    "strengths": "/strengths",
    "targets": "/targets",
    "strategy_map": "/strategy_map",
    "goals": "/goals",
    "promise": "/promise",
    "promise_present": "/promise_present",
    "plan": "/plan",
    "anchoring": "/anchoring",
    "follow_up": "/follow_up",
    "feedback": "/feedback",
    "health": "/health",
    "document": "/document",
}


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_opens_without_an_exception(server, page, name):
    goto(page, server + PAGES[name])
    expect(page.locator("h1").first).to_be_visible()
    expect(page.get_by_test_id("stSidebar")).to_contain_text("Workspace")
    screenshot(page, f"demo-{name}")


def test_create_workspace_segment_and_persona_then_find_them_after_reload(server, page):
    goto(page, server + "/workspaces")
    page.get_by_role("tab", name="Create").click()
    by_key(page, "ws_create_name", "input").fill("Browser Co")
    by_key(page, "ws_create_submit", "button").click()
    settle(page)
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("Created 'Browser Co'")
    workspace_id = re.search(r"ws=(\d+)", page.url).group(1)

    page.get_by_role("link", name="Segments", exact=True).click()
    settle(page)
    assert f"ws={workspace_id}" in page.url
    add_row_in_editor(page, rows_before=0, value="Browser segment")
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("Saved: 1 created")
    no_exception(page)

    page.get_by_role("link", name="Personas", exact=True).click()
    settle(page)
    page.get_by_role("tab", name="New persona").click()
    by_key(page, "persona_new_name", "input").fill("Åse <b>the buyer</b>")
    by_key(page, "persona_new_needs", "textarea").fill("**Fast** answers")
    by_key(page, "persona_new_submit", "button").click()
    settle(page)
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("Created 'Åse <b>the buyer</b>'")
    screenshot(page, "new-persona")

    page.reload()
    settle(page)
    assert f"ws={workspace_id}" in page.url
    expect(current_workspace(page)).to_have_value("Browser Co")
    # Shown literally: the tags and asterisks are text, not markup.
    expect(page.get_by_role("heading", name="Åse <b>the buyer</b>")).to_be_visible()
    expect(page.get_by_role("tabpanel", name="Card").get_by_text("**Fast** answers")).to_be_visible()
    expect(page.locator("b", has_text="the buyer")).to_have_count(0)

    goto(page, f"{server}/segments?ws={workspace_id}")
    expect(page.get_by_test_id("stDataFrame").first.locator("table")).to_contain_text("Browser segment")


def test_export_and_import_a_workspace(server, page, tmp_path):
    goto(page, server + "/workspaces?ws=1")  # the demo, loaded first into the fresh database
    expect(current_workspace(page)).to_have_value("Demo: Nordvik Rørhandel")
    with page.expect_download() as download_info:
        by_key(page, "ws_export", "button").click()
    path = tmp_path / "workspace.json"
    download_info.value.save_as(path)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["kind"] == "crm-strategy-workbench/workspace"
    assert len(document["segments"]) == 4 and len(document["personas"]) == 6

    page.get_by_role("tab", name="Import").click()
    by_key(page, "ws_import_file", "input[type=file]").set_input_files(str(path))
    settle(page)
    by_key(page, "ws_import", "button").click()
    settle(page)
    expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text(f"Imported '{document['workspace']['name']} (")
    expect(current_workspace(page)).to_have_value(re.compile(re.escape(document["workspace"]["name"]) + r" \(\d+\)"))
    no_exception(page)


def test_a_refused_table_edit_shows_why_and_can_be_discarded(server, page):
    goto(page, server + "/segments?ws=1")
    add_row_in_editor(page, rows_before=4, value="project contractors")
    expect(page.get_by_test_id("stAlertContentError")).to_contain_text(
        "A segment named 'project contractors' already exists"
    )
    by_key(page, "segments_discard", "button").click()
    settle(page)
    expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)
    grid_text = page.get_by_test_id("stDataFrame").first.locator("table")
    expect(grid_text).not_to_contain_text("project contractors")
    no_exception(page)


def test_a_deep_link_to_a_fresh_server_shows_the_method_navigation(browser, tmp_path):
    """The first visit of a just-started server comes through a shared link, not through /."""
    from tests.browser.conftest import start_server

    process, url = start_server(f"sqlite:///{tmp_path / 'fresh.db'}", tmp_path / "streamlit.log")
    try:
        context = browser.new_context(viewport={"width": 1440, "height": 900})
        page = context.new_page()
        goto(page, url + "/readiness?ws=1")
        navigation = page.get_by_test_id("stSidebarNav")
        for section in ("Overview", "1 · Analysis", "2 · Strategy", "3 · Implementation"):
            expect(navigation).to_contain_text(section)
        expect(navigation.get_by_role("link", name="Readiness")).to_be_visible()
        for title in (
            "Target segments",
            "Strategy map",
            "Goals",
            "Customer promise",
            "Present the promise",
        ):  # the strategy step's pages
            expect(navigation.get_by_role("link", name=title, exact=True)).to_be_visible()
        expect(navigation.get_by_role("link", name="app")).to_have_count(0)
        expect(page.locator("h1").first).to_have_text("Readiness check")
        assert "/readiness" in page.url and "ws=1" in page.url
        context.close()
    finally:
        process.terminate()
        process.wait(timeout=10)
