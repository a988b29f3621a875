"""writing(), the write skeleton's one context, on SQLite and PostgreSQL: it locks and hands over
the workspace row, refuses a workspace that does not exist, and touches the workspace's updated_at
when the block ends, but neither writes nor touches when the block raises."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from sqlmodel import select

from crmstrategy.analysis.insights import add_theme, list_themes
from crmstrategy.analysis.models import ValueDriver
from crmstrategy.analysis.segments import add_value_driver
from crmstrategy.core import clock
from crmstrategy.core.db import read_session, unit_of_work
from crmstrategy.core.errors import ValidationProblem
from crmstrategy.core.fields import as_utc
from crmstrategy.core.models import Workspace
from crmstrategy.core.writing import writing
from crmstrategy.implementation.plan import set_plan_start
from crmstrategy.workspace.workspaces import delete_workspace, update_workspace
from tests.integration.support import count, new_workspace

# The clock's day is CRMSTRATEGY_TODAY (2026-12-01); the moments are fixed on it.
MADE = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)  # the workspace was made
WRITTEN = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)  # the write under test

MISSING = "That workspace does not exist (it may have been deleted)."


class Refused(Exception):
    """What a block raises in these tests: any exception, not only a ValidationProblem."""


@pytest.fixture
def set_now(monkeypatch):
    """Fix clock.now() (and so utcnow(), and so updated_at) at a moment."""

    def set_to(moment: datetime) -> None:
        monkeypatch.setattr(clock, "now", lambda: moment)

    return set_to


@pytest.fixture
def workspace_id(engine, set_now) -> int:
    set_now(MADE)
    made = new_workspace(engine, "Acme")
    set_now(WRITTEN)
    return made


def _stored(engine, workspace_id: int) -> tuple[datetime, datetime, int]:
    """(created_at, updated_at, version) as stored, read in a new session."""
    with read_session(engine) as session:
        row = session.get(Workspace, workspace_id)
        return as_utc(row.created_at), as_utc(row.updated_at), row.version


def _other_writer_kept_out(engine, workspace_id: int) -> bool:
    """Whether another connection, asking without waiting, is refused the write lock: on
    PostgreSQL the workspace row's (FOR UPDATE NOWAIT), on SQLite the database's (BEGIN IMMEDIATE)."""
    if engine.dialect.name == "sqlite":
        other = sqlite3.connect(engine.url.database, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError as exc:
            assert str(exc) == "database is locked"
            return True
        finally:
            other.close()
    with engine.connect() as other:
        try:
            other.execute(text("SELECT id FROM workspace WHERE id = :id FOR UPDATE NOWAIT"), {"id": workspace_id})
            return False
        except OperationalError as exc:
            assert "could not obtain lock on row" in str(exc)
            return True
        finally:
            other.rollback()


# --- on entry ------------------------------------------------------------------------------------


def test_writing_hands_the_block_the_workspace_row_locked(engine, workspace_id):
    with unit_of_work(engine) as session:
        assert not _other_writer_kept_out(engine, workspace_id)
        with writing(session, workspace_id) as workspace:
            assert workspace is session.get(Workspace, workspace_id)
            assert (workspace.id, workspace.name, workspace.version) == (workspace_id, "Acme", 1)
            assert _other_writer_kept_out(engine, workspace_id)
        # Held until the unit of work ends, not only for the block.
        assert _other_writer_kept_out(engine, workspace_id)
    assert not _other_writer_kept_out(engine, workspace_id)


def test_writing_refuses_a_workspace_that_does_not_exist(engine, workspace_id):
    ran = []
    with pytest.raises(ValidationProblem) as refused:
        with unit_of_work(engine) as session:
            with writing(session, workspace_id + 1000):
                ran.append("block")
    assert str(refused.value) == MISSING
    assert [(p.field, p.message, p.row) for p in refused.value.problems] == [("", MISSING, None)]
    assert ran == []


def test_writing_refuses_a_deleted_workspace(engine, workspace_id):
    with unit_of_work(engine) as session:
        delete_workspace(session=session, workspace_id=workspace_id, confirm_name="Acme")
    ran = []
    with pytest.raises(ValidationProblem, match=r"^That workspace does not exist \(it may have been deleted\)\.$"):
        with unit_of_work(engine) as session:
            with writing(session, workspace_id):
                ran.append("block")
    assert ran == []
    assert count(engine, Workspace) == 0


# --- when the block ends -------------------------------------------------------------------------


def test_writing_flushes_the_block_and_touches_the_workspace_when_it_ends(engine, workspace_id):
    assert _stored(engine, workspace_id) == (MADE, MADE, 1)
    with unit_of_work(engine) as session:
        with writing(session, workspace_id) as workspace:
            session.add(ValueDriver(workspace_id=workspace_id, name="Speed", position=9))
            assert as_utc(workspace.updated_at) == MADE  # touched when the block ends, not before
        assert (list(session.new), list(session.dirty)) == ([], [])  # all flushed
        assert workspace.updated_at == WRITTEN
        assert (
            session.exec(
                select(ValueDriver.position).where(
                    ValueDriver.workspace_id == workspace_id, ValueDriver.name == "Speed"
                )
            ).one()
            == 9
        )
    assert _stored(engine, workspace_id) == (MADE, WRITTEN, 1)  # the workspace's version stays
    assert count(engine, ValueDriver, workspace_id=workspace_id, name="Speed") == 1


def test_writing_nested_in_one_unit_of_work_locks_twice_and_touches(engine, workspace_id, set_now):
    with unit_of_work(engine) as session:
        with writing(session, workspace_id) as outer:
            set_now(datetime(2026, 12, 1, 9, 45, tzinfo=UTC))
            with writing(session, workspace_id) as inner:
                assert inner is outer
                session.add(ValueDriver(workspace_id=workspace_id, name="Speed", position=9))
            assert outer.updated_at == datetime(2026, 12, 1, 9, 45, tzinfo=UTC)
            set_now(datetime(2026, 12, 1, 9, 50, tzinfo=UTC))
    assert _stored(engine, workspace_id) == (MADE, datetime(2026, 12, 1, 9, 50, tzinfo=UTC), 1)
    assert count(engine, ValueDriver, workspace_id=workspace_id, name="Speed") == 1


# --- when the block raises -----------------------------------------------------------------------


def test_writing_neither_flushes_nor_touches_when_the_block_raises(engine, workspace_id):
    seen = {}
    with pytest.raises(Refused):
        with unit_of_work(engine) as session:
            try:
                with writing(session, workspace_id) as workspace:
                    session.add(ValueDriver(workspace_id=workspace_id, name="Speed", position=9))
                    raise Refused
            except Refused:
                seen = {
                    "pending": [row.name for row in session.new],
                    "dirty": list(session.dirty),
                    "updated_at": as_utc(workspace.updated_at),
                }
                raise
    assert seen == {"pending": ["Speed"], "dirty": [], "updated_at": MADE}
    assert _stored(engine, workspace_id) == (MADE, MADE, 1)
    assert count(engine, ValueDriver, workspace_id=workspace_id, name="Speed") == 0


def test_a_refused_service_leaves_updated_at_as_it_was(engine, workspace_id):
    with unit_of_work(engine) as session:
        add_theme(session=session, workspace_id=workspace_id, name="Onboarding")
    assert _stored(engine, workspace_id) == (MADE, WRITTEN, 1)
    with pytest.raises(ValidationProblem, match=r"^Theme: 'onboarding' is already in the list\.$"):
        with unit_of_work(engine) as session:
            add_theme(session=session, workspace_id=workspace_id, name="onboarding")
    assert _stored(engine, workspace_id) == (MADE, WRITTEN, 1)


# --- the services that used to lock without touching ---------------------------------------------


def test_services_that_only_locked_the_workspace_now_touch_it_too(engine, workspace_id, set_now):
    at = [datetime(2026, 12, 1, 10, minute, tzinfo=UTC) for minute in (0, 5, 10, 15)]
    set_now(at[0])
    with unit_of_work(engine) as session:
        assert add_theme(session=session, workspace_id=workspace_id, name=" Warranty ") == "Warranty"
    assert _stored(engine, workspace_id) == (MADE, at[0], 1)
    set_now(at[1])
    with unit_of_work(engine) as session:
        assert add_value_driver(session=session, workspace_id=workspace_id, name="Speed") == "Speed"
    assert _stored(engine, workspace_id) == (MADE, at[1], 1)
    set_now(at[2])
    with unit_of_work(engine) as session:
        assert set_plan_start(session=session, workspace_id=workspace_id, start="2026-12-01") == date(2026, 12, 1)
    assert _stored(engine, workspace_id) == (MADE, at[2], 1)
    set_now(at[3])
    with unit_of_work(engine) as session:
        renamed = update_workspace(
            session=session, workspace_id=workspace_id, version=1, changes={"name": "Acme Nordic"}
        )
    # The read it returns shows the touch: it is made after writing() ends.
    assert (renamed.name, renamed.version, renamed.updated_at) == ("Acme Nordic", 2, at[3])
    assert _stored(engine, workspace_id) == (MADE, at[3], 2)
    with read_session(engine) as session:
        assert list_themes(session=session, workspace_id=workspace_id)[-1] == "Warranty"
