"""Alembic environment: runs on the engine handed over by crmstrategy.core.db.upgrade."""

from alembic import context
from sqlmodel import SQLModel

# Importing each step's models registers its tables on the metadata.
import crmstrategy.analysis.models  # noqa: F401
import crmstrategy.implementation.models  # noqa: F401
import crmstrategy.strategy.models  # noqa: F401

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        from crmstrategy.core.db import database_url_from_env, make_engine

        engine = make_engine(config.get_main_option("sqlalchemy.url") or database_url_from_env())
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        raw = connection.connection.driver_connection if sqlite else None
        if sqlite:
            assert raw is not None  # an open connection has its driver's
            # Batch migrations rebuild a table (copy, drop, rename). With foreign keys on, dropping
            # the old table would cascade into every child table. The pragma only works outside a
            # transaction, so it goes to the driver before SQLAlchemy begins one.
            raw.execute("PRAGMA foreign_keys=OFF")
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=sqlite,
        )
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"The migration left rows pointing at nothing: {broken[:5]}")
        connection.commit()
        if sqlite:
            assert raw is not None
            raw.execute("PRAGMA foreign_keys=ON")


run_migrations_online()
