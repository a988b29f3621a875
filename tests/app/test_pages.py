"""Every page opens on the demo, on an empty workspace, and from a shared link, without exceptions."""

import pytest

from crmstrategy.workspace.workspaces import list_workspaces
from tests.app.conftest import PAGES, errors, open_page


@pytest.mark.parametrize("page", PAGES)
def test_page_opens_on_the_demo(app, page):
    at = open_page(app, page)
    assert not errors(at)
    assert at.sidebar.selectbox(key="workspace_switcher").value is not None


def test_first_start_loads_the_demo(app, db):
    names = [w.name for w in db(list_workspaces)]
    assert names == ["Demo: Nordvik Rørhandel"]
    assert "Nordvik" in app.title[0].value


@pytest.mark.parametrize("page", PAGES)
def test_page_opens_on_an_empty_workspace(app, db, page):
    open_page(app, "app_pages/overview/workspaces.py")
    app.text_input(key="ws_create_name").input("Blank slate")
    app.button(key="ws_create_submit").click().run()
    assert not errors(app)
    at = open_page(app, page)
    assert not errors(at)
    current = {w.id: w.name for w in db(list_workspaces)}[at.sidebar.selectbox(key="workspace_switcher").value]
    assert current == "Blank slate"


def test_empty_workspace_overview_points_to_participants(app):
    open_page(app, "app_pages/overview/workspaces.py")
    app.text_input(key="ws_create_name").input("Blank slate")
    app.button(key="ws_create_submit").click().run()
    at = open_page(app, "app_pages/overview/overview.py")
    assert "**Next step:** Who takes part" in [m.value for m in at.markdown]
    assert at.get("page_link")[0].proto.label == "Go to Participants"
    assert at.get("page_link")[0].proto.page == "participants"
    assert any("1 · Analysis — 0 of 9 done" in h.value for h in at.header)
    assert any("2 · Strategy — 0 of 4 done" in h.value for h in at.header)


def test_link_with_workspace_opens_that_workspace(app, db):
    open_page(app, "app_pages/overview/workspaces.py")
    app.text_input(key="ws_create_name").input("Second")
    app.button(key="ws_create_submit").click().run()
    demo = next(w for w in db(list_workspaces) if w.name.startswith("Demo"))
    app.query_params["ws"] = str(demo.id)
    at = open_page(app, "app_pages/overview/overview.py")
    assert at.sidebar.selectbox(key="workspace_switcher").value == demo.id
    assert at.query_params["ws"] == str(demo.id)


def test_link_to_a_missing_workspace_says_so(app):
    app.query_params["ws"] = "99999"
    at = open_page(app, "app_pages/analysis/segments.py")
    assert any("does not exist" in w.value for w in at.sidebar.warning)
    assert not errors(at)


def test_link_with_garbage_workspace_id_does_not_crash(app):
    app.query_params["ws"] = "<script>"
    at = open_page(app, "app_pages/analysis/personas.py")
    assert not at.exception
