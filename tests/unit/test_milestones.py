"""Milestones from baseline to target (crmstrategy.strategy.milestones) against hand-computed dates and values."""

from __future__ import annotations

from datetime import date

import pytest

from crmstrategy.strategy.milestones import (
    LONG_TERM_DAYS,
    MilestoneError,
    expected_at,
    generate,
    is_long_term,
    period_ends,
)
from crmstrategy.workspace.workspace_file import load_demo_document

# --- quarterly --------------------------------------------------------------------------


def test_quarterly_over_13_months_ends_on_quarter_ends_and_the_deadline():
    milestones = generate(0, 100, date(2026, 5, 15), date(2027, 6, 15))
    # 2026-05-15 -> 2027-06-15 is 365 + 31 = 396 days. The quarter ends after the start are
    # 2026-06-30 (day 46), 2026-09-30 (day 138), 2026-12-31 (day 230), 2027-03-31 (day 320);
    # 2027-06-30 is past the deadline, so the deadline itself is the last milestone.
    # 2026-06-30: 0 + 100 * 46 / 396 = 11.616... -> 11.62
    assert milestones == [
        (date(2026, 6, 30), 11.62),
        (date(2026, 9, 30), 34.85),  # 100 * 138 / 396 = 34.848...
        (date(2026, 12, 31), 58.08),  # 100 * 230 / 396 = 58.080...
        (date(2027, 3, 31), 80.81),  # 100 * 320 / 396 = 80.808...
        (date(2027, 6, 15), 100),
    ]


def test_the_last_milestone_is_exactly_the_target_at_the_deadline():
    # 1/3 would round to 0.33 on the line; the last one must be the target itself, unrounded.
    milestones = generate(0, 1 / 3, date(2026, 1, 1), date(2026, 11, 17))
    assert milestones[-1] == (date(2026, 11, 17), 1 / 3)
    assert [d for d, _ in milestones] == [date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30), date(2026, 11, 17)]


def test_values_are_rounded_to_two_decimals():
    milestones = generate(1.111, 2.777, date(2026, 2, 1), date(2027, 2, 1))
    assert all(round(v, 2) == v for _, v in milestones[:-1])
    assert milestones[-1][1] == 2.777


def test_values_grow_linearly_with_days_not_with_the_number_of_periods():
    # Monthly steps of different lengths (February is short) give different increments.
    milestones = generate(0, 365, date(2026, 12, 31), date(2027, 12, 31), "month")
    assert [v for _, v in milestones] == [31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365]


def test_a_deadline_exactly_on_a_quarter_end_appears_once():
    milestones = generate(0, 10, date(2026, 2, 1), date(2026, 9, 30))
    assert [d for d, _ in milestones] == [date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30)]
    assert milestones[-1] == (date(2026, 9, 30), 10)


def test_a_start_on_a_quarter_end_does_not_get_a_milestone_of_its_own():
    assert period_ends(date(2026, 3, 31), date(2026, 9, 30)) == [date(2026, 6, 30), date(2026, 9, 30)]


def test_a_deadline_within_the_current_quarter_gives_one_milestone_the_target():
    assert generate(40, 55, date(2026, 4, 2), date(2026, 6, 10)) == [(date(2026, 6, 10), 55)]
    assert generate(40, 55, date(2026, 4, 2), date(2026, 4, 3)) == [(date(2026, 4, 3), 55)]


def test_a_deadline_the_day_after_a_quarter_end_gets_that_quarter_end_too():
    # 2026-06-30 is day 89 of 90 from 2026-04-02 to 2026-07-01: 40 + 15 * 89 / 90 = 54.833... -> 54.83
    assert generate(40, 55, date(2026, 4, 2), date(2026, 7, 1)) == [(date(2026, 6, 30), 54.83), (date(2026, 7, 1), 55)]


def test_quarter_ends_run_across_the_new_year():
    assert period_ends(date(2026, 11, 20), date(2027, 8, 1)) == [
        date(2026, 12, 31),
        date(2027, 3, 31),
        date(2027, 6, 30),
        date(2027, 8, 1),
    ]


# --- monthly ----------------------------------------------------------------------------


def test_monthly_milestones_at_month_ends_including_february():
    # 2026-01-10 -> 2026-04-20 is 21 + 28 + 31 + 20 = 100 days, from 10 to 30 (20 up):
    # 2026-01-31 is day 21: 10 + 20 * 21 / 100 = 14.2; 2026-02-28 day 49: 19.8; 2026-03-31 day 80: 26.
    assert generate(10, 30, date(2026, 1, 10), date(2026, 4, 20), "month") == [
        (date(2026, 1, 31), 14.2),
        (date(2026, 2, 28), 19.8),
        (date(2026, 3, 31), 26.0),
        (date(2026, 4, 20), 30),
    ]


def test_monthly_in_a_leap_year_ends_february_on_the_29th():
    assert period_ends(date(2028, 1, 15), date(2028, 4, 30), "month") == [
        date(2028, 1, 31),
        date(2028, 2, 29),
        date(2028, 3, 31),
        date(2028, 4, 30),
    ]


def test_monthly_with_the_deadline_within_the_month():
    assert generate(1, 2, date(2026, 5, 3), date(2026, 5, 31), "month") == [(date(2026, 5, 31), 2)]


# --- refusals ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "deadline", [date(2026, 5, 15), date(2026, 5, 14), date(2020, 1, 1)], ids=["same day", "day before", "years before"]
)
def test_a_deadline_not_after_the_start_is_refused_with_a_clear_message(deadline):
    with pytest.raises(MilestoneError) as refused:
        generate(0, 100, date(2026, 5, 15), deadline)
    message = str(refused.value)
    assert f"The deadline ({deadline.isoformat()}) is not after 2026-05-15" in message
    assert "deadline still ahead" in message


def test_an_unknown_period_is_refused():
    with pytest.raises(MilestoneError, match="per quarter or month"):
        generate(0, 1, date(2026, 1, 1), date(2027, 1, 1), "week")


def test_milestone_error_is_a_value_error():
    assert issubclass(MilestoneError, ValueError)


# --- decreasing targets -----------------------------------------------------------------


def test_a_decreasing_target_gives_decreasing_milestones():
    # Churn 14 % -> 9 % from 2026-10-01 to 2027-12-31 (456 days). 2026-12-31 is day 91:
    # 14 - 5 * 91 / 456 = 13.002... -> 13.0; 2027-03-31 is day 181: 14 - 5 * 181 / 456 = 12.015... -> 12.02.
    milestones = generate(14, 9, date(2026, 10, 1), date(2027, 12, 31))
    assert milestones == [
        (date(2026, 12, 31), 13.0),
        (date(2027, 3, 31), 12.02),
        (date(2027, 6, 30), 11.02),
        (date(2027, 9, 30), 10.01),
        (date(2027, 12, 31), 9),
    ]
    values = [v for _, v in milestones]
    assert values == sorted(values, reverse=True)


def test_the_demo_churn_goal_holds_exactly_the_generated_milestones():
    # The demo's milestones were made from the day its baseline was measured; regenerating gives the same path.
    [churn] = [g for g in load_demo_document()["goals"] if g["metric"] == "Installer churn per year"]
    generated = generate(
        churn["baseline"],
        churn["target"],
        date.fromisoformat(churn["baseline_on"]),
        date.fromisoformat(churn["deadline"]),
    )
    assert [(date.fromisoformat(m["due"]), m["value"]) for m in churn["milestones"]] == generated


def test_negative_values_are_fine():
    # Net change from -20 to +20 over two quarters: 2026-03-31 is day 89 of 180: -20 + 40 * 89 / 180 = -0.222 -> -0.22.
    assert generate(-20, 20, date(2026, 1, 1), date(2026, 6, 30)) == [
        (date(2026, 3, 31), -0.22),
        (date(2026, 6, 30), 20),
    ]


# --- long-term goals --------------------------------------------------------------------


def test_a_goal_365_days_away_is_not_long_term_but_366_is():
    today = date(2026, 1, 1)
    assert LONG_TERM_DAYS == 365
    assert is_long_term(date(2027, 1, 1), today) is False  # 365 days
    assert is_long_term(date(2027, 1, 2), today) is True  # 366 days
    assert is_long_term(date(2026, 6, 1), today) is False
    assert is_long_term(date(2025, 1, 1), today) is False  # in the past


def test_long_term_counts_days_across_a_leap_year():
    # 2027-03-01 -> 2028-03-01 is 366 days (it holds 2028-02-29): long-term.
    assert is_long_term(date(2028, 3, 1), date(2027, 3, 1)) is True
    assert is_long_term(date(2028, 2, 29), date(2027, 3, 1)) is False  # 365 days


# --- where the path says the goal should be ---------------------------------------------

PATH = [(date(2026, 6, 30), 40.0), (date(2026, 3, 31), 20.0)]  # given unsorted on purpose
START = date(2026, 1, 1)


def test_expected_at_the_start_and_before_is_the_baseline():
    assert expected_at(PATH, 10.0, START, START) == 10.0
    assert expected_at(PATH, 10.0, START, date(2025, 12, 1)) == 10.0


def test_expected_between_the_start_and_the_first_milestone():
    # 2026-01-01 -> 2026-03-31 is 89 days; 2026-02-14 is day 44: 10 + (20 - 10) * 44 / 89 = 14.943...
    assert expected_at(PATH, 10.0, START, date(2026, 2, 14)) == pytest.approx(10 + 10 * 44 / 89)


def test_expected_on_a_milestone_is_its_value():
    assert expected_at(PATH, 10.0, START, date(2026, 3, 31)) == 20.0
    assert expected_at(PATH, 10.0, START, date(2026, 6, 30)) == 40.0


def test_expected_between_two_milestones():
    # 2026-03-31 -> 2026-06-30 is 91 days; 2026-05-15 is day 45: 20 + 20 * 45 / 91 = 29.89...
    assert expected_at(PATH, 10.0, START, date(2026, 5, 15)) == pytest.approx(20 + 20 * 45 / 91)


def test_expected_after_the_last_milestone_is_the_last_value():
    assert expected_at(PATH, 10.0, START, date(2027, 1, 1)) == 40.0


def test_expected_without_milestones_is_the_baseline():
    assert expected_at([], 3.5, START, date(2026, 5, 1)) == 3.5


def test_expected_on_a_decreasing_path():
    milestones = generate(14, 9, date(2026, 10, 1), date(2027, 12, 31))
    # Halfway between 2027-03-31 (12.02) and 2027-06-30 (11.02): 91 days apart, 2027-05-15 is day 45.
    assert expected_at(milestones, 14, date(2026, 10, 1), date(2027, 5, 15)) == pytest.approx(12.02 - 1.0 * 45 / 91)
    assert expected_at(milestones, 14, date(2026, 10, 1), date(2028, 1, 1)) == 9
