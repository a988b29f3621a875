"""Follow-up, customer feedback, the health check and the strategy document through their pages: the
demo's goal statuses and the off-track box, adding goal and customer measurements (and the refusals:
not a number, a day already measured, a goal deleted since the page was opened, a goal per segment),
the feedback log with its late box, adding, routing and acting on feedback, user text shown
literally; the health check's failed rules with their links; the document's sections and downloads;
the health summary and the follow-up check on the Overview; and every page on an empty workspace.

The pages use the real clock.today(): every assertion holds for any day from 2026-12-01 on (the demo's
data lies around 2026-11, so the churn goal is off track and only falls further behind, and feedback
not acted on only waits longer). No exact "days waiting" numbers are asserted."""

from __future__ import annotations

from datetime import date

import pytest

from crmstrategy.analysis.segments import delete_segment, list_segments
from crmstrategy.core import clock
from crmstrategy.implementation.feedback import list_feedback
from crmstrategy.implementation.follow_up import customer_measurements, goal_measurements
from crmstrategy.implementation.follow_up_rules import GOAL_STATUSES
from crmstrategy.implementation.plan import list_actions
from crmstrategy.strategy.goals import delete_goal, list_goals
from crmstrategy.workspace.document_layout import SECTIONS
from crmstrategy.workspace.workspaces import list_workspaces
from tests.app.conftest import (
    demo_id,
    edit_table,
    editor_key,
    errors,
    new_workspace,
    open_page,
    plain,
    scoped_key,
    successes,
    wkey,
    write,
)

CHURN = "Installer churn per year"
CHURN_OWNER = "Erik Solberg"
PRICE_CHANGES = "Price changes come without warning in the middle of a project; we lose margin."
DAY = date(2026, 12, 1)  # never in the future for these tests, and not measured in the demo
MARKUP = "**bold** <b>x</b> :red[y]"


# --- helpers -------------------------------------------------------------------------------


def _ran(at):
    assert not at.exception, [e.value for e in at.exception]
    return at


def _metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _texts(block) -> list[str]:
    return [plain(m.value) for m in block.markdown]


def _has_key(at, key: str) -> bool:
    try:
        at.get_by_key(key)
    except KeyError:
        return False
    return True


def _current_ws(db) -> int:
    return max(w.id for w in db(list_workspaces))


def _goal(db, ws: int, metric: str):
    return next(g for g in db(list_goals, workspace_id=ws) if g.metric == metric)


def _values(db, ws: int) -> dict[int, list[tuple[date, float]]]:
    return {
        goal: [(m.measured_on, m.value) for m in values]
        for goal, values in db(goal_measurements, workspace_id=ws).items()
    }


def _segment(db, ws: int, name: str) -> int:
    return next(s.id for s in db(list_segments, workspace_id=ws) if s.name == name)


def _follow_up(at):
    return open_page(at, "app_pages/implementation/follow_up.py")


def _measure(at, what, *, value: str, on: date = DAY, segment=None, note: str = "", by: str = ""):
    """Fill and submit the 'measurement_new' form."""
    at.selectbox(key=wkey(at, "measurement_new_what")).set_value(what)
    at.selectbox(key=wkey(at, "measurement_new_segment")).set_value(segment)
    at.date_input(key=wkey(at, "measurement_new_date")).set_value(on)
    at.text_input(key=wkey(at, "measurement_new_value")).input(value)
    at.text_input(key=wkey(at, "measurement_new_note")).input(note)
    at.text_input(key=wkey(at, "measurement_new_by")).input(by)
    at.button(key=wkey(at, "measurement_new_submit")).click().run()
    return _ran(at)


def _feedback_page(at):
    return open_page(at, "app_pages/implementation/feedback.py")


def _add_feedback(at, text: str, *, received: date | None = None, route: str | None = None, **choices):
    """Fill and submit the 'feedback_new' form; choices are source/by (text) or channel, segment,
    persona, theme (select boxes) and sentiment (radio), by value."""
    at.text_area(key=wkey(at, "feedback_new_text")).input(text)
    for name in ("source", "by"):
        if name in choices:
            at.text_input(key=wkey(at, f"feedback_new_{name}")).input(choices[name])
    for name in ("channel", "segment", "persona", "theme"):
        if name in choices:
            at.selectbox(key=wkey(at, f"feedback_new_{name}")).set_value(choices[name])
    if "sentiment" in choices:
        at.radio(key=wkey(at, "feedback_new_sentiment")).set_value(choices["sentiment"])
    if route is not None:
        at.selectbox(key=wkey(at, "feedback_new_route")).set_value(route)
    if received is not None:
        at.date_input(key=wkey(at, "feedback_new_date")).set_value(received)
    at.button(key=wkey(at, "feedback_new_submit")).click().run()
    return _ran(at)


def _feedback(db, ws: int, text: str):
    return next(f for f in db(list_feedback, workspace_id=ws) if f.text == text)


# --- follow-up: the demo -------------------------------------------------------------------


def test_demo_follow_up_shows_the_statuses_the_off_track_goal_and_the_rule(app):
    at = _follow_up(app)
    assert not errors(at)
    metrics = _metrics(at)
    assert list(metrics) == list(GOAL_STATUSES) == ["On track", "At risk", "Off track", "Not measured"]
    assert sum(int(v) for v in metrics.values()) == 5  # the demo's five goals
    assert int(metrics["Off track"]) >= 1
    assert metrics["Not measured"] == "0"

    box = _texts(at.get_by_key(wkey(at, "follow_off_track")))
    assert "goal off track" in box[0] or "goals off track" in box[0]
    churn = next(t for t in box if CHURN in t)
    assert churn.startswith(f"- **{CHURN}** · owner: {CHURN_OWNER}")
    assert "Latest 14.7 % on 2026-11-30" in churn and "behind by" in churn

    (rule,) = [e for e in at.expander if e.label == "How the status is decided"]
    text = " ".join(m.value for m in rule.markdown)
    assert "10%" in text and "25%" in text
    assert [t.label for t in at.tabs] == ["Goals", "Customer measures", "Add a measurement", "Import from CSV/XLSX"]


def test_the_measurement_form_offers_every_goal_and_customer_measure(app, db):
    ws = demo_id(db)
    at = _follow_up(app)
    what = at.selectbox(key=wkey(at, "measurement_new_what"))
    goals = [g.metric for g in db(list_goals, workspace_id=ws)]
    assert [o for o in what.options if o.startswith("Goal: ")] == [f"Goal: {g}" for g in goals]
    assert "Customer measure: NPS (NPS, -100 to 100)" in what.options
    segments = at.selectbox(key=wkey(at, "measurement_new_segment")).options
    assert segments[0] == "All customers" and "Project contractors" in segments


# --- follow-up: adding measurements ------------------------------------------------------------


def test_a_good_goal_measurement_is_saved_and_confirmed(app, db):
    ws = demo_id(db)
    churn = _goal(db, ws, CHURN)
    before = _values(db, ws)
    at = _follow_up(app)
    _measure(at, ("goal", churn.id), value="14,9", note="ERP, rolling 12 months", by="Erik Solberg")
    assert not errors(at), errors(at)
    assert successes(at) == [f"Added 14.9 on {DAY.isoformat()}."]
    after = _values(db, ws)
    assert after[churn.id] == sorted(before[churn.id] + [(DAY, 14.9)])
    assert {g: v for g, v in after.items() if g != churn.id} == {g: v for g, v in before.items() if g != churn.id}
    saved = next(m for m in db(goal_measurements, workspace_id=ws)[churn.id] if m.measured_on == DAY)
    assert (saved.note, saved.recorded_by) == ("ERP, rolling 12 months", "Erik Solberg")
    assert at.text_input(key=wkey(at, "measurement_new_value")).value == ""  # emptied for the next one
    assert int(_metrics(at)["Off track"]) >= 1  # 14.9 % is further behind the path still


def test_a_value_that_is_not_a_number_is_refused(app, db):
    ws = demo_id(db)
    churn = _goal(db, ws, CHURN)
    before = _values(db, ws)
    at = _follow_up(app)
    _measure(at, ("goal", churn.id), value="abc")
    (message,) = errors(at)
    assert "Value must be a number" in message and "abc" in message
    assert not successes(at)
    assert _values(db, ws) == before


def test_a_second_value_on_the_same_day_is_refused(app, db):
    ws = demo_id(db)
    churn = _goal(db, ws, CHURN)
    before = _values(db, ws)
    assert (date(2026, 11, 30), 14.7) in before[churn.id]
    at = _follow_up(app)
    _measure(at, ("goal", churn.id), value="14.2", on=date(2026, 11, 30))
    (message,) = errors(at)
    assert f"'{CHURN}' already has a value on 2026-11-30 (14.7)" in message
    assert not successes(at)
    assert _values(db, ws) == before


def test_a_goal_deleted_after_the_page_was_opened_does_not_break_the_page(app, app_db, db):
    ws = demo_id(db)
    churn = _goal(db, ws, CHURN)
    at = _follow_up(app)
    at.selectbox(key=wkey(at, "measurement_new_what")).set_value(("goal", churn.id))
    at.text_input(key=wkey(at, "measurement_new_value")).input("13.9")
    write(app_db, delete_goal, workspace_id=ws, goal_id=churn.id)
    at.button(key=wkey(at, "measurement_new_submit")).click().run()
    _ran(at)  # no traceback
    assert f"Goal: {CHURN}" not in at.selectbox(key=wkey(at, "measurement_new_what")).options
    assert len(_metrics(at)) == 4 and sum(int(v) for v in _metrics(at).values()) == 4


def test_a_goal_deleted_after_the_page_was_opened_is_refused_and_nothing_is_written(app, app_db, db):
    ws = demo_id(db)
    churn = _goal(db, ws, CHURN)
    at = _follow_up(app)
    at.selectbox(key=wkey(at, "measurement_new_what")).set_value(("goal", churn.id))
    at.date_input(key=wkey(at, "measurement_new_date")).set_value(DAY)
    at.text_input(key=wkey(at, "measurement_new_value")).input("13.9")
    write(app_db, delete_goal, workspace_id=ws, goal_id=churn.id)
    before = _values(db, ws)
    at.button(key=wkey(at, "measurement_new_submit")).click().run()
    _ran(at)
    assert not successes(at), successes(at)
    assert _values(db, ws) == before  # not on the deleted goal, nor on any other
    (message,) = errors(at)
    assert "does not exist any more" in message


def test_a_goal_is_not_measured_per_segment(app, db):
    ws = demo_id(db)
    churn = _goal(db, ws, CHURN)
    before = _values(db, ws)
    at = _follow_up(app)
    _measure(at, ("goal", churn.id), value="14.2", segment=_segment(db, ws, "Time-pressed installers"))
    (message,) = errors(at)
    assert "Goals are not measured per segment" in message
    assert not successes(at)
    assert _values(db, ws) == before


def test_a_customer_measure_for_a_segment_is_saved(app, db):
    ws = demo_id(db)
    contractors = _segment(db, ws, "Project contractors")
    before = len(db(customer_measurements, workspace_id=ws))
    at = _follow_up(app)
    _measure(at, ("measure", "NPS"), value="-12", segment=contractors, note="Survey Q4", by="Hanne Lie")
    assert not errors(at), errors(at)
    assert successes(at) == [f"Added -12 on {DAY.isoformat()}."]
    rows = db(customer_measurements, workspace_id=ws)
    assert len(rows) == before + 1
    (saved,) = [c for c in rows if c.measure == "NPS" and c.measured_on == DAY]
    assert (saved.segment_id, saved.segment_name, saved.value, saved.note, saved.recorded_by) == (
        contractors,
        "Project contractors",
        -12.0,
        "Survey Q4",
        "Hanne Lie",
    )


def test_a_segment_deleted_after_the_page_was_opened_is_refused_and_nothing_is_written(app, app_db, db):
    ws = demo_id(db)
    contractors = _segment(db, ws, "Project contractors")
    at = _follow_up(app)
    at.selectbox(key=wkey(at, "measurement_new_what")).set_value(("measure", "NPS"))
    at.selectbox(key=wkey(at, "measurement_new_segment")).set_value(contractors)
    at.date_input(key=wkey(at, "measurement_new_date")).set_value(DAY)
    at.text_input(key=wkey(at, "measurement_new_value")).input("33")
    write(app_db, delete_segment, workspace_id=ws, segment_id=contractors, with_personas=True)
    before = len(db(customer_measurements, workspace_id=ws))
    at.button(key=wkey(at, "measurement_new_submit")).click().run()
    _ran(at)
    assert not successes(at), successes(at)
    assert len(db(customer_measurements, workspace_id=ws)) == before  # not for all customers either
    (message,) = errors(at)
    assert "does not exist any more" in message


def test_a_customer_measure_out_of_its_range_is_refused(app, db):
    ws = demo_id(db)
    before = len(db(customer_measurements, workspace_id=ws))
    at = _follow_up(app)
    _measure(at, ("measure", "Churn"), value="140")
    (message,) = errors(at)
    assert "between 0 and 100" in message and "140" in message
    assert len(db(customer_measurements, workspace_id=ws)) == before


# --- customer feedback ---------------------------------------------------------------------


def test_demo_feedback_counts_each_status_and_lists_the_late_feedback(app):
    at = _feedback_page(app)
    assert not errors(at)
    metrics = _metrics(at)
    assert (metrics["New"], metrics["Routed"], metrics["Acted on"]) == ("4", "4", "4")
    assert 4 <= int(metrics["Not acted on for 30+ days"]) <= 8  # 8 are not acted on; more grow late with time
    box = _texts(at.get_by_key(wkey(at, "feedback_late")))
    assert "of feedback not acted on for more than 30 days" in box[0]
    assert any(PRICE_CHANGES in t and "routed to Sales" in t for t in box)  # waiting since 2026-09-18
    assert any("not routed to anyone" in t for t in box)
    assert not any("The newsletter is mostly offers I never use." in t for t in box)  # acted on


def test_new_feedback_is_saved_as_new(app, db):
    ws = demo_id(db)
    contractors = _segment(db, ws, "Project contractors")
    at = _feedback_page(app)
    _add_feedback(
        at,
        "The web shop logs me out every day.",
        source="Ingrid at Bygg AS",
        channel="Phone",
        segment=contractors,
        theme="Digital channels",
        sentiment="Negative",
        by="Mona Dahl",
    )
    assert not errors(at), errors(at)
    assert successes(at) == ["Added the feedback."]
    saved = _feedback(db, ws, "The web shop logs me out every day.")
    assert (
        saved.status,
        saved.routed_to,
        saved.source,
        saved.channel,
        saved.segment_name,
        saved.theme,
        saved.sentiment,
        saved.recorded_by,
        saved.received_on,
    ) == (
        "New",
        "",
        "Ingrid at Bygg AS",
        "Phone",
        "Project contractors",
        "Digital channels",
        "Negative",
        "Mona Dahl",
        clock.today(),
    )
    assert _metrics(at)["New"] == "5"
    assert at.text_area(key=wkey(at, "feedback_new_text")).value == ""  # emptied for the next one


def test_routed_feedback_is_saved_as_routed(app, db):
    ws = demo_id(db)
    at = _feedback_page(app)
    _add_feedback(at, "Can we get invoices per project?", route="Finance")
    assert not errors(at), errors(at)
    assert successes(at) == ["Added the feedback and routed it to Finance."]
    saved = _feedback(db, ws, "Can we get invoices per project?")
    assert (saved.status, saved.routed_to) == ("Routed", "Finance")
    assert _metrics(at)["Routed"] == "5" and _metrics(at)["New"] == "4"


def test_feedback_without_text_is_refused(app, db):
    ws = demo_id(db)
    at = _feedback_page(app)
    _add_feedback(at, "   ", channel="Email")
    (message,) = errors(at)
    assert "Feedback is required" in message
    assert not successes(at)
    assert len(db(list_feedback, workspace_id=ws)) == 12
    assert _metrics(at)["New"] == "4"


def test_feedback_for_a_segment_deleted_after_the_page_was_opened_is_refused(app, app_db, db):
    ws = demo_id(db)
    managers = _segment(db, ws, "Facility managers")
    at = _feedback_page(app)
    at.text_area(key=wkey(at, "feedback_new_text")).input("The service agreement renews without a reminder.")
    at.selectbox(key=wkey(at, "feedback_new_segment")).set_value(managers)
    write(app_db, delete_segment, workspace_id=ws, segment_id=managers, with_personas=True)
    at.button(key=wkey(at, "feedback_new_submit")).click().run()
    _ran(at)
    assert not successes(at), successes(at)
    assert len(db(list_feedback, workspace_id=ws)) == 12
    (message,) = errors(at)
    assert "does not exist any more" in message


def test_acting_on_feedback_needs_an_action_or_what_was_done(app, db):
    ws = demo_id(db)
    item = _feedback(db, ws, PRICE_CHANGES)
    assert (item.status, item.routed_to, item.action_id, item.response) == ("Routed", "Sales", None, "")
    at = _feedback_page(app)
    at.selectbox(key=wkey(at, "feedback_choice")).set_value(item.id).run()
    _ran(at)
    assert PRICE_CHANGES in [t.value for t in at.text]

    at.radio(key=scoped_key(at, "feedback", item.id, "status")).set_value("Acted on")
    at.button(key=scoped_key(at, "feedback", item.id, "route_submit")).click().run()
    _ran(at)
    (message,) = errors(at)
    assert "Feedback acted on says what was done" in message
    assert not successes(at)
    assert _feedback(db, ws, PRICE_CHANGES).status == "Routed"

    action = next(a for a in db(list_actions, workspace_id=ws) if a.title == "Merge duplicate customer records")
    at.selectbox(key=scoped_key(at, "feedback", item.id, "action")).set_value(action.id)
    at.button(key=scoped_key(at, "feedback", item.id, "route_submit")).click().run()
    _ran(at)
    assert not errors(at), errors(at)
    assert successes(at) == ["Saved: acted on, routed to Sales."]
    saved = _feedback(db, ws, PRICE_CHANGES)
    assert (saved.status, saved.action_id, saved.action_title, saved.routed_to) == (
        "Acted on",
        action.id,
        "Merge duplicate customer records",
        "Sales",
    )
    assert _metrics(at)["Acted on"] == "5"
    assert not any(PRICE_CHANGES in t for t in _texts(at.get_by_key(wkey(at, "feedback_late"))))


def test_acting_on_feedback_with_what_was_done_saves_it(app, db):
    ws = demo_id(db)
    item = _feedback(db, ws, PRICE_CHANGES)
    at = _feedback_page(app)
    at.selectbox(key=wkey(at, "feedback_choice")).set_value(item.id).run()
    _ran(at)
    at.radio(key=scoped_key(at, "feedback", item.id, "status")).set_value("Acted on")
    at.text_area(key=scoped_key(at, "feedback", item.id, "response")).input(
        "Price changes are announced four weeks ahead."
    )
    at.button(key=scoped_key(at, "feedback", item.id, "route_submit")).click().run()
    _ran(at)
    assert not errors(at), errors(at)
    saved = _feedback(db, ws, PRICE_CHANGES)
    assert (saved.status, saved.action_id, saved.response) == (
        "Acted on",
        None,
        "Price changes are announced four weeks ahead.",
    )


def test_user_text_with_markup_is_shown_literally(app, db):
    ws = demo_id(db)
    at = _feedback_page(app)
    _add_feedback(at, MARKUP, received=date(2026, 1, 15), route="Sales")  # late, and the longest waiting
    assert not errors(at), errors(at)
    assert _feedback(db, ws, MARKUP).status == "Routed"

    late = [m.value for m in at.get_by_key(wkey(at, "feedback_late")).markdown]
    (line,) = [m for m in late if MARKUP in plain(m)]
    assert r"\*\*bold\*\* \<b\>x\<\/b\> \:red\[y\]" in line  # every mark escaped: no bold, no HTML, no colour
    assert "**bold**" not in line and ":red[y]" not in line
    assert late[1] == line  # the longest waiting comes first

    at.selectbox(key=wkey(at, "feedback_choice")).set_value(_feedback(db, ws, MARKUP).id).run()
    _ran(at)
    assert MARKUP in [t.value for t in at.text]  # st.text: shown as typed

    at = open_page(at, "app_pages/overview/health.py")
    items = [m.value for m in at.get_by_key("health_feedback").markdown]
    (listed,) = [m for m in items if MARKUP in plain(m)]
    assert "**bold**" not in listed and ":red[y]" not in listed


# --- the health check ----------------------------------------------------------------------


def test_demo_health_check_lists_the_failed_rules_with_links(app):
    at = open_page(app, "app_pages/overview/health.py")
    metrics = _metrics(at)
    assert (metrics["Judged rules passed"], metrics["Not yet judged"]) == ("9 of 14", "0")  # the demo judges all
    assert int(metrics["Critical"]) >= 2
    assert "9 of 14 rules pass." in [plain(m.value).strip("*") for m in at.markdown]
    assert not _has_key(at, "health_not_yet")
    assert not at.success  # not every rule passes

    goals = at.get_by_key("health_goals_on_track")
    text = " ".join(_texts(goals))
    assert "**Goals on track**" in text and "Critical" in text
    assert f"{CHURN} ({CHURN_OWNER})" in text
    (link,) = goals.get("page_link")
    assert (link.proto.label, link.proto.page) == ("Follow up the goals", "follow_up")
    assert link.proto.query_string == f"ws={at.query_params['ws']}"  # keeps the workspace

    owners = at.get_by_key("health_owners")
    text = " ".join(_texts(owners))
    assert "**Every objective, goal and action has an owner**" in text
    assert "Action: Counter training: greet regulars by name" in text
    (link,) = owners.get("page_link")
    assert (link.proto.label, link.proto.page) == ("Name the owners", "plan")

    assert not _has_key(at, "health_target_segments")  # passes on the demo
    (passed_box,) = [e for e in at.expander if e.label.startswith("Passed (")]
    assert "Target segments chosen" in " ".join(_texts(passed_box))


def test_health_check_on_an_empty_workspace_fails_target_segments(app, db):
    at = new_workspace(app, "Empty health")
    assert at.query_params["ws"] == str(_current_ws(db))
    at = open_page(at, "app_pages/overview/health.py")
    box = at.get_by_key("health_target_segments")
    text = " ".join(_texts(box))
    assert "**Target segments chosen**" in text and "No segments yet" in text
    (link,) = box.get("page_link")
    assert (link.proto.label, link.proto.page) == ("Choose target segments", "targets")
    assert not _has_key(at, "health_goals_on_track")  # no goals, none off track


def test_an_empty_workspace_judges_only_three_rules_and_passes_none(app, db):
    at = new_workspace(app, "Nothing yet")
    at = open_page(at, "app_pages/overview/health.py")
    metrics = _metrics(at)
    assert (metrics["Judged rules passed"], metrics["Not yet judged"]) == ("0 of 3", "11")
    assert "0 of 3 judged rules pass · 11 not yet judged." in [plain(m.value).strip("*") for m in at.markdown]
    waiting = _texts(at.get_by_key(wkey(at, "health_not_yet")))
    assert len(waiting) == 11
    assert "Goals on track: No measurable goals yet." in [w.split("] ", 1)[1].replace("**", "") for w in waiting]
    assert not [e for e in at.expander if e.label.startswith("Passed (")]  # nothing passes on an empty workspace
    assert not at.success
    for key in ("target_segments", "promise", "departments"):
        assert _has_key(at, f"health_{key}"), key
    assert not _has_key(at, "health_owners") and not _has_key(at, "health_feedback")

    at = open_page(at, "app_pages/overview/overview.py")
    summary = " ".join(_texts(at.get_by_key(wkey(at, "overview_health"))))
    assert "Strategy health: 0 of 3 judged rules pass · 11 not yet judged." in summary
    assert "rules pass" in summary and "9 of 12" not in summary


# --- the strategy document -----------------------------------------------------------------


def test_document_lists_its_sections_and_offers_three_downloads(app):
    at = open_page(app, "app_pages/implementation/document.py")
    holds = next(plain(m.value) for m in at.markdown if m.value.startswith("1. "))
    assert holds.split("\n") == [f"{n}. {title}" for n, title in enumerate(SECTIONS, start=1)]
    buttons = {d.key: d.label for d in at.get("download_button")}
    assert buttons == {
        wkey(at, "document_pdf"): "PDF",
        wkey(at, "document_html"): "HTML",
        wkey(at, "document_markdown"): "Markdown (.zip)",
    }


# --- the Overview --------------------------------------------------------------------------


def test_overview_shows_the_health_summary_and_the_follow_up_check(app):
    at = open_page(app, "app_pages/overview/overview.py")
    health = at.get_by_key(wkey(at, "overview_health"))
    summary = " ".join(_texts(health))
    assert "Strategy health:" in summary and "rules pass" in summary
    assert "Strategy health: 9 of 14 rules pass." in summary
    assert "Goals on track" in summary  # failing, as a badge
    (link,) = health.get("page_link")
    assert link.proto.page == "health"
    checks = [plain(m.value) for m in at.markdown if "Goals followed up with measured values" in m.value]
    assert len(checks) == 1
    assert checks[0].startswith("**Goals followed up with measured values**\nEvery goal is measured:")
    assert "off track" in checks[0]


# --- an empty workspace ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "page",
    [
        "app_pages/implementation/follow_up.py",
        "app_pages/implementation/feedback.py",
        "app_pages/overview/health.py",
        "app_pages/implementation/document.py",
    ],
)
def test_each_page_opens_on_an_empty_workspace(app, db, page):
    at = new_workspace(app, "Empty")
    at = open_page(at, page)
    assert not errors(at)
    assert at.title[0].value  # the page drew itself
    if page == "app_pages/implementation/follow_up.py":
        assert not at.metric
        assert any(i.value.startswith("No measurable goals yet") for i in at.info)
    elif page == "app_pages/implementation/feedback.py":
        assert [(m.label, m.value) for m in at.metric] == [
            ("New", "0"),
            ("Routed", "0"),
            ("Acted on", "0"),
            ("Not acted on for 30+ days", "0"),
        ]
        assert not _has_key(at, "feedback_late")
        assert any(i.value.startswith("No feedback yet") for i in at.info)
    elif page == "app_pages/overview/health.py":
        assert _metrics(at)["Judged rules passed"] == "0 of 3"
    else:
        assert len(at.get("download_button")) == 3


def test_a_value_added_in_the_measured_values_table_is_saved_at_once(app, db):
    ws = demo_id(db)
    at = open_page(app, "app_pages/implementation/follow_up.py")
    assert "follow_values_save" not in {b.key for b in at.button}  # the table saves each change at once
    goal_id = at.selectbox(key=wkey(at, "follow_goal")).value
    metric = next(g.metric for g in db(list_goals, workspace_id=ws) if g.id == goal_id)
    before = [
        (m.measured_on, m.value, m.note, m.recorded_by) for m in db(goal_measurements, workspace_id=ws).get(goal_id, [])
    ]
    day = next(date(2026, 11, d) for d in range(29, 0, -1) if date(2026, 11, d) not in {b[0] for b in before})
    edit_table(
        at,
        editor_key(at, rf"follow_values_{ws}_{goal_id}_v[0-9a-f]+_\d+"),
        {"added_rows": [{"Date": day.isoformat(), "Value": 12.5, "Note": "ERP <rolling>", "Recorded by": "Kari"}]},
    )
    assert not errors(at)
    assert successes(at) == [f"Saved {len(before) + 1} values of '{metric}'."]
    after = [
        (m.measured_on, m.value, m.note, m.recorded_by) for m in db(goal_measurements, workspace_id=ws).get(goal_id, [])
    ]
    assert sorted(after) == sorted(before + [(day, 12.5, "ERP <rolling>", "Kari")])
