"""Participants: who takes part in the workshop (name, department, role). Ratings name them."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, select

from crmstrategy.analysis.models import (
    PARTICIPANT_LABELS,
    Participant,
    ParticipantCreate,
    ParticipantRead,
    ParticipantUpdate,
)
from crmstrategy.core.errors import Problem, ValidationProblem
from crmstrategy.core.validation import validated
from crmstrategy.core.versioning import bump
from crmstrategy.core.writing import require_in_workspace, writing


def list_participants(*, session: Session, workspace_id: int) -> list[ParticipantRead]:
    rows = session.exec(
        select(Participant).where(Participant.workspace_id == workspace_id).order_by(func.lower(Participant.name))
    ).all()
    return [ParticipantRead.model_validate(row, from_attributes=True) for row in rows]


def _check_unique_name(session: Session, workspace_id: int, name: str, exclude_id: int | None) -> None:
    query = select(Participant.id).where(
        Participant.workspace_id == workspace_id, func.lower(Participant.name) == name.lower()
    )
    if exclude_id is not None:
        query = query.where(Participant.id != exclude_id)
    if session.exec(query).first() is not None:
        raise ValidationProblem([Problem("Name", f"'{name}' is already a participant in this workspace.")])


def create_participant(*, session: Session, workspace_id: int, data: ParticipantCreate | dict) -> ParticipantRead:
    with writing(session, workspace_id):
        clean = validated(ParticipantCreate, data)
        _check_unique_name(session, workspace_id, clean.name, None)
        row = Participant.model_validate(clean.model_dump() | {"workspace_id": workspace_id})
        session.add(row)
        session.flush()
        return ParticipantRead.model_validate(row, from_attributes=True)


def update_participant(
    *, session: Session, workspace_id: int, participant_id: int, changes: ParticipantUpdate | dict, version: int
) -> ParticipantRead:
    """`version`: the one the form was drawn from; refused when someone changed the participant since."""
    with writing(session, workspace_id):
        row = require_in_workspace(
            session,
            Participant,
            participant_id,
            workspace_id,
            "participant",
            version=version,
            labels=PARTICIPANT_LABELS,
        )
        update = validated(ParticipantUpdate, changes)
        clean = validated(
            ParticipantCreate,
            row.model_dump(include=set(ParticipantCreate.model_fields)) | update.model_dump(exclude_unset=True),
        )
        _check_unique_name(session, workspace_id, clean.name, participant_id)
        for key, value in clean.model_dump().items():
            setattr(row, key, value)
        bump(row)
        session.add(row)
        session.flush()
        return ParticipantRead.model_validate(row, from_attributes=True)


def delete_participant(*, session: Session, workspace_id: int, participant_id: int, version: int | None = None) -> str:
    """Deletes the participant and their ratings; with `version`, only as it was when drawn."""
    with writing(session, workspace_id):
        row = require_in_workspace(
            session,
            Participant,
            participant_id,
            workspace_id,
            "participant",
            version=version,
            labels=PARTICIPANT_LABELS,
        )
        name = row.name
        session.delete(row)
        return name
