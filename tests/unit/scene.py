"""What vl-convert draws of a chart, read from its scenegraph (no browser): the marks with their
items in pixels, for tests of where things land."""

from __future__ import annotations

import vl_convert


def scene(chart) -> dict:
    """The scenegraph: {"width", "height", "origin", "scenegraph"} (origin: where the plotting area starts)."""
    return vl_convert.vegalite_to_scenegraph(chart.to_json(validate=False))


def marks(chart_or_scene) -> list[dict]:
    """Every mark in drawing order, each with its marktype, name (e.g. "layer_1_marks"), role and items."""
    graph = (
        chart_or_scene if isinstance(chart_or_scene, dict) and "scenegraph" in chart_or_scene else scene(chart_or_scene)
    )
    found: list[dict] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            if "marktype" in node:
                found.append(node)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(graph["scenegraph"])
    return found


def items(chart_or_scene, *, role: str | None = None, name: str | None = None) -> list[dict]:
    """The items of the marks with that role (e.g. "axis-label", "legend-label") or name."""
    return [
        item
        for mark in marks(chart_or_scene)
        if (role is None or mark.get("role") == role) and (name is None or mark.get("name") == name)
        for item in mark.get("items", [])
    ]


def texts(chart_or_scene, role: str) -> list[str]:
    """The visible texts of the marks with that role, in order (labels hidden for overlap left out)."""
    return [item["text"] for item in items(chart_or_scene, role=role) if item.get("opacity", 1) != 0]
