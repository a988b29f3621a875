"""The strategy map as a graph (crmstrategy.strategy.strategy_graph): building, the link rules, every map
rule firing and not firing, the impact questions, the layered layout and value against effort."""

from __future__ import annotations

import random

import pytest

from crmstrategy.strategy.models import LINK_RULES, NODE_KINDS
from crmstrategy.strategy.strategy_graph import (
    LAYER,
    Breach,
    NodeInfo,
    at_risk_if_slips,
    build_graph,
    check_rules,
    feeds,
    is_quick_win,
    layered_layout,
    link_problem,
    needs_enabler,
    value_effort_ranking,
)

NO_OBJECTIVE = "Initiative supports no objective"
NO_INITIATIVE = "Objective without initiatives"
NO_GOAL = "Objective without a measurable goal"
TOO_MANY = "More than 15 objectives and initiatives"
CYCLE = "Cycle"
NO_OWNER = "No owner"
IDLE_ENABLER = "Enabler enables nothing"


def _node(node_id: int, kind: str, name: str | None = None, owner: str = "Owner", position: int | None = None):
    return NodeInfo(node_id, kind, name or f"{kind} {node_id}", owner, node_id if position is None else position)


def _rules(breaches: list[Breach]) -> dict[str, tuple[int, ...]]:
    by_rule = {b.rule: b.nodes for b in breaches}
    assert len(by_rule) == len(breaches), "each rule is reported once"
    return by_rule


# A small, complete map that breaks no rule:
#   S1 <- O2 <- I4 <- E6
#   S1 <- O3 <- I5 <- E6
HEALTHY_NODES = [
    _node(1, "strategy"),
    _node(2, "objective"),
    _node(3, "objective"),
    _node(4, "initiative"),
    _node(5, "initiative"),
    _node(6, "enabler"),
]
HEALTHY_LINKS = [(2, 1), (3, 1), (4, 2), (5, 3), (6, 4), (6, 5)]


def _healthy(extra_nodes=(), extra_links=(), goals=frozenset({2, 3})):
    graph = build_graph(HEALTHY_NODES + list(extra_nodes), HEALTHY_LINKS + list(extra_links))
    return check_rules(graph, set(goals))


# --- building the graph -----------------------------------------------------------------


def test_build_graph_keeps_every_node_with_its_attributes_and_every_link():
    graph = build_graph([NodeInfo(7, "initiative", "Call quiet regulars", "Mona", 3), _node(8, "objective")], [(7, 8)])
    assert set(graph.nodes) == {7, 8}
    assert graph.nodes[7] == {"kind": "initiative", "name": "Call quiet regulars", "owner": "Mona", "position": 3}
    assert list(graph.edges) == [(7, 8)]


def test_build_graph_ignores_links_to_or_from_unknown_nodes():
    graph = build_graph([_node(1, "objective"), _node(2, "initiative")], [(2, 1), (2, 99), (99, 1), (98, 97)])
    assert list(graph.edges) == [(2, 1)]
    assert set(graph.nodes) == {1, 2}  # the unknown ends are not invented as nodes


def test_an_empty_map_breaks_no_rule_and_lays_out_to_nothing():
    graph = build_graph([], [])
    assert check_rules(graph, set()) == []
    assert layered_layout(graph) == {}


def test_the_healthy_map_breaks_no_rule():
    assert _healthy() == []


# --- link_problem -----------------------------------------------------------------------


@pytest.mark.parametrize("kinds", list(LINK_RULES), ids=[f"{a}->{b}" for a, b in LINK_RULES])
def test_the_three_allowed_pairs_pass(kinds):
    assert len(LINK_RULES) == 3
    assert link_problem(kinds[0], kinds[1], 1, 2, {(3, 4)}) is None


def test_a_node_cannot_support_itself():
    assert link_problem("objective", "objective", 5, 5, set()) == "A node cannot support itself."


def test_a_duplicate_link_is_refused():
    assert link_problem("initiative", "objective", 1, 2, {(1, 2)}) == "These two are already linked."


def test_the_reverse_of_an_existing_link_is_refused():
    assert (
        link_problem("initiative", "objective", 1, 2, {(2, 1)}) == "These two are already linked the other way round."
    )


ALLOWED_TEXT = (
    "Links allowed: CRM objective supports company-strategy element; initiative supports CRM objective; "
    "enabler enables initiative."
)


@pytest.mark.parametrize(
    "source, target",
    [
        ("enabler", "objective"),
        ("strategy", "objective"),
        ("objective", "initiative"),
        ("initiative", "enabler"),
        ("enabler", "strategy"),
        ("initiative", "strategy"),
        ("objective", "objective"),
        ("strategy", "strategy"),
    ],
    ids=lambda kind: kind,
)
def test_a_wrong_pair_of_kinds_is_refused_listing_the_allowed_links(source, target):
    message = link_problem(source, target, 1, 2, set())
    assert message is not None
    assert "cannot be linked to" in message
    assert message.endswith(ALLOWED_TEXT), message


def test_the_wrong_kinds_message_names_both_kinds():
    message = link_problem("strategy", "objective", 1, 2, set())
    assert message.startswith("A company-strategy element cannot be linked to a CRM objective.")


def test_self_link_is_reported_before_wrong_kinds_and_duplicates_before_kinds():
    # The cheapest explanation wins: a self-link of a strategy is a self-link, not a kind problem.
    assert link_problem("strategy", "strategy", 3, 3, set()) == "A node cannot support itself."
    assert (
        link_problem("objective", "initiative", 1, 2, {(2, 1)}) == "These two are already linked the other way round."
    )


# --- rules: initiative supports no objective --------------------------------------------


def test_an_initiative_linked_to_nothing_supports_no_objective():
    breaches = _rules(_healthy([_node(7, "initiative")]))
    assert breaches == {NO_OBJECTIVE: (7,)}


def test_an_initiative_with_only_an_enabler_still_supports_no_objective():
    # 7 is enabled by 6 (an incoming link), but supports nothing: still activity without purpose.
    breaches = check_rules(build_graph(HEALTHY_NODES + [_node(7, "initiative")], HEALTHY_LINKS + [(6, 7)]), {2, 3})
    [breach] = breaches
    assert (breach.rule, breach.nodes, breach.severity) == (NO_OBJECTIVE, (7,), "warning")
    assert breach.message == (
        "Every initiative must support an objective, or it is activity without a purpose: initiative 7."
    )


def test_initiatives_supporting_no_objective_are_named_in_map_order():
    nodes = [_node(9, "initiative", "Newsletter", position=0), _node(8, "initiative", "Webinar", position=1)]
    breaches = check_rules(build_graph(HEALTHY_NODES + nodes, HEALTHY_LINKS + [(6, 9), (6, 8)]), {2, 3})
    [breach] = [b for b in breaches if b.rule == NO_OBJECTIVE]
    assert breach.nodes == (9, 8)  # by stored position, not by id
    assert breach.message.endswith(": Newsletter, Webinar.")


def test_an_initiative_pointing_at_a_strategy_only_does_not_count_as_supporting_an_objective():
    # build_graph does not police kinds; the rule looks at the kind of what is supported.
    breaches = _rules(_healthy([_node(7, "initiative")], [(7, 1), (6, 7)]))
    assert breaches == {NO_OBJECTIVE: (7,)}


def test_an_initiative_supporting_an_objective_is_fine():
    assert NO_OBJECTIVE not in _rules(_healthy([_node(7, "initiative")], [(7, 2), (6, 7)]))


# --- rules: objective without initiatives -----------------------------------------------


def test_an_objective_without_initiatives_is_found():
    breaches = _rules(_healthy([_node(7, "objective")], [(7, 1)], goals={2, 3, 7}))
    assert breaches == {NO_INITIATIVE: (7,)}


def test_an_objective_fed_only_by_an_enabler_still_has_no_initiative():
    breaches = _rules(_healthy([_node(7, "objective")], [(7, 1), (6, 7)], goals={2, 3, 7}))
    assert breaches[NO_INITIATIVE] == (7,)


def test_an_objective_with_one_initiative_is_fine():
    breaches = _rules(_healthy([_node(7, "objective")], [(7, 1), (4, 7)], goals={2, 3, 7}))
    assert NO_INITIATIVE not in breaches
    assert breaches == {}


# --- rules: objective without a measurable goal -----------------------------------------


def test_objectives_without_a_goal_are_found():
    breaches = _rules(_healthy(goals={3}))
    assert breaches == {NO_GOAL: (2,)}
    assert _rules(_healthy(goals=set()))[NO_GOAL] == (2, 3)


def test_a_goal_on_a_non_objective_does_not_satisfy_an_objective():
    assert _rules(_healthy(goals={1, 4, 5}))[NO_GOAL] == (2, 3)


# --- rules: more than 15 objectives and initiatives -------------------------------------


def _map_of_size(objectives: int, initiatives: int):
    """One strategy, `objectives` objectives each with a goal, and initiatives spread over them."""
    nodes = [_node(1, "strategy")]
    links = []
    for o in range(objectives):
        nodes.append(_node(100 + o, "objective"))
        links.append((100 + o, 1))
    for i in range(initiatives):
        nodes.append(_node(200 + i, "initiative"))
        links.append((200 + i, 100 + i % objectives))
    return build_graph(nodes, links), {100 + o for o in range(objectives)}


def test_exactly_15_objectives_and_initiatives_is_fine():
    graph, goals = _map_of_size(5, 10)
    assert check_rules(graph, goals) == []


def test_16_objectives_and_initiatives_gives_advice_mentioning_10_to_15():
    graph, goals = _map_of_size(5, 11)
    [breach] = check_rules(graph, goals)
    assert breach.rule == TOO_MANY
    assert breach.severity == "advice"
    assert "16 objectives and initiatives" in breach.message
    assert "10-15" in breach.message
    assert breach.nodes == tuple(range(100, 105)) + tuple(range(200, 211))  # objectives, then initiatives


def test_strategy_elements_and_enablers_do_not_count_towards_the_15():
    graph, goals = _map_of_size(5, 10)
    nodes = [NodeInfo(n, d["kind"], d["name"], d["owner"], d["position"]) for n, d in graph.nodes(data=True)]
    nodes += [_node(300 + k, "enabler") for k in range(5)] + [_node(400 + k, "strategy") for k in range(5)]
    links = list(graph.edges) + [(300 + k, 200 + k) for k in range(5)] + [(100, 400 + k) for k in range(5)]
    assert check_rules(build_graph(nodes, links), goals) == []


def test_the_advice_is_not_counted_as_a_breached_node_warning():
    graph, goals = _map_of_size(5, 11)
    assert all(b.severity == "advice" for b in check_rules(graph, goals))


# --- rules: cycles ----------------------------------------------------------------------


def test_two_objectives_pointing_at_each_other_are_a_cycle():
    graph = build_graph(HEALTHY_NODES, HEALTHY_LINKS + [(2, 3), (3, 2)])
    breaches = _rules(check_rules(graph, {2, 3}))
    assert breaches == {CYCLE: (2, 3)}


def test_a_longer_cycle_names_every_node_on_it_and_nothing_else():
    # 4 -> 2 -> 1 exists; adding 1 -> 4 closes a loop over 1, 2 and 4. Enabler 6 feeds the
    # loop and 3, 5 lead into 1, but none of them is on it.
    graph = build_graph(HEALTHY_NODES, HEALTHY_LINKS + [(1, 4)])
    [cycle] = [b for b in check_rules(graph, {2, 3}) if b.rule == CYCLE]
    assert cycle.nodes == (1, 2, 4)
    assert cycle.severity == "warning"
    assert cycle.message.endswith("strategy 1, objective 2, initiative 4.")


def test_a_node_linked_to_itself_is_a_cycle():
    graph = build_graph(HEALTHY_NODES, HEALTHY_LINKS + [(4, 4)])
    assert _rules(check_rules(graph, {2, 3})) == {CYCLE: (4,)}


def test_two_separate_cycles_are_reported_together():
    graph = build_graph(HEALTHY_NODES, HEALTHY_LINKS + [(3, 2), (2, 3), (5, 5)])
    assert _rules(check_rules(graph, {2, 3}))[CYCLE] == (2, 3, 5)


def test_a_diamond_is_not_a_cycle():
    # 6 enables both 4 and 5, which lead to 1 by two paths: no loop.
    assert CYCLE not in _rules(_healthy())


# --- rules: no owner --------------------------------------------------------------------


@pytest.mark.parametrize("owner", ["", "   ", "\t\n"], ids=["empty", "spaces", "whitespace"])
def test_a_node_with_a_blank_owner_is_found(owner):
    nodes = [n if n.id != 4 else NodeInfo(4, "initiative", "initiative 4", owner, 4) for n in HEALTHY_NODES]
    assert _rules(check_rules(build_graph(nodes, HEALTHY_LINKS), {2, 3})) == {NO_OWNER: (4,)}


def test_nodes_without_owner_are_named_top_layer_first():
    nodes = [NodeInfo(n.id, n.kind, n.name, "" if n.id in (1, 5, 6) else n.owner, n.position) for n in HEALTHY_NODES]
    [breach] = check_rules(build_graph(nodes, HEALTHY_LINKS), {2, 3})
    assert breach.rule == NO_OWNER
    assert breach.nodes == (1, 5, 6)
    assert breach.message == "Every element needs one person who answers for it: strategy 1, initiative 5, enabler 6."


def test_an_owner_with_a_name_is_fine():
    nodes = [NodeInfo(n.id, n.kind, n.name, " Å ", n.position) for n in HEALTHY_NODES]
    assert check_rules(build_graph(nodes, HEALTHY_LINKS), {2, 3}) == []


# --- rules: enabler enables nothing -----------------------------------------------------


def test_an_enabler_linked_to_nothing_is_found():
    assert _rules(_healthy([_node(7, "enabler")])) == {IDLE_ENABLER: (7,)}


def test_an_enabler_linked_only_to_an_objective_still_enables_nothing():
    # Not an allowed link, but the graph may hold it; the rule asks for an initiative.
    assert _rules(_healthy([_node(7, "enabler")], [(7, 2)]))[IDLE_ENABLER] == (7,)


def test_an_enabler_of_one_initiative_is_fine():
    assert _rules(_healthy([_node(7, "enabler")], [(7, 5)])) == {}


def test_several_rules_at_once_each_with_their_own_nodes():
    nodes = HEALTHY_NODES + [_node(7, "initiative", owner=""), _node(8, "objective"), _node(9, "enabler")]
    breaches = _rules(check_rules(build_graph(nodes, HEALTHY_LINKS + [(8, 1)]), {2, 3}))
    assert breaches == {NO_OBJECTIVE: (7,), NO_INITIATIVE: (8,), NO_GOAL: (8,), NO_OWNER: (7,), IDLE_ENABLER: (9,)}


# --- impact questions -------------------------------------------------------------------

# S1   S2            strategy
# O3   O4   O5       objectives:  O3 -> S1, O4 -> S2, O5 -> S2
# I6 (-> O3, O4)  I7 (-> O5)  I8 (-> O4)
# E9 (-> I6)  E10 (-> I7)  E11 (-> I6, I8)
IMPACT_NODES = [
    _node(1, "strategy"),
    _node(2, "strategy"),
    _node(3, "objective"),
    _node(4, "objective"),
    _node(5, "objective"),
    _node(6, "initiative"),
    _node(7, "initiative"),
    _node(8, "initiative"),
    _node(9, "enabler"),
    _node(10, "enabler"),
    _node(11, "enabler"),
]
IMPACT_LINKS = [(3, 1), (4, 2), (5, 2), (6, 3), (6, 4), (7, 5), (8, 4), (9, 6), (10, 7), (11, 6), (11, 8)]


@pytest.fixture
def impact_graph():
    return build_graph(IMPACT_NODES, IMPACT_LINKS)


def test_at_risk_if_an_initiative_slips_are_its_objectives_and_their_strategy(impact_graph):
    assert at_risk_if_slips(impact_graph, 6) == [1, 2, 3, 4]  # strategy first, then objectives
    assert at_risk_if_slips(impact_graph, 7) == [2, 5]
    assert at_risk_if_slips(impact_graph, 8) == [2, 4]


def test_feeds_of_an_objective_are_its_initiatives_and_their_enablers(impact_graph):
    assert feeds(impact_graph, 3) == [6, 9, 11]
    assert feeds(impact_graph, 4) == [6, 8, 9, 11]  # initiatives first, then enablers
    assert feeds(impact_graph, 5) == [7, 10]


def test_feeds_of_a_strategy_element_reach_down_to_the_enablers(impact_graph):
    assert feeds(impact_graph, 2) == [4, 5, 6, 7, 8, 9, 10, 11]


def test_needs_enabler_gives_initiatives_and_objectives_but_no_strategy(impact_graph):
    assert needs_enabler(impact_graph, 11) == [3, 4, 6, 8]  # objectives first, then initiatives
    assert needs_enabler(impact_graph, 10) == [5, 7]
    assert not {1, 2} & set(needs_enabler(impact_graph, 9))


def test_results_follow_the_stored_position_within_a_layer():
    # Objective 4 stored before objective 3: the answer follows the map's order, not the ids.
    nodes = [n if n.id not in (3, 4) else NodeInfo(n.id, n.kind, n.name, n.owner, 7 - n.id) for n in IMPACT_NODES]
    assert at_risk_if_slips(build_graph(nodes, IMPACT_LINKS), 6) == [1, 2, 4, 3]


def test_nothing_is_at_risk_for_an_unlinked_initiative():
    graph = build_graph(IMPACT_NODES + [_node(12, "initiative")], IMPACT_LINKS)
    assert at_risk_if_slips(graph, 12) == []
    assert feeds(graph, 12) == []


# --- layered layout ---------------------------------------------------------------------


def test_layers_are_strategy_objective_initiative_enabler_top_down(impact_graph):
    positions = layered_layout(impact_graph)
    assert set(positions) == set(impact_graph.nodes)
    for node, (x, y) in positions.items():
        assert y == LAYER[impact_graph.nodes[node]["kind"]]
        assert 0 < x < 1
    assert [LAYER[k] for k in NODE_KINDS] == [0, 1, 2, 3]


def test_nodes_in_a_layer_get_distinct_x_centred_across_the_widest_layer(impact_graph):
    positions = layered_layout(impact_graph)
    for layer in range(4):
        xs = sorted(x for x, y in positions.values() if y == layer)
        assert len(set(xs)) == len(xs)
        assert xs[0] + xs[-1] == pytest.approx(1.0)  # centred
    # The widest layers (3 nodes) spread over 1/6, 3/6, 5/6; the strategy layer (2) centred: 2/6, 4/6.
    assert sorted(x for x, y in positions.values() if y == 1) == pytest.approx([1 / 6, 3 / 6, 5 / 6])
    assert sorted(x for x, y in positions.values() if y == 0) == pytest.approx([2 / 6, 4 / 6])


def test_the_same_map_gets_the_same_positions(impact_graph):
    assert layered_layout(impact_graph) == layered_layout(build_graph(IMPACT_NODES, IMPACT_LINKS))


def test_the_layout_does_not_depend_on_the_order_nodes_and_links_are_given():
    shuffled_nodes, shuffled_links = list(IMPACT_NODES), list(IMPACT_LINKS)
    random.Random(4).shuffle(shuffled_nodes)
    random.Random(5).shuffle(shuffled_links)
    assert shuffled_nodes != IMPACT_NODES
    assert layered_layout(build_graph(shuffled_nodes, shuffled_links)) == layered_layout(
        build_graph(IMPACT_NODES, IMPACT_LINKS)
    )
    reversed_nodes = list(reversed(IMPACT_NODES))
    assert layered_layout(build_graph(reversed_nodes, list(reversed(IMPACT_LINKS)))) == layered_layout(
        build_graph(IMPACT_NODES, IMPACT_LINKS)
    )


def _crossings(graph, positions) -> int:
    """Pairs of links between the same two layers whose ends are in opposite order."""
    ends = []
    for a, b in graph.edges:
        upper, lower = sorted((a, b), key=lambda n: positions[n][1])
        ends.append((positions[upper], positions[lower], {a, b}))
    count = 0
    for i, (upper1, lower1, nodes1) in enumerate(ends):
        for upper2, lower2, nodes2 in ends[i + 1 :]:
            if nodes1 & nodes2 or (upper1[1], lower1[1]) != (upper2[1], lower2[1]):
                continue
            if (upper1[0] - upper2[0]) * (lower1[0] - lower2[0]) < 0:
                count += 1
    return count


def test_barycentre_ordering_removes_a_crossing_the_stored_order_would_draw():
    # Stored order: objectives A, B; initiatives X (supports B), Y (supports A). Drawn in stored
    # order, X-B and Y-A would cross; the layout puts Y under A and X under B.
    nodes = [
        NodeInfo(1, "objective", "A", "o", 0),
        NodeInfo(2, "objective", "B", "o", 1),
        NodeInfo(3, "initiative", "X", "o", 2),
        NodeInfo(4, "initiative", "Y", "o", 3),
    ]
    graph = build_graph(nodes, [(3, 2), (4, 1)])
    stored = {1: (0.25, 1.0), 2: (0.75, 1.0), 3: (0.25, 2.0), 4: (0.75, 2.0)}
    assert _crossings(graph, stored) == 1
    positions = layered_layout(graph)
    assert positions[1][0] < positions[2][0]  # objectives keep their stored order
    assert positions[4][0] < positions[3][0]  # Y moved left, under A
    assert positions[4][0] == pytest.approx(positions[1][0])
    assert positions[3][0] == pytest.approx(positions[2][0])
    assert _crossings(graph, positions) == 0


def test_enablers_follow_their_initiatives_in_the_upward_sweep():
    # Enablers E (enables the right initiative) and F (enables the left one), stored E before F.
    nodes = [
        NodeInfo(1, "objective", "O", "o", 0),
        NodeInfo(2, "initiative", "Left", "o", 1),
        NodeInfo(3, "initiative", "Right", "o", 2),
        NodeInfo(4, "enabler", "E", "o", 3),
        NodeInfo(5, "enabler", "F", "o", 4),
    ]
    graph = build_graph(nodes, [(2, 1), (3, 1), (4, 3), (5, 2)])
    positions = layered_layout(graph)
    assert positions[2][0] < positions[3][0]
    assert positions[5][0] < positions[4][0]
    assert _crossings(graph, positions) == 0


def test_the_impact_map_is_drawn_without_crossings(impact_graph):
    positions = layered_layout(impact_graph)
    assert _crossings(impact_graph, positions) == 0


def test_200_nodes_lay_out_with_every_node_placed_once():
    rng = random.Random(200)
    kinds = ["strategy"] * 10 + ["objective"] * 40 + ["initiative"] * 100 + ["enabler"] * 50
    nodes = [NodeInfo(i, kind, f"Node {i}", "o", rng.randrange(1000)) for i, kind in enumerate(kinds, start=1)]
    by_kind = {k: [n.id for n in nodes if n.kind == k] for k in NODE_KINDS}
    links = [(rng.choice(by_kind[a]), rng.choice(by_kind[b])) for (a, b) in LINK_RULES for _ in range(120)]
    graph = build_graph(nodes, links)
    positions = layered_layout(graph)
    assert len(positions) == 200
    assert all(0 < x < 1 and y == LAYER[graph.nodes[n]["kind"]] for n, (x, y) in positions.items())
    assert len(set(positions.values())) == 200  # no two nodes on one spot
    assert positions == layered_layout(graph)
    assert check_rules(graph, set(by_kind["objective"]))  # the rules answer on a large map too


# --- value against effort ---------------------------------------------------------------


@pytest.mark.parametrize(
    "value, effort, quick",
    [
        (4, 2.9, True),
        (5, 1, True),
        (3.01, 2.99, True),
        (3, 2, False),
        (4, 3, False),
        (3, 3, False),
        (2, 1, False),
        (5, 4, False),
        (None, 1, False),
        (5, None, False),
        (None, None, False),
    ],
)
def test_quick_wins_need_value_above_3_and_effort_below_3(value, effort, quick):
    assert is_quick_win(value, effort) is quick


def test_ranking_is_value_per_effort_best_first():
    # 5/1 = 5, 4/2 = 2, 3/3 = 1, 2/4 = 0.5
    assert value_effort_ranking([(1, 3, 3), (2, 2, 4), (3, 5, 1), (4, 4, 2)]) == [3, 4, 1, 2]


def test_equal_ratio_ranks_the_higher_value_first_and_full_ties_keep_their_order():
    # 4/2 = 2/1 = 2: the one with value 4 first; 3/1.5 = 2 and value 3 sits between.
    assert value_effort_ranking([(1, 2, 1), (2, 4, 2), (3, 3, 1.5)]) == [2, 3, 1]
    assert value_effort_ranking([(7, 2, 2), (5, 2, 2), (6, 2, 2)]) == [7, 5, 6]


def test_initiatives_without_value_or_effort_come_last_in_the_order_given():
    ranked = value_effort_ranking([(1, None, 2), (2, 1, 5), (3, 4, None), (4, 5, 5), (5, None, None)])
    assert ranked == [4, 2, 1, 3, 5]


def test_ranking_nothing_gives_nothing():
    assert value_effort_ranking([]) == []
