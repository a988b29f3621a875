"""Participant services on SQLite and PostgreSQL: unique names, updates, and deleting with ratings."""

from __future__ import annotations

import pytest

from crmstrategy.analysis.models import Participant, ReadinessRating
from crmstrategy.analysis.participants import (
    create_participant,
    delete_participant,
    list_participants,
    update_participant,
)
from crmstrategy.analysis.readiness_ratings import list_statements, save_ratings
from crmstrategy.core.db import read_session, unit_of_work
from crmstrategy.core.errors import Problem
from tests.integration.support import count, new_workspace, version_of
from tests.support import refusal_of


@pytest.fixture
def workspace_id(engine) -> int:
    return new_workspace(engine, "Acme")


def _new(engine, workspace_id, name, **values) -> int:
    with unit_of_work(engine) as session:
        return create_participant(session=session, workspace_id=workspace_id, data={"name": name} | values).id


def _list(engine, workspace_id):
    with read_session(engine) as session:
        return list_participants(session=session, workspace_id=workspace_id)


def test_create_participant_stores_the_cleaned_fields(engine, workspace_id):
    with unit_of_work(engine) as session:
        created = create_participant(
            session=session,
            workspace_id=workspace_id,
            data={"name": "  Hanne   Lie ", "department": "Management", "role": "CEO", "is_leader": True},
        )
    [stored] = _list(engine, workspace_id)
    assert stored == created
    assert (stored.name, stored.department, stored.role, stored.is_leader, stored.workspace_id) == (
        "Hanne Lie",
        "Management",
        "CEO",
        True,
        workspace_id,
    )


def test_participants_are_listed_by_name_ignoring_case(engine, workspace_id):
    for name in ("tor", "Anne", "mona", "Bjørn"):
        _new(engine, workspace_id, name)
    assert [p.name for p in _list(engine, workspace_id)] == ["Anne", "Bjørn", "mona", "tor"]


@pytest.mark.parametrize("duplicate", ["Hanne Lie", "HANNE LIE", "  hanne   lie "])
def test_duplicate_name_is_refused_ignoring_case(engine, workspace_id, duplicate):
    _new(engine, workspace_id, "Hanne Lie")
    refusal = refusal_of(engine, create_participant, workspace_id=workspace_id, data={"name": duplicate})
    [problem] = refusal.problems
    assert problem.field == "Name"
    assert "is already a participant in this workspace" in problem.message
    assert count(engine, Participant) == 1


def test_the_same_name_is_allowed_in_another_workspace(engine, workspace_id):
    _new(engine, workspace_id, "Hanne Lie")
    other = new_workspace(engine, "Other")
    _new(engine, other, "Hanne Lie")
    assert count(engine, Participant) == 2


def test_an_empty_name_is_refused(engine, workspace_id):
    refusal = refusal_of(engine, create_participant, workspace_id=workspace_id, data={"name": "  ", "role": "CEO"})
    assert [p.field for p in refusal.problems] == ["Name"]
    assert count(engine, Participant) == 0


def test_update_changes_only_the_given_fields(engine, workspace_id):
    participant_id = _new(engine, workspace_id, "Tor", department="IT", role="CRM lead")
    with unit_of_work(engine) as session:
        updated = update_participant(
            version=version_of(session, Participant, participant_id),
            session=session,
            workspace_id=workspace_id,
            participant_id=participant_id,
            changes={"role": "CRM owner", "is_leader": True},
        )
    [stored] = _list(engine, workspace_id)
    assert stored == updated
    assert (stored.name, stored.department, stored.role, stored.is_leader) == ("Tor", "IT", "CRM owner", True)


def test_renaming_to_another_case_of_the_own_name_is_allowed(engine, workspace_id):
    participant_id = _new(engine, workspace_id, "tor haugen")
    with unit_of_work(engine) as session:
        update_participant(
            version=version_of(session, Participant, participant_id),
            session=session,
            workspace_id=workspace_id,
            participant_id=participant_id,
            changes={"name": "Tor Haugen"},
        )
    assert [p.name for p in _list(engine, workspace_id)] == ["Tor Haugen"]


def test_renaming_onto_another_participants_name_is_refused(engine, workspace_id):
    _new(engine, workspace_id, "Hanne")
    tor = _new(engine, workspace_id, "Tor", role="CRM lead")
    refusal_of(
        engine,
        update_participant,
        version=version_of(engine, Participant, tor),
        workspace_id=workspace_id,
        participant_id=tor,
        changes={"name": "HANNE", "role": "Changed"},
    )
    assert sorted((p.name, p.role) for p in _list(engine, workspace_id)) == [("Hanne", ""), ("Tor", "CRM lead")]


def test_an_invalid_update_is_refused_and_nothing_changed(engine, workspace_id):
    tor = _new(engine, workspace_id, "Tor", department="IT")
    refusal = refusal_of(
        engine,
        update_participant,
        version=version_of(engine, Participant, tor),
        workspace_id=workspace_id,
        participant_id=tor,
        changes={"department": "d" * 121},
    )
    assert refusal.problems[0].field == "Department"
    assert _list(engine, workspace_id)[0].department == "IT"


def test_delete_removes_the_participant_and_their_ratings_only(engine, workspace_id):
    tor, hanne = _new(engine, workspace_id, "Tor"), _new(engine, workspace_id, "Hanne")
    with read_session(engine) as session:
        statements = [s.id for s in list_statements(session=session, workspace_id=workspace_id)]
    with unit_of_work(engine) as session:
        save_ratings(
            session=session,
            workspace_id=workspace_id,
            participant_id=tor,
            ratings=[{"statement_id": sid, "score": 3} for sid in statements[:4]],
        )
        save_ratings(
            session=session,
            workspace_id=workspace_id,
            participant_id=hanne,
            ratings=[{"statement_id": statements[0], "score": 5}],
        )
    assert count(engine, ReadinessRating) == 5
    with unit_of_work(engine) as session:
        assert delete_participant(session=session, workspace_id=workspace_id, participant_id=tor) == "Tor"
    assert [p.name for p in _list(engine, workspace_id)] == ["Hanne"]
    assert count(engine, ReadinessRating) == 1
    assert count(engine, ReadinessRating, participant_id=hanne) == 1


def test_deleting_a_missing_participant_is_refused(engine, workspace_id):
    _new(engine, workspace_id, "Tor")
    refusal = refusal_of(engine, delete_participant, workspace_id=workspace_id, participant_id=999_999)
    assert refusal.problems == [
        Problem("", "That participant does not exist in this workspace (it may have been deleted).")
    ]
    assert count(engine, Participant) == 1
