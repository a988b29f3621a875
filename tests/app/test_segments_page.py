"""The Segments page: the table shows the segments, value drivers can be added, errors are shown."""

import json

from crmstrategy.analysis.segments import get_segment, list_segments, list_value_drivers, update_segment
from tests.app.conftest import demo_id, errors, open_page, scoped_key, successes, wkey, write


def test_table_lists_the_demo_segments_with_persona_counts(app):
    at = open_page(app, "app_pages/analysis/segments.py")
    editor = at.dataframe
    assert editor, "the segment table is on the page"
    frame = editor[0].value
    assert list(frame["name"]) == [
        "Time-pressed installers",
        "Project contractors",
        "Quality-focused renovators",
        "Facility managers",
    ]
    assert list(frame["personas"]) == [2, 2, 1, 1]


def test_add_value_driver_and_refuse_duplicates(app, db):
    at = open_page(app, "app_pages/analysis/segments.py")
    at.text_input(key=wkey(at, "segments_new_driver")).input("Sustainability")
    at.button(key=wkey(at, "segments_add_driver")).click().run()
    assert not errors(at)
    assert "Sustainability" in db(list_value_drivers, workspace_id=demo_id(db))
    at.text_input(key=wkey(at, "segments_new_driver")).input("sustainability")
    at.button(key=wkey(at, "segments_add_driver")).click().run()
    assert any("already in the list" in e for e in errors(at))
    at.text_input(key=wkey(at, "segments_new_driver")).input("   ")
    at.button(key=wkey(at, "segments_add_driver")).click().run()
    assert any("Value driver is required" in e for e in errors(at))
    assert db(list_value_drivers, workspace_id=demo_id(db)).count("Sustainability") == 1


def test_segment_count_unchanged_by_viewing(app, db):
    open_page(app, "app_pages/analysis/segments.py")
    assert len(db(list_segments, workspace_id=demo_id(db))) == 4


# --- the description, defining needs and notes: read-only in the table, edited in the form under it ----

LITERAL = "**not bold** _nor this_ <b>tag</b> \\ [link](http://x) # 1. æøå"


def _text_form(at, segment_id: int, description: str, needs: str, notes: str):
    at.text_area(key=scoped_key(at, "segment_text", segment_id, "description")).input(description)
    at.text_area(key=scoped_key(at, "segment_text", segment_id, "defining_needs")).input(needs)
    at.text_area(key=scoped_key(at, "segment_text", segment_id, "notes")).input(notes)
    at.button(key=scoped_key(at, "segment_text", segment_id, "submit")).click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_long_texts_are_read_only_in_the_table(app):
    at = open_page(app, "app_pages/analysis/segments.py")
    editor = at.data_editor[0]
    disabled = {c.get("label") or name for name, c in json.loads(editor.proto.columns).items() if c.get("disabled")}
    assert disabled == {"Personas", "Evidence", "Description", "Defining needs", "Notes"}


def test_the_description_form_saves_the_three_texts_and_shows_them_literally(app, db):
    ws = demo_id(db)
    first = db(list_segments, workspace_id=ws)[0]
    at = open_page(app, "app_pages/analysis/segments.py")
    assert at.selectbox(key=wkey(at, "segments_text_segment")).value == first.id
    _text_form(at, first.id, LITERAL, "Stock they can count on", "")
    assert errors(at) == []
    assert successes(at) == [f"Saved the description, defining needs and notes of '{first.name}'."]
    saved = db(get_segment, workspace_id=ws, segment_id=first.id)
    assert (saved.description, saved.defining_needs, saved.notes) == (LITERAL, "Stock they can count on", "")
    assert saved.version == first.version + 1
    # Drawn again from what is saved: the form and the table show the text as typed.
    assert at.text_area(key=scoped_key(at, "segment_text", first.id, "description")).value == LITERAL
    frame = at.data_editor[0].value
    assert list(frame["description"])[0] == LITERAL
    assert list(frame["notes"])[0] == ""


def test_the_description_form_is_refused_when_someone_else_saved_the_segment_first(app, db, app_db):
    ws = demo_id(db)
    first = db(list_segments, workspace_id=ws)[0]
    at = open_page(app, "app_pages/analysis/segments.py")
    write(
        app_db, update_segment, workspace_id=ws, segment_id=first.id, changes={"notes": "Theirs"}, version=first.version
    )
    _text_form(at, first.id, "Mine", "Mine too", "Mine as well")
    assert len(errors(at)) == 1
    assert "- **Notes:** Theirs" in at.error[0].value
    assert errors(at)[0].startswith(
        f"Nothing was saved: '{first.name}' was changed by someone else since you opened it"
    )
    now = db(get_segment, workspace_id=ws, segment_id=first.id)
    assert (now.description, now.defining_needs, now.notes) == (first.description, first.defining_needs, "Theirs")
    assert now.version == first.version + 1
    # From the next run on, the form shows the segment as it is now, and saves from there.
    at.run()
    assert at.text_area(key=scoped_key(at, "segment_text", first.id, "notes")).value == "Theirs"
    _text_form(at, first.id, "Mine", "Mine too", "Theirs and mine")
    assert errors(at) == []
    now = db(get_segment, workspace_id=ws, segment_id=first.id)
    assert (now.description, now.defining_needs, now.notes) == ("Mine", "Mine too", "Theirs and mine")
