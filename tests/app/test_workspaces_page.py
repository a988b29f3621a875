"""The Workspaces page: create, refuse bad names, copy the demo, rename, duplicate, delete."""

from crmstrategy.analysis.segments import list_segments
from crmstrategy.workspace.workspaces import list_workspaces
from tests.app.conftest import errors, open_page, scoped_key, successes


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
    at.text_input(key=scoped_key(at, "ws_rename", "*", "name")).input("<b>Bold</b> **strategy**")
    at.button(key=scoped_key(at, "ws_rename", "*", "submit")).click().run()
    assert not errors(at)
    assert [w.name for w in db(list_workspaces)] == ["<b>Bold</b> **strategy**"]
    at = open_page(at, "app_pages/overview/overview.py")
    assert at.title[0].value == r"\<b\>Bold\<\/b\> \*\*strategy\*\*"


def _current(at) -> int:
    """The current workspace's id (the workbench keys its forms by it)."""
    return at.sidebar.selectbox(key="workspace_switcher").value


def test_duplicate_makes_a_copy_and_switches_to_it(app, db):
    at = open_page(app, "app_pages/overview/workspaces.py")
    at.text_input(key=scoped_key(at, "ws_rename", "*", "duplicate_name")).input("Copy for Oslo")
    at.button(key=f"ws_duplicate_{_current(at)}").click().run()
    assert not errors(at)
    copy = next(w for w in db(list_workspaces) if w.name == "Copy for Oslo")
    assert at.sidebar.selectbox(key="workspace_switcher").value == copy.id
    assert len(db(list_segments, workspace_id=copy.id)) == 4


def test_delete_needs_the_exact_name(app, db):
    _create(app, "Short-lived")
    at = open_page(app, "app_pages/overview/workspaces.py")
    at.text_input(key=f"ws_delete_confirm_{_current(at)}").input("short-lived")
    at.button(key=f"ws_delete_{_current(at)}").click().run()
    assert any("exactly" in e for e in errors(at))
    assert "Short-lived" in [w.name for w in db(list_workspaces)]
    at.text_input(key=f"ws_delete_confirm_{_current(at)}").input("Short-lived")
    at.button(key=f"ws_delete_{_current(at)}").click().run()
    assert not errors(at)
    assert "Short-lived" not in [w.name for w in db(list_workspaces)]
    assert at.sidebar.selectbox(key="workspace_switcher").value is not None


def test_switching_workspace_in_the_sidebar_updates_the_link(app, db):
    _create(app, "Other")
    demo = next(w for w in db(list_workspaces) if w.name.startswith("Demo"))
    at = open_page(app, "app_pages/analysis/segments.py")
    at.sidebar.selectbox(key="workspace_switcher").set_value(demo.id).run()
    assert at.query_params["ws"] == str(demo.id)


def test_the_current_workspace_form_follows_create_switch_and_delete_and_renames_no_other(app, db):
    """Found in a workshop: after deleting "Rating test (demo copy)", Save changes renamed the demo."""
    demo = next(w for w in db(list_workspaces) if w.name.startswith("Demo"))
    at = _create(app, "Rating test (demo copy)", from_demo=True)
    copy = next(w for w in db(list_workspaces) if w.name == "Rating test (demo copy)")
    at = open_page(at, "app_pages/overview/workspaces.py")
    assert at.text_input(key=scoped_key(at, "ws_rename", copy.id, "name")).value == "Rating test (demo copy)"
    assert at.text_input(key="ws_create_name").value == ""  # the create form starts empty again

    at.sidebar.selectbox(key="workspace_switcher").set_value(demo.id).run()
    assert at.text_input(key=scoped_key(at, "ws_rename", demo.id, "name")).value == demo.name
    at.sidebar.selectbox(key="workspace_switcher").set_value(copy.id).run()

    at.text_input(key=f"ws_delete_confirm_{copy.id}").input("Rating test (demo copy)")
    at.button(key=f"ws_delete_{copy.id}").click().run()
    assert not errors(at)
    assert _current(at) == demo.id
    assert at.text_input(key=scoped_key(at, "ws_rename", demo.id, "name")).value == demo.name
    assert at.text_area(key=scoped_key(at, "ws_rename", demo.id, "description")).value == demo.description

    at.button(key=scoped_key(at, "ws_rename", demo.id, "submit")).click().run()
    assert not errors(at)
    assert f"Saved '{demo.name}'." in successes(at)
    assert [(w.id, w.name, w.description) for w in db(list_workspaces)] == [(demo.id, demo.name, demo.description)]


def test_a_rename_form_opened_before_someone_else_renamed_is_refused(app, db, app_db):
    from crmstrategy.workspace.workspaces import update_workspace
    from tests.app.conftest import write

    demo = next(w for w in db(list_workspaces) if w.name.startswith("Demo"))
    at = open_page(app, "app_pages/overview/workspaces.py")
    write(app_db, update_workspace, workspace_id=demo.id, version=demo.version, changes={"name": "Renamed elsewhere"})
    at.text_area(key=scoped_key(at, "ws_rename", demo.id, "description")).input("Typed in the old form")
    at.button(key=scoped_key(at, "ws_rename", demo.id, "submit")).click().run()
    assert errors(at) == [
        "Nothing was saved: 'Renamed elsewhere' was changed by someone else since you opened it: here is what it is "
        "now.\n\n- **Name:** Renamed elsewhere\n- **Currency:** NOK\n- **Description:** "
        f"{demo.description}\n\nFrom your next click on, the form shows it as it is now."
    ]
    [now] = db(list_workspaces)
    assert (now.name, now.description) == ("Renamed elsewhere", demo.description)
    at.run()
    assert at.text_input(key=scoped_key(at, "ws_rename", demo.id, "name")).value == "Renamed elsewhere"
