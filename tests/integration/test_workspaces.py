"""Workspace services on SQLite and PostgreSQL: create, unique names, rename, confirmed delete."""

from __future__ import annotations

import pytest

from crmstrategy.analysis.insights import list_themes
from crmstrategy.analysis.models import (
    DEFAULT_THEMES,
    DEFAULT_VALUE_DRIVERS,
    Insight,
    InsightPersona,
    InsightSegment,
    Participant,
    Persona,
    PersonaChannel,
    ReadinessRating,
    ReadinessStatement,
    Segment,
    SegmentValueDriver,
    Theme,
    ValueDriver,
)
from crmstrategy.analysis.readiness import STANDARD_STATEMENTS
from crmstrategy.analysis.readiness_ratings import list_statements
from crmstrategy.analysis.segments import list_value_drivers
from crmstrategy.analysis.strengths import add_factor, delete_factor, list_factors
from crmstrategy.core.db import read_session, unit_of_work
from crmstrategy.core.errors import ValidationProblem
from crmstrategy.core.models import Workspace
from crmstrategy.workspace.workspace_file import import_workspace, load_demo_document
from crmstrategy.workspace.workspaces import (
    create_workspace,
    delete_workspace,
    free_workspace_name,
    get_workspace,
    list_workspaces,
    update_workspace,
)
from tests.integration.support import count, new_persona, new_segment, new_workspace, version_of


def test_create_workspace_stores_it_with_the_default_value_drivers(engine):
    with unit_of_work(engine) as session:
        created = create_workspace(
            session=session, data={"name": "  Nordvik   Rørhandel ", "currency": "nok", "description": "Grossist"}
        )
    with read_session(engine) as session:
        stored = get_workspace(session=session, workspace_id=created.id)
        drivers = list_value_drivers(session=session, workspace_id=created.id)
    assert (stored.name, stored.currency, stored.description) == ("Nordvik Rørhandel", "NOK", "Grossist")
    assert drivers == list(DEFAULT_VALUE_DRIVERS)
    assert stored.created_at is not None


def test_a_new_workspace_starts_with_the_eight_starter_factors_and_what_each_means(engine):
    workspace = new_workspace(engine, "Acme")
    with read_session(engine) as session:
        library = list_factors(session=session, workspace_id=workspace)
    assert [(f.name, f.description, f.segments) for f in library] == [
        ("Availability", "Products are in stock, and someone answers when customers need us.", ()),
        ("Delivery precision", "Deliveries arrive complete, on the day and at the time agreed.", ()),
        ("Ease of ordering", "Ordering is quick and simple, in the channel the customer prefers.", ()),
        ("Expertise and advice", "Our people know the products and help customers choose the right solution.", ()),
        ("Price level", "What customers pay compared with other suppliers, discounts and terms included.", ()),
        ("Product range", "Customers find what they need in one place, the specialist items included.", ()),
        ("Relationship", "Customers know and trust the people they deal with.", ()),
        ("Service", "Questions, complaints and returns are handled quickly and helpfully.", ()),
    ]
    # A team edits the starter set like any library: an unused factor goes, a new one joins.
    with unit_of_work(engine) as session:
        delete_factor(session=session, workspace_id=workspace, factor_id=library[0].id)
        add_factor(session=session, workspace_id=workspace, data={"name": "Trade credit"})
    with read_session(engine) as session:
        names = [f.name for f in list_factors(session=session, workspace_id=workspace)]
    assert names == [
        "Delivery precision",
        "Ease of ordering",
        "Expertise and advice",
        "Price level",
        "Product range",
        "Relationship",
        "Service",
        "Trade credit",
    ]


def test_an_imported_workspace_brings_its_own_factor_library_and_no_starter_factors(engine):
    with unit_of_work(engine) as session:
        imported = import_workspace(session=session, document=load_demo_document())
    with read_session(engine) as session:
        names = {f.name for f in list_factors(session=session, workspace_id=imported.id)}
    assert names == {factor["name"] for factor in load_demo_document()["factors"]}
    assert "Ease of ordering" not in names


def test_workspaces_are_listed_alphabetically_ignoring_case(engine):
    for name in ("beta", "Alpha", "Gamma"):
        new_workspace(engine, name)
    with read_session(engine) as session:
        assert [w.name for w in list_workspaces(session=session)] == ["Alpha", "beta", "Gamma"]


@pytest.mark.parametrize("duplicate", ["Acme", "ACME", "  acme  "])
def test_duplicate_workspace_name_is_refused_ignoring_case(engine, duplicate):
    new_workspace(engine, "Acme")
    with pytest.raises(ValidationProblem) as refused:
        with unit_of_work(engine) as session:
            create_workspace(session=session, data={"name": duplicate})
    assert refused.value.problems[0].field == "Workspace name"
    assert "already exists" in refused.value.problems[0].message
    assert count(engine, Workspace) == 1
    assert count(engine, ValueDriver) == len(DEFAULT_VALUE_DRIVERS)


def test_invalid_workspace_is_refused_and_nothing_written(engine):
    with pytest.raises(ValidationProblem) as refused:
        with unit_of_work(engine) as session:
            create_workspace(session=session, data={"name": " ", "currency": "kroner"})
    assert {p.field for p in refused.value.problems} == {"Name", "Currency"}
    assert count(engine, Workspace) == 0


def test_rename_workspace(engine):
    workspace_id = new_workspace(engine, "Acme")
    with unit_of_work(engine) as session:
        update_workspace(
            version=version_of(session, Workspace, workspace_id),
            session=session,
            workspace_id=workspace_id,
            changes={"name": "Acme Nordic"},
        )
    with read_session(engine) as session:
        stored = get_workspace(session=session, workspace_id=workspace_id)
    assert stored.name == "Acme Nordic"
    assert stored.currency == "NOK"
    assert stored.updated_at >= stored.created_at


def test_rename_to_own_name_in_other_case_is_allowed(engine):
    workspace_id = new_workspace(engine, "acme")
    with unit_of_work(engine) as session:
        assert (
            update_workspace(
                version=version_of(session, Workspace, workspace_id),
                session=session,
                workspace_id=workspace_id,
                changes={"name": "ACME"},
            ).name
            == "ACME"
        )


def test_rename_to_another_workspaces_name_is_refused(engine):
    new_workspace(engine, "Acme")
    other = new_workspace(engine, "Other")
    with pytest.raises(ValidationProblem, match="already exists"):
        with unit_of_work(engine) as session:
            update_workspace(
                version=version_of(session, Workspace, other),
                session=session,
                workspace_id=other,
                changes={"name": "acme"},
            )
    with read_session(engine) as session:
        assert get_workspace(session=session, workspace_id=other).name == "Other"


def test_free_workspace_name_adds_the_first_free_number(engine):
    for name in ("Demo", "Demo (2)"):
        new_workspace(engine, name)
    with read_session(engine) as session:
        assert free_workspace_name(session=session, wanted="demo") == "demo (3)"
        assert free_workspace_name(session=session, wanted="New") == "New"


@pytest.mark.parametrize("confirmation", ["", "acme", "Acme Inc", None])
def test_delete_without_the_exact_name_is_refused_and_nothing_deleted(engine, confirmation):
    workspace_id = new_workspace(engine, "Acme")
    new_segment(engine, workspace_id, "Installers")
    with pytest.raises(ValidationProblem) as refused:
        with unit_of_work(engine) as session:
            delete_workspace(session=session, workspace_id=workspace_id, confirm_name=confirmation)
    assert refused.value.problems[0].message == "Type the workspace name 'Acme' exactly to delete it."
    assert count(engine, Workspace) == 1
    assert count(engine, Segment) == 1


def test_delete_with_the_exact_name_cascades_to_everything_in_the_workspace(engine):
    doomed = new_workspace(engine, "Doomed")
    kept = new_workspace(engine, "Kept")
    for workspace_id in (doomed, kept):
        segment_id = new_segment(engine, workspace_id, "Installers", value_drivers=["Price", "Speed"])
        new_persona(
            engine,
            workspace_id,
            segment_id,
            "Ivar",
            channels=[{"kind": "Owned", "channel": "Newsletter"}, {"kind": "Earned", "channel": "Word of mouth"}],
        )
    assert count(engine, PersonaChannel) == 4

    with unit_of_work(engine) as session:
        assert delete_workspace(session=session, workspace_id=doomed, confirm_name=" Doomed ") == "Doomed"

    assert count(engine, Workspace) == 1
    assert count(engine, Workspace, id=doomed) == 0
    assert count(engine, Segment, workspace_id=doomed) == 0
    assert count(engine, Persona, workspace_id=doomed) == 0
    assert count(engine, ValueDriver, workspace_id=doomed) == 0
    assert count(engine, Segment) == 1
    assert count(engine, Persona) == 1
    assert count(engine, SegmentValueDriver) == 2
    assert count(engine, PersonaChannel) == 2
    assert count(engine, ValueDriver) == len(DEFAULT_VALUE_DRIVERS) + 1


def test_a_missing_workspace_is_refused(engine):
    with pytest.raises(ValidationProblem, match="does not exist"):
        with read_session(engine) as session:
            get_workspace(session=session, workspace_id=12345)


def test_a_new_workspace_starts_with_the_default_themes_and_the_standard_readiness_check(engine):
    workspace_id = new_workspace(engine, "Acme")
    with read_session(engine) as session:
        assert list_themes(session=session, workspace_id=workspace_id) == list(DEFAULT_THEMES)
        statements = list_statements(session=session, workspace_id=workspace_id)
    assert [(s.key, s.text, s.why) for s in statements] == list(STANDARD_STATEMENTS)


def test_a_refused_workspace_leaves_no_themes_or_statements(engine):
    new_workspace(engine, "Acme")
    with pytest.raises(ValidationProblem):
        with unit_of_work(engine) as session:
            create_workspace(session=session, data={"name": "ACME"})
    assert count(engine, Theme) == len(DEFAULT_THEMES)
    assert count(engine, ReadinessStatement) == len(STANDARD_STATEMENTS)


def test_deleting_a_workspace_removes_its_insights_participants_and_ratings(engine):
    kept = new_workspace(engine, "Kept")
    with unit_of_work(engine) as session:
        doomed = import_workspace(session=session, document=load_demo_document())
    assert count(engine, Insight) == 17 and count(engine, ReadinessRating) == 28
    with unit_of_work(engine) as session:
        delete_workspace(session=session, workspace_id=doomed.id, confirm_name=doomed.name)
    for model in (Insight, InsightSegment, InsightPersona, Participant, ReadinessRating):
        assert count(engine, model) == 0, model.__name__
    assert count(engine, Theme) == count(engine, Theme, workspace_id=kept) == len(DEFAULT_THEMES)
    assert count(engine, ReadinessStatement) == count(engine, ReadinessStatement, workspace_id=kept) == 7
