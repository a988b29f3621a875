"""The strategy document: the whole strategy in one download for the people who were not in the
room, as PDF, as one self-contained HTML file, and as Markdown with its charts."""

import streamlit as st

from crmstrategy.core import clock
from crmstrategy.ui.actions import read, workspace_keys
from crmstrategy.ui.frame import download_file_name, step_footer, workbench_page
from crmstrategy.workspace.document_exports import document_html, document_markdown_zip, document_pdf
from crmstrategy.workspace.document_layout import SECTIONS
from crmstrategy.workspace.strategy_document import strategy_document

ws = workbench_page("Strategy document")
wkey = workspace_keys(ws.id)

st.title("The strategy document")
st.caption(
    "Everyone must know what the strategy means for them. This is the whole strategy on paper, "
    "for the people who were not in the room: print it, send it, put it on the intranet."
)

st.markdown("**What it holds**")
st.markdown("\n".join(f"{n}. {section}" for n, section in enumerate(SECTIONS, start=1)))
st.caption(
    "A cover with the workspace's name and the current customer promise; charts as images; every list in "
    "full, as it stands today. Each file is made when you click, so it is always up to date."
)


def build(render):
    # Read and render only on the click, in a session of its own.
    return render(read(strategy_document, workspace_id=ws.id, today=clock.today()))


# The Markdown file inside the zip keeps one name, so links to it in a wiki survive each new download
stem = "crm-strategy"
c1, c2, c3, _ = st.columns([1, 1, 1, 1])
c1.download_button(
    "PDF",
    key=wkey("document_pdf"),
    icon=":material/picture_as_pdf:",
    type="primary",
    on_click="ignore",
    data=lambda: build(document_pdf),
    file_name=download_file_name("strategy", "pdf"),
    mime="application/pdf",
    help="A4, ready to print, with bookmarks per section.",
)
c2.download_button(
    "HTML",
    key=wkey("document_html"),
    icon=":material/html:",
    on_click="ignore",
    data=lambda: build(document_html),
    file_name=download_file_name("strategy", "html"),
    mime="text/html",
    help="One self-contained file: opens in any browser, no internet needed.",
)
c3.download_button(
    "Markdown (.zip)",
    key=wkey("document_markdown"),
    icon=":material/download:",
    on_click="ignore",
    data=lambda: build(lambda doc: document_markdown_zip(doc, stem)),
    file_name=download_file_name("strategy-markdown", "zip"),
    mime="application/zip",
    help="crm-strategy.md with its charts as PNG files, for a wiki or Git.",
)

step_footer("Strategy document")
