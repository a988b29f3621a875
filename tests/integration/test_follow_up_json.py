"""The follow-up in the workspace JSON (format 7) on SQLite and PostgreSQL: the demo's follow_up section with
goal and action refs, export → import → export, files from version 6, refusals that name the place and write
nothing, and refs that follow the file's own goals and actions."""

from __future__ import annotations

import copy
import json
from collections import Counter
from datetime import date

import pytest

from crmstrategy.core import clock
from crmstrategy.core.errors import ValidationProblem
from crmstrategy.core.models import Workspace
from crmstrategy.implementation.feedback import list_feedback
from crmstrategy.implementation.follow_up import customer_measurements, goal_measurements
from crmstrategy.implementation.models import (
    FEEDBACK_STATUSES,
    Action,
    CustomerMeasurement,
    Feedback,
    GoalMeasurement,
)
from crmstrategy.implementation.plan import list_actions
from crmstrategy.strategy.goals import list_goals
from crmstrategy.strategy.models import Goal
from crmstrategy.workspace.workspace_file import FORMAT_VERSION, load_demo_document, parse_workspace_file
from tests.integration.support import count, demo_copy, export_document, import_document, read, set_at

FOLLOW_UP_KEYS = {"goal_measurements", "customer_measurements", "feedback"}
FEEDBACK_KEYS = {
    "text",
    "source",
    "channel",
    "received_on",
    "sentiment",
    "routed_to",
    "status",
    "response",
    "recorded_by",
    "theme",
    "status_changed_on",
    "segment",
    "persona",
    "action",
}
TABLES = (Workspace, Goal, Action, GoalMeasurement, CustomerMeasurement, Feedback)


def _counts(engine) -> dict[str, int]:
    return {model.__name__: count(engine, model) for model in TABLES}


def _without_volatile(document: dict) -> dict:
    document = copy.deepcopy(document)
    document.pop("exported_at")
    document["workspace"].pop("name")
    return document


def _measured_by_metric(engine, workspace_id: int) -> dict[str, list[tuple[str, float]]]:
    """Each goal's measured values as stored, by the goal's metric: what the refs resolved to."""
    goals = {g.id: g.metric for g in read(engine, list_goals, workspace_id=workspace_id)}
    measured = read(engine, goal_measurements, workspace_id=workspace_id)
    return {
        goals[goal_id]: [(m.measured_on.isoformat(), m.value) for m in items] for goal_id, items in measured.items()
    }


def _file_measured_by_metric(document: dict) -> dict[str, list[tuple[str, float]]]:
    metrics = {g["ref"]: g["metric"] for g in document["goals"]}
    result: dict[str, list[tuple[str, float]]] = {}
    for m in document["follow_up"]["goal_measurements"]:
        result.setdefault(metrics[m["goal"]], []).append((m["measured_on"], m["value"]))
    return {metric: sorted(values) for metric, values in result.items()}


# --- export -----------------------------------------------------------------------------------------


def test_the_demo_exports_its_follow_up_with_goal_segment_persona_and_action_refs(engine, demo_workspace_id):
    document = export_document(engine, demo_workspace_id)
    assert document["format_version"] == FORMAT_VERSION == 7
    follow_up = document["follow_up"]
    assert set(follow_up) == FOLLOW_UP_KEYS

    goals = document["goals"]
    assert [g["ref"] for g in goals] == ["G1", "G2", "G3", "G4", "G5"]
    assert all(date.fromisoformat(g["baseline_on"]) <= date(2026, 9, 30) for g in goals)
    assert goals[1]["metric"] == "Installer churn per year" and goals[1]["baseline_on"] == "2025-12-31"
    actions = document["plan"]["actions"]
    assert [a["ref"] for a in actions] == [f"A{n}" for n in range(1, 21)]

    measured = follow_up["goal_measurements"]
    assert len(measured) == 65 == count(engine, GoalMeasurement, workspace_id=demo_workspace_id)
    assert Counter(m["goal"] for m in measured) == {"G1": 3, "G2": 24, "G3": 24, "G4": 6, "G5": 8}
    assert all(set(m) == {"goal", "measured_on", "value", "note", "recorded_by"} for m in measured)
    refs = [m["goal"] for m in measured]
    assert refs == sorted(refs, key=lambda r: int(r[1:]))  # goal by goal ...
    for ref in {"G1", "G2", "G3", "G4", "G5"}:  # ... oldest first
        days = [m["measured_on"] for m in measured if m["goal"] == ref]
        assert days == sorted(days) and len(set(days)) == len(days)

    customer = follow_up["customer_measurements"]
    assert len(customer) == 72 == count(engine, CustomerMeasurement, workspace_id=demo_workspace_id)
    segment_refs = {s["ref"] for s in document["segments"]}
    assert {m["segment"] for m in customer} == {"S1", "S2", "S3", None}
    assert {m["segment"] for m in customer} - {None} <= segment_refs
    assert Counter(m["measure"] for m in customer if m["segment"] is None) == {"Churn": 8, "Conversion": 8}

    feedback = follow_up["feedback"]
    assert len(feedback) == 12 == count(engine, Feedback, workspace_id=demo_workspace_id)
    assert all(set(f) == FEEDBACK_KEYS for f in feedback)
    assert Counter(f["status"] for f in feedback) == dict.fromkeys(FEEDBACK_STATUSES, 4)
    persona_segment = {p["ref"]: p["segment"] for p in document["personas"]}
    action_refs = {a["ref"] for a in actions}
    for f in feedback:
        assert f["segment"] in segment_refs
        assert f["persona"] is None or persona_segment[f["persona"]] == f["segment"]
        assert f["action"] is None or f["action"] in action_refs
        assert (f["status_changed_on"] is None) == (f["status"] == "New"), f["text"]
    first = feedback[0]
    assert (
        first["received_on"],
        first["status"],
        first["status_changed_on"],
        first["segment"],
        first["persona"],
        first["action"],
    ) == ("2026-08-20", "Acted on", "2026-09-01", "S1", "P1", "A6")
    assert [f["received_on"] for f in feedback] == sorted(f["received_on"] for f in feedback)  # oldest first
    titles = {a["ref"]: a["title"] for a in actions}
    linked = {f.text: f.action_title for f in read(engine, list_feedback, workspace_id=demo_workspace_id)}
    assert linked[first["text"]] == titles["A6"] == "Pick-up code pilot at the Drammen branch"

    assert follow_up == load_demo_document()["follow_up"]


def test_export_import_export_keeps_the_follow_up_section(engine, demo_workspace_id):
    first = export_document(engine, demo_workspace_id)
    raw = json.dumps(first, ensure_ascii=False).encode("utf-8")
    copy_id = import_document(engine, parse_workspace_file(raw)).id
    assert copy_id != demo_workspace_id
    second = export_document(engine, copy_id)
    assert second["follow_up"] == first["follow_up"]
    assert [(g["ref"], g["baseline_on"]) for g in second["goals"]] == [
        (g["ref"], g["baseline_on"]) for g in first["goals"]
    ]
    assert _without_volatile(second) == _without_volatile(first)
    assert (
        _measured_by_metric(engine, copy_id)
        == _measured_by_metric(engine, demo_workspace_id)
        == _file_measured_by_metric(first)
    )
    assert count(engine, Feedback, workspace_id=copy_id) == 12
    assert count(engine, CustomerMeasurement, workspace_id=copy_id) == 72
    # the copy's feedback links to the copy's own actions, segments and personas
    copied = read(engine, list_feedback, workspace_id=copy_id)
    own_actions = {a.id for a in read(engine, list_actions, workspace_id=copy_id)}
    assert {f.action_id for f in copied if f.action_id} <= own_actions
    assert sorted((f.text, f.action_title, f.segment_name, f.persona_name) for f in copied) == sorted(
        (f.text, f.action_title, f.segment_name, f.persona_name)
        for f in read(engine, list_feedback, workspace_id=demo_workspace_id)
    )


def _version_6(document: dict) -> dict:
    document = copy.deepcopy(document)
    document["format_version"] = 6
    del document["follow_up"]
    for goal in document["goals"]:
        del goal["ref"], goal["baseline_on"]
    for action in document["plan"]["actions"]:
        del action["ref"]
    return document


def test_a_version_6_file_imports_with_nothing_measured(engine):
    document = _version_6(demo_copy("From version 6"))
    assert "ref" not in json.dumps(document["goals"]) and "baseline_on" not in json.dumps(document["goals"])
    workspace_id = import_document(engine, parse_workspace_file(json.dumps(document))).id
    assert read(engine, goal_measurements, workspace_id=workspace_id) == {}
    assert read(engine, customer_measurements, workspace_id=workspace_id) == []
    assert read(engine, list_feedback, workspace_id=workspace_id) == []
    goals = read(engine, list_goals, workspace_id=workspace_id)
    assert len(goals) == 5 and all(g.baseline_on is None for g in goals)
    exported = export_document(engine, workspace_id)
    assert exported["format_version"] == FORMAT_VERSION
    assert exported["follow_up"] == dict.fromkeys(FOLLOW_UP_KEYS, [])
    assert [g["ref"] for g in exported["goals"]] == ["G1", "G2", "G3", "G4", "G5"]
    assert [a["ref"] for a in exported["plan"]["actions"]] == [f"A{n}" for n in range(1, 21)]
    assert [g["baseline_on"] for g in exported["goals"]] == [None] * 5
    assert len(exported["plan"]["actions"]) == 20 and len(exported["map_nodes"]) == 13  # the rest came in


# --- refusals ---------------------------------------------------------------------------------------

_set = set_at  # "feedback.0.action" sets follow_up["feedback"][0]["action"] (0-based)


def _acted_on_without_action_or_response(section: dict) -> None:
    item = section["feedback"][0]
    assert item["status"] == "Acted on"
    item.update(action=None, response="")


def _same_day_twice_for_a_measure_and_segment(section: dict) -> None:
    rows = section["customer_measurements"]
    rows[2]["measured_on"] = rows[0]["measured_on"]  # both Churn for S1
    assert (rows[2]["measure"], rows[2]["segment"]) == (rows[0]["measure"], rows[0]["segment"])


def _persona_of_another_segment(section: dict) -> None:
    section["feedback"][0].update(segment="S1", persona="P3")  # P3 is a persona of S2


@pytest.mark.parametrize(
    "change, where",
    [
        (_set("goal_measurements.1.goal", "G9"), "follow_up › goal_measurements[2] › goal"),
        (_set("goal_measurements.4.value", "lots"), "follow_up › goal_measurements[5] › Value"),
        (_set("goal_measurements.4.measured_on", "2026-02-30"), "follow_up › goal_measurements[5] › Date"),
        (_set("goal_measurements.0.colour", "red"), "follow_up › goal_measurements[1] › Colour"),
        (_set("customer_measurements.1.segment", "S9"), "follow_up › customer_measurements[2] › segment"),
        (_set("customer_measurements.3.measure", "Happiness"), "follow_up › customer_measurements[4] › Measure"),
        (_set("customer_measurements.2.value", 300), "follow_up › customer_measurements[3]"),
        (_same_day_twice_for_a_measure_and_segment, "follow_up › customer_measurements[3] › Date"),
        (_acted_on_without_action_or_response, "follow_up › feedback[1]"),
        (_set("feedback.0.action", "A99"), "follow_up › feedback[1] › action"),
        (_set("feedback.3.persona", "P99"), "follow_up › feedback[4] › persona"),
        (_persona_of_another_segment, "follow_up › feedback[1] › Persona"),
        (_set("feedback.2.status_changed_on", "soon"), "follow_up › feedback[3] › status_changed_on"),
        (_set("colour", "red"), "follow_up › colour"),
        (_set("feedback", "none"), "follow_up › feedback"),
    ],
    ids=[
        "unknown-goal",
        "text-value",
        "bad-day",
        "unknown-measurement-key",
        "unknown-segment",
        "unknown-measure",
        "measure-out-of-range",
        "customer-day-twice",
        "acted-on-without-action-or-response",
        "unknown-action",
        "unknown-persona",
        "persona-of-another-segment",
        "bad-status-changed-on",
        "unknown-key",
        "feedback-not-a-list",
    ],
)
def test_a_bad_follow_up_section_is_refused_naming_the_place_and_writes_nothing(engine, change, where):
    document = demo_copy("Follow-up copy")
    change(document["follow_up"])
    before = _counts(engine)
    with pytest.raises(ValidationProblem) as refused:
        import_document(engine, document)
    assert where in [p.field for p in refused.value.problems], refused.value.problems
    assert _counts(engine) == before
    assert before["Workspace"] == 0


def test_the_refusals_say_what_the_wrong_ref_was(engine):
    document = demo_copy("Follow-up copy")
    document["follow_up"]["goal_measurements"][1]["goal"] = "G9"
    document["follow_up"]["feedback"][0]["action"] = "A99"
    document["follow_up"]["customer_measurements"][1]["segment"] = "S9"
    with pytest.raises(ValidationProblem) as refused:
        import_document(engine, document)
    assert [str(p) for p in refused.value.problems] == [
        "follow_up › goal_measurements[2] › goal: refers to goal 'G9', which is not in the file.",
        "follow_up › customer_measurements[2] › segment: refers to segment 'S9', which is not in the file.",
        "follow_up › feedback[1] › action: refers to action 'A99', which is not in the file.",
    ]
    assert _counts(engine) == dict.fromkeys(_counts(engine), 0)


def test_feedback_linked_to_actions_the_file_no_longer_has_is_refused(engine, demo_workspace_id):
    document = export_document(engine, demo_workspace_id)
    removed = {"A6", "A9"}
    linked = [n for n, f in enumerate(document["follow_up"]["feedback"], start=1) if f["action"] in removed]
    assert len(linked) == 2
    document["plan"]["actions"] = [a for a in document["plan"]["actions"] if a["ref"] not in removed]
    before = _counts(engine)
    with pytest.raises(ValidationProblem) as refused:
        import_document(engine, document)
    assert [p.field for p in refused.value.problems] == [f"follow_up › feedback[{n}] › action" for n in linked]
    assert all("which is not in the file" in p.message for p in refused.value.problems)
    assert _counts(engine) == before


def _two_values_on_one_day(document: dict) -> tuple[int, int]:
    """The 6th row of the file (G2's second) measured on the day of the 5th (G2's first)."""
    rows = document["follow_up"]["goal_measurements"]
    assert [rows[4]["goal"], rows[5]["goal"]] == ["G2", "G2"] and rows[3]["goal"] == "G2"
    rows[5]["measured_on"] = rows[4]["measured_on"]
    return 5, 6


def test_two_values_of_one_goal_on_one_day_are_refused_at_the_row_and_write_nothing(engine):
    document = demo_copy("Twice")
    _, second = _two_values_on_one_day(document)
    before = _counts(engine)
    with pytest.raises(ValidationProblem) as refused:
        import_document(engine, document)
    [problem] = refused.value.problems
    assert problem.field == f"follow_up › goal_measurements[{second}] › Date"
    assert document["follow_up"]["goal_measurements"][4]["measured_on"] in problem.message
    assert "one value per day" in problem.message
    assert _counts(engine) == before


def test_the_duplicate_day_message_names_the_earlier_row_of_the_file(engine):
    document = demo_copy("Twice")
    first, _ = _two_values_on_one_day(document)
    with pytest.raises(ValidationProblem) as refused:
        import_document(engine, document)
    [problem] = refused.value.problems
    assert "row 2" not in problem.message
    assert f"goal_measurements[{first}]" in problem.message or f"row {first}" in problem.message


# --- refs follow the file ---------------------------------------------------------------------------


def _swap(document: dict, a: str, b: str) -> dict:
    raw = json.dumps(document).replace(f'"{a}"', '"@swap@"').replace(f'"{b}"', f'"{a}"').replace('"@swap@"', f'"{b}"')
    return json.loads(raw)


def _rename(document: dict, old: str, new: str) -> dict:
    return json.loads(json.dumps(document).replace(f'"{old}"', f'"{new}"'))


@pytest.mark.parametrize(
    "rewrite",
    [
        lambda d: _swap(d, "G1", "G2"),
        lambda d: _rename(_rename(d, "G2", "churn"), "A6", "pick-up pilot"),
        lambda d: _swap(d, "A4", "A6"),
    ],
    ids=["swapped-goal-refs", "named-refs", "swapped-action-refs"],
)
def test_measurements_and_feedback_follow_the_refs_of_the_file(engine, rewrite):
    demo = demo_copy("Refs")
    document = rewrite(demo)
    assert document != demo
    workspace_id = import_document(engine, document).id
    assert _measured_by_metric(engine, workspace_id) == _file_measured_by_metric(demo)
    assert len(_measured_by_metric(engine, workspace_id)["Installer churn per year"]) == 24
    titles = {a["ref"]: a["title"] for a in demo["plan"]["actions"]}
    expected = sorted((f["text"], titles[f["action"]] if f["action"] else "") for f in demo["follow_up"]["feedback"])
    assert sorted((f.text, f.action_title) for f in read(engine, list_feedback, workspace_id=workspace_id)) == expected
    assert export_document(engine, workspace_id)["follow_up"] == load_demo_document()["follow_up"]


# --- what the file may leave out --------------------------------------------------------------------


def test_feedback_routed_without_a_status_day_is_not_stored_as_changed_in_the_future(engine):
    document = demo_copy("No status day")
    item = document["follow_up"]["feedback"][2]
    assert item["status"] == "Routed"
    item["status_changed_on"] = None
    try:
        workspace_id = import_document(engine, document).id
    except ValidationProblem as refused:  # refusing it, naming the place, would be right too
        assert "follow_up › feedback[3] › status_changed_on" in [p.field for p in refused.problems]
        return
    stored = export_document(engine, workspace_id)["follow_up"]["feedback"][2]
    assert stored["text"] == item["text"]
    assert date.fromisoformat(stored["status_changed_on"]) <= clock.today()


def test_two_goals_with_one_ref_are_refused(engine):
    document = demo_copy("Goal ref twice")
    document["goals"][1]["ref"] = "G1"
    document["follow_up"]["goal_measurements"] = [
        m for m in document["follow_up"]["goal_measurements"] if m["goal"] != "G2"
    ]
    before = _counts(engine)
    with pytest.raises(ValidationProblem) as refused:
        import_document(engine, document)
    assert any(p.field.startswith("goals[2]") for p in refused.value.problems), refused.value.problems
    assert _counts(engine) == before


def test_two_actions_with_one_ref_are_refused(engine):
    document = demo_copy("Action ref twice")
    document["plan"]["actions"][5]["ref"] = "A4"  # A6 becomes a second A4
    for item in document["follow_up"]["feedback"]:
        if item["action"] == "A6":
            item["action"] = "A4"
    before = _counts(engine)
    with pytest.raises(ValidationProblem) as refused:
        import_document(engine, document)
    assert any(p.field.startswith("plan › actions[6]") for p in refused.value.problems), refused.value.problems
    assert _counts(engine) == before
