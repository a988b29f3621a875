"""Present the promise: the current customer promise alone, large and clean, for the projector."""

import streamlit as st

from crmstrategy.core.text import md_escape
from crmstrategy.strategy.promise import current_promise
from crmstrategy.ui.actions import read
from crmstrategy.ui.frame import page_link, workbench_page
from crmstrategy.workspace.method_path import Place

ws = workbench_page("Present the promise")

# Only the page's own styling goes through unsafe_allow_html: no user text is in it.
st.markdown(
    """<style>
.st-key-promise_present { min-height: 70vh; display: flex; flex-direction: column; justify-content: center; }
.st-key-promise_present h1 { font-size: clamp(2.6rem, 4.4vw, 5.2rem); line-height: 1.2; text-align: center;
  padding: 0 4vw; }
.st-key-promise_present [data-testid="stCaptionContainer"] { text-align: center; font-size: 1.25rem; }
</style>""",
    unsafe_allow_html=True,
)

promise = read(current_promise, workspace_id=ws.id)
with st.container(key="promise_present"):
    if promise is None:
        st.title("No customer promise yet", anchor=False)
        st.caption("Compose one and save it: the first version becomes the current promise.")
    else:
        st.caption(md_escape(ws.name) + " · Our customer promise")
        st.title(md_escape(promise.text), anchor=False)
        if promise.segment_names:
            st.caption("For " + md_escape(", ".join(promise.segment_names)))
page_link(Place.PROMISE, "Back to the composer", icon=":material/arrow_back:")
st.caption("On the projector: close the sidebar with « and press F11 for full screen.")
