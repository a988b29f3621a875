"""How well each segment and persona is backed by what customers and colleagues said.
Pure: insights in, counts and levels out.

An insight backs a segment when it names the segment or one of the segment's personas.
"""

from __future__ import annotations

from dataclasses import dataclass

SOLID_INSIGHTS = 3
SOLID_SOURCES = 2


@dataclass(frozen=True)
class InsightLinks:
    insight_id: int
    source_type: str
    segment_ids: frozenset[int]
    persona_ids: frozenset[int]


@dataclass(frozen=True)
class Evidence:
    insights: int
    sources: int

    @property
    def level(self) -> str:
        """ "none", "thin" (fewer than 3 insights, or all from one kind of source) or "solid"."""
        if self.insights == 0:
            return "none"
        if self.insights < SOLID_INSIGHTS or self.sources < SOLID_SOURCES:
            return "thin"
        return "solid"

    @property
    def label(self) -> str:
        return (
            f"{self.insights} insight{'s' if self.insights != 1 else ''} · {self.sources} source"
            f"{'s' if self.sources != 1 else ''}"
        )


def evidence_by_segment(
    links: list[InsightLinks], persona_segment: dict[int, int], segment_ids: list[int]
) -> dict[int, Evidence]:
    found: dict[int, dict[int, str]] = {sid: {} for sid in segment_ids}
    for link in links:
        backed = set(link.segment_ids) | {persona_segment[p] for p in link.persona_ids if p in persona_segment}
        for sid in backed:
            if sid in found:
                found[sid][link.insight_id] = link.source_type
    return {sid: Evidence(len(items), len(set(items.values()))) for sid, items in found.items()}


def evidence_by_persona(links: list[InsightLinks], persona_ids: list[int]) -> dict[int, Evidence]:
    found: dict[int, dict[int, str]] = {pid: {} for pid in persona_ids}
    for link in links:
        for pid in link.persona_ids:
            if pid in found:
                found[pid][link.insight_id] = link.source_type
    return {pid: Evidence(len(items), len(set(items.values()))) for pid, items in found.items()}
