"""What is wrong with a database the workbench cannot use (read-only, a folder it may not write, not a
database, newer than this app, PostgreSQL out of reach), found before anything is written to it."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from alembic.util import CommandError
from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from crmstrategy.core.db import make_engine, schema_revisions, sqlite_file, upgrade, write_failure_reason
from crmstrategy.core.errors import DatabaseNotWritable

SQLITE_HEADER = b"SQLite format 3\x00"
# How long the check waits for a PostgreSQL server before saying it cannot be reached.
CONNECT_TIMEOUT_SECONDS = 5
URL_SETTING = "CRMSTRATEGY_DATABASE_URL"
UNTOUCHED = "The workbench has not changed anything in the database."


@dataclass(eq=False)  # compared by identity, as exceptions are
class DatabaseUnavailable(Exception):
    """The database cannot be used, in words for the user: `title` (what happened, short), `what` (what
    is wrong), `advice` (what to do). `detail` is for the server log only: it may name server paths.
    `kind` names the case: read_only, folder, no_access, not_a_database, damaged, newer, unreachable,
    login, no_database or cannot_write."""

    kind: str
    title: str
    what: str
    advice: str
    detail: str = ""

    def __post_init__(self) -> None:
        super().__init__(f"{self.title}: {self.what}")


def check_database(url: str) -> DatabaseUnavailable | None:
    """What keeps the workbench from using the database at `url`, or None when it can (a file that
    does not exist yet is fine: the workbench creates it). Reads only; writes nothing."""
    if make_url(url).get_backend_name() == "sqlite":
        path = sqlite_file(url)
        return None if path is None else _check_sqlite(url, path)
    return _check_server(url)


def open_database(url: str) -> Engine:
    """An engine on the database at `url` with its schema brought up to date, or DatabaseUnavailable
    when the database cannot be used; a database in that state is left as it was found."""
    problem = check_database(url)
    if problem is not None:
        raise problem
    engine = make_engine(url)
    with explained_failures(url, engine):
        upgrade(engine)
    return engine


@contextmanager
def explained_failures(url: str, engine: Engine) -> Iterator[None]:
    """Run a first use of `engine`: a failure that is the database's (see explain_failure) disposes the
    engine and becomes DatabaseUnavailable; anything else goes on as it is."""
    try:
        yield
    except (DBAPIError, DatabaseNotWritable, CommandError) as exc:
        # CommandError: alembic met a revision it does not know, written since check_database looked.
        engine.dispose()
        problem = explain_failure(url, exc)
        if problem is None:
            raise
        raise problem from exc


def explain_failure(url: str, exc: BaseException) -> DatabaseUnavailable | None:
    """Why the database at `url` failed with `exc`, for the user; None when the failure is not the
    database's (a bug), which then goes on as it is, to the server log."""
    problem = check_database(url)
    if problem is not None:
        return problem
    cause = exc.__cause__ if isinstance(exc, DatabaseNotWritable) else exc
    found = write_failure_reason(cause) if cause is not None else None
    if found is None:
        return None
    reason, advice = found
    return DatabaseUnavailable(
        "cannot_write",
        "The database cannot be written",
        f"The database cannot be written: {reason}.",
        advice.replace("try again", "reload this page").replace("Try again", "Reload this page"),
        detail=str(cause),
    )


def _check_sqlite(url: str, path: Path) -> DatabaseUnavailable | None:
    name = path.name
    if path.is_dir():
        return DatabaseUnavailable(
            "not_a_database",
            "This is not a workbench database",
            f"{name} is a folder, not a database file.",
            f"Point {URL_SETTING} at the database file, then restart the workbench. {UNTOUCHED}",
            detail=str(path),
        )
    exists = path.exists()
    if exists:
        if not os.access(path, os.R_OK):
            return DatabaseUnavailable(
                "no_access",
                "The database cannot be read",
                f"The workbench may not read the database file {name}.",
                "Ask whoever runs the workbench to let the app read and write that file (the server log "
                f"names its full path), then reload this page. {UNTOUCHED}",
                detail=str(path),
            )
        with path.open("rb") as file:
            header = file.read(len(SQLITE_HEADER))
        # An empty file is an empty database to SQLite, which the workbench fills like a new one.
        if header and header != SQLITE_HEADER:
            return _not_a_database(name, path, "file is not a database")
    problem = _check_folder(name, path, exists)
    if problem is not None:
        return problem
    if not exists:
        return None
    if not os.access(path, os.W_OK) or make_url(url).query.get("mode") == "ro":
        return DatabaseUnavailable(
            "read_only",
            "The database is read-only",
            f"The database file {name} is read-only, so the workbench could show it but not save anything in it.",
            "Ask whoever runs the workbench to make the file writable for the app (the server log names its "
            f"full path) and, if {URL_SETTING} says mode=ro, to remove that; then reload this page. {UNTOUCHED}",
            detail=str(path),
        )
    try:
        # Read-only, and outside SQLAlchemy: the app's engine sets its pragmas on connect, and a
        # database from a newer version must not be changed at all. Without a -wal file everything is
        # in the main file, which is then read as immutable: a read-only connection to a WAL database
        # would leave empty -wal and -shm files behind.
        mode = "mode=ro" if path.with_name(f"{name}-wal").exists() else "immutable=1"
        connection = sqlite3.connect(f"file:{quote(str(path))}?{mode}", uri=True)
        try:
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            revision = (
                connection.execute("SELECT version_num FROM alembic_version").fetchone()
                if "alembic_version" in tables
                else None
            )
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        return _not_a_database(name, path, str(exc))
    return _check_revision(f"The database {name}", revision[0] if revision else None)


def _check_folder(name: str, path: Path, exists: bool) -> DatabaseUnavailable | None:
    """SQLite keeps its journal (-wal, -shm) beside the database, so the folder must be writable
    even when the file is; a folder that does not exist yet must be one the app can create."""
    folder = path.parent
    if folder.is_dir():
        if os.access(folder, os.W_OK | os.X_OK):
            return None
        what = (
            f"The workbench may not write in the folder that holds the database {name}. SQLite keeps its "
            "journal files beside the database, so the workbench can neither open it nor save anything."
            if exists
            else f"The workbench may not write in the folder meant for the database {name}, so it cannot create it."
        )
        return DatabaseUnavailable(
            "folder",
            "The database's folder cannot be written",
            what,
            "Ask whoever runs the workbench to make that folder writable for the app (the server log names "
            f"its full path), or to point {URL_SETTING} at a place where the app may write; then reload "
            f"this page. {UNTOUCHED}",
            detail=str(folder),
        )
    ancestor = folder
    while not ancestor.exists() and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if ancestor.is_dir() and os.access(ancestor, os.W_OK | os.X_OK):
        return None  # make_engine creates the folder
    return DatabaseUnavailable(
        "folder",
        "The database's folder cannot be created",
        f"The folder meant for the database {name} does not exist, and the workbench may not create it.",
        "Ask whoever runs the workbench to create that folder, writable for the app (the server log names "
        f"its full path), or to point {URL_SETTING} at a place where the app may write; then reload this page.",
        detail=str(folder),
    )


def _not_a_database(name: str, path: Path, said: str) -> DatabaseUnavailable:
    if "malformed" in said:
        return DatabaseUnavailable(
            "damaged",
            "The database is damaged",
            f"The database file {name} is damaged (SQLite says: {said}).",
            f"Ask whoever runs the workbench to restore {name} from a backup, then reload this page. {UNTOUCHED}",
            detail=str(path),
        )
    return DatabaseUnavailable(
        "not_a_database",
        "This is not a workbench database",
        f"The file {name} is not a database (SQLite says: {said}).",
        f"Point {URL_SETTING} at the workbench's database file, or, to start afresh, move {name} away so "
        f"that the workbench creates a new, empty database; then reload this page. {UNTOUCHED}",
        detail=str(path),
    )


def _check_revision(database: str, revision: str | None) -> DatabaseUnavailable | None:
    """A schema revision this code does not know was written by a newer version of the workbench:
    upgrading cannot go on from it and downgrading would lose data, so the database is left alone."""
    known = schema_revisions()
    if revision is None or revision in known:
        return None
    return DatabaseUnavailable(
        "newer",
        "The database is from a newer version of the workbench",
        f"{database} was written by a newer version of the CRM Strategy Workbench: its schema is at "
        f"revision {revision}, and this version knows revisions up to {known[-1]}.",
        f"Upgrade this workbench to a version that knows revision {revision}, or open the database with the "
        "version that wrote it. To bring the work here instead, export each workspace in that version "
        f"(Workspaces → Export) and import the files into this one with an empty database. {UNTOUCHED}",
    )


def _check_server(url: str) -> DatabaseUnavailable | None:
    """Connect to the server (never writing) and read the schema revision."""
    parsed = make_url(url)
    where = f"{parsed.host or 'localhost'}:{parsed.port or 5432}"
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")  # the driver make_engine uses
    engine = create_engine(parsed, poolclass=NullPool, connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS})
    try:
        with engine.connect() as connection:
            revision = None
            if inspect(connection).has_table("alembic_version"):
                revision = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError as exc:
        return server_failure(str(exc.orig), where, parsed.username, parsed.database)
    finally:
        engine.dispose()
    return _check_revision(f"The database {parsed.database} on {where}", revision)


def server_failure(said: str, where: str, user: str | None, database: str | None) -> DatabaseUnavailable:
    """Why a connection to the PostgreSQL server at `where` (host:port) failed, from what the driver
    said; names the host, port, user and database, never the password."""
    lowered = said.lower()
    if "password" in lowered or "authentication" in lowered or ("role" in lowered and "does not exist" in lowered):
        return DatabaseUnavailable(
            "login",
            "The database server refused the login",
            f"The PostgreSQL server at {where} refused the login of user {user or '(none)'}.",
            f"Check the user name and password in {URL_SETTING}, and that this user may connect to the "
            "database; then reload this page.",
            detail=said,
        )
    if "database" in lowered and "does not exist" in lowered:
        return DatabaseUnavailable(
            "no_database",
            "The database does not exist",
            f"The PostgreSQL server at {where} has no database named {database}.",
            f"Create the database (the workbench fills an empty one itself), or correct its name in {URL_SETTING}; "
            "then reload this page.",
            detail=said,
        )
    if "refused" in lowered:
        reason = "it refused the connection"
    elif "resolve host" in lowered or "translate host name" in lowered:
        reason = "its host name is not known"
    elif "timeout" in lowered or "timed out" in lowered:
        reason = f"it did not answer within {CONNECT_TIMEOUT_SECONDS} seconds"
    else:
        reason = "the connection failed"
    return DatabaseUnavailable(
        "unreachable",
        "The database server cannot be reached",
        f"The PostgreSQL server at {where} cannot be reached: {reason}.",
        f"Check that the server is running, that the host and port in {URL_SETTING} are right, and that "
        "this machine may connect to it; then reload this page.",
        detail=said,
    )
