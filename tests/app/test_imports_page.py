"""Imports through the pages: preview and confirm for segments, refusals for bad workspace files."""

import io
import json
import zipfile

from openpyxl import Workbook

from crmstrategy.analysis.segments import list_segments
from crmstrategy.workspace.workspaces import list_workspaces
from tests.app.conftest import demo_id, errors, open_page, successes, wkey


def _segment_uploader(at):
    return next(u for u in at.file_uploader if str(u.key).startswith("segments_import_"))


def test_segment_csv_preview_rejects_rows_and_writes_only_on_confirm(app, db):
    csv = (
        "Name;Customers;Lifecycle focus;Value drivers\n"
        "Small shops;120;Retain;Price; Service\n"
        "Bad number;lots;Retain;\n"
        "Project contractors;10;Develop;\n"
        "Øvrige kunder;5;win back;Quality\n"
    ).encode()
    at = open_page(app, "app_pages/analysis/segments.py")
    _segment_uploader(at).set_value(("segments.csv", csv, "text/csv")).run()
    assert not at.exception
    assert any("**2** rows ready to import, **2** rejected" in m.value for m in at.markdown)
    rejected = at.dataframe[-1].value
    assert list(rejected["Row"]) == [3, 4]
    assert "must be a number" in rejected["Why"][0]
    assert "already exists" in rejected["Why"][1]
    assert len(db(list_segments, workspace_id=demo_id(db))) == 4  # nothing written yet

    at.button(key=wkey(at, "segments_import_confirm")).click().run()
    assert not errors(at)
    assert "Imported 2 segments." in successes(at)
    segments = {s.name: s for s in db(list_segments, workspace_id=demo_id(db))}
    assert segments["Øvrige kunder"].lifecycle_focus == "Win back"
    assert segments["Small shops"].customer_count == 120


def test_segment_xlsx_with_wrong_columns_is_refused(app, db):
    workbook = Workbook()
    workbook.active.append(["Segment title", "Size"])
    workbook.active.append(["A", 1])
    buffer = io.BytesIO()
    workbook.save(buffer)
    at = open_page(app, "app_pages/analysis/segments.py")
    _segment_uploader(at).set_value(("segments.xlsx", buffer.getvalue(), "application/octet-stream")).run()
    assert any("Unknown columns: 'Segment title', 'Size'" in e for e in errors(at))
    assert len(db(list_segments, workspace_id=demo_id(db))) == 4


def test_empty_and_oversized_segment_files_are_refused(app):
    at = open_page(app, "app_pages/analysis/segments.py")
    _segment_uploader(at).set_value(("empty.csv", b"", "text/csv")).run()
    assert any("The file is empty" in e for e in errors(at))
    big = b"Name\n" + b"x" * (50 * 1024 * 1024)
    _segment_uploader(at).set_value(("big.csv", big, "text/csv")).run()
    assert any("52.4 MB" in e and "limit" in e for e in errors(at))


def test_segment_xlsx_with_a_formula_and_one_declaring_a_million_rows(app, db):
    workbook = Workbook()
    workbook.active.append(["Name", "Customers"])
    workbook.active.append(["Small shops", 120])
    workbook.active.append(["Big shops", "=B2*10"])  # openpyxl stores no result: nothing to import
    buffer = io.BytesIO()
    workbook.save(buffer)
    at = open_page(app, "app_pages/analysis/segments.py")
    _segment_uploader(at).set_value(("segments.xlsx", buffer.getvalue(), "application/octet-stream")).run()
    assert any("**1** row ready to import, **1** rejected" in m.value for m in at.markdown)
    rejected = at.dataframe[-1].value
    assert list(rejected["Row"]) == [3]
    assert list(rejected["Values"]) == ["Big shops · =B2*10"]
    assert list(rejected["Why"]) == [
        "Customers: a formula, not a value (type the value, or save the file in Excel so the formula's result "
        "is stored)."
    ]

    sheet = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<dimension ref="A1:B1048576"/><sheetData>'
        + b'<row><c t="inlineStr"><is><t>Name</t></is></c></row>'
        + b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 1_000_000
        + b"</sheetData></worksheet>"
    )
    source, huge = zipfile.ZipFile(io.BytesIO(buffer.getvalue())), io.BytesIO()
    with zipfile.ZipFile(huge, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, sheet if info.filename.endswith("sheet1.xml") else source.read(info))
    _segment_uploader(at).set_value(("huge.xlsx", huge.getvalue(), "application/octet-stream")).run()
    assert errors(at) == [
        "Nothing was saved: The file has more than 5,000 rows; at most 5,000 can be imported at once."
    ]
    assert len(db(list_segments, workspace_id=demo_id(db))) == 4


def _import(at, name, content):
    at.file_uploader(key="ws_import_file").set_value((name, content, "application/json")).run()
    at.button(key="ws_import").click().run()
    return at


def test_bad_workspace_files_are_refused_and_nothing_is_created(app, db):
    at = open_page(app, "app_pages/overview/workspaces.py")
    _import(at, "broken.json", b'{"format_version": 1, "kind": ')
    assert any("not valid JSON" in e for e in errors(at))
    _import(at, "future.json", json.dumps({"format_version": 99, "kind": "crm-strategy-workbench/workspace"}).encode())
    assert any("format version 99" in e for e in errors(at))
    _import(at, "deep.json", b"[" * 100_000 + b"]" * 100_000)
    assert any("nested too deeply" in e for e in errors(at))
    missing_ref = {
        "format_version": 1,
        "kind": "crm-strategy-workbench/workspace",
        "workspace": {"name": "X"},
        "segments": [],
        "personas": [{"ref": "P1", "segment": "S9", "name": "Orphan"}],
    }
    _import(at, "orphan.json", json.dumps(missing_ref).encode())
    assert any("refers to segment 'S9'" in e for e in errors(at))
    assert len(db(list_workspaces)) == 1


def test_valid_workspace_file_is_imported_under_a_free_name(app, db):
    from crmstrategy.workspace.workspace_file import DEMO_PATH

    at = open_page(app, "app_pages/overview/workspaces.py")
    _import(at, "demo.json", DEMO_PATH.read_bytes())
    assert not errors(at)
    names = sorted(w.name for w in db(list_workspaces))
    assert names == ["Demo: Nordvik Rørhandel", "Demo: Nordvik Rørhandel (2)"]
