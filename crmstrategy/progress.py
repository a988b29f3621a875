"""What is filled in and what is missing, per step of the method (pure: counts in, checks out)."""

from __future__ import annotations

from dataclasses import dataclass

from crmstrategy.models import PersonaRead, SegmentRead


@dataclass(frozen=True)
class Check:
    label: str
    done: bool
    detail: str
    page: str  # the page script where it is fixed, e.g. "pages/segments.py"


@dataclass(frozen=True)
class StepProgress:
    step: str
    checks: list[Check]

    @property
    def done_count(self) -> int:
        return sum(check.done for check in self.checks)


def _names(items: list[str], limit: int = 4) -> str:
    shown = ", ".join(f"'{n}'" for n in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def analysis_progress(segments: list[SegmentRead], personas: list[PersonaRead]) -> StepProgress:
    checks: list[Check] = []
    n = len(segments)
    checks.append(Check(
        "Needs-based segments", n >= 2,
        f"{n} segment{'s' if n != 1 else ''}." + ("" if n >= 2 else " Describe at least two groups of customers by what they need."),
        "pages/segments.py"))
    no_needs = [s.name for s in segments if not s.defining_needs]
    checks.append(Check(
        "Each segment says what its customers need", n > 0 and not no_needs,
        "All segments describe their defining needs." if n and not no_needs
        else ("No segments yet." if not n else f"Missing defining needs: {_names(no_needs)}."),
        "pages/segments.py"))
    no_size = [s.name for s in segments if s.customer_count is None and s.revenue is None and s.potential is None]
    checks.append(Check(
        "Size or potential per segment", n > 0 and not no_size,
        "Every segment has a size, revenue or potential." if n and not no_size
        else ("No segments yet." if not n else f"No size, revenue or potential: {_names(no_size)}."),
        "pages/segments.py"))
    with_persona = {p.segment_id for p in personas}
    lacking = [s.name for s in segments if s.id not in with_persona]
    checks.append(Check(
        "A persona for every segment", n > 0 and not lacking,
        f"{len(personas)} persona{'s' if len(personas) != 1 else ''} across {len(with_persona)} segment"
        f"{'s' if len(with_persona) != 1 else ''}." + (f" Without a persona: {_names(lacking)}." if lacking else ""),
        "pages/personas.py"))
    thin = [p.name for p in personas if not (p.needs and p.pains)]
    checks.append(Check(
        "Personas with needs and pains", bool(personas) and not thin,
        "Every persona has needs and pains." if personas and not thin
        else ("No personas yet." if not personas else f"Needs or pains missing: {_names(thin)}."),
        "pages/personas.py"))
    return StepProgress("1 · Analysis", checks)
