"""Validate input through a pydantic model and turn failures into ValidationProblem."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel, ValidationError

from crmstrategy.core.errors import ValidationProblem, problems_from_pydantic

M = TypeVar("M", bound=BaseModel)


def validated(
    model: type[M], data: BaseModel | dict, *, labels: dict[str, str] | None = None, row: int | None = None
) -> M:
    if isinstance(data, model):
        return data
    if isinstance(data, BaseModel):
        data = data.model_dump(exclude_unset=True)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ValidationProblem(problems_from_pydantic(exc, labels, row)) from None
