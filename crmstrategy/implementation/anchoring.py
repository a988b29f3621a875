"""Anchoring (advice 8): plan reviews, who took part in which step of the method, and what the
strategy means for each role or department."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete
from sqlmodel import Session, col, select

from crmstrategy.analysis.models import Participant
from crmstrategy.core import clock
from crmstrategy.core.errors import Problem, ValidationProblem
from crmstrategy.core.validation import validated
from crmstrategy.core.versioning import bump
from crmstrategy.core.writing import require_in_workspace, writing
from crmstrategy.implementation.models import (
    METHOD_STEPS,
    ROLE_IMPACT_LABELS,
    PlanReview,
    PlanReviewCreate,
    PlanReviewRead,
    RoleImpact,
    RoleImpactCreate,
    RoleImpactRead,
    StepParticipation,
)


def add_review(
    *, session: Session, workspace_id: int, data: PlanReviewCreate | dict, today: date | None = None
) -> PlanReviewRead:
    with writing(session, workspace_id):
        clean = validated(PlanReviewCreate, data)
        if clean.reviewed_on > (today or clock.today()):
            raise ValidationProblem([Problem("Reviewed on", "A review cannot be dated in the future.")])
        review = PlanReview.model_validate(clean.model_dump() | {"workspace_id": workspace_id})
        session.add(review)
        session.flush()
        return PlanReviewRead.model_validate(review, from_attributes=True)


def list_reviews(*, session: Session, workspace_id: int) -> list[PlanReviewRead]:
    """Newest first."""
    rows = session.exec(
        select(PlanReview)
        .where(PlanReview.workspace_id == workspace_id)
        .order_by(col(PlanReview.reviewed_on).desc(), col(PlanReview.id).desc())
    ).all()
    return [PlanReviewRead.model_validate(r, from_attributes=True) for r in rows]


def participation(*, session: Session, workspace_id: int) -> dict[int, list[str]]:
    """Participant id -> the steps of the method they took part in, in the method's order."""
    rows = session.exec(
        select(StepParticipation.participant_id, StepParticipation.step)
        .join(Participant, col(Participant.id) == StepParticipation.participant_id)
        .where(Participant.workspace_id == workspace_id)
    ).all()
    steps: dict[int, list[str]] = {}
    for participant_id, step in rows:
        steps.setdefault(participant_id, []).append(step)
    return {p: sorted(s, key=METHOD_STEPS.index) for p, s in steps.items()}


def set_participation(*, session: Session, workspace_id: int, participant_id: int, steps: list[str]) -> list[str]:
    with writing(session, workspace_id):
        require_in_workspace(session, Participant, participant_id, workspace_id, "participant")
        unknown = [s for s in steps if s not in METHOD_STEPS]
        if unknown:
            raise ValidationProblem(
                [Problem("Steps", f"'{unknown[0]}' is not a step of the method: {', '.join(METHOD_STEPS)}.")]
            )
        session.exec(delete(StepParticipation).where(col(StepParticipation.participant_id) == participant_id))
        clean = [s for s in METHOD_STEPS if s in steps]
        for step in clean:
            session.add(StepParticipation(participant_id=participant_id, step=step))
        return clean


def list_role_impacts(*, session: Session, workspace_id: int) -> list[RoleImpactRead]:
    rows = session.exec(
        select(RoleImpact)
        .where(RoleImpact.workspace_id == workspace_id)
        .order_by(col(RoleImpact.position), col(RoleImpact.id))
    ).all()
    return [RoleImpactRead.model_validate(r, from_attributes=True) for r in rows]


def save_role_impact(
    *,
    session: Session,
    workspace_id: int,
    data: RoleImpactCreate | dict,
    impact_id: int | None = None,
    version: int | None = None,
) -> RoleImpactRead:
    """Add what the strategy means for a role or department, or change one (`impact_id`, drawn at
    `version`: refused when someone changed it since)."""
    with writing(session, workspace_id):
        clean = validated(RoleImpactCreate, data, labels=ROLE_IMPACT_LABELS)
        for other_id, audience in session.exec(
            select(RoleImpact.id, RoleImpact.audience).where(RoleImpact.workspace_id == workspace_id)
        ):
            if other_id != impact_id and audience.casefold() == clean.audience.casefold():
                raise ValidationProblem(
                    [
                        Problem(
                            ROLE_IMPACT_LABELS["audience"],
                            f"'{clean.audience}' is described already; change that one instead.",
                        )
                    ]
                )
        if impact_id is None:
            position = len(list_role_impacts(session=session, workspace_id=workspace_id))
            row = RoleImpact.model_validate(clean.model_dump() | {"workspace_id": workspace_id, "position": position})
        else:
            row = require_in_workspace(
                session,
                RoleImpact,
                impact_id,
                workspace_id,
                "role or department",
                version=version,
                labels=ROLE_IMPACT_LABELS,
            )
            for key, value in clean.model_dump().items():
                setattr(row, key, value)
            bump(row)
        session.add(row)
        session.flush()
        return RoleImpactRead.model_validate(row, from_attributes=True)


def delete_role_impact(*, session: Session, workspace_id: int, impact_id: int, version: int | None = None) -> str:
    with writing(session, workspace_id):
        row = require_in_workspace(session, RoleImpact, impact_id, workspace_id, "role or department", version=version)
        audience = row.audience
        session.delete(row)
        return audience


def save_participation(*, session: Session, workspace_id: int, steps_by_participant: dict[int, list[str]]) -> int:
    """The whole "who took part in which step" table at once; returns how many people took part."""
    for participant_id, steps in steps_by_participant.items():
        set_participation(session=session, workspace_id=workspace_id, participant_id=participant_id, steps=steps)
    return sum(bool(steps) for steps in steps_by_participant.values())
