"""Persona services (advice 1, seed 004): personas with "flesh and blood", one segment each."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from crmstrategy.analysis.models import (
    PERSONA_LABELS,
    ChannelIn,
    Persona,
    PersonaChannel,
    PersonaCreate,
    PersonaRead,
    PersonaUpdate,
    Segment,
)
from crmstrategy.core.errors import Problem, ValidationProblem
from crmstrategy.core.models import id_of
from crmstrategy.core.validation import validated
from crmstrategy.core.versioning import bump, check_version
from crmstrategy.core.writing import require_in_workspace, writing


def list_personas(*, session: Session, workspace_id: int, segment_id: int | None = None) -> list[PersonaRead]:
    query = (
        select(Persona, Segment.name)
        .join(Segment, col(Segment.id) == Persona.segment_id)
        .where(Persona.workspace_id == workspace_id)
    )
    if segment_id is not None:
        query = query.where(Persona.segment_id == segment_id)
    rows = session.exec(query.order_by(col(Segment.position), col(Segment.id), func.lower(Persona.name))).all()
    channels: dict[int, list[ChannelIn]] = defaultdict(list)
    channel_rows = session.exec(
        select(PersonaChannel)
        .join(Persona, col(Persona.id) == PersonaChannel.persona_id)
        .where(Persona.workspace_id == workspace_id)
        .order_by(col(PersonaChannel.position), col(PersonaChannel.id))
    ).all()
    for channel in channel_rows:
        channels[channel.persona_id].append(ChannelIn(kind=channel.kind, channel=channel.channel))
    return [_read(persona, segment_name, channels[id_of(persona)]) for persona, segment_name in rows]


def _read(persona: Persona, segment_name: str, channels: list[ChannelIn]) -> PersonaRead:
    return PersonaRead.model_validate(persona.model_dump() | {"segment_name": segment_name, "channels": channels})


def _require_persona(session: Session, workspace_id: int, persona_id: int) -> Persona:
    return require_in_workspace(session, Persona, persona_id, workspace_id, "persona")


def get_persona(*, session: Session, workspace_id: int, persona_id: int) -> PersonaRead:
    persona = _require_persona(session, workspace_id, persona_id)
    segment = session.get(Segment, persona.segment_id)
    assert segment is not None  # segment_id is a foreign key: deleting a segment deletes its personas
    channels = session.exec(
        select(PersonaChannel)
        .where(PersonaChannel.persona_id == persona_id)
        .order_by(col(PersonaChannel.position), col(PersonaChannel.id))
    ).all()
    return _read(persona, segment.name, [ChannelIn(kind=c.kind, channel=c.channel) for c in channels])


def _segment_in_workspace(session: Session, workspace_id: int, segment_id: int) -> Segment:
    segment = session.get(Segment, segment_id)
    if segment is None or segment.workspace_id != workspace_id:
        raise ValidationProblem([Problem(PERSONA_LABELS["segment_id"], "Choose a segment of this workspace.")])
    return segment


def _check_unique_name(session: Session, workspace_id: int, name: str, exclude_id: int | None) -> None:
    query = select(Persona.id).where(Persona.workspace_id == workspace_id, func.lower(Persona.name) == name.lower())
    if exclude_id is not None:
        query = query.where(Persona.id != exclude_id)
    if session.exec(query).first() is not None:
        raise ValidationProblem([Problem("Name", f"A persona named '{name}' already exists in this workspace.")])


def _set_channels(session: Session, persona_id: int, channels: list[ChannelIn]) -> None:
    session.exec(delete(PersonaChannel).where(col(PersonaChannel.persona_id) == persona_id))
    seen = set()
    for position, channel in enumerate(channels):
        key = (channel.kind, channel.channel.lower())
        if key in seen:
            continue
        seen.add(key)
        session.add(
            PersonaChannel(persona_id=persona_id, kind=channel.kind, channel=channel.channel, position=position)
        )
    session.flush()


def create_persona(*, session: Session, workspace_id: int, data: PersonaCreate | dict) -> PersonaRead:
    with writing(session, workspace_id):
        clean = validated(PersonaCreate, data, labels=PERSONA_LABELS)
        segment = _segment_in_workspace(session, workspace_id, clean.segment_id)
        _check_unique_name(session, workspace_id, clean.name, None)
        persona = Persona.model_validate(clean.model_dump(exclude={"channels"}) | {"workspace_id": workspace_id})
        session.add(persona)
        session.flush()
        _set_channels(session, id_of(persona), clean.channels)
        return _read(persona, segment.name, clean.channels)


def update_persona(
    *, session: Session, workspace_id: int, persona_id: int, changes: PersonaUpdate | dict, version: int
) -> PersonaRead:
    """`version`: the one the form was drawn from; refused when someone changed the persona since."""
    with writing(session, workspace_id):
        check_version(
            _require_persona(session, workspace_id, persona_id), version, labels=PERSONA_LABELS, noun="persona"
        )
        current = get_persona(session=session, workspace_id=workspace_id, persona_id=persona_id)
        update = validated(PersonaUpdate, changes, labels=PERSONA_LABELS)
        merged = current.model_dump(exclude={"id", "workspace_id", "segment_name", "version"}) | update.model_dump(
            exclude_unset=True
        )
        clean = validated(PersonaCreate, merged, labels=PERSONA_LABELS)
        segment = _segment_in_workspace(session, workspace_id, clean.segment_id)
        _check_unique_name(session, workspace_id, clean.name, persona_id)
        persona = _require_persona(session, workspace_id, persona_id)
        for key, value in clean.model_dump(exclude={"channels"}).items():
            setattr(persona, key, value)
        bump(persona)
        session.add(persona)
        session.flush()
        _set_channels(session, persona_id, clean.channels)
        return _read(persona, segment.name, clean.channels)


def delete_persona(*, session: Session, workspace_id: int, persona_id: int, version: int | None = None) -> str:
    with writing(session, workspace_id):
        persona = _require_persona(session, workspace_id, persona_id)
        check_version(persona, version, labels=PERSONA_LABELS, noun="persona")
        name = persona.name
        session.delete(persona)
        return name


def parse_channel_lines(kind: str, text: str) -> list[dict]:
    """'Newsletter, Web shop' typed under one channel type -> channel dicts (validated later)."""
    parts = [part.strip() for part in str(text or "").replace("\n", ",").replace(";", ",").split(",")]
    return [{"kind": kind, "channel": part} for part in parts if part]


def persona_counts(*, session: Session, workspace_id: int) -> dict[int, int]:
    """Personas per segment id, for the segment table."""
    rows = session.exec(
        select(Persona.segment_id, func.count())
        .where(Persona.workspace_id == workspace_id)
        .group_by(col(Persona.segment_id))
    ).all()
    return {segment_id: count for segment_id, count in rows}
