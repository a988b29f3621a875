"""The implementation's sections of the workspace file: the plan (start, actions, and the anchoring:
reviews, participation, role impacts) and the follow-up (measured values, feedback)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from crmstrategy.core.errors import Problem, ValidationProblem
from crmstrategy.core.fields import as_utc, optional_date, person_name
from crmstrategy.core.models import id_col
from crmstrategy.core.text import clean_text
from crmstrategy.core.workspace_file import (
    as_list,
    at,
    known_ref,
    optional_ref,
    placed,
    positional_ref,
    positional_refs,
    raise_problems,
    ref_once,
    rows,
    unknown_keys,
)
from crmstrategy.core.writing import require_workspace
from crmstrategy.implementation.anchoring import (
    add_review,
    list_reviews,
    list_role_impacts,
    participation,
    save_role_impact,
    set_participation,
)
from crmstrategy.implementation.feedback import create_feedback, list_feedback
from crmstrategy.implementation.follow_up import (
    add_customer_measurement,
    customer_measurements,
    goal_measurements,
    set_goal_measurements,
)
from crmstrategy.implementation.models import (
    ACTION_LABELS,
    FEEDBACK_LABELS,
    MEASUREMENT_LABELS,
    METHOD_STEPS,
    ROLE_IMPACT_LABELS,
    Action,
    ActionChange,
    ActionCreate,
    CustomerMeasurementCreate,
    FeedbackCreate,
    GoalMeasurementCreate,
    PlanReviewCreate,
    RoleImpactCreate,
)
from crmstrategy.implementation.plan import create_action, histories, list_actions, plan_start_of, set_plan_start
from crmstrategy.strategy.workspace_file import goal_refs_by_id, node_refs_by_id

_PLAN_KEYS = {"start", "actions", "reviews", "participation", "role_impacts"}
_FOLLOW_UP_KEYS = {"goal_measurements", "customer_measurements", "feedback"}
_ACTION_FIELDS = set(ActionCreate.model_fields) - {"initiative_ids"}
_HISTORY_KEYS = {"changed_at", "changed_by", "field", "old", "new"}
_MEASURED = {"measured_on", "value", "note", "recorded_by"}
_FEEDBACK_FIELDS = set(FeedbackCreate.model_fields) - {"segment_id", "persona_id", "action_id"}


# --- export ----------------------------------------------------------------------------


def _action_refs(session: Session, workspace_id: int) -> dict[int, str]:
    ids = session.exec(
        select(id_col(Action.id)).where(Action.workspace_id == workspace_id).order_by(id_col(Action.id))
    ).all()
    return {action_id: f"A{n}" for n, action_id in enumerate(ids, start=1)}


def _ref_of(refs: dict[int, str], row_id: int | None) -> str | None:
    """The ref of a row a measurement or feedback may link to; None when it links to none."""
    return None if row_id is None else refs.get(row_id)


def export_plan(session: Session, workspace_id: int, participant_refs: dict[int, str]) -> dict:
    return {
        "start": plan_start_of(require_workspace(session, workspace_id)).isoformat(),
        "actions": _export_actions(session, workspace_id),
    } | _export_anchoring(session, workspace_id, participant_refs)


def _export_actions(session: Session, workspace_id: int) -> list[dict]:
    """Each action with the initiatives it serves (by node ref) and its history of changes."""
    nodes = node_refs_by_id(session, workspace_id)
    history = histories(session=session, workspace_id=workspace_id)
    refs = _action_refs(session, workspace_id)
    return [
        {"ref": refs[a.id]}
        | a.model_dump(include=_ACTION_FIELDS, mode="json")
        | {
            "initiatives": [nodes[i] for i in a.initiative_ids],
            "history": [
                {
                    "changed_at": as_utc(c.changed_at).isoformat(timespec="seconds"),
                    "changed_by": c.changed_by,
                    "field": c.field,
                    "old": c.old,
                    "new": c.new,
                }
                for c in history.get(a.id, [])
            ],
        }
        for a in sorted(list_actions(session=session, workspace_id=workspace_id), key=lambda a: a.id)
    ]


def _export_anchoring(session: Session, workspace_id: int, participant_refs: dict[int, str]) -> dict:
    """The plan's reviews, who took part in which step of the method, and the role impacts."""
    steps = participation(session=session, workspace_id=workspace_id)
    return {
        "reviews": [
            {"reviewed_on": r.reviewed_on.isoformat(), "reviewed_by": r.reviewed_by, "changes": r.changes}
            for r in reversed(list_reviews(session=session, workspace_id=workspace_id))
        ],
        "participation": [
            {"participant": participant_refs[p], "steps": steps[p]}
            for p in sorted(steps, key=lambda p: participant_refs[p])
        ],
        "role_impacts": [
            r.model_dump(include=set(RoleImpactCreate.model_fields))
            for r in list_role_impacts(session=session, workspace_id=workspace_id)
        ],
    }


def export_follow_up(
    session: Session, workspace_id: int, segment_refs: dict[int, str], persona_refs: dict[int, str]
) -> dict:
    return _export_measurements(session, workspace_id, segment_refs) | {
        "feedback": _export_feedback(session, workspace_id, segment_refs, persona_refs)
    }


def _export_measurements(session: Session, workspace_id: int, segment_refs: dict[int, str]) -> dict:
    """The values measured for each goal, and the customer measures (per segment or for all customers)."""
    goals = goal_refs_by_id(session, workspace_id)
    measured = goal_measurements(session=session, workspace_id=workspace_id)
    return {
        "goal_measurements": [
            {"goal": goals[goal_id]} | m.model_dump(include=_MEASURED, mode="json")
            for goal_id in goals
            for m in measured.get(goal_id, [])
        ],
        "customer_measurements": [
            {"measure": m.measure, "segment": _ref_of(segment_refs, m.segment_id)}
            | m.model_dump(include=_MEASURED, mode="json")
            for m in customer_measurements(session=session, workspace_id=workspace_id)
        ],
    }


def _export_feedback(
    session: Session, workspace_id: int, segment_refs: dict[int, str], persona_refs: dict[int, str]
) -> list[dict]:
    actions = _action_refs(session, workspace_id)
    return [
        f.model_dump(include=_FEEDBACK_FIELDS | {"status_changed_on"}, mode="json")
        | {
            "segment": _ref_of(segment_refs, f.segment_id),
            "persona": _ref_of(persona_refs, f.persona_id),
            "action": _ref_of(actions, f.action_id),
        }
        for f in reversed(list_feedback(session=session, workspace_id=workspace_id))
    ]


# --- validate --------------------------------------------------------------------------


def parse_plan(
    problems: list[Problem], section: dict | None, node_refs: set[str], participant_refs: set[str]
) -> tuple | None:
    """The plan's start, actions (with the initiatives they serve and their history), reviews, who
    took part in which step, and the role impacts. The horizon rules run again at import.
    None: no plan in the file (before version 6)."""
    if section is None:
        return None
    unknown_keys(problems, section, _PLAN_KEYS, "plan")
    try:
        start = optional_date(section.get("start"), "start")
    except ValueError as exc:
        problems.append(Problem("plan › start", str(exc)))
        start = None
    actions = _parse_actions(problems, section.get("actions"), node_refs)
    return (start, actions, *_parse_anchoring(problems, section, participant_refs))


def _parse_actions(problems: list[Problem], items, node_refs: set[str]) -> list[tuple]:
    """(ref, action, initiative refs, history) for each action."""
    actions: list[tuple] = []
    refs: set[str] = set()
    for n, (ref, initiatives, history), action in rows(
        problems,
        as_list(problems, items, "plan › actions"),
        "plan › actions",
        ActionCreate,
        ACTION_LABELS,
        ("ref", "initiatives", "history"),
    ):
        where = f"plan › actions[{n}]"
        ref = positional_ref({"ref": ref}, "A", n)
        ref_once(problems, ref, where, refs)
        initiative_refs = [
            known_ref(problems, r, f"{where} › initiatives", node_refs, "map node")
            for r in as_list(problems, initiatives, f"{where} › initiatives")
        ]
        actions.append((ref, action, initiative_refs, _parse_history(problems, history, where)))
    return actions


def _parse_history(problems: list[Problem], history, where: str) -> list[dict]:
    changes = []
    for m, item in enumerate(as_list(problems, history, f"{where} › history"), start=1):
        if (
            not isinstance(item, dict)
            or set(item) != _HISTORY_KEYS
            or not all(isinstance(item[k], str) for k in _HISTORY_KEYS)
        ):
            problems.append(
                Problem(
                    f"{where} › history[{m}]",
                    "must be an object with changed_at, changed_by, field, old and new, all text.",
                )
            )
            continue
        try:
            when = as_utc(datetime.fromisoformat(item["changed_at"]))
        except ValueError:
            problems.append(Problem(f"{where} › history[{m}] › changed_at", "is not a date and time."))
            continue
        try:
            # The same rules as when the change was made: a name is at most 120, never cut to fit.
            change = {
                "changed_at": when,
                "changed_by": person_name(item["changed_by"], "changed_by"),
                "field": clean_text(item["field"], "field", max_length=40),
                "old": clean_text(item["old"], "old", max_length=10**6),
                "new": clean_text(item["new"], "new", max_length=10**6),
            }
        except ValueError as exc:
            problems.append(Problem(f"{where} › history[{m}]", str(exc)))
            continue
        changes.append(change)
    return changes


def _parse_anchoring(problems: list[Problem], section: dict, participant_refs: set[str]) -> tuple[list, list, list]:
    """The plan's reviews, [(participant ref, steps)] and role impacts."""
    reviews = [
        review
        for _, _, review in rows(
            problems, as_list(problems, section.get("reviews"), "plan › reviews"), "plan › reviews", PlanReviewCreate
        )
    ]
    steps = _parse_participation(problems, section.get("participation"), participant_refs)
    impacts = [
        impact
        for _, _, impact in rows(
            problems,
            as_list(problems, section.get("role_impacts"), "plan › role_impacts"),
            "plan › role_impacts",
            RoleImpactCreate,
            ROLE_IMPACT_LABELS,
        )
    ]
    return reviews, steps, impacts


def _parse_participation(problems: list[Problem], items, participant_refs: set[str]) -> list[tuple[str, list[str]]]:
    steps = []
    for n, item in enumerate(as_list(problems, items, "plan › participation"), start=1):
        where = f"plan › participation[{n}]"
        if not isinstance(item, dict) or set(item) != {"participant", "steps"} or not isinstance(item["steps"], list):
            problems.append(Problem(where, "must be an object with participant and steps."))
            continue
        ref = known_ref(problems, item["participant"], f"{where} › participant", participant_refs, "participant")
        unknown = [s for s in item["steps"] if s not in METHOD_STEPS]
        if unknown:
            problems.append(
                Problem(
                    f"{where} › steps",
                    f"'{str(unknown[0])[:30]}' is not a step of the method: {', '.join(METHOD_STEPS)}.",
                )
            )
        steps.append((ref, [s for s in item["steps"] if s in METHOD_STEPS]))
    return steps


def file_action_refs(plan: dict | None) -> set[str]:
    """Every action the file's plan names, valid or not, for the feedback that refers to them."""
    actions = plan.get("actions") if isinstance(plan, dict) else None
    return positional_refs(actions if isinstance(actions, list) else [], "A")


def parse_follow_up(
    problems: list[Problem],
    section: dict | None,
    goal_refs: set[str],
    segment_refs: set[str],
    persona_refs: set[str],
    action_refs: set[str],
) -> tuple | None:
    """Measured values per goal, customer measures, and the feedback log with its links.
    None: a file from before version 7, nothing measured yet."""
    if section is None:
        return None
    unknown_keys(problems, section, _FOLLOW_UP_KEYS, "follow_up")
    measured, customer = _parse_measurements(problems, section, goal_refs, segment_refs)
    return (
        measured,
        customer,
        _parse_feedback(problems, section.get("feedback"), segment_refs, persona_refs, action_refs),
    )


def _parse_measurements(
    problems: list[Problem], section: dict, goal_refs: set[str], segment_refs: set[str]
) -> tuple[list[tuple[str, dict]], list[tuple]]:
    """[(goal ref, fields)] measured for the goals, and [(segment ref or None, measurement)] for the customers."""
    measured = []
    for n, (goal,), item in rows(
        problems,
        as_list(problems, section.get("goal_measurements"), "follow_up › goal_measurements"),
        "follow_up › goal_measurements",
        GoalMeasurementCreate,
        MEASUREMENT_LABELS,
        ("goal",),
        {"goal_id": 0},
    ):
        measured.append(
            (
                known_ref(problems, goal, f"follow_up › goal_measurements[{n}] › goal", goal_refs, "goal"),
                item.model_dump(exclude={"goal_id"}),
            )
        )
    customer = []
    for n, (segment,), item in rows(
        problems,
        as_list(problems, section.get("customer_measurements"), "follow_up › customer_measurements"),
        "follow_up › customer_measurements",
        CustomerMeasurementCreate,
        MEASUREMENT_LABELS,
        ("segment",),
    ):
        customer.append(
            (
                optional_ref(
                    problems, segment, f"follow_up › customer_measurements[{n}] › segment", segment_refs, "segment"
                ),
                item,
            )
        )
    return measured, customer


def _parse_feedback(
    problems: list[Problem], items, segment_refs: set[str], persona_refs: set[str], action_refs: set[str]
) -> list[tuple]:
    """(feedback, status changed on, segment ref, persona ref, action ref) for each item of the log."""
    feedback = []
    # A placeholder id stands in for a linked action, so that "acted on needs an action or what was done"
    # is checked as the form checks it; the import puts the new action's id in its place.
    items = [
        item | {"action_id": 0} if isinstance(item, dict) and item.get("action") is not None else item
        for item in as_list(problems, items, "follow_up › feedback")
    ]
    for n, (changed_on, segment, persona, action), item in rows(
        problems,
        items,
        "follow_up › feedback",
        FeedbackCreate,
        FEEDBACK_LABELS,
        ("status_changed_on", "segment", "persona", "action"),
    ):
        where = f"follow_up › feedback[{n}]"
        try:
            changed = optional_date(changed_on, "status_changed_on")
        except ValueError as exc:
            problems.append(Problem(f"{where} › status_changed_on", str(exc)))
            changed = None
        feedback.append(
            (
                item,
                changed,
                optional_ref(problems, segment, f"{where} › segment", segment_refs, "segment"),
                optional_ref(problems, persona, f"{where} › persona", persona_refs, "persona"),
                optional_ref(problems, action, f"{where} › action", action_refs, "action"),
            )
        )
    return feedback


# --- import ----------------------------------------------------------------------------


def import_plan(
    session: Session, ws: int, plan: tuple | None, participant_ids: dict[str, int], node_ids: dict[str, int]
) -> dict[str, int]:
    """The plan; returns the file's action refs -> the new action ids."""
    if plan is None:
        return {}
    start, actions, reviews, steps, impacts = plan
    if start is not None:
        set_plan_start(session=session, workspace_id=ws, start=start)
    problems: list[Problem] = []
    action_ids = _import_actions(session, ws, actions, node_ids, problems)
    _import_anchoring(session, ws, reviews, steps, impacts, participant_ids, problems)
    raise_problems(problems)
    return action_ids


def _import_actions(
    session: Session, ws: int, actions: list[tuple], node_ids: dict[str, int], problems: list[Problem]
) -> dict[str, int]:
    action_ids: dict[str, int] = {}
    for n, (ref, action, refs, history) in enumerate(actions, start=1):
        try:
            created = create_action(
                session=session,
                workspace_id=ws,
                data=action.model_copy(update={"initiative_ids": [node_ids[r] for r in refs]}),
            )
        except ValidationProblem as exc:
            problems.extend(placed(exc, f"plan › actions[{n}]"))
            continue
        action_ids[ref] = created.id
        if history:  # the file's history replaces the one the import itself would start
            session.exec(delete(ActionChange).where(col(ActionChange.action_id) == created.id))
            for change in history:
                session.add(ActionChange(workspace_id=ws, action_id=created.id, **change))
            session.flush()
    return action_ids


def _import_anchoring(
    session: Session,
    ws: int,
    reviews: list[PlanReviewCreate],
    steps: list[tuple[str, list[str]]],
    impacts: list[RoleImpactCreate],
    participant_ids: dict[str, int],
    problems: list[Problem],
) -> None:
    for n, review in enumerate(reviews, start=1):
        try:  # a review in the file happened before it was exported, so any date is past
            add_review(session=session, workspace_id=ws, data=review, today=date.max)
        except ValidationProblem as exc:
            problems.extend(placed(exc, f"plan › reviews[{n}]"))
    for ref, chosen in steps:
        set_participation(session=session, workspace_id=ws, participant_id=participant_ids[ref], steps=chosen)
    for n, impact in enumerate(impacts, start=1):
        try:
            save_role_impact(session=session, workspace_id=ws, data=impact)
        except ValidationProblem as exc:
            problems.extend(placed(exc, f"plan › role_impacts[{n}]"))


def import_follow_up(
    session: Session,
    ws: int,
    follow_up: tuple | None,
    goal_ids: dict[str, int],
    segment_ids: dict[str, int],
    persona_ids: dict[str, int],
    action_ids: dict[str, int],
) -> None:
    if follow_up is None:
        return
    measured, customer, feedback = follow_up
    problems: list[Problem] = []
    _import_measurements(session, ws, measured, customer, goal_ids, segment_ids, problems)
    _import_feedback(session, ws, feedback, segment_ids, persona_ids, action_ids, problems)
    raise_problems(problems)


def _import_measurements(
    session: Session,
    ws: int,
    measured: list[tuple[str, dict]],
    customer: list[tuple],
    goal_ids: dict[str, int],
    segment_ids: dict[str, int],
    problems: list[Problem],
) -> None:
    by_goal: dict[str, list[tuple[int, dict]]] = {}
    for n, (goal_ref, fields) in enumerate(measured, start=1):
        by_goal.setdefault(goal_ref, []).append((n, fields))
    for goal_ref, numbered in by_goal.items():
        try:  # the file's values were measured before it was exported, so no day is in the future
            set_goal_measurements(
                session=session,
                workspace_id=ws,
                goal_id=goal_ids[goal_ref],
                today=date.max,
                rows=[fields for _, fields in numbered],
                row_numbers=[n for n, _ in numbered],
            )
        except ValidationProblem as exc:
            problems.extend(
                Problem(at(f"follow_up › goal_measurements[{p.row}]", p.field), p.message) for p in exc.problems
            )
    for n, (segment_ref, item) in enumerate(customer, start=1):
        try:
            add_customer_measurement(
                session=session,
                workspace_id=ws,
                today=date.max,
                data=item.model_copy(update={"segment_id": None if segment_ref is None else segment_ids[segment_ref]}),
            )
        except ValidationProblem as exc:
            problems.extend(placed(exc, f"follow_up › customer_measurements[{n}]"))


def _import_feedback(
    session: Session,
    ws: int,
    feedback: list[tuple],
    segment_ids: dict[str, int],
    persona_ids: dict[str, int],
    action_ids: dict[str, int],
    problems: list[Problem],
) -> None:
    for n, (item, changed_on, segment_ref, persona_ref, action_ref) in enumerate(feedback, start=1):
        try:
            # A file without the day the status changed: the day it was received is the one day known.
            create_feedback(
                session=session,
                workspace_id=ws,
                today=date.max,
                status_changed_on=changed_on or item.received_on,
                data=item.model_copy(
                    update={
                        "segment_id": None if segment_ref is None else segment_ids[segment_ref],
                        "persona_id": None if persona_ref is None else persona_ids[persona_ref],
                        "action_id": None if action_ref is None else action_ids[action_ref],
                    }
                ),
            )
        except ValidationProblem as exc:
            problems.extend(placed(exc, f"follow_up › feedback[{n}]"))
