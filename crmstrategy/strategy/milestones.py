"""Milestones from baseline to target (advice 5, seed 004): evenly spaced per quarter or month,
and the goal rules that need only dates and numbers. Pure: no database, no Streamlit."""

from __future__ import annotations

import calendar
from datetime import date

PERIODS = ("quarter", "month")
LONG_TERM_DAYS = 365  # a goal further away than a year is long-term


class MilestoneError(ValueError):
    """Dates from which no milestones can be made."""


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def period_ends(start: date, deadline: date, per: str = "quarter") -> list[date]:
    """The ends of the quarters (or months) after `start` up to the deadline, with the deadline
    itself as the last one (it need not fall on a period end)."""
    if per not in PERIODS:
        raise MilestoneError(f"Milestones are per {' or '.join(PERIODS)}.")
    if deadline <= start:
        raise MilestoneError(
            f"The deadline ({deadline.isoformat()}) is not after {start.isoformat()}: "
            "milestones lead up to a deadline still ahead."
        )
    step = 3 if per == "quarter" else 1
    year, month = start.year, start.month
    month = ((month - 1) // step + 1) * step  # the end month of the period `start` falls in
    ends = []
    while True:
        end = _month_end(year + (month - 1) // 12, (month - 1) % 12 + 1)
        if end >= deadline:
            break
        if end > start:
            ends.append(end)
        month += step
    ends.append(deadline)
    return ends


def generate(
    baseline: float, target: float, start: date, deadline: date, per: str = "quarter"
) -> list[tuple[date, float]]:
    """Milestones on a straight line by time from the baseline at `start` to the target at the
    deadline, rounded to 2 decimals; the last one is the target itself."""
    ends = period_ends(start, deadline, per)
    total = (deadline - start).days
    milestones = [(end, round(baseline + (target - baseline) * (end - start).days / total, 2)) for end in ends]
    milestones[-1] = (deadline, target)
    return milestones


def is_long_term(deadline: date, today: date) -> bool:
    return (deadline - today).days > LONG_TERM_DAYS


def expected_at(milestones: list[tuple[date, float]], baseline: float, start: date, when: date) -> float:
    """Where the milestone path says the goal should be on a day (straight between milestones)."""
    points = [(start, baseline)] + sorted(milestones)
    if when <= points[0][0]:
        return baseline
    for (d0, v0), (d1, v1) in zip(points, points[1:]):
        if d0 <= when <= d1:
            span = (d1 - d0).days
            return v1 if span == 0 else v0 + (v1 - v0) * (when - d0).days / span
    return points[-1][1]
