"""Charts with nothing to draw say so in words, on a new empty workspace: the priority matrix without
a scored segment, the plan's timeline without a dated action, a goal's chart without a measured value.
And each chart appears once there is something to draw."""

from __future__ import annotations

from datetime import date

from crmstrategy.analysis.segments import create_segment
from crmstrategy.analysis.strengths import set_agreed_strengths, set_segment_factors
from crmstrategy.implementation.follow_up import add_goal_measurement
from crmstrategy.implementation.plan import create_action
from crmstrategy.strategy.goals import create_goal
from crmstrategy.strategy.strategy_map import create_node
from crmstrategy.workspace.workspaces import list_workspaces
from tests.app.conftest import NO_DUE_DATES, errors, new_workspace, open_page, plain, wkey, write


def _blank(app, db) -> tuple[object, int]:
    at = new_workspace(app)
    return at, next(w.id for w in db(list_workspaces) if w.name == "Blank")


def _charts(at) -> list:
    return at.get("vega_lite_chart")


def _infos(at) -> list[str]:
    return [plain(i.value) for i in at.info]


def _drawn(chart) -> bytes:
    """What a chart draws: its spec and its data (Streamlit sends the data beside the spec)."""
    return chart.proto.spec.encode("utf-8") + b"".join(d.data.data for d in chart.proto.datasets)


def _page_links(at) -> list[str]:
    return [link.proto.page for link in at.get("page_link")]


def test_the_priority_matrix_without_a_scored_segment_says_what_is_missing(app, app_db, db):
    at, ws = _blank(app, db)
    installers = write(app_db, create_segment, workspace_id=ws, data={"name": "Installers", "revenue": 4e6})
    write(app_db, create_segment, workspace_id=ws, data={"name": "Renovators", "revenue": 1e6})
    at = open_page(at, "app_pages/strategy/targets.py")
    assert not errors(at)
    [message] = [i for i in _infos(at) if i.startswith("Nothing to place on the matrix yet:")]
    assert "none of the 2 segments has an ability score" in message
    assert "On Strengths, give a segment the 4-6 key factors" in message
    assert "strengths" in _page_links(at)
    assert not _charts(at)
    assert not {wkey(at, "target_matrix_png"), wkey(at, "target_matrix_svg")} & {
        d.key for d in at.get("download_button")
    }
    # The weights and the choice of targets are there already: attractiveness needs no strengths
    assert at.get("data_editor") or at.get("arrow_data_frame")

    # Key factors without a strength are not enough
    factors = write(
        app_db,
        set_segment_factors,
        workspace_id=ws,
        segment_id=installers.id,
        factors=[{"factor": name, "weight": 25} for name in ("Stock", "Speed", "Price", "Advice")],
    )
    at = open_page(at, "app_pages/strategy/targets.py")
    assert any(i.startswith("Nothing to place on the matrix yet:") for i in _infos(at)) and not _charts(at)

    # One segment rated: the matrix draws it
    write(app_db, set_agreed_strengths, workspace_id=ws, segment_id=installers.id, agreed={f.id: 4 for f in factors})
    at = open_page(at, "app_pages/strategy/targets.py")
    assert not any(i.startswith("Nothing to place on the matrix yet:") for i in _infos(at))
    [chart] = _charts(at)
    assert b"Installers" in _drawn(chart) and b"Renovators" not in _drawn(chart)
    assert {wkey(at, "target_matrix_png"), wkey(at, "target_matrix_svg")} <= {d.key for d in at.get("download_button")}


def test_the_timeline_without_a_dated_action_says_so(app, app_db, db):
    at, ws = _blank(app, db)
    at = open_page(at, "app_pages/implementation/plan.py")
    assert NO_DUE_DATES in [i.value for i in at.info]
    assert not _charts(at)

    write(
        app_db, create_action, workspace_id=ws, data={"title": "Decide the CRM budget", "owner": "Kari", "horizon": 12}
    )
    at = open_page(at, "app_pages/implementation/plan.py")
    assert NO_DUE_DATES in [i.value for i in at.info]
    assert not _charts(at)

    write(
        app_db,
        create_action,
        workspace_id=ws,
        data={"title": "Agree the loyalty rules", "owner": "Kari", "due_date": date(2027, 1, 15)},
    )
    at = open_page(at, "app_pages/implementation/plan.py")
    [chart] = _charts(at)
    assert b"Agree the loyalty rules" in _drawn(chart) and b"Decide the CRM budget" not in _drawn(chart)
    assert "1 action without a due date is not drawn." in " ".join(c.value for c in at.caption)


def test_a_goal_without_a_measured_value_says_so_and_is_charted_from_the_first_value(app, app_db, db):
    at, ws = _blank(app, db)
    objective = write(
        app_db, create_node, workspace_id=ws, data={"kind": "objective", "name": "Keep installers", "owner": "Erik"}
    )
    goal = write(
        app_db,
        create_goal,
        workspace_id=ws,
        data={
            "objective_id": objective.id,
            "metric": "Installer churn & <loss>",
            "goal_type": "Result",
            "measures": "Value",
            "unit": "%",
            "baseline": 14,
            "target": 9,
            "deadline": date(2027, 10, 31),
            "owner": "Erik",
        },
    )
    at = open_page(at, "app_pages/implementation/follow_up.py")
    assert not errors(at)
    [message] = [i for i in _infos(at) if i.startswith("Nothing to draw yet:")]
    assert "no value of 'Installer churn & <loss>' has been measured" in message
    assert "under 'Add a measurement'" in message
    assert not _charts(at)

    write(
        app_db,
        add_goal_measurement,
        workspace_id=ws,
        data={"goal_id": goal.id, "measured_on": date(2026, 11, 30), "value": 13.5},
    )
    at = open_page(at, "app_pages/implementation/follow_up.py")
    assert not any(i.startswith("Nothing to draw yet:") for i in _infos(at))
    [chart] = _charts(at)
    assert '"width": "container"' in chart.proto.spec
    assert b"Milestone path" in _drawn(chart) and b"Measured" in _drawn(chart)
