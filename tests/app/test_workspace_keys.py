"""Widget keys are named by the workspace: what was typed, chosen or uploaded in one workspace never
shows, nor is sent, in another (an add form half filled, a filter, a choice of segment)."""

from crmstrategy.analysis.participants import list_participants
from crmstrategy.workspace.workspace_file import import_workspace, load_demo_document
from crmstrategy.workspace.workspaces import list_workspaces
from tests.app.conftest import _WIDGET_KINDS, PAGES, demo_id, errors, new_workspace, open_page, wkey, write

# Keys that belong to the browser, not to a workspace: the workspace switcher itself, creating or
# importing a workspace (before there is one), and the name of whoever writes the promise.
BROWSER_KEYS = {
    "workspace_switcher",
    "ws_create_name",
    "ws_create_currency",
    "ws_create_start",
    "ws_create_submit",
    "ws_import_file",
    "ws_import_name",
    "ws_import",
    "promise_author",
    "method_guide",
}  # the sidebar's guide to the method, the same in every workspace


def _keys(at) -> set[str]:
    return {str(w.key) for kind in (*_WIDGET_KINDS, "download_button", "file_uploader") for w in at.get(kind) if w.key}


def _switch(at, workspace_id: int):
    at.selectbox(key="workspace_switcher").set_value(workspace_id).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_no_page_shares_a_widget_key_between_two_workspaces(app, db, app_db):
    """The same page on the demo and on a second copy of it (same widgets, other items): no key in common."""
    first = demo_id(db)
    second = write(app_db, import_workspace, document=load_demo_document()).id
    for page in PAGES:
        at = open_page(app, page)
        at = _switch(at, first)
        in_first = _keys(at)
        at = _switch(at, second)
        in_second = _keys(at)
        assert in_first and in_second, page
        assert in_first & in_second - BROWSER_KEYS == set(), page


def test_a_half_filled_add_form_stays_in_its_workspace(app, db):
    demo = demo_id(db)
    at = open_page(app, "app_pages/analysis/participants.py")
    at.text_input(key=wkey(at, "participant_new_name")).input("Half typed – Åse")
    at.text_input(key=wkey(at, "participant_new_department")).input("Sales")
    at.run()

    at = new_workspace(at, "Other team")
    blank = next(w.id for w in db(list_workspaces) if w.name == "Other team")
    at = open_page(at, "app_pages/analysis/participants.py")
    assert at.session_state["workspace_id"] == blank
    assert at.text_input(key=wkey(at, "participant_new_name")).value == ""
    assert at.text_input(key=wkey(at, "participant_new_department")).value == ""

    # Adding there adds to this workspace only, with what was typed here
    at.text_input(key=wkey(at, "participant_new_name")).input("Kari")
    at.button(key=wkey(at, "participant_new_submit")).click().run()
    assert not errors(at)
    assert [p.name for p in db(list_participants, workspace_id=blank)] == ["Kari"]
    assert "Half typed – Åse" not in [p.name for p in db(list_participants, workspace_id=demo)]


def test_half_filled_forms_and_filters_do_not_follow_a_switch(app, db, app_db):
    """On the same page, the sidebar switch to a copy of the demo: its forms start empty, its filters
    unfiltered."""
    first = demo_id(db)
    second = write(app_db, import_workspace, document=load_demo_document()).id
    at = _switch(open_page(app, "app_pages/strategy/goals.py"), first)
    at.text_input(key=wkey(at, "goal_new_metric")).input("Churn among installers")
    at.run()
    at = _switch(at, second)
    assert at.text_input(key=wkey(at, "goal_new_metric")).value == ""

    at = _switch(open_page(at, "app_pages/implementation/plan.py"), first)
    at.text_input(key=wkey(at, "plan_new_title")).input("Call every lapsed installer")
    department = at.multiselect(key=wkey(at, "plan_filter_department")).options[0]
    at.multiselect(key=wkey(at, "plan_filter_department")).set_value([department]).run()
    assert not errors(at) and at.multiselect(key=wkey(at, "plan_filter_department")).value == [department]
    at = _switch(at, second)
    assert at.text_input(key=wkey(at, "plan_new_title")).value == ""
    assert at.multiselect(key=wkey(at, "plan_filter_department")).value == []
