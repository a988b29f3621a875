"""Customer feedback (advice 9): what customers said in conversations across the organisation, routed
to an owner or department, followed to the plan action it led to; counts by theme, segment and
status, and feedback not acted on for 30 days standing out."""

import pandas as pd
import streamlit as st

from crmstrategy.analysis.insights import list_themes
from crmstrategy.analysis.participants import list_participants
from crmstrategy.analysis.personas import list_personas
from crmstrategy.analysis.segments import list_segments
from crmstrategy.core import clock
from crmstrategy.core.charts import chart_spec
from crmstrategy.core.fields import text_limit
from crmstrategy.core.text import md_escape
from crmstrategy.implementation.charts import feedback_counts_chart
from crmstrategy.implementation.feedback import (
    create_feedback,
    delete_feedback,
    list_feedback,
    update_feedback,
)
from crmstrategy.implementation.follow_up_rules import (
    FEEDBACK_ACT_DAYS,
    counts_by_status,
    feedback_overdue,
    feedback_waiting_days,
)
from crmstrategy.implementation.models import FEEDBACK_CHANNELS, FEEDBACK_STATUSES, SENTIMENTS, FeedbackCreate
from crmstrategy.implementation.plan import list_actions
from crmstrategy.ui.actions import act, clear_form, edit_scope, flash, read, show_flash, workspace_keys
from crmstrategy.ui.frame import step_footer, workbench_page
from crmstrategy.ui.widgets import cached_chart_spec, vanished

ws = workbench_page("Customer feedback")
wkey = workspace_keys(ws.id)

st.title("Customer feedback")
st.caption(
    "Above all, systematic customer feedback: collected from conversations across the "
    "organisation and routed to where it is used. Feedback left lying teaches customers not to give it."
)
show_flash("feedback")

today = clock.today()
feedback = read(list_feedback, workspace_id=ws.id)
segments = {s.id: s.name for s in read(list_segments, workspace_id=ws.id)}
personas = {p.id: p for p in read(list_personas, workspace_id=ws.id)}
actions = {a.id: a.title for a in read(list_actions, workspace_id=ws.id)}
themes = read(list_themes, workspace_id=ws.id)
people = read(list_participants, workspace_id=ws.id)
routes = list(
    dict.fromkeys(
        [p.department for p in people if p.department]
        + [p.name for p in people]
        + [f.routed_to for f in feedback if f.routed_to]
    )
)
late = [f for f in feedback if feedback_overdue(f.status, f.received_on, today)]

m = st.columns(4)
for column, status in zip(m, FEEDBACK_STATUSES):
    column.metric(status, sum(f.status == status for f in feedback))
m[3].metric(f"Not acted on for {FEEDBACK_ACT_DAYS}+ days", len(late))

if late:
    with st.container(border=True, key=wkey("feedback_late")):
        st.markdown(
            f":orange[:material/schedule:] **{len(late)} piece{'s' if len(late) != 1 else ''} of feedback "
            f"not acted on for more than {FEEDBACK_ACT_DAYS} days**, longest waiting first:"
        )
        for f in sorted(late, key=lambda f: f.received_on)[:8]:
            where = f"routed to {md_escape(f.routed_to)}" if f.routed_to else ":orange[not routed to anyone]"
            st.markdown(
                f"- **{(today - f.received_on).days} days** · {md_escape(f.text[:140])}"
                f"{'…' if len(f.text) > 140 else ''} · {where}"
            )
        if len(late) > 8:
            st.caption(f"… and {len(late) - 8} more in the log.")

log_tab, add_tab, route_tab, counts_tab = st.tabs(
    ["Log", "Add feedback", "Route or act on it", "Counts"], key=wkey("feedback_tabs")
)

with log_tab:
    if not feedback:
        st.info(
            "No feedback yet. Record what customers tell sales, service and the counter, and route it to "
            "whoever can act on it.",
            icon=":material/info:",
        )
    else:
        c1, c2, c3 = st.columns(3)
        statuses = c1.multiselect("Status", FEEDBACK_STATUSES, key=wkey("feedback_filter_status"))
        chosen_themes = c2.multiselect(
            "Theme", sorted({f.theme for f in feedback if f.theme}), key=wkey("feedback_filter_theme")
        )
        chosen_segments = c3.multiselect(
            "Segment", sorted({f.segment_name for f in feedback if f.segment_name}), key=wkey("feedback_filter_segment")
        )
        late_only = st.toggle(
            f"Only feedback not acted on for more than {FEEDBACK_ACT_DAYS} days", key=wkey("feedback_filter_late")
        )
        shown = [
            f
            for f in feedback
            if (not statuses or f.status in statuses)
            and (not chosen_themes or f.theme in chosen_themes)
            and (not chosen_segments or f.segment_name in chosen_segments)
            and (not late_only or feedback_overdue(f.status, f.received_on, today))
        ]
        st.caption(f"{len(shown)} of {len(feedback)} shown, newest first.")
        waiting = [feedback_waiting_days(f.status, f.received_on, today) for f in shown]
        st.dataframe(
            pd.DataFrame(
                {
                    "Received": [f.received_on for f in shown],
                    "Feedback": [f.text for f in shown],
                    "Waiting": [
                        "" if w is None else (f"⚠ {w} days" if w > FEEDBACK_ACT_DAYS else f"{w} days") for w in waiting
                    ],
                    "Status": [f.status for f in shown],
                    "Routed to": [f.routed_to for f in shown],
                    "Action": [f.action_title for f in shown],
                    "Sentiment": [f.sentiment for f in shown],
                    "Theme": [f.theme or "" for f in shown],
                    "Segment": [f.segment_name for f in shown],
                    "Persona": [f.persona_name for f in shown],
                    "Source": [f.source for f in shown],
                    "Channel": [f.channel for f in shown],
                }
            ),
            hide_index=True,
            placeholder="",
            width="stretch",
            key=wkey("feedback_table"),
            column_config={
                "Feedback": st.column_config.TextColumn(width="large"),
                "Waiting": st.column_config.TextColumn(
                    help=f"Days since it was received, until it is acted on. Over {FEEDBACK_ACT_DAYS} days is marked ⚠."
                ),
            },
        )


def persona_label(pid):
    return "– none –" if pid is None else f"{personas[pid].name} ({personas[pid].segment_name})"


with add_tab:
    # Asked before the boxes are drawn: they fall back to "none" once their choice is deleted.
    gone = [
        noun
        for key, options, noun in (
            (wkey("feedback_new_segment"), [None] + list(segments), "segment"),
            (wkey("feedback_new_persona"), [None] + list(personas), "persona"),
        )
        if vanished(key, options)
    ]
    with st.form("feedback_new", border=True):
        text = st.text_area(
            "What the customer said",
            key=wkey("feedback_new_text"),
            height=90,
            max_chars=text_limit(FeedbackCreate, "text"),
            placeholder="In their own words, as far as you can",
        )
        c1, c2, c3 = st.columns(3)
        source = c1.text_input(
            "Source",
            key=wkey("feedback_new_source"),
            max_chars=text_limit(FeedbackCreate, "source"),
            placeholder="Who said it, or who heard it",
        )
        channel = c2.selectbox(
            "Channel",
            FEEDBACK_CHANNELS,
            index=None,
            key=wkey("feedback_new_channel"),
            accept_new_options=True,
            placeholder="Choose or type",
        )
        received_on = c3.date_input("Date", value=today, max_value=today, key=wkey("feedback_new_date"))
        c1, c2, c3 = st.columns(3)
        segment = c1.selectbox(
            "Segment",
            [None] + list(segments),
            key=wkey("feedback_new_segment"),
            format_func=lambda s: "– none –" if s is None else segments[s],
        )
        persona = c2.selectbox(
            "Persona", [None] + list(personas), key=wkey("feedback_new_persona"), format_func=persona_label
        )
        theme = c3.selectbox(
            "Theme",
            themes,
            index=None,
            key=wkey("feedback_new_theme"),
            accept_new_options=True,
            placeholder="Choose or type a new one",
        )
        c1, c2, c3 = st.columns(3)
        sentiment = c1.radio("Sentiment", SENTIMENTS, index=1, key=wkey("feedback_new_sentiment"), horizontal=True)
        routed_to = c2.selectbox(
            "Route to",
            routes,
            index=None,
            key=wkey("feedback_new_route"),
            accept_new_options=True,
            placeholder="An owner or a department",
            help="Routing it sets the status to Routed.",
        )
        by = c3.text_input(
            "Recorded by", key=wkey("feedback_new_by"), max_chars=text_limit(FeedbackCreate, "recorded_by")
        )
        add = st.form_submit_button("Add feedback", type="primary", key=wkey("feedback_new_submit"))
    add_problems = st.container()
    if add and gone:
        add_problems.error(
            f"The {gone[0]} you chose does not exist any more (it was deleted since the page was "
            "opened): nothing was saved. Choose again.",
            icon=":material/error:",
        )
    elif add:
        created = act(
            create_feedback,
            workspace_id=ws.id,
            where=add_problems,
            data={
                "text": text,
                "source": source,
                "channel": channel or "",
                "received_on": received_on,
                "segment_id": segment,
                "persona_id": persona,
                "theme": theme,
                "sentiment": sentiment,
                "routed_to": routed_to or "",
                "status": "Routed" if routed_to else "New",
                "recorded_by": by,
            },
        )
        if created is not None:
            clear_form(
                {
                    "feedback_new_text": "",
                    "feedback_new_source": "",
                    "feedback_new_persona": None,
                    "feedback_new_route": None,
                },
                key=wkey,
            )
            flash("feedback", "Added the feedback" + (f" and routed it to {routed_to}." if routed_to else "."))
            st.rerun()

with route_tab:
    if not feedback:
        st.caption("No feedback yet.")
    else:
        # What waits longest comes first: that is what a review meeting goes through.
        order = sorted(feedback, key=lambda f: (f.status == "Acted on", f.received_on))
        by_id = {f.id: f for f in order}
        chosen = st.selectbox(
            "Feedback",
            list(by_id),
            key=wkey("feedback_choice"),
            format_func=lambda i: (
                f"{by_id[i].status} · {by_id[i].received_on.isoformat()} · {by_id[i].text[:70]}"
                f"{'…' if len(by_id[i].text) > 70 else ''}"
            ),
        )
        item = by_id[chosen]
        scoped, drawn = edit_scope("feedback", ws.id, chosen, item.version)
        st.text(item.text)
        st.caption(
            " · ".join(
                md_escape(x)
                for x in (
                    item.source,
                    item.channel,
                    item.segment_name,
                    item.persona_name,
                    item.theme or "",
                    item.sentiment,
                )
                if x
            )
        )
        action_ids = [None] + list(actions)
        action_gone = vanished(f"{scoped}_action", action_ids)
        with st.form(f"{scoped}_route", border=True):
            c1, c2 = st.columns(2)
            route_options = routes if item.routed_to in routes or not item.routed_to else routes + [item.routed_to]
            routed = c1.selectbox(
                "Routed to",
                route_options,
                key=f"{scoped}_route_to",
                index=route_options.index(item.routed_to) if item.routed_to else None,
                accept_new_options=True,
                placeholder="An owner or a department",
            )
            status = c2.radio(
                "Status",
                FEEDBACK_STATUSES,
                index=FEEDBACK_STATUSES.index(item.status),
                key=f"{scoped}_status",
                horizontal=True,
            )
            action = st.selectbox(
                "The plan action it led to",
                action_ids,
                key=f"{scoped}_action",
                index=action_ids.index(item.action_id) if item.action_id in actions else 0,
                format_func=lambda a: "– none –" if a is None else actions[a],
            )
            response = st.text_area(
                "What was done",
                value=item.response,
                key=f"{scoped}_response",
                height=70,
                max_chars=text_limit(FeedbackCreate, "response"),
                placeholder="Needed when it is acted on without a plan action",
            )
            save = st.form_submit_button("Save", type="primary", key=f"{scoped}_route_submit")
        route_problems = st.container()
        if save and action_gone:
            route_problems.error(
                "The plan action you chose does not exist any more (it was deleted since the page "
                "was opened): nothing was saved. Choose again.",
                icon=":material/error:",
            )
        elif save:
            if act(
                update_feedback,
                workspace_id=ws.id,
                feedback_id=chosen,
                where=route_problems,
                version=drawn,
                scope=("feedback", ws.id, chosen),
                changes={"routed_to": routed or "", "status": status, "action_id": action, "response": response},
            ):
                flash("feedback", f"Saved: {status.lower()}" + (f", routed to {routed}." if routed else "."))
                st.rerun()
        if st.button("Delete this feedback", key=f"{scoped}_delete"):
            if (
                act(
                    delete_feedback,
                    workspace_id=ws.id,
                    feedback_id=chosen,
                    version=drawn,
                    scope=("feedback", ws.id, chosen),
                )
                is not None
            ):
                st.session_state.pop(wkey("feedback_choice"), None)
                flash("feedback", "Deleted the feedback.")
                st.rerun()

with counts_tab:
    if not feedback:
        st.caption("No feedback yet.")
    else:
        for dimension, label_of in (
            ("theme", lambda f: f.theme or "No theme"),
            ("segment", lambda f: f.segment_name or "No segment"),
        ):
            counts = counts_by_status([(label_of(f), f.status) for f in feedback], FEEDBACK_STATUSES)
            st.markdown(f"**By {dimension} and status**")
            left, right = st.columns([2, 3])
            left.dataframe(
                pd.DataFrame(
                    [
                        {dimension.capitalize(): group, **by_status, "Total": sum(by_status.values())}
                        for group, by_status in counts
                    ]
                ),
                hide_index=True,
                placeholder="",
                width="stretch",
                key=wkey(f"feedback_counts_{dimension}"),
            )
            with right:
                spec = cached_chart_spec(
                    "feedback counts", lambda counts=counts: chart_spec(feedback_counts_chart(counts)), counts
                )
                st.vega_lite_chart(spec, theme=None, width="stretch", key=wkey(f"feedback_chart_{dimension}"))

step_footer("Customer feedback")
