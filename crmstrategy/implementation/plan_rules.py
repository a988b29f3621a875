"""The 3/6/12-month plan's rules (advice 8, seed 000), pure: an action's horizon from its due date,
overdue actions, the owner rule, and when the plan is due for review. No Streamlit, no database."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

HORIZONS = (3, 6, 12)
STATUSES = ("Not started", "In progress", "Done", "Blocked")
REVIEW_DAYS = 90


def add_months(day: date, months: int) -> date:
    """The same day `months` later; the 31st becomes the month's last day (31 Jan + 1 = 28/29 Feb)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def derived_horizon(plan_start: date, due: date) -> int:
    """3, 6 or 12: the first horizon whose end (the plan's start plus 3, 6 or 12 months) the due
    date does not pass. A date on the end still belongs to it; a date past 12 months is 12 too
    (later_than_plan says so)."""
    for months in HORIZONS[:-1]:
        if due <= add_months(plan_start, months):
            return months
    return HORIZONS[-1]


def later_than_plan(plan_start: date, due: date) -> bool:
    return due > add_months(plan_start, HORIZONS[-1])


def horizon_problem(horizon: int | None, plan_start: date, due: date | None) -> str | None:
    """Why a horizon set by hand contradicts the dates, or None. Without a due date any horizon
    may be set by hand; with one, the dates decide."""
    if horizon is None or due is None:
        return None
    if horizon not in HORIZONS:
        return f"The horizon is 3, 6 or 12 months, not {horizon}."
    expected = derived_horizon(plan_start, due)
    if horizon != expected:
        return (
            f"Due {due.isoformat()} is in the {expected}-month horizon of a plan that starts "
            f"{plan_start.isoformat()}, not the {horizon}-month one: change the due date, or leave the horizon "
            "to the dates."
        )
    return None


def effective_horizon(horizon: int | None, plan_start: date, due: date | None) -> int | None:
    """The horizon an action shows: from its due date, else as set by hand, else none yet."""
    return derived_horizon(plan_start, due) if due is not None else horizon


def is_overdue(status: str, due: date | None, today: date) -> bool:
    return due is not None and due < today and status != "Done"


def has_owner(owner: str | None) -> bool:
    return bool((owner or "").strip())


def owner_note(owner: str | None, participants: list[str]) -> str | None:
    """A sentence about the owner: none at all (flagged everywhere), or one who is not among the
    participants (allowed: the plan may name people who were not in the room)."""
    if owner is None or not has_owner(owner):
        return "No owner: every action needs one person who is responsible."
    if owner.strip().casefold() not in {p.casefold() for p in participants}:
        return (
            f"{owner.strip()} is not among the participants. That is allowed; add them on Participants if they "
            "should take part."
        )
    return None


@dataclass(frozen=True)
class ReviewState:
    last_review: date | None
    days_since: int | None
    due: bool  # the plan has not been reviewed for REVIEW_DAYS days (or ever, once it has actions)
    message: str


def next_review_by(last_review: date | None, plan_start: date | None) -> date | None:
    """The day the plan is to be reviewed by: REVIEW_DAYS after the last review or, for a plan never
    reviewed, after the plan's start (a plan made a minute ago is not due at once)."""
    since = last_review or plan_start
    return None if since is None else since + timedelta(days=REVIEW_DAYS)


def review_state(
    last_review: date | None, today: date, has_actions: bool, plan_start: date | None = None
) -> ReviewState:
    """Whether the plan is due for review: "a plan must be maintained". A plan never reviewed is due
    REVIEW_DAYS after its start (without `plan_start`: at once)."""
    if last_review is None:
        if not has_actions:
            return ReviewState(None, None, False, "No actions to review yet.")
        first = next_review_by(None, plan_start)
        if first is not None and today <= first:
            return ReviewState(
                None,
                None,
                False,
                f"Not reviewed yet: the first review is due by {first.isoformat()}, "
                f"{REVIEW_DAYS} days after the plan's start.",
            )
        return ReviewState(None, None, True, "The plan has never been reviewed.")
    days = (today - last_review).days
    if days > REVIEW_DAYS:
        return ReviewState(
            last_review,
            days,
            True,
            f"Last reviewed {days} days ago ({last_review.isoformat()}): "
            f"review the plan at least every {REVIEW_DAYS} days.",
        )
    return ReviewState(
        last_review, days, False, f"Last reviewed {days} day{'s' if days != 1 else ''} ago ({last_review.isoformat()})."
    )


@dataclass(frozen=True)
class Taker:
    """A participant as the anchoring rules see them."""

    name: str
    department: str
    is_leader: bool
    steps: tuple[str, ...]


def anchoring_warnings(people: list[Taker]) -> list[str]:
    """Advice 7: anchor the strategy across departments and with leaders, from the analysis on."""
    took_part = [p for p in people if p.steps]
    if not took_part:
        return ["Nobody is recorded as having taken part in any step yet: mark who took part in which step."]
    warnings = []
    departments = {" ".join(p.department.split()).casefold() for p in took_part if p.department.strip()}
    if len(departments) <= 1:
        warnings.append(
            "Only one department took part. Involve leaders and employees from several departments, "
            "so everyone knows what the strategy means for them."
        )
    if not any(p.is_leader for p in took_part):
        warnings.append("No leader took part. Without top management CRM programmes stall: bring a leader in.")
    return warnings
