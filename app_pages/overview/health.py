"""The strategy health check (seeds 000 and 002): the ways CRM programmes stall, each an explicit
rule with a severity, the items it concerns and a link to where it is fixed."""

from datetime import date

import streamlit as st

from crmstrategy import clock
from crmstrategy.health import health_check
from crmstrategy.health_rules import SEVERITIES
from crmstrategy.text import md_escape
from crmstrategy.ui import page_link, read, workbench_page

ws = workbench_page("Health check")

st.title("Strategy health check")
st.caption("Seed 000: programmes stall after launch for want of ownership, of a link to real value and of "
           "structures simple enough to adjust. Seed 002: without leadership, business goals and data-quality "
           "demands they enter a vicious circle. Each rule below checks one of those failure modes.")

results = read(health_check, workspace_id=ws.id, today=clock.today())
failed = [r for r in results if not r.passed]
passed = [r for r in results if r.passed]
MARKS = {"Critical": ":red-badge[:material/error: Critical]", "Warning": ":orange-badge[:material/warning: Warning]",
         "Notice": ":blue-badge[:material/info: Notice]"}
SHOWN_ITEMS = 10

m = st.columns(4)
m[0].metric("Rules passed", f"{len(passed)} of {len(results)}")
for column, severity in zip(m[1:], SEVERITIES):
    column.metric(severity, sum(r.rule.severity == severity for r in failed))

if not failed:
    st.success("Every rule passes. Keep following up: measure the goals, act on feedback, review the plan "
               "every quarter.", icon=":material/check_circle:")
for result in failed:
    with st.container(border=True, key=f"health_{result.rule.key}"):
        st.markdown(f"{MARKS[result.rule.severity]} **{md_escape(result.rule.title)}**  \n"
                    f"{md_escape(result.finding.message)}")
        items = result.finding.items
        if items:
            st.markdown("\n".join(f"- {md_escape(item)}" for item in items[:SHOWN_ITEMS])
                        + (f"\n- … and {len(items) - SHOWN_ITEMS} more" if len(items) > SHOWN_ITEMS else ""))
        page_link(result.rule.page, result.rule.fix, icon=":material/arrow_forward:")

if passed:
    with st.expander(f"Passed ({len(passed)})", expanded=not failed, icon=":material/check_circle:"):
        for result in passed:
            st.markdown(f":green[:material/check:] {md_escape(result.rule.title)}")
