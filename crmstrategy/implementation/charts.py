"""The implementation step's charts: the plan's timeline, goals against their milestone path, the
customer measures and the feedback log. Pure: data in, Altair chart out; no Streamlit."""

from __future__ import annotations

import json
from datetime import date

import altair as alt
import pandas as pd

from crmstrategy.core.charts import fit_page
from crmstrategy.implementation.plan_rules import is_overdue

STATUS_COLOURS = {
    "Not started": "#9aa7b8",
    "In progress": "#2f6fb3",
    "Done": "#1b7f3b",
    "Blocked": "#b8860b",
    "Overdue": "#d62728",
}


def timeline_extent(spans: list[tuple[date, date]], today: date) -> tuple[date, date]:
    """The time axis of the plan's timeline: from the first day of the month of the earliest start
    to the first day of the month after the latest due date, with today inside (its line is always
    drawn). `spans` are (start, due) pairs."""
    first = min([begin for begin, _ in spans] + [today])
    last = max([due for _, due in spans] + [today])
    return first.replace(day=1), date(last.year + last.month // 12, last.month % 12 + 1, 1)


def _utc(day: date) -> alt.DateTime:
    return alt.DateTime(year=day.year, month=day.month, date=day.day, utc=True)


def plan_timeline_chart(
    actions, plan_start, today, *, group_by: str = "horizon", width: int | str = 900
) -> alt.LayerChart:
    """A Gantt chart of the dated actions: a bar from the start (else the plan's start, but never
    after the due date) to the due date, coloured by status with overdue actions in red, and a line
    for today. The actions are grouped by horizon or department, each group under a header row, the
    soonest due first. One view, so that `width="container"` fills the page and the time axis runs
    across it from the earliest start to the latest due date (timeline_extent). `actions` are plan
    ActionRead."""

    groups: dict[str, list[dict]] = {}
    for a in actions:
        if a.due_date is None:
            continue
        begin = min(a.start_date or plan_start, a.due_date)
        group = (
            (f"{a.shown_horizon} months" if a.shown_horizon else "No horizon")
            if group_by == "horizon"
            else (a.department or "No department")
        )
        overdue = is_overdue(a.status, a.due_date, today)
        groups.setdefault(group, []).append(
            {
                "Action": a.title,
                "Start": begin.isoformat(),
                "Due": a.due_date.isoformat(),
                "Owner": a.owner or "– no owner –",
                "Status": "Overdue" if overdue else a.status,
                "Initiatives": "; ".join(a.initiative_names) or "–",
            }
        )
    order = sorted(groups, key=lambda g: (g[0].isdigit() is False, int(g.split()[0]) if g[0].isdigit() else 0, g))
    # The y axis tells its rows apart by their text: a title used twice (or a group's name) gets a space more
    taken: set[str] = set()

    def row_name(text: str) -> str:
        while text in taken:
            text += " "
        taken.add(text)
        return text

    headers, rows, domain = [], [], []
    for group in order:
        members = sorted(groups[group], key=lambda r: (r["Due"], r["Start"], r["Action"]))
        header = row_name(f"{group} · {len(members)} action{'s' if len(members) != 1 else ''}")
        headers.append({"Row": header})
        domain.append(header)
        for member in members:
            rows.append(member | {"Row": row_name(member["Action"])})
            domain.append(rows[-1]["Row"])
    first, last = timeline_extent([(date.fromisoformat(r["Start"]), date.fromisoformat(r["Due"])) for r in rows], today)
    x_scale = alt.Scale(type="utc", domain=[_utc(first), _utc(last)], nice=False)
    is_header = f"indexof({json.dumps([h['Row'] for h in headers])}, datum.value) >= 0"
    y = alt.Y(
        "Row:N",
        sort=None,
        title=None,
        scale=alt.Scale(domain=domain, paddingInner=0.2),
        axis=alt.Axis(
            labelLimit=320,
            labelPadding=6,
            ticks=False,
            domain=False,
            labelFontSize={"condition": {"test": is_header, "value": 14}, "value": 13},
            labelFontWeight={"condition": {"test": is_header, "value": "bold"}, "value": "normal"},
        ),
    )
    x = alt.X(
        "Start:T",
        title=None,
        scale=x_scale,
        axis=alt.Axis(
            format="%b %Y",
            labelFontSize=13,
            orient="top",
            labelOverlap=True,
            domain=False,
            tickCount=alt.TimeIntervalStep(interval="month", step=1),
        ),
    )
    colour = alt.Color(
        "Status:N",
        scale=alt.Scale(domain=list(STATUS_COLOURS), range=list(STATUS_COLOURS.values())),
        legend=alt.Legend(orient="bottom", title=None, labelFontSize=13, symbolSize=160),
    )
    tooltip = [alt.Tooltip(f"{name}:N") for name in ("Action", "Owner", "Status", "Start", "Due", "Initiatives")]
    bands = alt.Chart(alt.Data(values=headers)).mark_rect(color="#e9edf2", aria=False).encode(y=y)
    bars = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar(cornerRadius=3)
        .encode(x=x, x2="Due:T", y=y, color=colour, tooltip=tooltip)
    )
    moment = alt.Chart(alt.Data(values=[{"Today": today.isoformat(), "Row": domain[0] if domain else ""}]))
    today_line = moment.mark_rule(color="#d62728", strokeDash=[6, 4], strokeWidth=2, aria=False).encode(
        x=alt.X("Today:T", scale=x_scale)
    )
    today_label = moment.mark_text(
        text="Today", color="#d62728", fontSize=13, fontWeight="bold", align="left", dx=5, aria=False
    ).encode(x=alt.X("Today:T", scale=x_scale), y=y)
    return fit_page(
        alt.layer(bands, bars, today_line, today_label).properties(width=width, height=alt.Step(24), title="Timeline"),
        width,
    ).configure_title(fontSize=18, anchor="start")


DOTS_UP_TO = 60


GOAL_STATUS_COLOURS = {"On track": "#1b7f3b", "At risk": "#e08a00", "Off track": "#d62728", "Not measured": "#9aa7b8"}


def goal_label(metric: str, unit: str, status: str) -> str:
    # The status first: a title too long for its panel is cut at the end.
    return f"{status} · {metric}{f' ({unit})' if unit else ''}"


# The lines of a goal's chart (by series), named in its legend and told apart there by their dashes
GOAL_LINES = {"Measured": ("Measured", [1, 0]), "Path": ("Milestone path", [6, 4]), "Today": ("Today", [2, 3])}


def _time_axis(days: list[str], *, width: int | str) -> alt.Axis:
    """A time axis with a label on the first of every month, or of every 2nd, 3rd, 6th or 12th
    month, so that about six are shown over the span of `days` (ISO dates): a span of a few weeks
    does not repeat its month's name. A page's chart gets larger labels than a document's panels."""
    months = 0
    if days:
        first, last = date.fromisoformat(min(days)), date.fromisoformat(max(days))
        months = (last.year - first.year) * 12 + last.month - first.month
    step = next((n for n in (1, 2, 3, 6) if months <= 6 * n), 12)
    return alt.Axis(
        format="%b %Y",
        labelFontSize=13 if width == "container" else 12,
        labelAngle=0,
        tickCount=alt.TimeIntervalStep(interval="month", step=step),
    )


def _panels(
    layers: alt.LayerChart, field: str, order: list[str], *, columns: int, width: int | str
) -> alt.TopLevelMixin:
    """One panel per value of `field`, in `order`, its name on top. A page's chart
    (`width="container"`) has one panel, drawn as a single view with the name as its title:
    Vega-Lite sizes only a single view to its container."""
    if width == "container":
        if len(order) > 1:
            raise ValueError("A chart as wide as the page has one panel")
        return fit_page(
            layers.properties(
                title=alt.Title(
                    order[0] if order else "", anchor="start", fontSize=15, fontWeight="bold", limit=0, offset=8
                )
            ),
            width,
        )
    assert not isinstance(width, str), "the only width in words is 'container'"
    return layers.facet(
        facet=alt.Facet(
            f"{field}:N",
            sort=order,
            title=None,
            header=alt.Header(labelFontSize=14, labelFontWeight="bold", labelAnchor="start", labelLimit=width),
        ),
        columns=columns,
    ).resolve_scale(y="independent", x="independent")


def goal_trend_chart(
    goals: list[dict], today, *, columns: int = 1, width: int | str = 640, height: int = 260
) -> alt.TopLevelMixin:
    """Measured values against the milestone path, one panel per goal: the path dashed from the
    baseline through the milestones (diamonds) to the target, the values as a line in the colour
    of the goal's status, and a dotted line for today; a legend names the three lines. Each goal
    is a dict of metric, unit, status, and path and measured as (date, value) pairs. Several goals
    in one chart render as one image, which keeps a document of many goals quick to build; a page
    (`width="container"`) shows one goal."""
    rows, order = [], []
    for goal in goals:
        label = goal_label(goal["metric"], goal["unit"], goal["status"])
        while label in order:  # goals may share a metric; each keeps a panel of its own
            label += " "
        order.append(label)
        last = len(goal["path"]) - 1
        rows += [
            {
                "Goal": label,
                "Series": "Path",
                "Date": d.isoformat(),
                "Value": v,
                "Status": goal["status"],
                "Point": "Target" if i == last else ("Baseline" if i == 0 else "Milestone"),
                "Line": GOAL_LINES["Path"][0],
            }
            for i, (d, v) in enumerate(goal["path"])
        ]
        dense = len(goal["measured"]) > DOTS_UP_TO  # a dot per value only while the dots stay apart
        rows += [
            {
                "Goal": label,
                "Series": "Measured",
                "Date": d.isoformat(),
                "Value": v,
                "Status": goal["status"],
                "Point": "Measured",
                "Dense": dense,
                "Line": GOAL_LINES["Measured"][0],
            }
            for d, v in goal["measured"]
        ]
        rows.append(
            {
                "Goal": label,
                "Series": "Today",
                "Date": today.isoformat(),
                "Value": None,
                "Status": goal["status"],
                "Point": "Today",
                "Line": GOAL_LINES["Today"][0],
            }
        )
    x = alt.X("Date:T", title=None, axis=_time_axis([r["Date"] for r in rows], width=width))
    y = alt.Y("Value:Q", title=None, scale=alt.Scale(zero=False), axis=alt.Axis(labelFontSize=13))
    colour = alt.Color(
        "Status:N",
        scale=alt.Scale(domain=list(GOAL_STATUS_COLOURS), range=list(GOAL_STATUS_COLOURS.values())),
        legend=None,
    )
    dashes = alt.StrokeDash(
        "Line:N",
        scale=alt.Scale(
            domain=[name for name, _ in GOAL_LINES.values()], range=[dash for _, dash in GOAL_LINES.values()]
        ),
        legend=alt.Legend(
            orient="bottom",
            title=None,
            labelFontSize=13,
            symbolType="stroke",
            symbolSize=400,
            symbolStrokeWidth=2.5,
            symbolStrokeColor="#374151",
            labelLimit=0,
        ),
    )
    tooltip = [
        alt.Tooltip("Point:N", title="What"),
        alt.Tooltip("Date:T", format="%Y-%m-%d"),
        alt.Tooltip("Value:Q", format=",.2f"),
    ]

    def series(name: str) -> alt.Chart:
        return alt.Chart().transform_filter(alt.datum.Series == name)

    layers = alt.layer(
        series("Path").mark_line(color="#6b7280", strokeWidth=2).encode(x=x, y=y, strokeDash=dashes),
        series("Path")
        .mark_point(shape="diamond", size=90, filled=True, color="#6b7280")
        .encode(x=x, y=y, tooltip=tooltip),
        series("Measured").mark_line(strokeWidth=3).encode(x=x, y=y, color=colour, strokeDash=dashes),
        series("Measured")
        .mark_circle(size=45, opacity=1)
        .encode(x=x, y=y, color=colour, tooltip=tooltip)
        .transform_filter(alt.datum.Dense == False),  # noqa: E712 (a Vega expression, not Python)
        series("Today").mark_rule(color="#374151", strokeWidth=1.5).encode(x="Date:T", strokeDash=dashes),
        data=pd.DataFrame(rows),
    ).properties(width=width, height=height)
    assert isinstance(layers, alt.LayerChart)  # alt.layer makes a FacetChart only of layers with a facet encoding
    return _panels(layers, "Goal", order, columns=columns, width=width)


def customer_measure_chart(
    measures: dict[str, str], rows: list[dict], *, columns: int = 1, width: int | str = 640, height: int = 240
) -> alt.TopLevelMixin:
    """Customer measures over time, a panel per measure (`measures` maps each to what it is, e.g.
    "% of customers lost") and a line per segment ("All customers" when none). `rows` have
    Measure, Date (ISO), Segment and Value. A page (`width="container"`) shows one measure."""
    titles = {m: f"{m} ({what})" for m, what in measures.items()}
    data = [r | {"Panel": titles[r["Measure"]]} for r in rows if r["Measure"] in titles]
    x = alt.X("Date:T", title=None, axis=_time_axis([r["Date"] for r in data], width=width))
    y = alt.Y("Value:Q", title=None, scale=alt.Scale(zero=False), axis=alt.Axis(labelFontSize=13))
    colour = alt.Color(
        "Segment:N",
        legend=alt.Legend(
            orient="bottom", title=None, labelFontSize=13, labelLimit=260, columns=3, symbolStrokeWidth=3
        ),
    )
    tooltip = [
        alt.Tooltip("Segment:N"),
        alt.Tooltip("Date:T", format="%Y-%m-%d"),
        alt.Tooltip("Value:Q", format=",.2f"),
    ]
    layers = alt.layer(
        alt.Chart().mark_line(strokeWidth=3).encode(x=x, y=y, color=colour),
        alt.Chart().mark_circle(size=40, opacity=1).encode(x=x, y=y, color=colour, tooltip=tooltip),
        data=pd.DataFrame(data),
    ).properties(width=width, height=height)
    assert isinstance(layers, alt.LayerChart)  # alt.layer makes a FacetChart only of layers with a facet encoding
    return _panels(layers, "Panel", [titles[m] for m in measures], columns=columns, width=width)


FEEDBACK_STATUS_COLOURS = {"New": "#9aa7b8", "Routed": "#2f6fb3", "Acted on": "#1b7f3b"}


def feedback_counts_chart(counts: list[tuple[str, dict[str, int]]], *, width: int | str = "container") -> alt.Chart:
    """Horizontal bars per group (theme or segment), stacked by status, the largest group on top."""
    rows = [
        {"Group": group, "Status": status, "Feedback": n}
        for group, by_status in counts
        for status, n in by_status.items()
        if n
    ]
    order = [group for group, _ in counts]
    return (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            y=alt.Y("Group:N", sort=order, title=None, axis=alt.Axis(labelLimit=260, labelFontSize=13)),
            x=alt.X("sum(Feedback):Q", title=None, axis=alt.Axis(tickMinStep=1, format="d")),
            color=alt.Color(
                "Status:N",
                scale=alt.Scale(domain=list(FEEDBACK_STATUS_COLOURS), range=list(FEEDBACK_STATUS_COLOURS.values())),
                legend=alt.Legend(orient="bottom", title=None, labelFontSize=13),
            ),
            order=alt.Order("Status:N"),
            tooltip=[alt.Tooltip("Group:N", title="Group"), alt.Tooltip("Status:N"), alt.Tooltip("Feedback:Q")],
        )
        .properties(width=width, height=alt.Step(26))
    )
