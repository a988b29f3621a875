"""The strategy step's charts: the priority matrix of target segments, the strategy map, and value
against effort of the initiatives. Pure: data in, Altair chart out; no Streamlit."""

from __future__ import annotations

import math
from dataclasses import dataclass

import altair as alt
import pandas as pd

from crmstrategy.analysis.models import PRIORITIES
from crmstrategy.analysis.scores import QUADRANT_LINE
from crmstrategy.core.charts import fit_page, money_text, place_labels, wrap
from crmstrategy.strategy.models import NODE_KIND_LABELS
from crmstrategy.strategy.strategy_graph import QUICK_WIN_LINE

NOT_CHOSEN = "Not chosen yet"


PRIORITY_COLOURS = {PRIORITIES[0]: "#1b7f3b", PRIORITIES[1]: "#2f6fb3", PRIORITIES[2]: "#9a9a9a", NOT_CHOSEN: "#e08a00"}


QUADRANT_LABELS = (  # (x, y, text, align): the corners of the 0-100 square
    (98, 98, "Prioritise", "right"),
    (2, 98, "Build ability", "left"),
    (98, 2, "Maintain", "right"),
    (2, 2, "Deprioritise", "left"),
)


NAMES_UP_TO = 8  # more segments than this are numbered, with a key of their names


MATRIX_LAPTOP_WIDTH = 640  # the narrowest plotting area a page gives the matrix (a laptop at 1280)


_MATRIX_DOMAIN = (-4, 104)  # a little room beyond 0-100, so bubbles at the edges are drawn whole


_BUBBLE = (250, 2400)  # the smallest and largest bubble (area in pixels)


_NAME_FONT, _NUMBER_FONT = 15, 13


def matrix_labels(points: list[tuple[str, float, float, float]], plot: tuple[float, float]) -> dict:
    """How the bubbles of the priority matrix are named. `points` are (name, ability,
    attractiveness, radius in pixels), `plot` the plotting area's size (pixels). Up to NAMES_UP_TO
    bubbles carry their names, above them (below near the top), if no two names overlap there;
    otherwise each gets a number, in the bubble (above or below it where two bubbles nearly meet),
    and the chart a key under it. Returns {"numbered": bool, "dy": [pixels per point]}."""
    low, high = _MATRIX_DOMAIN

    def pixels(ability: float, attractiveness: float) -> tuple[float, float]:
        return ((ability - low) / (high - low) * plot[0], (high - attractiveness) / (high - low) * plot[1])

    where = [pixels(a, t) for _, a, t, _ in points]
    if len(points) <= NAMES_UP_TO:
        offsets = [[r + 12] if t > 88 else [-(r + 12)] for _, _, t, r in points]
        dy = place_labels([name for name, *_ in points], where, offsets, _NAME_FONT)
        if dy is not None:
            return {"numbered": False, "dy": dy}
    numbers = [str(n) for n in range(1, len(points) + 1)]
    offsets = [[0.0] + [sign * (r + 10 + step) for step in (0, 18, 36) for sign in (-1, 1)] for *_, r in points]
    return {"numbered": True, "dy": place_labels(numbers, where, offsets, _NUMBER_FONT) or [0.0] * len(points)}


def priority_matrix_chart(rows, *, currency: str = "", width: int | str = 720, height: int = 540) -> alt.LayerChart:
    """Segments as bubbles: x ability, y attractiveness, size the revenue potential (else the
    revenue), colour the chosen priority; quadrant lines at 50 and the quadrants named. The bubbles
    carry their names, or numbers and a key of the names under the chart where there are many or
    the names would overlap (matrix_labels). `rows` are strengths.MatrixRow; those without an
    ability score are left out. `width` may be "container" on a page; files get a fixed size."""
    drawn = [r for r in rows if r.ability is not None]
    largest = max((max(r.bubble, 0.0) for r in drawn), default=0.0) or 1.0
    radii = [
        math.sqrt((_BUBBLE[0] + (_BUBBLE[1] - _BUBBLE[0]) * max(r.bubble, 0.0) / largest) / math.pi) for r in drawn
    ]
    layout = matrix_labels(
        [(r.name, round(r.ability, 1), round(r.attractiveness, 1), radius) for r, radius in zip(drawn, radii)],
        (width if isinstance(width, int) else MATRIX_LAPTOP_WIDTH, height),
    )
    numbered = layout["numbered"]
    keys = [f"{n}. {r.name}" for n, r in enumerate(drawn, start=1)]
    data = pd.DataFrame(
        {
            "Segment": [r.name for r in drawn],
            "Number": [str(n) for n in range(1, len(drawn) + 1)],
            "Key": keys,
            "Ability": [round(r.ability, 1) for r in drawn],
            "Attractiveness": [round(r.attractiveness, 1) for r in drawn],
            "Bubble": [max(r.bubble, 0.0) for r in drawn],
            "Revenue": [money_text(r.revenue, currency) for r in drawn],
            "Potential": [money_text(r.potential, currency) for r in drawn],
            "Growth": ["–" if r.growth is None else f"{r.growth:g} %" for r in drawn],
            "Priority": [r.priority or NOT_CHOSEN for r in drawn],
            "Quadrant": [r.quadrant for r in drawn],
            "dy": layout["dy"],
        },
        columns=[
            "Segment",
            "Number",
            "Key",
            "Ability",
            "Attractiveness",
            "Bubble",
            "Revenue",
            "Potential",
            "Growth",
            "Priority",
            "Quadrant",
            "dy",
        ],
    )
    scale = alt.Scale(domain=list(_MATRIX_DOMAIN), nice=False)
    ticks = alt.Axis(values=list(range(0, 101, 10)))
    x = alt.X("Ability:Q", scale=scale, axis=ticks, title="Ability: where we are strong (0-100)")
    y = alt.Y("Attractiveness:Q", scale=scale, axis=ticks, title="Attractiveness: size, potential, growth (0-100)")
    colour = alt.Color(
        "Priority:N",
        title="Priority",
        scale=alt.Scale(domain=list(PRIORITY_COLOURS), range=list(PRIORITY_COLOURS.values())),
        legend=alt.Legend(orient="top" if numbered else "bottom", labelFontSize=14, titleFontSize=14, labelLimit=0),
    )  # (a key of names takes the bottom)
    # Channel objects rather than "Field:Q" shorthands: Altair parses each shorthand against the
    # whole schema, which made building this chart take most of the page's time.
    tooltip = [
        alt.Tooltip(f"{name}:{'Q' if name in ('Ability', 'Attractiveness') else 'N'}")
        for name in ("Segment", "Ability", "Attractiveness", "Revenue", "Potential", "Growth", "Priority", "Quadrant")
    ]
    base = alt.Chart(data)
    bubbles = base.mark_circle(opacity=0.8, stroke="white", strokeWidth=1.5).encode(
        x=x,
        y=y,
        color=colour,
        tooltip=tooltip,
        size=alt.Size(
            "Bubble:Q", title="Potential", legend=None, scale=alt.Scale(domain=[0, largest], range=list(_BUBBLE))
        ),
    )
    if numbered:
        # The key: a legend of "number. name" in the bubbles' order, under the chart
        key = alt.Opacity(
            "Key:N",
            title="Segments",
            scale=alt.Scale(domain=keys, range=[1] * len(keys)),
            legend=alt.Legend(
                orient="bottom",
                columns=2,
                labelFontSize=14,
                titleFontSize=14,
                labelLimit=300,
                symbolOpacity=0,
                symbolSize=0,
                symbolStrokeWidth=0,
                rowPadding=3,
                titlePadding=8,
            ),
        )
        labels = base.mark_text(dy=alt.expr("datum.dy"), fontSize=_NUMBER_FONT, fontWeight="bold", color="#111").encode(
            x=x, y=y, text=alt.Text("Number:N"), opacity=key, tooltip=tooltip
        )
    else:
        labels = base.mark_text(dy=alt.expr("datum.dy"), fontSize=_NAME_FONT, fontWeight="bold", color="#222").encode(
            x=x, y=y, text=alt.Text("Segment:N"), tooltip=tooltip
        )
    lines = alt.Chart(pd.DataFrame({"value": [QUADRANT_LINE]}))
    vertical = lines.mark_rule(color="#555", strokeDash=[6, 4]).encode(x=alt.X("value:Q", scale=scale))
    horizontal = lines.mark_rule(color="#555", strokeDash=[6, 4]).encode(y=alt.Y("value:Q", scale=scale))
    corners = (
        alt.Chart(pd.DataFrame(QUADRANT_LABELS, columns=["x", "y", "t", "align"]))
        .mark_text(
            align=alt.expr("datum.align"),
            baseline=alt.expr("datum.y > 50 ? 'top' : 'bottom'"),
            fontSize=16,
            color="#777",
            fontStyle="italic",
        )
        .encode(x=alt.X("x:Q", scale=scale), y=alt.Y("y:Q", scale=scale), text=alt.Text("t:N"))
    )
    return (
        fit_page(
            alt.layer(vertical, horizontal, corners, bubbles, labels).properties(
                width=width, height=height, title="Priority matrix"
            ),
            width,
        )
        .configure_axis(labelFontSize=14, titleFontSize=15)
        .configure_title(fontSize=18)
    )


KIND_COLOURS = {"strategy": "#4b3f8f", "objective": "#1b7f3b", "initiative": "#2f6fb3", "enabler": "#b8860b"}


LAYER_TITLES = ["Company strategy", "CRM objectives", "Initiatives", "Enablers"]


def _widest_layer(positions: dict[int, tuple[float, float]]) -> int:
    return max((sum(1 for p in positions.values() if p[1] == layer) for layer in range(4)), default=1) or 1


def strategy_map_size(positions: dict[int, tuple[float, float]]) -> tuple[int, int]:
    """The plotting area of the map (pixels at scale 1): wider as its widest layer fills up."""
    widest = _widest_layer(positions)
    return max(820, (80 if widest > 8 else 160) * widest), 760 if widest > 14 else 620


# How the map's names are laid out. A page's map is as wide as the page, which the spec cannot know:
# its names are laid out for the narrowest plotting area a laptop gives it, and again, in larger
# type, for a projector's; the drawing picks one by its width.
MAP_LAPTOP_WIDTH = 640  # pixels of plotting area: a laptop at 1280 with the sidebar open


MAP_PROJECTOR_WIDTH = 1100  # a screen at 1920


_CHAR = 0.6  # a character's width in font sizes: generous for sans-serif, so a name fits its box


_PAD = 4  # round a name, inside its box


_DOT = 14  # a node's radius with its white edge, in pixels (size 520)


_RING = 21  # the red ring round a node that breaks a rule (size 1300)


_ARROW = 120  # an arrowhead's size (its area in pixels)


_GAP = 8  # between a ring and a name's box


@dataclass(frozen=True)
class MapLabels:
    font: int  # pixels
    chars: int  # per line, at most
    rows: int  # 1: every name below its node; 2: neighbours alternate below and above; 3: and further below

    @property
    def line(self) -> int:
        return round(self.font * 1.25)


def map_labels(widest: int, plot_width: float, *, largest: int = 14) -> MapLabels:
    """The largest type (up to `largest`) in which the names of a layer of `widest` nodes, wrapped to
    the room each has, stay apart; where one row is too tight, neighbours alternate rows."""
    per_node = plot_width / widest
    chars = 0
    for rows, font in ((1, largest), (1, largest - 1), (2, largest - 1), (2, largest - 2), (3, largest - 3)):
        chars = int((rows * per_node - _GAP - 2 * _PAD) / (_CHAR * font))
        if chars >= 13:
            return MapLabels(font, min(chars, 20), rows)
    return MapLabels(largest - 3, max(chars, 10), 3)


def _label_boxes(names: list[str], layout: MapLabels) -> list[dict]:
    """For the names of one layer, left to right: the wrapped label, its type (font, line height),
    where its text starts below the node's centre (dy, negative above), and its box (width, height,
    centre below the node's centre)."""
    wrapped = [wrap(name, layout.chars).split("\n") for name in names]
    heights = [len(lines) * layout.line for lines in wrapped]
    below = _RING + _GAP + _PAD
    first_row = max((h for n, h in enumerate(heights) if n % layout.rows == 0), default=0)
    boxes = []
    for n, lines in enumerate(wrapped):
        row = n % layout.rows
        dy = below if row == 0 else -(below + heights[n]) if row == 1 else below + first_row + 2 * _PAD + _GAP
        boxes.append(
            {
                "label": "\n".join(lines),
                "font": layout.font,
                "line": layout.line,
                "dy": dy,
                "box_w": round(max(map(len, lines)) * _CHAR * layout.font + 2 * _PAD),
                "box_h": heights[n] + 2 * _PAD,
                "box_y": dy + heights[n] / 2,
            }
        )
    return boxes


def strategy_map_chart(
    nodes: dict,
    links: list[tuple[int, int]],
    positions: dict[int, tuple[float, float]],
    breached: set[int],
    *,
    width: int | str | None = None,
) -> alt.LayerChart:
    """The layered map: company strategy on top, then objectives, initiatives, enablers; colour by
    kind, a red ring round nodes that break a rule, and a line with an arrowhead from each node to
    what it supports. Each name sits on a white box drawn over the lines, so no line runs through
    it. `nodes` maps id -> an object with kind, name, owner. In a crowded layer the names alternate
    above and below their node, so 60 nodes stay legible. A page's map (`width="container"`) has
    its names laid out for a laptop and for a projector (map_labels)."""

    widest = _widest_layer(positions)
    fixed_width, height = strategy_map_size(positions)
    on_page = width == "container"
    assert on_page or not isinstance(width, str), "the only width in words is 'container'"
    layouts = [map_labels(widest, MAP_LAPTOP_WIDTH if isinstance(width, str) else width or fixed_width)]
    if on_page:
        layouts.append(map_labels(widest, MAP_PROJECTOR_WIDTH, largest=16))
    suffixes = ("", "_wide")[: len(layouts)]
    order = sorted(positions, key=lambda n: (positions[n][1], positions[n][0]))
    layers = {y: [n for n in order if positions[n][1] == y] for y in sorted({positions[n][1] for n in order})}
    boxes: dict[int, dict] = {n: {} for n in order}
    for suffix, layout in zip(suffixes, layouts):
        for members in layers.values():
            for node_id, box in zip(members, _label_boxes([nodes[n].name for n in members], layout)):
                boxes[node_id] |= {f"{key}{suffix}": value for key, value in box.items()}
    rows = [
        {
            "x": positions[n][0],
            "y": positions[n][1],
            "Name": nodes[n].name,
            "Kind": NODE_KIND_LABELS[nodes[n].kind],
            "Owner": nodes[n].owner or "– no owner –",
            "Breaks a rule": "yes" if n in breached else "no",
        }
        | boxes[n]
        for n in order
    ]
    node_data = pd.DataFrame(
        rows,
        columns=[
            "x",
            "y",
            "Name",
            "Kind",
            "Owner",
            "Breaks a rule",
            *(
                f"{key}{suffix}"
                for suffix in suffixes
                for key in ("label", "font", "line", "dy", "box_w", "box_h", "box_y")
            ),
        ],
    )
    drawn = [(s, t) for s, t in links if s in positions and t in positions]
    edge_data = pd.DataFrame(
        [
            {
                "x": positions[s][0],
                "y": positions[s][1],
                "x2": positions[t][0],
                "y2": positions[t][1],
                "Supports": nodes[t].name,
                "From": nodes[s].name,
                "reach": (_RING if t in breached else _DOT) + 6,
            }
            for s, t in drawn
        ],
        columns=["x", "y", "x2", "y2", "Supports", "From", "reach"],
    )

    def chosen(field: str) -> alt.ExprRef:
        """The field of the layout the drawing's width calls for."""
        return alt.expr(
            f"width >= {MAP_PROJECTOR_WIDTH} ? datum.{field}_wide : datum.{field}" if on_page else f"datum.{field}"
        )

    # Room above the top layer and below the bottom one for their names (in pixels), the layers evenly
    # spaced in between
    top = max(
        [_RING + _GAP]
        + [-(row[f"box_y{suffix}"] - row[f"box_h{suffix}"] / 2) for row in rows if row["y"] == 0 for suffix in suffixes]
    )
    bottom = max(
        [_RING + _GAP]
        + [row[f"box_y{suffix}"] + row[f"box_h{suffix}"] / 2 for row in rows if row["y"] == 3 for suffix in suffixes]
    )
    per_layer = (height - top - bottom) / 3
    x_scale = alt.Scale(domain=[0, 1], nice=False)
    y_scale = alt.Scale(domain=[-top / per_layer, 3 + bottom / per_layer], reverse=True, nice=False)
    y_axis = alt.Axis(
        values=[0, 1, 2, 3],
        labelExpr=f"{LAYER_TITLES}[datum.value]",
        title=None,
        grid=False,
        labelFontSize=15,
        labelFontWeight="bold",
        domain=False,
        ticks=False,
    )
    x = alt.X("x:Q", scale=x_scale, axis=None)
    y = alt.Y("y:Q", scale=y_scale, axis=y_axis)
    edges = (
        alt.Chart(edge_data)
        .mark_rule(color="#8a8a8a", strokeWidth=1.6)
        .encode(x=x, y=y, x2=alt.X2("x2:Q"), y2=alt.Y2("y2:Q"))
    )
    # An arrowhead at the edge of the supported node, turned along its line (in pixels, whatever the width)
    dx, dy = "(scale('x', datum.x2) - scale('x', datum.x))", "(scale('y', datum.y2) - scale('y', datum.y))"
    length = f"max(1, sqrt({dx} * {dx} + {dy} * {dy}))"
    arrows = (
        alt.Chart(edge_data)
        .mark_point(
            shape="triangle",
            filled=True,
            size=_ARROW,
            color="#6b6b6b",
            opacity=1,
            strokeWidth=0,
            angle=alt.expr(f"atan2({dx}, -{dy}) * 180 / PI"),
            xOffset=alt.expr(f"-{dx} / {length} * datum.reach"),
            yOffset=alt.expr(f"-{dy} / {length} * datum.reach"),
        )
        .encode(
            x=alt.X("x2:Q", scale=x_scale, axis=None),
            y=alt.Y("y2:Q", scale=y_scale, axis=y_axis),
            tooltip=[alt.Tooltip("From:N"), alt.Tooltip("Supports:N")],
        )
    )
    tooltip = [alt.Tooltip("Name:N"), alt.Tooltip("Kind:N"), alt.Tooltip("Owner:N"), alt.Tooltip("Breaks a rule:N")]
    kinds = list(NODE_KIND_LABELS.values())
    colour = alt.Color(
        "Kind:N",
        scale=alt.Scale(domain=kinds, range=[KIND_COLOURS[k] for k in NODE_KIND_LABELS]),
        legend=alt.Legend(orient="bottom", title=None, labelFontSize=14, labelLimit=0, symbolSize=180),
    )
    base = alt.Chart(node_data)
    label_boxes = base.mark_rect(
        fill="white",
        stroke="#d0d4da",
        strokeWidth=1,
        cornerRadius=4,
        aria=False,
        width=chosen("box_w"),
        height=chosen("box_h"),
        yOffset=chosen("box_y"),
    ).encode(x=x, y=y)
    rings = (
        base.transform_filter(alt.datum["Breaks a rule"] == "yes")
        .mark_circle(size=1300, color="#d62728", opacity=0.9)
        .encode(x=x, y=y, tooltip=tooltip)
    )
    dots = base.mark_circle(size=520, opacity=1, stroke="white", strokeWidth=2).encode(
        x=x, y=y, color=colour, tooltip=tooltip
    )
    labels = base.mark_text(
        text=chosen("label"),
        fontSize=chosen("font"),
        lineHeight=chosen("line"),
        lineBreak="\n",
        baseline="top",
        dy=chosen("dy"),
        color="#1a1a1a",
    ).encode(x=x, y=y, tooltip=tooltip)
    return (
        fit_page(
            alt.layer(edges, label_boxes, arrows, rings, dots, labels).properties(
                width=width or fixed_width, height=height, title="Strategy map"
            ),
            width,
        )
        .configure_title(fontSize=18)
        .configure_view(stroke=None)
    )


def value_effort_chart(points: list[dict], *, width: int | str = 640, height: int = 440) -> alt.LayerChart:
    """Initiatives by business value (1-5) against effort (mean of complexity, time and cost,
    1-5); the quick-wins quadrant (value above 3, effort below 3) shaded and named. `points`:
    dicts with Initiative, Value, Effort, Owner, Quick win."""

    data = pd.DataFrame(points, columns=["Initiative", "Value", "Effort", "Owner", "Quick win"])
    scale = alt.Scale(domain=[0.8, 5.2], nice=False)
    x = alt.X(
        "Effort:Q",
        scale=scale,
        axis=alt.Axis(values=[1, 2, 3, 4, 5]),
        title="Effort (complexity, time, cost: 1 low – 5 high)",
    )
    y = alt.Y("Value:Q", scale=scale, axis=alt.Axis(values=[1, 2, 3, 4, 5]), title="Business value (1-5)")
    quadrant = alt.Chart(pd.DataFrame({"x": [0.8], "x2": [QUICK_WIN_LINE], "y": [QUICK_WIN_LINE], "y2": [5.2]}))
    shade = quadrant.mark_rect(color="#1b7f3b", opacity=0.10).encode(
        x=alt.X("x:Q", scale=scale), x2="x2:Q", y=alt.Y("y:Q", scale=scale), y2="y2:Q"
    )
    name = quadrant.mark_text(
        text="Quick wins", align="left", baseline="top", dx=8, dy=8, fontSize=16, color="#1b7f3b", fontStyle="italic"
    ).encode(x=alt.X("x:Q", scale=scale), y=alt.Y("y2:Q", scale=scale))
    tooltip = [
        alt.Tooltip("Initiative:N"),
        alt.Tooltip("Value:Q"),
        alt.Tooltip("Effort:Q", format=".1f"),
        alt.Tooltip("Owner:N"),
        alt.Tooltip("Quick win:N"),
    ]
    base = alt.Chart(data)
    dots = base.mark_circle(size=260, color=KIND_COLOURS["initiative"], opacity=0.85).encode(x=x, y=y, tooltip=tooltip)
    labels = base.mark_text(dy=-16, fontSize=13, color="#1a1a1a").encode(
        x=x, y=y, text=alt.Text("Initiative:N"), tooltip=tooltip
    )
    chart = alt.layer(shade, name, dots, labels).properties(width=width, height=height, title="Value against effort")
    assert isinstance(chart, alt.LayerChart)  # alt.layer makes a FacetChart only of layers with a facet encoding
    return chart
