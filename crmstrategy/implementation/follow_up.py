"""Follow-up services (advice 9, seed 000): measured values per goal and their status against the
milestone path, customer measures per segment over time, and the customer feedback log with its
routing to an owner and the plan action it led to."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete
from sqlmodel import Session, col, select

from crmstrategy.analysis.models import Segment
from crmstrategy.core import clock
from crmstrategy.core.errors import Problem, ValidationProblem
from crmstrategy.core.models import id_col, id_of
from crmstrategy.core.validation import validated
from crmstrategy.core.versioning import check_versions
from crmstrategy.core.writing import require_in_workspace, writing
from crmstrategy.implementation.follow_up_rules import GoalStatus, goal_status
from crmstrategy.implementation.models import (
    MEASUREMENT_LABELS,
    CustomerMeasurement,
    CustomerMeasurementCreate,
    CustomerMeasurementRead,
    GoalMeasurement,
    GoalMeasurementCreate,
    GoalMeasurementRead,
)
from crmstrategy.strategy.goals import list_goals, milestones_of
from crmstrategy.strategy.models import Goal, GoalRead, MapNode


def _fmt(value: float) -> str:
    return f"{value:g}"


def _not_in_future(day: date, today: date, row: int | None) -> None:
    if day > today:
        raise ValidationProblem(
            [
                Problem(
                    "Date", f"{day.isoformat()} is in the future: a measurement records a value already measured.", row
                )
            ]
        )


def goal_measurements(*, session: Session, workspace_id: int) -> dict[int, list[GoalMeasurementRead]]:
    """Each goal's measured values, oldest first."""
    columns = (
        GoalMeasurement.id,
        GoalMeasurement.goal_id,
        GoalMeasurement.measured_on,
        GoalMeasurement.value,
        GoalMeasurement.note,
        GoalMeasurement.recorded_by,
    )
    rows = session.exec(
        select(*columns)  # type: ignore[call-overload]  # sqlmodel's select() is typed for up to 4 columns
        .where(GoalMeasurement.workspace_id == workspace_id)
        .order_by(col(GoalMeasurement.goal_id), col(GoalMeasurement.measured_on))
    ).all()
    result: dict[int, list[GoalMeasurementRead]] = {}
    for mid, goal_id, measured_on, value, note, by in rows:
        # Read back as written, so not validated again: thousands of values would cost a page a second.
        result.setdefault(goal_id, []).append(
            GoalMeasurementRead.model_construct(
                id=mid, goal_id=goal_id, measured_on=measured_on, value=value, note=note, recorded_by=by
            )
        )
    return result


def _require_goal(session: Session, workspace_id: int, goal_id: int, row: int | None) -> Goal:
    goal = session.get(Goal, goal_id) if goal_id is not None else None
    if goal is None or goal.workspace_id != workspace_id:
        raise ValidationProblem([_goal_gone(row)])
    return goal


# The refusals a single value and an import share, in the same words.


def _goal_gone(row: int | None) -> Problem:
    return Problem(
        "Goal",
        "That goal does not exist any more (it may have been deleted since the page was opened): nothing was saved.",
        row,
    )


def _goal_day_taken(metric: str, day: date, value: float, row: int | None) -> Problem:
    return Problem(
        "Date",
        f"'{metric}' already has a value on {day.isoformat()} ({_fmt(value)}). Change or delete that one, or choose "
        "another day.",
        row,
    )


def _segment_gone(row: int | None) -> Problem:
    return Problem(
        "Segment", "That segment does not exist any more (it may have been deleted): nothing was saved.", row
    )


def _measure_day_taken(measure: str, segment: str, day: date, value: float, row: int | None) -> Problem:
    return Problem(
        "Date",
        f"{measure} for {segment or 'all customers'} already has a value on {day.isoformat()} ({_fmt(value)}). "
        "Delete that one first, or choose another day.",
        row,
    )


def add_goal_measurement(
    *,
    session: Session,
    workspace_id: int,
    data: GoalMeasurementCreate | dict,
    today: date | None = None,
    row: int | None = None,
) -> GoalMeasurementRead:
    """One measured value of a goal: on a day not in the future, once per goal and day."""
    with writing(session, workspace_id):
        clean = validated(GoalMeasurementCreate, data, labels=MEASUREMENT_LABELS, row=row)
        goal = _require_goal(session, workspace_id, clean.goal_id, row)
        _not_in_future(clean.measured_on, today or clock.today(), row)
        taken = session.exec(
            select(GoalMeasurement).where(
                GoalMeasurement.goal_id == goal.id, GoalMeasurement.measured_on == clean.measured_on
            )
        ).first()
        if taken is not None:
            raise ValidationProblem([_goal_day_taken(goal.metric, clean.measured_on, taken.value, row)])
        measurement = GoalMeasurement.model_validate(clean.model_dump() | {"workspace_id": workspace_id})
        session.add(measurement)
        session.flush()
        return GoalMeasurementRead.model_validate(measurement, from_attributes=True)


def measurement_versions(*, session: Session, workspace_id: int, goal_id: int) -> dict[int, int]:
    """The goal's measured values as id → version: what its table is drawn from."""
    _require_goal(session, workspace_id, goal_id, None)
    return dict(
        session.exec(
            select(id_col(GoalMeasurement.id), GoalMeasurement.version).where(GoalMeasurement.goal_id == goal_id)
        ).all()
    )


def set_goal_measurements(
    *,
    session: Session,
    workspace_id: int,
    goal_id: int,
    rows: list[dict],
    today: date | None = None,
    row_numbers: list[int] | None = None,
    drawn: dict[int, int] | None = None,
) -> int:
    """Replace a goal's values with the rows of its table (measured_on, value, note, recorded_by),
    all or nothing; every problem is reported with its row (numbered from 1, or by `row_numbers`:
    where each row stands in a file holding other goals' values too). `drawn`
    (measurement_versions when the table was drawn) refuses the save when someone changed the
    values since."""
    with writing(session, workspace_id):
        goal = _require_goal(session, workspace_id, goal_id, None)
        if drawn is not None:
            check_versions(
                session.exec(select(GoalMeasurement).where(GoalMeasurement.goal_id == goal_id)).all(),
                drawn,
                subject=f"The measured values of '{goal.metric}'",
            )
        today = today or clock.today()
        problems: list[Problem] = []
        clean: list[GoalMeasurementCreate] = []
        seen: dict[date, int] = {}
        for n, values in zip(row_numbers or range(1, len(rows) + 1), rows):
            try:
                item = validated(GoalMeasurementCreate, values | {"goal_id": goal_id}, labels=MEASUREMENT_LABELS, row=n)
                _not_in_future(item.measured_on, today, n)
            except ValidationProblem as exc:
                problems.extend(exc.problems)
                continue
            if item.measured_on in seen:
                problems.append(
                    Problem(
                        "Date",
                        f"{item.measured_on.isoformat()} is also on row {seen[item.measured_on]}: one value per day.",
                        n,
                    )
                )
                continue
            seen[item.measured_on] = n
            clean.append(item)
        if problems:
            raise ValidationProblem(problems)
        session.exec(delete(GoalMeasurement).where(col(GoalMeasurement.goal_id) == goal.id))
        session.flush()
        for item in clean:
            session.add(GoalMeasurement.model_validate(item.model_dump() | {"workspace_id": workspace_id}))
        return len(clean)


def customer_measurements(*, session: Session, workspace_id: int) -> list[CustomerMeasurementRead]:
    rows = session.exec(
        select(CustomerMeasurement, Segment.name)
        .join(Segment, col(Segment.id) == CustomerMeasurement.segment_id, isouter=True)
        .where(CustomerMeasurement.workspace_id == workspace_id)
        .order_by(col(CustomerMeasurement.measure), col(CustomerMeasurement.measured_on), col(CustomerMeasurement.id))
    ).all()
    return [
        CustomerMeasurementRead.model_validate(row.model_dump() | {"segment_name": name or ""}) for row, name in rows
    ]


def add_customer_measurement(
    *,
    session: Session,
    workspace_id: int,
    data: CustomerMeasurementCreate | dict,
    today: date | None = None,
    row: int | None = None,
) -> CustomerMeasurementRead:
    """A customer measure on a day, for one segment or for all customers; once per measure, segment and day."""
    with writing(session, workspace_id):
        clean = validated(CustomerMeasurementCreate, data, labels=MEASUREMENT_LABELS, row=row)
        name = ""
        if clean.segment_id is not None:
            segment = session.get(Segment, clean.segment_id)
            if segment is None or segment.workspace_id != workspace_id:
                raise ValidationProblem([_segment_gone(row)])
            name = segment.name
        _not_in_future(clean.measured_on, today or clock.today(), row)
        same = select(CustomerMeasurement).where(
            CustomerMeasurement.workspace_id == workspace_id,
            CustomerMeasurement.measure == clean.measure,
            CustomerMeasurement.measured_on == clean.measured_on,
        )
        same = same.where(
            col(CustomerMeasurement.segment_id).is_(None)
            if clean.segment_id is None
            else CustomerMeasurement.segment_id == clean.segment_id
        )
        taken = session.exec(same).first()
        if taken is not None:
            raise ValidationProblem([_measure_day_taken(clean.measure, name, clean.measured_on, taken.value, row)])
        measurement = CustomerMeasurement.model_validate(clean.model_dump() | {"workspace_id": workspace_id})
        session.add(measurement)
        session.flush()
        return CustomerMeasurementRead.model_validate(measurement.model_dump() | {"segment_name": name})


def delete_customer_measurements(*, session: Session, workspace_id: int, measurement_ids: list[int]) -> int:
    with writing(session, workspace_id):
        for measurement_id in dict.fromkeys(measurement_ids):
            session.delete(
                require_in_workspace(session, CustomerMeasurement, measurement_id, workspace_id, "customer measurement")
            )
        return len(set(measurement_ids))


def import_measurements(
    *,
    session: Session,
    workspace_id: int,
    rows: Sequence[tuple[int, GoalMeasurementCreate | CustomerMeasurementCreate]],
    today: date | None = None,
) -> int:
    """The rows of an import preview (GoalMeasurementCreate or CustomerMeasurementCreate, with
    their file row), in one transaction: a goal deleted since the preview refuses them all.
    Each row is checked as add_goal_measurement and add_customer_measurement check one, against
    the workspace read once, and all are inserted together (one at a time, 5,000 took minutes)."""
    with writing(session, workspace_id):
        today = today or clock.today()
        goals = {id_of(g): g for g in session.exec(select(Goal).where(Goal.workspace_id == workspace_id)).all()}
        segments = dict(
            session.exec(select(id_col(Segment.id), Segment.name).where(Segment.workspace_id == workspace_id)).all()
        )
        goal_days = {
            (goal_id, day): value
            for goal_id, day, value in session.exec(
                select(GoalMeasurement.goal_id, col(GoalMeasurement.measured_on), GoalMeasurement.value).where(
                    GoalMeasurement.workspace_id == workspace_id
                )
            ).all()
        }
        measure_days = {
            (measure, segment_id, day): value
            for measure, segment_id, day, value in session.exec(
                select(  # type: ignore[call-overload]  # sqlmodel's select() is typed for up to 4 columns
                    CustomerMeasurement.measure,
                    CustomerMeasurement.segment_id,
                    CustomerMeasurement.measured_on,
                    CustomerMeasurement.value,
                ).where(CustomerMeasurement.workspace_id == workspace_id)
            ).all()
        }
        problems: list[Problem] = []
        new: list[GoalMeasurement | CustomerMeasurement] = []
        for number, data in rows:
            try:
                if isinstance(data, GoalMeasurementCreate):
                    goal_item = validated(GoalMeasurementCreate, data, labels=MEASUREMENT_LABELS, row=number)
                    goal = goals.get(goal_item.goal_id)
                    if goal is None:
                        raise ValidationProblem([_goal_gone(number)])
                    _not_in_future(goal_item.measured_on, today, number)
                    key: tuple = (goal_item.goal_id, goal_item.measured_on)
                    if key in goal_days:
                        raise ValidationProblem(
                            [_goal_day_taken(goal.metric, goal_item.measured_on, goal_days[key], number)]
                        )
                    goal_days[key] = goal_item.value
                    new.append(GoalMeasurement.model_validate(goal_item.model_dump() | {"workspace_id": workspace_id}))
                else:
                    item = validated(CustomerMeasurementCreate, data, labels=MEASUREMENT_LABELS, row=number)
                    if item.segment_id is not None and item.segment_id not in segments:
                        raise ValidationProblem([_segment_gone(number)])
                    name = segments.get(item.segment_id, "") if item.segment_id is not None else ""
                    _not_in_future(item.measured_on, today, number)
                    key = (item.measure, item.segment_id, item.measured_on)
                    if key in measure_days:
                        raise ValidationProblem(
                            [_measure_day_taken(item.measure, name, item.measured_on, measure_days[key], number)]
                        )
                    measure_days[key] = item.value
                    new.append(CustomerMeasurement.model_validate(item.model_dump() | {"workspace_id": workspace_id}))
            except ValidationProblem as exc:
                problems.extend(exc.problems)
        if problems:
            raise ValidationProblem(problems)
        session.add_all(new)
    return len(rows)


@dataclass(frozen=True)
class GoalFollowUp:
    goal: GoalRead
    objective: str
    milestones: list[tuple[date, float]]
    measurements: list[GoalMeasurementRead]
    status: GoalStatus


def goal_follow_up(
    *, session: Session, workspace_id: int, today: date | None = None, with_values: bool = True
) -> list[GoalFollowUp]:
    """Every goal with its objective, milestones, measured values and status on `today`. Without
    `with_values` only the status is judged from them and `measurements` stays empty: what the
    Overview and the health check need, at a fraction of the reading."""
    today = today or clock.today()
    objectives = dict(
        session.exec(
            select(MapNode.id, MapNode.name).where(MapNode.workspace_id == workspace_id, MapNode.kind == "objective")
        ).all()
    )
    milestones = milestones_of(session=session, workspace_id=workspace_id)
    if with_values:
        measured = goal_measurements(session=session, workspace_id=workspace_id)
        points = {goal_id: [(m.measured_on, m.value) for m in values] for goal_id, values in measured.items()}
    else:
        measured, points = {}, {}
        for goal_id, day, value in session.exec(
            select(GoalMeasurement.goal_id, col(GoalMeasurement.measured_on), GoalMeasurement.value).where(
                GoalMeasurement.workspace_id == workspace_id
            )
        ).all():
            points.setdefault(goal_id, []).append((day, value))
    result = []
    for goal in list_goals(session=session, workspace_id=workspace_id):
        status = goal_status(
            baseline=goal.baseline,
            target=goal.target,
            deadline=goal.deadline,
            milestones=milestones.get(goal.id, []),
            baseline_on=goal.baseline_on,
            measurements=points.get(goal.id, []),
            today=today,
            unit=goal.unit,
        )
        result.append(
            GoalFollowUp(
                goal,
                objectives.get(goal.objective_id, ""),
                milestones.get(goal.id, []),
                measured.get(goal.id, []),
                status,
            )
        )
    return result
