"""The places of the app and the guided path through the method: the pages a workspace is built on,
in the order the method walks them (who takes part first, then analysis, strategy and
implementation). Pure: the page footers' Back and Next, and the Overview's links, take their order
and names from here. The Overview, the health check, Workspaces and "Present the promise" stand
beside the path, not on it."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import NamedTuple


class Place(StrEnum):
    """Where in the app something is done, by the page's address (the Overview, the start page, is
    also at "/"). The domain (progress, health rules, the path) names places; only the UI knows
    which page script shows each one (crmstrategy.ui.PAGE_FILES)."""

    OVERVIEW = "overview"
    HEALTH = "health"
    WORKSPACES = "workspaces"
    PARTICIPANTS = "participants"
    SEGMENTS = "segments"
    PERSONAS = "personas"
    INSIGHTS = "insights"
    READINESS = "readiness"
    STRENGTHS = "strengths"
    TARGETS = "targets"
    STRATEGY_MAP = "strategy_map"
    GOALS = "goals"
    PROMISE = "promise"
    PRESENT_PROMISE = "promise_present"
    PLAN = "plan"
    ANCHORING = "anchoring"
    FOLLOW_UP = "follow_up"
    FEEDBACK = "feedback"
    DOCUMENT = "document"


class Step(NamedTuple):
    title: str  # as in the navigation
    page: Place


PATH: tuple[Step, ...] = (
    Step("Participants", Place.PARTICIPANTS),
    Step("Segments", Place.SEGMENTS),
    Step("Personas", Place.PERSONAS),
    Step("Insights", Place.INSIGHTS),
    Step("Readiness", Place.READINESS),
    Step("Strengths", Place.STRENGTHS),
    Step("Target segments", Place.TARGETS),
    Step("Strategy map", Place.STRATEGY_MAP),
    Step("Goals", Place.GOALS),
    Step("Customer promise", Place.PROMISE),
    Step("3/6/12-month plan", Place.PLAN),
    Step("Anchoring", Place.ANCHORING),
    Step("Follow-up", Place.FOLLOW_UP),
    Step("Customer feedback", Place.FEEDBACK),
    Step("Strategy document", Place.DOCUMENT),
)


def step_named(title: str) -> Step:
    """The step with this title; a title not on the path is a programming error."""
    for step in PATH:
        if step.title == title:
            return step
    raise KeyError(f"{title!r} is not a step on the method's path")


def neighbours(title: str) -> tuple[Step | None, Step | None]:
    """The step before and the step after `title` (None at either end of the path)."""
    index = PATH.index(step_named(title))
    return (PATH[index - 1] if index > 0 else None, PATH[index + 1] if index + 1 < len(PATH) else None)


def title_of(page: Place) -> str | None:
    """The title of the step shown on `page`; None for a page beside the path."""
    return next((step.title for step in PATH if step.page == page), None)


METHOD_GUIDE = Path(__file__).resolve().parents[2] / "docs" / "method.md"


def method_guide() -> str:
    """The method in the project's own words (docs/method.md), without its title: the three steps,
    the nine pieces of advice and where each lives in the workbench, for the sidebar's guide."""
    text = METHOD_GUIDE.read_text(encoding="utf-8")
    return text.split("\n", 1)[1].lstrip("\n") if text.startswith("# ") else text
