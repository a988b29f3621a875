"""The words for a database that cannot be used or refused a save, from what SQLite or PostgreSQL said."""

from __future__ import annotations

import sqlite3
import tomllib

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError
from streamlit.config import ShowErrorDetailsConfigOptions

from crmstrategy.core.database_health import check_database, server_failure
from crmstrategy.core.db import sqlite_file, write_failure
from tests.conftest import ROOT


def _operational(said: str, invalidated: bool = False) -> OperationalError:
    return OperationalError(
        "INSERT INTO workspace ...", {}, sqlite3.OperationalError(said), connection_invalidated=invalidated
    )


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        (
            "attempt to write a readonly database",
            "The database cannot be written: it is read-only. Nothing was saved. Ask whoever runs the workbench "
            "to make the database file and its folder writable, then try again.",
        ),
        (
            "cannot execute INSERT in a read-only transaction",
            "The database cannot be written: it is read-only. Nothing was saved. Ask whoever runs the workbench "
            "to make the database file and its folder writable, then try again.",
        ),
        (
            "database is locked",
            "The database cannot be written: another program kept it busy for too long. Nothing was saved. "
            "Try again in a moment.",
        ),
        (
            "database or disk is full",
            "The database cannot be written: the disk is full. Nothing was saved. Ask whoever runs the "
            "workbench to free some space on the server, then try again.",
        ),
        (
            'could not extend file "base/16384/16385": No space left on device',
            "The database cannot be written: the disk is full. Nothing was saved. Ask whoever runs the "
            "workbench to free some space on the server, then try again.",
        ),
        (
            "unable to open database file",
            "The database cannot be written: the workbench may not write in the database's folder. Nothing was "
            "saved. Ask whoever runs the workbench to make that folder writable, then try again.",
        ),
    ],
)
def test_a_refused_write_is_told_in_words(said, expected):
    assert write_failure(_operational(said)) == expected


def test_a_lost_server_connection_is_told_in_words():
    assert write_failure(_operational("server closed the connection unexpectedly", invalidated=True)) == (
        "The database cannot be written: the database server cannot be reached. Nothing was saved. Try again "
        "in a moment; if it keeps failing, ask whoever runs the workbench to check the server."
    )


def test_other_errors_are_not_the_database_refusing_a_write():
    """They go on as they are (to the server log): a bug must not read like a full disk."""
    assert write_failure(_operational('near "SELEC": syntax error')) is None
    assert write_failure(IntegrityError("INSERT", {}, sqlite3.IntegrityError("UNIQUE constraint failed"))) is None
    assert write_failure(ValueError("attempt to write a readonly database")) is None


@pytest.mark.parametrize(
    ("said", "what"),
    [
        (
            'connection failed: connection to server at "10.0.0.5", port 5433 failed: Connection refused\n'
            "\tIs the server running on that host and accepting TCP/IP connections?",
            "The PostgreSQL server at db.example.org:5433 cannot be reached: it refused the connection.",
        ),
        (
            "failed to resolve host 'db.example.org': [Errno -2] Name or service not known",
            "The PostgreSQL server at db.example.org:5433 cannot be reached: its host name is not known.",
        ),
        (
            "connection timeout expired",
            "The PostgreSQL server at db.example.org:5433 cannot be reached: it did not answer within 5 seconds.",
        ),
        (
            "server closed the connection unexpectedly",
            "The PostgreSQL server at db.example.org:5433 cannot be reached: the connection failed.",
        ),
    ],
)
def test_an_unreachable_server_says_why(said, what):
    problem = server_failure(said, "db.example.org:5433", "planner", "crm")
    assert (problem.kind, problem.what) == ("unreachable", what)


def test_a_refused_login_names_the_user_not_the_password():
    problem = server_failure(
        'connection failed: connection to server at "10.0.0.5", port 5432 failed: FATAL:  password '
        'authentication failed for user "planner"',
        "db.example.org:5432",
        "planner",
        "crm",
    )
    assert problem.kind == "login"
    assert problem.title == "The database server refused the login"
    assert problem.what == "The PostgreSQL server at db.example.org:5432 refused the login of user planner."
    assert problem.advice == (
        "Check the user name and password in CRMSTRATEGY_DATABASE_URL, and that this user may connect to the "
        "database; then reload this page."
    )


def test_an_unknown_database_is_named():
    problem = server_failure('FATAL:  database "crm" does not exist', "db.example.org:5432", "planner", "crm")
    assert (problem.kind, problem.what) == (
        "no_database",
        "The PostgreSQL server at db.example.org:5432 has no database named crm.",
    )


def test_the_file_of_an_sqlite_url():
    assert str(sqlite_file("sqlite:////srv/crm/workbench.db")) == "/srv/crm/workbench.db"
    assert str(sqlite_file("sqlite:///data/workbench.db")) == "data/workbench.db"
    assert str(sqlite_file("sqlite:///file:/srv/crm/workbench.db?mode=ro&uri=true")) == "/srv/crm/workbench.db"
    assert sqlite_file("sqlite://") is None
    assert sqlite_file("sqlite:///:memory:") is None


def test_a_database_yet_to_be_created_is_fine_and_the_check_creates_nothing(tmp_path):
    assert check_database(f"sqlite:///{tmp_path / 'new' / 'folder' / 'app.db'}") is None
    assert check_database("sqlite://") is None
    assert list(tmp_path.iterdir()) == []


def test_a_folder_named_as_the_database_is_not_a_database(tmp_path):
    (tmp_path / "app.db").mkdir()
    problem = check_database(f"sqlite:///{tmp_path / 'app.db'}")
    assert problem is not None
    assert (problem.kind, problem.what) == ("not_a_database", "app.db is a folder, not a database file.")


def test_the_shipped_config_shows_no_tracebacks():
    """In the browser an unexpected error reads as a short generic message; the traceback, its type and
    server paths go to the server log only. (false would mean "stacktrace", which shows the traceback.)"""
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == ShowErrorDetailsConfigOptions.NONE.value == "none"
