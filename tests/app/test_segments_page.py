"""The Segments page: the table shows the segments, value drivers can be added, errors are shown."""

from crmstrategy.segments import list_segments, list_value_drivers
from tests.app.conftest import demo_id, errors, open_page


def test_table_lists_the_demo_segments_with_persona_counts(app):
    at = open_page(app, "app_pages/analysis/segments.py")
    editor = at.dataframe
    assert editor, "the segment table is on the page"
    frame = editor[0].value
    assert list(frame["name"]) == ["Time-pressed installers", "Project contractors",
                                   "Quality-focused renovators", "Facility managers"]
    assert list(frame["personas"]) == [2, 2, 1, 1]


def test_add_value_driver_and_refuse_duplicates(app, db):
    at = open_page(app, "app_pages/analysis/segments.py")
    at.text_input(key="segments_new_driver").input("Sustainability")
    at.button(key="segments_add_driver").click().run()
    assert not errors(at)
    assert "Sustainability" in db(list_value_drivers, workspace_id=demo_id(db))
    at.text_input(key="segments_new_driver").input("sustainability")
    at.button(key="segments_add_driver").click().run()
    assert any("already in the list" in e for e in errors(at))
    at.text_input(key="segments_new_driver").input("   ")
    at.button(key="segments_add_driver").click().run()
    assert any("Value driver is required" in e for e in errors(at))
    assert db(list_value_drivers, workspace_id=demo_id(db)).count("Sustainability") == 1


def test_segment_count_unchanged_by_viewing(app, db):
    open_page(app, "app_pages/analysis/segments.py")
    assert len(db(list_segments, workspace_id=demo_id(db))) == 4
