"""The Workspaces page: create, refuse bad names, copy the demo, rename, duplicate, delete."""

from crmstrategy.segments import list_segments
from crmstrategy.workspaces import list_workspaces
from tests.app.conftest import errors, open_page, successes


def _create(at, name, currency="NOK", from_demo=False):
    open_page(at, "app_pages/overview/workspaces.py")
    at.text_input(key="ws_create_name").input(name)
    at.text_input(key="ws_create_currency").input(currency)
    if from_demo:
        at.radio(key="ws_create_start").set_value("A copy of the demo")
    at.button(key="ws_create_submit").click().run()
    return at


def test_create_empty_workspace_becomes_current(app, db):
    at = _create(app, "Acme 2027", "sek")
    assert not errors(at)
    created = next(w for w in db(list_workspaces) if w.name == "Acme 2027")
    assert created.currency == "SEK"
    assert at.sidebar.selectbox(key="workspace_switcher").value == created.id
    assert any("Created 'Acme 2027'" in s for s in successes(at))


def test_blank_name_is_refused_beside_the_form(app, db):
    at = _create(app, "   ")
    assert any("Workspace name is required" in e for e in errors(at))
    assert len(db(list_workspaces)) == 1


def test_duplicate_name_and_bad_currency_are_refused(app, db):
    at = _create(app, "demo: nordvik rørhandel")
    assert any("already exists" in e for e in errors(at))
    at = _create(app, "Fine name", currency="kr")
    assert any("three-letter code" in e for e in errors(at))
    assert len(db(list_workspaces)) == 1


def test_copy_of_the_demo_has_the_demo_segments(app, db):
    at = _create(app, "Workshop Bergen", from_demo=True)
    assert not errors(at)
    copy = next(w for w in db(list_workspaces) if w.name == "Workshop Bergen")
    assert len(db(list_segments, workspace_id=copy.id)) == 4


def test_copy_of_the_demo_with_a_taken_name_is_refused(app, db):
    at = _create(app, "Demo: Nordvik Rørhandel", from_demo=True)
    assert any("already exists" in e for e in errors(at))
    assert len(db(list_workspaces)) == 1


def test_rename_with_html_keeps_it_literal(app, db):
    at = open_page(app, "app_pages/overview/workspaces.py")
    at.text_input(key="ws_rename_name").input("<b>Bold</b> **strategy**")
    at.button(key="ws_rename_submit").click().run()
    assert not errors(at)
    assert [w.name for w in db(list_workspaces)] == ["<b>Bold</b> **strategy**"]
    at = open_page(at, "app_pages/overview/overview.py")
    assert at.title[0].value == r"\<b\>Bold\<\/b\> \*\*strategy\*\*"


def test_duplicate_makes_a_copy_and_switches_to_it(app, db):
    at = open_page(app, "app_pages/overview/workspaces.py")
    at.text_input(key="ws_duplicate_name").input("Copy for Oslo")
    at.button(key="ws_duplicate").click().run()
    assert not errors(at)
    copy = next(w for w in db(list_workspaces) if w.name == "Copy for Oslo")
    assert at.sidebar.selectbox(key="workspace_switcher").value == copy.id
    assert len(db(list_segments, workspace_id=copy.id)) == 4


def test_delete_needs_the_exact_name(app, db):
    _create(app, "Short-lived")
    at = open_page(app, "app_pages/overview/workspaces.py")
    at.text_input(key="ws_delete_confirm").input("short-lived")
    at.button(key="ws_delete").click().run()
    assert any("exactly" in e for e in errors(at))
    assert "Short-lived" in [w.name for w in db(list_workspaces)]
    at.text_input(key="ws_delete_confirm").input("Short-lived")
    at.button(key="ws_delete").click().run()
    assert not errors(at)
    assert "Short-lived" not in [w.name for w in db(list_workspaces)]
    assert at.sidebar.selectbox(key="workspace_switcher").value is not None


def test_switching_workspace_in_the_sidebar_updates_the_link(app, db):
    _create(app, "Other")
    demo = next(w for w in db(list_workspaces) if w.name.startswith("Demo"))
    at = open_page(app, "app_pages/analysis/segments.py")
    at.sidebar.selectbox(key="workspace_switcher").set_value(demo.id).run()
    assert at.query_params["ws"] == str(demo.id)
