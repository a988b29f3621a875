"""The Overview's read model, on the demo and on a new empty workspace, on both databases."""

from __future__ import annotations

from datetime import date

from crmstrategy.core.db import read_session, unit_of_work
from crmstrategy.workspace.health_rules import summary
from crmstrategy.workspace.method_path import Place
from crmstrategy.workspace.overview import overview
from crmstrategy.workspace.workspaces import create_workspace

TODAY = date(2026, 12, 1)


def _overview(engine, workspace_id):
    with read_session(engine) as session:
        return overview(session=session, workspace_id=workspace_id, today=TODAY)


def test_the_demo_overview_reads_the_whole_workspace(engine, demo_workspace_id):
    view = _overview(engine, demo_workspace_id)
    assert (len(view.segments), view.persona_count) == (4, 6)
    assert [(t.name, t.priority) for t in view.targets] == [
        ("Time-pressed installers", "Primary target"),
        ("Project contractors", "Primary target"),
        ("Quality-focused renovators", "Secondary"),
    ]
    assert [(s.step, s.done_count, len(s.checks)) for s in view.steps] == [
        ("1 · Analysis", 8, 9),
        ("2 · Strategy", 3, 4),
        ("3 · Implementation", 4, 6),
    ]
    assert summary(view.health) == "9 of 14 rules pass."
    assert [a.title for a in view.overdue] == ["Merge duplicate customer records"]
    assert view.review.due is False
    assert view.promise.number == 3 and view.promise.is_current
    assert (view.next_check.label, view.next_check.page) == (
        "Segments and personas rest on what customers said",
        Place.INSIGHTS,
    )


def test_a_new_workspace_overview_starts_with_who_takes_part(engine):
    with unit_of_work(engine) as session:
        blank = create_workspace(session=session, data={"name": "Blank"}).id
    view = _overview(engine, blank)
    assert (view.segments, view.persona_count, view.targets, view.overdue, view.promise) == ([], 0, [], [], None)
    assert [(s.done_count, len(s.checks)) for s in view.steps] == [(0, 9), (0, 4), (0, 6)]
    assert summary(view.health) == "0 of 3 judged rules pass · 11 not yet judged."
    assert (view.next_check.label, view.next_check.page) == ("Who takes part", Place.PARTICIPANTS)
