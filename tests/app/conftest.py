"""AppTest fixtures: every test gets its own SQLite file, loaded with the demo at first run."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from crmstrategy.db import make_engine, read_session
from tests.conftest import ROOT

PAGES = ["pages/overview.py", "pages/workspaces.py", "pages/participants.py", "pages/segments.py",
         "pages/personas.py", "pages/insights.py", "pages/readiness.py", "pages/strengths.py", "pages/targets.py",
         "pages/strategy_map.py", "pages/goals.py"]


@pytest.fixture
def app_db(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("CRMSTRATEGY_DATABASE_URL", url)
    return url


@pytest.fixture
def app(app_db) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture
def db(app_db):
    """Read what the app wrote, in a fresh session each time."""
    engine = make_engine(app_db)

    def query(fn, **kwargs):
        with read_session(engine) as session:
            return fn(session=session, **kwargs)

    yield query
    engine.dispose()


def open_page(at: AppTest, page: str) -> AppTest:
    at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def plain(markdown: str) -> str:
    """Undo md_escape, to compare what the user reads."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("  \n", "\n")


def errors(at: AppTest) -> list[str]:
    return [plain(e.value) for e in at.error]


def successes(at: AppTest) -> list[str]:
    return [plain(s.value) for s in at.success]
