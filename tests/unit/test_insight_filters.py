"""Filtering, searching and sorting the insight log: each criterion alone, together, every sort."""

from __future__ import annotations

from datetime import date

import pytest

from crmstrategy.analysis.insight_filters import SORTS, InsightFilter, apply_filter
from crmstrategy.analysis.models import InsightRead

# Segments: 1 Installers (personas 10 Kjetil, 11 Sara), 2 Contractors (persona 20 Ingrid).
PERSONA_SEGMENT = {10: 1, 11: 1, 20: 2}


def _insight(
    id: int,
    text: str,
    kind: str,
    source: str,
    by: str,
    on: str,
    theme: str | None,
    segments: dict[int, str],
    personas: dict[int, str],
) -> InsightRead:
    return InsightRead(
        id=id,
        workspace_id=1,
        text=text,
        kind=kind,
        source_type=source,
        recorded_by=by,
        recorded_on=date.fromisoformat(on),
        theme=theme,
        segment_ids=list(segments),
        segment_names=list(segments.values()),
        persona_ids=list(personas),
        persona_names=list(personas.values()),
    )


INSIGHTS = [
    _insight(
        1,
        "Parts missing at the counter",
        "Pain",
        "Survey",
        "Erik Solberg",
        "2026-09-02",
        "Delivery",
        {1: "Installers"},
        {10: "Kjetil"},
    ),
    _insight(
        2,
        "Invoices are hard to match to jobs",
        "Pain",
        "Customer service",
        "Mona Dahl",
        "2026-09-04",
        "invoicing",
        {},
        {20: "Ingrid"},
    ),
    _insight(
        3,
        "Wants a pick-up code in the app",
        "Request",
        "Sales",
        "Erik Solberg",
        "2026-09-10",
        None,
        {2: "Contractors"},
        {},
    ),
    _insight(
        4,
        "Price lists per project",
        "Need",
        "Customer interview",
        "Siri Nilsen",
        "2026-09-04",
        "Price",
        {1: "Installers", 2: "Contractors"},
        {11: "Sara"},
    ),
]


def _ids(**criteria) -> list[int]:
    return [i.id for i in apply_filter(INSIGHTS, InsightFilter(**criteria), PERSONA_SEGMENT)]


def test_no_criteria_keeps_everything_newest_first():
    assert _ids() == [3, 4, 2, 1]


# --- each criterion alone --------------------------------------------------------------


def test_segment_matches_insights_naming_it():
    assert _ids(segment_id=1) == [4, 1]


def test_segment_matches_through_a_persona_of_the_segment():
    # Insight 2 names only Ingrid, a persona of Contractors.
    assert _ids(segment_id=2) == [3, 4, 2]


def test_segment_without_the_persona_map_matches_only_direct_links():
    kept = apply_filter(INSIGHTS, InsightFilter(segment_id=2))
    assert [i.id for i in kept] == [3, 4]


def test_persona_matches_only_insights_naming_that_persona():
    assert _ids(persona_id=11) == [4]
    assert _ids(persona_id=10) == [1]


def test_source():
    assert _ids(source_type="Sales") == [3]
    assert _ids(source_type="Customer service") == [2]


def test_theme():
    assert _ids(theme="Delivery") == [1]
    assert _ids(theme="Price") == [4]


def test_kind():
    assert _ids(kind="Pain") == [2, 1]
    assert _ids(kind="Motive") == []


def test_date_range_is_inclusive_at_both_ends():
    assert _ids(date_from=date(2026, 9, 4), date_to=date(2026, 9, 4)) == [4, 2]
    assert _ids(date_from=date(2026, 9, 4)) == [3, 4, 2]
    assert _ids(date_to=date(2026, 9, 4)) == [4, 2, 1]
    assert _ids(date_from=date(2026, 9, 5), date_to=date(2026, 9, 9)) == []


@pytest.mark.parametrize(
    "search, expected",
    [
        ("counter", [1]),  # text
        ("PARTS Counter", [1]),  # ignores case
        ("INVOICING", [2]),  # theme
        ("mona", [2]),  # recorded by
        ("solberg", [3, 1]),
        ("contractors", [3, 4]),  # segment names
        ("ingrid", [2]),  # persona names
        ("sara price", [4]),  # every word, from different fields
        ("parts app", []),  # every word must be found
        ("   ", [3, 4, 2, 1]),  # blank is no search
    ],
)
def test_search(search, expected):
    assert _ids(search=search) == expected


# --- combined --------------------------------------------------------------------------


def test_criteria_combine_with_and():
    assert _ids(segment_id=2, kind="Pain") == [2]
    assert _ids(segment_id=1, source_type="Customer interview", search="price") == [4]
    assert _ids(kind="Pain", search="erik") == [1]
    assert _ids(segment_id=1, persona_id=20) == []
    assert _ids(
        persona_id=20,
        theme="invoicing",
        date_from=date(2026, 9, 1),
        date_to=date(2026, 9, 30),
        source_type="Customer service",
        kind="Pain",
        search="jobs",
    ) == [2]
    assert _ids(persona_id=20, theme="invoicing", date_from=date(2026, 9, 5)) == []


def test_filter_and_sort_together():
    assert _ids(segment_id=2, sort="Oldest first") == [2, 4, 3]


# --- sorting ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "sort, expected",
    [
        ("Newest first", [3, 4, 2, 1]),  # same date: higher id (recorded later) first
        ("Oldest first", [1, 2, 4, 3]),
        ("Type", [4, 1, 2, 3]),  # Need, Pain (09-02, 09-04), Request
        ("Source", [4, 2, 3, 1]),  # Customer interview, Customer service, Sales, Survey
        ("Theme", [1, 2, 4, 3]),  # Delivery, invoicing, Price (ignoring case), no theme last
    ],
)
def test_sort_orders(sort, expected):
    assert _ids(sort=sort) == expected


def test_every_sort_offered_is_tested():
    assert set(SORTS) == {"Newest first", "Oldest first", "Type", "Source", "Theme"}


def test_an_unknown_sort_falls_back_to_newest_first():
    assert _ids(sort="By magic") == [3, 4, 2, 1]


def test_the_input_list_is_not_changed():
    before = list(INSIGHTS)
    apply_filter(INSIGHTS, InsightFilter(sort="Oldest first", kind="Pain"), PERSONA_SEGMENT)
    assert INSIGHTS == before
