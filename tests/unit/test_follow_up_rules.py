"""Follow-up rules (crmstrategy.implementation.follow_up_rules): goal status against the milestone path,
and overdue feedback."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from crmstrategy.implementation.follow_up_rules import (
    AT_RISK_BEHIND,
    FEEDBACK_ACT_DAYS,
    GOAL_STATUSES,
    OFF_TRACK_BEHIND,
    STALE_DAYS,
    feedback_overdue,
    feedback_waiting_days,
    goal_status,
    milestone_path,
    path_start,
)

# 2026-01-01 -> 2026-12-31 is 364 days; 2026-07-02 is day 182, exactly half way.
START = date(2026, 1, 1)
DEADLINE = date(2026, 12, 31)
HALF_WAY = date(2026, 7, 2)


def _up(value: float, *, on: date = HALF_WAY, today: date | None = None, **kwargs):
    """A goal from 0 to 100 over 2026 measured once: the straight path expects 50 on HALF_WAY."""
    args = (
        dict(
            baseline=0,
            target=100,
            deadline=DEADLINE,
            milestones=[],
            baseline_on=START,
            measurements=[(on, value)],
            today=today or on + timedelta(days=1),
        )
        | kwargs
    )
    return goal_status(**args)


def _churn(value: float, *, on: date = HALF_WAY, today: date | None = None, **kwargs):
    """A goal going down, churn 14 -> 9 % over 2026: the path expects 11.5 on HALF_WAY."""
    args = (
        dict(
            baseline=14,
            target=9,
            deadline=DEADLINE,
            milestones=[],
            baseline_on=START,
            measurements=[(on, value)],
            today=today or on + timedelta(days=1),
            unit="%",
        )
        | kwargs
    )
    return goal_status(**args)


def test_the_thresholds_are_the_documented_ones():
    assert (AT_RISK_BEHIND, OFF_TRACK_BEHIND, STALE_DAYS, FEEDBACK_ACT_DAYS) == (0.10, 0.25, 120, 30)
    assert GOAL_STATUSES == ("On track", "At risk", "Off track", "Not measured")


# --- on track, at risk, off track ---------------------------------------------------------------


def test_ahead_of_the_path_is_on_track():
    status = _up(55)
    assert status.status == "On track"
    assert status.expected == 50
    assert status.behind == pytest.approx(-0.05)
    assert status.latest == (HALF_WAY, 55)
    assert status.message == "Latest 55 on 2026-07-02; the path expects 50 by then: ahead by 5."


def test_exactly_on_the_path_is_on_track():
    status = _up(50)
    assert (status.status, status.behind) == ("On track", 0)
    assert "ahead by 0" in status.message


def test_a_little_behind_the_path_is_on_track():
    status = _up(45)
    assert status.status == "On track"
    assert status.behind == pytest.approx(0.05)
    assert status.message == (
        "Latest 45 on 2026-07-02; the path expects 50 by then: behind by 5, 5% of the way from baseline to target."
    )


def test_just_over_ten_percent_behind_is_at_risk():
    status = _up(39.9)
    assert status.status == "At risk"
    assert status.behind == pytest.approx(0.101)


def test_exactly_ten_percent_behind_is_at_risk():
    status = _up(40)
    assert status.behind == 0.1
    assert status.status == "At risk"


def test_exactly_twenty_five_percent_behind_is_still_at_risk():
    status = _up(25)
    assert status.behind == 0.25
    assert status.status == "At risk"


def test_more_than_twenty_five_percent_behind_is_off_track():
    status = _up(24.9)
    assert status.status == "Off track"
    assert status.behind == pytest.approx(0.251)
    assert "25% of the way from baseline to target" in status.message  # rounded in the sentence


def test_far_behind_is_off_track_and_the_message_says_by_how_much():
    status = _up(10, unit="customers")
    assert status.status == "Off track"
    assert status.message == (
        "Latest 10 customers on 2026-07-02; the path expects 50 customers by then: behind by "
        "40, 40% of the way from baseline to target."
    )


def test_the_message_names_the_latest_value_its_date_and_the_expected_value():
    status = _up(1234.5, baseline=1000, target=2000)
    # 1000 + 1000 * 182 / 364 = 1500
    assert status.expected == 1500
    assert "Latest 1 234.5 on 2026-07-02" in status.message
    assert "expects 1 500 by then" in status.message
    assert "behind by 265.5" in status.message


def test_the_latest_value_decides_not_the_best():
    status = goal_status(
        baseline=0,
        target=100,
        deadline=DEADLINE,
        milestones=[],
        baseline_on=START,
        measurements=[(HALF_WAY, 20), (date(2026, 4, 1), 60)],
        today=date(2026, 7, 10),
    )
    assert status.latest == (HALF_WAY, 20)
    assert status.status == "Off track"


def test_the_path_is_read_on_the_day_of_the_latest_value_not_today():
    # Measured on track at half way; a week later the path has moved on, but the value is still judged on its day.
    status = _up(50, today=HALF_WAY + timedelta(days=7))
    assert status.expected == 50
    assert status.status == "On track"


# --- goals that go down ----------------------------------------------------------------------


def test_a_goal_going_down_is_on_track_below_the_path():
    status = _churn(11)
    assert status.status == "On track"
    assert status.expected == 11.5
    assert status.behind == pytest.approx(-0.1)
    assert status.message == "Latest 11 % on 2026-07-02; the path expects 11.5 % by then: ahead by 0.5."


def test_a_goal_going_down_is_at_risk_above_the_path():
    status = _churn(12.2)
    assert status.status == "At risk"
    assert status.behind == pytest.approx(0.14)
    assert "behind by 0.7, 14% of the way" in status.message


def test_a_goal_going_down_exactly_twenty_five_percent_behind_is_at_risk():
    status = _churn(12.75)
    assert status.behind == 0.25
    assert status.status == "At risk"


def test_a_goal_going_down_more_than_twenty_five_percent_behind_is_off_track():
    status = _churn(13)
    assert status.status == "Off track"
    assert status.behind == pytest.approx(0.3)


def test_a_goal_going_down_that_rises_is_off_track():
    assert _churn(15).status == "Off track"


# --- the deadline --------------------------------------------------------------------------


def test_the_deadline_passed_without_reaching_the_target_is_off_track():
    status = _up(90, on=date(2026, 12, 20), today=date(2027, 1, 15))
    assert status.status == "Off track"
    assert status.expected == 100
    assert status.behind == pytest.approx(0.1)
    assert status.message == (
        "The deadline 2026-12-31 has passed at 90 (measured 2026-12-20), short of the target 100."
    )


def test_the_deadline_passed_even_if_the_value_is_close_to_the_target_is_off_track():
    assert _up(99.5, on=DEADLINE, today=DEADLINE).status == "Off track"


def test_the_target_reached_after_the_deadline_is_on_track():
    status = _up(100, on=date(2027, 1, 10), today=date(2027, 1, 15))
    assert status.status == "On track"
    assert status.latest == (date(2027, 1, 10), 100)
    assert status.message == "Target 100 reached: 100 on 2027-01-10."


def test_beyond_the_target_after_the_deadline_counts_as_reached():
    assert _up(104, on=date(2026, 12, 1), today=date(2027, 3, 1)).status == "On track"


def test_a_goal_going_down_reached_after_the_deadline_is_on_track_and_one_short_is_off_track():
    reached = _churn(8.5, on=date(2027, 1, 5), today=date(2027, 2, 1))
    assert reached.status == "On track"
    assert reached.message == "Target 9 % reached: 8.5 % on 2027-01-05."
    short = _churn(9.5, on=date(2027, 1, 5), today=date(2027, 2, 1))
    assert short.status == "Off track"
    assert "short of the target 9 %" in short.message


def test_the_deadline_branch_is_not_made_at_risk_by_an_old_value():
    # Reached long ago: the stale rule is for goals still under way.
    status = _up(100, on=date(2026, 12, 1), today=date(2027, 12, 1))
    assert status.status == "On track"


# --- stale values ---------------------------------------------------------------------------


def test_on_track_but_measured_more_than_120_days_ago_is_at_risk():
    today = HALF_WAY + timedelta(days=STALE_DAYS + 1)
    assert today < DEADLINE
    status = _up(50, today=today)
    assert status.status == "At risk"
    assert status.message.endswith(
        f"Last measured {STALE_DAYS + 1} days ago: measure again to know where the goal stands."
    )


def test_on_track_and_measured_exactly_120_days_ago_stays_on_track():
    status = _up(50, today=HALF_WAY + timedelta(days=STALE_DAYS))
    assert status.status == "On track"
    assert "Last measured" not in status.message


def test_an_old_value_that_is_off_track_stays_off_track():
    status = _up(10, today=HALF_WAY + timedelta(days=STALE_DAYS + 30))
    assert status.status == "Off track"
    assert "Last measured" not in status.message


# --- no values ---------------------------------------------------------------------------


def test_no_values_is_not_measured():
    status = goal_status(
        baseline=0, target=100, deadline=DEADLINE, milestones=[], measurements=[], today=HALF_WAY, baseline_on=START
    )
    assert status.status == "Not measured"
    assert (status.latest, status.expected, status.behind) == (None, None, None)
    assert "first measurement" in status.message


def test_values_dated_after_today_are_ignored():
    only_future = goal_status(
        baseline=0,
        target=100,
        deadline=DEADLINE,
        milestones=[],
        baseline_on=START,
        measurements=[(date(2026, 8, 1), 90)],
        today=HALF_WAY,
    )
    assert only_future.status == "Not measured"
    mixed = goal_status(
        baseline=0,
        target=100,
        deadline=DEADLINE,
        milestones=[],
        baseline_on=START,
        measurements=[(HALF_WAY, 20), (date(2026, 8, 1), 90)],
        today=HALF_WAY,
    )
    assert mixed.latest == (HALF_WAY, 20)
    assert mixed.status == "Off track"


def test_a_value_measured_today_counts():
    assert _up(50, today=HALF_WAY).latest == (HALF_WAY, 50)


# --- milestones ----------------------------------------------------------------------------

MILESTONES = [(date(2026, 3, 1), 10), (date(2026, 3, 31), 40)]  # 30 days apart


def test_a_value_between_two_milestones_is_compared_with_the_line_between_them():
    # Half way from 2026-03-01 (10) to 2026-03-31 (40): the path expects 25. The straight line from
    # baseline to target would expect only 100 * 74 / 364 = 20.3, so 12 would be On track without milestones.
    status = _up(12, on=date(2026, 3, 16), milestones=MILESTONES)
    assert status.expected == 25
    assert status.behind == pytest.approx(0.13)
    assert status.status == "At risk"
    assert _up(12, on=date(2026, 3, 16)).status == "On track"


def test_a_value_on_a_milestone_is_compared_with_it():
    status = _up(40, on=date(2026, 3, 31), milestones=MILESTONES)
    assert status.expected == 40
    assert status.status == "On track"


def test_a_value_after_the_last_milestone_runs_on_to_the_target():
    # 2026-03-31 (40) -> 2026-12-31 (100) is 275 days; 2026-08-15 is day 137: 40 + 60 * 137 / 275 = 69.89
    status = _up(70, on=date(2026, 8, 15), milestones=MILESTONES)
    assert status.expected == pytest.approx(40 + 60 * 137 / 275)
    assert status.status == "On track"


def test_a_goal_going_down_through_milestones():
    milestones = [(date(2026, 4, 1), 13), (date(2026, 7, 1), 10)]  # 91 days apart
    # 2026-05-16 is 45 days after 2026-04-01: 13 - 3 * 45 / 91 = 11.516...
    status = _churn(12.5, on=date(2026, 5, 16), milestones=milestones)
    assert status.expected == pytest.approx(13 - 3 * 45 / 91)
    assert status.behind == pytest.approx((12.5 - (13 - 3 * 45 / 91)) / 5)
    assert status.status == "At risk"


# --- where the path starts ---------------------------------------------------------------------


def test_without_a_baseline_date_the_path_starts_at_the_first_value():
    measurements = [(START, 0), (HALF_WAY, 50)]
    status = goal_status(
        baseline=0,
        target=100,
        deadline=DEADLINE,
        milestones=[],
        measurements=measurements,
        today=HALF_WAY,
        baseline_on=None,
    )
    assert status.expected == 50
    assert status.status == "On track"


def test_without_a_baseline_date_a_single_value_is_judged_against_the_baseline():
    # The path starts on the value's own day, at the baseline: 5 up from 0 is ahead.
    status = goal_status(
        baseline=0,
        target=100,
        deadline=DEADLINE,
        milestones=[],
        measurements=[(HALF_WAY, 5)],
        today=HALF_WAY,
        baseline_on=None,
    )
    assert status.expected == 0
    assert status.status == "On track"
    # With the baseline measured at the start of the year the same value is far behind.
    assert _up(5, today=HALF_WAY).status == "Off track"


def test_without_a_baseline_date_the_line_runs_from_the_first_value_to_the_deadline():
    # The path starts on 2026-04-01 (the first value), 274 days before the deadline: 2026-08-16 is day 137, half
    # way, so 50 is expected (from 2026-01-01 it would be 62.9). The value after today is left out.
    status = goal_status(
        baseline=0,
        target=100,
        deadline=DEADLINE,
        milestones=[],
        measurements=[(date(2026, 4, 1), 0), (date(2026, 8, 16), 50), (date(2026, 9, 1), 99)],
        today=date(2026, 8, 20),
        baseline_on=None,
    )
    assert status.latest == (date(2026, 8, 16), 50)
    assert status.expected == 50
    assert status.status == "On track"


def test_path_start_is_the_baseline_date_when_given():
    assert path_start(date(2025, 12, 1), [(date(2026, 1, 1), 3)]) == date(2025, 12, 1)
    assert path_start(date(2025, 12, 1), []) == date(2025, 12, 1)


def test_path_start_is_the_first_value_without_a_baseline_date():
    assert path_start(None, [(date(2026, 5, 1), 3), (date(2026, 2, 1), 1), (date(2026, 3, 1), 2)]) == date(2026, 2, 1)


def test_path_start_is_none_without_date_and_values():
    assert path_start(None, []) is None


def test_milestone_path_runs_from_the_baseline_through_the_milestones_to_the_target():
    path = milestone_path(0, 100, START, DEADLINE, [(date(2026, 9, 30), 75), (date(2026, 3, 31), 25)])
    assert path == [(START, 0), (date(2026, 3, 31), 25), (date(2026, 9, 30), 75), (DEADLINE, 100)]


def test_milestone_path_leaves_out_milestones_outside_the_start_and_the_deadline():
    path = milestone_path(
        14,
        9,
        date(2026, 3, 1),
        DEADLINE,
        [
            (date(2026, 1, 31), 13.5),
            (date(2026, 3, 1), 13),
            (date(2026, 6, 30), 11.5),
            (DEADLINE, 9.2),
            (date(2027, 3, 31), 8),
        ],
    )
    # Only the one strictly between start and deadline stays; the deadline always holds the target itself.
    assert path == [(date(2026, 3, 1), 14), (date(2026, 6, 30), 11.5), (DEADLINE, 9)]


def test_milestone_path_without_milestones_is_baseline_and_target():
    assert milestone_path(20, 40, START, DEADLINE, []) == [(START, 20), (DEADLINE, 40)]


# --- customer feedback ---------------------------------------------------------------------

RECEIVED = date(2026, 5, 1)


def test_feedback_waiting_days_counts_days_since_it_was_received():
    assert feedback_waiting_days("New", RECEIVED, date(2026, 5, 31)) == 30
    assert feedback_waiting_days("Routed", RECEIVED, date(2026, 6, 1)) == 31
    assert feedback_waiting_days("New", RECEIVED, RECEIVED) == 0


def test_feedback_acted_on_does_not_wait():
    assert feedback_waiting_days("Acted on", RECEIVED, date(2027, 5, 1)) is None


def test_feedback_dated_after_today_has_waited_no_days():
    assert feedback_waiting_days("New", date(2026, 6, 10), date(2026, 6, 1)) == 0


def test_feedback_waiting_30_days_is_not_overdue_and_31_is():
    assert feedback_overdue("New", RECEIVED, RECEIVED + timedelta(days=FEEDBACK_ACT_DAYS)) is False
    assert feedback_overdue("New", RECEIVED, RECEIVED + timedelta(days=FEEDBACK_ACT_DAYS + 1)) is True
    assert feedback_overdue("Routed", RECEIVED, RECEIVED + timedelta(days=FEEDBACK_ACT_DAYS + 1)) is True


def test_feedback_acted_on_is_never_overdue():
    assert feedback_overdue("Acted on", RECEIVED, RECEIVED + timedelta(days=400)) is False


def test_feedback_is_counted_per_group_and_status_largest_group_first():
    from crmstrategy.implementation.follow_up_rules import counts_by_status

    pairs = [
        ("Price", "New"),
        ("Delivery", "Routed"),
        ("Delivery", "Acted on"),
        ("price", "New"),
        ("Delivery", "New"),
        ("Service", "New"),
        ("Price", "Acted on"),
    ]
    counts = counts_by_status(pairs, ("New", "Routed", "Acted on"))
    assert counts == [
        ("Delivery", {"New": 1, "Routed": 1, "Acted on": 1}),
        ("Price", {"New": 1, "Routed": 0, "Acted on": 1}),
        ("price", {"New": 1, "Routed": 0, "Acted on": 0}),
        ("Service", {"New": 1, "Routed": 0, "Acted on": 0}),
    ]
