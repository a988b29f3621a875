"""Workspace isolation: nothing of workspace A can be read or changed through workspace B."""

from __future__ import annotations

import pytest

from crmstrategy.analysis.insights import (
    create_insight,
    delete_insights,
    get_insight,
    latest_insights_for_persona,
    list_insights,
    persona_evidence,
    segment_evidence,
    update_insight,
)
from crmstrategy.analysis.models import (
    Insight,
    InsightPersona,
    Participant,
    Persona,
    PersonaChannel,
    ReadinessRating,
    Segment,
)
from crmstrategy.analysis.participants import (
    create_participant,
    delete_participant,
    list_participants,
    update_participant,
)
from crmstrategy.analysis.personas import (
    delete_persona,
    get_persona,
    list_personas,
    persona_counts,
    update_persona,
)
from crmstrategy.analysis.readiness_ratings import (
    add_statement,
    delete_statement,
    list_statements,
    ratings_of,
    readiness_summary,
    save_ratings,
)
from crmstrategy.analysis.segments import (
    delete_segment,
    get_segment,
    list_segments,
    list_value_drivers,
    update_segment,
)
from crmstrategy.core.db import read_session, unit_of_work
from crmstrategy.core.errors import ValidationProblem
from tests.integration.support import count, new_persona, new_segment, new_workspace, version_of


@pytest.fixture
def two_workspaces(engine):
    a = new_workspace(engine, "A")
    b = new_workspace(engine, "B")
    a_segment = new_segment(engine, a, "A segment", customer_count=1, value_drivers=["A-only driver"])
    a_persona = new_persona(
        engine, a, a_segment, "A persona", goals="A goals", channels=[{"kind": "Owned", "channel": "A channel"}]
    )
    b_segment = new_segment(engine, b, "B segment")
    return {"a": a, "b": b, "a_segment": a_segment, "a_persona": a_persona, "b_segment": b_segment}


def _snapshot(engine, workspace_id):
    with read_session(engine) as session:
        return (
            list_segments(session=session, workspace_id=workspace_id),
            list_personas(session=session, workspace_id=workspace_id),
            list_value_drivers(session=session, workspace_id=workspace_id),
        )


CROSS_WORKSPACE_CALLS = {
    "get segment": lambda s, ids: get_segment(session=s, workspace_id=ids["b"], segment_id=ids["a_segment"]),
    "update segment": lambda s, ids: update_segment(
        version=version_of(s, Segment, ids["a_segment"]),
        session=s,
        workspace_id=ids["b"],
        segment_id=ids["a_segment"],
        changes={"name": "Hijacked", "value_drivers": ["X"]},
    ),
    "delete segment": lambda s, ids: delete_segment(
        session=s, workspace_id=ids["b"], segment_id=ids["a_segment"], with_personas=True
    ),
    "get persona": lambda s, ids: get_persona(session=s, workspace_id=ids["b"], persona_id=ids["a_persona"]),
    "update persona": lambda s, ids: update_persona(
        version=version_of(s, Persona, ids["a_persona"]),
        session=s,
        workspace_id=ids["b"],
        persona_id=ids["a_persona"],
        changes={"name": "Hijacked", "segment_id": ids["b_segment"]},
    ),
    "delete persona": lambda s, ids: delete_persona(session=s, workspace_id=ids["b"], persona_id=ids["a_persona"]),
}


@pytest.mark.parametrize("call", CROSS_WORKSPACE_CALLS.values(), ids=CROSS_WORKSPACE_CALLS.keys())
def test_access_through_another_workspace_is_refused_and_changes_nothing(engine, two_workspaces, call):
    before_a, before_b = _snapshot(engine, two_workspaces["a"]), _snapshot(engine, two_workspaces["b"])
    with pytest.raises(ValidationProblem, match="does not exist in this workspace"):
        with unit_of_work(engine) as session:
            call(session, two_workspaces)
    assert _snapshot(engine, two_workspaces["a"]) == before_a
    assert _snapshot(engine, two_workspaces["b"]) == before_b
    assert count(engine, Segment) == 2
    assert count(engine, Persona) == 1
    assert count(engine, PersonaChannel) == 1


def test_lists_of_workspace_b_never_show_workspace_a_rows(engine, two_workspaces):
    segments, personas, drivers = _snapshot(engine, two_workspaces["b"])
    assert [s.name for s in segments] == ["B segment"]
    assert personas == []
    assert "A-only driver" not in drivers
    with read_session(engine) as session:
        assert (
            list_personas(session=session, workspace_id=two_workspaces["b"], segment_id=two_workspaces["a_segment"])
            == []
        )
        assert persona_counts(session=session, workspace_id=two_workspaces["b"]) == {}


def test_same_value_driver_name_in_two_workspaces_stays_separate(engine, two_workspaces):
    new_segment(engine, two_workspaces["b"], "B second", value_drivers=["a-only DRIVER"])
    a_segments, _, a_drivers = _snapshot(engine, two_workspaces["a"])
    b_segments, _, b_drivers = _snapshot(engine, two_workspaces["b"])
    assert a_segments[0].value_drivers == ["A-only driver"]
    assert b_segments[1].value_drivers == ["a-only DRIVER"]
    assert a_drivers.count("A-only driver") == 1 and "a-only DRIVER" not in a_drivers


# --- insights, participants and the readiness check ------------------------------------


@pytest.fixture
def two_logs(engine, two_workspaces):
    """Workspace A has an insight, a participant with a rating and an own statement; B has the same kinds."""
    ids = dict(two_workspaces)
    with unit_of_work(engine) as session:
        ids["a_insight"] = create_insight(
            session=session,
            workspace_id=ids["a"],
            data={
                "text": "A's secret",
                "kind": "Pain",
                "source_type": "Sales",
                "recorded_on": "2026-09-02",
                "segment_ids": [ids["a_segment"]],
                "persona_ids": [ids["a_persona"]],
            },
        )
        ids["a_participant"] = create_participant(session=session, workspace_id=ids["a"], data={"name": "Anne"}).id
        ids["a_statement"] = add_statement(session=session, workspace_id=ids["a"], data={"text": "A's own."}).id
        save_ratings(
            session=session,
            workspace_id=ids["a"],
            participant_id=ids["a_participant"],
            ratings=[{"statement_id": ids["a_statement"], "score": 2}],
        )
        ids["b_participant"] = create_participant(session=session, workspace_id=ids["b"], data={"name": "Bo"}).id
    with read_session(engine) as session:
        ids["b_statement"] = list_statements(session=session, workspace_id=ids["b"])[0].id
    return ids


def _log_snapshot(engine, ids):
    with read_session(engine) as session:
        return [
            (
                list_insights(session=session, workspace_id=w),
                list_participants(session=session, workspace_id=w),
                list_statements(session=session, workspace_id=w),
                readiness_summary(session=session, workspace_id=w),
            )
            for w in (ids["a"], ids["b"])
        ]


CROSS_WORKSPACE_LOG_CALLS = {
    "get insight": lambda s, ids: get_insight(session=s, workspace_id=ids["b"], insight_id=ids["a_insight"]),
    "update insight": lambda s, ids: update_insight(
        version=version_of(s, Insight, ids["a_insight"]),
        session=s,
        workspace_id=ids["b"],
        insight_id=ids["a_insight"],
        changes={"text": "Hijacked"},
    ),
    "delete insight": lambda s, ids: delete_insights(session=s, workspace_id=ids["b"], insight_ids=[ids["a_insight"]]),
    "update participant": lambda s, ids: update_participant(
        version=version_of(s, Participant, ids["a_participant"]),
        session=s,
        workspace_id=ids["b"],
        participant_id=ids["a_participant"],
        changes={"name": "Hijacked"},
    ),
    "delete participant": lambda s, ids: delete_participant(
        session=s, workspace_id=ids["b"], participant_id=ids["a_participant"]
    ),
    "ratings of participant": lambda s, ids: ratings_of(
        session=s, workspace_id=ids["b"], participant_id=ids["a_participant"]
    ),
    "rate as participant": lambda s, ids: save_ratings(
        session=s,
        workspace_id=ids["b"],
        participant_id=ids["a_participant"],
        ratings=[{"statement_id": ids["b_statement"], "score": 5}],
    ),
    "delete statement": lambda s, ids: delete_statement(
        session=s, workspace_id=ids["b"], statement_id=ids["a_statement"]
    ),
}


@pytest.mark.parametrize("call", CROSS_WORKSPACE_LOG_CALLS.values(), ids=CROSS_WORKSPACE_LOG_CALLS.keys())
def test_insight_and_readiness_access_through_another_workspace_is_refused(engine, two_logs, call):
    before = _log_snapshot(engine, two_logs)
    with pytest.raises(ValidationProblem, match="does not exist in this workspace"):
        with unit_of_work(engine) as session:
            call(session, two_logs)
    assert _log_snapshot(engine, two_logs) == before
    assert count(engine, Insight) == 1 and count(engine, InsightPersona) == 1
    assert count(engine, Participant) == 2 and count(engine, ReadinessRating) == 1


def test_rating_another_workspaces_statement_is_refused(engine, two_logs):
    with pytest.raises(ValidationProblem, match="not part of this workspace's check"):
        with unit_of_work(engine) as session:
            save_ratings(
                session=session,
                workspace_id=two_logs["b"],
                participant_id=two_logs["b_participant"],
                ratings=[{"statement_id": two_logs["a_statement"], "score": 5}],
            )
    assert count(engine, ReadinessRating) == 1


def test_workspace_b_sees_none_of_workspace_as_log_evidence_or_ratings(engine, two_logs):
    b = two_logs["b"]
    with read_session(engine) as session:
        assert list_insights(session=session, workspace_id=b) == []
        assert [p.name for p in list_participants(session=session, workspace_id=b)] == ["Bo"]
        assert "A's own." not in [s.text for s in list_statements(session=session, workspace_id=b)]
        assert readiness_summary(session=session, workspace_id=b).overall is None
        assert set(segment_evidence(session=session, workspace_id=b)) == {two_logs["b_segment"]}
        assert persona_evidence(session=session, workspace_id=b) == {}
        assert latest_insights_for_persona(session=session, workspace_id=b, persona_id=two_logs["a_persona"]) == []
        a_summary = readiness_summary(session=session, workspace_id=two_logs["a"])
    assert a_summary.overall == 2
