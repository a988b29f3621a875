"""CRM Strategy Workbench: the router. Pages live in pages/, the domain in crmstrategy/."""

import streamlit as st

st.set_page_config(page_title="CRM Strategy Workbench", page_icon=":material/hub:", layout="wide")

navigation = st.navigation(
    {
        "Overview": [
            st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True),
            st.Page("pages/workspaces.py", title="Workspaces", icon=":material/folder_open:"),
            st.Page("pages/participants.py", title="Participants", icon=":material/group:"),
        ],
        "1 · Analysis": [
            st.Page("pages/segments.py", title="Segments", icon=":material/groups:"),
            st.Page("pages/personas.py", title="Personas", icon=":material/person:"),
            st.Page("pages/insights.py", title="Insights", icon=":material/record_voice_over:"),
            st.Page("pages/readiness.py", title="Readiness", icon=":material/fact_check:"),
        ],
    }
)
navigation.run()
