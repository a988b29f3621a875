"""The Insights page: quick capture keeps segment and source, filters find notes, errors show."""

from crmstrategy.analysis.insights import list_insights, list_themes
from crmstrategy.analysis.segments import list_segments
from tests.app.conftest import demo_id, errors, open_page, scoped_key, successes, wkey


def _segment(db, name):
    return next(s.id for s in db(list_segments, workspace_id=demo_id(db)) if s.name == name)


def test_three_notes_in_a_row_keep_segment_source_and_type(app, db):
    before = len(db(list_insights, workspace_id=demo_id(db)))
    facility = _segment(db, "Facility managers")
    at = open_page(app, "app_pages/analysis/insights.py")
    at.multiselect(key=wkey(at, "insight_segments")).set_value([facility])
    at.selectbox(key=wkey(at, "insight_source")).set_value("Sales")
    at.selectbox(key=wkey(at, "insight_kind")).set_value("Request")
    at.text_input(key=wkey(at, "insight_recorded_by")).input("Erik")
    for n in range(3):
        at.text_area(key=wkey(at, "insight_text")).input(f"Workshop note {n} <b>literal</b>")
        at.button(key=wkey(at, "insight_submit")).click().run()
        assert not errors(at), errors(at)
        assert any(s.startswith("Saved insight #") for s in successes(at))
        # What stays for the next note, and what is emptied:
        assert at.text_area(key=wkey(at, "insight_text")).value == ""
        assert at.multiselect(key=wkey(at, "insight_segments")).value == [facility]
        assert at.selectbox(key=wkey(at, "insight_source")).value == "Sales"
        assert at.selectbox(key=wkey(at, "insight_kind")).value == "Request"
        assert at.text_input(key=wkey(at, "insight_recorded_by")).value == "Erik"
    insights = db(list_insights, workspace_id=demo_id(db))
    assert len(insights) == before + 3
    notes = [i for i in insights if i.text.startswith("Workshop note")]
    assert {i.text for i in notes} == {f"Workshop note {n} <b>literal</b>" for n in range(3)}
    assert all(i.segment_ids == [facility] and i.source_type == "Sales" and i.kind == "Request" for i in notes)


def test_filter_by_segment_and_search(app, db):
    contractors = _segment(db, "Project contractors")
    expected = [
        i
        for i in db(list_insights, workspace_id=demo_id(db))
        if contractors in i.segment_ids
        or any(n in ("Ingrid the project purchaser", "Morten the site manager") for n in i.persona_names)
    ]
    at = open_page(app, "app_pages/analysis/insights.py")
    at.selectbox(key=wkey(at, "insights_filter_segment")).set_value(contractors).run()
    table = at.dataframe[0].value
    assert len(table) == len(expected) > 0
    assert f"{len(expected)} of " in at.caption[1].value
    at.text_input(key=wkey(at, "insights_search")).input("SMS").run()
    table = at.dataframe[0].value
    assert list(table["Text"]) == ["Site managers want an SMS when the truck leaves the warehouse."]


def test_empty_note_is_refused_and_nothing_written(app, db):
    before = len(db(list_insights, workspace_id=demo_id(db)))
    at = open_page(app, "app_pages/analysis/insights.py")
    at.text_area(key=wkey(at, "insight_text")).input("   ")
    at.button(key=wkey(at, "insight_submit")).click().run()
    assert any("Insight text is required" in e for e in errors(at))
    assert len(db(list_insights, workspace_id=demo_id(db))) == before


def test_new_theme_typed_in_the_capture_form_joins_the_list(app, db):
    at = open_page(app, "app_pages/analysis/insights.py")
    at.text_area(key=wkey(at, "insight_text")).input("They compare us with the web shops.")
    at.text_input(key=wkey(at, "insight_new_theme")).input("Competition")
    at.button(key=wkey(at, "insight_submit")).click().run()
    assert not errors(at)
    assert "Competition" in db(list_themes, workspace_id=demo_id(db))
    assert at.text_input(key=wkey(at, "insight_new_theme")).value == ""


def test_select_a_row_to_edit_then_delete_it(app, db):
    at = open_page(app, "app_pages/analysis/insights.py")
    at.text_input(key=wkey(at, "insights_search")).input("pick-up code").run()
    assert len(at.dataframe[0].value) == 1
    target = next(i for i in db(list_insights, workspace_id=demo_id(db)) if "pick-up code" in i.text)
    at.session_state[wkey(at, "insights_table")] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    at.text_area(key=scoped_key(at, "insight_edit", target.id, "text")).input(
        "Small firms ask for a pick-up code in the app."
    )
    at.button(key=scoped_key(at, "insight_edit", target.id, "submit")).click().run()
    assert not errors(at)
    edited = next(i for i in db(list_insights, workspace_id=demo_id(db)) if i.id == target.id)
    assert edited.text == "Small firms ask for a pick-up code in the app."
    assert edited.segment_ids == target.segment_ids and edited.persona_ids == target.persona_ids

    at.text_input(key=wkey(at, "insights_search")).input("pick-up code").run()
    at.session_state[wkey(at, "insights_table")] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    at.checkbox(key=wkey(at, "insights_delete_confirm")).check().run()
    at.button(key=wkey(at, "insights_delete")).click().run()
    assert not errors(at)
    assert target.id not in {i.id for i in db(list_insights, workspace_id=demo_id(db))}


def test_insight_csv_import_preview_then_confirm(app, db):
    before = len(db(list_insights, workspace_id=demo_id(db)))
    csv = (
        b"Text;Type;Source;Date;Segments;Personas\n"
        b"Wants delivery by 7;Need;Sales;2026-10-01;Time-pressed installers;\n"
        b"Unknown segment;Pain;Sales;2026-10-01;Nobody;\n"
        b"From the future;Pain;Sales;2099-01-01;;\n"
    )
    at = open_page(app, "app_pages/analysis/insights.py")
    uploader = next(u for u in at.file_uploader if str(u.key).startswith("insights_import_"))
    uploader.set_value(("insights.csv", csv, "text/csv")).run()
    assert any("**1** row ready to import, **2** rejected" in m.value for m in at.markdown)
    assert len(db(list_insights, workspace_id=demo_id(db))) == before
    at.button(key=wkey(at, "insights_import_confirm")).click().run()
    assert "Imported 1 insight." in successes(at)
    assert len(db(list_insights, workspace_id=demo_id(db))) == before + 1


def test_changing_the_filter_clears_the_selection(app, db):
    at = open_page(app, "app_pages/analysis/insights.py")
    at.session_state[wkey(at, "insights_table")] = {"selection": {"rows": [0], "columns": [], "cells": []}}
    at.run()
    assert any(e.label.startswith("Edit insight #") for e in at.expander)
    at.selectbox(key=wkey(at, "insights_filter_kind")).set_value("Motive").run()
    assert not any(e.label.startswith("Edit insight #") for e in at.expander)
