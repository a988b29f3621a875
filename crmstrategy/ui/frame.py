"""The page frame: the navigation in the method's order, the workspace switcher (the workspace is in
the URL as `?ws=`), the first-run choice between the demo and an empty start, each page's Back and
Next step, and the one page shown instead when the database cannot be used."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import streamlit as st

from crmstrategy.core import clock
from crmstrategy.core.database_health import DatabaseUnavailable
from crmstrategy.core.models import WorkspaceRead
from crmstrategy.core.text import download_name, md_escape
from crmstrategy.ui.actions import LOG, _apply_form_resets, act, read
from crmstrategy.workspace.method_path import Place, method_guide, neighbours
from crmstrategy.workspace.workspace_file import import_workspace, load_demo_document
from crmstrategy.workspace.workspaces import list_workspaces

APP_TITLE = "CRM Strategy Workbench"


WORKSPACE_PARAM = "ws"


def set_workspace(workspace_id: int) -> None:
    st.session_state["workspace_id"] = workspace_id
    st.query_params[WORKSPACE_PARAM] = str(workspace_id)


def _switch_workspace() -> None:
    set_workspace(st.session_state["workspace_switcher"])


def show_database_problem(problem: DatabaseUnavailable) -> NoReturn:
    """The page shown instead of the app when the database cannot be used: what is wrong and what to
    do, in plain words. No traceback and no server path there; both go to the server log."""
    LOG.warning("The database cannot be used (%s): %s", problem.kind, problem.detail or problem.what)
    st.title(APP_TITLE)
    st.error(f"**{md_escape(problem.title)}**\n\n{md_escape(problem.what)}", icon=":material/database:")
    st.markdown(f"**What to do:** {md_escape(problem.advice)}")
    st.stop()


@contextmanager
def database_problems_shown() -> Iterator[None]:
    """Around a page's run (app.py): a database that broke while the page ran (after
    `workbench_page`) gets the same page as one found at the start, not a traceback."""
    try:
        yield
    except DatabaseUnavailable as problem:
        show_database_problem(problem)


def _onboarding() -> NoReturn:
    st.title(APP_TITLE)
    st.info("There are no workspaces yet. Start from the demo to see a worked example, or start empty.")
    left, right = st.columns(2)
    if left.button("Load the demo workspace", key="onboarding_demo", type="primary"):
        created = act(import_workspace, document=load_demo_document())
        if created:
            set_workspace(created.id)
            st.rerun()
    if right.button("Go to Workspaces to create one", key="onboarding_create"):
        st.switch_page(PAGE_FILES[Place.WORKSPACES])
    st.stop()


# The page script that shows each place of the app (the domain names places, never files); each
# script's name is its place's address.
PAGE_FILES: dict[Place, str] = {
    Place.OVERVIEW: "app_pages/overview/overview.py",
    Place.HEALTH: "app_pages/overview/health.py",
    Place.WORKSPACES: "app_pages/overview/workspaces.py",
    Place.PARTICIPANTS: "app_pages/analysis/participants.py",
    Place.SEGMENTS: "app_pages/analysis/segments.py",
    Place.PERSONAS: "app_pages/analysis/personas.py",
    Place.INSIGHTS: "app_pages/analysis/insights.py",
    Place.READINESS: "app_pages/analysis/readiness.py",
    Place.STRENGTHS: "app_pages/analysis/strengths.py",
    Place.TARGETS: "app_pages/strategy/targets.py",
    Place.STRATEGY_MAP: "app_pages/strategy/strategy_map.py",
    Place.GOALS: "app_pages/strategy/goals.py",
    Place.PROMISE: "app_pages/strategy/promise.py",
    Place.PRESENT_PROMISE: "app_pages/strategy/promise_present.py",
    Place.PLAN: "app_pages/implementation/plan.py",
    Place.ANCHORING: "app_pages/implementation/anchoring.py",
    Place.FOLLOW_UP: "app_pages/implementation/follow_up.py",
    Place.FEEDBACK: "app_pages/implementation/feedback.py",
    Place.DOCUMENT: "app_pages/implementation/document.py",
}


def _page(place: Place, title: str, icon: str, **options):
    return st.Page(PAGE_FILES[place], title=title, icon=icon, **options)


def method_navigation():
    """The app's pages, grouped by the steps of the method (app.py runs what this returns). A new
    workspace starts with who takes part, then walks the three steps in this order."""
    return st.navigation(
        {
            "Overview": [
                _page(Place.OVERVIEW, "Overview", ":material/dashboard:", default=True),
                _page(Place.HEALTH, "Health check", ":material/health_and_safety:"),
                _page(Place.WORKSPACES, "Workspaces", ":material/folder_open:"),
            ],
            "1 · Analysis": [
                _page(Place.PARTICIPANTS, "Participants", ":material/group:"),
                _page(Place.SEGMENTS, "Segments", ":material/groups:"),
                _page(Place.PERSONAS, "Personas", ":material/person:"),
                _page(Place.INSIGHTS, "Insights", ":material/record_voice_over:"),
                _page(Place.READINESS, "Readiness", ":material/fact_check:"),
                _page(Place.STRENGTHS, "Strengths", ":material/fitness_center:"),
            ],
            "2 · Strategy": [
                _page(Place.TARGETS, "Target segments", ":material/my_location:"),
                _page(Place.STRATEGY_MAP, "Strategy map", ":material/account_tree:"),
                _page(Place.GOALS, "Goals", ":material/flag:"),
                _page(Place.PROMISE, "Customer promise", ":material/handshake:"),
                _page(Place.PRESENT_PROMISE, "Present the promise", ":material/slideshow:"),
            ],
            "3 · Implementation": [
                _page(Place.PLAN, "3/6/12-month plan", ":material/event_note:"),
                _page(Place.ANCHORING, "Anchoring", ":material/anchor:"),
                _page(Place.FOLLOW_UP, "Follow-up", ":material/monitoring:"),
                _page(Place.FEEDBACK, "Customer feedback", ":material/forum:"),
                _page(Place.DOCUMENT, "Strategy document", ":material/description:"),
            ],
        },
        expanded=True,
    )  # every step of the method in sight, not "View 3 more"


def workbench_page(title: str) -> WorkspaceRead | None:
    """Frame every page: page config, sidebar with the workspace switcher; returns the
    current workspace (from the URL, then this session, then the first one). Without any
    workspace, the Workspaces page gets None and every other page the onboarding."""
    _apply_form_resets()
    st.set_page_config(page_title=f"{title} · {APP_TITLE}", page_icon=":material/hub:", layout="wide")
    try:
        workspaces = read(list_workspaces)  # the first use of the database in every run
    except DatabaseUnavailable as problem:
        show_database_problem(problem)
    by_id = {w.id: w for w in workspaces}
    current_id = None
    raw = st.query_params.get(WORKSPACE_PARAM)
    if raw is not None:
        try:
            current_id = int(raw)
        except ValueError:
            current_id = None
        if current_id not in by_id:
            st.sidebar.warning("The workspace in the link does not exist any more; showing another one.")
            current_id = None
    if current_id is None and st.session_state.get("workspace_id") in by_id:
        current_id = st.session_state["workspace_id"]
    if current_id is None:
        if not workspaces:
            if title == "Workspaces":
                return None  # the Workspaces page offers creation itself
            _onboarding()
        current_id = workspaces[0].id
    set_workspace(current_id)
    st.session_state["workspace_switcher"] = current_id
    # Remembered for the names of this run's downloads (download_file_name)
    st.session_state["_workspace_name"] = by_id[current_id].name
    with st.sidebar:
        # Bold, not a heading: the page's own title is its first heading
        st.markdown(f"**:material/hub: {APP_TITLE}**")
        st.selectbox(
            "Workspace",
            options=list(by_id),
            format_func=lambda i: by_id[i].name,
            key="workspace_switcher",
            on_change=_switch_workspace,
            help="Everything you see and edit belongs to this workspace. The link in the "
            "address bar opens the same workspace.",
        )
        st.caption("Method: 1 · Analysis → 2 · Strategy → 3 · Implementation")
        if st.button(
            "How the method works",
            key="method_guide",
            icon=":material/menu_book:",
            type="tertiary",
            help="The three steps, the nine pieces of advice and where each lives in the workbench.",
        ):
            _method_dialog()
    return by_id[current_id]


@st.dialog("How the method works", width="large")
def _method_dialog() -> None:
    st.markdown(method_guide())


def page_link(page: Place, label: str, icon: str | None = None) -> None:
    """A link to a place of the app that keeps the current workspace in the URL."""
    params = {WORKSPACE_PARAM: st.query_params.get(WORKSPACE_PARAM, "")}
    st.page_link(PAGE_FILES[page], label=label, icon=icon, query_params=params)


def step_footer(title: str) -> None:
    """The foot of a page on the method's path (crmstrategy.workspace.method_path): "← Back" to the step before
    and "Next step" to the one after, as links that keep the workspace; the next step stands out (in a
    box, bold in the theme's primary colour), since walking on is what the group does most."""
    back, forward = neighbours(title)
    st.divider()
    with st.container(
        key="step_footer", horizontal=True, horizontal_alignment="distribute", vertical_alignment="center"
    ):
        with st.container(key="step_back", width="content"):
            if back is not None:
                page_link(back.page, f"← Back: {back.title}")
        if forward is not None:
            with st.container(key="step_next", width="content", border=True):
                page_link(forward.page, f"**:primary[Next step: {forward.title} →]**")


def download_file_name(what: str, ext: str) -> str:
    """The name of a download on this page: the current workspace, what it is, and today."""
    return download_name(st.session_state.get("_workspace_name", ""), what, ext, clock.today())
