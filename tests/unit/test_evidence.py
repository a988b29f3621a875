"""Evidence per segment and persona: which insights back them, from how many kinds of source."""

from __future__ import annotations

import pytest

from crmstrategy.analysis.evidence import Evidence, InsightLinks, evidence_by_persona, evidence_by_segment

# Two segments of this workspace: 1 (personas 10 and 11) and 2 (persona 20).
PERSONA_SEGMENT = {10: 1, 11: 1, 20: 2}
SEGMENTS = [1, 2]
PERSONAS = [10, 11, 20]


def _link(insight_id: int, source: str = "Sales", segments=(), personas=()) -> InsightLinks:
    return InsightLinks(insight_id, source, frozenset(segments), frozenset(personas))


def test_an_insight_naming_a_persona_backs_the_personas_segment_too():
    links = [_link(1, personas=[20])]
    assert evidence_by_segment(links, PERSONA_SEGMENT, SEGMENTS) == {1: Evidence(0, 0), 2: Evidence(1, 1)}
    assert evidence_by_persona(links, PERSONAS) == {10: Evidence(0, 0), 11: Evidence(0, 0), 20: Evidence(1, 1)}


def test_an_insight_naming_a_segment_and_its_persona_counts_once():
    links = [_link(1, segments=[1], personas=[10, 11])]
    assert evidence_by_segment(links, PERSONA_SEGMENT, SEGMENTS)[1] == Evidence(1, 1)
    persona = evidence_by_persona(links, PERSONAS)
    assert (persona[10], persona[11], persona[20]) == (Evidence(1, 1), Evidence(1, 1), Evidence(0, 0))


def test_an_insight_naming_a_segment_does_not_back_its_personas():
    links = [_link(1, segments=[1])]
    assert evidence_by_persona(links, PERSONAS)[10] == Evidence(0, 0)


def test_an_insight_naming_personas_of_two_segments_backs_both_segments():
    links = [_link(1, personas=[10, 20])]
    assert evidence_by_segment(links, PERSONA_SEGMENT, SEGMENTS) == {1: Evidence(1, 1), 2: Evidence(1, 1)}


def test_distinct_kinds_of_source_are_counted():
    links = [
        _link(1, "Sales", [1]),
        _link(2, "Sales", [1]),
        _link(3, "Survey", personas=[10]),
        _link(4, "Customer service", [2]),
    ]
    segments = evidence_by_segment(links, PERSONA_SEGMENT, SEGMENTS)
    assert segments[1] == Evidence(insights=3, sources=2)
    assert segments[2] == Evidence(insights=1, sources=1)


@pytest.mark.parametrize(
    "sources, level",
    [
        ([], "none"),
        (["Sales"], "thin"),
        (["Sales", "Survey"], "thin"),  # 2 insights, 2 sources: too few
        (["Sales", "Sales", "Sales"], "thin"),  # 3 insights, one source
        (["Sales", "Survey", "Sales"], "solid"),  # 3 insights, 2 sources
        (["Sales", "Survey", "Customer interview", "Sales"], "solid"),
    ],
)
def test_levels(sources, level):
    links = [_link(n, source, [1]) for n, source in enumerate(sources, start=1)]
    evidence = evidence_by_segment(links, PERSONA_SEGMENT, SEGMENTS)[1]
    assert evidence.insights == len(sources)
    assert evidence.level == level


@pytest.mark.parametrize(
    "evidence, level",
    [
        (Evidence(0, 0), "none"),
        (Evidence(2, 2), "thin"),
        (Evidence(3, 1), "thin"),
        (Evidence(3, 2), "solid"),
        (Evidence(40, 1), "thin"),
    ],
)
def test_level_thresholds(evidence, level):
    assert evidence.level == level


def test_segments_and_personas_of_another_workspace_are_not_counted():
    # Segment 99 and persona 98 belong to another workspace: not in the lists, not in the result.
    links = [_link(1, segments=[99], personas=[98]), _link(2, segments=[1, 99])]
    segments = evidence_by_segment(links, PERSONA_SEGMENT, SEGMENTS)
    assert segments == {1: Evidence(1, 1), 2: Evidence(0, 0)}
    assert set(evidence_by_persona(links, PERSONAS)) == set(PERSONAS)


def test_a_persona_of_another_workspace_does_not_back_a_segment_through_its_segment():
    # Persona 98 is unknown to this workspace's persona→segment map, so it backs nothing here.
    links = [_link(1, personas=[98])]
    assert evidence_by_segment(links, PERSONA_SEGMENT, SEGMENTS) == {1: Evidence(0, 0), 2: Evidence(0, 0)}


def test_every_segment_and_persona_is_in_the_result_even_without_insights():
    assert evidence_by_segment([], PERSONA_SEGMENT, SEGMENTS) == {1: Evidence(0, 0), 2: Evidence(0, 0)}
    assert evidence_by_persona([], PERSONAS) == {10: Evidence(0, 0), 11: Evidence(0, 0), 20: Evidence(0, 0)}


@pytest.mark.parametrize(
    "evidence, label",
    [
        (Evidence(0, 0), "0 insights · 0 sources"),
        (Evidence(1, 1), "1 insight · 1 source"),
        (Evidence(2, 1), "2 insights · 1 source"),
        (Evidence(1, 2), "1 insight · 2 sources"),
        (Evidence(12, 3), "12 insights · 3 sources"),
    ],
)
def test_label_is_singular_or_plural(evidence, label):
    assert evidence.label == label
