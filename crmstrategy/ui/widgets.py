"""The widgets several pages share: who is rating, the segments a page needs, imports with a preview,
export buttons, cached charts, the promise checks and cards."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from crmstrategy.core.errors import ValidationProblem
from crmstrategy.core.tabular import ImportPreview, to_csv_bytes
from crmstrategy.core.text import md_escape
from crmstrategy.ui.actions import _keys_here, act, flash, read, show_problems, workspace_keys
from crmstrategy.ui.frame import download_file_name, page_link, step_footer
from crmstrategy.workspace.method_path import Place


def choose_participant(*, key: str, participants: list, flash_key: str, purpose: str) -> int | None:
    """ "Rating as …": the participant this browser rates for. With no participants yet, a small
    form to add oneself (ratings always belong to a named participant)."""
    from crmstrategy.analysis.models import ParticipantCreate
    from crmstrategy.analysis.participants import create_participant
    from crmstrategy.core.fields import text_limit

    workspace_id = st.session_state["workspace_id"]
    wkey = _keys_here()
    key_prefix = key.removesuffix("_rater")
    if not participants:
        st.info(f"{purpose} belong to participants. Add yourself here, or the whole group on the Participants page.")
        with st.form(f"{key_prefix}_add_self", border=True):
            c1, c2 = st.columns(2)
            me = c1.text_input(
                "Your name", key=wkey(f"{key_prefix}_self_name"), max_chars=text_limit(ParticipantCreate, "name")
            )
            department = c2.text_input(
                "Your department",
                key=wkey(f"{key_prefix}_self_department"),
                max_chars=text_limit(ParticipantCreate, "department"),
            )
            add_me = st.form_submit_button("Add me", type="primary", key=wkey(f"{key_prefix}_self_submit"))
        add_problems = st.container()
        if add_me:
            if act(
                create_participant,
                workspace_id=workspace_id,
                where=add_problems,
                data={"name": me, "department": department},
            ):
                flash(flash_key, f"Added {me.strip()}. Now give your ratings.")
                st.rerun()
        page_link(Place.PARTICIPANTS, "Go to Participants", icon=":material/group_add:")
        return None
    by_id = {p.id: p for p in participants}
    return st.selectbox(
        "Rating as",
        list(by_id),
        key=wkey(key),
        format_func=lambda i: by_id[i].name + (f" · {by_id[i].department}" if by_id[i].department else ""),
    )


def ratings_saved(count: int, rater_name: str) -> str:
    """The confirmation of a participant's "Save my ratings" (strengths and readiness alike)."""
    return f"Saved {count} rating{'s' if count != 1 else ''} for {rater_name}."


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


def import_panel(
    *,
    key: str,
    noun: str,
    columns_help: str,
    template_header: list[str],
    parse: Callable[[bytes, str], ImportPreview],
    preview_table: Callable[[list], pd.DataFrame],
    save: Callable[..., int | None],
    workspace_id: int,
    after_save: Callable[[], None] | None = None,
) -> None:
    """Upload a CSV/XLSX, see which rows are ready and which are rejected and why, then confirm.
    Nothing is written before the confirmation, and then all ready rows in one transaction.
    `save(session=, workspace_id=, rows=[(file row, data)])` is the service that writes them."""
    st.write(columns_help + " You see a preview first; nothing is saved until you confirm.")
    wkey = workspace_keys(workspace_id)
    st.download_button(
        "Download a template (.csv)",
        key=wkey(f"{key}_template"),
        on_click="ignore",
        data=to_csv_bytes(template_header, []),
        file_name=download_file_name(f"{key}-template", "csv"),
        mime="text/csv",
    )
    # A file chosen in one workspace is never offered for import into another
    version_key = f"{key}_import_version"
    upload = st.file_uploader(
        "CSV or XLSX file",
        type=["csv", "xlsx"],
        key=f"{key}_import_{workspace_id}_{st.session_state.setdefault(version_key, 0)}",
    )
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
        st.dataframe(
            pd.DataFrame(
                {
                    "Row": [r.row for r in preview.rejected],
                    "Values": [
                        " · ".join(str(v)[:40] for v in r.values.values() if v not in (None, ""))
                        for r in preview.rejected
                    ],
                    "Why": [" ".join(r.reasons) for r in preview.rejected],
                }
            ),
            hide_index=True,
            placeholder="",
            width="stretch",
        )
    problems = st.container()
    if st.button(
        f"Import {ready} {noun}{plural}", key=wkey(f"{key}_import_confirm"), type="primary", disabled=not ready
    ):
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
    left.download_button(
        f"{label} (.xlsx)",
        key=wkey(f"{key}_export_xlsx"),
        icon=":material/download:",
        data=xlsx,
        file_name=download_file_name(what, "xlsx"),
        on_click="ignore",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    right.download_button(
        f"{label} (.csv)",
        key=wkey(f"{key}_export_csv"),
        icon=":material/download:",
        data=csv,
        file_name=download_file_name(what, "csv"),
        mime="text/csv",
        on_click="ignore",
    )


@st.cache_data(show_spinner=False, max_entries=200)
def _cached_spec(fingerprint: str, _build: Callable[[], dict]) -> dict:
    return _build()


def cached_chart_spec(name: str, build: Callable[[], dict], *inputs: Any) -> dict:
    """The Vega-Lite spec of the chart `name`, built once for the same `inputs` (everything the
    chart is drawn from, passed whole). Building an Altair chart costs most of a page's run, and a workshop reruns
    the page on every click while the map or matrix rarely changes."""
    fingerprint = hashlib.sha256(repr((name, inputs)).encode("utf-8")).hexdigest()
    return _cached_spec(fingerprint, build)


_CHECK_MARKS = {
    "pass": ":green[:material/check_circle:]",
    "warn": ":orange[:material/error:]",
    "info": ":gray[:material/info:]",
}


def show_check(check) -> None:
    """One promise check (crmstrategy.strategy.promise_checks.PromiseCheck): its mark, title and sentence, and
    the words it found or misses as badges."""
    with st.container(border=True, key=f"promise_check_{check.key}"):
        st.markdown(f"{_CHECK_MARKS[check.status]} **{check.title}**  \n{md_escape(check.message)}")
        if check.key == "needs" and (check.found or check.missing):
            st.markdown(
                " ".join(
                    [f":green-badge[:material/check: {md_escape(w)}]" for w in check.found]
                    + [f":orange-badge[{md_escape(w)}]" for w in check.missing]
                )
            )
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
        shown.append(
            text
            if op == "same"
            else f":red-background[~~{text}~~]"
            if op == "removed"
            else f":green-background[{text}]"
        )
    return " ".join(shown)


def promise_downloads(version, workspace_name: str, *, key: str) -> None:
    """The promise as a PDF card, a PNG card and plain text, each built only when clicked."""
    from crmstrategy.strategy.promise_cards import card_of, promise_pdf, promise_png, promise_text

    what = f"customer-promise-v{version.number}"
    wkey = _keys_here()
    c1, c2, c3, _ = st.columns([1, 1, 1, 2])
    c1.download_button(
        "PDF card",
        key=wkey(f"{key}_pdf"),
        icon=":material/download:",
        on_click="ignore",
        data=lambda: promise_pdf(card_of(version, workspace_name)),
        file_name=download_file_name(what, "pdf"),
        mime="application/pdf",
    )
    c2.download_button(
        "PNG card",
        key=wkey(f"{key}_png"),
        icon=":material/download:",
        on_click="ignore",
        data=lambda: promise_png(card_of(version, workspace_name)),
        file_name=download_file_name(what, "png"),
        mime="image/png",
    )
    c3.download_button(
        "Text",
        key=wkey(f"{key}_txt"),
        icon=":material/download:",
        on_click="ignore",
        data=lambda: promise_text(version, workspace_name).encode("utf-8"),
        file_name=download_file_name(what, "txt"),
        mime="text/plain",
    )
