"""Customer promise through its pages: the composer on the demo with its live checks, saving versions
(never overwritten) on a new workspace, the versions and compare tabs, the workspace's word lists,
present mode and the promise on the Overview."""

from __future__ import annotations

import re

from crmstrategy.strategy.models import PROMISE_TEXT_MAX
from crmstrategy.strategy.promise import current_promise, list_versions, promise_terms
from crmstrategy.strategy.promise_checks import DEFAULT_BUZZWORDS, DEFAULT_JARGON
from crmstrategy.workspace.workspaces import list_workspaces
from tests.app.conftest import demo_id, errors, new_workspace, open_page, plain, successes, wkey

# The demo's three versions (data/demo_workspace.json)
V1 = (
    "Nordvik Rørhandel is the leading and innovative supplier of world-class solutions for the whole industry, "
    "with an omnichannel customer journey and the best service at every touchpoint."
)
V2 = (
    "We deliver parts in stock at your counter or on site when the job needs them, with invoices that match every "
    "job, so that installers and contractors spend their day earning instead of chasing deliveries, back-orders "
    "and credit notes, and see us as the supplier that makes the working day easier."
)
V3 = (
    "The part you need, in stock or on site when the job needs it, and an invoice that matches the job: your day "
    "goes to earning, not chasing."
)
BUZZ = "Buzzwords and superlatives"


# --- helpers -------------------------------------------------------------------------------


def _ran(at):
    assert not at.exception, [e.value for e in at.exception]
    return at


def _promise(at):
    return open_page(at, "app_pages/strategy/promise.py")


def _markdowns(node) -> list[str]:
    return [m.value for m in node.markdown]


def _check(at, key: str) -> tuple[str, str, str, list[str]]:
    """One check in the composer: (status, title, message, badges) as the user reads them."""
    box = at.get_by_key(f"promise_check_{key}")
    first, *badges = _markdowns(box)
    match = re.fullmatch(r":(green|orange|gray)\[:material/\w+:\] \*\*(.+?)\*\*  \n(.*)", first, re.S)
    assert match, first
    status = {"green": "pass", "orange": "warn", "gray": "info"}[match.group(1)]
    return status, match.group(2), plain(match.group(3)), badges


def _type(at, key: str, text: str):
    at.text_area(key=key).input(text).run()
    return _ran(at)


def _make_current_box(at):
    """The "Make it the current promise" checkbox (its key differs before the first version)."""
    (box,) = [c for c in at.checkbox if c.label == "Make it the current promise"]
    return box


def _save(at, *, author: str | None = None, make_current: bool = False):
    if author is not None:
        at.text_input(key="promise_author").input(author)
    if make_current:
        _make_current_box(at).check()
    at.button(key=wkey(at, "promise_save")).click().run()
    return _ran(at)


def _fill(
    at,
    text: str,
    delivers="Parts on site when the job needs them.",
    value="Installers earn, not chase.",
    perceived="The easiest supplier.",
):
    at.text_area(key=wkey(at, "promise_delivers")).input(delivers)
    at.text_area(key=wkey(at, "promise_value")).input(value)
    at.text_area(key=wkey(at, "promise_perceived")).input(perceived)
    at.text_area(key=wkey(at, "promise_text")).input(text)
    return at


def _current_ws(db) -> int:
    return max(w.id for w in db(list_workspaces))


def _heading(node) -> str:
    """The promise shown in bold inside a block (not a label such as "**Delivers:** ..."), without
    its bold marks."""
    found = [
        m
        for m in _markdowns(node)
        if m.startswith("**") and m.endswith("**") and not re.match(r"\*\*[^*]*:\*\*( |$)", m)
    ]
    assert len(found) == 1, _markdowns(node)
    return found[0][2:-2]


def _marks(markdown: str, colour: str) -> list[str]:
    """The runs of words inside :colour-background[...] marks, unescaped."""
    return [plain(m) for m in re.findall(rf":{colour}-background\[((?:\\.|[^\]\\])*)\]", markdown)]


def _compare_scores(at) -> dict[int, int]:
    line = next(m for m in _markdowns(at) if m.startswith("**Checks:** version"))
    return {int(v): int(n) for v, n in re.findall(r"version (\d+) passes (\d+) of 5", line)}


def _overview_promise_check(at) -> tuple[bool, str]:
    """(done, the check's text) for "A customer promise" on the Overview."""
    columns = list(at.columns)
    for i, column in enumerate(columns):
        texts = _markdowns(column)
        if texts and texts[0].startswith("**A customer promise**"):
            mark = _markdowns(columns[i - 1])[0]
            return mark == ":green[:material/check_circle:]", plain(texts[0])
    raise AssertionError("no 'A customer promise' check on the Overview")


# --- the composer on the demo ----------------------------------------------------------------


def test_demo_shows_the_current_promise_the_newest_version_in_the_composer_and_all_checks_passing(app, db):
    at = _promise(app)
    assert not errors(at)
    current = at.get_by_key(wkey(at, "promise_current"))
    assert plain(_heading(current)) == V3
    captions = [plain(c.value) for c in current.caption]
    assert "The current promise · version 3 · 2026-11-17 14:05 · Mona Dahl" in captions
    assert at.text_area(key=wkey(at, "promise_text")).value == V3
    assert (
        at.text_area(key=wkey(at, "promise_value")).value
        == "Installers and contractors spend the day earning, not chasing."
    )
    assert "**Checks · 5 of 5 pass**" in _markdowns(at)
    assert [_check(at, k)[0] for k in ("length", "parts", "buzzwords", "jargon", "needs")] == ["pass"] * 5
    downloads = {d.key: d.label for d in current.get("download_button")}
    assert downloads == {
        wkey(at, "promise_current_pdf"): "PDF card",
        wkey(at, "promise_current_png"): "PNG card",
        wkey(at, "promise_current_txt"): "Text",
    }
    assert [t.label for t in at.tabs] == ["Compose", "Versions", "Compare", "Word lists"]
    assert len(db(list_versions, workspace_id=demo_id(db))) == 3


def test_checks_follow_the_text_buzzwords_jargon_a_missing_part_the_length_and_the_segments(app):
    at = _promise(app)

    _type(at, wkey(at, "promise_text"), V1)
    status, title, message, badges = _check(at, "buzzwords")
    assert (status, title) == ("warn", "No buzzwords or vague superlatives")
    assert message.startswith("Found 'leading', 'innovative', 'world-class', 'solutions'")
    assert ":red-badge[innovative]" in badges[0] and ":red-badge[world\\-class]" in badges[0]
    status, _, message, badges = _check(at, "jargon")
    assert status == "warn"
    assert message.startswith("Found 'omnichannel', 'customer journey', 'touchpoint'")
    assert ":red-badge[omnichannel]" in badges[0]
    assert not any("Checks · 5 of 5" in m for m in _markdowns(at))

    _type(at, wkey(at, "promise_text"), V3)
    assert "**Checks · 5 of 5 pass**" in _markdowns(at)
    _type(at, wkey(at, "promise_value"), "   ")
    status, title, message, _ = _check(at, "parts")
    assert (status, title) == ("warn", "All three parts")
    assert message.startswith("Missing: how it creates value.")
    assert "**Checks · 4 of 5 pass**" in _markdowns(at)

    forty = " ".join(["part"] * 39) + " now."  # 199 characters: only the words are over
    _type(at, wkey(at, "promise_text"), forty)
    status, _, message, _ = _check(at, "length")
    assert status == "warn"
    assert message.startswith("40 words, ") and ": 5 words over the ceiling of 35 words" in message

    at.multiselect(key=wkey(at, "promise_segments")).set_value([]).run()
    _ran(at)
    status, title, message, badges = _check(at, "needs")
    assert (status, title) == ("info", "Speaks to the customers' top needs and pains")
    assert message.startswith("Nothing to check against yet: no segments (choose the segments the promise speaks to)")
    assert badges == []


# --- saving versions -----------------------------------------------------------------------


def test_saving_on_a_new_workspace_makes_version_1_current_and_later_versions_only_when_ticked(app, db):
    at = _promise(new_workspace(app))
    ws = _current_ws(db)
    current = at.get_by_key(wkey(at, "promise_current"))
    assert _markdowns(current)[0].startswith("**No promise yet.**")
    assert at.text_area(key=wkey(at, "promise_text")).value == ""
    assert _make_current_box(at).value is True  # the first version becomes current by itself
    assert _make_current_box(at).disabled

    _fill(at, "Parts on site when the job needs them, so installers earn instead of chase.")
    at.text_input(key=wkey(at, "promise_note")).input("First go.")
    _save(at, author="  Kari Nordmann ")
    assert not errors(at), errors(at)
    assert successes(at) == ["Saved version 1 as the current promise."]
    (first,) = db(list_versions, workspace_id=ws)
    assert (first.number, first.is_current, first.author, first.note) == (1, True, "Kari Nordmann", "First go.")
    assert first.text == "Parts on site when the job needs them, so installers earn instead of chase."
    assert (first.delivers, first.value, first.perceived) == (
        "Parts on site when the job needs them.",
        "Installers earn, not chase.",
        "The easiest supplier.",
    )
    assert plain(_heading(at.get_by_key(wkey(at, "promise_current")))) == first.text
    assert at.text_input(key=wkey(at, "promise_note")).value == ""  # the note is per version

    _type(at, wkey(at, "promise_text"), "Parts on site when the job needs them.")
    assert _make_current_box(at).value is False and not _make_current_box(at).disabled
    _save(at)
    assert successes(at) == ["Saved version 2. Nothing was overwritten."]
    versions = db(list_versions, workspace_id=ws)
    assert [(v.number, v.is_current) for v in versions] == [(1, True), (2, False)]
    assert versions[1].text == "Parts on site when the job needs them."
    assert db(current_promise, workspace_id=ws).number == 1

    _type(at, wkey(at, "promise_text"), "Parts on site, when the job needs them.")
    _save(at, make_current=True)
    assert successes(at) == ["Saved version 3 as the current promise."]
    assert [(v.number, v.is_current) for v in db(list_versions, workspace_id=ws)] == [(1, False), (2, False), (3, True)]
    assert plain(_heading(at.get_by_key(wkey(at, "promise_current")))) == "Parts on site, when the job needs them."
    assert versions[0].text == db(list_versions, workspace_id=ws)[0].text  # version 1 was not overwritten


def test_saving_without_a_name_or_without_the_promise_is_refused_and_writes_nothing(app, db):
    at = _promise(new_workspace(app))
    ws = _current_ws(db)

    _fill(at, "Parts on site when the job needs them.")
    _save(at, author="   ")
    assert len(errors(at)) == 1 and "Write your name" in errors(at)[0], errors(at)
    assert errors(at)[0].startswith("Nothing was saved:")
    assert db(list_versions, workspace_id=ws) == []
    assert not successes(at)
    assert (
        at.text_area(key=wkey(at, "promise_text")).value == "Parts on site when the job needs them."
    )  # kept to correct

    _type(at, wkey(at, "promise_text"), "  \n ")
    _save(at, author="Kari Nordmann")
    assert len(errors(at)) == 1 and "Write the promise itself" in errors(at)[0], errors(at)
    assert db(list_versions, workspace_id=ws) == []
    assert _markdowns(at.get_by_key(wkey(at, "promise_current")))[0].startswith("**No promise yet.**")


def test_html_and_markdown_in_the_promise_are_saved_exactly_and_shown_literally(app, db):
    at = _promise(new_workspace(app))
    ws = _current_ws(db)
    text = "<b>bold</b> **x** :red[y] <script>alert(1)</script> $x$"
    _fill(at, text, delivers="<i>parts</i>")
    _save(at, author="Kari <Nordmann>")
    assert successes(at) == ["Saved version 1 as the current promise."]
    saved = db(current_promise, workspace_id=ws)
    assert (saved.text, saved.delivers, saved.author) == (text, "<i>parts</i>", "Kari <Nordmann>")

    heading = _heading(at.get_by_key(wkey(at, "promise_current")))
    assert plain(heading) == text
    assert "<b>" not in heading and "**x**" not in heading and ":red[y]" not in heading
    assert "Kari <Nordmann>" in plain(at.get_by_key(wkey(at, "promise_current")).caption[0].value)
    assert not at.get("html")
    for m in at.markdown:
        assert "<b>bold</b>" not in m.value and "<script>" not in m.value, m.value
        assert not m.proto.allow_html, m.value
    versions_heading = _heading(at.tabs[1])
    assert plain(versions_heading) == text

    present = open_page(at, "app_pages/strategy/promise_present.py")
    assert plain(present.title[0].value) == text
    assert "<b>" not in present.title[0].value


def test_the_promise_box_holds_what_a_version_may_hold_and_a_longer_paste_is_not_taken(app, db):
    """The box takes PROMISE_TEXT_MAX characters, as the service does: a 5,000-character paste is not
    taken at all (nothing is cut, as in the browser), and a promise at the limit is checked and saved whole."""
    at = _promise(new_workspace(app))
    ws = _current_ws(db)
    assert at.text_area(key=wkey(at, "promise_text")).max_chars == PROMISE_TEXT_MAX == 600
    _type(at, wkey(at, "promise_text"), "Ord " * 1249 + "Ord!")
    assert at.text_area(key=wkey(at, "promise_text")).value == ""
    text = "Ord " * 149 + "Ord!"  # 600 characters, 150 words
    _type(at, wkey(at, "promise_text"), text)
    assert at.text_area(key=wkey(at, "promise_text")).value == text
    assert any("150 words" in plain(m.value) and "over the ceiling" in plain(m.value) for m in at.markdown)
    _save(at, author="Kari Nordmann")
    assert not errors(at), errors(at)
    assert [v.text for v in db(list_versions, workspace_id=ws)] == [text]


def test_a_draft_survives_a_visit_to_another_page_and_a_workspace_change_starts_afresh(app, db):
    at = _promise(app)
    at.text_area(key=wkey(at, "promise_text")).input("Half a thought about the counter").run()
    at.text_input(key="promise_author").input("Kari Nordmann").run()
    open_page(at, "app_pages/analysis/personas.py")
    at = _promise(at)
    assert at.text_area(key=wkey(at, "promise_text")).value == "Half a thought about the counter"
    assert at.text_input(key="promise_author").value == "Kari Nordmann"
    at = _promise(new_workspace(at, "Another company"))
    assert at.text_area(key=wkey(at, "promise_text")).value == ""  # that workspace has no promise yet
    assert at.text_input(key="promise_author").value == "Kari Nordmann"  # still the same person


# --- the versions tab ------------------------------------------------------------------------


def test_mark_an_older_version_as_current_and_present_mode_follows(app, db):
    ws = demo_id(db)
    at = _promise(app)
    assert at.selectbox(key=wkey(at, "promise_version_choice")).value == 3
    assert at.button(key=wkey(at, "promise_mark_current")).disabled  # version 3 is current already
    at.selectbox(key=wkey(at, "promise_version_choice")).set_value(1).run()
    _ran(at)
    assert plain(_heading(at.tabs[1])) == V1
    assert not at.button(key=wkey(at, "promise_mark_current")).disabled
    at.button(key=wkey(at, "promise_mark_current")).click().run()
    _ran(at)
    assert successes(at) == ["Version 1 is now the current promise."]
    assert db(current_promise, workspace_id=ws).number == 1
    assert [v.is_current for v in db(list_versions, workspace_id=ws)] == [True, False, False]
    assert plain(_heading(at.get_by_key(wkey(at, "promise_current")))) == V1

    present = open_page(at, "app_pages/strategy/promise_present.py")
    assert [plain(t.value) for t in present.title] == [V1]


def test_restore_a_version_as_a_new_one_and_an_empty_name_is_refused(app, db):
    ws = demo_id(db)
    at = _promise(app)
    at.selectbox(key=wkey(at, "promise_version_choice")).set_value(2).run()
    _ran(at)
    assert at.text_input(key=wkey(at, "promise_restorer")).value == ""
    at.button(key=wkey(at, "promise_restore")).click().run()
    _ran(at)
    assert len(errors(at)) == 1 and "Write your name" in errors(at)[0], errors(at)
    assert len(db(list_versions, workspace_id=ws)) == 3

    at.text_input(key=wkey(at, "promise_restorer")).input("Kari Nordmann")
    at.button(key=wkey(at, "promise_restore")).click().run()
    _ran(at)
    assert not errors(at)
    assert successes(at) == ["Restored version 2 as version 4; version 2 is unchanged."]
    versions = db(list_versions, workspace_id=ws)
    assert [v.number for v in versions] == [1, 2, 3, 4]
    restored = versions[3]
    assert (restored.text, restored.restored_from, restored.author) == (V2, 2, "Kari Nordmann")
    assert restored.segment_ids == versions[1].segment_ids
    assert versions[1].text == V2 and versions[1].restored_from is None
    assert db(current_promise, workspace_id=ws).number == 3  # restoring does not change the current one
    assert at.selectbox(key=wkey(at, "promise_version_choice")).options[0].startswith("Version 4 · Kari Nordmann")


def test_load_a_version_into_the_composer(app, db):
    at = _promise(app)
    at.selectbox(key=wkey(at, "promise_version_choice")).set_value(1).run()
    _ran(at)
    at.button(key=wkey(at, "promise_load")).click().run()
    _ran(at)
    assert at.text_area(key=wkey(at, "promise_text")).value == V1
    assert (
        at.text_area(key=wkey(at, "promise_delivers")).value
        == "Everything in plumbing and heating, for the whole industry."
    )
    assert at.text_area(key=wkey(at, "promise_value")).value == ""
    assert len(at.multiselect(key=wkey(at, "promise_segments")).value) == 4  # version 1 speaks to all four segments
    assert successes(at) == ["Version 1 is in the composer: sharpen it and save it as a new version."]
    assert _check(at, "buzzwords")[0] == "warn" and _check(at, "parts")[0] == "warn"
    assert len(db(list_versions, workspace_id=demo_id(db))) == 3  # loading writes nothing


# --- the compare tab -------------------------------------------------------------------------


def test_compare_marks_removed_words_red_and_added_words_green(app):
    at = _promise(app)
    assert (
        at.selectbox(key=wkey(at, "promise_compare_a")).value,
        at.selectbox(key=wkey(at, "promise_compare_b")).value,
    ) == (2, 3)
    left = _heading(at.get_by_key(wkey(at, "promise_compare_removed")))
    right = _heading(at.get_by_key(wkey(at, "promise_compare_added")))
    assert ":red-background[~~" in left and ":green-background[" not in left
    assert ":green-background[" in right and ":red-background[" not in right
    added = _marks(right, "green")
    assert "The part you need," in added
    assert not any("stock" in run for run in added)  # in both versions: not marked
    removed = " ".join(_marks(left, "red"))
    assert "We deliver parts" in removed and "back-orders" in removed
    assert _compare_scores(at) == {2: 4, 3: 5}
    assert not any(m.startswith("**Segments:**") for m in _markdowns(at))  # versions 2 and 3: the same segments


def test_compare_version_1_with_3_names_the_dropped_segment_and_the_scores(app):
    at = _promise(app)
    at.selectbox(key=wkey(at, "promise_compare_a")).set_value(1).run()
    _ran(at)
    segments = [plain(m) for m in _markdowns(at) if m.startswith("**Segments:**")]
    assert segments == ["**Segments:** no longer Facility managers"]
    scores = _compare_scores(at)
    assert set(scores) == {1, 3}
    assert scores[1] < scores[3] == 5
    assert "leading" in " ".join(_marks(_heading(at.get_by_key(wkey(at, "promise_compare_removed"))), "red"))


# --- word lists ----------------------------------------------------------------------------


def test_a_bad_term_is_refused_with_its_row_and_the_old_list_is_kept(app, db):
    ws = demo_id(db)
    before = db(promise_terms, workspace_id=ws)["buzzword"]
    assert before == list(DEFAULT_BUZZWORDS)
    at = _promise(app)
    _type(at, wkey(at, "promise_terms_buzzword"), "innovative\ninno*vativ\nsynergy")
    at.button(key=wkey(at, "promise_terms_save_buzzword")).click().run()
    _ran(at)
    assert len(errors(at)) == 1, errors(at)
    assert "Row 2" in errors(at)[0] and "inno*vativ" in errors(at)[0]
    assert "a * may only stand at the end" in errors(at)[0]
    assert db(promise_terms, workspace_id=ws)["buzzword"] == before
    assert (
        at.text_area(key=wkey(at, "promise_terms_buzzword")).value == "innovative\ninno*vativ\nsynergy"
    )  # kept to fix


def test_save_a_cleaned_word_list_and_reset_it_to_the_defaults(app, db):
    ws = demo_id(db)
    at = _promise(app)
    assert at.text_area(key=wkey(at, "promise_terms_buzzword")).label == f"{BUZZ} ({len(DEFAULT_BUZZWORDS)})"
    _type(at, wkey(at, "promise_terms_buzzword"), "Kunde-løfte\nkunde-løfte\n  synergi  \n\n")
    at.button(key=wkey(at, "promise_terms_save_buzzword")).click().run()
    _ran(at)
    assert not errors(at), errors(at)
    assert successes(at) == ["Saved 2 buzzwords and superlatives."]
    assert db(promise_terms, workspace_id=ws)["buzzword"] == ["Kunde-løfte", "synergi"]
    assert db(promise_terms, workspace_id=ws)["jargon"] == list(DEFAULT_JARGON)
    assert at.text_area(key=wkey(at, "promise_terms_buzzword")).value == "Kunde-løfte\nsynergi"
    assert at.text_area(key=wkey(at, "promise_terms_buzzword")).label == f"{BUZZ} (2)"
    assert _check(at, "buzzwords")[2] == "None of the workspace's 2 buzzwords and superlatives are in the promise."

    at.button(key=wkey(at, "promise_terms_reset_buzzword")).click().run()
    _ran(at)
    assert successes(at) == [f"Back to the {len(DEFAULT_BUZZWORDS)} default buzzwords and superlatives."]
    assert db(promise_terms, workspace_id=ws)["buzzword"] == list(DEFAULT_BUZZWORDS)
    assert at.text_area(key=wkey(at, "promise_terms_buzzword")).value == "\n".join(DEFAULT_BUZZWORDS)


def test_a_new_jargon_term_is_found_by_the_composer_check(app, db):
    ws = demo_id(db)
    at = _promise(app)
    assert _check(at, "jargon")[0] == "pass"
    _type(at, wkey(at, "promise_terms_jargon"), at.text_area(key=wkey(at, "promise_terms_jargon")).value + "\nearning")
    at.button(key=wkey(at, "promise_terms_save_jargon")).click().run()
    _ran(at)
    assert successes(at) == [f"Saved {len(DEFAULT_JARGON) + 1} internal jargon."]
    assert db(promise_terms, workspace_id=ws)["jargon"] == list(DEFAULT_JARGON) + ["earning"]
    status, _, message, badges = _check(at, "jargon")
    assert status == "warn"
    assert message.startswith("Found 'earning'.")
    assert badges == [":red-badge[earning]"]
    assert "**Checks · 4 of 5 pass**" in _markdowns(at)


# --- present mode and the Overview -------------------------------------------------------------


def test_present_mode_shows_the_current_promise_or_says_there_is_none(app):
    at = open_page(app, "app_pages/strategy/promise_present.py")
    assert [plain(t.value) for t in at.title] == [V3]
    captions = [plain(c.value) for c in at.caption]
    assert "Demo: Nordvik Rørhandel · Our customer promise" in captions
    assert "For Time-pressed installers, Project contractors, Quality-focused renovators" in captions

    at = open_page(new_workspace(at), "app_pages/strategy/promise_present.py")
    assert [t.value for t in at.title] == ["No customer promise yet"]
    assert not any("Our customer promise" in c.value for c in at.caption)


def test_overview_shows_the_current_promise_and_the_check_only_when_there_is_one(app):
    at = open_page(app, "app_pages/overview/overview.py")
    box = at.get_by_key(wkey(at, "overview_promise"))
    assert plain(_heading(box)) == V3
    assert [c.value for c in box.caption] == ["Our customer promise · version 3"]
    done, text = _overview_promise_check(at)
    assert done and text == "**A customer promise**\nVersion 3 of 3 is the current promise."

    at = open_page(new_workspace(at), "app_pages/overview/overview.py")
    assert not any(getattr(b, "key", None) == "overview_promise" for b in at.container)
    done, text = _overview_promise_check(at)
    assert not done and text.startswith("**A customer promise**\nNo promise yet")
