"""Schema migrations: data survives upgrades, and the models agree with the migrations."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlmodel import SQLModel

from crmstrategy import models  # noqa: F401  (registers every table on the metadata)
from alembic.script import ScriptDirectory

from crmstrategy.insights import list_themes
from crmstrategy.models import DEFAULT_THEMES
from crmstrategy.readiness import STANDARD_STATEMENTS
from crmstrategy.readiness_ratings import list_statements
from crmstrategy.db import alembic_config, current_revision, make_engine, read_session, unit_of_work, upgrade
from crmstrategy.personas import create_persona, list_personas
from crmstrategy.segments import get_segment, list_segments
from tests.conftest import _fresh_postgres_database


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_engine(request, tmp_path):
    """An engine on a database with no schema at all."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
        yield engine
        engine.dispose()
        return
    url, drop = _fresh_postgres_database(request.getfixturevalue("postgres_url"))
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()
        drop()


def _tables(engine) -> set[str]:
    with engine.connect() as connection:
        return set(inspect(connection).get_table_names())


def _head(engine) -> str:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def test_data_written_at_0001_is_found_after_upgrading_to_head(empty_engine):
    upgrade(empty_engine, "0001")
    assert current_revision(empty_engine) == "0001"
    assert "persona" not in _tables(empty_engine)

    with empty_engine.begin() as connection:
        workspace_id = connection.execute(text(
            "INSERT INTO workspace (name, currency, description, created_at, updated_at) "
            "VALUES ('Gammel Rørhandel', 'NOK', '', '2024-01-01 10:00:00+00:00', '2024-01-01 10:00:00+00:00') "
            "RETURNING id")).scalar_one()
        driver_id = connection.execute(text(
            "INSERT INTO value_driver (workspace_id, name, position) VALUES (:w, 'Price', 0) RETURNING id"),
            {"w": workspace_id}).scalar_one()
        segment_id = connection.execute(text(
            "INSERT INTO segment (workspace_id, position, name, description, defining_needs, customer_count, "
            "revenue, expected_growth_pct, lifecycle_focus, notes) "
            "VALUES (:w, 0, 'Små installatører', 'Beskrivelse', 'Deler i dag', 2400, 520000000.5, -2.5, "
            "'Retain', '') RETURNING id"), {"w": workspace_id}).scalar_one()
        connection.execute(text("INSERT INTO segment_value_driver (segment_id, value_driver_id) VALUES (:s, :d)"),
                           {"s": segment_id, "d": driver_id})

    upgrade(empty_engine)

    assert current_revision(empty_engine) == _head(empty_engine)
    assert {"persona", "persona_channel", "insight", "readiness_statement"} <= _tables(empty_engine)
    with read_session(empty_engine) as session:
        # 0003 gives workspaces that already existed the standard check and the default themes.
        statements = list_statements(session=session, workspace_id=workspace_id)
        assert [s.key for s in statements] == [key for key, _, _ in STANDARD_STATEMENTS]
        assert all(s.why for s in statements)
        assert list_themes(session=session, workspace_id=workspace_id) == list(DEFAULT_THEMES)
    with read_session(empty_engine) as session:
        [segment] = list_segments(session=session, workspace_id=workspace_id)
    assert (segment.id, segment.name, segment.customer_count, segment.revenue, segment.expected_growth_pct) == (
        segment_id, "Små installatører", 2400, 520000000.5, -2.5)
    assert segment.value_drivers == ["Price"]

    with unit_of_work(empty_engine) as session:
        create_persona(session=session, workspace_id=workspace_id,
                       data={"name": "Ivar", "segment_id": segment_id,
                             "channels": [{"kind": "Owned", "channel": "Newsletter"}]})
    with read_session(empty_engine) as session:
        assert [p.name for p in list_personas(session=session, workspace_id=workspace_id)] == ["Ivar"]
        assert get_segment(session=session, workspace_id=workspace_id, segment_id=segment_id).name == (
            "Små installatører")


def test_upgrading_an_up_to_date_database_changes_nothing(engine, demo_workspace_id):
    upgrade(engine)
    assert current_revision(engine) == _head(engine)
    with read_session(engine) as session:
        assert len(list_segments(session=session, workspace_id=demo_workspace_id)) == 4


def test_models_and_migrations_agree(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True,
                                                               "compare_server_default": True})
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []
