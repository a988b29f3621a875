"""Tables and input models, one family per entity (Base, Create, Update, table, Read).

`table=True` classes do not validate on construction, so services validate through the
`...Create` model first and then build the table row with `Model.model_validate(...)`.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

from pydantic import BaseModel, ConfigDict, field_validator, model_validator
from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from crmstrategy import clock
from crmstrategy.versioning import Versioned
from crmstrategy.promise_checks import CHAR_CEILING
from crmstrategy.text import clean_name, clean_text

LIFECYCLE_STAGES = ("Identify", "Recruit", "Develop", "Retain", "Win back")
DECISION_ROLES = ("Decision-maker", "Influencer", "User")
RELATIONSHIPS = ("Transactional", "Preferred supplier", "Trusted advisor", "Strategic partner")
CHANNEL_KINDS = ("Owned", "Bought", "Earned")
DEFAULT_VALUE_DRIVERS = ("Price", "Service", "Quality", "Convenience", "Expertise")

MAX_MONEY = 1e13
MAX_CUSTOMERS = 1_000_000_000


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


# --- Workspace -----------------------------------------------------------------------

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


# --- Value drivers (a workspace-level list the user can extend) -----------------------

class ValueDriverCreate(BaseModel):
    name: str

    @field_validator("name", mode="before")
    @classmethod
    def _name(cls, v):
        return clean_name(v, "Value driver")


class ValueDriver(SQLModel, table=True):
    __tablename__ = "value_driver"
    __table_args__ = (UniqueConstraint("workspace_id", "name", name="uq_value_driver_name"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(sa_column=_fk("workspace.id"))
    name: str = Field(max_length=120)
    position: int = 0


class SegmentValueDriver(SQLModel, table=True):
    __tablename__ = "segment_value_driver"
    segment_id: int = Field(sa_column=Column(Integer, ForeignKey("segment.id", ondelete="CASCADE"),
                                             primary_key=True))
    value_driver_id: int = Field(sa_column=Column(Integer, ForeignKey("value_driver.id", ondelete="CASCADE"),
                                                  primary_key=True))


# --- Segment (advice 1: needs-based) ---------------------------------------------------

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
    name: str = Field(max_length=120)
    description: str = Field(default="", sa_type=Text)
    defining_needs: str = Field(default="", sa_type=Text)
    customer_count: int | None = Field(default=None, ge=0, le=MAX_CUSTOMERS)
    revenue: float | None = Field(default=None, ge=0, le=MAX_MONEY)
    potential: float | None = Field(default=None, ge=0, le=MAX_MONEY)
    expected_growth_pct: float | None = Field(default=None, ge=-100, le=1000)
    lifecycle_focus: str | None = Field(default=None, max_length=20)
    notes: str = Field(default="", sa_type=Text)
    priority: str | None = Field(default=None, max_length=20)
    priority_rationale: str = Field(default="", sa_type=Text)

    @field_validator("name", mode="before")
    @classmethod
    def _name(cls, v):
        return clean_name(v, "Segment name")

    @field_validator("priority", mode="before")
    @classmethod
    def _priority(cls, v):
        return choice(v, PRIORITIES, "Priority")

    @field_validator("priority_rationale", mode="before")
    @classmethod
    def _rationale(cls, v):
        return clean_text(v, "Rationale")

    @field_validator("description", "defining_needs", "notes", mode="before")
    @classmethod
    def _texts(cls, v, info):
        return clean_text(v, SEGMENT_LABELS[info.field_name])

    @field_validator("customer_count", "revenue", "potential", "expected_growth_pct", mode="before")
    @classmethod
    def _blank_number(cls, v):
        if v is None or (isinstance(v, float) and v != v) or (isinstance(v, str) and not v.strip()):
            return None
        if isinstance(v, str):
            text = v.strip().replace("\u00a0", "").replace(" ", "").replace("%", "")
            if "," in text and "." not in text:
                text = text.replace(",", ".")  # Nordic decimal comma
            return text
        return v

    @field_validator("lifecycle_focus", mode="before")
    @classmethod
    def _lifecycle(cls, v):
        return choice(v, LIFECYCLE_STAGES, "Lifecycle focus")


class SegmentCreate(SegmentBase):
    model_config = ConfigDict(extra="forbid")
    value_drivers: list[str] = []

    @field_validator("value_drivers", mode="before")
    @classmethod
    def _drivers(cls, v):
        if v is None:
            return []
        if isinstance(v, str):
            v = [part for part in re.split(r"[;,\n]", v)]
        names = []
        for item in v:
            if item is None or not str(item).strip():
                continue
            name = clean_name(item, "Value driver")
            if name.lower() not in {n.lower() for n in names}:
                names.append(name)
        return names


class SegmentUpdate(SQLModel):
    """Partial change; the service merges it with the stored row and validates as a Create."""
    model_config = ConfigDict(extra="forbid")
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


# --- Persona (advice 1, seed 004) ------------------------------------------------------

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
    kind: str
    channel: str

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, v):
        return required_choice(v, CHANNEL_KINDS, "Channel type")

    @field_validator("channel", mode="before")
    @classmethod
    def _channel(cls, v):
        return clean_name(v, "Channel")


class PersonaBase(SQLModel):
    name: str = Field(max_length=120)
    segment_id: int = Field(sa_column=_fk("segment.id"))
    role_title: str = Field(default="", max_length=200)
    decision_role: str | None = Field(default=None, max_length=20)
    desired_relationship: str | None = Field(default=None, max_length=30)
    lifecycle_stage: str | None = Field(default=None, max_length=20)
    goals: str = Field(default="", sa_type=Text)
    needs: str = Field(default="", sa_type=Text)
    pains: str = Field(default="", sa_type=Text)
    motives: str = Field(default="", sa_type=Text)
    buying_process: str = Field(default="", sa_type=Text)
    touchpoints: str = Field(default="", sa_type=Text)
    quote: str = Field(default="", sa_type=Text)

    @field_validator("name", mode="before")
    @classmethod
    def _name(cls, v):
        return clean_name(v, "Persona name")

    @field_validator("role_title", mode="before")
    @classmethod
    def _role(cls, v):
        return clean_text(v, "Role or title", max_length=200)

    @field_validator(*PERSONA_TEXT_FIELDS, mode="before")
    @classmethod
    def _texts(cls, v, info):
        return clean_text(v, PERSONA_LABELS[info.field_name])

    @field_validator("decision_role", mode="before")
    @classmethod
    def _decision_role(cls, v):
        return choice(v, DECISION_ROLES, "Decision role")

    @field_validator("desired_relationship", mode="before")
    @classmethod
    def _relationship(cls, v):
        return choice(v, RELATIONSHIPS, "Desired relationship")

    @field_validator("lifecycle_stage", mode="before")
    @classmethod
    def _lifecycle(cls, v):
        return choice(v, LIFECYCLE_STAGES, "Lifecycle stage")


class PersonaCreate(PersonaBase):
    model_config = ConfigDict(extra="forbid")
    channels: list[ChannelIn] = []


class PersonaUpdate(SQLModel):
    model_config = ConfigDict(extra="forbid")
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


# --- Insight log (advice 1: what customers and frontline colleagues said) --------------

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
    text: str = Field(sa_type=Text)
    kind: str = Field(max_length=20)
    source_type: str = Field(max_length=40)
    recorded_by: str = Field(default="", max_length=120)
    recorded_on: date

    @field_validator("text", mode="before")
    @classmethod
    def _text(cls, v):
        text = clean_text(v, "Insight text")
        if not text:
            raise ValueError("Insight text is required: write what was said or observed.")
        return text

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, v):
        return required_choice(v, INSIGHT_KINDS, "Type")

    @field_validator("source_type", mode="before")
    @classmethod
    def _source(cls, v):
        return required_choice(v, INSIGHT_SOURCES, "Source")

    @field_validator("recorded_by", mode="before")
    @classmethod
    def _recorded_by(cls, v):
        return clean_text(v, "Recorded by", max_length=120)

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
    model_config = ConfigDict(extra="forbid")
    theme: str | None = None
    segment_ids: list[int] = []
    persona_ids: list[int] = []

    @field_validator("theme", mode="before")
    @classmethod
    def _theme(cls, v):
        if v is None or (isinstance(v, float) and v != v) or not str(v).strip():
            return None
        return clean_name(v, "Theme")


class InsightUpdate(SQLModel):
    model_config = ConfigDict(extra="forbid")
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
    theme_id: int | None = Field(default=None, sa_column=Column(
        Integer, ForeignKey("theme.id", ondelete="SET NULL"), nullable=True, index=True))
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class InsightSegment(SQLModel, table=True):
    __tablename__ = "insight_segment"
    insight_id: int = Field(sa_column=Column(Integer, ForeignKey("insight.id", ondelete="CASCADE"), primary_key=True))
    segment_id: int = Field(sa_column=Column(Integer, ForeignKey("segment.id", ondelete="CASCADE"), primary_key=True,
                                             index=True))


class InsightPersona(SQLModel, table=True):
    __tablename__ = "insight_persona"
    insight_id: int = Field(sa_column=Column(Integer, ForeignKey("insight.id", ondelete="CASCADE"), primary_key=True))
    persona_id: int = Field(sa_column=Column(Integer, ForeignKey("persona.id", ondelete="CASCADE"), primary_key=True,
                                             index=True))


class InsightRead(InsightBase):
    version: int = 1  # the version this was read at; an edit sends it back
    id: int
    workspace_id: int
    theme: str | None = None
    segment_ids: list[int] = []
    persona_ids: list[int] = []
    segment_names: list[str] = []
    persona_names: list[str] = []


# --- Participants (who takes part in the workshop; rated statements name them) ---------

PARTICIPANT_LABELS = {"name": "Name", "department": "Department", "role": "Role", "is_leader": "Leader"}


class ParticipantBase(SQLModel):
    name: str = Field(max_length=120)
    department: str = Field(default="", max_length=120)
    role: str = Field(default="", max_length=120)
    is_leader: bool = False

    @field_validator("name", mode="before")
    @classmethod
    def _name(cls, v):
        return clean_name(v, "Participant name")

    @field_validator("department", "role", mode="before")
    @classmethod
    def _short(cls, v, info):
        return clean_text(v, info.field_name.capitalize(), max_length=120)


class ParticipantCreate(ParticipantBase):
    model_config = ConfigDict(extra="forbid")


class ParticipantUpdate(SQLModel):
    model_config = ConfigDict(extra="forbid")
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


# --- Readiness check (seed 002, the vicious circle; seed 000, ownership) ---------------

class ReadinessStatementBase(SQLModel):
    text: str = Field(sa_type=Text)
    why: str = Field(default="", sa_type=Text)

    @field_validator("text", mode="before")
    @classmethod
    def _text(cls, v):
        text = clean_text(v, "Statement", max_length=300)
        if not text:
            raise ValueError("Statement is required: write it as something that can be true or false.")
        return text

    @field_validator("why", mode="before")
    @classmethod
    def _why(cls, v):
        return clean_text(v, "Why it matters", max_length=1000)


class ReadinessStatementCreate(ReadinessStatementBase):
    model_config = ConfigDict(extra="forbid")
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
    note: str = ""

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

    @field_validator("note", mode="before")
    @classmethod
    def _note(cls, v):
        return clean_text(v, "Note", max_length=1000)


class ReadinessRating(SQLModel, table=True):
    __tablename__ = "readiness_rating"
    __table_args__ = (UniqueConstraint("statement_id", "participant_id", name="uq_readiness_rating"),)
    id: int | None = Field(default=None, primary_key=True)
    statement_id: int = Field(sa_column=Column(Integer, ForeignKey("readiness_statement.id", ondelete="CASCADE"),
                                               nullable=False, index=True))
    participant_id: int = Field(sa_column=Column(Integer, ForeignKey("participant.id", ondelete="CASCADE"),
                                                 nullable=False, index=True))
    score: int
    note: str = Field(default="", sa_type=Text)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


# --- Key factors and strength (advice 2: where you are strong) -------------------------

class FactorCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    description: str = ""

    @field_validator("name", mode="before")
    @classmethod
    def _name(cls, v):
        return clean_name(v, "Factor")

    @field_validator("description", mode="before")
    @classmethod
    def _description(cls, v):
        return clean_text(v, "Description", max_length=1000)


class Factor(Versioned, table=True):
    __table_args__ = (UniqueConstraint("workspace_id", "name", name="uq_factor_name"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(sa_column=_fk("workspace.id"))
    name: str = Field(max_length=120)
    description: str = Field(default="", sa_type=Text)


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


class SegmentFactorIn(BaseModel):
    """One key factor of a segment: the factor by name (new names join the library)."""
    model_config = ConfigDict(extra="forbid")
    factor: str
    weight: float
    competitor_strength: int | None = None
    agreed_strength: int | None = None

    @field_validator("factor", mode="before")
    @classmethod
    def _factor(cls, v):
        return clean_name(v, "Factor")

    @field_validator("weight", mode="before")
    @classmethod
    def _weight(cls, v):
        try:
            weight = float(v)
        except (TypeError, ValueError, OverflowError):
            raise ValueError("Weight must be a number above zero.") from None
        if weight != weight or not 0 < weight <= 1000:
            raise ValueError("Weight must be above zero (and at most 1,000); remove the factor instead of "
                             "weighting it zero.")
        return weight

    @field_validator("competitor_strength", "agreed_strength", mode="before")
    @classmethod
    def _strength(cls, v, info):
        return score_1_to_5(v, "Competitor's strength" if info.field_name == "competitor_strength"
                             else "Agreed strength")


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
    score: int | None = None

    @field_validator("score", mode="before")
    @classmethod
    def _score(cls, v):
        return score_1_to_5(v, "Strength")


# --- The strategy map (advice 3-4) and measurable goals (advice 5, seed 004) ------------

NODE_KINDS = ("strategy", "objective", "initiative", "enabler")
NODE_KIND_LABELS = {"strategy": "Company strategy", "objective": "CRM objective", "initiative": "Initiative",
                    "enabler": "Enabler"}
# The kinds as nouns inside a sentence, with their article
NODE_KIND_NOUNS = {"strategy": "company-strategy element", "objective": "CRM objective", "initiative": "initiative",
                   "enabler": "enabler"}


def with_article(noun: str) -> str:
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


# Which kind may point at which, and what the link means: the source supports (or enables) the target.
LINK_RULES = {("objective", "strategy"): "supports", ("initiative", "objective"): "supports",
              ("enabler", "initiative"): "enables"}
CONSTRAINT_KINDS = ("IT-platform order", "Market priorities", "Product portfolio", "Other")
MAP_NODE_LABELS = {"kind": "Kind", "name": "Name", "description": "Description", "owner": "Owner",
                   "business_value": "Business value", "complexity": "Complexity", "time_effort": "Time",
                   "cost": "Cost", "lifecycle_stage": "Lifecycle stage", "channel": "Channel"}
INITIATIVE_ONLY = ("business_value", "complexity", "time_effort", "cost", "lifecycle_stage", "channel")


def _kind(value) -> str:
    if isinstance(value, str):
        for key, label in NODE_KIND_LABELS.items():
            if value.strip().lower() in (key, label.lower()):
                return key
    raise ValueError(f"Kind must be one of: {', '.join(NODE_KIND_LABELS.values())}.")


class MapNodeBase(SQLModel):
    kind: str = Field(max_length=20)
    name: str = Field(max_length=120)
    description: str = Field(default="", sa_type=Text)
    owner: str = Field(default="", max_length=120)
    business_value: int | None = None
    complexity: int | None = None
    time_effort: int | None = None
    cost: int | None = None
    lifecycle_stage: str | None = Field(default=None, max_length=20)
    channel: str | None = Field(default=None, max_length=120)


class MapNodeCreate(MapNodeBase):
    model_config = ConfigDict(extra="forbid")

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, v):
        return _kind(v)

    @field_validator("name", mode="before")
    @classmethod
    def _name(cls, v):
        return clean_name(v, "Name")

    @field_validator("description", mode="before")
    @classmethod
    def _description(cls, v):
        return clean_text(v, "Description")

    @field_validator("owner", mode="before")
    @classmethod
    def _owner(cls, v):
        return clean_text(v, "Owner", max_length=120).strip()

    @field_validator("business_value", "complexity", "time_effort", "cost", mode="before")
    @classmethod
    def _one_to_five(cls, v, info):
        return score_1_to_5(v, MAP_NODE_LABELS[info.field_name])

    @field_validator("lifecycle_stage", mode="before")
    @classmethod
    def _stage(cls, v):
        return choice(v, LIFECYCLE_STAGES, "Lifecycle stage")

    @field_validator("channel", mode="before")
    @classmethod
    def _channel(cls, v):
        return clean_text(v, "Channel", max_length=120).strip() or None

    @model_validator(mode="after")
    def _initiative_fields(self):
        if self.kind != "initiative":
            given = [MAP_NODE_LABELS[f] for f in INITIATIVE_ONLY if getattr(self, f) is not None]
            if given:
                raise ValueError(f"Only initiatives have {', '.join(given).lower()}.")
        return self


class MapNodeUpdate(SQLModel):
    # Scores as float | str so that 2.5 or "high" reach MapNodeCreate's one clear message
    name: str | None = None
    description: str | None = None
    owner: str | None = None
    business_value: float | str | None = None
    complexity: float | str | None = None
    time_effort: float | str | None = None
    cost: float | str | None = None
    lifecycle_stage: str | None = None
    channel: str | None = None


class MapNode(MapNodeBase, Versioned, table=True):
    __tablename__ = "map_node"
    __table_args__ = (UniqueConstraint("workspace_id", "name", name="uq_map_node_name"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(sa_column=_fk("workspace.id"))
    position: int = 0


class MapNodeRead(MapNodeBase):
    version: int = 1  # the version this was read at; an edit sends it back
    id: int
    workspace_id: int
    position: int

    @property
    def effort(self) -> float | None:
        """Mean of complexity, time and cost (those given)."""
        parts = [v for v in (self.complexity, self.time_effort, self.cost) if v is not None]
        return sum(parts) / len(parts) if parts else None


class MapLink(SQLModel, table=True):
    __tablename__ = "map_link"
    __table_args__ = (UniqueConstraint("source_id", "target_id", name="uq_map_link"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(sa_column=_fk("workspace.id"))
    source_id: int = Field(sa_column=_fk("map_node.id"))
    target_id: int = Field(sa_column=_fk("map_node.id"))


class StrategyConstraintCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: str
    text: str
    node_ids: list[int] = []

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, v):
        return required_choice(v, CONSTRAINT_KINDS, "Kind of constraint")

    @field_validator("text", mode="before")
    @classmethod
    def _text(cls, v):
        text = clean_text(v, "Constraint", max_length=1000)
        if not text.strip():
            raise ValueError("Say what the company strategy requires or rules out.")
        return text


class StrategyConstraint(Versioned, table=True):
    __tablename__ = "strategy_constraint"
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(sa_column=_fk("workspace.id"))
    kind: str = Field(max_length=30)
    text: str = Field(sa_type=Text)


class ConstraintNode(SQLModel, table=True):
    __tablename__ = "constraint_node"
    constraint_id: int = Field(sa_column=Column(Integer, ForeignKey("strategy_constraint.id", ondelete="CASCADE"),
                                                primary_key=True))
    node_id: int = Field(sa_column=Column(Integer, ForeignKey("map_node.id", ondelete="CASCADE"), primary_key=True,
                                          index=True))


class StrategyConstraintRead(BaseModel):
    version: int = 1  # the version this was read at; an edit sends it back
    id: int
    kind: str
    text: str
    node_ids: list[int]


GOAL_TYPES = ("Result", "Process")
GOAL_MEASURES = ("Value", "Activity")
VALUE_EXAMPLES = "churn, loyalty, conversion, revenue, satisfaction"
ACTIVITY_EXAMPLES = "opens, clicks, visits"
GOAL_LABELS = {"objective_id": "Objective", "goal_type": "Result or process", "metric": "Metric", "unit": "Unit",
               "baseline": "Baseline", "target": "Target", "deadline": "Deadline", "owner": "Owner",
               "measures": "Measures value or activity",
               "baseline_on": "Baseline measured on"}
MAX_GOAL_VALUE = 1e12


class GoalBase(SQLModel):
    objective_id: int = Field(sa_column=_fk("map_node.id"))
    goal_type: str = Field(default="Result", max_length=10)
    metric: str = Field(max_length=120)
    unit: str = Field(default="", max_length=40)
    baseline: float
    target: float
    deadline: date
    owner: str = Field(default="", max_length=120)
    measures: str = Field(default="Value", max_length=10)
    baseline_on: date | None = None  # when the baseline was measured: where the milestone path starts


class GoalCreate(GoalBase):
    model_config = ConfigDict(extra="forbid")
    objective_id: int

    @field_validator("objective_id", mode="before")
    @classmethod
    def _objective(cls, v):
        if v is None or (isinstance(v, str) and not v.strip()):
            raise ValueError("Choose the objective the goal measures.")
        return v

    @field_validator("goal_type", mode="before")
    @classmethod
    def _type(cls, v):
        return required_choice(v, GOAL_TYPES, "Result or process")

    @field_validator("measures", mode="before")
    @classmethod
    def _measures(cls, v):
        return required_choice(v, GOAL_MEASURES, "Measures value or activity")

    @field_validator("metric", mode="before")
    @classmethod
    def _metric(cls, v):
        return clean_name(v, "Metric")

    @field_validator("unit", "owner", mode="before")
    @classmethod
    def _short(cls, v, info):
        return clean_text(v, GOAL_LABELS[info.field_name], max_length=120 if info.field_name == "owner" else 40).strip()

    @field_validator("baseline", "target", mode="before")
    @classmethod
    def _number(cls, v, info):
        return number_value(v, GOAL_LABELS[info.field_name])

    @field_validator("baseline_on", mode="before")
    @classmethod
    def _baseline_on(cls, v):
        return optional_date(v, "Baseline measured on")

    @field_validator("deadline", mode="before")
    @classmethod
    def _deadline(cls, v):
        if v is None or (isinstance(v, str) and not v.strip()):
            raise ValueError("Choose the date by which the target is to be reached.")
        if isinstance(v, datetime):
            return v.date()
        if isinstance(v, str):
            try:
                return date.fromisoformat(v.strip()[:10])
            except ValueError:
                raise ValueError(f"'{v.strip()[:20]}' is not a date; write it as YYYY-MM-DD.") from None
        return v

    @model_validator(mode="after")
    def _moves(self):
        if self.target == self.baseline:
            raise ValueError("The target equals the baseline, so the goal asks for no change: set where you "
                             "want to be by the deadline.")
        if self.baseline_on is not None and self.baseline_on >= self.deadline:
            raise ValueError(f"The baseline was measured on {self.baseline_on.isoformat()}, not before the deadline "
                             f"{self.deadline.isoformat()}: the path to the target runs from the one to the other.")
        return self


class GoalUpdate(SQLModel):
    goal_type: str | None = None
    metric: str | None = None
    unit: str | None = None
    baseline: float | str | None = None
    target: float | str | None = None
    deadline: date | str | None = None
    owner: str | None = None
    measures: str | None = None
    baseline_on: date | str | None = None


class Goal(GoalBase, Versioned, table=True):
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(sa_column=_fk("workspace.id"))


class GoalRead(GoalBase):
    version: int = 1  # the version this was read at; an edit sends it back
    id: int
    workspace_id: int
    objective_id: int


class Milestone(Versioned, table=True):
    __table_args__ = (UniqueConstraint("goal_id", "due", name="uq_milestone_due"),)
    id: int | None = Field(default=None, primary_key=True)
    goal_id: int = Field(sa_column=_fk("goal.id"))
    due: date
    value: float


# --- Customer promise (advice 6) ---------------------------------------------------------

PROMISE_PARTS = {"delivers": "What we deliver", "value": "How it creates value", "perceived": "How we want to be perceived"}
PROMISE_LABELS = PROMISE_PARTS | {"text": "The promise", "author": "Author", "note": "What changed",
                                  "segment_ids": "Segments"}
PROMISE_PART_MAX = 400
PROMISE_TEXT_MAX = 600
PROMISE_NOTE_MAX = 300
TERM_KINDS = ("buzzword", "jargon")
MAX_TERMS = 300


class PromiseVersionBase(SQLModel):
    delivers: str = Field(default="", sa_type=Text)
    value: str = Field(default="", sa_type=Text)
    perceived: str = Field(default="", sa_type=Text)
    text: str = Field(sa_type=Text)
    author: str = Field(max_length=120)
    note: str = Field(default="", max_length=PROMISE_NOTE_MAX)


class PromiseVersionCreate(PromiseVersionBase):
    model_config = ConfigDict(extra="forbid")
    segment_ids: list[int] = []

    @field_validator("delivers", "value", "perceived", mode="before")
    @classmethod
    def _part(cls, v, info):
        return clean_text(v, PROMISE_PARTS[info.field_name], max_length=PROMISE_PART_MAX)

    @field_validator("text", mode="before")
    @classmethod
    def _text(cls, v):
        text = clean_text(v, "The promise", max_length=10**9)
        if not text:
            raise ValueError("Write the promise itself before saving: one or two sentences, with the parts beside it.")
        if len(text) > PROMISE_TEXT_MAX:
            raise ValueError(f"{len(text):,} characters is too long for a card: keep it to {PROMISE_TEXT_MAX} "
                             f"(the suggested ceiling is {CHAR_CEILING}) and move the detail to the three parts.")
        return text

    @field_validator("author", mode="before")
    @classmethod
    def _author(cls, v):
        if v is None or not str(v).strip():
            raise ValueError("Write your name, so the history shows who wrote each version.")
        return clean_name(v, "Author")

    @field_validator("note", mode="before")
    @classmethod
    def _note(cls, v):
        return clean_text(v, "What changed", max_length=PROMISE_NOTE_MAX)


class PromiseVersion(PromiseVersionBase, table=True):
    __tablename__ = "promise_version"
    __table_args__ = (UniqueConstraint("workspace_id", "number", name="uq_promise_version_number"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(sa_column=_fk("workspace.id"))
    number: int
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    restored_from: int | None = None  # the number of the version this one restores
    is_current: bool = False


class PromiseVersionSegment(SQLModel, table=True):
    __tablename__ = "promise_version_segment"
    version_id: int = Field(sa_column=Column(Integer, ForeignKey("promise_version.id", ondelete="CASCADE"),
                                             primary_key=True))
    segment_id: int = Field(sa_column=Column(Integer, ForeignKey("segment.id", ondelete="CASCADE"), primary_key=True,
                                             index=True))


class PromiseVersionRead(PromiseVersionBase):
    id: int
    workspace_id: int
    number: int
    created_at: datetime
    restored_from: int | None
    is_current: bool
    segment_ids: list[int] = []
    segment_names: list[str] = []

    @field_validator("created_at", mode="after")
    @classmethod
    def _utc(cls, v: datetime) -> datetime:
        return as_utc(v)


class PromiseTerm(SQLModel, table=True):
    """One entry of a workspace's buzzword or jargon list."""
    __tablename__ = "promise_term"
    __table_args__ = (UniqueConstraint("workspace_id", "kind", "term", name="uq_promise_term"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(sa_column=_fk("workspace.id"))
    kind: str = Field(max_length=10)
    term: str = Field(max_length=60)
    position: int = 0


# --- Implementation plan and anchoring (advice 7-8) -----------------------------------------

ACTION_KINDS = ("Task", "Communication")
METHOD_STEPS = ("Analysis", "Strategy", "Implementation")
ACTION_LABELS = {"title": "Title", "description": "Description", "department": "Department", "owner": "Owner",
                 "horizon": "Horizon", "start_date": "Start", "due_date": "Due", "status": "Status",
                 "kind": "Kind", "audience": "Who is told", "notes": "Notes", "initiative_ids": "Initiatives"}


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


class ActionBase(SQLModel):
    title: str = Field(max_length=120)
    description: str = Field(default="", sa_type=Text)
    department: str = Field(default="", max_length=120)
    owner: str = Field(default="", max_length=120)
    horizon: int | None = None  # set by hand; with a due date the dates decide (plan_rules)
    start_date: date | None = None
    due_date: date | None = None
    status: str = Field(default="Not started", max_length=20)
    kind: str = Field(default="Task", max_length=20)
    audience: str = Field(default="", max_length=200)
    notes: str = Field(default="", sa_type=Text)


class ActionCreate(ActionBase):
    model_config = ConfigDict(extra="forbid")
    initiative_ids: list[int] = []

    @field_validator("title", mode="before")
    @classmethod
    def _title(cls, v):
        return clean_name(v, "Title")

    @field_validator("department", "owner", mode="before")
    @classmethod
    def _short(cls, v, info):
        return re.sub(r"\s+", " ", clean_text(v, ACTION_LABELS[info.field_name], max_length=120))

    @field_validator("audience", mode="before")
    @classmethod
    def _audience(cls, v):
        return clean_text(v, "Who is told", max_length=200)

    @field_validator("description", "notes", mode="before")
    @classmethod
    def _texts(cls, v, info):
        return clean_text(v, ACTION_LABELS[info.field_name])

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, v):
        from crmstrategy.plan_rules import STATUSES
        return required_choice(v, STATUSES, "Status", default="Not started")

    @field_validator("kind", mode="before")
    @classmethod
    def _kind(cls, v):
        return required_choice(v, ACTION_KINDS, "Kind", default="Task")

    @field_validator("horizon", mode="before")
    @classmethod
    def _horizon(cls, v):
        from crmstrategy.plan_rules import HORIZONS
        if v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, float) and v != v):
            return None
        text = re.sub(r"\s*(months?|mnd|måneder|måneders|mån)\.?$", "", str(v).strip().lower())
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            raise ValueError(f"The horizon is 3, 6 or 12 months (got '{str(v)[:20]}').") from None
        if not number.is_integer() or int(number) not in HORIZONS:
            raise ValueError(f"The horizon is 3, 6 or 12 months (got {str(v).strip()[:20]}).")
        return int(number)

    @field_validator("start_date", "due_date", mode="before")
    @classmethod
    def _dates(cls, v, info):
        return optional_date(v, ACTION_LABELS[info.field_name])

    @field_validator("due_date", mode="after")
    @classmethod
    def _after_start(cls, v, info):
        start = info.data.get("start_date")  # declared before due_date, so already checked
        if start and v and v < start:
            raise ValueError(f"The due date {v.isoformat()} is before the start {start.isoformat()}: an action "
                             "cannot end before it begins.")
        return v


class ActionUpdate(SQLModel):
    model_config = ConfigDict(extra="forbid")
    title: str | None = None
    description: str | None = None
    department: str | None = None
    owner: str | None = None
    horizon: int | str | None = None
    start_date: date | str | None = None
    due_date: date | str | None = None
    status: str | None = None
    kind: str | None = None
    audience: str | None = None
    notes: str | None = None
    initiative_ids: list[int] | None = None


class Action(ActionBase, Versioned, table=True):
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(sa_column=_fk("workspace.id"))
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class ActionInitiative(SQLModel, table=True):
    __tablename__ = "action_initiative"
    action_id: int = Field(sa_column=Column(Integer, ForeignKey("action.id", ondelete="CASCADE"), primary_key=True))
    node_id: int = Field(sa_column=Column(Integer, ForeignKey("map_node.id", ondelete="CASCADE"), primary_key=True,
                                          index=True))


class ActionRead(ActionBase):
    version: int = 1  # the version this was read at; an edit sends it back
    id: int
    workspace_id: int
    initiative_ids: list[int] = []
    initiative_names: list[str] = []
    shown_horizon: int | None = None  # from the due date, else as set by hand
    beyond_plan: bool = False         # due more than 12 months after the plan's start


class ActionChange(SQLModel, table=True):
    """One changed field of an action: who, when, from what to what (the plan's memory)."""
    __tablename__ = "action_change"
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(sa_column=_fk("workspace.id"))
    action_id: int = Field(sa_column=_fk("action.id"))
    changed_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    changed_by: str = Field(default="", max_length=120)
    field: str = Field(max_length=40)
    old: str = Field(default="", sa_type=Text)
    new: str = Field(default="", sa_type=Text)


class PlanReviewCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reviewed_on: date
    reviewed_by: str
    changes: str = ""

    @field_validator("reviewed_on", mode="before")
    @classmethod
    def _on(cls, v):
        return required_date(v, "Reviewed on", "Say on which day the plan was reviewed.")

    @field_validator("reviewed_by", mode="before")
    @classmethod
    def _by(cls, v):
        return clean_name(v, "Reviewed by")

    @field_validator("changes", mode="before")
    @classmethod
    def _changes(cls, v):
        return clean_text(v, "What changed")


class PlanReview(SQLModel, table=True):
    __tablename__ = "plan_review"
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(sa_column=_fk("workspace.id"))
    reviewed_on: date
    reviewed_by: str = Field(max_length=120)
    changes: str = Field(default="", sa_type=Text)


class StepParticipation(SQLModel, table=True):
    """Which participant took part in which step of the method (advice 7)."""
    __tablename__ = "step_participation"
    participant_id: int = Field(sa_column=Column(Integer, ForeignKey("participant.id", ondelete="CASCADE"),
                                                 primary_key=True))
    step: str = Field(sa_column=Column(String(20), primary_key=True))


ROLE_IMPACT_LABELS = {"audience": "Role or department", "means": "What the strategy means for them",
                      "must_do": "What they must do", "do_differently": "What they must do differently"}


class RoleImpactBase(SQLModel):
    audience: str = Field(max_length=120)
    means: str = Field(default="", sa_type=Text)
    must_do: str = Field(default="", sa_type=Text)
    do_differently: str = Field(default="", sa_type=Text)


class RoleImpactCreate(RoleImpactBase):
    model_config = ConfigDict(extra="forbid")

    @field_validator("audience", mode="before")
    @classmethod
    def _audience(cls, v):
        return clean_name(v, "Role or department")

    @field_validator("means", "must_do", "do_differently", mode="before")
    @classmethod
    def _texts(cls, v, info):
        return clean_text(v, ROLE_IMPACT_LABELS[info.field_name])


class RoleImpact(RoleImpactBase, Versioned, table=True):
    __tablename__ = "role_impact"
    __table_args__ = (UniqueConstraint("workspace_id", "audience", name="uq_role_impact_audience"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(sa_column=_fk("workspace.id"))
    position: int = 0


class RoleImpactRead(RoleImpactBase):
    version: int = 1  # the version this was read at; an edit sends it back
    id: int
    workspace_id: int


class PlanReviewRead(BaseModel):
    id: int
    reviewed_on: date
    reviewed_by: str
    changes: str


class ActionChangeRead(BaseModel):
    id: int
    action_id: int
    changed_at: datetime
    changed_by: str
    field: str
    old: str
    new: str

    @field_validator("changed_at", mode="after")
    @classmethod
    def _utc(cls, v: datetime) -> datetime:
        return as_utc(v)


# --- Follow-up: measurements and customer feedback (advice 9, seed 000) ----------------------

# What each customer measure is, and the values it can take (a satisfaction score may be on a
# 1-5, 1-10 or 0-100 scale, so it is only kept within 0-100).
CUSTOMER_MEASURES = {"Satisfaction": ("score", 0.0, 100.0), "NPS": ("NPS, -100 to 100", -100.0, 100.0),
                     "Loyalty": ("% returning customers", 0.0, 100.0), "Churn": ("% of customers lost", 0.0, 100.0),
                     "Conversion": ("% of offers won", 0.0, 100.0)}
MEASUREMENT_LABELS = {"goal_id": "Goal", "measure": "Measure", "segment_id": "Segment", "measured_on": "Date",
                      "value": "Value", "note": "Note", "recorded_by": "Recorded by"}
MEASUREMENT_NOTE_MAX = 300


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


class MeasurementFields(SQLModel):
    measured_on: date
    value: float
    note: str = Field(default="", max_length=MEASUREMENT_NOTE_MAX)
    recorded_by: str = Field(default="", max_length=120)

    @field_validator("measured_on", mode="before")
    @classmethod
    def _on(cls, v):
        return required_date(v, "Date", "Date is required: the day the value was measured.")

    @field_validator("value", mode="before")
    @classmethod
    def _value(cls, v):
        return number_value(v, "Value")

    @field_validator("note", mode="before")
    @classmethod
    def _note(cls, v):
        return clean_text(v, "Note", max_length=MEASUREMENT_NOTE_MAX)

    @field_validator("recorded_by", mode="before")
    @classmethod
    def _by(cls, v):
        return re.sub(r"\s+", " ", clean_text(v, "Recorded by", max_length=120))


class GoalMeasurementCreate(MeasurementFields):
    model_config = ConfigDict(extra="forbid")
    goal_id: int

    @field_validator("goal_id", mode="before")
    @classmethod
    def _goal(cls, v):
        if v is None or (isinstance(v, str) and not v.strip()):
            raise ValueError("Choose the goal the value measures.")
        return v


class GoalMeasurement(MeasurementFields, Versioned, table=True):
    __tablename__ = "goal_measurement"
    __table_args__ = (UniqueConstraint("goal_id", "measured_on", name="uq_goal_measurement_day"),)
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(sa_column=_fk("workspace.id"))
    goal_id: int = Field(sa_column=_fk("goal.id"))


class GoalMeasurementRead(MeasurementFields):
    version: int = 1  # the version this was read at; an edit sends it back
    id: int
    goal_id: int


class CustomerMeasurementCreate(MeasurementFields):
    """A customer measure (advice 9) on a day, for one segment or (no segment) for all customers."""
    model_config = ConfigDict(extra="forbid")
    measure: str
    segment_id: int | None = None

    @field_validator("measure", mode="before")
    @classmethod
    def _measure(cls, v):
        return required_choice(v, tuple(CUSTOMER_MEASURES), "Measure")

    @model_validator(mode="after")
    def _in_range(self):
        what, low, high = CUSTOMER_MEASURES[self.measure]
        if not low <= self.value <= high:
            raise ValueError(f"{self.measure} ({what}) lies between {low:g} and {high:g}; {self.value:g} is outside.")
        return self


class CustomerMeasurement(MeasurementFields, Versioned, table=True):
    __tablename__ = "customer_measurement"
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(sa_column=_fk("workspace.id"))
    measure: str = Field(max_length=20)
    segment_id: int | None = Field(default=None, sa_column=_fk("segment.id", nullable=True))


class CustomerMeasurementRead(MeasurementFields):
    version: int = 1  # the version this was read at; an edit sends it back
    id: int
    measure: str
    segment_id: int | None = None
    segment_name: str = ""  # "" for all customers


FEEDBACK_STATUSES = ("New", "Routed", "Acted on")
SENTIMENTS = ("Positive", "Neutral", "Negative")
FEEDBACK_CHANNELS = ("Phone", "Email", "Counter", "Visit", "Meeting", "Survey", "Web", "App", "Social media")
FEEDBACK_LABELS = {"text": "Feedback", "source": "Source", "channel": "Channel", "received_on": "Date",
                   "segment_id": "Segment", "persona_id": "Persona", "theme": "Theme", "sentiment": "Sentiment",
                   "routed_to": "Routed to", "status": "Status", "action_id": "Action", "response": "What was done",
                   "recorded_by": "Recorded by"}


class FeedbackBase(SQLModel):
    text: str = Field(sa_type=Text)
    source: str = Field(default="", max_length=120)
    channel: str = Field(default="", max_length=60)
    received_on: date
    sentiment: str = Field(default="Neutral", max_length=10)
    routed_to: str = Field(default="", max_length=120)
    status: str = Field(default="New", max_length=10)
    response: str = Field(default="", sa_type=Text)
    recorded_by: str = Field(default="", max_length=120)


class FeedbackCreate(FeedbackBase):
    """Segment, persona and action by id; the theme by name (shared with the insight log)."""
    model_config = ConfigDict(extra="forbid")
    segment_id: int | None = None
    persona_id: int | None = None
    action_id: int | None = None
    theme: str | None = None

    @field_validator("text", mode="before")
    @classmethod
    def _text(cls, v):
        text = clean_text(v, "Feedback")
        if not text:
            raise ValueError("Feedback is required: write what the customer said.")
        return text

    @field_validator("source", "routed_to", "recorded_by", mode="before")
    @classmethod
    def _short(cls, v, info):
        return re.sub(r"\s+", " ", clean_text(v, FEEDBACK_LABELS[info.field_name], max_length=120))

    @field_validator("channel", mode="before")
    @classmethod
    def _channel(cls, v):
        return re.sub(r"\s+", " ", clean_text(v, "Channel", max_length=60))

    @field_validator("received_on", mode="before")
    @classmethod
    def _on(cls, v):
        return required_date(v, "Date", "Date is required: the day the feedback was given.")

    @field_validator("sentiment", mode="before")
    @classmethod
    def _sentiment(cls, v):
        return required_choice(v, SENTIMENTS, "Sentiment", default="Neutral")

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, v):
        return required_choice(v, FEEDBACK_STATUSES, "Status", default="New")

    @field_validator("response", mode="before")
    @classmethod
    def _response(cls, v):
        return clean_text(v, "What was done")

    @field_validator("theme", mode="before")
    @classmethod
    def _theme(cls, v):
        if v is None or (isinstance(v, float) and v != v) or not str(v).strip():
            return None
        return clean_name(v, "Theme")

    @model_validator(mode="after")
    def _routing(self):
        if self.status != "New" and not self.routed_to:
            raise ValueError(f"Feedback that is '{self.status.lower()}' has been routed to someone: say to whom "
                             "(an owner or a department).")
        if self.status == "Acted on" and self.action_id is None and not self.response:
            raise ValueError("Feedback acted on says what was done: link the plan action it led to, or write "
                             "what was done.")
        return self


class FeedbackUpdate(SQLModel):
    model_config = ConfigDict(extra="forbid")
    text: str | None = None
    source: str | None = None
    channel: str | None = None
    received_on: date | str | None = None
    segment_id: int | None = None
    persona_id: int | None = None
    theme: str | None = None
    sentiment: str | None = None
    routed_to: str | None = None
    status: str | None = None
    action_id: int | None = None
    response: str | None = None
    recorded_by: str | None = None


def _fk_or_null(target: str) -> Column:
    return Column(Integer, ForeignKey(target, ondelete="SET NULL"), nullable=True, index=True)


class Feedback(FeedbackBase, Versioned, table=True):
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(sa_column=_fk("workspace.id"))
    segment_id: int | None = Field(default=None, sa_column=_fk_or_null("segment.id"))
    persona_id: int | None = Field(default=None, sa_column=_fk_or_null("persona.id"))
    theme_id: int | None = Field(default=None, sa_column=_fk_or_null("theme.id"))
    action_id: int | None = Field(default=None, sa_column=_fk_or_null("action.id"))
    status_changed_on: date | None = None  # when it was routed or acted on, for the 30-day rule


class FeedbackRead(FeedbackBase):
    version: int = 1  # the version this was read at; an edit sends it back
    id: int
    segment_id: int | None = None
    persona_id: int | None = None
    action_id: int | None = None
    theme: str | None = None
    segment_name: str = ""
    persona_name: str = ""
    action_title: str = ""
    status_changed_on: date | None = None
