"""Measurement import preview (crmstrategy.implementation.measurement_import) from real CSV and XLSX:
every refusal says why."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from crmstrategy.core.errors import ValidationProblem
from crmstrategy.implementation.measurement_import import TEMPLATE_HEADER, preview_measurement_import
from crmstrategy.implementation.models import (
    CUSTOMER_MEASURES,
    CustomerMeasurementCreate,
    GoalMeasurementCreate,
)

TODAY = date(2026, 6, 1)
GOALS = {1: "Share of wallet", 2: "Repeat orders"}
SEGMENTS = {"Time-pressed installers": 10, "Project contractors": 20}
HEADER = ["Goal or measure", "Segment", "Date", "Value", "Note", "Recorded by"]


def _csv(rows: list[list], header=HEADER, delimiter=",") -> bytes:
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


def _row(measure="Share of wallet", segment="", on="2026-05-01", value="12", note="", by="") -> list:
    return [measure, segment, on, value, note, by]


def _preview(
    raw: bytes, filename: str = "measurements.csv", *, goals=None, segments=None, taken=None, today: date = TODAY
):
    return preview_measurement_import(
        raw,
        filename,
        goals=GOALS if goals is None else goals,
        segments=SEGMENTS if segments is None else segments,
        taken=set() if taken is None else taken,
        today=today,
    )


def _only_rejection(preview) -> tuple[int, list[str]]:
    assert preview.valid == []
    [rejected] = preview.rejected
    return rejected.row, rejected.reasons


def test_the_template_header_is_the_expected_columns():
    assert TEMPLATE_HEADER == HEADER


# --- goals --------------------------------------------------------------------------------


def test_a_goal_row_becomes_a_goal_measurement():
    preview = _preview(_csv([_row(value="41.5", note="From the ERP", by="Erik")]))
    assert preview.rejected == []
    [(row, item)] = preview.valid
    assert row == 2
    assert isinstance(item, GoalMeasurementCreate)
    assert item == GoalMeasurementCreate(
        goal_id=1, measured_on=date(2026, 5, 1), value=41.5, note="From the ERP", recorded_by="Erik"
    )


def test_the_goal_is_found_by_its_metric_in_any_case_and_spacing():
    preview = _preview(_csv([_row(measure="  REPEAT   orders "), _row(measure="share of WALLET")]))
    assert preview.rejected == []
    assert [(row, item.goal_id) for row, item in preview.valid] == [(2, 2), (3, 1)]


def test_a_decimal_comma_is_accepted():
    # Nordic Excel: semicolons between columns, a comma in the number.
    preview = _preview(_csv([_row(value="12,5")], delimiter=";"))
    assert preview.rejected == []
    [(_, item)] = preview.valid
    assert item.value == 12.5


def test_a_decimal_comma_in_a_quoted_comma_separated_file_is_accepted():
    raw = _csv([_row(value="12,5")])
    assert b'"12,5"' in raw
    [(_, item)] = _preview(raw).valid
    assert item.value == 12.5


def test_text_in_the_value_column_is_rejected_as_not_a_number():
    row, reasons = _only_rejection(_preview(_csv([_row(value="abc")])))
    assert row == 2
    assert len(reasons) == 1
    assert reasons[0].startswith("Value: ")
    assert "must be a number" in reasons[0]
    assert "abc" in reasons[0]


def test_an_empty_value_is_rejected_as_required():
    _, reasons = _only_rejection(_preview(_csv([_row(value="")])))
    assert reasons == ["Value: Value is required: a number."]


def test_a_date_in_the_future_is_rejected():
    _, reasons = _only_rejection(_preview(_csv([_row(on="2026-06-02")])))
    assert reasons == ["2026-06-02 is in the future: a measurement records a value already measured."]


def test_a_value_measured_today_is_accepted():
    [(_, item)] = _preview(_csv([_row(on=TODAY.isoformat())])).valid
    assert item.measured_on == TODAY


def test_a_date_that_is_no_date_is_rejected():
    _, reasons = _only_rejection(_preview(_csv([_row(on="1 May")])))
    assert len(reasons) == 1 and "is not a date" in reasons[0]


def test_the_same_goal_and_day_twice_in_the_file_rejects_the_second_row_naming_the_first():
    preview = _preview(
        _csv([_row(value="10"), _row(measure="Repeat orders", value="3"), _row(measure="SHARE OF WALLET", value="11")])
    )
    assert [(row, item.value) for row, item in preview.valid] == [(2, 10), (3, 3)]
    [rejected] = preview.rejected
    assert rejected.row == 4
    assert rejected.reasons == ["The same day is also on row 2: one value per day."]


def test_the_same_goal_on_another_day_is_fine():
    preview = _preview(_csv([_row(on="2026-05-01"), _row(on="2026-05-02")]))
    assert preview.rejected == []
    assert len(preview.valid) == 2


def test_a_day_already_measured_for_the_goal_is_rejected():
    _, reasons = _only_rejection(_preview(_csv([_row()]), taken={(1, date(2026, 5, 1))}))
    assert reasons == ["'Share of wallet' already has a value on 2026-05-01."]


def test_a_day_taken_by_another_goal_does_not_matter():
    preview = _preview(_csv([_row()]), taken={(2, date(2026, 5, 1)), (1, date(2026, 4, 30))})
    assert preview.rejected == [] and len(preview.valid) == 1


def test_an_unknown_goal_or_measure_is_rejected_listing_the_goals_and_customer_measures():
    _, reasons = _only_rejection(_preview(_csv([_row(measure="Happiness")])))
    assert len(reasons) == 1
    reason = reasons[0]
    assert reason.startswith("No goal or customer measure named 'Happiness'.")
    assert "Goals: Repeat orders, Share of wallet;" in reason  # sorted by name
    assert f"customer measures: {', '.join(CUSTOMER_MEASURES)}." in reason


def test_an_unknown_name_without_goals_says_none_yet():
    _, reasons = _only_rejection(_preview(_csv([_row(measure="Happiness")]), goals={}))
    assert "Goals: none yet;" in reasons[0]


def test_two_goals_with_the_same_metric_are_ambiguous():
    goals = {1: "Share of wallet", 2: "share of wallet"}
    _, reasons = _only_rejection(_preview(_csv([_row()]), goals=goals))
    assert reasons == ["Two goals are called 'Share of wallet': rename one on the Goals page first."]


def test_a_segment_given_for_a_goal_is_rejected():
    _, reasons = _only_rejection(_preview(_csv([_row(segment="Project contractors")])))
    assert reasons == ["Goals are not measured per segment: leave Segment empty for 'Share of wallet'."]


def test_a_missing_goal_or_measure_is_rejected():
    _, reasons = _only_rejection(_preview(_csv([_row(measure="")])))
    assert len(reasons) == 1
    assert reasons[0].startswith("Goal or measure: Goal or measure is required")


# --- customer measures ----------------------------------------------------------------------


def test_a_customer_measure_for_a_segment_becomes_a_customer_measurement():
    [(row, item)] = _preview(_csv([_row(measure="nps", segment="project CONTRACTORS", value="34")])).valid
    assert row == 2
    assert isinstance(item, CustomerMeasurementCreate)
    assert (item.measure, item.segment_id, item.measured_on, item.value) == ("NPS", 20, date(2026, 5, 1), 34)


def test_a_customer_measure_without_a_segment_is_for_all_customers():
    [(_, item)] = _preview(_csv([_row(measure="Loyalty", value="61")])).valid
    assert isinstance(item, CustomerMeasurementCreate)
    assert (item.measure, item.segment_id, item.value) == ("Loyalty", None, 61)


def test_an_unknown_segment_is_rejected():
    _, reasons = _only_rejection(_preview(_csv([_row(measure="NPS", segment="Renovators", value="10")])))
    assert reasons == ["No segment named 'Renovators'."]


def test_an_nps_of_130_is_out_of_range():
    _, reasons = _only_rejection(_preview(_csv([_row(measure="NPS", value="130")])))
    assert reasons == ["NPS (NPS, -100 to 100) lies between -100 and 100; 130 is outside."]


def test_an_nps_of_minus_100_is_in_range():
    [(_, item)] = _preview(_csv([_row(measure="NPS", value="-100")])).valid
    assert item.value == -100


def test_a_churn_of_minus_5_is_out_of_range():
    _, reasons = _only_rejection(_preview(_csv([_row(measure="Churn", value="-5")])))
    assert reasons == ["Churn (% of customers lost) lies between 0 and 100; -5 is outside."]


def test_the_same_measure_segment_and_day_twice_rejects_the_second():
    preview = _preview(
        _csv(
            [
                _row(measure="NPS", segment="Project contractors", value="30"),
                _row(measure="NPS", value="25"),  # all customers: another series
                _row(measure="nps", segment="project contractors", value="31"),
            ]
        )
    )
    assert [row for row, _ in preview.valid] == [2, 3]
    [rejected] = preview.rejected
    assert (rejected.row, rejected.reasons) == (4, ["The same day is also on row 2: one value per day."])


def test_a_day_already_measured_for_the_measure_and_segment_is_rejected():
    taken = {("NPS", 20, date(2026, 5, 1)), ("NPS", None, date(2026, 5, 1))}
    preview = _preview(
        _csv(
            [
                _row(measure="NPS", segment="Project contractors", value="30"),
                _row(measure="NPS", value="30"),
                _row(measure="NPS", segment="Time-pressed installers", value="30"),
            ]
        ),
        taken=taken,
    )
    assert [row for row, _ in preview.valid] == [4]
    assert [(r.row, r.reasons) for r in preview.rejected] == [
        (2, ["NPS for Project contractors already has a value on 2026-05-01."]),
        (3, ["NPS for all customers already has a value on 2026-05-01."]),
    ]


# --- the file -----------------------------------------------------------------------------


def test_an_unknown_column_is_a_validation_problem():
    with pytest.raises(ValidationProblem, match="Unknown column: 'Colour'"):
        _preview(_csv([_row() + ["red"]], header=HEADER + ["Colour"]))


def test_a_missing_required_column_is_a_validation_problem():
    with pytest.raises(ValidationProblem, match="Missing column: Value"):
        _preview(_csv([["Share of wallet", "2026-05-01"]], header=["Goal or measure", "Date"]))


def test_a_file_of_another_kind_is_a_validation_problem():
    with pytest.raises(ValidationProblem):
        _preview(_csv([_row()]), filename="measurements.pdf")


def test_only_the_required_columns_are_enough():
    raw = _csv([["NPS", "2026-05-01", "12"]], header=["Goal or measure", "Date", "Value"])
    [(_, item)] = _preview(raw).valid
    assert (item.measure, item.segment_id, item.note) == ("NPS", None, "")


def test_rejected_rows_carry_their_spreadsheet_row_number_and_are_sorted():
    preview = _preview(
        _csv(
            [
                _row(value="10"),  # 2 ok
                _row(value="abc"),  # 3 not a number (rejected while reading)
                _row(value="11"),  # 4 same day as row 2 (rejected after)
                [],  # 5 blank: skipped, but still counted
                _row(measure="Happiness"),  # 6 unknown
                _row(measure="NPS", value="130"),  # 7 out of range
                _row(measure="Repeat orders", value="4"),  # 8 ok
            ]
        )
    )
    assert [row for row, _ in preview.valid] == [2, 8]
    assert [r.row for r in preview.rejected] == [3, 4, 6, 7]
    assert "on row 2" in preview.rejected[1].reasons[0]


def test_an_xlsx_file_with_real_dates_and_numbers():
    raw = _xlsx(
        [
            ["Share of wallet", None, datetime(2026, 5, 1), 41.5, "ERP", "Erik"],
            ["NPS", "Time-pressed installers", date(2026, 5, 2), 12, None, None],
            ["Satisfaction", None, "2026-05-03", "77,5", None, None],
            ["Churn", None, datetime(2026, 5, 4), -5, None, None],
            ["Repeat orders", None, datetime(2026, 7, 1), 3, None, None],
        ]
    )
    preview = _preview(raw, "measurements.xlsx")
    assert [(row, type(item).__name__) for row, item in preview.valid] == [
        (2, "GoalMeasurementCreate"),
        (3, "CustomerMeasurementCreate"),
        (4, "CustomerMeasurementCreate"),
    ]
    goal, nps, satisfaction = (item for _, item in preview.valid)
    assert (goal.goal_id, goal.measured_on, goal.value, goal.note, goal.recorded_by) == (
        1,
        date(2026, 5, 1),
        41.5,
        "ERP",
        "Erik",
    )
    assert (nps.measure, nps.segment_id, nps.measured_on, nps.value) == ("NPS", 10, date(2026, 5, 2), 12)
    assert (satisfaction.measure, satisfaction.value) == ("Satisfaction", 77.5)
    assert [r.row for r in preview.rejected] == [5, 6]
    assert preview.rejected[0].reasons == ["Churn (% of customers lost) lies between 0 and 100; -5 is outside."]
    assert preview.rejected[1].reasons == [
        "2026-07-01 is in the future: a measurement records a value already measured."
    ]


def test_an_xlsx_file_with_text_for_a_value_is_rejected():
    raw = _xlsx([["Share of wallet", None, datetime(2026, 5, 1), "abc", None, None]])
    row, reasons = _only_rejection(_preview(raw, "m.xlsx"))
    assert row == 2
    assert "must be a number" in reasons[0]


def test_an_xlsx_file_with_an_unknown_column_is_a_validation_problem():
    with pytest.raises(ValidationProblem, match="Unknown column"):
        _preview(_xlsx([_row() + ["x"]], header=HEADER + ["Colour"]), "m.xlsx")


def test_a_goal_named_like_a_customer_measure_yields_to_the_measure_when_a_segment_is_given():
    preview = _preview(
        _csv(
            [_row(measure="Churn", segment="Installers", value="14"), _row(measure="Churn", value="9", on="2026-05-02")]
        ),
        goals={7: "Churn"},
        segments={"Installers": 3},
    )
    kinds = [type(item) for _, item in preview.valid]
    assert kinds == [CustomerMeasurementCreate, GoalMeasurementCreate]
    assert preview.valid[0][1].segment_id == 3 and preview.valid[1][1].goal_id == 7


def test_a_value_given_by_a_formula_never_calculated_rejects_the_row():
    preview = _preview(_xlsx([_row(value=12), _row(on="2026-05-02", value="=B2*1.1")]), "measurements.xlsx")
    assert [n for n, _ in preview.valid] == [2]
    assert [(r.row, r.reasons) for r in preview.rejected] == [
        (
            3,
            [
                "Value: a formula, not a value (type the value, or save the file in Excel so the formula's "
                "result is stored)."
            ],
        )
    ]
