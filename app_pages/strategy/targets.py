"""Target segments (advice 2): ability against attractiveness in a priority matrix, whether the
ranking holds when the weights move, and the choice of primary and secondary targets."""

import streamlit as st

from crmstrategy.analysis.models import PRIORITIES, SegmentCreate
from crmstrategy.analysis.scores import (
    ATTRACTIVENESS_LABELS,
    DEFAULT_ATTRACTIVENESS_WEIGHTS,
    NOTHING_TO_RANK,
    QUADRANT_LINE,
    SENSITIVITY_STEP,
)
from crmstrategy.analysis.segments import list_segments
from crmstrategy.core.charts import chart_png, chart_spec, chart_svg
from crmstrategy.core.fields import text_limit
from crmstrategy.core.text import md_escape
from crmstrategy.strategy.charts import priority_matrix_chart
from crmstrategy.strategy.targets import priority_matrix, save_priorities, set_attractiveness_weights
from crmstrategy.ui.actions import act, edit_scope, flash, read, show_flash, workspace_keys
from crmstrategy.ui.frame import download_file_name, page_link, step_footer, workbench_page
from crmstrategy.ui.tables import saved_table
from crmstrategy.ui.widgets import cached_chart_spec
from crmstrategy.workspace.method_path import Place

ws = workbench_page("Target segments")
wkey = workspace_keys(ws.id)

st.title("Target segments")
st.caption(
    "Prioritise the segments that are attractive and where you are strong. The matrix puts "
    "ability (from Strengths) against attractiveness (size, potential, growth); the choice and its "
    "rationale are what the customer promise and the plan build on."
)
show_flash("targets")

matrix = read(priority_matrix, workspace_id=ws.id)
if not matrix.rows:
    st.info("There are no segments yet, so there is nothing to prioritise.")
    page_link(Place.SEGMENTS, "Describe the segments first", icon=":material/arrow_forward:")
    step_footer("Target segments")
    st.stop()

chart_col = st.container()
weights_col, sensitivity_col = st.columns(2, gap="large")
with weights_col:
    st.markdown("**Attractiveness weights**")
    with st.form("target_weights", border=True):
        typed = {
            key: st.number_input(
                label,
                min_value=0.0,
                max_value=100.0,
                step=5.0,
                format="%g",
                value=float(matrix.weights[key]),
                key=wkey(f"target_weight_{key}"),
            )
            for key, label in ATTRACTIVENESS_LABELS.items()
        }
        st.caption(
            "Now: "
            + " · ".join(f"{ATTRACTIVENESS_LABELS[k]} {matrix.shares[k]:.0f} %" for k in matrix.shares)
            + ". Defaults: "
            + " / ".join(f"{v:g}" for v in DEFAULT_ATTRACTIVENESS_WEIGHTS.values())
            + "."
        )
        apply_weights = st.form_submit_button("Apply weights", type="primary", key=wkey("target_weights_submit"))
    weight_problems = st.container()
    if apply_weights:
        if act(set_attractiveness_weights, workspace_id=ws.id, where=weight_problems, **typed) is not None:
            flash("targets", "Applied the weights; the matrix and the ranking use them now.")
            st.rerun()
    if matrix.weights != DEFAULT_ATTRACTIVENESS_WEIGHTS and st.button(
        "Back to the default weights", key=wkey("target_weights_reset")
    ):
        if act(set_attractiveness_weights, workspace_id=ws.id, **DEFAULT_ATTRACTIVENESS_WEIGHTS) is not None:
            for key in ATTRACTIVENESS_LABELS:
                st.session_state.pop(wkey(f"target_weight_{key}"), None)
            st.rerun()

with sensitivity_col:
    st.markdown("**Does the ranking hold?**")
    step = f"±{SENSITIVITY_STEP:.0%}"
    if matrix.nothing_to_rank:
        st.info(NOTHING_TO_RANK, icon=":material/hourglass_empty:")
    elif len(matrix.rows) < 2:
        st.caption("With one segment there is no ranking to test.")
    elif not matrix.unstable:
        st.success(
            f"Stable: no segment changes place by attractiveness when any weight moves {step}.",
            icon=":material/verified:",
        )
    else:
        st.warning(
            f"Not stable: moving one weight {step} changes the places of "
            + ", ".join(f"{md_escape(r.name)} (place {r.best_rank}–{r.worst_rank})" for r in matrix.unstable)
            + ". Discuss the weights before choosing between them.",
            icon=":material/swap_vert:",
        )
        if matrix.stable:
            st.caption("Stable: " + ", ".join(f"{md_escape(r.name)} (place {r.rank})" for r in matrix.stable) + ".")

with chart_col:
    if not any(r.ability is not None for r in matrix.rows):
        count = len(matrix.rows)
        st.info(
            "Nothing to place on the matrix yet: "
            f"{'the segment has' if count == 1 else f'none of the {count} segments has'} "
            "an ability score, so there is nothing to place against attractiveness. On Strengths, give "
            f"{'it' if count == 1 else 'a segment'} the 4-6 key factors that matter most to its customers and "
            "rate how strong we are on each; the matrix then draws it.",
            icon=":material/bubble_chart:",
        )
        page_link(Place.STRENGTHS, "Rate where we are strong", icon=":material/arrow_forward:")
    else:
        # theme=None keeps the chart's own projector-sized fonts, the same as in the downloaded files
        matrix_spec = cached_chart_spec(
            "priority matrix",
            lambda: chart_spec(priority_matrix_chart(matrix.rows, currency=ws.currency, width="container")),
            matrix.rows,
            ws.currency,
        )
        st.vega_lite_chart(matrix_spec, theme=None, width="stretch", key=wkey("target_matrix"))
        d1, d2, _ = st.columns([1, 1, 3])
        d1.download_button(
            "Matrix (.png)",
            key=wkey("target_matrix_png"),
            icon=":material/download:",
            on_click="ignore",
            data=lambda: chart_png(priority_matrix_chart(matrix.rows, currency=ws.currency)),
            file_name=download_file_name("priority-matrix", "png"),
            mime="image/png",
        )
        d2.download_button(
            "Matrix (.svg)",
            key=wkey("target_matrix_svg"),
            icon=":material/download:",
            on_click="ignore",
            data=lambda: chart_svg(priority_matrix_chart(matrix.rows, currency=ws.currency)),
            file_name=download_file_name("priority-matrix", "svg"),
            mime="image/svg+xml",
        )
for note in matrix.notes:
    st.info(md_escape(note), icon=":material/info:")

st.header("The choice", anchor=False)
st.write(
    "Mark each segment a primary target, secondary or not prioritised, and say why in a sentence: "
    "a target needs a rationale. The Overview and the later steps use this choice. A change of priority in "
    "the table is saved at once; write the rationale in the form under it."
)
# The choice is drawn from the segments as they are now; saving over someone else's later change is refused.
choice_key, drawn_segments = edit_scope(
    "target_choice", ws.id, "all", {s.id: s.version for s in read(list_segments, workspace_id=ws.id)}
)
saved_table(
    "target_choice",
    key=choice_key,
    scope=("target_choice", ws.id, "all"),
    save=lambda records: (
        save_priorities,
        {
            "workspace_id": ws.id,
            "versions": drawn_segments,
            "choices": {int(r["id"]): (r["Priority"], r["Rationale"] or "") for r in records},
        },
    ),
    confirm=lambda _: "Saved the choice of target segments.",
    rows=[
        {
            "id": r.segment_id,
            "Segment": r.name,
            "Priority": r.priority,
            "Rationale": r.rationale or "",
            "Ability": None if r.ability is None else round(r.ability),
            "Attractiveness": round(r.attractiveness),
            "Quadrant": r.quadrant,
            "Place": f"{r.rank}" if r.stable else f"{r.rank} ({r.best_rank}–{r.worst_rank})",
        }
        for r in matrix.rows
    ],
    columns={
        "Segment": "text",
        "Priority": "text",
        "Rationale": "text",
        "Ability": "whole",
        "Attractiveness": "whole",
        "Quadrant": "text",
        "Place": "text",
    },
    # Segment, priority and rationale first: the choice reads on a laptop without scrolling sideways.
    disabled=["Segment", "Rationale", "Ability", "Attractiveness", "Quadrant", "Place"],
    column_config={
        "Segment": st.column_config.TextColumn(
            width="medium", pinned=True, max_chars=text_limit(SegmentCreate, "name")
        ),
        "Priority": st.column_config.SelectboxColumn(options=list(PRIORITIES), width="medium"),
        "Rationale": st.column_config.TextColumn(
            width="large",
            max_chars=text_limit(SegmentCreate, "priority_rationale"),
            help="Written in the form under the table.",
        ),
        "Ability": st.column_config.ProgressColumn(min_value=0, max_value=100, format="%d", width="small"),
        "Attractiveness": st.column_config.ProgressColumn(min_value=0, max_value=100, format="%d", width="small"),
        "Quadrant": st.column_config.TextColumn(width="small"),
        "Place": st.column_config.TextColumn(
            width="small", help="Place by attractiveness; in brackets the places it reaches when a weight moves ±20%."
        ),
    },
)

by_segment = {r.segment_id: r for r in matrix.rows}
with st.expander("Edit the rationale of a segment", icon=":material/edit_note:", expanded=False):
    picked = st.selectbox(
        "Segment", list(by_segment), key=wkey("target_rationale_segment"), format_func=lambda i: by_segment[i].name
    )
    row = by_segment[picked]
    # Drawn at the segment's version in the choice above, so a save there or here draws both afresh.
    drawn = drawn_segments.get(picked)
    scoped = f"target_rationale_{ws.id}_{picked}_v{drawn}"
    with st.form(scoped, border=False):
        priority = st.selectbox(
            "Priority",
            [None, *PRIORITIES],
            key=f"{scoped}_priority",
            index=[None, *PRIORITIES].index(row.priority),
            format_func=lambda p: "– not chosen –" if p is None else p,
        )
        rationale = st.text_area(
            "Rationale",
            value=row.rationale or "",
            key=f"{scoped}_rationale",
            height=100,
            max_chars=text_limit(SegmentCreate, "priority_rationale"),
            placeholder="Why this segment, in a sentence or two.",
        )
        save_rationale = st.form_submit_button("Save the rationale", type="primary", key=wkey("target_rationale_save"))
    rationale_problems = st.container()
    if (
        save_rationale
        and act(
            save_priorities,
            workspace_id=ws.id,
            where=rationale_problems,
            versions={picked: drawn},
            choices={picked: (priority, rationale)},
            scope=("target_choice", ws.id, "all"),
        )
        is not None
    ):
        flash("targets", f"Saved the choice for {row.name}.")
        st.rerun()

chosen = [r for r in matrix.rows if r.priority in PRIORITIES[:2]]
if chosen:
    st.markdown("**Targets:** " + " · ".join(f"{md_escape(r.name)} ({r.priority.lower()})" for r in chosen))

with st.expander("How this is computed"):
    shares = " + ".join(f"{matrix.shares[k]:.0f} % × {ATTRACTIVENESS_LABELS[k].lower()}" for k in matrix.shares)
    st.markdown(
        "**Attractiveness (0-100).** Revenue, potential and expected growth are each scaled across the segments, "
        "so that the lowest segment gets 0 and the highest 1 (when all are equal, each gets 0.5; a missing value "
        f"counts as 0). The weights combine them: attractiveness = ({shares}) × 100. The weights are shares of "
        "their sum, so 30/40/30 and 3/4/3 mean the same.\n\n"
        "**Ability (0-100)** comes from the Strengths page: the importance-weighted agreed strength on the key "
        "factors, where 1 is 0 and 5 is 100.\n\n"
        f"**Quadrants** split both axes at {QUADRANT_LINE:g}: *Prioritise* (attractive, strong), *Build ability* "
        "(attractive, not yet strong), *Maintain* (strong, less attractive), *Deprioritise*.\n\n"
        f"**Does the ranking hold?** Each weight in turn is moved {SENSITIVITY_STEP:.0%} down and up with the others "
        "unchanged, and the segments are ranked by attractiveness again. A segment whose place never changes is "
        "stable; otherwise its range of places is shown. The bubble size is the revenue potential (else the revenue)."
    )
step_footer("Target segments")
