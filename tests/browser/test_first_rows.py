"""A first row typed into an empty table in the browser, on a NEW workspace (no demo), is saved:
the goal's milestones (a date and a number), the goal's measured values (date, number, note) and
the plan (a title, then the owner and due date of that row). Each is read back through the
services with exact values. One server of its own, on a database prepared through the services."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from crmstrategy.implementation.follow_up import goal_measurements
from crmstrategy.implementation.plan import list_actions
from crmstrategy.strategy.goals import create_goal, milestones_of
from crmstrategy.strategy.strategy_map import create_node
from crmstrategy.workspace.workspaces import create_workspace
from tests.browser.conftest import add_row, goto, new_page, no_exception, own_server, read_in, type_cell
from tests.browser.test_strategy_map import _open_tab

pytestmark = pytest.mark.browser

METRIC = "Tapte rørleggere per år"


def _new_workspace(session) -> dict:
    """A new workspace with one objective and one goal: no milestones, no measured values, no plan."""
    ws = create_workspace(session=session, data={"name": "First rows"})
    objective = create_node(
        session=session, workspace_id=ws.id, data={"kind": "objective", "name": "Keep the installers", "owner": "Erik"}
    )
    goal = create_goal(
        session=session,
        workspace_id=ws.id,
        data={
            "objective_id": objective.id,
            "metric": METRIC,
            "goal_type": "Result",
            "measures": "Value",
            "unit": "%",
            "baseline": 14,
            "target": 9,
            "deadline": date(2027, 10, 31),
            "owner": "Erik",
        },
    )
    return {"ws": ws.id, "goal": goal.id}


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    with own_server(tmp_path_factory.mktemp("first-rows-server"), _new_workspace) as env:
        assert read_in(env, milestones_of).get(env.goal, []) == []
        assert read_in(env, goal_measurements).get(env.goal, []) == []
        assert read_in(env, list_actions) == []
        yield env


def _success(page, text: str) -> None:
    expect(page.get_by_test_id("stAlertContentSuccess")).to_have_text(f"check_circle{text}")


def test_a_first_milestone_is_typed_into_the_goals_empty_milestone_table(env, browser):
    page = new_page(browser)
    try:
        goto(page, f"{env.url}/goals?ws={env.ws}")
        _open_tab(page, "Milestones")
        prefix = f"goal_milestones_{env.ws}_{env.goal}_v"
        add_row(page, prefix)
        _open_tab(page, "Milestones")
        type_cell(page, prefix, 0, 0, "2027-03-31")  # refused until the row has a value; what was typed stays
        _open_tab(page, "Milestones")
        type_cell(page, prefix, 0, 1, "12.5")
        _open_tab(page, "Milestones")
        _success(page, f"Saved 1 milestone of '{METRIC}'.")
        no_exception(page)
        assert read_in(env, milestones_of)[env.goal] == [(date(2027, 3, 31), 12.5)]
    finally:
        page.context.close()


def test_a_first_measured_value_is_typed_into_the_goals_empty_table(env, browser):
    page = new_page(browser)
    try:
        goto(page, f"{env.url}/follow_up?ws={env.ws}")
        prefix = f"follow_values_{env.ws}_{env.goal}_v"
        add_row(page, prefix)
        type_cell(page, prefix, 0, 0, "2026-11-15")
        type_cell(page, prefix, 0, 1, "13.2")
        _success(page, f"Saved 1 value of '{METRIC}'.")
        type_cell(page, prefix, 0, 2, "First count – æøå")
        _success(page, f"Saved 1 value of '{METRIC}'.")
        no_exception(page)
        [saved] = read_in(env, goal_measurements)[env.goal]
        assert (saved.measured_on, saved.value, saved.note) == (date(2026, 11, 15), 13.2, "First count – æøå")
    finally:
        page.context.close()


def test_a_first_action_is_typed_into_the_empty_plan_table(env, browser):
    page = new_page(browser)
    try:
        goto(page, f"{env.url}/plan?ws={env.ws}")
        prefix = f"plan_editor_{env.ws}_"
        add_row(page, prefix)
        type_cell(page, prefix, 0, 0, "Launch the loyalty programme – æøå")  # the title alone makes an action
        expect(page.get_by_test_id("stAlertContentSuccess")).to_have_text("check_circleSaved: 1 created.")
        type_cell(page, prefix, 0, 1, "Kari Nordmann")  # its owner
        type_cell(page, prefix, 0, 2, "2027-03-31")  # its due date
        expect(page.get_by_test_id("stAlertContentSuccess")).to_have_text("check_circleSaved: 1 updated.")
        no_exception(page)
        [action] = read_in(env, list_actions)
        assert (action.title, action.owner, action.due_date, action.status) == (
            "Launch the loyalty programme – æøå",
            "Kari Nordmann",
            date(2027, 3, 31),
            "Not started",
        )
        assert action.shown_horizon == 6  # derived from the due date: within 6 months of the plan's start
    finally:
        page.context.close()
