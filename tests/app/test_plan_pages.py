"""The 3/6/12-month plan and anchoring through their pages: the demo's plan with its metrics and the
"Needs attention" box, the filters, adding actions (and the refusals), reviews, the plan's start,
an action's history, the downloads, what matters most, the timeline; anchoring's warnings, role
impacts and communication table; and step 3 on the Overview.

The pages use the real clock.today(): every assertion holds for any day from 2026-12-01 on (the
review warning is computed here with the same rule the pages use)."""

from __future__ import annotations

from datetime import date, timedelta

from crmstrategy.analysis.participants import create_participant
from crmstrategy.core import clock
from crmstrategy.implementation.anchoring import list_reviews, list_role_impacts, participation
from crmstrategy.implementation.plan import action_history, create_action, list_actions
from crmstrategy.implementation.plan_rules import REVIEW_DAYS, review_state
from crmstrategy.strategy.strategy_map import add_constraint, create_node, list_nodes
from crmstrategy.workspace.workspaces import list_workspaces
from tests.app.conftest import (
    NO_DUE_DATES,
    demo_id,
    edit_table,
    errors,
    new_workspace,
    open_page,
    plain,
    scoped_key,
    successes,
    wkey,
    write,
)

DEMO_START = date(2026, 11, 2)
DEMO_REVIEW = date(2026, 11, 16)
MERGE = "Merge duplicate customer records"
NO_OWNER = "Counter training: greet regulars by name"
TELL_STAFF = "Tell all branch staff what the promise means at the counter"
BOARD = "Quarterly update to the board on the CRM goals"
PRICE_LISTS = "Print new price lists for the counter"
NEWSLETTER = "Monthly newsletter with product news"
PROACTIVE = "Proactive call when a regular goes quiet"


# --- helpers -------------------------------------------------------------------------------


def _ran(at):
    assert not at.exception, [e.value for e in at.exception]
    return at


def _plan(at):
    return open_page(at, "app_pages/implementation/plan.py")


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _attention(at) -> str:
    (text,) = [m.value for m in at.get_by_key(wkey(at, "plan_attention")).markdown]
    return plain(text)


def _has_attention(at) -> bool:
    try:
        at.get_by_key(wkey(at, "plan_attention"))
    except KeyError:
        return False
    return True


def _shown_caption(at) -> str:
    return next(plain(c.value) for c in at.caption if " actions shown." in c.value)


def _frame(at, column: str):
    """The dataframe (st.dataframe has no key in AppTest) that has this column."""
    (found,) = [d.value for d in at.dataframe if column in d.value.columns]
    return found


def _current_ws(db) -> int:
    return max(w.id for w in db(list_workspaces))


def _action(db, ws: int, title: str):
    return next(a for a in db(list_actions, workspace_id=ws) if a.title == title)


def _add(at, **fields):
    """Fill the add form: text fields by name, owner/horizon/status by value, dates as dates."""
    for name in ("title", "description", "department", "audience"):
        if name in fields:
            (at.text_area if name == "description" else at.text_input)(key=wkey(at, f"plan_new_{name}")).input(
                fields[name]
            )
    for name in ("owner", "horizon", "status"):
        if name in fields:
            box = at.selectbox(key=wkey(at, f"plan_new_{name}"))
            if name == "owner" and fields[name] not in box.options:
                # A typed name (accept_new_options): AppTest 1.67 only sends option labels it knows, so
                # add the label the browser would send; the page gets the string, as from the browser.
                box.options.append(fields[name])
            box.set_value(fields[name])
    for name in ("start", "due"):
        if name in fields:
            at.date_input(key=wkey(at, f"plan_new_{name}")).set_value(fields[name])
    if "initiatives" in fields:
        at.multiselect(key=wkey(at, "plan_new_initiatives")).set_value(fields["initiatives"])
    at.button(key=wkey(at, "plan_new_submit")).click().run()
    return _ran(at)


def _demo_initiatives(db) -> dict[str, int]:
    return {n.name: n.id for n in db(list_nodes, workspace_id=demo_id(db)) if n.kind == "initiative"}


# --- the demo's plan -----------------------------------------------------------------------


def test_demo_plan_shows_the_metrics_and_everything_that_needs_attention(app, db):
    at = _plan(app)
    assert not errors(at)
    metrics = _metrics(at)
    assert metrics["Actions"] == "20"
    assert metrics["Open"] == "19"
    assert metrics["Without an owner"] == "1"
    assert int(metrics["Overdue"]) >= 1
    assert [t.label for t in at.tabs] == [
        "Plan",
        "What matters most",
        "Timeline",
        "Add an action",
        "Review and history",
        "Downloads",
    ]

    text = _attention(at)
    assert f"**1 without an owner:** '{NO_OWNER}'." in text
    assert f"overdue:** '{MERGE}'" in text  # the earliest open due date comes first
    assert "Owners who are not among the participants: Lars Berg." in text
    assert f"**Initiatives with no action yet:** {NEWSLETTER}." in text
    assert f"**Actions that serve no initiative:** {PRICE_LISTS}, {BOARD}." in text
    review = review_state(DEMO_REVIEW, clock.today(), True)
    assert ("review the plan at least every" in text) == review.due
    assert _shown_caption(at).startswith("20 of 20 actions shown.")
    assert "the horizons count from the plan's start, 2026-11-02." in _shown_caption(at)


def test_filters_narrow_the_table_and_its_caption(app):
    at = _plan(app)
    at.multiselect(key=wkey(at, "plan_filter_department")).set_value(["IT"]).run()
    _ran(at)
    assert _shown_caption(at).startswith("5 of 20 actions shown.")
    titles = list(_frame(at, "flags")["title"])
    assert len(titles) == 5 and MERGE in titles and "SMS when the truck leaves the warehouse" in titles
    assert set(_frame(at, "flags")["department"]) == {"IT"}

    at.multiselect(key=wkey(at, "plan_filter_status")).set_value(["In progress"]).run()
    _ran(at)
    assert _shown_caption(at).startswith("1 of 20 actions shown.")
    assert list(_frame(at, "flags")["title"]) == [MERGE]
    assert "overdue" in _frame(at, "flags")["flags"][0]

    at.multiselect(key=wkey(at, "plan_filter_department")).set_value([]).run()
    at.multiselect(key=wkey(at, "plan_filter_status")).set_value(["Done"]).run()
    _ran(at)
    assert _shown_caption(at).startswith("1 of 20 actions shown.")
    assert list(_frame(at, "flags")["title"]) == [TELL_STAFF]


# --- adding actions ------------------------------------------------------------------------


def test_adding_an_action_with_a_participant_as_owner_derives_the_horizon_and_records_its_creation(app, db):
    ws = demo_id(db)
    initiative = _demo_initiatives(db)[PROACTIVE]
    at = _plan(app)
    at.text_input(key=wkey(at, "plan_editor_name")).input("Kari Nordmann")
    _add(
        at,
        title="Call every lapsed regular",
        department="Customer service",
        owner="Mona Dahl",
        due=date(2027, 3, 15),
        initiatives=[initiative],
    )
    assert not errors(at), errors(at)
    assert successes(at) == ["Added 'Call every lapsed regular' to the 6-month horizon."]
    assert _metrics(at)["Actions"] == "21"
    added = _action(db, ws, "Call every lapsed regular")
    assert (added.owner, added.department, added.horizon, added.shown_horizon) == (
        "Mona Dahl",
        "Customer service",
        None,
        6,
    )
    assert added.initiative_ids == [initiative] and added.initiative_names == [PROACTIVE]
    (created,) = db(action_history, workspace_id=ws, action_id=added.id)
    assert (created.field, created.new, created.changed_by) == ("created", "Call every lapsed regular", "Kari Nordmann")
    assert at.text_input(key=wkey(at, "plan_new_title")).value == ""  # the form is emptied for the next one


def test_an_owner_who_is_not_a_participant_is_saved_with_a_note(app, db):
    at = _plan(app)
    _add(at, title="Ask the wholesaler for delivery times", owner="Ola Nordmann", due=date(2027, 1, 10))
    assert not errors(at), errors(at)
    (message,) = successes(at)
    assert message.startswith("Added 'Ask the wholesaler for delivery times' to the 3-month horizon.")
    assert "Ola Nordmann is not among the participants." in message
    added = _action(db, demo_id(db), "Ask the wholesaler for delivery times")
    assert (added.owner, added.shown_horizon) == ("Ola Nordmann", 3)
    assert "Ola Nordmann" in _attention(at)
    # no further run here: AppTest cannot re-send the typed owner the form keeps (see _add)


def test_refused_actions_show_an_error_and_write_nothing(app, db):
    ws = demo_id(db)
    at = _plan(app)

    _add(at, title="   ", owner="Mona Dahl", due=date(2027, 1, 10))
    assert len(errors(at)) == 1 and "Title" in errors(at)[0], errors(at)

    _add(at, title="Backwards", start=date(2027, 1, 10), due=date(2027, 1, 5))
    (message,) = errors(at)
    assert "2027-01-05" in message and "2027-01-10" in message and "before the start" in message

    _add(at, title="Wrong horizon", start=date(2026, 12, 1), due=date(2027, 1, 10), horizon=12)
    (message,) = errors(at)
    assert "Due 2027-01-10 is in the 3-month horizon" in message and "not the 12-month one" in message
    assert DEMO_START.isoformat() in message

    assert not successes(at)
    assert len(db(list_actions, workspace_id=ws)) == 20
    assert _metrics(at)["Actions"] == "20"


def test_a_new_workspace_has_an_empty_plan_and_keeps_a_horizon_set_by_hand_for_an_undated_action(app, db):
    at = _plan(new_workspace(app))
    ws = _current_ws(db)
    assert _metrics(at)["Actions"] == "0"
    assert not _has_attention(at)
    assert _shown_caption(at).startswith("0 of 0 actions shown.")
    assert not at.get("vega_lite_chart")
    assert NO_DUE_DATES in [i.value for i in at.info]

    _add(at, title="Decide the CRM budget", horizon=12)
    assert not errors(at), errors(at)
    (message,) = successes(at)
    assert message.startswith("Added 'Decide the CRM budget' to the 12-month horizon.")
    assert "No owner" in message
    (added,) = db(list_actions, workspace_id=ws)
    assert (added.title, added.due_date, added.horizon, added.shown_horizon) == ("Decide the CRM budget", None, 12, 12)
    assert f"'{added.title}'" in _attention(at)  # it has no owner


# --- review, plan start, history -----------------------------------------------------------


def _review_metric(at):
    (metric,) = [m for m in at.metric if "review" in m.label.lower()]
    return metric.label, metric.value, metric.proto.help


def _assert_review_metric_shows(at, reviewed_on: date):
    label, value, help_text = _review_metric(at)
    if label == "Last review":
        assert value == reviewed_on.isoformat()
    else:  # "Next review by": the date the next review is due, the last one in the help
        assert value == (reviewed_on + timedelta(days=REVIEW_DAYS)).isoformat()
        assert f"Last review: {reviewed_on.isoformat()}." in help_text


def test_recording_a_review_puts_it_first_and_in_the_metric(app, db):
    ws = demo_id(db)
    at = _plan(app)
    _assert_review_metric_shows(at, DEMO_REVIEW)
    today = clock.today()
    at.text_input(key=wkey(at, "plan_review_by")).input("Hanne Lie")
    at.text_area(key=wkey(at, "plan_review_changes")).input("Owner for the counter training found.")
    at.button(key=wkey(at, "plan_review_submit")).click().run()
    _ran(at)
    assert not errors(at), errors(at)
    assert successes(at) == [f"Review of {today.isoformat()} recorded."]
    first, second = db(list_reviews, workspace_id=ws)
    assert (first.reviewed_on, first.reviewed_by, first.changes) == (
        today,
        "Hanne Lie",
        "Owner for the counter training found.",
    )
    assert second.reviewed_on == DEMO_REVIEW
    _assert_review_metric_shows(at, today)
    assert "review the plan at least every" not in _attention(at)
    assert at.text_input(key=wkey(at, "plan_review_by")).value == ""


def test_a_review_without_a_name_is_refused(app, db):
    ws = demo_id(db)
    at = _plan(app)
    at.text_area(key=wkey(at, "plan_review_changes")).input("Nobody signed this.")
    at.button(key=wkey(at, "plan_review_submit")).click().run()
    _ran(at)
    (message,) = errors(at)
    assert "Reviewed by" in message
    assert not successes(at)
    assert [r.reviewed_on for r in db(list_reviews, workspace_id=ws)] == [DEMO_REVIEW]
    _assert_review_metric_shows(at, DEMO_REVIEW)


def test_moving_the_plan_start_moves_the_horizons(app, db):
    ws = demo_id(db)
    assert _action(db, ws, MERGE).shown_horizon == 3  # due 2026-11-20, in the first 3 months from 2026-11-02
    assert _action(db, ws, "Loyalty programme launch at two branches").shown_horizon == 6  # due 2027-04-30
    at = _plan(app)
    at.date_input(key=wkey(at, "plan_start")).set_value(date(2026, 8, 1))
    at.button(key=wkey(at, "plan_start_submit")).click().run()
    _ran(at)
    assert not errors(at), errors(at)
    assert successes(at) == ["The plan starts 2026-08-01; the horizons follow."]
    assert _action(db, ws, MERGE).shown_horizon == 6  # 3 months end 2026-11-01
    assert _action(db, ws, "Loyalty programme launch at two branches").shown_horizon == 12  # 6 end 2027-02-01
    assert "the horizons count from the plan's start, 2026-08-01." in _shown_caption(at)


def test_the_history_of_a_chosen_action_lists_its_changes(app, db):
    ws = demo_id(db)
    at = _plan(app)
    call_script = _action(db, ws, "Call script and the first 50 calls")
    at.selectbox(key=wkey(at, "plan_history_action")).set_value(call_script.id).run()
    _ran(at)
    history = _frame(at, "When (UTC)")
    assert list(history["What"]) == ["Created"]
    assert list(history["To"]) == ["Call script and the first 50 calls"]

    merge = _action(db, ws, MERGE)
    at.selectbox(key=wkey(at, "plan_history_action")).set_value(merge.id).run()
    _ran(at)
    history = _frame(at, "When (UTC)")
    assert list(history["What"]) == ["Status", "Created"]  # newest first
    assert list(history["Who"]) == ["Tor Haugen", "Hanne Lie"]
    assert list(history["From"])[0] == "Not started" and list(history["To"])[0] == "In progress"
    assert list(history["When (UTC)"]) == ["2026-11-23 08:30", "2026-11-02 10:00"]


# --- downloads, what matters most, timeline ------------------------------------------------


def test_the_four_downloads_are_offered(app):
    at = _plan(app)
    buttons = {d.key: d.label for d in at.get("download_button")}
    assert buttons == {
        wkey(at, "plan_xlsx"): "Excel (.xlsx)",
        wkey(at, "plan_csv"): "CSV",
        wkey(at, "plan_ics"): "Calendar (.ics)",
        wkey(at, "plan_md"): "Markdown",
    }


def test_what_matters_most_groups_open_actions_by_horizon_and_department(app):
    at = _plan(app)
    focus = at.tabs[1]
    assert [s.value for s in focus.header] == ["Next 3 months", "Next 6 months", "Next 12 months"]
    texts = [m.value for m in focus.markdown]  # one block per department and horizon
    for department in ("Customer service", "IT", "Sales", "Marketing", "Management"):
        assert any(t.startswith(f"**{department}**\n\n") for t in texts), department
    counter = next(t for t in texts if NO_OWNER in plain(t))
    assert counter.startswith("**Customer service**") and ":red-badge[no owner]" in counter
    merge = next(t for t in texts if MERGE in plain(t))
    assert merge.startswith("**IT**") and "Tor Haugen" in merge and ":red-badge[overdue]" in merge
    shown = " ".join(plain(t) for t in texts)
    assert TELL_STAFF not in shown  # done
    assert "Explore a win-back offer for lapsed installers" in shown  # undated, 12 months by hand


def test_the_timeline_is_drawn_and_can_be_grouped_by_department(app):
    at = _plan(app)
    (chart,) = at.get("vega_lite_chart")
    by_horizon = chart.proto.spec
    assert "1 action without a due date" in " ".join(c.value for c in at.caption)
    at.radio(key=wkey(at, "plan_timeline_group")).set_value("department").run()
    _ran(at)
    (chart,) = at.get("vega_lite_chart")
    assert chart.proto.spec != by_horizon
    assert at.radio(key=wkey(at, "plan_timeline_group")).value == "department"


# --- anchoring -----------------------------------------------------------------------------


def _anchoring(at):
    return open_page(at, "app_pages/implementation/anchoring.py")


def test_anchoring_on_the_demo_has_no_warning_and_lists_the_communication_activities(app):
    at = _anchoring(app)
    assert not at.warning, [w.value for w in at.warning]
    talks = _frame(at, "Who tells")
    assert set(talks["What"]) == {TELL_STAFF, BOARD, "Review the promise with counter and phone staff"}
    assert dict(zip(talks["What"], talks["Whom"]))[TELL_STAFF] == "All branch staff"
    assert dict(zip(talks["What"], talks["Status"]))[TELL_STAFF] == "Done"


def test_anchoring_warns_when_nobody_took_part_in_any_step(app, app_db, db):
    at = new_workspace(app)
    ws = _current_ws(db)
    write(app_db, create_participant, workspace_id=ws, data={"name": "Kari", "department": "Sales", "is_leader": True})
    write(app_db, create_participant, workspace_id=ws, data={"name": "Ola", "department": "IT"})
    at = _anchoring(at)
    warnings = [w.value for w in at.warning]
    assert len(warnings) == 1 and warnings[0].startswith("Nobody is recorded as having taken part in any step")
    steps = _frame(at, "Participant")
    assert list(steps["Participant"]) == ["Kari", "Ola"]
    assert not steps["Analysis"].any()
    assert "No communication activities in the plan yet." in [c.value for c in at.caption]


def test_role_impacts_can_be_added_refused_as_duplicates_edited_and_deleted(app, db):
    ws = demo_id(db)
    at = _anchoring(app)
    assert len(db(list_role_impacts, workspace_id=ws)) == 5

    at.text_input(key=scoped_key(at, "anchoring_impact", None, "audience")).input("Finance")
    at.text_area(key=scoped_key(at, "anchoring_impact", None, "means")).input("Credit notes become rare.")
    at.text_area(key=scoped_key(at, "anchoring_impact", None, "must_do")).input("Match invoices to jobs.")
    at.button(key=wkey(at, "anchoring_impact_save")).click().run()
    _ran(at)
    assert not errors(at), errors(at)
    assert successes(at) == ["Saved what the strategy means for Finance."]
    finance = next(i for i in db(list_role_impacts, workspace_id=ws) if i.audience == "Finance")
    assert (finance.means, finance.must_do, finance.do_differently) == (
        "Credit notes become rare.",
        "Match invoices to jobs.",
        "",
    )
    card = [plain(m.value) for m in at.get_by_key(f"anchoring_impact_{finance.id}").markdown]
    assert card[0] == "### Finance" and "Credit notes become rare." in card[1]

    at.text_input(key=scoped_key(at, "anchoring_impact", None, "audience")).input("sales")
    at.button(key=wkey(at, "anchoring_impact_save")).click().run()
    _ran(at)
    (message,) = errors(at)
    assert "'sales' is described already" in message
    assert len(db(list_role_impacts, workspace_id=ws)) == 6

    at.selectbox(key=wkey(at, "anchoring_impact_choice")).set_value(finance.id).run()
    _ran(at)
    assert (
        at.text_area(key=scoped_key(at, "anchoring_impact", finance.id, "means")).value == "Credit notes become rare."
    )
    at.text_area(key=scoped_key(at, "anchoring_impact", finance.id, "do_differently")).input(
        "Close the month in the CRM."
    )
    at.button(key=wkey(at, "anchoring_impact_save")).click().run()
    _ran(at)
    assert not errors(at), errors(at)
    changed = next(i for i in db(list_role_impacts, workspace_id=ws) if i.id == finance.id)
    assert (changed.audience, changed.do_differently) == ("Finance", "Close the month in the CRM.")

    at.selectbox(key=wkey(at, "anchoring_impact_choice")).set_value(finance.id).run()
    at.button(key=wkey(at, "anchoring_impact_delete")).click().run()
    _ran(at)
    assert successes(at) == ["Deleted 'Finance'."]
    assert "Finance" not in {i.audience for i in db(list_role_impacts, workspace_id=ws)}
    assert len(db(list_role_impacts, workspace_id=ws)) == 5
    assert at.selectbox(key=wkey(at, "anchoring_impact_choice")).value is None


def test_the_new_role_impact_form_is_emptied_after_saving(app):
    at = _anchoring(app)
    at.text_input(key=scoped_key(at, "anchoring_impact", None, "audience")).input("Finance")
    at.text_area(key=scoped_key(at, "anchoring_impact", None, "means")).input("Credit notes become rare.")
    at.button(key=wkey(at, "anchoring_impact_save")).click().run()
    _ran(at)
    assert successes(at) == ["Saved what the strategy means for Finance."]
    assert at.text_input(key=scoped_key(at, "anchoring_impact", None, "audience")).value == ""
    assert at.text_area(key=scoped_key(at, "anchoring_impact", None, "means")).value == ""


# --- the Overview --------------------------------------------------------------------------


def test_overview_shows_step_3_and_the_overdue_action(app):
    at = open_page(app, "app_pages/overview/overview.py")
    review = review_state(DEMO_REVIEW, clock.today(), True)
    # 3/6/12 covered and anchored; one action without owner and the newsletter without action
    done = 3 + (not review.due)  # and every demo goal is measured
    assert f"3 · Implementation — {done} of 6 done" in [s.value for s in at.header]
    warnings = " ".join(plain(m.value) for m in at.get_by_key(wkey(at, "overview_plan_warnings")).markdown)
    assert "overdue action" in warnings and MERGE in warnings
    assert ("The plan needs a review." in warnings) == review.due


# --- a new plan's first review, and the constraints beside it ---------------------------------


def test_a_plan_made_today_is_next_reviewed_90_days_after_its_start_not_now(app, app_db, db):
    at = new_workspace(app, "Fresh plan")
    ws = next(w.id for w in db(list_workspaces) if w.name == "Fresh plan")
    at = _plan(at)
    assert _review_metric(at)[1] == "–"  # no plan yet, nothing to review
    write(
        app_db,
        create_action,
        workspace_id=ws,
        data={"title": "Call the ten largest installers", "owner": "Mona", "due_date": "2027-01-15"},
    )
    at.run()
    assert clock.today() == date(2026, 12, 1)  # the workspace, and so the plan, started today
    label, value, help_text = _review_metric(at)
    assert (label, value) == ("Next review by", "2027-03-01")
    assert "Last review: never (the plan started on 2026-12-01)." in help_text
    assert not _has_attention(at) or "never been reviewed" not in _attention(at)

    at = open_page(at, "app_pages/overview/health.py")
    waiting = " ".join(plain(m.value) for m in at.get_by_key(wkey(at, "health_not_yet")).markdown)
    assert "The plan started on 2026-12-01; its first review is due by 2027-03-01." in waiting

    at = open_page(at, "app_pages/overview/overview.py")
    [check] = [plain(m.value) for m in at.markdown if m.value.startswith("**The plan is maintained**")]
    assert check == "**The plan is maintained**\nNot reviewed for 90 days, or never."  # not "reviewed", and no alarm
    assert not _has_key(at, "overview_plan_warnings")


def test_the_constraints_are_shown_beside_the_plan_with_the_nodes_they_touch(app, app_db, db):
    at = new_workspace(app, "Constrained")
    ws = next(w.id for w in db(list_workspaces) if w.name == "Constrained")
    at = _plan(at)
    assert not _has_key(at, "plan_constraints")  # nothing when there are none
    app_node = write(app_db, create_node, workspace_id=ws, data={"kind": "initiative", "name": "Pick-up <app>"})
    desk = write(app_db, create_node, workspace_id=ws, data={"kind": "initiative", "name": "Contractor desk"})
    write(
        app_db,
        add_constraint,
        workspace_id=ws,
        data={
            "kind": "IT-platform order",
            "node_ids": [app_node.id, desk.id],
            "text": "The ERP upgrade comes first **in 2027**",
        },
    )
    write(app_db, add_constraint, workspace_id=ws, data={"kind": "Market priorities", "text": "Norway before Sweden"})
    at.run()
    box = [plain(m.value) for m in at.get_by_key(wkey(at, "plan_constraints")).markdown]
    assert box == [
        "**Constraints from the company strategy**",
        ":violet-badge[IT-platform order] The ERP upgrade comes first **in 2027**\n"
        ":grey[Touches: Pick-up <app>, Contractor desk]",
        ":violet-badge[Market priorities] Norway before Sweden",
    ]
    raw = [m.value for m in at.get_by_key(wkey(at, "plan_constraints")).markdown]
    assert r"\*\*in 2027\*\*" in raw[1] and r"\<app\>" in raw[1]  # typed text shown literally


def _has_key(at, key: str) -> bool:
    try:
        at.get_by_key(key)
    except KeyError:
        return False
    return True


def test_a_tick_in_who_took_part_is_saved_at_once(app, db):
    from crmstrategy.analysis.participants import list_participants

    ws = demo_id(db)
    people = db(list_participants, workspace_id=ws)
    before = db(participation, workspace_id=ws)
    first = people[0]
    assert before[first.id] == ["Analysis", "Strategy", "Implementation"]
    at = open_page(app, "app_pages/implementation/anchoring.py")
    assert "anchoring_steps_save" not in {b.key for b in at.button}  # the table saves each change at once
    edit_table(at, f"anchoring_steps_{ws}_0", {"edited_rows": {"0": {"Strategy": False}}})
    assert not errors(at)
    took_part = sum(bool(steps) for steps in before.values())
    assert successes(at) == [f"Saved who took part: {took_part} of {len(people)} in at least one step."]
    assert db(participation, workspace_id=ws) == before | {first.id: ["Analysis", "Implementation"]}


# --- the description and notes: read-only in the table, edited under "Review and history" ----------

LITERAL = "**not bold** _nor this_ <b>tag</b> \\ [link](http://x) # 1. æøå"


def _texts(at, action_id: int, description: str, notes: str):
    at.text_area(key=scoped_key(at, "plan_text", action_id, "description")).input(description)
    at.text_area(key=scoped_key(at, "plan_text", action_id, "notes")).input(notes)
    at.button(key=scoped_key(at, "plan_text", action_id, "submit")).click().run()
    return _ran(at)


def test_the_description_and_notes_of_an_action_are_saved_in_their_form_and_shown_literally(app, db):
    ws = demo_id(db)
    merge = _action(db, ws, MERGE)
    at = _plan(app)
    at.text_input(key=wkey(at, "plan_editor_name")).input("Kari Nordmann").run()
    at.selectbox(key=wkey(at, "plan_history_action")).set_value(merge.id).run()
    _texts(at, merge.id, LITERAL, "")
    assert errors(at) == []
    assert successes(at) == [f"Saved the description and notes of '{MERGE}'."]
    saved = _action(db, ws, MERGE)
    assert (saved.description, saved.notes, saved.version) == (LITERAL, "", merge.version + 1)
    assert at.text_area(key=scoped_key(at, "plan_text", merge.id, "description")).value == LITERAL
    history = _frame(at, "When (UTC)")
    assert list(history["What"])[0] == "Description"
    assert (list(history["Who"])[0], list(history["To"])[0]) == ("Kari Nordmann", LITERAL)
    table = at.data_editor[0].value
    assert list(table.columns)[:4] == ["title", "owner", "due_date", "status"]
    assert [d for t, d in zip(table["title"], table["description"]) if t == MERGE] == [LITERAL]


def test_the_description_form_of_an_action_is_refused_when_someone_else_saved_it_first(app, app_db, db):
    from crmstrategy.implementation.plan import update_action

    ws = demo_id(db)
    merge = _action(db, ws, MERGE)
    at = _plan(app)
    at.selectbox(key=wkey(at, "plan_history_action")).set_value(merge.id).run()
    write(
        app_db, update_action, workspace_id=ws, action_id=merge.id, changes={"notes": "Theirs"}, version=merge.version
    )
    _texts(at, merge.id, "Mine", "Mine too")
    assert len(errors(at)) == 1
    assert errors(at)[0].startswith(f"Nothing was saved: '{MERGE}' was changed by someone else since you opened it")
    now = _action(db, ws, MERGE)
    assert (now.description, now.notes) == (merge.description, "Theirs")
    at.run()
    assert at.text_area(key=scoped_key(at, "plan_text", merge.id, "notes")).value == "Theirs"
