"""Readiness (seed 002): is the organisation ready for CRM? Participants rate the known
failure causes; the summary puts the weakest points first, with why each matters."""

import pandas as pd
import streamlit as st

from crmstrategy.analysis.models import ReadinessRatingIn, ReadinessStatementCreate
from crmstrategy.analysis.participants import list_participants
from crmstrategy.analysis.readiness_ratings import (
    add_statement,
    delete_statement,
    list_statements,
    ratings_of,
    readiness_summary,
    save_ratings,
)
from crmstrategy.core.errors import ValidationProblem
from crmstrategy.core.fields import text_limit
from crmstrategy.core.text import md_escape
from crmstrategy.ui.actions import act, attempt, flash, read, remember_outcome, show_flash, show_outcome, workspace_keys
from crmstrategy.ui.frame import step_footer, workbench_page
from crmstrategy.ui.widgets import choose_participant, ratings_saved

ws = workbench_page("Readiness")
wkey = workspace_keys(ws.id)

st.title("Readiness check")
st.caption(
    "The vicious circle: without top management, business goals, data-quality demands and "
    "integrated departments, users give up and the return is poor. Rate each statement from "
    "1 (not at all) to 5 (fully in place)."
)
show_flash("readiness")

statements = read(list_statements, workspace_id=ws.id)
participants = read(list_participants, workspace_id=ws.id)

LEVEL_COLOUR = {"weak": "red", "needs attention": "orange", "in place": "green", "not rated": "gray"}

summary_tab, rate_tab, statements_tab = st.tabs(["Summary", "Rate", "Statements"])


@st.fragment(key="readiness_summary")
def _summary(workspace_id: int) -> None:
    """The room's result; a fragment, so that each participant's save redraws it and not the page."""
    summary = read(readiness_summary, workspace_id=workspace_id)
    if summary.overall is None:
        st.info("Nobody has rated the statements yet. Open **Rate**, pick your name and rate each statement.")
    else:
        m1, m2, m3 = st.columns(3)
        m1.metric(
            "Readiness",
            f"{summary.overall_percent} / 100",
            help="The mean of the statements' mean scores, on 0-100 (1 is 0, 5 is 100).",
        )
        m2.metric("Mean score", f"{summary.overall:.1f} of 5")
        m3.metric(
            "Weak or needing attention",
            len(summary.weak_points),
            help="Weak: mean below 2.5. Needs attention: below 3.5.",
        )
        if summary.weak_points:
            st.header("Weakest points first", anchor=False)
        for item in summary.weak_points:
            with st.container(border=True):
                colour = LEVEL_COLOUR[item.level]
                st.markdown(f":{colour}-badge[{item.level}] **{md_escape(item.text)}**")
                st.markdown(
                    f"Mean **{item.mean:.1f}** from {item.count} rating{'s' if item.count != 1 else ''} · "
                    f"spread {item.spread:.1f} · range {item.low}–{item.high}"
                )
                if item.why:
                    st.text(item.why)
                for note in item.notes:
                    st.caption("“" + md_escape(note) + "”")
    st.header("All statements", anchor=False)
    st.dataframe(
        pd.DataFrame(
            {
                "Statement": [s.text for s in summary.statements],
                "Mean": [None if s.mean is None else round(s.mean, 2) for s in summary.statements],
                "Spread": [None if s.spread is None else round(s.spread, 2) for s in summary.statements],
                "Range": [f"{s.low}–{s.high}" if s.count else "" for s in summary.statements],
                "Ratings": [s.count for s in summary.statements],
                "Level": [s.level for s in summary.statements],
            }
        ),
        hide_index=True,
        placeholder="",
        width="stretch",
        column_config={
            "Statement": st.column_config.TextColumn(width="large"),
            "Mean": st.column_config.ProgressColumn(min_value=1, max_value=5, format="%.1f"),
        },
    )


with summary_tab:
    _summary(ws.id)


def _save_my_ratings(workspace_id: int, rater: int, rater_name: str, statement_ids: list[int]) -> None:
    """The callback of "Save my ratings": saves what the form holds, then reruns only the form (its
    confirmation) and the summary, not the page: a whole room saves at once."""
    # A statement removed while the form was open is left out, not refused.
    current = {s.id for s in read(list_statements, workspace_id=workspace_id)}
    ratings = [
        {
            "statement_id": s,
            "score": st.session_state.get(f"readiness_score_{rater}_{s}"),
            "note": st.session_state.get(f"readiness_note_{rater}_{s}", ""),
        }
        for s in statement_ids
        if s in current
    ]
    saved, problem = attempt(save_ratings, workspace_id=workspace_id, participant_id=rater, ratings=ratings)
    remember_outcome("readiness_rating", problem, lambda: ratings_saved(saved, rater_name))
    st.rerun(["readiness_rating", "readiness_summary"])


@st.fragment(key="readiness_rating")
def _rating_form(workspace_id: int, rater: int, rater_name: str) -> None:
    """One participant's ratings of the statements as they are now, with a note each."""
    try:
        statements = read(list_statements, workspace_id=workspace_id)
        mine = read(ratings_of, workspace_id=workspace_id, participant_id=rater)
    except ValidationProblem as gone:  # the participant was deleted meanwhile
        st.info(f"{gone} Reload the page.")
        return
    choices = [None, 1, 2, 3, 4, 5]
    with st.form(f"readiness_form_{rater}", border=True):
        for statement in statements:
            current = mine.get(statement.id)
            st.markdown(f"**{md_escape(statement.text)}**")
            score_col, note_col = st.columns([2, 3])
            score_col.radio(
                "Score",
                choices,
                horizontal=True,
                key=f"readiness_score_{rater}_{statement.id}",
                index=choices.index(current.score if current else None),
                label_visibility="collapsed",
                format_func=lambda v: "–" if v is None else str(v),
            )
            note_col.text_input(
                "Note",
                value=current.note if current else "",
                max_chars=text_limit(ReadinessRatingIn, "note"),
                key=f"readiness_note_{rater}_{statement.id}",
                label_visibility="collapsed",
                placeholder="Why this score? (optional)",
            )
        st.form_submit_button(
            "Save my ratings",
            type="primary",
            key=f"readiness_submit_{rater}",
            on_click=_save_my_ratings,
            args=(workspace_id, rater, rater_name, [s.id for s in statements]),
        )
    show_outcome("readiness_rating")


with rate_tab:
    rater = choose_participant(
        key="readiness_rater", participants=participants, flash_key="readiness", purpose="Ratings"
    )
    if rater is not None:
        _rating_form(ws.id, rater, next(p.name for p in participants if p.id == rater))

with statements_tab:
    st.write(
        "The seven standard statements come from the known reasons CRM programmes fail: no owner, and the "
        "vicious circle that starts when top management is absent. "
        "Add statements of your own where your organisation has its own risks."
    )
    for statement in statements:
        with st.container(border=True):
            st.markdown(("" if statement.key else ":violet-badge[own] ") + f"**{md_escape(statement.text)}**")
            if statement.why:
                st.text(statement.why)
    with st.form("readiness_new_statement", border=True):
        text = st.text_input(
            "New statement",
            key=wkey("readiness_new_text"),
            max_chars=text_limit(ReadinessStatementCreate, "text"),
            placeholder="Something that can be true or false, e.g. 'Our shops share one customer view.'",
        )
        why = st.text_area(
            "Why it matters (optional)",
            key=wkey("readiness_new_why"),
            height=80,
            max_chars=text_limit(ReadinessStatementCreate, "why"),
        )
        add = st.form_submit_button("Add statement", type="primary", key=wkey("readiness_new_submit"))
    new_problems = st.container()
    if add:
        if act(add_statement, workspace_id=ws.id, where=new_problems, data={"text": text, "why": why}):
            st.session_state.pop(wkey("readiness_new_text"), None)
            st.session_state.pop(wkey("readiness_new_why"), None)
            flash("readiness", "Added the statement. Everyone can rate it now.")
            st.rerun()
    own = [s for s in statements if not s.key]
    if own:
        own_by_id = {s.id: s for s in own}
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        chosen = c1.selectbox(
            "Remove a statement of your own",
            list(own_by_id),
            key=wkey("readiness_remove_choice"),
            format_func=lambda i: own_by_id[i].text,
        )
        if c2.button("Remove", key=wkey("readiness_remove")):
            if act(delete_statement, workspace_id=ws.id, statement_id=chosen):
                flash("readiness", "Removed the statement and its ratings.")
                st.rerun()

step_footer("Readiness")
