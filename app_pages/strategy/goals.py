"""Goals (advice 5, seed 004): measurable goals on the CRM objectives, with baseline, target,
deadline, owner and milestones; warnings for objectives measured by activity alone and for
too many long-term goals."""

import pandas as pd
import streamlit as st

from crmstrategy.core import clock
from crmstrategy.core.editor import table_records
from crmstrategy.core.fields import text_limit
from crmstrategy.core.text import md_escape
from crmstrategy.strategy.goals import (
    create_goal,
    delete_goal,
    generate_milestones,
    goal_advice,
    list_goals,
    milestone_versions,
    milestones_of,
    set_long_term_limit,
    set_milestones,
    update_goal,
)
from crmstrategy.strategy.milestones import LONG_TERM_DAYS
from crmstrategy.strategy.models import ACTIVITY_EXAMPLES, GOAL_MEASURES, GOAL_TYPES, VALUE_EXAMPLES, GoalCreate
from crmstrategy.strategy.strategy_map import list_nodes
from crmstrategy.ui.actions import act, clear_form, edit_scope, flash, read, show_flash, workspace_keys
from crmstrategy.ui.frame import page_link, step_footer, workbench_page
from crmstrategy.ui.tables import saved_table
from crmstrategy.workspace.method_path import Place

ws = workbench_page("Goals")
wkey = workspace_keys(ws.id)
LIMITS = {field: text_limit(GoalCreate, field) for field in ("metric", "unit", "owner")}

st.title("Measurable goals")
st.caption(
    "Concrete goals let you intervene in time, but too many long-term goals blur the direction. "
    f"Measure value ({VALUE_EXAMPLES}), not only activity ({ACTIVITY_EXAMPLES})."
)
show_flash("goals")

objectives = {n.id: n for n in read(list_nodes, workspace_id=ws.id) if n.kind == "objective"}
if not objectives:
    st.info("Goals measure the CRM objectives, and the map has none yet.")
    page_link(Place.STRATEGY_MAP, "Add objectives on the strategy map", icon=":material/arrow_forward:")
    step_footer("Goals")
    st.stop()

today = clock.today()
goals = read(list_goals, workspace_id=ws.id)
milestones = read(milestones_of, workspace_id=ws.id)
advice = goal_advice(goals, ws.max_long_term_goals, today)
by_id = {g.id: g for g in goals}

if advice.too_many_long_term:
    st.warning(
        f"{len(advice.long_term)} long-term goals (more than {LONG_TERM_DAYS} days away); the workspace's "
        f"limit is {advice.limit}. Too many long-term goals blur the direction: keep the few that matter.",
        icon=":material/warning:",
    )
for objective_id in advice.activity_only:
    st.warning(
        f"'{md_escape(objectives[objective_id].name)}' is measured only by activity. CRM programmes that "
        f"track activity alone stall: add a goal on value ({VALUE_EXAMPLES}).",
        icon=":material/warning:",
    )
without = [o.name for o in objectives.values() if not any(g.objective_id == o.id for g in goals)]
if without:
    st.info("No measurable goal yet: " + md_escape(", ".join(without)) + ".", icon=":material/info:")

st.dataframe(
    pd.DataFrame(
        {  # what, how far and by when, and who: first, so a laptop shows them without scrolling
            "Goal": [g.metric for g in goals],
            "Target": [f"{g.target:g} {g.unit}".strip() for g in goals],
            "Deadline": [g.deadline for g in goals],
            "Owner": [g.owner or "– no owner –" for g in goals],
            "Baseline": [f"{g.baseline:g} {g.unit}".strip() for g in goals],
            "Objective": [objectives[g.objective_id].name for g in goals],
            "Type": [g.goal_type for g in goals],
            "Measures": [g.measures for g in goals],
            "Long-term": ["yes" if g.id in advice.long_term else "" for g in goals],
            "Baseline on": [g.baseline_on for g in goals],
            "Milestones": [len(milestones.get(g.id, [])) for g in goals],
        }
    ),
    hide_index=True,
    placeholder="",
    width="stretch",
    key=wkey("goals_table"),
)


def choose_goal(key: str) -> int:
    return st.selectbox(
        "Goal",
        list(by_id),
        key=key,
        format_func=lambda i: f"{by_id[i].metric} · {objectives[by_id[i].objective_id].name}",
    )


add_tab, edit_tab, milestones_tab, settings_tab = st.tabs(
    ["Add a goal", "Edit or delete", "Milestones", "Settings"], key=wkey("goals_tabs")
)

with add_tab:
    with st.form("goal_new", border=True):
        c1, c2 = st.columns(2)
        objective = c1.selectbox(
            "Objective", list(objectives), key=wkey("goal_new_objective"), format_func=lambda i: objectives[i].name
        )
        metric = c2.text_input(
            "Metric",
            key=wkey("goal_new_metric"),
            max_chars=LIMITS["metric"],
            placeholder="e.g. Installer churn per year",
        )
        c1, c2, c3 = st.columns(3)
        goal_type = c1.radio(
            "Result or process",
            GOAL_TYPES,
            key=wkey("goal_new_type"),
            horizontal=True,
            help="Result: the outcome for the business. Process: what must happen to get there.",
        )
        measures = c2.radio(
            "Measures",
            GOAL_MEASURES,
            key=wkey("goal_new_measures"),
            horizontal=True,
            help=f"Value: {VALUE_EXAMPLES}. Activity: {ACTIVITY_EXAMPLES}.",
        )
        unit = c3.text_input(
            "Unit", key=wkey("goal_new_unit"), max_chars=LIMITS["unit"], placeholder="%, NOK, score 1-5"
        )
        c1, c2, c3, c4, c5 = st.columns(5)
        baseline = c1.text_input("Baseline", key=wkey("goal_new_baseline"))
        baseline_on = c2.date_input(
            "Baseline measured on",
            value=today,
            max_value=today,
            key=wkey("goal_new_baseline_on"),
            help="Where the milestone path starts: the follow-up compares measured values "
            "with the path from here to the target.",
        )
        target = c3.text_input("Target", key=wkey("goal_new_target"))
        deadline = c4.date_input("Deadline", value=None, min_value=today, key=wkey("goal_new_deadline"))
        owner = c5.text_input("Owner", key=wkey("goal_new_owner"), max_chars=LIMITS["owner"])
        add = st.form_submit_button("Add goal", type="primary", key=wkey("goal_new_submit"))
    add_problems = st.container()
    if add:
        created = act(
            create_goal,
            workspace_id=ws.id,
            where=add_problems,
            data={
                "objective_id": objective,
                "metric": metric,
                "goal_type": goal_type,
                "measures": measures,
                "unit": unit,
                "baseline": baseline,
                "baseline_on": baseline_on,
                "target": target,
                "deadline": deadline,
                "owner": owner,
            },
        )
        if created:
            clear_form(
                {
                    "goal_new_metric": "",
                    "goal_new_unit": "",
                    "goal_new_baseline": "",
                    "goal_new_target": "",
                    "goal_new_deadline": None,
                    "goal_new_owner": "",
                },
                key=wkey,
            )
            flash("goals", f"Added '{created.metric}'. Generate its milestones under Milestones.")
            st.rerun()

with edit_tab:
    if not goals:
        st.caption("No goals yet.")
    else:
        chosen = choose_goal(wkey("goal_edit_choice"))
        goal = by_id[chosen]
        scoped, drawn = edit_scope("goal_edit", ws.id, chosen, goal.version)
        with st.form(scoped, border=True):
            c1, c2, c3 = st.columns(3)
            changes = {
                "metric": c1.text_input(
                    "Metric", value=goal.metric, key=f"{scoped}_metric", max_chars=LIMITS["metric"]
                ),
                "unit": c2.text_input("Unit", value=goal.unit, key=f"{scoped}_unit", max_chars=LIMITS["unit"]),
                "owner": c3.text_input("Owner", value=goal.owner, key=f"{scoped}_owner", max_chars=LIMITS["owner"]),
                "goal_type": c1.radio(
                    "Result or process",
                    GOAL_TYPES,
                    index=GOAL_TYPES.index(goal.goal_type),
                    key=f"{scoped}_type",
                    horizontal=True,
                ),
                "measures": c2.radio(
                    "Measures",
                    GOAL_MEASURES,
                    index=GOAL_MEASURES.index(goal.measures),
                    key=f"{scoped}_measures",
                    horizontal=True,
                ),
                "deadline": c3.date_input("Deadline", value=goal.deadline, key=f"{scoped}_deadline"),
                "baseline": c1.text_input("Baseline", value=f"{goal.baseline:g}", key=f"{scoped}_baseline"),
                "target": c2.text_input("Target", value=f"{goal.target:g}", key=f"{scoped}_target"),
                "baseline_on": c3.date_input(
                    "Baseline measured on", value=goal.baseline_on, max_value=today, key=f"{scoped}_baseline_on"
                ),
            }
            save = st.form_submit_button("Save changes", type="primary", key=f"{scoped}_submit")
        edit_problems = st.container()
        if save:
            if act(
                update_goal,
                workspace_id=ws.id,
                goal_id=chosen,
                changes=changes,
                where=edit_problems,
                version=drawn,
                scope=("goal_edit", ws.id, chosen),
            ):
                flash("goals", "Saved the goal.")
                st.rerun()
        if st.button(f"Delete '{md_escape(goal.metric)}' and its milestones", key=f"goal_delete_{chosen}"):
            if (
                act(delete_goal, workspace_id=ws.id, goal_id=chosen, version=drawn, scope=("goal_edit", ws.id, chosen))
                is not None
            ):
                st.session_state.pop("goal_edit_choice", None)
                flash("goals", f"Deleted '{goal.metric}'.")
                st.rerun()

with milestones_tab:
    if not goals:
        st.caption("No goals yet.")
    else:
        chosen = choose_goal(wkey("goal_milestone_choice"))
        goal = by_id[chosen]
        unit = md_escape(goal.unit)
        since = goal.baseline_on.isoformat() if goal.baseline_on else "today"
        st.write(
            f"From **{goal.baseline:g} {unit}** ({since}) to **{goal.target:g} {unit}** by "
            f"{goal.deadline.isoformat()}. Generate evenly spaced milestones, then adjust any of them."
        )
        c1, c2, _ = st.columns([1, 1, 2])
        gen_problems = st.container()
        for column, per in ((c1, "quarter"), (c2, "month")):
            if column.button(f"Generate per {per}", key=wkey(f"goal_generate_{per}")):
                made = act(
                    generate_milestones,
                    workspace_id=ws.id,
                    goal_id=chosen,
                    per=per,
                    where=gen_problems,
                    scope=("goal_milestones", ws.id, chosen),
                )
                if made is not None:
                    st.session_state["_table_version_goal_milestones"] = (
                        st.session_state.get("_table_version_goal_milestones", 0) + 1
                    )
                    flash("goals", f"Made {len(made)} milestone{'s' if len(made) != 1 else ''}, one per {per}.")
                    st.rerun()
        current = milestones.get(chosen, [])
        table_key, drawn_milestones = edit_scope(
            "goal_milestones", ws.id, chosen, read(milestone_versions, workspace_id=ws.id, goal_id=chosen)
        )
        saved_table(
            "goal_milestones",
            key=table_key,
            scope=("goal_milestones", ws.id, chosen),
            num_rows="dynamic",
            save=lambda records: (
                set_milestones,
                {
                    "workspace_id": ws.id,
                    "goal_id": chosen,
                    "drawn": drawn_milestones,
                    "milestones": [
                        (r["due"], r["value"]) for r in table_records(records, {"Date": "due", "Value": "value"})
                    ],
                },
            ),
            confirm=lambda saved: f"Saved {len(saved)} milestone{'s' if len(saved) != 1 else ''} of '{goal.metric}'.",
            rows=[{"Date": d, "Value": v} for d, v in current],
            columns={"Date": "date", "Value": "number"},
            column_config={
                "Date": st.column_config.DateColumn(required=True, max_value=goal.deadline, format="YYYY-MM-DD"),
                "Value": st.column_config.NumberColumn(required=True, format="%g"),
            },
        )
        st.caption("Every change in the table is saved at once.")

with settings_tab:
    with st.form("goal_settings", border=True):
        limit = st.number_input(
            "Warn above this many long-term goals",
            min_value=1,
            max_value=50,
            step=1,
            value=ws.max_long_term_goals,
            key=wkey("goal_limit"),
            help=f"A long-term goal has its deadline more than {LONG_TERM_DAYS} days away.",
        )
        apply_limit = st.form_submit_button("Save", key=wkey("goal_limit_submit"))
    if apply_limit and act(set_long_term_limit, workspace_id=ws.id, limit=limit) is not None:
        flash("goals", f"Warning above {int(limit)} long-term goal{'s' if int(limit) != 1 else ''}.")
        st.rerun()

step_footer("Goals")
