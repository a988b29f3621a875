"""CRM Strategy Workbench: the router. Pages live in app_pages/<step>/, the domain in crmstrategy/."""

import streamlit as st

from crmstrategy.ui.frame import database_problems_shown, method_navigation

st.set_page_config(page_title="CRM Strategy Workbench", page_icon=":material/hub:", layout="wide")
with database_problems_shown():
    method_navigation().run()
