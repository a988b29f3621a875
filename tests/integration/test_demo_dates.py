"""The demo never ages: loaded on any day, its dates move from its anchor day by the same number of
days, so a newcomer sees the same story (a few overdue actions, one goal off track, late feedback)."""

from __future__ import annotations

from datetime import date, timedelta

from crmstrategy.core.db import unit_of_work
from crmstrategy.implementation.feedback import list_feedback
from crmstrategy.implementation.follow_up import goal_follow_up
from crmstrategy.implementation.follow_up_rules import feedback_waiting_days
from crmstrategy.implementation.plan import list_actions
from crmstrategy.implementation.plan_rules import is_overdue
from crmstrategy.workspace.health import health_check
from crmstrategy.workspace.workspace_file import (
    DEMO_ANCHOR,
    import_workspace,
    load_demo_document,
    shift_dates,
)
from tests.integration.support import read

LATER = date(2027, 6, 15)  # 196 days after the anchor, across a new year


def _story(engine, today: date, monkeypatch) -> dict:
    monkeypatch.setenv("CRMSTRATEGY_TODAY", today.isoformat())  # the day a newcomer opens the workbench
    with unit_of_work(engine) as session:
        ws = import_workspace(session=session, document=load_demo_document(today=today), name=f"Demo {today}").id
    goals = read(engine, goal_follow_up, workspace_id=ws, today=today)
    actions = read(engine, list_actions, workspace_id=ws)
    feedback = read(engine, list_feedback, workspace_id=ws)
    return {
        "goal statuses": sorted((g.goal.metric, g.status.status) for g in goals),
        "overdue actions": sorted(a.title for a in actions if is_overdue(a.status, a.due_date, today)),
        "late feedback": sorted(
            f.text for f in feedback if (feedback_waiting_days(f.status, f.received_on, today) or 0) > 30
        ),
        "health": [(r.rule.key, r.failed, r.passed) for r in read(engine, health_check, workspace_id=ws, today=today)],
    }


def test_the_demo_tells_the_same_story_on_its_anchor_day_and_half_a_year_later(engine, monkeypatch):
    on_anchor, later = _story(engine, DEMO_ANCHOR, monkeypatch), _story(engine, LATER, monkeypatch)
    assert on_anchor == later
    assert ("Installer churn per year", "Off track") in on_anchor["goal statuses"]
    assert [s for _, s in on_anchor["goal statuses"]].count("Off track") == 1
    assert on_anchor["overdue actions"] == ["Merge duplicate customer records"]
    assert len(on_anchor["late feedback"]) == 4


def test_every_date_moves_by_the_same_days_and_text_stays_as_typed():
    document = load_demo_document(today=DEMO_ANCHOR)
    moved = load_demo_document(today=LATER)
    days = (LATER - DEMO_ANCHOR).days
    assert moved["plan"]["start"] == (date.fromisoformat(document["plan"]["start"]) + timedelta(days=days)).isoformat()
    assert moved["workspace"] == document["workspace"]
    assert [p["name"] for p in moved["personas"]] == [p["name"] for p in document["personas"]]
    assert shift_dates({"a": "2026-12-01", "b": "2026-12-01T09:30:00+00:00", "c": "on 2026-12-01", "d": 5}, 31) == {
        "a": "2027-01-01",
        "b": "2027-01-01T09:30:00+00:00",
        "c": "on 2026-12-01",
        "d": 5,
    }
