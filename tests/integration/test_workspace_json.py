"""Whole-workspace JSON export and import on SQLite and PostgreSQL: round trips and refusals."""

from __future__ import annotations

import copy
import json
from datetime import timedelta

import pytest

from crmstrategy.analysis.insights import list_insights, list_themes
from crmstrategy.analysis.models import (
    DEFAULT_THEMES,
    Factor,
    Insight,
    InsightPersona,
    InsightSegment,
    Participant,
    Persona,
    PersonaChannel,
    ReadinessRating,
    ReadinessStatement,
    Segment,
    SegmentFactor,
    StrengthRating,
    Theme,
    ValueDriver,
)
from crmstrategy.analysis.participants import list_participants
from crmstrategy.analysis.readiness import STANDARD_STATEMENTS
from crmstrategy.analysis.readiness_ratings import all_ratings, list_statements
from crmstrategy.core import clock
from crmstrategy.core.db import read_session, unit_of_work
from crmstrategy.core.errors import ValidationProblem
from crmstrategy.core.models import Workspace
from crmstrategy.strategy.goals import milestones_of
from crmstrategy.strategy.models import ConstraintNode, Goal, MapLink, MapNode, Milestone, StrategyConstraint
from crmstrategy.strategy.strategy_map import strategy_map
from crmstrategy.strategy.targets import priority_matrix
from crmstrategy.workspace.workspace_file import (
    FORMAT_VERSION,
    export_workspace,
    export_workspace_json,
    import_workspace,
    load_demo_document,
    parse_workspace_file,
)
from crmstrategy.workspace.workspaces import list_workspaces
from tests.integration.support import count, new_workspace

DEMO_NAME = "Demo: Nordvik Rørhandel"
MAP_TABLES = (MapNode, MapLink, StrategyConstraint, ConstraintNode, Goal, Milestone)
MAP_SECTIONS = ("map_nodes", "map_links", "constraints", "goals")  # came with format version 4
LATER_SECTIONS = ("promise", "plan", "follow_up")  # came with format versions 5, 6 and 7


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
        "personas[2] › segment: refers to segment 'S99', which is not in the file."
    ]
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
    assert "personas[1] › Preferred channels (1 › kind)" in fields
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
        (i.text, tuple(i.segment_names), tuple(i.persona_names)) for i in originals
    )
    assert not {i.id for i in copies} & {i.id for i in originals}
    assert len(copy_ratings) == 28
    assert {r.statement_id for r in copy_ratings} <= copy_statements
    assert {r.participant_id for r in copy_ratings} <= copy_participants
    assert count(engine, Insight) == 34


def _version_1(document: dict) -> dict:
    document = copy.deepcopy(document)
    document["format_version"] = 1
    for key in ("themes", "participants", "insights", "readiness", "factors", *MAP_SECTIONS, *LATER_SECTIONS):
        document.pop(key)
    document["workspace"].pop("max_long_term_goals")  # came with version 4
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
    assert {key: exported[key] for key in MAP_SECTIONS} == dict.fromkeys(MAP_SECTIONS, [])


def test_an_unknown_format_version_is_refused():
    raw = json.dumps(load_demo_document() | {"format_version": FORMAT_VERSION + 1}).encode()
    with pytest.raises(ValidationProblem, match=f"format version {FORMAT_VERSION + 1}"):
        parse_workspace_file(raw)


def test_an_insight_referring_to_a_missing_segment_is_refused_and_nothing_created(engine):
    refusal = _refused_v2(engine, lambda d: d["insights"][2].update(segments=["S1", "S99"]))
    assert [str(p) for p in refusal.problems] == [
        "insights[3] › segments: refers to segment 'S99', which is not in the file."
    ]


def test_an_insight_referring_to_a_missing_persona_is_refused_and_nothing_created(engine):
    refusal = _refused_v2(engine, lambda d: d["insights"][0].update(personas=["P42"]))
    assert [str(p) for p in refusal.problems] == [
        "insights[1] › personas: refers to persona 'P42', which is not in the file."
    ]


def test_a_rating_by_a_missing_participant_is_refused_and_nothing_created(engine):
    refusal = _refused_v2(engine, lambda d: d["readiness"][1]["ratings"][0].update(participant="U9"))
    assert [str(p) for p in refusal.problems] == [
        "readiness[2] › ratings[1] › participant: refers to participant 'U9', which is not in the file."
    ]


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
    tomorrow = (clock.today() + timedelta(days=1)).isoformat()
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


@pytest.mark.parametrize(
    "spoil, field",
    [
        (lambda d: d["readiness"][0].update(ratings=5), "readiness[1] › ratings"),
        (lambda d: d["readiness"][0].update(ratings="U1"), "readiness[1] › ratings"),
        (lambda d: d["insights"][0].update(segments=1), "insights[1] › segments"),
        (lambda d: d["insights"][0].update(personas={"P1": True}), "insights[1] › personas"),
    ],
    ids=["ratings number", "ratings text", "segments number", "personas object"],
)
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
    return _counts(engine) | {model.__name__: count(engine, model) for model in STRENGTH_TABLES + MAP_TABLES}


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
        "segments": [
            {k: s[k] for k in ("name", "ratings_revealed", "key_factors", "priority", "priority_rationale")}
            for s in document["segments"]
        ],
    }


def test_demo_export_carries_factors_key_factors_ratings_and_choices(engine, demo_workspace_id):
    demo = load_demo_document()
    exported = _export(engine, demo_workspace_id)
    assert exported["format_version"] == FORMAT_VERSION == 7
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
        matrices = [
            {
                r.name: (r.ability, r.attractiveness, r.quadrant, r.priority, r.rationale)
                for r in priority_matrix(session=session, workspace_id=w).rows
            }
            for w in (demo_workspace_id, copy_id)
        ]
    assert matrices[0] == matrices[1]
    assert matrices[1]["Time-pressed installers"][0] == pytest.approx(66.25)


def test_own_weights_agreed_strengths_and_a_hidden_choice_round_trip(engine):
    def change(d):
        d["workspace"].update(weight_size=10.0, weight_potential=55.5, weight_growth=0.0)
        d["segments"][1]["ratings_revealed"] = False
        d["segments"][1]["key_factors"][0].update(agreed_strength=5, competitor_strength=None)
        d["segments"][3].update(priority=None, priority_rationale="")
        d["factors"].append({"name": "Økonomi", "description": "Unused for now."})
        d["segments"][0]["key_factors"].append(
            {"factor": "Øvrig service", "weight": 5.5, "competitor_strength": 2, "agreed_strength": None, "ratings": []}
        )
        d["segments"][1]["key_factors"].append(
            {
                "factor": "Øvrig service",
                "weight": 1.0,
                "competitor_strength": None,
                "agreed_strength": 1,
                "ratings": [{"participant": "U5", "score": 1}],
            }
        )

    document = _demo_with(change)
    workspace_id = _import(engine, document).id
    exported = _export(engine, workspace_id)
    expected = _strength_parts(document)
    expected["factors"] = sorted(
        expected["factors"] + [{"name": "Øvrig service", "description": ""}], key=lambda f: f["name"].lower()
    )
    assert _strength_parts(exported) == expected
    copy_id = _import(engine, parse_workspace_file(json.dumps(exported).encode())).id
    assert _without_volatile(_export(engine, copy_id)) == _without_volatile(exported)


def test_a_revealed_segment_without_key_factors_stays_revealed(engine):
    document = _demo_with(lambda d: d["segments"][3].update(key_factors=[], ratings_revealed=True))
    workspace_id = _import(engine, document).id
    exported = _export(engine, workspace_id)
    assert [(s["ratings_revealed"], len(s["key_factors"])) for s in exported["segments"]] == [
        (True, 5),
        (True, 4),
        (False, 4),
        (True, 0),
    ]


def _version_2(document: dict) -> dict:
    document = copy.deepcopy(document)
    document["format_version"] = 2
    for key in ("factors", *MAP_SECTIONS, *LATER_SECTIONS):
        document.pop(key)
    for key in ("weight_size", "weight_potential", "weight_growth", "max_long_term_goals"):
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
    assert [
        (s["key_factors"], s["ratings_revealed"], s["priority"], s["priority_rationale"]) for s in exported["segments"]
    ] == [([], False, None, "")] * len(document["segments"])
    assert {k: exported["workspace"][k] for k in ("weight_size", "weight_potential", "weight_growth")} == {
        "weight_size": 30,
        "weight_potential": 40,
        "weight_growth": 30,
    }
    assert exported["participants"] == document["participants"]
    assert {key: exported[key] for key in MAP_SECTIONS} == dict.fromkeys(MAP_SECTIONS, [])
    assert exported["workspace"]["max_long_term_goals"] == 5
    with read_session(engine) as session:
        rows = priority_matrix(session=session, workspace_id=workspace_id).rows
    assert [r.ability for r in rows] == [None] * 4


def test_a_key_factor_rating_by_an_unknown_participant_is_refused_and_nothing_written(engine):
    refusal = _refused_v3(engine, lambda d: d["segments"][0]["key_factors"][1]["ratings"][2].update(participant="U9"))
    assert [str(p) for p in refusal.problems] == [
        "segments[1] › key_factors[2] › ratings[3] › participant: refers to participant 'U9', which is not in the file."
    ]


@pytest.mark.parametrize("weight", [0, -10, "heavy", None])
def test_a_key_factor_weight_that_is_not_above_zero_is_refused_and_nothing_written(engine, weight):
    refusal = _refused_v3(engine, lambda d: d["segments"][1]["key_factors"][2].update(weight=weight))
    [problem] = refusal.problems
    assert problem.field == "segments[2] › key_factors[3] › Weight"
    assert "above zero" in problem.message


def test_a_factor_twice_in_a_segment_is_refused_and_nothing_written(engine):
    refusal = _refused_v3(engine, lambda d: d["segments"][0]["key_factors"][3].update(factor="stock AVAILABILITY"))
    assert [str(p) for p in refusal.problems] == [
        "segments[1] › key_factors[4] › factor: 'stock AVAILABILITY' is listed twice."
    ]


@pytest.mark.parametrize("revealed", ["yes", 1, "true", []])
def test_ratings_revealed_that_is_not_true_or_false_is_refused_and_nothing_written(engine, revealed):
    refusal = _refused_v3(engine, lambda d: d["segments"][0].update(ratings_revealed=revealed))
    assert [str(p) for p in refusal.problems] == ["segments[1] › ratings_revealed: must be true or false."]


def test_two_ratings_by_one_participant_for_one_key_factor_are_refused(engine):
    refusal = _refused_v3(
        engine, lambda d: d["segments"][1]["key_factors"][0]["ratings"].append({"participant": "U1", "score": 5})
    )
    assert [str(p) for p in refusal.problems] == [
        "segments[2] › key_factors[1] › ratings[5]: needs a score, once per participant."
    ]


@pytest.mark.parametrize(
    "change, field",
    [
        (
            lambda d: d["segments"][0]["key_factors"][0]["ratings"][0].update(score=6),
            "segments[1] › key_factors[1] › ratings[1] › Score",
        ),
        (
            lambda d: d["segments"][2]["key_factors"][1].update(agreed_strength=0),
            "segments[3] › key_factors[2] › Agreed strength",
        ),
        (
            lambda d: d["segments"][3]["key_factors"][0].update(competitor_strength=2.5),
            "segments[4] › key_factors[1] › Competitor strength",
        ),
        (lambda d: d["segments"][0].update(key_factors={"factor": "Price level"}), "segments[1] › key_factors"),
        (lambda d: d["segments"][0]["key_factors"][0].update(ratings="U1"), "segments[1] › key_factors[1] › ratings"),
        (lambda d: d["segments"][0]["key_factors"][0].update(factor="  "), "segments[1] › key_factors[1] › Factor"),
        (lambda d: d["factors"][4].update(name=d["factors"][0]["name"].upper()), "factors[5] › Name"),
        (lambda d: d["segments"][0].update(priority="Top"), "segments[1] › Priority"),
    ],
    ids=[
        "score 6",
        "agreed 0",
        "competitor 2.5",
        "key factors object",
        "ratings text",
        "blank factor",
        "library name twice",
        "unknown priority",
    ],
)
def test_a_bad_strength_detail_is_refused_by_place_and_nothing_written(engine, change, field):
    refusal = _refused_v3(engine, change)
    assert [p.field for p in refusal.problems] == [field]


# --- format version 4: the strategy map, constraints, goals and milestones -------------


def _map_parts(document: dict) -> dict:
    return {key: document[key] for key in MAP_SECTIONS} | {
        "max_long_term_goals": document["workspace"]["max_long_term_goals"]
    }


def test_demo_export_carries_the_map_constraints_goals_and_milestones(engine, demo_workspace_id):
    demo = load_demo_document()
    exported = _export(engine, demo_workspace_id)
    assert _map_parts(exported) == _map_parts(demo)
    assert (
        len(exported["map_nodes"]),
        len(exported["map_links"]),
        len(exported["constraints"]),
        len(exported["goals"]),
    ) == (13, 16, 3, 5)
    assert sum(len(g["milestones"]) for g in exported["goals"]) == count(engine, Milestone) == 41
    assert (
        count(engine, MapNode),
        count(engine, MapLink),
        count(engine, StrategyConstraint),
        count(engine, ConstraintNode),
        count(engine, Goal),
    ) == (13, 16, 3, 4, 5)


def test_demo_map_round_trips_identically(engine, demo_workspace_id):
    first = _export(engine, demo_workspace_id)
    copy_id = _import(engine, parse_workspace_file(json.dumps(first, ensure_ascii=False).encode())).id
    second = _export(engine, copy_id)
    assert _map_parts(second) == _map_parts(first) == _map_parts(load_demo_document())
    assert count(engine, MapNode) == 2 * 13 and count(engine, Milestone) == 2 * 41
    with read_session(engine) as session:
        maps = [strategy_map(session=session, workspace_id=w) for w in (demo_workspace_id, copy_id)]
        milestones = [milestones_of(session=session, workspace_id=w) for w in (demo_workspace_id, copy_id)]

    def by_name(the_map) -> dict:
        names = {n.id: n.name for n in the_map.nodes.values()}
        return {
            "links": sorted((names[s], names[t]) for s, t in the_map.links),
            "breaches": [(b.rule, [names[n] for n in b.nodes]) for b in the_map.breaches],
            "positions": {names[n]: p for n, p in the_map.positions.items()},
            "constraints": [(c.kind, c.text, sorted(names[n] for n in c.node_ids)) for c in the_map.constraints],
        }

    assert by_name(maps[1]) == by_name(maps[0])
    assert not set(maps[0].nodes) & set(maps[1].nodes)  # new rows, not shared ones
    goals = [{g.metric: milestones[i][g.id] for g in maps[i].goals} for i in range(2)]
    assert goals[1] == goals[0]


def test_own_long_term_limit_and_a_map_with_past_deadlines_round_trip(engine):
    def change(d):
        d["workspace"]["max_long_term_goals"] = 2
        d["goals"][0].update(
            deadline="2020-06-30",
            baseline_on="2019-12-31",
            milestones=[{"due": "2020-03-31", "value": 60.0}, {"due": "2020-06-30", "value": 120.0}],
        )
        d["constraints"].append({"kind": "Other", "text": "Ålesund waits until 2028.", "nodes": []})
        d["map_nodes"].append({"ref": "N14", "kind": "objective", "name": "Økt lojalitet", "owner": ""})

    document = _demo_with(change)
    workspace_id = _import(engine, document).id
    exported = _export(engine, workspace_id)
    assert exported["workspace"]["max_long_term_goals"] == 2
    assert exported["goals"][0]["deadline"] == "2020-06-30"  # an old file's goal is kept, not refused
    assert exported["goals"][0]["milestones"] == [
        {"due": "2020-03-31", "value": 60.0},
        {"due": "2020-06-30", "value": 120.0},
    ]
    assert exported["constraints"][-1] == {"kind": "Other", "text": "Ålesund waits until 2028.", "nodes": []}
    assert exported["map_nodes"][-1]["name"] == "Økt lojalitet"
    copy_id = _import(engine, parse_workspace_file(json.dumps(exported).encode())).id
    assert _without_volatile(_export(engine, copy_id)) == _without_volatile(exported)


def _version_3(document: dict) -> dict:
    document = copy.deepcopy(document)
    document["format_version"] = 3
    for key in (*MAP_SECTIONS, *LATER_SECTIONS):
        document.pop(key)
    document["workspace"].pop("max_long_term_goals")
    return document


def test_a_version_3_file_without_a_map_still_imports_with_an_empty_map(engine):
    document = _version_3(load_demo_document())
    workspace_id = _import(engine, parse_workspace_file(json.dumps(document).encode())).id
    assert {
        name: n for name, n in _all_counts(engine).items() if name in {m.__name__ for m in MAP_TABLES}
    } == dict.fromkeys((m.__name__ for m in MAP_TABLES), 0)
    with read_session(engine) as session:
        the_map = strategy_map(session=session, workspace_id=workspace_id)
    assert (the_map.nodes, the_map.links, the_map.breaches, the_map.goals, the_map.constraints) == ({}, [], [], [], [])
    exported = _export(engine, workspace_id)
    assert exported["format_version"] == FORMAT_VERSION
    assert _map_parts(exported) == dict.fromkeys(MAP_SECTIONS, []) | {"max_long_term_goals": 5}
    assert _strength_parts(exported) == _strength_parts(document)  # everything of version 3 is kept
    assert count(engine, StrengthRating) == 53


@pytest.mark.parametrize(
    "change, problem",
    [
        (
            lambda d: d["map_links"].append(["N3", "N99"]),
            "map_links[17]: refers to map node 'N99', which is not in the file.",
        ),
        (
            lambda d: d["map_links"][0].__setitem__(0, "N0"),
            "map_links[1]: refers to map node 'N0', which is not in the file.",
        ),
        (lambda d: d["map_links"].append(["N3"]), "map_links[17]: must be a pair [supporting ref, supported ref]."),
        (
            lambda d: d["map_links"].append({"from": "N6", "to": "N4"}),
            "map_links[17]: must be a pair [supporting ref, supported ref].",
        ),
        (
            lambda d: d["map_links"].append(["N6", "N4", "N3"]),
            "map_links[17]: must be a pair [supporting ref, supported ref].",
        ),
        (lambda d: d.update(map_links={"N6": "N4"}), "Map links: has the wrong type."),
        (lambda d: d["goals"][0].update(objective="N6"), "goals[1] › objective: 'N6' is not an objective."),
        (
            lambda d: d["goals"][4].update(objective="N42"),
            "goals[5] › objective: refers to map node 'N42', which is not in the file.",
        ),
        (
            lambda d: d["goals"][1]["milestones"][2].pop("value"),
            "goals[2] › milestones[3]: must be an object with due and value.",
        ),
        (
            lambda d: d["goals"][1].update(target=14.0),
            "goals[2]: The target equals the baseline, so the goal asks for no change: set where you want to be by the "
            "deadline.",
        ),
        (
            lambda d: d["goals"][2].update(baseline="high"),
            "goals[3] › Baseline: Baseline must be a number (got 'high').",
        ),
        (
            lambda d: d["constraints"][0].update(nodes=["N8", "N99"]),
            "constraints[1] › nodes: refers to map node 'N99', which is not in the file.",
        ),
        (lambda d: d["map_nodes"][2].update(business_value=3), "map_nodes[3]: Only initiatives have business value."),
        (
            lambda d: d["map_nodes"][3].update(name="REDUCE churn AMONG installers"),
            "map_nodes[4] › Name: 'REDUCE churn AMONG installers' is already used by map_nodes[3] in the file.",
        ),
        (
            lambda d: d["map_nodes"][0].update(kind="vision"),
            "map_nodes[1] › Kind: Kind must be one of: Company strategy, CRM objective, Initiative, Enabler.",
        ),
        (
            lambda d: d["workspace"].update(max_long_term_goals=0),
            "workspace › Max long term goals: must be at least 1.",
        ),
    ],
    ids=[
        "link unknown ref",
        "link unknown source",
        "link not a pair",
        "link an object",
        "link of three",
        "links an object",
        "goal on an initiative",
        "goal on an unknown node",
        "milestone without value",
        "target equals baseline",
        "baseline text",
        "constraint unknown node",
        "initiative field on objective",
        "node name twice",
        "unknown kind",
        "long-term limit 0",
    ],
)
def test_a_bad_map_detail_is_refused_by_place_and_nothing_written(engine, change, problem):
    refusal = _refused_v3(engine, change)
    assert [str(p) for p in refusal.problems] == [problem]


@pytest.mark.parametrize(
    "link, message",
    [
        # ["N1", "N3"] (strategy -> objective) is the reverse of the demo's N3 -> N1, which is reported first;
        # N5 supports N2 only, so ["N1", "N5"] is refused for its kinds alone.
        (
            ["N1", "N5"],
            "A company-strategy element cannot be linked to a CRM objective. Links allowed: CRM objective "
            "supports company-strategy element; initiative supports CRM objective; enabler enables initiative.",
        ),
        (
            ["N11", "N3"],
            "An enabler cannot be linked to a CRM objective. Links allowed: CRM objective supports "
            "company-strategy element; initiative supports CRM objective; enabler enables initiative.",
        ),
        (["N1", "N3"], "These two are already linked the other way round."),
        (["N6", "N3"], "These two are already linked."),
        (["N6", "N6"], "A node cannot support itself."),
    ],
    ids=["strategy to objective", "enabler to objective", "reverse", "twice", "self"],
)
def test_a_link_the_map_rules_refuse_is_refused_at_import_and_nothing_written(engine, link, message):
    # These pass the file check and are refused when the import adds them, after the elements
    # were created in the same transaction: the whole import must still roll back.
    refusal = _refused_v3(engine, lambda d: d["map_links"].append(link))
    assert [str(p) for p in refusal.problems] == [f"map_links[17]: {message}"]


def test_a_milestone_the_goal_refuses_is_refused_at_import_by_place_and_nothing_written(engine):
    def spoil(d):
        d["goals"][1]["milestones"].append({"due": "2028-03-31", "value": 8.0})
        d["goals"][3]["milestones"][1].update(value="lots")
        d["goals"][4]["milestones"][0].update(due="soon")

    refusal = _refused_v3(engine, spoil)
    assert [str(p) for p in refusal.problems] == [
        "goals[2] › milestones[9] › Date: 2028-03-31 is after the goal's deadline (2027-12-31).",
        "goals[4] › milestones[2] › Value: must be a number.",
        "goals[5] › milestones[1] › Date: is not a date (use YYYY-MM-DD).",
    ]


def test_every_map_problem_in_a_file_is_reported_at_once(engine):
    def spoil(d):
        d["map_links"].append(["N3", "N99"])
        d["goals"][0].update(objective="N6")
        d["goals"][1]["milestones"][0].pop("due")
        d["constraints"][2].update(text=" ")

    refusal = _refused_v3(engine, spoil)
    assert [p.field for p in refusal.problems] == [
        "map_links[17]",
        "constraints[3] › Text",
        "goals[1] › objective",
        "goals[2] › milestones[1]",
    ]


def test_a_node_ref_used_twice_is_refused_and_so_is_every_use_of_the_lost_ref(engine):
    refusal = _refused_v3(engine, lambda d: d["map_nodes"][4].update(ref="N1"))
    assert [str(p) for p in refusal.problems] == [
        "map_nodes[5] › ref: is missing or used twice.",
        # N5 "Higher satisfaction at the counter" is now missing: its two links and two goals say so.
        "map_links[3]: refers to map node 'N5', which is not in the file.",
        "map_links[7]: refers to map node 'N5', which is not in the file.",
        "goals[3] › objective: refers to map node 'N5', which is not in the file.",
        "goals[4] › objective: refers to map node 'N5', which is not in the file.",
    ]
