"""Segment services on SQLite and PostgreSQL, including the all-or-nothing table save."""

from __future__ import annotations

import pytest

from crmstrategy.analysis.models import (
    DEFAULT_VALUE_DRIVERS,
    Persona,
    Segment,
    SegmentValueDriver,
    ValueDriver,
)
from crmstrategy.analysis.segments import (
    add_value_driver,
    apply_segment_edits,
    create_segment,
    create_segments,
    delete_segment,
    get_segment,
    list_segments,
    list_value_drivers,
    update_segment,
)
from crmstrategy.core.db import read_session, unit_of_work
from crmstrategy.core.editor import Create, Delete, EditorCommands, Update
from crmstrategy.core.errors import Problem, ValidationProblem
from tests.integration.support import count, new_persona, new_segment, new_workspace, version_of
from tests.support import refusal_of


@pytest.fixture
def workspace_id(engine) -> int:
    return new_workspace(engine, "Acme")


def _segments(engine, workspace_id):
    with read_session(engine) as session:
        return list_segments(session=session, workspace_id=workspace_id)


# --- create, update, delete ------------------------------------------------------------


def test_create_segment_stores_every_field(engine, workspace_id):
    with unit_of_work(engine) as session:
        created = create_segment(
            session=session,
            workspace_id=workspace_id,
            data={
                "name": "Installers",
                "description": "Små firma",
                "defining_needs": "Deler i dag",
                "customer_count": "2 400",
                "revenue": "520000000",
                "potential": 6.4e8,
                "expected_growth_pct": "4,5",
                "lifecycle_focus": "retain",
                "notes": "æøå",
                "value_drivers": "Service; Price",
            },
        )
    [stored] = _segments(engine, workspace_id)
    assert stored == created
    assert (stored.name, stored.customer_count, stored.revenue, stored.expected_growth_pct) == (
        "Installers",
        2400,
        520000000.0,
        4.5,
    )
    assert stored.lifecycle_focus == "Retain"
    assert stored.value_drivers == ["Price", "Service"]  # in the workspace list's order


def test_segments_are_listed_in_creation_order(engine, workspace_id):
    for name in ("B", "A", "C"):
        new_segment(engine, workspace_id, name)
    assert [s.name for s in _segments(engine, workspace_id)] == ["B", "A", "C"]
    assert [s.position for s in _segments(engine, workspace_id)] == [0, 1, 2]


def test_value_drivers_match_case_insensitively_and_unknown_ones_join_the_list(engine, workspace_id):
    segment_id = new_segment(engine, workspace_id, "Installers", value_drivers=["PRICE", "service", "Speed"])
    with read_session(engine) as session:
        segment = get_segment(session=session, workspace_id=workspace_id, segment_id=segment_id)
        drivers = list_value_drivers(session=session, workspace_id=workspace_id)
    assert segment.value_drivers == ["Price", "Service", "Speed"]
    assert drivers == [*DEFAULT_VALUE_DRIVERS, "Speed"]
    new_segment(engine, workspace_id, "Renovators", value_drivers=["speed"])
    assert count(engine, ValueDriver, workspace_id=workspace_id) == len(DEFAULT_VALUE_DRIVERS) + 1


def test_add_value_driver_refuses_a_duplicate_ignoring_case(engine, workspace_id):
    with unit_of_work(engine) as session:
        assert add_value_driver(session=session, workspace_id=workspace_id, name="  Delivery   precision ") == (
            "Delivery precision"
        )
    refusal = refusal_of(engine, add_value_driver, workspace_id=workspace_id, name="delivery PRECISION")
    assert refusal.problems == [Problem("Value driver", "'delivery PRECISION' is already in the list.")]
    assert count(engine, ValueDriver, workspace_id=workspace_id) == len(DEFAULT_VALUE_DRIVERS) + 1


def test_update_segment_changes_only_the_given_fields(engine, workspace_id):
    segment_id = new_segment(
        engine, workspace_id, "Installers", customer_count=10, value_drivers=["Price"], notes="keep me"
    )
    with unit_of_work(engine) as session:
        update_segment(
            version=version_of(session, Segment, segment_id),
            session=session,
            workspace_id=workspace_id,
            segment_id=segment_id,
            changes={"name": "Time-pressed installers", "customer_count": "12"},
        )
    with read_session(engine) as session:
        segment = get_segment(session=session, workspace_id=workspace_id, segment_id=segment_id)
    assert (segment.name, segment.customer_count, segment.notes) == ("Time-pressed installers", 12, "keep me")
    assert segment.value_drivers == ["Price"]


def test_update_segment_replaces_value_drivers_when_given(engine, workspace_id):
    segment_id = new_segment(engine, workspace_id, "Installers", value_drivers=["Price", "Service"])
    with unit_of_work(engine) as session:
        returned = update_segment(
            version=version_of(session, Segment, segment_id),
            session=session,
            workspace_id=workspace_id,
            segment_id=segment_id,
            changes={"value_drivers": ["quality", "SPEED"]},
        )
    assert _segments(engine, workspace_id)[0].value_drivers == ["Quality", "SPEED"]
    assert returned == _segments(engine, workspace_id)[0]
    assert count(engine, SegmentValueDriver) == 2


def test_invalid_update_is_refused_and_nothing_changed(engine, workspace_id):
    segment_id = new_segment(engine, workspace_id, "Installers", customer_count=10)
    refusal = refusal_of(
        engine,
        update_segment,
        version=version_of(engine, Segment, segment_id),
        workspace_id=workspace_id,
        segment_id=segment_id,
        changes={"name": "Renamed", "customer_count": -5},
    )
    assert refusal.problems == [Problem("Customers", "must be at least 0.")]
    [segment] = _segments(engine, workspace_id)
    assert (segment.name, segment.customer_count) == ("Installers", 10)


@pytest.mark.parametrize("duplicate", ["Installers", "INSTALLERS", " installers "])
def test_duplicate_segment_name_is_refused(engine, workspace_id, duplicate):
    new_segment(engine, workspace_id, "Installers")
    refusal = refusal_of(engine, create_segment, workspace_id=workspace_id, data={"name": duplicate})
    assert refusal.problems[0].field == "Name"
    assert "already exists in this workspace" in refusal.problems[0].message
    assert count(engine, Segment) == 1


def test_renaming_onto_another_segments_name_is_refused(engine, workspace_id):
    new_segment(engine, workspace_id, "Installers")
    other = new_segment(engine, workspace_id, "Renovators")
    refusal_of(
        engine,
        update_segment,
        version=version_of(engine, Segment, other),
        workspace_id=workspace_id,
        segment_id=other,
        changes={"name": "installers"},
    )
    assert [s.name for s in _segments(engine, workspace_id)] == ["Installers", "Renovators"]


def test_same_segment_name_is_allowed_in_another_workspace(engine, workspace_id):
    new_segment(engine, workspace_id, "Installers")
    other = new_workspace(engine, "Other")
    new_segment(engine, other, "Installers")
    assert count(engine, Segment) == 2


def test_delete_segment_removes_it_and_its_value_driver_links(engine, workspace_id):
    segment_id = new_segment(engine, workspace_id, "Installers", value_drivers=["Price"])
    with unit_of_work(engine) as session:
        delete_segment(session=session, workspace_id=workspace_id, segment_id=segment_id)
    assert count(engine, Segment) == 0
    assert count(engine, SegmentValueDriver) == 0
    assert count(engine, ValueDriver, workspace_id=workspace_id) == len(DEFAULT_VALUE_DRIVERS)


def test_delete_is_refused_while_personas_exist_saying_how_many(engine, workspace_id):
    segment_id = new_segment(engine, workspace_id, "Installers")
    new_persona(engine, workspace_id, segment_id, "Ivar")
    new_persona(engine, workspace_id, segment_id, "Ingrid")
    refusal = refusal_of(engine, delete_segment, workspace_id=workspace_id, segment_id=segment_id)
    assert "'Installers' has 2 personas." in str(refusal)
    assert count(engine, Segment) == 1
    assert count(engine, Persona) == 2


def test_delete_with_personas_when_confirmed(engine, workspace_id):
    segment_id = new_segment(engine, workspace_id, "Installers")
    new_persona(engine, workspace_id, segment_id, "Ivar")
    with unit_of_work(engine) as session:
        delete_segment(session=session, workspace_id=workspace_id, segment_id=segment_id, with_personas=True)
    assert count(engine, Segment) == 0
    assert count(engine, Persona) == 0


# --- the table: all or nothing ---------------------------------------------------------


def _two_segments(engine, workspace_id) -> list[int]:
    return [
        new_segment(engine, workspace_id, "Installers", customer_count=10),
        new_segment(engine, workspace_id, "Renovators", customer_count=20),
    ]


def _apply(engine, workspace_id, commands):
    with unit_of_work(engine) as session:
        return apply_segment_edits(session=session, workspace_id=workspace_id, commands=commands)


def test_apply_segment_edits_applies_creates_updates_and_deletes(engine, workspace_id):
    first, second = _two_segments(engine, workspace_id)
    counts = _apply(
        engine,
        workspace_id,
        EditorCommands(
            deletes=[Delete(second, 2)],
            updates=[Update(first, {"customer_count": 11}, 1)],
            creates=[Create({"name": "Facility managers", "value_drivers": ["Service"]}, 3)],
        ),
    )
    assert counts == {"created": 1, "updated": 1, "deleted": 1}
    segments = _segments(engine, workspace_id)
    assert [(s.name, s.customer_count) for s in segments] == [("Installers", 11), ("Facility managers", None)]


def test_one_bad_row_among_good_ones_writes_nothing(engine, workspace_id):
    first, second = _two_segments(engine, workspace_id)
    with pytest.raises(ValidationProblem) as refused:
        _apply(
            engine,
            workspace_id,
            EditorCommands(
                deletes=[Delete(second, 2)],
                updates=[Update(first, {"name": "Renamed", "value_drivers": ["Brand new driver"]}, 1)],
                creates=[Create({"name": "Good new row"}, 3), Create({"name": "Bad row", "customer_count": -1}, 4)],
            ),
        )
    assert refused.value.problems == [Problem("Customers", "must be at least 0.", 4)]
    segments = _segments(engine, workspace_id)
    assert [(s.name, s.customer_count) for s in segments] == [("Installers", 10), ("Renovators", 20)]
    assert count(engine, Segment) == 2
    assert count(engine, ValueDriver, name="Brand new driver") == 0


def test_several_bad_rows_are_all_reported(engine, workspace_id):
    first, second = _two_segments(engine, workspace_id)
    new_persona(engine, workspace_id, second, "Rita")
    with pytest.raises(ValidationProblem) as refused:
        _apply(
            engine,
            workspace_id,
            EditorCommands(
                deletes=[Delete(second, 2)],
                updates=[Update(first, {"expected_growth_pct": 5000}, 1)],
                creates=[
                    Create({"name": "Fine"}, 3),
                    Create({"name": "Numbers", "customer_count": "abc"}, 4),
                    Create({"name": "installers"}, 5),
                    Create({"name": "Stage", "lifecycle_focus": "Later"}, 6),
                ],
            ),
        )
    problems = refused.value.problems
    assert [p.row for p in problems] == [2, 1, 4, 5, 6]
    assert "has 1 persona." in problems[0].message
    assert problems[1] == Problem("Expected growth %", "must be at most 1,000.", 1)
    assert problems[2] == Problem("Customers", "must be a number without decimals.", 4)
    assert "already exists" in problems[3].message
    assert problems[4].field == "Lifecycle focus"
    assert count(engine, Segment) == 2
    assert count(engine, Segment, name="Fine") == 0
    assert count(engine, Persona) == 1


def test_create_segments_imports_all_or_nothing(engine, workspace_id):
    with pytest.raises(ValidationProblem) as refused:
        with unit_of_work(engine) as session:
            create_segments(
                session=session,
                workspace_id=workspace_id,
                rows=[(2, {"name": "One"}), (3, {"name": "Two"}), (5, {"name": "one"})],
            )
    assert [p.row for p in refused.value.problems] == [5]  # the row number in the file
    assert count(engine, Segment) == 0
    with unit_of_work(engine) as session:
        assert (
            create_segments(
                session=session, workspace_id=workspace_id, rows=[(2, {"name": "One"}), (3, {"name": "Two"})]
            )
            == 2
        )
    assert [s.name for s in _segments(engine, workspace_id)] == ["One", "Two"]


def test_create_segments_adds_each_new_value_driver_once_and_continues_the_order(engine, workspace_id):
    new_segment(engine, workspace_id, "Existing", value_drivers=["Price"])
    rows = [
        (2, {"name": "One", "value_drivers": "Speed; price"}),
        (3, {"name": "Two", "value_drivers": "SPEED; Advice"}),
        (4, {"name": "Three"}),
    ]
    with unit_of_work(engine) as session:
        defaults = list_value_drivers(session=session, workspace_id=workspace_id)
        assert create_segments(session=session, workspace_id=workspace_id, rows=rows) == 3
        assert list_value_drivers(session=session, workspace_id=workspace_id) == defaults + ["Speed", "Advice"]
    stored = _segments(engine, workspace_id)
    assert [(s.name, s.position, s.value_drivers) for s in stored] == [
        ("Existing", 0, ["Price"]),
        ("One", 1, ["Price", "Speed"]),
        ("Two", 2, ["Speed", "Advice"]),
        ("Three", 3, []),
    ]


def test_create_segments_names_every_refused_row(engine, workspace_id):
    new_segment(engine, workspace_id, "Installers")
    rows = [(2, {"name": "INSTALLERS"}), (3, {"name": "New", "customer_count": "many"}), (4, {"name": "Fine"})]
    refused = refusal_of(engine, create_segments, workspace_id=workspace_id, rows=rows)
    assert [str(p) for p in refused.problems] == [
        "Row 2, Name: A segment named 'INSTALLERS' already exists in this workspace.",
        "Row 3, Customers: must be a number without decimals.",
    ]
    assert [s.name for s in _segments(engine, workspace_id)] == ["Installers"]


def test_segment_in_a_missing_workspace_is_refused(engine):
    refusal = refusal_of(engine, create_segment, workspace_id=999, data={"name": "Orphan"})
    assert "workspace does not exist" in str(refusal)
    assert count(engine, Segment) == 0
