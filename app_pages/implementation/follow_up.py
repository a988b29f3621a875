"""Follow-up (advice 9, seed 000): each goal's measured values against its milestone path with a
status of on track, at risk or off track, customer measures per segment over time, and measurements
entered one by one or imported from CSV/XLSX."""

import pandas as pd
import streamlit as st

from crmstrategy.analysis.segments import list_segments
from crmstrategy.core import clock
from crmstrategy.core.charts import chart_spec
from crmstrategy.core.editor import table_records
from crmstrategy.core.fields import text_limit
from crmstrategy.core.text import md_escape
from crmstrategy.implementation.charts import customer_measure_chart, goal_trend_chart
from crmstrategy.implementation.follow_up import (
    add_customer_measurement,
    add_goal_measurement,
    customer_measurements,
    delete_customer_measurements,
    goal_follow_up,
    import_measurements,
    measurement_versions,
    set_goal_measurements,
)
from crmstrategy.implementation.follow_up_rules import GOAL_STATUSES, STATUS_RULE
from crmstrategy.implementation.measurement_import import (
    IMPORT_LABELS,
    TEMPLATE_HEADER,
    preview_measurement_import,
)
from crmstrategy.implementation.models import CUSTOMER_MEASURES, MeasurementFields
from crmstrategy.ui.actions import act, clear_form, edit_scope, flash, read, show_flash, workspace_keys
from crmstrategy.ui.frame import page_link, step_footer, workbench_page
from crmstrategy.ui.tables import saved_table
from crmstrategy.ui.widgets import cached_chart_spec, import_panel, vanished
from crmstrategy.workspace.method_path import Place
from crmstrategy.workspace.strategy_document import customer_rows, goal_panel

ws = workbench_page("Follow-up")
wkey = workspace_keys(ws.id)

st.title("Follow-up: goals and customer measures")
st.caption(
    "CRM programmes stall after launch for want of signals that something must be "
    "adjusted. Follow each goal against its milestones, and the customers' satisfaction, loyalty, churn "
    "and conversion."
)
show_flash("follow_up")

today = clock.today()
items = read(goal_follow_up, workspace_id=ws.id, today=today)
customer = read(customer_measurements, workspace_id=ws.id)
segments = read(list_segments, workspace_id=ws.id)
by_id = {item.goal.id: item for item in items}
STATUS_MARKS = {
    "On track": ":green-badge[On track]",
    "At risk": ":orange-badge[At risk]",
    "Off track": ":red-badge[Off track]",
    "Not measured": ":gray-badge[Not measured]",
}

if items:
    counts = {status: sum(i.status.status == status for i in items) for status in GOAL_STATUSES}
    m = st.columns(4)
    for column, status in zip(m, GOAL_STATUSES):
        column.metric(status, counts[status])
    off = [i for i in items if i.status.status == "Off track"]
    if off:
        with st.container(border=True, key=wkey("follow_off_track")):
            st.markdown(
                f":red[:material/trending_down:] **{len(off)} goal{'s' if len(off) != 1 else ''} off track** "
                "· decide with the owner what to adjust, now rather than at the deadline."
            )
            for item in off:
                st.markdown(
                    f"- **{md_escape(item.goal.metric)}** · owner: "
                    f"{md_escape(item.goal.owner) if item.goal.owner else ':orange[no owner]'}  \n"
                    f"  {md_escape(item.status.message)}"
                )
    with st.expander("How the status is decided", icon=":material/rule:"):
        st.write(STATUS_RULE)
else:
    st.info(
        "No measurable goals yet: goals are set on the CRM objectives. Customer measures can be followed already.",
        icon=":material/info:",
    )
    page_link(Place.GOALS, "Set measurable goals", icon=":material/arrow_forward:")

goals_tab, customer_tab, add_tab, import_tab = st.tabs(
    ["Goals", "Customer measures", "Add a measurement", "Import from CSV/XLSX"], key=wkey("follow_up_tabs")
)

with goals_tab:
    if not items:
        st.caption("No goals yet.")
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    "Goal": [i.goal.metric for i in items],
                    "Objective": [i.objective for i in items],
                    "Owner": [i.goal.owner or "– no owner –" for i in items],
                    "Latest": [
                        "–"
                        if i.status.latest is None
                        else f"{i.status.latest[1]:g} {i.goal.unit}".strip() + f" ({i.status.latest[0].isoformat()})"
                        for i in items
                    ],
                    "Path expects": [
                        "–" if i.status.expected is None else f"{i.status.expected:.3g} {i.goal.unit}".strip()
                        for i in items
                    ],
                    "Target": [f"{i.goal.target:g} {i.goal.unit}".strip() for i in items],
                    "Deadline": [i.goal.deadline for i in items],
                    "Status": [i.status.status for i in items],
                }
            ),
            hide_index=True,
            placeholder="",
            width="stretch",
            key=wkey("follow_goals_table"),
        )
        worst = sorted(
            items,
            key=lambda i: GOAL_STATUSES.index(i.status.status) if i.status.status != "Not measured" else -1,
            reverse=True,
        )
        options = list(by_id)
        chosen = st.selectbox(
            "Goal",
            options,
            key=wkey("follow_goal"),
            index=options.index(worst[0].goal.id),
            format_func=lambda g: f"{by_id[g].goal.metric} · {by_id[g].status.status}",
        )
        item = by_id[chosen]
        st.markdown(f"{STATUS_MARKS[item.status.status]} {md_escape(item.status.message)}")
        panel = goal_panel(item)
        if panel["measured"]:
            spec = cached_chart_spec(
                "goal trend",
                lambda: chart_spec(goal_trend_chart([panel], today, width="container", height=300)),
                panel,
                today,
            )
            st.vega_lite_chart(spec, theme=None, width="stretch", key=wkey("follow_goal_chart"))
        else:
            st.info(
                f"Nothing to draw yet: no value of '{md_escape(item.goal.metric)}' has been measured. Add one in "
                "the table below or under 'Add a measurement'; the chart then shows it against the milestone "
                "path.",
                icon=":material/show_chart:",
            )
        if item.goal.baseline_on is None:
            st.caption(
                "The baseline has no date, so the path starts at the first value measured. Set the date "
                "on the Goals page."
            )
        st.markdown("**Measured values** · edit, add or delete rows: every change is saved at once.")
        newest = item.measurements[::-1]  # the values being added and corrected are the recent ones
        table_key, drawn_values = edit_scope(
            "follow_values", ws.id, chosen, read(measurement_versions, workspace_id=ws.id, goal_id=chosen)
        )
        saved_table(
            "follow_values",
            key=table_key,
            scope=("follow_values", ws.id, chosen),
            num_rows="dynamic",
            save=lambda records: (
                set_goal_measurements,
                {
                    "workspace_id": ws.id,
                    "goal_id": chosen,
                    "drawn": drawn_values,
                    "rows": table_records(
                        records, {"Date": "measured_on", "Value": "value", "Note": "note", "Recorded by": "recorded_by"}
                    ),
                },
            ),
            confirm=lambda saved: f"Saved {saved} value{'s' if saved != 1 else ''} of '{item.goal.metric}'.",
            rows=[
                {"Date": m.measured_on, "Value": m.value, "Note": m.note or "", "Recorded by": m.recorded_by or ""}
                for m in newest
            ],
            columns={"Date": "date", "Value": "number", "Note": "text", "Recorded by": "text"},
            column_config={
                "Date": st.column_config.DateColumn(required=True, max_value=today, format="YYYY-MM-DD"),
                "Value": st.column_config.NumberColumn(required=True, format="%g"),
                "Note": st.column_config.TextColumn(max_chars=text_limit(MeasurementFields, "note"), width="large"),
                "Recorded by": st.column_config.TextColumn(max_chars=text_limit(MeasurementFields, "recorded_by")),
            },
        )

with customer_tab:
    st.write(
        "Satisfaction and loyalty, but above all whether customers stay and buy: per target segment "
        "where it is known, else for all customers."
    )
    measured = [m for m in CUSTOMER_MEASURES if any(c.measure == m for c in customer)]
    if not customer:
        st.caption("No customer measures yet. Add one under 'Add a measurement', or import a file.")
    else:
        measure = st.radio("Measure", measured, key=wkey("follow_measure"), horizontal=True)
        what = CUSTOMER_MEASURES[measure][0]
        rows = customer_rows(customer, measure)
        spec = cached_chart_spec(
            "customer measure",
            lambda: chart_spec(customer_measure_chart({measure: what}, rows, width="container", height=300)),
            rows,
        )
        st.vega_lite_chart(spec, theme=None, width="stretch", key=wkey("follow_measure_chart"))
        shown = [c for c in customer if c.measure == measure]
        picked = st.dataframe(
            pd.DataFrame(
                {
                    "Segment": [c.segment_name or "All customers" for c in shown],
                    "Date": [c.measured_on for c in shown],
                    "Value": [c.value for c in shown],
                    "Note": [c.note for c in shown],
                    "Recorded by": [c.recorded_by for c in shown],
                }
            ),
            hide_index=True,
            placeholder="",
            width="stretch",
            key=wkey("follow_measure_table"),
            on_select="rerun",
            selection_mode="multi-row",
        )
        selected = [shown[n].id for n in picked.selection.rows] if picked and picked.selection else []
        if st.button(
            f"Delete {len(selected)} selected value{'s' if len(selected) != 1 else ''}",
            key=wkey("follow_measure_delete"),
            disabled=not selected,
        ):
            if act(delete_customer_measurements, workspace_id=ws.id, measurement_ids=selected) is not None:
                flash("follow_up", f"Deleted {len(selected)} value{'s' if len(selected) != 1 else ''} of {measure}.")
                st.rerun()

with add_tab:
    choices = [("goal", g) for g in by_id] + [("measure", m) for m in CUSTOMER_MEASURES]
    segment_names = {s.id: s.name for s in segments}

    def what_label(choice) -> str:
        kind, value = choice
        return (
            f"Goal: {by_id[value].goal.metric}"
            if kind == "goal"
            else f"Customer measure: {value} ({CUSTOMER_MEASURES[value][0]})"
        )

    # Asked before the boxes are drawn: they fall back to another option once theirs is deleted.
    gone = [
        noun
        for key, options, noun in (
            (wkey("measurement_new_what"), choices, "goal"),
            (wkey("measurement_new_segment"), [None] + list(segment_names), "segment"),
        )
        if vanished(key, options)
    ]
    with st.form("measurement_new", border=True):
        what = st.selectbox("What was measured", choices, key=wkey("measurement_new_what"), format_func=what_label)
        c1, c2, c3 = st.columns([2, 1, 1])
        segment = c1.selectbox(
            "Segment (customer measures only)",
            [None] + list(segment_names),
            key=wkey("measurement_new_segment"),
            format_func=lambda s: "All customers" if s is None else segment_names[s],
        )
        measured_on = c2.date_input("Date", value=today, max_value=today, key=wkey("measurement_new_date"))
        value = c3.text_input("Value", key=wkey("measurement_new_value"), placeholder="e.g. 12.5")
        c1, c2 = st.columns([3, 1])
        note = c1.text_input(
            "Note",
            key=wkey("measurement_new_note"),
            max_chars=text_limit(MeasurementFields, "note"),
            placeholder="Where the number comes from, e.g. 'ERP, rolling 12 months'",
        )
        by = c2.text_input(
            "Recorded by", key=wkey("measurement_new_by"), max_chars=text_limit(MeasurementFields, "recorded_by")
        )
        add = st.form_submit_button("Add the measurement", type="primary", key=wkey("measurement_new_submit"))
    add_problems = st.container()
    if add:
        kind, target = what
        fields = {"measured_on": measured_on, "value": value, "note": note, "recorded_by": by}
        created = None
        if gone:
            add_problems.error(
                f"The {gone[0]} you chose does not exist any more (it was deleted since the page was "
                "opened): nothing was saved. Choose again.",
                icon=":material/error:",
            )
        elif kind == "goal":
            if segment is not None:
                add_problems.error(
                    "Goals are not measured per segment: choose 'All customers' for a goal.", icon=":material/error:"
                )
            else:
                created = act(
                    add_goal_measurement, workspace_id=ws.id, where=add_problems, data=fields | {"goal_id": target}
                )
        else:
            created = act(
                add_customer_measurement,
                workspace_id=ws.id,
                where=add_problems,
                data=fields | {"measure": target, "segment_id": segment},
            )
        if created is not None:
            clear_form({"measurement_new_value": "", "measurement_new_note": ""}, key=wkey)
            flash("follow_up", f"Added {created.value:g} on {created.measured_on.isoformat()}.")
            st.rerun()

with import_tab:
    taken = {(g, m.measured_on) for g, item in by_id.items() for m in item.measurements} | {
        (c.measure, c.segment_id, c.measured_on) for c in customer
    }
    import_panel(
        key="measurements",
        noun="measurement",
        workspace_id=ws.id,
        save=import_measurements,
        columns_help="Columns: " + ", ".join(TEMPLATE_HEADER) + ". 'Goal or measure' is a goal's metric as on the "
        "Goals page, or one of " + ", ".join(CUSTOMER_MEASURES) + " (with a segment by name, or none "
        "for all customers). Goal or measure, Date and Value are required.",
        template_header=TEMPLATE_HEADER,
        parse=lambda raw, name: preview_measurement_import(
            raw,
            name,
            goals={g: i.goal.metric for g, i in by_id.items()},
            segments={s.name: s.id for s in segments},
            taken=taken,
            today=today,
        ),
        preview_table=lambda valid: pd.DataFrame(
            {
                "Row": [n for n, _ in valid],
                IMPORT_LABELS["measure"]: [
                    by_id[m.goal_id].goal.metric if hasattr(m, "goal_id") else m.measure for _, m in valid
                ],
                IMPORT_LABELS["segment"]: [
                    "" if hasattr(m, "goal_id") else segment_names.get(m.segment_id, "All customers") for _, m in valid
                ],
                IMPORT_LABELS["measured_on"]: [m.measured_on for _, m in valid],
                IMPORT_LABELS["value"]: [m.value for _, m in valid],
            }
        ),
    )
    show_flash("measurements")

step_footer("Follow-up")
