"""Implementation-plan services (advice 7-8): actions with one owner, a horizon and the initiatives
they serve, every change remembered; plan reviews; who took part in which step; what the strategy
means per role or department. The rules themselves are pure, in crmstrategy.implementation.plan_rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from crmstrategy.core.errors import Problem, ValidationProblem
from crmstrategy.core.fields import optional_date, person_name
from crmstrategy.core.models import Workspace, id_col, id_of, utcnow
from crmstrategy.core.validation import validated
from crmstrategy.core.versioning import bump
from crmstrategy.core.writing import require_in_workspace, require_workspace, writing
from crmstrategy.implementation.models import (
    ACTION_LABELS,
    Action,
    ActionChange,
    ActionChangeRead,
    ActionCreate,
    ActionInitiative,
    ActionRead,
    ActionUpdate,
    Feedback,
)
from crmstrategy.implementation.plan_rules import effective_horizon, horizon_problem, later_than_plan
from crmstrategy.strategy.models import MapNode

_TRACKED = [f for f in ActionCreate.model_fields if f != "initiative_ids"]


def plan_start_of(workspace: Workspace) -> date:
    """Where the 3/6/12-month horizons count from: as set, else the day the workspace was made."""
    return workspace.plan_start or workspace.created_at.date()


def set_plan_start(*, session: Session, workspace_id: int, start: date | str | None) -> date:
    with writing(session, workspace_id) as workspace:
        try:
            day = optional_date(start, "Plan start")
        except ValueError as exc:
            raise ValidationProblem([Problem("Plan start", str(exc))]) from None
        if day is None:
            raise ValidationProblem([Problem("Plan start", "Choose the day the plan starts.")])
        workspace.plan_start = day
        return day


def list_actions(*, session: Session, workspace_id: int) -> list[ActionRead]:
    """Every action with its initiatives and the horizon it shows, by due date (undated last)."""
    workspace = require_workspace(session, workspace_id)
    start = plan_start_of(workspace)
    rows = session.exec(select(Action).where(Action.workspace_id == workspace_id).order_by(col(Action.id))).all()
    links: dict[int, list[tuple[int, str]]] = {id_of(r): [] for r in rows}
    if rows:
        for action_id, node_id, name in session.exec(
            select(ActionInitiative.action_id, id_col(MapNode.id), MapNode.name)
            .join(MapNode, col(MapNode.id) == ActionInitiative.node_id)
            .where(MapNode.workspace_id == workspace_id)
            .order_by(col(MapNode.position), col(MapNode.id))
        ):
            links[action_id].append((node_id, name))
    reads = [_read(row, start, links[id_of(row)]) for row in rows]
    return sorted(reads, key=lambda a: (a.due_date is None, a.due_date or date.max, a.id))


def _read(row: Action, start: date, links: list[tuple[int, str]]) -> ActionRead:
    return ActionRead.model_validate(
        row.model_dump()
        | {
            "initiative_ids": [i for i, _ in links],
            "initiative_names": [n for _, n in links],
            "shown_horizon": effective_horizon(row.horizon, start, row.due_date),
            "beyond_plan": row.due_date is not None and later_than_plan(start, row.due_date),
        }
    )


def _check(session: Session, workspace_id: int, clean: ActionCreate, start: date, row: int | None) -> list[int]:
    problem = horizon_problem(clean.horizon, start, clean.due_date)
    if problem:
        raise ValidationProblem([Problem(ACTION_LABELS["horizon"], problem, row)])
    wanted = list(dict.fromkeys(clean.initiative_ids))
    if wanted:
        kinds = dict(
            session.exec(
                select(MapNode.id, MapNode.kind).where(
                    MapNode.workspace_id == workspace_id, col(MapNode.id).in_(wanted)
                )
            ).all()
        )
        if any(kinds.get(i) != "initiative" for i in wanted):
            raise ValidationProblem(
                [
                    Problem(
                        ACTION_LABELS["initiative_ids"],
                        "An action serves initiatives of this "
                        "workspace's strategy map; one of those chosen is not one (any more).",
                        row,
                    )
                ]
            )
    return wanted


def _set_initiatives(session: Session, action_id: int, initiative_ids: list[int]) -> None:
    session.exec(delete(ActionInitiative).where(col(ActionInitiative.action_id) == action_id))
    for node_id in initiative_ids:
        session.add(ActionInitiative(action_id=action_id, node_id=node_id))


def _names(session: Session, ids: list[int]) -> str:
    names = dict(session.exec(select(MapNode.id, MapNode.name).where(col(MapNode.id).in_(ids or [-1]))).all())
    return "; ".join(names.get(i, "?") for i in ids)


def _who(changed_by: str) -> str:
    """The name that goes into the history, by the one rule for people's names (at most 120)."""
    try:
        return person_name(changed_by, "Your name")
    except ValueError as exc:
        raise ValidationProblem([Problem("Your name", str(exc))]) from None


def create_action(
    *, session: Session, workspace_id: int, data: ActionCreate | dict, changed_by: str = "", row: int | None = None
) -> ActionRead:
    who = _who(changed_by)
    with writing(session, workspace_id) as workspace:
        clean = validated(ActionCreate, data, labels=ACTION_LABELS, row=row)
        start = plan_start_of(workspace)
        initiative_ids = _check(session, workspace_id, clean, start, row)
        action = Action.model_validate(clean.model_dump(exclude={"initiative_ids"}) | {"workspace_id": workspace_id})
        session.add(action)
        session.flush()
        action_id = id_of(action)
        _set_initiatives(session, action_id, initiative_ids)
        session.add(
            ActionChange(
                workspace_id=workspace_id,
                action_id=action_id,
                changed_by=who,
                field="created",
                new=action.title,
            )
        )
        session.flush()
        return _read_one(session, action_id, start)


def _read_one(session: Session, action_id: int, start: date) -> ActionRead:
    row = session.get(Action, action_id)
    assert row is not None  # an action just written
    links = session.exec(
        select(id_col(MapNode.id), MapNode.name)
        .join(ActionInitiative, col(ActionInitiative.node_id) == MapNode.id)
        .where(ActionInitiative.action_id == action_id)
        .order_by(col(MapNode.position), col(MapNode.id))
    ).all()
    return _read(row, start, list(links))


def update_action(
    *,
    session: Session,
    workspace_id: int,
    action_id: int,
    changes: ActionUpdate | dict,
    version: int | None,
    changed_by: str = "",
    row: int | None = None,
) -> ActionRead:
    """Change an action; every changed field goes into its history with who and when. `version`:
    the one the edit was drawn from; refused when someone changed the action since (None: not
    checked, see check_version)."""
    who = _who(changed_by)
    with writing(session, workspace_id) as workspace:
        action = require_in_workspace(
            session,
            Action,
            action_id,
            workspace_id,
            "action",
            version=version,
            row=row,
            labels={k: v for k, v in ACTION_LABELS.items() if k in _TRACKED},
        )
        update = validated(ActionUpdate, changes, labels=ACTION_LABELS, row=row).model_dump(exclude_unset=True)
        current_ids = list(
            session.exec(select(ActionInitiative.node_id).where(ActionInitiative.action_id == action_id)).all()
        )
        merged = action.model_dump(include=set(_TRACKED)) | {"initiative_ids": current_ids} | update
        if update.get("due_date") and "horizon" not in update:
            merged["horizon"] = None  # once dated, the dates decide; a horizon set by hand gives way
        clean = validated(ActionCreate, merged, labels=ACTION_LABELS, row=row)
        start = plan_start_of(workspace)
        initiative_ids = _check(session, workspace_id, clean, start, row)
        when = utcnow()
        for field in _TRACKED:
            old, new = getattr(action, field), getattr(clean, field)
            if old != new:
                session.add(
                    ActionChange(
                        workspace_id=workspace_id,
                        action_id=action_id,
                        changed_at=when,
                        changed_by=who,
                        field=field,
                        old=_text(old),
                        new=_text(new),
                    )
                )
                setattr(action, field, new)
        if sorted(initiative_ids) != sorted(current_ids):
            session.add(
                ActionChange(
                    workspace_id=workspace_id,
                    action_id=action_id,
                    changed_at=when,
                    changed_by=who,
                    field="initiative_ids",
                    old=_names(session, current_ids),
                    new=_names(session, initiative_ids),
                )
            )
            _set_initiatives(session, action_id, initiative_ids)
        action.updated_at = when
        bump(action)
        session.add(action)
        session.flush()
        return _read_one(session, action_id, start)


def _text(value) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


def delete_action(
    *, session: Session, workspace_id: int, action_id: int, version: int | None = None, row: int | None = None
) -> str:
    """Delete an action. Feedback it acted on keeps, in words, what was done about it: the link goes
    with the action, and feedback acted on says what was done. With `version`, only as it was drawn."""
    with writing(session, workspace_id):
        action = require_in_workspace(session, Action, action_id, workspace_id, "action", version=version, row=row)
        title = action.title
        for feedback in session.exec(
            select(Feedback).where(
                Feedback.action_id == action_id, Feedback.status == "Acted on", Feedback.response == ""
            )
        ).all():
            feedback.response = f"Led to the plan action '{title}' (since deleted)."
            session.add(feedback)
        session.delete(action)
        return title


def action_history(*, session: Session, workspace_id: int, action_id: int) -> list[ActionChangeRead]:
    """What changed, newest first."""
    require_in_workspace(session, Action, action_id, workspace_id, "action")
    rows = session.exec(
        select(ActionChange)
        .where(ActionChange.action_id == action_id)
        .order_by(col(ActionChange.changed_at).desc(), col(ActionChange.id).desc())
    ).all()
    return [ActionChangeRead.model_validate(r, from_attributes=True) for r in rows]


def histories(*, session: Session, workspace_id: int) -> dict[int, list[ActionChangeRead]]:
    """Every action's history at once (oldest first), for the workspace file."""
    found: dict[int, list[ActionChangeRead]] = {}
    for row in session.exec(
        select(ActionChange)
        .where(ActionChange.workspace_id == workspace_id)
        .order_by(col(ActionChange.changed_at), col(ActionChange.id))
    ):
        found.setdefault(row.action_id, []).append(ActionChangeRead.model_validate(row, from_attributes=True))
    return found


@dataclass(frozen=True)
class ActionBrief:
    """What the Overview needs of an action, read without building the full read model."""

    title: str
    owner: str
    status: str
    due_date: date | None
    shown_horizon: int | None


def action_briefs(*, session: Session, workspace_id: int) -> list[ActionBrief]:
    start = plan_start_of(require_workspace(session, workspace_id))
    rows = session.exec(
        select(  # type: ignore[call-overload]  # sqlmodel's select() is typed for up to 4 columns
            Action.title, Action.owner, Action.status, Action.due_date, Action.horizon
        )
        .where(Action.workspace_id == workspace_id)
        .order_by(col(Action.id))
    ).all()
    return [
        ActionBrief(title, owner, status, due, effective_horizon(horizon, start, due))
        for title, owner, status, due, horizon in rows
    ]


def plan_gaps(*, session: Session, workspace_id: int) -> tuple[list[str], list[str]]:
    """(initiatives of the map that no action serves, actions that serve no initiative)."""
    served = set(
        session.exec(
            select(ActionInitiative.node_id)
            .join(Action, col(Action.id) == ActionInitiative.action_id)
            .where(Action.workspace_id == workspace_id)
        ).all()
    )
    initiatives = session.exec(
        select(MapNode.id, MapNode.name)
        .where(MapNode.workspace_id == workspace_id, MapNode.kind == "initiative")
        .order_by(col(MapNode.position), col(MapNode.id))
    ).all()
    linked = select(ActionInitiative.action_id)
    loose = session.exec(
        select(Action.title)
        .where(Action.workspace_id == workspace_id, col(Action.id).not_in(linked))
        .order_by(col(Action.id))
    ).all()
    return [name for node_id, name in initiatives if node_id not in served], list(loose)


EDITOR_COLUMNS = (
    "title",
    "department",
    "owner",
    "horizon",
    "start_date",
    "due_date",
    "status",
    "initiatives",
    "description",
    "kind",
    "audience",
    "notes",
)


def editor_values(values: dict, initiative_ids: dict[str, int]) -> dict:
    """One edited or added row of the plan table as service fields: blanks as None, the
    initiatives column (names) as ids; a name the map no longer has is kept as -1 so the
    service refuses it rather than silently dropping it."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key == "initiatives":
            out["initiative_ids"] = [initiative_ids.get(name, -1) for name in (value or [])]
        elif key in EDITOR_COLUMNS:
            out[key] = None if value is None or (isinstance(value, float) and value != value) else value
    return out


def apply_action_edits(
    *, session: Session, workspace_id: int, commands, initiative_ids: dict[str, int], changed_by: str = ""
) -> dict[str, int]:
    """Everything changed in the plan table, all or nothing (crmstrategy.core.editor commands)."""
    from crmstrategy.core.editor import apply_commands

    return apply_commands(
        commands,
        delete=lambda c: delete_action(
            session=session, workspace_id=workspace_id, action_id=c.id, row=c.row, version=c.version
        ),
        update=lambda c: update_action(
            session=session,
            workspace_id=workspace_id,
            action_id=c.id,
            row=c.row,
            version=c.version,
            changes=editor_values(c.changes, initiative_ids),
            changed_by=changed_by,
        ),
        create=lambda c: create_action(
            session=session,
            workspace_id=workspace_id,
            row=c.row,
            data=editor_values(c.values, initiative_ids),
            changed_by=changed_by,
        ),
    )
