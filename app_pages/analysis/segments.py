"""Segments (advice 1): needs-based segments in a table that saves every change at once."""

import pandas as pd
import streamlit as st

from crmstrategy.analysis.evidence import Evidence
from crmstrategy.analysis.exports import segments_csv, segments_xlsx
from crmstrategy.analysis.insights import segment_evidence
from crmstrategy.analysis.models import (
    LIFECYCLE_STAGES,
    MAX_CUSTOMERS,
    MAX_MONEY,
    SEGMENT_LABELS,
    SegmentCreate,
    ValueDriverCreate,
)
from crmstrategy.analysis.personas import persona_counts
from crmstrategy.analysis.segments import (
    add_value_driver,
    apply_segment_edits,
    create_segments,
    list_segments,
    list_value_drivers,
    update_segment,
)
from crmstrategy.core.fields import text_limit
from crmstrategy.core.tabular import preview_import
from crmstrategy.core.text import md_escape
from crmstrategy.ui.actions import act, edit_scope, flash, read, show_flash, workspace_keys
from crmstrategy.ui.frame import step_footer, workbench_page
from crmstrategy.ui.tables import rows_table
from crmstrategy.ui.widgets import export_buttons, import_panel

ws = workbench_page("Segments")
wkey = workspace_keys(ws.id)
# Long text is read in the table and edited in the form under it, not in a cramped cell.
LONG_TEXT = ("description", "defining_needs", "notes")
EDITABLE = set(SEGMENT_LABELS) - set(LONG_TEXT)

st.title("Segments")
st.caption(
    "Customers first: group customers by what they need and how you create value for "
    "them, not by who buys most. Every change in the table is saved at once."
)

segments = read(list_segments, workspace_id=ws.id)
drivers = read(list_value_drivers, workspace_id=ws.id)
counts = read(persona_counts, workspace_id=ws.id)
evidence = read(segment_evidence, workspace_id=ws.id)
EVIDENCE_MARK = {"solid": "✓", "thin": "⚠ thin ·", "none": "✗ none ·"}


def evidence_text(segment_id: int) -> str:
    found = evidence.get(segment_id, Evidence(0, 0))
    return f"{EVIDENCE_MARK[found.level]} {found.label}"


show_flash("segments")

# Declared column types (editor_frame): an empty table takes a first row of every kind, and text
# cells hold "" rather than None.
COLUMNS = {
    "name": "text",
    "description": "text",
    "defining_needs": "text",
    "value_drivers": "list",
    "customer_count": "whole",
    "revenue": "number",
    "potential": "number",
    "expected_growth_pct": "number",
    "lifecycle_focus": "text",
    "notes": "text",
    "personas": "whole",
    "evidence": "text",
}
rows = [
    {
        "name": s.name,
        "description": s.description or "",
        "defining_needs": s.defining_needs or "",
        "value_drivers": s.value_drivers,
        "customer_count": s.customer_count,
        "revenue": s.revenue,
        "potential": s.potential,
        "expected_growth_pct": s.expected_growth_pct,
        "lifecycle_focus": s.lifecycle_focus,
        "notes": s.notes or "",
        "personas": counts.get(s.id, 0),
        "evidence": evidence_text(s.id),
    }
    for s in segments
]
money = f"%,.0f {ws.currency}"
rows_table(
    "segments",
    workspace_id=ws.id,
    items=segments,
    rows=rows,
    columns=COLUMNS,
    editable=EDITABLE,
    apply=apply_segment_edits,
    text_scope="segment_text",
    disabled=["personas", "evidence", *LONG_TEXT],
    column_order=[
        "name",
        "personas",
        "evidence",
        "description",
        "defining_needs",
        "value_drivers",
        "customer_count",
        "revenue",
        "potential",
        "expected_growth_pct",
        "lifecycle_focus",
        "notes",
    ],
    column_config={
        "name": st.column_config.TextColumn(
            "Name",
            required=True,
            max_chars=text_limit(SegmentCreate, "name"),
            width="medium",
            help="A short name for the group, in the customers' terms.",
        ),
        "description": st.column_config.TextColumn(
            "Description",
            max_chars=text_limit(SegmentCreate, "description"),
            width="medium",
            help="Edited in the form under the table.",
        ),
        "defining_needs": st.column_config.TextColumn(
            "Defining needs",
            max_chars=text_limit(SegmentCreate, "defining_needs"),
            width="medium",
            help="What these customers need that others do not. Edited in the form under the table.",
        ),
        "value_drivers": st.column_config.MultiselectColumn(
            "Value drivers",
            options=drivers,
            accept_new_options=True,
            width="medium",
            help="How you create value for them. New names extend the workspace's list.",
        ),
        "customer_count": st.column_config.NumberColumn(
            "Customers", min_value=0, max_value=MAX_CUSTOMERS, step=1, format="localized"
        ),
        "revenue": st.column_config.NumberColumn(
            f"Revenue ({ws.currency})", min_value=0, max_value=MAX_MONEY, format=money
        ),
        "potential": st.column_config.NumberColumn(
            f"Potential ({ws.currency})",
            min_value=0,
            max_value=MAX_MONEY,
            format=money,
            help="Revenue you could reach in this segment.",
        ),
        "expected_growth_pct": st.column_config.NumberColumn(
            "Growth %", min_value=-100, max_value=1000, format="%.1f %%", help="Expected yearly growth."
        ),
        "lifecycle_focus": st.column_config.SelectboxColumn("Lifecycle focus", options=list(LIFECYCLE_STAGES)),
        "notes": st.column_config.TextColumn(
            "Notes",
            max_chars=text_limit(SegmentCreate, "notes"),
            width="medium",
            help="Edited in the form under the table.",
        ),
        "personas": st.column_config.NumberColumn("Personas", help="Personas describing this segment."),
        "evidence": st.column_config.TextColumn(
            "Evidence",
            width="medium",
            help="Insights naming the segment or its personas, and how many kinds of source they come from. "
            "Thin: fewer than 3 insights, or all from one kind of source.",
        ),
    },
)
thin = [s.name for s in segments if evidence.get(s.id, Evidence(0, 0)).level != "solid"]
if thin:
    st.warning(
        f"{len(thin)} segment{'s' if len(thin) != 1 else ''} rest{'s' if len(thin) == 1 else ''} on no or "
        "thin evidence: " + md_escape(", ".join(thin)) + ". Capture what customers said on the Insights page.",
        icon=":material/warning:",
    )
if not segments:
    st.info("No segments yet. Add a row in the table above, or import a CSV or Excel file below.")
else:
    by_id = {s.id: s for s in segments}
    if st.session_state.get(wkey("segments_text_segment")) not in by_id:
        st.session_state[wkey("segments_text_segment")] = segments[0].id
    with st.container(border=True, key=wkey("segments_text")):
        st.markdown("**Edit the description of a segment**")
        chosen = st.selectbox(
            "Segment", list(by_id), key=wkey("segments_text_segment"), format_func=lambda i: by_id[i].name
        )
        segment = by_id[chosen]
        prefix, drawn = edit_scope("segment_text", ws.id, chosen, segment.version)
        with st.form(prefix, border=False):
            texts = {
                "description": st.text_area(
                    "Description",
                    value=segment.description or "",
                    max_chars=text_limit(SegmentCreate, "description"),
                    key=f"{prefix}_description",
                    height=100,
                ),
                "defining_needs": st.text_area(
                    "Defining needs",
                    value=segment.defining_needs or "",
                    max_chars=text_limit(SegmentCreate, "defining_needs"),
                    key=f"{prefix}_defining_needs",
                    height=100,
                    help="What these customers need that others do not.",
                ),
                "notes": st.text_area(
                    "Notes",
                    value=segment.notes or "",
                    max_chars=text_limit(SegmentCreate, "notes"),
                    key=f"{prefix}_notes",
                    height=100,
                ),
            }
            save_texts = st.form_submit_button("Save", type="primary", key=f"{prefix}_submit")
        text_problems = st.container()
        show_flash("segments_text")
        if save_texts:
            saved = act(
                update_segment,
                workspace_id=ws.id,
                segment_id=chosen,
                changes=texts,
                version=drawn,
                scope=("segment_text", ws.id, chosen),
                where=text_problems,
            )
            if saved:
                flash("segments_text", f"Saved the description, defining needs and notes of '{saved.name}'.")
                st.rerun()

with st.expander("Value drivers", icon=":material/sell:"):
    st.write("How you create value for customers. The list is shared by all segments in this workspace.")
    st.text(", ".join(drivers) if drivers else "No value drivers yet.")
    col, button = st.columns([3, 1], vertical_alignment="bottom")
    new_driver = col.text_input(
        "New value driver", key=wkey("segments_new_driver"), max_chars=text_limit(ValueDriverCreate, "name")
    )
    driver_problems = st.container()
    if button.button("Add", key=wkey("segments_add_driver")):
        added = act(add_value_driver, workspace_id=ws.id, name=new_driver, where=driver_problems)
        if added:
            flash("segments", f"Added the value driver '{added}'.")
            st.rerun()

with st.expander("Import segments from CSV or Excel", icon=":material/upload_file:"):
    import_panel(
        key="segments",
        noun="segment",
        workspace_id=ws.id,
        save=create_segments,
        columns_help="Columns: " + ", ".join(SEGMENT_LABELS.values()) + ". Only **Name** is required. "
        "Value drivers are separated by semicolons.",
        template_header=list(SEGMENT_LABELS.values()),
        parse=lambda raw, name: preview_import(
            raw,
            name,
            model=SegmentCreate,
            labels=SEGMENT_LABELS,
            required={"name"},
            existing_names=[s.name for s in segments],
        ),
        preview_table=lambda valid: (
            pd.DataFrame([m.model_dump() | {"row": n} for n, m in valid])
            .set_index("row")
            .rename(columns=SEGMENT_LABELS)
            .reset_index()
        ),
        after_save=lambda: st.session_state.__setitem__(
            "segments_editor_version", st.session_state["segments_editor_version"] + 1
        ),
    )

st.markdown("**Export**")
export_buttons(
    key="segments",
    label="Segments",
    what="segments",
    xlsx=lambda: segments_xlsx(read(list_segments, workspace_id=ws.id), ws.currency),
    csv=lambda: segments_csv(read(list_segments, workspace_id=ws.id)),
)

step_footer("Segments")
