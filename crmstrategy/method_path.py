"""The guided path through the method: the pages a workspace is built on, in the order the method
walks them (who takes part first, then analysis, strategy and implementation). Pure: the page footers'
Back and Next, and the Overview's links, take their order and names from here. The Overview, the health
check, Workspaces and "Present the promise" stand beside the path, not on it."""

from __future__ import annotations

from typing import NamedTuple


class Step(NamedTuple):
    title: str  # as in the navigation
    page: str   # the page script


PATH: tuple[Step, ...] = (
    Step("Participants", "app_pages/analysis/participants.py"),
    Step("Segments", "app_pages/analysis/segments.py"),
    Step("Personas", "app_pages/analysis/personas.py"),
    Step("Insights", "app_pages/analysis/insights.py"),
    Step("Readiness", "app_pages/analysis/readiness.py"),
    Step("Strengths", "app_pages/analysis/strengths.py"),
    Step("Target segments", "app_pages/strategy/targets.py"),
    Step("Strategy map", "app_pages/strategy/strategy_map.py"),
    Step("Goals", "app_pages/strategy/goals.py"),
    Step("Customer promise", "app_pages/strategy/promise.py"),
    Step("3/6/12-month plan", "app_pages/implementation/plan.py"),
    Step("Anchoring", "app_pages/implementation/anchoring.py"),
    Step("Follow-up", "app_pages/implementation/follow_up.py"),
    Step("Customer feedback", "app_pages/implementation/feedback.py"),
    Step("Strategy document", "app_pages/implementation/document.py"),
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
    return (PATH[index - 1] if index > 0 else None,
            PATH[index + 1] if index + 1 < len(PATH) else None)


def title_of(page: str) -> str | None:
    """The title of the step whose page script is `page`; None for a page beside the path."""
    return next((step.title for step in PATH if step.page == page), None)
