"""Segment services (advice 1): needs-based segments and the workspace's value drivers."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from crmstrategy.analysis.models import (
    SEGMENT_LABELS,
    Persona,
    Segment,
    SegmentCreate,
    SegmentRead,
    SegmentUpdate,
    SegmentValueDriver,
    ValueDriver,
    ValueDriverCreate,
)
from crmstrategy.core.editor import EditorCommands, apply_commands, create_all
from crmstrategy.core.errors import Problem, ValidationProblem
from crmstrategy.core.models import id_of
from crmstrategy.core.validation import validated
from crmstrategy.core.versioning import bump, check_version
from crmstrategy.core.writing import require_in_workspace, writing

# --- value drivers ---------------------------------------------------------------------


def list_value_drivers(*, session: Session, workspace_id: int) -> list[str]:
    query = select(ValueDriver.name).where(ValueDriver.workspace_id == workspace_id)
    return list(session.exec(query.order_by(col(ValueDriver.position), col(ValueDriver.id))).all())


def add_value_driver(*, session: Session, workspace_id: int, name: str) -> str:
    with writing(session, workspace_id):
        clean = validated(ValueDriverCreate, {"name": name}).name
        existing = {n.lower() for n in list_value_drivers(session=session, workspace_id=workspace_id)}
        if clean.lower() in existing:
            raise ValidationProblem([Problem("Value driver", f"'{clean}' is already in the list.")])
        _insert_value_driver(session, workspace_id, clean)
        return clean


def _insert_value_driver(session: Session, workspace_id: int, name: str) -> ValueDriver:
    position = session.exec(
        select(func.count()).select_from(ValueDriver).where(ValueDriver.workspace_id == workspace_id)
    ).one()
    row = ValueDriver(workspace_id=workspace_id, name=name, position=position)
    session.add(row)
    session.flush()
    return row


def _resolve_value_drivers(session: Session, workspace_id: int, names: list[str]) -> list[int]:
    """Ids for `names`, matched without regard to case; unknown names extend the list."""
    rows = session.exec(select(ValueDriver).where(ValueDriver.workspace_id == workspace_id)).all()
    by_name = {row.name.lower(): id_of(row) for row in rows}
    ids = []
    for name in names:
        if name.lower() not in by_name:
            by_name[name.lower()] = id_of(_insert_value_driver(session, workspace_id, name))
        ids.append(by_name[name.lower()])
    return ids


# --- segments --------------------------------------------------------------------------


def list_segments(*, session: Session, workspace_id: int) -> list[SegmentRead]:
    rows = session.exec(
        select(Segment).where(Segment.workspace_id == workspace_id).order_by(col(Segment.position), col(Segment.id))
    ).all()
    drivers: dict[int, list[str]] = defaultdict(list)
    links = session.exec(
        select(SegmentValueDriver.segment_id, ValueDriver.name)
        .join(ValueDriver, col(ValueDriver.id) == SegmentValueDriver.value_driver_id)
        .where(ValueDriver.workspace_id == workspace_id)
        .order_by(col(ValueDriver.position), col(ValueDriver.id))
    ).all()
    for segment_id, name in links:
        drivers[segment_id].append(name)
    return [_read(row, drivers[id_of(row)]) for row in rows]


def _read(row: Segment, drivers: list[str]) -> SegmentRead:
    return SegmentRead.model_validate(row.model_dump() | {"value_drivers": drivers})


def _require_segment(session: Session, workspace_id: int, segment_id: int) -> Segment:
    return require_in_workspace(session, Segment, segment_id, workspace_id, "segment")


def get_segment(*, session: Session, workspace_id: int, segment_id: int) -> SegmentRead:
    row = _require_segment(session, workspace_id, segment_id)
    names = session.exec(
        select(ValueDriver.name)
        .join(SegmentValueDriver, col(SegmentValueDriver.value_driver_id) == ValueDriver.id)
        .where(SegmentValueDriver.segment_id == row.id)
        .order_by(col(ValueDriver.position), col(ValueDriver.id))
    ).all()
    return _read(row, list(names))


def _check_unique_name(
    session: Session, workspace_id: int, name: str, exclude_id: int | None, row: int | None = None
) -> None:
    query = select(Segment.id).where(Segment.workspace_id == workspace_id, func.lower(Segment.name) == name.lower())
    if exclude_id is not None:
        query = query.where(Segment.id != exclude_id)
    if session.exec(query).first() is not None:
        raise ValidationProblem([Problem("Name", f"A segment named '{name}' already exists in this workspace.", row)])


def _set_value_drivers(session: Session, workspace_id: int, segment_id: int, names: list[str]) -> None:
    session.exec(delete(SegmentValueDriver).where(col(SegmentValueDriver.segment_id) == segment_id))
    for driver_id in _resolve_value_drivers(session, workspace_id, names):
        session.add(SegmentValueDriver(segment_id=segment_id, value_driver_id=driver_id))
    session.flush()


def create_segment(
    *, session: Session, workspace_id: int, data: SegmentCreate | dict, row: int | None = None
) -> SegmentRead:
    with writing(session, workspace_id):
        clean = validated(SegmentCreate, data, labels=SEGMENT_LABELS, row=row)
        _check_unique_name(session, workspace_id, clean.name, None, row)
        position = (
            session.exec(
                select(func.coalesce(func.max(Segment.position), -1)).where(Segment.workspace_id == workspace_id)
            ).one()
            + 1
        )
        segment = Segment.model_validate(
            clean.model_dump(exclude={"value_drivers"}) | {"workspace_id": workspace_id, "position": position}
        )
        session.add(segment)
        session.flush()
        _set_value_drivers(session, workspace_id, id_of(segment), clean.value_drivers)
        # Read back: value drivers in the stored spelling and order, not as typed ("PRICE; service").
        return get_segment(session=session, workspace_id=workspace_id, segment_id=id_of(segment))


def update_segment(
    *,
    session: Session,
    workspace_id: int,
    segment_id: int,
    changes: SegmentUpdate | dict,
    version: int | None,
    row: int | None = None,
) -> SegmentRead:
    """`version`: the one the table row was drawn from; refused when someone changed the segment since
    (None: not checked, see check_version)."""
    with writing(session, workspace_id):
        check_version(_require_segment(session, workspace_id, segment_id), version, labels=SEGMENT_LABELS, row=row)
        current = get_segment(session=session, workspace_id=workspace_id, segment_id=segment_id)
        update = validated(SegmentUpdate, changes, labels=SEGMENT_LABELS, row=row)
        merged = current.model_dump(
            exclude={"id", "workspace_id", "position", "ratings_revealed", "version"}
        ) | update.model_dump(exclude_unset=True)
        clean = validated(SegmentCreate, merged, labels=SEGMENT_LABELS, row=row)
        _check_unique_name(session, workspace_id, clean.name, segment_id, row)
        segment = _require_segment(session, workspace_id, segment_id)
        for key, value in clean.model_dump(exclude={"value_drivers"}).items():
            setattr(segment, key, value)
        bump(segment)
        session.add(segment)
        session.flush()
        if "value_drivers" in update.model_fields_set:
            _set_value_drivers(session, workspace_id, segment_id, clean.value_drivers)
        # Read back: value drivers in the stored spelling and order, not as typed ("PRICE; service").
        return get_segment(session=session, workspace_id=workspace_id, segment_id=id_of(segment))


def persona_count(session: Session, workspace_id: int, segment_id: int) -> int:
    return session.exec(
        select(func.count())
        .select_from(Persona)
        .where(Persona.workspace_id == workspace_id, Persona.segment_id == segment_id)
    ).one()


def delete_segment(
    *,
    session: Session,
    workspace_id: int,
    segment_id: int,
    with_personas: bool = False,
    row: int | None = None,
    version: int | None = None,
) -> None:
    """Refuses while personas belong to the segment, unless the caller confirmed `with_personas`;
    with `version`, only as it was when drawn."""
    with writing(session, workspace_id):
        segment = _require_segment(session, workspace_id, segment_id)
        check_version(segment, version, labels=SEGMENT_LABELS, row=row)
        count = persona_count(session, workspace_id, segment_id)
        if count and not with_personas:
            raise ValidationProblem(
                [
                    Problem(
                        "Segment",
                        f"'{segment.name}' has {count} persona{'s' if count != 1 else ''}. "
                        "Move or delete them on the Personas page first.",
                        row,
                    )
                ]
            )
        session.delete(segment)


def apply_segment_edits(*, session: Session, workspace_id: int, commands: EditorCommands) -> dict[str, int]:
    """Apply everything the user changed in the segment table, all or nothing.

    Problems from every row are gathered first, so the user sees them all at once.
    """
    return apply_commands(
        commands,
        delete=lambda c: delete_segment(
            session=session, workspace_id=workspace_id, segment_id=c.id, row=c.row, version=c.version
        ),
        update=lambda c: update_segment(
            session=session, workspace_id=workspace_id, segment_id=c.id, changes=c.changes, row=c.row, version=c.version
        ),
        create=lambda c: create_segment(session=session, workspace_id=workspace_id, data=c.values, row=c.row),
    )


def create_segments(*, session: Session, workspace_id: int, rows: list[tuple[int, SegmentCreate | dict]]) -> int:
    """The confirmed import, in the caller's transaction: rows are (file row number, segment)."""
    return create_all(
        rows, lambda data, row: create_segment(session=session, workspace_id=workspace_id, data=data, row=row)
    )
