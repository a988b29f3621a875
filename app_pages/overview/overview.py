"""Overview: where the workspace stands in the method, and the next thing to do."""

import streamlit as st

from crmstrategy.analysis.models import PRIORITIES
from crmstrategy.core import clock
from crmstrategy.core.text import md_escape
from crmstrategy.ui.actions import read, workspace_keys
from crmstrategy.ui.frame import page_link, workbench_page
from crmstrategy.workspace.health_rules import summary
from crmstrategy.workspace.method_path import Place, title_of
from crmstrategy.workspace.overview import overview

ws = workbench_page("Overview")
wkey = workspace_keys(ws.id)

st.title(md_escape(ws.name))
if ws.description:
    st.text(ws.description)

view = read(overview, workspace_id=ws.id, today=clock.today())
segments, readiness, review, health = view.segments, view.readiness, view.review, view.health

metrics = st.columns(5)
metrics[0].metric("Segments", len(segments))
metrics[1].metric("Personas", view.persona_count)
metrics[2].metric("Customers in segments", f"{sum(s.customer_count or 0 for s in segments):,}".replace(",", " "))
metrics[3].metric("Readiness", "not rated" if readiness.overall is None else f"{readiness.overall_percent} / 100")
metrics[4].metric("Target segments", len(view.targets))

next_check = view.next_check
if next_check:
    with st.container(border=True):
        st.markdown(f"**Next step:** {md_escape(next_check.label)}")
        st.text(next_check.detail)
        page_link(next_check.page, f"Go to {title_of(next_check.page)}", icon=":material/arrow_forward:")

if review.due or view.overdue:
    with st.container(border=True, key=wkey("overview_plan_warnings")):
        if review.due:
            st.markdown(f":orange[:material/event:] **The plan needs a review.** {md_escape(review.message)}")
        if overdue := view.overdue:
            st.markdown(
                f":red[:material/schedule:] **{len(overdue)} overdue action{'s' if len(overdue) != 1 else ''}:** "
                + md_escape(", ".join(a.title for a in overdue[:5]))
                + (" …" if len(overdue) > 5 else "")
            )
        page_link(Place.PLAN, "Open the plan", icon=":material/arrow_forward:")

failed = [r for r in health if r.failed]
with st.container(border=True, key=wkey("overview_health")):
    if failed:
        marks = {"Critical": "red", "Warning": "orange", "Notice": "blue"}
        st.markdown(
            f":material/health_and_safety: **Strategy health: {md_escape(summary(health))}** "
            + " ".join(f":{marks[r.rule.severity]}-badge[:material/close: {md_escape(r.rule.title)}]" for r in failed)
        )
        st.caption(md_escape(f"Most serious: {failed[0].rule.title}. {failed[0].finding.message}"))
    else:
        mark = (
            ":green[:material/health_and_safety:]" if all(r.judged for r in health) else ":material/health_and_safety:"
        )
        st.markdown(f"{mark} **Strategy health: {md_escape(summary(health))}**")
    page_link(Place.HEALTH, "Open the health check", icon=":material/arrow_forward:")

if (promise := view.promise) is not None:
    with st.container(border=True, key=wkey("overview_promise")):
        st.caption(f"Our customer promise · version {promise.number}")
        st.markdown("**" + md_escape(promise.text) + "**")

for step in view.steps:
    st.header(f"{step.step} — {step.done_count} of {len(step.checks)} done")
    for check in step.checks:
        with st.container(border=True):
            mark, text = st.columns([1, 11], vertical_alignment="center")
            mark.markdown(
                ":green[:material/check_circle:]" if check.done else ":orange[:material/radio_button_unchecked:]"
            )
            text.markdown(f"**{md_escape(check.label)}**  \n{md_escape(check.detail)}")

st.header("Target segments", anchor=False)
if not view.targets:
    st.caption("None chosen yet. The priority matrix on Target segments helps the group choose.")
for row in view.targets:
    with st.container(border=True):
        colour = "green" if row.priority == PRIORITIES[0] else "blue"
        scores = (
            "ability not scored" if row.ability is None else f"ability {row.ability:.0f}"
        ) + f" · attractiveness {row.attractiveness:.0f} · {row.quadrant.lower()}"
        st.markdown(f":{colour}-badge[{row.priority}] **{md_escape(row.name)}** · {scores}")
        if row.rationale:
            st.text(row.rationale)
page_link(Place.TARGETS, "Open the priority matrix", icon=":material/arrow_forward:")

if readiness.weak_points:
    st.header("Readiness: the weakest points", anchor=False)
    for item in readiness.weak_points[:3]:
        with st.container(border=True):
            colour = "red" if item.level == "weak" else "orange"
            st.markdown(f":{colour}-badge[{item.mean:.1f} of 5] **{md_escape(item.text)}**")
            st.text(item.why)
    page_link(Place.READINESS, "Open the readiness check", icon=":material/arrow_forward:")
