"""Engine, sessions and schema upgrades for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DatabaseError, DBAPIError, IntegrityError
from sqlmodel import Session

from crmstrategy.core.errors import DatabaseNotWritable, ValidationProblem

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATABASE_URL = f"sqlite:///{PROJECT_ROOT / 'data' / 'workbench.db'}"
MIGRATIONS_DIR = Path(__file__).resolve().parents[1] / "migrations"
BUSY_TIMEOUT_S = 30  # how long a writer waits for its turn before SQLite says "database is locked"
# Up to 40 connections at once, as many kept once opened: a workshop room saves in bursts, and a
# pool of 10 with 30 overflow closed 20 connections after each burst only to open them again at
# the next (on PostgreSQL a new server process each).
POOL = {"pool_size": 40, "max_overflow": 0}


def database_url_from_env(secrets: dict | None = None) -> str:
    """The URL from CRMSTRATEGY_DATABASE_URL, then from secrets, then the embedded default."""
    url = os.environ.get("CRMSTRATEGY_DATABASE_URL")
    if not url and secrets:
        url = secrets.get("CRMSTRATEGY_DATABASE_URL")
    return url or DEFAULT_DATABASE_URL


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        return _make_sqlite_engine(url)
    if url.startswith("postgresql://"):
        # psycopg 3 is the driver we ship; plain postgresql:// would ask for psycopg2.
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return create_engine(url, pool_pre_ping=True, **POOL)


def sqlite_file(url: str) -> Path | None:
    """The file of an SQLite URL, None for an in-memory database. A `file:` URI (with `?uri=true`,
    e.g. `sqlite:///file:/srv/w.db?mode=ro&uri=true`) names its file after the `file:`."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return None
    if database.startswith("file:"):
        database = database[len("file:") :].split("?", 1)[0]
    return Path(database)


def _make_sqlite_engine(url: str) -> Engine:
    path = sqlite_file(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    # isolation_level=None hands transaction control to SQLAlchemy's "begin" event below,
    # so that writers can take the write lock up front (see _begin).
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_S, "isolation_level": None},
        **POOL,
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_S * 1000}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection):
        # A deferred transaction that reads and then writes can fail at once with
        # "database is locked" when another writer got there first; busy_timeout does not
        # help there. BEGIN IMMEDIATE queues writers on the busy timeout instead.
        if connection.get_execution_options().get("sqlite_write"):
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")

    return engine


def alembic_config(engine: Engine | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if engine is not None:
        config.attributes["engine"] = engine
    return config


def schema_revisions() -> list[str]:
    """The schema revisions this version of the app knows, oldest first (the last is its head)."""
    script = ScriptDirectory.from_config(alembic_config())
    return [revision.revision for revision in reversed(list(script.walk_revisions()))]


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` (the app calls this at start)."""
    command.upgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


# What SQLite or PostgreSQL says when it refuses a write (lower case), what the user reads after
# "The database cannot be written:", and what to do. First match wins.
_WRITE_FAILURES: tuple[tuple[tuple[str, ...], str, str], ...] = (
    (
        ("readonly database", "read-only transaction"),
        "it is read-only",
        "Ask whoever runs the workbench to make the database file and its folder writable, then try again.",
    ),
    (
        ("database is locked", "database table is locked", "lock timeout"),
        "another program kept it busy for too long",
        "Try again in a moment.",
    ),
    (
        ("database or disk is full", "no space left on device", "disk full"),
        "the disk is full",
        "Ask whoever runs the workbench to free some space on the server, then try again.",
    ),
    (
        ("unable to open database file",),
        "the workbench may not write in the database's folder",
        "Ask whoever runs the workbench to make that folder writable, then try again.",
    ),
    (
        ("file is not a database",),
        "the database file has been replaced by a file that is not a database",
        "Reload the page to see what to do.",
    ),
    (
        ("malformed", "disk i/o error"),
        "the database file is damaged or its disk failed",
        "Ask whoever runs the workbench to check the disk and restore the database from a backup.",
    ),
)


def write_failure_reason(exc: BaseException) -> tuple[str, str] | None:
    """Why the database refused a write with `exc` and what to do, in the user's words; None when
    `exc` is not one of the database's own refusals (read-only, locked, disk full, server gone): those
    go on as they are, to the server log."""
    if not isinstance(exc, DBAPIError) or isinstance(exc, IntegrityError):
        return None
    said = str(exc.orig).lower()
    for signs, reason, advice in _WRITE_FAILURES:
        if any(sign in said for sign in signs):
            return reason, advice
    if exc.connection_invalidated:
        return (
            "the database server cannot be reached",
            "Try again in a moment; if it keeps failing, ask whoever runs the workbench to check the server.",
        )
    return None


def write_failure(exc: BaseException) -> str | None:
    """The sentence a user reads when the database refused a save with `exc` (see write_failure_reason)."""
    found = write_failure_reason(exc)
    if found is None:
        return None
    reason, advice = found
    return f"The database cannot be written: {reason}. Nothing was saved. {advice}"


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """One transaction for one user action: commit on success, roll back on any error.

    A constraint the services did not foresee (two people saving the same name at the same
    moment) becomes a ValidationProblem, so the user reads a sentence, not a traceback; so does
    a write the database itself refuses (read-only, locked, disk full): DatabaseNotWritable.
    """
    sqlite = engine.dialect.name == "sqlite"
    turn = _writer_turn(engine) if sqlite else None
    waited = turn is not None and turn.acquire(timeout=BUSY_TIMEOUT_S)
    bind = engine.execution_options(sqlite_write=True) if sqlite else engine
    session = Session(bind, expire_on_commit=False)
    try:
        yield session
        session.commit()
    except IntegrityError:
        session.rollback()
        raise ValidationProblem(
            "Someone saved a conflicting change at the same moment (for example the "
            "same name). Nothing was saved; look at the current data and try again."
        ) from None
    except DatabaseError as exc:
        session.rollback()
        message = write_failure(exc)
        if message is None:
            raise
        # The database's own words stay on the exception (__cause__), for the server log.
        raise DatabaseNotWritable(message) from exc
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
        if waited:
            assert turn is not None
            turn.release()


_WRITER_TURNS: dict[str, threading.RLock] = {}
_WRITER_TURNS_LOCK = threading.Lock()


def _writer_turn(engine: Engine) -> threading.RLock:
    """The turn the units of work of this process take to write to one SQLite database.

    SQLite lets one writer in at a time (BEGIN IMMEDIATE). The others wait in its busy handler,
    which sleeps and looks again, ever longer: after a while only every 100 ms. With a room of 30
    saving at once the database then stands idle between writers while the waiting ones sleep,
    and a save of a few milliseconds takes a second. Queueing the writers of this process (the
    server is one process, a session a thread) on a lock first hands the database straight from
    one to the next; writers in other processes still wait in the busy handler. Reentrant, so a
    unit of work opened inside another on the same thread fails as it did before (busy timeout),
    rather than waiting on itself here."""
    key = str(engine.url.database or "")
    with _WRITER_TURNS_LOCK:
        return _WRITER_TURNS.setdefault(key, threading.RLock())


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A short read-only session (rolled back at the end, never committed)."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
    finally:
        session.rollback()
        session.close()
