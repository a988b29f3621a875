"""One length limit per text field: text_limit (what a form's box gets as max_chars) is exactly what
the input model accepts, one character more is refused, and the column holds it."""

from __future__ import annotations

import importlib
import inspect
import re
from types import NoneType
from typing import Annotated, get_args

import pytest
from pydantic import BaseModel, Field, ValidationError

from crmstrategy.analysis.models import (
    ChannelIn,
    Factor,
    FactorCreate,
    InsightCreate,
    ParticipantCreate,
    PersonaChannel,
    PersonaCreate,
    ReadinessRatingIn,
    ReadinessStatementCreate,
    SegmentCreate,
    SegmentFactorIn,
    Theme,
    ValueDriverCreate,
)
from crmstrategy.core.fields import CleanName, CleanText, TextRule, text_limit
from crmstrategy.core.models import WorkspaceCreate
from crmstrategy.implementation.models import (
    ActionChange,
    ActionCreate,
    CustomerMeasurementCreate,
    FeedbackCreate,
    GoalMeasurementCreate,
    PlanReviewCreate,
    RoleImpactCreate,
)
from crmstrategy.strategy.models import GoalCreate, MapNodeCreate, PromiseVersionCreate, StrategyConstraintCreate

MODULES = (
    "crmstrategy.core.models",
    "crmstrategy.analysis.models",
    "crmstrategy.strategy.models",
    "crmstrategy.implementation.models",
)

# (model, field): (its limit, the length of its VARCHAR column; None for a TEXT column).
LIMITS: dict[tuple[type[BaseModel], str], tuple[int, int | None]] = {
    (WorkspaceCreate, "name"): (120, 200),
    (WorkspaceCreate, "description"): (4000, None),
    (ValueDriverCreate, "name"): (120, 120),
    (SegmentCreate, "name"): (120, 120),
    (SegmentCreate, "description"): (4000, None),
    (SegmentCreate, "defining_needs"): (4000, None),
    (SegmentCreate, "notes"): (4000, None),
    (SegmentCreate, "priority_rationale"): (4000, None),
    (ChannelIn, "channel"): (120, 120),
    (PersonaCreate, "name"): (120, 120),
    (PersonaCreate, "role_title"): (200, 200),
    (PersonaCreate, "goals"): (4000, None),
    (PersonaCreate, "needs"): (4000, None),
    (PersonaCreate, "pains"): (4000, None),
    (PersonaCreate, "motives"): (4000, None),
    (PersonaCreate, "buying_process"): (4000, None),
    (PersonaCreate, "touchpoints"): (4000, None),
    (PersonaCreate, "quote"): (4000, None),
    (InsightCreate, "text"): (4000, None),
    (InsightCreate, "recorded_by"): (120, 120),
    (InsightCreate, "theme"): (120, 120),
    (ParticipantCreate, "name"): (120, 120),
    (ParticipantCreate, "department"): (120, 120),
    (ParticipantCreate, "role"): (120, 120),
    (ReadinessStatementCreate, "text"): (300, None),
    (ReadinessStatementCreate, "why"): (1000, None),
    (ReadinessRatingIn, "note"): (1000, None),
    (FactorCreate, "name"): (120, 120),
    (FactorCreate, "description"): (1000, None),
    (SegmentFactorIn, "factor"): (120, 120),
    (MapNodeCreate, "name"): (120, 120),
    (MapNodeCreate, "description"): (4000, None),
    (MapNodeCreate, "owner"): (120, 120),
    (MapNodeCreate, "channel"): (120, 120),
    (StrategyConstraintCreate, "text"): (1000, None),
    (GoalCreate, "metric"): (120, 120),
    (GoalCreate, "unit"): (40, 40),
    (GoalCreate, "owner"): (120, 120),
    (PromiseVersionCreate, "delivers"): (400, None),
    (PromiseVersionCreate, "value"): (400, None),
    (PromiseVersionCreate, "perceived"): (400, None),
    (PromiseVersionCreate, "text"): (600, None),
    (PromiseVersionCreate, "author"): (120, 120),
    (PromiseVersionCreate, "note"): (300, 300),
    (ActionCreate, "title"): (120, 120),
    (ActionCreate, "description"): (4000, None),
    (ActionCreate, "department"): (120, 120),
    (ActionCreate, "owner"): (120, 120),
    (ActionCreate, "audience"): (200, 200),
    (ActionCreate, "notes"): (4000, None),
    (PlanReviewCreate, "reviewed_by"): (120, 120),
    (PlanReviewCreate, "changes"): (4000, None),
    (RoleImpactCreate, "audience"): (120, 120),
    (RoleImpactCreate, "means"): (4000, None),
    (RoleImpactCreate, "must_do"): (4000, None),
    (RoleImpactCreate, "do_differently"): (4000, None),
    (GoalMeasurementCreate, "note"): (300, 300),
    (GoalMeasurementCreate, "recorded_by"): (120, 120),
    (CustomerMeasurementCreate, "note"): (300, 300),
    (CustomerMeasurementCreate, "recorded_by"): (120, 120),
    (FeedbackCreate, "text"): (4000, None),
    (FeedbackCreate, "source"): (120, 120),
    (FeedbackCreate, "channel"): (60, 60),
    (FeedbackCreate, "routed_to"): (120, 120),
    (FeedbackCreate, "response"): (4000, None),
    (FeedbackCreate, "recorded_by"): (120, 120),
    (FeedbackCreate, "theme"): (120, 120),
    # The plan's history has no input model: the table's own marker says the "Your name" box's limit.
    (ActionChange, "changed_by"): (120, 120),
}

# The str fields of the input models that are not typed as free text: choices and codes, each held
# by its own rule (one of a list, a three-letter code, a standard key), so no text limit.
NOT_FREE_TEXT = {
    (WorkspaceCreate, "currency"),
    (SegmentCreate, "lifecycle_focus"),
    (SegmentCreate, "priority"),
    (ChannelIn, "kind"),
    (PersonaCreate, "decision_role"),
    (PersonaCreate, "desired_relationship"),
    (PersonaCreate, "lifecycle_stage"),
    (InsightCreate, "kind"),
    (InsightCreate, "source_type"),
    (ReadinessStatementCreate, "key"),
    (MapNodeCreate, "kind"),
    (MapNodeCreate, "lifecycle_stage"),
    (StrategyConstraintCreate, "kind"),
    (GoalCreate, "goal_type"),
    (GoalCreate, "measures"),
    (ActionCreate, "status"),
    (ActionCreate, "kind"),
    (CustomerMeasurementCreate, "measure"),
    (FeedbackCreate, "sentiment"),
    (FeedbackCreate, "status"),
}

# A valid input of each model, to which one field at a time is set to its limit (and one more).
BASE: dict[type[BaseModel], dict] = {
    WorkspaceCreate: {"name": "Nordvik"},
    ValueDriverCreate: {"name": "Price"},
    SegmentCreate: {"name": "Installers"},
    ChannelIn: {"kind": "Owned", "channel": "App"},
    PersonaCreate: {"name": "Kjetil", "segment_id": 1},
    InsightCreate: {"text": "Parts on site", "kind": "Need", "source_type": "Sales", "recorded_on": "2024-03-01"},
    ParticipantCreate: {"name": "Kari"},
    ReadinessStatementCreate: {"text": "CRM has an owner."},
    ReadinessRatingIn: {"statement_id": 1},
    FactorCreate: {"name": "Delivery"},
    SegmentFactorIn: {"factor": "Delivery", "weight": 1},
    MapNodeCreate: {"kind": "initiative", "name": "Counter app"},  # only initiatives have a channel
    StrategyConstraintCreate: {"kind": "Other", "text": "The ERP comes first."},
    GoalCreate: {"objective_id": 1, "metric": "Churn", "baseline": 10, "target": 8, "deadline": "2027-12-31"},
    PromiseVersionCreate: {"text": "Parts on site when the job needs them.", "author": "Kari"},
    ActionCreate: {"title": "Call the installers"},
    PlanReviewCreate: {"reviewed_on": "2024-03-01", "reviewed_by": "Kari"},
    RoleImpactCreate: {"audience": "Sales"},
    GoalMeasurementCreate: {"goal_id": 1, "measured_on": "2024-03-01", "value": 5},
    CustomerMeasurementCreate: {"measure": "NPS", "measured_on": "2024-03-01", "value": 5},
    FeedbackCreate: {"text": "The van came late.", "received_on": "2024-03-01"},
    ActionChange: {"workspace_id": 1, "action_id": 1, "field": "title"},
}

# Fields kept in a column of another name or table than the input model's own.
ELSEWHERE = {
    (ChannelIn, "channel"): (PersonaChannel, "channel"),
    (InsightCreate, "theme"): (Theme, "name"),
    (FeedbackCreate, "theme"): (Theme, "name"),
    (SegmentFactorIn, "factor"): (Factor, "name"),
}


def _input_models() -> list[type[BaseModel]]:
    found = []
    for name in MODULES:
        module = importlib.import_module(name)
        for cls in vars(module).values():
            if (
                inspect.isclass(cls)
                and issubclass(cls, BaseModel)
                and cls.__module__ == name
                and re.search(r"(Create|In)$", cls.__name__)
            ):
                found.append(cls)
    return found


def _tables() -> dict[str, type]:
    return {
        cls.__name__: cls
        for name in MODULES
        for cls in vars(importlib.import_module(name)).values()
        if inspect.isclass(cls) and getattr(cls, "__table__", None) is not None
    }


def _is_str(annotation) -> bool:
    return annotation is str or set(get_args(annotation)) == {str, NoneType}


def _has_text_rule(model: type[BaseModel], field: str) -> bool:
    return any(isinstance(m, TextRule) for m in model.model_fields[field].metadata)


def _column(model: type[BaseModel], field: str):
    table, name = ELSEWHERE.get((model, field), (None, field))
    if table is None:
        table = _tables()[re.sub(r"(Create|In)$", "", model.__name__)]
    return table.__table__.c[name]


def test_every_text_field_of_the_input_models_has_its_limit_in_the_table():
    with_rule = {(m, f) for m in _input_models() for f in m.model_fields if _has_text_rule(m, f)}
    assert with_rule == set(LIMITS) - {(ActionChange, "changed_by")}


def test_every_other_str_field_is_a_choice_or_a_code():
    plain = {
        (m, f)
        for m in _input_models()
        for f, info in m.model_fields.items()
        if _is_str(info.annotation) and not _has_text_rule(m, f)
    }
    assert plain == NOT_FREE_TEXT


@pytest.mark.parametrize(
    ("model", "field", "limit"),
    [(m, f, limit) for (m, f), (limit, _) in LIMITS.items()],
    ids=[f"{m.__name__}.{f}" for m, f in LIMITS],
)
def test_the_limit_is_what_the_model_accepts(model, field, limit):
    assert text_limit(model, field) == limit
    at_limit = "ø" + "x" * (limit - 1)
    assert getattr(model.model_validate(BASE[model] | {field: at_limit}), field) == at_limit
    with pytest.raises(ValidationError) as refused:
        model.model_validate(BASE[model] | {field: at_limit + "x"})
    [problem] = refused.value.errors()
    assert problem["loc"] == (field,)
    assert f"{limit + 1:,} characters" in problem["msg"]


@pytest.mark.parametrize(
    ("model", "field", "length"),
    [(m, f, length) for (m, f), (_, length) in LIMITS.items()],
    ids=[f"{m.__name__}.{f}" for m, f in LIMITS],
)
def test_the_column_holds_the_limit(model, field, length):
    column = _column(model, field)
    assert getattr(column.type, "length", None) == length
    if length is not None:
        assert text_limit(model, field) <= length


def test_a_max_length_beside_the_rule_is_the_limit_when_shorter():
    class Short(BaseModel):
        name: Annotated[str, CleanName("Name")] = Field(max_length=50)
        note: Annotated[str, CleanText("Note", 80)] = Field(default="", max_length=300)

    assert (text_limit(Short, "name"), text_limit(Short, "note")) == (50, 80)


def test_a_field_without_a_text_rule_has_no_known_limit():
    with pytest.raises(LookupError) as no_rule:
        text_limit(WorkspaceCreate, "currency")
    assert str(no_rule.value) == (
        "WorkspaceCreate.currency has no text rule (CleanName, CleanText, PersonName or TextRule), "
        "so its limit is not known."
    )
    with pytest.raises(LookupError) as no_field:
        text_limit(WorkspaceCreate, "colour")
    assert str(no_field.value) == "WorkspaceCreate has no field 'colour'."
