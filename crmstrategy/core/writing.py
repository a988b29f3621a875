"""The write skeleton every service shares: the workspace row (locked for writers), an item only
if it belongs to the workspace, and the workspace touched when something in it changed."""

from __future__ import annotations

from typing import TypeVar

from sqlmodel import Session

from crmstrategy.core.errors import ValidationProblem
from crmstrategy.core.models import Workspace, utcnow
from crmstrategy.core.versioning import check_version

T = TypeVar("T")


def require_workspace(session: Session, workspace_id: int, *, for_update: bool = False) -> Workspace:
    """The workspace row. Writers pass `for_update`, which locks the row on PostgreSQL so that
    writers to one workspace take turns (SQLite's BEGIN IMMEDIATE already serialises them);
    otherwise two at once race on check-then-insert, e.g. the same new value driver."""
    row = session.get(Workspace, workspace_id, with_for_update=True if for_update else None)
    if row is None:
        raise ValidationProblem("That workspace does not exist (it may have been deleted).")
    return row


def require_in_workspace(session: Session, model: type[T], row_id: int, workspace_id: int, noun: str, *,
                         version: int | None = None, labels: dict[str, str] | None = None,
                         row: int | None = None) -> T:
    """The `model` row with `row_id`, only if it belongs to `workspace_id`: another workspace's
    rows are never reachable through this one's id. With `version` (the version an edit was drawn
    from), refused when someone changed the row since; `labels` say what of it the refusal shows."""
    found = session.get(model, row_id)
    if found is None or found.workspace_id != workspace_id:
        raise ValidationProblem(f"That {noun} does not exist in this workspace (it may have been deleted).")
    check_version(found, version, labels=labels, noun=noun, row=row)
    return found


def touch_workspace(session: Session, workspace_id: int) -> None:
    row = require_workspace(session, workspace_id)
    row.updated_at = utcnow()
    session.add(row)
