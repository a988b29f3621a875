"""Hostile input for the hostile suite: the kinds of text a careless paste or a hostile user brings,
and the demo workspace file with such text in every free-text field of every section."""

from __future__ import annotations

import copy

from crmstrategy.implementation.models import MEASUREMENT_NOTE_MAX
from crmstrategy.strategy.models import PROMISE_NOTE_MAX, PROMISE_TEXT_MAX
from crmstrategy.workspace.workspace_file import load_demo_document

# Text that must be stored and shown exactly as typed.
KEPT = {
    "emoji": "Kunde 🎉👩🏽‍🔧 glad",
    "right to left": "שלום עליכם · مرحبا بالعالم",
    "markdown": "$$x$$ :red[x] **b** [a](javascript:alert(1)) `c` # h",
    "html": "<script>alert(1)</script><b>b</b>&amp;",
    "formula": '=HYPERLINK("http://x","y")',
    "formula, plus": "+1+2",
    "formula, at": "@SUM(A1)",
    "combining marks": "Z̷a̴l̶g̵o̸",
    "inner tab": "one\ttwo",
    "zero width": "a\u200bb\u200dc\ufeffd",
    "directional marks": "abc\u202edcba\u202c",
}
# Text refused with a sentence naming the field (never stored, never changed).
REFUSED = {
    "lone surrogate": "broken \ud83d emoji",
    "low surrogate": "broken \ude00 half",
    "nul": "nul\x00inside",
    "escape": "esc\x1b[31mred",
    "vertical tab": "line\x0bbreak",
}
# The markers of Markdown turned into something: a formula, a colour, a link.
MARKDOWN_HOSTILE = " $$x$$ :red[x] [a](javascript:alert(1))"
MADE_FROM_USER_TEXT = ("$$x$$", ":red[x]", "](javascript:")

# Every free-text field of the workspace file (dotted path without list indices) and its limit.
FREE_TEXT: dict[str, int] = {
    "workspace.name": 120,
    "workspace.description": 4000,
    "value_drivers": 120,
    "themes": 120,
    "factors.name": 120,
    "factors.description": 1000,
    "segments.name": 120,
    "segments.description": 4000,
    "segments.defining_needs": 4000,
    "segments.notes": 4000,
    "segments.priority_rationale": 4000,
    "personas.name": 120,
    "personas.role_title": 200,
    "personas.goals": 4000,
    "personas.needs": 4000,
    "personas.pains": 4000,
    "personas.motives": 4000,
    "personas.buying_process": 4000,
    "personas.touchpoints": 4000,
    "personas.quote": 4000,
    "personas.channels.channel": 120,
    "participants.name": 120,
    "participants.department": 120,
    "participants.role": 120,
    "insights.text": 4000,
    "insights.recorded_by": 120,
    "readiness.text": 300,
    "readiness.why": 1000,
    "map_nodes.name": 120,
    "map_nodes.description": 4000,
    "map_nodes.owner": 120,
    "map_nodes.channel": 120,
    "constraints.text": 1000,
    "goals.metric": 120,
    "goals.unit": 40,
    "goals.owner": 120,
    "promise.versions.delivers": 400,
    "promise.versions.value": 400,
    "promise.versions.perceived": 400,
    "promise.versions.text": PROMISE_TEXT_MAX,
    "promise.versions.author": 120,
    "promise.versions.note": PROMISE_NOTE_MAX,
    "plan.actions.title": 120,
    "plan.actions.description": 4000,
    "plan.actions.department": 120,
    "plan.actions.owner": 120,
    "plan.actions.audience": 200,
    "plan.actions.notes": 4000,
    "plan.actions.history.changed_by": 120,
    "plan.reviews.reviewed_by": 120,
    "plan.reviews.changes": 4000,
    "plan.role_impacts.audience": 120,
    "plan.role_impacts.means": 4000,
    "plan.role_impacts.must_do": 4000,
    "plan.role_impacts.do_differently": 4000,
    "follow_up.goal_measurements.note": MEASUREMENT_NOTE_MAX,
    "follow_up.goal_measurements.recorded_by": 120,
    "follow_up.customer_measurements.note": MEASUREMENT_NOTE_MAX,
    "follow_up.customer_measurements.recorded_by": 120,
    "follow_up.feedback.text": 4000,
    "follow_up.feedback.source": 120,
    "follow_up.feedback.channel": 60,
    "follow_up.feedback.response": 4000,
    "follow_up.feedback.recorded_by": 120,
}
# Fields that name another row by its name (not a ref): they change with the name they refer to.
BY_NAME = {
    "segments.value_drivers": "value_drivers",
    "segments.key_factors.factor": "factors.name",
    "insights.theme": "themes",
    "follow_up.feedback.theme": "themes",
}


def _walk(value, path: tuple[str, ...], change):
    if isinstance(value, dict):
        return {key: _walk(inner, (*path, key), change) for key, inner in value.items()}
    if isinstance(value, list):
        return [_walk(inner, path, change) for inner in value]
    if isinstance(value, str):
        return change(".".join(path), value)
    return value


def hostile_document(text_of) -> dict:
    """The demo document with every free-text field (and every reference by name) replaced by
    `text_of(path, original, limit)`; the same original always gives the same text."""
    document = load_demo_document()

    def change(path: str, original: str) -> str:
        if path in BY_NAME:
            return text_of(BY_NAME[path], original, FREE_TEXT[BY_NAME[path]])
        if path in FREE_TEXT:
            return text_of(path, original, FREE_TEXT[path])
        return original

    return _walk(copy.deepcopy(document), (), change)


def with_suffix(suffix: str):
    """A text_of for hostile_document: the original, cut to leave room, followed by `suffix`."""

    def text_of(path: str, original: str, limit: int) -> str:
        room = max(0, limit - len(suffix))
        return (original[:room].rstrip() + suffix).strip()

    return text_of


def with_prefix(prefix: str):
    """A text_of for hostile_document: `prefix` first (a formula starts the cell), then the original,
    cut to leave room."""

    def text_of(path: str, original: str, limit: int) -> str:
        return (prefix + " " + original)[:limit].strip()

    return text_of


def numbered(text: str):
    """A text_of for hostile_document: a number (so names stay unique, the same for the same original)
    and then `text`, cut at the field's limit."""
    numbers: dict[str, int] = {}

    def text_of(path: str, original: str, limit: int) -> str:
        number = numbers.setdefault(original, len(numbers) + 1)
        return f"{number:03d} {text}"[:limit].rstrip()

    return text_of


def of_length(extra: int = 0):
    """A text_of for hostile_document: each field exactly at its limit (plus `extra`), numbered so
    names stay unique, the same for the same original (references by name keep matching)."""
    numbers: dict[str, int] = {}

    def text_of(path: str, original: str, limit: int) -> str:
        number = numbers.setdefault(original, len(numbers) + 1)
        head = f"{number:04d}-"
        return head + "x" * (limit + extra - len(head))

    return text_of


def leaves(document: dict) -> dict[str, list[str]]:
    """Every free-text value of a document by its dotted path, in file order."""
    found: dict[str, list[str]] = {}

    def change(path: str, value: str) -> str:
        if path in FREE_TEXT:
            found.setdefault(path, []).append(value)
        return value

    _walk(document, (), change)
    return found


def unescaped(markdown: str) -> list[str]:
    """The hostile markers that survive in `markdown` as Markdown would read them: escaped, each holds
    a backslash (`\\$\\$x`), so the marker itself is not in the text."""
    return [marker for marker in MADE_FROM_USER_TEXT if marker in markdown]
