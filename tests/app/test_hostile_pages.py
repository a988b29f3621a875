"""Every page shows user text literally: with Markdown in every free-text field of a workspace, no page
makes a formula, a colour or a link out of it (Markdown labels, captions, help and alerts escape it)."""

from __future__ import annotations

import json

import pytest
from google.protobuf.message import Message

from crmstrategy.workspace.workspace_file import import_workspace
from tests.app.conftest import PAGES, open_page, write
from tests.hostile import MARKDOWN_HOSTILE, hostile_document, unescaped, with_suffix

# Where Streamlit shows text as typed: the options and values of inputs, st.text, code, charts.
_LITERAL_FIELDS = {".options", ".raw_value", ".raw_values", ".default", ".value"}
_LITERAL_KINDS = {"Selectbox", "MultiSelect", "TextInput", "TextArea"}
_LITERAL_ELEMENTS = {"Text", "Code", "Json", "VegaLiteChart"}


def _strings(message: Message, path: str = ""):
    """(message type, field path, text) of every text in a protobuf message, nested ones included."""
    for descriptor, value in message.ListFields():
        name = f"{path}.{descriptor.name}"
        items = value if descriptor.is_repeated else [value]
        for item in items:
            if isinstance(item, Message):
                yield from _strings(item, name)
            elif isinstance(item, str):
                yield type(message).__name__, name, item


def _nodes(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _nodes(child)


def markdown_made_from_user_text(at) -> list[tuple[str, str, str]]:
    """Every text the page hands to Markdown in which a hostile marker survives unescaped."""
    found = []
    for node in _nodes(at._tree):
        proto = getattr(node, "proto", None)
        if proto is None:
            continue
        for kind, field, text in _strings(proto):
            if kind in _LITERAL_ELEMENTS or (kind in _LITERAL_KINDS and field in _LITERAL_FIELDS):
                continue
            if (kind, field) == ("Dataframe", ".columns"):  # a table's column labels and help are Markdown
                text = " ".join(str(c.get(k, "")) for c in json.loads(text).values() for k in ("label", "help"))
            if unescaped(text):
                found.append((kind, field, text[:120]))
    return found


@pytest.fixture
def hostile_app(app, app_db):
    workspace = write(app_db, import_workspace, document=hostile_document(with_suffix(MARKDOWN_HOSTILE)))
    app.query_params["ws"] = str(workspace.id)
    app.run()
    return app


@pytest.mark.parametrize("page", PAGES)
def test_no_page_makes_markdown_of_user_text(hostile_app, page):
    at = open_page(hostile_app, page)
    assert markdown_made_from_user_text(at) == []


def test_the_walk_sees_markdown_made_from_user_text(hostile_app):
    """The check itself: a checkbox label written without escaping is caught."""
    at = open_page(hostile_app, "app_pages/analysis/participants.py")
    shown = [c.label for c in at.checkbox]
    assert any("$$x$$" not in label and "\\$\\$x\\$\\$" in label for label in shown)
    assert unescaped("Yes, remove Erik $$x$$ :red[x]") == ["$$x$$", ":red[x]"]


def test_a_pasted_control_character_gets_a_sentence_beside_the_form_and_nothing_is_saved(app, db):
    from crmstrategy.analysis.participants import list_participants
    from crmstrategy.workspace.workspaces import list_workspaces
    from tests.app.conftest import errors, new_workspace, wkey

    at = new_workspace(app)
    ws = next(w.id for w in db(list_workspaces) if w.name == "Blank")
    at = open_page(at, "app_pages/analysis/participants.py")
    at.text_input(key=wkey(at, "participant_new_name")).input("Kari\x00Nordmann")
    at.button(key=wkey(at, "participant_new_submit")).click().run()
    assert not at.exception
    assert errors(at) == [
        "Nothing was saved: Name: Participant name holds an invisible control character (U+0000) at "
        "character 5, which cannot "
        "be saved. Delete it and try again."
    ]
    assert db(list_participants, workspace_id=ws) == []


def test_the_facilitator_tab_of_strengths_makes_no_markdown_of_user_text(hostile_app):
    """The Facilitator tab of Strengths runs only while it is open, so the walk above does not see
    it; here it is opened, with every participant's and factor's name."""
    at = open_page(hostile_app, "app_pages/analysis/strengths.py")
    at.session_state[f"strength_tabs_w{at.session_state['workspace_id']}"] = "Facilitator"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Agreed strength" in [h.value for h in at.header]  # the tab ran
    assert markdown_made_from_user_text(at) == []
