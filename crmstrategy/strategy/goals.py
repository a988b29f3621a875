"""Measurable goals (advice 5): a few goals per CRM objective, each with a baseline, a target and a
deadline, and the milestones from baseline to target that follow-up measures against."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from crmstrategy.core import clock
from crmstrategy.core.errors import Problem, ValidationProblem
from crmstrategy.core.models import id_col, id_of
from crmstrategy.core.validation import validated
from crmstrategy.core.versioning import bump, check_versions
from crmstrategy.core.writing import require_in_workspace, writing
from crmstrategy.strategy.milestones import MilestoneError, generate, is_long_term
from crmstrategy.strategy.models import (
    GOAL_LABELS,
    NODE_KIND_NOUNS,
    Goal,
    GoalCreate,
    GoalRead,
    GoalUpdate,
    MapNode,
    Milestone,
    with_article,
)


def list_goals(*, session: Session, workspace_id: int) -> list[GoalRead]:
    rows = session.exec(
        select(Goal).where(Goal.workspace_id == workspace_id).order_by(col(Goal.deadline), col(Goal.id))
    ).all()
    return [GoalRead.model_validate(row, from_attributes=True) for row in rows]


def _require_objective(session: Session, workspace_id: int, objective_id) -> MapNode:
    if objective_id is None:
        raise ValidationProblem([Problem("Objective", "Choose the objective the goal measures.")])
    node = require_in_workspace(session, MapNode, objective_id, workspace_id, "objective")
    if node.kind != "objective":
        raise ValidationProblem(
            [
                Problem(
                    "Objective",
                    f"Goals belong to CRM objectives; '{node.name}' is {with_article(NODE_KIND_NOUNS[node.kind])}.",
                )
            ]
        )
    return node


def create_goal(
    *,
    session: Session,
    workspace_id: int,
    data: GoalCreate | dict,
    today: date | None = None,
    allow_past_deadline: bool = False,
) -> GoalRead:
    with writing(session, workspace_id):
        clean = validated(GoalCreate, data, labels=GOAL_LABELS)
        _require_objective(session, workspace_id, clean.objective_id)
        _check_deadline(clean.deadline, today or clock.today(), allow_past_deadline)
        row = Goal.model_validate(clean.model_dump() | {"workspace_id": workspace_id})
        session.add(row)
        session.flush()
        return GoalRead.model_validate(row, from_attributes=True)


def _check_deadline(deadline: date, today: date, allow_past: bool) -> None:
    if deadline < today and not allow_past:
        raise ValidationProblem(
            [
                Problem(
                    "Deadline",
                    f"{deadline.isoformat()} is before today; a goal looks ahead. Choose a date still to come.",
                )
            ]
        )


def update_goal(
    *,
    session: Session,
    workspace_id: int,
    goal_id: int,
    changes: GoalUpdate | dict,
    version: int,
    today: date | None = None,
) -> GoalRead:
    """`version`: the one the form was drawn from; refused when someone changed the goal since."""
    with writing(session, workspace_id):
        row = require_in_workspace(
            session,
            Goal,
            goal_id,
            workspace_id,
            "goal",
            version=version,
            labels={k: v for k, v in GOAL_LABELS.items() if not k.endswith("_id")},
        )
        update = validated(GoalUpdate, changes, labels=GOAL_LABELS)
        clean = validated(
            GoalCreate,
            row.model_dump(include=set(GoalCreate.model_fields)) | update.model_dump(exclude_unset=True),
            labels=GOAL_LABELS,
        )
        if clean.deadline != row.deadline:
            _check_deadline(clean.deadline, today or clock.today(), False)
        for key, value in clean.model_dump().items():
            setattr(row, key, value)
        bump(row)
        session.add(row)
        session.flush()
        return GoalRead.model_validate(row, from_attributes=True)


def delete_goal(*, session: Session, workspace_id: int, goal_id: int, version: int | None = None) -> str:
    with writing(session, workspace_id):
        row = require_in_workspace(session, Goal, goal_id, workspace_id, "goal", version=version)
        metric = row.metric
        session.exec(delete(Milestone).where(col(Milestone.goal_id) == goal_id))
        session.delete(row)
        return metric


def milestones_of(
    *, session: Session, workspace_id: int, goal_ids: list[int] | None = None
) -> dict[int, list[tuple[date, float]]]:
    query = select(Milestone).join(Goal, col(Goal.id) == Milestone.goal_id).where(Goal.workspace_id == workspace_id)
    if goal_ids is not None:
        query = query.where(col(Milestone.goal_id).in_(goal_ids))
    result: dict[int, list[tuple[date, float]]] = defaultdict(list)
    for m in session.exec(query.order_by(col(Milestone.goal_id), col(Milestone.due))).all():
        result[m.goal_id].append((m.due, m.value))
    return result


def generate_milestones(
    *, session: Session, workspace_id: int, goal_id: int, per: str = "quarter", today: date | None = None
) -> list[tuple[date, float]]:
    """Replace a goal's milestones with evenly spaced ones from the baseline (on the day it was
    measured, else today) to the target."""
    with writing(session, workspace_id):
        goal = require_in_workspace(session, Goal, goal_id, workspace_id, "goal")
        try:
            milestones = generate(
                goal.baseline, goal.target, goal.baseline_on or today or clock.today(), goal.deadline, per
            )
        except MilestoneError as exc:
            raise ValidationProblem([Problem("Milestones", str(exc))]) from None
        return _replace_milestones(session, workspace_id, goal, milestones)


def milestone_versions(*, session: Session, workspace_id: int, goal_id: int) -> dict[int, int]:
    """The goal's milestone rows as id → version: what a milestone table is drawn from."""
    require_in_workspace(session, Goal, goal_id, workspace_id, "goal")
    return dict(session.exec(select(id_col(Milestone.id), Milestone.version).where(Milestone.goal_id == goal_id)).all())


def set_milestones(
    *,
    session: Session,
    workspace_id: int,
    goal_id: int,
    milestones: Sequence[tuple[object, Any]],  # (date, value) as typed: a value is whatever float() reads
    drawn: dict[int, int] | None = None,
) -> list[tuple[date, float]]:
    """The user's own milestones (from the editable table): dates on or before the deadline,
    each once, numbers as values. `drawn` (milestone_versions when the table was drawn) refuses
    the save when someone changed the milestones since."""
    with writing(session, workspace_id):
        goal = require_in_workspace(session, Goal, goal_id, workspace_id, "goal")
        if drawn is not None:
            check_versions(
                session.exec(select(Milestone).where(Milestone.goal_id == goal_id)).all(),
                drawn,
                subject=f"The milestones of '{goal.metric}'",
            )
        problems, clean, seen = [], [], set()
        for n, (due, value) in enumerate(milestones, start=1):
            try:
                if isinstance(due, datetime):  # a pandas Timestamp from the table is one
                    due = due.date()
                elif not isinstance(due, date):
                    due = date.fromisoformat(str(due)[:10])
            except (TypeError, ValueError):
                problems.append(Problem("Date", "is not a date (use YYYY-MM-DD).", n))
                continue
            try:
                value = float(value)
                if value != value:
                    raise ValueError
            except (TypeError, ValueError):
                problems.append(Problem("Value", "must be a number.", n))
                continue
            if due in seen:
                problems.append(Problem("Date", f"{due.isoformat()} is used twice.", n))
            elif due > goal.deadline:
                problems.append(
                    Problem("Date", f"{due.isoformat()} is after the goal's deadline ({goal.deadline.isoformat()}).", n)
                )
            seen.add(due)
            clean.append((due, value))
        if problems:
            raise ValidationProblem(problems)
        return _replace_milestones(session, workspace_id, goal, sorted(clean))


def _replace_milestones(
    session: Session, workspace_id: int, goal: Goal, milestones: list[tuple[date, float]]
) -> list[tuple[date, float]]:
    session.exec(delete(Milestone).where(col(Milestone.goal_id) == goal.id))
    session.flush()
    for due, value in milestones:
        session.add(Milestone(goal_id=id_of(goal), due=due, value=value))
    session.flush()
    return milestones


def set_long_term_limit(*, session: Session, workspace_id: int, limit) -> int:
    with writing(session, workspace_id) as workspace:
        try:
            if isinstance(limit, bool):  # True == 1, but a flag is not a count
                raise ValueError
            value = int(limit)
            if value != float(limit) or not 1 <= value <= 50:
                raise ValueError
        except (TypeError, ValueError, OverflowError):  # int(inf) raises OverflowError
            raise ValidationProblem(
                [Problem("Long-term goals", "The limit must be a whole number from 1 to 50.")]
            ) from None
        workspace.max_long_term_goals = value
        return value


@dataclass(frozen=True)
class GoalAdvice:
    activity_only: list[int]  # objectives whose goals all measure activity (seed 000)
    long_term: list[int]  # goals further away than a year
    limit: int
    too_many_long_term: bool


def goal_advice(goals: list[GoalRead], limit: int, today: date) -> GoalAdvice:
    by_objective: dict[int, list[GoalRead]] = defaultdict(list)
    for goal in goals:
        by_objective[goal.objective_id].append(goal)
    activity_only = sorted(o for o, gs in by_objective.items() if all(g.measures == "Activity" for g in gs))
    long_term = [g.id for g in goals if is_long_term(g.deadline, today)]
    return GoalAdvice(activity_only, long_term, limit, len(long_term) > limit)
