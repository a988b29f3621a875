"""Editable tables: a `st.data_editor` whose rows are saved one by one as they change (segments, the
plan) or as a whole (key factors, milestones, measured values ...), refused edits shown at the table."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import streamlit as st

from crmstrategy.core.editor import edited_records, editor_commands, editor_frame
from crmstrategy.core.text import md_escape
from crmstrategy.core.versioning import StaleEdit
from crmstrategy.ui.actions import attempt, flash, redraw, show_problems


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


def save_row_edits(
    name: str,
    workspace_id: int,
    key: str,
    *,
    editable: set[str],
    apply: Callable[..., dict],
    text_scope: str,
    extra: Callable[[], dict] | None = None,
) -> None:
    """The `on_change` of a table saved row by row: its edits as commands, carrying each row's
    version, applied in one transaction by `apply(workspace_id=, commands=, **extra())`. Saved, the
    table is drawn afresh and says what was saved; refused, the problem waits in `<name>_problems`
    for the page to show beside the table. A row this browser changed has its text form (`text_scope`)
    drawn from the change."""
    commands = editor_commands(
        st.session_state[f"{key}_ids"], st.session_state[key], editable, st.session_state[f"{key}_versions"]
    )
    if not commands:
        return
    done, problem = attempt(apply, workspace_id=workspace_id, commands=commands, **(extra() if extra else {}))
    if problem is not None:
        st.session_state[f"{name}_problems"] = (workspace_id, problem)
        return
    assert done is not None  # applied: `apply` returned its counts
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


def rows_table(
    name: str,
    *,
    workspace_id: int,
    items: list,
    rows: list[dict],
    columns: dict[str, str],
    editable: set[str],
    apply: Callable[..., dict],
    text_scope: str,
    extra: Callable[[], dict] | None = None,
    **editor: Any,
) -> None:
    """A data editor whose rows are saved one by one as they change (segments, the plan): `items`
    are the rows as read (their ids and versions name the editor, `rows_editor_key`), `rows` what
    each shows (name -> value) and `columns` their kinds for `editor_frame`, so an empty table takes
    a first row. What `save_row_edits` refused is shown above the table first; rows can be added
    and deleted; `editor` is passed on (column order and config, disabled columns)."""
    key = rows_editor_key(name, workspace_id, items)
    show_row_problems(name, workspace_id)
    st.data_editor(
        editor_frame(rows, columns),
        key=key,
        on_change=save_row_edits,
        args=(name, workspace_id, key),
        kwargs={"editable": editable, "apply": apply, "text_scope": text_scope, "extra": extra},
        num_rows="dynamic",
        hide_index=True,
        placeholder="",
        width="stretch",
        **editor,
    )


def saved_table(
    name: str,
    *,
    rows: list[dict],
    columns: dict[str, str],
    key: str,
    scope: tuple,
    save: Callable[[list[dict]], tuple[Callable[..., Any], dict]],
    confirm: Callable[[Any], str],
    **editor: Any,
) -> None:
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
    st.data_editor(
        editor_frame(rows, columns),
        key=editor_key,
        on_change=_save_table,
        args=(name, editor_key, rows, columns, scope, save, confirm),
        hide_index=True,
        placeholder="",
        width="stretch",
        **editor,
    )


def _save_table(
    name: str,
    editor_key: str,
    rows: list[dict],
    columns: dict[str, str],
    scope: tuple,
    save: Callable[[list[dict]], tuple[Callable[..., Any], dict]],
    confirm: Callable[[Any], str],
) -> None:
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
