"""Whole-workspace JSON export and import on SQLite and PostgreSQL: round trips and refusals."""

from __future__ import annotations

import copy
import json

import pytest

from crmstrategy.db import read_session, unit_of_work
from crmstrategy.errors import ValidationProblem
from crmstrategy.models import Persona, PersonaChannel, Segment, ValueDriver, Workspace
from crmstrategy.workspace_io import (
    export_workspace, export_workspace_json, import_workspace, load_demo_document, parse_workspace_file,
)
from crmstrategy.workspaces import list_workspaces
from tests.integration.support import count, new_workspace

DEMO_NAME = "Demo: Nordvik Rørhandel"


def _export(engine, workspace_id) -> dict:
    with read_session(engine) as session:
        return export_workspace(session=session, workspace_id=workspace_id)


def _import(engine, document, **kwargs):
    with unit_of_work(engine) as session:
        return import_workspace(session=session, document=document, **kwargs)


def _without_volatile(document: dict) -> dict:
    document = copy.deepcopy(document)
    document.pop("exported_at")
    document["workspace"].pop("name")
    return document


def _refused_import(engine, document) -> ValidationProblem:
    before = count(engine, Workspace)
    with pytest.raises(ValidationProblem) as refused:
        _import(engine, document)
    assert count(engine, Workspace) == before
    return refused.value


def test_demo_import_creates_everything_in_the_file(engine, demo_workspace_id):
    demo = load_demo_document()
    exported = _export(engine, demo_workspace_id)
    assert exported["workspace"]["name"] == DEMO_NAME
    assert count(engine, Segment, workspace_id=demo_workspace_id) == len(demo["segments"])
    assert count(engine, Persona, workspace_id=demo_workspace_id) == len(demo["personas"])
    assert exported["value_drivers"] == demo["value_drivers"]
    assert [s["name"] for s in exported["segments"]] == [s["name"] for s in demo["segments"]]
    assert sorted(p["name"] for p in exported["personas"]) == sorted(p["name"] for p in demo["personas"])


def test_export_import_export_gives_the_same_document(engine, demo_workspace_id):
    first = _export(engine, demo_workspace_id)
    raw = json.dumps(first, ensure_ascii=False).encode("utf-8")
    copy_id = _import(engine, parse_workspace_file(raw)).id
    second = _export(engine, copy_id)
    assert second["workspace"]["name"] == f"{DEMO_NAME} (2)"
    assert _without_volatile(second) == _without_volatile(first)
    assert set(second) == set(first)


def test_exported_json_bytes_parse_back_to_the_export(engine, demo_workspace_id):
    with read_session(engine) as session:
        raw = export_workspace_json(session=session, workspace_id=demo_workspace_id)
    assert "Rørhandel".encode() in raw  # written as UTF-8, not \u escapes
    document = parse_workspace_file(raw)
    assert _without_volatile(document) == _without_volatile(_export(engine, demo_workspace_id))


def test_importing_twice_numbers_the_names(engine):
    _import(engine, load_demo_document())
    _import(engine, load_demo_document())
    _import(engine, load_demo_document())
    with read_session(engine) as session:
        names = [w.name for w in list_workspaces(session=session)]
    assert names == [DEMO_NAME, f"{DEMO_NAME} (2)", f"{DEMO_NAME} (3)"]
    assert count(engine, Segment) == 3 * len(load_demo_document()["segments"])


def test_import_under_a_chosen_name(engine):
    created = _import(engine, load_demo_document(), name="  Workshop  copy ")
    assert created.name == "Workshop copy"


def test_import_with_exact_name_refuses_a_taken_name(engine):
    new_workspace(engine, "Workshop")
    with pytest.raises(ValidationProblem, match="already exists"):
        _import(engine, load_demo_document(), name="workshop", exact_name=True)
    assert count(engine, Workspace) == 1
    assert count(engine, Segment) == 0


def _demo_with(change) -> dict:
    document = load_demo_document()
    change(document)
    return document


def test_persona_referring_to_a_missing_segment_is_refused_and_nothing_created(engine):
    document = _demo_with(lambda d: d["personas"][1].update(segment="S99"))
    refusal = _refused_import(engine, document)
    assert [str(p) for p in refusal.problems] == [
        "personas[2] › segment: refers to segment 'S99', which is not in the file."]
    assert count(engine, Segment) == 0


def test_segment_with_a_10000_character_description_is_refused_and_nothing_created(engine):
    document = _demo_with(lambda d: d["segments"][2].update(description="d" * 10_000))
    refusal = _refused_import(engine, document)
    [problem] = refusal.problems
    assert problem.field == "segments[3] › Description"
    assert "10,000" in problem.message and "4,000" in problem.message
    assert count(engine, Segment) == 0


def test_duplicate_segment_names_in_the_file_are_refused_and_nothing_created(engine):
    document = _demo_with(lambda d: d["segments"][3].update(name=d["segments"][0]["name"].upper()))
    refusal = _refused_import(engine, document)
    [problem] = refusal.problems
    assert problem.field == "segments[4] › Name"
    assert "TIME-PRESSED INSTALLERS" in problem.message
    assert "segments[1]" in problem.message
    assert count(engine, Segment) == 0
    assert count(engine, ValueDriver) == 0


def test_duplicate_persona_names_in_the_file_are_refused_and_nothing_created(engine):
    document = _demo_with(lambda d: d["personas"][2].update(name=d["personas"][0]["name"]))
    refusal = _refused_import(engine, document)
    assert [p.field for p in refusal.problems] == ["personas[3] › Name"]
    assert count(engine, Persona) == 0


def test_unknown_fields_are_refused_and_nothing_created(engine):
    document = _demo_with(lambda d: (d["segments"][0].update(colour="red"), d.update(owner="me")))
    refusal = _refused_import(engine, document)
    assert [str(p) for p in refusal.problems] == ["Owner: is not a known field."]
    document.pop("owner")
    refusal = _refused_import(engine, document)
    assert [str(p) for p in refusal.problems] == ["segments[1] › Colour: is not a known field."]


def test_every_problem_in_a_file_is_reported_at_once(engine):
    def spoil(d):
        d["workspace"]["currency"] = "kroner"
        d["segments"][0]["customer_count"] = -1
        d["segments"][1]["ref"] = "S1"
        d["personas"][0]["channels"] = [{"kind": "Telepathy", "channel": "Mind"}]
    refusal = _refused_import(engine, _demo_with(spoil))
    fields = [p.field for p in refusal.problems]
    assert "workspace › Currency" in fields
    assert "segments[1] › Customers" in fields
    assert "segments[2] › ref" in fields
    assert "personas[1] › Preferred channels (0 › kind)" in fields
    assert count(engine, Segment) == 0 and count(engine, Persona) == 0 and count(engine, PersonaChannel) == 0


def test_a_failed_import_leaves_existing_workspaces_untouched(engine, demo_workspace_id):
    before = _export(engine, demo_workspace_id)
    _refused_import(engine, _demo_with(lambda d: d["personas"][0].update(segment="nope")))
    assert _without_volatile(_export(engine, demo_workspace_id)) == _without_volatile(before)
