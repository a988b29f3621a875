"""Anchoring (advice 7): who took part in which step, what the strategy means for each role or
department (what they must do, and do differently), and the communication activities of the plan."""

import pandas as pd
import streamlit as st

from crmstrategy.analysis.participants import list_participants
from crmstrategy.core.fields import text_limit
from crmstrategy.core.text import md_escape
from crmstrategy.implementation.anchoring import (
    delete_role_impact,
    list_role_impacts,
    participation,
    save_participation,
    save_role_impact,
)
from crmstrategy.implementation.models import METHOD_STEPS, ROLE_IMPACT_LABELS, RoleImpactCreate
from crmstrategy.implementation.plan import list_actions
from crmstrategy.implementation.plan_rules import Taker, anchoring_warnings
from crmstrategy.ui.actions import act, edit_scope, flash, read, show_flash, workspace_keys
from crmstrategy.ui.frame import page_link, step_footer, workbench_page
from crmstrategy.ui.tables import saved_table
from crmstrategy.workspace.method_path import Place

ws = workbench_page("Anchoring")
wkey = workspace_keys(ws.id)

st.title("Anchoring")
st.caption(
    "Anchor it, a lot: involve leaders and employees from several departments from the analysis "
    "on. Everyone must know what the strategy means for them: what they must do, and do differently. "
    "(Only 16% of frontline staff understand their company's priorities.)"
)
show_flash("anchoring")

people = read(list_participants, workspace_id=ws.id)
steps = read(participation, workspace_id=ws.id)
for warning in anchoring_warnings(
    [Taker(p.name, p.department, p.is_leader, tuple(steps.get(p.id, []))) for p in people]
):
    st.warning(warning, icon=":material/groups:")

st.header("Who took part in which step", anchor=False)
if not people:
    st.info("No participants yet.")
    page_link(Place.PARTICIPANTS, "Add the participants first", icon=":material/group_add:")
else:
    saved_table(
        "anchoring_steps",
        key=f"anchoring_steps_{ws.id}",
        scope=("anchoring_steps", ws.id, "all"),
        save=lambda records: (
            save_participation,
            {
                "workspace_id": ws.id,
                "steps_by_participant": {int(r["id"]): [s for s in METHOD_STEPS if r[s]] for r in records},
            },
        ),
        confirm=lambda saved: f"Saved who took part: {saved} of {len(people)} in at least one step.",
        rows=[
            {"id": p.id, "Participant": p.name, "Department": p.department or "", "Leader": p.is_leader}
            | {step: step in steps.get(p.id, []) for step in METHOD_STEPS}
            for p in people
        ],
        columns={"Participant": "text", "Department": "text", "Leader": "bool"}
        | {step: "bool" for step in METHOD_STEPS},
        disabled=["Participant", "Department", "Leader"],
        column_config={step: st.column_config.CheckboxColumn(step) for step in METHOD_STEPS},
    )
    by_department: dict[str, list[str]] = {}
    for p in people:
        for step in steps.get(p.id, []):
            by_department.setdefault(step, [])
            if p.department and p.department not in by_department[step]:
                by_department[step].append(p.department)
    st.caption(
        " · ".join(
            f"{step}: {', '.join(md_escape(d) for d in by_department[step]) or 'no department'}"
            for step in METHOD_STEPS
            if step in by_department
        )
        or "Nobody marked yet."
    )

st.header("What the strategy means for each role or department", anchor=False)
impacts = read(list_role_impacts, workspace_id=ws.id)
if not impacts:
    st.caption("None described yet. Start with the departments that meet customers.")
columns = st.columns(2)
for n, impact in enumerate(impacts):
    with columns[n % 2].container(border=True, key=f"anchoring_impact_{impact.id}"):
        st.markdown(f"### {md_escape(impact.audience)}")
        for key in ("means", "must_do", "do_differently"):
            if getattr(impact, key):
                st.markdown(f"**{ROLE_IMPACT_LABELS[key]}:** {md_escape(getattr(impact, key))}")

by_id = {i.id: i for i in impacts}
choice = st.selectbox(
    "Add or change",
    [None, *by_id],
    key=wkey("anchoring_impact_choice"),
    format_func=lambda i: "A new role or department" if i is None else by_id[i].audience,
)
current = by_id.get(choice)
# A new one is drawn at the count of those added in this browser, so each add starts an empty form.
scoped, drawn = edit_scope(
    "anchoring_impact", ws.id, choice, current.version if current else st.session_state.get("anchoring_impact_added", 0)
)
with st.form(scoped, border=True):
    values = {
        key: (st.text_input if key == "audience" else st.text_area)(
            label,
            value=getattr(current, key) if current else "",
            key=f"{scoped}_{key}",
            max_chars=text_limit(RoleImpactCreate, key),
            **({} if key == "audience" else {"height": 80}),
        )
        for key, label in ROLE_IMPACT_LABELS.items()
    }
    save = st.form_submit_button("Save", type="primary", key=wkey("anchoring_impact_save"))
impact_problems = st.container()
if save:
    # Saved or refused as stale, the form is drawn afresh: empty for the next new one, a changed one as saved.
    saved = act(
        save_role_impact,
        workspace_id=ws.id,
        data=values,
        impact_id=choice,
        where=impact_problems,
        version=drawn if current else None,
        scope=("anchoring_impact", ws.id, choice),
    )
    if saved:
        if current is None:
            st.session_state["anchoring_impact_added"] = st.session_state.get("anchoring_impact_added", 0) + 1
        flash("anchoring", f"Saved what the strategy means for {saved.audience}.")
        st.rerun()
if current and st.button(f"Delete '{md_escape(current.audience)}'", key=wkey("anchoring_impact_delete")):
    if (
        act(
            delete_role_impact,
            workspace_id=ws.id,
            impact_id=current.id,
            version=drawn,
            scope=("anchoring_impact", ws.id, choice),
        )
        is not None
    ):
        st.session_state.pop(wkey("anchoring_impact_choice"), None)
        flash("anchoring", f"Deleted '{current.audience}'.")
        st.rerun()

st.header("Communication activities: who tells whom, and when", anchor=False)
talks = [a for a in read(list_actions, workspace_id=ws.id) if a.kind == "Communication"]
if talks:
    st.dataframe(
        pd.DataFrame(
            {
                "When": [a.due_date for a in talks],
                "Who tells": [a.owner or "– no owner –" for a in talks],
                "Whom": [a.audience for a in talks],
                "What": [a.title for a in talks],
                "Status": [a.status for a in talks],
            }
        ),
        hide_index=True,
        placeholder="",
        width="stretch",
        key=wkey("anchoring_talks"),
    )
else:
    st.caption("No communication activities in the plan yet.")
page_link(
    Place.PLAN,
    "Add them to the plan as actions of the kind Communication",
    icon=":material/arrow_forward:",
)

step_footer("Anchoring")
