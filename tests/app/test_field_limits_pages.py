"""Every box that takes stored text says its limit: on every page, of the demo and of an empty
workspace, each text input and text area has max_chars, and so has each editable text column of a table."""

from __future__ import annotations

import json
import re

import pytest

from tests.app.conftest import PAGES, new_workspace, open_page, wkey

# Boxes that hold no stored text, so no text limit: a search, and numbers typed as text (so "12,5" and
# "1 200" can be read). Keys are workspace-scoped (`_w<id>`) or scoped to the item edited.
NOT_STORED_TEXT = {
    "app_pages/analysis/insights.py": {
        r"insights_search_w\d+",  # a search box
    },
    "app_pages/strategy/goals.py": {
        r"goal_new_baseline_w\d+",  # a number
        r"goal_new_target_w\d+",  # a number
        r"goal_edit_\d+_\d+_v[0-9a-f]+_baseline",  # a number
        r"goal_edit_\d+_\d+_v[0-9a-f]+_target",  # a number
    },
    "app_pages/implementation/follow_up.py": {
        r"measurement_new_value_w\d+",  # a number
    },
}


def _boxes(at) -> dict[str, int]:
    return {w.key: w.max_chars for w in [*at.text_input, *at.text_area]}


def _editable_text_columns(at) -> dict[str, int | None]:
    """Each editable text column of the page's tables (`editor › column`) and its max_chars."""
    found = {}
    for editor in at.data_editor:
        for name, config in json.loads(editor.proto.columns).items():
            kind = config.get("type_config", {})
            if kind.get("type") == "text" and not config.get("disabled"):
                found[f"{editor.key} › {name}"] = kind.get("max_chars")
    return found


def _unlimited(at, page: str) -> set[str]:
    """The keys of the boxes on the page without max_chars that are not on its list of exceptions."""
    boxes = _boxes(at)
    assert all(boxes), boxes  # every box has a key, to be named here
    allowed = NOT_STORED_TEXT.get(page, set())
    return {key for key, limit in boxes.items() if not limit and not any(re.fullmatch(p, key) for p in allowed)}


@pytest.mark.parametrize("page", PAGES)
def test_every_text_box_on_the_page_has_a_limit(app, page):
    at = open_page(app, page)
    assert _unlimited(at, page) == set()
    assert {column for column, limit in _editable_text_columns(at).items() if not limit} == set()
    # Each exception is still on the page, so the list cannot outlive its box.
    unlimited = {key for key, limit in _boxes(at).items() if not limit}
    stale = {p for p in NOT_STORED_TEXT.get(page, set()) if not any(re.fullmatch(p, key) for key in unlimited)}
    assert stale == set()


@pytest.mark.parametrize("page", PAGES)
def test_every_text_box_on_an_empty_workspace_has_a_limit(app, page):
    """An empty workspace shows boxes the demo does not: "add yourself" where nobody takes part yet."""
    at = open_page(new_workspace(app), page)
    assert _unlimited(at, page) == set()
    assert {column for column, limit in _editable_text_columns(at).items() if not limit} == set()


def test_the_walk_reads_the_limits_of_boxes_and_table_columns(app):
    """The check itself, on the plan: its boxes and its table's editable text columns are read with
    their limits, and the description and notes (read-only in the table) are left out."""
    at = open_page(app, "app_pages/implementation/plan.py")
    boxes = _boxes(at)
    assert boxes[wkey(at, "plan_new_title")] == 120
    assert boxes[wkey(at, "plan_new_description")] == 4000
    assert boxes[wkey(at, "plan_editor_name")] == 120
    columns = {re.sub(r"^plan_editor_\w+ › ", "", c): limit for c, limit in _editable_text_columns(at).items()}
    assert columns == {"title": 120, "department": 120, "owner": 120, "audience": 200}
