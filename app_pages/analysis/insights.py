"""Insights (advice 1): capture what customers and frontline colleagues said, then find it again."""

import pandas as pd
import streamlit as st

from crmstrategy.analysis.exports import INSIGHT_COLUMNS, insights_csv, insights_xlsx
from crmstrategy.analysis.insight_filters import SORTS, InsightFilter, apply_filter
from crmstrategy.analysis.insight_import import preview_insight_import
from crmstrategy.analysis.insights import (
    add_theme,
    create_insight,
    create_insights,
    delete_insights,
    list_insights,
    list_themes,
    update_insight,
)
from crmstrategy.analysis.models import INSIGHT_KINDS, INSIGHT_LABELS, INSIGHT_SOURCES, InsightCreate
from crmstrategy.analysis.personas import list_personas
from crmstrategy.analysis.segments import list_segments
from crmstrategy.core import clock
from crmstrategy.core.fields import text_limit
from crmstrategy.ui.actions import act, edit_scope, flash, read, show_flash, workspace_keys
from crmstrategy.ui.frame import step_footer, workbench_page
from crmstrategy.ui.widgets import export_buttons, import_panel

ws = workbench_page("Insights")
wkey = workspace_keys(ws.id)

st.title("Insights")
st.caption(
    "Rest the analysis on what customers and frontline colleagues actually said. "
    "Capture notes as they come; tie each to the segments and personas it concerns."
)
show_flash("insights")

segments = read(list_segments, workspace_id=ws.id)
personas = read(list_personas, workspace_id=ws.id)
themes = read(list_themes, workspace_id=ws.id)
insights = read(list_insights, workspace_id=ws.id)
segment_names = {s.id: s.name for s in segments}
persona_labels = {p.id: f"{p.name} · {p.segment_name}" for p in personas}
persona_segment = {p.id: p.segment_id for p in personas}

# After a save the text is emptied for the next note; segment, personas, source, type and
# recorder stay as they were, so ten notes can be typed in a row.
if st.session_state.pop("insight_clear_text", False):
    st.session_state[wkey("insight_text")] = ""
    st.session_state[wkey("insight_new_theme")] = ""
for key in (wkey("insight_segments"), wkey("insight_personas")):
    valid = segment_names if key == wkey("insight_segments") else persona_labels
    if key in st.session_state:
        st.session_state[key] = [i for i in st.session_state[key] if i in valid]

NO_THEME = ""
with st.container(border=True):
    st.header("Capture an insight", anchor=False)
    with st.form("insight_capture", border=False):
        text = st.text_area(
            "What was said or observed",
            key=wkey("insight_text"),
            height=90,
            max_chars=text_limit(InsightCreate, "text"),
            placeholder="In their words, if you have them. Ctrl+Enter saves.",
        )
        kind_col, source_col, date_col, by_col = st.columns(4)
        kind = kind_col.selectbox("Type", INSIGHT_KINDS, key=wkey("insight_kind"))
        source = source_col.selectbox("Source", INSIGHT_SOURCES, key=wkey("insight_source"))
        recorded_on = date_col.date_input(
            "Date", value=clock.today(), max_value=clock.today(), key=wkey("insight_date"), format="YYYY-MM-DD"
        )
        recorded_by = by_col.text_input(
            "Recorded by", key=wkey("insight_recorded_by"), max_chars=text_limit(InsightCreate, "recorded_by")
        )
        seg_col, per_col = st.columns(2)
        chosen_segments = seg_col.multiselect(
            "Segments", list(segment_names), format_func=segment_names.get, key=wkey("insight_segments")
        )
        chosen_personas = per_col.multiselect(
            "Personas", list(persona_labels), format_func=persona_labels.get, key=wkey("insight_personas")
        )
        theme_col, new_theme_col = st.columns(2)
        theme = theme_col.selectbox(
            "Theme", [NO_THEME, *themes], key=wkey("insight_theme"), format_func=lambda t: t or "—"
        )
        new_theme = new_theme_col.text_input(
            "…or a new theme", key=wkey("insight_new_theme"), max_chars=text_limit(InsightCreate, "theme")
        )
        saved = st.form_submit_button("Save insight", type="primary", key=wkey("insight_submit"))
    capture_problems = st.container()
    if saved:
        created = act(
            create_insight,
            workspace_id=ws.id,
            where=capture_problems,
            data={
                "text": text,
                "kind": kind,
                "source_type": source,
                "recorded_on": recorded_on,
                "recorded_by": recorded_by,
                "theme": new_theme.strip() or theme or None,
                "segment_ids": chosen_segments,
                "persona_ids": chosen_personas,
            },
        )
        if created:
            st.session_state["insight_clear_text"] = True
            flash("insights", f"Saved insight #{created}. Type the next one.")
            st.rerun()

st.header("Insight log", anchor=False)
ANY = None
f1, f2, f3, f4 = st.columns(4)
f_segment = f1.selectbox(
    "Segment",
    [ANY, *segment_names],
    key=wkey("insights_filter_segment"),
    format_func=lambda i: "All segments" if i is None else segment_names[i],
)
f_persona = f2.selectbox(
    "Persona",
    [ANY, *persona_labels],
    key=wkey("insights_filter_persona"),
    format_func=lambda i: "All personas" if i is None else persona_labels[i],
)
f_source = f3.selectbox(
    "Source",
    [ANY, *INSIGHT_SOURCES],
    key=wkey("insights_filter_source"),
    format_func=lambda s: "All sources" if s is None else s,
)
f_theme = f4.selectbox(
    "Theme", [ANY, *themes], key=wkey("insights_filter_theme"), format_func=lambda t: "All themes" if t is None else t
)
f5, f6, f7, f8 = st.columns(4)
f_kind = f5.selectbox(
    "Type",
    [ANY, *INSIGHT_KINDS],
    key=wkey("insights_filter_kind"),
    format_func=lambda k: "All types" if k is None else k,
)
dates = f6.date_input(
    "Dates",
    value=(),
    key=wkey("insights_filter_dates"),
    format="YYYY-MM-DD",
    help="Pick a first and a last day; leave empty for all dates.",
)
f_search = f7.text_input("Search", key=wkey("insights_search"), placeholder="Words in the text, theme or names")
f_sort = f8.selectbox("Sort", list(SORTS), key=wkey("insights_sort"))
date_from = dates[0] if len(dates) >= 1 else None
date_to = dates[1] if len(dates) == 2 else date_from if len(dates) == 1 else None

current_filter = InsightFilter(f_segment, f_persona, f_source, f_theme, f_kind, date_from, date_to, f_search, f_sort)
# Selections are row positions; once the filter changes they would point at other notes.
if st.session_state.get("insights_last_filter") not in (None, current_filter):
    st.session_state.pop(wkey("insights_table"), None)
st.session_state["insights_last_filter"] = current_filter
shown = apply_filter(insights, current_filter, persona_segment)
st.caption(f"{len(shown)} of {len(insights)} insights shown.")
table = pd.DataFrame(
    {
        INSIGHT_LABELS["recorded_on"]: [i.recorded_on for i in shown],
        INSIGHT_LABELS["kind"]: [i.kind for i in shown],
        INSIGHT_LABELS["text"]: [i.text for i in shown],
        INSIGHT_LABELS["source_type"]: [i.source_type for i in shown],
        INSIGHT_LABELS["theme"]: [i.theme or "" for i in shown],
        INSIGHT_LABELS["segments"]: [", ".join(i.segment_names) for i in shown],
        INSIGHT_LABELS["personas"]: [", ".join(i.persona_names) for i in shown],
        INSIGHT_LABELS["recorded_by"]: [i.recorded_by for i in shown],
    }
)
selection = st.dataframe(
    table,
    key=wkey("insights_table"),
    hide_index=True,
    placeholder="",
    width="stretch",
    on_select="rerun",
    selection_mode="multi-row",
    column_config={
        INSIGHT_LABELS["text"]: st.column_config.TextColumn(width="large"),
        INSIGHT_LABELS["recorded_on"]: st.column_config.DateColumn(format="YYYY-MM-DD"),
    },
)
selected = [shown[i] for i in selection.selection.rows if i < len(shown)] if selection else []
if not insights:
    st.info("No insights yet. Capture the first one above, or import a file below.")
elif not selected:
    st.caption("Select rows in the table to edit or delete them.")

if len(selected) == 1:
    item = selected[0]
    with st.expander(f"Edit insight #{item.id}", expanded=True, icon=":material/edit:"):
        prefix, drawn = edit_scope("insight_edit", ws.id, item.id, item.version)
        with st.form(prefix, border=False):
            e_text = st.text_area(
                "What was said or observed",
                value=item.text,
                key=f"{prefix}_text",
                max_chars=text_limit(InsightCreate, "text"),
            )
            c1, c2, c3, c4 = st.columns(4)
            e_kind = c1.selectbox("Type", INSIGHT_KINDS, index=INSIGHT_KINDS.index(item.kind), key=f"{prefix}_kind")
            e_source = c2.selectbox(
                "Source", INSIGHT_SOURCES, index=INSIGHT_SOURCES.index(item.source_type), key=f"{prefix}_source"
            )
            e_date = c3.date_input(
                "Date", value=item.recorded_on, max_value=clock.today(), key=f"{prefix}_date", format="YYYY-MM-DD"
            )
            e_by = c4.text_input(
                "Recorded by",
                value=item.recorded_by,
                key=f"{prefix}_by",
                max_chars=text_limit(InsightCreate, "recorded_by"),
            )
            c5, c6, c7 = st.columns(3)
            e_segments = c5.multiselect(
                "Segments",
                list(segment_names),
                default=item.segment_ids,
                format_func=segment_names.get,
                key=f"{prefix}_segments",
            )
            e_personas = c6.multiselect(
                "Personas",
                list(persona_labels),
                default=item.persona_ids,
                format_func=persona_labels.get,
                key=f"{prefix}_personas",
            )
            theme_options = [NO_THEME, *themes]
            e_theme = c7.selectbox(
                "Theme",
                theme_options,
                format_func=lambda t: t or "—",
                key=f"{prefix}_theme",
                index=theme_options.index(item.theme) if item.theme in theme_options else 0,
            )
            update = st.form_submit_button("Save changes", type="primary", key=f"{prefix}_submit")
        edit_problems = st.container()
        if update:
            if act(
                update_insight,
                workspace_id=ws.id,
                insight_id=item.id,
                where=edit_problems,
                version=drawn,
                scope=("insight_edit", ws.id, item.id),
                changes={
                    "text": e_text,
                    "kind": e_kind,
                    "source_type": e_source,
                    "recorded_on": e_date,
                    "recorded_by": e_by,
                    "theme": e_theme or None,
                    "segment_ids": e_segments,
                    "persona_ids": e_personas,
                },
            ):
                flash("insights", f"Saved insight #{item.id}.")
                st.rerun()

if selected:
    sure = st.checkbox(
        f"Yes, delete the {len(selected)} selected insight{'s' if len(selected) != 1 else ''}",
        key=wkey("insights_delete_confirm"),
    )
    if st.button("Delete selected", key=wkey("insights_delete"), disabled=not sure, icon=":material/delete:"):
        deleted = act(delete_insights, workspace_id=ws.id, insight_ids=[i.id for i in selected])
        if deleted:
            st.session_state.pop(wkey("insights_delete_confirm"), None)
            st.session_state.pop(wkey("insights_table"), None)
            flash("insights", f"Deleted {deleted} insight{'s' if deleted != 1 else ''}.")
            st.rerun()

with st.expander("Themes", icon=":material/label:"):
    st.text(", ".join(themes) if themes else "No themes yet.")
    col, button = st.columns([3, 1], vertical_alignment="bottom")
    theme_name = col.text_input(
        "New theme", key=wkey("insights_new_theme_name"), max_chars=text_limit(InsightCreate, "theme")
    )
    theme_problems = st.container()
    if button.button("Add", key=wkey("insights_add_theme")):
        if act(add_theme, workspace_id=ws.id, name=theme_name, where=theme_problems):
            flash("insights", f"Added the theme '{theme_name.strip()}'.")
            st.rerun()

with st.expander("Import insights from CSV or Excel", icon=":material/upload_file:"):
    import_panel(
        key="insights",
        noun="insight",
        workspace_id=ws.id,
        save=create_insights,
        columns_help="Columns: " + ", ".join(INSIGHT_LABELS[c] for c in INSIGHT_COLUMNS) + ". Text, Type, Source "
        "and Date are required; segments and personas by name, separated by semicolons.",
        template_header=[INSIGHT_LABELS[c] for c in INSIGHT_COLUMNS],
        parse=lambda raw, name: preview_insight_import(
            raw, name, segments={s.name: s.id for s in segments}, personas={p.name: p.id for p in personas}
        ),
        preview_table=lambda valid: pd.DataFrame(
            {
                "Row": [n for n, _ in valid],
                "Text": [m.text for _, m in valid],
                "Type": [m.kind for _, m in valid],
                "Source": [m.source_type for _, m in valid],
                "Date": [m.recorded_on for _, m in valid],
            }
        ),
    )

st.markdown("**Export** (what the filters show)")
export_buttons(
    key="insights",
    label="Insights",
    what="insights",
    xlsx=lambda: insights_xlsx(shown),
    csv=lambda: insights_csv(shown),
)

step_footer("Insights")
