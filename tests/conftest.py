"""Fixtures shared by every suite: databases (SQLite, and a throwaway PostgreSQL) and the demo."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from crmstrategy.db import make_engine, unit_of_work, upgrade
from crmstrategy.workspace_io import import_workspace, load_demo_document

ROOT = Path(__file__).resolve().parent.parent

# Every test runs on one fixed day, the demo's own anchor day, whatever the real date: pages,
# services, the demo and the browser tests' server all read it through crmstrategy.clock.
TODAY = "2026-12-01"
os.environ["CRMSTRATEGY_TODAY"] = TODAY


@pytest.fixture(scope="session")
def postgres_url():
    """The server URL: CRMSTRATEGY_TEST_POSTGRES_URL if given, else a server started for this run."""
    given = os.environ.get("CRMSTRATEGY_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    from tests.pgserver import PostgresServer
    server = PostgresServer().start()
    try:
        yield server.url
    finally:
        server.stop()


def _fresh_postgres_database(server_url: str) -> tuple[str, callable]:
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return server_url.rsplit("/", 1)[0] + f"/{name}", drop


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """An empty, migrated database of each kind (one per test)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.db'}"
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url
        return
    url, drop = _fresh_postgres_database(request.getfixturevalue("postgres_url"))
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    try:
        yield url
    finally:
        drop()


@pytest.fixture
def engine(database_url):
    engine = make_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sqlite_engine(tmp_path):
    """A migrated SQLite database, for unit tests of services that need no PostgreSQL run."""
    engine = make_engine(f"sqlite:///{tmp_path / 'unit.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def demo_workspace_id(engine) -> int:
    with unit_of_work(engine) as session:
        return import_workspace(session=session, document=load_demo_document()).id
