"""Whole-workspace export to one JSON document and import from one (the demo loads this way).

References between entities use refs local to the file ("S1", "P3"), never database ids,
so a file can be imported into any database, any number of times.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError
from sqlmodel import Session

from crmstrategy.errors import Problem, ValidationProblem, problems_from_pydantic
from crmstrategy.models import (
    PERSONA_LABELS, SEGMENT_LABELS, PersonaCreate, SegmentCreate, WorkspaceCreate, WorkspaceRead,
)
from crmstrategy.validation import validated
from crmstrategy.personas import create_persona, list_personas
from crmstrategy.segments import add_value_driver, create_segment, list_segments, list_value_drivers
from crmstrategy.workspaces import create_workspace, free_workspace_name, get_workspace

FORMAT_VERSION = 1
KIND = "crm-strategy-workbench/workspace"
MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 8
DEMO_PATH = Path(__file__).resolve().parent.parent / "data" / "demo_workspace.json"

_SEGMENT_FIELDS = list(SegmentCreate.model_fields)
_PERSONA_FIELDS = [f for f in PersonaCreate.model_fields if f != "segment_id"]


class _WorkspaceFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    format_version: int
    kind: str
    exported_at: str | None = None
    workspace: dict
    value_drivers: list[str] = []
    segments: list[dict] = []
    personas: list[dict] = []


# --- export ----------------------------------------------------------------------------

def export_workspace(*, session: Session, workspace_id: int) -> dict:
    workspace = get_workspace(session=session, workspace_id=workspace_id)
    segments = list_segments(session=session, workspace_id=workspace_id)
    segment_refs = {segment.id: f"S{n}" for n, segment in enumerate(segments, start=1)}
    personas = list_personas(session=session, workspace_id=workspace_id)
    return {
        "format_version": FORMAT_VERSION,
        "kind": KIND,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "workspace": workspace.model_dump(include={"name", "currency", "description"}),
        "value_drivers": list_value_drivers(session=session, workspace_id=workspace_id),
        "segments": [
            {"ref": segment_refs[s.id]} | s.model_dump(include=set(_SEGMENT_FIELDS)) for s in segments
        ],
        "personas": [
            {"ref": f"P{n}", "segment": segment_refs[p.segment_id]}
            | p.model_dump(include=set(_PERSONA_FIELDS))
            for n, p in enumerate(personas, start=1)
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
        raise ValidationProblem(f"The file is {len(raw) / 1e6:.1f} MB; a workspace file can be at most "
                                f"{MAX_FILE_BYTES // (1024 * 1024)} MB.")
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ValidationProblem("The file is not UTF-8 text, so it is not a workspace export.") from None
    except RecursionError:
        raise ValidationProblem("The file is nested too deeply to be a workspace export.") from None
    except json.JSONDecodeError as exc:
        raise ValidationProblem(f"The file is not valid JSON (line {exc.lineno}, column {exc.colno}: "
                                f"{exc.msg}).") from None
    if _depth(document) > MAX_DEPTH:
        raise ValidationProblem("The file is nested too deeply to be a workspace export.")
    if not isinstance(document, dict) or document.get("kind") != KIND:
        raise ValidationProblem("This JSON file is not a CRM Strategy Workbench workspace export.")
    version = document.get("format_version")
    if version != FORMAT_VERSION:
        raise ValidationProblem(f"The file has format version {version!r}; this workbench reads version "
                                f"{FORMAT_VERSION}. Export it again from a current workbench.")
    return document


def _depth(value, level: int = 1) -> int:
    if level > MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level)
    return level


def _validate_document(document: dict) -> tuple[WorkspaceCreate, list[str], list[tuple[str, SegmentCreate]],
                                                 list[tuple[str, dict]]]:
    try:
        parsed = _WorkspaceFile.model_validate(document)
    except ValidationError as exc:
        raise ValidationProblem(problems_from_pydantic(exc)) from None
    problems: list[Problem] = []
    workspace = None
    try:
        workspace = WorkspaceCreate.model_validate(parsed.workspace)
    except ValidationError as exc:
        problems += [Problem(f"workspace › {p.field}", p.message) for p in problems_from_pydantic(exc)]
    segments: list[tuple[str, SegmentCreate]] = []
    refs: set[str] = set()
    segment_names: dict[str, str] = {}
    persona_names: dict[str, str] = {}
    for n, item in enumerate(parsed.segments, start=1):
        item = dict(item)
        ref = str(item.pop("ref", "") or "")
        if not ref or ref in refs:
            problems.append(Problem(f"segments[{n}] › ref", "is missing or used twice."))
        refs.add(ref)
        try:
            segment = SegmentCreate.model_validate(item)
            _check_name_once(problems, segment.name, f"segments[{n}]", segment_names)
            segments.append((ref, segment))
        except ValidationError as exc:
            problems += [Problem(f"segments[{n}] › {p.field}", p.message)
                         for p in problems_from_pydantic(exc, SEGMENT_LABELS)]
    personas: list[tuple[str, dict]] = []
    for n, item in enumerate(parsed.personas, start=1):
        item = dict(item)
        item.pop("ref", None)
        segment_ref = str(item.pop("segment", "") or "")
        if segment_ref not in refs:
            problems.append(Problem(f"personas[{n}] › segment",
                                    f"refers to segment '{segment_ref}', which is not in the file."))
        try:
            clean = PersonaCreate.model_validate(item | {"segment_id": 0})
            _check_name_once(problems, clean.name, f"personas[{n}]", persona_names)
            personas.append((segment_ref, clean.model_dump(exclude={"segment_id"})))
        except ValidationError as exc:
            problems += [Problem(f"personas[{n}] › {p.field}", p.message)
                         for p in problems_from_pydantic(exc, PERSONA_LABELS)]
    if problems:
        raise ValidationProblem(problems)
    return workspace, parsed.value_drivers, segments, personas


def _check_name_once(problems: list[Problem], name: str, where: str, seen: dict[str, str]) -> None:
    """Names are unique per workspace (ignoring case), so a file may use each name once."""
    if name.lower() in seen:
        problems.append(Problem(f"{where} › Name", f"'{name}' is already used by {seen[name.lower()]} in the file."))
    else:
        seen[name.lower()] = where


def import_workspace(*, session: Session, document: dict, name: str | None = None,
                     exact_name: bool = False) -> WorkspaceRead:
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
    workspace_data, drivers, segments, personas = _validate_document(document)
    if not exact_name:
        workspace_data = workspace_data.model_copy(
            update={"name": free_workspace_name(session=session, wanted=workspace_data.name)})
    workspace = create_workspace(session=session, data=workspace_data, with_default_value_drivers=False)
    for driver in drivers:
        try:
            add_value_driver(session=session, workspace_id=workspace.id, name=driver)
        except ValidationProblem as exc:
            raise ValidationProblem([Problem("value_drivers", str(exc))]) from None
    segment_ids: dict[str, int] = {}
    for ref, segment in segments:
        segment_ids[ref] = create_segment(session=session, workspace_id=workspace.id, data=segment).id
    for segment_ref, persona in personas:
        create_persona(session=session, workspace_id=workspace.id,
                       data=persona | {"segment_id": segment_ids[segment_ref]})
    return workspace


def load_demo_document() -> dict:
    return parse_workspace_file(DEMO_PATH.read_bytes())
