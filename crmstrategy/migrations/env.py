"""Alembic environment: runs on the engine handed over by crmstrategy.db.upgrade."""

from alembic import context

from crmstrategy import models  # noqa: F401  (registers the tables on the metadata)
from sqlmodel import SQLModel

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        from crmstrategy.db import database_url_from_env, make_engine
        engine = make_engine(config.get_main_option("sqlalchemy.url") or database_url_from_env())
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
