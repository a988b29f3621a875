"""The strategy map and value-against-effort charts: valid Vega-Lite, and SVG files in which every
name and every line is drawn."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pytest

from crmstrategy.core.charts import chart_spec, chart_svg, wrap
from crmstrategy.strategy.charts import (
    MAP_LAPTOP_WIDTH,
    MAP_PROJECTOR_WIDTH,
    map_labels,
    strategy_map_chart,
    value_effort_chart,
)
from crmstrategy.strategy.strategy_graph import NodeInfo, build_graph, layered_layout
from tests.unit.scene import items, marks, scene

NORWEGIAN = ["Økt lojalitet", "Færre kunder går", "Å være enklest"]

# A map of ten: two strategy elements, three objectives, three initiatives, two enablers.
NODES = [
    NodeInfo(1, "strategy", "Grow with existing customers", "Hanne", 0),
    NodeInfo(2, "strategy", "Å være enklest", "Hanne", 1),
    NodeInfo(3, "objective", "Økt lojalitet", "Erik", 2),
    NodeInfo(4, "objective", "Færre kunder går", "Erik", 3),
    NodeInfo(5, "objective", "More projects per contractor", "Mona", 4),
    NodeInfo(6, "initiative", "Proactive call when a regular goes quiet", "Mona", 5),
    NodeInfo(7, "initiative", "Order ahead in the app, pick up in 10 minutes", "Siri", 6),
    NodeInfo(8, "initiative", "Monthly newsletter", "", 7),
    NodeInfo(9, "enabler", "One CRM platform", "Tor", 8),
    NodeInfo(10, "enabler", "Customer data of good quality", "Tor", 9),
]
LINKS = [(3, 1), (4, 2), (5, 1), (6, 3), (6, 4), (7, 4), (9, 6), (9, 7), (10, 6)]


def _draw(nodes=NODES, links=LINKS, breached=frozenset({8})):
    graph = build_graph(nodes, links)
    return strategy_map_chart({n.id: n for n in nodes}, links, layered_layout(graph), set(breached))


def _tag(element) -> str:
    return element.tag.rsplit("}", 1)[-1]


def _svg(chart) -> ET.Element:
    root = ET.fromstring(chart_svg(chart))
    assert _tag(root) == "svg"
    return root


def _words(root) -> list[str]:
    """Every word in <text> elements (wrapped names are split over <tspan>s inside them)."""
    return [word for element in root.iter() if _tag(element) == "text" for word in " ".join(element.itertext()).split()]


def _texts(root) -> set[str]:
    """The text of each <text> element, its wrapped lines (<tspan>s) joined by a space."""
    return {" ".join(element.itertext()) for element in root.iter() if _tag(element) == "text"}


def _rules(root) -> list[ET.Element]:
    """The links: vl-convert draws each rule mark as one <line> with a rule-mark role."""
    return [e for e in root.iter() if _tag(e) == "line" and e.get("aria-roledescription") == "rule mark"]


def _translate(element) -> tuple[float, float]:
    x, y = re.fullmatch(r"translate\(([-\d.e]+),([-\d.e]+)\)", element.get("transform")).groups()
    return float(x), float(y)


def _dot_centres(root) -> dict[str, tuple[float, float]]:
    """Name -> centre of its dot (the circles coloured by kind, not the red rings)."""
    centres = {}
    for e in root.iter():
        label = e.get("aria-label") or ""
        if e.get("aria-roledescription") == "circle" and e.get("stroke") == "white" and "Name: " in label:
            name = re.search(r"Name: (.*?); Owner:", label).group(1)
            centres[name] = _translate(e)
    return centres


def _line_ends(line) -> tuple[tuple[float, float], tuple[float, float]]:
    x, y = _translate(line)
    return (round(x, 3), round(y, 3)), (round(x + float(line.get("x2")), 3), round(y + float(line.get("y2")), 3))


# --- the strategy map -------------------------------------------------------------------


def test_the_map_spec_is_valid_vega_lite():
    chart = _draw()
    spec = chart.to_dict(validate=True)  # raises if the spec breaks the Vega-Lite schema
    assert spec["title"] == "Strategy map"
    assert chart_spec(chart)["layer"] == spec["layer"]
    names = {row["Name"] for rows in spec["datasets"].values() for row in rows if "Name" in row}
    assert names == {n.name for n in NODES}


def test_the_spec_marks_breached_nodes_and_blank_owners():
    spec = _draw().to_dict()
    rows = {row["Name"]: row for rows in spec["datasets"].values() for row in rows if "Name" in row}
    assert rows["Monthly newsletter"]["Breaks a rule"] == "yes"
    assert rows["Monthly newsletter"]["Owner"] == "– no owner –"
    assert rows["One CRM platform"]["Breaks a rule"] == "no"
    assert rows["Økt lojalitet"]["Kind"] == "CRM objective"


def test_the_svg_names_every_node_with_all_its_words():
    words = _words(_svg(_draw()))
    for node in NODES:
        for word in node.name.split():
            assert word in words, f"{word!r} of {node.name!r} is missing"
    texts = _texts(_svg(_draw()))
    assert {n.name for n in NODES} <= texts  # each name whole, its wrapped lines in order
    assert {"Company strategy", "CRM objectives", "Initiatives", "Enablers"} <= texts


def test_norwegian_letters_are_drawn_intact():
    root = _svg(_draw())
    texts = _texts(root)
    assert set(NORWEGIAN) <= texts  # short enough to stay on one line each
    assert "Ã" not in "".join(texts)  # no UTF-8 read as Latin-1 anywhere


def _assert_each_link_is_a_line_from_dot_to_dot(root, nodes, links) -> None:
    lines = _rules(root)
    assert len(lines) == len(links)
    centres = {name: (round(x, 3), round(y, 3)) for name, (x, y) in _dot_centres(root).items()}
    assert set(centres) == {n.name for n in nodes}
    names = {n.id: n.name for n in nodes}
    drawn = sorted(_line_ends(line) for line in lines)
    expected = sorted((centres[names[s]], centres[names[t]]) for s, t in links)
    assert drawn == expected  # each line starts at the supporting dot and ends at the supported one


def test_every_link_is_one_line_from_dot_to_dot():
    _assert_each_link_is_a_line_from_dot_to_dot(_svg(_draw()), NODES, LINKS)


def test_adding_a_link_adds_one_line():
    before = len(_rules(_svg(_draw())))
    after = len(_rules(_svg(_draw(links=LINKS + [(8, 5)]))))
    assert after == before + 1


def test_a_map_without_links_draws_no_lines_but_every_node():
    root = _svg(_draw(links=[]))
    assert _rules(root) == []
    assert len(_dot_centres(root)) == len(NODES)


def test_links_to_nodes_without_a_position_are_left_out():
    nodes = {n.id: n for n in NODES}
    positions = layered_layout(build_graph(NODES, LINKS))
    chart = strategy_map_chart(nodes, LINKS + [(8, 99)], positions, set())
    assert len(_rules(_svg(chart))) == len(LINKS)


def test_the_same_map_gives_the_identical_svg():
    assert chart_svg(_draw()) == chart_svg(_draw())


def test_nodes_given_in_another_order_give_the_identical_svg():
    # The positions come from the stored positions and ids, not from the order of the list.
    assert chart_svg(_draw(nodes=list(reversed(NODES)))) == chart_svg(_draw())


def test_a_breached_node_gets_a_red_ring_and_others_do_not():
    root = _svg(_draw(breached={8, 3}))
    rings = [e for e in root.iter() if e.get("aria-roledescription") == "circle" and e.get("fill") == "#d62728"]
    assert sorted(re.search(r"Name: (.*?);", r.get("aria-label")).group(1) for r in rings) == [
        "Monthly newsletter",
        "Økt lojalitet",
    ]


def _crowded_map(count: int = 60):
    kinds = ["strategy"] * 4 + ["objective"] * 12 + ["initiative"] * 30 + ["enabler"] * 14
    assert len(kinds) == count
    nodes = [
        NodeInfo(i, kind, f"{kind.capitalize()} number {i} with a fairly long name", f"Owner {i % 5}", i)
        for i, kind in enumerate(kinds, start=1)
    ]
    nodes[0] = NodeInfo(1, "strategy", NORWEGIAN[2], "Hanne", 1)
    nodes[4] = NodeInfo(5, "objective", NORWEGIAN[0], "Erik", 5)
    nodes[16] = NodeInfo(17, "initiative", NORWEGIAN[1], "Mona", 17)
    by_kind = {k: [n.id for n in nodes if n.kind == k] for k in set(kinds)}
    links = [(o, by_kind["strategy"][i % 4]) for i, o in enumerate(by_kind["objective"])]
    links += [(n, by_kind["objective"][i % 12]) for i, n in enumerate(by_kind["initiative"])]
    links += [(e, by_kind["initiative"][(2 * i) % 30]) for i, e in enumerate(by_kind["enabler"])]
    links += [(e, by_kind["initiative"][(2 * i + 1) % 30]) for i, e in enumerate(by_kind["enabler"])]
    return nodes, links


def test_a_60_node_map_renders_crowded_with_every_name_and_line():
    nodes, links = _crowded_map()
    chart = _draw(nodes, links, breached={17})
    spec = chart.to_dict(validate=True)
    assert spec["width"] > _draw().to_dict()["width"]  # the map widens with its widest layer
    rows = sorted(
        (row for rows in spec["datasets"].values() for row in rows if "Name" in row and row["y"] == 2),
        key=lambda row: row["x"],
    )
    assert len(rows) == 30
    # Crowded: the names of neighbours go to different rows (above and below their node)
    assert len({row["dy"] for row in rows}) > 1
    assert all(left["dy"] != right["dy"] for left, right in zip(rows, rows[1:]))
    assert any(row["dy"] < 0 for row in rows) and any(row["dy"] > 0 for row in rows)
    root = _svg(chart)
    words = _words(root)
    for node in nodes:
        for word in node.name.split():
            assert word in words
    texts = _texts(root)
    assert set(NORWEGIAN) <= texts
    assert {n.name for n in nodes} <= texts
    assert len(_dot_centres(root)) == 60
    _assert_each_link_is_a_line_from_dot_to_dot(root, nodes, links)


def test_a_small_map_is_not_crowded():
    spec = _draw().to_dict()
    rows = [row for rows in spec["datasets"].values() for row in rows if "Name" in row]
    assert len({row["dy"] for row in rows}) == 1  # every name below its node
    assert spec["width"] == 820


def test_width_can_be_given_for_a_page():
    assert _draw().properties(width="container").to_dict()["width"] == "container"
    nodes = {n.id: n for n in NODES}
    chart = strategy_map_chart(nodes, LINKS, layered_layout(build_graph(NODES, LINKS)), set(), width="container")
    assert chart.to_dict(validate=True)["width"] == "container"


def test_an_empty_map_still_renders():
    chart = strategy_map_chart({}, [], {}, set())
    chart.to_dict(validate=True)
    root = _svg(chart)
    assert _rules(root) == [] and _dot_centres(root) == {}


# --- wrap -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, width, wrapped",
    [
        ("abc def", 7, "abc def"),  # 3 + 1 + 3 = 7 fits exactly
        ("abc def", 6, "abc\ndef"),  # one over: broken
        ("abc def ghi", 7, "abc def\nghi"),
        ("Kundeopplevelsesplattform for alle", 10, "Kundeopplevelsesplattform\nfor alle"),  # a long word stays whole
        ("a Kundeopplevelsesplattform", 10, "a\nKundeopplevelsesplattform"),
        ("  many   spaces  here ", 40, "many spaces here"),
        ("", 10, ""),
        ("one", 1, "one"),
        ("Økt lojalitet blant håndverkere", 14, "Økt lojalitet\nblant\nhåndverkere"),
    ],
)
def test_wrap_breaks_at_spaces_near_the_width(text, width, wrapped):
    assert wrap(text, width) == wrapped


def test_wrap_never_loses_or_reorders_a_word():
    text = "Order ahead in the app, pick up in 10 minutes at the counter of your choice"
    for width in range(1, 40):
        lines = wrap(text, width).split("\n")
        assert " ".join(lines).split() == text.split()
        assert all(len(line) <= width or " " not in line for line in lines)


# --- value against effort ---------------------------------------------------------------

POINTS = [
    {"Initiative": "Proactive call", "Value": 4, "Effort": 1.67, "Owner": "Mona", "Quick win": "yes"},
    {"Initiative": "Order ahead in the app", "Value": 5, "Effort": 4.0, "Owner": "Siri", "Quick win": "no"},
    {"Initiative": "Færre kunder går", "Value": 3, "Effort": 3.0, "Owner": "Siri", "Quick win": "no"},
]


def test_the_value_effort_spec_is_valid_and_its_svg_names_the_quick_wins():
    chart = value_effort_chart(POINTS)
    spec = chart.to_dict(validate=True)
    assert spec["title"] == "Value against effort"
    root = _svg(chart)
    texts = _texts(root)
    assert "Quick wins" in texts
    assert {p["Initiative"] for p in POINTS} <= texts


def test_the_quick_win_quadrant_is_value_above_3_and_effort_below_3():
    spec = value_effort_chart(POINTS).to_dict()
    [quadrant] = [row for rows in spec["datasets"].values() for row in rows if "x2" in row]
    assert (quadrant["x"], quadrant["x2"], quadrant["y"], quadrant["y2"]) == (0.8, 3.0, 3.0, 5.2)


def test_an_empty_value_effort_chart_still_renders():
    chart = value_effort_chart([])
    chart.to_dict(validate=True)
    texts = _texts(_svg(chart))
    assert "Quick wins" in texts


# --- arrowheads and names on boxes --------------------------------------------------------------

# How wide the map's chart is on the page (its layer names included), measured in Chromium: a laptop at 1280×720
# and a projector at 1920×1080, the sidebar open
LAPTOP_PAGE, PROJECTOR_PAGE = 790, 1440


def _named(item: dict, field: str) -> str:
    return re.search(rf"{field}: (.*?)(;|$)", item["description"]).group(1)


def _scene_dots(drawn) -> dict[str, dict]:
    return {_named(item, "Name"): item for item in items(drawn, name="layer_4_marks")}


def _assert_one_arrowhead_per_link_at_the_supported_node(drawn, nodes, links, breached=frozenset()) -> None:
    names = {n.id: n.name for n in nodes}
    dots = _scene_dots(drawn)
    arrows = items(drawn, name="layer_2_marks")
    assert len(arrows) == len(links)
    assert {a["shape"] for a in arrows} == {"triangle"}
    assert sorted((_named(a, "From"), _named(a, "Supports")) for a in arrows) == sorted(
        (names[s], names[t]) for s, t in links
    )
    for arrow in arrows:
        source, target = dots[_named(arrow, "From")], dots[_named(arrow, "Supports")]
        towards = math.atan2(target["x"] - source["x"], -(target["y"] - source["y"]))  # 0 is up, clockwise
        # A triangle points up; turned by its angle it points from the supporting node to the supported one
        assert math.radians(arrow["angle"]) == pytest.approx(towards)
        # It sits on the line, just outside the supported node's dot (or its red ring)
        back = math.hypot(target["x"] - arrow["x"], target["y"] - arrow["y"])
        along = math.atan2(target["x"] - arrow["x"], -(target["y"] - arrow["y"]))
        assert along == pytest.approx(towards)
        edge = 21 if _named(arrow, "Supports") in breached else 14
        tip = back - math.sqrt(arrow["size"]) / 2
        assert edge <= tip <= edge + 3


def test_every_link_has_one_arrowhead_pointing_at_the_node_it_supports():
    chart = _draw(breached={8, 3})
    spec = chart.to_dict(validate=True)
    [arrows] = [layer for layer in spec["layer"] if layer["mark"].get("shape") == "triangle"]
    rows = spec["datasets"][arrows["data"]["name"]]
    positions = layered_layout(build_graph(NODES, LINKS))
    assert sorted((r["x"], r["y"], r["x2"], r["y2"]) for r in rows) == sorted(
        (*positions[s], *positions[t]) for s, t in LINKS
    )
    assert arrows["encoding"]["x"]["field"] == "x2" and arrows["encoding"]["y"]["field"] == "y2"
    names = {n.id: n.name for n in NODES}
    _assert_one_arrowhead_per_link_at_the_supported_node(scene(chart), NODES, LINKS, {names[8], names[3]})


def test_arrowheads_follow_their_lines_at_any_width_of_a_page():
    nodes = {n.id: n for n in NODES}
    chart = strategy_map_chart(nodes, LINKS, layered_layout(build_graph(NODES, LINKS)), set(), width="container")
    for width in (LAPTOP_PAGE, PROJECTOR_PAGE, 500):
        _assert_one_arrowhead_per_link_at_the_supported_node(scene(chart.properties(width=width)), NODES, LINKS)


def test_a_crowded_map_has_an_arrowhead_per_link():
    nodes, links = _crowded_map()
    _assert_one_arrowhead_per_link_at_the_supported_node(scene(_draw(nodes, links, breached=set())), nodes, links)


def _boxes_and_labels(drawn) -> list[tuple[dict, dict]]:
    boxes = items(drawn, name="layer_1_marks")
    labels = items(drawn, name="layer_5_marks")
    assert len(boxes) == len(labels)
    return list(zip(boxes, labels))


def _assert_names_sit_on_boxes_drawn_over_the_lines(drawn) -> None:
    order = [m.get("name") for m in marks(drawn)]
    assert order.index("layer_0_marks") < order.index("layer_1_marks") < order.index("layer_5_marks")
    assert [m["marktype"] for m in marks(drawn) if m.get("name") in ("layer_0_marks", "layer_1_marks")] == [
        "rule",
        "rect",
    ]
    for box, label in _boxes_and_labels(drawn):
        assert box["fill"] == "white"
        lines = label["text"].split("\n")
        top = label["y"] + label["dy"]
        # The box is centred under (or over) the name and holds all its lines
        assert box["x"] + box["width"] / 2 == pytest.approx(label["x"])
        assert box["y"] <= top and top + len(lines) * label["lineHeight"] <= box["y"] + box["height"]
        assert box["width"] >= max(map(len, lines)) * 0.55 * label["fontSize"]
        # and keeps clear of its own node's dot (and red ring)
        assert box["y"] >= label["y"] + 21 or box["y"] + box["height"] <= label["y"] - 21


def _assert_boxes_keep_apart(drawn) -> None:
    boxes = [box for box, _ in _boxes_and_labels(drawn)]
    for n, a in enumerate(boxes):
        for b in boxes[n + 1 :]:
            apart = (
                a["x"] + a["width"] <= b["x"]
                or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"]
                or b["y"] + b["height"] <= a["y"]
            )
            assert apart, (a, b)


def test_every_name_sits_on_a_box_drawn_over_the_lines():
    drawn = scene(_draw())
    _assert_names_sit_on_boxes_drawn_over_the_lines(drawn)
    _assert_boxes_keep_apart(drawn)
    texts = {label["text"].replace("\n", " ") for _, label in _boxes_and_labels(drawn)}
    assert texts == {n.name for n in NODES}


def test_on_a_page_names_stay_apart_on_a_laptop_and_grow_on_a_projector():
    """The demo's widest layer holds five nodes."""
    demo_like = NODES + [
        NodeInfo(11, "initiative", "Loyalty programme for installers", "Siri", 10),
        NodeInfo(12, "initiative", "Project contact for every large contractor", "Siri", 11),
    ]
    nodes = {n.id: n for n in demo_like}
    chart = strategy_map_chart(nodes, LINKS, layered_layout(build_graph(demo_like, LINKS)), set(), width="container")
    sizes = []
    for width, plot in ((LAPTOP_PAGE, MAP_LAPTOP_WIDTH), (PROJECTOR_PAGE, MAP_PROJECTOR_WIDTH)):
        drawn = scene(chart.properties(width=width))
        assert drawn["width"] == width  # the chart takes the page's width, no more
        [frame] = items(drawn, role="frame")
        assert frame["width"] >= plot  # and leaves the plotting area the names were laid out for
        _assert_names_sit_on_boxes_drawn_over_the_lines(drawn)
        _assert_boxes_keep_apart(drawn)
        sizes.append({label["fontSize"] for _, label in _boxes_and_labels(drawn)})
    laptop, projector = sizes
    assert len(laptop) == len(projector) == 1 and min(laptop) >= 13 and min(projector) > max(laptop)


def test_a_crowded_map_keeps_its_names_on_boxes_apart():
    nodes, links = _crowded_map()
    drawn = scene(_draw(nodes, links, breached={17}))
    _assert_names_sit_on_boxes_drawn_over_the_lines(drawn)
    _assert_boxes_keep_apart(drawn)


@pytest.mark.parametrize(
    "widest, width, font, rows",
    [
        (3, 820, 14, 1),
        (5, MAP_LAPTOP_WIDTH, 14, 1),
        (30, 2400, 13, 2),
        (8, 640, 13, 2),
        (11, 640, 12, 2),
        (20, 900, 11, 3),
    ],
)
def test_map_labels_take_the_largest_type_that_keeps_the_names_apart(widest, width, font, rows):
    layout = map_labels(widest, width)
    assert (layout.font, layout.rows) == (font, rows)
    assert layout.chars >= 10
