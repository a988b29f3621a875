"""Workspace services: list, create, rename, delete. Copies go through the JSON export/import."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from crmstrategy.core.errors import Problem, ValidationProblem
from crmstrategy.core.models import Workspace, WorkspaceCreate, WorkspaceRead, WorkspaceUpdate, id_of
from crmstrategy.core.validation import validated
from crmstrategy.core.versioning import check_version
from crmstrategy.core.writing import require_workspace, writing
from crmstrategy.workspace.seeding import seed_new_workspace


def list_workspaces(*, session: Session) -> list[WorkspaceRead]:
    rows = session.exec(select(Workspace).order_by(func.lower(Workspace.name))).all()
    return [WorkspaceRead.model_validate(row, from_attributes=True) for row in rows]


def get_workspace(*, session: Session, workspace_id: int) -> WorkspaceRead:
    return WorkspaceRead.model_validate(require_workspace(session, workspace_id), from_attributes=True)


def _check_unique_name(session: Session, name: str, exclude_id: int | None = None) -> None:
    query = select(Workspace.id).where(func.lower(Workspace.name) == name.lower())
    if exclude_id is not None:
        query = query.where(Workspace.id != exclude_id)
    if session.exec(query).first() is not None:
        raise ValidationProblem([Problem("Workspace name", f"A workspace named '{name}' already exists.")])


def free_workspace_name(*, session: Session, wanted: str) -> str:
    """`wanted`, or `wanted (2)`, `(3)`, ... whichever is not taken yet."""
    taken = {n.lower() for n in session.exec(select(Workspace.name)).all()}
    if wanted.lower() not in taken:
        return wanted
    n = 2
    while f"{wanted} ({n})".lower() in taken:
        n += 1
    return f"{wanted} ({n})"


def create_workspace(*, session: Session, data: WorkspaceCreate | dict, with_defaults: bool = True) -> WorkspaceRead:
    """A new workspace; `with_defaults` fills the starting lists (value drivers, themes, the
    readiness statements, the promise's buzzword and jargon lists, the starter factor library).
    An import brings its own and passes False."""
    clean = validated(WorkspaceCreate, data)
    _check_unique_name(session, clean.name)
    row = Workspace.model_validate(clean.model_dump())
    session.add(row)
    session.flush()
    if with_defaults:
        seed_new_workspace(session, id_of(row))
    return WorkspaceRead.model_validate(row, from_attributes=True)


def update_workspace(
    *, session: Session, workspace_id: int, changes: WorkspaceUpdate | dict, version: int
) -> WorkspaceRead:
    """Rename or describe the workspace; `version` is the one the form was drawn from."""
    with writing(session, workspace_id) as row:
        check_version(
            row,
            version,
            labels={"name": "Name", "currency": "Currency", "description": "Description"},
            noun="workspace",
        )
        update = validated(WorkspaceUpdate, changes)
        merged = row.model_dump(include=set(WorkspaceCreate.model_fields)) | update.model_dump(exclude_unset=True)
        clean = validated(WorkspaceCreate, merged)
        _check_unique_name(session, clean.name, exclude_id=workspace_id)
        for key, value in clean.model_dump().items():
            setattr(row, key, value)
        row.version += 1
    # After the block: the read shows the updated_at that writing() set.
    return WorkspaceRead.model_validate(row, from_attributes=True)


def delete_workspace(*, session: Session, workspace_id: int, confirm_name: str) -> str:
    """Delete only when the caller repeats the workspace's name (the explicit confirmation)."""
    row = require_workspace(session, workspace_id)
    if (confirm_name or "").strip() != row.name:
        raise ValidationProblem(
            [Problem("Confirmation", f"Type the workspace name '{row.name}' exactly to delete it.")]
        )
    name = row.name
    session.delete(row)
    session.flush()
    return name
