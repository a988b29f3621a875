"""Schema migrations: data survives upgrades, and the models agree with the migrations."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import func, inspect, text
from sqlmodel import SQLModel
from sqlmodel import select as sqlmodel_select

# Importing each step's models registers its tables on the metadata.
import crmstrategy.analysis.models  # noqa: F401
import crmstrategy.implementation.models  # noqa: F401
import crmstrategy.strategy.models  # noqa: F401
from crmstrategy.analysis.insights import create_insight, list_insights, list_themes
from crmstrategy.analysis.models import DEFAULT_THEMES, ReadinessStatement
from crmstrategy.analysis.participants import create_participant
from crmstrategy.analysis.personas import create_persona, list_personas
from crmstrategy.analysis.readiness import STANDARD_STATEMENTS
from crmstrategy.analysis.readiness_ratings import (
    add_statement,
    list_statements,
    readiness_summary,
    save_ratings,
)
from crmstrategy.analysis.segments import get_segment, list_segments
from crmstrategy.core.db import alembic_config, current_revision, read_session, unit_of_work, upgrade
from crmstrategy.workspace.workspaces import create_workspace


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
        workspace_id = connection.execute(
            text(
                "INSERT INTO workspace (name, currency, description, created_at, updated_at) "
                "VALUES ('Gammel Rørhandel', 'NOK', '', '2024-01-01 10:00:00+00:00', '2024-01-01 10:00:00+00:00') "
                "RETURNING id"
            )
        ).scalar_one()
        driver_id = connection.execute(
            text("INSERT INTO value_driver (workspace_id, name, position) VALUES (:w, 'Price', 0) RETURNING id"),
            {"w": workspace_id},
        ).scalar_one()
        segment_id = connection.execute(
            text(
                "INSERT INTO segment (workspace_id, position, name, description, defining_needs, customer_count, "
                "revenue, expected_growth_pct, lifecycle_focus, notes) "
                "VALUES (:w, 0, 'Små installatører', 'Beskrivelse', 'Deler i dag', 2400, 520000000.5, -2.5, "
                "'Retain', '') RETURNING id"
            ),
            {"w": workspace_id},
        ).scalar_one()
        connection.execute(
            text("INSERT INTO segment_value_driver (segment_id, value_driver_id) VALUES (:s, :d)"),
            {"s": segment_id, "d": driver_id},
        )

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
        segment_id,
        "Små installatører",
        2400,
        520000000.5,
        -2.5,
    )
    assert segment.value_drivers == ["Price"]

    with unit_of_work(empty_engine) as session:
        create_persona(
            session=session,
            workspace_id=workspace_id,
            data={"name": "Ivar", "segment_id": segment_id, "channels": [{"kind": "Owned", "channel": "Newsletter"}]},
        )
    with read_session(empty_engine) as session:
        assert [p.name for p in list_personas(session=session, workspace_id=workspace_id)] == ["Ivar"]
        assert get_segment(session=session, workspace_id=workspace_id, segment_id=segment_id).name == (
            "Små installatører"
        )


def test_upgrading_an_up_to_date_database_changes_nothing(engine, demo_workspace_id):
    upgrade(engine)
    assert current_revision(engine) == _head(engine)
    with read_session(engine) as session:
        assert len(list_segments(session=session, workspace_id=demo_workspace_id)) == 4


def test_models_and_migrations_agree(engine):
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "compare_server_default": True})
        differences = compare_metadata(context, SQLModel.metadata)
    assert differences == []


def _insert_workspace(connection, name: str) -> int:
    return connection.execute(
        text(
            "INSERT INTO workspace (name, currency, description, created_at, updated_at) "
            "VALUES (:name, 'NOK', '', '2025-05-01 10:00:00+00:00', '2025-05-01 10:00:00+00:00') RETURNING id"
        ),
        {"name": name},
    ).scalar_one()


def test_workspaces_at_0002_get_the_standard_statements_and_default_themes_at_0003(empty_engine):
    upgrade(empty_engine, "0002")
    assert current_revision(empty_engine) == "0002"
    assert "insight" not in _tables(empty_engine) and "readiness_statement" not in _tables(empty_engine)

    with empty_engine.begin() as connection:
        first = _insert_workspace(connection, "Nordvik Rørhandel")
        second = _insert_workspace(connection, "Second")
        segment_id = connection.execute(
            text(
                "INSERT INTO segment (workspace_id, position, name, description, defining_needs, notes) "
                "VALUES (:w, 0, 'Installers', '', 'Parts today', '') RETURNING id"
            ),
            {"w": first},
        ).scalar_one()
        persona_id = connection.execute(
            text(
                "INSERT INTO persona (workspace_id, segment_id, name, role_title, goals, needs, pains, motives, "
                "buying_process, touchpoints, quote) "
                "VALUES (:w, :s, 'Kjetil', 'Owner', '', 'Speed', '', '', '', '', '') RETURNING id"
            ),
            {"w": first, "s": segment_id},
        ).scalar_one()

    upgrade(empty_engine)

    assert current_revision(empty_engine) == _head(empty_engine)
    with read_session(empty_engine) as session:
        for workspace_id in (first, second):
            statements = list_statements(session=session, workspace_id=workspace_id)
            # The migration stores no "why"; it is shown from the catalogue by key.
            assert [(s.key, s.text, s.why) for s in statements] == list(STANDARD_STATEMENTS)
            assert [s.position for s in statements] == list(range(7))
            assert list_themes(session=session, workspace_id=workspace_id) == list(DEFAULT_THEMES)
        assert session.exec(sqlmodel_select(func.count()).select_from(ReadinessStatement)).one() == 14
        assert [p.name for p in list_personas(session=session, workspace_id=first)] == ["Kjetil"]

    # The upgraded workspace works with the new services: rate, record an insight, add a statement.
    with unit_of_work(empty_engine) as session:
        statement_id = list_statements(session=session, workspace_id=first)[0].id
        participant_id = create_participant(session=session, workspace_id=first, data={"name": "Tor"}).id
        save_ratings(
            session=session,
            workspace_id=first,
            participant_id=participant_id,
            ratings=[{"statement_id": statement_id, "score": 2}],
        )
        create_insight(
            session=session,
            workspace_id=first,
            data={
                "text": "Parts missing",
                "kind": "Pain",
                "source_type": "Sales",
                "recorded_on": "2026-09-02",
                "theme": "delivery",
                "persona_ids": [persona_id],
            },
        )
        add_statement(session=session, workspace_id=first, data={"text": "Our own statement."})
    with read_session(empty_engine) as session:
        assert readiness_summary(session=session, workspace_id=first).overall == 2
        [insight] = list_insights(session=session, workspace_id=first)
        assert (insight.theme, insight.persona_names) == ("Delivery", ["Kjetil"])
        assert list_themes(session=session, workspace_id=first) == list(DEFAULT_THEMES)
        assert list_statements(session=session, workspace_id=first)[-1].position == 7


def test_an_empty_database_at_0002_upgrades_to_0003_without_seeding_anything(empty_engine):
    upgrade(empty_engine, "0002")
    upgrade(empty_engine)
    with empty_engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM readiness_statement")).scalar_one() == 0
        assert connection.execute(text("SELECT count(*) FROM theme")).scalar_one() == 0
    with unit_of_work(empty_engine) as session:
        workspace_id = create_workspace(session=session, data={"name": "New"}).id
    with read_session(empty_engine) as session:
        assert len(list_statements(session=session, workspace_id=workspace_id)) == 7


def test_rebuilding_the_segment_table_keeps_every_row_that_points_at_it(empty_engine):
    """0004 adds columns to segment; on SQLite that rebuilds the table, which must not cascade."""
    upgrade(empty_engine, "0003")
    now = "2024-01-01 10:00:00+00:00"
    with empty_engine.begin() as c:
        ws = c.execute(
            text(
                "INSERT INTO workspace (name, currency, description, created_at, updated_at) "
                f"VALUES ('Old', 'NOK', '', '{now}', '{now}') RETURNING id"
            )
        ).scalar_one()
        seg = c.execute(
            text(
                "INSERT INTO segment (workspace_id, position, name, description, defining_needs, notes) "
                "VALUES (:w, 0, 'S', '', '', '') RETURNING id"
            ),
            {"w": ws},
        ).scalar_one()
        drv = c.execute(
            text("INSERT INTO value_driver (workspace_id, name, position) VALUES (:w, 'Price', 0) RETURNING id"),
            {"w": ws},
        ).scalar_one()
        c.execute(text("INSERT INTO segment_value_driver VALUES (:s, :d)"), {"s": seg, "d": drv})
        per = c.execute(
            text(
                "INSERT INTO persona (workspace_id, segment_id, name, role_title, goals, needs, pains, "
                "motives, buying_process, touchpoints, quote) VALUES (:w, :s, 'P', '', '', '', '', '', "
                "'', '', '') RETURNING id"
            ),
            {"w": ws, "s": seg},
        ).scalar_one()
        ins = c.execute(
            text(
                "INSERT INTO insight (workspace_id, text, kind, source_type, recorded_by, recorded_on, "
                f"created_at) VALUES (:w, 'Said', 'Need', 'Sales', '', '2024-01-01', '{now}') "
                "RETURNING id"
            ),
            {"w": ws},
        ).scalar_one()
        c.execute(text("INSERT INTO insight_segment VALUES (:i, :s)"), {"i": ins, "s": seg})
        c.execute(text("INSERT INTO insight_persona VALUES (:i, :p)"), {"i": ins, "p": per})

    upgrade(empty_engine)

    with empty_engine.connect() as c:
        counts = {
            table: c.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
            for table in ("segment", "segment_value_driver", "persona", "insight_segment", "insight_persona")
        }
        revealed, rationale = c.execute(text("SELECT ratings_revealed, priority_rationale FROM segment")).one()
    assert counts == {"segment": 1, "segment_value_driver": 1, "persona": 1, "insight_segment": 1, "insight_persona": 1}
    assert (bool(revealed), rationale) == (False, "")
