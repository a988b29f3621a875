"""The priority matrix chart: a valid Vega-Lite spec, and SVG/PNG files a reader can open."""

import xml.etree.ElementTree as ET

from crmstrategy.charts import NOT_CHOSEN, chart_png, chart_spec, chart_svg, priority_matrix_chart
from crmstrategy.strengths import MatrixRow


def _row(segment_id, name, ability, attractiveness, priority=None):
    return MatrixRow(segment_id=segment_id, name=name, ability=ability, attractiveness=attractiveness,
                     revenue=1e6, potential=2e6, growth=5.0, bubble=2e6, quadrant="Prioritise", priority=priority,
                     rationale="", factor_count=4, rank=1, best_rank=1, worst_rank=1)


ROWS = [_row(1, "Håndverkere & <co>", 70.0, 80.0, "Primary target"), _row(2, "Unscored", None, 40.0),
        _row(3, "Renovators", 30.0, 20.0)]


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
