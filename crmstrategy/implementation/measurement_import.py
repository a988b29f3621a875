"""Reading measurements from CSV/XLSX: each row names a goal (by its metric) or a customer measure,
optionally a segment, with a date and a value. Rows are checked as a save would check them,
so the preview's ready rows are the ones that will be imported."""

from __future__ import annotations

from datetime import date

from pydantic import ValidationError, field_validator

from crmstrategy.core.errors import problems_from_pydantic
from crmstrategy.core.tabular import ImportPreview, Rejected, preview_import
from crmstrategy.implementation.models import (
    CUSTOMER_MEASURES,
    MEASUREMENT_LABELS,
    CustomerMeasurementCreate,
    GoalMeasurementCreate,
    MeasurementFields,
)

IMPORT_LABELS = {
    "measure": "Goal or measure",
    "segment": "Segment",
    "measured_on": "Date",
    "value": "Value",
    "note": "Note",
    "recorded_by": "Recorded by",
}
TEMPLATE_HEADER = list(IMPORT_LABELS.values())


class _MeasurementRow(MeasurementFields):
    measure: str
    segment: str | None = None

    @field_validator("measure", mode="before")
    @classmethod
    def _measure(cls, v):
        if v is None or not str(v).strip():
            raise ValueError(f"Goal or measure is required: a goal's metric, or one of {', '.join(CUSTOMER_MEASURES)}.")
        return " ".join(str(v).split())

    @field_validator("segment", mode="before")
    @classmethod
    def _segment(cls, v):
        # A spreadsheet cell holding a name like 2025 arrives as a number.
        return None if v is None or not str(v).strip() else " ".join(str(v).split())


def preview_measurement_import(
    raw: bytes, filename: str, *, goals: dict[int, str], segments: dict[str, int], taken: set[tuple], today: date
) -> ImportPreview[GoalMeasurementCreate | CustomerMeasurementCreate]:
    """`goals` maps goal ids to metrics, `segments` names to ids; `taken` holds the days already
    measured, as (goal id, day) and (measure, segment id or None, day)."""
    by_metric: dict[str, list[int]] = {}
    for goal_id, metric in goals.items():
        by_metric.setdefault(metric.lower(), []).append(goal_id)
    measures = {m.lower(): m for m in CUSTOMER_MEASURES}
    segment_ids = {name.lower(): sid for name, sid in segments.items()}
    resolved: dict[int, GoalMeasurementCreate | CustomerMeasurementCreate] = {}  # id(row model) -> the create model

    def resolve(row: _MeasurementRow) -> list[str]:
        common = row.model_dump(include={"measured_on", "value", "note", "recorded_by"})
        reasons = []
        item: GoalMeasurementCreate | CustomerMeasurementCreate
        if row.measured_on > today:
            reasons.append(
                f"{row.measured_on.isoformat()} is in the future: a measurement records a value already measured."
            )
        key = row.measure.lower()
        try:
            # A goal and a customer measure may share a name ("Churn"): a segment says it is the measure.
            if key in by_metric and not (row.segment and key in measures):
                if len(by_metric[key]) > 1:
                    return reasons + [f"Two goals are called '{row.measure}': rename one on the Goals page first."]
                if row.segment:
                    reasons.append(f"Goals are not measured per segment: leave Segment empty for '{row.measure}'.")
                item = GoalMeasurementCreate.model_validate(common | {"goal_id": by_metric[key][0]})
                if (item.goal_id, item.measured_on) in taken:
                    reasons.append(f"'{row.measure}' already has a value on {item.measured_on.isoformat()}.")
            elif key in measures:
                segment_id = None
                if row.segment:
                    segment_id = segment_ids.get(row.segment.lower())
                    if segment_id is None:
                        return reasons + [f"No segment named '{row.segment}'."]
                item = CustomerMeasurementCreate.model_validate(
                    common | {"measure": measures[key], "segment_id": segment_id}
                )
                if (item.measure, segment_id, item.measured_on) in taken:
                    reasons.append(
                        f"{item.measure} for {row.segment or 'all customers'} already has a value on "
                        f"{item.measured_on.isoformat()}."
                    )
            else:
                known = sorted(set(goals.values()), key=str.lower)
                return reasons + [
                    f"No goal or customer measure named '{row.measure}'. Goals: "
                    f"{', '.join(known) or 'none yet'}; customer measures: {', '.join(CUSTOMER_MEASURES)}."
                ]
        except ValidationError as exc:
            return reasons + [str(p) for p in problems_from_pydantic(exc, MEASUREMENT_LABELS)]
        resolved[id(row)] = item
        return reasons

    preview = preview_import(
        raw,
        filename,
        model=_MeasurementRow,
        labels=IMPORT_LABELS,
        required={"measure", "measured_on", "value"},
        extra_check=resolve,
    )
    valid: list[tuple[int, GoalMeasurementCreate | CustomerMeasurementCreate]] = []
    rejected = list(preview.rejected)
    first_row: dict[tuple, int] = {}
    for number, row in preview.valid:
        item = resolved[id(row)]
        key = (
            (item.goal_id, item.measured_on)
            if isinstance(item, GoalMeasurementCreate)
            else (item.measure, item.segment_id, item.measured_on)
        )
        if key in first_row:
            rejected.append(
                Rejected(
                    number,
                    row.model_dump(mode="json"),
                    [f"The same day is also on row {first_row[key]}: one value per day."],
                )
            )
            continue
        first_row[key] = number
        valid.append((number, item))
    rejected.sort(key=lambda r: r.row)
    return ImportPreview(valid, rejected)
