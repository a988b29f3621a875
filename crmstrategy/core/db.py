"""Engine, sessions and schema upgrades for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from crmstrategy.core.errors import ValidationProblem

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


def _make_sqlite_engine(url: str) -> Engine:
    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
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


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` (the app calls this at start)."""
    command.upgrade(alembic_config(engine), revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """One transaction for one user action: commit on success, roll back on any error.

    A constraint the services did not foresee (two people saving the same name at the same
    moment) becomes a ValidationProblem, so the user reads a sentence, not a traceback.
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
