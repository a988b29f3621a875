"""Overview: where the workspace stands in the method, and the next thing to do."""

import streamlit as st

from crmstrategy import clock
from crmstrategy.follow_up import goal_follow_up, list_feedback
from crmstrategy.health import snapshot_of
from crmstrategy.health_rules import run_rules, summary
from crmstrategy.insights import workspace_evidence
from crmstrategy.models import PRIORITIES
from crmstrategy.method_path import title_of
from crmstrategy.personas import list_personas

from crmstrategy.participants import list_participants
from crmstrategy.plan import action_briefs, list_reviews, participation, plan_gaps, plan_start_of
from crmstrategy.plan_rules import Taker, anchoring_warnings, is_overdue, review_state
from crmstrategy.progress import analysis_progress, implementation_progress, strategy_progress
from crmstrategy.promise import current_promise, version_stubs
from crmstrategy.readiness_ratings import readiness_summary
from crmstrategy.segments import list_segments
from crmstrategy.strategy_map import strategy_map
from crmstrategy.strengths import key_factor_coverage, priority_matrix
from crmstrategy.text import md_escape
from crmstrategy.ui import page_link, read, workbench_page
from crmstrategy.ui import workspace_keys

ws = workbench_page("Overview")
wkey = workspace_keys(ws.id)

st.title(md_escape(ws.name))
if ws.description:
    st.text(ws.description)

segments = read(list_segments, workspace_id=ws.id)
personas = read(list_personas, workspace_id=ws.id)
readiness = read(readiness_summary, workspace_id=ws.id)
matrix = read(priority_matrix, workspace_id=ws.id)
smap = read(strategy_map, workspace_id=ws.id)
promise_versions = read(version_stubs, workspace_id=ws.id)
promise = read(current_promise, workspace_id=ws.id) if any(v.is_current for v in promise_versions) else None
today = clock.today()
actions = read(action_briefs, workspace_id=ws.id)
reviews = read(list_reviews, workspace_id=ws.id)
review = review_state(reviews[0].reviewed_on if reviews else None, today, bool(actions), plan_start_of(ws))
steps_taken = read(participation, workspace_id=ws.id)
participants = read(list_participants, workspace_id=ws.id)
anchoring = anchoring_warnings([Taker(p.name, p.department, p.is_leader, tuple(steps_taken.get(p.id, [])))
                                for p in participants])
without_action, _ = read(plan_gaps, workspace_id=ws.id)
goals = read(goal_follow_up, workspace_id=ws.id, today=today, with_values=False)
overdue = [a for a in actions if is_overdue(a.status, a.due_date, today)]
segment_evidence, persona_evidence = read(workspace_evidence, workspace_id=ws.id)
steps = [analysis_progress(segments, personas, segment_evidence, persona_evidence, readiness,
                           abilities={r.segment_id: r.ability for r in matrix.rows}, participants=participants),
         strategy_progress(segments, [n.kind for n in smap.nodes.values()], smap.breaches,
                           promise_versions=promise_versions),
         # A new plan is not yet due for review, but it has not been reviewed either
         implementation_progress(actions, review.last_review is not None and not review.due, without_action, anchoring,
                                 goal_statuses=[g.status.status for g in goals])]
health = run_rules(snapshot_of(
    today=today, segments=segments, segment_evidence=segment_evidence, promise_versions=promise_versions,
    nodes=list(smap.nodes.values()), initiatives_without_action=without_action, goals=goals, actions=actions,
    reviews=reviews, readiness=readiness, participants=participants,
    feedback=read(list_feedback, workspace_id=ws.id), plan_start=plan_start_of(ws), steps_taken=steps_taken,
    factor_coverage=read(key_factor_coverage, workspace_id=ws.id)))

metrics = st.columns(5)
metrics[0].metric("Segments", len(segments))
metrics[1].metric("Personas", len(personas))
metrics[2].metric("Customers in segments", f"{sum(s.customer_count or 0 for s in segments):,}".replace(",", " "))
metrics[3].metric("Readiness", "not rated" if readiness.overall is None else f"{readiness.overall_percent} / 100")
targets = [r for r in matrix.rows if r.priority in PRIORITIES[:2]]
metrics[4].metric("Target segments", len(targets))

next_check = next((c for step in steps for c in step.checks if not c.done), None)
if next_check:
    with st.container(border=True):
        st.markdown(f"**Next step:** {md_escape(next_check.label)}")
        st.text(next_check.detail)
        page_link(next_check.page, f"Go to {title_of(next_check.page)}", icon=":material/arrow_forward:")

if review.due or overdue:
    with st.container(border=True, key=wkey("overview_plan_warnings")):
        if review.due:
            st.markdown(f":orange[:material/event:] **The plan needs a review.** {md_escape(review.message)}")
        if overdue:
            st.markdown(f":red[:material/schedule:] **{len(overdue)} overdue action{'s' if len(overdue) != 1 else ''}:** "
                        + md_escape(", ".join(a.title for a in overdue[:5])) + (" …" if len(overdue) > 5 else ""))
        page_link("app_pages/implementation/plan.py", "Open the plan", icon=":material/arrow_forward:")

failed = [r for r in health if r.failed]
with st.container(border=True, key=wkey("overview_health")):
    if failed:
        marks = {"Critical": "red", "Warning": "orange", "Notice": "blue"}
        st.markdown(f":material/health_and_safety: **Strategy health: {md_escape(summary(health))}** "
                    + " ".join(f":{marks[r.rule.severity]}-badge[:material/close: {md_escape(r.rule.title)}]"
                               for r in failed))
        st.caption(md_escape(f"Most serious: {failed[0].rule.title}. {failed[0].finding.message}"))
    else:
        mark = ":green[:material/health_and_safety:]" if all(r.judged for r in health) else ":material/health_and_safety:"
        st.markdown(f"{mark} **Strategy health: {md_escape(summary(health))}**")
    page_link("app_pages/overview/health.py", "Open the health check", icon=":material/arrow_forward:")

if promise is not None:
    with st.container(border=True, key=wkey("overview_promise")):
        st.caption(f"Our customer promise · version {promise.number}")
        st.markdown("**" + md_escape(promise.text) + "**")

for step in steps:
    st.header(f"{step.step} — {step.done_count} of {len(step.checks)} done")
    for check in step.checks:
        with st.container(border=True):
            mark, text = st.columns([1, 11], vertical_alignment="center")
            mark.markdown(":green[:material/check_circle:]" if check.done else ":orange[:material/radio_button_unchecked:]")
            text.markdown(f"**{md_escape(check.label)}**  \n{md_escape(check.detail)}")

st.header("Target segments", anchor=False)
if not targets:
    st.caption("None chosen yet. The priority matrix on Target segments helps the group choose.")
for row in sorted(targets, key=lambda r: PRIORITIES.index(r.priority)):
    with st.container(border=True):
        colour = "green" if row.priority == PRIORITIES[0] else "blue"
        scores = ("ability not scored" if row.ability is None else f"ability {row.ability:.0f}") \
            + f" · attractiveness {row.attractiveness:.0f} · {row.quadrant.lower()}"
        st.markdown(f":{colour}-badge[{row.priority}] **{md_escape(row.name)}** · {scores}")
        if row.rationale:
            st.text(row.rationale)
page_link("app_pages/strategy/targets.py", "Open the priority matrix", icon=":material/arrow_forward:")

if readiness.weak_points:
    st.header("Readiness: the weakest points", anchor=False)
    for item in readiness.weak_points[:3]:
        with st.container(border=True):
            colour = "red" if item.level == "weak" else "orange"
            st.markdown(f":{colour}-badge[{item.mean:.1f} of 5] **{md_escape(item.text)}**")
            st.text(item.why)
    page_link("app_pages/analysis/readiness.py", "Open the readiness check", icon=":material/arrow_forward:")


