"""The plan's pure rules: horizons from due dates at their boundaries, month-end arithmetic, hand-set
horizons that contradict the dates, overdue actions, the owner rule, the 90-day review and the
anchoring warnings. Fixed dates only: no clock, no database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from crmstrategy.implementation.plan_rules import (
    REVIEW_DAYS,
    Taker,
    add_months,
    anchoring_warnings,
    derived_horizon,
    effective_horizon,
    has_owner,
    horizon_problem,
    is_overdue,
    later_than_plan,
    next_review_by,
    owner_note,
    review_state,
)

START = date(2026, 12, 1)
TODAY = date(2027, 5, 15)


# --- add_months ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 12, 1), 3, date(2027, 3, 1)),  # crosses the year
        (date(2026, 12, 1), 12, date(2027, 12, 1)),
        (date(2026, 11, 30), 3, date(2027, 2, 28)),  # 30 Nov + 3 = end of a short February
        (date(2027, 11, 30), 3, date(2028, 2, 29)),  # 2028 is a leap year
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2027, 1, 31), 3, date(2027, 4, 30)),
        (date(2027, 1, 31), 6, date(2027, 7, 31)),  # the 31st comes back when the month has one
        (date(2026, 10, 15), 14, date(2027, 12, 15)),
        (date(2026, 12, 31), 0, date(2026, 12, 31)),
    ],
)
def test_add_months_keeps_the_day_or_falls_back_to_the_month_end(day, months, expected):
    assert add_months(day, months) == expected


# --- derived horizon -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "horizon"),
    [
        (date(2026, 12, 1), 3),  # on the start
        (date(2027, 3, 1), 3),  # exactly three months: still the 3-month horizon
        (date(2027, 3, 2), 6),
        (date(2027, 6, 1), 6),  # exactly six months
        (date(2027, 6, 2), 12),
        (date(2027, 12, 1), 12),  # exactly twelve months
        (date(2027, 12, 2), 12),  # past the plan: still shown as 12
        (date(2029, 1, 1), 12),
        (date(2026, 11, 1), 3),  # before the plan starts
    ],
)
def test_derived_horizon_at_the_boundaries_of_a_plan_starting_1_december(due, horizon):
    assert derived_horizon(START, due) == horizon


def test_later_than_plan_only_after_twelve_months():
    assert later_than_plan(START, date(2027, 12, 1)) is False
    assert later_than_plan(START, date(2027, 12, 2)) is True
    assert later_than_plan(START, date(2026, 11, 1)) is False


def test_derived_horizon_of_a_plan_starting_30_november_uses_the_end_of_february():
    start = date(2026, 11, 30)
    assert derived_horizon(start, date(2027, 2, 28)) == 3
    assert derived_horizon(start, date(2027, 3, 1)) == 6
    assert derived_horizon(start, date(2027, 5, 30)) == 6
    assert derived_horizon(start, date(2027, 5, 31)) == 12


def test_derived_horizon_of_a_plan_starting_31_january_in_a_leap_year():
    start = date(2028, 1, 31)
    # 31 Jan 2028 + 3 months = 30 April; + 6 = 31 July; + 12 = 31 January 2029
    assert derived_horizon(start, date(2028, 4, 30)) == 3
    assert derived_horizon(start, date(2028, 5, 1)) == 6
    assert derived_horizon(start, date(2028, 7, 31)) == 6
    assert derived_horizon(start, date(2028, 8, 1)) == 12
    assert later_than_plan(start, date(2029, 1, 31)) is False
    assert later_than_plan(start, date(2029, 2, 1)) is True


def test_plan_starting_29_february_ends_on_28_february_next_year():
    start = date(2028, 2, 29)
    assert later_than_plan(start, date(2029, 2, 28)) is False
    assert later_than_plan(start, date(2029, 3, 1)) is True


# --- horizon_problem and effective_horizon ---------------------------------------------


@pytest.mark.parametrize("horizon", [3, 6, 12])
def test_any_horizon_may_be_set_by_hand_without_a_due_date(horizon):
    assert horizon_problem(horizon, START, None) is None


def test_no_problem_without_a_horizon_or_when_it_matches_the_due_date():
    assert horizon_problem(None, START, date(2027, 8, 1)) is None
    assert horizon_problem(3, START, date(2027, 3, 1)) is None
    assert horizon_problem(6, START, date(2027, 3, 2)) is None
    assert horizon_problem(12, START, date(2028, 5, 1)) is None


def test_a_contradicting_horizon_names_the_expected_horizon_and_the_due_date():
    message = horizon_problem(3, START, date(2027, 8, 1))
    assert message is not None
    assert "2027-08-01" in message
    assert "12-month" in message
    assert "not the 3-month" in message


def test_a_six_month_horizon_for_an_action_due_in_three_months_is_a_problem():
    message = horizon_problem(6, START, date(2027, 1, 15))
    assert message is not None
    assert "3-month" in message and "2027-01-15" in message


@pytest.mark.parametrize("horizon", [0, 1, 9, 24])
def test_a_horizon_outside_3_6_12_is_a_problem(horizon):
    message = horizon_problem(horizon, START, date(2027, 1, 15))
    assert message is not None
    assert "3, 6 or 12" in message
    assert str(horizon) in message


def test_effective_horizon_prefers_the_due_date_then_the_hand_set_value():
    assert effective_horizon(3, START, date(2027, 8, 1)) == 12
    assert effective_horizon(None, START, date(2027, 4, 1)) == 6
    assert effective_horizon(6, START, None) == 6
    assert effective_horizon(None, START, None) is None


# --- overdue ---------------------------------------------------------------------------


def test_due_yesterday_and_not_done_is_overdue():
    assert is_overdue("In progress", TODAY - timedelta(days=1), TODAY) is True
    assert is_overdue("Not started", TODAY - timedelta(days=1), TODAY) is True


def test_done_is_never_overdue():
    assert is_overdue("Done", TODAY - timedelta(days=30), TODAY) is False


def test_due_today_is_not_yet_overdue():
    assert is_overdue("Not started", TODAY, TODAY) is False
    assert is_overdue("Not started", TODAY + timedelta(days=1), TODAY) is False


def test_without_a_due_date_nothing_is_overdue():
    assert is_overdue("Not started", None, TODAY) is False


def test_blocked_and_past_is_overdue():
    assert is_overdue("Blocked", TODAY - timedelta(days=3), TODAY) is True


# --- owner rule ------------------------------------------------------------------------


@pytest.mark.parametrize("owner", ["", "  ", "\t\n", None])
def test_blank_owner_is_no_owner(owner):
    assert has_owner(owner) is False
    assert "No owner" in owner_note(owner, ["Kari Nordmann"])


def test_a_named_owner_is_an_owner():
    assert has_owner("Kari") is True
    assert has_owner(" Åse ") is True


def test_owner_not_among_participants_is_allowed_but_noted():
    note = owner_note("Bjørn Ærø", ["Kari Nordmann", "Ola"])
    assert note is not None
    assert "Bjørn Ærø" in note
    assert "is not among the participants" in note
    assert "allowed" in note


def test_owner_among_participants_is_matched_ignoring_case():
    assert owner_note("kari nordmann", ["Kari Nordmann"]) is None
    assert owner_note("ÅSE ØYEN", ["åse øyen"]) is None
    assert owner_note("  Ola  ", ["Ola"]) is None


def test_owner_note_with_no_participants_names_the_owner():
    note = owner_note("Ola", [])
    assert note is not None and note.startswith("Ola is not among the participants")


# --- review ----------------------------------------------------------------------------


def test_never_reviewed_plan_with_actions_is_due():
    state = review_state(None, TODAY, has_actions=True)
    assert state.due is True
    assert "never been reviewed" in state.message
    assert state.last_review is None and state.days_since is None


def test_a_plan_never_reviewed_is_due_90_days_after_its_start():
    assert next_review_by(None, date(2026, 12, 1)) == date(2027, 3, 1)
    assert next_review_by(date(2027, 1, 10), date(2026, 12, 1)) == date(2027, 4, 10)  # the last review counts
    assert next_review_by(None, None) is None


def test_a_plan_made_today_and_never_reviewed_is_not_due_until_90_days_after_its_start():
    today = date(2026, 12, 1)
    state = review_state(None, today, has_actions=True, plan_start=today)
    assert state.due is False
    assert state.message == "Not reviewed yet: the first review is due by 2027-03-01, 90 days after the plan's start."
    assert review_state(None, date(2027, 3, 1), has_actions=True, plan_start=today).due is False
    late = review_state(None, date(2027, 3, 2), has_actions=True, plan_start=today)
    assert (late.due, late.message) == (True, "The plan has never been reviewed.")


def test_never_reviewed_plan_without_actions_is_not_due():
    state = review_state(None, TODAY, has_actions=False)
    assert state.due is False
    assert "never been reviewed" not in state.message


def test_reviewed_exactly_90_days_ago_is_not_due():
    assert REVIEW_DAYS == 90
    last = TODAY - timedelta(days=90)
    state = review_state(last, TODAY, has_actions=True)
    assert state.due is False
    assert state.days_since == 90
    assert "90 days ago" in state.message


def test_reviewed_91_days_ago_is_due_and_names_the_days_and_the_date():
    last = TODAY - timedelta(days=91)
    state = review_state(last, TODAY, has_actions=True)
    assert state.due is True
    assert state.days_since == 91
    assert "91 days" in state.message
    assert last.isoformat() in state.message


def test_reviewed_one_day_ago_is_singular():
    state = review_state(TODAY - timedelta(days=1), TODAY, has_actions=True)
    assert state.due is False
    assert "1 day ago" in state.message
    assert "1 days" not in state.message


def test_reviewed_today_says_zero_days():
    state = review_state(TODAY, TODAY, has_actions=True)
    assert state.due is False
    assert "0 days ago" in state.message


# --- anchoring -------------------------------------------------------------------------


def _taker(name, department, leader=False, steps=("Analysis",)):
    return Taker(name=name, department=department, is_leader=leader, steps=tuple(steps))


def test_nobody_took_part_gives_one_warning():
    people = [_taker("Kari", "Sales", leader=True, steps=()), _taker("Ola", "Service", steps=())]
    warnings = anchoring_warnings(people)
    assert len(warnings) == 1
    assert "Nobody" in warnings[0]
    assert anchoring_warnings([]) == warnings


def test_one_department_only_warns_about_one_department():
    people = [_taker("Kari", "Sales", leader=True), _taker("Ola", "Sales", steps=("Strategy",))]
    warnings = anchoring_warnings(people)
    assert len(warnings) == 1
    assert "one department" in warnings[0]


def test_departments_are_compared_ignoring_case_and_surrounding_spaces():
    people = [_taker("Kari", "Sales", leader=True), _taker("Ola", "  sales "), _taker("Per", "SALES")]
    warnings = anchoring_warnings(people)
    assert len(warnings) == 1 and "one department" in warnings[0]


def test_an_empty_department_does_not_count_as_a_second_one():
    people = [_taker("Kari", "Sales", leader=True), _taker("Ola", ""), _taker("Per", "   ")]
    assert any("one department" in w for w in anchoring_warnings(people))


def test_people_who_took_no_step_do_not_count():
    people = [_taker("Kari", "Sales", leader=True), _taker("Ola", "Service", steps=())]
    assert any("one department" in w for w in anchoring_warnings(people))
    people = [_taker("Kari", "Sales"), _taker("Ola", "Service", leader=True, steps=())]
    assert any("leader" in w for w in anchoring_warnings(people))


def test_no_leader_warns_about_a_leader():
    people = [_taker("Kari", "Sales"), _taker("Ola", "Service")]
    warnings = anchoring_warnings(people)
    assert len(warnings) == 1
    assert "No leader" in warnings[0]


def test_one_department_and_no_leader_gives_both_warnings():
    warnings = anchoring_warnings([_taker("Kari", "Sales")])
    assert len(warnings) == 2
    assert any("one department" in w for w in warnings)
    assert any("No leader" in w for w in warnings)


def test_two_departments_with_a_leader_gives_no_warnings():
    people = [_taker("Kari", "Sales", leader=True, steps=("Analysis", "Strategy")), _taker("Ola", "Kundeservice")]
    assert anchoring_warnings(people) == []
