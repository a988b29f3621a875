"""One transaction per user action, and what the user is told: reads and writes through a fresh session,
problems shown where the user is looking, widget keys named by the workspace and the item drawn."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import streamlit as st
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from streamlit.logger import get_logger

from crmstrategy.core.database_health import DatabaseUnavailable, explain_failure, explained_failures, open_database
from crmstrategy.core.db import database_url_from_env, read_session, unit_of_work
from crmstrategy.core.errors import DatabaseNotWritable, ValidationProblem
from crmstrategy.core.text import md_escape
from crmstrategy.core.versioning import StaleEdit
from crmstrategy.workspace.workspace_file import import_workspace, load_demo_document
from crmstrategy.workspace.workspaces import list_workspaces

LOG = get_logger(__name__)


def _release(engine: Engine) -> None:
    engine.dispose()


@st.cache_resource(show_spinner=False, on_release=_release)
def engine_for(url: str) -> Engine:
    """One engine per database URL for the whole server; schema upgraded, demo loaded if empty.

    A database the app cannot use raises DatabaseUnavailable. st.cache_resource keeps only what the
    function returns, never what it raised: the next run checks the database again, so fixing it and
    reloading the page is enough."""
    engine = open_database(url)
    with explained_failures(url, engine):
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
    """Call a read service in a short session of its own. A database that broke while the app ran
    (a file replaced, a server gone) raises DatabaseUnavailable, and the next run checks it afresh."""
    url = database_url()
    try:
        with read_session(engine_for(url)) as session:
            return fn(session=session, **kwargs)
    except DBAPIError as exc:
        problem = explain_failure(url, exc)
        if problem is None:
            raise
        engine_for.clear(url)  # its pooled connections may hold the broken file open
        raise problem from exc


def attempt(fn: Callable[..., Any], **kwargs) -> tuple[Any | None, ValidationProblem | None]:
    """Run one user action in one transaction: (result, None), or (None, problem) with
    nothing written. For callbacks, which cannot draw beside their widget."""
    try:
        with unit_of_work(engine()) as session:
            return fn(session=session, **kwargs), None
    except DatabaseNotWritable as exc:
        LOG.warning("A save was refused by the database: %s", exc.__cause__)
        # A connection SQLite opened read-only stays read-only: after the file is fixed, the next
        # save must get a fresh one.
        engine().dispose()
        return None, exc
    except DatabaseUnavailable as exc:  # the database broke since this page was drawn
        LOG.warning("The database cannot be used (%s): %s", exc.kind, exc.detail)
        return None, DatabaseNotWritable(f"{exc.what} Nothing was saved. {exc.advice}")
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


def redraw(kind: str, workspace_id: int, item_id: Any) -> None:
    """Forget the version an item's form was drawn from: it is drawn from the item as it is now."""
    st.session_state.pop(f"_drawn_{kind}_{workspace_id}_{item_id}", None)


def show_problems(exc: ValidationProblem, where=None) -> None:
    target = where if where is not None else st
    if isinstance(exc, DatabaseNotWritable):  # its message says that nothing was saved
        target.error(md_escape(str(exc.problems[0])), icon=":material/database:")
        return
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
    target.error(
        "Nothing was saved: "
        + md_escape(str(exc.problems[0]))
        + ("\n\n" + "\n".join(lines) if lines else "")
        + "\n\nFrom your next click on, the form shows it as it is now.",
        icon=":material/sync_problem:",
    )


def flash(key: str, message: str) -> None:
    """Remember a confirmation to show after the rerun, where the action happened."""
    st.session_state[f"_flash_{key}"] = message


def show_flash(key: str) -> None:
    message = st.session_state.pop(f"_flash_{key}", None)
    if message:
        st.success(md_escape(message), icon=":material/check_circle:")


def remember_outcome(key: str, problem: ValidationProblem | None, confirmation: Callable[[], str]) -> None:
    """For a callback that saved and then reruns only its fragments: remember what came of it for
    `show_outcome(key)` there, the confirmation when it was saved, else the problem."""
    if problem is None:
        flash(key, confirmation())
    else:
        st.session_state[f"_problem_{key}"] = problem


def show_outcome(key: str) -> None:
    problem = st.session_state.pop(f"_problem_{key}", None)
    if problem is not None:
        show_problems(problem)
    show_flash(key)


def clear_form(values: dict[str, Any], *, key: Callable[[str], str] = str) -> None:
    """Empty a form after its action succeeded: on the next run its widgets (named `key(name)`) take
    `values` (their empty values). Forgetting a widget's value is not enough: the browser keeps
    showing, and sends again, what was typed; a value assigned before the widget is drawn is sent
    to the browser."""
    st.session_state["_form_resets"] = st.session_state.get("_form_resets", {}) | {
        key(name): value for name, value in values.items()
    }


def _apply_form_resets() -> None:
    kept = st.session_state.get("_kept_typed", {})
    for key, value in st.session_state.pop("_form_resets", {}).items():
        st.session_state[key] = value
        kept.pop(key, None)


def kept_typed(key: str) -> dict[str, Any]:
    """For a text input in a tab that runs only while it is open: what was typed and not yet acted
    on outlives a look at another tab. Streamlit forgets the value of a widget a run does not draw,
    so each change is kept aside (the widget's `on_change`) and given back when the tab draws the
    widget again. Returns the keyword arguments for the widget."""
    kept = st.session_state.setdefault("_kept_typed", {})
    if key not in st.session_state and key in kept:
        st.session_state[key] = kept[key]
    return {"key": key, "on_change": _keep_typed, "args": (key,)}


def _keep_typed(key: str) -> None:
    st.session_state.setdefault("_kept_typed", {})[key] = st.session_state[key]
