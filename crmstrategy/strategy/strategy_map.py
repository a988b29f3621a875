"""Strategy-map services (advice 3-5): nodes, links, company-strategy constraints, measurable goals
and their milestones. Rules, questions and layout come from crmstrategy.strategy_graph."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

import networkx as nx
from sqlalchemy import delete, func, or_
from sqlmodel import Session, select

from crmstrategy.core import clock
from crmstrategy.core.errors import Problem, ValidationProblem
from crmstrategy.core.validation import validated
from crmstrategy.core.versioning import bump, check_versions
from crmstrategy.core.writing import require_in_workspace, require_workspace, touch_workspace
from crmstrategy.strategy.milestones import MilestoneError, generate, is_long_term
from crmstrategy.strategy.models import (
    GOAL_LABELS,
    MAP_NODE_LABELS,
    NODE_KIND_NOUNS,
    ConstraintNode,
    Goal,
    GoalCreate,
    GoalRead,
    GoalUpdate,
    MapLink,
    MapNode,
    MapNodeCreate,
    MapNodeRead,
    MapNodeUpdate,
    Milestone,
    StrategyConstraint,
    StrategyConstraintCreate,
    StrategyConstraintRead,
    with_article,
)
from crmstrategy.strategy.strategy_graph import (
    Breach,
    NodeInfo,
    build_graph,
    check_rules,
    layered_layout,
    link_problem,
)

# --- nodes ------------------------------------------------------------------------------

def list_nodes(*, session: Session, workspace_id: int) -> list[MapNodeRead]:
    rows = session.exec(select(MapNode).where(MapNode.workspace_id == workspace_id)
                        .order_by(MapNode.position, MapNode.id)).all()
    return [MapNodeRead.model_validate(row, from_attributes=True) for row in rows]


def _check_unique_name(session: Session, workspace_id: int, name: str, exclude_id: int | None) -> None:
    # Compared in Python: SQL lower() folds only ASCII on SQLite, so 'Øke' and 'øke' would differ.
    for other_id, other in session.exec(select(MapNode.id, MapNode.name).where(MapNode.workspace_id == workspace_id)):
        if other_id != exclude_id and other.lower() == name.lower():
            raise ValidationProblem([Problem("Name", f"'{name}' is already on the map; give each element its own "
                                             "name.")])


def create_node(*, session: Session, workspace_id: int, data: MapNodeCreate | dict) -> MapNodeRead:
    require_workspace(session, workspace_id, for_update=True)
    clean = validated(MapNodeCreate, data, labels=MAP_NODE_LABELS)
    _check_unique_name(session, workspace_id, clean.name, None)
    position = session.exec(select(func.coalesce(func.max(MapNode.position), -1))
                            .where(MapNode.workspace_id == workspace_id)).one() + 1
    row = MapNode.model_validate(clean.model_dump() | {"workspace_id": workspace_id, "position": position})
    session.add(row)
    session.flush()
    touch_workspace(session, workspace_id)
    return MapNodeRead.model_validate(row, from_attributes=True)


def update_node(*, session: Session, workspace_id: int, node_id: int, changes: MapNodeUpdate | dict,
                version: int) -> MapNodeRead:
    """Rename or edit a node; its kind stays (the links depend on it). `version`: the one the form
    was drawn from."""
    require_workspace(session, workspace_id, for_update=True)
    row = require_in_workspace(session, MapNode, node_id, workspace_id, "element of the map", version=version,
                               labels={"name": "Name", "description": "Description", "owner": "Owner"})
    update = validated(MapNodeUpdate, changes, labels=MAP_NODE_LABELS)
    clean = validated(MapNodeCreate, row.model_dump(include=set(MapNodeCreate.model_fields))
                      | update.model_dump(exclude_unset=True), labels=MAP_NODE_LABELS)
    _check_unique_name(session, workspace_id, clean.name, node_id)
    for key, value in clean.model_dump().items():
        setattr(row, key, value)
    bump(row)
    session.add(row)
    session.flush()
    touch_workspace(session, workspace_id)
    return MapNodeRead.model_validate(row, from_attributes=True)


@dataclass(frozen=True)
class DeletionImpact:
    node: MapNodeRead
    links: list[str]        # "Initiative A → Objective B", the links that go with it
    goals: list[str]        # the goals (of an objective) that go with it
    constraints: list[str]  # constraints that lose this node (they stay)


def deletion_impact(*, session: Session, workspace_id: int, node_id: int) -> DeletionImpact:
    row = require_in_workspace(session, MapNode, node_id, workspace_id, "element of the map")
    names = dict(session.exec(select(MapNode.id, MapNode.name).where(MapNode.workspace_id == workspace_id)).all())
    links = session.exec(select(MapLink).where(or_(MapLink.source_id == node_id, MapLink.target_id == node_id))).all()
    goals = session.exec(select(Goal.metric).where(Goal.objective_id == node_id)).all()
    constraints = session.exec(select(StrategyConstraint.text).join(
        ConstraintNode, ConstraintNode.constraint_id == StrategyConstraint.id).where(ConstraintNode.node_id == node_id)).all()
    return DeletionImpact(MapNodeRead.model_validate(row, from_attributes=True),
                          sorted(f"{names[link.source_id]} → {names[link.target_id]}" for link in links),
                          list(goals), list(constraints))


def delete_node(*, session: Session, workspace_id: int, node_id: int, version: int | None = None) -> DeletionImpact:
    """Delete a node with its links and goals (the page shows deletion_impact and asks first);
    with `version`, only as it was when drawn."""
    require_workspace(session, workspace_id, for_update=True)
    require_in_workspace(session, MapNode, node_id, workspace_id, "element of the map", version=version)
    impact = deletion_impact(session=session, workspace_id=workspace_id, node_id=node_id)
    goal_ids = session.exec(select(Goal.id).where(Goal.objective_id == node_id)).all()
    if goal_ids:
        session.exec(delete(Milestone).where(Milestone.goal_id.in_(goal_ids)))
        session.exec(delete(Goal).where(Goal.id.in_(goal_ids)))
    session.exec(delete(MapLink).where(or_(MapLink.source_id == node_id, MapLink.target_id == node_id)))
    session.exec(delete(ConstraintNode).where(ConstraintNode.node_id == node_id))
    session.delete(session.get(MapNode, node_id))
    session.flush()
    touch_workspace(session, workspace_id)
    return impact


# --- links ------------------------------------------------------------------------------

def list_links(*, session: Session, workspace_id: int) -> list[tuple[int, int]]:
    return [(link.source_id, link.target_id) for link in session.exec(
        select(MapLink).where(MapLink.workspace_id == workspace_id).order_by(MapLink.id)).all()]


def add_link(*, session: Session, workspace_id: int, source_id: int, target_id: int) -> tuple[int, int]:
    """Link a supporting node to the node it supports (the kinds decide which way is allowed)."""
    require_workspace(session, workspace_id, for_update=True)
    if source_id is None or target_id is None:
        raise ValidationProblem([Problem("Link", "Choose both ends of the link.")])
    source = require_in_workspace(session, MapNode, source_id, workspace_id, "element of the map")
    target = require_in_workspace(session, MapNode, target_id, workspace_id, "element of the map")
    problem = link_problem(source.kind, target.kind, source_id, target_id,
                           set(list_links(session=session, workspace_id=workspace_id)))
    if problem:
        raise ValidationProblem([Problem("Link", problem)])
    session.add(MapLink(workspace_id=workspace_id, source_id=source_id, target_id=target_id))
    session.flush()
    touch_workspace(session, workspace_id)
    return source_id, target_id


def remove_link(*, session: Session, workspace_id: int, source_id: int, target_id: int) -> tuple[int, int]:
    """Remove a link; returns it (so the page can tell success from a refusal)."""
    require_workspace(session, workspace_id, for_update=True)
    row = session.exec(select(MapLink).where(MapLink.workspace_id == workspace_id, MapLink.source_id == source_id,
                                             MapLink.target_id == target_id)).first()
    if row is None:
        raise ValidationProblem([Problem("Link", "That link is not on the map any more; reload the page.")])
    session.delete(row)
    session.flush()
    touch_workspace(session, workspace_id)
    return source_id, target_id


# --- constraints from the company strategy ----------------------------------------------

def list_constraints(*, session: Session, workspace_id: int) -> list[StrategyConstraintRead]:
    rows = session.exec(select(StrategyConstraint).where(StrategyConstraint.workspace_id == workspace_id)
                        .order_by(StrategyConstraint.id)).all()
    nodes: dict[int, list[int]] = defaultdict(list)
    if rows:
        for constraint_id, node_id in session.exec(select(ConstraintNode.constraint_id, ConstraintNode.node_id).where(
                ConstraintNode.constraint_id.in_([r.id for r in rows]))).all():
            nodes[constraint_id].append(node_id)
    return [StrategyConstraintRead(id=r.id, kind=r.kind, text=r.text, node_ids=sorted(nodes[r.id])) for r in rows]


def add_constraint(*, session: Session, workspace_id: int, data: StrategyConstraintCreate | dict) -> StrategyConstraintRead:
    require_workspace(session, workspace_id, for_update=True)
    clean = validated(StrategyConstraintCreate, data, labels={"kind": "Kind", "text": "Constraint",
                                                              "node_ids": "Elements"})
    for node_id in clean.node_ids:
        require_in_workspace(session, MapNode, node_id, workspace_id, "element of the map")
    row = StrategyConstraint(workspace_id=workspace_id, kind=clean.kind, text=clean.text)
    session.add(row)
    session.flush()
    for node_id in sorted(set(clean.node_ids)):
        session.add(ConstraintNode(constraint_id=row.id, node_id=node_id))
    session.flush()
    touch_workspace(session, workspace_id)
    return StrategyConstraintRead(id=row.id, kind=row.kind, text=row.text, node_ids=sorted(set(clean.node_ids)))


def delete_constraint(*, session: Session, workspace_id: int, constraint_id: int) -> str:
    require_workspace(session, workspace_id, for_update=True)
    row = require_in_workspace(session, StrategyConstraint, constraint_id, workspace_id, "constraint")
    text = row.text
    session.exec(delete(ConstraintNode).where(ConstraintNode.constraint_id == constraint_id))
    session.delete(row)
    session.flush()
    touch_workspace(session, workspace_id)
    return text


# --- measurable goals and milestones ----------------------------------------------------

def list_goals(*, session: Session, workspace_id: int) -> list[GoalRead]:
    rows = session.exec(select(Goal).where(Goal.workspace_id == workspace_id).order_by(Goal.deadline, Goal.id)).all()
    return [GoalRead.model_validate(row, from_attributes=True) for row in rows]


def _require_objective(session: Session, workspace_id: int, objective_id) -> MapNode:
    if objective_id is None:
        raise ValidationProblem([Problem("Objective", "Choose the objective the goal measures.")])
    node = require_in_workspace(session, MapNode, objective_id, workspace_id, "objective")
    if node.kind != "objective":
        raise ValidationProblem([Problem("Objective", f"Goals belong to CRM objectives; '{node.name}' is "
                                         f"{with_article(NODE_KIND_NOUNS[node.kind])}.")])
    return node


def create_goal(*, session: Session, workspace_id: int, data: GoalCreate | dict, today: date | None = None,
                allow_past_deadline: bool = False) -> GoalRead:
    require_workspace(session, workspace_id, for_update=True)
    clean = validated(GoalCreate, data, labels=GOAL_LABELS)
    _require_objective(session, workspace_id, clean.objective_id)
    _check_deadline(clean.deadline, today or clock.today(), allow_past_deadline)
    row = Goal.model_validate(clean.model_dump() | {"workspace_id": workspace_id})
    session.add(row)
    session.flush()
    touch_workspace(session, workspace_id)
    return GoalRead.model_validate(row, from_attributes=True)


def _check_deadline(deadline: date, today: date, allow_past: bool) -> None:
    if deadline < today and not allow_past:
        raise ValidationProblem([Problem("Deadline", f"{deadline.isoformat()} is before today; a goal looks ahead. "
                                         "Choose a date still to come.")])


def update_goal(*, session: Session, workspace_id: int, goal_id: int, changes: GoalUpdate | dict, version: int,
                today: date | None = None) -> GoalRead:
    """`version`: the one the form was drawn from; refused when someone changed the goal since."""
    require_workspace(session, workspace_id, for_update=True)
    row = require_in_workspace(session, Goal, goal_id, workspace_id, "goal", version=version,
                               labels={k: v for k, v in GOAL_LABELS.items() if not k.endswith("_id")})
    update = validated(GoalUpdate, changes, labels=GOAL_LABELS)
    clean = validated(GoalCreate, row.model_dump(include=set(GoalCreate.model_fields))
                      | update.model_dump(exclude_unset=True), labels=GOAL_LABELS)
    if clean.deadline != row.deadline:
        _check_deadline(clean.deadline, today or clock.today(), False)
    for key, value in clean.model_dump().items():
        setattr(row, key, value)
    bump(row)
    session.add(row)
    session.flush()
    touch_workspace(session, workspace_id)
    return GoalRead.model_validate(row, from_attributes=True)


def delete_goal(*, session: Session, workspace_id: int, goal_id: int, version: int | None = None) -> str:
    require_workspace(session, workspace_id, for_update=True)
    row = require_in_workspace(session, Goal, goal_id, workspace_id, "goal", version=version)
    metric = row.metric
    session.exec(delete(Milestone).where(Milestone.goal_id == goal_id))
    session.delete(row)
    session.flush()
    touch_workspace(session, workspace_id)
    return metric


def milestones_of(*, session: Session, workspace_id: int, goal_ids: list[int] | None = None) -> dict[int, list[tuple[date, float]]]:
    query = select(Milestone).join(Goal, Goal.id == Milestone.goal_id).where(Goal.workspace_id == workspace_id)
    if goal_ids is not None:
        query = query.where(Milestone.goal_id.in_(goal_ids))
    result: dict[int, list[tuple[date, float]]] = defaultdict(list)
    for m in session.exec(query.order_by(Milestone.goal_id, Milestone.due)).all():
        result[m.goal_id].append((m.due, m.value))
    return result


def generate_milestones(*, session: Session, workspace_id: int, goal_id: int, per: str = "quarter",
                        today: date | None = None) -> list[tuple[date, float]]:
    """Replace a goal's milestones with evenly spaced ones from the baseline (on the day it was
    measured, else today) to the target."""
    require_workspace(session, workspace_id, for_update=True)
    goal = require_in_workspace(session, Goal, goal_id, workspace_id, "goal")
    try:
        milestones = generate(goal.baseline, goal.target, goal.baseline_on or today or clock.today(), goal.deadline, per)
    except MilestoneError as exc:
        raise ValidationProblem([Problem("Milestones", str(exc))]) from None
    return _replace_milestones(session, workspace_id, goal, milestones)


def milestone_versions(*, session: Session, workspace_id: int, goal_id: int) -> dict[int, int]:
    """The goal's milestone rows as id → version: what a milestone table is drawn from."""
    require_in_workspace(session, Goal, goal_id, workspace_id, "goal")
    return dict(session.exec(select(Milestone.id, Milestone.version).where(Milestone.goal_id == goal_id)).all())


def set_milestones(*, session: Session, workspace_id: int, goal_id: int,
                   milestones: list[tuple[object, object]], drawn: dict[int, int] | None = None) -> list[tuple[date, float]]:
    """The user's own milestones (from the editable table): dates on or before the deadline,
    each once, numbers as values. `drawn` (milestone_versions when the table was drawn) refuses
    the save when someone changed the milestones since."""
    require_workspace(session, workspace_id, for_update=True)
    goal = require_in_workspace(session, Goal, goal_id, workspace_id, "goal")
    if drawn is not None:
        check_versions(session.exec(select(Milestone).where(Milestone.goal_id == goal_id)).all(), drawn,
                       subject=f"The milestones of '{goal.metric}'")
    problems, clean, seen = [], [], set()
    for n, (due, value) in enumerate(milestones, start=1):
        try:
            if isinstance(due, datetime):  # a pandas Timestamp from the table is one
                due = due.date()
            elif not isinstance(due, date):
                due = date.fromisoformat(str(due)[:10])
        except (TypeError, ValueError):
            problems.append(Problem("Date", "is not a date (use YYYY-MM-DD).", n))
            continue
        try:
            value = float(value)
            if value != value:
                raise ValueError
        except (TypeError, ValueError):
            problems.append(Problem("Value", "must be a number.", n))
            continue
        if due in seen:
            problems.append(Problem("Date", f"{due.isoformat()} is used twice.", n))
        elif due > goal.deadline:
            problems.append(Problem("Date", f"{due.isoformat()} is after the goal's deadline "
                                    f"({goal.deadline.isoformat()}).", n))
        seen.add(due)
        clean.append((due, value))
    if problems:
        raise ValidationProblem(problems)
    return _replace_milestones(session, workspace_id, goal, sorted(clean))


def _replace_milestones(session: Session, workspace_id: int, goal: Goal,
                        milestones: list[tuple[date, float]]) -> list[tuple[date, float]]:
    session.exec(delete(Milestone).where(Milestone.goal_id == goal.id))
    session.flush()
    for due, value in milestones:
        session.add(Milestone(goal_id=goal.id, due=due, value=value))
    session.flush()
    touch_workspace(session, workspace_id)
    return milestones


def set_long_term_limit(*, session: Session, workspace_id: int, limit) -> int:
    workspace = require_workspace(session, workspace_id, for_update=True)
    try:
        if isinstance(limit, bool):  # True == 1, but a flag is not a count
            raise ValueError
        value = int(limit)
        if value != float(limit) or not 1 <= value <= 50:
            raise ValueError
    except (TypeError, ValueError, OverflowError):  # int(inf) raises OverflowError
        raise ValidationProblem([Problem("Long-term goals", "The limit must be a whole number from 1 to 50.")]) from None
    workspace.max_long_term_goals = value
    session.add(workspace)
    session.flush()
    touch_workspace(session, workspace_id)
    return value


@dataclass(frozen=True)
class GoalAdvice:
    activity_only: list[int]         # objectives whose goals all measure activity (seed 000)
    long_term: list[int]             # goals further away than a year
    limit: int
    too_many_long_term: bool


def goal_advice(goals: list[GoalRead], limit: int, today: date) -> GoalAdvice:
    by_objective: dict[int, list[GoalRead]] = defaultdict(list)
    for goal in goals:
        by_objective[goal.objective_id].append(goal)
    activity_only = sorted(o for o, gs in by_objective.items() if all(g.measures == "Activity" for g in gs))
    long_term = [g.id for g in goals if is_long_term(g.deadline, today)]
    return GoalAdvice(activity_only, long_term, limit, len(long_term) > limit)


# --- the whole map ----------------------------------------------------------------------

@dataclass(frozen=True)
class StrategyMap:
    nodes: dict[int, MapNodeRead]
    links: list[tuple[int, int]]
    graph: nx.DiGraph
    breaches: list[Breach]
    positions: dict[int, tuple[float, float]]
    constraints: list[StrategyConstraintRead]
    goals: list[GoalRead] = field(default_factory=list)

    def constraints_of(self, node_id: int) -> list[StrategyConstraintRead]:
        return [c for c in self.constraints if node_id in c.node_ids]

    def breached_nodes(self) -> set[int]:
        return {n for b in self.breaches if b.severity == "warning" for n in b.nodes}

    def of_kind(self, kind: str) -> list[MapNodeRead]:
        return [n for n in self.nodes.values() if n.kind == kind]


def strategy_map(*, session: Session, workspace_id: int) -> StrategyMap:
    nodes = {n.id: n for n in list_nodes(session=session, workspace_id=workspace_id)}
    links = list_links(session=session, workspace_id=workspace_id)
    goals = list_goals(session=session, workspace_id=workspace_id)
    graph = build_graph([NodeInfo(n.id, n.kind, n.name, n.owner, n.position) for n in nodes.values()], links)
    return StrategyMap(nodes, links, graph, check_rules(graph, {g.objective_id for g in goals}),
                       layered_layout(graph), list_constraints(session=session, workspace_id=workspace_id), goals)


