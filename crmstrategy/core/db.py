"""Engine, sessions and schema upgrades for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import os
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
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=30)


def _make_sqlite_engine(url: str) -> Engine:
    path = url.split("///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    # isolation_level=None hands transaction control to SQLAlchemy's "begin" event below,
    # so that writers can take the write lock up front (see _begin).
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": 30, "isolation_level": None},
        pool_size=10,
        max_overflow=30,
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
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
    bind = engine.execution_options(sqlite_write=True) if engine.dialect.name == "sqlite" else engine
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


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A short read-only session (rolled back at the end, never committed)."""
    session = Session(engine, expire_on_commit=False)
    try:
        yield session
    finally:
        session.rollback()
        session.close()
