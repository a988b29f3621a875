"""Follow-up charts (goal trends, customer measures) and the strategy document's pure chart helpers."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from crmstrategy.core.charts import chart_png
from crmstrategy.implementation.charts import (
    DOTS_UP_TO,
    GOAL_STATUS_COLOURS,
    customer_measure_chart,
    goal_label,
    goal_trend_chart,
)
from crmstrategy.implementation.follow_up import GoalFollowUp
from crmstrategy.implementation.follow_up_rules import goal_status
from crmstrategy.implementation.models import CustomerMeasurementRead, GoalMeasurementRead
from crmstrategy.strategy.models import GoalRead
from crmstrategy.strategy.targets import MatrixRow
from crmstrategy.workspace.strategy_document import (
    SERIES_PER_MEASURE,
    StrategyDocument,
    charted_segments,
    customer_rows,
    goal_panel,
    monthly,
)
from tests.unit.scene import texts

TODAY = date(2026, 6, 15)

CHURN = {
    "metric": "Churn",
    "unit": "%",
    "status": "At risk",
    "path": [(date(2026, 1, 1), 14.0), (date(2026, 6, 30), 11.5), (date(2026, 12, 31), 9.0)],
    "measured": [(date(2026, 2, 1), 13.8), (date(2026, 3, 1), 13.5), (date(2026, 5, 1), 13.0)],
}
NPS = {
    "metric": "NPS",
    "unit": "",
    "status": "On track",
    "path": [
        (date(2026, 1, 1), 20.0),
        (date(2026, 3, 31), 25.0),
        (date(2026, 9, 30), 35.0),
        (date(2026, 12, 31), 40.0),
    ],
    "measured": [(date(2026, 4, 1), 27.0)],
}
NEW = {
    "metric": "Repeat orders",
    "unit": "",
    "status": "Not measured",
    "path": [(date(2026, 3, 1), 100.0), (date(2026, 12, 31), 150.0)],
    "measured": [],
}


def _values(spec: dict) -> list[dict]:
    return [row for dataset in spec["datasets"].values() for row in dataset]


def _of(spec: dict, goal: str, series: str) -> list[dict]:
    return [r for r in _values(spec) if r["Goal"] == goal and r["Series"] == series]


# --- goal_trend_chart -------------------------------------------------------------------------


def test_the_goal_trend_spec_is_valid_vega_lite():
    goal_trend_chart([CHURN, NPS, NEW], TODAY).to_dict(validate=True)  # raises if it breaks the schema
    goal_trend_chart([CHURN, NPS], TODAY, columns=2, width=330, height=170).to_dict(validate=True)
    goal_trend_chart([CHURN], TODAY, width="container").to_dict(validate=True)


def test_the_path_points_are_baseline_milestones_and_target():
    spec = goal_trend_chart([CHURN, NPS], TODAY).to_dict()
    churn = _of(spec, "At risk · Churn (%)", "Path")
    assert [(r["Point"], r["Date"], r["Value"]) for r in churn] == [
        ("Baseline", "2026-01-01", 14),
        ("Milestone", "2026-06-30", 11.5),
        ("Target", "2026-12-31", 9),
    ]
    nps = _of(spec, "On track · NPS", "Path")
    assert [r["Point"] for r in nps] == ["Baseline", "Milestone", "Milestone", "Target"]


def test_the_measured_points_and_the_status_are_in_the_data():
    spec = goal_trend_chart([CHURN, NPS], TODAY).to_dict()
    measured = _of(spec, "At risk · Churn (%)", "Measured")
    assert [(r["Date"], r["Value"]) for r in measured] == [
        ("2026-02-01", 13.8),
        ("2026-03-01", 13.5),
        ("2026-05-01", 13),
    ]
    assert {r["Point"] for r in measured} == {"Measured"}
    assert {r["Status"] for r in _values(spec) if r["Goal"] == "At risk · Churn (%)"} == {"At risk"}
    assert {r["Status"] for r in _values(spec) if r["Goal"] == "On track · NPS"} == {"On track"}
    # The status colours the measured line
    colours = [layer["encoding"]["color"] for layer in spec["spec"]["layer"] if "color" in layer.get("encoding", {})]
    assert colours and all(c["field"] == "Status" for c in colours)
    assert colours[0]["scale"]["domain"] == list(GOAL_STATUS_COLOURS)


def test_every_goal_gets_a_today_line():
    spec = goal_trend_chart([CHURN, NEW], TODAY).to_dict()
    today = [r for r in _values(spec) if r["Series"] == "Today"]
    assert [(r["Goal"], r["Date"]) for r in today] == [
        ("At risk · Churn (%)", "2026-06-15"),
        ("Not measured · Repeat orders", "2026-06-15"),
    ]


def test_one_facet_panel_per_goal_in_the_given_order():
    goals = [NEW, CHURN, NPS]
    spec = goal_trend_chart(goals, TODAY).to_dict()
    labels = [goal_label(g["metric"], g["unit"], g["status"]) for g in goals]
    assert spec["facet"]["field"] == "Goal"
    assert spec["facet"]["sort"] == labels
    assert {r["Goal"] for r in _values(spec)} == set(labels)
    assert spec["columns"] == 1
    assert goal_trend_chart(goals, TODAY, columns=2).to_dict()["columns"] == 2


def test_the_panel_title_puts_the_status_first():
    assert goal_label("Churn", "%", "Off track") == "Off track · Churn (%)"
    assert goal_label("NPS", "", "On track") == "On track · NPS"


def test_dots_are_drawn_only_while_they_stay_apart():
    few = goal_trend_chart([CHURN], TODAY).to_dict()
    assert {r["Dense"] for r in _of(few, "At risk · Churn (%)", "Measured")} == {False}
    many = dict(CHURN, measured=[(date(2026, 1, 1 + n % 28), 13.0) for n in range(DOTS_UP_TO + 1)])
    dense = goal_trend_chart([many], TODAY).to_dict()
    assert {r["Dense"] for r in _of(dense, "At risk · Churn (%)", "Measured")} == {True}


def test_two_goals_with_the_same_metric_get_a_panel_each():
    other = dict(CHURN, path=[(date(2026, 1, 1), 20.0), (date(2026, 12, 31), 15.0)], measured=[])
    spec = goal_trend_chart([CHURN, other], TODAY).to_dict()
    assert len(set(spec["facet"]["sort"])) == 2


def test_a_path_of_only_the_target_is_labelled_target():
    alone = dict(NEW, path=[(date(2026, 12, 31), 150.0)])
    spec = goal_trend_chart([alone], TODAY).to_dict()
    [point] = _of(spec, "Not measured · Repeat orders", "Path")
    assert point["Point"] == "Target"


def test_the_goal_trend_png_is_a_png():
    png = chart_png(goal_trend_chart([CHURN, NPS, NEW], TODAY, columns=2, width=330, height=170))
    assert png.startswith(b"\x89PNG")


def test_a_goal_without_values_still_renders():
    assert chart_png(goal_trend_chart([NEW], TODAY)).startswith(b"\x89PNG")


# --- customer_measure_chart ---------------------------------------------------------------------

MEASURES = {"NPS": "NPS, -100 to 100", "Churn": "% of customers lost"}
CUSTOMER_ROWS = [
    {"Measure": "NPS", "Date": "2026-01-31", "Segment": "All customers", "Value": 20.0},
    {"Measure": "NPS", "Date": "2026-02-28", "Segment": "All customers", "Value": 24.0},
    {"Measure": "NPS", "Date": "2026-02-28", "Segment": "Installers", "Value": 31.0},
    {"Measure": "Churn", "Date": "2026-02-28", "Segment": "All customers", "Value": 12.5},
    {"Measure": "Loyalty", "Date": "2026-02-28", "Segment": "All customers", "Value": 60.0},  # not charted
]


def test_the_customer_measure_spec_is_valid_vega_lite():
    customer_measure_chart(MEASURES, CUSTOMER_ROWS).to_dict(validate=True)
    customer_measure_chart(MEASURES, CUSTOMER_ROWS, columns=2, width=330, height=170).to_dict(validate=True)


def test_one_panel_per_measure_in_the_given_order_with_what_it_is():
    spec = customer_measure_chart(MEASURES, CUSTOMER_ROWS).to_dict()
    assert spec["facet"]["field"] == "Panel"
    assert spec["facet"]["sort"] == ["NPS (NPS, -100 to 100)", "Churn (% of customers lost)"]
    reversed_order = customer_measure_chart(
        {"Churn": "% of customers lost", "NPS": "NPS, -100 to 100"}, CUSTOMER_ROWS
    ).to_dict()
    assert reversed_order["facet"]["sort"] == ["Churn (% of customers lost)", "NPS (NPS, -100 to 100)"]


def test_the_data_holds_the_rows_of_the_given_measures_only():
    spec = customer_measure_chart(MEASURES, CUSTOMER_ROWS).to_dict()
    rows = _values(spec)
    assert [(r["Panel"], r["Segment"], r["Date"], r["Value"]) for r in rows] == [
        ("NPS (NPS, -100 to 100)", "All customers", "2026-01-31", 20),
        ("NPS (NPS, -100 to 100)", "All customers", "2026-02-28", 24),
        ("NPS (NPS, -100 to 100)", "Installers", "2026-02-28", 31),
        ("Churn (% of customers lost)", "All customers", "2026-02-28", 12.5),
    ]
    colours = [layer["encoding"]["color"]["field"] for layer in spec["spec"]["layer"]]
    assert colours == ["Segment", "Segment"]  # a line per segment


def test_the_customer_measure_png_is_a_png():
    assert chart_png(customer_measure_chart(MEASURES, CUSTOMER_ROWS, columns=2)).startswith(b"\x89PNG")


# --- monthly ------------------------------------------------------------------------------------


def test_monthly_keeps_the_last_value_of_each_month():
    values = [
        (date(2026, 1, 5), 1.0),
        (date(2026, 1, 31), 2.0),
        (date(2026, 1, 20), 3.0),
        (date(2026, 3, 1), 4.0),
        (date(2026, 2, 14), 5.0),
    ]
    assert monthly(values) == [(date(2026, 1, 31), 2.0), (date(2026, 2, 14), 5.0), (date(2026, 3, 1), 4.0)]


def test_monthly_keeps_the_same_month_of_different_years_apart():
    values = [(date(2027, 5, 2), 9.0), (date(2026, 5, 30), 8.0), (date(2026, 5, 1), 7.0)]
    assert monthly(values) == [(date(2026, 5, 30), 8.0), (date(2027, 5, 2), 9.0)]


def test_monthly_of_nothing_is_nothing():
    assert monthly([]) == []


# --- goal_panel ---------------------------------------------------------------------------------


def _goal(baseline_on: date | None = date(2026, 1, 1), **kwargs) -> GoalRead:
    fields = (
        dict(
            id=1,
            workspace_id=1,
            objective_id=5,
            metric="Churn",
            unit="%",
            baseline=14.0,
            target=9.0,
            deadline=date(2026, 12, 31),
            owner="Anna",
            baseline_on=baseline_on,
        )
        | kwargs
    )
    return GoalRead(**fields)


def _follow_up(goal: GoalRead, values: list[tuple[date, float]], milestones=(), today: date = TODAY) -> GoalFollowUp:
    measurements = [
        GoalMeasurementRead(id=n, goal_id=goal.id, measured_on=d, value=v) for n, (d, v) in enumerate(values, start=1)
    ]
    status = goal_status(
        baseline=goal.baseline,
        target=goal.target,
        deadline=goal.deadline,
        milestones=list(milestones),
        measurements=values,
        today=today,
        baseline_on=goal.baseline_on,
        unit=goal.unit,
    )
    return GoalFollowUp(goal, "Keep customers", list(milestones), measurements, status)


VALUES = [(date(2026, 2, 3), 13.9), (date(2026, 2, 25), 13.6), (date(2026, 3, 10), 13.4), (date(2026, 4, 30), 12.9)]
MILESTONES = [
    (date(2026, 3, 31), 12.75),
    (date(2026, 6, 30), 11.5),
    (date(2026, 9, 30), 10.25),
    (date(2026, 12, 31), 9),
]


def test_goal_panel_draws_the_path_from_the_baseline_day_through_the_milestones():
    item = _follow_up(_goal(), VALUES, MILESTONES)
    panel = goal_panel(item)
    assert panel["metric"] == "Churn" and panel["unit"] == "%"
    assert panel["status"] == item.status.status
    assert panel["path"] == [
        (date(2026, 1, 1), 14.0),
        (date(2026, 3, 31), 12.75),
        (date(2026, 6, 30), 11.5),
        (date(2026, 9, 30), 10.25),
        (date(2026, 12, 31), 9.0),
    ]
    assert panel["measured"] == VALUES


def test_goal_panel_per_month_keeps_one_value_a_month():
    panel = goal_panel(_follow_up(_goal(), VALUES, MILESTONES), per_month=True)
    assert panel["measured"] == [(date(2026, 2, 25), 13.6), (date(2026, 3, 10), 13.4), (date(2026, 4, 30), 12.9)]
    assert panel["path"][0] == (date(2026, 1, 1), 14.0)


def test_goal_panel_without_a_baseline_day_starts_the_path_at_the_first_value():
    panel = goal_panel(_follow_up(_goal(baseline_on=None), VALUES, MILESTONES))
    assert panel["path"][0] == (date(2026, 2, 3), 14.0)  # the baseline's value on the first value's day
    assert panel["path"][-1] == (date(2026, 12, 31), 9.0)


def test_goal_panel_without_a_baseline_day_or_values_is_the_target_alone():
    item = _follow_up(_goal(baseline_on=None), [], MILESTONES)
    assert item.status.status == "Not measured"
    panel = goal_panel(item)
    assert panel["path"] == [(date(2026, 12, 31), 9.0)]
    assert panel["measured"] == []


def test_goal_panel_per_month_starts_the_path_where_the_status_does():
    item = _follow_up(_goal(baseline_on=None), VALUES, MILESTONES)
    assert goal_panel(item)["path"][0][0] == date(2026, 2, 3)
    assert goal_panel(item, per_month=True)["path"][0][0] == date(2026, 2, 3)


def test_a_goal_panel_renders_as_a_valid_chart():
    churn = _follow_up(_goal(), VALUES, MILESTONES)
    nps = _follow_up(
        _goal(baseline_on=None, id=2, metric="NPS", unit="", baseline=20, target=40), [(date(2026, 2, 1), 22.0)]
    )
    chart = goal_trend_chart([goal_panel(churn, per_month=True), goal_panel(nps)], TODAY, columns=2)
    spec = chart.to_dict(validate=True)
    assert spec["facet"]["sort"] == [f"{churn.status.status} · Churn (%)", f"{nps.status.status} · NPS"]
    # 12.9 on 2026-04-30 against 12.75 - 1.25 * 30 / 91 = 12.34 is 11% behind; 22 ahead of NPS but 134 days old
    assert (churn.status.status, nps.status.status) == ("At risk", "At risk")
    assert chart_png(chart).startswith(b"\x89PNG")


# --- customer_rows and charted_segments ---------------------------------------------------------


def _measurement(n: int, measure: str, segment: str, on: date, value: float) -> CustomerMeasurementRead:
    return CustomerMeasurementRead(
        id=n, measure=measure, segment_id=n if segment else None, segment_name=segment, measured_on=on, value=value
    )


CUSTOMER = [
    _measurement(1, "NPS", "", date(2026, 1, 31), 20.0),
    _measurement(2, "NPS", "Installers", date(2026, 1, 31), 31.0),
    _measurement(3, "Churn", "", date(2026, 1, 31), 12.0),
    _measurement(4, "NPS", "Contractors", date(2026, 2, 28), 18.0),
]


def test_customer_rows_are_one_measures_values_with_all_customers_for_no_segment():
    assert customer_rows(CUSTOMER, "NPS") == [
        {"Measure": "NPS", "Date": "2026-01-31", "Segment": "All customers", "Value": 20.0},
        {"Measure": "NPS", "Date": "2026-01-31", "Segment": "Installers", "Value": 31.0},
        {"Measure": "NPS", "Date": "2026-02-28", "Segment": "Contractors", "Value": 18.0},
    ]
    assert customer_rows(CUSTOMER, "Loyalty") == []


def test_customer_rows_can_keep_only_some_segments():
    rows = customer_rows(CUSTOMER, "NPS", ["All customers", "Contractors"])
    assert [r["Segment"] for r in rows] == ["All customers", "Contractors"]
    assert customer_rows(CUSTOMER, "NPS", []) == []


def _segment(name: str, priority: str | None, attractiveness: float) -> MatrixRow:
    return MatrixRow(
        segment_id=hash(name) % 1000,
        name=name,
        ability=50.0,
        attractiveness=attractiveness,
        revenue=None,
        potential=None,
        growth=None,
        bubble=0.0,
        quadrant="Maintain",
        priority=priority,
        rationale="",
        factor_count=0,
        rank=1,
        best_rank=1,
        worst_rank=1,
    )


def _document(segments: list[MatrixRow], customer: list[CustomerMeasurementRead]) -> StrategyDocument:
    return StrategyDocument(
        workspace=None,
        today=TODAY,
        generated_at=datetime(2026, 6, 15, tzinfo=UTC),
        segments=segments,
        smap=None,
        goals=[],
        customer=customer,
    )


def test_charted_segments_put_all_customers_first_then_by_priority_and_attractiveness():
    segments = [
        _segment("Renovators", None, 90),
        _segment("Contractors", "Secondary", 40),
        _segment("Installers", "Primary target", 30),
        _segment("Farmers", "Primary target", 70),
        _segment("Dormant", "Not prioritised", 99),
    ]
    names = ["Renovators", "Contractors", "Installers", "Farmers", "Dormant"]
    customer = [_measurement(n, "NPS", name, date(2026, 1, 31), 10.0) for n, name in enumerate(names, start=1)]
    customer += [_measurement(9, "NPS", "", date(2026, 1, 31), 15.0), _measurement(10, "Churn", "Other", TODAY, 2.0)]
    assert charted_segments(_document(segments, customer), "NPS") == [
        "All customers",
        "Farmers",
        "Installers",
        "Contractors",
        "Dormant",
        "Renovators",
    ]
    assert charted_segments(_document(segments, customer), "Churn") == ["Other"]
    assert charted_segments(_document(segments, customer), "Loyalty") == []


def test_charted_segments_are_at_most_six():
    segments = [_segment(f"Segment {n}", "Secondary", n) for n in range(10)]
    customer = [_measurement(n + 1, "NPS", f"Segment {n}", date(2026, 1, 31), 10.0) for n in range(10)]
    customer.append(_measurement(99, "NPS", "", date(2026, 1, 31), 15.0))
    shown = charted_segments(_document(segments, customer), "NPS")
    assert SERIES_PER_MEASURE == 6
    assert shown == ["All customers", "Segment 9", "Segment 8", "Segment 7", "Segment 6", "Segment 5"]


# --- on the page: the page's width and a legend -------------------------------------------------


def _legend_labels(chart) -> list[str]:
    return texts(chart, "legend-label")


def test_a_goal_chart_names_its_three_lines_in_a_legend():
    for chart in (
        goal_trend_chart([CHURN], TODAY, width="container"),
        goal_trend_chart([CHURN, NPS, NEW], TODAY, columns=2, width=330, height=170),
    ):
        spec = chart.to_dict(validate=True)
        layers = spec["layer"] if "layer" in spec else spec["spec"]["layer"]
        dashes = [layer["encoding"]["strokeDash"] for layer in layers if "strokeDash" in layer.get("encoding", {})]
        assert len(dashes) == 3  # the path, the measured line and today's line
        assert all(d["field"] == "Line" for d in dashes)
        assert dashes[0]["scale"]["domain"] == ["Measured", "Milestone path", "Today"]
        assert _legend_labels(chart.properties(width=640) if spec.get("width") == "container" else chart) == [
            "Measured",
            "Milestone path",
            "Today",
        ]


def test_the_legend_names_all_three_lines_before_the_first_value_is_measured():
    assert _legend_labels(goal_trend_chart([NEW], TODAY)) == ["Measured", "Milestone path", "Today"]


def test_on_a_page_a_goal_chart_is_one_view_as_wide_as_the_page_with_the_goal_as_its_title():
    spec = goal_trend_chart([CHURN], TODAY, width="container", height=300).to_dict(validate=True)
    assert "facet" not in spec
    assert (spec["width"], spec["height"]) == ("container", 300)
    assert spec["title"]["text"] == "At risk · Churn (%)"
    with pytest.raises(ValueError):
        goal_trend_chart([CHURN, NPS], TODAY, width="container")


def test_on_a_page_a_customer_measure_chart_is_one_view_as_wide_as_the_page():
    spec = customer_measure_chart({"NPS": MEASURES["NPS"]}, CUSTOMER_ROWS, width="container").to_dict(validate=True)
    assert "facet" not in spec and spec["width"] == "container"
    assert spec["title"]["text"] == "NPS (NPS, -100 to 100)"
    chart = customer_measure_chart({"NPS": MEASURES["NPS"]}, CUSTOMER_ROWS, width="container").properties(width=600)
    assert _legend_labels(chart) == ["All customers", "Installers"]


def test_the_time_axis_names_each_month_once():
    weeks = dict(
        CHURN,
        path=[(date(2026, 2, 1), 14.0), (date(2026, 3, 10), 13.0)],
        measured=[(date(2026, 2, 3), 13.9), (date(2026, 2, 24), 13.6)],
    )
    for chart in (
        goal_trend_chart([weeks], date(2026, 2, 25)),
        goal_trend_chart([CHURN], TODAY),
        customer_measure_chart(MEASURES, CUSTOMER_ROWS),
    ):
        labels = texts(chart, "axis-label")
        months = [label for label in labels if label.endswith(" 2026")]
        assert months and len(months) == len(set(months)), labels
