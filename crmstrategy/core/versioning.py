"""Nothing stale: every editable row carries a version, bumped on each write, and an edit drawn
from an older version is refused with what the item is now, so nobody overwrites a change they
never saw (two people editing one action at once, a form left open while someone else saved)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import event, inspect
from sqlmodel import Field, Session, SQLModel

from crmstrategy.core.errors import Problem, ValidationProblem


class Versioned(SQLModel):
    """Mixin for table rows that users edit: `version` starts at 1 and goes up by one with every
    flush that changes the row (see `_bump_versions`)."""

    version: int = Field(default=1, nullable=False, sa_column_kwargs={"server_default": "1"})


class StaleEdit(ValidationProblem):
    """An edit drawn from a version that is no longer current; nothing was written. `current` is
    what the item is now (field label → value as text), for the page to show."""

    def __init__(
        self, subject: str, current: dict[str, str] | None = None, *, plural: bool = False, row: int | None = None
    ):
        self.subject = subject
        self.current = current or {}
        message = (
            f"{subject} {'were' if plural else 'was'} changed by someone else since you opened "
            f"{'them' if plural else 'it'}: here is what {'they are' if plural else 'it is'} now."
        )
        super().__init__([Problem("", message, row)])


def check_version(
    item,
    drawn: int | None,
    *,
    name: str = "",
    labels: dict[str, str] | None = None,
    noun: str = "item",
    row: int | None = None,
) -> None:
    """Refuse an edit of `item` drawn from version `drawn` when it has moved on since. `labels`
    (field → label) choose what of it the refusal shows, `row` is the table row the edit came from;
    None for `drawn` is only for callers that confirmed the item by other means (a typed name)."""
    if drawn is None or int(drawn) == item.version:
        return
    name = name or _name_of(item)
    raise StaleEdit(f"'{name}'" if name else f"This {noun}", describe(item, labels or {}), row=row)


def check_versions(rows: Iterable, drawn: dict[int, int], *, subject: str) -> None:
    """Refuse saving a whole table (a segment's key factors, a goal's milestones) when any of its
    rows was changed, added or removed since the table was drawn: `drawn` maps row id → version.
    `subject` names the table in the refusal ("The milestones of 'Churn'")."""
    now = {row.id: row.version for row in rows}
    if now != {int(k): int(v) for k, v in drawn.items()}:
        raise StaleEdit(subject, plural=True)


def describe(row, labels: dict[str, str]) -> dict[str, str]:
    """The row's labelled fields as text, in the order of `labels`."""
    shown = {}
    for field, label in labels.items():
        value = getattr(row, field, None)
        if isinstance(value, (list, tuple, dict)) or field.endswith("_id"):
            continue
        shown[label] = _text(value)
    return shown


def _text(value) -> str:
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (date, datetime)):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _name_of(row) -> str:
    for field in ("name", "title", "metric", "factor", "audience", "text"):
        value = getattr(row, field, None)
        if isinstance(value, str) and value:
            return value if len(value) <= 60 else value[:57] + "…"
    return ""


def bump(row) -> None:
    """Move `row` on by one version: for a save whose change may lie only in rows that hang off it
    (a segment's value drivers, an action's initiatives), which the flush rule below cannot see."""
    row.version = (row.version or 1) + 1


@event.listens_for(Session, "before_flush")
def _bump_versions(session, flush_context, instances) -> None:
    """Every flush that changes a versioned row's columns moves its version on by one: one rule for
    every service, so no write path can forget it. A row already moved on in this flush is left."""
    for row in session.dirty:
        if not isinstance(row, Versioned) or not session.is_modified(row, include_collections=False):
            continue
        if inspect(row).attrs.version.history.has_changes():
            continue
        bump(row)
