"""The strategy health check: the ways CRM programmes stall, each an explicit rule with a severity,
the items it concerns and a link to where it is fixed. A rule with nothing to judge yet (no goals, no
plan, ...) is shown in a group of its own, never as passed."""

import streamlit as st

from crmstrategy.core import clock
from crmstrategy.core.text import md_escape
from crmstrategy.ui.actions import read, workspace_keys
from crmstrategy.ui.frame import page_link, workbench_page
from crmstrategy.workspace.health import health_check
from crmstrategy.workspace.health_rules import SEVERITIES, summary

ws = workbench_page("Health check")
wkey = workspace_keys(ws.id)

st.title("Strategy health check")
st.caption(
    "CRM programmes rarely stall for want of technology. They stall when nobody owns CRM after launch, when "
    "what is measured is activity rather than value to customers, when the structure is too complex to "
    "adjust, and when top management is absent. Each rule below checks one of those ways of stalling."
)

results = read(health_check, workspace_id=ws.id, today=clock.today())
failed = [r for r in results if r.failed]
waiting = [r for r in results if not r.judged]
passed = [r for r in results if r.passed]
MARKS = {
    "Critical": ":red-badge[:material/error: Critical]",
    "Warning": ":orange-badge[:material/warning: Warning]",
    "Notice": ":blue-badge[:material/info: Notice]",
}
SHOWN_ITEMS = 10

m = st.columns([1.3, 1, 1, 1, 1])  # room for "9 of 14" and its label on a laptop
m[0].metric(
    "Judged rules passed",
    f"{len(passed)} of {len(results) - len(waiting)}",
    help="Only rules that have something to judge count; the others are not yet judged.",
)
m[1].metric("Not yet judged", len(waiting))
for column, severity in zip(m[2:], SEVERITIES):
    column.metric(severity, sum(r.rule.severity == severity for r in failed))
st.markdown(f"**{md_escape(summary(results))}**")

if not failed and not waiting:
    st.success(
        "Every rule passes. Keep following up: measure the goals, act on feedback, review the plan every quarter.",
        icon=":material/check_circle:",
    )
elif not failed:
    st.info(
        f"No rule fails, but {len(waiting)} cannot be judged yet: the work they check has not been done.",
        icon=":material/hourglass_empty:",
    )
for result in failed:
    with st.container(border=True, key=f"health_{result.rule.key}"):
        st.markdown(
            f"{MARKS[result.rule.severity]} **{md_escape(result.rule.title)}**  \n{md_escape(result.finding.message)}"
        )
        items = result.finding.items
        if items:
            st.markdown(
                "\n".join(f"- {md_escape(item)}" for item in items[:SHOWN_ITEMS])
                + (f"\n- … and {len(items) - SHOWN_ITEMS} more" if len(items) > SHOWN_ITEMS else "")
            )
        page_link(result.rule.page, result.rule.fix, icon=":material/arrow_forward:")

if waiting:
    with st.expander(f"Not yet judged ({len(waiting)})", expanded=True, icon=":material/hourglass_empty:"):
        with st.container(key=wkey("health_not_yet")):
            for result in waiting:
                st.markdown(
                    f":grey[:material/hourglass_empty:] **{md_escape(result.rule.title)}**: "
                    f"{md_escape(result.not_yet.reason)}"
                )

if passed:
    with st.expander(f"Passed ({len(passed)})", expanded=not failed, icon=":material/check_circle:"):
        for result in passed:
            st.markdown(f":green[:material/check:] {md_escape(result.rule.title)}")
