"""The write skeleton every service shares: `writing` locks the workspace row for the write and
touches it when the write is done; an item is reached only if it belongs to the workspace."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import delete
from sqlalchemy import update as update_statement
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, SQLModel, col, select

from crmstrategy.core.errors import ValidationProblem
from crmstrategy.core.models import Workspace, utcnow
from crmstrategy.core.versioning import check_version


class _InWorkspace(Protocol):
    """A row that belongs to a workspace."""

    @property
    def workspace_id(self) -> int: ...


T = TypeVar("T", bound=_InWorkspace)


def require_workspace(session: Session, workspace_id: int, *, for_update: bool = False) -> Workspace:
    """The workspace row. `for_update` (what writing() asks for) locks the row on PostgreSQL so
    that writers to one workspace take turns (SQLite's BEGIN IMMEDIATE already serialises them);
    otherwise two at once race on check-then-insert, e.g. the same new value driver."""
    row = session.get(Workspace, workspace_id, with_for_update=True if for_update else None)
    if row is None:
        raise ValidationProblem("That workspace does not exist (it may have been deleted).")
    return row


@contextmanager
def writing(session: Session, workspace_id: int) -> Iterator[Workspace]:
    """One write to a workspace, in the caller's unit of work:

        with writing(session, workspace_id) as workspace:
            ...  # check, change

    On entry the workspace row is locked (see require_workspace; a workspace that does not exist
    is refused) and handed to the block. When the block ends without an exception, what it changed
    is flushed together with the workspace's updated_at (now: something in it changed). When it
    raises, nothing more happens: the exception goes on and the unit of work rolls back.

    A `return` inside the block is evaluated before the flush; a result that must show the
    touched workspace is made after the block."""
    workspace = require_workspace(session, workspace_id, for_update=True)
    yield workspace
    workspace.updated_at = utcnow()
    session.add(workspace)
    session.flush()


def require_in_workspace(
    session: Session,
    model: type[T],
    row_id: int,
    workspace_id: int,
    noun: str,
    *,
    version: int | None = None,
    labels: dict[str, str] | None = None,
    row: int | None = None,
) -> T:
    """The `model` row with `row_id`, only if it belongs to `workspace_id`: another workspace's
    rows are never reachable through this one's id. With `version` (the version an edit was drawn
    from), refused when someone changed the row since; `labels` say what of it the refusal shows."""
    found = session.get(model, row_id)
    if found is None or found.workspace_id != workspace_id:
        raise ValidationProblem(f"That {noun} does not exist in this workspace (it may have been deleted).")
    check_version(found, version, labels=labels, noun=noun, row=row)
    return found


def touch_workspace(session: Session, workspace_id: int, when: datetime) -> None:
    """What writing() does when its block ends, for the writes that do not take the workspace lock
    (a participant's own ratings, which a whole room saves at once): the workspace's updated_at
    becomes `when`. Call it last, just before the commit.

    On SQLite writers take turns anyway, so it is one UPDATE. On PostgreSQL an UPDATE would hold
    the workspace row until the commit and make every rating queue behind the one before; with
    SKIP LOCKED a save that finds the row held by another writer leaves the touch to that writer,
    whose updated_at is set at its own end, the same moment give or take. The version is not
    moved: it belongs to the workspace's own name and description (update_workspace)."""
    row = select(Workspace.id).where(col(Workspace.id) == workspace_id)
    if session.get_bind().dialect.name == "postgresql":
        row = row.with_for_update(skip_locked=True)
    session.exec(
        update_statement(Workspace)
        .where(col(Workspace.id) == row.correlate(None).scalar_subquery())
        .values(updated_at=when)
        .execution_options(synchronize_session=False)
    )


def upsert(
    session: Session,
    model: type[SQLModel],
    rows: list[dict[str, Any]],
    *,
    keys: tuple[str, ...],
    update: tuple[str, ...],
) -> None:
    """Insert `rows` into `model`'s table in one statement; a row whose `keys` (a unique
    constraint) are taken already changes that row's `update` columns instead
    (INSERT ... ON CONFLICT (keys) DO UPDATE, the same on SQLite and PostgreSQL). Atomic: two
    sessions upserting the same keys at once never both insert."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model).values(rows)
    session.exec(
        statement.on_conflict_do_update(
            index_elements=list(keys), set_={name: statement.excluded[name] for name in update}
        )
    )


def save_own_rows(
    session: Session,
    model: type[SQLModel],
    *,
    workspace_id: int,
    participant_id: int,
    key: str,
    scored: dict[int, dict[str, Any]],
    cleared: list[int],
    update: tuple[str, ...],
) -> None:
    """One participant's own rows (their ratings), written without the workspace lock: the rows of
    the `key` ids in `cleared` deleted, those in `scored` (key id -> values) upserted with `update`
    and their updated_at, then the workspace touched (touch_workspace) if anything changed."""
    now = utcnow()
    columns = model.__table__.c  # type: ignore[attr-defined]  # every table=True model has its table
    if cleared:
        session.exec(delete(model).where(columns.participant_id == participant_id, columns[key].in_(cleared)))
    upsert(
        session,
        model,
        [{key: item, "participant_id": participant_id, **values, "updated_at": now} for item, values in scored.items()],
        keys=(key, "participant_id"),
        update=(*update, "updated_at"),
    )
    if scored or cleared:
        touch_workspace(session, workspace_id, now)
