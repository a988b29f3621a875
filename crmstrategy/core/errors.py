"""The one error type a user ever sees: a list of problems, each naming the field (and row)."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError
from pydantic_core import ErrorDetails


@dataclass(frozen=True)
class Problem:
    field: str
    message: str
    row: int | None = None  # 1-based row in a table or file, when there is one

    def __str__(self) -> str:
        where = f"Row {self.row}, " if self.row is not None else ""
        field = f"{self.field}: " if self.field else ""
        return f"{where}{field}{self.message}"


class ValidationProblem(Exception):
    """Raised by services when input is refused; nothing has been written."""

    def __init__(self, problems: list[Problem] | str):
        if isinstance(problems, str):
            problems = [Problem("", problems)]
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


def problems_from_pydantic(
    exc: ValidationError, labels: dict[str, str] | None = None, row: int | None = None
) -> list[Problem]:
    """Turn pydantic's errors into sentences a workshop participant understands."""
    labels = labels or {}
    problems = []
    for error in exc.errors():
        # An item of a list is counted from one, as people count (pydantic counts from zero).
        loc = [str(part + 1) if isinstance(part, int) else str(part) for part in error.get("loc", ())]
        field = labels.get(loc[0], loc[0].replace("_", " ").capitalize()) if loc else ""
        if len(loc) > 1:
            field = f"{field} ({' › '.join(loc[1:])})"
        problems.append(Problem(field, _sentence(error), row))
    return problems


def _sentence(error: ErrorDetails) -> str:
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind == "value_error":
        return str(ctx.get("error", error.get("msg", "")))
    if kind in ("int_parsing", "float_parsing", "int_type", "float_type", "int_from_float"):
        return "must be a number" + (" without decimals" if kind.startswith("int") else "") + "."
    if kind in ("greater_than_equal", "greater_than"):
        return f"must be at least {_num(ctx.get('ge', ctx.get('gt')))}."
    if kind in ("less_than_equal", "less_than"):
        return f"must be at most {_num(ctx.get('le', ctx.get('lt')))}."
    if kind == "missing":
        return "is required."
    if kind == "extra_forbidden":
        return "is not a known field."
    if kind == "string_unicode":
        return "holds half of an emoji or symbol (a broken paste), which cannot be saved; type it again."
    if kind in ("string_type", "list_type", "dict_type", "model_type"):
        return "has the wrong type."
    if kind == "literal_error" or kind == "enum":
        return f"must be one of: {ctx.get('expected', '')}."
    return error.get("msg", "is not valid.")


def _num(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, (int, float)) else str(value)


class DatabaseNotWritable(ValidationProblem):
    """A save the database itself refused (read-only, locked, disk full): the message says why and
    that nothing was saved, so it is shown as it is, without the usual "Nothing was saved:" before it."""
