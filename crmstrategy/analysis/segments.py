"""Segment services (advice 1): needs-based segments and the workspace's value drivers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import delete, func, insert
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
from crmstrategy.core.editor import EditorCommands, apply_commands
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


def _value_driver_ids(session: Session, workspace_id: int, names: Iterable[str]) -> dict[str, int]:
    """Lower-case name -> id for `names`, matched without regard to case; unknown names extend
    the list (in the order given, as typed the first time), in one insert for them all."""
    rows = session.exec(select(ValueDriver).where(ValueDriver.workspace_id == workspace_id)).all()
    by_name = {row.name.lower(): id_of(row) for row in rows}
    new: dict[str, ValueDriver] = {}
    for name in names:
        if name.lower() not in by_name and name.lower() not in new:
            new[name.lower()] = ValueDriver(workspace_id=workspace_id, name=name, position=len(rows) + len(new))
    if new:
        session.add_all(new.values())
        session.flush()
        by_name |= {key: id_of(row) for key, row in new.items()}
    return by_name


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
    ids = _value_driver_ids(session, workspace_id, names)
    for driver_id in dict.fromkeys(ids[name.lower()] for name in names):
        session.add(SegmentValueDriver(segment_id=segment_id, value_driver_id=driver_id))
    session.flush()


def _add_segments(
    session: Session, workspace_id: int, rows: Sequence[tuple[int | None, SegmentCreate | dict]]
) -> list[int]:
    """Check every row (each problem with its row), then insert them all at the end of the list,
    with their value drivers: a few statements for any number of rows, where one segment at a time
    took a dozen (5,000 imported segments: 15 s)."""
    taken = {name.lower() for name in session.exec(select(Segment.name).where(Segment.workspace_id == workspace_id))}
    problems: list[Problem] = []
    clean: list[SegmentCreate] = []
    for row, data in rows:
        try:
            item = validated(SegmentCreate, data, labels=SEGMENT_LABELS, row=row)
        except ValidationProblem as exc:
            problems.extend(exc.problems)
            continue
        if item.name.lower() in taken:  # also a name given twice in the rows
            problems.append(Problem("Name", f"A segment named '{item.name}' already exists in this workspace.", row))
            continue
        taken.add(item.name.lower())
        clean.append(item)
    if problems:
        raise ValidationProblem(problems)
    first = (
        session.exec(
            select(func.coalesce(func.max(Segment.position), -1)).where(Segment.workspace_id == workspace_id)
        ).one()
        + 1
    )
    segments = [
        Segment.model_validate(
            item.model_dump(exclude={"value_drivers"}) | {"workspace_id": workspace_id, "position": first + n}
        )
        for n, item in enumerate(clean)
    ]
    session.add_all(segments)
    session.flush()
    drivers = _value_driver_ids(session, workspace_id, (name for item in clean for name in item.value_drivers))
    links = [
        {"segment_id": id_of(segment), "value_driver_id": driver_id}
        for segment, item in zip(segments, clean)
        for driver_id in dict.fromkeys(drivers[name.lower()] for name in item.value_drivers)
    ]
    if links:  # rows of plain ids: inserted as one statement, without an object for each
        session.exec(insert(SegmentValueDriver), params=links)
    return [id_of(segment) for segment in segments]


def create_segment(
    *, session: Session, workspace_id: int, data: SegmentCreate | dict, row: int | None = None
) -> SegmentRead:
    with writing(session, workspace_id):
        [segment_id] = _add_segments(session, workspace_id, [(row, data)])
        # Read back: value drivers in the stored spelling and order, not as typed ("PRICE; service").
        return get_segment(session=session, workspace_id=workspace_id, segment_id=segment_id)


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
    """The confirmed import, in the caller's transaction: rows are (file row number, segment);
    all or nothing, every row's problems gathered before refusing."""
    with writing(session, workspace_id):
        _add_segments(session, workspace_id, rows)
    return len(rows)
