"""Strategy tables and input models: the strategy map (objectives to initiatives) and its links,
constraints, measurable goals and their milestones, the customer promise and its word lists.

One family per entity (Base, Create, Update, table, Read); validate through `...Create`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, field_validator, model_validator
from sqlalchemy import Column, DateTime, ForeignKey, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel
from sqlmodel._compat import SQLModelConfig  # the type of a SQLModel's model_config (see core.models)

from crmstrategy.analysis.models import LIFECYCLE_STAGES
from crmstrategy.core.fields import (
    CleanName,
    CleanText,
    Day,
    Number,
    OneOf,
    RequiredOneOf,
    Score,
    TextRule,
    as_utc,
)
from crmstrategy.core.models import _fk, utcnow
from crmstrategy.core.text import clean_text
from crmstrategy.core.versioning import Versioned
from crmstrategy.strategy.promise_checks import CHAR_CEILING, TERM_MAX

NODE_KINDS = ("strategy", "objective", "initiative", "enabler")


NODE_KIND_LABELS = {
    "strategy": "Company strategy",
    "objective": "CRM objective",
    "initiative": "Initiative",
    "enabler": "Enabler",
}


# The kinds as nouns inside a sentence, with their article
NODE_KIND_NOUNS = {
    "strategy": "company-strategy element",
    "objective": "CRM objective",
    "initiative": "initiative",
    "enabler": "enabler",
}


def with_article(noun: str) -> str:
    return ("an " if noun[:1].lower() in "aeiou" else "a ") + noun


# Which kind may point at which, and what the link means: the source supports (or enables) the target.
LINK_RULES = {
    ("objective", "strategy"): "supports",
    ("initiative", "objective"): "supports",
    ("enabler", "initiative"): "enables",
}


CONSTRAINT_KINDS = ("IT-platform order", "Market priorities", "Product portfolio", "Other")


CONSTRAINT_TEXT_MAX = 1000


MAP_NODE_LABELS = {
    "kind": "Kind",
    "name": "Name",
    "description": "Description",
    "owner": "Owner",
    "business_value": "Business value",
    "complexity": "Complexity",
    "time_effort": "Time",
    "cost": "Cost",
    "lifecycle_stage": "Lifecycle stage",
    "channel": "Channel",
}


INITIATIVE_ONLY = ("business_value", "complexity", "time_effort", "cost", "lifecycle_stage", "channel")


def _kind(value) -> str:
    if isinstance(value, str):
        for key, label in NODE_KIND_LABELS.items():
            if value.strip().lower() in (key, label.lower()):
                return key
    raise ValueError(f"Kind must be one of: {', '.join(NODE_KIND_LABELS.values())}.")


class MapNodeBase(SQLModel):
    kind: Annotated[str, BeforeValidator(_kind)] = Field(max_length=20)
    name: Annotated[str, CleanName("Name")] = Field(max_length=120)
    description: Annotated[str, CleanText("Description")] = Field(default="", sa_type=Text)
    owner: Annotated[str, CleanText("Owner", 120)] = Field(default="", max_length=120)
    business_value: Annotated[int | None, Score(MAP_NODE_LABELS["business_value"])] = None
    complexity: Annotated[int | None, Score(MAP_NODE_LABELS["complexity"])] = None
    time_effort: Annotated[int | None, Score(MAP_NODE_LABELS["time_effort"])] = None
    cost: Annotated[int | None, Score(MAP_NODE_LABELS["cost"])] = None
    lifecycle_stage: Annotated[str | None, OneOf(LIFECYCLE_STAGES, "Lifecycle stage")] = Field(
        default=None, max_length=20
    )
    channel: Annotated[str | None, CleanText("Channel", 120, none_if_blank=True)] = Field(default=None, max_length=120)


class MapNodeCreate(MapNodeBase):
    model_config = SQLModelConfig(extra="forbid")

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
    kind: Annotated[str, RequiredOneOf(CONSTRAINT_KINDS, "Kind of constraint")]
    text: Annotated[
        str,
        CleanText("Constraint", CONSTRAINT_TEXT_MAX, missing="Say what the company strategy requires or rules out."),
    ]
    node_ids: list[int] = []


class StrategyConstraint(Versioned, table=True):
    __tablename__ = "strategy_constraint"
    id: int | None = Field(default=None, primary_key=True)
    workspace_id: int = Field(sa_column=_fk("workspace.id"))
    kind: str = Field(max_length=30)
    text: str = Field(sa_type=Text)


class ConstraintNode(SQLModel, table=True):
    __tablename__ = "constraint_node"
    constraint_id: int = Field(
        sa_column=Column(Integer, ForeignKey("strategy_constraint.id", ondelete="CASCADE"), primary_key=True)
    )
    node_id: int = Field(
        sa_column=Column(Integer, ForeignKey("map_node.id", ondelete="CASCADE"), primary_key=True, index=True)
    )


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


GOAL_LABELS = {
    "objective_id": "Objective",
    "goal_type": "Result or process",
    "metric": "Metric",
    "unit": "Unit",
    "baseline": "Baseline",
    "target": "Target",
    "deadline": "Deadline",
    "owner": "Owner",
    "measures": "Measures value or activity",
    "baseline_on": "Baseline measured on",
}


class GoalBase(SQLModel):
    objective_id: int = Field(sa_column=_fk("map_node.id"))
    goal_type: Annotated[str, RequiredOneOf(GOAL_TYPES, "Result or process")] = Field(default="Result", max_length=10)
    metric: Annotated[str, CleanName("Metric")] = Field(max_length=120)
    unit: Annotated[str, CleanText(GOAL_LABELS["unit"], 40)] = Field(default="", max_length=40)
    baseline: Annotated[float, Number(GOAL_LABELS["baseline"])]
    target: Annotated[float, Number(GOAL_LABELS["target"])]
    deadline: date
    owner: Annotated[str, CleanText(GOAL_LABELS["owner"], 120)] = Field(default="", max_length=120)
    measures: Annotated[str, RequiredOneOf(GOAL_MEASURES, "Measures value or activity")] = Field(
        default="Value", max_length=10
    )
    baseline_on: Annotated[date | None, Day("Baseline measured on")] = (
        None  # when the baseline was measured: where the milestone path starts
    )


class GoalCreate(GoalBase):
    model_config = SQLModelConfig(extra="forbid")
    objective_id: int

    @field_validator("objective_id", mode="before")
    @classmethod
    def _objective(cls, v):
        if v is None or (isinstance(v, str) and not v.strip()):
            raise ValueError("Choose the objective the goal measures.")
        return v

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
            raise ValueError(
                "The target equals the baseline, so the goal asks for no change: set where you "
                "want to be by the deadline."
            )
        if self.baseline_on is not None and self.baseline_on >= self.deadline:
            raise ValueError(
                f"The baseline was measured on {self.baseline_on.isoformat()}, not before the deadline "
                f"{self.deadline.isoformat()}: the path to the target runs from the one to the other."
            )
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


PROMISE_PARTS = {
    "delivers": "What we deliver",
    "value": "How it creates value",
    "perceived": "How we want to be perceived",
}


PROMISE_LABELS = PROMISE_PARTS | {
    "text": "The promise",
    "author": "Author",
    "note": "What changed",
    "segment_ids": "Segments",
}


PROMISE_PART_MAX = 400


PROMISE_TEXT_MAX = 600


PROMISE_NOTE_MAX = 300


TERM_KINDS = ("buzzword", "jargon")


MAX_TERMS = 300


class PromiseVersionBase(SQLModel):
    delivers: Annotated[str, CleanText(PROMISE_PARTS["delivers"], PROMISE_PART_MAX)] = Field(default="", sa_type=Text)
    value: Annotated[str, CleanText(PROMISE_PARTS["value"], PROMISE_PART_MAX)] = Field(default="", sa_type=Text)
    perceived: Annotated[str, CleanText(PROMISE_PARTS["perceived"], PROMISE_PART_MAX)] = Field(default="", sa_type=Text)
    text: str = Field(sa_type=Text)
    author: str = Field(max_length=120)
    note: Annotated[str, CleanText("What changed", PROMISE_NOTE_MAX)] = Field(default="", max_length=PROMISE_NOTE_MAX)


def _promise_text(v: object) -> str:
    """The promise itself: required, and at most PROMISE_TEXT_MAX characters, said as what fits a card."""
    text = clean_text(v, "The promise", max_length=10**9)
    if not text:
        raise ValueError("Write the promise itself before saving: one or two sentences, with the parts beside it.")
    if len(text) > PROMISE_TEXT_MAX:
        raise ValueError(
            f"{len(text):,} characters is too long for a card: keep it to {PROMISE_TEXT_MAX} "
            f"(the suggested ceiling is {CHAR_CEILING}) and move the detail to the three parts."
        )
    return text


class PromiseVersionCreate(PromiseVersionBase):
    model_config = SQLModelConfig(extra="forbid")
    # Checked here, not on the base, so versions already saved are read as they are.
    text: Annotated[str, TextRule(_promise_text, max_length=PROMISE_TEXT_MAX)]
    author: Annotated[str, CleanName("Author", missing="Write your name, so the history shows who wrote each version.")]
    segment_ids: list[int] = []


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
    version_id: int = Field(
        sa_column=Column(Integer, ForeignKey("promise_version.id", ondelete="CASCADE"), primary_key=True)
    )
    segment_id: int = Field(
        sa_column=Column(Integer, ForeignKey("segment.id", ondelete="CASCADE"), primary_key=True, index=True)
    )


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
    term: str = Field(max_length=TERM_MAX)
    position: int = 0
