"""The workspace row every item belongs to, and the helpers the steps' models share: the clock's
time in UTC, matching a choice, dates, numbers and scores, foreign keys that cascade."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from pydantic import ConfigDict, field_validator, model_validator
from sqlalchemy import Column, DateTime, ForeignKey, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from crmstrategy.core import clock
from crmstrategy.core.text import clean_name, clean_text

# The largest goal or measured value accepted: past it, a number is a typing slip.
MAX_GOAL_VALUE = 1e12


def utcnow() -> datetime:
    return clock.now()


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were written in UTC, so say so (PostgreSQL does)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def choice(value: object, options: tuple[str, ...], label: str) -> str | None:
    """Match `value` to one of `options` ignoring case, spaces, dashes and underscores."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    if not text:
        return None
    key = re.sub(r"[\s_\-]+", "", text.lower())
    for option in options:
        if re.sub(r"[\s_\-]+", "", option.lower()) == key:
            return option
    raise ValueError(f"{label} must be one of {', '.join(options)} (got '{text[:40]}').")


def required_choice(value: object, options: tuple[str, ...], label: str, default: str | None = None) -> str:
    """One of `options` (see choice); `default` stands in for no value at all (None or "")."""
    if default is not None and value in (None, ""):
        value = default
    found = choice(value, options, label)
    if found is None:
        raise ValueError(f"{label} is required: {', '.join(options)}.")
    return found


def _fk(target: str, *, nullable: bool = False) -> Column:
    return Column(Integer, ForeignKey(target, ondelete="CASCADE"), nullable=nullable, index=True)


class WorkspaceBase(SQLModel):
    name: str = Field(max_length=200)
    currency: str = Field(default="NOK", max_length=3)
    description: str = Field(default="", sa_type=Text)
    # How attractiveness weighs size, potential and growth (advice 2); shares of their sum.
    weight_size: float = Field(default=30.0, ge=0, le=100)
    weight_potential: float = Field(default=40.0, ge=0, le=100)
    weight_growth: float = Field(default=30.0, ge=0, le=100)
    # Advice 5: more long-term goals than this blur the direction (a warning, not a limit).
    max_long_term_goals: int = Field(default=5, ge=1, le=50)
    # Advice 8: the 3/6/12-month horizons count from here (None: from the day the workspace was made).
    plan_start: date | None = None


class WorkspaceCreate(WorkspaceBase):
    model_config = ConfigDict(extra="forbid")

    @field_validator("name", mode="before")
    @classmethod
    def _name(cls, v):
        return clean_name(v, "Workspace name")

    @field_validator("currency", mode="before")
    @classmethod
    def _currency(cls, v):
        text = str(v or "").strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", text):
            raise ValueError("Currency must be a three-letter code such as NOK, DKK, SEK or EUR.")
        return text

    @field_validator("description", mode="before")
    @classmethod
    def _description(cls, v):
        return clean_text(v, "Description")

    @model_validator(mode="after")
    def _some_weight(self):
        if self.weight_size + self.weight_potential + self.weight_growth <= 0:
            raise ValueError("At least one attractiveness weight must be above zero.")
        return self


class WorkspaceUpdate(SQLModel):
    name: str | None = None
    currency: str | None = None
    description: str | None = None
    weight_size: float | None = None
    weight_potential: float | None = None
    weight_growth: float | None = None
    max_long_term_goals: int | None = None
    plan_start: date | None = None


class Workspace(WorkspaceBase, table=True):
    __table_args__ = (UniqueConstraint("name", name="uq_workspace_name"),)
    id: int | None = Field(default=None, primary_key=True)
    # Not the Versioned mixin: every write in a workspace touches its row, and a rename must not
    # be refused because someone added a segment. update_workspace moves this one on itself.
    version: int = Field(default=1, nullable=False, sa_column_kwargs={"server_default": "1"})
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class WorkspaceRead(WorkspaceBase):
    version: int = 1  # the version this was read at; an edit sends it back
    id: int
    created_at: datetime
    updated_at: datetime


def score_1_to_5(v, label: str):
    if v is None or (isinstance(v, float) and v != v) or (isinstance(v, str) and not v.strip()):
        return None
    if isinstance(v, bool):
        raise ValueError(f"{label} must be a whole number from 1 to 5.")
    try:
        score = float(v)
    except (TypeError, ValueError, OverflowError):
        raise ValueError(f"{label} must be a whole number from 1 to 5.") from None
    if score != score or not score.is_integer() or not 1 <= score <= 5:
        raise ValueError(f"{label} must be a whole number from 1 to 5.")
    return int(score)


def optional_date(v, label: str):
    """A date from a date, a datetime or YYYY-MM-DD text; None for nothing at all."""
    if v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and v != v):
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, str):
        try:
            return date.fromisoformat(v.strip()[:10])
        except ValueError:
            raise ValueError(f"'{v.strip()[:20]}' is not a date; write it as YYYY-MM-DD.") from None
    if not isinstance(v, date):
        raise ValueError(f"{label} must be a date.")
    return v


def required_date(v, label: str, missing: str):
    """As optional_date, with `missing` as the sentence when there is no date at all."""
    day = optional_date(v, label)
    if day is None:
        raise ValueError(missing)
    return day


def number_value(v, label: str) -> float:
    """A number from a number or text ("12,5", "1 200"); a clear sentence for anything else."""
    if v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and v != v):
        raise ValueError(f"{label} is required: a number.")
    if isinstance(v, bool):
        raise ValueError(f"{label} must be a number.")
    try:
        number = float(str(v).strip().replace(",", ".").replace(" ", "").replace("\u00a0", "").removesuffix("%")) \
            if isinstance(v, str) else float(v)
    except (TypeError, ValueError):
        raise ValueError(f"{label} must be a number (got '{str(v).strip()[:30]}').") from None
    if number != number or abs(number) > MAX_GOAL_VALUE:
        raise ValueError(f"{label} must be a number of reasonable size.")
    return number


def _fk_or_null(target: str) -> Column:
    return Column(Integer, ForeignKey(target, ondelete="SET NULL"), nullable=True, index=True)
