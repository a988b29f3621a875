"""Fixtures shared by every suite: databases (SQLite, and a throwaway PostgreSQL) and the demo."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from crmstrategy.core.db import make_engine, read_session, unit_of_work, upgrade
from crmstrategy.workspace.workspace_file import import_workspace, load_demo_document
from crmstrategy.workspace.workspaces import list_workspaces

ROOT = Path(__file__).resolve().parent.parent

# Every test runs on one fixed day, the demo's own anchor day, whatever the real date: pages,
# services, the demo and the browser tests' server all read it through crmstrategy.core.clock.
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


def _admin(server_url: str):
    return create_engine(server_url.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")


def _fresh_postgres_database(server_url: str, template: str | None = None) -> tuple[str, callable]:
    """A new database on the server (a copy of `template` if given) and the function that drops it."""
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = _admin(server_url)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return server_url.rsplit("/", 1)[0] + f"/{name}", drop


def _prepare(url: str, with_demo: bool) -> None:
    """Migrate the database at `url` and, if asked, load the demo as the app does on a first start."""
    engine = make_engine(url)
    try:
        upgrade(engine)
        if with_demo:
            with unit_of_work(engine) as session:
                import_workspace(session=session, document=load_demo_document())
        if engine.dialect.name == "sqlite":
            # Everything into the main file, so that a copy of that one file is the whole database
            with engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def sqlite_templates(tmp_path_factory) -> dict[bool, Path]:
    """Migrated SQLite files, built once per test session: without and with the demo. Each test
    gets a copy (`sqlite_copy`), which costs a file copy instead of every migration."""
    folder = tmp_path_factory.mktemp("templates")
    templates = {}
    for with_demo in (False, True):
        path = folder / ("demo.db" if with_demo else "migrated.db")
        _prepare(f"sqlite:///{path}", with_demo)
        templates[with_demo] = path
    return templates


def sqlite_copy(template: Path, target: Path) -> str:
    shutil.copyfile(template, target)
    return f"sqlite:///{target}"


@pytest.fixture(scope="session")
def postgres_templates(postgres_url):
    """Migrated PostgreSQL databases, built once per test session, without and with the demo; each
    test's database is made from one (CREATE DATABASE ... TEMPLATE)."""
    made = {}
    drops = []
    try:
        for with_demo in (False, True):
            url, drop = _fresh_postgres_database(postgres_url)
            drops.append(drop)
            _prepare(url, with_demo)
            made[with_demo] = url.rsplit("/", 1)[1]
        yield made
    finally:
        for drop in drops:
            drop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path):
    """A migrated database of each kind (one per test), copied from a template: empty, or holding
    only the demo when the test asks for `demo_workspace_id`."""
    with_demo = "demo_workspace_id" in request.fixturenames
    if request.param == "sqlite":
        yield sqlite_copy(request.getfixturevalue("sqlite_templates")[with_demo], tmp_path / "test.db")
        return
    template = request.getfixturevalue("postgres_templates")[with_demo]
    url, drop = _fresh_postgres_database(request.getfixturevalue("postgres_url"), template)
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
def sqlite_engine(tmp_path, sqlite_templates):
    """A migrated SQLite database, for unit tests of services that need no PostgreSQL run."""
    engine = make_engine(sqlite_copy(sqlite_templates[False], tmp_path / "unit.db"))
    yield engine
    engine.dispose()


@pytest.fixture
def demo_workspace_id(engine) -> int:
    """The demo workspace, which `database_url` copied in before any other fixture wrote."""
    with read_session(engine) as session:
        return min(w.id for w in list_workspaces(session=session) if w.name.startswith("Demo"))


@pytest.fixture
def read_only():
    """Make a file or folder truly read-only for this test; `read_only(path)` returns the function that
    makes it writable again, which also runs after the test (so that tmp_path can be cleaned). As root
    chmod stops nothing, so there it is the immutable attribute (chattr +i), which binds root too; a
    file system without it skips the test, saying so."""
    undo = []

    def make(path: Path):
        if os.geteuid() != 0:
            mode = path.stat().st_mode
            path.chmod(mode & ~0o222)

            def restore() -> None:
                path.chmod(mode)

        else:
            chattr = shutil.which("chattr")
            if chattr is None:
                pytest.skip("Running as root, where chmod does not stop writes, and chattr is not installed.")
            done = subprocess.run([chattr, "+i", str(path)], capture_output=True, text=True)
            if done.returncode != 0:
                pytest.skip(
                    "Running as root, where chmod does not stop writes, and this file system refuses "
                    f"chattr +i: {done.stderr.strip()}"
                )

            def restore() -> None:
                subprocess.run([chattr, "-i", str(path)], check=True)

        undo.append(restore)
        # Really read-only, not just marked so:
        with pytest.raises(PermissionError):
            if path.is_dir():
                (path / "probe").touch()
            else:
                path.open("ab").close()
        return restore

    yield make
    for restore in reversed(undo):
        restore()
