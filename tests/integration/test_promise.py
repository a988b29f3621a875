"""Customer-promise services on SQLite and PostgreSQL: versions that are never overwritten, the current
promise, restoring, the buzzword and jargon lists, the needs it is checked against, JSON and migration."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, text
from sqlmodel import select

from crmstrategy.analysis.insights import create_insight
from crmstrategy.analysis.segments import delete_segment, list_segments
from crmstrategy.core import clock
from crmstrategy.core.db import read_session, unit_of_work, upgrade
from crmstrategy.core.errors import ValidationProblem
from crmstrategy.core.models import Workspace
from crmstrategy.strategy.models import PromiseTerm, PromiseVersion, PromiseVersionSegment
from crmstrategy.strategy.promise import (
    current_promise,
    default_segment_ids,
    list_versions,
    needs_and_pains,
    promise_terms,
    reset_terms,
    restore_version,
    review_promise,
    save_version,
    set_current,
    set_terms,
)
from crmstrategy.strategy.promise_checks import DEFAULT_BUZZWORDS, DEFAULT_JARGON, PromiseDraft
from crmstrategy.workspace.workspace_file import (
    export_workspace,
    import_workspace,
    load_demo_document,
    parse_workspace_file,
)
from crmstrategy.workspace.workspaces import delete_workspace
from tests.integration.support import (
    call as _call,
)
from tests.integration.support import (
    count,
    demo_copy,
    export_document,
    import_document,
    new_persona,
    new_segment,
    new_workspace,
    set_at,
)
from tests.integration.support import (
    read as _read,
)
from tests.support import refusal_of

DEFAULTS = {"buzzword": list(DEFAULT_BUZZWORDS), "jargon": list(DEFAULT_JARGON)}
SCRIPT = "<script>alert(1)</script> **bold**"


def _save(engine, workspace_id, make_current=None, **values):
    data = {"text": "Parts at the counter by seven.", "author": "Hanne Lie"} | values
    return _call(engine, save_version, workspace_id=workspace_id, data=data, make_current=make_current)


def _versions(engine, workspace_id):
    return _read(engine, list_versions, workspace_id=workspace_id)


def _current_count(engine, workspace_id) -> int:
    return count(engine, PromiseVersion, workspace_id=workspace_id, is_current=True)


def _promise_counts(engine, workspace_id) -> dict[str, int]:
    with read_session(engine) as session:
        links = session.exec(
            select(func.count())
            .select_from(PromiseVersionSegment)
            .join(PromiseVersion, PromiseVersion.id == PromiseVersionSegment.version_id)
            .where(PromiseVersion.workspace_id == workspace_id)
        ).one()
    return {
        "versions": count(engine, PromiseVersion, workspace_id=workspace_id),
        "segment links": links,
        "terms": count(engine, PromiseTerm, workspace_id=workspace_id),
    }


def _draft(version) -> PromiseDraft:
    return PromiseDraft(version.delivers, version.value, version.perceived, version.text)


# --- saving versions ---------------------------------------------------------------------------


def test_versions_are_numbered_in_order_and_only_the_first_becomes_current_by_itself(engine):
    ws = new_workspace(engine)
    first = _save(engine, ws, text="First.")
    second = _save(engine, ws, text="Second.")
    assert (first.number, first.is_current) == (1, True)
    assert (second.number, second.is_current) == (2, False)
    assert _read(engine, current_promise, workspace_id=ws).number == 1

    third = _save(engine, ws, make_current=True, text="Third.")
    assert (third.number, third.is_current) == (3, True)
    assert _current_count(engine, ws) == 1
    assert _read(engine, current_promise, workspace_id=ws).text == "Third."
    assert [(v.number, v.is_current) for v in _versions(engine, ws)] == [(1, False), (2, False), (3, True)]


def test_make_current_false_leaves_a_workspace_without_a_current_promise(engine):
    ws = new_workspace(engine)
    saved = _save(engine, ws, make_current=False)
    assert (saved.number, saved.is_current) == (1, False)
    assert _read(engine, current_promise, workspace_id=ws) is None
    assert _current_count(engine, ws) == 0


def test_author_created_at_and_segments_are_stored_and_read_back_in_segment_order(engine):
    ws = new_workspace(engine)
    alpha, beta, gamma = (new_segment(engine, ws, name) for name in ("Alpha", "Beta", "Gamma"))
    saved = _save(
        engine,
        ws,
        author="  Hanne   Lie ",
        delivers="Parts",
        value="Time",
        perceived="Easy",
        note="First go.",
        segment_ids=[gamma, alpha, gamma],
    )

    [version] = _versions(engine, ws)
    assert (version.author, version.delivers, version.value, version.perceived, version.note) == (
        "Hanne Lie",
        "Parts",
        "Time",
        "Easy",
        "First go.",
    )
    assert version.segment_ids == [alpha, gamma]
    assert version.segment_names == ["Alpha", "Gamma"]
    assert version.created_at.utcoffset() == timedelta(0)
    assert version.created_at == saved.created_at
    assert abs(version.created_at - clock.now()) < timedelta(hours=1)
    assert _promise_counts(engine, ws)["segment links"] == 2
    assert beta not in version.segment_ids


def test_html_and_markdown_are_stored_exactly_as_typed(engine):
    ws = new_workspace(engine)
    _save(
        engine,
        ws,
        text=SCRIPT,
        delivers="# Heading\n- *item*",
        perceived="[link](javascript:alert(1))",
        note="<b>bold</b>",
    )
    [version] = _versions(engine, ws)
    assert (version.text, version.delivers, version.perceived, version.note) == (
        SCRIPT,
        "# Heading\n- *item*",
        "[link](javascript:alert(1))",
        "<b>bold</b>",
    )


# --- nothing is overwritten ------------------------------------------------------------------


def test_set_current_and_restore_never_change_older_versions(engine):
    ws = new_workspace(engine)
    segment = new_segment(engine, ws, "Installers")
    for n, author in enumerate(("Erik Solberg", "Hanne Lie", "Mona Dahl"), start=1):
        _save(
            engine,
            ws,
            make_current=True,
            text=f"Promise {n}.",
            delivers=f"Part {n}",
            author=author,
            segment_ids=[segment] if n < 3 else [],
        )
    before = _versions(engine, ws)

    _call(engine, set_current, workspace_id=ws, version_id=before[0].id)
    assert _current_count(engine, ws) == 1
    _call(engine, restore_version, workspace_id=ws, version_id=before[1].id, author="Tor")

    after = _versions(engine, ws)
    assert len(after) == 4
    keep = {"is_current"}
    assert [v.model_dump(exclude=keep) for v in after[:3]] == [v.model_dump(exclude=keep) for v in before]
    assert [v.is_current for v in after] == [True, False, False, False]


def test_restore_brings_an_old_version_back_as_a_new_one_by_the_new_author(engine):
    ws = new_workspace(engine)
    alpha, beta = new_segment(engine, ws, "Alpha"), new_segment(engine, ws, "Beta")
    old = _save(
        engine,
        ws,
        text="The old one.",
        delivers="Parts",
        value="Time",
        perceived="Easy",
        author="Erik Solberg",
        note="Workshop.",
        segment_ids=[beta, alpha],
    )
    _save(engine, ws, make_current=True, text="The new one.", author="Hanne Lie", segment_ids=[beta])

    restored = _call(engine, restore_version, workspace_id=ws, version_id=old.id, author="Mona Dahl")

    assert restored.number == 3
    assert (restored.text, restored.delivers, restored.value, restored.perceived) == (
        "The old one.",
        "Parts",
        "Time",
        "Easy",
    )
    assert (restored.author, restored.restored_from, restored.note) == ("Mona Dahl", 1, "Restored from version 1.")
    assert restored.segment_ids == [alpha, beta]
    assert restored.is_current is False  # there was a current one
    first = _versions(engine, ws)[0]
    assert (first.author, first.note, first.restored_from) == ("Erik Solberg", "Workshop.", None)

    again = _call(engine, restore_version, workspace_id=ws, version_id=old.id, author="Tor", make_current=True)
    assert (again.number, again.restored_from, again.is_current) == (4, 1, True)
    assert _current_count(engine, ws) == 1


@pytest.mark.parametrize("author", ["", "   ", None])
def test_restoring_without_an_author_is_refused_and_writes_nothing(engine, author):
    ws = new_workspace(engine)
    old = _save(engine, ws)
    refused = refusal_of(engine, restore_version, workspace_id=ws, version_id=old.id, author=author)
    [problem] = refused.problems
    assert problem.field == "Author"
    assert "Write your name" in problem.message
    assert count(engine, PromiseVersion, workspace_id=ws) == 1


# --- refusals --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "values, field, words",
    [
        ({"text": ""}, "The promise", ["Write the promise itself"]),
        ({"text": "  \n\t  "}, "The promise", ["Write the promise itself"]),
        ({"text": "x" * 5000}, "The promise", ["5,000 characters", "600"]),
        ({"author": ""}, "Author", ["Write your name"]),
        ({"author": None}, "Author", ["Write your name"]),
        ({"author": "a" * 121}, "Author", ["121 characters", "120"]),
        ({"delivers": "d" * 401}, "What we deliver", ["401 characters", "400"]),
        ({"value": "v" * 401}, "How it creates value", ["401 characters", "400"]),
        ({"perceived": "p" * 401}, "How we want to be perceived", ["401 characters", "400"]),
        ({"note": "n" * 301}, "What changed", ["301 characters", "300"]),
        ({"colour": "red"}, "Colour", ["not a known field"]),
    ],
    ids=[
        "empty",
        "whitespace",
        "5000-chars",
        "author-empty",
        "author-none",
        "author-121",
        "delivers-401",
        "value-401",
        "perceived-401",
        "note-301",
        "unknown-field",
    ],
)
def test_a_bad_version_is_refused_with_a_clear_message_and_nothing_is_written(engine, values, field, words):
    ws = new_workspace(engine)
    data = {"text": "Parts at the counter by seven.", "author": "Hanne Lie"} | values
    refused = refusal_of(engine, save_version, workspace_id=ws, data=data)
    [problem] = refused.problems
    assert problem.field == field
    for word in words:
        assert word in problem.message
    assert count(engine, PromiseVersion) == 0


def test_a_version_without_an_author_key_is_refused(engine):
    ws = new_workspace(engine)
    refused = refusal_of(engine, save_version, workspace_id=ws, data={"text": "Parts by seven."})
    assert [p.field for p in refused.problems] == ["Author"]
    assert count(engine, PromiseVersion) == 0


def test_a_segment_of_another_workspace_is_refused(engine):
    ws, other = new_workspace(engine, "Acme"), new_workspace(engine, "Other")
    own = new_segment(engine, ws, "Ours")
    foreign = new_segment(engine, other, "Theirs")
    refused = refusal_of(
        engine,
        save_version,
        workspace_id=ws,
        data={"text": "Parts by seven.", "author": "Hanne", "segment_ids": [own, foreign]},
    )
    [problem] = refused.problems
    assert problem.field == "Segments"
    assert "does not exist in this workspace" in problem.message
    assert count(engine, PromiseVersion) == 0
    assert count(engine, PromiseVersionSegment) == 0


def test_a_version_of_another_workspace_cannot_be_made_current_or_restored(engine):
    ws, other = new_workspace(engine, "Acme"), new_workspace(engine, "Other")
    _save(engine, ws, text="Ours.")
    theirs_first = _save(engine, other, text="Theirs 1.")
    _save(engine, other, make_current=True, text="Theirs 2.")

    for service, extra in ((set_current, {}), (restore_version, {"author": "Mallory"})):
        refused = refusal_of(engine, service, workspace_id=ws, version_id=theirs_first.id, **extra)
        assert "does not exist in this workspace" in str(refused)

    assert [(v.text, v.is_current) for v in _versions(engine, ws)] == [("Ours.", True)]
    assert [(v.text, v.is_current) for v in _versions(engine, other)] == [("Theirs 1.", False), ("Theirs 2.", True)]


# --- word lists ------------------------------------------------------------------------------


def test_a_new_workspace_starts_with_the_default_word_lists_in_order(engine):
    ws = new_workspace(engine)
    assert _read(engine, promise_terms, workspace_id=ws) == DEFAULTS
    assert count(engine, PromiseTerm, workspace_id=ws) == len(DEFAULT_BUZZWORDS) + len(DEFAULT_JARGON)


def test_set_terms_trims_drops_blank_lines_and_keeps_the_first_spelling_of_a_duplicate(engine):
    ws = new_workspace(engine)
    raw = "  Rask   levering \n\nKPI\n   \nkpi\nRASK LEVERING\nomni*\n\tpipeline\t\nKPI"
    saved = _call(engine, set_terms, workspace_id=ws, kind="jargon", terms=raw)
    assert saved == ["Rask levering", "KPI", "omni*", "pipeline"]
    assert _read(engine, promise_terms, workspace_id=ws) == {"buzzword": list(DEFAULT_BUZZWORDS), "jargon": saved}

    _call(engine, set_terms, workspace_id=ws, kind="buzzword", terms="best\nworld-class")
    assert _read(engine, promise_terms, workspace_id=ws) == {"buzzword": ["best", "world-class"], "jargon": saved}


@pytest.mark.parametrize(
    "raw, row, words",
    [
        ("leading\n\ninno*vativ", 3, ["*", "end"]),
        ("leading\n" + "x" * 61, 2, ["61 characters", "60"]),
        ("leading\n***", 2, ["*"]),
        ("leading\n?!", 2, ["no letters"]),
    ],
    ids=["star-inside", "61-chars", "only-stars", "no-letters"],
)
def test_a_bad_term_is_refused_naming_its_line_and_the_list_stays_as_it_was(engine, raw, row, words):
    ws = new_workspace(engine)
    refused = refusal_of(engine, set_terms, workspace_id=ws, kind="buzzword", terms=raw)
    [problem] = refused.problems
    assert problem.row == row
    for word in words:
        assert word in problem.message
    assert _read(engine, promise_terms, workspace_id=ws) == DEFAULTS


def test_every_bad_term_is_named_at_once(engine):
    ws = new_workspace(engine)
    refused = refusal_of(engine, set_terms, workspace_id=ws, kind="jargon", terms="a*b\nfine\n" + "y" * 70)
    assert [p.row for p in refused.problems] == [1, 3]
    assert _read(engine, promise_terms, workspace_id=ws) == DEFAULTS


def test_a_list_of_more_than_300_terms_is_refused(engine):
    ws = new_workspace(engine)
    refused = refusal_of(engine, set_terms, workspace_id=ws, kind="jargon", terms=[f"term{n}" for n in range(301)])
    assert "301 terms" in str(refused) and "300" in str(refused)
    assert _read(engine, promise_terms, workspace_id=ws) == DEFAULTS


def test_reset_terms_brings_the_defaults_back(engine):
    ws = new_workspace(engine)
    _call(engine, set_terms, workspace_id=ws, kind="buzzword", terms="only this")
    _call(engine, set_terms, workspace_id=ws, kind="jargon", terms="")
    assert _read(engine, promise_terms, workspace_id=ws) == {"buzzword": ["only this"], "jargon": []}

    assert _call(engine, reset_terms, workspace_id=ws, kind="buzzword") == list(DEFAULT_BUZZWORDS)
    assert _read(engine, promise_terms, workspace_id=ws) == {"buzzword": list(DEFAULT_BUZZWORDS), "jargon": []}
    _call(engine, reset_terms, workspace_id=ws, kind="jargon")
    assert _read(engine, promise_terms, workspace_id=ws) == DEFAULTS


@pytest.mark.parametrize("service, extra", [(set_terms, {"terms": "x"}), (reset_terms, {})], ids=["set", "reset"])
def test_an_unknown_word_list_is_refused(engine, service, extra):
    ws = new_workspace(engine)
    refused = refusal_of(engine, service, workspace_id=ws, kind="slogans", **extra)
    assert "no word list called 'slogans'" in str(refused)
    assert count(engine, PromiseTerm, workspace_id=ws, kind="slogans") == 0
    assert _read(engine, promise_terms, workspace_id=ws) == DEFAULTS


def test_word_lists_of_one_workspace_do_not_leak_into_another(engine):
    ws, other = new_workspace(engine, "Acme"), new_workspace(engine, "Other")
    _call(engine, set_terms, workspace_id=ws, kind="jargon", terms="Acme-speak")
    _call(engine, set_terms, workspace_id=other, kind="buzzword", terms="Other-speak")
    assert _read(engine, promise_terms, workspace_id=ws) == {
        "buzzword": list(DEFAULT_BUZZWORDS),
        "jargon": ["Acme-speak"],
    }
    assert _read(engine, promise_terms, workspace_id=other) == {
        "buzzword": ["Other-speak"],
        "jargon": list(DEFAULT_JARGON),
    }
    _call(engine, reset_terms, workspace_id=other, kind="buzzword")
    assert _read(engine, promise_terms, workspace_id=ws)["jargon"] == ["Acme-speak"]


def test_the_review_checks_against_the_workspace_own_word_lists(engine, demo_workspace_id):
    ws = demo_workspace_id
    current = _read(engine, current_promise, workspace_id=ws)
    _call(engine, set_terms, workspace_id=ws, kind="jargon", terms="invoice\nchasing")
    review = _read(engine, review_promise, workspace_id=ws, draft=_draft(current), segment_ids=[])
    jargon = next(c for c in review.checks if c.key == "jargon")
    assert (jargon.status, jargon.found) == ("warn", ["invoice", "chasing"])


# --- needs and pains, and the review ----------------------------------------------------------


def test_the_default_segments_are_the_demo_target_segments(engine, demo_workspace_id):
    segments = _read(engine, list_segments, workspace_id=demo_workspace_id)
    defaults = _read(engine, default_segment_ids, workspace_id=demo_workspace_id)
    assert defaults == [s.id for s in segments[:3]]
    assert "Facility managers" not in {s.name for s in segments if s.id in defaults}


def test_needs_and_pains_come_from_the_personas_and_need_or_pain_insights_of_the_segments(engine, demo_workspace_id):
    ws = demo_workspace_id
    segment_ids = _read(engine, default_segment_ids, workspace_id=ws)
    sources = _read(engine, needs_and_pains, workspace_id=ws, segment_ids=segment_ids)
    texts = [s.text for s in sources]

    # Persona items, split on ";" and with the trailing full stop gone.
    assert "Parts in stock at the nearest counter" in texts
    assert "app ordering with pick-up code" in texts
    assert "Credit notes that take weeks" in texts
    kjetil = {(s.kind, s.text) for s in sources if s.source == "Kjetil the van installer"}
    assert ("need", "clear delivery times") in kjetil
    assert ("pain", "invoices he cannot match to jobs") in kjetil
    # Need and Pain insights linked to the segments, and only those kinds.
    assert any(s.source == "Insight 2026-09-15" and s.kind == "need" and "07:30" in s.text for s in sources)
    assert any(s.source == "Insight 2026-11-03" and s.kind == "pain" and "Back-orders" in s.text for s in sources)
    assert {s.kind for s in sources} == {"need", "pain"}
    assert not any("pick-up code in the app" in t for t in texts)  # a Request
    assert not any("price lock for the project's length" in t for t in texts)  # a Motive
    assert not any("Time on the job is money" in t for t in texts)  # a persona's motives are not needs
    # Nothing of the segment that is not prioritised.
    assert not any("FDV" in t or "Standard assortment" in t or "standard assortment" in t for t in texts)
    assert "Per the property technician lead" not in {s.source for s in sources}
    assert _read(engine, needs_and_pains, workspace_id=ws, segment_ids=[]) == []


def test_an_insight_counts_for_a_segment_through_its_persona(engine):
    ws = new_workspace(engine)
    alpha, beta = new_segment(engine, ws, "Alpha"), new_segment(engine, ws, "Beta")
    persona = new_persona(engine, ws, alpha, "Kari", needs="Fast delivery", pains="")
    with unit_of_work(engine) as session:
        for data in (
            {"text": "Parts arrive late.", "kind": "Pain", "persona_ids": [persona]},
            {"text": "Wants a showroom.", "kind": "Need", "segment_ids": [beta]},
            {"text": "Asks for an app.", "kind": "Request", "persona_ids": [persona]},
        ):
            create_insight(
                session=session, workspace_id=ws, data=data | {"source_type": "Sales", "recorded_on": "2026-09-02"}
            )

    assert [
        (s.kind, s.text, s.source) for s in _read(engine, needs_and_pains, workspace_id=ws, segment_ids=[alpha])
    ] == [("need", "Fast delivery", "Kari"), ("pain", "Parts arrive late.", "Insight 2026-09-02")]
    assert [s.text for s in _read(engine, needs_and_pains, workspace_id=ws, segment_ids=[beta])] == [
        "Wants a showroom."
    ]


def test_the_demo_current_promise_passes_every_check(engine, demo_workspace_id):
    ws = demo_workspace_id
    current = _read(engine, current_promise, workspace_id=ws)
    assert (current.number, current.author) == (3, "Mona Dahl")
    segment_ids = _read(engine, default_segment_ids, workspace_id=ws)
    review = _read(engine, review_promise, workspace_id=ws, draft=_draft(current), segment_ids=segment_ids)
    assert [c.key for c in review.checks] == ["length", "parts", "buzzwords", "jargon", "needs"]
    assert review.passed == 5, [(c.key, c.status, c.message) for c in review.checks]
    assert review.needs and "Time-pressed installers" in review.scope


def test_the_demo_first_draft_is_flagged_for_buzzwords_and_jargon(engine, demo_workspace_id):
    ws = demo_workspace_id
    first = _versions(engine, ws)[0]
    assert (first.number, first.author) == (1, "Erik Solberg")
    segment_ids = _read(engine, default_segment_ids, workspace_id=ws)
    review = _read(engine, review_promise, workspace_id=ws, draft=_draft(first), segment_ids=segment_ids)
    checks = {c.key: c for c in review.checks}
    assert checks["buzzwords"].status == "warn"
    assert {"leading", "innovative", "world-class", "solutions"} <= set(checks["buzzwords"].found)
    assert checks["jargon"].status == "warn"
    assert {"omnichannel", "customer journey", "touchpoint"} <= set(checks["jargon"].found)
    assert review.passed < 5


def test_a_review_without_segments_has_nothing_to_check_the_needs_against(engine, demo_workspace_id):
    ws = demo_workspace_id
    current = _read(engine, current_promise, workspace_id=ws)
    review = _read(engine, review_promise, workspace_id=ws, draft=_draft(current), segment_ids=[])
    needs = next(c for c in review.checks if c.key == "needs")
    assert needs.status == "info"
    assert review.needs == []
    assert review.passed == 4


# --- JSON ------------------------------------------------------------------------------------

_export, _import = export_document, import_document


def _demo(name: str = "Promise copy") -> dict:
    return demo_copy(name)


def test_export_of_the_demo_has_its_three_versions_and_the_current_one(engine, demo_workspace_id):
    promise = _export(engine, demo_workspace_id)["promise"]
    assert promise["current"] == 3
    assert [v["number"] for v in promise["versions"]] == [1, 2, 3]
    assert [v["author"] for v in promise["versions"]] == ["Erik Solberg", "Hanne Lie", "Mona Dahl"]
    assert [v["segments"] for v in promise["versions"]] == [
        ["S1", "S2", "S3", "S4"],
        ["S1", "S2", "S3"],
        ["S1", "S2", "S3"],
    ]
    for version in promise["versions"]:
        assert version["created_at"].endswith("+00:00")
        assert datetime.fromisoformat(version["created_at"]).utcoffset() == timedelta(0)
    assert promise["versions"][0]["created_at"] == "2026-11-10T09:15:00+00:00"
    assert (promise["buzzwords"], promise["jargon"]) == (list(DEFAULT_BUZZWORDS), list(DEFAULT_JARGON))
    assert promise == load_demo_document()["promise"]


def test_export_import_export_keeps_the_promise_section(engine, demo_workspace_id):
    _call(engine, set_terms, workspace_id=demo_workspace_id, kind="jargon", terms="Counter-speak\nKPI")
    old = _versions(engine, demo_workspace_id)[0]
    _call(engine, restore_version, workspace_id=demo_workspace_id, version_id=old.id, author="Tor", make_current=True)
    first = _export(engine, demo_workspace_id)
    raw = json.dumps(first, ensure_ascii=False).encode("utf-8")
    copy_id = _import(engine, parse_workspace_file(raw)).id
    second = _export(engine, copy_id)
    assert second["promise"] == first["promise"]
    assert (second["promise"]["current"], second["promise"]["versions"][-1]["restored_from"]) == (4, 1)
    assert second["promise"]["jargon"] == ["Counter-speak", "KPI"]


def test_a_file_without_a_promise_section_gets_the_default_lists_and_no_versions(engine):
    document = _demo("From version 4")
    document["format_version"] = 4
    del document["promise"]
    ws = _import(engine, parse_workspace_file(json.dumps(document))).id
    assert _read(engine, promise_terms, workspace_id=ws) == DEFAULTS
    assert _versions(engine, ws) == []
    assert _read(engine, current_promise, workspace_id=ws) is None


_set = set_at  # "versions.1.number" sets the promise's versions[1] number (0-based)


@pytest.mark.parametrize(
    "change, where",
    [
        (_set("versions.1.number", 1), "promise › versions[2] › number"),
        (_set("versions.2.number", 0), "promise › versions[3] › number"),
        (_set("versions.2.number", "3"), "promise › versions[3] › number"),
        (_set("versions.1.restored_from", 3), "promise › versions[2] › restored_from"),
        (_set("versions.1.restored_from", 9), "promise › versions[2] › restored_from"),
        (_set("versions.1.restored_from", 2), "promise › versions[2] › restored_from"),
        (_set("current", 7), "promise › current"),
        (_set("versions.0.segments", ["S1", "S9"]), "promise › versions[1] › segments"),
        (_set("versions.0.segments", "S1"), "promise › versions[1] › segments"),
        (_set("colour", "red"), "promise › colour"),
        (_set("buzzwords.2", "inno*vativ"), "promise › buzzwords[3]"),
        (_set("jargon.0", "j" * 61), "promise › jargon[1]"),
        (_set("versions.1.text", ""), "promise › versions[2] › The promise"),
        (_set("versions.2.author", " "), "promise › versions[3] › Author"),
        (_set("versions.0.created_at", "last Tuesday"), "promise › versions[1] › created_at"),
        (_set("versions", "all of them"), "promise › versions"),
    ],
    ids=[
        "duplicate-number",
        "number-zero",
        "number-text",
        "restored-from-later",
        "restored-from-unknown",
        "restored-from-itself",
        "current-missing",
        "segment-not-in-file",
        "segments-not-a-list",
        "unknown-key",
        "bad-buzzword",
        "long-jargon",
        "empty-text",
        "no-author",
        "bad-created-at",
        "versions-not-a-list",
    ],
)
def test_a_bad_promise_section_is_refused_naming_the_place_and_creates_nothing(engine, change, where):
    document = _demo()
    change(document["promise"])
    before = count(engine, Workspace), count(engine, PromiseVersion), count(engine, PromiseTerm)
    with pytest.raises(ValidationProblem) as refused:
        with unit_of_work(engine) as session:
            import_workspace(session=session, document=document)
    assert where in [p.field for p in refused.value.problems], refused.value.problems
    assert (count(engine, Workspace), count(engine, PromiseVersion), count(engine, PromiseTerm)) == before


@pytest.mark.parametrize(
    "numbers, restored_from, expected",
    [
        ((1, 2, 5), 2, 2),
        ((1, 3, 5), 3, 2),
        ((2, 4, 9), 2, 1),
    ],
    ids=["1-2-5", "1-3-5", "2-4-9"],
)
def test_gaps_in_the_version_numbers_are_closed_and_restored_from_follows(engine, numbers, restored_from, expected):
    document = _demo()
    versions = document["promise"]["versions"]
    for version, number in zip(versions, numbers):
        version["number"] = number
    versions[2]["restored_from"] = restored_from
    document["promise"]["current"] = numbers[2]
    ws = _import(engine, document).id
    imported = _versions(engine, ws)
    assert [v.number for v in imported] == [1, 2, 3]
    assert [v.restored_from for v in imported] == [None, None, expected]
    assert [v.author for v in imported] == ["Erik Solberg", "Hanne Lie", "Mona Dahl"]
    assert _read(engine, current_promise, workspace_id=ws).number == 3
    assert _export(engine, ws)["promise"]["current"] == 3


def test_a_file_with_versions_but_no_current_one_keeps_no_current_version(engine):
    document = _demo()
    document["promise"]["current"] = None
    ws = _import(engine, document).id
    assert len(_versions(engine, ws)) == 3
    assert _read(engine, current_promise, workspace_id=ws) is None
    assert _current_count(engine, ws) == 0
    assert _export(engine, ws)["promise"]["current"] is None


def test_versions_listed_out_of_order_are_imported_by_number(engine):
    document = _demo()
    document["promise"]["versions"].reverse()
    ws = _import(engine, document).id
    assert [(v.number, v.author) for v in _versions(engine, ws)] == [
        (1, "Erik Solberg"),
        (2, "Hanne Lie"),
        (3, "Mona Dahl"),
    ]
    assert _read(engine, current_promise, workspace_id=ws).number == 3


def test_restored_from_a_later_version_listed_earlier_in_the_file_is_refused(engine):
    document = _demo()
    versions = document["promise"]["versions"]
    versions[1]["restored_from"] = 3  # version 2 "restored from" version 3
    versions[1], versions[2] = versions[2], versions[1]  # listed 1, 3, 2
    before = count(engine, Workspace)
    with pytest.raises(ValidationProblem) as refused:
        _import(engine, document)
    assert "promise › versions[3] › restored_from" in [p.field for p in refused.value.problems]
    assert count(engine, Workspace) == before


@pytest.mark.parametrize(
    "change", [_set("versions.0.number", [1]), _set("current", {"n": 3})], ids=["number-list", "current-object"]
)
def test_an_unhashable_version_number_is_refused_not_a_crash(engine, change):
    document = _demo()
    change(document["promise"])
    before = count(engine, Workspace)
    with pytest.raises(ValidationProblem):
        _import(engine, document)
    assert count(engine, Workspace) == before


def test_a_null_in_a_word_list_of_the_file_does_not_become_the_term_none(engine):
    document = _demo()
    document["promise"]["buzzwords"] = [None, "best"]
    ws = _import(engine, document).id
    assert _read(engine, promise_terms, workspace_id=ws)["buzzword"] == ["best"]


@pytest.mark.parametrize(
    "change, where",
    [
        (_set("current", True), "promise › current"),
        (_set("versions.2.restored_from", True), "promise › versions[3] › restored_from"),
    ],
    ids=["current-true", "restored-from-true"],
)
def test_true_is_not_a_version_number_anywhere_in_the_promise_section(engine, change, where):
    document = _demo()
    change(document["promise"])
    before = count(engine, Workspace)
    with pytest.raises(ValidationProblem) as refused:
        _import(engine, document)
    assert where in [p.field for p in refused.value.problems]
    assert count(engine, Workspace) == before


def test_a_created_at_with_an_offset_keeps_its_instant(engine):
    document = _demo()
    document["promise"]["versions"][0]["created_at"] = "2026-11-10T09:15:00+02:00"
    document["promise"]["versions"][1]["created_at"] = "2026-11-10T10:40:00"  # no offset: UTC
    ws = _import(engine, document).id
    first, second, _ = _versions(engine, ws)
    assert first.created_at == datetime(2026, 11, 10, 7, 15, tzinfo=UTC)
    assert second.created_at == datetime(2026, 11, 10, 10, 40, tzinfo=UTC)
    exported = _export(engine, ws)["promise"]["versions"]
    assert [v["created_at"] for v in exported[:2]] == ["2026-11-10T07:15:00+00:00", "2026-11-10T10:40:00+00:00"]


# --- deleting --------------------------------------------------------------------------------


def test_deleting_a_workspace_removes_its_promise_rows_and_no_others(engine, demo_workspace_id):
    other = new_workspace(engine, "Other")
    segment = new_segment(engine, other, "Installers")
    _save(engine, other, segment_ids=[segment])
    assert _promise_counts(engine, demo_workspace_id) == {
        "versions": 3,
        "segment links": 10,
        "terms": len(DEFAULT_BUZZWORDS) + len(DEFAULT_JARGON),
    }
    kept = _promise_counts(engine, other)

    name = _read(engine, export_workspace, workspace_id=demo_workspace_id)["workspace"]["name"]
    _call(engine, delete_workspace, workspace_id=demo_workspace_id, confirm_name=name)

    assert _promise_counts(engine, demo_workspace_id) == {"versions": 0, "segment links": 0, "terms": 0}
    assert _promise_counts(engine, other) == kept
    assert count(engine, PromiseVersionSegment) == 1


def test_deleting_a_segment_takes_it_off_the_versions_but_keeps_them(engine, demo_workspace_id):
    ws = demo_workspace_id
    before = _versions(engine, ws)
    segments = {s.name: s.id for s in _read(engine, list_segments, workspace_id=ws)}
    _call(engine, delete_segment, workspace_id=ws, segment_id=segments["Facility managers"], with_personas=True)

    after = _versions(engine, ws)
    assert [v.text for v in after] == [v.text for v in before]
    assert [v.segment_names for v in after] == [
        ["Time-pressed installers", "Project contractors", "Quality-focused renovators"]
    ] * 3
    assert _read(engine, current_promise, workspace_id=ws).number == 3


def test_deleting_a_segment_without_personas_leaves_a_version_with_no_segments(engine):
    ws = new_workspace(engine)
    segment = new_segment(engine, ws, "Installers")
    saved = _save(engine, ws, segment_ids=[segment])
    _call(engine, delete_segment, workspace_id=ws, segment_id=segment)
    [version] = _versions(engine, ws)
    assert (version.id, version.text, version.segment_ids, version.segment_names) == (saved.id, saved.text, [], [])
    assert count(engine, PromiseVersionSegment) == 0


# --- migration -------------------------------------------------------------------------------


def test_workspaces_from_before_0006_get_the_default_word_lists_and_no_versions(empty_engine):
    upgrade(empty_engine, "0005")
    now = "2025-05-01 10:00:00+00:00"
    with empty_engine.begin() as connection:
        ids = [
            connection.execute(
                text(
                    "INSERT INTO workspace (name, currency, description, weight_size, weight_potential, weight_growth, "
                    "max_long_term_goals, created_at, updated_at) "
                    "VALUES (:name, 'NOK', '', 30, 40, 30, 5, :now, :now) RETURNING id"
                ),
                {"name": name, "now": now},
            ).scalar_one()
            for name in ("Gammel Rørhandel", "Second")
        ]

    upgrade(empty_engine)

    for workspace_id in ids:
        assert _read(empty_engine, promise_terms, workspace_id=workspace_id) == DEFAULTS
        assert _read(empty_engine, list_versions, workspace_id=workspace_id) == []
    assert count(empty_engine, PromiseTerm) == 2 * (len(DEFAULT_BUZZWORDS) + len(DEFAULT_JARGON))
    # The upgraded workspace works with the services: a first version becomes current.
    saved = _save(empty_engine, ids[0])
    assert (saved.number, saved.is_current) == (1, True)
