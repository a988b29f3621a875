"""Strategy-map services (advice 3-5): nodes, links, company-strategy constraints, measurable goals
and their milestones. Rules, questions and layout come from crmstrategy.strategy.strategy_graph."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import networkx as nx
from sqlalchemy import delete, func, or_
from sqlmodel import Session, col, select

from crmstrategy.core.errors import Problem, ValidationProblem
from crmstrategy.core.models import id_of
from crmstrategy.core.validation import validated
from crmstrategy.core.versioning import bump
from crmstrategy.core.writing import require_in_workspace, writing
from crmstrategy.strategy.goals import list_goals
from crmstrategy.strategy.models import (
    MAP_NODE_LABELS,
    ConstraintNode,
    Goal,
    GoalRead,
    MapLink,
    MapNode,
    MapNodeCreate,
    MapNodeRead,
    MapNodeUpdate,
    Milestone,
    StrategyConstraint,
    StrategyConstraintCreate,
    StrategyConstraintRead,
)
from crmstrategy.strategy.strategy_graph import (
    Breach,
    NodeInfo,
    build_graph,
    check_rules,
    layered_layout,
    link_problem,
)


def list_nodes(*, session: Session, workspace_id: int) -> list[MapNodeRead]:
    rows = session.exec(
        select(MapNode).where(MapNode.workspace_id == workspace_id).order_by(col(MapNode.position), col(MapNode.id))
    ).all()
    return [MapNodeRead.model_validate(row, from_attributes=True) for row in rows]


def _check_unique_name(session: Session, workspace_id: int, name: str, exclude_id: int | None) -> None:
    # Compared in Python: SQL lower() folds only ASCII on SQLite, so 'Øke' and 'øke' would differ.
    for other_id, other in session.exec(select(MapNode.id, MapNode.name).where(MapNode.workspace_id == workspace_id)):
        if other_id != exclude_id and other.lower() == name.lower():
            raise ValidationProblem(
                [Problem("Name", f"'{name}' is already on the map; give each element its own name.")]
            )


def create_node(*, session: Session, workspace_id: int, data: MapNodeCreate | dict) -> MapNodeRead:
    with writing(session, workspace_id):
        clean = validated(MapNodeCreate, data, labels=MAP_NODE_LABELS)
        _check_unique_name(session, workspace_id, clean.name, None)
        position = (
            session.exec(
                select(func.coalesce(func.max(MapNode.position), -1)).where(MapNode.workspace_id == workspace_id)
            ).one()
            + 1
        )
        row = MapNode.model_validate(clean.model_dump() | {"workspace_id": workspace_id, "position": position})
        session.add(row)
        session.flush()
        return MapNodeRead.model_validate(row, from_attributes=True)


def update_node(
    *, session: Session, workspace_id: int, node_id: int, changes: MapNodeUpdate | dict, version: int
) -> MapNodeRead:
    """Rename or edit a node; its kind stays (the links depend on it). `version`: the one the form
    was drawn from."""
    with writing(session, workspace_id):
        row = require_in_workspace(
            session,
            MapNode,
            node_id,
            workspace_id,
            "element of the map",
            version=version,
            labels={"name": "Name", "description": "Description", "owner": "Owner"},
        )
        update = validated(MapNodeUpdate, changes, labels=MAP_NODE_LABELS)
        clean = validated(
            MapNodeCreate,
            row.model_dump(include=set(MapNodeCreate.model_fields)) | update.model_dump(exclude_unset=True),
            labels=MAP_NODE_LABELS,
        )
        _check_unique_name(session, workspace_id, clean.name, node_id)
        for key, value in clean.model_dump().items():
            setattr(row, key, value)
        bump(row)
        session.add(row)
        session.flush()
        return MapNodeRead.model_validate(row, from_attributes=True)


@dataclass(frozen=True)
class DeletionImpact:
    node: MapNodeRead
    links: list[str]  # "Initiative A → Objective B", the links that go with it
    goals: list[str]  # the goals (of an objective) that go with it
    constraints: list[str]  # constraints that lose this node (they stay)


def deletion_impact(*, session: Session, workspace_id: int, node_id: int) -> DeletionImpact:
    row = require_in_workspace(session, MapNode, node_id, workspace_id, "element of the map")
    names = dict(session.exec(select(MapNode.id, MapNode.name).where(MapNode.workspace_id == workspace_id)).all())
    links = session.exec(
        select(MapLink).where(or_(col(MapLink.source_id) == node_id, col(MapLink.target_id) == node_id))
    ).all()
    goals = session.exec(select(Goal.metric).where(Goal.objective_id == node_id)).all()
    constraints = session.exec(
        select(StrategyConstraint.text)
        .join(ConstraintNode, col(ConstraintNode.constraint_id) == StrategyConstraint.id)
        .where(ConstraintNode.node_id == node_id)
    ).all()
    return DeletionImpact(
        MapNodeRead.model_validate(row, from_attributes=True),
        sorted(f"{names[link.source_id]} → {names[link.target_id]}" for link in links),
        list(goals),
        list(constraints),
    )


def delete_node(*, session: Session, workspace_id: int, node_id: int, version: int | None = None) -> DeletionImpact:
    """Delete a node with its links and goals (the page shows deletion_impact and asks first);
    with `version`, only as it was when drawn."""
    with writing(session, workspace_id):
        require_in_workspace(session, MapNode, node_id, workspace_id, "element of the map", version=version)
        impact = deletion_impact(session=session, workspace_id=workspace_id, node_id=node_id)
        goal_ids = session.exec(select(Goal.id).where(Goal.objective_id == node_id)).all()
        if goal_ids:
            session.exec(delete(Milestone).where(col(Milestone.goal_id).in_(goal_ids)))
            session.exec(delete(Goal).where(col(Goal.id).in_(goal_ids)))
        session.exec(delete(MapLink).where(or_(col(MapLink.source_id) == node_id, col(MapLink.target_id) == node_id)))
        session.exec(delete(ConstraintNode).where(col(ConstraintNode.node_id) == node_id))
        session.delete(session.get(MapNode, node_id))
        return impact


def list_links(*, session: Session, workspace_id: int) -> list[tuple[int, int]]:
    return [
        (link.source_id, link.target_id)
        for link in session.exec(
            select(MapLink).where(MapLink.workspace_id == workspace_id).order_by(col(MapLink.id))
        ).all()
    ]


def add_link(*, session: Session, workspace_id: int, source_id: int, target_id: int) -> tuple[int, int]:
    """Link a supporting node to the node it supports (the kinds decide which way is allowed)."""
    with writing(session, workspace_id):
        if source_id is None or target_id is None:
            raise ValidationProblem([Problem("Link", "Choose both ends of the link.")])
        source = require_in_workspace(session, MapNode, source_id, workspace_id, "element of the map")
        target = require_in_workspace(session, MapNode, target_id, workspace_id, "element of the map")
        problem = link_problem(
            source.kind, target.kind, source_id, target_id, set(list_links(session=session, workspace_id=workspace_id))
        )
        if problem:
            raise ValidationProblem([Problem("Link", problem)])
        session.add(MapLink(workspace_id=workspace_id, source_id=source_id, target_id=target_id))
        return source_id, target_id


def remove_link(*, session: Session, workspace_id: int, source_id: int, target_id: int) -> tuple[int, int]:
    """Remove a link; returns it (so the page can tell success from a refusal)."""
    with writing(session, workspace_id):
        row = session.exec(
            select(MapLink).where(
                MapLink.workspace_id == workspace_id, MapLink.source_id == source_id, MapLink.target_id == target_id
            )
        ).first()
        if row is None:
            raise ValidationProblem([Problem("Link", "That link is not on the map any more; reload the page.")])
        session.delete(row)
        return source_id, target_id


def list_constraints(*, session: Session, workspace_id: int) -> list[StrategyConstraintRead]:
    rows = session.exec(
        select(StrategyConstraint)
        .where(StrategyConstraint.workspace_id == workspace_id)
        .order_by(col(StrategyConstraint.id))
    ).all()
    nodes: dict[int, list[int]] = defaultdict(list)
    if rows:
        for constraint_id, node_id in session.exec(
            select(ConstraintNode.constraint_id, ConstraintNode.node_id).where(
                col(ConstraintNode.constraint_id).in_([r.id for r in rows])
            )
        ).all():
            nodes[constraint_id].append(node_id)
    return [StrategyConstraintRead(id=r.id, kind=r.kind, text=r.text, node_ids=sorted(nodes[id_of(r)])) for r in rows]


def add_constraint(
    *, session: Session, workspace_id: int, data: StrategyConstraintCreate | dict
) -> StrategyConstraintRead:
    with writing(session, workspace_id):
        clean = validated(
            StrategyConstraintCreate, data, labels={"kind": "Kind", "text": "Constraint", "node_ids": "Elements"}
        )
        for node_id in clean.node_ids:
            require_in_workspace(session, MapNode, node_id, workspace_id, "element of the map")
        row = StrategyConstraint(workspace_id=workspace_id, kind=clean.kind, text=clean.text)
        session.add(row)
        session.flush()
        for node_id in sorted(set(clean.node_ids)):
            session.add(ConstraintNode(constraint_id=id_of(row), node_id=node_id))
        session.flush()
        return StrategyConstraintRead(id=row.id, kind=row.kind, text=row.text, node_ids=sorted(set(clean.node_ids)))


def delete_constraint(*, session: Session, workspace_id: int, constraint_id: int) -> str:
    with writing(session, workspace_id):
        row = require_in_workspace(session, StrategyConstraint, constraint_id, workspace_id, "constraint")
        text = row.text
        session.exec(delete(ConstraintNode).where(col(ConstraintNode.constraint_id) == constraint_id))
        session.delete(row)
        return text


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
    return StrategyMap(
        nodes,
        links,
        graph,
        check_rules(graph, {g.objective_id for g in goals}),
        layered_layout(graph),
        list_constraints(session=session, workspace_id=workspace_id),
        goals,
    )
