"""Customer promise (advice 6): the composer with its live checks, the versions (never
overwritten), comparing two versions word by word, and the workspace's word lists."""

import pandas as pd
import streamlit as st

from crmstrategy.analysis.segments import list_segments
from crmstrategy.core.fields import text_limit
from crmstrategy.core.text import md_escape
from crmstrategy.strategy.models import MAX_TERMS, PROMISE_PARTS, PromiseVersionCreate
from crmstrategy.strategy.promise import (
    TERM_NOUNS,
    default_segment_ids,
    list_versions,
    needs_in_scope,
    promise_terms,
    reset_terms,
    restore_version,
    review_draft,
    save_version,
    set_current,
    set_terms,
)
from crmstrategy.strategy.promise_checks import (
    CHAR_CEILING,
    TERM_MAX,
    WORD_CEILING,
    PromiseDraft,
    word_diff,
    words,
)
from crmstrategy.ui.actions import act, flash, read, show_flash, workspace_keys
from crmstrategy.ui.frame import page_link, step_footer, workbench_page
from crmstrategy.ui.widgets import promise_downloads, show_check, word_diff_markdown
from crmstrategy.workspace.method_path import Place

ws = workbench_page("Customer promise")
wkey = workspace_keys(ws.id)
# A word list's box holds MAX_TERMS terms of TERM_MAX characters, one a line: every list the service
# saves fits, and each term is held to TERM_MAX by the service when the list is saved.
TERMS_BOX_MAX = MAX_TERMS * (TERM_MAX + 1)

st.title("Customer promise")
st.caption(
    "Short and clear: what we deliver, how it creates value for the customer, and how we want "
    "to be perceived. A promise everyone can repeat keeps the orchestra playing in time."
)
show_flash("promise")

versions = read(list_versions, workspace_id=ws.id)
by_id = {v.id: v for v in versions}
current = next((v for v in versions if v.is_current), None)
segments = {s.id: s for s in read(list_segments, workspace_id=ws.id)}
terms = read(promise_terms, workspace_id=ws.id)

with st.container(border=True, key=wkey("promise_current")):
    if current:
        st.caption(
            f"The current promise · version {current.number} · {current.created_at:%Y-%m-%d %H:%M} · "
            f"{md_escape(current.author)}"
        )
        st.markdown("**" + md_escape(current.text) + "**")
        if current.segment_names:
            st.caption("Speaks to " + md_escape(", ".join(current.segment_names)))
        promise_downloads(current, ws.name, key="promise_current")
        page_link(Place.PRESENT_PROMISE, "Present it on the projector", icon=":material/slideshow:")
    else:
        st.markdown(
            "**No promise yet.** Write the three parts below, then the promise itself, and save it: the "
            "first version becomes the current promise."
        )

# The composer starts from the newest version, and again when the workspace changes. Streamlit forgets
# a widget's value once another page has run, so the draft also lives under a key of its own and comes
# back from there: a visit to Personas in the middle of a sentence loses nothing.
COMPOSER = {
    "delivers": wkey("promise_delivers"),
    "value": wkey("promise_value"),
    "perceived": wkey("promise_perceived"),
    "text": wkey("promise_text"),
}
DRAFT_KEYS = [*COMPOSER.values(), wkey("promise_segments"), "promise_author"]
draft = st.session_state.setdefault("promise_draft", {})
if draft.get("workspace") != ws.id:
    latest = versions[-1] if versions else None
    draft.update({key: getattr(latest, field) if latest else "" for field, key in COMPOSER.items()})
    draft[wkey("promise_segments")] = latest.segment_ids if latest else read(default_segment_ids, workspace_id=ws.id)
    draft["workspace"] = ws.id
    for key in DRAFT_KEYS[:-1]:  # the author's name stays: the same person, another workspace
        st.session_state.pop(key, None)
for key in DRAFT_KEYS:
    if key not in st.session_state and key in draft:
        st.session_state[key] = draft[key]
_needs: dict[tuple[int, ...], object] = {}


def needs_for(segment_ids: list[int]):
    """The needs of a choice of segments, looked up once per page run (the composer and both sides
    of a comparison often share one)."""
    key = tuple(sorted(segment_ids))
    if key not in _needs:
        _needs[key] = read(needs_in_scope, workspace_id=ws.id, segment_ids=list(key))
    return _needs[key]


# A segment someone deleted meanwhile leaves the choice rather than break it.
st.session_state[wkey("promise_segments")] = [
    i for i in st.session_state.get(wkey("promise_segments"), []) if i in segments
]


def load_into_composer(version_id: int) -> None:
    version = by_id[version_id]
    for field, key in COMPOSER.items():
        st.session_state[key] = getattr(version, field)
    st.session_state[wkey("promise_segments")] = [i for i in version.segment_ids if i in segments]
    st.session_state[wkey("promise_tabs")] = "Compose"
    flash("promise", f"Version {version.number} is in the composer: sharpen it and save it as a new version.")


compose_tab, versions_tab, compare_tab, lists_tab = st.tabs(
    ["Compose", "Versions", "Compare", "Word lists"], key=wkey("promise_tabs")
)

with compose_tab:
    left, right = st.columns([3, 2], gap="large")
    with left:
        for field, label in PROMISE_PARTS.items():
            # The box holds what a version may hold, with its count beside it. A paste that would go
            # over is not taken at all (the browser refuses the change whole; nothing is cut).
            st.text_area(
                label,
                key=COMPOSER[field],
                height=68,
                max_chars=text_limit(PromiseVersionCreate, field),
                placeholder={
                    "delivers": "e.g. parts in stock, on site when the job needs them",
                    "value": "e.g. for the customer: installers spend the day earning, not chasing parts",
                    "perceived": "e.g. the installer's easiest supplier",
                }[field],
            )
        st.text_area(
            "The promise, in one or two sentences",
            key=COMPOSER["text"],
            height=120,
            max_chars=text_limit(PromiseVersionCreate, "text"),
            help=f"Aim for at most {WORD_CEILING} words and {CHAR_CEILING} characters. The checks beside "
            "it update when you leave the field or press Ctrl+Enter.",
        )
        st.multiselect(
            "Segments it speaks to",
            list(segments),
            key=wkey("promise_segments"),
            format_func=lambda i: segments[i].name,
            help="Starts with the chosen target segments. Their personas' and insights' needs and pains "
            "are what the promise is checked against.",
        )
        c1, c2 = st.columns([1, 2])
        author = c1.text_input("Your name", key="promise_author", max_chars=text_limit(PromiseVersionCreate, "author"))
        note = c2.text_input(
            "What changed (optional)",
            key=wkey("promise_note"),
            max_chars=text_limit(PromiseVersionCreate, "note"),
            placeholder="e.g. cut the superlatives, named the counter",
        )
        current_help = (
            "The current promise is the one on the Overview, in present mode and on the cards. The first "
            "version becomes current by itself."
        )
        if current:
            make_current = st.checkbox(
                "Make it the current promise", key=wkey("promise_make_current"), help=current_help
            )
        else:  # the first version becomes current whatever is ticked; a separate key keeps that out of later saves
            make_current = st.checkbox(
                "Make it the current promise",
                key=wkey("promise_make_current_first"),
                value=True,
                disabled=True,
                help=current_help,
            )
        save_problems = st.container()
        if st.button("Save as a new version", key=wkey("promise_save"), type="primary", icon=":material/save:"):
            saved = act(
                save_version,
                workspace_id=ws.id,
                where=save_problems,
                make_current=True if make_current else None,
                data={field: st.session_state[key] for field, key in COMPOSER.items()}
                | {"author": author, "note": note, "segment_ids": st.session_state[wkey("promise_segments")]},
            )
            if saved:
                for key in (wkey("promise_note"), wkey("promise_make_current")):
                    st.session_state.pop(key, None)
                flash(
                    "promise",
                    f"Saved version {saved.number}"
                    + (" as the current promise." if saved.is_current else ". Nothing was overwritten."),
                )
                st.rerun()
    draft.update({key: st.session_state[key] for key in DRAFT_KEYS})
    with right:
        review = review_draft(
            PromiseDraft(**{field: st.session_state[key] for field, key in COMPOSER.items()}),
            terms,
            needs_for(st.session_state[wkey("promise_segments")]),
        )
        st.markdown(f"**Checks · {review.passed} of {len(review.checks)} pass**")
        for check in review.checks:
            show_check(check)
        if review.needs:
            with st.expander("Where these needs and pains come from"):
                for need in review.needs:
                    said = "; ".join(f"{source.source}: “{source.text}”" for source in need.examples)
                    st.markdown(
                        f"**{md_escape(need.word)}** · {need.count} mention{'s' if need.count != 1 else ''}"
                        f"  \n{md_escape(said)}"
                    )

with versions_tab:
    if not versions:
        st.caption("No versions yet. Every save in the composer adds one; none is ever overwritten.")
    else:
        st.dataframe(
            pd.DataFrame(
                {
                    "Version": [v.number for v in versions],
                    "Current": ["★ current" if v.is_current else "" for v in versions],
                    "Saved": [v.created_at.strftime("%Y-%m-%d %H:%M") for v in versions],
                    "Author": [v.author for v in versions],
                    "Words": [len(words(v.text)) for v in versions],
                    "Promise": [v.text for v in versions],
                    "What changed": [v.note for v in versions],
                }
            ).iloc[::-1],
            hide_index=True,
            placeholder="",
            width="stretch",
            key=wkey("promise_versions_table"),
        )
        numbers = {v.number: v for v in versions}
        chosen = st.selectbox(
            "Version",
            list(reversed(numbers)),
            key=wkey("promise_version_choice"),
            format_func=lambda n: (
                f"Version {n} · {numbers[n].author} · "
                f"{numbers[n].created_at:%Y-%m-%d %H:%M}" + (" · current" if numbers[n].is_current else "")
            ),
        )
        version = numbers[chosen]
        with st.container(border=True):
            st.markdown("**" + md_escape(version.text) + "**")
            for field, label in PROMISE_PARTS.items():
                if getattr(version, field):
                    st.markdown(f"**{label}:** " + md_escape(getattr(version, field)))
            st.caption(
                "Speaks to "
                + (md_escape(", ".join(version.segment_names)) or "no segments")
                + (f" · restored from version {version.restored_from}" if version.restored_from else "")
                + (f" · {md_escape(version.note)}" if version.note else "")
            )
        c1, c2, c3 = st.columns(3)
        version_problems = st.container()
        if c1.button(
            "Mark as the current promise",
            key=wkey("promise_mark_current"),
            disabled=version.is_current,
            icon=":material/star:",
        ):
            if act(set_current, workspace_id=ws.id, version_id=version.id, where=version_problems):
                flash("promise", f"Version {version.number} is now the current promise.")
                st.rerun()
        c2.button(
            "Load into the composer",
            key=wkey("promise_load"),
            icon=":material/edit:",
            on_click=load_into_composer,
            args=(version.id,),
        )
        restorer = c3.text_input(
            "Restored by",
            key=wkey("promise_restorer"),
            max_chars=text_limit(PromiseVersionCreate, "author"),
            value=st.session_state.get("promise_author", ""),
            label_visibility="collapsed",
            placeholder="Your name, to restore",
        )
        if c3.button(
            f"Restore version {version.number} as a new version", key=wkey("promise_restore"), icon=":material/history:"
        ):
            restored = act(
                restore_version, workspace_id=ws.id, version_id=version.id, author=restorer, where=version_problems
            )
            if restored:
                flash(
                    "promise",
                    f"Restored version {version.number} as version {restored.number}; "
                    f"version {version.number} is unchanged.",
                )
                st.rerun()
        promise_downloads(version, ws.name, key="promise_version")

with compare_tab:
    if len(versions) < 2:
        st.caption("Two versions are needed to compare. Save another one from the composer.")
    else:
        numbers = {v.number: v for v in versions}
        order = list(numbers)
        c1, c2 = st.columns(2)
        older = c1.selectbox(
            "Compare",
            order,
            index=len(order) - 2,
            key=wkey("promise_compare_a"),
            format_func=lambda n: f"Version {n} · {numbers[n].author}",
        )
        newer = c2.selectbox(
            "with",
            order,
            index=len(order) - 1,
            key=wkey("promise_compare_b"),
            format_func=lambda n: f"Version {n} · {numbers[n].author}",
        )
        a, b = numbers[older], numbers[newer]
        for column, version, side in ((c1, a, "removed"), (c2, b, "added")):
            with column.container(border=True, key=wkey(f"promise_compare_{side}")):
                st.caption(
                    f"Version {version.number} · {version.created_at:%Y-%m-%d %H:%M} · "
                    f"{md_escape(version.author)}" + (" · current" if version.is_current else "")
                )
                st.markdown("**" + word_diff_markdown(word_diff(a.text, b.text), side) + "**")
                for field, label in PROMISE_PARTS.items():
                    if getattr(a, field) != getattr(b, field):
                        st.markdown(
                            f"**{label}:** " + word_diff_markdown(word_diff(getattr(a, field), getattr(b, field)), side)
                        )
        st.caption(
            "Words only in the left version are struck through in red; words only in the right version "
            "are marked green."
        )
        gone = [n for n in a.segment_names if n not in b.segment_names]
        new = [n for n in b.segment_names if n not in a.segment_names]
        if gone or new:
            st.markdown(
                "**Segments:** "
                + "; ".join(
                    ([f"no longer {md_escape(', '.join(gone))}"] if gone else [])
                    + ([f"now also {md_escape(', '.join(new))}"] if new else [])
                )
            )
        scores = [
            review_draft(PromiseDraft(v.delivers, v.value, v.perceived, v.text), terms, needs_for(v.segment_ids))
            for v in (a, b)
        ]
        st.markdown(
            f"**Checks:** version {a.number} passes {scores[0].passed} of {len(scores[0].checks)}, "
            f"version {b.number} passes {scores[1].passed} of {len(scores[1].checks)}."
        )

with lists_tab:
    st.write(
        "The checks look for these words in the promise. Write one word or phrase per line; a * at the end "
        "matches any ending (innovativ* finds innovative, innovativt and innovativa). The buzzword list "
        "starts in English, Norwegian, Danish and Swedish."
    )
    columns = st.columns(2)
    for column, kind in zip(columns, ("buzzword", "jargon")):
        with column:
            noun = TERM_NOUNS[kind]
            text = st.text_area(
                f"{noun.capitalize()} ({len(terms[kind])})",
                value="\n".join(terms[kind]),
                key=wkey(f"promise_terms_{kind}"),
                height=300,
                max_chars=TERMS_BOX_MAX,
            )
            list_problems = st.container()
            b1, b2 = st.columns(2)
            if b1.button("Save the list", key=wkey(f"promise_terms_save_{kind}"), type="primary"):
                saved = act(set_terms, workspace_id=ws.id, kind=kind, terms=text, where=list_problems)
                if saved is not None:
                    st.session_state.pop(wkey(f"promise_terms_{kind}"), None)  # show the list as saved, cleaned
                    flash("promise", f"Saved {len(saved)} {noun}.")
                    st.rerun()
            if b2.button("Reset to the defaults", key=wkey(f"promise_terms_reset_{kind}")):
                saved = act(reset_terms, workspace_id=ws.id, kind=kind, where=list_problems)
                if saved is not None:
                    st.session_state.pop(wkey(f"promise_terms_{kind}"), None)
                    flash("promise", f"Back to the {len(saved)} default {noun}.")
                    st.rerun()

step_footer("Customer promise")
