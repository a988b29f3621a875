"""The one clock: what "today" and "now" are for pages, services and the demo.

`CRMSTRATEGY_TODAY` (an ISO date) fixes today for a server or a test run, so tests assert exact
values and a workshop can be rehearsed on a chosen day; without it, the real date."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime

TODAY_VARIABLE = "CRMSTRATEGY_TODAY"


def today() -> date:
    fixed = os.environ.get(TODAY_VARIABLE, "").strip()
    if fixed:
        try:
            return date.fromisoformat(fixed)
        except ValueError as exc:  # a mistyped setting should stop the start, not shift every date
            raise RuntimeError(f"{TODAY_VARIABLE}={fixed!r} is not a date (YYYY-MM-DD)") from exc
    return date.today()


def now() -> datetime:
    """The current moment in UTC, on the clock's day (the time of day is real, so what happens
    in order keeps its order)."""
    real = datetime.now(UTC)
    day = today()
    return real if day == real.date() else datetime.combine(day, real.timetz())
