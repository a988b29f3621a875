"""Personas (advice 1, seed 004): people with flesh and blood for each segment, as cards."""

from collections.abc import Callable

import pandas as pd
import streamlit as st

from crmstrategy.analysis.evidence import Evidence
from crmstrategy.analysis.exports import CARD_SECTIONS, channel_lines, persona_markdown, persona_pdf
from crmstrategy.analysis.insights import latest_insights_for_persona, persona_evidence
from crmstrategy.analysis.models import (
    CHANNEL_KINDS,
    DECISION_ROLES,
    LIFECYCLE_STAGES,
    PERSONA_LABELS,
    PERSONA_TEXT_FIELDS,
    RELATIONSHIPS,
    ChannelIn,
    PersonaCreate,
    PersonaRead,
)
from crmstrategy.analysis.personas import (
    create_persona,
    delete_persona,
    list_personas,
    parse_channel_lines,
    update_persona,
)
from crmstrategy.core.fields import text_limit
from crmstrategy.core.text import md_escape
from crmstrategy.ui.actions import act, edit_scope, flash, read, show_flash, workspace_keys
from crmstrategy.ui.frame import download_file_name, step_footer, workbench_page
from crmstrategy.ui.widgets import segments_or_stop

ws = workbench_page("Personas")
wkey = workspace_keys(ws.id)
# One channel type's box holds a list ("App, Newsletter"): each channel is checked against its own
# limit by the service, and the box holds twenty channels at that limit with their ", ".
CHANNELS_BOX_MAX = 20 * (text_limit(ChannelIn, "channel") + 2)

st.title("Personas")
st.caption(
    "Give each segment a persona with flesh and blood: what they want, what gets in "
    "their way, how they buy, and in their own words."
)
show_flash("personas")

segments = segments_or_stop(ws.id, "Personas belong to segments. Create a segment first.", step="Personas")
segment_names = {s.id: s.name for s in segments}
personas = read(list_personas, workspace_id=ws.id)
evidence = read(persona_evidence, workspace_id=ws.id)

ALL = 0
filter_col, pick_col = st.columns([1, 2])
segment_filter = filter_col.selectbox(
    "Segment",
    options=[ALL, *segment_names],
    key=wkey("personas_segment_filter"),
    format_func=lambda i: "All segments" if i == ALL else segment_names[i],
)
shown = [p for p in personas if segment_filter == ALL or p.segment_id == segment_filter]
by_id = {p.id: p for p in shown}
pending = st.session_state.pop("personas_select_next", None)
if pending in by_id:
    st.session_state[wkey("personas_selected")] = pending
if st.session_state.get(wkey("personas_selected")) not in by_id:
    st.session_state.pop(wkey("personas_selected"), None)
selected_id = pick_col.selectbox(
    "Persona",
    options=list(by_id),
    key=wkey("personas_selected"),
    format_func=lambda i: f"{by_id[i].name} · {by_id[i].segment_name}",
    placeholder="No personas in this segment yet",
)
selected = by_id.get(selected_id)


def persona_form(key: Callable[[str], str], persona: PersonaRead | None) -> dict:
    """The persona's fields as widgets, each keyed `key(field)`; returns the values typed (validated
    by the service)."""
    p = persona
    name_col, segment_col = st.columns(2)
    values = {
        "name": name_col.text_input(
            "Name",
            value=p.name if p else "",
            key=key("name"),
            max_chars=text_limit(PersonaCreate, "name"),
            placeholder="e.g. Kjetil the van installer",
        ),
        "segment_id": segment_col.selectbox(
            "Segment",
            options=list(segment_names),
            key=key("segment"),
            format_func=segment_names.get,
            index=list(segment_names).index(p.segment_id if p else (segment_filter or next(iter(segment_names)))),
        ),
    }
    role_col, decision_col, relation_col, stage_col = st.columns(4)
    values["role_title"] = role_col.text_input(
        "Role or title",
        value=p.role_title if p else "",
        key=key("role_title"),
        max_chars=text_limit(PersonaCreate, "role_title"),
    )

    def optional(column, label, options, field):
        choices = [None, *options]
        current = getattr(p, field) if p else None
        return column.selectbox(
            label,
            options=choices,
            index=choices.index(current),
            key=key(field),
            format_func=lambda v: "—" if v is None else v,
        )

    values["decision_role"] = optional(decision_col, "Decision role", DECISION_ROLES, "decision_role")
    values["desired_relationship"] = optional(
        relation_col, "Desired relationship", RELATIONSHIPS, "desired_relationship"
    )
    values["lifecycle_stage"] = optional(stage_col, "Lifecycle stage", LIFECYCLE_STAGES, "lifecycle_stage")
    left, right = st.columns(2)
    for index, field in enumerate(PERSONA_TEXT_FIELDS):
        column = left if index % 2 == 0 else right
        values[field] = column.text_area(
            PERSONA_LABELS[field],
            value=getattr(p, field) if p else "",
            key=key(field),
            height=100,
            max_chars=text_limit(PersonaCreate, field),
        )
    st.markdown("**Preferred channels** (comma-separated)")
    channel_cols = st.columns(3)
    values["channels"] = []
    for column, kind in zip(channel_cols, CHANNEL_KINDS):
        current = ", ".join(c.channel for c in p.channels if c.kind == kind) if p else ""
        typed = column.text_input(
            kind,
            value=current,
            key=key(f"channels_{kind.lower()}"),
            # Never shorter than the channels already saved: Streamlit would cut them at the end.
            max_chars=max(CHANNELS_BOX_MAX, len(current)),
            help={
                "Owned": "Channels you control: app, web, newsletter, stores, staff.",
                "Bought": "Paid reach: ads, sponsorships, trade fairs.",
                "Earned": "Others' voices: word of mouth, press, reviews.",
            }[kind],
        )
        values["channels"] += parse_channel_lines(kind, typed)
    return values


def render_card(p: PersonaRead) -> None:
    with st.container(border=True):
        st.header(md_escape(p.name), anchor=False)
        subtitle = " · ".join(md_escape(v) for v in (p.role_title, p.segment_name) if v)
        st.markdown(f"**{subtitle}**")
        if p.quote:
            st.markdown("> *“" + md_escape(p.quote).replace("  \n", "  \n> ") + "”*")
        tags = " ".join(
            f":blue-badge[{tag}]" for tag in (p.decision_role, p.desired_relationship, p.lifecycle_stage) if tag
        )
        found = evidence.get(p.id, Evidence(0, 0))
        backing = {
            "solid": f":green-badge[Backed by {found.label}]",
            "thin": f":orange-badge[Thin evidence: {found.label}]",
            "none": ":red-badge[No insights yet]",
        }[found.level]
        st.markdown(f"{tags} {backing}".strip())
        columns = st.columns(3)
        for index, field in enumerate(CARD_SECTIONS):
            value = getattr(p, field)
            with columns[index % 3]:
                st.markdown(f"**{PERSONA_LABELS[field]}**")
                st.text(value or "—")
        channels = channel_lines(p)
        st.markdown(f"**{PERSONA_LABELS['channels']}**")
        st.text("\n".join(channels) if channels else "—")
        said = read(latest_insights_for_persona, workspace_id=ws.id, persona_id=p.id)
        if said:
            st.markdown("**What they said**")
            for on, source, text in said:
                st.caption(f"{on} · {source}")
                st.text(text)


card_tab, edit_tab, new_tab, table_tab = st.tabs(["Card", "Edit", "New persona", "All personas"])

with card_tab:
    if selected is None:
        st.info("No persona to show here yet. Create one under **New persona**.")
    else:
        render_card(selected)
        md_col, pdf_col, _ = st.columns([1, 1, 3])
        md_col.download_button(
            "Card (.md)",
            key=wkey("persona_download_md"),
            icon=":material/download:",
            data=lambda: persona_markdown(selected),
            file_name=download_file_name(f"persona-{selected.name}", "md"),
            mime="text/markdown",
            on_click="ignore",
        )
        pdf_col.download_button(
            "Card (.pdf)",
            key=wkey("persona_download_pdf"),
            icon=":material/picture_as_pdf:",
            data=lambda: persona_pdf(selected),
            file_name=download_file_name(f"persona-{selected.name}", "pdf"),
            mime="application/pdf",
            on_click="ignore",
        )

with edit_tab:
    if selected is None:
        st.info("Choose a persona above to edit it.")
    else:
        prefix, drawn = edit_scope("persona_edit", ws.id, selected.id, selected.version)
        with st.form(prefix, border=True):
            values = persona_form(lambda field: f"{prefix}_{field}", selected)
            save = st.form_submit_button("Save persona", type="primary", key=f"{prefix}_submit")
        edit_problems = st.container()
        if save:
            saved = act(
                update_persona,
                workspace_id=ws.id,
                persona_id=selected.id,
                changes=values,
                version=drawn,
                scope=("persona_edit", ws.id, selected.id),
                where=edit_problems,
            )
            if saved:
                st.session_state["personas_select_next"] = saved.id
                flash("personas", f"Saved '{saved.name}'.")
                st.rerun()
        with st.expander("Delete this persona", icon=":material/delete:"):
            sure = st.checkbox(f"Yes, delete {md_escape(selected.name)}", key=wkey("persona_delete_confirm"))
            if st.button("Delete persona", key=wkey("persona_delete"), disabled=not sure):
                if act(
                    delete_persona,
                    workspace_id=ws.id,
                    persona_id=selected.id,
                    version=drawn,
                    scope=("persona_edit", ws.id, selected.id),
                ):
                    st.session_state.pop(wkey("persona_delete_confirm"), None)
                    flash("personas", f"Deleted '{selected.name}'.")
                    st.rerun()

with new_tab:
    with st.form("persona_new", border=True, clear_on_submit=False):
        values = persona_form(lambda field: wkey(f"persona_new_{field}"), None)
        create = st.form_submit_button("Create persona", type="primary", key=wkey("persona_new_submit"))
    new_problems = st.container()
    if create:
        created = act(create_persona, workspace_id=ws.id, data=values, where=new_problems)
        if created:
            st.session_state["personas_select_next"] = created.id
            for key in [
                k for k in st.session_state if str(k).startswith("persona_new_") and str(k).endswith(f"_w{ws.id}")
            ]:
                del st.session_state[key]
            flash("personas", f"Created '{created.name}'. It is shown on the Card tab.")
            st.rerun()

with table_tab:
    st.dataframe(
        pd.DataFrame(
            {
                "Name": [p.name for p in personas],
                "Segment": [p.segment_name for p in personas],
                "Role or title": [p.role_title for p in personas],
                "Decision role": [p.decision_role or "" for p in personas],
                "Relationship": [p.desired_relationship or "" for p in personas],
                "Lifecycle": [p.lifecycle_stage or "" for p in personas],
            }
        ),
        hide_index=True,
        placeholder="",
        width="stretch",
    )
    missing = [s.name for s in segments if s.id not in {p.segment_id for p in personas}]
    if missing:
        st.warning("Segments without a persona: " + md_escape(", ".join(missing)))

step_footer("Personas")
