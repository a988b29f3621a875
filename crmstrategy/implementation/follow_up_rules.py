"""Follow-up rules (advice 9, seed 000): whether a goal is on track against its milestone path,
and when customer feedback has waited too long. Pure: dates and numbers in, verdicts out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from crmstrategy.strategy.milestones import expected_at

GOAL_STATUSES = ("On track", "At risk", "Off track", "Not measured")
AT_RISK_BEHIND = 0.10  # behind the path by this share of the way from baseline to target
OFF_TRACK_BEHIND = 0.25
STALE_DAYS = 120  # a value older than this says little about today
FEEDBACK_ACT_DAYS = 30  # feedback not acted on for longer than this stands out

STATUS_RULE = (
    "The path runs straight from the baseline (on the day it was measured) through each milestone to the target "
    "at the deadline. On track: the latest value is on or ahead of the path, or behind it by less than "
    f"{AT_RISK_BEHIND:.0%} of the way from baseline to target. At risk: behind by {AT_RISK_BEHIND:.0%} to "
    f"{OFF_TRACK_BEHIND:.0%}, or last measured more than {STALE_DAYS} days ago. Off track: behind by more "
    f"than {OFF_TRACK_BEHIND:.0%}, or the deadline has passed without reaching the target."
)


@dataclass(frozen=True)
class GoalStatus:
    status: str  # one of GOAL_STATUSES
    message: str  # one sentence: the latest value against the path
    latest: tuple[date, float] | None = None
    expected: float | None = None  # where the path says the goal should be on the latest value's day
    behind: float | None = None  # share of the way from baseline to target the goal lags (negative: ahead)


def format_number(value: float) -> str:
    """A measured value as people read it: at most two decimals, no trailing zeros, thousands grouped by spaces."""
    return f"{value:,.2f}".rstrip("0").rstrip(".").replace(",", " ")


def path_start(baseline_on: date | None, measurements: list[tuple[date, float]]) -> date | None:
    """Where the milestone path starts: the day the baseline was measured, else the first value."""
    if baseline_on is not None:
        return baseline_on
    return min(d for d, _ in measurements) if measurements else None


def milestone_path(
    baseline: float, target: float, start: date, deadline: date, milestones: list[tuple[date, float]]
) -> list[tuple[date, float]]:
    """The points of the path, from the baseline through the milestones to the target."""
    points = {start: baseline} | {d: v for d, v in milestones if start < d < deadline}
    points[deadline] = target
    return sorted(points.items())


def goal_status(
    *,
    baseline: float,
    target: float,
    deadline: date,
    milestones: list[tuple[date, float]],
    measurements: list[tuple[date, float]],
    today: date,
    baseline_on: date | None = None,
    unit: str = "",
) -> GoalStatus:
    """The status of one goal on `today` from its latest measured value (see STATUS_RULE)."""
    taken = sorted((d, v) for d, v in measurements if d <= today)
    if not taken:
        return GoalStatus("Not measured", "No value measured yet: add the first measurement to follow the goal.")
    day, value = taken[-1]
    start = path_start(baseline_on, taken)
    assert start is not None  # there is a measurement to start from
    unit_text = f" {unit}" if unit else ""
    direction = 1 if target > baseline else -1
    span = abs(target - baseline)
    if today > deadline or day >= deadline:
        reached = (value - target) * direction >= 0
        expected = target
        behind = (target - value) * direction / span
        if reached:
            return GoalStatus(
                "On track",
                f"Target {format_number(target)}{unit_text} reached: {format_number(value)}{unit_text} on "
                f"{day.isoformat()}.",
                (day, value),
                expected,
                behind,
            )
        return GoalStatus(
            "Off track",
            f"The deadline {deadline.isoformat()} has passed at {format_number(value)}{unit_text} "
            f"(measured {day.isoformat()}), short of the target {format_number(target)}{unit_text}.",
            (day, value),
            expected,
            behind,
        )
    path = milestone_path(baseline, target, min(start, day), deadline, milestones) if start <= deadline else []
    expected = expected_at(path[1:], baseline, path[0][0], day) if path else baseline
    behind = (expected - value) * direction / span
    gap = abs(expected - value)
    where = (
        f"Latest {format_number(value)}{unit_text} on {day.isoformat()}; "
        f"the path expects {format_number(expected)}{unit_text} by then"
    )
    if behind <= 0:
        sentence = f"{where}: ahead by {format_number(gap)}."
    else:
        sentence = f"{where}: behind by {format_number(gap)}, {behind:.0%} of the way from baseline to target."
    if behind > OFF_TRACK_BEHIND:
        status = "Off track"
    elif behind >= AT_RISK_BEHIND:
        status = "At risk"
    else:
        status = "On track"
    age = (today - day).days
    if status == "On track" and age > STALE_DAYS:
        status = "At risk"
        sentence += f" Last measured {age} days ago: measure again to know where the goal stands."
    return GoalStatus(status, sentence, (day, value), expected, behind)


def feedback_waiting_days(status: str, received_on: date, today: date) -> int | None:
    """Days the feedback has waited without being acted on; None once it is acted on."""
    return None if status == "Acted on" else max(0, (today - received_on).days)


def feedback_overdue(status: str, received_on: date, today: date) -> bool:
    waited = feedback_waiting_days(status, received_on, today)
    return waited is not None and waited > FEEDBACK_ACT_DAYS


def counts_by_status(pairs: list[tuple[str, str]], statuses: tuple[str, ...]) -> list[tuple[str, dict[str, int]]]:
    """(group, status) pairs, e.g. (theme, status) per piece of feedback, counted per group and
    status; the largest group first, ties by name."""
    counts: dict[str, dict[str, int]] = {}
    for group, status in pairs:
        counts.setdefault(group, dict.fromkeys(statuses, 0))[status] += 1
    return sorted(counts.items(), key=lambda item: (-sum(item[1].values()), item[0].lower()))
