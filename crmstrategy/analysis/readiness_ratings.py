"""Readiness-check services: the statements of a workspace, each participant's ratings, and
the summary (crmstrategy.analysis.readiness does the arithmetic)."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from crmstrategy.analysis.models import (
    Participant,
    ReadinessRating,
    ReadinessRatingIn,
    ReadinessStatement,
    ReadinessStatementCreate,
    ReadinessStatementRead,
)
from crmstrategy.analysis.readiness import STANDARD_STATEMENTS, Rating, ReadinessSummary, summarise
from crmstrategy.core.errors import Problem, ValidationProblem
from crmstrategy.core.validation import validated
from crmstrategy.core.writing import require_in_workspace, save_own_rows, writing

_WHY_BY_KEY: dict[str | None, str] = {key: why for key, _, why in STANDARD_STATEMENTS}


def list_statements(*, session: Session, workspace_id: int) -> list[ReadinessStatementRead]:
    rows = session.exec(
        select(ReadinessStatement)
        .where(ReadinessStatement.workspace_id == workspace_id)
        .order_by(col(ReadinessStatement.position), col(ReadinessStatement.id))
    ).all()
    # Statements added by the 0003 migration carry no "why"; the catalogue has it.
    return [
        ReadinessStatementRead.model_validate(row.model_dump() | {"why": row.why or _WHY_BY_KEY.get(row.key, "")})
        for row in rows
    ]


def seed_standard_statements(session: Session, workspace_id: int) -> None:
    """The method's statements, for a workspace created empty or from a file without the check."""
    for position, (key, text, why) in enumerate(STANDARD_STATEMENTS):
        session.add(ReadinessStatement(workspace_id=workspace_id, key=key, text=text, why=why, position=position))
    session.flush()


def add_statement(
    *, session: Session, workspace_id: int, data: ReadinessStatementCreate | dict
) -> ReadinessStatementRead:
    with writing(session, workspace_id):
        clean = validated(ReadinessStatementCreate, data, labels={"text": "Statement", "why": "Why it matters"})
        texts = {s.text.lower() for s in list_statements(session=session, workspace_id=workspace_id)}
        if clean.text.lower() in texts:
            raise ValidationProblem([Problem("Statement", "That statement is already in the check.")])
        position = (
            session.exec(
                select(func.coalesce(func.max(ReadinessStatement.position), -1)).where(
                    ReadinessStatement.workspace_id == workspace_id
                )
            ).one()
            + 1
        )
        row = ReadinessStatement.model_validate(
            clean.model_dump() | {"workspace_id": workspace_id, "position": position}
        )
        session.add(row)
        session.flush()
        return ReadinessStatementRead.model_validate(row.model_dump())


def delete_statement(*, session: Session, workspace_id: int, statement_id: int) -> str:
    """Only statements the workspace added itself can go; the standard ones are the method."""
    with writing(session, workspace_id):
        row = require_in_workspace(session, ReadinessStatement, statement_id, workspace_id, "statement")
        if row.key:
            raise ValidationProblem(
                [
                    Problem(
                        "Statement",
                        "The standard statements of the check cannot be deleted; rate them low if they do not hold.",
                    )
                ]
            )
        text = row.text
        session.delete(row)
        return text


def ratings_of(*, session: Session, workspace_id: int, participant_id: int) -> dict[int, ReadinessRatingIn]:
    require_in_workspace(session, Participant, participant_id, workspace_id, "participant")
    rows = session.exec(
        select(ReadinessRating)
        .join(ReadinessStatement, col(ReadinessStatement.id) == ReadinessRating.statement_id)
        .where(ReadinessStatement.workspace_id == workspace_id, ReadinessRating.participant_id == participant_id)
    ).all()
    return {r.statement_id: ReadinessRatingIn(statement_id=r.statement_id, score=r.score, note=r.note) for r in rows}


def save_ratings(
    *, session: Session, workspace_id: int, participant_id: int, ratings: list[ReadinessRatingIn | dict]
) -> int:
    """Store one participant's ratings (a score of None clears that statement's rating).

    Like a participant's strength ratings (strengths.save_strength_ratings says why), a small write
    without the workspace lock: a read of the participant and the statements' ids and texts, one
    upsert of this participant's own rows, one delete of those cleared."""
    typed: list[ReadinessRatingIn | ValidationProblem] = []
    for item in ratings:
        try:
            typed.append(validated(ReadinessRatingIn, item))
        except ValidationProblem as exc:
            typed.append(exc)
    require_in_workspace(session, Participant, participant_id, workspace_id, "participant")
    texts = dict(
        session.exec(
            select(ReadinessStatement.id, ReadinessStatement.text).where(
                ReadinessStatement.workspace_id == workspace_id
            )
        ).all()
    )
    clean: dict[int, ReadinessRatingIn] = {}
    problems: list[Problem] = []
    for rating in typed:
        if isinstance(rating, ValidationProblem):
            problems.extend(rating.problems)
        elif rating.statement_id not in texts:
            problems.append(Problem("Statement", "That statement is not part of this workspace's check."))
        elif rating.score is None and rating.note:
            problems.append(Problem(texts[rating.statement_id], "Give a score from 1 to 5 with the note."))
        elif rating.statement_id in clean:
            problems.append(Problem(texts[rating.statement_id], "Give one score per statement."))
        else:
            clean[rating.statement_id] = rating
    if problems:
        raise ValidationProblem(problems)
    scored = {r.statement_id: {"score": r.score, "note": r.note} for r in clean.values() if r.score is not None}
    save_own_rows(
        session,
        ReadinessRating,
        workspace_id=workspace_id,
        participant_id=participant_id,
        key="statement_id",
        scored=scored,
        cleared=[r.statement_id for r in clean.values() if r.score is None],
        update=("score", "note"),
    )
    return len(scored)


def all_ratings(*, session: Session, workspace_id: int) -> list[Rating]:
    rows = session.exec(
        select(ReadinessRating)
        .join(ReadinessStatement, col(ReadinessStatement.id) == ReadinessRating.statement_id)
        .where(ReadinessStatement.workspace_id == workspace_id)
    ).all()
    return [Rating(r.statement_id, r.participant_id, r.score, r.note) for r in rows]


def readiness_summary(*, session: Session, workspace_id: int) -> ReadinessSummary:
    statements = list_statements(session=session, workspace_id=workspace_id)
    return summarise(
        [(s.id, s.text, s.why) for s in statements], all_ratings(session=session, workspace_id=workspace_id)
    )
