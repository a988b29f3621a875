"""Altair charts the pages show and the exports embed, and their PNG/SVG rendering
(vl-convert: no browser needed). Pure: data in, chart or bytes out; no Streamlit."""

from __future__ import annotations

import altair as alt
import pandas as pd
import vl_convert

from crmstrategy.models import PRIORITIES
from crmstrategy.scores import QUADRANT_LINE

NOT_CHOSEN = "Not chosen yet"
PRIORITY_COLOURS = {PRIORITIES[0]: "#1b7f3b", PRIORITIES[1]: "#2f6fb3", PRIORITIES[2]: "#9a9a9a", NOT_CHOSEN: "#e08a00"}
QUADRANT_LABELS = (  # (x, y, text, align): the corners of the 0-100 square
    (98, 98, "Prioritise", "right"), (2, 98, "Build ability", "left"),
    (98, 2, "Maintain", "right"), (2, 2, "Deprioritise", "left"),
)


def priority_matrix_chart(rows, *, currency: str = "", width: int | str = 720, height: int = 540) -> alt.LayerChart:
    """Segments as bubbles: x ability, y attractiveness, size the revenue potential (else the
    revenue), colour the chosen priority; quadrant lines at 50 and the quadrants named.
    `rows` are strengths.MatrixRow; those without an ability score are left out. `width` may be
    "container" on a page; files get a fixed size."""
    drawn = [r for r in rows if r.ability is not None]
    data = pd.DataFrame({
        "Segment": [r.name for r in drawn],
        "Ability": [round(r.ability, 1) for r in drawn],
        "Attractiveness": [round(r.attractiveness, 1) for r in drawn],
        "Bubble": [max(r.bubble, 0.0) for r in drawn],
        "Revenue": [_money(r.revenue, currency) for r in drawn],
        "Potential": [_money(r.potential, currency) for r in drawn],
        "Growth": ["–" if r.growth is None else f"{r.growth:g} %" for r in drawn],
        "Priority": [r.priority or NOT_CHOSEN for r in drawn],
        "Quadrant": [r.quadrant for r in drawn],
    }, columns=["Segment", "Ability", "Attractiveness", "Bubble", "Revenue", "Potential", "Growth", "Priority",
                "Quadrant"])
    # A little room beyond 0-100, so bubbles at the edges are drawn whole
    scale = alt.Scale(domain=[-4, 104], nice=False)
    ticks = alt.Axis(values=list(range(0, 101, 10)))
    x = alt.X("Ability:Q", scale=scale, axis=ticks, title="Ability: where we are strong (0-100)")
    y = alt.Y("Attractiveness:Q", scale=scale, axis=ticks, title="Attractiveness: size, potential, growth (0-100)")
    colour = alt.Color("Priority:N", title="Priority",
                       scale=alt.Scale(domain=list(PRIORITY_COLOURS), range=list(PRIORITY_COLOURS.values())),
                       legend=alt.Legend(orient="bottom", labelFontSize=14, titleFontSize=14, labelLimit=0))
    # Channel objects rather than "Field:Q" shorthands: Altair parses each shorthand against the
    # whole schema, which made building this chart take most of the page's time.
    tooltip = [alt.Tooltip(f"{name}:{'Q' if name in ('Ability', 'Attractiveness') else 'N'}")
               for name in ("Segment", "Ability", "Attractiveness", "Revenue", "Potential", "Growth", "Priority",
                            "Quadrant")]
    base = alt.Chart(data)
    bubbles = base.mark_circle(opacity=0.75, stroke="white", strokeWidth=1.5).encode(
        x=x, y=y, color=colour, tooltip=tooltip,
        size=alt.Size("Bubble:Q", title="Potential", legend=None, scale=alt.Scale(range=[250, 2400])))
    # Names above their bubble, except near the top edge, where they would run into the title
    labels = base.mark_text(dy=alt.expr("datum.Attractiveness > 88 ? 34 : -32"), fontSize=15, fontWeight="bold", color="#222").encode(
        x=x, y=y, text=alt.Text("Segment:N"), tooltip=tooltip)
    lines = alt.Chart(pd.DataFrame({"value": [QUADRANT_LINE]}))
    vertical = lines.mark_rule(color="#555", strokeDash=[6, 4]).encode(x=alt.X("value:Q", scale=scale))
    horizontal = lines.mark_rule(color="#555", strokeDash=[6, 4]).encode(y=alt.Y("value:Q", scale=scale))
    corners = alt.Chart(pd.DataFrame(QUADRANT_LABELS, columns=["x", "y", "t", "align"])).mark_text(
        align=alt.expr("datum.align"), baseline=alt.expr("datum.y > 50 ? 'top' : 'bottom'"), fontSize=16,
        color="#777", fontStyle="italic",
    ).encode(x=alt.X("x:Q", scale=scale), y=alt.Y("y:Q", scale=scale), text=alt.Text("t:N"))
    return alt.layer(vertical, horizontal, corners, bubbles, labels).properties(
        width=width, height=height, title="Priority matrix"
    ).configure_axis(labelFontSize=14, titleFontSize=15).configure_title(fontSize=18)


def _money(value: float | None, currency: str) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f}".replace(",", " ") + (f" {currency}" if currency else "")


def chart_spec(chart: alt.TopLevelMixin) -> dict:
    """The Vega-Lite spec for st.vega_lite_chart. Unvalidated: validating against the schema
    on every page run costs more than the rest of the page; the tests validate it instead."""
    return chart.to_dict(validate=False)


def chart_svg(chart: alt.TopLevelMixin) -> bytes:
    return vl_convert.vegalite_to_svg(chart.to_json()).encode("utf-8")


def chart_png(chart: alt.TopLevelMixin, scale: float = 2.0) -> bytes:
    return vl_convert.vegalite_to_png(chart.to_json(), scale=scale)
