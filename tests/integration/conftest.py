"""Integration fixtures beyond the shared ones: a database with no schema, for migration tests."""

from __future__ import annotations

import pytest

from crmstrategy.core.db import make_engine
from tests.conftest import _fresh_postgres_database


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_engine(request, tmp_path):
    """An engine on a database with no schema at all."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
        yield engine
        engine.dispose()
        return
    url, drop = _fresh_postgres_database(request.getfixturevalue("postgres_url"))
    engine = make_engine(url)
    try:
        yield engine
    finally:
        engine.dispose()
        drop()
