"""Workspaces: create (empty or from the demo), rename, duplicate, export, import, delete."""

import streamlit as st

from crmstrategy.core import clock
from crmstrategy.core.errors import ValidationProblem
from crmstrategy.core.fields import text_limit
from crmstrategy.core.models import CURRENCY_LENGTH, WorkspaceCreate
from crmstrategy.core.text import download_name, md_escape
from crmstrategy.ui.actions import (
    act,
    clear_form,
    edit_scope,
    flash,
    read,
    show_flash,
    show_problems,
    workspace_keys,
)
from crmstrategy.ui.frame import set_workspace, workbench_page
from crmstrategy.workspace.workspace_file import (
    export_workspace,
    export_workspace_json,
    import_workspace,
    load_demo_document,
    parse_workspace_file,
)
from crmstrategy.workspace.workspaces import (
    create_workspace,
    delete_workspace,
    list_workspaces,
    update_workspace,
)

ws = workbench_page("Workspaces")
NAME_LIMIT = text_limit(WorkspaceCreate, "name")
COPY = " (copy)"

st.title("Workspaces")
st.caption("A workspace holds one strategy: one company or one business unit. Everything in it is saved as you go.")
show_flash("workspaces")

current_tab, create_tab, import_tab = st.tabs(["Current workspace", "Create", "Import"])

with create_tab:
    with st.form("workspace_create", clear_on_submit=False, border=True):
        name = st.text_input(
            "Name", key="ws_create_name", max_chars=NAME_LIMIT, placeholder="e.g. Nordvik Rørhandel 2027"
        )
        currency = st.text_input(
            "Currency",
            value="NOK",
            key="ws_create_currency",
            max_chars=CURRENCY_LENGTH,
            help="Three-letter code, used for revenue and potential.",
        )
        start = st.radio("Start from", ["Empty", "A copy of the demo"], key="ws_create_start", horizontal=True)
        submitted = st.form_submit_button("Create workspace", type="primary", key="ws_create_submit")
    problems = st.container()
    if submitted:
        if start == "Empty":
            created = act(create_workspace, data={"name": name, "currency": currency}, where=problems)
        else:
            demo = load_demo_document()
            demo["workspace"]["currency"] = currency
            created = act(import_workspace, document=demo, name=name, exact_name=True, where=problems)
        if created:
            set_workspace(created.id)
            clear_form({"ws_create_name": ""})  # the next new workspace starts from an empty name
            flash("workspaces", f"Created '{created.name}'. It is now the current workspace.")
            st.rerun()

if ws is not None:
    with current_tab:
        st.header(md_escape(ws.name))
        # Keyed by the workspace and the version drawn: after a create, a switch or a delete the form shows
        # the current workspace, never the one before, and saves only onto the workspace it shows.
        scoped, drawn = edit_scope("ws_rename", ws.id, ws.id, ws.version)
        with st.form(scoped, border=True):
            new_name = st.text_input("Name", value=ws.name, key=f"{scoped}_name", max_chars=NAME_LIMIT)
            new_currency = st.text_input(
                "Currency", value=ws.currency, key=f"{scoped}_currency", max_chars=CURRENCY_LENGTH
            )
            new_description = st.text_area(
                "Description",
                value=ws.description,
                key=f"{scoped}_description",
                max_chars=text_limit(WorkspaceCreate, "description"),
                help="One or two sentences on the company and the purpose.",
            )
            renamed = st.form_submit_button("Save changes", type="primary", key=f"{scoped}_submit")
        problems = st.container()
        if renamed:
            saved = act(
                update_workspace,
                workspace_id=ws.id,
                where=problems,
                version=drawn,
                scope=("ws_rename", ws.id, ws.id),
                changes={"name": new_name, "currency": new_currency, "description": new_description},
            )
            if saved:
                flash("workspaces", f"Saved '{saved.name}'.")
                st.rerun()

        st.markdown("**Duplicate**")
        dup_col, dup_button = st.columns([3, 1], vertical_alignment="bottom")
        # The suggestion fits the box: Streamlit would cut a longer one at the end, losing "(copy)".
        dup_name = dup_col.text_input(
            "Name of the copy",
            value=ws.name[: NAME_LIMIT - len(COPY)].rstrip() + COPY,
            key=f"{scoped}_duplicate_name",
            max_chars=NAME_LIMIT,
        )
        dup_problems = st.container()
        if dup_button.button("Duplicate", key=f"ws_duplicate_{ws.id}"):

            def _duplicate(session):
                return import_workspace(
                    session=session, document=export_workspace(session=session, workspace_id=ws.id), name=dup_name
                )

            copy = act(_duplicate, where=dup_problems)
            if copy:
                set_workspace(copy.id)
                flash("workspaces", f"Duplicated as '{copy.name}', now the current workspace.")
                st.rerun()

        st.markdown("**Export**")
        st.download_button(
            "Download workspace (.json)",
            key=workspace_keys(ws.id)("ws_export"),
            data=lambda: read(export_workspace_json, workspace_id=ws.id),
            file_name=download_name(ws.name, "workspace", "json", clock.today()),
            mime="application/json",
            on_click="ignore",
            icon=":material/download:",
            help="One file with everything in this workspace; import it here or elsewhere.",
        )

        with st.expander("Delete this workspace", icon=":material/delete:"):
            st.warning(
                "Deleting removes the workspace and everything in it. This cannot be undone. "
                "Download it first if you may need it again."
            )
            confirm = st.text_input(
                "Type the name of the workspace to confirm", key=f"ws_delete_confirm_{ws.id}", max_chars=NAME_LIMIT
            )
            delete_problems = st.container()
            if st.button("Delete workspace", key=f"ws_delete_{ws.id}", type="primary"):
                if act(delete_workspace, workspace_id=ws.id, confirm_name=confirm, where=delete_problems):
                    remaining = read(list_workspaces)
                    st.session_state.pop("workspace_id", None)
                    st.query_params.clear()
                    if remaining:
                        set_workspace(remaining[0].id)
                    flash("workspaces", f"Deleted '{ws.name}'.")
                    st.rerun()

with import_tab:
    st.write(
        "Import a workspace exported from this workbench (.json). It becomes a new workspace; "
        "nothing existing is changed."
    )
    upload = st.file_uploader("Workspace file", type=["json"], key="ws_import_file")
    import_name = st.text_input(
        "Name (optional: keep the name in the file)", key="ws_import_name", max_chars=NAME_LIMIT
    )
    import_problems = st.container()
    if st.button("Import workspace", key="ws_import", type="primary", disabled=upload is None):
        try:
            document = parse_workspace_file(upload.getvalue())
        except ValidationProblem as exc:
            show_problems(exc, import_problems)
        else:
            imported = act(import_workspace, document=document, name=import_name or None, where=import_problems)
            if imported:
                set_workspace(imported.id)
                flash("workspaces", f"Imported '{imported.name}', now the current workspace.")
                st.rerun()
