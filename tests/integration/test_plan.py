"""Implementation-plan services on SQLite and PostgreSQL: the plan's start and the 3/6/12-month horizons,
actions and the initiatives they serve, refusals that write nothing, the change history, the plan's gaps,
reviews, who took part in which step, what the strategy means per role, deleting, and the 0007 migration."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, text
from sqlmodel import select

from crmstrategy.analysis.participants import create_participant, delete_participant, list_participants
from crmstrategy.core.db import read_session, unit_of_work, upgrade
from crmstrategy.implementation.anchoring import (
    add_review,
    delete_role_impact,
    list_reviews,
    list_role_impacts,
    participation,
    save_role_impact,
    set_participation,
)
from crmstrategy.implementation.models import (
    Action,
    ActionChange,
    ActionInitiative,
    PlanReview,
    RoleImpact,
    StepParticipation,
)
from crmstrategy.implementation.plan import (
    action_history,
    create_action,
    delete_action,
    list_actions,
    plan_gaps,
    set_plan_start,
    update_action,
)
from crmstrategy.implementation.plan_rules import add_months
from crmstrategy.strategy.strategy_map import create_node, delete_node, list_nodes
from crmstrategy.workspace.workspaces import delete_workspace, get_workspace
from tests.integration.support import call, count, new_workspace, read, version_of
from tests.support import refusal_of

START = date(2026, 1, 15)
TODAY = date(2026, 3, 1)


def _plan_rows(engine) -> tuple[int, int, int]:
    return count(engine, Action), count(engine, ActionChange), count(engine, ActionInitiative)


def _workspace(engine, name: str = "Acme", start: date | None = START) -> int:
    ws = new_workspace(engine, name)
    if start is not None:
        call(engine, set_plan_start, workspace_id=ws, start=start)
    return ws


def _add(engine, workspace_id: int, title: str = "Call quiet regulars", changed_by: str = "", **values):
    return call(engine, create_action, workspace_id=workspace_id, data={"title": title} | values, changed_by=changed_by)


def _update(engine, workspace_id: int, action_id: int, changed_by: str = "", **changes):
    return call(
        engine,
        update_action,
        version=version_of(engine, Action, action_id),
        workspace_id=workspace_id,
        action_id=action_id,
        changes=changes,
        changed_by=changed_by,
    )


def _actions(engine, workspace_id: int):
    return read(engine, list_actions, workspace_id=workspace_id)


def _history(engine, workspace_id: int, action_id: int):
    """Read in a session of its own and used after it, as the pages do."""
    return read(engine, action_history, workspace_id=workspace_id, action_id=action_id)


def _nodes(engine, workspace_id: int, kind: str):
    return [n for n in read(engine, list_nodes, workspace_id=workspace_id) if n.kind == kind]


def _initiative(engine, workspace_id: int, name: str) -> int:
    return call(engine, create_node, workspace_id=workspace_id, data={"kind": "initiative", "name": name}).id


def _people(engine, workspace_id: int):
    return read(engine, list_participants, workspace_id=workspace_id)


# --- the plan's start and the horizons ----------------------------------------------------------


def test_the_shown_horizon_follows_the_due_date_counted_from_the_plan_start(engine):
    ws = _workspace(engine)
    assert read(engine, get_workspace, workspace_id=ws).plan_start == START
    cases = [
        ("2026-04-15", 3, False),
        ("2026-04-16", 6, False),
        ("2026-07-15", 6, False),
        ("2026-07-16", 12, False),
        ("2027-01-15", 12, False),
        ("2027-01-16", 12, True),
    ]
    for due, horizon, beyond in cases:
        saved = _add(engine, ws, f"Due {due}", due_date=due)
        assert (saved.due_date, saved.horizon, saved.shown_horizon, saved.beyond_plan) == (
            date.fromisoformat(due),
            None,
            horizon,
            beyond,
        ), due
    assert [(a.shown_horizon, a.beyond_plan) for a in _actions(engine, ws)] == [(h, b) for _, h, b in cases]
    # Moving the start moves what the same actions show.
    assert call(engine, set_plan_start, workspace_id=ws, start="2026-03-15") == date(2026, 3, 15)
    assert [(a.shown_horizon, a.beyond_plan) for a in _actions(engine, ws)] == [
        (3, False),
        (3, False),
        (6, False),
        (6, False),
        (12, False),
        (12, False),
    ]


def test_without_a_plan_start_the_horizons_count_from_the_day_the_workspace_was_made(engine):
    ws = _workspace(engine, start=None)
    workspace = read(engine, get_workspace, workspace_id=ws)
    assert workspace.plan_start is None
    made = workspace.created_at.date()
    on_end = _add(engine, ws, "On the end", due_date=add_months(made, 3))
    after = _add(engine, ws, "A day later", due_date=add_months(made, 3) + timedelta(days=1))
    late = _add(engine, ws, "Next year", due_date=add_months(made, 12) + timedelta(days=1))
    assert (on_end.shown_horizon, after.shown_horizon, late.shown_horizon, late.beyond_plan) == (3, 6, 12, True)
    refused = refusal_of(
        engine,
        create_action,
        workspace_id=ws,
        data={"title": "Hand-set", "due_date": add_months(made, 3) + timedelta(days=1), "horizon": 3},
    )
    assert made.isoformat() in refused.problems[0].message


def test_a_hand_set_horizon_without_due_date_is_parsed_and_shown(engine):
    ws = _workspace(engine)
    for value, months in (("6", 6), ("6 months", 6), (12, 12), ("3 Month", 3)):
        saved = _add(engine, ws, f"Horizon {value}", horizon=value)
        assert (saved.horizon, saved.shown_horizon, saved.due_date) == (months, months, None), value
    nothing = _add(engine, ws, "No horizon")
    assert (nothing.horizon, nothing.shown_horizon, nothing.beyond_plan) == (None, None, False)


def test_actions_are_listed_by_due_date_with_undated_last_and_only_their_own_workspace(engine):
    ws, other = _workspace(engine), _workspace(engine, "Other")
    for title, due in (
        ("Undated A", None),
        ("Summer", "2026-07-01"),
        ("Spring", "2026-03-01"),
        ("Undated B", None),
        ("Autumn", "2026-10-01"),
    ):
        _add(engine, ws, title, due_date=due)
    _add(engine, other, "Elsewhere", due_date="2026-02-01")
    assert [a.title for a in _actions(engine, ws)] == ["Spring", "Summer", "Autumn", "Undated A", "Undated B"]
    assert [a.title for a in _actions(engine, other)] == ["Elsewhere"]


def test_initiatives_are_stored_once_and_read_back_with_names_in_map_order(engine, demo_workspace_id):
    ws = demo_workspace_id
    initiatives = _nodes(engine, ws, "initiative")
    first, second, third = initiatives[0], initiatives[1], initiatives[3]
    saved = _add(engine, ws, initiative_ids=[third.id, first.id, third.id, second.id])
    expected_ids, expected_names = [first.id, second.id, third.id], [first.name, second.name, third.name]
    assert (saved.initiative_ids, saved.initiative_names) == (expected_ids, expected_names)
    [listed] = [a for a in _actions(engine, ws) if a.id == saved.id]
    assert (listed.initiative_ids, listed.initiative_names) == (expected_ids, expected_names)
    assert count(engine, ActionInitiative, action_id=saved.id) == 3


# --- refusals ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "values, field",
    [
        ({"title": "   "}, "Title"),
        ({"horizon": 4}, "Horizon"),
        ({"horizon": "six"}, "Horizon"),
        ({"horizon": "6.5"}, "Horizon"),
        ({"status": "Later"}, "Status"),
        ({"kind": "Memo"}, "Kind"),
        ({"due_date": "31.12.2026"}, "Due"),
    ],
    ids=["empty-title", "horizon-4", "horizon-text", "horizon-6.5", "unknown-status", "unknown-kind", "bad-due-date"],
)
def test_a_refused_action_names_the_field_and_writes_nothing(engine, values, field):
    ws = _workspace(engine)
    _add(engine, ws, "Already there")
    before = _plan_rows(engine)
    refused = refusal_of(engine, create_action, workspace_id=ws, data={"title": "New action"} | values)
    assert [p.field for p in refused.problems] == [field], refused.problems
    assert _plan_rows(engine) == before


def test_a_due_date_before_the_start_is_refused_naming_both_dates_and_writes_nothing(engine):
    ws = _workspace(engine)
    before = _plan_rows(engine)
    refused = refusal_of(
        engine,
        create_action,
        workspace_id=ws,
        data={"title": "Backwards", "start_date": "2026-03-01", "due_date": "2026-02-01"},
    )
    [problem] = refused.problems
    assert "2026-02-01" in problem.message and "2026-03-01" in problem.message
    assert _plan_rows(engine) == before


def test_a_due_date_before_the_start_is_reported_on_a_date_field(engine):
    ws = _workspace(engine)
    refused = refusal_of(
        engine,
        create_action,
        workspace_id=ws,
        data={"title": "Backwards", "start_date": "2026-03-01", "due_date": "2026-02-01"},
    )
    assert refused.problems[0].field in ("Due", "Start")


def test_a_hand_set_horizon_contradicting_the_due_date_is_refused_naming_the_expected_horizon(engine):
    ws = _workspace(engine)
    before = _plan_rows(engine)
    refused = refusal_of(
        engine,
        create_action,
        workspace_id=ws,
        data={"title": "Quick win", "due_date": "2026-09-01", "horizon": "3 months"},
    )
    [problem] = refused.problems
    assert problem.field == "Horizon"
    assert "12-month" in problem.message and "2026-09-01" in problem.message and START.isoformat() in problem.message
    assert _plan_rows(engine) == before
    agreeing = _add(engine, ws, "Agrees", due_date="2026-09-01", horizon=12)
    assert (agreeing.horizon, agreeing.shown_horizon) == (12, 12)


def test_an_objective_or_another_workspaces_initiative_is_not_accepted_as_an_initiative(engine, demo_workspace_id):
    ws = demo_workspace_id
    objective = _nodes(engine, ws, "objective")[0]
    foreign = _initiative(engine, new_workspace(engine, "Other"), "Their initiative")
    own = _nodes(engine, ws, "initiative")[0]
    before = _plan_rows(engine)
    for wrong in (objective.id, foreign, 999_999):
        refused = refusal_of(
            engine, create_action, workspace_id=ws, data={"title": "Serve it", "initiative_ids": [own.id, wrong]}
        )
        assert [p.field for p in refused.problems] == ["Initiatives"], wrong
    assert _plan_rows(engine) == before


def test_another_workspaces_action_cannot_be_changed_deleted_or_read_through_this_one(engine):
    ws, other = _workspace(engine), _workspace(engine, "Other")
    theirs = _add(engine, other, "Theirs", owner="Kari")
    before = _plan_rows(engine)
    attempts = [
        (update_action, {"changes": {"title": "Mine now"}, "version": 1}),
        (delete_action, {}),
        (action_history, {}),
    ]
    for service, extra in attempts:
        refused = refusal_of(engine, service, workspace_id=ws, action_id=theirs.id, **extra)
        assert "does not exist in this workspace" in str(refused), service.__name__
    assert _plan_rows(engine) == before
    [kept] = _actions(engine, other)
    assert (kept.title, kept.owner) == ("Theirs", "Kari")


def test_a_plan_start_that_is_not_a_date_is_refused_and_the_old_start_kept(engine):
    ws = _workspace(engine)
    for wrong in ("not a date", ""):
        refused = refusal_of(engine, set_plan_start, workspace_id=ws, start=wrong)
        assert [p.field for p in refused.problems] == ["Plan start"], wrong
    assert read(engine, get_workspace, workspace_id=ws).plan_start == START


# --- owners --------------------------------------------------------------------------------------


def test_an_owner_outside_the_participants_and_an_empty_owner_are_both_saved(engine, demo_workspace_id):
    ws = demo_workspace_id
    names = {p.name for p in _people(engine, ws)}
    assert "Ola Nordmann" not in names
    outsider = _add(engine, ws, "Outsider owns it", owner="  Ola   Nordmann ")
    nobody = _add(engine, ws, "Nobody owns it", owner="")
    assert (outsider.owner, nobody.owner) == ("Ola Nordmann", "")
    owners = {a.id: a.owner for a in _actions(engine, ws)}
    assert (owners[outsider.id], owners[nobody.id]) == ("Ola Nordmann", "")


# --- history -------------------------------------------------------------------------------------


def test_an_update_records_one_change_per_changed_field_with_old_and_new_as_text(engine):
    ws = _workspace(engine)
    saved = _add(engine, ws, owner="Mona Dahl", due_date="2026-03-01")
    changed = _update(
        engine,
        ws,
        saved.id,
        changed_by=" Tor ",
        owner="Tor Haugen",
        start_date="2026-02-01",
        due_date="2026-05-01",
        status="in progress",
    )
    assert (changed.owner, changed.status, changed.due_date, changed.shown_horizon) == (
        "Tor Haugen",
        "In progress",
        date(2026, 5, 1),
        6,
    )
    changes = [c for c in _history(engine, ws, saved.id) if c.field != "created"]
    assert sorted((c.field, c.old, c.new) for c in changes) == [
        ("due_date", "2026-03-01", "2026-05-01"),
        ("owner", "Mona Dahl", "Tor Haugen"),
        ("start_date", "", "2026-02-01"),
        ("status", "Not started", "In progress"),
    ]
    assert {c.changed_by for c in changes} == {"Tor"}
    assert len({c.changed_at for c in changes}) == 1


def test_dating_an_action_lets_the_dates_replace_a_hand_set_horizon_and_records_it(engine):
    ws = _workspace(engine)
    saved = _add(engine, ws, horizon="12 months")
    dated = _update(engine, ws, saved.id, changed_by="Erik", due_date="2026-03-01")
    assert (dated.horizon, dated.shown_horizon, dated.due_date) == (None, 3, date(2026, 3, 1))
    changes = {c.field: (c.old, c.new) for c in _history(engine, ws, saved.id)}
    assert (changes["horizon"], changes["due_date"]) == (("12", ""), ("", "2026-03-01"))
    refused = refusal_of(
        engine,
        update_action,
        version=version_of(engine, Action, saved.id),
        workspace_id=ws,
        action_id=saved.id,
        changes={"due_date": "2026-09-01", "horizon": 3},
    )
    assert "12-month" in refused.problems[0].message
    [kept] = _actions(engine, ws)
    assert (kept.horizon, kept.due_date) == (None, date(2026, 3, 1))


def test_unchanged_or_only_reformatted_fields_write_no_history(engine):
    ws = _workspace(engine)
    saved = _add(engine, ws, "Same title", owner="Tor Haugen", status="Done", due_date="2026-03-01")
    _update(
        engine,
        ws,
        saved.id,
        title=" Same title ",
        owner="Tor   Haugen",
        status="done",
        due_date=date(2026, 3, 1),
        initiative_ids=[],
    )
    assert [c.field for c in _history(engine, ws, saved.id)] == ["created"]
    _update(engine, ws, saved.id, notes="Spoke to Erik.")
    assert [(c.field, c.old, c.new) for c in _history(engine, ws, saved.id)][0] == ("notes", "", "Spoke to Erik.")
    assert count(engine, ActionChange, action_id=saved.id) == 2


def test_changing_the_initiatives_records_their_old_and_new_names(engine, demo_workspace_id):
    ws = demo_workspace_id
    first, second = _nodes(engine, ws, "initiative")[:2]
    saved = _add(engine, ws, initiative_ids=[first.id])
    changed = _update(engine, ws, saved.id, changed_by="Siri", initiative_ids=[second.id])
    assert changed.initiative_names == [second.name]
    latest = _history(engine, ws, saved.id)[0]
    assert (latest.field, latest.old, latest.new, latest.changed_by) == (
        "initiative_ids",
        first.name,
        second.name,
        "Siri",
    )
    _update(engine, ws, saved.id, initiative_ids=[second.id])  # the same set again: no entry
    _update(engine, ws, saved.id, initiative_ids=[])
    latest = _history(engine, ws, saved.id)[0]
    assert (latest.field, latest.old, latest.new) == ("initiative_ids", second.name, "")
    assert [c.field for c in _history(engine, ws, saved.id)] == ["initiative_ids", "initiative_ids", "created"]
    assert count(engine, ActionInitiative, action_id=saved.id) == 0


def test_creation_is_recorded_and_the_history_is_newest_first(engine):
    ws = _workspace(engine)
    saved = _add(engine, ws, "Draft", changed_by=" Hanne Lie ")
    [created] = _history(engine, ws, saved.id)
    assert (created.field, created.old, created.new, created.changed_by, created.action_id) == (
        "created",
        "",
        "Draft",
        "Hanne Lie",
        saved.id,
    )
    _update(engine, ws, saved.id, title="Final")
    _update(engine, ws, saved.id, status="Blocked", owner="Erik")
    history = _history(engine, ws, saved.id)
    assert [(c.field, c.new) for c in history] == [
        ("status", "Blocked"),
        ("owner", "Erik"),
        ("title", "Final"),
        ("created", "Draft"),
    ]
    assert [c.changed_at for c in history] == sorted((c.changed_at for c in history), reverse=True)


def test_a_refused_update_changes_nothing_and_writes_no_history(engine, demo_workspace_id):
    ws = demo_workspace_id
    objective = _nodes(engine, ws, "objective")[0]
    initiative = _nodes(engine, ws, "initiative")[0]
    call(engine, set_plan_start, workspace_id=ws, start=START)
    saved = _add(engine, ws, "Keep me", due_date="2026-03-01", initiative_ids=[initiative.id])
    before = _plan_rows(engine)
    wrong_changes = [
        ({"title": "Changed", "start_date": "2026-04-01"}, "Due"),
        ({"title": "Changed", "horizon": 12}, "Horizon"),
        ({"title": "Changed", "status": "Someday"}, "Status"),
        ({"title": "Changed", "initiative_ids": [objective.id]}, "Initiatives"),
        ({"title": ""}, "Title"),
    ]
    for changes, field in wrong_changes:
        refused = refusal_of(
            engine,
            update_action,
            version=version_of(engine, Action, saved.id),
            workspace_id=ws,
            action_id=saved.id,
            changes=changes,
        )
        assert field is None or [p.field for p in refused.problems] == [field], changes
    assert _plan_rows(engine) == before
    [kept] = [a for a in _actions(engine, ws) if a.id == saved.id]
    assert (kept.title, kept.start_date, kept.horizon, kept.status, kept.initiative_ids) == (
        "Keep me",
        None,
        None,
        "Not started",
        [initiative.id],
    )
    assert [c.field for c in _history(engine, ws, saved.id)] == ["created"]


def test_deleting_an_action_removes_its_history_and_links_and_no_others(engine, demo_workspace_id):
    ws = demo_workspace_id
    first, second = _nodes(engine, ws, "initiative")[:2]
    gone = _add(engine, ws, "Gone", initiative_ids=[first.id, second.id])
    kept = _add(engine, ws, "Kept", initiative_ids=[first.id])
    _update(engine, ws, gone.id, owner="Erik")
    _update(engine, ws, kept.id, owner="Mona")
    assert call(engine, delete_action, workspace_id=ws, action_id=gone.id) == "Gone"
    assert (
        count(engine, Action, id=gone.id),
        count(engine, ActionChange, action_id=gone.id),
        count(engine, ActionInitiative, action_id=gone.id),
    ) == (0, 0, 0)
    titles = [a.title for a in _actions(engine, ws)]
    assert "Kept" in titles and "Gone" not in titles
    assert [c.field for c in _history(engine, ws, kept.id)] == ["owner", "created"]
    assert count(engine, ActionInitiative, action_id=kept.id) == 1


# --- gaps ----------------------------------------------------------------------------------------


def test_plan_gaps_on_the_demo_follow_the_actions_as_they_come_and_go(engine, demo_workspace_id):
    ws = demo_workspace_id
    initiatives = _nodes(engine, ws, "initiative")
    actions = _actions(engine, ws)
    served = {i for a in actions for i in a.initiative_ids}
    unserved, loose = read(engine, plan_gaps, workspace_id=ws)
    assert unserved == [n.name for n in initiatives if n.id not in served] == ["Monthly newsletter with product news"]
    assert sorted(loose) == sorted(a.title for a in actions if not a.initiative_ids) and len(loose) == 2

    # Without its actions an initiative is back among the unserved, in map order.
    loyalty = next(n for n in initiatives if n.name == "Loyalty programme for installers")
    with unit_of_work(engine) as session:
        for action in actions:
            if loyalty.id in action.initiative_ids:
                delete_action(session=session, workspace_id=ws, action_id=action.id)
    assert read(engine, plan_gaps, workspace_id=ws)[0] == [
        "Loyalty programme for installers",
        "Monthly newsletter with product news",
    ]

    newsletter = next(n for n in initiatives if n.name == "Monthly newsletter with product news")
    _add(engine, ws, "Newsletter about the loyalty programme", initiative_ids=[newsletter.id])
    _add(engine, ws, "Tidy the customer data")
    _add(engine, new_workspace(engine, "Other"), "Their loose action")
    assert read(engine, plan_gaps, workspace_id=ws) == (
        ["Loyalty programme for installers"],
        loose + ["Tidy the customer data"],
    )


# --- reviews -------------------------------------------------------------------------------------


def test_reviews_are_stored_and_listed_newest_first(engine):
    ws, other = _workspace(engine), _workspace(engine, "Other")
    for day, by in (("2026-02-01", "Hanne Lie"), ("2026-03-01", "Erik Solberg"), ("2026-01-10", "Mona Dahl")):
        call(
            engine,
            add_review,
            workspace_id=ws,
            data={"reviewed_on": day, "reviewed_by": by, "changes": "Moved"},
            today=TODAY,
        )
    call(engine, add_review, workspace_id=other, data={"reviewed_on": "2026-02-15", "reviewed_by": "Kari"}, today=TODAY)
    reviews = read(engine, list_reviews, workspace_id=ws)
    assert [(r.reviewed_on, r.reviewed_by, r.changes) for r in reviews] == [
        (date(2026, 3, 1), "Erik Solberg", "Moved"),
        (date(2026, 2, 1), "Hanne Lie", "Moved"),
        (date(2026, 1, 10), "Mona Dahl", "Moved"),
    ]
    assert count(engine, PlanReview, workspace_id=ws) == 3


@pytest.mark.parametrize(
    "data, field",
    [
        ({"reviewed_on": "2026-03-02", "reviewed_by": "Hanne Lie"}, "Reviewed on"),
        ({"reviewed_on": "2026-02-02", "reviewed_by": "  "}, "Reviewed by"),
        ({"reviewed_on": "2026-02-02"}, "Reviewed by"),
    ],
    ids=["future", "blank-name", "no-name"],
)
def test_a_review_in_the_future_or_without_a_name_is_refused(engine, data, field):
    ws = _workspace(engine)
    refused = refusal_of(engine, add_review, workspace_id=ws, data=data, today=TODAY)
    assert [p.field for p in refused.problems] == [field], refused.problems
    assert count(engine, PlanReview) == 0


# --- participation -------------------------------------------------------------------------------


def test_participation_is_stored_in_method_order_and_replaces_the_previous_set(engine, demo_workspace_id):
    ws = demo_workspace_id
    erik, hanne, mona = _people(engine, ws)[:3]
    before = read(engine, participation, workspace_id=ws)
    assert before[erik.id] == ["Analysis", "Strategy", "Implementation"]
    stored = call(
        engine,
        set_participation,
        workspace_id=ws,
        participant_id=erik.id,
        steps=["Implementation", "Analysis", "Implementation"],
    )
    assert stored == ["Analysis", "Implementation"]
    call(engine, set_participation, workspace_id=ws, participant_id=mona.id, steps=["Strategy", "Analysis"])
    assert read(engine, participation, workspace_id=ws) == before | {
        erik.id: ["Analysis", "Implementation"],
        mona.id: ["Analysis", "Strategy"],
    }
    call(engine, set_participation, workspace_id=ws, participant_id=hanne.id, steps=[])
    after = read(engine, participation, workspace_id=ws)
    assert hanne.id not in after and after[erik.id] == ["Analysis", "Implementation"]
    assert count(engine, StepParticipation, participant_id=erik.id) == 2
    assert count(engine, StepParticipation, participant_id=hanne.id) == 0


def test_an_unknown_step_or_another_workspaces_participant_is_refused(engine, demo_workspace_id):
    ws = demo_workspace_id
    erik = _people(engine, ws)[0]
    before, rows = read(engine, participation, workspace_id=ws), count(engine, StepParticipation)
    refused = refusal_of(
        engine, set_participation, workspace_id=ws, participant_id=erik.id, steps=["Strategy", "Celebration"]
    )
    assert refused.problems[0].field == "Steps" and "Celebration" in refused.problems[0].message
    other = new_workspace(engine, "Other")
    stranger = call(engine, create_participant, workspace_id=other, data={"name": "Kari"})
    refused = refusal_of(engine, set_participation, workspace_id=ws, participant_id=stranger.id, steps=["Analysis"])
    assert "does not exist in this workspace" in str(refused)
    assert read(engine, participation, workspace_id=ws) == before
    assert read(engine, participation, workspace_id=other) == {}
    assert count(engine, StepParticipation) == rows


def test_deleting_a_participant_removes_their_participation(engine, demo_workspace_id):
    ws = demo_workspace_id
    erik = _people(engine, ws)[0]
    before = read(engine, participation, workspace_id=ws)
    assert count(engine, StepParticipation, participant_id=erik.id) == 3
    assert call(engine, delete_participant, workspace_id=ws, participant_id=erik.id) == erik.name
    assert count(engine, StepParticipation, participant_id=erik.id) == 0
    assert read(engine, participation, workspace_id=ws) == {p: s for p, s in before.items() if p != erik.id}


# --- role impacts --------------------------------------------------------------------------------


def test_role_impacts_are_created_in_order_and_updated_in_place(engine):
    ws = _workspace(engine)
    sales = call(
        engine,
        save_role_impact,
        workspace_id=ws,
        data={"audience": "Sales", "means": "Fewer lost regulars", "must_do": "Call within a week"},
    )
    service = call(engine, save_role_impact, workspace_id=ws, data={"audience": "Customer service"})
    changed = call(
        engine,
        save_role_impact,
        workspace_id=ws,
        impact_id=sales.id,
        data={"audience": "SALES", "means": "Keep the regulars", "do_differently": "Log every call"},
    )
    assert changed.id == sales.id
    listed = read(engine, list_role_impacts, workspace_id=ws)
    assert [(r.id, r.audience, r.means, r.must_do, r.do_differently) for r in listed] == [
        (sales.id, "SALES", "Keep the regulars", "", "Log every call"),
        (service.id, "Customer service", "", "", ""),
    ]
    assert count(engine, RoleImpact) == 2


def test_the_same_audience_twice_ignoring_case_is_refused(engine):
    ws = _workspace(engine)
    call(engine, save_role_impact, workspace_id=ws, data={"audience": "Sales", "means": "More calls"})
    it = call(engine, save_role_impact, workspace_id=ws, data={"audience": "IT"})
    for data, impact_id in (({"audience": "sales"}, None), ({"audience": " SALES "}, it.id)):
        refused = refusal_of(engine, save_role_impact, workspace_id=ws, data=data, impact_id=impact_id)
        assert [p.field for p in refused.problems] == ["Role or department"], data
    assert [(r.audience, r.means) for r in read(engine, list_role_impacts, workspace_id=ws)] == [
        ("Sales", "More calls"),
        ("IT", ""),
    ]
    other = _workspace(engine, "Other")
    assert call(engine, save_role_impact, workspace_id=other, data={"audience": "Sales"}).audience == "Sales"


def test_role_impacts_are_deleted_but_never_through_another_workspace(engine):
    ws, other = _workspace(engine), _workspace(engine, "Other")
    mine = call(engine, save_role_impact, workspace_id=ws, data={"audience": "Marketing"})
    theirs = call(engine, save_role_impact, workspace_id=other, data={"audience": "Finance", "means": "Budget"})
    assert "does not exist in this workspace" in str(
        refusal_of(engine, delete_role_impact, workspace_id=ws, impact_id=theirs.id)
    )
    assert "does not exist in this workspace" in str(
        refusal_of(engine, save_role_impact, workspace_id=ws, impact_id=theirs.id, data={"audience": "Taken over"})
    )
    assert [(r.audience, r.means) for r in read(engine, list_role_impacts, workspace_id=other)] == [
        ("Finance", "Budget")
    ]
    assert call(engine, delete_role_impact, workspace_id=ws, impact_id=mine.id) == "Marketing"
    assert read(engine, list_role_impacts, workspace_id=ws) == []
    assert count(engine, RoleImpact) == 1


# --- deleting what the plan hangs on -------------------------------------------------------------


def _plan_counts(engine, ws: int, participant_ids: list[int]) -> dict[str, int]:
    with read_session(engine) as session:
        links = session.exec(
            select(func.count())
            .select_from(ActionInitiative)
            .join(Action, Action.id == ActionInitiative.action_id)
            .where(Action.workspace_id == ws)
        ).one()
    return {
        "actions": count(engine, Action, workspace_id=ws),
        "history": count(engine, ActionChange, workspace_id=ws),
        "links": links,
        "reviews": count(engine, PlanReview, workspace_id=ws),
        "participation": sum(count(engine, StepParticipation, participant_id=p) for p in participant_ids),
        "role impacts": count(engine, RoleImpact, workspace_id=ws),
    }


def test_deleting_the_workspace_removes_its_whole_plan_and_nothing_of_another(engine, demo_workspace_id):
    ws = demo_workspace_id
    first, second = _nodes(engine, ws, "initiative")[:2]
    people = [p.id for p in _people(engine, ws)]
    action = _add(engine, ws, initiative_ids=[first.id, second.id])
    _update(engine, ws, action.id, owner="Erik Solberg")
    call(engine, add_review, workspace_id=ws, data={"reviewed_on": "2026-02-01", "reviewed_by": "Hanne"}, today=TODAY)
    call(engine, save_role_impact, workspace_id=ws, data={"audience": "Finance"})

    other = new_workspace(engine, "Other")
    stranger = call(engine, create_participant, workspace_id=other, data={"name": "Kari"}).id
    _add(engine, other, "Theirs", initiative_ids=[_initiative(engine, other, "Their initiative")])
    call(engine, add_review, workspace_id=other, data={"reviewed_on": "2026-02-01", "reviewed_by": "Kari"}, today=TODAY)
    call(engine, set_participation, workspace_id=other, participant_id=stranger, steps=["Analysis"])
    call(engine, save_role_impact, workspace_id=other, data={"audience": "Sales"})
    before = _plan_counts(engine, ws, people)
    assert all(before.values()), before
    kept = _plan_counts(engine, other, [stranger])
    assert kept == {"actions": 1, "history": 1, "links": 1, "reviews": 1, "participation": 1, "role impacts": 1}

    name = read(engine, get_workspace, workspace_id=ws).name
    call(engine, delete_workspace, workspace_id=ws, confirm_name=name)

    assert _plan_counts(engine, ws, people) == dict.fromkeys(kept, 0)
    assert count(engine, ActionInitiative, action_id=action.id) == 0
    assert _plan_counts(engine, other, [stranger]) == kept
    assert (
        count(engine, Action),
        count(engine, ActionChange),
        count(engine, ActionInitiative),
        count(engine, PlanReview),
        count(engine, StepParticipation),
        count(engine, RoleImpact),
    ) == (1,) * 6


def test_deleting_an_initiative_removes_its_links_but_keeps_the_actions_and_their_history(engine, demo_workspace_id):
    ws = demo_workspace_id
    doomed, staying = _nodes(engine, ws, "initiative")[:2]
    both = _add(engine, ws, "Serves both", initiative_ids=[doomed.id, staying.id])
    only = _add(engine, ws, "Serves the doomed one", initiative_ids=[doomed.id])
    actions_before, history_before = count(engine, Action), count(engine, ActionChange)
    assert count(engine, ActionInitiative, node_id=doomed.id) > 2
    call(engine, delete_node, workspace_id=ws, node_id=doomed.id)

    by_id = {a.id: a for a in _actions(engine, ws)}
    assert (by_id[both.id].initiative_ids, by_id[both.id].initiative_names) == ([staying.id], [staying.name])
    assert by_id[only.id].initiative_ids == []
    assert count(engine, ActionInitiative, node_id=doomed.id) == 0
    assert (count(engine, Action), count(engine, ActionChange)) == (actions_before, history_before)
    assert [c.field for c in _history(engine, ws, both.id)] == ["created"]
    assert "Serves the doomed one" in read(engine, plan_gaps, workspace_id=ws)[1]


# --- migration -----------------------------------------------------------------------------------


def test_a_workspace_from_0006_gets_no_plan_start_and_no_actions_and_then_works(empty_engine):
    upgrade(empty_engine, "0006")
    with empty_engine.begin() as connection:
        ws = connection.execute(
            text(
                "INSERT INTO workspace (name, currency, description, weight_size, weight_potential, weight_growth, "
                "max_long_term_goals, created_at, updated_at) "
                "VALUES ('Gammel Rørhandel', 'NOK', '', 30, 40, 30, 5, :now, :now) RETURNING id"
            ),
            {"now": "2025-05-01 10:00:00+00:00"},
        ).scalar_one()

    upgrade(empty_engine)

    assert read(empty_engine, get_workspace, workspace_id=ws).plan_start is None
    assert _actions(empty_engine, ws) == []
    assert read(empty_engine, plan_gaps, workspace_id=ws) == ([], [])
    on_end = _add(empty_engine, ws, "On the end", due_date="2025-08-01")
    after = _add(empty_engine, ws, "A day later", due_date="2025-08-02")
    assert (on_end.shown_horizon, after.shown_horizon) == (3, 6)
