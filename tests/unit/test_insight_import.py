"""Insight import preview from CSV and XLSX: names become ids, every refusal says why."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import pytest
from openpyxl import Workbook

from crmstrategy.analysis.insight_import import preview_insight_import
from crmstrategy.analysis.models import InsightCreate
from crmstrategy.core import clock
from crmstrategy.core.errors import ValidationProblem

SEGMENTS = {"Time-pressed installers": 1, "Project contractors": 2}
PERSONAS = {"Kjetil the van installer": 10, "Ingrid the project purchaser": 20}
HEADER = ["Date", "Type", "Text", "Source", "Theme", "Segments", "Personas", "Recorded by"]


def _csv(rows: list[list[str]], header=HEADER, delimiter=",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def _xlsx(rows: list[list], header=HEADER) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _preview(raw: bytes, filename: str = "insights.csv"):
    return preview_insight_import(raw, filename, segments=SEGMENTS, personas=PERSONAS)


def _row(**values) -> list[str]:
    base = {
        "Date": "2026-09-02",
        "Type": "Pain",
        "Text": "Parts are missing",
        "Source": "Sales",
        "Theme": "",
        "Segments": "",
        "Personas": "",
        "Recorded by": "",
    }
    merged = base | values
    return [merged[h] for h in HEADER]


def test_valid_rows_become_insights_with_ids_for_the_names():
    raw = _csv(
        [
            _row(
                Text="Parts are missing at the counter",
                Type="pain",
                Source="customer interview",
                Theme="Delivery",
                Segments="Time-pressed installers",
                Personas="Kjetil the van installer",
                **{"Recorded by": "Erik"},
            ),
            _row(Date="2026-09-04", Type="Request", Text="A pick-up code in the app", Source="Sales"),
        ]
    )
    preview = _preview(raw)
    assert preview.rejected == []
    [(first_row, first), (second_row, second)] = preview.valid
    assert (first_row, second_row) == (2, 3)
    assert isinstance(first, InsightCreate)
    assert first == InsightCreate(
        text="Parts are missing at the counter",
        kind="Pain",
        source_type="Customer interview",
        recorded_by="Erik",
        recorded_on=date(2026, 9, 2),
        theme="Delivery",
        segment_ids=[1],
        persona_ids=[10],
    )
    assert (second.kind, second.theme, second.segment_ids, second.persona_ids) == ("Request", None, [], [])


def test_names_are_matched_ignoring_case():
    preview = _preview(_csv([_row(Segments="TIME-PRESSED INSTALLERS", Personas="ingrid the PROJECT purchaser")]))
    [(_, insight)] = preview.valid
    assert (insight.segment_ids, insight.persona_ids) == ([1], [20])


def test_semicolon_and_line_separated_lists_name_several():
    preview = _preview(
        _csv(
            [
                _row(
                    Segments="Time-pressed installers; project contractors ;",
                    Personas="Kjetil the van installer\nIngrid the project purchaser",
                ),
            ]
        )
    )
    [(_, insight)] = preview.valid
    assert (insight.segment_ids, insight.persona_ids) == ([1, 2], [10, 20])


def test_a_semicolon_separated_csv_from_nordic_excel_is_read():
    preview = _preview(_csv([_row(Segments="Project contractors")], delimiter=";"))
    [(_, insight)] = preview.valid
    assert insight.segment_ids == [2]


def test_unknown_segment_and_persona_names_are_rejected_naming_them():
    preview = _preview(
        _csv(
            [
                _row(Segments="Time-pressed installers; Ghost riders", Personas="Nobody"),
                _row(Text="Fine row"),
            ]
        )
    )
    assert [number for number, _ in preview.valid] == [3]
    [rejected] = preview.rejected
    assert rejected.row == 2
    assert rejected.reasons == ["No segment named 'Ghost riders'.", "No persona named 'Nobody'."]


def test_a_segment_name_is_not_a_persona_name():
    preview = _preview(_csv([_row(Personas="Time-pressed installers")]))
    assert preview.valid == []
    assert preview.rejected[0].reasons == ["No persona named 'Time-pressed installers'."]


@pytest.mark.parametrize(
    "change, phrase",
    [
        ({"Type": "Complaint"}, "Type must be one of Need, Pain, Motive, Request (got 'Complaint')"),
        ({"Type": ""}, "Type is required"),
        ({"Source": "Gossip"}, "Source must be one of Customer interview, Sales"),
        ({"Text": "   "}, "Insight text is required"),
        ({"Date": "02.09.2026"}, "Date must look like 2026-11-23"),
        ({"Date": ""}, "Date is required"),
    ],
)
def test_wrong_values_are_rejected_with_a_reason(change, phrase):
    preview = _preview(_csv([_row(**change), _row()]))
    assert [number for number, _ in preview.valid] == [3]
    [rejected] = preview.rejected
    assert rejected.row == 2
    assert any(phrase in reason for reason in rejected.reasons), rejected.reasons


def test_a_future_date_is_rejected():
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
    preview = _preview(_csv([_row(Date=tomorrow)]))
    assert preview.valid == []
    [reason] = preview.rejected[0].reasons
    assert f"Date {tomorrow} is in the future" in reason


def test_today_is_not_the_future():
    preview = _preview(_csv([_row(Date=clock.today().isoformat())]))
    assert [insight.recorded_on for _, insight in preview.valid] == [clock.today()]


def test_a_missing_required_column_refuses_the_file():
    header = [h for h in HEADER if h != "Source"]
    with pytest.raises(ValidationProblem, match="Missing column: Source"):
        _preview(_csv([["2026-09-02", "Pain", "Text", "", "", "", ""]], header=header))


def test_field_names_work_as_headers_and_optional_columns_may_be_left_out():
    raw = _csv(
        [["Parts are missing", "need", "survey", "2026-09-02"]], header=["text", "kind", "source_type", "recorded_on"]
    )
    [(_, insight)] = _preview(raw).valid
    assert (insight.kind, insight.source_type, insight.segment_ids) == ("Need", "Survey", [])


def test_xlsx_with_real_dates_and_names():
    raw = _xlsx(
        [
            [
                datetime(2026, 9, 2),
                "Pain",
                "Deler mangler på disken 😀",
                "Sales",
                "Delivery",
                "project contractors;Time-pressed installers",
                "KJETIL THE VAN INSTALLER",
                "Erik Solberg",
            ],
            [date(2026, 10, 1), "Wish", "Unknown type", "Sales", None, None, None, None],
            [None, None, None, None, None, None, None, None],  # blank row: skipped but counted
            [
                date(2026, 10, 3),
                "Motive",
                "Wants to look professional",
                "Survey",
                None,
                "Facility managers",
                None,
                None,
            ],
        ]
    )
    preview = _preview(raw, "insights.xlsx")
    [(number, insight)] = preview.valid
    assert number == 2
    assert insight.recorded_on == date(2026, 9, 2)
    assert insight.text == "Deler mangler på disken 😀"
    assert (insight.segment_ids, insight.persona_ids) == ([2, 1], [10])
    assert [(r.row, len(r.reasons)) for r in preview.rejected] == [(3, 1), (5, 1)]
    assert "Type must be one of" in preview.rejected[0].reasons[0]
    assert preview.rejected[1].reasons == ["No segment named 'Facility managers'."]


def test_hostile_formula_text_neutralised_by_an_export_is_read_back_as_typed():
    raw = _csv([_row(Text='\'=HYPERLINK("http://x","y")')])
    [(_, insight)] = _preview(raw).valid
    assert insight.text == '=HYPERLINK("http://x","y")'


def test_a_segment_named_by_a_number_in_an_xlsx_cell_is_found():
    import io

    from openpyxl import Workbook

    from crmstrategy.analysis.insight_import import preview_insight_import

    workbook = Workbook()
    workbook.active.append(["Text", "Type", "Source", "Date", "Segments"])
    workbook.active.append(["Said in 2025", "Need", "Sales", "2026-01-05", 2025])
    buffer = io.BytesIO()
    workbook.save(buffer)
    preview = preview_insight_import(buffer.getvalue(), "insights.xlsx", segments={"2025": 7}, personas={})
    assert not preview.rejected
    assert preview.valid[0][1].segment_ids == [7]


def test_a_date_given_by_a_formula_never_calculated_rejects_the_row():
    raw = _xlsx([_row(Text="Typed"), _row(Date="=TODAY()-3", Text="Computed")])
    preview = _preview(raw, "insights.xlsx")
    assert [(n, i.text) for n, i in preview.valid] == [(2, "Typed")]
    assert [(r.row, r.reasons) for r in preview.rejected] == [
        (
            3,
            [
                "Date: a formula, not a value (type the value, or save the file in Excel so the formula's "
                "result is stored)."
            ],
        )
    ]
