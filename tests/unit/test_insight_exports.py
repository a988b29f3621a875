"""The insight log as CSV and XLSX, read back with the csv module and openpyxl."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

from openpyxl import load_workbook

from crmstrategy.analysis.exports import insights_csv, insights_xlsx
from crmstrategy.analysis.models import InsightRead

HOSTILE = '=HYPERLINK("http://x","y")'
HEADER = ["Date", "Type", "Text", "Source", "Theme", "Segments", "Personas", "Recorded by"]

INSIGHTS = [
    InsightRead(
        id=1,
        workspace_id=1,
        text="«Når delen mangler på disken, kjører jeg til neste filial.»",
        kind="Pain",
        source_type="Customer interview",
        recorded_by="Erik Solberg",
        recorded_on=date(2026, 9, 2),
        theme="Delivery",
        segment_ids=[1, 2],
        segment_names=["Time-pressed installers", "Project contractors"],
        persona_ids=[10, 11],
        persona_names=["Kjetil", "Sara"],
    ),
    InsightRead(
        id=2,
        workspace_id=1,
        text=HOSTILE,
        kind="Request",
        source_type="Sales",
        recorded_by="@SUM(A1)",
        recorded_on=date(2026, 11, 17),
        theme=None,
    ),
]


def _csv_records(data: bytes) -> list[dict]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == HEADER
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def test_insights_csv_reads_back_with_dates_and_joined_names():
    data = insights_csv(INSIGHTS)
    assert data.startswith(b"\xef\xbb\xbf")
    first, second = _csv_records(data)
    assert first == {
        "Date": "2026-09-02",
        "Type": "Pain",
        "Text": "«Når delen mangler på disken, kjører jeg til neste filial.»",
        "Source": "Customer interview",
        "Theme": "Delivery",
        "Segments": "Time-pressed installers; Project contractors",
        "Personas": "Kjetil; Sara",
        "Recorded by": "Erik Solberg",
    }
    assert (second["Date"], second["Theme"], second["Segments"], second["Personas"]) == ("2026-11-17", "", "", "")


def test_insights_csv_neutralises_formula_text():
    _, second = _csv_records(insights_csv(INSIGHTS))
    assert second["Text"] == "'" + HOSTILE
    assert second["Recorded by"] == "'@SUM(A1)"


def test_insights_csv_of_an_empty_log_has_only_the_header():
    assert _csv_records(insights_csv([])) == []


def test_insights_xlsx_reads_back_with_real_dates_and_joined_names():
    ws = load_workbook(io.BytesIO(insights_xlsx(INSIGHTS)))["Insights"]
    assert [cell.value for cell in ws[1]] == HEADER
    assert ws.max_row == 3
    first = {h: cell.value for h, cell in zip(HEADER, ws[2])}
    assert first["Date"] == datetime(2026, 9, 2)  # a real date cell, not text
    assert ws["A2"].number_format == "yyyy-mm-dd"
    assert first["Segments"] == "Time-pressed installers; Project contractors"
    assert first["Personas"] == "Kjetil; Sara"
    assert first["Text"] == INSIGHTS[0].text
    assert (first["Type"], first["Source"], first["Theme"], first["Recorded by"]) == (
        "Pain",
        "Customer interview",
        "Delivery",
        "Erik Solberg",
    )
    assert ws.freeze_panes == "A2"


def test_insights_xlsx_neutralises_formula_text():
    ws = load_workbook(io.BytesIO(insights_xlsx(INSIGHTS)))["Insights"]
    second = {h: cell.value for h, cell in zip(HEADER, ws[3])}
    assert second["Text"] == "'" + HOSTILE
    assert second["Recorded by"] == "'@SUM(A1)"
    assert ws["C3"].data_type != "f"  # stored as text, not as a formula
    assert second["Date"] == datetime(2026, 11, 17)
    assert second["Theme"] in (None, "")
