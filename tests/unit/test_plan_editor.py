"""The plan table and step 3's progress, without a database: editor rows as service fields (editor_values),
editor state as commands with the plan's columns, and the implementation checks (implementation_progress)."""

from __future__ import annotations

from crmstrategy.core.editor import Create, Delete, Update, editor_commands
from crmstrategy.implementation.models import ActionRead
from crmstrategy.implementation.plan import EDITOR_COLUMNS, editor_values
from crmstrategy.workspace.method_path import Place
from crmstrategy.workspace.progress import implementation_progress

INITIATIVES = {"Proactive call": 11, "Project contact": 12}
LABELS = [
    "A plan for the next 3, 6 and 12 months",
    "One owner for every action",
    "Every initiative has an action",
    "The plan is maintained",
    "Anchored across departments and leaders",
]


def _action(id: int, title: str, horizon: int | None, owner: str = "Erik Solberg") -> ActionRead:
    return ActionRead(id=id, workspace_id=1, title=title, owner=owner, shown_horizon=horizon)


def _planned() -> list[ActionRead]:
    return [_action(1, "Signals", 3), _action(2, "Pilot", 6), _action(3, "Roll-out", 12)]


def _by_label(progress) -> dict:
    return {check.label: check for check in progress.checks}


# --- editor_values ----------------------------------------------------------------------------


def test_editor_values_keeps_the_plan_columns_turns_none_and_nan_into_none_and_drops_the_rest():
    values = {
        "title": "Call script",
        "owner": None,
        "department": float("nan"),
        "horizon": 6,
        "start_date": "2026-12-15",
        "due_date": float("nan"),
        "status": "In progress",
        "flags": "Overdue",
        "shown_horizon": 6,
        "id": 4,
    }
    assert editor_values(values, INITIATIVES) == {
        "title": "Call script",
        "owner": None,
        "department": None,
        "horizon": 6,
        "start_date": "2026-12-15",
        "due_date": None,
        "status": "In progress",
    }


def test_editor_values_turns_initiative_names_into_ids_and_an_unknown_name_into_minus_one():
    assert editor_values({"initiatives": ["Project contact", "Proactive call"]}, INITIATIVES) == {
        "initiative_ids": [12, 11]
    }
    assert editor_values({"initiatives": ["Proactive call", "Deleted from the map"]}, INITIATIVES) == {
        "initiative_ids": [11, -1]
    }
    assert editor_values({"initiatives": None}, INITIATIVES) == {"initiative_ids": []}


# --- editor_commands with the plan's columns --------------------------------------------------


def test_an_edited_plan_row_gives_an_update_with_only_its_edited_editable_columns():
    state = {
        "edited_rows": {
            1: {"owner": "Mona Dahl", "flags": "No owner", "shown_horizon": 3, "initiatives": ["Proactive call"]}
        }
    }
    commands = editor_commands([7, 8, 9], state, set(EDITOR_COLUMNS))
    assert commands.updates == [Update(8, {"owner": "Mona Dahl", "initiatives": ["Proactive call"]}, 2)]
    assert (commands.creates, commands.deletes) == ([], [])
    assert editor_values(commands.updates[0].changes, INITIATIVES) == {"owner": "Mona Dahl", "initiative_ids": [11]}


def test_an_added_plan_row_left_blank_is_ignored_and_a_filled_one_is_created():
    blank = {"title": "", "owner": None, "horizon": float("nan"), "initiatives": [], "flags": "No owner"}
    state = {"added_rows": [blank, {"title": "Print price lists", "initiatives": []}]}
    commands = editor_commands([7, 8], state, set(EDITOR_COLUMNS))
    assert commands.creates == [Create({"title": "Print price lists", "initiatives": []}, 4)]
    assert (commands.updates, commands.deletes) == ([], [])


def test_a_deleted_plan_row_gives_a_delete_and_its_edits_are_dropped():
    state = {"deleted_rows": [0], "edited_rows": {0: {"owner": "Tor Haugen"}}}
    commands = editor_commands([7, 8], state, set(EDITOR_COLUMNS))
    assert commands.deletes == [Delete(7, 1)]
    assert commands.updates == []


# --- implementation_progress ------------------------------------------------------------------


def test_without_actions_the_plan_checks_are_not_done_and_say_so():
    progress = implementation_progress([], reviewed=True, initiatives_without_action=[], anchoring=[])
    assert progress.step == "3 · Implementation"
    checks = progress.checks
    assert [c.done for c in checks[:4]] == [False, False, False, False]
    assert [c.detail for c in checks[:4]] == ["No actions yet."] * 4


def test_actions_in_only_the_3_and_6_month_horizons_name_the_missing_12():
    actions = [_action(1, "Signals", 3), _action(2, "Pilot", 6), _action(3, "Idea", None)]
    check = _by_label(implementation_progress(actions, True, [], []))["A plan for the next 3, 6 and 12 months"]
    assert (check.done, check.detail) == (False, "Nothing planned for: 12 months.")


def test_an_action_without_an_owner_is_named():
    actions = _planned() + [_action(4, "Counter training", 6, owner="  ")]
    check = _by_label(implementation_progress(actions, True, [], []))["One owner for every action"]
    assert (check.done, check.detail) == (False, "Without an owner: 'Counter training'.")


def test_initiatives_without_an_action_are_listed():
    progress = implementation_progress(_planned(), True, ["Loyalty programme", "Newsletter"], [])
    check = _by_label(progress)["Every initiative has an action"]
    assert (check.done, check.detail) == (False, "No action yet: 'Loyalty programme', 'Newsletter'.")


def test_a_plan_not_reviewed_for_90_days_is_not_maintained():
    check = _by_label(implementation_progress(_planned(), False, [], []))["The plan is maintained"]
    assert (check.done, check.detail) == (False, "Not reviewed for 90 days, or never.")


def test_the_anchoring_check_carries_the_first_warning():
    warnings = ["Only one department took part.", "No leader took part."]
    progress = implementation_progress(_planned(), True, [], warnings)
    last = progress.checks[-1]
    assert (last.label, last.done, last.detail, last.page) == (
        "Anchored across departments and leaders",
        False,
        "Only one department took part.",
        Place.ANCHORING,
    )
    assert progress.done_count == 4


def test_a_plan_in_order_has_all_five_checks_done_in_order_with_their_pages():
    progress = implementation_progress(_planned(), True, [], [])
    assert [c.label for c in progress.checks] == LABELS
    assert all(c.done for c in progress.checks)
    assert progress.done_count == 5
    assert [c.page for c in progress.checks] == [Place.PLAN] * 4 + [Place.ANCHORING]
    assert progress.checks[0].detail == "3 actions over all three horizons."
    assert progress.checks[-1].detail == "Leaders and several departments took part."
