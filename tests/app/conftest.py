"""AppTest fixtures: every test gets its own SQLite file holding the demo."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from crmstrategy.core.db import make_engine, read_session
from crmstrategy.ui.frame import PAGE_FILES
from tests.conftest import ROOT, sqlite_copy

PAGES = list(PAGE_FILES.values())
# What the plan's timeline says when no action has a due date (the Plan page and the empty-chart tests).
NO_DUE_DATES = (
    "Nothing to draw yet: the timeline shows actions with a due date, and none has one. Give the "
    "actions a due date in the plan, or add one with a due date."
)


@pytest.fixture
def app_db(tmp_path, monkeypatch, sqlite_templates):
    """The app's database: a copy of a migrated one holding the demo, as the app leaves it on a first start."""
    url = sqlite_copy(sqlite_templates[True], tmp_path / "app.db")
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


def demo_id(db) -> int:
    from crmstrategy.workspace.workspaces import list_workspaces

    return next(w.id for w in db(list_workspaces) if w.name.startswith("Demo"))


def new_workspace(at: AppTest, name: str = "Blank") -> AppTest:
    """Create an empty workspace through the Workspaces page (it becomes the current one)."""
    open_page(at, "app_pages/overview/workspaces.py")
    at.text_input(key="ws_create_name").input(name)
    at.button(key="ws_create_submit").click().run()
    assert not errors(at)
    return at


def write(app_db: str, fn, **kwargs):
    """Setup data written straight through a service, in one transaction."""
    from crmstrategy.core.db import unit_of_work

    engine = make_engine(app_db)
    try:
        with unit_of_work(engine) as session:
            return fn(session=session, **kwargs)
    finally:
        engine.dispose()


_WIDGET_KINDS = (
    "text_input",
    "text_area",
    "checkbox",
    "radio",
    "selectbox",
    "multiselect",
    "select_slider",
    "date_input",
    "number_input",
    "button",
    "toggle",
)


def wkey(at: AppTest, name: str) -> str:
    """The key of a page's own widget `name` in the workspace shown (crmstrategy.ui.workspace_keys)."""
    return f"{name}_w{at.session_state['workspace_id']}"


def scoped_key(at: AppTest, kind: str, item, field: str) -> str:
    """The key of `field` in the form that edits one item: `kind_<workspace>_<item>_v<version>_field`
    (crmstrategy.ui.edit_scope), whatever the workspace and the version it was drawn at; "*" for any item."""
    item_pattern = r"\w+" if item == "*" else re.escape(str(item))
    pattern = re.compile(rf"{re.escape(kind)}_\d+_{item_pattern}_v[0-9a-f]+_{re.escape(field)}")
    found = {w.key for name in _WIDGET_KINDS for w in getattr(at, name) if w.key and pattern.fullmatch(w.key)}
    assert len(found) == 1, (kind, item, field, found)
    return found.pop()


def edit_table(at: AppTest, key: str, state: dict) -> AppTest:
    """Send the data editor `key` the edits `state` (edited_rows, added_rows, deleted_rows, as the
    browser sends them: JSON, dates as "YYYY-MM-DD") and run, so its on_change callback saves them
    as in the browser. AppTest cannot edit a data editor and assigning its state in
    at.session_state does not call the callback, so the edit goes in with the widget states of
    the next run (AppTest's `_run` is the one way to pass them)."""
    import json

    editor = at.data_editor(key=key)
    states = at._tree.get_widget_states()
    sent = states.widgets.add()
    sent.id = editor.proto.id
    sent.string_value = json.dumps({"edited_rows": {}, "added_rows": [], "deleted_rows": []} | state)
    at._run(widget_state=states)
    assert not at.exception, [e.value for e in at.exception]
    return at


def editor_key(at: AppTest, pattern: str) -> str:
    """The key of the one data editor whose key matches `pattern` (keys name the workspace, item and
    the versions drawn)."""
    [key] = [d.key for d in at.data_editor if d.key and re.fullmatch(pattern, d.key)]
    return key
