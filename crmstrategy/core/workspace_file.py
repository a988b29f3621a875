"""What every step's sections of the workspace file share: checking rows, names and refs, each
problem named by its place in the file (crmstrategy.workspace.workspace_file is the entry point)."""

from __future__ import annotations

from typing import TypeGuard

from pydantic import ValidationError

from crmstrategy.core.errors import Problem, ValidationProblem, problems_from_pydantic
from crmstrategy.core.text import clean_name


def rows(
    problems: list[Problem],
    items: list[dict],
    where: str,
    model,
    labels: dict | None = None,
    pop: tuple[str, ...] = (),
    extra: dict | None = None,
):
    """Validate each item of a section; yields (index, popped values, model) for the good ones."""
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            problems.append(Problem(f"{where}[{n}]", "must be an object."))
            continue
        item = dict(item)
        popped = [item.pop(key, None) for key in pop]
        try:
            yield n, popped, model.model_validate(item | (extra or {}))
        except ValidationError as exc:
            problems.extend(
                Problem(at(f"{where}[{n}]", p.field), p.message) for p in problems_from_pydantic(exc, labels)
            )


def at(*parts: str) -> str:
    """A place in the file, e.g. "goals[2] › milestones[3] › Value"; a rule about a whole row
    (target equal to baseline) has no field, and gets no dangling separator."""
    return " › ".join(part for part in parts if part)


def placed(exc: ValidationProblem, where: str) -> list[Problem]:
    """A service's refusal of one row of the file, each problem named by the row's place."""
    return [Problem(at(where, p.field), p.message) for p in exc.problems]


def unknown_keys(problems: list[Problem], section: dict, known: set[str], where: str) -> None:
    """A section that is one object (the promise, the plan, the follow-up) may hold only its own keys."""
    for key in sorted(set(section) - known):
        problems.append(Problem(f"{where} › {key}", "is not a known field."))


def raise_problems(problems: list[Problem]) -> None:
    if problems:
        raise ValidationProblem(problems)


def known_ref(problems: list[Problem], value, where: str, known: set[str], what: str) -> str:
    ref = str(value or "")
    if ref not in known:
        problems.append(Problem(where, f"refers to {what} '{ref}', which is not in the file."))
    return ref


def optional_ref(problems: list[Problem], value, where: str, known: set[str], what: str) -> str | None:
    return None if value is None else known_ref(problems, value, where, known, what)


def as_list(problems: list[Problem], value, where: str) -> list:
    """A list of refs or ratings inside a row; anything else is a problem, not a crash."""
    if value is None:
        return []
    if not isinstance(value, list):
        problems.append(Problem(where, "must be a list."))
        return []
    return value


def collect_refs(problems: list[Problem], items: list, where: str) -> set[str]:
    """The refs a section defines, taken before its rows are validated, so that one bad row
    gives one message rather than one more for everything that refers to it."""
    seen: set[str] = set()
    for n, item in enumerate(items, start=1):
        ref = str(item.get("ref") or "") if isinstance(item, dict) else ""
        if not ref or ref in seen:
            problems.append(Problem(f"{where}[{n}] › ref", "is missing or used twice."))
        seen.add(ref)
    return seen


def refs_by_id(items: list, prefix: str) -> dict[int, str]:
    """The refs an export gives rows, by position: their database ids -> "S1", "S2"..."""
    return {item.id: f"{prefix}{n}" for n, item in enumerate(items, start=1)}


def positional_ref(item, prefix: str, n: int) -> str:
    """The ref of a goal or an action: its own, else by position (G1, A2), as files before version 7 had none."""
    return str((item.get("ref") if isinstance(item, dict) else None) or f"{prefix}{n}")


def positional_refs(items: list, prefix: str) -> set[str]:
    return {positional_ref(item, prefix, n) for n, item in enumerate(items, start=1)}


def ref_once(problems: list[Problem], ref: str, where: str, seen: set[str]) -> None:
    if ref in seen:
        problems.append(Problem(f"{where} › ref", f"'{ref}' is used twice: each needs a ref of its own."))
    seen.add(ref)


def names_once(problems: list[Problem], items: list[str], where: str) -> list[str]:
    """A list of names (value drivers, themes): each a valid name, each once."""
    seen: dict[str, str] = {}
    names = []
    for n, item in enumerate(items, start=1):
        try:
            name = clean_name(item, "Name")
        except ValueError as exc:
            problems.append(Problem(f"{where}[{n}]", str(exc)))
            continue
        check_name_once(problems, name, f"{where}[{n}]", seen)
        names.append(name)
    return names


def check_name_once(problems: list[Problem], name: str, where: str, seen: dict[str, str]) -> None:
    """Names are unique per workspace (ignoring case), so a file may use each name once."""
    if name.lower() in seen:
        problems.append(Problem(f"{where} › Name", f"'{name}' is already used by {seen[name.lower()]} in the file."))
    else:
        seen[name.lower()] = where


def whole_number(value) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1
