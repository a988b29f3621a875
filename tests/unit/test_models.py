"""Input models: choices, number parsing, ranges and value-driver lists."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from pydantic import ValidationError

from crmstrategy.analysis.models import (
    LIFECYCLE_STAGES,
    ChannelIn,
    InsightCreate,
    ParticipantCreate,
    PersonaCreate,
    ReadinessRatingIn,
    ReadinessStatementCreate,
    SegmentCreate,
)
from crmstrategy.core import clock
from crmstrategy.core.fields import choice
from crmstrategy.core.models import WorkspaceCreate


def _segment(**values) -> SegmentCreate:
    return SegmentCreate.model_validate({"name": "Installers"} | values)


def _persona(**values) -> PersonaCreate:
    return PersonaCreate.model_validate({"name": "Per", "segment_id": 1} | values)


def _refused_fields(model, data) -> set:
    with pytest.raises(ValidationError) as caught:
        model.model_validate(data)
    return {error["loc"][0] for error in caught.value.errors()}


# --- choice ----------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["win back", "WIN_BACK", "Win-Back", "  win   back ", "winback"])
def test_choice_matches_ignoring_case_spaces_dashes_and_underscores(typed):
    assert choice(typed, LIFECYCLE_STAGES, "Lifecycle focus") == "Win back"


@pytest.mark.parametrize("blank", [None, "", "   ", float("nan")])
def test_choice_treats_blank_as_no_choice(blank):
    assert choice(blank, LIFECYCLE_STAGES, "Lifecycle focus") is None


def test_choice_refuses_an_unknown_option_listing_the_options():
    with pytest.raises(ValueError) as refused:
        choice("Someday", LIFECYCLE_STAGES, "Lifecycle focus")
    assert str(refused.value) == (
        "Lifecycle focus must be one of Identify, Recruit, Develop, Retain, Win back (got 'Someday')."
    )


def test_segment_lifecycle_focus_is_matched_to_the_canonical_spelling():
    assert _segment(lifecycle_focus="WIN_BACK").lifecycle_focus == "Win back"
    assert _segment(lifecycle_focus="retain").lifecycle_focus == "Retain"


def test_segment_with_an_unknown_lifecycle_focus_is_refused():
    assert _refused_fields(SegmentCreate, {"name": "A", "lifecycle_focus": "Eventually"}) == {"lifecycle_focus"}


def test_persona_choices_are_matched_case_insensitively():
    persona = _persona(
        decision_role="decision maker", desired_relationship="TRUSTED_ADVISOR", lifecycle_stage="win back"
    )
    assert (persona.decision_role, persona.desired_relationship, persona.lifecycle_stage) == (
        "Decision-maker",
        "Trusted advisor",
        "Win back",
    )


def test_persona_with_wrong_choices_is_refused_for_each_field():
    data = {"name": "P", "segment_id": 1, "decision_role": "Boss", "desired_relationship": "Friends"}
    assert _refused_fields(PersonaCreate, data) == {"decision_role", "desired_relationship"}


def test_channel_kind_is_matched_and_required():
    assert ChannelIn(kind="owned", channel=" Newsletter ") == ChannelIn(kind="Owned", channel="Newsletter")
    with pytest.raises(ValidationError, match="Channel type is required"):
        ChannelIn(kind="", channel="Newsletter")


# --- numbers ---------------------------------------------------------------------------


def test_negative_customer_count_is_refused():
    assert _refused_fields(SegmentCreate, {"name": "A", "customer_count": -1}) == {"customer_count"}


@pytest.mark.parametrize("growth", [1000.5, 5000, -100.5])
def test_growth_outside_minus_100_to_1000_is_refused(growth):
    assert _refused_fields(SegmentCreate, {"name": "A", "expected_growth_pct": growth}) == {"expected_growth_pct"}


@pytest.mark.parametrize("growth", [-100, 0, 1000])
def test_growth_at_the_bounds_is_accepted(growth):
    assert _segment(expected_growth_pct=growth).expected_growth_pct == growth


@pytest.mark.parametrize("field", ["customer_count", "revenue", "potential", "expected_growth_pct"])
def test_text_in_a_number_field_is_refused(field):
    assert _refused_fields(SegmentCreate, {"name": "A", field: "abc"}) == {field}


def test_nordic_decimal_comma_is_read_as_a_decimal_point():
    segment = _segment(revenue="12,5", expected_growth_pct="12,5 %")
    assert segment.revenue == 12.5
    assert segment.expected_growth_pct == 12.5


def test_spaces_as_thousands_separators_are_ignored():
    segment = _segment(customer_count="2 400", revenue="1\u00a0234,5")
    assert segment.customer_count == 2400
    assert segment.revenue == 1234.5


def test_decimal_customer_count_is_refused():
    assert _refused_fields(SegmentCreate, {"name": "A", "customer_count": "12,5"}) == {"customer_count"}


@pytest.mark.parametrize("blank", ["", "   ", None, float("nan")])
def test_blank_numbers_become_empty(blank):
    assert _segment(customer_count=blank, revenue=blank).customer_count is None


def test_money_above_the_maximum_is_refused():
    assert _refused_fields(SegmentCreate, {"name": "A", "potential": 1e14}) == {"potential"}


# --- value drivers and texts -----------------------------------------------------------


def test_value_drivers_from_text_are_split_and_deduplicated_ignoring_case():
    assert _segment(value_drivers="Price; service;PRICE, Service\nQuality").value_drivers == [
        "Price",
        "service",
        "Quality",
    ]


def test_value_drivers_skip_blank_parts():
    assert _segment(value_drivers="Price;; ; ,Service").value_drivers == ["Price", "Service"]
    assert _segment(value_drivers=None).value_drivers == []


def test_value_drivers_as_a_list_are_cleaned_and_deduplicated():
    assert _segment(value_drivers=["  Price ", "price", None, "", "Delivery   precision"]).value_drivers == [
        "Price",
        "Delivery precision",
    ]


def test_a_value_driver_longer_than_a_name_is_refused():
    assert _refused_fields(SegmentCreate, {"name": "A", "value_drivers": ["x" * 121]}) == {"value_drivers"}


def test_unknown_segment_field_is_refused():
    assert _refused_fields(SegmentCreate, {"name": "A", "colour": "red"}) == {"colour"}


def test_segment_text_over_the_limit_is_refused():
    assert _refused_fields(SegmentCreate, {"name": "A", "notes": "n" * 4001}) == {"notes"}


def test_persona_requires_a_segment():
    assert _refused_fields(PersonaCreate, {"name": "P"}) == {"segment_id"}


def test_workspace_currency_is_upper_cased_and_must_be_three_letters():
    assert WorkspaceCreate(name="Acme", currency=" nok ").currency == "NOK"
    assert _refused_fields(WorkspaceCreate, {"name": "Acme", "currency": "kroner"}) == {"currency"}


# --- insights --------------------------------------------------------------------------


def _insight(**values) -> InsightCreate:
    return InsightCreate.model_validate(
        {"text": "Parts are missing", "kind": "Pain", "source_type": "Sales", "recorded_on": "2026-09-02"} | values
    )


def test_insight_choices_are_matched_and_text_is_cleaned():
    insight = _insight(
        kind=" need ",
        source_type="customer_service",
        text="  Line one\r\nLine two  ",
        recorded_on=datetime(2026, 9, 2, 14, 30),
        theme="  Digital   channels ",
    )
    assert (insight.kind, insight.source_type) == ("Need", "Customer service")
    assert insight.text == "Line one\nLine two"
    assert insight.recorded_on == date(2026, 9, 2)
    assert insight.theme == "Digital channels"
    assert (insight.segment_ids, insight.persona_ids) == ([], [])


@pytest.mark.parametrize("blank", [None, "", "   ", float("nan")])
def test_a_blank_theme_is_no_theme(blank):
    assert _insight(theme=blank).theme is None


@pytest.mark.parametrize(
    "field, value",
    [
        ("text", ""),
        ("text", "   "),
        ("text", None),
        ("text", "t" * 4001),
        ("kind", "Complaint"),
        ("kind", None),
        ("source_type", "Rumour"),
        ("source_type", ""),
        ("recorded_on", None),
        ("recorded_on", "yesterday"),
        ("recorded_on", "2026-02-30"),
        ("theme", "t" * 121),
    ],
)
def test_insight_with_a_wrong_value_is_refused(field, value):
    data = {"text": "T", "kind": "Pain", "source_type": "Sales", "recorded_on": "2026-09-02", field: value}
    assert _refused_fields(InsightCreate, data) == {field}


def test_insight_dated_in_the_future_is_refused_and_today_is_not():
    tomorrow = clock.today() + timedelta(days=1)
    with pytest.raises(ValidationError, match=f"Date {tomorrow.isoformat()} is in the future"):
        _insight(recorded_on=tomorrow)
    assert _insight(recorded_on=clock.today()).recorded_on == clock.today()


@pytest.mark.parametrize(
    "number", [0, 1_780_000_000 - 1_780_000_000 % 86_400, 2_000_000_000 - 2_000_000_000 % 86_400, 46_000, 45_900.0]
)
def test_a_number_is_not_a_date(number):
    """A number (a Unix timestamp, an Excel serial) would pass as a date unchecked, even in the future."""
    with pytest.raises(ValidationError, match="Date must look like 2026-11-23"):
        _insight(recorded_on=number)


def test_insight_with_an_unknown_field_is_refused():
    assert _refused_fields(
        InsightCreate,
        {"text": "T", "kind": "Pain", "source_type": "Sales", "recorded_on": "2026-09-02", "mood": "angry"},
    ) == {"mood"}


# --- participants ----------------------------------------------------------------------


def test_participant_is_cleaned():
    participant = ParticipantCreate.model_validate(
        {"name": "  Hanne   Lie ", "department": " Management ", "role": "CEO", "is_leader": True}
    )
    assert (participant.name, participant.department, participant.role, participant.is_leader) == (
        "Hanne Lie",
        "Management",
        "CEO",
        True,
    )
    assert ParticipantCreate(name="Tor").is_leader is False


@pytest.mark.parametrize(
    "field, value", [("name", ""), ("name", "  "), ("name", "n" * 121), ("department", "d" * 121), ("role", "r" * 121)]
)
def test_participant_with_a_wrong_value_is_refused(field, value):
    assert _refused_fields(ParticipantCreate, {"name": "Tor", field: value}) == {field}


# --- readiness -------------------------------------------------------------------------


def test_readiness_statement_is_cleaned_and_needs_text():
    statement = ReadinessStatementCreate.model_validate({"text": "  Data has an owner. ", "why": " Because. "})
    assert (statement.text, statement.why, statement.key) == ("Data has an owner.", "Because.", None)
    assert _refused_fields(ReadinessStatementCreate, {"text": "  "}) == {"text"}
    assert _refused_fields(ReadinessStatementCreate, {"text": "s" * 301}) == {"text"}
    assert _refused_fields(ReadinessStatementCreate, {"text": "OK", "why": "w" * 1001}) == {"why"}


@pytest.mark.parametrize(
    "score, stored", [(1, 1), (5, 5), ("3", 3), (" 4 ", 4), (2.0, 2), (None, None), ("", None), ("  ", None)]
)
def test_rating_score_accepts_whole_numbers_from_1_to_5_or_nothing(score, stored):
    assert ReadinessRatingIn(statement_id=1, score=score).score == stored


@pytest.mark.parametrize(
    "score", [0, 6, -1, 2.5, "2.5", "x", "five", 100, float("inf"), float("-inf"), float("nan"), True, False, [3]]
)
def test_rating_score_outside_1_to_5_or_not_whole_is_refused(score):
    with pytest.raises(ValidationError, match="Score must be a whole number from 1 to 5"):
        ReadinessRatingIn(statement_id=1, score=score)


def test_rating_note_is_cleaned_and_limited():
    assert ReadinessRatingIn(statement_id=1, score=2, note="  Nobody owns it  ").note == "Nobody owns it"
    assert _refused_fields(ReadinessRatingIn, {"statement_id": 1, "score": 2, "note": "n" * 1001}) == {"note"}
