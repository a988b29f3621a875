"""The strategy document (advice 7: for the people who were not in the room): everything the
workspace decided, read once in one session, its charts rendered as images; document_layout lays it
out as neutral blocks, which document_exports turns into PDF, HTML and Markdown."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import altair as alt
from sqlmodel import Session

from crmstrategy.analysis.models import PRIORITIES, PersonaRead
from crmstrategy.analysis.personas import list_personas
from crmstrategy.core import clock
from crmstrategy.core.charts import RenderedChart
from crmstrategy.core.models import WorkspaceRead
from crmstrategy.core.writing import require_workspace
from crmstrategy.implementation.anchoring import list_role_impacts
from crmstrategy.implementation.charts import customer_measure_chart, goal_trend_chart
from crmstrategy.implementation.feedback import list_feedback
from crmstrategy.implementation.follow_up import GoalFollowUp, customer_measurements, goal_follow_up
from crmstrategy.implementation.follow_up_rules import (
    milestone_path,
    path_start,
)
from crmstrategy.implementation.models import (
    CUSTOMER_MEASURES,
    ActionRead,
    CustomerMeasurementRead,
    FeedbackRead,
    RoleImpactRead,
)
from crmstrategy.implementation.plan import list_actions, plan_start_of
from crmstrategy.strategy.charts import priority_matrix_chart, strategy_map_chart, strategy_map_size
from crmstrategy.strategy.models import PromiseVersionRead
from crmstrategy.strategy.promise import current_promise
from crmstrategy.strategy.strategy_map import StrategyMap, strategy_map
from crmstrategy.strategy.targets import MatrixRow, priority_matrix
from crmstrategy.workspace.blocks import Image
from crmstrategy.workspace.health import health_check
from crmstrategy.workspace.health_rules import RuleResult
from crmstrategy.workspace.workspaces import get_workspace

GOALS_PER_CHART = 6  # goal panels per image: two columns, three rows, one page


SERIES_PER_MEASURE = 6  # lines per customer measure: more would not be told apart on paper


PANEL = (330, 170)  # one panel of a goal or customer measure, in pixels at scale 1


# What a panel adds round its plotting area (axes, header, spacing), for the room kept on the page
_PANEL_EXTRA = (43, 66)


# What the strategy map adds round its plotting area: the layers' names, the title and legend, and in a crowded
# map the boxes of the outermost names, which reach beyond it
_MAP_EXTRA = (175, 68)


@dataclass
class StrategyDocument:
    workspace: WorkspaceRead
    today: date
    generated_at: datetime
    segments: list[MatrixRow]
    smap: StrategyMap
    goals: list[GoalFollowUp]
    customer: list[CustomerMeasurementRead]
    promise: PromiseVersionRead | None = None
    personas: list[PersonaRead] = field(default_factory=list)  # of the target segments
    plan_start: date | None = None
    actions: list[ActionRead] = field(default_factory=list)
    role_impacts: list[RoleImpactRead] = field(default_factory=list)
    feedback: list[FeedbackRead] = field(default_factory=list)
    health: list[RuleResult] = field(default_factory=list)
    images: dict[str, list[Image]] = field(default_factory=dict)


def monthly(values: list[tuple[date, float]]) -> list[tuple[date, float]]:
    """The last value of each month: a printed trend needs no more, and draws much faster."""
    last: dict[tuple[int, int], tuple[date, float]] = {}
    for day, value in sorted(values):
        last[(day.year, day.month)] = (day, value)
    return list(last.values())


def goal_panel(item: GoalFollowUp, *, per_month: bool = False) -> dict:
    """What goal_trend_chart draws of one goal (`per_month`: one value a month)."""
    goal = item.goal
    measured = [(m.measured_on, m.value) for m in item.measurements]
    start = path_start(goal.baseline_on, measured)  # from every value, as the status was judged
    path = (
        milestone_path(goal.baseline, goal.target, start, goal.deadline, item.milestones)
        if start is not None and start < goal.deadline
        else [(goal.deadline, goal.target)]
    )
    if per_month:
        measured = monthly(measured)
    return {"metric": goal.metric, "unit": goal.unit, "status": item.status.status, "path": path, "measured": measured}


def customer_rows(
    measurements: list[CustomerMeasurementRead], measure: str, segments: list[str] | None = None
) -> list[dict]:
    """One measure's values as chart rows; with `segments`, only those ("All customers" for none)."""
    return [
        {
            "Measure": measure,
            "Date": m.measured_on.isoformat(),
            "Segment": m.segment_name or "All customers",
            "Value": m.value,
        }
        for m in measurements
        if m.measure == measure and (segments is None or (m.segment_name or "All customers") in segments)
    ]


def charted_segments(doc: StrategyDocument, measure: str) -> list[str]:
    """The series a customer measure's panel shows: all customers first, then the segments in
    order of priority (primary targets first), at most SERIES_PER_MEASURE."""
    order: dict[str | None, int] = {p: n for n, p in enumerate(PRIORITIES)}
    rank = {r.name: (order.get(r.priority, len(PRIORITIES)), -r.attractiveness) for r in doc.segments}
    present = {m.segment_name or "All customers" for m in doc.customer if m.measure == measure}
    return sorted(present, key=lambda n: (n != "All customers", rank.get(n, (99, 0))))[:SERIES_PER_MEASURE]


def _panels_aspect(panels: int, legend_rows: int = 0) -> float:
    columns = min(2, panels)
    rows = -(-panels // 2)
    return (rows * (PANEL[1] + _PANEL_EXTRA[1]) + legend_rows * 18) / (columns * (PANEL[0] + _PANEL_EXTRA[0]))


def _start_charts(doc: StrategyDocument) -> dict[str, list[Image]]:
    """Every chart of the document, drawn as PNG in another process in the order the document
    shows them, while the rest is read and the text laid out here."""
    jobs: list[tuple[str, str, str, float, alt.TopLevelMixin, float]] = []  # group, name, title, aspect, chart, scale
    if doc.segments:
        jobs.append(
            (
                "matrix",
                "priority-matrix",
                "The priority matrix: attractiveness against ability",
                0.83,
                priority_matrix_chart(doc.segments, currency=doc.workspace.currency, width=720, height=520),
                1.6,
            )
        )
    if doc.smap.nodes:
        width, height = strategy_map_size(doc.smap.positions)
        jobs.append(
            (
                "map",
                "strategy-map",
                "The strategy map",
                (height + _MAP_EXTRA[1]) / (width + _MAP_EXTRA[0]),
                strategy_map_chart(doc.smap.nodes, doc.smap.links, doc.smap.positions, doc.smap.breached_nodes()),
                min(1.6, 2000 / (width + _MAP_EXTRA[0])),
            )
        )  # at most 2,000 pixels across: 300 dpi on A4
    for n in range(0, len(doc.goals), GOALS_PER_CHART):
        batch = doc.goals[n : n + GOALS_PER_CHART]
        jobs.append(
            (
                "goals",
                f"goals-{n // GOALS_PER_CHART + 1}",
                "Goal trends: " + ", ".join(g.goal.metric for g in batch),
                _panels_aspect(len(batch), 1),
                goal_trend_chart(
                    [goal_panel(g, per_month=True) for g in batch],
                    doc.today,
                    columns=2,
                    width=PANEL[0],
                    height=PANEL[1],
                ),
                2.0,
            )
        )
    series = {
        measure: what
        for measure, (what, _, _) in CUSTOMER_MEASURES.items()
        if any(m.measure == measure for m in doc.customer)
    }
    if series:
        rows = [r for m in series for r in customer_rows(doc.customer, m, charted_segments(doc, m))]
        legend = len({r["Segment"] for r in rows})
        jobs.append(
            (
                "customer",
                "customer-measures",
                "Customer measures over time: " + ", ".join(series),
                _panels_aspect(len(series), -(-legend // 3)),
                customer_measure_chart(series, rows, columns=2, width=PANEL[0], height=PANEL[1]),
                2.0,
            )
        )
    result: dict[str, list[Image]] = {}
    for group, name, title, aspect, chart, scale in jobs:
        result.setdefault(group, []).append(Image(name, title, aspect, RenderedChart(chart, scale)))
    return result


def strategy_document(
    *, session: Session, workspace_id: int, today: date | None = None, with_charts: bool = True
) -> StrategyDocument:
    """Read everything the document shows; the charts start rendering as soon as their data is read."""
    today = today or clock.today()
    matrix = priority_matrix(session=session, workspace_id=workspace_id)
    doc = StrategyDocument(
        workspace=get_workspace(session=session, workspace_id=workspace_id),
        today=today,
        generated_at=clock.now(),
        segments=matrix.rows,
        smap=strategy_map(session=session, workspace_id=workspace_id),
        goals=goal_follow_up(session=session, workspace_id=workspace_id, today=today),
        customer=customer_measurements(session=session, workspace_id=workspace_id),
    )
    if with_charts:
        doc.images = _start_charts(doc)
    targets = {r.segment_id for r in matrix.rows if r.priority in PRIORITIES[:2]}
    doc.promise = current_promise(session=session, workspace_id=workspace_id)
    doc.personas = [p for p in list_personas(session=session, workspace_id=workspace_id) if p.segment_id in targets]
    doc.plan_start = plan_start_of(require_workspace(session, workspace_id))
    doc.actions = list_actions(session=session, workspace_id=workspace_id)
    doc.role_impacts = list_role_impacts(session=session, workspace_id=workspace_id)
    doc.feedback = list_feedback(session=session, workspace_id=workspace_id)
    doc.health = health_check(
        session=session, workspace_id=workspace_id, today=today, goals=doc.goals, feedback=doc.feedback
    )
    return doc
