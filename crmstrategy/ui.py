"""The one Streamlit helper module: engine cache, the page frame with the workspace switcher,
running a user action in one transaction, and showing problems where the user looks."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from crmstrategy.core import clock
from crmstrategy.core.db import database_url_from_env, make_engine, read_session, unit_of_work, upgrade
from crmstrategy.core.editor import edited_records, editor_commands, editor_frame
from crmstrategy.core.errors import ValidationProblem
from crmstrategy.core.models import WorkspaceRead
from crmstrategy.core.tabular import ImportPreview, to_csv_bytes
from crmstrategy.core.text import download_name, md_escape
from crmstrategy.core.versioning import StaleEdit
from crmstrategy.workspace.method_path import Place, neighbours
from crmstrategy.workspace.workspace_file import import_workspace, load_demo_document
from crmstrategy.workspace.workspaces import list_workspaces

APP_TITLE = "CRM Strategy Workbench"
WORKSPACE_PARAM = "ws"


@st.cache_resource(show_spinner=False)
def engine_for(url: str) -> Engine:
    """One engine per database URL for the whole server; schema upgraded, demo loaded if empty."""
    engine = make_engine(url)
    upgrade(engine)
    with read_session(engine) as session:
        empty = not list_workspaces(session=session)
    if empty:
        with unit_of_work(engine) as session:
            import_workspace(session=session, document=load_demo_document())
    return engine


def database_url() -> str:
    try:
        secrets = dict(st.secrets)
    except Exception:  # no secrets.toml is the normal case, and Streamlit raises for it
        secrets = {}
    return database_url_from_env(secrets)


def engine() -> Engine:
    return engine_for(database_url())


def read(fn: Callable[..., Any], **kwargs) -> Any:
    """Call a read service in a short session of its own."""
    with read_session(engine()) as session:
        return fn(session=session, **kwargs)


def attempt(fn: Callable[..., Any], **kwargs) -> tuple[Any | None, ValidationProblem | None]:
    """Run one user action in one transaction: (result, None), or (None, problem) with
    nothing written. For callbacks, which cannot draw beside their widget."""
    try:
        with unit_of_work(engine()) as session:
            return fn(session=session, **kwargs), None
    except ValidationProblem as exc:
        return None, exc


def act(fn: Callable[..., Any], *, where=None, scope: tuple | None = None, **kwargs) -> Any | None:
    """Run one user action in one transaction; on a problem show it in `where` (a container
    beside the input) and return None. `scope` (kind, workspace id, item id, as for `edit_scope`):
    after a save, or a save refused because someone else saved first, the item's form is drawn
    afresh from what the item is then."""
    result, problem = attempt(fn, **kwargs)
    if problem is not None:
        show_problems(problem, where)
    if scope is not None and (problem is None or isinstance(problem, StaleEdit)):
        redraw(*scope)
    return result


def edit_scope(kind: str, workspace_id: int, item_id: Any, version: Any) -> tuple[str, Any]:
    """The key prefix for the widgets that edit one item, and the version they were drawn from
    (an item's version, or a table's {row id: version}). The prefix names the workspace, the item
    and that version: another workspace or item never shows this one's values, and a form drawn
    before someone else saved keeps what was typed and is refused on save, never silently redrawn.
    After a save, `redraw` lets the next run draw from the item as it is then."""
    memory = f"_drawn_{kind}_{workspace_id}_{item_id}"
    drawn = st.session_state.setdefault(memory, version)
    tag = drawn if isinstance(drawn, int) else hashlib.sha256(repr(sorted(drawn.items())).encode()).hexdigest()[:8]
    return f"{kind}_{workspace_id}_{item_id}_v{tag}", drawn


def workspace_keys(workspace_id: int) -> Callable[[str], str]:
    """The keys of a page's own widgets (its add forms, filters and choices), named by the workspace:
    `key("plan_new_title")` is "plan_new_title_w<workspace>". What was half typed or chosen in one
    workspace never shows, nor is sent, in another."""
    return lambda name: f"{name}_w{workspace_id}"


def _keys_here() -> Callable[[str], str]:
    """`workspace_keys` of the workspace this run shows (set by `workbench_page`), for the helpers
    that draw a page's widgets."""
    return workspace_keys(st.session_state["workspace_id"])


def rows_tag(items: list) -> str:
    """A short name for a list of items as drawn (their ids and versions), for an editable table's key."""
    return hashlib.sha256(repr([(i.id, i.version) for i in items]).encode()).hexdigest()[:8]


def rows_editor_key(name: str, workspace_id: int, items: list) -> str:
    """The key of a table saved row by row (segments, the plan), naming the rows as drawn (ids and
    versions): when someone else changes a row, a new editor shows it as it is, and an edit made
    meanwhile carries the version it was drawn from. The ids and versions are kept beside the key,
    for `save_row_edits`."""
    version = st.session_state.setdefault(f"{name}_editor_version", 0)
    key = f"{name}_editor_{workspace_id}_{version}_{rows_tag(items)}"
    st.session_state[f"{key}_ids"] = [i.id for i in items]
    st.session_state[f"{key}_versions"] = [i.version for i in items]
    return key


def save_row_edits(name: str, workspace_id: int, key: str, *, editable: set[str], apply: Callable[..., dict],
                   text_scope: str, extra: Callable[[], dict] | None = None) -> None:
    """The `on_change` of a table saved row by row: its edits as commands, carrying each row's
    version, applied in one transaction by `apply(workspace_id=, commands=, **extra())`. Saved, the
    table is drawn afresh and says what was saved; refused, the problem waits in `<name>_problems`
    for the page to show beside the table. A row this browser changed has its text form (`text_scope`)
    drawn from the change."""
    commands = editor_commands(st.session_state[f"{key}_ids"], st.session_state[key], editable,
                               st.session_state[f"{key}_versions"])
    if not commands:
        return
    done, problem = attempt(apply, workspace_id=workspace_id, commands=commands, **(extra() if extra else {}))
    if problem is not None:
        st.session_state[f"{name}_problems"] = (workspace_id, problem)
        return
    st.session_state.pop(f"{name}_problems", None)
    st.session_state[f"{name}_editor_version"] += 1
    for changed in commands.updates:
        redraw(text_scope, workspace_id, changed.id)
    flash(name, "Saved: " + ", ".join(f"{n} {what}" for what, n in done.items() if n) + ".")


def show_row_problems(name: str, workspace_id: int) -> None:
    """What `save_row_edits` refused, shown beside its table (only in the workspace it was refused
    in), with "Discard unsaved changes" to start again from what is saved."""
    pending = st.session_state.get(f"{name}_problems")
    if pending and pending[0] == workspace_id:
        show_problems(pending[1])
        if st.button("Discard unsaved changes", key=f"{name}_discard", icon=":material/undo:"):
            st.session_state.pop(f"{name}_problems", None)
            st.session_state[f"{name}_editor_version"] += 1
            st.rerun()


def redraw(kind: str, workspace_id: int, item_id: Any) -> None:
    """Forget the version an item's form was drawn from: it is drawn from the item as it is now."""
    st.session_state.pop(f"_drawn_{kind}_{workspace_id}_{item_id}", None)


def show_problems(exc: ValidationProblem, where=None) -> None:
    target = where if where is not None else st
    if isinstance(exc, StaleEdit):
        _show_stale(exc, target)
        return
    lines = [f"- {md_escape(str(p))}" for p in exc.problems[:20]]
    if len(exc.problems) > 20:
        lines.append(f"- … and {len(exc.problems) - 20} more")
    heading = "Nothing was saved." if len(exc.problems) > 1 else "Nothing was saved:"
    if len(exc.problems) == 1:
        target.error(f"{heading} {md_escape(str(exc.problems[0]))}", icon=":material/error:")
    else:
        target.error(heading + "\n\n" + "\n".join(lines), icon=":material/error:")


def _show_stale(exc: StaleEdit, target) -> None:
    """Someone else saved first: say so, show what the item is now, and offer to start from there
    (what this browser typed stays in the form until then, to copy from)."""
    lines = [f"- **{md_escape(label)}:** {md_escape(value)}" for label, value in exc.current.items()]
    target.error("Nothing was saved: " + md_escape(str(exc.problems[0])) + ("\n\n" + "\n".join(lines) if lines else "")
                 + "\n\nFrom your next click on, the form shows it as it is now.",
                 icon=":material/sync_problem:")


def flash(key: str, message: str) -> None:
    """Remember a confirmation to show after the rerun, where the action happened."""
    st.session_state[f"_flash_{key}"] = message


def show_flash(key: str) -> None:
    message = st.session_state.pop(f"_flash_{key}", None)
    if message:
        st.success(md_escape(message), icon=":material/check_circle:")


def clear_form(values: dict[str, Any], *, key: Callable[[str], str] = str) -> None:
    """Empty a form after its action succeeded: on the next run its widgets (named `key(name)`) take
    `values` (their empty values). Forgetting a widget's value is not enough: the browser keeps
    showing, and sends again, what was typed; a value assigned before the widget is drawn is sent
    to the browser."""
    st.session_state["_form_resets"] = (st.session_state.get("_form_resets", {})
                                        | {key(name): value for name, value in values.items()})


def _apply_form_resets() -> None:
    for key, value in st.session_state.pop("_form_resets", {}).items():
        st.session_state[key] = value


def saved_table(name: str, *, rows: list[dict], columns: dict[str, str], key: str, scope: tuple,
                save: Callable[[list[dict]], tuple[Callable[..., Any], dict]], confirm: Callable[[Any], str],
                **editor: Any) -> None:
    """A data editor for a table saved as a whole (key factors, agreed values, the target choice,
    milestones, measured values, who took part), saved at each change as the Segments and plan
    tables are: every table in the app saves this way, only forms save on a button.

    `rows` are the rows as drawn (label -> value, plus keys such as an id that are not shown) and
    `columns` their label -> kind for `editor_frame`; `key` is the editor's key (from `edit_scope`)
    and `scope` the (kind, workspace id, item id) it was drawn for. At each change the whole edited
    table is rebuilt (`edited_records`) and `save(records)` names the service and its arguments
    (with the versions drawn), run in one transaction. Saved, `confirm(result)` is shown at the table
    and the table is drawn afresh; refused, the problem is shown at the table and what was typed
    stays, so the next cell completes a half-typed row ("Discard unsaved changes" starts again from
    what is saved). Refused because someone else saved first, the table is drawn as it is now at
    once, as `act` does for forms."""
    version = st.session_state.setdefault(f"_table_version_{name}", 0)
    editor_key = f"{key}_{version}"
    saved = st.session_state.pop(f"_table_saved_{name}", None)
    if saved and saved[0] == scope:
        st.success(md_escape(saved[1]), icon=":material/check_circle:")
    refused = st.session_state.get(f"_table_problem_{name}")
    if refused and isinstance(refused[2], StaleEdit):
        st.session_state.pop(f"_table_problem_{name}")  # said once: the table shows what is saved now
        if refused[0] == scope:
            show_problems(refused[2])
    elif refused and refused[0] == scope and refused[1] in st.session_state:  # what was typed is still there
        show_problems(refused[2])
        if st.button("Discard unsaved changes", key=f"{name}_discard", icon=":material/undo:"):
            st.session_state.pop(f"_table_problem_{name}", None)
            st.session_state[f"_table_version_{name}"] += 1
            redraw(*scope)
            st.rerun()
    st.data_editor(editor_frame(rows, columns), key=editor_key, on_change=_save_table,
                   args=(name, editor_key, rows, columns, scope, save, confirm), hide_index=True, placeholder="", width="stretch",
                   **editor)


def _save_table(name: str, editor_key: str, rows: list[dict], columns: dict[str, str], scope: tuple,
                save: Callable[[list[dict]], tuple[Callable[..., Any], dict]], confirm: Callable[[Any], str]) -> None:
    records = edited_records(rows, st.session_state.get(editor_key) or {}, columns)
    if records == [dict(row) for row in rows]:
        return  # a new row not typed into yet: nothing to save, and the row stays open for typing
    fn, kwargs = save(records)
    result, problem = attempt(fn, **kwargs)
    if problem is None or isinstance(problem, StaleEdit):
        st.session_state[f"_table_version_{name}"] = st.session_state.get(f"_table_version_{name}", 0) + 1
        redraw(*scope)
    if problem is None:
        st.session_state.pop(f"_table_problem_{name}", None)
        st.session_state[f"_table_saved_{name}"] = (scope, confirm(result))
    else:
        st.session_state.pop(f"_table_saved_{name}", None)
        st.session_state[f"_table_problem_{name}"] = (scope, editor_key, problem)


def set_workspace(workspace_id: int) -> None:
    st.session_state["workspace_id"] = workspace_id
    st.query_params[WORKSPACE_PARAM] = str(workspace_id)


def _switch_workspace() -> None:
    set_workspace(st.session_state["workspace_switcher"])


def _onboarding() -> None:
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
    return st.navigation({
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
    }, expanded=True)  # every step of the method in sight, not "View 3 more"


def workbench_page(title: str) -> WorkspaceRead:
    """Frame every page: page config, sidebar with the workspace switcher; returns the
    current workspace (from the URL, then this session, then the first one)."""
    _apply_form_resets()
    st.set_page_config(page_title=f"{title} · {APP_TITLE}", page_icon=":material/hub:", layout="wide")
    workspaces = read(list_workspaces)
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
        st.selectbox("Workspace", options=list(by_id), format_func=lambda i: by_id[i].name,
                     key="workspace_switcher", on_change=_switch_workspace,
                     help="Everything you see and edit belongs to this workspace. The link in the "
                          "address bar opens the same workspace.")
        st.caption("Method: 1 · Analysis → 2 · Strategy → 3 · Implementation")
    return by_id[current_id]


def choose_participant(*, key: str, participants: list, flash_key: str, purpose: str) -> int | None:
    """"Rating as …": the participant this browser rates for. With no participants yet, a small
    form to add oneself (ratings always belong to a named participant)."""
    from crmstrategy.analysis.participants import create_participant

    workspace_id = st.session_state["workspace_id"]
    wkey = _keys_here()
    key_prefix = key.removesuffix("_rater")
    if not participants:
        st.info(f"{purpose} belong to participants. Add yourself here, or the whole group on the Participants page.")
        with st.form(f"{key_prefix}_add_self", border=True):
            c1, c2 = st.columns(2)
            me = c1.text_input("Your name", key=wkey(f"{key_prefix}_self_name"), max_chars=120)
            department = c2.text_input("Your department", key=wkey(f"{key_prefix}_self_department"), max_chars=120)
            add_me = st.form_submit_button("Add me", type="primary", key=wkey(f"{key_prefix}_self_submit"))
        add_problems = st.container()
        if add_me:
            if act(create_participant, workspace_id=workspace_id, where=add_problems,
                   data={"name": me, "department": department}):
                flash(flash_key, f"Added {me.strip()}. Now give your ratings.")
                st.rerun()
        page_link(Place.PARTICIPANTS, "Go to Participants", icon=":material/group_add:")
        return None
    by_id = {p.id: p for p in participants}
    return st.selectbox("Rating as", list(by_id), key=wkey(key),
                        format_func=lambda i: by_id[i].name + (f" · {by_id[i].department}" if by_id[i].department else ""))


def segments_or_stop(workspace_id: int, why: str, *, step: str) -> list:
    """The workspace's segments; with none yet, say why this page needs them, link to Segments and
    stop the page there (after the footer of `step`, the page's place on the method's path)."""
    from crmstrategy.analysis.segments import list_segments

    segments = read(list_segments, workspace_id=workspace_id)
    if not segments:
        st.info(why)
        page_link(Place.SEGMENTS, "Describe the segments first", icon=":material/arrow_forward:")
        step_footer(step)
        st.stop()
    return segments


def vanished(key: str, options: list) -> bool:
    """Whether what this browser chose in the select box `key` is gone from its `options` (someone
    deleted it meanwhile). Asked before the box is drawn: a box whose choice is gone falls back to
    its first option, and a form would then save on something the user never chose."""
    if key not in st.session_state:
        return False
    try:
        return st.session_state[key] not in options
    except Exception:  # a choice that cannot even be read back is gone too
        return True


def page_link(page: Place | str, label: str, icon: str | None = None) -> None:
    """A link to another page (a place of the app, or a page script) that keeps the current
    workspace in the URL."""
    params = {WORKSPACE_PARAM: st.query_params.get(WORKSPACE_PARAM, "")}
    st.page_link(PAGE_FILES[page] if isinstance(page, Place) else page, label=label, icon=icon, query_params=params)


def step_footer(title: str) -> None:
    """The foot of a page on the method's path (crmstrategy.method_path): "← Back" to the step before
    and "Next step" to the one after, as links that keep the workspace; the next step stands out (in a
    box, bold in the theme's primary colour), since walking on is what the group does most."""
    back, forward = neighbours(title)
    st.divider()
    with st.container(key="step_footer", horizontal=True, horizontal_alignment="distribute",
                      vertical_alignment="center"):
        with st.container(key="step_back", width="content"):
            if back is not None:
                page_link(back.page, f"← Back: {back.title}")
        if forward is not None:
            with st.container(key="step_next", width="content", border=True):
                page_link(forward.page, f"**:primary[Next step: {forward.title} →]**")


def download_file_name(what: str, ext: str) -> str:
    """The name of a download on this page: the current workspace, what it is, and today."""
    return download_name(st.session_state.get("_workspace_name", ""), what, ext, clock.today())


def import_panel(*, key: str, noun: str, columns_help: str, template_header: list[str],
                 parse: Callable[[bytes, str], ImportPreview], preview_table: Callable[[list], pd.DataFrame],
                 save: Callable[..., int | None], workspace_id: int, after_save: Callable[[], None] | None = None) -> None:
    """Upload a CSV/XLSX, see which rows are ready and which are rejected and why, then confirm.
    Nothing is written before the confirmation, and then all ready rows in one transaction.
    `save(session=, workspace_id=, rows=[(file row, data)])` is the service that writes them."""
    st.write(columns_help + " You see a preview first; nothing is saved until you confirm.")
    wkey = workspace_keys(workspace_id)
    st.download_button("Download a template (.csv)", key=wkey(f"{key}_template"), on_click="ignore",
                       data=to_csv_bytes(template_header, []), file_name=download_file_name(f"{key}-template", "csv"),
                       mime="text/csv")
    # A file chosen in one workspace is never offered for import into another
    version_key = f"{key}_import_version"
    upload = st.file_uploader("CSV or XLSX file", type=["csv", "xlsx"],
                              key=f"{key}_import_{workspace_id}_{st.session_state.setdefault(version_key, 0)}")
    if upload is None:
        return
    try:
        preview = parse(upload.getvalue(), upload.name)
    except ValidationProblem as exc:
        show_problems(exc)
        return
    ready, rejected = len(preview.valid), len(preview.rejected)
    plural = "s" if ready != 1 else ""
    st.markdown(f"**{ready}** row{plural} ready to import, **{rejected}** rejected.")
    if preview.valid:
        st.dataframe(preview_table(preview.valid), hide_index=True, placeholder="", width="stretch")
    if preview.rejected:
        st.markdown("**Rejected rows** (fix them in the file and upload it again):")
        st.dataframe(pd.DataFrame({"Row": [r.row for r in preview.rejected],
                                   "Values": [" · ".join(str(v)[:40] for v in r.values.values() if v not in (None, ""))
                                              for r in preview.rejected],
                                   "Why": [" ".join(r.reasons) for r in preview.rejected]}),
                     hide_index=True, placeholder="", width="stretch")
    problems = st.container()
    if st.button(f"Import {ready} {noun}{plural}", key=wkey(f"{key}_import_confirm"), type="primary", disabled=not ready):
        created = act(save, workspace_id=workspace_id, rows=preview.valid, where=problems)
        if created is not None:
            st.session_state[version_key] += 1
            if after_save:
                after_save()
            flash(key, f"Imported {created} {noun}{'s' if created != 1 else ''}.")
            st.rerun()


def export_buttons(*, key: str, label: str, what: str, xlsx: Callable[[], bytes], csv: Callable[[], bytes]) -> None:
    """Excel and CSV downloads, built only when clicked; `what` names the files (download_file_name)."""
    wkey = _keys_here()
    left, right, _ = st.columns([1, 1, 3])
    left.download_button(f"{label} (.xlsx)", key=wkey(f"{key}_export_xlsx"), icon=":material/download:", data=xlsx,
                         file_name=download_file_name(what, "xlsx"), on_click="ignore",
                         mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    right.download_button(f"{label} (.csv)", key=wkey(f"{key}_export_csv"), icon=":material/download:", data=csv,
                          file_name=download_file_name(what, "csv"), mime="text/csv", on_click="ignore")


@st.cache_data(show_spinner=False, max_entries=200)
def _cached_spec(fingerprint: str, _build: Callable[[], dict]) -> dict:
    return _build()


def cached_chart_spec(name: str, build: Callable[[], dict], *inputs: Any) -> dict:
    """The Vega-Lite spec of the chart `name`, built once for the same `inputs` (everything the
    chart is drawn from, passed whole). Building an Altair chart costs most of a page's run, and a workshop reruns
    the page on every click while the map or matrix rarely changes."""
    fingerprint = hashlib.sha256(repr((name, inputs)).encode("utf-8")).hexdigest()
    return _cached_spec(fingerprint, build)


_CHECK_MARKS = {"pass": ":green[:material/check_circle:]", "warn": ":orange[:material/error:]",
                "info": ":gray[:material/info:]"}


def show_check(check) -> None:
    """One promise check (crmstrategy.promise_checks.PromiseCheck): its mark, title and sentence, and
    the words it found or misses as badges."""
    with st.container(border=True, key=f"promise_check_{check.key}"):
        st.markdown(f"{_CHECK_MARKS[check.status]} **{check.title}**  \n{md_escape(check.message)}")
        if check.key == "needs" and (check.found or check.missing):
            st.markdown(" ".join([f":green-badge[:material/check: {md_escape(w)}]" for w in check.found]
                                 + [f":orange-badge[{md_escape(w)}]" for w in check.missing]))
        elif check.found:
            st.markdown(" ".join(f":red-badge[{md_escape(w)}]" for w in check.found))


def word_diff_markdown(diff: list[tuple[str, str]], side: str) -> str:
    """One side of a word diff as Markdown: the left side ("removed") strikes its own words through
    in red, the right side ("added") marks its own in green; a run of changed words is one mark.
    Every word is escaped, so it shows literally."""
    runs: list[tuple[str, list[str]]] = []
    for op, word in diff:
        if op not in ("same", side):
            continue
        if runs and runs[-1][0] == op:
            runs[-1][1].append(word)
        else:
            runs.append((op, [word]))
    shown = []
    for op, run in runs:
        text = " ".join(md_escape(w) for w in run)
        shown.append(text if op == "same" else
                     f":red-background[~~{text}~~]" if op == "removed" else f":green-background[{text}]")
    return " ".join(shown)


def promise_downloads(version, workspace_name: str, *, key: str) -> None:
    """The promise as a PDF card, a PNG card and plain text, each built only when clicked."""
    from crmstrategy.strategy.promise_cards import card_of, promise_pdf, promise_png, promise_text

    what = f"customer-promise-v{version.number}"
    wkey = _keys_here()
    c1, c2, c3, _ = st.columns([1, 1, 1, 2])
    c1.download_button("PDF card", key=wkey(f"{key}_pdf"), icon=":material/download:", on_click="ignore",
                       data=lambda: promise_pdf(card_of(version, workspace_name)), file_name=download_file_name(what, "pdf"),
                       mime="application/pdf")
    c2.download_button("PNG card", key=wkey(f"{key}_png"), icon=":material/download:", on_click="ignore",
                       data=lambda: promise_png(card_of(version, workspace_name)), file_name=download_file_name(what, "png"),
                       mime="image/png")
    c3.download_button("Text", key=wkey(f"{key}_txt"), icon=":material/download:", on_click="ignore",
                       data=lambda: promise_text(version, workspace_name).encode("utf-8"), file_name=download_file_name(what, "txt"),
                       mime="text/plain")
