"""The priority matrix chart: a valid Vega-Lite spec, SVG/PNG files a reader can open, and labels that never sit on
top of each other (names, or numbers and a key)."""

import dataclasses
import random
import xml.etree.ElementTree as ET

import pytest

from crmstrategy.core.charts import chart_png, chart_spec, chart_svg
from crmstrategy.strategy.charts import MATRIX_LAPTOP_WIDTH, NOT_CHOSEN, priority_matrix_chart
from crmstrategy.strategy.targets import MatrixRow
from tests.unit.scene import items, marks, scene


def _row(segment_id, name, ability, attractiveness, priority=None):
    return MatrixRow(
        segment_id=segment_id,
        name=name,
        ability=ability,
        attractiveness=attractiveness,
        revenue=1e6,
        potential=2e6,
        growth=5.0,
        bubble=2e6,
        quadrant="Prioritise",
        priority=priority,
        rationale="",
        factor_count=4,
        rank=1,
        best_rank=1,
        worst_rank=1,
    )


ROWS = [
    _row(1, "Håndverkere & <co>", 70.0, 80.0, "Primary target"),
    _row(2, "Unscored", None, 40.0),
    _row(3, "Renovators", 30.0, 20.0),
]


def _values(spec: dict) -> list[dict]:
    return [row for dataset in spec["datasets"].values() for row in dataset]


def test_the_spec_is_valid_vega_lite_and_draws_only_scored_segments():
    chart = priority_matrix_chart(ROWS, currency="NOK")
    spec = chart.to_dict(validate=True)  # raises if the spec breaks the Vega-Lite schema
    names = {row.get("Segment") for row in _values(spec) if "Segment" in row}
    assert names == {"Håndverkere & <co>", "Renovators"}
    assert chart_spec(chart)["layer"] == spec["layer"]


def test_unchosen_segments_get_their_own_legend_entry_and_figures_reach_the_tooltip():
    spec = priority_matrix_chart(ROWS, currency="NOK").to_dict()
    rows = {row["Segment"]: row for row in _values(spec) if "Segment" in row}
    assert rows["Renovators"]["Priority"] == NOT_CHOSEN
    assert rows["Håndverkere & <co>"]["Revenue"] == "1 000 000 NOK"
    assert rows["Håndverkere & <co>"]["Growth"] == "5 %"


def test_the_svg_parses_and_keeps_names_and_quadrants_as_text():
    root = ET.fromstring(chart_svg(priority_matrix_chart(ROWS)))
    assert root.tag.endswith("svg")
    texts = {t.text for t in root.iter() if t.tag.endswith("text")}
    assert {"Håndverkere & <co>", "Renovators", "Prioritise", "Build ability", "Maintain", "Deprioritise"} <= texts
    assert "Unscored" not in texts


def test_the_png_is_a_png():
    assert chart_png(priority_matrix_chart(ROWS[:1]))[:8] == b"\x89PNG\r\n\x1a\n"


def test_an_empty_matrix_still_renders():
    assert ET.fromstring(chart_svg(priority_matrix_chart([]))).tag.endswith("svg")


# --- names, or numbers and a key ----------------------------------------------------------------

TWELVE = [
    "Time-pressed installers",
    "Project contractors",
    "Quality-focused renovators",
    "Facility managers",
    "Farmers",
    "Housing co-ops",
    "Municipal buyers",
    "Plumbers in the north",
    "Hotels",
    "Hospitals",
    "Schools & kindergartens",
    "Gjør-det-selv-kunder",
]


def _labels(spec: dict) -> dict:
    [layer] = [layer for layer in spec["layer"] if layer["mark"]["type"] == "text" and "dy" in layer["mark"]]
    return layer


def _legends(chart) -> dict[str, list[str]]:
    """Each legend's title and its labels, as drawn."""
    found, labels = {}, []
    for mark in marks(scene(chart)):
        if mark.get("role") == "legend":
            labels = []
        elif mark.get("role") == "legend-label":
            labels += [item["text"] for item in mark["items"]]
        elif mark.get("role") == "legend-title":
            found[mark["items"][0]["text"]] = labels
    return found


def _drawn_labels(chart) -> list[dict]:
    return items(scene(chart), name="layer_4_marks")


def _apart(labels: list[dict]) -> bool:
    """No two drawn labels overlap (a text's room estimated independently of the chart's own rule)."""
    boxes = []
    for label in labels:
        width, height = len(label["text"]) * 0.55 * label["fontSize"], label["fontSize"]
        x, y = label["x"], label["y"] + label.get("dy", 0)
        boxes.append((x - width / 2, y - height / 2, x + width / 2, y + height / 2))
    return not any(
        a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3] for n, a in enumerate(boxes) for b in boxes[n + 1 :]
    )


def test_twelve_segments_are_numbered_with_a_key_of_their_names_in_order():
    rows = [_row(n, name, 5 + 7.5 * n, 90 - 7 * n) for n, name in enumerate(TWELVE, start=1)]
    chart = priority_matrix_chart(rows, currency="NOK")
    spec = chart.to_dict(validate=True)
    labels = _labels(spec)
    assert labels["encoding"]["text"]["field"] == "Number"
    data = {row["Segment"]: row for row in _values(spec) if "Segment" in row}
    assert [data[name]["Number"] for name in TWELVE] == [str(n) for n in range(1, 13)]
    key = labels["encoding"]["opacity"]
    assert key["field"] == "Key" and key["title"] == "Segments"
    assert key["scale"]["domain"] == [f"{n}. {name}" for n, name in enumerate(TWELVE, start=1)]
    drawn = _drawn_labels(chart)
    assert sorted(label["text"] for label in drawn) == sorted(str(n) for n in range(1, 13))
    assert _legends(chart)["Segments"] == [f"{n}. {name}" for n, name in enumerate(TWELVE, start=1)]
    assert _apart(drawn)


def test_three_segments_far_apart_carry_their_names_and_no_key():
    rows = [
        _row(1, "Time-pressed installers", 66, 54),
        _row(2, "Project contractors", 60, 89),
        _row(3, "Facility managers", 50, 8),
    ]
    for width in (720, "container"):
        chart = priority_matrix_chart(rows, width=width)
        spec = chart.to_dict(validate=True)
        assert _labels(spec)["encoding"]["text"]["field"] == "Segment"
        assert "opacity" not in _labels(spec)["encoding"]
    chart = priority_matrix_chart(rows)
    drawn = _drawn_labels(chart)
    assert sorted(label["text"] for label in drawn) == sorted(r.name for r in rows)
    assert list(_legends(chart)) == ["Priority"]
    assert _apart(drawn)


def test_two_names_that_would_overlap_become_numbers():
    rows = [_row(1, "Time-pressed installers", 50, 50), _row(2, "Project contractors", 53, 53)]
    chart = priority_matrix_chart(rows)
    assert sorted(label["text"] for label in _drawn_labels(chart)) == ["1", "2"]
    assert _legends(chart)["Segments"] == ["1. Time-pressed installers", "2. Project contractors"]
    assert _apart(_drawn_labels(chart))


def test_nine_segments_are_numbered_even_far_apart():
    rows = [_row(n, f"S{n}", 10 * n, 10 * n) for n in range(1, 10)]
    assert _labels(priority_matrix_chart(rows).to_dict())["encoding"]["text"]["field"] == "Number"
    assert _labels(priority_matrix_chart(rows[:8]).to_dict())["encoding"]["text"]["field"] == "Segment"


@pytest.mark.parametrize("seed", range(40))
def test_labels_never_sit_on_top_of_each_other(seed):
    chance = random.Random(seed)
    rows = [
        _row(n, chance.choice(TWELVE), chance.uniform(0, 100), chance.uniform(0, 100))
        for n in range(1, chance.randint(2, 14))
    ]
    for n, row in enumerate(rows):  # some bubbles of other sizes
        rows[n] = dataclasses.replace(row, bubble=chance.choice([0.0, 1e5, 2e6, 9e6]))
    chart = priority_matrix_chart(rows, width="container")
    for width in (MATRIX_LAPTOP_WIDTH, 1300):  # a page lays its labels out for a laptop; wider, they move apart
        assert _apart(_drawn_labels(chart.properties(width=width)))
    assert _apart(_drawn_labels(priority_matrix_chart(rows, width=720, height=520)))  # as in the document
