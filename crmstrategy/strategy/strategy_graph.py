"""The strategy map as a networkx.DiGraph (advice 3-4): an edge points from what supports to what
is supported (enabler → initiative → objective → company strategy). The map's rules, the impact
questions and a stable layered layout are all answered from the graph. Pure: no database, no
Streamlit.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx

from crmstrategy.strategy.models import LINK_RULES, NODE_KIND_NOUNS, NODE_KINDS, with_article

MAP_ADVICE_LOW, MAP_ADVICE_HIGH = 10, 15  # objectives and initiatives together (advice 4)
LAYER = {"strategy": 0, "objective": 1, "initiative": 2, "enabler": 3}  # top to bottom


@dataclass(frozen=True)
class NodeInfo:
    id: int
    kind: str
    name: str
    owner: str = ""
    position: int = 0


def build_graph(nodes: list[NodeInfo], links: list[tuple[int, int]]) -> nx.DiGraph:
    graph = nx.DiGraph()
    for node in nodes:
        graph.add_node(node.id, kind=node.kind, name=node.name, owner=node.owner, position=node.position)
    for source, target in links:
        if source in graph and target in graph:
            graph.add_edge(source, target)
    return graph


def allowed_links() -> str:
    """'CRM objective supports company-strategy element; …', for messages and the page."""
    return "; ".join(f"{NODE_KIND_NOUNS[a]} {verb} {NODE_KIND_NOUNS[b]}" for (a, b), verb in LINK_RULES.items())


def link_problem(
    kind_source: str, kind_target: str, source: int, target: int, existing: set[tuple[int, int]]
) -> str | None:
    """Why a link may not be added, or None. The kinds fix the direction: a link is always from
    the supporting node to the node it supports."""
    if source == target:
        return "A node cannot support itself."
    if (source, target) in existing:
        return "These two are already linked."
    if (target, source) in existing:
        return "These two are already linked the other way round."
    if (kind_source, kind_target) not in LINK_RULES:
        return (
            f"{with_article(NODE_KIND_NOUNS[kind_source]).capitalize()} cannot be linked to "
            f"{with_article(NODE_KIND_NOUNS[kind_target])}. Links allowed: {allowed_links()}."
        )
    return None


# --- rules ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Breach:
    rule: str
    message: str
    nodes: tuple[int, ...]
    severity: str = "warning"  # "warning" or "advice"


def _names(graph: nx.DiGraph, ids) -> str:
    return ", ".join(graph.nodes[i]["name"] for i in ids)


def _of_kind(graph: nx.DiGraph, kind: str) -> list[int]:
    return sorted(
        (n for n, data in graph.nodes(data=True) if data["kind"] == kind), key=lambda n: (graph.nodes[n]["position"], n)
    )


def check_rules(graph: nx.DiGraph, objectives_with_goals: set[int], limit: int = MAP_ADVICE_HIGH) -> list[Breach]:
    """Every rule of the map that is broken, each with the nodes it concerns."""
    breaches: list[Breach] = []
    initiatives, objectives = _of_kind(graph, "initiative"), _of_kind(graph, "objective")

    def add(rule: str, ids: list[int], message: str, severity: str = "warning") -> None:
        if ids:
            breaches.append(Breach(rule, message.format(names=_names(graph, ids)), tuple(ids), severity))

    add(
        "Initiative supports no objective",
        [n for n in initiatives if not any(graph.nodes[t]["kind"] == "objective" for t in graph.successors(n))],
        "Every initiative must support an objective, or it is activity without a purpose: {names}.",
    )
    add(
        "Objective without initiatives",
        [n for n in objectives if not any(graph.nodes[s]["kind"] == "initiative" for s in graph.predecessors(n))],
        "An objective nobody works towards will not be reached; give it the 2-3 initiatives it needs: {names}.",
    )
    add(
        "Objective without a measurable goal",
        [n for n in objectives if n not in objectives_with_goals],
        "Without a measurable goal nobody can tell in time whether the objective is being reached: {names}.",
    )
    size = len(initiatives) + len(objectives)
    if size > limit:
        breaches.append(
            Breach(
                "More than 15 objectives and initiatives",
                f"The map has {size} objectives and initiatives together; the method asks for the {MAP_ADVICE_LOW}-"
                f"{MAP_ADVICE_HIGH} most important, so the lines stay clear. Consider merging or dropping some.",
                tuple(objectives + initiatives),
                "advice",
            )
        )
    cycle_nodes: list[int] = []
    for component in nx.strongly_connected_components(graph):
        if len(component) > 1:
            cycle_nodes.extend(sorted(component))
    cycle_nodes.extend(n for n in graph.nodes if graph.has_edge(n, n))
    add(
        "Cycle",
        sorted(set(cycle_nodes)),
        "These nodes support each other in a circle, so nothing is clearly the means and nothing the end: {names}.",
    )
    add(
        "No owner",
        sorted(
            (n for n, d in graph.nodes(data=True) if not d["owner"].strip()),
            key=lambda n: (LAYER[graph.nodes[n]["kind"]], graph.nodes[n]["position"], n),
        ),
        "Every element needs one person who answers for it: {names}.",
    )
    add(
        "Enabler enables nothing",
        [
            n
            for n in _of_kind(graph, "enabler")
            if not any(graph.nodes[t]["kind"] == "initiative" for t in graph.successors(n))
        ],
        "An enabler is there for the initiatives that need it; link it or remove it: {names}.",
    )
    return breaches


# --- questions --------------------------------------------------------------------------


def _sorted(graph: nx.DiGraph, ids) -> list[int]:
    return sorted(ids, key=lambda n: (LAYER[graph.nodes[n]["kind"]], graph.nodes[n]["position"], n))


def at_risk_if_slips(graph: nx.DiGraph, initiative: int) -> list[int]:
    """The objectives and company-strategy elements that depend on an initiative."""
    return _sorted(graph, nx.descendants(graph, initiative))


def feeds(graph: nx.DiGraph, node: int) -> list[int]:
    """Everything that feeds a node (for an objective: its initiatives and their enablers)."""
    return _sorted(graph, nx.ancestors(graph, node))


def needs_enabler(graph: nx.DiGraph, enabler: int) -> list[int]:
    """Every initiative and objective that needs an enabler."""
    return _sorted(
        graph, (n for n in nx.descendants(graph, enabler) if graph.nodes[n]["kind"] in ("initiative", "objective"))
    )


# --- layout -----------------------------------------------------------------------------


def layered_layout(graph: nx.DiGraph, sweeps: int = 4) -> dict[int, tuple[float, float]]:
    """Positions for a layered drawing: company strategy on top, enablers at the bottom. Within a
    layer nodes are ordered to reduce crossings (barycentre sweeps, down and up), ties broken by
    their stored position and id, so the same map always gets the same picture. x runs 0..1
    across each layer (centred), y is the layer (0 at the top)."""
    layers: dict[int, list[int]] = {LAYER[k]: [] for k in NODE_KINDS}
    for node in sorted(graph.nodes, key=lambda n: (graph.nodes[n]["position"], n)):
        layers[LAYER[graph.nodes[node]["kind"]]].append(node)
    order = {n: i for layer in layers.values() for i, n in enumerate(layer)}
    undirected = graph.to_undirected(as_view=True)

    def reorder(layer_index: int, neighbour_layer: int) -> None:
        layer = layers[layer_index]
        if len(layer) < 2:
            return

        def key(n: int):
            around = [order[m] for m in undirected.neighbors(n) if LAYER[graph.nodes[m]["kind"]] == neighbour_layer]
            centre = sum(around) / len(around) if around else order[n]
            return (centre, order[n], n)

        layer.sort(key=key)
        for i, n in enumerate(layer):
            order[n] = i

    count = len(layers)
    for _ in range(sweeps):
        for index in range(1, count):
            reorder(index, index - 1)
        for index in range(count - 2, -1, -1):
            reorder(index, index + 1)
    widest = max((len(layer) for layer in layers.values()), default=1) or 1
    positions = {}
    for index, layer in layers.items():
        offset = (widest - len(layer)) / 2
        for i, node in enumerate(layer):
            positions[node] = ((offset + i + 0.5) / widest, float(index))
    return positions


# --- value against effort (seed 004) ----------------------------------------------------

QUICK_WIN_LINE = 3.0  # the middle of the 1-5 scales


def is_quick_win(value: float | None, effort: float | None) -> bool:
    """High business value for little effort: value above the middle, effort below it."""
    return value is not None and effort is not None and value > QUICK_WIN_LINE and effort < QUICK_WIN_LINE


def value_effort_ranking(items: list[tuple[int, float | None, float | None]]) -> list[int]:
    """Initiative ids, best first: value per effort, then higher value; those without value or
    effort last (in the order given)."""
    scored = [(i, v, e) for i, v, e in items if v is not None and e is not None]
    rest = [i for i, v, e in items if v is None or e is None]
    scored.sort(key=lambda t: (-(t[1] / t[2]), -t[1]))
    return [i for i, _, _ in scored] + rest
