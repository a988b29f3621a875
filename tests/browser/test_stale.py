"""Nothing stale, in Chromium: the Workspaces form follows create, switch and delete and renames no
other workspace; two people editing one action, the second save is refused and nothing is lost."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from crmstrategy.analysis.participants import list_participants
from crmstrategy.core.db import read_session
from crmstrategy.implementation.plan import action_history, create_action, list_actions, set_plan_start
from crmstrategy.workspace.workspace_file import import_workspace, load_demo_document
from crmstrategy.workspace.workspaces import create_workspace, list_workspaces
from tests.browser.conftest import (
    by_key,
    click_option,
    current_workspace,
    goto,
    new_page,
    no_exception,
    own_server,
    settle,
)

pytestmark = pytest.mark.browser


def _demo(session) -> dict:
    demo = import_workspace(session=session, document=load_demo_document())
    return {"ws": demo.id, "demo_name": demo.name, "demo_description": demo.description}


def _names(env) -> list[tuple[str, str]]:
    with read_session(env.engine) as session:
        return sorted((w.name, w.description) for w in list_workspaces(session=session))


def _switch(page, name: str) -> None:
    click_option(page, by_key(page, "workspace_switcher", "input"), name)
    settle(page)


def _rename_field(page, field: str, inner: str):
    """A field of the "Current workspace" form (its key names the workspace and the version drawn)."""
    return page.locator(f"[class*='st-key-ws_rename_'][class*='_{field}'] {inner}").first


def test_create_switch_delete_then_save_renames_no_other_workspace(browser, tmp_path):
    with own_server(tmp_path, _demo) as env:
        page = new_page(browser)
        goto(page, f"{env.url}/workspaces?ws={env.ws}")
        page.get_by_role("tab", name="Create").click()
        by_key(page, "ws_create_name", "input").fill("Rating test (demo copy)")
        page.get_by_text("A copy of the demo").click()
        by_key(page, "ws_create_submit", "button").click()
        settle(page)
        expect(current_workspace(page)).to_have_value("Rating test (demo copy)")
        expect(by_key(page, "ws_create_name", "input")).to_have_value("")

        page.get_by_role("tab", name="Current workspace").click()
        expect(_rename_field(page, "name", "input")).to_have_value("Rating test (demo copy)")
        _switch(page, env.demo_name)
        page.get_by_role("tab", name="Current workspace").click()
        expect(_rename_field(page, "name", "input")).to_have_value(env.demo_name)
        _switch(page, "Rating test (demo copy)")

        page.get_by_role("tab", name="Current workspace").click()
        page.get_by_text("Delete this workspace").click()
        page.locator("[class*='st-key-ws_delete_confirm_'] input").first.fill("Rating test (demo copy)")
        page.locator("[class*='st-key-ws_delete_confirm_'] input").first.press("Enter")
        settle(page)
        page.locator("[class*='st-key-ws_delete_'] button", has_text="Delete workspace").first.click()
        settle(page)
        expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("Deleted 'Rating test (demo copy)'.")
        expect(current_workspace(page)).to_have_value(env.demo_name)

        page.get_by_role("tab", name="Current workspace").click()
        expect(_rename_field(page, "name", "input")).to_have_value(env.demo_name)
        _rename_field(page, "submit", "button").click()
        settle(page)
        expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text(f"Saved '{env.demo_name}'.")
        assert _names(env) == [(env.demo_name, env.demo_description)]
        no_exception(page)


def _plan(session) -> dict:
    ws = create_workspace(session=session, data={"name": "Rørlegger Øst"}).id
    set_plan_start(session=session, workspace_id=ws, start="2026-12-01")
    create_action(
        session=session,
        workspace_id=ws,
        data={
            "title": "Agree the loyalty rules",
            "owner": "Kari Nordmann",
            "department": "Sales",
            "due_date": "2027-01-15",
        },
    )
    return {"ws": ws}


def _edit_first_title(page, title: str) -> None:
    grid = page.get_by_test_id("stDataFrame").first
    expect(grid.locator("canvas").first).to_be_visible()
    box = grid.bounding_box()
    row_height = box["height"] / 3  # header, one row, the trailing "add" row
    grid.dblclick(position={"x": 120, "y": row_height * 1.5})
    editor = page.get_by_test_id("portal").locator(".gdg-clip-region textarea")
    expect(editor).to_be_visible()
    editor.fill(title)
    page.keyboard.press("Enter")
    settle(page)


def test_two_people_editing_one_action_the_second_is_refused_and_nothing_is_lost(browser, tmp_path):
    with own_server(tmp_path, _plan) as env:
        kari, per = new_page(browser), new_page(browser)
        for page, name in ((kari, "Kari"), (per, "Per")):
            goto(page, f"{env.url}/plan?ws={env.ws}")
            by_key(page, "plan_editor_name", "input").fill(name)
            by_key(page, "plan_editor_name", "input").press("Enter")
            settle(page)

        _edit_first_title(kari, "Agree the loyalty rules with the installers")
        expect(kari.get_by_test_id("stAlertContentSuccess")).to_contain_text("Saved: 1 updated.")

        _edit_first_title(per, "Agree the loyalty rules and rewards")
        expect(per.get_by_test_id("stAlertContentError")).to_contain_text(
            "Nothing was saved: Row 1, 'Agree the loyalty rules with the installers' was changed by someone else "
            "since you opened it: here is what it is now."
        )
        expect(per.get_by_test_id("stAlertContentError")).to_contain_text("Owner: Kari Nordmann")

        [action] = [a for a in _read(env, list_actions)]
        assert (action.title, action.version) == ("Agree the loyalty rules with the installers", 2)
        history = _read(env, action_history, action_id=action.id)
        assert [(h.changed_by, h.new) for h in history if h.field == "title"] == [
            ("Kari", "Agree the loyalty rules with the installers")
        ]
        # Per's table now shows the action as it is; his own edit can be made again from there.
        expect(per.get_by_test_id("stDataFrame").first.locator("table")).to_contain_text(
            "Agree the loyalty rules with the installers"
        )
        no_exception(per)


def _read(env, fn, **kwargs):
    from tests.browser.conftest import read_in

    return read_in(env, fn, **kwargs)


def _demo_and_a_blank(session) -> dict:
    ids = _demo(session)
    ids["blank"] = create_workspace(session=session, data={"name": "Other team"}).id
    return ids


def test_a_half_filled_add_form_does_not_follow_a_workspace_switch(browser, tmp_path):
    with own_server(tmp_path, _demo_and_a_blank) as env:
        page = new_page(browser)
        goto(page, f"{env.url}/participants?ws={env.ws}")
        by_key(page, "participant_new_name", "input").fill("Half typed – Åse")
        by_key(page, "participant_new_department", "input").fill("Sales")
        _switch(page, "Other team")
        expect(current_workspace(page)).to_have_value("Other team")
        expect(by_key(page, "participant_new_name", "input")).to_have_value("")
        expect(by_key(page, "participant_new_department", "input")).to_have_value("")

        by_key(page, "participant_new_name", "input").fill("Kari")
        by_key(page, "participant_new_submit", "button").click()
        settle(page)
        no_exception(page)
        with read_session(env.engine) as session:
            assert [p.name for p in list_participants(session=session, workspace_id=env.blank)] == ["Kari"]
            assert "Half typed – Åse" not in [p.name for p in list_participants(session=session, workspace_id=env.ws)]
