"""The implementation plan in the workspace JSON (format 6) on SQLite and PostgreSQL: the demo's plan section,
export → import → export, files from version 5, refusals that name the place and create nothing, the file's
history and plan start carried into the import, and duplicating a workspace with its plan."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from crmstrategy.core.db import unit_of_work
from crmstrategy.core.errors import ValidationProblem
from crmstrategy.core.models import Workspace
from crmstrategy.implementation.anchoring import list_reviews, list_role_impacts, participation
from crmstrategy.implementation.models import Action, ActionChange, RoleImpact
from crmstrategy.implementation.plan import action_history, list_actions
from crmstrategy.workspace.workspace_file import (
    export_workspace,
    import_workspace,
    load_demo_document,
    parse_workspace_file,
)
from crmstrategy.workspace.workspaces import get_workspace
from tests.integration.support import count, demo_copy, export_document, import_document, read, set_at

DEMO_TITLES_WITH_TWO_CHANGES = {"Agree the signals of a regular going quiet", "Merge duplicate customer records"}


_export, _import = export_document, import_document


def _demo(name: str = "Plan copy") -> dict:
    return demo_copy(name)


def _actions_by_title(engine, workspace_id) -> dict:
    return {a.title: a for a in read(engine, list_actions, workspace_id=workspace_id)}


def _plan_counts(engine) -> tuple[int, ...]:
    return count(engine, Workspace), count(engine, Action), count(engine, ActionChange), count(engine, RoleImpact)


# --- export -----------------------------------------------------------------------------------


def test_export_of_the_demo_has_its_start_actions_initiative_refs_and_utc_history(engine, demo_workspace_id):
    document = _export(engine, demo_workspace_id)
    plan = document["plan"]
    assert plan["start"] == "2026-11-02"
    assert len(plan["actions"]) == 20
    kinds = {node["ref"]: node["kind"] for node in document["map_nodes"]}
    for action in plan["actions"]:
        assert "initiative_ids" not in action
        assert all(kinds[ref] == "initiative" for ref in action["initiatives"]), action
        assert action["history"], action["title"]
        for change in action["history"]:
            assert set(change) == {"changed_at", "changed_by", "field", "old", "new"}
            assert change["changed_at"].endswith("+00:00")
            assert datetime.fromisoformat(change["changed_at"]).utcoffset() == timedelta(0)
    first = plan["actions"][0]
    assert (first["title"], first["initiatives"]) == ("Agree the signals of a regular going quiet", ["N6"])
    assert [c["field"] for c in first["history"]] == ["created", "status"]
    assert {a["title"] for a in plan["actions"] if len(a["history"]) == 2} >= DEMO_TITLES_WITH_TWO_CHANGES
    assert [p["participant"] for p in plan["participation"]] == ["U1", "U2", "U3", "U4", "U5"]
    assert len(plan["role_impacts"]) == 5
    assert [r["reviewed_by"] for r in plan["reviews"]] == ["Hanne Lie"]
    assert plan == load_demo_document()["plan"]


def test_export_import_export_keeps_the_plan_section(engine, demo_workspace_id):
    first = _export(engine, demo_workspace_id)
    raw = json.dumps(first, ensure_ascii=False).encode("utf-8")
    copy_id = _import(engine, parse_workspace_file(raw)).id
    assert copy_id != demo_workspace_id
    second = _export(engine, copy_id)
    assert second["plan"] == first["plan"]
    assert len(second["plan"]["actions"]) == 20


def test_a_version_5_file_without_a_plan_imports_with_an_empty_plan(engine):
    document = _demo("From version 5")
    document["format_version"] = 5
    del document["plan"], document["follow_up"]  # a version 5 file has neither
    ws = _import(engine, parse_workspace_file(json.dumps(document))).id
    assert read(engine, list_actions, workspace_id=ws) == []
    assert read(engine, list_reviews, workspace_id=ws) == []
    assert read(engine, participation, workspace_id=ws) == {}
    assert read(engine, list_role_impacts, workspace_id=ws) == []
    assert read(engine, get_workspace, workspace_id=ws).plan_start is None
    assert count(engine, ActionChange, workspace_id=ws) == 0
    # the rest of the file still came in
    assert len(_export(engine, ws)["map_nodes"]) == len(document["map_nodes"])


# --- refusals ---------------------------------------------------------------------------------

_set = set_at  # "actions.2.due_date" sets the plan's actions[2] due date (0-based)


def _drop(path: str):
    def change(plan: dict) -> None:
        *parents, last = path.split(".")
        target = plan
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        del target[int(last) if isinstance(target, list) else last]

    return change


def _earlier_start_with_hand_set_horizon(plan: dict) -> None:
    # Due 2027-01-15 is in the 3-month horizon of the demo's start, but in the 12-month one of June's.
    plan["start"] = "2026-06-01"
    plan["actions"][2]["horizon"] = 3


def _same_audience_in_other_case(plan: dict) -> None:
    plan["role_impacts"][1]["audience"] = plan["role_impacts"][0]["audience"].upper()


@pytest.mark.parametrize(
    "change, where",
    [
        (_set("colour", "red"), "plan › colour"),
        (_set("start", "2026-13-01"), "plan › start"),
        (_set("actions.2.start_date", "2027-02-01"), "plan › actions[3] › Due"),
        (_earlier_start_with_hand_set_horizon, "plan › actions[3] › Horizon"),
        (_set("actions.2.initiatives", ["N99"]), "plan › actions[3] › initiatives"),
        (_set("actions.2.initiatives", ["N3"]), "plan › actions[3] › Initiatives"),
        (_drop("actions.2.history.0.old"), "plan › actions[3] › history[1]"),
        (_set("actions.2.history.0.changed_at", "last Tuesday"), "plan › actions[3] › history[1] › changed_at"),
        (_set("participation.1.steps", ["Analysis", "Dreaming"]), "plan › participation[2] › steps"),
        (_set("participation.1.participant", "U9"), "plan › participation[2] › participant"),
        (_same_audience_in_other_case, "plan › role_impacts[2] › Role or department"),
        (_drop("reviews.0.reviewed_by"), "plan › reviews[1] › Reviewed by"),
    ],
    ids=[
        "unknown-key",
        "bad-start",
        "due-before-start",
        "horizon-against-file-start",
        "initiative-not-in-file",
        "initiative-is-objective",
        "history-missing-key",
        "history-bad-changed-at",
        "unknown-step",
        "unknown-participant",
        "audience-twice-ignoring-case",
        "review-without-reviewer",
    ],
)
def test_a_bad_plan_section_is_refused_naming_the_place_and_creates_nothing(engine, change, where):
    document = _demo()
    change(document["plan"])
    before = _plan_counts(engine)
    with pytest.raises(ValidationProblem) as refused:
        _import(engine, document)
    assert where in [p.field for p in refused.value.problems], refused.value.problems
    assert _plan_counts(engine) == before
    assert before[0] == 0


def test_a_hand_set_horizon_that_fits_the_file_start_is_accepted_and_kept(engine):
    document = _demo()
    document["plan"]["actions"][2]["horizon"] = 3  # due 2027-01-15, within 3 months of 2026-11-02
    ws = _import(engine, document).id
    action = _actions_by_title(engine, ws)["Name a project contact for the 20 largest contractors"]
    assert (action.horizon, action.shown_horizon) == (3, 3)
    assert _export(engine, ws)["plan"]["actions"][2]["horizon"] == 3


# --- what the import carries over -------------------------------------------------------------


def test_the_file_history_replaces_the_import_own_created_entry(engine):
    document = _demo()
    document["plan"]["actions"][0]["history"] = [
        {
            "changed_at": "2026-10-01T07:45:00+00:00",
            "changed_by": "Ola Nordmann",
            "field": "created",
            "old": "",
            "new": "Agree the signals of a regular going quiet",
        },
        {
            "changed_at": "2026-10-20T12:00:00+00:00",
            "changed_by": "Kari",
            "field": "owner",
            "old": "Mona Dahl",
            "new": "Erik Solberg",
        },
    ]
    ws = _import(engine, document).id
    action = _actions_by_title(engine, ws)["Agree the signals of a regular going quiet"]
    history = read(engine, action_history, workspace_id=ws, action_id=action.id)  # newest first
    assert [(c.changed_at, c.changed_by, c.field, c.old, c.new) for c in history] == [
        (datetime(2026, 10, 20, 12, 0, tzinfo=UTC), "Kari", "owner", "Mona Dahl", "Erik Solberg"),
        (datetime(2026, 10, 1, 7, 45, tzinfo=UTC), "Ola Nordmann", "created", "", action.title),
    ]
    assert count(engine, ActionChange, action_id=action.id) == 2
    assert count(engine, ActionChange, workspace_id=ws) == sum(len(a["history"]) for a in document["plan"]["actions"])


@pytest.mark.parametrize(
    "given, exported",
    [
        ("2026-11-02T12:00:00+02:00", "2026-11-02T10:00:00+00:00"),
        ("2026-11-02T10:00:00", "2026-11-02T10:00:00+00:00"),
    ],
    ids=["offset", "naive-is-utc"],
)
def test_a_history_time_keeps_its_instant_and_is_exported_in_utc(engine, given, exported):
    document = _demo()
    document["plan"]["actions"][1]["history"][0]["changed_at"] = given
    ws = _import(engine, document).id
    assert _export(engine, ws)["plan"]["actions"][1]["history"][0]["changed_at"] == exported


def test_moving_the_plan_start_in_the_file_moves_the_shown_horizons(engine):
    as_given = _actions_by_title(engine, _import(engine, _demo("As given")).id)
    document = _demo("Earlier start")
    document["plan"]["start"] = "2026-06-01"
    ws = _import(engine, document).id
    moved = _actions_by_title(engine, ws)
    assert read(engine, get_workspace, workspace_id=ws).plan_start.isoformat() == "2026-06-01"
    expected = {  # title: (shown horizon from 2026-11-02, from 2026-06-01)
        "Agree the signals of a regular going quiet": (3, 12),  # due 2026-12-15
        "Merge duplicate customer records": (3, 6),  # due 2026-11-20
        "Loyalty programme: rules and rewards agreed": (6, 12),  # due 2027-03-15
        "Explore a win-back offer for lapsed installers": (12, 12),  # no due date, set by hand
    }
    assert {t: (as_given[t].shown_horizon, moved[t].shown_horizon) for t in expected} == expected
    assert (
        as_given["Loyalty programme in all regions"].beyond_plan,
        moved["Loyalty programme in all regions"].beyond_plan,
    ) == (False, True)  # due 2027-10-29
    assert _export(engine, ws)["plan"]["start"] == "2026-06-01"


def _swap_refs(document: dict, a: str, b: str) -> dict:
    """The same file with two map-node refs swapped everywhere: nodes, links, constraints, goals, plan."""
    raw = json.dumps(document).replace(f'"{a}"', '"@swap@"').replace(f'"{b}"', f'"{a}"').replace('"@swap@"', f'"{b}"')
    return json.loads(raw)


def _rename_ref(document: dict, old: str, new: str) -> dict:
    return json.loads(json.dumps(document).replace(f'"{old}"', f'"{new}"'))


@pytest.mark.parametrize(
    "rewrite",
    [
        lambda d: _swap_refs(d, "N6", "N7"),
        lambda d: _rename_ref(d, "N6", "call"),
    ],
    ids=["swapped-refs", "named-ref"],
)
def test_initiative_refs_follow_the_refs_of_the_file_map_nodes(engine, rewrite):
    document = rewrite(_demo())
    ws = _import(engine, document).id
    actions = _actions_by_title(engine, ws)
    assert actions["Agree the signals of a regular going quiet"].initiative_names == [
        "Proactive call when a regular goes quiet"
    ]
    assert actions["Name a project contact for the 20 largest contractors"].initiative_names == [
        "Project contact for every large contractor"
    ]


# --- duplicating ------------------------------------------------------------------------------


def test_duplicating_a_workspace_keeps_its_plan(engine, demo_workspace_id):
    # What the Workspaces page does: import the export of the workspace, under the chosen name.
    with unit_of_work(engine) as session:
        duplicate = import_workspace(
            session=session,
            name="Demo (copy)",
            document=export_workspace(session=session, workspace_id=demo_workspace_id),
        )
    assert duplicate.name == "Demo (copy)"
    original, copied = _export(engine, demo_workspace_id), _export(engine, duplicate.id)
    assert copied["plan"] == original["plan"]
    assert count(engine, Action, workspace_id=duplicate.id) == 20
    assert count(engine, ActionChange, workspace_id=duplicate.id) == count(
        engine, ActionChange, workspace_id=demo_workspace_id
    )
    assert {a.title for a in read(engine, list_actions, workspace_id=duplicate.id)} == {
        a["title"] for a in original["plan"]["actions"]
    }
