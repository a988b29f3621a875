"""The analysis' sections of the workspace file: value drivers, key factors, segments, personas,
themes, participants, insights and the readiness check, each exported, validated and imported."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from crmstrategy.analysis.insights import add_theme, create_insights, list_insights, list_themes
from crmstrategy.analysis.models import (
    DEFAULT_THEMES,
    INSIGHT_LABELS,
    PERSONA_LABELS,
    SEGMENT_LABELS,
    FactorCreate,
    InsightCreate,
    ParticipantCreate,
    ParticipantRead,
    PersonaCreate,
    PersonaRead,
    ReadinessRatingIn,
    ReadinessStatementCreate,
    SegmentCreate,
    SegmentFactorIn,
    SegmentRead,
    StrengthRatingIn,
)
from crmstrategy.analysis.participants import create_participant, list_participants
from crmstrategy.analysis.personas import create_persona, list_personas
from crmstrategy.analysis.readiness import STANDARD_STATEMENTS
from crmstrategy.analysis.readiness_ratings import (
    add_statement,
    all_ratings,
    list_statements,
    save_ratings,
    seed_standard_statements,
)
from crmstrategy.analysis.segments import add_value_driver, create_segment, list_segments, list_value_drivers
from crmstrategy.analysis.strengths import (
    add_factor,
    list_factors,
    save_strength_ratings,
    segment_strength,
    set_ratings_revealed,
    set_segment_factors,
)
from crmstrategy.core.errors import Problem
from crmstrategy.core.workspace_file import as_list, check_name_once, known_ref, names_once, refs_by_id, rows

STANDARD_KEYS = {key for key, _, _ in STANDARD_STATEMENTS}
_SEGMENT_FIELDS = list(SegmentCreate.model_fields)
_PERSONA_FIELDS = [f for f in PersonaCreate.model_fields if f != "segment_id"]
_INSIGHT_FIELDS = ["text", "kind", "source_type", "recorded_by", "recorded_on", "theme"]
_PARTICIPANT_FIELDS = list(ParticipantCreate.model_fields)

# The parsed key factors: segment ref -> (ratings revealed, [(key factor, [(participant ref, score)])])
KeyFactors = dict[str, tuple[bool, list[tuple[SegmentFactorIn, list[tuple[str, int]]]]]]


# --- export ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ExportRows:
    """The rows later sections refer to, in the file's order, and the refs the file gives them."""

    segments: list[SegmentRead]
    personas: list[PersonaRead]
    participants: list[ParticipantRead]
    segment_refs: dict[int, str]  # id -> "S1"
    persona_refs: dict[int, str]  # id -> "P1"
    participant_refs: dict[int, str]  # id -> "U1"


def export_rows(session: Session, workspace_id: int) -> ExportRows:
    segments = list_segments(session=session, workspace_id=workspace_id)
    personas = list_personas(session=session, workspace_id=workspace_id)
    participants = list_participants(session=session, workspace_id=workspace_id)
    return ExportRows(
        segments,
        personas,
        participants,
        refs_by_id(segments, "S"),
        refs_by_id(personas, "P"),
        refs_by_id(participants, "U"),
    )


def export_value_drivers(session: Session, workspace_id: int) -> list[str]:
    return list_value_drivers(session=session, workspace_id=workspace_id)


def export_factors(session: Session, workspace_id: int) -> list[dict]:
    return [
        {"name": f.name, "description": f.description} for f in list_factors(session=session, workspace_id=workspace_id)
    ]


def export_segments(session: Session, workspace_id: int, listed: ExportRows) -> list[dict]:
    """Each segment with its key factors, whose ratings name participants by ref."""
    by_name = {p.name: listed.participant_refs[p.id] for p in listed.participants}
    return [
        {"ref": listed.segment_refs[s.id]}
        | s.model_dump(include=set(_SEGMENT_FIELDS))
        | _export_key_factors(session, workspace_id, s.id, by_name)
        for s in listed.segments
    ]


def _export_key_factors(session: Session, workspace_id: int, segment_id: int, participant_refs: dict[str, str]) -> dict:
    strength = segment_strength(session=session, workspace_id=workspace_id, segment_id=segment_id)
    return {
        "ratings_revealed": strength.revealed,
        "key_factors": [
            {
                "factor": f.factor.factor,
                "weight": f.factor.weight,
                "competitor_strength": f.factor.competitor_strength,
                "agreed_strength": f.factor.agreed_strength,
                "ratings": sorted(
                    (
                        {"participant": participant_refs[name], "score": score}
                        for name, score in f.by_participant.items()
                    ),
                    key=lambda r: r["participant"],
                ),
            }
            for f in strength.factors
        ],
    }


def export_personas(listed: ExportRows) -> list[dict]:
    return [
        {"ref": listed.persona_refs[p.id], "segment": listed.segment_refs[p.segment_id]}
        | p.model_dump(include=set(_PERSONA_FIELDS))
        for p in listed.personas
    ]


def export_themes(session: Session, workspace_id: int) -> list[str]:
    return list_themes(session=session, workspace_id=workspace_id)


def export_participants(listed: ExportRows) -> list[dict]:
    return [
        {"ref": listed.participant_refs[p.id]} | p.model_dump(include=set(_PARTICIPANT_FIELDS))
        for p in listed.participants
    ]


def export_insights(session: Session, workspace_id: int, listed: ExportRows) -> list[dict]:
    insights = sorted(list_insights(session=session, workspace_id=workspace_id), key=lambda i: (i.recorded_on, i.id))
    return [
        i.model_dump(include=set(_INSIGHT_FIELDS), mode="json")
        | {
            "segments": [listed.segment_refs[s] for s in i.segment_ids],
            "personas": [listed.persona_refs[p] for p in i.persona_ids],
        }
        for i in insights
    ]


def export_readiness(session: Session, workspace_id: int, listed: ExportRows) -> list[dict]:
    refs = listed.participant_refs
    ratings: dict[int, list] = {}
    for rating in sorted(all_ratings(session=session, workspace_id=workspace_id), key=lambda r: refs[r.participant_id]):
        ratings.setdefault(rating.statement_id, []).append(
            {"participant": refs[rating.participant_id], "score": rating.score, "note": rating.note}
        )
    return [
        {"key": s.key, "text": s.text, "why": s.why, "ratings": ratings.get(s.id, [])}
        for s in list_statements(session=session, workspace_id=workspace_id)
    ]


# --- validate --------------------------------------------------------------------------


def parse_value_drivers(problems: list[Problem], items: list[str]) -> list[str]:
    return names_once(problems, items, "value_drivers")


def parse_themes(problems: list[Problem], items: list[str] | None) -> list[str] | None:
    """None: a version 1 file, the default themes apply."""
    return None if items is None else names_once(problems, items, "themes")


def parse_factors(problems: list[Problem], items: list[dict]) -> list[FactorCreate]:
    factors: list[FactorCreate] = []
    names: dict[str, str] = {}
    for n, (_,), factor in rows(problems, items, "factors", FactorCreate, None, ("ref",)):
        check_name_once(problems, factor.name, f"factors[{n}]", names)
        factors.append(factor)
    return factors


def parse_segments(
    problems: list[Problem], items: list[dict], participant_refs: set[str]
) -> tuple[list[tuple[str, SegmentCreate]], KeyFactors]:
    """The segments, and each one's key factors with the participants' strength ratings."""
    segments: list[tuple[str, SegmentCreate]] = []
    key_factors: KeyFactors = {}
    names: dict[str, str] = {}
    for n, (ref, revealed, factors), segment in rows(
        problems, items, "segments", SegmentCreate, SEGMENT_LABELS, ("ref", "ratings_revealed", "key_factors")
    ):
        check_name_once(problems, segment.name, f"segments[{n}]", names)
        segments.append((str(ref), segment))
        if revealed is not None and not isinstance(revealed, bool):  # 1 == True, but 1 is not a flag
            problems.append(Problem(f"segments[{n}] › ratings_revealed", "must be true or false."))
        where = f"segments[{n}] › key_factors"
        key_factors[str(ref)] = (
            revealed is True,
            _parse_key_factors(problems, as_list(problems, factors, where), where, participant_refs),
        )
    return segments, key_factors


def _parse_key_factors(problems: list[Problem], items: list, where: str, participant_refs: set[str]):
    result, seen = [], set()
    for n, (ratings,), factor in rows(problems, items, where, SegmentFactorIn, None, ("ratings",)):
        if factor.factor.lower() in seen:
            problems.append(Problem(f"{where}[{n}] › factor", f"'{factor.factor}' is listed twice."))
        seen.add(factor.factor.lower())
        result.append((factor, _parse_strength_ratings(problems, ratings, f"{where}[{n}]", participant_refs)))
    return result


def _parse_strength_ratings(
    problems: list[Problem], ratings, where: str, participant_refs: set[str]
) -> list[tuple[str, int]]:
    clean, raters = [], set()
    for m, (participant,), rating in rows(
        problems,
        as_list(problems, ratings, f"{where} › ratings"),
        f"{where} › ratings",
        StrengthRatingIn,
        None,
        ("participant",),
        {"segment_factor_id": 0},
    ):
        ref = known_ref(problems, participant, f"{where} › ratings[{m}] › participant", participant_refs, "participant")
        if ref in raters or rating.score is None:
            problems.append(Problem(f"{where} › ratings[{m}]", "needs a score, once per participant."))
        raters.add(ref)
        clean.append((ref, rating.score))
    return clean


def parse_personas(problems: list[Problem], items: list[dict], segment_refs: set[str]) -> list[tuple[str, str, dict]]:
    """(ref, segment ref, fields) for each persona."""
    personas: list[tuple[str, str, dict]] = []
    names: dict[str, str] = {}
    for n, (ref, segment_ref), persona in rows(
        problems, items, "personas", PersonaCreate, PERSONA_LABELS, ("ref", "segment"), {"segment_id": 0}
    ):
        check_name_once(problems, persona.name, f"personas[{n}]", names)
        personas.append(
            (
                str(ref),
                known_ref(problems, segment_ref, f"personas[{n}] › segment", segment_refs, "segment"),
                persona.model_dump(exclude={"segment_id"}),
            )
        )
    return personas


def parse_participants(problems: list[Problem], items: list[dict]) -> list[tuple[str, ParticipantCreate]]:
    participants: list[tuple[str, ParticipantCreate]] = []
    names: dict[str, str] = {}
    for n, (ref,), participant in rows(problems, items, "participants", ParticipantCreate, None, ("ref",)):
        check_name_once(problems, participant.name, f"participants[{n}]", names)
        participants.append((str(ref), participant))
    return participants


def parse_insights(
    problems: list[Problem], items: list[dict], segment_refs: set[str], persona_refs: set[str]
) -> list[tuple[InsightCreate, list[str], list[str]]]:
    """Each insight with the refs of the segments and personas it concerns."""
    insights = []
    for n, (segments, personas), insight in rows(
        problems, items, "insights", InsightCreate, INSIGHT_LABELS, ("segments", "personas")
    ):
        where = f"insights[{n}]"
        insights.append(
            (
                insight,
                [
                    known_ref(problems, r, f"{where} › segments", segment_refs, "segment")
                    for r in as_list(problems, segments, f"{where} › segments")
                ],
                [
                    known_ref(problems, r, f"{where} › personas", persona_refs, "persona")
                    for r in as_list(problems, personas, f"{where} › personas")
                ],
            )
        )
    return insights


def parse_readiness(
    problems: list[Problem], items: list[dict] | None, participant_refs: set[str]
) -> list[tuple[ReadinessStatementCreate, list]] | None:
    """The statements with their ratings; None (a version 1 file): the standard statements apply."""
    if items is None:
        return None
    readiness: list[tuple[ReadinessStatementCreate, list]] = []
    texts: dict[str, str] = {}
    for n, (ratings,), statement in rows(problems, items, "readiness", ReadinessStatementCreate, None, ("ratings",)):
        check_name_once(problems, statement.text, f"readiness[{n}]", texts)
        if statement.key is not None and statement.key not in STANDARD_KEYS:
            problems.append(
                Problem(
                    f"readiness[{n}] › key",
                    f"'{statement.key}' is not a standard statement; leave the key out for a statement of your own.",
                )
            )
        readiness.append((statement, _parse_readiness_ratings(problems, ratings, f"readiness[{n}]", participant_refs)))
    return readiness


def _parse_readiness_ratings(
    problems: list[Problem], ratings, where: str, participant_refs: set[str]
) -> list[tuple[str, ReadinessRatingIn]]:
    clean, raters = [], set()
    for m, (participant,), rating in rows(
        problems,
        as_list(problems, ratings, f"{where} › ratings"),
        f"{where} › ratings",
        ReadinessRatingIn,
        None,
        ("participant",),
        {"statement_id": 0},
    ):
        ref = known_ref(problems, participant, f"{where} › ratings[{m}] › participant", participant_refs, "participant")
        if ref in raters or rating.score is None:
            problems.append(Problem(f"{where} › ratings[{m}]", "needs a score, once per participant."))
        raters.add(ref)
        clean.append((ref, rating))
    return clean


# --- import ----------------------------------------------------------------------------


def import_value_drivers(session: Session, ws: int, names: list[str]) -> None:
    for driver in names:
        add_value_driver(session=session, workspace_id=ws, name=driver)


def import_themes(session: Session, ws: int, themes: list[str] | None) -> None:
    for theme in themes if themes is not None else DEFAULT_THEMES:
        add_theme(session=session, workspace_id=ws, name=theme)


def import_segments(session: Session, ws: int, segments: list[tuple[str, SegmentCreate]]) -> dict[str, int]:
    """Returns the file's segment refs -> the new ids."""
    return {ref: create_segment(session=session, workspace_id=ws, data=segment).id for ref, segment in segments}


def import_personas(
    session: Session, ws: int, personas: list[tuple[str, str, dict]], segment_ids: dict[str, int]
) -> dict[str, int]:
    """Returns the file's persona refs -> the new ids."""
    return {
        ref: create_persona(
            session=session, workspace_id=ws, data=persona | {"segment_id": segment_ids[segment_ref]}
        ).id
        for ref, segment_ref, persona in personas
    }


def import_participants(session: Session, ws: int, participants: list[tuple[str, ParticipantCreate]]) -> dict[str, int]:
    """Returns the file's participant refs -> the new ids."""
    return {
        ref: create_participant(session=session, workspace_id=ws, data=participant).id
        for ref, participant in participants
    }


def import_factors(session: Session, ws: int, factors: list[FactorCreate]) -> None:
    for factor in factors:
        add_factor(session=session, workspace_id=ws, data=factor)


def import_key_factors(
    session: Session, ws: int, key_factors: KeyFactors, segment_ids: dict[str, int], participant_ids: dict[str, int]
) -> None:
    for ref, (revealed, factors) in key_factors.items():
        if revealed:  # also for a segment without key factors, so the flag survives a round trip
            set_ratings_revealed(session=session, workspace_id=ws, segment_id=segment_ids[ref], revealed=True)
        if not factors:
            continue
        created = set_segment_factors(
            session=session, workspace_id=ws, segment_id=segment_ids[ref], factors=[factor for factor, _ in factors]
        )
        by_participant: dict[str, list[StrengthRatingIn | dict]] = {}
        for row, (_, ratings) in zip(created, factors):
            for participant_ref, score in ratings:
                by_participant.setdefault(participant_ref, []).append({"segment_factor_id": row.id, "score": score})
        for participant_ref, items in by_participant.items():
            save_strength_ratings(
                session=session,
                workspace_id=ws,
                segment_id=segment_ids[ref],
                participant_id=participant_ids[participant_ref],
                ratings=items,
            )


def import_insights(
    session: Session,
    ws: int,
    insights: list[tuple[InsightCreate, list[str], list[str]]],
    segment_ids: dict[str, int],
    persona_ids: dict[str, int],
) -> None:
    # All together, as a confirmed file import writes them: one at a time, 2,000 took seconds.
    create_insights(
        session=session,
        workspace_id=ws,
        rows=[
            (
                None,
                insight.model_copy(
                    update={
                        "segment_ids": [segment_ids[r] for r in segment_refs],
                        "persona_ids": [persona_ids[r] for r in persona_refs],
                    }
                ),
            )
            for insight, segment_refs, persona_refs in insights
        ],
    )


def import_readiness(
    session: Session,
    ws: int,
    readiness: list[tuple[ReadinessStatementCreate, list]] | None,
    participant_ids: dict[str, int],
) -> None:
    if readiness is None:
        seed_standard_statements(session, ws)
        return
    given = {statement.key for statement, _ in readiness}
    # The method's statements are always part of the check.
    missing: list[tuple[ReadinessStatementCreate, list]] = [
        (ReadinessStatementCreate(key=key, text=text, why=why), [])
        for key, text, why in STANDARD_STATEMENTS
        if key not in given
    ]
    for statement, ratings in readiness + missing:
        statement_id = add_statement(session=session, workspace_id=ws, data=statement).id
        by_participant: dict[str, list[ReadinessRatingIn | dict]] = {}
        for ref, rating in ratings:
            by_participant.setdefault(ref, []).append(rating.model_copy(update={"statement_id": statement_id}))
        for ref, items in by_participant.items():
            save_ratings(session=session, workspace_id=ws, participant_id=participant_ids[ref], ratings=items)
