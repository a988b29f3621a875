"""The plan's timeline: one view (so a page can give it its whole width) whose time axis runs from the
first month of the earliest start to the month after the latest due date, with every dated action
drawn inside it under its group's header row."""

from __future__ import annotations

from datetime import date

import pytest

from crmstrategy.core.charts import chart_svg
from crmstrategy.implementation.charts import plan_timeline_chart, timeline_extent
from crmstrategy.implementation.models import ActionRead
from tests.unit.scene import items, scene

PLAN_START = date(2026, 12, 1)
TODAY = date(2026, 12, 1)


def _action(id: int, title: str, **values) -> ActionRead:
    return ActionRead(
        **({"id": id, "workspace_id": 1, "title": title, "owner": "Kari", "status": "Not started"} | values)
    )


ACTIONS = [
    _action(
        1,
        "Roll out in all regions",
        start_date=date(2027, 6, 1),
        due_date=date(2027, 11, 15),
        shown_horizon=12,
        department="Sales",
    ),
    _action(
        2,
        "Kick-off with the branches",
        start_date=date(2026, 11, 10),
        due_date=date(2026, 12, 20),
        shown_horizon=3,
        department="Sales",
        status="Done",
    ),
    _action(
        3, "Portal prototype", due_date=date(2027, 5, 31), shown_horizon=6, department="IT"
    ),  # from the plan's start
    _action(4, "Decide the budget", shown_horizon=12),  # undated: not drawn
]


def _utc(year: int, month: int, day: int) -> dict:
    return {"year": year, "month": month, "date": day, "utc": True}


def _x(spec: dict) -> dict:
    [bars] = [layer for layer in spec["layer"] if layer.get("mark", {}).get("type") == "bar"]
    return bars["encoding"]["x"]


def _bars(spec: dict) -> list[dict]:
    [bars] = [layer for layer in spec["layer"] if layer.get("mark", {}).get("type") == "bar"]
    return bars["data"]["values"]


def test_the_axis_runs_from_the_month_of_the_earliest_start_to_the_month_after_the_latest_due_date():
    spec = plan_timeline_chart(ACTIONS, PLAN_START, TODAY).to_dict(validate=True)
    assert _x(spec)["scale"] == {"type": "utc", "domain": [_utc(2026, 11, 1), _utc(2027, 12, 1)], "nice": False}
    assert [(r["Action"], r["Start"], r["Due"]) for r in _bars(spec)] == [
        ("Kick-off with the branches", "2026-11-10", "2026-12-20"),
        ("Portal prototype", "2026-12-01", "2027-05-31"),
        ("Roll out in all regions", "2027-06-01", "2027-11-15"),
    ]
    # The rows: each group's header, then its actions, the soonest due first
    y = next(layer for layer in spec["layer"] if layer.get("mark", {}).get("type") == "bar")["encoding"]["y"]
    assert y["scale"]["domain"] == [
        "3 months · 1 action",
        "Kick-off with the branches",
        "6 months · 1 action",
        "Portal prototype",
        "12 months · 1 action",
        "Roll out in all regions",
    ]


@pytest.mark.parametrize(
    "spans, today, extent",
    [
        ([(date(2026, 11, 10), date(2026, 12, 20))], date(2026, 12, 1), (date(2026, 11, 1), date(2027, 1, 1))),
        # December's next month is January of the next year
        ([(date(2027, 1, 1), date(2027, 12, 31))], date(2027, 1, 1), (date(2027, 1, 1), date(2028, 1, 1))),
        # Today is always on the axis, before the plan or after it
        ([(date(2027, 3, 5), date(2027, 4, 1))], date(2026, 12, 24), (date(2026, 12, 1), date(2027, 5, 1))),
        ([(date(2027, 3, 5), date(2027, 4, 1))], date(2027, 8, 2), (date(2027, 3, 1), date(2027, 9, 1))),
    ],
)
def test_timeline_extent(spans, today, extent):
    assert timeline_extent(spans, today) == extent


def test_a_page_gets_one_view_that_takes_the_container_width():
    spec = plan_timeline_chart(ACTIONS, PLAN_START, TODAY, width="container").to_dict(validate=True)
    assert spec["width"] == "container"
    # A facet (the cause of the cut-off timeline) cannot take its container's width
    assert "facet" not in spec and "layer" in spec


def test_every_dated_action_is_drawn_whole_inside_the_plotting_area():
    drawn = scene(plan_timeline_chart(ACTIONS, PLAN_START, TODAY, width=500))
    bars = items(drawn, name="layer_1_marks")
    assert len(bars) == 3
    assert all(0 <= bar["x"] < bar["x2"] <= 500 for bar in bars)
    latest = max(bars, key=lambda bar: bar["x2"])
    assert "Roll out in all regions" in latest["description"]
    assert latest["x2"] == pytest.approx(500 * 379 / 395)  # 2027-11-15 of 2026-11-01 … 2027-12-01
    ticks = [label["text"] for label in items(drawn, role="axis-label") if label["text"].endswith(("2026", "2027"))]
    assert ticks[0] == "Nov 2026" and ticks[-1] == "Dec 2027"


def test_group_headers_are_bold_rows_even_with_quotes_in_a_department():
    hostile = "Sales \"B2B\" \\ 'n' </text>"
    actions = [
        _action(1, "Call", due_date=date(2027, 1, 10), department=hostile),
        _action(2, f"{hostile} · 2 actions", due_date=date(2027, 2, 10), department=hostile),
    ]
    chart = plan_timeline_chart(actions, PLAN_START, TODAY, group_by="department")
    chart.to_dict(validate=True)
    labels = {label["text"]: label for label in items(scene(chart), role="axis-label") if "fontWeight" in label}
    assert labels[f"{hostile} · 2 actions"]["fontWeight"] == "bold"
    # An action named like its group's header gets a row of its own
    assert labels[f"{hostile} · 2 actions "]["fontWeight"] == "normal"
    assert labels["Call"]["fontWeight"] == "normal"
    assert hostile.replace("<", "&lt;").replace(">", "&gt;") in chart_svg(chart).decode("utf-8")


def test_the_same_title_twice_gets_two_rows():
    actions = [
        _action(1, "Review", due_date=date(2027, 1, 10), shown_horizon=3),
        _action(2, "Review", due_date=date(2027, 8, 10), shown_horizon=12),
        _action(3, "Review", due_date=date(2027, 1, 20), shown_horizon=3),
    ]
    spec = plan_timeline_chart(actions, PLAN_START, TODAY).to_dict()
    assert [r["Row"] for r in _bars(spec)] == ["Review", "Review ", "Review  "]
    assert [r["Action"] for r in _bars(spec)] == ["Review"] * 3


def test_today_is_drawn_and_named():
    drawn = scene(plan_timeline_chart(ACTIONS, PLAN_START, TODAY, width=500))
    [line] = items(drawn, name="layer_2_marks")
    assert line["x"] == pytest.approx(500 * 30 / 395)  # 2026-12-01 of 2026-11-01 … 2027-12-01
    assert [t["text"] for t in items(drawn, name="layer_3_marks")] == ["Today"]
