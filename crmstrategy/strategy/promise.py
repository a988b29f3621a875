"""Customer-promise services (advice 6): versions that are never overwritten, the current promise,
the workspace's buzzword and jargon lists, and the needs and pains the promise is checked against.
The checks themselves are pure, in crmstrategy.strategy.promise_checks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, or_
from sqlmodel import Session, col, select

from crmstrategy.analysis.models import (
    PRIORITIES,
    Insight,
    InsightPersona,
    InsightSegment,
    Persona,
    Segment,
)
from crmstrategy.core.errors import Problem, ValidationProblem
from crmstrategy.core.models import id_col, id_of
from crmstrategy.core.validation import validated
from crmstrategy.core.writing import require_in_workspace, writing
from crmstrategy.strategy.models import (
    MAX_TERMS,
    PROMISE_LABELS,
    TERM_KINDS,
    PromiseTerm,
    PromiseVersion,
    PromiseVersionCreate,
    PromiseVersionRead,
    PromiseVersionSegment,
)
from crmstrategy.strategy.promise_checks import (
    DEFAULT_BUZZWORDS,
    DEFAULT_JARGON,
    NeedSource,
    NeedTerm,
    PromiseCheck,
    PromiseDraft,
    check_promise,
    clean_term,
    split_items,
    top_needs,
)

TERM_NOUNS = {"buzzword": "buzzwords and superlatives", "jargon": "internal jargon"}


# --- versions ------------------------------------------------------------------------------


def list_versions(*, session: Session, workspace_id: int) -> list[PromiseVersionRead]:
    """Every version, oldest first."""
    rows = session.exec(
        select(PromiseVersion).where(PromiseVersion.workspace_id == workspace_id).order_by(col(PromiseVersion.number))
    ).all()
    return _read_all(session, rows)


@dataclass(frozen=True)
class VersionStub:
    number: int
    is_current: bool


def version_stubs(*, session: Session, workspace_id: int) -> list[VersionStub]:
    """Each version's number and whether it is current: what the Overview's check needs."""
    return [
        VersionStub(n, c)
        for n, c in session.exec(
            select(PromiseVersion.number, PromiseVersion.is_current)
            .where(PromiseVersion.workspace_id == workspace_id)
            .order_by(col(PromiseVersion.number))
        ).all()
    ]


def current_promise(*, session: Session, workspace_id: int) -> PromiseVersionRead | None:
    row = session.exec(
        select(PromiseVersion).where(PromiseVersion.workspace_id == workspace_id, PromiseVersion.is_current)
    ).first()
    return _read_all(session, [row])[0] if row else None


def _read_all(session: Session, rows: Sequence[PromiseVersion]) -> list[PromiseVersionRead]:
    ids = [id_of(r) for r in rows]
    segments: dict[int, list[tuple[int, str]]] = {i: [] for i in ids}
    if ids:
        for version_id, segment_id, name in session.exec(
            select(PromiseVersionSegment.version_id, id_col(Segment.id), Segment.name)
            .join(Segment, col(Segment.id) == PromiseVersionSegment.segment_id)
            .where(col(PromiseVersionSegment.version_id).in_(ids))
            .order_by(col(Segment.position), col(Segment.id))
        ):
            segments[version_id].append((segment_id, name))
    return [
        PromiseVersionRead.model_validate(
            row.model_dump()
            | {
                "segment_ids": [s for s, _ in segments[id_of(row)]],
                "segment_names": [n for _, n in segments[id_of(row)]],
            }
        )
        for row in rows
    ]


def _check_segments(session: Session, workspace_id: int, segment_ids: list[int]) -> list[int]:
    wanted = list(dict.fromkeys(segment_ids))
    if not wanted:
        return []
    known = set(
        session.exec(select(Segment.id).where(Segment.workspace_id == workspace_id, col(Segment.id).in_(wanted))).all()
    )
    if len(known) != len(wanted):
        raise ValidationProblem(
            [
                Problem(
                    PROMISE_LABELS["segment_ids"],
                    "One of the chosen segments does not exist "
                    "in this workspace any more (it may have been deleted); choose again.",
                )
            ]
        )
    return wanted


def save_version(
    *,
    session: Session,
    workspace_id: int,
    data: PromiseVersionCreate | dict,
    make_current: bool | None = None,
    restored_from: int | None = None,
    created_at: datetime | None = None,
) -> PromiseVersionRead:
    """Save the composer as a new version (nothing is ever overwritten). It becomes the current
    promise when `make_current` is True; with None only when there is no current one yet (the
    first version); with False never (an import keeps the file's choice)."""
    with writing(session, workspace_id):
        clean = validated(PromiseVersionCreate, data, labels=PROMISE_LABELS)
        segment_ids = _check_segments(session, workspace_id, clean.segment_ids)
        number = (
            session.exec(
                select(func.coalesce(func.max(PromiseVersion.number), 0)).where(
                    PromiseVersion.workspace_id == workspace_id
                )
            ).one()
            + 1
        )
        has_current = (
            session.exec(
                select(PromiseVersion.id).where(PromiseVersion.workspace_id == workspace_id, PromiseVersion.is_current)
            ).first()
            is not None
        )
        row = PromiseVersion.model_validate(
            clean.model_dump(exclude={"segment_ids"})
            | {"workspace_id": workspace_id, "number": number, "restored_from": restored_from, "is_current": False}
            | ({"created_at": created_at} if created_at else {})
        )
        session.add(row)
        session.flush()
        for segment_id in segment_ids:
            session.add(PromiseVersionSegment(version_id=id_of(row), segment_id=segment_id))
        if make_current or (make_current is None and not has_current):
            _make_current(session, workspace_id, row)
        session.flush()
        return _read_all(session, [row])[0]


def _make_current(session: Session, workspace_id: int, row: PromiseVersion) -> None:
    for other in session.exec(
        select(PromiseVersion).where(PromiseVersion.workspace_id == workspace_id, PromiseVersion.is_current)
    ).all():
        other.is_current = False
        session.add(other)
    session.flush()
    row.is_current = True
    session.add(row)


def set_current(*, session: Session, workspace_id: int, version_id: int) -> PromiseVersionRead:
    """Mark one version as the current promise (the one the Overview, present mode and the cards show)."""
    with writing(session, workspace_id):
        row = require_in_workspace(session, PromiseVersion, version_id, workspace_id, "version of the promise")
        _make_current(session, workspace_id, row)
        session.flush()
        return _read_all(session, [row])[0]


def restore_version(
    *, session: Session, workspace_id: int, version_id: int, author: str, make_current: bool | None = None
) -> PromiseVersionRead:
    """Bring an old version back as a new one, by `author`; the old one stays as it was."""
    old = require_in_workspace(session, PromiseVersion, version_id, workspace_id, "version of the promise")
    segment_ids = list(
        session.exec(select(PromiseVersionSegment.segment_id).where(PromiseVersionSegment.version_id == old.id)).all()
    )
    return save_version(
        session=session,
        workspace_id=workspace_id,
        make_current=make_current,
        restored_from=old.number,
        data={
            "delivers": old.delivers,
            "value": old.value,
            "perceived": old.perceived,
            "text": old.text,
            "author": author,
            "note": f"Restored from version {old.number}.",
            "segment_ids": segment_ids,
        },
    )


# --- word lists --------------------------------------------------------------------------------


def promise_terms(*, session: Session, workspace_id: int) -> dict[str, list[str]]:
    """The workspace's buzzword and jargon lists, in their order."""
    terms: dict[str, list[str]] = {kind: [] for kind in TERM_KINDS}
    for kind, term in session.exec(
        select(PromiseTerm.kind, PromiseTerm.term)
        .where(PromiseTerm.workspace_id == workspace_id)
        .order_by(col(PromiseTerm.kind), col(PromiseTerm.position), col(PromiseTerm.id))
    ):
        terms.setdefault(kind, []).append(term)
    return terms


def parse_terms(raw: str | list[str]) -> list[str]:
    """One term per line (or a list): cleaned, each once ignoring case, every bad one named."""
    items = raw.splitlines() if isinstance(raw, str) else list(raw)
    problems, terms, seen = [], [], set()
    for n, item in enumerate(items, start=1):
        if not str(item or "").strip():
            continue
        try:
            term = clean_term(item)
        except ValueError as exc:
            problems.append(Problem("Term", str(exc), n))
            continue
        if term.lower() not in seen:
            seen.add(term.lower())
            terms.append(term)
    if len(terms) > MAX_TERMS:
        problems.append(Problem("Terms", f"{len(terms)} terms; keep the list to {MAX_TERMS}."))
    if problems:
        raise ValidationProblem(problems)
    return terms


def set_terms(*, session: Session, workspace_id: int, kind: str, terms: str | list[str]) -> list[str]:
    """Replace one word list as a whole."""
    with writing(session, workspace_id):
        if kind not in TERM_KINDS:
            raise ValidationProblem(f"There is no word list called '{kind}'.")
        clean = parse_terms(terms)
        session.exec(
            delete(PromiseTerm).where(col(PromiseTerm.workspace_id) == workspace_id, col(PromiseTerm.kind) == kind)
        )
        session.flush()
        seed_terms(session, workspace_id, {kind: clean})
        return clean


def reset_terms(*, session: Session, workspace_id: int, kind: str) -> list[str]:
    """Put back the default list (English, Norwegian, Danish and Swedish)."""
    return set_terms(session=session, workspace_id=workspace_id, kind=kind, terms=list(DEFAULT_TERMS.get(kind, ())))


# --- what the promise is checked against --------------------------------------------------------


def needs_and_pains(*, session: Session, workspace_id: int, segment_ids: list[int]) -> list[NeedSource]:
    """The needs and pains recorded for these segments: their personas' needs and pains (item by
    item) and the Need and Pain insights linked to the segments or to their personas."""
    if not segment_ids:
        return []
    personas = session.exec(
        select(Persona)
        .where(Persona.workspace_id == workspace_id, col(Persona.segment_id).in_(segment_ids))
        .order_by(col(Persona.segment_id), col(Persona.id))
    ).all()
    sources = [
        NeedSource(kind, item, persona.name)
        for persona in personas
        for kind, text in (("need", persona.needs), ("pain", persona.pains))
        for item in split_items(text)
    ]
    persona_ids = [p.id for p in personas]
    linked = select(InsightSegment.insight_id).where(col(InsightSegment.segment_id).in_(segment_ids))
    via_persona = select(InsightPersona.insight_id).where(col(InsightPersona.persona_id).in_(persona_ids or [-1]))
    insights = session.exec(
        select(Insight)
        .where(
            Insight.workspace_id == workspace_id,
            col(Insight.kind).in_(("Need", "Pain")),
            or_(col(Insight.id).in_(linked), col(Insight.id).in_(via_persona)),
        )
        .order_by(col(Insight.recorded_on), col(Insight.id))
    ).all()
    sources += [NeedSource(i.kind.lower(), i.text, f"Insight {i.recorded_on.isoformat()}") for i in insights]
    return sources


def default_segment_ids(*, session: Session, workspace_id: int) -> list[int]:
    """The chosen target segments (primary and secondary), which a new promise speaks to."""
    return list(
        session.exec(
            select(id_col(Segment.id))
            .where(Segment.workspace_id == workspace_id, col(Segment.priority).in_(PRIORITIES[:2]))
            .order_by(col(Segment.position), col(Segment.id))
        ).all()
    )


@dataclass(frozen=True)
class NeedsInScope:
    """The needs and pains that come back most for a choice of segments, and that choice in words."""

    needs: list[NeedTerm]
    scope: str


@dataclass(frozen=True)
class PromiseReview:
    checks: list[PromiseCheck]
    needs: list[NeedTerm]
    scope: str

    @property
    def passed(self) -> int:
        return sum(c.passed for c in self.checks)


def needs_in_scope(*, session: Session, workspace_id: int, segment_ids: list[int]) -> NeedsInScope:
    names = list(
        session.exec(
            select(Segment.name)
            .where(Segment.workspace_id == workspace_id, col(Segment.id).in_(segment_ids or [-1]))
            .order_by(col(Segment.position), col(Segment.id))
        ).all()
    )
    if not names:
        scope = "no segments (choose the segments the promise speaks to)"
    else:
        scope = "the personas and insights of " + (
            ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
        )
    who = " ".join(
        names
        + list(
            session.exec(
                select(Persona.name).where(
                    Persona.workspace_id == workspace_id, col(Persona.segment_id).in_(segment_ids or [-1])
                )
            ).all()
        )
    )
    sources = needs_and_pains(session=session, workspace_id=workspace_id, segment_ids=segment_ids)
    return NeedsInScope(top_needs(sources, ignore=who), scope)


def review_draft(draft: PromiseDraft, terms: dict[str, list[str]], needs: NeedsInScope) -> PromiseReview:
    """Every check of a draft, once its word lists and needs are known (no database)."""
    checks = check_promise(
        draft, buzzwords=terms.get("buzzword", []), jargon=terms.get("jargon", []), needs=needs.needs, scope=needs.scope
    )
    return PromiseReview(checks, needs.needs, needs.scope)


def review_promise(
    *,
    session: Session,
    workspace_id: int,
    draft: PromiseDraft,
    segment_ids: list[int],
    terms: dict[str, list[str]] | None = None,
) -> PromiseReview:
    """Every check of a draft against this workspace's word lists and the chosen segments' needs."""
    terms = terms or promise_terms(session=session, workspace_id=workspace_id)
    return review_draft(
        draft, terms, needs_in_scope(session=session, workspace_id=workspace_id, segment_ids=segment_ids)
    )


DEFAULT_TERMS = {"buzzword": DEFAULT_BUZZWORDS, "jargon": DEFAULT_JARGON}


def seed_terms(
    session: Session, workspace_id: int, lists: dict[str, list[str] | tuple[str, ...]] | None = None
) -> None:
    """Write word lists for a workspace (the defaults unless `lists` says otherwise)."""
    for kind, terms in (lists or DEFAULT_TERMS).items():
        for position, term in enumerate(dict.fromkeys(terms)):
            session.add(PromiseTerm(workspace_id=workspace_id, kind=kind, term=term, position=position))
    session.flush()
