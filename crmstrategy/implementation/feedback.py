"""The feedback log (advice 9): what customers and colleagues said after the launch, routed from New
to Routed to Acted on within 30 days, linked to the plan action it led to."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session, col, select

from crmstrategy.analysis.insights import resolve_theme
from crmstrategy.analysis.models import Persona, Segment, Theme
from crmstrategy.core import clock
from crmstrategy.core.errors import Problem, ValidationProblem
from crmstrategy.core.models import id_of
from crmstrategy.core.validation import validated
from crmstrategy.core.versioning import bump
from crmstrategy.core.writing import require_in_workspace, writing
from crmstrategy.implementation.models import (
    FEEDBACK_LABELS,
    Action,
    Feedback,
    FeedbackCreate,
    FeedbackRead,
    FeedbackUpdate,
)


def list_feedback(*, session: Session, workspace_id: int, feedback_id: int | None = None) -> list[FeedbackRead]:
    """Newest first (or the one with `feedback_id`), with the names of what it is linked to."""
    fields = [f for f in FeedbackRead.model_fields if f not in _LINKED_NAMES]
    query = (
        select(  # type: ignore[call-overload]  # sqlmodel's select() is typed for up to 4 columns
            *(getattr(Feedback, f) for f in fields), Segment.name, Persona.name, Theme.name, Action.title
        )
        .join(Segment, Segment.id == Feedback.segment_id, isouter=True)
        .join(Persona, Persona.id == Feedback.persona_id, isouter=True)
        .join(Theme, Theme.id == Feedback.theme_id, isouter=True)
        .join(Action, Action.id == Feedback.action_id, isouter=True)
        .where(Feedback.workspace_id == workspace_id)
    )
    if feedback_id is not None:
        query = query.where(Feedback.id == feedback_id)
    rows = session.exec(query.order_by(col(Feedback.received_on).desc(), col(Feedback.id).desc())).all()
    # Read back as written, so not validated again (a long log would cost every page run).
    return [
        FeedbackRead.model_construct(
            **dict(zip(fields, row[: len(fields)])),
            segment_name=segment or "",
            persona_name=persona or "",
            theme=theme,
            action_title=action or "",
        )
        for *row, segment, persona, theme, action in rows
    ]


_LINKED_NAMES = ("segment_name", "persona_name", "theme", "action_title")


def _check_feedback_links(
    session: Session, workspace_id: int, clean: FeedbackCreate, row: int | None
) -> FeedbackCreate:
    """Segment, persona and action belong to this workspace; a persona alone brings its segment."""

    def missing(noun: str) -> ValidationProblem:
        return ValidationProblem(
            [
                Problem(
                    noun.capitalize(),
                    f"That {noun} does not exist in this workspace any more "
                    "(it may have been deleted): nothing was saved.",
                    row,
                )
            ]
        )

    segment_id = clean.segment_id
    if segment_id is not None:
        segment = session.get(Segment, segment_id)
        if segment is None or segment.workspace_id != workspace_id:
            raise missing("segment")
    if clean.persona_id is not None:
        persona = session.get(Persona, clean.persona_id)
        if persona is None or persona.workspace_id != workspace_id:
            raise missing("persona")
        if segment_id is None:
            segment_id = persona.segment_id
        elif persona.segment_id != segment_id:
            raise ValidationProblem(
                [
                    Problem(
                        "Persona",
                        f"'{persona.name}' belongs to another segment than the one "
                        "chosen: choose the persona's own segment, or no segment.",
                        row,
                    )
                ]
            )
    if clean.action_id is not None:
        action = session.get(Action, clean.action_id)
        if action is None or action.workspace_id != workspace_id:
            raise missing("action")
    return clean.model_copy(update={"segment_id": segment_id})


def create_feedback(
    *,
    session: Session,
    workspace_id: int,
    data: FeedbackCreate | dict,
    today: date | None = None,
    status_changed_on: date | None = None,
    row: int | None = None,
) -> int:
    """New feedback; routed or acted on already, its status changed today unless `status_changed_on` says
    when (a workspace file does)."""
    with writing(session, workspace_id):
        clean = validated(FeedbackCreate, data, labels=FEEDBACK_LABELS, row=row)
        today = today or clock.today()
        if clean.received_on > today:
            raise ValidationProblem(
                [
                    Problem(
                        "Date", f"{clean.received_on.isoformat()} is in the future: record feedback already given.", row
                    )
                ]
            )
        clean = _check_feedback_links(session, workspace_id, clean, row)
        item = Feedback.model_validate(
            clean.model_dump(exclude={"theme"})
            | {
                "workspace_id": workspace_id,
                "theme_id": resolve_theme(session, workspace_id, clean.theme),
                "status_changed_on": None if clean.status == "New" else status_changed_on or today,
            }
        )
        session.add(item)
        session.flush()
        return id_of(item)


def update_feedback(
    *,
    session: Session,
    workspace_id: int,
    feedback_id: int,
    changes: FeedbackUpdate | dict,
    version: int,
    today: date | None = None,
) -> FeedbackRead:
    """Change any field; routing to someone or acting on it records the day its status changed.
    `version`: the one the form was drawn from; refused when someone changed the feedback since."""
    with writing(session, workspace_id):
        item = require_in_workspace(
            session,
            Feedback,
            feedback_id,
            workspace_id,
            "feedback",
            version=version,
            labels={k: v for k, v in FEEDBACK_LABELS.items() if not k.endswith("_id")},
        )
        update = validated(FeedbackUpdate, changes, labels=FEEDBACK_LABELS)
        theme = None
        if item.theme_id:
            theme_row = session.get(Theme, item.theme_id)
            assert theme_row is not None  # theme_id is a foreign key, set to null when the theme goes
            theme = theme_row.name
        current = item.model_dump(include=set(FeedbackCreate.model_fields) - {"theme"}) | {"theme": theme}
        clean = validated(FeedbackCreate, current | update.model_dump(exclude_unset=True), labels=FEEDBACK_LABELS)
        today = today or clock.today()
        if clean.received_on > today:
            raise ValidationProblem(
                [Problem("Date", f"{clean.received_on.isoformat()} is in the future: record feedback already given.")]
            )
        clean = _check_feedback_links(session, workspace_id, clean, None)
        if clean.status != item.status:
            item.status_changed_on = None if clean.status == "New" else today
        for key, value in clean.model_dump(exclude={"theme"}).items():
            setattr(item, key, value)
        item.theme_id = resolve_theme(session, workspace_id, clean.theme)
        bump(item)
        session.add(item)
        session.flush()
        return list_feedback(session=session, workspace_id=workspace_id, feedback_id=feedback_id)[0]


def delete_feedback(*, session: Session, workspace_id: int, feedback_id: int, version: int | None = None) -> str:
    with writing(session, workspace_id):
        item = require_in_workspace(session, Feedback, feedback_id, workspace_id, "feedback", version=version)
        text = item.text
        session.delete(item)
        return text
