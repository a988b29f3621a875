"""Whole-workspace export to one JSON document and import from one (the demo loads this way).

References between entities use refs local to the file ("S1", "P3"), never database ids,
so a file can be imported into any database, any number of times.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy import delete
from sqlmodel import Session, select

from crmstrategy.analysis.insights import add_theme, create_insight, list_insights, list_themes
from crmstrategy.analysis.models import (
    DEFAULT_THEMES,
    INSIGHT_LABELS,
    PERSONA_LABELS,
    SEGMENT_LABELS,
    FactorCreate,
    InsightCreate,
    ParticipantCreate,
    PersonaCreate,
    ReadinessRatingIn,
    ReadinessStatementCreate,
    SegmentCreate,
    SegmentFactorIn,
    StrengthRatingIn,
)
from crmstrategy.analysis.participants import create_participant, list_participants
from crmstrategy.analysis.readiness import STANDARD_STATEMENTS
from crmstrategy.analysis.readiness_ratings import add_statement, all_ratings, list_statements, save_ratings
from crmstrategy.core import clock
from crmstrategy.core.errors import Problem, ValidationProblem, problems_from_pydantic
from crmstrategy.core.fields import as_utc, optional_date
from crmstrategy.core.models import WorkspaceCreate, WorkspaceRead
from crmstrategy.core.text import clean_name
from crmstrategy.core.validation import validated
from crmstrategy.implementation.anchoring import (
    add_review,
    list_reviews,
    list_role_impacts,
    participation,
    save_role_impact,
    set_participation,
)
from crmstrategy.implementation.feedback import create_feedback, list_feedback
from crmstrategy.implementation.follow_up import (
    add_customer_measurement,
    customer_measurements,
    goal_measurements,
    set_goal_measurements,
)
from crmstrategy.implementation.models import (
    ACTION_LABELS,
    FEEDBACK_LABELS,
    MEASUREMENT_LABELS,
    METHOD_STEPS,
    ROLE_IMPACT_LABELS,
    Action,
    ActionChange,
    ActionCreate,
    CustomerMeasurementCreate,
    FeedbackCreate,
    GoalMeasurementCreate,
    PlanReviewCreate,
    RoleImpactCreate,
)
from crmstrategy.implementation.plan import (
    create_action,
    histories,
    list_actions,
    plan_start_of,
    set_plan_start,
)
from crmstrategy.strategy.models import (
    GOAL_LABELS,
    MAP_NODE_LABELS,
    PROMISE_LABELS,
    GoalCreate,
    MapNodeCreate,
    PromiseVersionCreate,
    StrategyConstraintCreate,
)
from crmstrategy.strategy.promise import list_versions, parse_terms, promise_terms, save_version, seed_terms
from crmstrategy.workspace.seeding import seed_standard_statements

STANDARD_KEYS = {key for key, _, _ in STANDARD_STATEMENTS}
from crmstrategy.analysis.personas import create_persona, list_personas
from crmstrategy.analysis.segments import add_value_driver, create_segment, list_segments, list_value_drivers
from crmstrategy.analysis.strengths import (
    add_factor,
    list_factors,
    save_strength_ratings,
    segment_strength,
    set_ratings_revealed,
    set_segment_factors,
)
from crmstrategy.core.writing import require_workspace
from crmstrategy.strategy.goals import create_goal, list_goals, milestones_of, set_milestones
from crmstrategy.strategy.strategy_map import (
    add_constraint,
    add_link,
    create_node,
    list_constraints,
    list_links,
    list_nodes,
)
from crmstrategy.workspace.workspaces import create_workspace, free_workspace_name, get_workspace

FORMAT_VERSION = 7
# version 1 had no insights, themes, participants or readiness check; version 2 no key factors;
# version 3 no strategy map or goals; version 4 no customer promise; version 5 no implementation plan
READABLE_VERSIONS = (1, 2, 3, 4, 5, 6, 7)
KIND = "crm-strategy-workbench/workspace"
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 8
DEMO_PATH = Path(__file__).resolve().parents[2] / "data" / "demo_workspace.json"

_SEGMENT_FIELDS = list(SegmentCreate.model_fields)
_ACTION_FIELDS = set(ActionCreate.model_fields) - {"initiative_ids"}
_HISTORY_KEYS = {"changed_at", "changed_by", "field", "old", "new"}
_PERSONA_FIELDS = [f for f in PersonaCreate.model_fields if f != "segment_id"]
_INSIGHT_FIELDS = ["text", "kind", "source_type", "recorded_by", "recorded_on", "theme"]
_PARTICIPANT_FIELDS = list(ParticipantCreate.model_fields)


class _WorkspaceFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format_version: int
    kind: str
    exported_at: str | None = None
    workspace: dict
    value_drivers: list[str] = []
    segments: list[dict] = []
    personas: list[dict] = []
    themes: list[str] | None = None
    participants: list[dict] = []
    insights: list[dict] = []
    readiness: list[dict] | None = None
    factors: list[dict] = []
    map_nodes: list[dict] = []
    map_links: list = []  # each item is checked (and numbered from 1) by _parse_strategy_map
    constraints: list[dict] = []
    goals: list[dict] = []
    promise: dict | None = None  # None: a file from before version 5, the default word lists apply
    plan: dict | None = None  # None: a file from before version 6, no plan yet
    follow_up: dict | None = None  # None: a file from before version 7, nothing measured yet


# --- export ----------------------------------------------------------------------------


def export_workspace(*, session: Session, workspace_id: int) -> dict:
    workspace = get_workspace(session=session, workspace_id=workspace_id)
    segments = list_segments(session=session, workspace_id=workspace_id)
    segment_refs = {segment.id: f"S{n}" for n, segment in enumerate(segments, start=1)}
    personas = list_personas(session=session, workspace_id=workspace_id)
    persona_refs = {persona.id: f"P{n}" for n, persona in enumerate(personas, start=1)}
    participants = list_participants(session=session, workspace_id=workspace_id)
    participant_refs = {p.id: f"U{n}" for n, p in enumerate(participants, start=1)}
    insights = sorted(list_insights(session=session, workspace_id=workspace_id), key=lambda i: (i.recorded_on, i.id))
    ratings: dict[int, list] = {}
    for rating in sorted(
        all_ratings(session=session, workspace_id=workspace_id), key=lambda r: participant_refs[r.participant_id]
    ):
        ratings.setdefault(rating.statement_id, []).append(
            {"participant": participant_refs[rating.participant_id], "score": rating.score, "note": rating.note}
        )
    return (
        {
            "format_version": FORMAT_VERSION,
            "kind": KIND,
            "exported_at": clock.now().isoformat(timespec="seconds"),
            "workspace": workspace.model_dump(
                include={
                    "name",
                    "currency",
                    "description",
                    "weight_size",
                    "weight_potential",
                    "weight_growth",
                    "max_long_term_goals",
                }
            ),
            "value_drivers": list_value_drivers(session=session, workspace_id=workspace_id),
            "factors": [
                {"name": f.name, "description": f.description}
                for f in list_factors(session=session, workspace_id=workspace_id)
            ],
            "segments": [
                {"ref": segment_refs[s.id]}
                | s.model_dump(include=set(_SEGMENT_FIELDS))
                | _key_factors(session, workspace_id, s.id, {p.name: participant_refs[p.id] for p in participants})
                for s in segments
            ],
            "personas": [
                {"ref": persona_refs[p.id], "segment": segment_refs[p.segment_id]}
                | p.model_dump(include=set(_PERSONA_FIELDS))
                for p in personas
            ],
            "themes": list_themes(session=session, workspace_id=workspace_id),
            "participants": [
                {"ref": participant_refs[p.id]} | p.model_dump(include=set(_PARTICIPANT_FIELDS)) for p in participants
            ],
            "insights": [
                i.model_dump(include=set(_INSIGHT_FIELDS), mode="json")
                | {
                    "segments": [segment_refs[s] for s in i.segment_ids],
                    "personas": [persona_refs[p] for p in i.persona_ids],
                }
                for i in insights
            ],
            "readiness": [
                {"key": s.key, "text": s.text, "why": s.why, "ratings": ratings.get(s.id, [])}
                for s in list_statements(session=session, workspace_id=workspace_id)
            ],
        }
        | _strategy_map_sections(session, workspace_id)
        | _promise_section(session, workspace_id, segment_refs)
        | _plan_section(session, workspace_id, participant_refs)
        | _follow_up_section(session, workspace_id, segment_refs, persona_refs)
    )


def _goal_refs(session: Session, workspace_id: int) -> dict[int, str]:
    return {g.id: f"G{n}" for n, g in enumerate(list_goals(session=session, workspace_id=workspace_id), start=1)}


def _action_refs(session: Session, workspace_id: int) -> dict[int, str]:
    ids = session.exec(select(Action.id).where(Action.workspace_id == workspace_id).order_by(Action.id)).all()
    return {action_id: f"A{n}" for n, action_id in enumerate(ids, start=1)}


_MEASURED = {"measured_on", "value", "note", "recorded_by"}
_FEEDBACK_FIELDS = set(FeedbackCreate.model_fields) - {"segment_id", "persona_id", "action_id"}


def _follow_up_section(
    session: Session, workspace_id: int, segment_refs: dict[int, str], persona_refs: dict[int, str]
) -> dict:
    goal_refs = _goal_refs(session, workspace_id)
    action_refs = _action_refs(session, workspace_id)
    measured = goal_measurements(session=session, workspace_id=workspace_id)
    return {
        "follow_up": {
            "goal_measurements": [
                {"goal": goal_refs[goal_id]} | m.model_dump(include=_MEASURED, mode="json")
                for goal_id in goal_refs
                for m in measured.get(goal_id, [])
            ],
            "customer_measurements": [
                {"measure": m.measure, "segment": segment_refs.get(m.segment_id)}
                | m.model_dump(include=_MEASURED, mode="json")
                for m in customer_measurements(session=session, workspace_id=workspace_id)
            ],
            "feedback": [
                f.model_dump(include=_FEEDBACK_FIELDS | {"status_changed_on"}, mode="json")
                | {
                    "segment": segment_refs.get(f.segment_id),
                    "persona": persona_refs.get(f.persona_id),
                    "action": action_refs.get(f.action_id),
                }
                for f in reversed(list_feedback(session=session, workspace_id=workspace_id))
            ],
        }
    }


def _plan_section(session: Session, workspace_id: int, participant_refs: dict[int, str]) -> dict:
    node_refs = {n.id: f"N{i}" for i, n in enumerate(list_nodes(session=session, workspace_id=workspace_id), start=1)}
    steps = participation(session=session, workspace_id=workspace_id)
    history = histories(session=session, workspace_id=workspace_id)
    actions = list_actions(session=session, workspace_id=workspace_id)
    refs = _action_refs(session, workspace_id)
    return {
        "plan": {
            "start": plan_start_of(require_workspace(session, workspace_id)).isoformat(),
            "actions": [
                {"ref": refs[a.id]}
                | a.model_dump(include=_ACTION_FIELDS, mode="json")
                | {
                    "initiatives": [node_refs[i] for i in a.initiative_ids],
                    "history": [
                        {
                            "changed_at": as_utc(c.changed_at).isoformat(timespec="seconds"),
                            "changed_by": c.changed_by,
                            "field": c.field,
                            "old": c.old,
                            "new": c.new,
                        }
                        for c in history.get(a.id, [])
                    ],
                }
                for a in sorted(actions, key=lambda a: a.id)
            ],
            "reviews": [
                {"reviewed_on": r.reviewed_on.isoformat(), "reviewed_by": r.reviewed_by, "changes": r.changes}
                for r in reversed(list_reviews(session=session, workspace_id=workspace_id))
            ],
            "participation": [
                {"participant": participant_refs[p], "steps": steps[p]}
                for p in sorted(steps, key=lambda p: participant_refs[p])
            ],
            "role_impacts": [
                r.model_dump(include=set(RoleImpactCreate.model_fields))
                for r in list_role_impacts(session=session, workspace_id=workspace_id)
            ],
        }
    }


def _promise_section(session: Session, workspace_id: int, segment_refs: dict[int, str]) -> dict:
    versions = list_versions(session=session, workspace_id=workspace_id)
    terms = promise_terms(session=session, workspace_id=workspace_id)
    return {
        "promise": {
            "buzzwords": terms["buzzword"],
            "jargon": terms["jargon"],
            "current": next((v.number for v in versions if v.is_current), None),
            "versions": [
                v.model_dump(
                    include={"number", "author", "delivers", "value", "perceived", "text", "note", "restored_from"}
                )
                | {
                    "created_at": v.created_at.isoformat(timespec="seconds"),
                    "segments": [segment_refs[s] for s in v.segment_ids],
                }
                for v in versions
            ],
        }
    }


def _strategy_map_sections(session: Session, workspace_id: int) -> dict:
    nodes = list_nodes(session=session, workspace_id=workspace_id)
    refs = {n.id: f"N{i}" for i, n in enumerate(nodes, start=1)}
    goals = list_goals(session=session, workspace_id=workspace_id)
    goal_refs = _goal_refs(session, workspace_id)
    milestones = milestones_of(session=session, workspace_id=workspace_id)
    return {
        "map_nodes": [{"ref": refs[n.id]} | n.model_dump(include=set(MapNodeCreate.model_fields)) for n in nodes],
        "map_links": [[refs[s], refs[t]] for s, t in list_links(session=session, workspace_id=workspace_id)],
        "constraints": [
            {"kind": c.kind, "text": c.text, "nodes": [refs[n] for n in c.node_ids]}
            for c in list_constraints(session=session, workspace_id=workspace_id)
        ],
        "goals": [
            {"ref": goal_refs[g.id], "objective": refs[g.objective_id]}
            | g.model_dump(include=set(GoalCreate.model_fields) - {"objective_id"}, mode="json")
            | {"milestones": [{"due": d.isoformat(), "value": v} for d, v in milestones.get(g.id, [])]}
            for g in goals
        ],
    }


def _key_factors(session: Session, workspace_id: int, segment_id: int, participant_refs: dict[str, str]) -> dict:
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


def export_workspace_json(*, session: Session, workspace_id: int) -> bytes:
    document = export_workspace(session=session, workspace_id=workspace_id)
    return json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")


# --- import ----------------------------------------------------------------------------


def parse_workspace_file(raw: bytes | str) -> dict:
    """Bytes of an uploaded file -> the document, or a ValidationProblem saying what is wrong."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    if not raw or not raw.strip():
        raise ValidationProblem("The file is empty. Choose a workspace export (.json).")
    if len(raw) > MAX_FILE_BYTES:
        raise ValidationProblem(
            f"The file is {len(raw) / 1e6:.1f} MB; a workspace file can be at most "
            f"{MAX_FILE_BYTES // (1024 * 1024)} MB."
        )
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ValidationProblem("The file is not UTF-8 text, so it is not a workspace export.") from None
    except RecursionError:
        raise ValidationProblem("The file is nested too deeply to be a workspace export.") from None
    except json.JSONDecodeError as exc:
        raise ValidationProblem(
            f"The file is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})."
        ) from None
    if _depth(document) > MAX_DEPTH:
        raise ValidationProblem("The file is nested too deeply to be a workspace export.")
    if not isinstance(document, dict) or document.get("kind") != KIND:
        raise ValidationProblem("This JSON file is not a CRM Strategy Workbench workspace export.")
    version = document.get("format_version")
    if version not in READABLE_VERSIONS:
        readable = " and ".join(str(v) for v in READABLE_VERSIONS)
        raise ValidationProblem(
            f"The file has format version {version!r}; this workbench reads versions "
            f"{readable}. Export it again from a current workbench."
        )
    return document


def _depth(value, level: int = 1) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level)
    return level


@dataclass
class _Parsed:
    """A validated document: every row checked, every reference resolved to a ref in the file."""

    workspace: WorkspaceCreate
    value_drivers: list[str]
    segments: list[tuple[str, SegmentCreate]] = field(default_factory=list)
    personas: list[tuple[str, str, dict]] = field(default_factory=list)  # (ref, segment ref, fields)
    themes: list[str] | None = None  # None: a version 1 file, the defaults apply
    participants: list[tuple[str, ParticipantCreate]] = field(default_factory=list)
    insights: list[tuple[InsightCreate, list[str], list[str]]] = field(default_factory=list)
    readiness: list[tuple[ReadinessStatementCreate, list[tuple[str, ReadinessRatingIn]]]] | None = None
    factors: list[FactorCreate] = field(default_factory=list)
    map_nodes: list[tuple[str, MapNodeCreate]] = field(default_factory=list)
    map_links: list[tuple[str, str]] = field(default_factory=list)
    constraints: list[tuple[StrategyConstraintCreate, list[str]]] = field(default_factory=list)
    goals: list[tuple[str, str, GoalCreate, list[tuple[str, object]]]] = field(default_factory=list)  # ref, objective
    # None: nothing measured in the file; else (goal measurements [(goal ref, fields)], customer measurements
    # [(segment ref or None, model)], feedback [(model, status changed on, segment, persona, action refs)])
    follow_up: tuple | None = None
    # None: the default word lists; else (buzzwords, jargon, [(number, version, created_at, restored_from,
    # segment refs)], current number)
    promise: tuple[list[str], list[str], list[tuple], int | None] | None = None
    # None: no plan in the file; else (start, [(action, node refs, history)], reviews, [(participant ref, steps)],
    # role impacts)
    plan: tuple | None = None
    # segment ref -> (revealed, [(key factor, [(participant ref, score)])])
    key_factors: dict[str, tuple[bool, list[tuple[SegmentFactorIn, list[tuple[str, int]]]]]] = field(
        default_factory=dict
    )


def _rows(
    problems: list[Problem],
    items: list[dict],
    where: str,
    model,
    labels: dict | None = None,
    pop: tuple[str, ...] = (),
    extra: dict | None = None,
):
    """Validate each item of a section; yields (index, popped values, model) for the good ones."""
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            problems.append(Problem(f"{where}[{n}]", "must be an object."))
            continue
        item = dict(item)
        popped = [item.pop(key, None) for key in pop]
        try:
            yield n, popped, model.model_validate(item | (extra or {}))
        except ValidationError as exc:
            problems.extend(
                Problem(_at(f"{where}[{n}]", p.field), p.message) for p in problems_from_pydantic(exc, labels)
            )


def _at(*parts: str) -> str:
    """A place in the file, e.g. "goals[2] › milestones[3] › Value"; a rule about a whole row
    (target equal to baseline) has no field, and gets no dangling separator."""
    return " › ".join(part for part in parts if part)


def _ref(problems: list[Problem], value, where: str, known: set[str], what: str) -> str:
    ref = str(value or "")
    if ref not in known:
        problems.append(Problem(where, f"refers to {what} '{ref}', which is not in the file."))
    return ref


def _list(problems: list[Problem], value, where: str) -> list:
    """A list of refs or ratings inside a row; anything else is a problem, not a crash."""
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(Problem(where, "must be a list."))
        return []
    return value


def _collect_refs(problems: list[Problem], items: list, where: str) -> set[str]:
    """The refs a section defines, taken before its rows are validated, so that one bad row
    gives one message rather than one more for everything that refers to it."""
    seen: set[str] = set()
    for n, item in enumerate(items, start=1):
        ref = str(item.get("ref") or "") if isinstance(item, dict) else ""
        if not ref or ref in seen:
            problems.append(Problem(f"{where}[{n}] › ref", "is missing or used twice."))
        seen.add(ref)
    return seen


def _validate_document(document: dict) -> _Parsed:
    try:
        raw = _WorkspaceFile.model_validate(document)
    except ValidationError as exc:
        raise ValidationProblem(problems_from_pydantic(exc)) from None
    problems: list[Problem] = []
    try:
        workspace = WorkspaceCreate.model_validate(raw.workspace)
    except ValidationError as exc:
        workspace = None
        problems += [Problem(f"workspace › {p.field}", p.message) for p in problems_from_pydantic(exc)]
    parsed = _Parsed(
        workspace,
        _names_once(problems, raw.value_drivers, "value_drivers"),
        themes=None if raw.themes is None else _names_once(problems, raw.themes, "themes"),
    )

    segment_refs = _collect_refs(problems, raw.segments, "segments")
    persona_refs = _collect_refs(problems, raw.personas, "personas")
    participant_refs = _collect_refs(problems, raw.participants, "participants")
    names: dict[str, str] = {}
    for n, (_,), factor in _rows(problems, raw.factors, "factors", FactorCreate, None, ("ref",)):
        _check_name_once(problems, factor.name, f"factors[{n}]", names)
        parsed.factors.append(factor)

    names = {}
    for n, (ref, revealed, key_factors), segment in _rows(
        problems, raw.segments, "segments", SegmentCreate, SEGMENT_LABELS, ("ref", "ratings_revealed", "key_factors")
    ):
        _check_name_once(problems, segment.name, f"segments[{n}]", names)
        parsed.segments.append((str(ref), segment))
        if revealed is not None and not isinstance(revealed, bool):  # 1 == True, but 1 is not a flag
            problems.append(Problem(f"segments[{n}] › ratings_revealed", "must be true or false."))
        parsed.key_factors[str(ref)] = (
            revealed is True,
            _parse_key_factors(
                problems,
                _list(problems, key_factors, f"segments[{n}] › key_factors"),
                f"segments[{n}] › key_factors",
                participant_refs,
            ),
        )

    names = {}
    for n, (ref, segment_ref), persona in _rows(
        problems, raw.personas, "personas", PersonaCreate, PERSONA_LABELS, ("ref", "segment"), {"segment_id": 0}
    ):
        _check_name_once(problems, persona.name, f"personas[{n}]", names)
        parsed.personas.append(
            (
                str(ref),
                _ref(problems, segment_ref, f"personas[{n}] › segment", segment_refs, "segment"),
                persona.model_dump(exclude={"segment_id"}),
            )
        )

    names = {}
    for n, (ref,), participant in _rows(problems, raw.participants, "participants", ParticipantCreate, None, ("ref",)):
        _check_name_once(problems, participant.name, f"participants[{n}]", names)
        parsed.participants.append((str(ref), participant))

    for n, (segments, personas), insight in _rows(
        problems, raw.insights, "insights", InsightCreate, INSIGHT_LABELS, ("segments", "personas")
    ):
        where = f"insights[{n}]"
        parsed.insights.append(
            (
                insight,
                [
                    _ref(problems, r, f"{where} › segments", segment_refs, "segment")
                    for r in _list(problems, segments, f"{where} › segments")
                ],
                [
                    _ref(problems, r, f"{where} › personas", persona_refs, "persona")
                    for r in _list(problems, personas, f"{where} › personas")
                ],
            )
        )

    if raw.readiness is not None:
        parsed.readiness = []
        texts: dict[str, str] = {}
        for n, (ratings,), statement in _rows(
            problems, raw.readiness, "readiness", ReadinessStatementCreate, None, ("ratings",)
        ):
            _check_name_once(problems, statement.text, f"readiness[{n}]", texts)
            if statement.key is not None and statement.key not in STANDARD_KEYS:
                problems.append(
                    Problem(
                        f"readiness[{n}] › key",
                        f"'{statement.key}' is not a standard statement; "
                        "leave the key out for a statement of your own.",
                    )
                )
            clean_ratings, raters = [], set()
            for m, (participant,), rating in _rows(
                problems,
                _list(problems, ratings, f"readiness[{n}] › ratings"),
                f"readiness[{n}] › ratings",
                ReadinessRatingIn,
                None,
                ("participant",),
                {"statement_id": 0},
            ):
                ref = _ref(
                    problems,
                    participant,
                    f"readiness[{n}] › ratings[{m}] › participant",
                    participant_refs,
                    "participant",
                )
                if ref in raters or rating.score is None:
                    problems.append(Problem(f"readiness[{n}] › ratings[{m}]", "needs a score, once per participant."))
                raters.add(ref)
                clean_ratings.append((ref, rating))
            parsed.readiness.append((statement, clean_ratings))
    _parse_strategy_map(problems, raw, parsed)
    if raw.promise is not None:
        parsed.promise = _parse_promise(problems, raw.promise, segment_refs)
    if raw.plan is not None:
        node_refs = {str(n.get("ref") or "") for n in raw.map_nodes if isinstance(n, dict)}
        parsed.plan = _parse_plan(problems, raw.plan, node_refs, participant_refs)
    if raw.follow_up is not None:
        # Every goal and action the file names counts, valid or not, so that one bad goal gives one message
        # rather than one more for each of its measurements.
        actions = raw.plan.get("actions") if isinstance(raw.plan, dict) else None
        parsed.follow_up = _parse_follow_up(
            problems,
            raw.follow_up,
            _positional_refs(raw.goals, "G"),
            segment_refs,
            persona_refs,
            _positional_refs(actions if isinstance(actions, list) else [], "A"),
        )
    if problems:
        raise ValidationProblem(problems)
    return parsed


def _parse_strategy_map(problems: list[Problem], raw: _WorkspaceFile, parsed: _Parsed) -> None:
    """Nodes, links, constraints and goals; link kinds are checked again when the import adds
    them, inside the same transaction."""
    node_refs = _collect_refs(problems, raw.map_nodes, "map_nodes")
    kinds: dict[str, str] = {}
    names: dict[str, str] = {}
    for n, (ref,), node in _rows(problems, raw.map_nodes, "map_nodes", MapNodeCreate, MAP_NODE_LABELS, ("ref",)):
        _check_name_once(problems, node.name, f"map_nodes[{n}]", names)
        parsed.map_nodes.append((str(ref), node))
        kinds[str(ref)] = node.kind
    for n, link in enumerate(raw.map_links, start=1):
        if not isinstance(link, list) or len(link) != 2:
            problems.append(Problem(f"map_links[{n}]", "must be a pair [supporting ref, supported ref]."))
            continue
        source = _ref(problems, link[0], f"map_links[{n}]", node_refs, "map node")
        target = _ref(problems, link[1], f"map_links[{n}]", node_refs, "map node")
        parsed.map_links.append((source, target))
    for n, (nodes,), constraint in _rows(
        problems, raw.constraints, "constraints", StrategyConstraintCreate, None, ("nodes",)
    ):
        parsed.constraints.append(
            (
                constraint,
                [
                    _ref(problems, r, f"constraints[{n}] › nodes", node_refs, "map node")
                    for r in _list(problems, nodes, f"constraints[{n}] › nodes")
                ],
            )
        )
    goal_refs: set[str] = set()
    for n, (goal_ref, objective, milestones), goal in _rows(
        problems, raw.goals, "goals", GoalCreate, GOAL_LABELS, ("ref", "objective", "milestones"), {"objective_id": 0}
    ):
        _ref_once(problems, _positional_ref({"ref": goal_ref}, "G", n), f"goals[{n}]", goal_refs)
        ref = _ref(problems, objective, f"goals[{n}] › objective", node_refs, "map node")
        if ref in kinds and kinds[ref] != "objective":
            problems.append(Problem(f"goals[{n}] › objective", f"'{ref}' is not an objective."))
        items = []
        for m, item in enumerate(_list(problems, milestones, f"goals[{n}] › milestones"), start=1):
            if not isinstance(item, dict) or set(item) != {"due", "value"}:
                problems.append(Problem(f"goals[{n}] › milestones[{m}]", "must be an object with due and value."))
                continue
            items.append((item["due"], item["value"]))
        parsed.goals.append((_positional_ref({"ref": goal_ref}, "G", n), ref, goal, items))


_PROMISE_KEYS = {"buzzwords", "jargon", "current", "versions"}


_PLAN_KEYS = {"start", "actions", "reviews", "participation", "role_impacts"}


def _parse_plan(problems: list[Problem], section: dict, node_refs: set[str], participant_refs: set[str]) -> tuple:
    """The plan's start, actions (with the initiatives they serve and their history), reviews, who
    took part in which step, and the role impacts. The horizon rules run again at import."""
    for key in sorted(set(section) - _PLAN_KEYS):
        problems.append(Problem(f"plan › {key}", "is not a known field."))
    try:
        start = optional_date(section.get("start"), "start")
    except ValueError as exc:
        problems.append(Problem("plan › start", str(exc)))
        start = None
    actions, action_refs = [], set()
    for n, (ref, initiatives, history), action in _rows(
        problems,
        _list(problems, section.get("actions"), "plan › actions"),
        "plan › actions",
        ActionCreate,
        ACTION_LABELS,
        ("ref", "initiatives", "history"),
    ):
        where = f"plan › actions[{n}]"
        ref = _positional_ref({"ref": ref}, "A", n)
        _ref_once(problems, ref, where, action_refs)
        refs = [
            _ref(problems, r, f"{where} › initiatives", node_refs, "map node")
            for r in _list(problems, initiatives, f"{where} › initiatives")
        ]
        actions.append((ref, action, refs, _parse_history(problems, history, where)))
    reviews = [
        review
        for _, _, review in _rows(
            problems, _list(problems, section.get("reviews"), "plan › reviews"), "plan › reviews", PlanReviewCreate
        )
    ]
    steps = []
    for n, item in enumerate(_list(problems, section.get("participation"), "plan › participation"), start=1):
        where = f"plan › participation[{n}]"
        if not isinstance(item, dict) or set(item) != {"participant", "steps"} or not isinstance(item["steps"], list):
            problems.append(Problem(where, "must be an object with participant and steps."))
            continue
        ref = _ref(problems, item["participant"], f"{where} › participant", participant_refs, "participant")
        unknown = [s for s in item["steps"] if s not in METHOD_STEPS]
        if unknown:
            problems.append(
                Problem(
                    f"{where} › steps",
                    f"'{str(unknown[0])[:30]}' is not a step of the method: {', '.join(METHOD_STEPS)}.",
                )
            )
        steps.append((ref, [s for s in item["steps"] if s in METHOD_STEPS]))
    impacts = [
        impact
        for _, _, impact in _rows(
            problems,
            _list(problems, section.get("role_impacts"), "plan › role_impacts"),
            "plan › role_impacts",
            RoleImpactCreate,
            ROLE_IMPACT_LABELS,
        )
    ]
    return start, actions, reviews, steps, impacts


_FOLLOW_UP_KEYS = {"goal_measurements", "customer_measurements", "feedback"}


def _positional_ref(item, prefix: str, n: int) -> str:
    """The ref of a goal or an action: its own, else by position (G1, A2), as files before version 7 had none."""
    return str((item.get("ref") if isinstance(item, dict) else None) or f"{prefix}{n}")


def _positional_refs(items: list, prefix: str) -> set[str]:
    return {_positional_ref(item, prefix, n) for n, item in enumerate(items, start=1)}


def _ref_once(problems: list[Problem], ref: str, where: str, seen: set[str]) -> None:
    if ref in seen:
        problems.append(Problem(f"{where} › ref", f"'{ref}' is used twice: each needs a ref of its own."))
    seen.add(ref)


def _optional_ref(problems: list[Problem], value, where: str, known: set[str], what: str) -> str | None:
    return None if value is None else _ref(problems, value, where, known, what)


def _parse_follow_up(
    problems: list[Problem],
    section: dict,
    goal_refs: set[str],
    segment_refs: set[str],
    persona_refs: set[str],
    action_refs: set[str],
) -> tuple:
    """Measured values per goal, customer measures, and the feedback log with its links."""
    for key in sorted(set(section) - _FOLLOW_UP_KEYS):
        problems.append(Problem(f"follow_up › {key}", "is not a known field."))
    measured = []
    for n, (goal,), item in _rows(
        problems,
        _list(problems, section.get("goal_measurements"), "follow_up › goal_measurements"),
        "follow_up › goal_measurements",
        GoalMeasurementCreate,
        MEASUREMENT_LABELS,
        ("goal",),
        {"goal_id": 0},
    ):
        measured.append(
            (
                _ref(problems, goal, f"follow_up › goal_measurements[{n}] › goal", goal_refs, "goal"),
                item.model_dump(exclude={"goal_id"}),
            )
        )
    customer = []
    for n, (segment,), item in _rows(
        problems,
        _list(problems, section.get("customer_measurements"), "follow_up › customer_measurements"),
        "follow_up › customer_measurements",
        CustomerMeasurementCreate,
        MEASUREMENT_LABELS,
        ("segment",),
    ):
        customer.append(
            (
                _optional_ref(
                    problems, segment, f"follow_up › customer_measurements[{n}] › segment", segment_refs, "segment"
                ),
                item,
            )
        )
    feedback = []
    # A placeholder id stands in for a linked action, so that "acted on needs an action or what was done"
    # is checked as the form checks it; the import puts the new action's id in its place.
    items = [
        item | {"action_id": 0} if isinstance(item, dict) and item.get("action") is not None else item
        for item in _list(problems, section.get("feedback"), "follow_up › feedback")
    ]
    for n, (changed_on, segment, persona, action), item in _rows(
        problems,
        items,
        "follow_up › feedback",
        FeedbackCreate,
        FEEDBACK_LABELS,
        ("status_changed_on", "segment", "persona", "action"),
    ):
        where = f"follow_up › feedback[{n}]"
        try:
            changed = optional_date(changed_on, "status_changed_on")
        except ValueError as exc:
            problems.append(Problem(f"{where} › status_changed_on", str(exc)))
            changed = None
        feedback.append(
            (
                item,
                changed,
                _optional_ref(problems, segment, f"{where} › segment", segment_refs, "segment"),
                _optional_ref(problems, persona, f"{where} › persona", persona_refs, "persona"),
                _optional_ref(problems, action, f"{where} › action", action_refs, "action"),
            )
        )
    return measured, customer, feedback


def _parse_history(problems: list[Problem], history, where: str) -> list[dict]:
    changes = []
    for m, item in enumerate(_list(problems, history, f"{where} › history"), start=1):
        if (
            not isinstance(item, dict)
            or set(item) != _HISTORY_KEYS
            or not all(isinstance(item[k], str) for k in _HISTORY_KEYS)
        ):
            problems.append(
                Problem(
                    f"{where} › history[{m}]",
                    "must be an object with changed_at, changed_by, field, old and new, all text.",
                )
            )
            continue
        try:
            when = as_utc(datetime.fromisoformat(item["changed_at"]))
        except ValueError:
            problems.append(Problem(f"{where} › history[{m}] › changed_at", "is not a date and time."))
            continue
        changes.append(
            {
                "changed_at": when,
                "changed_by": item["changed_by"][:120],
                "field": item["field"][:40],
                "old": item["old"],
                "new": item["new"],
            }
        )
    return changes


def _whole_number(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _parse_promise(problems: list[Problem], section: dict, segment_refs: set[str]) -> tuple:
    """The word lists and the versions; numbers are kept, so 'restored from version 2' still holds."""
    for key in sorted(set(section) - _PROMISE_KEYS):
        problems.append(Problem(f"promise › {key}", "is not a known field."))
    lists = []
    for key in ("buzzwords", "jargon"):
        try:
            lists.append(parse_terms(_list(problems, section.get(key), f"promise › {key}")))
        except ValidationProblem as exc:
            problems.extend(
                Problem(_at(f"promise › {key}[{p.row}]" if p.row else f"promise › {key}"), p.message)
                for p in exc.problems
            )
            lists.append([])
    items = _list(problems, section.get("versions"), "promise › versions")
    # Every number first, so a version may restore one listed after it in the file.
    numbers: set[int] = set()
    for item in items:
        number = item.get("number") if isinstance(item, dict) else None
        if _whole_number(number):
            numbers.add(number)
    versions, seen = [], set()
    for n, (number, created_at, restored_from, segments), version in _rows(
        problems,
        items,
        "promise › versions",
        PromiseVersionCreate,
        PROMISE_LABELS,
        ("number", "created_at", "restored_from", "segments"),
    ):
        where = f"promise › versions[{n}]"
        if not _whole_number(number) or number in seen:
            problems.append(Problem(f"{where} › number", "must be a whole number from 1, once per version."))
        else:
            seen.add(number)
            if restored_from is not None and not (
                _whole_number(restored_from) and restored_from in numbers and restored_from < number
            ):
                problems.append(Problem(f"{where} › restored_from", "must be the number of an earlier version."))
        try:
            when = datetime.fromisoformat(str(created_at)) if created_at else None
        except ValueError:
            problems.append(Problem(f"{where} › created_at", f"'{str(created_at)[:30]}' is not a date and time."))
            when = None
        if when is not None:  # stored in UTC: SQLite keeps no offset
            when = as_utc(when)
        refs = [
            _ref(problems, r, f"{where} › segments", segment_refs, "segment")
            for r in _list(problems, segments, f"{where} › segments")
        ]
        versions.append((number, version, when, restored_from, refs))
    current = section.get("current")
    if current is not None and not (_whole_number(current) and current in numbers):
        problems.append(
            Problem("promise › current", f"refers to version {str(current)[:20]}, which is not in the file.")
        )
    return lists[0], lists[1], versions, current


def _parse_key_factors(problems: list[Problem], items: list, where: str, participant_refs: set[str]):
    result, seen = [], set()
    for n, (ratings,), factor in _rows(problems, items, where, SegmentFactorIn, None, ("ratings",)):
        if factor.factor.lower() in seen:
            problems.append(Problem(f"{where}[{n}] › factor", f"'{factor.factor}' is listed twice."))
        seen.add(factor.factor.lower())
        clean, raters = [], set()
        for m, (participant,), rating in _rows(
            problems,
            _list(problems, ratings, f"{where}[{n}] › ratings"),
            f"{where}[{n}] › ratings",
            StrengthRatingIn,
            None,
            ("participant",),
            {"segment_factor_id": 0},
        ):
            ref = _ref(
                problems, participant, f"{where}[{n}] › ratings[{m}] › participant", participant_refs, "participant"
            )
            if ref in raters or rating.score is None:
                problems.append(Problem(f"{where}[{n}] › ratings[{m}]", "needs a score, once per participant."))
            raters.add(ref)
            clean.append((ref, rating.score))
        result.append((factor, clean))
    return result


def _names_once(problems: list[Problem], items: list[str], where: str) -> list[str]:
    """A list of names (value drivers, themes): each a valid name, each once."""
    seen: dict[str, str] = {}
    names = []
    for n, item in enumerate(items, start=1):
        try:
            name = clean_name(item, "Name")
        except ValueError as exc:
            problems.append(Problem(f"{where}[{n}]", str(exc)))
            continue
        _check_name_once(problems, name, f"{where}[{n}]", seen)
        names.append(name)
    return names


def _check_name_once(problems: list[Problem], name: str, where: str, seen: dict[str, str]) -> None:
    """Names are unique per workspace (ignoring case), so a file may use each name once."""
    if name.lower() in seen:
        problems.append(Problem(f"{where} › Name", f"'{name}' is already used by {seen[name.lower()]} in the file."))
    else:
        seen[name.lower()] = where


def import_workspace(
    *, session: Session, document: dict, name: str | None = None, exact_name: bool = False
) -> WorkspaceRead:
    """Create a new workspace from a parsed document, in the caller's transaction.

    The name is `name`, else the file's; when taken it gets a " (2)" suffix, unless
    `exact_name` asks for that name or a clear refusal (creating from the demo does).

    Everything is validated before the first row is written; a failure later still rolls
    the whole import back because the caller's unit of work does.
    """
    if exact_name or (name and name.strip()):
        # Check the chosen name and currency first, so their message names the form's fields.
        given = document.get("workspace") if isinstance(document.get("workspace"), dict) else {}
        chosen = validated(WorkspaceCreate, {"name": name, "currency": given.get("currency", "NOK")})
        document = document | {"workspace": given | chosen.model_dump(include={"name", "currency"})}
    parsed = _validate_document(document)
    workspace_data = parsed.workspace
    if not exact_name:
        workspace_data = workspace_data.model_copy(
            update={"name": free_workspace_name(session=session, wanted=workspace_data.name)}
        )
    workspace = create_workspace(session=session, data=workspace_data, with_defaults=False)
    ws = workspace.id
    for driver in parsed.value_drivers:
        add_value_driver(session=session, workspace_id=ws, name=driver)
    for theme in parsed.themes if parsed.themes is not None else DEFAULT_THEMES:
        add_theme(session=session, workspace_id=ws, name=theme)
    segment_ids = {
        ref: create_segment(session=session, workspace_id=ws, data=segment).id for ref, segment in parsed.segments
    }
    persona_ids = {
        ref: create_persona(
            session=session, workspace_id=ws, data=persona | {"segment_id": segment_ids[segment_ref]}
        ).id
        for ref, segment_ref, persona in parsed.personas
    }
    participant_ids = {
        ref: create_participant(session=session, workspace_id=ws, data=participant).id
        for ref, participant in parsed.participants
    }
    for factor in parsed.factors:
        add_factor(session=session, workspace_id=ws, data=factor)
    for ref, (revealed, key_factors) in parsed.key_factors.items():
        if revealed:  # also for a segment without key factors, so the flag survives a round trip
            set_ratings_revealed(session=session, workspace_id=ws, segment_id=segment_ids[ref], revealed=True)
        if not key_factors:
            continue
        created = set_segment_factors(
            session=session, workspace_id=ws, segment_id=segment_ids[ref], factors=[factor for factor, _ in key_factors]
        )
        by_participant: dict[str, list[dict]] = {}
        for row, (_, ratings) in zip(created, key_factors):
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
    node_ids, goal_ids = _import_strategy_map(session, ws, parsed)
    _import_promise(session, ws, parsed, segment_ids)
    action_ids = _import_plan(session, ws, parsed, participant_ids, node_ids)
    _import_follow_up(session, ws, parsed, goal_ids, segment_ids, persona_ids, action_ids)
    for insight, segment_refs, persona_refs in parsed.insights:
        create_insight(
            session=session,
            workspace_id=ws,
            data=insight.model_copy(
                update={
                    "segment_ids": [segment_ids[r] for r in segment_refs],
                    "persona_ids": [persona_ids[r] for r in persona_refs],
                }
            ),
        )
    if parsed.readiness is None:
        seed_standard_statements(session, ws)
    else:
        given = {statement.key for statement, _ in parsed.readiness}
        for key, text, why in STANDARD_STATEMENTS:
            if key not in given:  # the method's statements are always part of the check
                parsed.readiness.append((ReadinessStatementCreate(key=key, text=text, why=why), []))
        for statement, ratings in parsed.readiness:
            statement_id = add_statement(session=session, workspace_id=ws, data=statement).id
            by_participant: dict[str, list[ReadinessRatingIn]] = {}
            for ref, rating in ratings:
                by_participant.setdefault(ref, []).append(rating.model_copy(update={"statement_id": statement_id}))
            for ref, items in by_participant.items():
                save_ratings(session=session, workspace_id=ws, participant_id=participant_ids[ref], ratings=items)
    return workspace


def _import_strategy_map(session: Session, ws: int, parsed: _Parsed) -> tuple[dict[str, int], dict[str, int]]:
    """Nodes, links, goals and constraints; returns the file's node and goal refs -> the new ids."""
    node_ids = {ref: create_node(session=session, workspace_id=ws, data=node).id for ref, node in parsed.map_nodes}
    problems: list[Problem] = []
    for n, (source, target) in enumerate(parsed.map_links, start=1):
        try:
            add_link(session=session, workspace_id=ws, source_id=node_ids[source], target_id=node_ids[target])
        except ValidationProblem as exc:
            problems.extend(Problem(f"map_links[{n}]", p.message) for p in exc.problems)
    goal_ids: dict[str, int] = {}
    for n, (ref, goal_ref, goal, milestones) in enumerate(parsed.goals, start=1):
        try:
            # A file may hold goals whose deadline has passed since it was exported.
            created = create_goal(
                session=session,
                workspace_id=ws,
                allow_past_deadline=True,
                data=goal.model_copy(update={"objective_id": node_ids[goal_ref]}),
            )
            goal_ids[ref] = created.id
            if milestones:
                set_milestones(session=session, workspace_id=ws, goal_id=created.id, milestones=milestones)
        except ValidationProblem as exc:  # set_milestones numbers the milestones from 1, as the file does
            problems.extend(
                Problem(_at(f"goals[{n}]", "" if p.row is None else f"milestones[{p.row}]", p.field), p.message)
                for p in exc.problems
            )
    if problems:
        raise ValidationProblem(problems)
    for constraint, refs in parsed.constraints:
        add_constraint(
            session=session,
            workspace_id=ws,
            data=constraint.model_copy(update={"node_ids": [node_ids[r] for r in refs]}),
        )
    return node_ids, goal_ids


def _import_promise(session: Session, ws: int, parsed: _Parsed, segment_ids: dict[str, int]) -> None:
    if parsed.promise is None:
        seed_terms(session, ws)
        return
    buzzwords, jargon, versions, current = parsed.promise
    seed_terms(session, ws, {"buzzword": buzzwords, "jargon": jargon})
    # Numbers are given by position, so a file numbered 1, 2, 5 gets 1, 2, 3; the references follow.
    new_number: dict[int, int] = {}
    for position, (number, version, created_at, restored_from, refs) in enumerate(
        sorted(versions, key=lambda v: v[0]), start=1
    ):
        new_number[number] = position
        save_version(
            session=session,
            workspace_id=ws,
            created_at=created_at,
            make_current=number == current,
            restored_from=new_number.get(restored_from),
            data=version.model_copy(update={"segment_ids": [segment_ids[r] for r in refs]}),
        )


def _import_plan(
    session: Session, ws: int, parsed: _Parsed, participant_ids: dict[str, int], node_ids: dict[str, int]
) -> dict[str, int]:
    """The plan; returns the file's action refs -> the new action ids."""
    if parsed.plan is None:
        return {}
    start, actions, reviews, steps, impacts = parsed.plan
    action_ids: dict[str, int] = {}
    if start is not None:
        set_plan_start(session=session, workspace_id=ws, start=start)
    problems: list[Problem] = []
    for n, (ref, action, refs, history) in enumerate(actions, start=1):
        try:
            created = create_action(
                session=session,
                workspace_id=ws,
                data=action.model_copy(update={"initiative_ids": [node_ids[r] for r in refs]}),
            )
        except ValidationProblem as exc:
            problems.extend(Problem(_at(f"plan › actions[{n}]", p.field), p.message) for p in exc.problems)
            continue
        action_ids[ref] = created.id
        if history:  # the file's history replaces the one the import itself would start
            session.exec(delete(ActionChange).where(ActionChange.action_id == created.id))
            for change in history:
                session.add(ActionChange(workspace_id=ws, action_id=created.id, **change))
            session.flush()
    for n, review in enumerate(reviews, start=1):
        try:  # a review in the file happened before it was exported, so any date is past
            add_review(session=session, workspace_id=ws, data=review, today=date.max)
        except ValidationProblem as exc:
            problems.extend(Problem(_at(f"plan › reviews[{n}]", p.field), p.message) for p in exc.problems)
    for ref, chosen in steps:
        set_participation(session=session, workspace_id=ws, participant_id=participant_ids[ref], steps=chosen)
    for n, impact in enumerate(impacts, start=1):
        try:
            save_role_impact(session=session, workspace_id=ws, data=impact)
        except ValidationProblem as exc:
            problems.extend(Problem(_at(f"plan › role_impacts[{n}]", p.field), p.message) for p in exc.problems)
    if problems:
        raise ValidationProblem(problems)
    return action_ids


def _import_follow_up(
    session: Session,
    ws: int,
    parsed: _Parsed,
    goal_ids: dict[str, int],
    segment_ids: dict[str, int],
    persona_ids: dict[str, int],
    action_ids: dict[str, int],
) -> None:
    if parsed.follow_up is None:
        return
    measured, customer, feedback = parsed.follow_up
    problems: list[Problem] = []
    by_goal: dict[str, list[tuple[int, dict]]] = {}
    for n, (goal_ref, fields) in enumerate(measured, start=1):
        by_goal.setdefault(goal_ref, []).append((n, fields))
    for goal_ref, rows in by_goal.items():
        try:  # the file's values were measured before it was exported, so no day is in the future
            set_goal_measurements(
                session=session,
                workspace_id=ws,
                goal_id=goal_ids[goal_ref],
                today=date.max,
                rows=[fields for _, fields in rows],
                row_numbers=[n for n, _ in rows],
            )
        except ValidationProblem as exc:
            problems.extend(
                Problem(_at(f"follow_up › goal_measurements[{p.row}]", p.field), p.message) for p in exc.problems
            )
    for n, (segment_ref, item) in enumerate(customer, start=1):
        try:
            add_customer_measurement(
                session=session,
                workspace_id=ws,
                today=date.max,
                data=item.model_copy(update={"segment_id": None if segment_ref is None else segment_ids[segment_ref]}),
            )
        except ValidationProblem as exc:
            problems.extend(
                Problem(_at(f"follow_up › customer_measurements[{n}]", p.field), p.message) for p in exc.problems
            )
    for n, (item, changed_on, segment_ref, persona_ref, action_ref) in enumerate(feedback, start=1):
        try:
            # A file without the day the status changed: the day it was received is the one day known.
            create_feedback(
                session=session,
                workspace_id=ws,
                today=date.max,
                status_changed_on=changed_on or item.received_on,
                data=item.model_copy(
                    update={
                        "segment_id": None if segment_ref is None else segment_ids[segment_ref],
                        "persona_id": None if persona_ref is None else persona_ids[persona_ref],
                        "action_id": None if action_ref is None else action_ids[action_ref],
                    }
                ),
            )
        except ValidationProblem as exc:
            problems.extend(Problem(_at(f"follow_up › feedback[{n}]", p.field), p.message) for p in exc.problems)
    if problems:
        raise ValidationProblem(problems)


# The day the demo's story is told from: its last measurements, its overdue actions and its
# late feedback are as they should look on this day. Loading moves every date by the same number
# of days, so the demo tells the same story on whatever day it is loaded.
DEMO_ANCHOR = date(2026, 12, 1)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2}|Z)?")


def shift_dates(value, days: int):
    """`value` (parsed JSON) with every date and moment moved by `days`; user text is never a
    bare date, so only whole values that are dates move."""
    if isinstance(value, dict):
        return {key: shift_dates(item, days) for key, item in value.items()}
    if isinstance(value, list):
        return [shift_dates(item, days) for item in value]
    if isinstance(value, str) and days:
        if _DATE.fullmatch(value):
            return (date.fromisoformat(value) + timedelta(days=days)).isoformat()
        if _MOMENT.fullmatch(value):
            moved = datetime.fromisoformat(value.replace("Z", "+00:00")) + timedelta(days=days)
            return moved.isoformat(timespec="seconds")
    return value


def load_demo_document(today: date | None = None) -> dict:
    """The demo, its dates moved from its anchor day to `today` (the clock's day)."""
    document = parse_workspace_file(DEMO_PATH.read_bytes())
    return shift_dates(document, ((today or clock.today()) - DEMO_ANCHOR).days)
