"""Whole-workspace JSON export and import on SQLite and PostgreSQL: round trips and refusals."""

from __future__ import annotations

import copy
import json

import pytest

from crmstrategy.db import read_session, unit_of_work
from crmstrategy.errors import ValidationProblem
from datetime import date, timedelta

from crmstrategy.insights import list_insights, list_themes
from crmstrategy.models import (
    DEFAULT_THEMES, Factor, Insight, InsightPersona, InsightSegment, Participant, Persona, PersonaChannel,
    ReadinessRating, ReadinessStatement, Segment, SegmentFactor, StrengthRating, Theme, ValueDriver, Workspace,
)
from crmstrategy.participants import list_participants
from crmstrategy.readiness import STANDARD_STATEMENTS
from crmstrategy.readiness_ratings import all_ratings, list_statements
from crmstrategy.strengths import priority_matrix
from crmstrategy.workspace_io import (
    FORMAT_VERSION, export_workspace, export_workspace_json, import_workspace, load_demo_document,
    parse_workspace_file,
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


# --- format version 2: insights, themes, participants, the readiness check -------------

NEW_TABLES = (Theme, Insight, InsightSegment, InsightPersona, Participant, ReadinessStatement, ReadinessRating)


def _counts(engine) -> dict:
    return {model.__name__: count(engine, model) for model in (Workspace, Segment, Persona, *NEW_TABLES)}


def _refused_v2(engine, change) -> ValidationProblem:
    """Import the demo spoiled by `change`; it must be refused with no row written anywhere."""
    before = _counts(engine)
    refusal = _refused_import(engine, _demo_with(change))
    assert _counts(engine) == before
    return refusal


def test_demo_export_carries_insights_participants_and_ratings(engine, demo_workspace_id):
    demo = load_demo_document()
    exported = _export(engine, demo_workspace_id)
    assert exported["format_version"] == FORMAT_VERSION
    assert len(exported["insights"]) == len(demo["insights"]) == 17
    assert exported["participants"] == demo["participants"]
    assert exported["themes"] == demo["themes"]
    assert exported["insights"] == demo["insights"]
    assert exported["readiness"] == demo["readiness"]
    assert sum(len(s["ratings"]) for s in exported["readiness"]) == count(engine, ReadinessRating) == 28
    first = exported["insights"][0]
    assert (first["recorded_on"], first["segments"], first["personas"]) == ("2026-09-02", ["S1"], ["P1"])


def test_round_trip_keeps_insight_links_and_ratings_in_the_database(engine, demo_workspace_id):
    first = _export(engine, demo_workspace_id)
    copy_id = _import(engine, parse_workspace_file(json.dumps(first).encode())).id
    assert _without_volatile(_export(engine, copy_id)) == _without_volatile(first)
    with read_session(engine) as session:
        originals = list_insights(session=session, workspace_id=demo_workspace_id)
        copies = list_insights(session=session, workspace_id=copy_id)
        copy_ratings = all_ratings(session=session, workspace_id=copy_id)
        copy_statements = {s.id for s in list_statements(session=session, workspace_id=copy_id)}
        copy_participants = {p.id for p in list_participants(session=session, workspace_id=copy_id)}
    assert sorted((i.text, tuple(i.segment_names), tuple(i.persona_names)) for i in copies) == sorted(
        (i.text, tuple(i.segment_names), tuple(i.persona_names)) for i in originals)
    assert not {i.id for i in copies} & {i.id for i in originals}
    assert len(copy_ratings) == 28
    assert {r.statement_id for r in copy_ratings} <= copy_statements
    assert {r.participant_id for r in copy_ratings} <= copy_participants
    assert count(engine, Insight) == 34


def _version_1(document: dict) -> dict:
    document = copy.deepcopy(document)
    document["format_version"] = 1
    for key in ("themes", "participants", "insights", "readiness", "factors"):
        document.pop(key)
    for segment in document["segments"]:  # key factors came with version 3
        for key in ("key_factors", "ratings_revealed", "priority", "priority_rationale"):
            segment.pop(key)
    return document


def test_a_version_1_file_gets_the_default_themes_and_the_standard_statements(engine):
    document = _version_1(load_demo_document())
    raw = json.dumps(document).encode()
    workspace_id = _import(engine, parse_workspace_file(raw)).id
    with read_session(engine) as session:
        assert list_themes(session=session, workspace_id=workspace_id) == list(DEFAULT_THEMES)
        statements = list_statements(session=session, workspace_id=workspace_id)
        assert list_insights(session=session, workspace_id=workspace_id) == []
        assert list_participants(session=session, workspace_id=workspace_id) == []
    assert [(s.key, s.text, s.why) for s in statements] == list(STANDARD_STATEMENTS)
    assert count(engine, ReadinessRating) == 0
    assert count(engine, Segment, workspace_id=workspace_id) == len(document["segments"])
    exported = _export(engine, workspace_id)
    assert exported["format_version"] == FORMAT_VERSION
    assert exported["insights"] == [] and exported["participants"] == []
    assert [s["ratings"] for s in exported["readiness"]] == [[]] * 7


def test_an_unknown_format_version_is_refused():
    raw = json.dumps(load_demo_document() | {"format_version": FORMAT_VERSION + 1}).encode()
    with pytest.raises(ValidationProblem, match=f"format version {FORMAT_VERSION + 1}"):
        parse_workspace_file(raw)


def test_an_insight_referring_to_a_missing_segment_is_refused_and_nothing_created(engine):
    refusal = _refused_v2(engine, lambda d: d["insights"][2].update(segments=["S1", "S99"]))
    assert [str(p) for p in refusal.problems] == [
        "insights[3] › segments: refers to segment 'S99', which is not in the file."]


def test_an_insight_referring_to_a_missing_persona_is_refused_and_nothing_created(engine):
    refusal = _refused_v2(engine, lambda d: d["insights"][0].update(personas=["P42"]))
    assert [str(p) for p in refusal.problems] == [
        "insights[1] › personas: refers to persona 'P42', which is not in the file."]


def test_a_rating_by_a_missing_participant_is_refused_and_nothing_created(engine):
    refusal = _refused_v2(engine, lambda d: d["readiness"][1]["ratings"][0].update(participant="U9"))
    assert [str(p) for p in refusal.problems] == [
        "readiness[2] › ratings[1] › participant: refers to participant 'U9', which is not in the file."]


def test_a_rating_without_a_score_is_refused_and_nothing_created(engine):
    refusal = _refused_v2(engine, lambda d: d["readiness"][0]["ratings"][2].pop("score"))
    assert [str(p) for p in refusal.problems] == ["readiness[1] › ratings[3]: needs a score, once per participant."]


def test_a_rating_with_a_score_out_of_range_is_refused_and_nothing_created(engine):
    refusal = _refused_v2(engine, lambda d: d["readiness"][0]["ratings"][0].update(score=7))
    [problem] = refusal.problems
    assert problem.field == "readiness[1] › ratings[1] › Score"


def test_two_ratings_by_one_participant_for_one_statement_are_refused_and_nothing_created(engine):
    def twice(d):
        d["readiness"][4]["ratings"].append({"participant": "U2", "score": 1, "note": "Again"})
    refusal = _refused_v2(engine, twice)
    assert [str(p) for p in refusal.problems] == ["readiness[5] › ratings[5]: needs a score, once per participant."]


def test_an_insight_dated_in_the_future_is_refused_and_nothing_created(engine):
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    refusal = _refused_v2(engine, lambda d: d["insights"][5].update(recorded_on=tomorrow))
    [problem] = refusal.problems
    assert problem.field == "insights[6] › Date"
    assert f"Date {tomorrow} is in the future" in problem.message


def test_duplicate_participant_names_are_refused_and_nothing_created(engine):
    refusal = _refused_v2(engine, lambda d: d["participants"][3].update(name=d["participants"][0]["name"].lower()))
    [problem] = refusal.problems
    assert problem.field == "participants[4] › Name"
    assert "'erik solberg' is already used by participants[1]" in problem.message


def test_duplicate_readiness_statements_are_refused_and_nothing_created(engine):
    refusal = _refused_v2(engine, lambda d: d["readiness"][6].update(text=d["readiness"][0]["text"].upper()))
    assert [p.field for p in refusal.problems] == ["readiness[7] › Name"]


def test_a_participant_ref_used_twice_is_refused_and_nothing_created(engine):
    refusal = _refused_v2(engine, lambda d: d["participants"][1].update(ref="U1"))
    assert "participants[2] › ref" in [p.field for p in refusal.problems]


def test_a_score_of_infinity_in_the_file_is_refused_and_nothing_created(engine):
    # Python's json module reads the non-standard Infinity; it must not crash the import.
    document = _demo_with(lambda d: None)
    head, readiness = json.dumps(document).split('"readiness"')  # the first readiness score, not a key factor's
    raw = (head + '"readiness"' + readiness.replace('"score": 4', '"score": Infinity', 1)).encode()
    before = _counts(engine)
    with pytest.raises(ValidationProblem) as refused:
        _import(engine, parse_workspace_file(raw))
    assert [p.field for p in refused.value.problems] == ["readiness[1] › ratings[1] › Score"]
    assert _counts(engine) == before


def test_a_score_of_true_in_the_file_is_refused_and_nothing_created(engine):
    refusal = _refused_v2(engine, lambda d: d["readiness"][2]["ratings"][1].update(score=True))
    assert [p.field for p in refusal.problems] == ["readiness[3] › ratings[2] › Score"]


@pytest.mark.parametrize("spoil, field", [
    (lambda d: d["readiness"][0].update(ratings=5), "readiness[1] › ratings"),
    (lambda d: d["readiness"][0].update(ratings="U1"), "readiness[1] › ratings"),
    (lambda d: d["insights"][0].update(segments=1), "insights[1] › segments"),
    (lambda d: d["insights"][0].update(personas={"P1": True}), "insights[1] › personas"),
], ids=["ratings number", "ratings text", "segments number", "personas object"])
def test_a_reference_list_that_is_not_a_list_is_refused_and_nothing_created(engine, spoil, field):
    refusal = _refused_v2(engine, spoil)
    assert [str(p) for p in refusal.problems] == [f"{field}: must be a list."]


def test_an_insight_dated_by_a_number_is_refused_and_nothing_created(engine):
    midnight = 1_780_000_000 - 1_780_000_000 % 86_400
    refusal = _refused_v2(engine, lambda d: d["insights"][3].update(recorded_on=midnight))
    [problem] = refusal.problems
    assert problem.field == "insights[4] › Date"
    assert "Date must look like 2026-11-23" in problem.message


def test_an_unknown_statement_key_is_refused(engine):
    document = _demo_with(lambda d: d["readiness"][0].update(key="made_up"))
    refusal = _refused_import(engine, document)
    assert [p.field for p in refusal.problems] == ["readiness[1] › key"]
    assert "not a standard statement" in refusal.problems[0].message


def test_a_file_without_some_standard_statements_gets_them_back(engine):
    document = _demo_with(lambda d: d.update(readiness=d["readiness"][2:]))
    with unit_of_work(engine) as session:
        workspace = import_workspace(session=session, document=document)
    with read_session(engine) as session:
        keys = {s.key for s in list_statements(session=session, workspace_id=workspace.id)}
    assert keys == {key for key, _, _ in STANDARD_STATEMENTS}


def test_duplicate_theme_names_in_the_file_are_refused_by_position(engine):
    document = _demo_with(lambda d: d["themes"].append(d["themes"][0].upper()))
    refusal = _refused_import(engine, document)
    [problem] = refusal.problems
    assert problem.field == f"themes[{len(document['themes'])}] › Name"
    assert "themes[1]" in problem.message


# --- format version 3: the factor library, key factors, strength ratings, the choice ---

STRENGTH_TABLES = (Factor, SegmentFactor, StrengthRating)


def _all_counts(engine) -> dict:
    return _counts(engine) | {model.__name__: count(engine, model) for model in STRENGTH_TABLES}


def _refused_v3(engine, change) -> ValidationProblem:
    """Import the demo spoiled by `change`; refused, with no row written in any table."""
    before = _all_counts(engine)
    refusal = _refused_import(engine, _demo_with(change))
    assert _all_counts(engine) == before
    return refusal


def _strength_parts(document: dict) -> dict:
    return {
        "weights": {k: document["workspace"][k] for k in ("weight_size", "weight_potential", "weight_growth")},
        "factors": document["factors"],
        "segments": [{k: s[k] for k in ("name", "ratings_revealed", "key_factors", "priority", "priority_rationale")}
                     for s in document["segments"]],
    }


def test_demo_export_carries_factors_key_factors_ratings_and_choices(engine, demo_workspace_id):
    demo = load_demo_document()
    exported = _export(engine, demo_workspace_id)
    assert exported["format_version"] == FORMAT_VERSION == 3
    assert _strength_parts(exported) == _strength_parts(demo)
    assert len(exported["factors"]) == count(engine, Factor) == 12
    assert sum(len(s["key_factors"]) for s in exported["segments"]) == count(engine, SegmentFactor) == 17
    # S1: 5 factors x 5 participants; S2: 4 x 4; S3 agreed values only; S4 agreed values and
    # 4 x 3 ratings from a new round, not yet revealed.
    assert sum(len(k["ratings"]) for s in exported["segments"] for k in s["key_factors"]) == 53
    assert count(engine, StrengthRating) == 53
    assert [s["ratings_revealed"] for s in exported["segments"]] == [True, True, False, False]


def test_demo_round_trip_keeps_every_strength_detail(engine, demo_workspace_id):
    first = _export(engine, demo_workspace_id)
    copy_id = _import(engine, parse_workspace_file(json.dumps(first, ensure_ascii=False).encode())).id
    second = _export(engine, copy_id)
    assert _without_volatile(second) == _without_volatile(first)
    assert _strength_parts(second) == _strength_parts(first) == _strength_parts(load_demo_document())
    assert count(engine, StrengthRating) == 2 * 53
    with read_session(engine) as session:
        matrices = [{r.name: (r.ability, r.attractiveness, r.quadrant, r.priority, r.rationale)
                     for r in priority_matrix(session=session, workspace_id=w).rows}
                    for w in (demo_workspace_id, copy_id)]
    assert matrices[0] == matrices[1]
    assert matrices[1]["Time-pressed installers"][0] == pytest.approx(66.25)


def test_own_weights_agreed_strengths_and_a_hidden_choice_round_trip(engine):
    def change(d):
        d["workspace"].update(weight_size=10.0, weight_potential=55.5, weight_growth=0.0)
        d["segments"][1]["ratings_revealed"] = False
        d["segments"][1]["key_factors"][0].update(agreed_strength=5, competitor_strength=None)
        d["segments"][3].update(priority=None, priority_rationale="")
        d["factors"].append({"name": "Økonomi", "description": "Unused for now."})
        d["segments"][0]["key_factors"].append({"factor": "Øvrig service", "weight": 5.5, "competitor_strength": 2,
                                                "agreed_strength": None, "ratings": []})
        d["segments"][1]["key_factors"].append({"factor": "Øvrig service", "weight": 1.0, "competitor_strength": None,
                                                "agreed_strength": 1, "ratings": [{"participant": "U5", "score": 1}]})
    document = _demo_with(change)
    workspace_id = _import(engine, document).id
    exported = _export(engine, workspace_id)
    expected = _strength_parts(document)
    expected["factors"] = sorted(expected["factors"] + [{"name": "Øvrig service", "description": ""}],
                                 key=lambda f: f["name"].lower())
    assert _strength_parts(exported) == expected
    copy_id = _import(engine, parse_workspace_file(json.dumps(exported).encode())).id
    assert _without_volatile(_export(engine, copy_id)) == _without_volatile(exported)


def test_a_revealed_segment_without_key_factors_stays_revealed(engine):
    document = _demo_with(lambda d: d["segments"][3].update(key_factors=[], ratings_revealed=True))
    workspace_id = _import(engine, document).id
    exported = _export(engine, workspace_id)
    assert [(s["ratings_revealed"], len(s["key_factors"])) for s in exported["segments"]] == [
        (True, 5), (True, 4), (False, 4), (True, 0)]


def _version_2(document: dict) -> dict:
    document = copy.deepcopy(document)
    document["format_version"] = 2
    document.pop("factors")
    for key in ("weight_size", "weight_potential", "weight_growth"):
        document["workspace"].pop(key)
    for segment in document["segments"]:
        for key in ("key_factors", "ratings_revealed", "priority", "priority_rationale"):
            segment.pop(key)
    return document


def test_a_version_2_file_without_factors_still_imports(engine):
    document = _version_2(load_demo_document())
    workspace_id = _import(engine, parse_workspace_file(json.dumps(document).encode())).id
    assert (count(engine, Factor), count(engine, SegmentFactor), count(engine, StrengthRating)) == (0, 0, 0)
    assert count(engine, ReadinessRating) == 28
    exported = _export(engine, workspace_id)
    assert exported["format_version"] == FORMAT_VERSION
    assert exported["factors"] == []
    assert [(s["key_factors"], s["ratings_revealed"], s["priority"], s["priority_rationale"])
            for s in exported["segments"]] == [([], False, None, "")] * len(document["segments"])
    assert {k: exported["workspace"][k] for k in ("weight_size", "weight_potential", "weight_growth")} == {
        "weight_size": 30, "weight_potential": 40, "weight_growth": 30}
    assert exported["participants"] == document["participants"]
    with read_session(engine) as session:
        rows = priority_matrix(session=session, workspace_id=workspace_id).rows
    assert [r.ability for r in rows] == [None] * 4


def test_a_key_factor_rating_by_an_unknown_participant_is_refused_and_nothing_written(engine):
    refusal = _refused_v3(engine, lambda d: d["segments"][0]["key_factors"][1]["ratings"][2].update(participant="U9"))
    assert [str(p) for p in refusal.problems] == [
        "segments[1] › key_factors[2] › ratings[3] › participant: refers to participant 'U9', which is not in the file."]


@pytest.mark.parametrize("weight", [0, -10, "heavy", None])
def test_a_key_factor_weight_that_is_not_above_zero_is_refused_and_nothing_written(engine, weight):
    refusal = _refused_v3(engine, lambda d: d["segments"][1]["key_factors"][2].update(weight=weight))
    [problem] = refusal.problems
    assert problem.field == "segments[2] › key_factors[3] › Weight"
    assert "above zero" in problem.message


def test_a_factor_twice_in_a_segment_is_refused_and_nothing_written(engine):
    refusal = _refused_v3(engine, lambda d: d["segments"][0]["key_factors"][3].update(factor="stock AVAILABILITY"))
    assert [str(p) for p in refusal.problems] == [
        "segments[1] › key_factors[4] › factor: 'stock AVAILABILITY' is listed twice."]


@pytest.mark.parametrize("revealed", ["yes", 1, "true", []])
def test_ratings_revealed_that_is_not_true_or_false_is_refused_and_nothing_written(engine, revealed):
    refusal = _refused_v3(engine, lambda d: d["segments"][0].update(ratings_revealed=revealed))
    assert [str(p) for p in refusal.problems] == ["segments[1] › ratings_revealed: must be true or false."]


def test_two_ratings_by_one_participant_for_one_key_factor_are_refused(engine):
    refusal = _refused_v3(engine, lambda d: d["segments"][1]["key_factors"][0]["ratings"].append(
        {"participant": "U1", "score": 5}))
    assert [str(p) for p in refusal.problems] == [
        "segments[2] › key_factors[1] › ratings[5]: needs a score, once per participant."]


@pytest.mark.parametrize("change, field", [
    (lambda d: d["segments"][0]["key_factors"][0]["ratings"][0].update(score=6),
     "segments[1] › key_factors[1] › ratings[1] › Score"),
    (lambda d: d["segments"][2]["key_factors"][1].update(agreed_strength=0),
     "segments[3] › key_factors[2] › Agreed strength"),
    (lambda d: d["segments"][3]["key_factors"][0].update(competitor_strength=2.5),
     "segments[4] › key_factors[1] › Competitor strength"),
    (lambda d: d["segments"][0].update(key_factors={"factor": "Price level"}), "segments[1] › key_factors"),
    (lambda d: d["segments"][0]["key_factors"][0].update(ratings="U1"), "segments[1] › key_factors[1] › ratings"),
    (lambda d: d["segments"][0]["key_factors"][0].update(factor="  "), "segments[1] › key_factors[1] › Factor"),
    (lambda d: d["factors"][4].update(name=d["factors"][0]["name"].upper()), "factors[5] › Name"),
    (lambda d: d["segments"][0].update(priority="Top"), "segments[1] › Priority"),
], ids=["score 6", "agreed 0", "competitor 2.5", "key factors object", "ratings text", "blank factor",
        "library name twice", "unknown priority"])
def test_a_bad_strength_detail_is_refused_by_place_and_nothing_written(engine, change, field):
    refusal = _refused_v3(engine, change)
    assert [p.field for p in refusal.problems] == [field]
