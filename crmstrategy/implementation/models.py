"""Implementation tables and input models: plan actions and their change history, plan reviews,
step participation, role impacts, measurements and the feedback log.

One family per entity (Base, Create, Update, table, Read); validate through `...Create`."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, field_validator, model_validator
from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel
from sqlmodel._compat import SQLModelConfig  # the type of a SQLModel's model_config (see core.models)

from crmstrategy.core.fields import (
    CleanName,
    CleanText,
    Day,
    Number,
    PersonName,
    RequiredDay,
    RequiredOneOf,
    as_utc,
    required_choice,
)
from crmstrategy.core.models import _fk, _fk_or_null, utcnow
from crmstrategy.core.versioning import Versioned

ACTION_KINDS = ("Task", "Communication")


METHOD_STEPS = ("Analysis", "Strategy", "Implementation")


ACTION_LABELS = {
    "title": "Title",
    "description": "Description",
    "department": "Department",
    "owner": "Owner",
    "horizon": "Horizon",
    "start_date": "Start",
    "due_date": "Due",
    "status": "Status",
    "kind": "Kind",
    "audience": "Who is told",
    "notes": "Notes",
    "initiative_ids": "Initiatives",
}


class ActionBase(SQLModel):
    title: Annotated[str, CleanName("Title")] = Field(max_length=120)
    description: Annotated[str, CleanText(ACTION_LABELS["description"])] = Field(default="", sa_type=Text)
    department: Annotated[str, CleanText(ACTION_LABELS["department"], 120, one_line=True)] = Field(
        default="", max_length=120
    )
    owner: Annotated[str, CleanText(ACTION_LABELS["owner"], 120, one_line=True)] = Field(default="", max_length=120)
    horizon: int | None = None  # set by hand; with a due date the dates decide (plan_rules)
    start_date: Annotated[date | None, Day(ACTION_LABELS["start_date"])] = None
    due_date: Annotated[date | None, Day(ACTION_LABELS["due_date"])] = None
    status: str = Field(default="Not started", max_length=20)
    kind: Annotated[str, RequiredOneOf(ACTION_KINDS, "Kind", default="Task")] = Field(default="Task", max_length=20)
    audience: Annotated[str, CleanText("Who is told", 200)] = Field(default="", max_length=200)
    notes: Annotated[str, CleanText(ACTION_LABELS["notes"])] = Field(default="", sa_type=Text)


class ActionCreate(ActionBase):
    model_config = SQLModelConfig(extra="forbid")
    initiative_ids: list[int] = []

    @field_validator("status", mode="before")
    @classmethod
    def _status(cls, v):
        from crmstrategy.implementation.plan_rules import STATUSES

        return required_choice(v, STATUSES, "Status", default="Not started")

    @field_validator("horizon", mode="before")
    @classmethod
    def _horizon(cls, v):
        from crmstrategy.implementation.plan_rules import HORIZONS

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

    @field_validator("due_date", mode="after")
    @classmethod
    def _after_start(cls, v, info):
        start = info.data.get("start_date")  # declared before due_date, so already checked
        if start and v and v < start:
            raise ValueError(
                f"The due date {v.isoformat()} is before the start {start.isoformat()}: an action "
                "cannot end before it begins."
            )
        return v


class ActionUpdate(SQLModel):
    model_config = SQLModelConfig(extra="forbid")
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
    node_id: int = Field(
        sa_column=Column(Integer, ForeignKey("map_node.id", ondelete="CASCADE"), primary_key=True, index=True)
    )


class ActionRead(ActionBase):
    version: int = 1  # the version this was read at; an edit sends it back
    id: int
    workspace_id: int
    initiative_ids: list[int] = []
    initiative_names: list[str] = []
    shown_horizon: int | None = None  # from the due date, else as set by hand
    beyond_plan: bool = False  # due more than 12 months after the plan's start


class ActionChange(SQLModel, table=True):
    """One changed field of an action: who, when, from what to what (the plan's memory)."""

    __tablename__ = "action_change"
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(sa_column=_fk("workspace.id"))
    action_id: int = Field(sa_column=_fk("action.id"))
    changed_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    # A table does not validate what it is given: the history's rule runs before (plan._who); the marker
    # says that rule and its limit where the form's box can read them.
    changed_by: Annotated[str, PersonName("Your name")] = Field(default="", max_length=120)
    field: str = Field(max_length=40)
    old: str = Field(default="", sa_type=Text)
    new: str = Field(default="", sa_type=Text)


class PlanReviewCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reviewed_on: Annotated[date, RequiredDay("Reviewed on", "Say on which day the plan was reviewed.")]
    reviewed_by: Annotated[str, CleanName("Reviewed by")]
    changes: Annotated[str, CleanText("What changed")] = ""


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
    participant_id: int = Field(
        sa_column=Column(Integer, ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True)
    )
    step: str = Field(sa_column=Column(String(20), primary_key=True))


ROLE_IMPACT_LABELS = {
    "audience": "Role or department",
    "means": "What the strategy means for them",
    "must_do": "What they must do",
    "do_differently": "What they must do differently",
}


class RoleImpactBase(SQLModel):
    audience: Annotated[str, CleanName("Role or department")] = Field(max_length=120)
    means: Annotated[str, CleanText(ROLE_IMPACT_LABELS["means"])] = Field(default="", sa_type=Text)
    must_do: Annotated[str, CleanText(ROLE_IMPACT_LABELS["must_do"])] = Field(default="", sa_type=Text)
    do_differently: Annotated[str, CleanText(ROLE_IMPACT_LABELS["do_differently"])] = Field(default="", sa_type=Text)


class RoleImpactCreate(RoleImpactBase):
    model_config = SQLModelConfig(extra="forbid")


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


# What each customer measure is, and the values it can take (a satisfaction score may be on a
# 1-5, 1-10 or 0-100 scale, so it is only kept within 0-100).
CUSTOMER_MEASURES = {
    "Satisfaction": ("score", 0.0, 100.0),
    "NPS": ("NPS, -100 to 100", -100.0, 100.0),
    "Loyalty": ("% returning customers", 0.0, 100.0),
    "Churn": ("% of customers lost", 0.0, 100.0),
    "Conversion": ("% of offers won", 0.0, 100.0),
}


MEASUREMENT_LABELS = {
    "goal_id": "Goal",
    "measure": "Measure",
    "segment_id": "Segment",
    "measured_on": "Date",
    "value": "Value",
    "note": "Note",
    "recorded_by": "Recorded by",
}


MEASUREMENT_NOTE_MAX = 300


class MeasurementFields(SQLModel):
    measured_on: Annotated[date, RequiredDay("Date", "Date is required: the day the value was measured.")]
    value: Annotated[float, Number("Value")]
    note: Annotated[str, CleanText("Note", MEASUREMENT_NOTE_MAX)] = Field(default="", max_length=MEASUREMENT_NOTE_MAX)
    recorded_by: Annotated[str, CleanText("Recorded by", 120, one_line=True)] = Field(default="", max_length=120)


class GoalMeasurementCreate(MeasurementFields):
    model_config = SQLModelConfig(extra="forbid")
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

    model_config = SQLModelConfig(extra="forbid")
    measure: Annotated[str, RequiredOneOf(tuple(CUSTOMER_MEASURES), "Measure")]
    segment_id: int | None = None

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


FEEDBACK_LABELS = {
    "text": "Feedback",
    "source": "Source",
    "channel": "Channel",
    "received_on": "Date",
    "segment_id": "Segment",
    "persona_id": "Persona",
    "theme": "Theme",
    "sentiment": "Sentiment",
    "routed_to": "Routed to",
    "status": "Status",
    "action_id": "Action",
    "response": "What was done",
    "recorded_by": "Recorded by",
}


class FeedbackBase(SQLModel):
    text: str = Field(sa_type=Text)
    source: Annotated[str, CleanText(FEEDBACK_LABELS["source"], 120, one_line=True)] = Field(default="", max_length=120)
    channel: Annotated[str, CleanText("Channel", 60, one_line=True)] = Field(default="", max_length=60)
    received_on: Annotated[date, RequiredDay("Date", "Date is required: the day the feedback was given.")]
    sentiment: Annotated[str, RequiredOneOf(SENTIMENTS, "Sentiment", default="Neutral")] = Field(
        default="Neutral", max_length=10
    )
    routed_to: Annotated[str, CleanText(FEEDBACK_LABELS["routed_to"], 120, one_line=True)] = Field(
        default="", max_length=120
    )
    status: Annotated[str, RequiredOneOf(FEEDBACK_STATUSES, "Status", default="New")] = Field(
        default="New", max_length=10
    )
    response: Annotated[str, CleanText("What was done")] = Field(default="", sa_type=Text)
    recorded_by: Annotated[str, CleanText(FEEDBACK_LABELS["recorded_by"], 120, one_line=True)] = Field(
        default="", max_length=120
    )


class FeedbackCreate(FeedbackBase):
    """Segment, persona and action by id; the theme by name (shared with the insight log)."""

    model_config = SQLModelConfig(extra="forbid")
    text: Annotated[str, CleanText("Feedback", missing="Feedback is required: write what the customer said.")]
    segment_id: int | None = None
    persona_id: int | None = None
    action_id: int | None = None
    theme: Annotated[str | None, CleanName("Theme", none_if_blank=True)] = None

    @model_validator(mode="after")
    def _routing(self):
        if self.status != "New" and not self.routed_to:
            raise ValueError(
                f"Feedback that is '{self.status.lower()}' has been routed to someone: say to whom "
                "(an owner or a department)."
            )
        if self.status == "Acted on" and self.action_id is None and not self.response:
            raise ValueError(
                "Feedback acted on says what was done: link the plan action it led to, or write what was done."
            )
        return self


class FeedbackUpdate(SQLModel):
    model_config = SQLModelConfig(extra="forbid")
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
