"""Nothing stale: every edit carries the version it was drawn from, and an edit drawn before someone
else saved is refused with what the item is now, nothing written (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from crmstrategy.analysis.insights import create_insight, update_insight
from crmstrategy.analysis.models import Segment
from crmstrategy.analysis.participants import create_participant, delete_participant, update_participant
from crmstrategy.analysis.personas import update_persona
from crmstrategy.analysis.segments import apply_segment_edits, update_segment
from crmstrategy.analysis.strengths import (
    key_factor_versions,
    segment_factors,
    set_agreed_strengths,
    set_segment_factors,
)
from crmstrategy.core.db import read_session
from crmstrategy.core.editor import editor_commands
from crmstrategy.core.errors import ValidationProblem
from crmstrategy.core.models import Workspace
from crmstrategy.core.versioning import StaleEdit
from crmstrategy.implementation.anchoring import save_role_impact
from crmstrategy.implementation.feedback import create_feedback, update_feedback
from crmstrategy.implementation.follow_up import measurement_versions, set_goal_measurements
from crmstrategy.implementation.models import Action, ActionChange
from crmstrategy.implementation.plan import action_history, create_action, list_actions, update_action
from crmstrategy.strategy.goals import (
    create_goal,
    milestone_versions,
    milestones_of,
    set_milestones,
    update_goal,
)
from crmstrategy.strategy.models import Goal
from crmstrategy.strategy.strategy_map import create_node, update_node
from crmstrategy.strategy.targets import save_priorities, set_priority
from crmstrategy.workspace.workspaces import get_workspace, update_workspace
from tests.integration.support import call, new_persona, new_segment, new_workspace, read, run_together

TODAY = date(2026, 12, 1)
STALE = "was changed by someone else since you opened it: here is what it is now."


def _stale(engine, service, **kwargs) -> StaleEdit:
    with pytest.raises(StaleEdit) as info:
        call(engine, service, **kwargs)
    return info.value


def _action(engine, ws: int, title: str = "Call the top 20 installers", **values):
    return call(
        engine,
        create_action,
        workspace_id=ws,
        data={"title": title, "owner": "Kari Holm", "department": "Sales"} | values,
    )


def test_a_new_row_is_at_version_1_and_every_save_moves_it_on_by_one(engine):
    ws = new_workspace(engine)
    segment = new_segment(engine, ws, "Installers")
    assert read(engine, update_segment.__globals__["get_segment"], workspace_id=ws, segment_id=segment).version == 1
    first = call(engine, update_segment, workspace_id=ws, segment_id=segment, version=1, changes={"notes": "a"})
    second = call(
        engine, update_segment, workspace_id=ws, segment_id=segment, version=2, changes={"value_drivers": ["Price"]}
    )  # only the segment's drivers change: still a new version
    assert (first.version, second.version) == (2, 3)


def test_a_write_through_any_other_service_moves_the_version_on_too(engine):
    ws = new_workspace(engine)
    segment = new_segment(engine, ws, "Installers")
    call(engine, set_priority, workspace_id=ws, segment_id=segment, priority="Primary target", rationale="Biggest")
    with read_session(engine) as session:
        assert session.get(Segment, segment).version == 2


def test_two_people_editing_one_action_the_second_save_is_refused_and_nothing_is_lost(engine):
    ws = new_workspace(engine)
    action = _action(engine, ws)
    drawn = action.version  # both opened the plan at this version
    call(
        engine,
        update_action,
        workspace_id=ws,
        action_id=action.id,
        version=drawn,
        changed_by="Kari",
        changes={"title": "Call the top 25 installers"},
    )
    refused = _stale(
        engine,
        update_action,
        workspace_id=ws,
        action_id=action.id,
        version=drawn,
        changed_by="Per",
        changes={"title": "Visit the top 20 installers", "owner": "Per Lie"},
    )
    assert str(refused) == f"'Call the top 25 installers' {STALE}"
    assert refused.current["Title"] == "Call the top 25 installers"
    assert refused.current["Owner"] == "Kari Holm"
    [kept] = read(engine, list_actions, workspace_id=ws)
    assert (kept.title, kept.owner, kept.version) == ("Call the top 25 installers", "Kari Holm", 2)
    history = read(engine, action_history, workspace_id=ws, action_id=action.id)
    assert [(h.changed_by, h.field, h.new) for h in history if h.field != "created"] == [
        ("Kari", "title", "Call the top 25 installers")
    ]


def test_two_people_saving_one_action_at_the_same_moment_one_wins_one_is_told(engine):
    ws = new_workspace(engine)
    action = _action(engine, ws)

    def save(title: str, by: str):
        def job():
            call(
                engine,
                update_action,
                workspace_id=ws,
                action_id=action.id,
                version=1,
                changed_by=by,
                changes={"title": title},
            )

        return job

    errors = run_together([save("Kari's title", "Kari"), save("Per's title", "Per")])
    assert len(errors) == 1 and isinstance(errors[0], StaleEdit), errors
    [kept] = read(engine, list_actions, workspace_id=ws)
    assert kept.version == 2 and kept.title in ("Kari's title", "Per's title")
    with read_session(engine) as session:
        changes = session.exec(
            select(ActionChange.new).where(ActionChange.action_id == action.id, ActionChange.field == "title")
        ).all()
    assert list(changes) == [kept.title]


def test_a_stale_edit_is_refused_for_every_kind_of_item(engine):
    ws = new_workspace(engine)
    segment = new_segment(engine, ws, "Installers")
    persona = new_persona(engine, ws, segment, "Ivar the installer")
    person = call(engine, create_participant, workspace_id=ws, data={"name": "Erik Solberg", "department": "Sales"})
    insight = call(
        engine,
        create_insight,
        workspace_id=ws,
        data={"text": "They want stock", "kind": "Need", "source_type": "Customer interview", "recorded_on": TODAY},
    )
    objective = call(engine, create_node, workspace_id=ws, data={"kind": "objective", "name": "Keep installers"})
    goal = call(
        engine,
        create_goal,
        workspace_id=ws,
        today=TODAY,
        data={
            "objective_id": objective.id,
            "metric": "Churn",
            "baseline": 10,
            "target": 8,
            "deadline": date(2027, 12, 31),
            "owner": "Kari",
        },
    )
    feedback = call(
        engine, create_feedback, workspace_id=ws, today=TODAY, data={"text": "Deliveries late", "received_on": TODAY}
    )
    impact = call(engine, save_role_impact, workspace_id=ws, data={"audience": "Sales", "means": "More visits"})
    cases = [
        (update_segment, {"segment_id": segment}, {"notes": "x"}, "'Installers'"),
        (update_persona, {"persona_id": persona}, {"quote": "x"}, "'Ivar the installer'"),
        (update_participant, {"participant_id": person.id}, {"role": "x"}, "'Erik Solberg'"),
        (update_insight, {"insight_id": insight}, {"recorded_by": "x"}, "'They want stock'"),
        (update_node, {"node_id": objective.id}, {"owner": "x"}, "'Keep installers'"),
        (update_goal, {"goal_id": goal.id, "today": TODAY}, {"owner": "x"}, "'Churn'"),
        (update_feedback, {"feedback_id": feedback, "today": TODAY}, {"routed_to": "x"}, "'Deliveries late'"),
        (save_role_impact, {"impact_id": impact.id}, None, "'Sales'"),
    ]
    for service, ids, changes, name in cases:
        arguments = {"changes": changes} if changes is not None else {"data": {"audience": "Sales", "means": "y"}}
        call(engine, service, workspace_id=ws, version=1, **ids, **arguments)  # someone saves first
        refused = _stale(engine, service, workspace_id=ws, version=1, **ids, **arguments)
        assert str(refused) == f"{name} {STALE}", service.__name__
    assert read(engine, get_workspace, workspace_id=ws).version == 1  # all those writes left the workspace's own


def test_the_refusal_shows_what_the_participant_is_now(engine):
    ws = new_workspace(engine)
    person = call(engine, create_participant, workspace_id=ws, data={"name": "Erik Solberg", "department": "Sales"})
    call(
        engine,
        update_participant,
        workspace_id=ws,
        participant_id=person.id,
        version=1,
        changes={"department": "Service", "is_leader": True},
    )
    refused = _stale(
        engine,
        update_participant,
        workspace_id=ws,
        participant_id=person.id,
        version=1,
        changes={"role": "Key account manager"},
    )
    assert refused.current == {"Name": "Erik Solberg", "Department": "Service", "Role": "(empty)", "Leader": "yes"}
    with pytest.raises(StaleEdit):
        call(engine, delete_participant, workspace_id=ws, participant_id=person.id, version=1)
    assert read(engine, update_participant.__globals__["list_participants"], workspace_id=ws)[0].role == ""


def test_a_workspace_renamed_meanwhile_refuses_the_old_form_but_other_writes_do_not(engine):
    ws = new_workspace(engine, "Acme")
    new_segment(engine, ws, "Installers")  # touches the workspace, does not change it
    renamed = call(engine, update_workspace, workspace_id=ws, version=1, changes={"name": "Acme Nordic"})
    assert renamed.version == 2
    refused = _stale(engine, update_workspace, workspace_id=ws, version=1, changes={"description": "Old form"})
    assert str(refused) == f"'Acme Nordic' {STALE}"
    assert refused.current == {"Name": "Acme Nordic", "Currency": "NOK", "Description": "(empty)"}
    with read_session(engine) as session:
        assert session.get(Workspace, ws).description == ""


def test_a_table_edit_of_a_segment_changed_since_names_its_row_and_writes_nothing(engine):
    ws = new_workspace(engine)
    first, second = new_segment(engine, ws, "Installers"), new_segment(engine, ws, "Facility managers")
    call(engine, update_segment, workspace_id=ws, segment_id=second, version=1, changes={"notes": "theirs"})
    commands = editor_commands(
        [first, second], {"edited_rows": {0: {"notes": "mine"}, 1: {"notes": "mine too"}}}, {"notes"}, [1, 1]
    )
    with pytest.raises(ValidationProblem) as info:
        call(engine, apply_segment_edits, workspace_id=ws, commands=commands)
    assert [str(p) for p in info.value.problems] == [f"Row 2, 'Facility managers' {STALE}"]
    with read_session(engine) as session:
        assert [session.get(Segment, i).notes for i in (first, second)] == ["", "theirs"]


def test_whole_tables_drawn_before_someone_saved_are_refused(engine):
    ws = new_workspace(engine)
    segment = new_segment(engine, ws, "Installers")
    call(
        engine,
        set_segment_factors,
        workspace_id=ws,
        segment_id=segment,
        factors=[{"factor": "Delivery precision", "weight": 30}],
    )
    drawn = read(engine, key_factor_versions, workspace_id=ws, segment_id=segment)
    call(
        engine,
        set_segment_factors,
        workspace_id=ws,
        segment_id=segment,
        drawn=drawn,
        factors=[{"factor": "Delivery precision", "weight": 40}],
    )
    refused = _stale(
        engine,
        set_segment_factors,
        workspace_id=ws,
        segment_id=segment,
        drawn=drawn,
        factors=[{"factor": "Price level", "weight": 10}],
    )
    assert str(refused) == (
        "The key factors of 'Installers' were changed by someone else since you opened them: here is what they are now."
    )
    [kept] = read(engine, segment_factors, workspace_id=ws, segment_id=segment)
    assert (kept.factor, kept.weight) == ("Delivery precision", 40)
    with pytest.raises(StaleEdit):
        call(engine, set_agreed_strengths, workspace_id=ws, segment_id=segment, drawn=drawn, agreed={kept.id: 4})

    objective = call(engine, create_node, workspace_id=ws, data={"kind": "objective", "name": "Keep installers"})
    goal = call(
        engine,
        create_goal,
        workspace_id=ws,
        today=TODAY,
        data={
            "objective_id": objective.id,
            "metric": "Churn",
            "baseline": 10,
            "target": 8,
            "deadline": date(2027, 12, 31),
            "owner": "Kari",
        },
    )
    drawn_milestones = read(engine, milestone_versions, workspace_id=ws, goal_id=goal.id)
    assert drawn_milestones == {}
    call(
        engine,
        set_milestones,
        workspace_id=ws,
        goal_id=goal.id,
        milestones=[(date(2027, 6, 30), 9)],
        drawn=drawn_milestones,
    )
    with pytest.raises(StaleEdit):
        call(
            engine,
            set_milestones,
            workspace_id=ws,
            goal_id=goal.id,
            milestones=[(date(2027, 3, 31), 9.5)],
            drawn=drawn_milestones,
        )
    assert read(engine, milestones_of, workspace_id=ws)[goal.id] == [(date(2027, 6, 30), 9.0)]

    drawn_values = read(engine, measurement_versions, workspace_id=ws, goal_id=goal.id)
    call(
        engine,
        set_goal_measurements,
        workspace_id=ws,
        goal_id=goal.id,
        today=TODAY,
        drawn=drawn_values,
        rows=[{"measured_on": date(2026, 11, 1), "value": 9.8}],
    )
    with pytest.raises(StaleEdit):
        call(
            engine,
            set_goal_measurements,
            workspace_id=ws,
            goal_id=goal.id,
            today=TODAY,
            drawn=drawn_values,
            rows=[{"measured_on": date(2026, 10, 1), "value": 9.9}],
        )

    call(
        engine,
        save_priorities,
        workspace_id=ws,
        versions={segment: 1},
        choices={segment: ("Primary target", "Biggest and loyal")},
    )
    with pytest.raises(ValidationProblem) as info:
        call(
            engine,
            save_priorities,
            workspace_id=ws,
            versions={segment: 1},
            choices={segment: ("Secondary", "Second thoughts")},
        )
    assert str(info.value) == f"'Installers' {STALE}"
    with read_session(engine) as session:
        assert session.get(Segment, segment).priority == "Primary target"
        assert session.get(Goal, goal.id).version == 1  # milestones and values are the goal's tables, not the goal
        assert session.exec(select(Action)).all() == []
