"""Analysis tables and input models: value drivers, segments, personas and their channels, the insight
log and its themes, participants, the readiness check, key factors and strength ratings.

One family per entity (Base, Create, Update, table, Read). `table=True` classes do not validate on
construction, so services validate through the `...Create` model first."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, field_validator
from sqlalchemy import Column, DateTime, ForeignKey, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel
from sqlmodel._compat import SQLModelConfig  # the type of a SQLModel's model_config (see core.models)

from crmstrategy.core import clock
from crmstrategy.core.fields import (
    CleanName,
    CleanText,
    OneOf,
    RequiredOneOf,
    Score,
    not_a_flag,
)
from crmstrategy.core.models import _fk, utcnow
from crmstrategy.core.text import clean_name
from crmstrategy.core.versioning import Versioned

LIFECYCLE_STAGES = ("Identify", "Recruit", "Develop", "Retain", "Win back")


DECISION_ROLES = ("Decision-maker", "Influencer", "User")


RELATIONSHIPS = ("Transactional", "Preferred supplier", "Trusted advisor", "Strategic partner")


CHANNEL_KINDS = ("Owned", "Bought", "Earned")


DEFAULT_VALUE_DRIVERS = ("Price", "Service", "Quality", "Convenience", "Expertise")


MAX_MONEY = 1e13


MAX_CUSTOMERS = 1_000_000_000


class ValueDriverCreate(BaseModel):
    name: Annotated[str, CleanName("Value driver")]


class ValueDriver(SQLModel, table=True):
    __tablename__ = "value_driver"
    __table_args__ = (UniqueConstraint("workspace_id", "name", name="uq_value_driver_name"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(sa_column=_fk("workspace.id"))
    name: str = Field(max_length=120)
    position: int = 0


class SegmentValueDriver(SQLModel, table=True):
    __tablename__ = "segment_value_driver"
    segment_id: int = Field(sa_column=Column(Integer, ForeignKey("segment.id", ondelete="CASCADE"), primary_key=True))
    value_driver_id: int = Field(
        sa_column=Column(Integer, ForeignKey("value_driver.id", ondelete="CASCADE"), primary_key=True)
    )


SEGMENT_LABELS = {
    "name": "Name",
    "description": "Description",
    "defining_needs": "Defining needs",
    "value_drivers": "Value drivers",
    "customer_count": "Customers",
    "revenue": "Revenue",
    "potential": "Potential",
    "expected_growth_pct": "Expected growth %",
    "lifecycle_focus": "Lifecycle focus",
    "notes": "Notes",
}


PRIORITIES = ("Primary target", "Secondary", "Not prioritised")


class SegmentBase(SQLModel):
    name: Annotated[str, CleanName("Segment name")] = Field(max_length=120)
    description: Annotated[str, CleanText(SEGMENT_LABELS["description"])] = Field(default="", sa_type=Text)
    defining_needs: Annotated[str, CleanText(SEGMENT_LABELS["defining_needs"])] = Field(default="", sa_type=Text)
    customer_count: int | None = Field(default=None, ge=0, le=MAX_CUSTOMERS)
    revenue: float | None = Field(default=None, ge=0, le=MAX_MONEY)
    potential: float | None = Field(default=None, ge=0, le=MAX_MONEY)
    expected_growth_pct: float | None = Field(default=None, ge=-100, le=1000)
    lifecycle_focus: Annotated[str | None, OneOf(LIFECYCLE_STAGES, "Lifecycle focus")] = Field(
        default=None, max_length=20
    )
    notes: Annotated[str, CleanText(SEGMENT_LABELS["notes"])] = Field(default="", sa_type=Text)
    priority: Annotated[str | None, OneOf(PRIORITIES, "Priority")] = Field(default=None, max_length=20)
    priority_rationale: Annotated[str, CleanText("Rationale")] = Field(default="", sa_type=Text)

    @field_validator("customer_count", "revenue", "potential", "expected_growth_pct", mode="before")
    @classmethod
    def _blank_number(cls, v, info):
        not_a_flag(v, SEGMENT_LABELS.get(info.field_name, info.field_name))
        if v is None or (isinstance(v, float) and v != v) or (isinstance(v, str) and not v.strip()):
            return None
        if isinstance(v, str):
            text = v.strip().replace("\u00a0", "").replace(" ", "").replace("%", "")
            if "," in text and "." not in text:
                text = text.replace(",", ".")  # Nordic decimal comma
            return text
        return v


class SegmentCreate(SegmentBase):
    model_config = SQLModelConfig(extra="forbid")
    value_drivers: list[str] = []

    @field_validator("value_drivers", mode="before")
    @classmethod
    def _drivers(cls, v):
        if v is None:
            return []
        if isinstance(v, str):
            v = [part for part in re.split(r"[;,\n]", v)]
        names: list[str] = []
        for item in v:
            if item is None or not str(item).strip():
                continue
            name = clean_name(item, "Value driver")
            if name.lower() not in {n.lower() for n in names}:
                names.append(name)
        return names


class SegmentUpdate(SQLModel):
    """Partial change; the service merges it with the stored row and validates as a Create."""

    model_config = SQLModelConfig(extra="forbid")
    name: str | None = None
    description: str | None = None
    defining_needs: str | None = None
    value_drivers: list[str] | str | None = None
    customer_count: int | float | str | None = None
    revenue: float | str | None = None
    potential: float | str | None = None
    expected_growth_pct: float | str | None = None
    lifecycle_focus: str | None = None
    notes: str | None = None
    priority: str | None = None
    priority_rationale: str | None = None


class Segment(SegmentBase, Versioned, table=True):
    __table_args__ = (UniqueConstraint("workspace_id", "name", name="uq_segment_name"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(sa_column=_fk("workspace.id"))
    position: int = 0
    ratings_revealed: bool = False  # the facilitator has shown everyone's strength ratings


class SegmentRead(SegmentBase):
    version: int = 1  # the version this was read at; an edit sends it back
    id: int
    workspace_id: int
    position: int
    ratings_revealed: bool = False
    value_drivers: list[str] = []


PERSONA_LABELS = {
    "name": "Name",
    "segment_id": "Segment",
    "role_title": "Role or title",
    "decision_role": "Decision role",
    "desired_relationship": "Desired relationship",
    "lifecycle_stage": "Lifecycle stage",
    "goals": "Goals",
    "needs": "Needs",
    "pains": "Pains and obstacles",
    "motives": "Motives",
    "buying_process": "Buying process",
    "touchpoints": "Touchpoints",
    "quote": "Quote",
    "channels": "Preferred channels",
}


PERSONA_TEXT_FIELDS = ("goals", "needs", "pains", "motives", "buying_process", "touchpoints", "quote")


class ChannelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Annotated[str, RequiredOneOf(CHANNEL_KINDS, "Channel type")]
    channel: Annotated[str, CleanName("Channel")]


class PersonaBase(SQLModel):
    name: Annotated[str, CleanName("Persona name")] = Field(max_length=120)
    segment_id: int = Field(sa_column=_fk("segment.id"))
    role_title: Annotated[str, CleanText("Role or title", 200)] = Field(default="", max_length=200)
    decision_role: Annotated[str | None, OneOf(DECISION_ROLES, "Decision role")] = Field(default=None, max_length=20)
    desired_relationship: Annotated[str | None, OneOf(RELATIONSHIPS, "Desired relationship")] = Field(
        default=None, max_length=30
    )
    lifecycle_stage: Annotated[str | None, OneOf(LIFECYCLE_STAGES, "Lifecycle stage")] = Field(
        default=None, max_length=20
    )
    goals: Annotated[str, CleanText(PERSONA_LABELS["goals"])] = Field(default="", sa_type=Text)
    needs: Annotated[str, CleanText(PERSONA_LABELS["needs"])] = Field(default="", sa_type=Text)
    pains: Annotated[str, CleanText(PERSONA_LABELS["pains"])] = Field(default="", sa_type=Text)
    motives: Annotated[str, CleanText(PERSONA_LABELS["motives"])] = Field(default="", sa_type=Text)
    buying_process: Annotated[str, CleanText(PERSONA_LABELS["buying_process"])] = Field(default="", sa_type=Text)
    touchpoints: Annotated[str, CleanText(PERSONA_LABELS["touchpoints"])] = Field(default="", sa_type=Text)
    quote: Annotated[str, CleanText(PERSONA_LABELS["quote"])] = Field(default="", sa_type=Text)


class PersonaCreate(PersonaBase):
    model_config = SQLModelConfig(extra="forbid")
    channels: list[ChannelIn] = []


class PersonaUpdate(SQLModel):
    model_config = SQLModelConfig(extra="forbid")
    name: str | None = None
    segment_id: int | None = None
    role_title: str | None = None
    decision_role: str | None = None
    desired_relationship: str | None = None
    lifecycle_stage: str | None = None
    goals: str | None = None
    needs: str | None = None
    pains: str | None = None
    motives: str | None = None
    buying_process: str | None = None
    touchpoints: str | None = None
    quote: str | None = None
    channels: list[ChannelIn] | list[dict] | None = None


class Persona(PersonaBase, Versioned, table=True):
    __table_args__ = (UniqueConstraint("workspace_id", "name", name="uq_persona_name"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(sa_column=_fk("workspace.id"))


class PersonaChannel(SQLModel, table=True):
    __tablename__ = "persona_channel"
    id: int | None = Field(default=None, primary_key=True)
    persona_id: int = Field(sa_column=_fk("persona.id"))
    kind: str = Field(max_length=10)
    channel: str = Field(max_length=120)
    position: int = 0


class PersonaRead(PersonaBase):
    version: int = 1  # the version this was read at; an edit sends it back
    id: int
    workspace_id: int
    segment_name: str
    channels: list[ChannelIn] = []


INSIGHT_SOURCES = ("Customer interview", "Sales", "Customer service", "Survey", "Data analysis", "Other")


INSIGHT_KINDS = ("Need", "Pain", "Motive", "Request")


DEFAULT_THEMES = ("Delivery", "Price", "Service", "Product", "Digital channels", "Communication")


INSIGHT_LABELS = {
    "text": "Text",
    "kind": "Type",
    "source_type": "Source",
    "recorded_by": "Recorded by",
    "recorded_on": "Date",
    "theme": "Theme",
    "segments": "Segments",
    "personas": "Personas",
}


class Theme(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("workspace_id", "name", name="uq_theme_name"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(sa_column=_fk("workspace.id"))
    name: str = Field(max_length=120)
    position: int = 0


class InsightBase(SQLModel):
    text: Annotated[
        str, CleanText("Insight text", missing="Insight text is required: write what was said or observed.")
    ] = Field(sa_type=Text)
    kind: Annotated[str, RequiredOneOf(INSIGHT_KINDS, "Type")] = Field(max_length=20)
    source_type: Annotated[str, RequiredOneOf(INSIGHT_SOURCES, "Source")] = Field(max_length=40)
    recorded_by: Annotated[str, CleanText("Recorded by", 120)] = Field(default="", max_length=120)
    recorded_on: date

    @field_validator("recorded_on", mode="before")
    @classmethod
    def _recorded_on(cls, v):
        if v is None or (isinstance(v, str) and not v.strip()):
            raise ValueError("Date is required.")
        if isinstance(v, datetime):
            v = v.date()
        if isinstance(v, str):
            try:
                v = date.fromisoformat(v.strip()[:10])
            except ValueError:
                raise ValueError(f"Date must look like 2026-11-23 (got '{v[:20]}').") from None
        if not isinstance(v, date):
            # A number would otherwise pass as a Unix timestamp, unchecked against today.
            raise ValueError(f"Date must look like 2026-11-23 (got '{str(v)[:20]}').")
        if v > clock.today():
            raise ValueError(f"Date {v.isoformat()} is in the future; record what has been said.")
        return v


class InsightCreate(InsightBase):
    """Segments and personas by id; the theme by name (a new name extends the list)."""

    model_config = SQLModelConfig(extra="forbid")
    theme: Annotated[str | None, CleanName("Theme", none_if_blank=True)] = None
    segment_ids: list[int] = []
    persona_ids: list[int] = []


class InsightUpdate(SQLModel):
    model_config = SQLModelConfig(extra="forbid")
    text: str | None = None
    kind: str | None = None
    source_type: str | None = None
    recorded_by: str | None = None
    recorded_on: date | str | None = None
    theme: str | None = None
    segment_ids: list[int] | None = None
    persona_ids: list[int] | None = None


class Insight(InsightBase, Versioned, table=True):
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(sa_column=_fk("workspace.id"))
    theme_id: int | None = Field(
        default=None, sa_column=Column(Integer, ForeignKey("theme.id", ondelete="SET NULL"), nullable=True, index=True)
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class InsightSegment(SQLModel, table=True):
    __tablename__ = "insight_segment"
    insight_id: int = Field(sa_column=Column(Integer, ForeignKey("insight.id", ondelete="CASCADE"), primary_key=True))
    segment_id: int = Field(
        sa_column=Column(Integer, ForeignKey("segment.id", ondelete="CASCADE"), primary_key=True, index=True)
    )


class InsightPersona(SQLModel, table=True):
    __tablename__ = "insight_persona"
    insight_id: int = Field(sa_column=Column(Integer, ForeignKey("insight.id", ondelete="CASCADE"), primary_key=True))
    persona_id: int = Field(
        sa_column=Column(Integer, ForeignKey("persona.id", ondelete="CASCADE"), primary_key=True, index=True)
    )


class InsightRead(InsightBase):
    version: int = 1  # the version this was read at; an edit sends it back
    id: int
    workspace_id: int
    theme: str | None = None
    segment_ids: list[int] = []
    persona_ids: list[int] = []
    segment_names: list[str] = []
    persona_names: list[str] = []


PARTICIPANT_LABELS = {"name": "Name", "department": "Department", "role": "Role", "is_leader": "Leader"}


class ParticipantBase(SQLModel):
    name: Annotated[str, CleanName("Participant name")] = Field(max_length=120)
    department: Annotated[str, CleanText("Department", 120)] = Field(default="", max_length=120)
    role: Annotated[str, CleanText("Role", 120)] = Field(default="", max_length=120)
    is_leader: bool = False


class ParticipantCreate(ParticipantBase):
    model_config = SQLModelConfig(extra="forbid")


class ParticipantUpdate(SQLModel):
    model_config = SQLModelConfig(extra="forbid")
    name: str | None = None
    department: str | None = None
    role: str | None = None
    is_leader: bool | None = None


class Participant(ParticipantBase, Versioned, table=True):
    __table_args__ = (UniqueConstraint("workspace_id", "name", name="uq_participant_name"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(sa_column=_fk("workspace.id"))


class ParticipantRead(ParticipantBase):
    version: int = 1  # the version this was read at; an edit sends it back
    id: int
    workspace_id: int


READINESS_STATEMENT_MAX = 300  # a statement is one line people rate, not a paragraph


class ReadinessStatementBase(SQLModel):
    text: Annotated[
        str,
        CleanText(
            "Statement",
            READINESS_STATEMENT_MAX,
            missing="Statement is required: write it as something that can be true or false.",
        ),
    ] = Field(sa_type=Text)
    why: Annotated[str, CleanText("Why it matters", 1000)] = Field(default="", sa_type=Text)


class ReadinessStatementCreate(ReadinessStatementBase):
    model_config = SQLModelConfig(extra="forbid")
    key: str | None = None


class ReadinessStatement(ReadinessStatementBase, Versioned, table=True):
    __tablename__ = "readiness_statement"
    __table_args__ = (UniqueConstraint("workspace_id", "text", name="uq_readiness_statement_text"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(sa_column=_fk("workspace.id"))
    key: str | None = Field(default=None, max_length=40)  # the standard statements' keys; None for own ones
    position: int = 0


class ReadinessStatementRead(ReadinessStatementBase):
    version: int = 1  # the version this was read at; an edit sends it back
    id: int
    workspace_id: int
    key: str | None
    position: int


class ReadinessRatingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    statement_id: int
    score: int | None = None
    note: Annotated[str, CleanText("Note", 1000)] = ""

    @field_validator("score", mode="before")
    @classmethod
    def _score(cls, v):
        if v is None or (isinstance(v, str) and not v.strip()):
            return None
        if isinstance(v, bool):  # int(True) is 1: a JSON `true` is not a score
            raise ValueError("Score must be a whole number from 1 to 5.")
        try:
            score = int(v)
        except (TypeError, ValueError, OverflowError):  # OverflowError: int(float("inf"))
            raise ValueError("Score must be a whole number from 1 to 5.") from None
        if score != v and not isinstance(v, str) or not 1 <= score <= 5:
            raise ValueError("Score must be a whole number from 1 to 5.")
        return score


class ReadinessRating(SQLModel, table=True):
    __tablename__ = "readiness_rating"
    __table_args__ = (UniqueConstraint("statement_id", "participant_id", name="uq_readiness_rating"),)
    id: int | None = Field(default=None, primary_key=True)
    statement_id: int = Field(
        sa_column=Column(Integer, ForeignKey("readiness_statement.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    participant_id: int = Field(
        sa_column=Column(Integer, ForeignKey("participant.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    score: int
    note: str = Field(default="", sa_type=Text)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class FactorCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Annotated[str, CleanName("Factor")]
    description: Annotated[str, CleanText("Description", 1000)] = ""


class Factor(Versioned, table=True):
    __table_args__ = (UniqueConstraint("workspace_id", "name", name="uq_factor_name"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(sa_column=_fk("workspace.id"))
    name: str = Field(max_length=120)
    description: str = Field(default="", sa_type=Text)


class SegmentFactorIn(BaseModel):
    """One key factor of a segment: the factor by name (new names join the library)."""

    model_config = ConfigDict(extra="forbid")
    factor: Annotated[str, CleanName("Factor")]
    weight: float
    competitor_strength: Annotated[int | None, Score("Competitor's strength")] = None
    agreed_strength: Annotated[int | None, Score("Agreed strength")] = None

    @field_validator("weight", mode="before")
    @classmethod
    def _weight(cls, v):
        not_a_flag(v, "Weight")
        try:
            weight = float(v)
        except (TypeError, ValueError, OverflowError):
            raise ValueError("Weight must be a number above zero.") from None
        if weight != weight or not 0 < weight <= 1000:
            raise ValueError(
                "Weight must be above zero (and at most 1,000); remove the factor instead of weighting it zero."
            )
        return weight


class SegmentFactor(Versioned, table=True):
    __tablename__ = "segment_factor"
    __table_args__ = (UniqueConstraint("segment_id", "factor_id", name="uq_segment_factor"),)
    id: int | None = Field(default=None, primary_key=True)
    segment_id: int = Field(sa_column=_fk("segment.id"))
    factor_id: int = Field(sa_column=_fk("factor.id"))
    weight: float
    competitor_strength: int | None = None
    agreed_strength: int | None = None
    position: int = 0


class SegmentFactorRead(BaseModel):
    version: int = 1  # the version this was read at; an edit sends it back
    id: int
    segment_id: int
    factor_id: int
    factor: str
    weight: float
    competitor_strength: int | None
    agreed_strength: int | None


class StrengthRating(SQLModel, table=True):
    __tablename__ = "strength_rating"
    __table_args__ = (UniqueConstraint("segment_factor_id", "participant_id", name="uq_strength_rating"),)
    id: int | None = Field(default=None, primary_key=True)
    segment_factor_id: int = Field(sa_column=_fk("segment_factor.id"))
    participant_id: int = Field(sa_column=_fk("participant.id"))
    score: int
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class StrengthRatingIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    segment_factor_id: int
    score: Annotated[int | None, Score("Strength")] = None
