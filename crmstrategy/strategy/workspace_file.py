"""The strategy's sections of the workspace file: the strategy map (nodes, links, constraints),
the goals with their milestones, and the customer promise, each exported, validated and imported."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from crmstrategy.core.errors import Problem, ValidationProblem
from crmstrategy.core.fields import as_utc
from crmstrategy.core.workspace_file import (
    as_list,
    at,
    check_name_once,
    known_ref,
    positional_ref,
    raise_problems,
    ref_once,
    refs_by_id,
    rows,
    unknown_keys,
    whole_number,
)
from crmstrategy.strategy.goals import create_goal, list_goals, milestones_of, set_milestones
from crmstrategy.strategy.models import (
    GOAL_LABELS,
    MAP_NODE_LABELS,
    PROMISE_LABELS,
    GoalCreate,
    MapNodeCreate,
    PromiseVersionCreate,
    StrategyConstraintCreate,
)
from crmstrategy.strategy.promise import list_versions, parse_terms, promise_terms, save_version, seed_terms
from crmstrategy.strategy.strategy_map import (
    add_constraint,
    add_link,
    create_node,
    list_constraints,
    list_links,
    list_nodes,
)

_PROMISE_KEYS = {"buzzwords", "jargon", "current", "versions"}
_VERSION_FIELDS = {"number", "author", "delivers", "value", "perceived", "text", "note", "restored_from"}

# A parsed goal: (ref, objective's node ref, goal, [(due, value)] milestones as the file has them)
ParsedGoal = tuple[str, str, GoalCreate, list[tuple[object, object]]]


# --- export ----------------------------------------------------------------------------


def node_refs_by_id(session: Session, workspace_id: int) -> dict[int, str]:
    """The refs the file gives the map's nodes (N1, N2...), which the plan's actions refer to."""
    return refs_by_id(list_nodes(session=session, workspace_id=workspace_id), "N")


def goal_refs_by_id(session: Session, workspace_id: int) -> dict[int, str]:
    """The refs the file gives the goals (G1, G2...), which the measured values refer to."""
    return refs_by_id(list_goals(session=session, workspace_id=workspace_id), "G")


def export_strategy_map(session: Session, workspace_id: int) -> dict:
    """The map's sections: map_nodes, map_links and constraints."""
    nodes = list_nodes(session=session, workspace_id=workspace_id)
    refs = refs_by_id(nodes, "N")
    return {
        "map_nodes": [{"ref": refs[n.id]} | n.model_dump(include=set(MapNodeCreate.model_fields)) for n in nodes],
        "map_links": [[refs[s], refs[t]] for s, t in list_links(session=session, workspace_id=workspace_id)],
        "constraints": [
            {"kind": c.kind, "text": c.text, "nodes": [refs[n] for n in c.node_ids]}
            for c in list_constraints(session=session, workspace_id=workspace_id)
        ],
    }


def export_goals(session: Session, workspace_id: int) -> list[dict]:
    nodes = node_refs_by_id(session, workspace_id)
    refs = goal_refs_by_id(session, workspace_id)
    milestones = milestones_of(session=session, workspace_id=workspace_id)
    return [
        {"ref": refs[g.id], "objective": nodes[g.objective_id]}
        | g.model_dump(include=set(GoalCreate.model_fields) - {"objective_id"}, mode="json")
        | {"milestones": [{"due": d.isoformat(), "value": v} for d, v in milestones.get(g.id, [])]}
        for g in list_goals(session=session, workspace_id=workspace_id)
    ]


def export_promise(session: Session, workspace_id: int, segment_refs: dict[int, str]) -> dict:
    versions = list_versions(session=session, workspace_id=workspace_id)
    terms = promise_terms(session=session, workspace_id=workspace_id)
    return {
        "buzzwords": terms["buzzword"],
        "jargon": terms["jargon"],
        "current": next((v.number for v in versions if v.is_current), None),
        "versions": [
            v.model_dump(include=_VERSION_FIELDS)
            | {
                "created_at": v.created_at.isoformat(timespec="seconds"),
                "segments": [segment_refs[s] for s in v.segment_ids],
            }
            for v in versions
        ],
    }


# --- validate --------------------------------------------------------------------------
# Link kinds are checked again when the import adds the links, inside the same transaction.


def parse_map_nodes(problems: list[Problem], items: list[dict]) -> list[tuple[str, MapNodeCreate]]:
    nodes: list[tuple[str, MapNodeCreate]] = []
    names: dict[str, str] = {}
    for n, (ref,), node in rows(problems, items, "map_nodes", MapNodeCreate, MAP_NODE_LABELS, ("ref",)):
        check_name_once(problems, node.name, f"map_nodes[{n}]", names)
        nodes.append((str(ref), node))
    return nodes


def parse_map_links(problems: list[Problem], items: list, known: set[str]) -> list[tuple[str, str]]:
    """Each link a pair of node refs, numbered from 1 as the file has them."""
    links = []
    for n, link in enumerate(items, start=1):
        if not isinstance(link, list) or len(link) != 2:
            problems.append(Problem(f"map_links[{n}]", "must be a pair [supporting ref, supported ref]."))
            continue
        source = known_ref(problems, link[0], f"map_links[{n}]", known, "map node")
        target = known_ref(problems, link[1], f"map_links[{n}]", known, "map node")
        links.append((source, target))
    return links


def parse_constraints(
    problems: list[Problem], items: list[dict], known: set[str]
) -> list[tuple[StrategyConstraintCreate, list[str]]]:
    constraints = []
    for n, (nodes,), constraint in rows(problems, items, "constraints", StrategyConstraintCreate, None, ("nodes",)):
        constraints.append(
            (
                constraint,
                [
                    known_ref(problems, r, f"constraints[{n}] › nodes", known, "map node")
                    for r in as_list(problems, nodes, f"constraints[{n}] › nodes")
                ],
            )
        )
    return constraints


def parse_goals(
    problems: list[Problem], items: list[dict], known: set[str], nodes: list[tuple[str, MapNodeCreate]]
) -> list[ParsedGoal]:
    """Each goal with the objective it measures (a node that is an objective) and its milestones."""
    kinds = {ref: node.kind for ref, node in nodes}
    goals: list[ParsedGoal] = []
    refs: set[str] = set()
    for n, (goal_ref, objective, milestones), goal in rows(
        problems, items, "goals", GoalCreate, GOAL_LABELS, ("ref", "objective", "milestones"), {"objective_id": 0}
    ):
        ref_once(problems, positional_ref({"ref": goal_ref}, "G", n), f"goals[{n}]", refs)
        node = known_ref(problems, objective, f"goals[{n}] › objective", known, "map node")
        if node in kinds and kinds[node] != "objective":
            problems.append(Problem(f"goals[{n}] › objective", f"'{node}' is not an objective."))
        goals.append(
            (
                positional_ref({"ref": goal_ref}, "G", n),
                node,
                goal,
                _parse_milestones(problems, milestones, f"goals[{n}]"),
            )
        )
    return goals


def _parse_milestones(problems: list[Problem], milestones, where: str) -> list[tuple[object, object]]:
    """(due, value) pairs; set_milestones checks the values at import, numbering them as the file does."""
    items = []
    for m, item in enumerate(as_list(problems, milestones, f"{where} › milestones"), start=1):
        if not isinstance(item, dict) or set(item) != {"due", "value"}:
            problems.append(Problem(f"{where} › milestones[{m}]", "must be an object with due and value."))
            continue
        items.append((item["due"], item["value"]))
    return items


def parse_promise(problems: list[Problem], section: dict | None, segment_refs: set[str]) -> tuple | None:
    """The word lists and the versions; numbers are kept, so 'restored from version 2' still holds.
    None (a file from before version 5): the default word lists apply."""
    if section is None:
        return None
    unknown_keys(problems, section, _PROMISE_KEYS, "promise")
    buzzwords = _parse_terms(problems, section, "buzzwords")
    jargon = _parse_terms(problems, section, "jargon")
    items = as_list(problems, section.get("versions"), "promise › versions")
    # Every number first, so a version may restore one listed after it in the file.
    numbers: set[int] = set()
    for item in items:
        number = item.get("number") if isinstance(item, dict) else None
        if whole_number(number):
            numbers.add(number)
    versions = _parse_versions(problems, items, numbers, segment_refs)
    current = section.get("current")
    if current is not None and not (whole_number(current) and current in numbers):
        problems.append(
            Problem("promise › current", f"refers to version {str(current)[:20]}, which is not in the file.")
        )
    return buzzwords, jargon, versions, current


def _parse_terms(problems: list[Problem], section: dict, key: str) -> list[str]:
    try:
        return parse_terms(as_list(problems, section.get(key), f"promise › {key}"))
    except ValidationProblem as exc:
        problems.extend(
            Problem(at(f"promise › {key}[{p.row}]" if p.row else f"promise › {key}"), p.message) for p in exc.problems
        )
        return []


def _parse_versions(problems: list[Problem], items: list, numbers: set[int], segment_refs: set[str]) -> list[tuple]:
    """(number, version, created at, restored from, segment refs) for each version."""
    versions, seen = [], set()
    for n, (number, created_at, restored_from, segments), version in rows(
        problems,
        items,
        "promise › versions",
        PromiseVersionCreate,
        PROMISE_LABELS,
        ("number", "created_at", "restored_from", "segments"),
    ):
        where = f"promise › versions[{n}]"
        if not whole_number(number) or number in seen:
            problems.append(Problem(f"{where} › number", "must be a whole number from 1, once per version."))
        else:
            seen.add(number)
            if restored_from is not None and not (
                whole_number(restored_from) and restored_from in numbers and restored_from < number
            ):
                problems.append(Problem(f"{where} › restored_from", "must be the number of an earlier version."))
        when = _created_at(problems, created_at, where)
        refs = [
            known_ref(problems, r, f"{where} › segments", segment_refs, "segment")
            for r in as_list(problems, segments, f"{where} › segments")
        ]
        versions.append((number, version, when, restored_from, refs))
    return versions


def _created_at(problems: list[Problem], value, where: str) -> datetime | None:
    try:
        when = datetime.fromisoformat(str(value)) if value else None
    except ValueError:
        problems.append(Problem(f"{where} › created_at", f"'{str(value)[:30]}' is not a date and time."))
        return None
    return None if when is None else as_utc(when)  # stored in UTC: SQLite keeps no offset


# --- import ----------------------------------------------------------------------------


def import_strategy_map(
    session: Session,
    ws: int,
    nodes: list[tuple[str, MapNodeCreate]],
    links: list[tuple[str, str]],
    goals: list[ParsedGoal],
    constraints: list[tuple[StrategyConstraintCreate, list[str]]],
) -> tuple[dict[str, int], dict[str, int]]:
    """Nodes, links, goals and constraints; returns the file's node and goal refs -> the new ids.
    A link the map refuses and a goal refused are reported together."""
    node_ids = import_map_nodes(session, ws, nodes)
    problems: list[Problem] = []
    import_map_links(session, ws, links, node_ids, problems)
    goal_ids = import_goals(session, ws, goals, node_ids, problems)
    raise_problems(problems)
    import_constraints(session, ws, constraints, node_ids)
    return node_ids, goal_ids


def import_map_nodes(session: Session, ws: int, nodes: list[tuple[str, MapNodeCreate]]) -> dict[str, int]:
    return {ref: create_node(session=session, workspace_id=ws, data=node).id for ref, node in nodes}


def import_map_links(
    session: Session, ws: int, links: list[tuple[str, str]], node_ids: dict[str, int], problems: list[Problem]
) -> None:
    for n, (source, target) in enumerate(links, start=1):
        try:
            add_link(session=session, workspace_id=ws, source_id=node_ids[source], target_id=node_ids[target])
        except ValidationProblem as exc:
            problems.extend(Problem(f"map_links[{n}]", p.message) for p in exc.problems)


def import_goals(
    session: Session, ws: int, goals: list[ParsedGoal], node_ids: dict[str, int], problems: list[Problem]
) -> dict[str, int]:
    """Returns the file's goal refs -> the new ids."""
    goal_ids: dict[str, int] = {}
    for n, (ref, goal_ref, goal, milestones) in enumerate(goals, start=1):
        try:
            # A file may hold goals whose deadline has passed since it was exported.
            created = create_goal(
                session=session,
                workspace_id=ws,
                allow_past_deadline=True,
                data=goal.model_copy(update={"objective_id": node_ids[goal_ref]}),
            )
            goal_ids[ref] = created.id
            if milestones:
                set_milestones(session=session, workspace_id=ws, goal_id=created.id, milestones=milestones)
        except ValidationProblem as exc:  # set_milestones numbers the milestones from 1, as the file does
            problems.extend(
                Problem(at(f"goals[{n}]", "" if p.row is None else f"milestones[{p.row}]", p.field), p.message)
                for p in exc.problems
            )
    return goal_ids


def import_constraints(
    session: Session, ws: int, constraints: list[tuple[StrategyConstraintCreate, list[str]]], node_ids: dict[str, int]
) -> None:
    for constraint, refs in constraints:
        add_constraint(
            session=session,
            workspace_id=ws,
            data=constraint.model_copy(update={"node_ids": [node_ids[r] for r in refs]}),
        )


def import_promise(session: Session, ws: int, promise: tuple | None, segment_ids: dict[str, int]) -> None:
    if promise is None:
        seed_terms(session, ws)
        return
    buzzwords, jargon, versions, current = promise
    seed_terms(session, ws, {"buzzword": buzzwords, "jargon": jargon})
    # Numbers are given by position, so a file numbered 1, 2, 5 gets 1, 2, 3; the references follow.
    new_number: dict[int, int] = {}
    for position, (number, version, created_at, restored_from, refs) in enumerate(
        sorted(versions, key=lambda v: v[0]), start=1
    ):
        new_number[number] = position
        save_version(
            session=session,
            workspace_id=ws,
            created_at=created_at,
            make_current=number == current,
            restored_from=new_number.get(restored_from),
            data=version.model_copy(update={"segment_ids": [segment_ids[r] for r in refs]}),
        )
