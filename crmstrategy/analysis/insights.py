"""Insight-log services (advice 1): what customers and frontline colleagues said, linked to
segments and personas, and the evidence it gives each of them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from sqlalchemy import delete, func, insert
from sqlmodel import Session, col, select

from crmstrategy.analysis.evidence import Evidence, InsightLinks, evidence_by_persona, evidence_by_segment
from crmstrategy.analysis.models import (
    INSIGHT_LABELS,
    Insight,
    InsightCreate,
    InsightPersona,
    InsightRead,
    InsightSegment,
    InsightUpdate,
    Persona,
    Segment,
    Theme,
)
from crmstrategy.core.errors import Problem, ValidationProblem
from crmstrategy.core.models import id_col, id_of
from crmstrategy.core.text import clean_name
from crmstrategy.core.validation import validated
from crmstrategy.core.versioning import bump
from crmstrategy.core.writing import require_in_workspace, writing

# --- themes ----------------------------------------------------------------------------


def list_themes(*, session: Session, workspace_id: int) -> list[str]:
    return list(
        session.exec(
            select(Theme.name).where(Theme.workspace_id == workspace_id).order_by(col(Theme.position), col(Theme.id))
        ).all()
    )


def add_theme(*, session: Session, workspace_id: int, name: str) -> str:
    with writing(session, workspace_id):
        try:
            clean = clean_name(name, "Theme")
        except ValueError as exc:
            raise ValidationProblem([Problem("Theme", str(exc))]) from None
        if clean.lower() in {t.lower() for t in list_themes(session=session, workspace_id=workspace_id)}:
            raise ValidationProblem([Problem("Theme", f"'{clean}' is already in the list.")])
        _insert_theme(session, workspace_id, clean)
        return clean


def _insert_theme(session: Session, workspace_id: int, name: str) -> Theme:
    position = session.exec(select(func.count()).select_from(Theme).where(Theme.workspace_id == workspace_id)).one()
    row = Theme(workspace_id=workspace_id, name=name, position=position)
    session.add(row)
    session.flush()
    return row


def resolve_theme(session: Session, workspace_id: int, name: str | None) -> int | None:
    if name is None:
        return None
    existing = session.exec(
        select(Theme).where(Theme.workspace_id == workspace_id, func.lower(Theme.name) == name.lower())
    ).first()
    return (existing or _insert_theme(session, workspace_id, name)).id


# --- insights --------------------------------------------------------------------------


def list_insights(*, session: Session, workspace_id: int) -> list[InsightRead]:
    # Rows were validated when written; building the read models without validating them
    # again keeps a 2,000-insight log fast.
    rows = session.exec(
        select(  # type: ignore[call-overload]  # sqlmodel's select() is typed for up to 4 columns
            Insight.id,
            Insight.text,
            Insight.kind,
            Insight.source_type,
            Insight.recorded_by,
            Insight.recorded_on,
            Theme.name,
        )
        .join(Theme, Theme.id == Insight.theme_id, isouter=True)
        .where(Insight.workspace_id == workspace_id)
    ).all()
    segments, personas = _links(session, workspace_id)
    segment_names = dict(
        session.exec(select(Segment.id, Segment.name).where(Segment.workspace_id == workspace_id)).all()
    )
    persona_names = dict(
        session.exec(select(Persona.id, Persona.name).where(Persona.workspace_id == workspace_id)).all()
    )
    result = []
    for insight_id, text, kind, source_type, recorded_by, recorded_on, theme in rows:
        sids, pids = sorted(segments[insight_id]), sorted(personas[insight_id])
        result.append(
            InsightRead.model_construct(
                id=insight_id,
                workspace_id=workspace_id,
                text=text,
                kind=kind,
                source_type=source_type,
                recorded_by=recorded_by,
                recorded_on=recorded_on,
                theme=theme,
                segment_ids=sids,
                persona_ids=pids,
                segment_names=[segment_names[x] for x in sids],
                persona_names=[persona_names[x] for x in pids],
            )
        )
    return result


def _links(session: Session, workspace_id: int) -> tuple[dict[int, set[int]], dict[int, set[int]]]:
    segments: dict[int, set[int]] = defaultdict(set)
    personas: dict[int, set[int]] = defaultdict(set)
    for insight_id, segment_id in session.exec(
        select(InsightSegment.insight_id, InsightSegment.segment_id)
        .join(Insight, col(Insight.id) == InsightSegment.insight_id)
        .where(Insight.workspace_id == workspace_id)
    ).all():
        segments[insight_id].add(segment_id)
    for insight_id, persona_id in session.exec(
        select(InsightPersona.insight_id, InsightPersona.persona_id)
        .join(Insight, col(Insight.id) == InsightPersona.insight_id)
        .where(Insight.workspace_id == workspace_id)
    ).all():
        personas[insight_id].add(persona_id)
    return segments, personas


def get_insight(*, session: Session, workspace_id: int, insight_id: int) -> InsightRead:
    require_in_workspace(session, Insight, insight_id, workspace_id, "insight")
    return next(i for i in list_insights(session=session, workspace_id=workspace_id) if i.id == insight_id)


def _check_links(
    session: Session, workspace_id: int, segment_ids: list[int], persona_ids: list[int], row: int | None
) -> None:
    if segment_ids:
        found = set(
            session.exec(
                select(Segment.id).where(Segment.workspace_id == workspace_id, col(Segment.id).in_(segment_ids))
            ).all()
        )
        if found != set(segment_ids):
            raise ValidationProblem([Problem("Segments", "Choose segments of this workspace.", row)])
    if persona_ids:
        found = set(
            session.exec(
                select(Persona.id).where(Persona.workspace_id == workspace_id, col(Persona.id).in_(persona_ids))
            ).all()
        )
        if found != set(persona_ids):
            raise ValidationProblem([Problem("Personas", "Choose personas of this workspace.", row)])


def _set_links(session: Session, insight_id: int, segment_ids: list[int], persona_ids: list[int]) -> None:
    session.exec(delete(InsightSegment).where(col(InsightSegment.insight_id) == insight_id))
    session.exec(delete(InsightPersona).where(col(InsightPersona.insight_id) == insight_id))
    for segment_id in dict.fromkeys(segment_ids):
        session.add(InsightSegment(insight_id=insight_id, segment_id=segment_id))
    for persona_id in dict.fromkeys(persona_ids):
        session.add(InsightPersona(insight_id=insight_id, persona_id=persona_id))
    session.flush()


def _theme_ids(session: Session, workspace_id: int, names: Iterable[str]) -> dict[str, int]:
    """Lower-case name -> id for `names`, as resolve_theme matches them; unknown names extend the
    list (in the order given), in one insert for them all."""
    rows = session.exec(select(Theme).where(Theme.workspace_id == workspace_id)).all()
    by_name = {row.name.lower(): id_of(row) for row in rows}
    new: dict[str, Theme] = {}
    for name in names:
        if name.lower() not in by_name and name.lower() not in new:
            new[name.lower()] = Theme(workspace_id=workspace_id, name=name, position=len(rows) + len(new))
    if new:
        session.add_all(new.values())
        session.flush()
        by_name |= {key: id_of(row) for key, row in new.items()}
    return by_name


def _add_insights(
    session: Session, workspace_id: int, rows: Sequence[tuple[int | None, InsightCreate | dict]]
) -> list[int]:
    """Check every row (each problem with its row), then insert them all with their themes and
    links: a few statements for any number of rows, where one insight at a time took a dozen
    (5,000 imported insights: 14 s)."""
    segments = set(session.exec(select(id_col(Segment.id)).where(Segment.workspace_id == workspace_id)).all())
    personas = set(session.exec(select(id_col(Persona.id)).where(Persona.workspace_id == workspace_id)).all())
    problems: list[Problem] = []
    clean: list[InsightCreate] = []
    for row, data in rows:
        try:
            item = validated(InsightCreate, data, labels=INSIGHT_LABELS, row=row)
        except ValidationProblem as exc:
            problems.extend(exc.problems)
            continue
        if not segments.issuperset(item.segment_ids):
            problems.append(Problem("Segments", "Choose segments of this workspace.", row))
        elif not personas.issuperset(item.persona_ids):
            problems.append(Problem("Personas", "Choose personas of this workspace.", row))
        else:
            clean.append(item)
    if problems:
        raise ValidationProblem(problems)
    themes = _theme_ids(session, workspace_id, (item.theme for item in clean if item.theme is not None))
    insights = [
        Insight.model_validate(
            item.model_dump(exclude={"theme", "segment_ids", "persona_ids"})
            | {"workspace_id": workspace_id, "theme_id": None if item.theme is None else themes[item.theme.lower()]}
        )
        for item in clean
    ]
    session.add_all(insights)
    session.flush()
    # Rows of plain ids: inserted as one statement each, without an object for each.
    segment_links = [
        {"insight_id": id_of(insight), "segment_id": segment_id}
        for insight, item in zip(insights, clean)
        for segment_id in dict.fromkeys(item.segment_ids)
    ]
    persona_links = [
        {"insight_id": id_of(insight), "persona_id": persona_id}
        for insight, item in zip(insights, clean)
        for persona_id in dict.fromkeys(item.persona_ids)
    ]
    if segment_links:
        session.exec(insert(InsightSegment), params=segment_links)
    if persona_links:
        session.exec(insert(InsightPersona), params=persona_links)
    return [id_of(insight) for insight in insights]


def create_insight(*, session: Session, workspace_id: int, data: InsightCreate | dict, row: int | None = None) -> int:
    with writing(session, workspace_id):
        [insight_id] = _add_insights(session, workspace_id, [(row, data)])
        return insight_id


def update_insight(
    *, session: Session, workspace_id: int, insight_id: int, changes: InsightUpdate | dict, version: int
) -> int:
    """`version`: the one the form was drawn from; refused when someone changed the insight since."""
    with writing(session, workspace_id):
        require_in_workspace(
            session,
            Insight,
            insight_id,
            workspace_id,
            "insight",
            version=version,
            labels={"text": "Text", "kind": "Kind", "recorded_by": "Recorded by", "recorded_on": "Date"},
        )
        current = get_insight(session=session, workspace_id=workspace_id, insight_id=insight_id)
        update = validated(InsightUpdate, changes, labels=INSIGHT_LABELS)
        merged = current.model_dump(
            include={"text", "kind", "source_type", "recorded_by", "recorded_on", "theme", "segment_ids", "persona_ids"}
        ) | update.model_dump(exclude_unset=True)
        clean = validated(InsightCreate, merged, labels=INSIGHT_LABELS)
        _check_links(session, workspace_id, clean.segment_ids, clean.persona_ids, None)
        insight = require_in_workspace(session, Insight, insight_id, workspace_id, "insight")
        for key, value in clean.model_dump(exclude={"theme", "segment_ids", "persona_ids"}).items():
            setattr(insight, key, value)
        insight.theme_id = resolve_theme(session, workspace_id, clean.theme)
        bump(insight)
        session.add(insight)
        session.flush()
        _set_links(session, insight_id, clean.segment_ids, clean.persona_ids)
        return insight_id


def delete_insights(*, session: Session, workspace_id: int, insight_ids: list[int]) -> int:
    with writing(session, workspace_id):
        insight_ids = list(dict.fromkeys(insight_ids))
        for insight_id in insight_ids:
            session.delete(require_in_workspace(session, Insight, insight_id, workspace_id, "insight"))
        return len(insight_ids)


def create_insights(
    *, session: Session, workspace_id: int, rows: Sequence[tuple[int | None, InsightCreate | dict]]
) -> int:
    """The confirmed import, in the caller's transaction: rows are (file row number, or None
    where there is no file, insight); all or nothing, every row's problems gathered before refusing."""
    with writing(session, workspace_id):
        _add_insights(session, workspace_id, rows)
    return len(rows)


# --- evidence --------------------------------------------------------------------------


def insight_links(*, session: Session, workspace_id: int) -> list[InsightLinks]:
    segments, personas = _links(session, workspace_id)
    rows = session.exec(
        select(id_col(Insight.id), Insight.source_type).where(Insight.workspace_id == workspace_id)
    ).all()
    return [InsightLinks(i, source, frozenset(segments[i]), frozenset(personas[i])) for i, source in rows]


def segment_evidence(*, session: Session, workspace_id: int) -> dict[int, Evidence]:
    persona_segment = dict(
        session.exec(select(id_col(Persona.id), Persona.segment_id).where(Persona.workspace_id == workspace_id)).all()
    )
    segment_ids = list(session.exec(select(id_col(Segment.id)).where(Segment.workspace_id == workspace_id)).all())
    return evidence_by_segment(insight_links(session=session, workspace_id=workspace_id), persona_segment, segment_ids)


def workspace_evidence(*, session: Session, workspace_id: int) -> tuple[dict[int, Evidence], dict[int, Evidence]]:
    """(segment evidence, persona evidence) from one reading of the insight links, for the Overview."""
    links = insight_links(session=session, workspace_id=workspace_id)
    persona_segment = dict(
        session.exec(select(id_col(Persona.id), Persona.segment_id).where(Persona.workspace_id == workspace_id)).all()
    )
    segment_ids = list(session.exec(select(id_col(Segment.id)).where(Segment.workspace_id == workspace_id)).all())
    return evidence_by_segment(links, persona_segment, segment_ids), evidence_by_persona(links, list(persona_segment))


def persona_evidence(*, session: Session, workspace_id: int) -> dict[int, Evidence]:
    persona_ids = list(session.exec(select(id_col(Persona.id)).where(Persona.workspace_id == workspace_id)).all())
    return evidence_by_persona(insight_links(session=session, workspace_id=workspace_id), persona_ids)


def latest_insights_for_persona(
    *, session: Session, workspace_id: int, persona_id: int, limit: int = 3
) -> list[tuple[str, str, str]]:
    """(date, source, text) of the newest insights naming the persona, for its card."""
    rows = session.exec(
        select(col(Insight.recorded_on), Insight.source_type, Insight.text)
        .join(InsightPersona, col(InsightPersona.insight_id) == Insight.id)
        .where(Insight.workspace_id == workspace_id, InsightPersona.persona_id == persona_id)
        .order_by(col(Insight.recorded_on).desc(), col(Insight.id).desc())
        .limit(limit)
    ).all()
    return [(on.isoformat(), source, text) for on, source, text in rows]
