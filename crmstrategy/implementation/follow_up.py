"""Follow-up services (advice 9, seed 000): measured values per goal and their status against the
milestone path, customer measures per segment over time, and the customer feedback log with its
routing to an owner and the plan action it led to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete
from sqlmodel import Session, select

from crmstrategy.analysis.insights import resolve_theme
from crmstrategy.analysis.models import Persona, Segment, Theme
from crmstrategy.core import clock
from crmstrategy.core.errors import Problem, ValidationProblem
from crmstrategy.core.validation import validated
from crmstrategy.core.versioning import bump, check_versions
from crmstrategy.core.writing import require_in_workspace, require_workspace, touch_workspace
from crmstrategy.implementation.follow_up_rules import GoalStatus, goal_status
from crmstrategy.implementation.models import (
    FEEDBACK_LABELS,
    MEASUREMENT_LABELS,
    Action,
    CustomerMeasurement,
    CustomerMeasurementCreate,
    CustomerMeasurementRead,
    Feedback,
    FeedbackCreate,
    FeedbackRead,
    FeedbackUpdate,
    GoalMeasurement,
    GoalMeasurementCreate,
    GoalMeasurementRead,
)
from crmstrategy.strategy.models import Goal, GoalRead, MapNode
from crmstrategy.strategy.strategy_map import list_goals, milestones_of


def _fmt(value: float) -> str:
    return f"{value:g}"


def _not_in_future(day: date, today: date, row: int | None) -> None:
    if day > today:
        raise ValidationProblem([Problem("Date", f"{day.isoformat()} is in the future: a measurement records a value "
                                         "already measured.", row)])


# --- goal measurements --------------------------------------------------------------------

def goal_measurements(*, session: Session, workspace_id: int) -> dict[int, list[GoalMeasurementRead]]:
    """Each goal's measured values, oldest first."""
    columns = (GoalMeasurement.id, GoalMeasurement.goal_id, GoalMeasurement.measured_on, GoalMeasurement.value,
               GoalMeasurement.note, GoalMeasurement.recorded_by)
    rows = session.exec(select(*columns).where(GoalMeasurement.workspace_id == workspace_id)
                        .order_by(GoalMeasurement.goal_id, GoalMeasurement.measured_on)).all()
    result: dict[int, list[GoalMeasurementRead]] = {}
    for mid, goal_id, measured_on, value, note, by in rows:
        # Read back as written, so not validated again: thousands of values would cost a page a second.
        result.setdefault(goal_id, []).append(GoalMeasurementRead.model_construct(
            id=mid, goal_id=goal_id, measured_on=measured_on, value=value, note=note, recorded_by=by))
    return result


def _require_goal(session: Session, workspace_id: int, goal_id: int, row: int | None) -> Goal:
    goal = session.get(Goal, goal_id) if goal_id is not None else None
    if goal is None or goal.workspace_id != workspace_id:
        raise ValidationProblem([Problem("Goal", "That goal does not exist any more (it may have been deleted "
                                         "since the page was opened): nothing was saved.", row)])
    return goal


def add_goal_measurement(*, session: Session, workspace_id: int, data: GoalMeasurementCreate | dict,
                         today: date | None = None, row: int | None = None) -> GoalMeasurementRead:
    """One measured value of a goal: on a day not in the future, once per goal and day."""
    require_workspace(session, workspace_id, for_update=True)
    clean = validated(GoalMeasurementCreate, data, labels=MEASUREMENT_LABELS, row=row)
    goal = _require_goal(session, workspace_id, clean.goal_id, row)
    _not_in_future(clean.measured_on, today or clock.today(), row)
    taken = session.exec(select(GoalMeasurement).where(GoalMeasurement.goal_id == goal.id,
                                                       GoalMeasurement.measured_on == clean.measured_on)).first()
    if taken is not None:
        raise ValidationProblem([Problem("Date", f"'{goal.metric}' already has a value on "
                                         f"{clean.measured_on.isoformat()} ({_fmt(taken.value)}). Change or delete "
                                         "that one, or choose another day.", row)])
    measurement = GoalMeasurement.model_validate(clean.model_dump() | {"workspace_id": workspace_id})
    session.add(measurement)
    session.flush()
    touch_workspace(session, workspace_id)
    return GoalMeasurementRead.model_validate(measurement, from_attributes=True)


def measurement_versions(*, session: Session, workspace_id: int, goal_id: int) -> dict[int, int]:
    """The goal's measured values as id → version: what its table is drawn from."""
    _require_goal(session, workspace_id, goal_id, None)
    return dict(session.exec(select(GoalMeasurement.id, GoalMeasurement.version)
                             .where(GoalMeasurement.goal_id == goal_id)).all())


def set_goal_measurements(*, session: Session, workspace_id: int, goal_id: int, rows: list[dict],
                          today: date | None = None, row_numbers: list[int] | None = None,
                          drawn: dict[int, int] | None = None) -> int:
    """Replace a goal's values with the rows of its table (measured_on, value, note, recorded_by),
    all or nothing; every problem is reported with its row (numbered from 1, or by `row_numbers`:
    where each row stands in a file holding other goals' values too). `drawn`
    (measurement_versions when the table was drawn) refuses the save when someone changed the
    values since."""
    require_workspace(session, workspace_id, for_update=True)
    goal = _require_goal(session, workspace_id, goal_id, None)
    if drawn is not None:
        check_versions(session.exec(select(GoalMeasurement).where(GoalMeasurement.goal_id == goal_id)).all(), drawn,
                       subject=f"The measured values of '{goal.metric}'")
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
            problems.append(Problem("Date", f"{item.measured_on.isoformat()} is also on row {seen[item.measured_on]}: "
                                    "one value per day.", n))
            continue
        seen[item.measured_on] = n
        clean.append(item)
    if problems:
        raise ValidationProblem(problems)
    session.exec(delete(GoalMeasurement).where(GoalMeasurement.goal_id == goal.id))
    session.flush()
    for item in clean:
        session.add(GoalMeasurement.model_validate(item.model_dump() | {"workspace_id": workspace_id}))
    session.flush()
    touch_workspace(session, workspace_id)
    return len(clean)


# --- customer measures --------------------------------------------------------------------

def customer_measurements(*, session: Session, workspace_id: int) -> list[CustomerMeasurementRead]:
    rows = session.exec(select(CustomerMeasurement, Segment.name)
                        .join(Segment, Segment.id == CustomerMeasurement.segment_id, isouter=True)
                        .where(CustomerMeasurement.workspace_id == workspace_id)
                        .order_by(CustomerMeasurement.measure, CustomerMeasurement.measured_on,
                                  CustomerMeasurement.id)).all()
    return [CustomerMeasurementRead.model_validate(row.model_dump() | {"segment_name": name or ""})
            for row, name in rows]


def add_customer_measurement(*, session: Session, workspace_id: int, data: CustomerMeasurementCreate | dict,
                             today: date | None = None, row: int | None = None) -> CustomerMeasurementRead:
    """A customer measure on a day, for one segment or for all customers; once per measure, segment and day."""
    require_workspace(session, workspace_id, for_update=True)
    clean = validated(CustomerMeasurementCreate, data, labels=MEASUREMENT_LABELS, row=row)
    name = ""
    if clean.segment_id is not None:
        segment = session.get(Segment, clean.segment_id)
        if segment is None or segment.workspace_id != workspace_id:
            raise ValidationProblem([Problem("Segment", "That segment does not exist any more (it may have been "
                                             "deleted): nothing was saved.", row)])
        name = segment.name
    _not_in_future(clean.measured_on, today or clock.today(), row)
    same = select(CustomerMeasurement).where(CustomerMeasurement.workspace_id == workspace_id,
                                             CustomerMeasurement.measure == clean.measure,
                                             CustomerMeasurement.measured_on == clean.measured_on)
    same = same.where(CustomerMeasurement.segment_id.is_(None) if clean.segment_id is None
                      else CustomerMeasurement.segment_id == clean.segment_id)
    taken = session.exec(same).first()
    if taken is not None:
        raise ValidationProblem([Problem("Date", f"{clean.measure} for {name or 'all customers'} already has a value "
                                         f"on {clean.measured_on.isoformat()} ({_fmt(taken.value)}). Delete that one "
                                         "first, or choose another day.", row)])
    measurement = CustomerMeasurement.model_validate(clean.model_dump() | {"workspace_id": workspace_id})
    session.add(measurement)
    session.flush()
    touch_workspace(session, workspace_id)
    return CustomerMeasurementRead.model_validate(measurement.model_dump() | {"segment_name": name})


def delete_customer_measurements(*, session: Session, workspace_id: int, measurement_ids: list[int]) -> int:
    require_workspace(session, workspace_id, for_update=True)
    for measurement_id in dict.fromkeys(measurement_ids):
        session.delete(require_in_workspace(session, CustomerMeasurement, measurement_id, workspace_id,
                                            "customer measurement"))
    session.flush()
    touch_workspace(session, workspace_id)
    return len(set(measurement_ids))


def import_measurements(*, session: Session, workspace_id: int, rows: list[tuple[int, object]],
                        today: date | None = None) -> int:
    """The rows of an import preview (GoalMeasurementCreate or CustomerMeasurementCreate, with
    their file row), in one transaction: a goal deleted since the preview refuses them all."""
    problems: list[Problem] = []
    for number, item in rows:
        try:
            if isinstance(item, GoalMeasurementCreate):
                add_goal_measurement(session=session, workspace_id=workspace_id, data=item, today=today, row=number)
            else:
                add_customer_measurement(session=session, workspace_id=workspace_id, data=item, today=today,
                                         row=number)
        except ValidationProblem as exc:
            problems.extend(exc.problems)
    if problems:
        raise ValidationProblem(problems)
    return len(rows)


# --- goals with their status -----------------------------------------------------------------

@dataclass(frozen=True)
class GoalFollowUp:
    goal: GoalRead
    objective: str
    milestones: list[tuple[date, float]]
    measurements: list[GoalMeasurementRead]
    status: GoalStatus


def goal_follow_up(*, session: Session, workspace_id: int, today: date | None = None,
                   with_values: bool = True) -> list[GoalFollowUp]:
    """Every goal with its objective, milestones, measured values and status on `today`. Without
    `with_values` only the status is judged from them and `measurements` stays empty: what the
    Overview and the health check need, at a fraction of the reading."""
    today = today or clock.today()
    objectives = dict(session.exec(select(MapNode.id, MapNode.name).where(MapNode.workspace_id == workspace_id,
                                                                          MapNode.kind == "objective")).all())
    milestones = milestones_of(session=session, workspace_id=workspace_id)
    if with_values:
        measured = goal_measurements(session=session, workspace_id=workspace_id)
        points = {goal_id: [(m.measured_on, m.value) for m in values] for goal_id, values in measured.items()}
    else:
        measured, points = {}, {}
        for goal_id, day, value in session.exec(select(GoalMeasurement.goal_id, GoalMeasurement.measured_on,
                                                       GoalMeasurement.value)
                                                .where(GoalMeasurement.workspace_id == workspace_id)).all():
            points.setdefault(goal_id, []).append((day, value))
    result = []
    for goal in list_goals(session=session, workspace_id=workspace_id):
        status = goal_status(baseline=goal.baseline, target=goal.target, deadline=goal.deadline,
                             milestones=milestones.get(goal.id, []), baseline_on=goal.baseline_on,
                             measurements=points.get(goal.id, []), today=today, unit=goal.unit)
        result.append(GoalFollowUp(goal, objectives.get(goal.objective_id, ""), milestones.get(goal.id, []),
                                   measured.get(goal.id, []), status))
    return result


# --- customer feedback -------------------------------------------------------------------------

def list_feedback(*, session: Session, workspace_id: int, feedback_id: int | None = None) -> list[FeedbackRead]:
    """Newest first (or the one with `feedback_id`), with the names of what it is linked to."""
    fields = [f for f in FeedbackRead.model_fields if f not in _LINKED_NAMES]
    query = (select(*(getattr(Feedback, f) for f in fields), Segment.name, Persona.name, Theme.name, Action.title)
             .join(Segment, Segment.id == Feedback.segment_id, isouter=True)
             .join(Persona, Persona.id == Feedback.persona_id, isouter=True)
             .join(Theme, Theme.id == Feedback.theme_id, isouter=True)
             .join(Action, Action.id == Feedback.action_id, isouter=True)
             .where(Feedback.workspace_id == workspace_id))
    if feedback_id is not None:
        query = query.where(Feedback.id == feedback_id)
    rows = session.exec(query.order_by(Feedback.received_on.desc(), Feedback.id.desc())).all()
    # Read back as written, so not validated again (a long log would cost every page run).
    return [FeedbackRead.model_construct(**dict(zip(fields, row[:len(fields)])), segment_name=segment or "",
                                         persona_name=persona or "", theme=theme, action_title=action or "")
            for *row, segment, persona, theme, action in rows]


_LINKED_NAMES = ("segment_name", "persona_name", "theme", "action_title")


def _check_feedback_links(session: Session, workspace_id: int, clean: FeedbackCreate, row: int | None) -> FeedbackCreate:
    """Segment, persona and action belong to this workspace; a persona alone brings its segment."""
    def missing(noun: str) -> ValidationProblem:
        return ValidationProblem([Problem(noun.capitalize(), f"That {noun} does not exist in this workspace any more "
                                          "(it may have been deleted): nothing was saved.", row)])
    segment_id = clean.segment_id
    if segment_id is not None:
        segment = session.get(Segment, segment_id)
        if segment is None or segment.workspace_id != workspace_id:
            raise missing("segment")
    if clean.persona_id is not None:
        persona = session.get(Persona, clean.persona_id)
        if persona is None or persona.workspace_id != workspace_id:
            raise missing("persona")
        if segment_id is None:
            segment_id = persona.segment_id
        elif persona.segment_id != segment_id:
            raise ValidationProblem([Problem("Persona", f"'{persona.name}' belongs to another segment than the one "
                                             "chosen: choose the persona's own segment, or no segment.", row)])
    if clean.action_id is not None:
        action = session.get(Action, clean.action_id)
        if action is None or action.workspace_id != workspace_id:
            raise missing("action")
    return clean.model_copy(update={"segment_id": segment_id})


def create_feedback(*, session: Session, workspace_id: int, data: FeedbackCreate | dict, today: date | None = None,
                    status_changed_on: date | None = None, row: int | None = None) -> int:
    """New feedback; routed or acted on already, its status changed today unless `status_changed_on` says
    when (a workspace file does)."""
    require_workspace(session, workspace_id, for_update=True)
    clean = validated(FeedbackCreate, data, labels=FEEDBACK_LABELS, row=row)
    today = today or clock.today()
    if clean.received_on > today:
        raise ValidationProblem([Problem("Date", f"{clean.received_on.isoformat()} is in the future: record feedback "
                                         "already given.", row)])
    clean = _check_feedback_links(session, workspace_id, clean, row)
    item = Feedback.model_validate(clean.model_dump(exclude={"theme"}) | {
        "workspace_id": workspace_id, "theme_id": resolve_theme(session, workspace_id, clean.theme),
        "status_changed_on": None if clean.status == "New" else status_changed_on or today})
    session.add(item)
    session.flush()
    touch_workspace(session, workspace_id)
    return item.id


def update_feedback(*, session: Session, workspace_id: int, feedback_id: int, changes: FeedbackUpdate | dict,
                    version: int, today: date | None = None) -> FeedbackRead:
    """Change any field; routing to someone or acting on it records the day its status changed.
    `version`: the one the form was drawn from; refused when someone changed the feedback since."""
    require_workspace(session, workspace_id, for_update=True)
    item = require_in_workspace(session, Feedback, feedback_id, workspace_id, "feedback", version=version,
                                labels={k: v for k, v in FEEDBACK_LABELS.items() if not k.endswith("_id")})
    update = validated(FeedbackUpdate, changes, labels=FEEDBACK_LABELS)
    theme = session.get(Theme, item.theme_id).name if item.theme_id else None
    current = item.model_dump(include=set(FeedbackCreate.model_fields) - {"theme"}) | {"theme": theme}
    clean = validated(FeedbackCreate, current | update.model_dump(exclude_unset=True), labels=FEEDBACK_LABELS)
    today = today or clock.today()
    if clean.received_on > today:
        raise ValidationProblem([Problem("Date", f"{clean.received_on.isoformat()} is in the future: record feedback "
                                         "already given.")])
    clean = _check_feedback_links(session, workspace_id, clean, None)
    if clean.status != item.status:
        item.status_changed_on = None if clean.status == "New" else today
    for key, value in clean.model_dump(exclude={"theme"}).items():
        setattr(item, key, value)
    item.theme_id = resolve_theme(session, workspace_id, clean.theme)
    bump(item)
    session.add(item)
    session.flush()
    touch_workspace(session, workspace_id)
    return list_feedback(session=session, workspace_id=workspace_id, feedback_id=feedback_id)[0]


def delete_feedback(*, session: Session, workspace_id: int, feedback_id: int, version: int | None = None) -> str:
    require_workspace(session, workspace_id, for_update=True)
    item = require_in_workspace(session, Feedback, feedback_id, workspace_id, "feedback", version=version)
    text = item.text
    session.delete(item)
    session.flush()
    touch_workspace(session, workspace_id)
    return text
