"""A database the workbench cannot use is named and explained, and left exactly as it was found."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from crmstrategy.core.database_health import DatabaseUnavailable, check_database, open_database
from crmstrategy.core.db import current_revision, make_engine, read_session, unit_of_work
from crmstrategy.core.errors import DatabaseNotWritable
from crmstrategy.workspace.workspaces import create_workspace, list_workspaces
from tests.conftest import sqlite_copy

UNTOUCHED = "The workbench has not changed anything in the database."
READ_ONLY_WHAT = "The database file app.db is read-only, so the workbench could show it but not save anything in it."
READ_ONLY_ADVICE = (
    "Ask whoever runs the workbench to make the file writable for the app (the server log names its full "
    "path) and, if CRMSTRATEGY_DATABASE_URL says mode=ro, to remove that; then reload this page. " + UNTOUCHED
)
FOLDER_ADVICE = (
    "Ask whoever runs the workbench to make that folder writable for the app (the server log names its full "
    "path), or to point CRMSTRATEGY_DATABASE_URL at a place where the app may write; then reload this page. "
    + UNTOUCHED
)
SAVE_REFUSED_READ_ONLY = (
    "The database cannot be written: it is read-only. Nothing was saved. Ask whoever runs the workbench to "
    "make the database file and its folder writable, then try again."
)


def _files(folder: Path) -> dict[str, bytes]:
    """Every file in `folder` and its bytes: what "untouched" is compared on (no -wal or -shm appears either)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _refused(url: str) -> DatabaseUnavailable:
    """The problem check_database finds, which open_database raises without writing anything."""
    problem = check_database(url)
    assert problem is not None
    with pytest.raises(DatabaseUnavailable) as raised:
        open_database(url)
    assert (raised.value.kind, raised.value.what) == (problem.kind, problem.what)
    return problem


@pytest.fixture
def demo_file(tmp_path, sqlite_templates) -> Path:
    """A workbench database holding the demo, alone in its folder."""
    folder = tmp_path / "data"
    folder.mkdir()
    sqlite_copy(sqlite_templates[True], folder / "app.db")
    return folder / "app.db"


def test_a_read_only_file_is_refused_before_any_write(demo_file, read_only):
    read_only(demo_file)
    before = _files(demo_file.parent)
    problem = _refused(f"sqlite:///{demo_file}")
    assert problem.kind == "read_only"
    assert problem.title == "The database is read-only"
    assert problem.what == READ_ONLY_WHAT
    assert problem.advice == READ_ONLY_ADVICE
    assert str(demo_file.parent) not in problem.what + problem.advice  # the full path goes to the log only
    assert problem.detail == str(demo_file)
    assert _files(demo_file.parent) == before


def test_a_url_that_opens_the_file_read_only_is_refused_too(demo_file):
    before = _files(demo_file.parent)
    problem = _refused(f"sqlite:///file:{demo_file}?mode=ro&uri=true")
    assert (problem.kind, problem.what) == ("read_only", READ_ONLY_WHAT)
    assert _files(demo_file.parent) == before


def test_a_save_into_a_read_only_file_says_so_and_saves_nothing(demo_file, read_only):
    """The file became read-only while the app ran: its next connection is read-only, and the save
    is refused in words, not with SQLite's OperationalError."""
    engine = make_engine(f"sqlite:///{demo_file}")
    try:
        with read_session(engine) as session:
            names = [w.name for w in list_workspaces(session=session)]
        engine.dispose()
        read_only(demo_file)
        before = demo_file.read_bytes()
        with pytest.raises(DatabaseNotWritable) as refused:
            with unit_of_work(engine) as session:
                create_workspace(session=session, data={"name": "Never saved", "currency": "NOK"})
        assert str(refused.value) == SAVE_REFUSED_READ_ONLY
        assert "readonly database" in str(refused.value.__cause__)  # SQLite's words, for the server log
        with read_session(engine) as session:
            assert [w.name for w in list_workspaces(session=session)] == names
        assert demo_file.read_bytes() == before
    finally:
        engine.dispose()


def test_a_save_through_a_read_only_url_says_so(demo_file):
    engine = make_engine(f"sqlite:///file:{demo_file}?mode=ro&uri=true")
    try:
        with pytest.raises(DatabaseNotWritable) as refused:
            with unit_of_work(engine) as session:
                create_workspace(session=session, data={"name": "Never saved", "currency": "NOK"})
        assert str(refused.value) == SAVE_REFUSED_READ_ONLY
    finally:
        engine.dispose()


def test_a_folder_the_app_cannot_write_is_refused(demo_file, read_only):
    """SQLite keeps its -wal and -shm files beside the database: a writable file is not enough."""
    read_only(demo_file.parent)
    before = _files(demo_file.parent)
    problem = _refused(f"sqlite:///{demo_file}")
    assert problem.kind == "folder"
    assert problem.title == "The database's folder cannot be written"
    assert problem.what == (
        "The workbench may not write in the folder that holds the database app.db. SQLite keeps its journal "
        "files beside the database, so the workbench can neither open it nor save anything."
    )
    assert problem.advice == FOLDER_ADVICE
    assert problem.detail == str(demo_file.parent)
    assert _files(demo_file.parent) == before


def test_a_new_database_in_a_folder_the_app_cannot_write_is_refused(tmp_path, read_only):
    folder = tmp_path / "locked"
    folder.mkdir()
    read_only(folder)
    problem = _refused(f"sqlite:///{folder / 'new.db'}")
    assert (problem.kind, problem.what) == (
        "folder",
        "The workbench may not write in the folder meant for the database new.db, so it cannot create it.",
    )
    assert list(folder.iterdir()) == []


def test_a_folder_that_cannot_be_created_is_refused(tmp_path):
    blocker = tmp_path / "data"
    blocker.write_text("a file where the folder should be")
    problem = _refused(f"sqlite:///{blocker / 'sub' / 'app.db'}")
    assert problem.kind == "folder"
    assert problem.title == "The database's folder cannot be created"
    assert (
        problem.what == "The folder meant for the database app.db does not exist, and the workbench may not create it."
    )
    assert problem.advice == (
        "Ask whoever runs the workbench to create that folder, writable for the app (the server log names its "
        "full path), or to point CRMSTRATEGY_DATABASE_URL at a place where the app may write; then reload this page."
    )
    assert blocker.read_text() == "a file where the folder should be"


def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    garbage = tmp_path / "app.db"
    garbage.write_bytes(b"Quarterly numbers, not a database. " * 200)
    before = _files(tmp_path)
    problem = _refused(f"sqlite:///{garbage}")
    assert problem.kind == "not_a_database"
    assert problem.title == "This is not a workbench database"
    assert problem.what == "The file app.db is not a database (SQLite says: file is not a database)."
    assert problem.advice == (
        "Point CRMSTRATEGY_DATABASE_URL at the workbench's database file, or, to start afresh, move app.db away "
        "so that the workbench creates a new, empty database; then reload this page. " + UNTOUCHED
    )
    assert _files(tmp_path) == before


def test_a_damaged_database_is_refused(tmp_path, sqlite_templates):
    damaged = tmp_path / "app.db"
    damaged.write_bytes(sqlite_templates[True].read_bytes()[:100] + b"\x07" * 8192)
    before = _files(tmp_path)
    problem = _refused(f"sqlite:///{damaged}")
    assert (problem.kind, problem.what) == (
        "damaged",
        "The database file app.db is damaged (SQLite says: database disk image is malformed).",
    )
    assert _files(tmp_path) == before


def _stamp(url: str, revision: str) -> None:
    """What a newer version of the app leaves: a schema revision this code does not know."""
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    finally:
        engine.dispose()


def test_a_database_from_a_newer_version_is_left_alone(database_url, demo_workspace_id, engine):
    engine.dispose()  # the fixture's engine; nothing of the app may hold the database open
    _stamp(database_url, "0099")
    sqlite = database_url.startswith("sqlite")
    folder = Path(database_url.split("///", 1)[1]).parent if sqlite else None
    before = _files(folder) if folder else None
    problem = _refused(database_url)
    if sqlite:
        name = "test.db"
    else:
        server, database = database_url.split("@", 1)[1].rsplit("/", 1)
        name = f"{database} on {server}"
    assert problem.kind == "newer"
    assert problem.title == "The database is from a newer version of the workbench"
    assert problem.what == (
        f"The database {name} was written by a newer version of the CRM Strategy Workbench: its schema is "
        "at revision 0099, and this version knows revisions up to 0009."
    )
    assert problem.advice == (
        "Upgrade this workbench to a version that knows revision 0099, or open the database with the version "
        "that wrote it. To bring the work here instead, export each workspace in that version (Workspaces → "
        "Export) and import the files into this one with an empty database. " + UNTOUCHED
    )
    if folder:
        assert _files(folder) == before
    check = make_engine(database_url)
    try:
        assert current_revision(check) == "0099"
        with read_session(check) as session:
            assert [w.id for w in list_workspaces(session=session)] == [demo_workspace_id]
    finally:
        check.dispose()


@pytest.fixture
def closed_port():
    """A loopback port that refuses connections: bound, so nothing else takes it, but not listening."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


def test_an_unreachable_postgresql_server_is_named_without_the_password(closed_port):
    url = f"postgresql://planner:s3cret-pw@127.0.0.1:{closed_port}/crmstrategy"
    problem = _refused(url)
    assert problem.kind == "unreachable"
    assert problem.title == "The database server cannot be reached"
    assert (
        problem.what
        == f"The PostgreSQL server at 127.0.0.1:{closed_port} cannot be reached: it refused the connection."
    )
    assert problem.advice == (
        "Check that the server is running, that the host and port in CRMSTRATEGY_DATABASE_URL are right, and "
        "that this machine may connect to it; then reload this page."
    )
    assert "s3cret-pw" not in problem.what + problem.advice + problem.detail


def test_a_postgresql_database_that_does_not_exist_is_named(postgres_url):
    server = postgres_url.split("@", 1)[1].rsplit("/", 1)[0]
    problem = _refused(postgres_url.rsplit("/", 1)[0] + "/no_such_workbench")
    assert problem.kind == "no_database"
    assert problem.what == f"The PostgreSQL server at {server} has no database named no_such_workbench."
    assert problem.advice == (
        "Create the database (the workbench fills an empty one itself), or correct its name in "
        "CRMSTRATEGY_DATABASE_URL; then reload this page."
    )


def test_a_sound_database_passes(database_url):
    assert check_database(database_url) is None
