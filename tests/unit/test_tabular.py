"""CSV/XLSX: formula-safe exports read back with real readers, and checked import previews."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from crmstrategy.analysis.models import SEGMENT_LABELS, SegmentCreate
from crmstrategy.core.errors import ValidationProblem
from crmstrategy.core.tabular import (
    MAX_UPLOAD_BYTES,
    ImportPreview,
    Sheet,
    preview_import,
    read_table,
    safe_cell,
    to_csv_bytes,
    to_xlsx_bytes,
)
from tests.support import xlsx_of

HOSTILE = '=HYPERLINK("http://x","y")'
BOM = b"\xef\xbb\xbf"


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def _preview(raw: bytes, filename: str, existing=()) -> ImportPreview:
    return preview_import(
        raw, filename, model=SegmentCreate, labels=SEGMENT_LABELS, required={"name"}, existing_names=existing
    )


def _refusal(raw: bytes, filename: str) -> str:
    with pytest.raises(ValidationProblem) as refused:
        _preview(raw, filename)
    return str(refused.value)


# --- safe output -----------------------------------------------------------------------


@pytest.mark.parametrize("value", ["=1+1", "+49 123", "-2+3", "@SUM(A1:A2)", "\tcmd", "\rcmd", HOSTILE])
def test_safe_cell_neutralises_text_a_spreadsheet_would_run(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Plain text", "", "a=b", "Price - service", 5, -3, 2.5, None])
def test_safe_cell_leaves_harmless_values_alone(value):
    assert safe_cell(value) == value


def test_csv_starts_with_bom_and_keeps_nordic_letters():
    data = to_csv_bytes(["Name", "Note"], [["Ærlig øl på å", "äö ÆØÅ"]])
    assert data.startswith(BOM)
    assert _csv_rows(data) == [["Name", "Note"], ["Ærlig øl på å", "äö ÆØÅ"]]


def test_csv_neutralises_a_hyperlink_formula():
    rows = _csv_rows(to_csv_bytes(["Name"], [[HOSTILE]]))
    assert rows[1] == ["'" + HOSTILE]


def test_csv_writes_numbers_lists_and_blanks_readably():
    rows = _csv_rows(to_csv_bytes(["A", "B", "C", "D", "E"], [[2400, 520000000.0, 12.5, ["Price", "Service"], None]]))
    assert rows[1] == ["2400", "520000000", "12.5", "Price; Service", ""]


def test_csv_keeps_negative_numbers_as_numbers():
    rows = _csv_rows(to_csv_bytes(["Growth", "Count"], [[-5.0, -3]]))
    assert rows[1] == ["-5", "-3"]


def test_xlsx_has_bold_frozen_filtered_header_and_real_numbers():
    sheet = Sheet("Segments", ["Name", "Customers", "Revenue"], [[HOSTILE, 2400, 1234.5], ["Små håndverkere", 0, None]])
    workbook = load_workbook(io.BytesIO(to_xlsx_bytes([sheet])))
    ws = workbook["Segments"]
    assert [cell.value for cell in ws[1]] == ["Name", "Customers", "Revenue"]
    assert all(cell.font.bold for cell in ws[1])
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:C3"
    assert ws["B2"].value == 2400 and ws["B2"].data_type == "n"
    assert ws["C2"].value == 1234.5 and ws["C2"].data_type == "n"
    assert ws["A2"].value == "'" + HOSTILE
    assert ws["A3"].value == "Små håndverkere"
    assert ws["C3"].value is None


def test_xlsx_keeps_negative_numbers_numeric_and_joins_lists():
    sheet = Sheet("Data", ["Growth", "Drivers"], [[-5.0, ["Price", "Service"]]])
    ws = load_workbook(io.BytesIO(to_xlsx_bytes([sheet]))).active
    assert ws["A2"].value == -5 and ws["A2"].data_type == "n"
    assert ws["B2"].value == "Price; Service"


def test_xlsx_sheet_title_with_forbidden_characters_is_made_valid():
    workbook = load_workbook(io.BytesIO(to_xlsx_bytes([Sheet("Q1/Q2: [plan]?", ["A"], [])])))
    assert workbook.sheetnames == ["Q1 Q2   plan  "]


# --- reading ---------------------------------------------------------------------------


def test_read_table_reads_comma_separated_csv():
    header, rows = read_table(b"Name,Customers\nInstallers,2400\n", "s.csv")
    assert header == ["Name", "Customers"]
    assert rows == [["Installers", "2400"]]


def test_read_table_reads_semicolon_separated_csv_with_decimal_commas():
    header, rows = read_table("Name;Revenue\nRørleggere;12,5\n".encode(), "s.csv")
    assert header == ["Name", "Revenue"]
    assert rows == [["Rørleggere", "12,5"]]


def test_read_table_reads_cp1252_csv():
    header, rows = read_table("Name;Notes\nBjørn Ærø;Åpen hele døgnet\n".encode("cp1252"), "s.csv")
    assert rows == [["Bjørn Ærø", "Åpen hele døgnet"]]


def test_read_table_reads_the_first_sheet_of_an_xlsx():
    raw = xlsx_of([["Name", "Customers"], ["Installers", 2400], [None, None], ["Renovators", 650.0]])
    header, rows = read_table(raw, "Segments.XLSX")
    assert header == ["Name", "Customers"]
    assert rows == [["Installers", 2400], ["Renovators", 650]]


def test_read_table_skips_blank_lines():
    _, rows = read_table(b"Name\nA\n\n ,\nB\n", "s.csv")
    assert rows == [["A"], ["B"]]


def test_read_table_undoes_the_neutralising_apostrophe_of_our_own_exports():
    _, rows = read_table(to_csv_bytes(["Name"], [["=SUM(1)"]]), "s.csv")
    assert rows == [["=SUM(1)"]]


def test_empty_file_is_refused():
    assert _refusal(b"", "s.csv") == "The file is empty."


def test_header_only_file_is_refused():
    assert _refusal(b"Name,Customers\r\n", "s.csv") == "The file has a header but no rows."
    assert _refusal(xlsx_of([["Name", "Customers"]]), "s.xlsx") == "The file has a header but no rows."


def test_file_over_10_mb_is_refused_naming_the_size_in_mb():
    raw = b"Name\n" + b"x" * (11 * 1024 * 1024)
    assert len(raw) > MAX_UPLOAD_BYTES
    message = _refusal(raw, "big.csv")
    assert "11.5 MB" in message
    assert "limit for an import is 10 MB" in message


def test_bytes_that_are_not_a_workbook_named_xlsx_are_refused():
    assert _refusal(b"Name,Customers\nA,1\n", "fake.xlsx") == "The file could not be read as an Excel workbook (.xlsx)."


def test_binary_bytes_named_csv_are_refused():
    assert _refusal(bytes(range(256)) * 4, "data.csv") == "The file is not a text CSV file."


def test_binary_bytes_without_nul_and_undecodable_as_cp1252_are_refused():
    assert _refusal(b"Name\n\x81\x8d\x8f\x90\x9d\xff\xfe", "data.csv") == "The file is not a text CSV file."


def test_unsupported_file_type_is_refused():
    assert _refusal(b"%PDF-1.7", "segments.pdf") == "Choose a .csv or .xlsx file."


# --- preview ---------------------------------------------------------------------------


def test_preview_accepts_labels_in_any_case_and_field_names():
    raw = (
        b"NAME;CUSTOMERS;Expected growth %;value_drivers;lifecycle focus\n"
        b'Installers;2 400;4,5;"Price; service";win back\n'
    )
    preview = _preview(raw, "s.csv")
    assert preview.rejected == []
    [(row, segment)] = preview.valid
    assert row == 2
    assert (segment.name, segment.customer_count, segment.expected_growth_pct) == ("Installers", 2400, 4.5)


def test_preview_reads_value_drivers_and_lifecycle_from_an_xlsx():
    raw = xlsx_of(
        [
            ["Name", "Customers", "Revenue", "Value drivers", "Lifecycle focus"],
            ["Installers", 2400, 520000000.5, "Price; SERVICE; price", "win back"],
        ]
    )
    [(_, segment)] = _preview(raw, "s.xlsx").valid
    assert segment.value_drivers == ["Price", "SERVICE"]
    assert segment.revenue == 520000000.5
    assert segment.lifecycle_focus == "Win back"


def test_unknown_columns_are_refused_by_name():
    message = _refusal(b"Name,Colour,Shoe size\nA,red,42\n", "s.csv")
    assert "Unknown columns: 'Colour', 'Shoe size'" in message
    assert "Expected columns: Name, Description" in message


def test_missing_name_column_is_refused():
    assert _refusal(b"Customers,Revenue\n1,2\n", "s.csv").startswith("Missing column: Name.")


def test_a_column_given_twice_is_refused():
    assert _refusal(b"Name,Customers,customer_count\nA,1,2\n", "s.csv") == "Column given twice: Customers."


def test_row_with_wrong_types_is_rejected_with_reasons_while_good_rows_are_valid():
    raw = b"Name,Customers,Expected growth %\nGood one,10,5\nBad one,abc,5000\nGood two,,\n"
    preview = _preview(raw, "s.csv")
    assert [(row, segment.name) for row, segment in preview.valid] == [(2, "Good one"), (4, "Good two")]
    [rejected] = preview.rejected
    assert rejected.row == 3
    assert rejected.values["name"] == "Bad one"
    assert rejected.reasons == [
        "Customers: must be a number without decimals.",
        "Expected growth %: must be at most 1,000.",
    ]


def test_rejected_row_numbers_match_the_spreadsheet_after_a_blank_line():
    raw = b"Name,Customers\nGood,1\n\nBad,-1\n"
    preview = _preview(raw, "s.csv")
    assert [r.row for r in preview.rejected] == [4]


def test_names_existing_in_the_workspace_or_repeated_in_the_file_are_rejected():
    raw = b"Name\nInstallers\nNew one\nnew ONE\nRenovators\n"
    preview = _preview(raw, "s.csv", existing=["INSTALLERS"])
    assert [(row, segment.name) for row, segment in preview.valid] == [(3, "New one"), (5, "Renovators")]
    assert [(r.row, r.reasons) for r in preview.rejected] == [
        (2, ["'Installers' already exists in this workspace."]),
        (4, ["'new ONE' is also on row 3 of the file."]),
    ]


def test_too_many_rows_are_refused():
    raw = b"Name\n" + b"".join(b"S%d\n" % n for n in range(5001))
    assert _refusal(raw, "s.csv") == "The file has more than 5,000 rows; at most 5,000 can be imported at once."


def test_5000_rows_with_blank_lines_between_them_are_read():
    raw = b"Name\n" + b"".join(b"S%d\n\n" % n for n in range(5000))
    preview = _preview(raw, "s.csv")
    assert (len(preview.valid), preview.rejected) == (5000, [])
    assert preview.valid[-1][0] == 10000  # the row number as the spreadsheet shows it


def test_rejected_row_numbers_match_the_workbook_after_an_empty_row():
    workbook = Workbook()
    ws = workbook.active
    ws.append(["Name", "Customers"])
    ws.append(["Good", 1])
    ws["A5"] = "Bad"  # rows 3 and 4 are never written
    ws["B5"] = -1
    buffer = io.BytesIO()
    workbook.save(buffer)
    preview = _preview(buffer.getvalue(), "s.xlsx")
    assert [row for row, _ in preview.valid] == [2]
    assert [r.row for r in preview.rejected] == [5]


# --- formulas in an XLSX ---------------------------------------------------------------

FORMULA = "a formula, not a value (type the value, or save the file in Excel so the formula's result is stored)."


def _with_cached_results(raw: bytes, results: dict[str, str]) -> bytes:
    """The workbook as Excel saves it after calculating: each formula cell named in `results`
    (openpyxl writes "<v />", no result) holds that result."""
    source = zipfile.ZipFile(io.BytesIO(raw))
    sheet = source.read("xl/worksheets/sheet1.xml").decode()
    for cell, result in results.items():
        sheet, found = re.subn(f'(<c r="{cell}"[^>]*>)(<f>[^<]*</f>)<v ?/>', rf"\g<1>\g<2><v>{result}</v>", sheet)
        assert found == 1, cell
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for info in source.infolist():
            data = sheet.encode() if info.filename == "xl/worksheets/sheet1.xml" else source.read(info)
            target.writestr(info.filename, data)
    return buffer.getvalue()


def test_a_formula_without_a_stored_result_rejects_its_row_saying_so():
    raw = xlsx_of(
        [
            ["Name", "Customers", "Expected growth %"],
            ["Installers", "=SUM(1,2)", 4],
            ['=UPPER("renovators")', 10, "=1/0"],
            ["Builders", 12, None],
        ]
    )
    preview = _preview(raw, "s.xlsx")
    assert [(row, segment.name) for row, segment in preview.valid] == [(4, "Builders")]
    assert [(r.row, r.reasons) for r in preview.rejected] == [
        (2, [f"Customers: {FORMULA}"]),
        (3, [f"Name: {FORMULA}", f"Expected growth %: {FORMULA}"]),
    ]
    assert str(preview.rejected[0].values["customer_count"]) == "=SUM(1,2)"  # what the rejected rows show


def test_a_formula_with_a_stored_result_imports_the_result():
    raw = xlsx_of([["Name", "Customers"], ['="Install"&"ers"', "=SUM(1,2)"], ["Renovators", "=B2*2"]])
    raw = _with_cached_results(raw, {"B2": "3", "B3": "6"})
    preview = _preview(raw, "s.xlsx")
    assert [(r.row, r.reasons) for r in preview.rejected] == [(2, [f"Name: {FORMULA}"])]
    assert [(row, segment.name, segment.customer_count) for row, segment in preview.valid] == [(3, "Renovators", 6)]
