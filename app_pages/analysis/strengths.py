"""Strengths (advice 2): per segment the 4-6 factors that matter most to its customers, each
participant's rating of how strong we are on them (hidden until the facilitator reveals), and
the agreed values that make the ability score."""

import pandas as pd
import streamlit as st

from crmstrategy.analysis.models import FactorCreate, SegmentFactorIn
from crmstrategy.analysis.participants import list_participants
from crmstrategy.analysis.scores import DISAGREEMENT_RANGE, FEW_FACTORS, MANY_FACTORS, weight_shares
from crmstrategy.analysis.strengths import (
    add_factor,
    delete_factor,
    list_factors,
    rating_form,
    save_strength_ratings,
    segment_strength,
    set_agreed_strengths,
    set_ratings_revealed,
    set_segment_factors,
)
from crmstrategy.core.editor import table_records
from crmstrategy.core.errors import ValidationProblem
from crmstrategy.core.fields import text_limit
from crmstrategy.core.text import md_escape
from crmstrategy.ui.actions import (
    act,
    attempt,
    clear_form,
    edit_scope,
    flash,
    kept_typed,
    read,
    remember_outcome,
    show_flash,
    show_outcome,
    workspace_keys,
)
from crmstrategy.ui.frame import step_footer, workbench_page
from crmstrategy.ui.tables import saved_table
from crmstrategy.ui.widgets import choose_participant, ratings_saved, segments_or_stop

ws = workbench_page("Strengths")
LIVE_EVERY = "5s"  # how often the progress refreshes while the room rates
wkey = workspace_keys(ws.id)


def _scores(values: list) -> pd.Series:
    """Whole scores with gaps: floats, so a gap shows as an empty cell rather than "None"."""
    return pd.Series([float("nan") if v is None else float(v) for v in values], dtype="float64")


st.title("Where we are strong")
st.caption(
    "For each segment: the 4 to 6 factors that matter most to those customers, and how strong "
    "we are on each (1 = weak, 5 = best in the market), against the main competitor. Everyone rates on "
    "their own; the facilitator reveals the ratings and the group agrees the values the scores use."
)
show_flash("strengths")

segments = segments_or_stop(ws.id, "Strengths are rated per segment, and there are no segments yet.", step="Strengths")

segment_names = {s.id: s.name for s in segments}
if st.session_state.get(wkey("strength_segment")) not in segment_names:
    st.session_state[wkey("strength_segment")] = segments[0].id
segment_id = st.selectbox(
    "Segment", list(segment_names), key=wkey("strength_segment"), format_func=lambda i: segment_names[i]
)
strength = read(segment_strength, workspace_id=ws.id, segment_id=segment_id)
# Both key-factor tables are drawn from the segment's key factors as they are now; a save made after
# someone else changed them is refused instead of overwriting their change.
factors_key, drawn_factors = edit_scope(
    "strength_factors", ws.id, segment_id, {f.factor.id: f.factor.version for f in strength.factors}
)
participants = read(list_participants, workspace_id=ws.id)

# The figures above the tabs and the facilitator's progress are drawn by `_progress` (below), which
# reruns on its own: every few seconds while the ratings are hidden, and after each participant's save.
progress_box = st.container()

# The Key factors and Facilitator tabs run only while they are open (`on_change="rerun"` tells the
# page which tab is), and so does the live refresh of the progress (below): where the facilitator
# watches the room, not on every rating page. A participant's page holds the Rate tab alone, so each
# save's redraw in their browser has less to go over (in one profile, about a third less work). The
# Rate tab always runs: its form holds scores chosen and not yet saved, which a tab switch would lose.
factors_tab, rate_tab, facilitator_tab = st.tabs(
    ["Key factors", "Rate", "Facilitator"], key=wkey("strength_tabs"), on_change="rerun"
)

with factors_tab:
    if factors_tab.open:
        library = read(list_factors, workspace_id=ws.id)
        st.write(
            f"The factors these customers choose a supplier by, with how much each matters. Weights are "
            f"relative (shown as shares of 100%); {FEW_FACTORS} to {MANY_FACTORS} factors work best. "
            "Type a factor from the library below, or a new name: it joins the library. Every change is saved at "
            "once."
        )
        known = {f.name.lower() for f in library}

        def _save_factors(records: list[dict]):
            return set_segment_factors, {
                "workspace_id": ws.id,
                "segment_id": segment_id,
                "drawn": drawn_factors,
                "factors": table_records(
                    records, {"Factor": "factor", "Weight": "weight", "Competitor's strength": "competitor_strength"}
                ),
            }

        def _factors_saved(saved) -> str:
            joined = [f.factor for f in saved if f.factor.lower() not in known]
            return f"Saved the key factors of {segment_names[segment_id]}." + (
                f" New in the library: {', '.join(joined)}." if joined else ""
            )

        saved_table(
            "strength_factors",
            key=factors_key,
            scope=("strength_factors", ws.id, segment_id),
            save=_save_factors,
            confirm=_factors_saved,
            num_rows="dynamic",
            rows=[
                {
                    "Factor": f.factor.factor,
                    "Weight": f.factor.weight,
                    "Share": f"{f.share:.0f} %",
                    "Competitor's strength": f.factor.competitor_strength,
                }
                for f in strength.factors
            ],
            columns={"Factor": "text", "Weight": "number", "Share": "text", "Competitor's strength": "number"},
            column_config={
                # Free text, not a select box (which allows only its options): a new factor can be typed
                # straight into the table, and the service adds names it does not know to the library.
                "Factor": st.column_config.TextColumn(
                    required=True,
                    max_chars=text_limit(SegmentFactorIn, "factor"),
                    width="large",
                    help="A factor from the library (the case does not matter) or a new one, which joins the library "
                    "when it is saved. In the library: "
                    + (", ".join(md_escape(f.name) for f in library) or "nothing yet")
                    + ".",
                ),
                "Weight": st.column_config.NumberColumn(
                    help="How much this factor matters to the segment's customers, relative to the others "
                    "(above zero).",
                    format="%g",
                ),
                "Share": st.column_config.TextColumn(
                    disabled=True, help="The weight as a share of all weights (as last saved)."
                ),
                "Competitor's strength": st.column_config.NumberColumn(
                    min_value=1,
                    max_value=5,
                    step=1,
                    format="%d",
                    help="The main competitor's strength, 1-5 (optional), so the gap shows.",
                ),
            },
        )
        st.caption("Removing a factor from a segment also removes the participants' ratings of it.")

        left, right = st.columns(2)
        # Not a form: a form's typed text stays in the browser until it is sent, and this tab is
        # drawn only while it is open, so a look at another tab would lose it (see kept_typed).
        with left, st.container(border=True, key=wkey("strength_new_factor")):
            st.markdown("**Add a factor to the library**")
            name = st.text_input(
                "Factor",
                max_chars=text_limit(FactorCreate, "name"),
                placeholder="e.g. Delivery precision",
                **kept_typed(wkey("strength_new_factor_name")),
            )
            description = st.text_input(
                "What it means (optional)",
                max_chars=text_limit(FactorCreate, "description"),
                **kept_typed(wkey("strength_new_factor_description")),
            )
            add = st.button("Add factor", key=wkey("strength_new_factor_submit"))
        new_problems = left.container()
        if add:
            created = act(
                add_factor, workspace_id=ws.id, data={"name": name, "description": description}, where=new_problems
            )
            if created:
                clear_form({"strength_new_factor_name": "", "strength_new_factor_description": ""}, key=wkey)
                flash("strengths", f"Added '{created.name}' to the library; choose it in the table above.")
                st.rerun()
        with right:
            st.markdown("**The factor library**")
            if not library:
                st.caption("No factors yet.")
            st.dataframe(
                pd.DataFrame(
                    {
                        "Factor": [f.name for f in library],
                        "Used by": [", ".join(f.segments) or "–" for f in library],
                        "Means": [f.description or "" for f in library],
                    }
                ),
                hide_index=True,
                placeholder="",
                width="stretch",
                height=min(400, 38 + 35 * max(len(library), 1)),
            )
            unused = {f.id: f.name for f in library if not f.segments}
            if unused:
                c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
                chosen = c1.selectbox(
                    "Remove an unused factor",
                    list(unused),
                    key=wkey("strength_remove_factor"),
                    format_func=lambda i: unused[i],
                )
                if c2.button("Remove", key=wkey("strength_remove_factor_submit")):
                    if act(delete_factor, workspace_id=ws.id, factor_id=chosen):
                        flash("strengths", f"Removed '{unused[chosen]}' from the library.")
                        st.rerun()


def _save_my_ratings(
    workspace_id: int,
    segment_id: int,
    rater: int,
    rater_name: str,
    factor_ids: list[int],
) -> None:
    """The callback of "Save my ratings": saves the scores chosen in the form, then reruns only what
    the save changed on this page, not the page: a whole room saves at once, and on 30 laptops (or
    one small machine) each save should cost a line or two of the page, not everyone's page.

    - The confirmation, a fragment of its own: the form stays as the participant left it, which is
      what was saved. The whole form is drawn again only when the key factors changed meanwhile
      (one removed is left out of the save, and of the form from now on) or the save failed.
    - The figures above the tabs, only as far as this save changes them: while the ratings are
      hidden, only "Rated every factor" (and its "N more rated only some"), and only when the
      participant's save changed which of those they count in; once revealed, all of them (the
      medians move the ability)."""
    figures = "strength_progress"  # what this save changes above the tabs; all of it unless known
    try:
        # As things are now, not as when the form was drawn: someone may have changed them since.
        before = read(rating_form, workspace_id=workspace_id, segment_id=segment_id, participant_id=rater)
    except ValidationProblem as gone:  # the segment or the participant was deleted meanwhile
        saved, problem, current = None, gone, set()
    else:
        # A factor the facilitator removed while the form was open is left out, not refused: the
        # participant's other ratings are saved.
        current = {f.id for f in before.factors}
        ratings = [
            {"segment_factor_id": f, "score": st.session_state.get(f"strength_score_{segment_id}_{rater}_{f}")}
            for f in factor_ids
            if f in current
        ]
        saved, problem = attempt(
            save_strength_ratings,
            workspace_id=workspace_id,
            segment_id=segment_id,
            participant_id=rater,
            ratings=ratings,
        )
        # (rated some, rated every factor): one score per key factor, of those there are now
        had = (bool(current & before.mine.keys()), current <= before.mine.keys())
        has = (bool(saved), saved == len(current))
        if not before.revealed:  # hidden ratings move no figure but the count of who has rated them all
            figures = "strength_rated" if has != had else ""
    remember_outcome("strength_rating", problem, lambda: ratings_saved(saved, rater_name))
    redraw = saved is None or set(factor_ids) != current
    if redraw:
        st.rerun(["strength_rating", "strength_progress"])
    st.rerun(["strength_rating_outcome"] + ([figures] if figures else []))


def _rating_outcome() -> None:
    """The confirmation (or the problem) of the participant's last save, on its own so that a save
    reruns this and not the form."""
    show_outcome("strength_rating")


@st.fragment(key="strength_rating")
def _rating_form(workspace_id: int, segment_id: int, rater: int, rater_name: str) -> None:
    """One participant's rating form, on its own: drawn from the key factors as they are now, so a
    factor removed meanwhile is not rated."""
    try:
        form = read(rating_form, workspace_id=workspace_id, segment_id=segment_id, participant_id=rater)
    except ValidationProblem as gone:  # the segment or the participant was deleted meanwhile
        st.info(f"{gone} Reload the page.")
        return
    factors = form.factors
    if not factors:
        st.info("This segment has no key factors any more; reload the page.")
        return
    choices = [None, 1, 2, 3, 4, 5]
    with st.form(f"strength_form_{segment_id}_{rater}", border=True):
        for f, share in zip(factors, weight_shares([f.weight for f in factors])):
            st.markdown(f"**{md_escape(f.factor)}** · matters {share:.0f} %")
            st.radio(
                md_escape(f.factor),
                choices,
                horizontal=True,
                label_visibility="collapsed",
                key=f"strength_score_{segment_id}_{rater}_{f.id}",
                index=choices.index(form.mine.get(f.id)),
                format_func=lambda v: "–" if v is None else str(v),
            )
        st.form_submit_button(
            "Save my ratings",
            type="primary",
            key=f"strength_submit_{segment_id}_{rater}",
            on_click=_save_my_ratings,
            args=(workspace_id, segment_id, rater, rater_name, [f.id for f in factors]),
        )
    st.fragment(_rating_outcome, key="strength_rating_outcome")()
    if not form.revealed:
        st.caption(
            ":material/visibility_off: Your ratings are hidden from the others until the facilitator "
            "reveals them, so nobody anchors on the first number said aloud."
        )


with rate_tab:
    if not strength.factors:
        st.info("This segment has no key factors yet. Add them under **Key factors**, then everyone rates here.")
    else:
        rater = choose_participant(
            key="strength_rater", participants=participants, flash_key="strengths", purpose="Strength ratings"
        )
        if rater is not None:
            st.write(
                "How strong are we on each factor, as these customers see it? "
                "1 = weak, 3 = as good as the others, 5 = best in the market."
            )
            _rating_form(ws.id, segment_id, rater, next(p.name for p in participants if p.id == rater))

status_box = None
with facilitator_tab:
    if facilitator_tab.open:
        if not strength.factors:
            st.info("Add key factors first; then participants rate them and you reveal the ratings here.")
        else:
            status_box = st.container()

            if strength.revealed:
                names = strength.started  # everyone with a rating, finished or not
                overview = pd.DataFrame(
                    {
                        "Factor": [f.factor.factor for f in strength.factors],
                        "Share": [f"{f.share:.0f} %" for f in strength.factors],
                    }
                )
                for name in names:
                    overview[name] = _scores([f.by_participant.get(name) for f in strength.factors])
                overview["Mean"] = [None if f.stats.mean is None else round(f.stats.mean, 2) for f in strength.factors]
                overview["Median"] = [f.stats.median for f in strength.factors]
                overview["Spread"] = [
                    None if f.stats.spread is None else round(f.stats.spread, 2) for f in strength.factors
                ]
                overview["Range"] = [f"{f.stats.low}–{f.stats.high}" if f.stats.count else "" for f in strength.factors]
                st.dataframe(
                    overview,
                    hide_index=True,
                    placeholder="",
                    width="stretch",
                    key=wkey("strength_overview"),
                    column_config={name: st.column_config.NumberColumn(format="%d") for name in names},
                )

                st.header("Discuss these first", anchor=False)
                if not strength.discuss_first:
                    st.success(
                        f"No factor has ratings {DISAGREEMENT_RANGE} or more points apart: the group broadly agrees.",
                        icon=":material/handshake:",
                    )
                for f in strength.discuss_first:
                    with st.container(border=True):
                        st.markdown(
                            f":red-badge[spread {f.stats.spread:.2f}] **{md_escape(f.factor.factor)}** · "
                            f"ratings from {f.stats.low} to {f.stats.high}, median {f.stats.median:g}"
                        )
                        st.text(
                            " · ".join(
                                f"{name}: {score}"
                                for name, score in sorted(f.by_participant.items(), key=lambda kv: kv[1])
                            )
                        )
            else:
                st.caption("The individual ratings, their mean, median and spread appear here after you reveal them.")

            st.header("Agreed strength", anchor=False)
            st.write(
                "The value the scores use. Left blank, the median of the ratings is used once they are "
                "revealed; type the value the group agrees on where the discussion changed it (or where there "
                "are no ratings)."
            )
            saved_table(
                "strength_agreed",
                key=f"{factors_key}_agreed",
                scope=("strength_factors", ws.id, segment_id),
                save=lambda records: (
                    set_agreed_strengths,
                    {
                        "workspace_id": ws.id,
                        "segment_id": segment_id,
                        "drawn": drawn_factors,
                        "agreed": {int(r["id"]): r["Agreed"] for r in records},
                    },
                ),
                confirm=lambda _: (
                    f"Saved the agreed values of {segment_names[segment_id]}; the ability score uses them now."
                ),
                rows=[
                    {
                        "id": f.factor.id,
                        "Factor": f.factor.factor,
                        "Median": f.stats.median if strength.revealed else None,
                        "Agreed": f.factor.agreed_strength,
                        "Competitor": f.factor.competitor_strength,
                        "Gap": f.gap if strength.revealed or f.factor.agreed_strength is not None else None,
                    }
                    for f in strength.factors
                ],
                columns={
                    "Factor": "text",
                    "Median": "number",
                    "Agreed": "whole",
                    "Competitor": "whole",
                    "Gap": "whole",
                },
                disabled=["Factor", "Median", "Competitor", "Gap"],
                column_config={
                    "Median": st.column_config.NumberColumn(format="%g"),
                    "Agreed": st.column_config.NumberColumn(
                        min_value=1, max_value=5, step=1, format="%d", help="Blank: the median is used once revealed."
                    ),
                    "Competitor": st.column_config.NumberColumn(format="%d"),
                    "Gap": st.column_config.NumberColumn(format="%+d", help="Our strength minus the competitor's."),
                },
            )


def _handed_over_or_read(key: str, workspace_id: int, segment_id: int, *, where):
    """The segment's strength for a fragment: on the page's run, the one the page (or the enclosing
    fragment) has just read is handed over under `key` rather than read again; the fragment's own
    reruns (its timer, a participant's save) read it afresh. None, with a word in `where`, when the
    segment was deleted meanwhile."""
    strength = st.session_state.pop(key, None)
    if strength is None:
        try:
            strength = read(segment_strength, workspace_id=workspace_id, segment_id=segment_id)
        except ValidationProblem as gone:
            where.info(f"{gone} Reload the page.")
            return None
    return strength


def _rated_every_factor(workspace_id: int, segment_id: int) -> None:
    """How many have rated every key factor: the one figure above the tabs that a participant's save
    changes while the ratings are hidden, so their save redraws this figure and not the row."""
    strength = _handed_over_or_read("_strength_rated_just_read", workspace_id, segment_id, where=st)
    if strength is None:
        return
    partly = strength.partly
    st.metric(
        "Rated every factor",
        f"{len(strength.raters)} of {len(strength.participants)}",
        help="Participants who have rated every key factor of this segment"
        + (f"; {len(partly)} more rated only some." if partly else "."),
    )


def _progress(workspace_id: int, segment_id: int, figures, status) -> None:
    """The segment's figures above the tabs, and in the Facilitator tab (`status`, when the segment
    has key factors) who has rated and the reveal. A fragment of its own: it follows each
    participant's save, and while the ratings are hidden it refreshes every few seconds, so the
    facilitator sees the room's progress without reloading."""
    strength = _handed_over_or_read("_strength_just_read", workspace_id, segment_id, where=figures)
    if strength is None:
        return
    with figures:
        m1, m2, m3, m4 = st.columns(4)
        m1.metric(
            "Ability",
            "not scored" if strength.ability is None else f"{strength.ability:.0f} / 100",
            help="Importance-weighted strength on the key factors; see 'How this is computed' below.",
        )
        m2.metric("Key factors", len(strength.factors))
        with m3:
            st.session_state["_strength_rated_just_read"] = strength
            st.fragment(_rated_every_factor, key="strength_rated")(workspace_id, segment_id)
        m4.metric("Ratings", "revealed" if strength.revealed else "hidden")
        if strength.advice:
            st.warning(strength.advice, icon=":material/info:")
    if status is None or not strength.factors:
        return
    partly = strength.partly
    with status:
        waiting, total = strength.waiting, len(strength.factors)
        st.markdown(
            f"**{len(strength.raters)} of {len(strength.participants)} participants have rated every "
            "factor.**"
            + (
                " Partly rated: "
                + md_escape(", ".join(f"{name} ({strength.rated_count(name)} of {total})" for name in partly))
                + "."
                if partly
                else ""
            )
            + (f" Waiting for: {md_escape(', '.join(waiting))}." if waiting and strength.started else "")
        )
        problems = st.container()
        if strength.revealed:
            if st.button("Hide the ratings again", key=wkey("strength_hide"), icon=":material/visibility_off:"):
                if (
                    act(
                        set_ratings_revealed,
                        workspace_id=workspace_id,
                        segment_id=segment_id,
                        revealed=False,
                        where=problems,
                    )
                    is not None
                ):
                    st.rerun()
        elif st.button(
            "Reveal the ratings",
            key=wkey("strength_reveal"),
            type="primary",
            icon=":material/visibility:",
            disabled=not strength.started,
            help="Shows every participant's rating to everyone.",
        ):
            if (
                act(
                    set_ratings_revealed,
                    workspace_id=workspace_id,
                    segment_id=segment_id,
                    revealed=True,
                    where=problems,
                )
                is not None
            ):
                flash("strengths", "Ratings revealed. Discuss the factors where you disagree, then agree the values.")
                st.rerun()


st.session_state["_strength_just_read"] = strength
# Live while the ratings are hidden (the room is rating) and the facilitator's tab is open; once
# revealed, nothing changes unless someone acts. Not on the pages where people rate: there a save
# reruns the progress itself, and a timer's run beside the save's could clear its confirmation
# (streamlit/streamlit#16708).
live = not strength.revealed and status_box is not None
st.fragment(_progress, key="strength_progress", run_every=LIVE_EVERY if live else None)(
    ws.id, segment_id, progress_box, status_box
)

with st.expander("How this is computed"):
    st.markdown(
        "**Ability (0-100)** is the importance-weighted strength on the segment's key factors:\n\n"
        "ability = Σ (weight × (strength − 1) / 4) ÷ Σ weight × 100\n\n"
        "so a strength of 1 counts as 0 and 5 as 100. The strength of a factor is the **agreed value**, or, "
        "where none is agreed, the **median** of the participants' ratings (rounded half up) once the "
        "facilitator has revealed them: hidden ratings never show through a score. Factors with neither are "
        "left out of both sums.\n\n"
        f"**Spread** is the standard deviation of the ratings; **discuss these first** lists the factors where "
        f"ratings are {DISAGREEMENT_RANGE} or more points apart, the largest spread first.\n\n"
        "**Attractiveness** and the priority matrix are on the Target segments page."
    )
step_footer("Strengths")
