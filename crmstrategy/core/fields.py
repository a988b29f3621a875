"""Reusable field rules for the input models: what a name, a text, a choice, a score, a number or a
date must be, each an `Annotated` marker (`name: Annotated[str, CleanName("Segment name")]`), so a
model says a field's rule where it declares the field and the rules are written once; a text rule
also says its limit (text_limit), which the forms give their boxes."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from annotated_types import MaxLen
from pydantic import BaseModel, BeforeValidator

from crmstrategy.core.text import NAME_MAX, TEXT_MAX, clean_name, clean_text

# The largest goal or measured value accepted: past it, a number is a typing slip.
MAX_GOAL_VALUE = 1e12


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were written in UTC, so say so (PostgreSQL does)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def person_name(value: object, label: str) -> str:
    """Who did something ("changed by", "recorded by"): one line of at most NAME_MAX characters, ""
    for nobody; the same rule in the form, the service, the column and the workspace file."""
    name = re.sub(r"\s+", " ", clean_text(value, label, max_length=10**9))
    if len(name) > NAME_MAX:
        raise ValueError(f"{label} is {len(name):,} characters long; keep it to {NAME_MAX}.")
    return name


def not_a_flag(value: object, label: str) -> object:
    """A number must not be given as true or false: pydantic would read `true` as 1."""
    if isinstance(value, bool):
        raise ValueError(f"{label} must be a number, not {str(value).lower()}.")
    return value


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
        number = (
            float(str(v).strip().replace(",", ".").replace(" ", "").replace("\u00a0", "").removesuffix("%"))
            if isinstance(v, str)
            else float(v)
        )
    except (TypeError, ValueError):
        raise ValueError(f"{label} must be a number (got '{str(v).strip()[:30]}').") from None
    if number != number or abs(number) > MAX_GOAL_VALUE:
        raise ValueError(f"{label} must be a number of reasonable size.")
    return number


# --- The markers: `Annotated[type, Marker(...)]` on a field runs the rule before pydantic's own checks.


def _rule(check: Callable[[object], object]) -> BeforeValidator:
    return BeforeValidator(check)


@dataclass(frozen=True)
class TextRule(BeforeValidator):
    """The rule of a text field, which also says its limit: the most characters it lets through.
    The form's box reads it (text_limit) so the box, the service and the column say one number."""

    max_length: int = TEXT_MAX


def _blank(value: object) -> bool:
    """Nothing at all: None, a missing cell (NaN) or only white space."""
    return value is None or (isinstance(value, float) and value != value) or not str(value).strip()


def CleanName(  # noqa: N802  (read as a type in annotations)
    label: str, *, missing: str | None = None, none_if_blank: bool = False
) -> TextRule:
    """A required one-line name: spaces collapsed, at most NAME_MAX characters (clean_name);
    `missing` is the sentence for no name at all, `none_if_blank` gives None for it instead."""

    def check(v: object) -> str | None:
        if _blank(v):
            if none_if_blank:
                return None
            if missing is not None:
                raise ValueError(missing)
        return clean_name(v, label)

    return TextRule(check, max_length=NAME_MAX)


def CleanText(  # noqa: N802
    label: str,
    max_length: int = TEXT_MAX,
    *,
    one_line: bool = False,
    none_if_blank: bool = False,
    missing: str | None = None,
) -> TextRule:
    """Free text, "" for nothing (clean_text); `one_line` collapses every run of white space to
    one space (a name of a person or a department); `none_if_blank` gives None for nothing;
    `missing` makes the text required, with that sentence when there is none."""

    def check(v: object) -> str | None:
        text = clean_text(v, label, max_length=max_length)
        if one_line:
            text = re.sub(r"\s+", " ", text)
        if not text and missing is not None:
            raise ValueError(missing)
        return (text or None) if none_if_blank else text

    return TextRule(check, max_length=max_length)


def PersonName(label: str) -> TextRule:  # noqa: N802
    """Who did something, "" for nobody (person_name): at most NAME_MAX characters."""
    return TextRule(lambda v: person_name(v, label), max_length=NAME_MAX)


def text_limit(model: type[BaseModel], field: str) -> int:
    """The most characters `model` accepts in its text `field`: its text rule's limit (CleanName,
    CleanText, PersonName or a TextRule of its own), or a shorter max_length beside it. A form gives
    it to the field's box as max_chars, so the box never holds what the service refuses."""
    info = model.model_fields.get(field)
    if info is None:
        raise LookupError(f"{model.__name__} has no field '{field}'.")
    rules = [m.max_length for m in info.metadata if isinstance(m, TextRule)]
    if not rules:
        raise LookupError(
            f"{model.__name__}.{field} has no text rule (CleanName, CleanText, PersonName or TextRule), "
            "so its limit is not known."
        )
    return min(rules + [m.max_length for m in info.metadata if isinstance(m, MaxLen)])


def OneOf(options: tuple[str, ...], label: str) -> BeforeValidator:  # noqa: N802
    """One of `options`, or None for nothing (choice)."""
    return _rule(lambda v: choice(v, options, label))


def RequiredOneOf(options: tuple[str, ...], label: str, default: str | None = None) -> BeforeValidator:  # noqa: N802
    """One of `options`; `default` for nothing at all (required_choice)."""
    return _rule(lambda v: required_choice(v, options, label, default))


def Score(label: str) -> BeforeValidator:  # noqa: N802
    """A whole number from 1 to 5, or None (score_1_to_5)."""
    return _rule(lambda v: score_1_to_5(v, label))


def Number(label: str) -> BeforeValidator:  # noqa: N802
    """A required number of reasonable size, from a number or text such as "12,5" (number_value)."""
    return _rule(lambda v: number_value(v, label))


def Day(label: str) -> BeforeValidator:  # noqa: N802
    """A date from a date, a datetime or YYYY-MM-DD text; None for nothing (optional_date)."""
    return _rule(lambda v: optional_date(v, label))


def RequiredDay(label: str, missing: str) -> BeforeValidator:  # noqa: N802
    """A date, with `missing` as the sentence when there is none (required_date)."""
    return _rule(lambda v: required_date(v, label, missing))


def NotAFlag(label: str) -> BeforeValidator:  # noqa: N802
    """A number field that refuses true and false (not_a_flag); put it after the field's own rule."""
    return _rule(lambda v: not_a_flag(v, label))


InUTC = BeforeValidator(as_utc)
"""A moment in UTC (SQLite hands back naive datetimes)."""
