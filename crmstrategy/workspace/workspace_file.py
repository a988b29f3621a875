"""The whole-workspace JSON file's one entry point: export, validation and import, section by section
(each step's sections are in its own workspace_file module), and the demo, which loads this way."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError
from sqlmodel import Session

from crmstrategy.analysis import workspace_file as analysis_file
from crmstrategy.analysis.models import (
    FactorCreate,
    InsightCreate,
    ParticipantCreate,
    ReadinessRatingIn,
    ReadinessStatementCreate,
    SegmentCreate,
)
from crmstrategy.analysis.workspace_file import KeyFactors
from crmstrategy.core import clock
from crmstrategy.core.errors import Problem, ValidationProblem, problems_from_pydantic
from crmstrategy.core.models import WorkspaceCreate, WorkspaceRead
from crmstrategy.core.text import displayable, refuse_unstorable
from crmstrategy.core.validation import validated
from crmstrategy.core.workspace_file import at, collect_refs, positional_refs, raise_problems
from crmstrategy.implementation import workspace_file as implementation_file
from crmstrategy.strategy import workspace_file as strategy_file
from crmstrategy.strategy.models import MapNodeCreate, StrategyConstraintCreate
from crmstrategy.strategy.workspace_file import ParsedGoal
from crmstrategy.workspace.workspaces import create_workspace, free_workspace_name, get_workspace

# References between entities use refs local to the file ("S1", "P3"), never database ids,
# so a file can be imported into any database, any number of times.
FORMAT_VERSION = 7
# version 1 had no insights, themes, participants or readiness check; version 2 no key factors;
# version 3 no strategy map or goals; version 4 no customer promise; version 5 no implementation plan
READABLE_VERSIONS = (1, 2, 3, 4, 5, 6, 7)
KIND = "crm-strategy-workbench/workspace"
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 8
DEMO_PATH = Path(__file__).resolve().parents[2] / "data" / "demo_workspace.json"

_WORKSPACE_FIELDS = {
    "name",
    "currency",
    "description",
    "weight_size",
    "weight_potential",
    "weight_growth",
    "max_long_term_goals",
}


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
    map_links: list = []  # each item is checked (and numbered from 1) by parse_map_links
    constraints: list[dict] = []
    goals: list[dict] = []
    promise: dict | None = None  # None: a file from before version 5, the default word lists apply
    plan: dict | None = None  # None: a file from before version 6, no plan yet
    follow_up: dict | None = None  # None: a file from before version 7, nothing measured yet


# --- export ----------------------------------------------------------------------------


def export_workspace(*, session: Session, workspace_id: int) -> dict:
    workspace = get_workspace(session=session, workspace_id=workspace_id)
    listed = analysis_file.export_rows(session, workspace_id)
    return (
        {
            "format_version": FORMAT_VERSION,
            "kind": KIND,
            "exported_at": clock.now().isoformat(timespec="seconds"),
            "workspace": workspace.model_dump(include=_WORKSPACE_FIELDS),
            "value_drivers": analysis_file.export_value_drivers(session, workspace_id),
            "factors": analysis_file.export_factors(session, workspace_id),
            "segments": analysis_file.export_segments(session, workspace_id, listed),
            "personas": analysis_file.export_personas(listed),
            "themes": analysis_file.export_themes(session, workspace_id),
            "participants": analysis_file.export_participants(listed),
            "insights": analysis_file.export_insights(session, workspace_id, listed),
            "readiness": analysis_file.export_readiness(session, workspace_id, listed),
        }
        | strategy_file.export_strategy_map(session, workspace_id)
        | {
            "goals": strategy_file.export_goals(session, workspace_id),
            "promise": strategy_file.export_promise(session, workspace_id, listed.segment_refs),
            "plan": implementation_file.export_plan(session, workspace_id, listed.participant_refs),
            "follow_up": implementation_file.export_follow_up(
                session, workspace_id, listed.segment_refs, listed.persona_refs
            ),
        }
    )


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
    # JSON can spell characters no database stores (\ud800, \u0000); refused here, each by its place,
    # before any rule quotes them back.
    raise_problems(list(_unstorable(document, "")))
    version = document.get("format_version")
    if version not in READABLE_VERSIONS:
        readable = " and ".join(str(v) for v in READABLE_VERSIONS)
        raise ValidationProblem(
            f"The file has format version {version!r}; this workbench reads versions "
            f"{readable}. Export it again from a current workbench."
        )
    return document


_MAX_UNSTORABLE_SHOWN = 20


def _unstorable(value, where: str):
    """A problem for each text in the document (keys included) holding a character that cannot be
    stored, by its place in the file; at most _MAX_UNSTORABLE_SHOWN of them."""
    shown = 0
    stack = [(where, value)]
    while stack and shown < _MAX_UNSTORABLE_SHOWN:
        place, item = stack.pop(0)
        if isinstance(item, dict):
            for key, inner in item.items():
                stack.append((at(place, str(key)), key))
                stack.append((at(place, displayable(str(key))), inner))
        elif isinstance(item, list):
            stack.extend((f"{place}[{n}]", inner) for n, inner in enumerate(item, start=1))
        elif isinstance(item, str):
            try:
                refuse_unstorable(item, "The text")
            except ValueError as exc:
                shown += 1
                yield Problem(place or "the file", str(exc))


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
    """A validated document's sections: every row checked, every reference resolved to a ref in the file."""

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
    goals: list[ParsedGoal] = field(default_factory=list)
    # None: nothing measured in the file; else (goal measurements [(goal ref, fields)], customer measurements
    # [(segment ref or None, model)], feedback [(model, status changed on, segment, persona, action refs)])
    follow_up: tuple | None = None
    # None: the default word lists; else (buzzwords, jargon, [(number, version, created_at, restored_from,
    # segment refs)], current number)
    promise: tuple[list[str], list[str], list[tuple], int | None] | None = None
    # None: no plan in the file; else (start, [(action, node refs, history)], reviews, [(participant ref, steps)],
    # role impacts)
    plan: tuple | None = None
    key_factors: KeyFactors = field(default_factory=dict)


def _validate_document(document: dict) -> tuple[WorkspaceCreate, _Parsed]:
    """Every section checked in the file's order, each problem named by its place; refs are
    collected before the rows that refer to them."""
    try:
        raw = _WorkspaceFile.model_validate(document)
    except ValidationError as exc:
        raise ValidationProblem(problems_from_pydantic(exc)) from None
    problems: list[Problem] = []
    workspace = _parse_workspace_row(problems, raw.workspace)
    parsed = _Parsed(
        analysis_file.parse_value_drivers(problems, raw.value_drivers),
        themes=analysis_file.parse_themes(problems, raw.themes),
    )
    segment_refs = collect_refs(problems, raw.segments, "segments")
    persona_refs = collect_refs(problems, raw.personas, "personas")
    participant_refs = collect_refs(problems, raw.participants, "participants")
    parsed.factors = analysis_file.parse_factors(problems, raw.factors)
    parsed.segments, parsed.key_factors = analysis_file.parse_segments(problems, raw.segments, participant_refs)
    parsed.personas = analysis_file.parse_personas(problems, raw.personas, segment_refs)
    parsed.participants = analysis_file.parse_participants(problems, raw.participants)
    parsed.insights = analysis_file.parse_insights(problems, raw.insights, segment_refs, persona_refs)
    parsed.readiness = analysis_file.parse_readiness(problems, raw.readiness, participant_refs)
    node_refs = collect_refs(problems, raw.map_nodes, "map_nodes")
    parsed.map_nodes = strategy_file.parse_map_nodes(problems, raw.map_nodes)
    parsed.map_links = strategy_file.parse_map_links(problems, raw.map_links, node_refs)
    parsed.constraints = strategy_file.parse_constraints(problems, raw.constraints, node_refs)
    parsed.goals = strategy_file.parse_goals(problems, raw.goals, node_refs, parsed.map_nodes)
    parsed.promise = strategy_file.parse_promise(problems, raw.promise, segment_refs)
    # The refs the map's nodes name; collect_refs above has reported any missing or used twice.
    named_nodes = {str(n.get("ref") or "") for n in raw.map_nodes if isinstance(n, dict)}
    parsed.plan = implementation_file.parse_plan(problems, raw.plan, named_nodes, participant_refs)
    # Every goal and action the file names counts, valid or not, so that one bad goal gives one message
    # rather than one more for each of its measurements.
    parsed.follow_up = implementation_file.parse_follow_up(
        problems,
        raw.follow_up,
        positional_refs(raw.goals, "G"),
        segment_refs,
        persona_refs,
        implementation_file.file_action_refs(raw.plan),
    )
    raise_problems(problems)
    assert workspace is not None  # a workspace row that is not valid is among the problems raised
    return workspace, parsed


def _parse_workspace_row(problems: list[Problem], row: dict) -> WorkspaceCreate | None:
    try:
        return WorkspaceCreate.model_validate(row)
    except ValidationError as exc:
        problems.extend(Problem(f"workspace › {p.field}", p.message) for p in problems_from_pydantic(exc))
        return None


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
        row = document.get("workspace")
        given = row if isinstance(row, dict) else {}
        chosen = validated(WorkspaceCreate, {"name": name, "currency": given.get("currency", "NOK")})
        document = document | {"workspace": given | chosen.model_dump(include={"name", "currency"})}
    workspace_data, parsed = _validate_document(document)
    if not exact_name:
        workspace_data = workspace_data.model_copy(
            update={"name": free_workspace_name(session=session, wanted=workspace_data.name)}
        )
    workspace = create_workspace(session=session, data=workspace_data, with_defaults=False)
    _import_sections(session, workspace.id, parsed)
    return workspace


def _import_sections(session: Session, ws: int, parsed: _Parsed) -> None:
    """Each section in turn; a section gets the new ids of the rows it refers to, by the file's refs."""
    analysis_file.import_value_drivers(session, ws, parsed.value_drivers)
    analysis_file.import_themes(session, ws, parsed.themes)
    segment_ids = analysis_file.import_segments(session, ws, parsed.segments)
    persona_ids = analysis_file.import_personas(session, ws, parsed.personas, segment_ids)
    participant_ids = analysis_file.import_participants(session, ws, parsed.participants)
    analysis_file.import_factors(session, ws, parsed.factors)
    analysis_file.import_key_factors(session, ws, parsed.key_factors, segment_ids, participant_ids)
    node_ids, goal_ids = strategy_file.import_strategy_map(
        session, ws, parsed.map_nodes, parsed.map_links, parsed.goals, parsed.constraints
    )
    strategy_file.import_promise(session, ws, parsed.promise, segment_ids)
    action_ids = implementation_file.import_plan(session, ws, parsed.plan, participant_ids, node_ids)
    implementation_file.import_follow_up(session, ws, parsed.follow_up, goal_ids, segment_ids, persona_ids, action_ids)
    analysis_file.import_insights(session, ws, parsed.insights, segment_ids, persona_ids)
    analysis_file.import_readiness(session, ws, parsed.readiness, participant_ids)


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
