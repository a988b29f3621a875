"""The streamed XLSX reader: the values openpyxl reads, formulas without a stored result marked,
and hostile workbooks (a million rows declared, rows far apart, empty rows, zip bombs) refused
after a bounded amount of reading. Speed is measured in the benchmark, never here."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

import pytest
from openpyxl import Workbook, load_workbook

from crmstrategy.core import xlsx_rows as reader
from crmstrategy.core.errors import ValidationProblem
from crmstrategy.core.tabular import read_table
from crmstrategy.core.xlsx_rows import NOT_A_WORKBOOK, TOO_MUCH, FormulaCell, xlsx_rows
from tests.support import xlsx_of

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHEET = "xl/worksheets/sheet1.xml"
TOO_MANY_ROWS = "The file has more than 5,000 rows; at most 5,000 can be imported at once."


def _replaced(raw: bytes, parts: dict[str, bytes]) -> bytes:
    """The workbook with some of its parts replaced (or added), compressed as Excel does."""
    source = zipfile.ZipFile(io.BytesIO(raw))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            target.writestr(info.filename, parts.pop(info.filename, None) or source.read(info))
        for name, data in parts.items():
            target.writestr(name, data)
    return buffer.getvalue()


def _with_sheet(sheet_data: bytes, before: bytes = b"") -> bytes:
    """An openpyxl workbook whose first sheet holds `sheet_data` (the rows' XML)."""
    xml = f'<worksheet xmlns="{MAIN}">'.encode() + before + b"<sheetData>" + sheet_data + b"</sheetData></worksheet>"
    return _replaced(xlsx_of([["Name"]]), {SHEET: xml})


def _text_row(number: int, *texts: str) -> bytes:
    cells = "".join(
        f'<c r="{chr(65 + n)}{number}" t="inlineStr"><is><t>{text}</t></is></c>' for n, text in enumerate(texts)
    )
    return f'<row r="{number}">{cells}</row>'.encode()


def _refusal(raw: bytes) -> str:
    with pytest.raises(ValidationProblem) as refused:
        read_table(raw, "upload.xlsx")
    return str(refused.value)


# --- the values openpyxl reads ---------------------------------------------------------------


def _excel_like_workbook() -> bytes:
    """As Excel writes one: shared strings (one in rich text, one with a phonetic guide), dates by
    a built-in and a custom format, the 1904 calendar, formulas with their stored results."""
    rels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>'
        ),
        "_rels/.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rels}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{rels}"><workbookPr date1904="1"/>'
            '<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rels}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rels}/sharedStrings" Target="sharedStrings.xml"/>'
            f'<Relationship Id="rId3" Type="{rels}/styles" Target="/xl/styles.xml"/></Relationships>'
        ),
        "xl/styles.xml": (
            f'<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="164" formatCode="dd.mm.yyyy"/>'
            '</numFmts><fonts count="1"><font/></fonts>'
            '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
            '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs>'
            '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/>'
            '<xf numFmtId="164" applyNumberFormat="1"/></cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
        ),
        "xl/sharedStrings.xml": (
            f'<sst xmlns="{MAIN}" count="5" uniqueCount="5"><si><t>Name</t></si><si><t>Date</t></si>'
            '<si><r><rPr><b/></rPr><t>Rør</t></r><r><t xml:space="preserve">leggere </t></r></si>'
            '<si><t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh></si><si><t>Note</t></si></sst>'
        ),
        SHEET: (
            f'<worksheet xmlns="{MAIN}"><dimension ref="A1:E3"/><sheetData>'
            '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>4</v></c></row>'
            '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" s="1"><v>44000</v></c><c r="C2" s="2"><v>44000.5</v>'
            '</c><c r="D2" t="b"><v>1</v></c><c r="E2" t="e"><v>#N/A</v></c></row>'
            '<row r="3"><c r="A3" t="s"><v>3</v></c><c r="B3"><v>12.5</v></c><c r="C3"><f>B3*2</f><v>25</v></c>'
            '<c r="D3" t="str"><f>A3&amp;"!"</f><v>東京!</v></c><c r="E3" t="str"><f>""</f><v></v></c></row>'
            "</sheetData></worksheet>"
        ),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text.encode())
    return buffer.getvalue()


def _as_openpyxl_reads(raw: bytes) -> list[tuple[int, list]]:
    sheet = load_workbook(io.BytesIO(raw), read_only=True, data_only=True).worksheets[0]
    rows = []
    for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
        values = list(row)
        while values and values[-1] is None:
            values.pop()
        if values:
            rows.append((number, values))
    return rows


def test_an_excel_workbook_reads_as_openpyxl_reads_it():
    raw = _excel_like_workbook()
    rows = list(xlsx_rows(raw))
    assert rows == [
        (1, ["Name", "Date", "Note"]),
        (2, ["Rørleggere ", datetime(2024, 6, 19), datetime(2024, 6, 19, 12), True, "#N/A"]),
        (3, ["東京", 12.5, 25, "東京!", None]),  # a formula that gave the empty text: an empty cell
    ]
    assert [(n, values[:4] if n == 3 else values) for n, values in rows] == _as_openpyxl_reads(raw)


def test_an_openpyxl_workbook_reads_as_openpyxl_reads_it():
    raw = xlsx_of(
        [
            ["Name", "Customers", "Revenue", "Since", "Active"],
            ["Installers", 2400, 1234.5, datetime(2025, 3, 1, 10, 30), False],
            ["Æ ø å", -3, 1e-05, None, True],
        ]
    )
    assert list(xlsx_rows(raw)) == _as_openpyxl_reads(raw)


def test_the_first_worksheet_is_read_after_a_chart_sheet():
    workbook = Workbook()
    workbook.active.append(["Name"])
    workbook.active.append(["Installers"])
    workbook.create_chartsheet("Chart", 0)
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert list(xlsx_rows(buffer.getvalue())) == [(1, ["Name"]), (2, ["Installers"])]


# --- formulas --------------------------------------------------------------------------------


def test_a_formula_never_calculated_reads_as_a_formula_cell_and_a_stored_result_as_the_value():
    raw = _with_sheet(
        _text_row(1, "Name", "Customers")
        + b'<row r="2"><c r="A2" t="str"><f>"Inst"&amp;"allers"</f><v>Installers</v></c>'
        b'<c r="B2"><f>SUM(1,2)</f><v>3</v></c></row>'
        + b'<row r="3"><c r="A3" t="inlineStr"><is><t>Renovators</t></is></c><c r="B3"><f>B2*10</f><v/></c></row>'
        + b'<row r="4"><c r="A4"><f t="shared" ref="A4:A5" si="0">A3</f></c></row>'
    )
    assert read_table(raw, "s.xlsx") == (
        ["Name", "Customers"],
        [["Installers", 3], ["Renovators", FormulaCell("=B2*10")], [FormulaCell("=A3")]],
    )


def test_formulas_written_by_openpyxl_have_no_stored_result():
    raw = xlsx_of([["Name", "Customers"], ["Installers", "=1+1"]])
    assert list(xlsx_rows(raw)) == [(1, ["Name", "Customers"]), (2, ["Installers", FormulaCell("=1+1")])]


# --- bounded work ----------------------------------------------------------------------------


def test_a_small_file_declaring_a_million_rows_is_refused_at_the_row_limit():
    # The reported file: 147 KB that unpacks to a million rows (and declares more).
    rows = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>' * 1_000_000
    raw = _with_sheet(_text_row(1, "Name") + rows, before=b'<dimension ref="A1:Z1048576"/>')
    assert len(raw) < 200_000
    assert _refusal(raw) == TOO_MANY_ROWS


def test_5001_rows_in_a_workbook_are_refused_5000_are_read():
    rows = b"".join(_text_row(n, f"S{n}") for n in range(2, 5003))
    assert _refusal(_with_sheet(_text_row(1, "Name") + rows)) == TOO_MANY_ROWS
    rows = b"".join(_text_row(n, f"S{n}") for n in range(2, 5002))
    _, read = read_table(_with_sheet(_text_row(1, "Name") + rows), "s.xlsx")
    assert len(read) == 5000 and read[-1] == ["S5001"]


def test_rows_far_apart_keep_their_numbers_and_a_declared_size_is_not_filled_in():
    raw = _with_sheet(
        _text_row(1, "Name", "Customers") + _text_row(2, "Installers") + _text_row(1_048_576, "Last", "7"),
        before=b'<dimension ref="A1:XFD1048576"/>',
    )
    assert list(xlsx_rows(raw)) == [(1, ["Name", "Customers"]), (2, ["Installers"]), (1_048_576, ["Last", "7"])]


def test_cells_right_of_column_200_are_not_read():
    far = b'<c r="GR2" t="inlineStr"><is><t>200</t></is></c><c r="GS2" t="inlineStr"><is><t>201</t></is></c>'
    far += b'<c r="XFD2" t="inlineStr"><is><t>last</t></is></c>'
    [_, (number, values)] = list(xlsx_rows(_with_sheet(_text_row(1, "Name") + b'<row r="2">' + far + b"</row>")))
    assert (number, len(values), values[-1]) == (2, 200, "200")


def test_a_row_of_only_cells_beyond_column_200_is_empty():
    raw = _with_sheet(_text_row(1, "Name") + b'<row r="2"><c r="XFD2"><v>1</v></c></row>' + _text_row(3, "A"))
    assert list(xlsx_rows(raw)) == [(1, ["Name"]), (3, ["A"])]


def _formatted_empty_rows(first: int, last: int) -> bytes:
    return b"".join(
        b'<row r="%d" ht="20" customHeight="1"><c r="A%d" s="1"/></row>' % (n, n) for n in range(first, last)
    )


def test_too_many_empty_rows_are_refused(monkeypatch):
    monkeypatch.setattr(reader, "MAX_BLANK_ROWS", 100)
    head = _text_row(1, "Name") + _text_row(2, "A")
    assert read_table(_with_sheet(head + _formatted_empty_rows(3, 103)), "s.xlsx")[1] == [["A"]]  # 100 of them
    assert _refusal(_with_sheet(head + _formatted_empty_rows(3, 104))) == TOO_MUCH


def test_a_row_of_endless_cells_is_refused(monkeypatch):
    monkeypatch.setattr(reader, "MAX_ELEMENTS", 10_000)
    cells = b'<c t="inlineStr"><is><t>y</t></is></c>' * 5_000
    assert _refusal(_with_sheet(_text_row(1, "Name") + b"<row>" + cells + b"</row>")) == TOO_MUCH


def test_a_part_unpacking_to_too_much_is_refused(monkeypatch):
    monkeypatch.setattr(reader, "MAX_PART_BYTES", 100_000)
    strings = f'<sst xmlns="{MAIN}">'.encode() + b"<si><t>a</t></si>" * 10_000 + b"</sst>"
    raw = _replaced(xlsx_of([["Name"], ["A"]]), {"xl/sharedStrings.xml": strings})
    rels = (
        zipfile.ZipFile(io.BytesIO(raw))
        .read("xl/_rels/workbook.xml.rels")
        .replace(
            b"</Relationships>",
            b'<Relationship Id="rIdS" Target="sharedStrings.xml" '
            b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>',
        )
    )
    assert _refusal(_replaced(raw, {"xl/_rels/workbook.xml.rels": rels})) == TOO_MUCH


def test_entity_declarations_are_refused():
    laughs = b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>'
    xml = laughs + f'<worksheet xmlns="{MAIN}"><sheetData>'.encode() + _text_row(1, "&b;") + b"</sheetData></worksheet>"
    assert _refusal(_replaced(xlsx_of([["Name"]]), {SHEET: xml})) == NOT_A_WORKBOOK


def test_a_workbook_without_its_sheet_is_not_a_workbook():
    raw = xlsx_of([["Name"], ["A"]])
    source = zipfile.ZipFile(io.BytesIO(raw))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            if info.filename != SHEET:
                target.writestr(info, source.read(info))
    assert _refusal(buffer.getvalue()) == NOT_A_WORKBOOK
