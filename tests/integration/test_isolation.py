"""Workspace isolation: nothing of workspace A can be read or changed through workspace B."""

from __future__ import annotations

import pytest

from crmstrategy.db import read_session, unit_of_work
from crmstrategy.errors import ValidationProblem
from crmstrategy.models import Persona, PersonaChannel, Segment
from crmstrategy.personas import delete_persona, get_persona, list_personas, persona_counts, update_persona
from crmstrategy.segments import delete_segment, get_segment, list_segments, list_value_drivers, update_segment
from tests.integration.support import count, new_persona, new_segment, new_workspace


@pytest.fixture
def two_workspaces(engine):
    a = new_workspace(engine, "A")
    b = new_workspace(engine, "B")
    a_segment = new_segment(engine, a, "A segment", customer_count=1, value_drivers=["A-only driver"])
    a_persona = new_persona(engine, a, a_segment, "A persona", goals="A goals",
                            channels=[{"kind": "Owned", "channel": "A channel"}])
    b_segment = new_segment(engine, b, "B segment")
    return {"a": a, "b": b, "a_segment": a_segment, "a_persona": a_persona, "b_segment": b_segment}


def _snapshot(engine, workspace_id):
    with read_session(engine) as session:
        return (list_segments(session=session, workspace_id=workspace_id),
                list_personas(session=session, workspace_id=workspace_id),
                list_value_drivers(session=session, workspace_id=workspace_id))


CROSS_WORKSPACE_CALLS = {
    "get segment": lambda s, ids: get_segment(session=s, workspace_id=ids["b"], segment_id=ids["a_segment"]),
    "update segment": lambda s, ids: update_segment(session=s, workspace_id=ids["b"], segment_id=ids["a_segment"],
                                                    changes={"name": "Hijacked", "value_drivers": ["X"]}),
    "delete segment": lambda s, ids: delete_segment(session=s, workspace_id=ids["b"], segment_id=ids["a_segment"],
                                                    with_personas=True),
    "get persona": lambda s, ids: get_persona(session=s, workspace_id=ids["b"], persona_id=ids["a_persona"]),
    "update persona": lambda s, ids: update_persona(session=s, workspace_id=ids["b"], persona_id=ids["a_persona"],
                                                    changes={"name": "Hijacked", "segment_id": ids["b_segment"]}),
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
        assert list_personas(session=session, workspace_id=two_workspaces["b"],
                             segment_id=two_workspaces["a_segment"]) == []
        assert persona_counts(session=session, workspace_id=two_workspaces["b"]) == {}


def test_same_value_driver_name_in_two_workspaces_stays_separate(engine, two_workspaces):
    new_segment(engine, two_workspaces["b"], "B second", value_drivers=["a-only DRIVER"])
    a_segments, _, a_drivers = _snapshot(engine, two_workspaces["a"])
    b_segments, _, b_drivers = _snapshot(engine, two_workspaces["b"])
    assert a_segments[0].value_drivers == ["A-only driver"]
    assert b_segments[1].value_drivers == ["a-only DRIVER"]
    assert a_drivers.count("A-only driver") == 1 and "a-only DRIVER" not in a_drivers
