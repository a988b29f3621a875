"""The guided path: the method's order of pages, and each step's neighbours for Back and Next."""

from __future__ import annotations

import pytest

from crmstrategy.workspace.method_path import PATH, Place, neighbours, step_named, title_of


def test_the_path_walks_the_method_in_order():
    assert [step.title for step in PATH] == [
        "Participants",
        "Segments",
        "Personas",
        "Insights",
        "Readiness",
        "Strengths",
        "Target segments",
        "Strategy map",
        "Goals",
        "Customer promise",
        "3/6/12-month plan",
        "Anchoring",
        "Follow-up",
        "Customer feedback",
        "Strategy document",
    ]
    assert PATH[0].page == Place.PARTICIPANTS
    assert PATH[-1].page == Place.DOCUMENT


def test_pages_beside_the_path_are_not_on_it():
    pages = {step.page for step in PATH}
    for beside in (Place.OVERVIEW, Place.HEALTH, Place.WORKSPACES, Place.PRESENT_PROMISE):
        assert beside not in pages
        assert title_of(beside) is None


def test_the_first_step_has_no_back():
    back, forward = neighbours("Participants")
    assert back is None
    assert forward == ("Segments", Place.SEGMENTS)


def test_a_middle_step_has_both():
    back, forward = neighbours("Personas")
    assert back == ("Segments", Place.SEGMENTS)
    assert forward == ("Insights", Place.INSIGHTS)
    back, forward = neighbours("Customer promise")
    assert (back.title, forward.title) == ("Goals", "3/6/12-month plan")


def test_the_last_step_has_no_next():
    back, forward = neighbours("Strategy document")
    assert back == ("Customer feedback", Place.FEEDBACK)
    assert forward is None


def test_titles_and_pages_match_both_ways():
    assert title_of(Place.PLAN) == "3/6/12-month plan"
    assert step_named("Strengths").page == Place.STRENGTHS
    with pytest.raises(KeyError):
        neighbours("Overview")
