"""The workspace row every item belongs to, and the helpers the steps' models share: the clock's
time in UTC, matching a choice, dates, numbers and scores, foreign keys that cascade."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Protocol, cast

from pydantic import field_validator, model_validator
from sqlalchemy import Column, DateTime, ForeignKey, Integer, Text, UniqueConstraint
from sqlalchemy.orm import Mapped
from sqlmodel import Field, SQLModel, col

# SQLModel types `model_config` as its SQLModelConfig (pydantic's ConfigDict and two keys of its
# own), which sqlmodel does not export; a ConfigDict there is the same dict but not that type.
from sqlmodel._compat import SQLModelConfig

from crmstrategy.core import clock
from crmstrategy.core.fields import CleanName, CleanText, NotAFlag


def utcnow() -> datetime:
    return clock.now()


class _Row(Protocol):
    @property
    def id(self) -> int | None: ...


def id_of(row: _Row) -> int:
    """The id of a row that has been flushed or read. A table's `id` is `int | None` because a new
    row has none until the database gives it one; this is for code that reads it after."""
    assert row.id is not None, f"{type(row).__name__} has no id yet: flush it first"
    return row.id


def id_col(column: int | None) -> Mapped[int]:
    """`col(Model.id)` for a query that reads ids, e.g. `select(id_col(Segment.id), Segment.name)`:
    typed `int` rather than `int | None`, for every id a query reads is a stored row's."""
    return cast("Mapped[int]", col(column))


def _fk(target: str, *, nullable: bool = False) -> Column:
    return Column(Integer, ForeignKey(target, ondelete="CASCADE"), nullable=nullable, index=True)


CURRENCY_LENGTH = 3  # a three-letter code (ISO 4217): NOK, DKK, SEK, EUR


class WorkspaceBase(SQLModel):
    name: Annotated[str, CleanName("Workspace name")] = Field(max_length=200)
    currency: str = Field(default="NOK", max_length=CURRENCY_LENGTH)
    description: Annotated[str, CleanText("Description")] = Field(default="", sa_type=Text)
    # How attractiveness weighs size, potential and growth (advice 2); shares of their sum.
    weight_size: Annotated[float, NotAFlag("Weight of size")] = Field(default=30.0, ge=0, le=100)
    weight_potential: Annotated[float, NotAFlag("Weight of potential")] = Field(default=40.0, ge=0, le=100)
    weight_growth: Annotated[float, NotAFlag("Weight of growth")] = Field(default=30.0, ge=0, le=100)
    # Advice 5: more long-term goals than this blur the direction (a warning, not a limit).
    max_long_term_goals: Annotated[int, NotAFlag("Most long-term goals")] = Field(default=5, ge=1, le=50)
    # Advice 8: the 3/6/12-month horizons count from here (None: from the day the workspace was made).
    plan_start: date | None = None


class WorkspaceCreate(WorkspaceBase):
    model_config = SQLModelConfig(extra="forbid")

    @field_validator("currency", mode="before")
    @classmethod
    def _currency(cls, v):
        text = str(v or "").strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", text):
            raise ValueError("Currency must be a three-letter code such as NOK, DKK, SEK or EUR.")
        return text

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


def _fk_or_null(target: str) -> Column:
    return Column(Integer, ForeignKey(target, ondelete="SET NULL"), nullable=True, index=True)
