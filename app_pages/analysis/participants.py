"""Participants: who takes part in the workshop, from which department and in which role."""

import pandas as pd
import streamlit as st

from crmstrategy.analysis.models import ParticipantCreate
from crmstrategy.analysis.participants import (
    create_participant,
    delete_participant,
    list_participants,
    update_participant,
)
from crmstrategy.core.fields import text_limit
from crmstrategy.core.text import md_escape
from crmstrategy.ui.actions import act, clear_form, edit_scope, flash, read, show_flash, workspace_keys
from crmstrategy.ui.frame import step_footer, workbench_page

ws = workbench_page("Participants")
wkey = workspace_keys(ws.id)
LIMITS = {field: text_limit(ParticipantCreate, field) for field in ("name", "department", "role")}

st.title("Participants")
st.caption(
    "Anchor the strategy from the start: involve leaders and people from several departments from the analysis on. "
    "Participants rate the readiness check, and later the strengths."
)
show_flash("participants")

participants = read(list_participants, workspace_id=ws.id)
departments = sorted({p.department for p in participants if p.department})
leaders = [p for p in participants if p.is_leader]
if participants:
    m1, m2, m3 = st.columns(3)
    m1.metric("Participants", len(participants))
    m2.metric("Departments", len(departments))
    m3.metric("Leaders", len(leaders))
    if len(departments) < 2:
        st.warning("Only one department takes part so far. CRM needs sales, marketing, service and IT together.")
    if not leaders:
        st.warning("No leader takes part yet. Without top management the strategy is not anchored.")
    st.dataframe(
        pd.DataFrame(
            {
                "Name": [p.name for p in participants],
                "Department": [p.department for p in participants],
                "Role": [p.role for p in participants],
                "Leader": [p.is_leader for p in participants],
            }
        ),
        hide_index=True,
        placeholder="",
        width="stretch",
    )
else:
    st.info("No participants yet. Add the people in the room, with their department.")

add_tab, edit_tab = st.tabs(["Add a participant", "Edit or remove"])
with add_tab:
    with st.form("participant_new", border=True):
        c1, c2, c3 = st.columns(3)
        name = c1.text_input("Name", key=wkey("participant_new_name"), max_chars=LIMITS["name"])
        department = c2.text_input(
            "Department",
            key=wkey("participant_new_department"),
            max_chars=LIMITS["department"],
            placeholder="e.g. Sales, Customer service, IT",
        )
        role = c3.text_input(
            "Role", key=wkey("participant_new_role"), max_chars=LIMITS["role"], placeholder="e.g. Sales director"
        )
        is_leader = st.checkbox("Part of the leadership team", key=wkey("participant_new_leader"))
        add = st.form_submit_button("Add participant", type="primary", key=wkey("participant_new_submit"))
    add_problems = st.container()
    if add:
        created = act(
            create_participant,
            workspace_id=ws.id,
            where=add_problems,
            data={"name": name, "department": department, "role": role, "is_leader": is_leader},
        )
        if created:
            # Every field empties: the next person is not given this one's department or leader tick.
            clear_form(
                {
                    "participant_new_name": "",
                    "participant_new_department": "",
                    "participant_new_role": "",
                    "participant_new_leader": False,
                },
                key=wkey,
            )
            flash("participants", f"Added {created.name}.")
            st.rerun()

with edit_tab:
    if not participants:
        st.caption("Nobody to edit yet.")
    else:
        by_id = {p.id: p for p in participants}
        chosen = st.selectbox(
            "Participant", list(by_id), format_func=lambda i: by_id[i].name, key=wkey("participant_edit_choice")
        )
        person = by_id[chosen]
        prefix, drawn = edit_scope("participant_edit", ws.id, person.id, person.version)
        with st.form(prefix, border=True):
            c1, c2, c3 = st.columns(3)
            e_name = c1.text_input("Name", value=person.name, key=f"{prefix}_name", max_chars=LIMITS["name"])
            e_department = c2.text_input(
                "Department", value=person.department, key=f"{prefix}_department", max_chars=LIMITS["department"]
            )
            e_role = c3.text_input("Role", value=person.role, key=f"{prefix}_role", max_chars=LIMITS["role"])
            e_leader = st.checkbox("Part of the leadership team", value=person.is_leader, key=f"{prefix}_leader")
            save = st.form_submit_button("Save", type="primary", key=f"{prefix}_submit")
        edit_problems = st.container()
        if save:
            if act(
                update_participant,
                workspace_id=ws.id,
                participant_id=person.id,
                where=edit_problems,
                version=drawn,
                scope=("participant_edit", ws.id, person.id),
                changes={"name": e_name, "department": e_department, "role": e_role, "is_leader": e_leader},
            ):
                flash("participants", f"Saved {e_name.strip()}.")
                st.rerun()
        sure = st.checkbox(
            f"Yes, remove {md_escape(person.name)} and their ratings", key=wkey("participant_delete_confirm")
        )
        if st.button("Remove participant", key=wkey("participant_delete"), disabled=not sure):
            if act(
                delete_participant,
                workspace_id=ws.id,
                participant_id=person.id,
                version=drawn,
                scope=("participant_edit", ws.id, person.id),
            ):
                st.session_state.pop(wkey("participant_delete_confirm"), None)
                flash("participants", f"Removed {person.name}.")
                st.rerun()

step_footer("Participants")
