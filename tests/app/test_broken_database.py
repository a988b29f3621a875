"""A database the workbench cannot use gets one page saying what is wrong and what to do, never a
traceback; the database is left as it was, and once it is fixed the next run opens the app."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from crmstrategy.workspace.workspaces import list_workspaces
from tests.app.conftest import errors, open_page, plain, successes
from tests.conftest import ROOT, _fresh_postgres_database, sqlite_copy

UNTOUCHED = "The workbench has not changed anything in the database."
NOT_A_DATABASE = (
    "**This is not a workbench database**\n\nThe file app.db is not a database (SQLite says: file is not a database)."
)


def _run_app(monkeypatch, url: str, page: str | None = None) -> AppTest:
    monkeypatch.setenv("CRMSTRATEGY_DATABASE_URL", url)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    if page is not None:
        at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _shown(at: AppTest) -> tuple[list[str], list[str]]:
    """The error box and the "What to do" line of the database page."""
    return errors(at), [plain(m.value) for m in at.markdown]


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def _page_text(at: AppTest) -> str:
    return " ".join(plain(e.value) for e in [*at.error, *at.markdown, *at.title])


@pytest.fixture
def demo_file(tmp_path, sqlite_templates) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    sqlite_copy(sqlite_templates[True], folder / "app.db")
    return folder / "app.db"


def test_a_read_only_database_gets_a_page(monkeypatch, demo_file, read_only):
    read_only(demo_file)
    before = _files(demo_file.parent)
    at = _run_app(monkeypatch, f"sqlite:///{demo_file}")
    assert _shown(at) == (
        [
            "**The database is read-only**\n\nThe database file app.db is read-only, so the workbench could "
            "show it but not save anything in it."
        ],
        [
            "**What to do:** Ask whoever runs the workbench to make the file writable for the app (the server "
            "log names its full path) and, if CRMSTRATEGY_DATABASE_URL says mode=ro, to remove that; then "
            "reload this page. " + UNTOUCHED
        ],
    )
    assert str(demo_file.parent) not in _page_text(at)
    assert _files(demo_file.parent) == before


def test_every_page_shows_it_not_only_the_first(monkeypatch, demo_file, read_only):
    read_only(demo_file)
    at = _run_app(monkeypatch, f"sqlite:///{demo_file}", "app_pages/implementation/plan.py")
    assert errors(at)[0].startswith("**The database is read-only**")
    at = open_page(at, "app_pages/overview/workspaces.py")
    assert errors(at)[0].startswith("**The database is read-only**")


def test_a_folder_the_app_cannot_write_gets_a_page(monkeypatch, demo_file, read_only):
    read_only(demo_file.parent)
    before = _files(demo_file.parent)
    at = _run_app(monkeypatch, f"sqlite:///{demo_file}")
    assert _shown(at) == (
        [
            "**The database's folder cannot be written**\n\nThe workbench may not write in the folder that "
            "holds the database app.db. SQLite keeps its journal files beside the database, so the workbench "
            "can neither open it nor save anything."
        ],
        [
            "**What to do:** Ask whoever runs the workbench to make that folder writable for the app (the "
            "server log names its full path), or to point CRMSTRATEGY_DATABASE_URL at a place where the app "
            "may write; then reload this page. " + UNTOUCHED
        ],
    )
    assert str(demo_file.parent) not in _page_text(at)
    assert _files(demo_file.parent) == before


def test_a_file_that_is_not_a_database_gets_a_page_and_fixing_it_opens_the_app(monkeypatch, tmp_path, sqlite_templates):
    garbage = tmp_path / "app.db"
    garbage.write_bytes(b"Quarterly numbers, not a database. " * 200)
    before = _files(tmp_path)
    at = _run_app(monkeypatch, f"sqlite:///{garbage}")
    assert _shown(at) == (
        [NOT_A_DATABASE],
        [
            "**What to do:** Point CRMSTRATEGY_DATABASE_URL at the workbench's database file, or, to start "
            "afresh, move app.db away so that the workbench creates a new, empty database; then reload this "
            "page. " + UNTOUCHED
        ],
    )
    assert _files(tmp_path) == before
    # The failure was not cached with the engine: once the file is a database, a reload opens the app.
    shutil.copyfile(sqlite_templates[True], garbage)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not errors(at)
    assert at.sidebar.selectbox(key="workspace_switcher").value is not None


def _stamp(url: str, revision: str) -> None:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.begin() as connection:
            connection.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    finally:
        engine.dispose()


NEWER_ADVICE = (
    "**What to do:** Upgrade this workbench to a version that knows revision 0099, or open the database with "
    "the version that wrote it. To bring the work here instead, export each workspace in that version "
    "(Workspaces → Export) and import the files into this one with an empty database. " + UNTOUCHED
)


def test_a_database_from_a_newer_version_gets_a_page(monkeypatch, demo_file):
    url = f"sqlite:///{demo_file}"
    _stamp(url, "0099")
    before = _files(demo_file.parent)
    at = _run_app(monkeypatch, url)
    assert _shown(at) == (
        [
            "**The database is from a newer version of the workbench**\n\nThe database app.db was written by "
            "a newer version of the CRM Strategy Workbench: its schema is at revision 0099, and this version "
            "knows revisions up to 0009."
        ],
        [NEWER_ADVICE],
    )
    assert _files(demo_file.parent) == before


def test_a_postgresql_database_from_a_newer_version_gets_a_page(monkeypatch, postgres_url, postgres_templates):
    url, drop = _fresh_postgres_database(postgres_url, postgres_templates[True])
    try:
        _stamp(url, "0099")
        at = _run_app(monkeypatch, url)
        server, database = url.split("@", 1)[1].rsplit("/", 1)
        assert _shown(at) == (
            [
                "**The database is from a newer version of the workbench**\n\nThe database "
                f"{database} on {server} was written by a newer version of the CRM Strategy Workbench: its "
                "schema is at revision 0099, and this version knows revisions up to 0009."
            ],
            [NEWER_ADVICE],
        )
        engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
        try:
            with engine.connect() as connection:
                assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0099"
        finally:
            engine.dispose()
    finally:
        drop()


def test_an_unreachable_postgresql_server_gets_a_page(monkeypatch):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))  # bound but not listening: connections are refused
        port = sock.getsockname()[1]
        at = _run_app(monkeypatch, f"postgresql://planner:s3cret-pw@127.0.0.1:{port}/crmstrategy")
    assert _shown(at) == (
        [
            "**The database server cannot be reached**\n\nThe PostgreSQL server at "
            f"127.0.0.1:{port} cannot be reached: it refused the connection."
        ],
        [
            "**What to do:** Check that the server is running, that the host and port in "
            "CRMSTRATEGY_DATABASE_URL are right, and that this machine may connect to it; then reload this page."
        ],
    )
    assert "s3cret-pw" not in _page_text(at)


def test_a_save_the_database_refuses_is_told_where_the_user_looks(monkeypatch, demo_file, read_only):
    """The file turns read-only while the app runs: the save says so beside the form, nothing is
    written, and the page carries on; once the file is writable again, the same save goes through."""
    from crmstrategy.ui.actions import engine_for

    url = f"sqlite:///{demo_file}"
    at = _run_app(monkeypatch, url, "app_pages/overview/workspaces.py")
    writable_again = read_only(demo_file)
    # The connections opened before stay writable; the next one SQLite opens is read-only.
    engine_for(url).dispose()
    at.text_input(key="ws_create_name").input("Never saved")
    at.button(key="ws_create_submit").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert errors(at) == [
        "The database cannot be written: it is read-only. Nothing was saved. Ask whoever runs the workbench to "
        "make the database file and its folder writable, then try again."
    ]
    check = create_engine(f"sqlite:///file:{demo_file}?mode=ro&uri=true")
    try:
        with Session(check) as session:
            assert [w.name for w in list_workspaces(session=session)] == ["Demo: Nordvik Rørhandel"]
    finally:
        check.dispose()
    # The refused save let go of the read-only connection: the next one is opened afresh.
    writable_again()
    at.button(key="ws_create_submit").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not errors(at)
    assert successes(at) == ["Created 'Never saved'. It is now the current workspace."]


def test_a_database_that_breaks_while_the_app_runs_gets_the_page_too(monkeypatch, demo_file, sqlite_templates):
    at = _run_app(monkeypatch, f"sqlite:///{demo_file}", "app_pages/analysis/segments.py")
    assert not errors(at)
    demo_file.write_bytes(b"Overwritten by a backup tool gone wrong. " * 200)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert errors(at) == [NOT_A_DATABASE]
    shutil.copyfile(sqlite_templates[True], demo_file)  # restored from the backup
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert not errors(at)
    assert at.title[0].value == "Segments"
