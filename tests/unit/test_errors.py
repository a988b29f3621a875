"""Pydantic errors become readable sentences naming the field (and row)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from crmstrategy.analysis.models import PERSONA_LABELS, SEGMENT_LABELS, PersonaCreate, SegmentCreate
from crmstrategy.core.errors import Problem, ValidationProblem, problems_from_pydantic


def _problems(model, data, labels=None, row=None) -> list[Problem]:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    return problems_from_pydantic(caught.value, labels, row)


def test_lower_bound_becomes_must_be_at_least_with_the_field_label():
    assert _problems(SegmentCreate, {"name": "A", "customer_count": -1}, SEGMENT_LABELS) == [
        Problem("Customers", "must be at least 0.")
    ]


def test_upper_bound_becomes_must_be_at_most_with_thousands_separator():
    assert _problems(SegmentCreate, {"name": "A", "expected_growth_pct": 5000}, SEGMENT_LABELS) == [
        Problem("Expected growth %", "must be at most 1,000.")
    ]


def test_text_in_a_whole_number_field_asks_for_a_number_without_decimals():
    assert _problems(SegmentCreate, {"name": "A", "customer_count": "abc"}, SEGMENT_LABELS) == [
        Problem("Customers", "must be a number without decimals.")
    ]


def test_text_in_a_decimal_field_asks_for_a_number():
    assert _problems(SegmentCreate, {"name": "A", "revenue": "lots"}, SEGMENT_LABELS) == [
        Problem("Revenue", "must be a number.")
    ]


def test_missing_and_unknown_fields_are_named():
    problems = _problems(SegmentCreate, {"colour": "red"}, SEGMENT_LABELS)
    assert Problem("Name", "is required.") in problems
    assert Problem("Colour", "is not a known field.") in problems


def test_value_error_message_from_a_validator_is_used_as_is():
    problems = _problems(SegmentCreate, {"name": "   "}, SEGMENT_LABELS)
    assert problems == [Problem("Name", "Segment name is required and cannot be only spaces.")]


def test_field_without_label_is_humanised():
    problems = _problems(SegmentCreate, {"name": "A", "customer_count": -3})
    assert problems == [Problem("Customer count", "must be at least 0.")]


def test_nested_location_is_shown_after_the_field_label():
    problems = _problems(
        PersonaCreate,
        {"name": "P", "segment_id": 1, "channels": [{"kind": "Telepathy", "channel": "Mind"}]},
        PERSONA_LABELS,
    )
    assert len(problems) == 1
    assert problems[0].field == "Preferred channels (1 › kind)"  # the first channel, counted from one
    assert problems[0].message.startswith("Channel type must be one of Owned, Bought, Earned")


def test_row_number_is_carried_and_shown_first():
    problems = _problems(SegmentCreate, {"name": "A", "customer_count": -1}, SEGMENT_LABELS, row=3)
    assert problems[0].row == 3
    assert str(problems[0]) == "Row 3, Customers: must be at least 0."


def test_validation_problem_from_plain_text_has_one_problem_without_field():
    problem = ValidationProblem("The file is empty.")
    assert problem.problems == [Problem("", "The file is empty.")]
    assert str(problem) == "The file is empty."


def test_validation_problem_message_joins_all_problems():
    problem = ValidationProblem([Problem("Name", "is required.", 2), Problem("Revenue", "must be a number.", 4)])
    assert str(problem) == "Row 2, Name: is required.; Row 4, Revenue: must be a number."


def test_an_item_of_a_list_is_counted_from_one_as_people_count():
    from pydantic import BaseModel, ValidationError

    from crmstrategy.core.errors import problems_from_pydantic

    class Drivers(BaseModel):
        value_drivers: list[str]

    with pytest.raises(ValidationError) as refused:
        Drivers.model_validate({"value_drivers": ["Price", 5]})
    assert [str(p) for p in problems_from_pydantic(refused.value, {"value_drivers": "Value drivers"})] == [
        "Value drivers (2): has the wrong type."
    ]
