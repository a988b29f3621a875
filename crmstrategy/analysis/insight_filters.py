"""Filtering, searching and sorting the insight log (pure, so the rules are unit-tested)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from crmstrategy.analysis.models import InsightRead

SORTS = {
    "Newest first": (lambda i: (i.recorded_on, i.id), True),
    "Oldest first": (lambda i: (i.recorded_on, i.id), False),
    "Type": (lambda i: (i.kind, i.recorded_on), False),
    "Source": (lambda i: (i.source_type, i.recorded_on), False),
    "Theme": (lambda i: ((i.theme or "\uffff").lower(), i.recorded_on), False),
}


@dataclass(frozen=True)
class InsightFilter:
    segment_id: int | None = None
    persona_id: int | None = None
    source_type: str | None = None
    theme: str | None = None
    kind: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    search: str = ""
    sort: str = "Newest first"


def apply_filter(
    insights: list[InsightRead], f: InsightFilter, persona_segment: dict[int, int] | None = None
) -> list[InsightRead]:
    """Insights matching every given criterion. A segment matches an insight that names it or
    one of its personas; search ignores case and looks in text, theme, recorder and names."""
    persona_segment = persona_segment or {}
    words = [w for w in f.search.lower().split() if w]
    kept = []
    for insight in insights:
        if f.segment_id is not None:
            segments = set(insight.segment_ids) | {persona_segment.get(p) for p in insight.persona_ids}
            if f.segment_id not in segments:
                continue
        if f.persona_id is not None and f.persona_id not in insight.persona_ids:
            continue
        if f.source_type and insight.source_type != f.source_type:
            continue
        if f.theme and insight.theme != f.theme:
            continue
        if f.kind and insight.kind != f.kind:
            continue
        if f.date_from and insight.recorded_on < f.date_from:
            continue
        if f.date_to and insight.recorded_on > f.date_to:
            continue
        if words:
            haystack = " ".join(
                [insight.text, insight.theme or "", insight.recorded_by, *insight.segment_names, *insight.persona_names]
            ).lower()
            if not all(word in haystack for word in words):
                continue
        kept.append(insight)
    key, reverse = SORTS.get(f.sort, SORTS["Newest first"])
    return sorted(kept, key=key, reverse=reverse)
