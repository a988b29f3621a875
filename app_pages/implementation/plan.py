"""The 3/6/12-month plan (advice 8): actions with one owner each, edited in a filterable table;
what matters most per horizon and department; the timeline; reviews and each action's history;
the files teams take home."""

import pandas as pd
import streamlit as st

from crmstrategy.analysis.participants import list_participants
from crmstrategy.core import clock
from crmstrategy.core.charts import chart_spec
from crmstrategy.core.fields import text_limit
from crmstrategy.core.text import md_escape
from crmstrategy.implementation.anchoring import add_review, list_reviews, list_role_impacts
from crmstrategy.implementation.charts import plan_timeline_chart
from crmstrategy.implementation.models import (
    ACTION_KINDS,
    ACTION_LABELS,
    ActionChange,
    ActionCreate,
    PlanReviewCreate,
)
from crmstrategy.implementation.plan import (
    EDITOR_COLUMNS,
    action_history,
    apply_action_edits,
    create_action,
    list_actions,
    plan_gaps,
    plan_start_of,
    set_plan_start,
    update_action,
)
from crmstrategy.implementation.plan_exports import plan_csv, plan_ics, plan_markdown, plan_xlsx
from crmstrategy.implementation.plan_rules import (
    HORIZONS,
    REVIEW_DAYS,
    STATUSES,
    has_owner,
    is_overdue,
    next_review_by,
    owner_note,
    review_state,
)
from crmstrategy.strategy.strategy_map import list_constraints, list_nodes
from crmstrategy.ui.actions import act, clear_form, edit_scope, flash, read, show_flash, workspace_keys
from crmstrategy.ui.frame import download_file_name, step_footer, workbench_page
from crmstrategy.ui.tables import rows_table
from crmstrategy.ui.widgets import cached_chart_spec

ws = workbench_page("Implementation plan")
wkey = workspace_keys(ws.id)
LIMITS = {
    field: text_limit(ActionCreate, field)
    for field in ("title", "description", "department", "owner", "audience", "notes")
}
# The plan table's columns in the order shown, with their kinds. Long text is read in the table and
# edited in the form under "Review and history", not in a cramped cell.
PLAN_COLUMNS = {
    "title": "text",
    "owner": "text",
    "due_date": "date",
    "status": "text",
    "department": "text",
    "horizon": "whole",
    "start_date": "date",
    "initiatives": "list",
    "flags": "text",
    "description": "text",
    "kind": "text",
    "audience": "text",
    "notes": "text",
}
LONG_TEXT = ("description", "notes")
EDITABLE = set(EDITOR_COLUMNS) - set(LONG_TEXT)

st.title("3/6/12-month plan")
st.caption(
    "What matters most in the next 3, 6 and 12 months in each department, with a short "
    "description and, above all, one person responsible. A plan must be maintained."
)
show_flash("plan")

today = clock.today()
start = plan_start_of(ws)
actions = read(list_actions, workspace_id=ws.id)
participants = [p.name for p in read(list_participants, workspace_id=ws.id)]
map_nodes = read(list_nodes, workspace_id=ws.id)
initiatives = {n.id: n.name for n in map_nodes if n.kind == "initiative"}
initiative_ids = {name: node_id for node_id, name in initiatives.items()}
reviews = read(list_reviews, workspace_id=ws.id)
review = review_state(reviews[0].reviewed_on if reviews else None, today, bool(actions), start)
without_action, serving_nothing = read(plan_gaps, workspace_id=ws.id)

overdue = [a for a in actions if is_overdue(a.status, a.due_date, today)]
no_owner = [a for a in actions if not has_owner(a.owner)]
outsiders = sorted(
    {
        a.owner.strip()
        for a in actions
        if has_owner(a.owner) and a.owner.strip().casefold() not in {p.casefold() for p in participants}
    }
)

m = st.columns([1, 1, 1, 1, 1.6])  # room for the whole review date on a laptop
m[0].metric("Actions", len(actions))
m[1].metric("Open", sum(a.status != "Done" for a in actions))
m[2].metric("Overdue", len(overdue))
m[3].metric("Without an owner", len(no_owner))
# A plan never reviewed is due REVIEW_DAYS after its start, not at once: a plan made a minute ago is not late.
next_review = next_review_by(reviews[0].reviewed_on if reviews else None, start)
m[4].metric(
    "Next review by",
    next_review.isoformat() if reviews or actions else "–",
    help=f"A plan must be maintained: review it at least every {REVIEW_DAYS} days. Last review: "
    + (reviews[0].reviewed_on.isoformat() if reviews else f"never (the plan started on {start.isoformat()})")
    + ".",
)


def _titles(items) -> str:
    shown = ", ".join(f"'{a.title}'" for a in items[:5])
    return md_escape(shown + (f" and {len(items) - 5} more" if len(items) > 5 else ""))


attention = []  # (colour, icon, sentence): one box, so the plan itself stays in sight
if review.due:
    attention.append(
        ("orange", "event", md_escape(review.message) + " Record the review under **Review and history**.")
    )
if no_owner:
    attention.append(
        (
            "red",
            "person_off",
            f"**{len(no_owner)} without an owner:** {_titles(no_owner)}. Every action "
            "needs one person who is responsible.",
        )
    )
if overdue:
    attention.append(("orange", "schedule", f"**{len(overdue)} overdue:** {_titles(overdue)}."))
if outsiders:
    attention.append(
        (
            "blue",
            "info",
            md_escape(
                f"Owners who are not among the participants: {', '.join(outsiders)}. "
                "That is allowed; add them on Participants if they should take "
                "part."
            ),
        )
    )
if initiatives and without_action:
    attention.append(
        ("blue", "account_tree", "**Initiatives with no action yet:** " + md_escape(", ".join(without_action)) + ".")
    )
if serving_nothing:
    attention.append(
        (
            "blue",
            "link_off",
            "**Actions that serve no initiative:** "
            + md_escape(", ".join(serving_nothing))
            + ". Link them, or ask whether they belong in this plan.",
        )
    )
if attention:
    with st.container(border=True, key=wkey("plan_attention")):
        st.markdown("  \n".join(f":{colour}[:material/{icon}:] {text}" for colour, icon, text in attention))

constraints = read(list_constraints, workspace_id=ws.id)
if constraints:  # what the company strategy allows or demands, beside the plan that must respect it
    node_names = {n.id: n.name for n in map_nodes}
    with st.container(border=True, key=wkey("plan_constraints")):
        st.markdown("**Constraints from the company strategy**")
        for constraint in constraints:
            touches = ", ".join(node_names[n] for n in constraint.node_ids if n in node_names)
            st.markdown(
                f":violet-badge[{md_escape(constraint.kind)}] {md_escape(constraint.text)}"
                + (f"  \n:grey[Touches: {md_escape(touches)}]" if touches else "")
            )

plan_tab, focus_tab, timeline_tab, add_tab, review_tab, files_tab = st.tabs(
    ["Plan", "What matters most", "Timeline", "Add an action", "Review and history", "Downloads"], key=wkey("plan_tabs")
)

# --- the table ---------------------------------------------------------------------------------

with plan_tab:
    f = st.columns(5)
    departments = sorted({a.department for a in actions if a.department}, key=str.casefold)
    owners = sorted({a.owner for a in actions if a.owner}, key=str.casefold)
    chosen_departments = f[0].multiselect("Department", departments, key=wkey("plan_filter_department"))
    chosen_owners = f[1].multiselect("Owner", owners, key=wkey("plan_filter_owner"))
    chosen_horizons = f[2].multiselect(
        "Horizon", HORIZONS, key=wkey("plan_filter_horizon"), format_func=lambda h: f"{h} months"
    )
    chosen_statuses = f[3].multiselect("Status", STATUSES, key=wkey("plan_filter_status"))
    chosen_initiatives = f[4].multiselect(
        "Initiative", list(initiatives), key=wkey("plan_filter_initiative"), format_func=lambda i: initiatives[i]
    )
    shown = [
        a
        for a in actions
        if (not chosen_departments or a.department in chosen_departments)
        and (not chosen_owners or a.owner in chosen_owners)
        and (not chosen_horizons or a.shown_horizon in chosen_horizons)
        and (not chosen_statuses or a.status in chosen_statuses)
        and (not chosen_initiatives or set(a.initiative_ids) & set(chosen_initiatives))
    ]
    editor_name = st.text_input(
        "Your name (for the history of what you change)",
        key=wkey("plan_editor_name"),
        max_chars=text_limit(ActionChange, "changed_by"),
    )

    # The editor reports edits by row position, so another filter (other rows) gets an editor of its own,
    # and a refusal that belonged to the old rows is dropped with it.
    filters = repr((chosen_departments, chosen_owners, chosen_horizons, chosen_statuses, chosen_initiatives))
    if st.session_state.get("plan_editor_filters") != filters:
        st.session_state["plan_editor_filters"] = filters
        st.session_state.pop("plan_problems", None)
        st.session_state["plan_editor_version"] = st.session_state.get("plan_editor_version", 0) + 1

    def flags(a) -> str:
        found = []
        if is_overdue(a.status, a.due_date, today):
            found.append("overdue")
        if not has_owner(a.owner):
            found.append("no owner")
        if not a.initiative_ids:
            found.append("serves no initiative")
        if a.beyond_plan:
            found.append("beyond 12 months")
        return " · ".join(found)

    # What matters most first (title, owner, due date, status), so they show without scrolling sideways;
    # declared column types (editor_frame), so the empty plan takes a first row and text cells hold "".
    rows = [
        {
            "title": a.title,
            "owner": a.owner or "",
            "due_date": a.due_date,
            "status": a.status,
            "department": a.department or "",
            "horizon": a.shown_horizon,
            "start_date": a.start_date,
            "initiatives": a.initiative_names,
            "flags": flags(a),
            "description": a.description or "",
            "kind": a.kind,
            "audience": a.audience or "",
            "notes": a.notes or "",
        }
        for a in shown
    ]
    rows_table(
        "plan",
        workspace_id=ws.id,
        items=shown,
        rows=rows,
        columns=PLAN_COLUMNS,
        editable=EDITABLE,
        apply=apply_action_edits,
        text_scope="plan_text",
        extra=lambda: {
            "initiative_ids": initiative_ids,
            "changed_by": st.session_state.get(wkey("plan_editor_name"), ""),
        },
        disabled=["flags", *LONG_TEXT],
        column_config={
            "title": st.column_config.TextColumn(
                ACTION_LABELS["title"], required=True, max_chars=LIMITS["title"], width="large"
            ),
            "flags": st.column_config.TextColumn("Needs attention", width="medium"),
            "department": st.column_config.TextColumn(ACTION_LABELS["department"], max_chars=LIMITS["department"]),
            "owner": st.column_config.TextColumn(
                ACTION_LABELS["owner"], max_chars=LIMITS["owner"], help="One named person who is responsible."
            ),
            "horizon": st.column_config.SelectboxColumn(
                "Horizon (months)",
                options=list(HORIZONS),
                help="From the due date; set by hand only for undated actions.",
            ),
            "start_date": st.column_config.DateColumn(ACTION_LABELS["start_date"], format="YYYY-MM-DD"),
            "due_date": st.column_config.DateColumn(ACTION_LABELS["due_date"], format="YYYY-MM-DD"),
            # Required columns have a default, so a row with just a title is whole and saved at once.
            "status": st.column_config.SelectboxColumn(
                ACTION_LABELS["status"], options=list(STATUSES), required=True, default=STATUSES[0]
            ),
            "initiatives": st.column_config.MultiselectColumn(
                ACTION_LABELS["initiative_ids"], options=list(initiatives.values()), width="large"
            ),
            "description": st.column_config.TextColumn(
                ACTION_LABELS["description"],
                max_chars=LIMITS["description"],
                width="large",
                help="Edited under **Review and history**.",
            ),
            "kind": st.column_config.SelectboxColumn(
                ACTION_LABELS["kind"], options=list(ACTION_KINDS), required=True, default=ACTION_KINDS[0]
            ),
            "audience": st.column_config.TextColumn(ACTION_LABELS["audience"], max_chars=LIMITS["audience"]),
            "notes": st.column_config.TextColumn(
                ACTION_LABELS["notes"],
                max_chars=LIMITS["notes"],
                width="large",
                help="Edited under **Review and history**.",
            ),
        },
    )
    st.caption(
        f"{len(shown)} of {len(actions)} actions shown. Every change is saved at once; the horizons count "
        f"from the plan's start, {start.isoformat()}."
    )

# --- what matters most ---------------------------------------------------------------------------

FOCUS_SHOWN = 8  # per department and horizon, the soonest due first

with focus_tab:
    if not actions:
        st.caption("No actions yet.")
    for horizon in HORIZONS:
        chosen = [a for a in actions if a.shown_horizon == horizon and a.status != "Done"]
        st.header(f"Next {horizon} months", anchor=False)
        if not chosen:
            st.caption("Nothing open in this horizon.")
            continue
        groups = sorted({a.department for a in chosen}, key=lambda d: (d == "", d.casefold()))
        columns = st.columns(min(3, len(groups)))
        for n, department in enumerate(groups):
            mine = [a for a in chosen if a.department == department]
            lines = []
            for a in mine[:FOCUS_SHOWN]:
                owner = md_escape(a.owner) if has_owner(a.owner) else ":red-badge[no owner]"
                late = " :red-badge[overdue]" if is_overdue(a.status, a.due_date, today) else ""
                due = f" · due {a.due_date.isoformat()}" if a.due_date else ""
                lines.append(f"{md_escape(a.title)}  \n:gray[{owner}{due} · {a.status}]{late}")
            if len(mine) > FOCUS_SHOWN:
                lines.append(
                    f":gray[… and {len(mine) - FOCUS_SHOWN} more: filter the table by {md_escape(department)}]"
                )
            with columns[n % len(columns)].container(border=True):
                # One element per department: a large plan stays quick to draw
                st.markdown(f"**{md_escape(department) if department else 'No department'}**\n\n" + "\n\n".join(lines))

# --- timeline ------------------------------------------------------------------------------------

with timeline_tab:
    dated = [a for a in actions if a.due_date]
    if not dated:
        st.info(
            "Nothing to draw yet: the timeline shows actions with a due date, and none has one. Give the "
            "actions a due date in the plan, or add one with a due date.",
            icon=":material/hourglass_empty:",
        )
    else:
        group_by = st.radio("Group by", ["horizon", "department"], horizontal=True, key=wkey("plan_timeline_group"))
        spec = cached_chart_spec(
            "plan timeline",
            lambda: chart_spec(plan_timeline_chart(dated, start, today, group_by=group_by, width="container")),
            dated,
            start,
            today,
            group_by,
        )
        st.vega_lite_chart(spec, theme=None, width="stretch", key=wkey("plan_timeline"))
        undated = len(actions) - len(dated)
        st.caption(
            "The dashed red line is today; overdue actions are red."
            + (
                f" {undated} action{'s' if undated != 1 else ''} without a due date "
                f"{'are' if undated != 1 else 'is'} not drawn."
                if undated
                else ""
            )
        )

# --- adding an action ----------------------------------------------------------------------------

with add_tab:
    with st.form("plan_new", border=True):
        title = st.text_input(ACTION_LABELS["title"], key=wkey("plan_new_title"), max_chars=LIMITS["title"])
        description = st.text_area(
            ACTION_LABELS["description"],
            key=wkey("plan_new_description"),
            height=80,
            max_chars=LIMITS["description"],
        )
        c1, c2, c3 = st.columns(3)
        department = c1.text_input(
            ACTION_LABELS["department"], key=wkey("plan_new_department"), max_chars=LIMITS["department"]
        )
        owner = c2.selectbox(
            ACTION_LABELS["owner"],
            participants,
            index=None,
            key=wkey("plan_new_owner"),
            accept_new_options=True,
            placeholder="Choose or type a name",
            help="One named person. Someone who is not among the participants is allowed.",
        )
        kind = c3.radio(
            ACTION_LABELS["kind"],
            ACTION_KINDS,
            horizontal=True,
            key=wkey("plan_new_kind"),
            help="A communication activity says who tells whom, and when.",
        )
        c1, c2, c3, c4 = st.columns(4)
        start_date = c1.date_input(ACTION_LABELS["start_date"], value=None, key=wkey("plan_new_start"))
        due_date = c2.date_input(ACTION_LABELS["due_date"], value=None, key=wkey("plan_new_due"))
        horizon = c3.selectbox(
            "Horizon",
            [None, *HORIZONS],
            key=wkey("plan_new_horizon"),
            format_func=lambda h: "From the due date" if h is None else f"{h} months",
        )
        status = c4.selectbox(ACTION_LABELS["status"], STATUSES, key=wkey("plan_new_status"))
        chosen = st.multiselect(
            "Initiatives it serves",
            list(initiatives),
            key=wkey("plan_new_initiatives"),
            format_func=lambda i: initiatives[i],
        )
        audience = st.text_input(
            f"{ACTION_LABELS['audience']} (for a communication activity)",
            key=wkey("plan_new_audience"),
            max_chars=LIMITS["audience"],
        )
        notes = st.text_area(ACTION_LABELS["notes"], key=wkey("plan_new_notes"), height=68, max_chars=LIMITS["notes"])
        add = st.form_submit_button("Add the action", type="primary", key=wkey("plan_new_submit"))
    add_problems = st.container()
    if add:
        created = act(
            create_action,
            workspace_id=ws.id,
            where=add_problems,
            changed_by=st.session_state.get(wkey("plan_editor_name"), ""),
            data={
                "title": title,
                "description": description,
                "department": department,
                "owner": owner,
                "kind": kind,
                "start_date": start_date,
                "due_date": due_date,
                "horizon": horizon,
                "status": status,
                "initiative_ids": chosen,
                "audience": audience,
                "notes": notes,
            },
        )
        if created:
            clear_form(
                {
                    "plan_new_title": "",
                    "plan_new_description": "",
                    "plan_new_start": None,
                    "plan_new_due": None,
                    "plan_new_initiatives": [],
                    "plan_new_audience": "",
                    "plan_new_notes": "",
                    "plan_new_horizon": None,
                },
                key=wkey,
            )
            note = owner_note(created.owner, participants)
            flash(
                "plan",
                f"Added '{created.title}'"
                + (f" to the {created.shown_horizon}-month horizon" if created.shown_horizon else "")
                + "."
                + (f" {note}" if note else ""),
            )
            st.rerun()

# --- review and history --------------------------------------------------------------------------

with review_tab:
    left, right = st.columns(2, gap="large")
    with left:
        st.markdown("**Record a review of the plan**")
        with st.form("plan_review", border=True):
            reviewed_on = st.date_input("Reviewed on", value=today, max_value=today, key=wkey("plan_review_on"))
            reviewed_by = st.text_input(
                "Reviewed by", key=wkey("plan_review_by"), max_chars=text_limit(PlanReviewCreate, "reviewed_by")
            )
            changes = st.text_area(
                "What changed",
                key=wkey("plan_review_changes"),
                height=80,
                max_chars=text_limit(PlanReviewCreate, "changes"),
            )
            save_review = st.form_submit_button("Save the review", type="primary", key=wkey("plan_review_submit"))
        review_problems = st.container()
        if save_review and act(
            add_review,
            workspace_id=ws.id,
            where=review_problems,
            data={"reviewed_on": reviewed_on, "reviewed_by": reviewed_by, "changes": changes},
        ):
            clear_form({"plan_review_by": "", "plan_review_changes": ""}, key=wkey)
            flash("plan", f"Review of {reviewed_on.isoformat()} recorded.")
            st.rerun()
        with st.form("plan_start_form", border=True):
            new_start = st.date_input(
                "The plan starts",
                value=start,
                key=wkey("plan_start"),
                help="The 3, 6 and 12 months count from this day.",
            )
            save_start = st.form_submit_button("Save the start", key=wkey("plan_start_submit"))
        if save_start and act(set_plan_start, workspace_id=ws.id, start=new_start) is not None:
            flash("plan", f"The plan starts {new_start.isoformat()}; the horizons follow.")
            st.rerun()
    with right:
        st.markdown("**Review log**")
        if reviews:
            st.dataframe(
                pd.DataFrame(
                    {
                        "Reviewed on": [r.reviewed_on for r in reviews],
                        "By": [r.reviewed_by for r in reviews],
                        "What changed": [r.changes for r in reviews],
                    }
                ),
                hide_index=True,
                placeholder="",
                width="stretch",
                key=wkey("plan_reviews_table"),
            )
        else:
            st.caption("No review yet.")
        st.markdown("**History of an action**")
        if actions:
            by_id = {a.id: a for a in actions}
            chosen_action = st.selectbox(
                "Action", list(by_id), key=wkey("plan_history_action"), format_func=lambda i: by_id[i].title
            )
            action = by_id[chosen_action]
            prefix, drawn = edit_scope("plan_text", ws.id, chosen_action, action.version)
            with st.form(prefix, border=True):
                st.markdown("**The description and notes of this action**")
                texts = {
                    "description": st.text_area(
                        ACTION_LABELS["description"],
                        value=action.description or "",
                        key=f"{prefix}_description",
                        height=100,
                        max_chars=LIMITS["description"],
                    ),
                    "notes": st.text_area(
                        ACTION_LABELS["notes"],
                        value=action.notes or "",
                        key=f"{prefix}_notes",
                        height=80,
                        max_chars=LIMITS["notes"],
                    ),
                }
                save_texts = st.form_submit_button("Save", type="primary", key=f"{prefix}_submit")
            text_problems = st.container()
            show_flash("plan_text")
            if save_texts:
                saved = act(
                    update_action,
                    workspace_id=ws.id,
                    action_id=chosen_action,
                    changes=texts,
                    version=drawn,
                    changed_by=st.session_state.get(wkey("plan_editor_name"), ""),
                    scope=("plan_text", ws.id, chosen_action),
                    where=text_problems,
                )
                if saved:
                    flash("plan_text", f"Saved the description and notes of '{saved.title}'.")
                    st.rerun()
            history = read(action_history, workspace_id=ws.id, action_id=chosen_action)
            st.dataframe(
                pd.DataFrame(
                    {
                        "When (UTC)": [c.changed_at.strftime("%Y-%m-%d %H:%M") for c in history],
                        "Who": [c.changed_by or "–" for c in history],
                        "What": [ACTION_LABELS.get(c.field, c.field.capitalize()) for c in history],
                        "From": [c.old for c in history],
                        "To": [c.new for c in history],
                    }
                ),
                hide_index=True,
                placeholder="",
                width="stretch",
                key=wkey("plan_history_table"),
            )

# --- downloads -----------------------------------------------------------------------------------

with files_tab:
    st.write(
        "The whole plan, for Excel, calendars and wikis. Spreadsheet cells are safe to open: nothing a "
        "participant typed runs as a formula."
    )
    impacts = read(list_role_impacts, workspace_id=ws.id)
    c = st.columns(4)
    c[0].download_button(
        "Excel (.xlsx)",
        key=wkey("plan_xlsx"),
        icon=":material/download:",
        on_click="ignore",
        data=lambda: plan_xlsx(actions, impacts, today),
        file_name=download_file_name("plan", "xlsx"),
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    c[1].download_button(
        "CSV",
        key=wkey("plan_csv"),
        icon=":material/download:",
        on_click="ignore",
        data=lambda: plan_csv(actions, today),
        file_name=download_file_name("plan", "csv"),
        mime="text/csv",
    )
    c[2].download_button(
        "Calendar (.ics)",
        key=wkey("plan_ics"),
        icon=":material/download:",
        on_click="ignore",
        data=lambda: plan_ics(actions, ws.name, clock.now()),
        file_name=download_file_name("plan", "ics"),
        mime="text/calendar",
    )
    c[3].download_button(
        "Markdown",
        key=wkey("plan_md"),
        icon=":material/download:",
        on_click="ignore",
        data=lambda: plan_markdown(actions, impacts, ws.name, today).encode("utf-8"),
        file_name=download_file_name("plan", "md"),
        mime="text/markdown",
    )
    st.caption(
        "The calendar has one event per open action on its due date, with the owner and initiative; done "
        "and undated actions are left out."
    )

step_footer("3/6/12-month plan")
