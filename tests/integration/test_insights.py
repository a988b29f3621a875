"""Insight-log services on SQLite and PostgreSQL: links, themes, refusals, import and evidence."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest

from crmstrategy.analysis.evidence import Evidence
from crmstrategy.analysis.insight_import import preview_insight_import
from crmstrategy.analysis.insights import (
    add_theme,
    create_insight,
    create_insights,
    delete_insights,
    get_insight,
    insight_links,
    latest_insights_for_persona,
    list_insights,
    list_themes,
    persona_evidence,
    segment_evidence,
    update_insight,
)
from crmstrategy.analysis.models import (
    DEFAULT_THEMES,
    Insight,
    InsightCreate,
    InsightPersona,
    InsightSegment,
    Theme,
)
from crmstrategy.analysis.personas import delete_persona, list_personas
from crmstrategy.analysis.segments import delete_segment, list_segments
from crmstrategy.core import clock
from crmstrategy.core.db import read_session, unit_of_work
from crmstrategy.core.errors import Problem
from tests.integration.support import count, new_persona, new_segment, new_workspace, version_of
from tests.support import refusal_of


@pytest.fixture
def ws(engine) -> dict:
    """A workspace with two segments and three personas: installers (Kjetil, Sara), contractors (Ingrid)."""
    workspace = new_workspace(engine, "Acme")
    installers = new_segment(engine, workspace, "Installers")
    contractors = new_segment(engine, workspace, "Contractors")
    return {
        "id": workspace,
        "installers": installers,
        "contractors": contractors,
        "kjetil": new_persona(engine, workspace, installers, "Kjetil"),
        "sara": new_persona(engine, workspace, installers, "Sara"),
        "ingrid": new_persona(engine, workspace, contractors, "Ingrid"),
    }


def _data(**values) -> dict:
    return {
        "text": "Parts are missing at the counter",
        "kind": "Pain",
        "source_type": "Customer interview",
        "recorded_on": "2026-09-02",
    } | values


def _create(engine, workspace_id, **values) -> int:
    with unit_of_work(engine) as session:
        return create_insight(session=session, workspace_id=workspace_id, data=_data(**values))


def _get(engine, workspace_id, insight_id):
    with read_session(engine) as session:
        return get_insight(session=session, workspace_id=workspace_id, insight_id=insight_id)


def _themes(engine, workspace_id) -> list[str]:
    with read_session(engine) as session:
        return list_themes(session=session, workspace_id=workspace_id)


# --- themes ----------------------------------------------------------------------------


def test_a_new_workspace_has_the_default_themes(engine, ws):
    assert _themes(engine, ws["id"]) == list(DEFAULT_THEMES)


def test_add_theme_appends_and_refuses_a_duplicate_ignoring_case(engine, ws):
    with unit_of_work(engine) as session:
        assert add_theme(session=session, workspace_id=ws["id"], name="  Invoicing ") == "Invoicing"
    refusal = refusal_of(engine, add_theme, workspace_id=ws["id"], name="DELIVERY")
    assert refusal.problems == [Problem("Theme", "'DELIVERY' is already in the list.")]
    refusal_of(engine, add_theme, workspace_id=ws["id"], name="   ")
    assert _themes(engine, ws["id"]) == [*DEFAULT_THEMES, "Invoicing"]


# --- create, read, update, delete ------------------------------------------------------


def test_create_insight_with_links(engine, ws):
    insight_id = _create(
        engine,
        ws["id"],
        kind="request",
        source_type="sales",
        recorded_by="Erik Solberg",
        theme="delivery",
        segment_ids=[ws["contractors"], ws["installers"]],
        persona_ids=[ws["sara"], ws["kjetil"], ws["sara"]],
    )
    stored = _get(engine, ws["id"], insight_id)
    assert (stored.text, stored.kind, stored.source_type, stored.recorded_by, stored.recorded_on) == (
        "Parts are missing at the counter",
        "Request",
        "Sales",
        "Erik Solberg",
        date(2026, 9, 2),
    )
    assert stored.theme == "Delivery"  # the existing theme's spelling
    assert stored.segment_ids == sorted([ws["installers"], ws["contractors"]])
    assert sorted(stored.segment_names) == ["Contractors", "Installers"]
    assert stored.persona_ids == sorted([ws["kjetil"], ws["sara"]])
    assert sorted(stored.persona_names) == ["Kjetil", "Sara"]
    assert count(engine, InsightSegment) == 2
    assert count(engine, InsightPersona) == 2
    assert count(engine, Theme, workspace_id=ws["id"]) == len(DEFAULT_THEMES)


def test_an_insight_without_theme_or_links(engine, ws):
    stored = _get(engine, ws["id"], _create(engine, ws["id"]))
    assert (stored.theme, stored.segment_ids, stored.persona_ids) == (None, [], [])


def test_update_replaces_the_links_and_keeps_other_fields(engine, ws):
    insight_id = _create(
        engine,
        ws["id"],
        theme="Delivery",
        recorded_by="Erik",
        segment_ids=[ws["installers"]],
        persona_ids=[ws["kjetil"], ws["sara"]],
    )
    with unit_of_work(engine) as session:
        update_insight(
            version=version_of(session, Insight, insight_id),
            session=session,
            workspace_id=ws["id"],
            insight_id=insight_id,
            changes={"segment_ids": [ws["contractors"]], "persona_ids": [ws["ingrid"]], "kind": "Need"},
        )
    stored = _get(engine, ws["id"], insight_id)
    assert (stored.segment_names, stored.persona_names) == (["Contractors"], ["Ingrid"])
    assert (stored.kind, stored.text, stored.theme, stored.recorded_by) == (
        "Need",
        "Parts are missing at the counter",
        "Delivery",
        "Erik",
    )
    assert count(engine, InsightSegment) == 1
    assert count(engine, InsightPersona) == 1


def test_update_without_links_keeps_them_and_empty_lists_clear_them(engine, ws):
    insight_id = _create(engine, ws["id"], segment_ids=[ws["installers"]], persona_ids=[ws["kjetil"]])
    with unit_of_work(engine) as session:
        update_insight(
            version=version_of(session, Insight, insight_id),
            session=session,
            workspace_id=ws["id"],
            insight_id=insight_id,
            changes={"text": "Changed"},
        )
    assert _get(engine, ws["id"], insight_id).persona_ids == [ws["kjetil"]]
    with unit_of_work(engine) as session:
        update_insight(
            version=version_of(session, Insight, insight_id),
            session=session,
            workspace_id=ws["id"],
            insight_id=insight_id,
            changes={"segment_ids": [], "persona_ids": []},
        )
    stored = _get(engine, ws["id"], insight_id)
    assert (stored.text, stored.segment_ids, stored.persona_ids) == ("Changed", [], [])
    assert count(engine, InsightSegment) == 0 and count(engine, InsightPersona) == 0


def test_update_with_a_new_theme_name_adds_the_theme(engine, ws):
    insight_id = _create(engine, ws["id"], theme="Delivery")
    with unit_of_work(engine) as session:
        update_insight(
            version=version_of(session, Insight, insight_id),
            session=session,
            workspace_id=ws["id"],
            insight_id=insight_id,
            changes={"theme": " Invoicing "},
        )
    assert _get(engine, ws["id"], insight_id).theme == "Invoicing"
    assert _themes(engine, ws["id"]) == [*DEFAULT_THEMES, "Invoicing"]


def test_update_matches_an_existing_theme_ignoring_case(engine, ws):
    insight_id = _create(engine, ws["id"])
    with unit_of_work(engine) as session:
        update_insight(
            version=version_of(session, Insight, insight_id),
            session=session,
            workspace_id=ws["id"],
            insight_id=insight_id,
            changes={"theme": "DIGITAL CHANNELS"},
        )
    assert _get(engine, ws["id"], insight_id).theme == "Digital channels"
    assert count(engine, Theme, workspace_id=ws["id"]) == len(DEFAULT_THEMES)


def test_a_theme_name_is_shared_by_insights_and_not_duplicated(engine, ws):
    _create(engine, ws["id"], theme="Invoicing")
    _create(engine, ws["id"], theme="invoicing")
    assert _themes(engine, ws["id"]) == [*DEFAULT_THEMES, "Invoicing"]
    with read_session(engine) as session:
        assert {i.theme for i in list_insights(session=session, workspace_id=ws["id"])} == {"Invoicing"}


def test_update_with_a_blank_theme_removes_the_theme_but_keeps_the_list(engine, ws):
    insight_id = _create(engine, ws["id"], theme="Price")
    with unit_of_work(engine) as session:
        update_insight(
            version=version_of(session, Insight, insight_id),
            session=session,
            workspace_id=ws["id"],
            insight_id=insight_id,
            changes={"theme": ""},
        )
    assert _get(engine, ws["id"], insight_id).theme is None
    assert _themes(engine, ws["id"]) == list(DEFAULT_THEMES)


def test_a_refused_update_changes_nothing(engine, ws):
    insight_id = _create(engine, ws["id"], segment_ids=[ws["installers"]])
    before = _get(engine, ws["id"], insight_id)
    refusal_of(
        engine,
        update_insight,
        version=version_of(engine, Insight, insight_id),
        workspace_id=ws["id"],
        insight_id=insight_id,
        changes={"text": "", "segment_ids": [ws["contractors"]], "theme": "Brand new theme"},
    )
    assert _get(engine, ws["id"], insight_id) == before
    assert "Brand new theme" not in _themes(engine, ws["id"])


def test_delete_several_insights(engine, ws):
    keep = _create(engine, ws["id"], text="Keep", segment_ids=[ws["installers"]])
    gone = [
        _create(engine, ws["id"], text=f"Gone {n}", segment_ids=[ws["installers"]], persona_ids=[ws["sara"]])
        for n in range(3)
    ]
    with unit_of_work(engine) as session:
        assert (
            delete_insights(session=session, workspace_id=ws["id"], insight_ids=gone + gone[:1]) == 3
        )  # a repeated id counts once
    with read_session(engine) as session:
        assert [i.id for i in list_insights(session=session, workspace_id=ws["id"])] == [keep]
    assert count(engine, InsightSegment) == 1
    assert count(engine, InsightPersona) == 0


def test_deleting_one_missing_insight_among_others_deletes_none(engine, ws):
    ids = [_create(engine, ws["id"], text=f"Insight {n}") for n in range(2)]
    refusal_of(engine, delete_insights, workspace_id=ws["id"], insight_ids=[ids[0], 999_999, ids[1]])
    assert count(engine, Insight) == 2


# --- refusals --------------------------------------------------------------------------


def test_a_segment_of_another_workspace_is_refused(engine, ws):
    foreign = new_segment(engine, new_workspace(engine, "Other"), "Their segment")
    refusal = refusal_of(
        engine,
        create_insight,
        workspace_id=ws["id"],
        data=_data(segment_ids=[ws["installers"], foreign], theme="New theme"),
    )
    assert refusal.problems == [Problem("Segments", "Choose segments of this workspace.")]
    assert count(engine, Insight) == 0 and count(engine, InsightSegment) == 0
    assert "New theme" not in _themes(engine, ws["id"])


def test_a_persona_of_another_workspace_is_refused(engine, ws):
    other = new_workspace(engine, "Other")
    foreign = new_persona(engine, other, new_segment(engine, other, "Their segment"), "Their persona")
    refusal = refusal_of(engine, create_insight, workspace_id=ws["id"], data=_data(persona_ids=[foreign]))
    assert refusal.problems == [Problem("Personas", "Choose personas of this workspace.")]
    assert count(engine, Insight) == 0 and count(engine, InsightPersona) == 0


def test_linking_another_workspaces_persona_in_an_update_is_refused(engine, ws):
    insight_id = _create(engine, ws["id"], persona_ids=[ws["kjetil"]])
    other = new_workspace(engine, "Other")
    foreign = new_persona(engine, other, new_segment(engine, other, "Their segment"), "Their persona")
    refusal_of(
        engine,
        update_insight,
        version=version_of(engine, Insight, insight_id),
        workspace_id=ws["id"],
        insight_id=insight_id,
        changes={"persona_ids": [ws["sara"], foreign]},
    )
    assert _get(engine, ws["id"], insight_id).persona_ids == [ws["kjetil"]]


def test_a_missing_segment_id_is_refused(engine, ws):
    refusal_of(engine, create_insight, workspace_id=ws["id"], data=_data(segment_ids=[999_999]))
    assert count(engine, Insight) == 0


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_empty_text_is_refused(engine, ws, text):
    refusal = refusal_of(engine, create_insight, workspace_id=ws["id"], data=_data(text=text))
    assert [p.field for p in refusal.problems] == ["Text"]
    assert "Insight text is required" in refusal.problems[0].message
    assert count(engine, Insight) == 0


def test_a_future_date_is_refused_with_a_message(engine, ws):
    tomorrow = clock.today() + timedelta(days=1)
    refusal = refusal_of(engine, create_insight, workspace_id=ws["id"], data=_data(recorded_on=tomorrow.isoformat()))
    assert refusal.problems == [
        Problem("Date", f"Date {tomorrow.isoformat()} is in the future; record what has been said.")
    ]
    assert count(engine, Insight) == 0


@pytest.mark.parametrize("when", [2_000_000_000 - 2_000_000_000 % 86_400, 1_780_000_000 - 1_780_000_000 % 86_400])
def test_a_number_as_the_date_is_refused_not_taken_as_a_timestamp(engine, ws, when):
    # 2033-05-18 and 2026-05-29 as Unix timestamps at midnight: neither is a date the user typed.
    refusal = refusal_of(engine, create_insight, workspace_id=ws["id"], data=_data(recorded_on=when))
    assert [p.field for p in refusal.problems] == ["Date"]
    assert count(engine, Insight) == 0


def test_10000_character_text_is_refused_and_nothing_written(engine, ws):
    refusal = refusal_of(
        engine, create_insight, workspace_id=ws["id"], data=_data(text="t" * 10_000, segment_ids=[ws["installers"]])
    )
    [problem] = refusal.problems
    assert problem.field == "Text"
    assert "10,000" in problem.message and "4,000" in problem.message
    assert count(engine, Insight) == 0 and count(engine, InsightSegment) == 0


def test_several_problems_are_reported_together(engine, ws):
    refusal = refusal_of(
        engine, create_insight, workspace_id=ws["id"], data=_data(text="", kind="Complaint", source_type="Rumour")
    )
    assert {p.field for p in refusal.problems} == {"Text", "Type", "Source"}


UNUSUAL_TEXTS = [
    "<script>alert('x')</script> & &amp; \"quotes\" <b>bold</b>",
    "**Grow** _fast_ [link](http://x) `code` :red[alarm] $x$\n# not a heading\n    indented",
    "👩‍🔧🇳🇴 ✅ «Nå!» Bjørn Ærø",
    "שלום עולם — ‏right to left‏ مدير المشتريات",
]


@pytest.mark.parametrize("text", UNUSUAL_TEXTS, ids=["html", "markdown", "emoji", "rtl"])
def test_html_markdown_emoji_and_rtl_text_is_stored_literally(engine, ws, text):
    insight_id = _create(engine, ws["id"], text=text, recorded_by="Bjørn 😀 <i>", theme="Théme <b>x</b>")
    stored = _get(engine, ws["id"], insight_id)
    assert stored.text == text
    assert stored.recorded_by == "Bjørn 😀 <i>"
    assert stored.theme == "Théme <b>x</b>"


# --- links when segments and personas go -----------------------------------------------


def test_deleting_a_segment_removes_its_links_but_keeps_the_insight(engine, ws):
    insight_id = _create(
        engine, ws["id"], segment_ids=[ws["installers"], ws["contractors"]], persona_ids=[ws["kjetil"], ws["ingrid"]]
    )
    with unit_of_work(engine) as session:
        delete_segment(session=session, workspace_id=ws["id"], segment_id=ws["contractors"], with_personas=True)
    stored = _get(engine, ws["id"], insight_id)
    assert (stored.segment_names, stored.persona_names) == (["Installers"], ["Kjetil"])
    assert count(engine, Insight) == 1
    assert count(engine, InsightSegment) == 1 and count(engine, InsightPersona) == 1


def test_deleting_a_persona_removes_its_links_but_keeps_the_insight(engine, ws):
    insight_id = _create(engine, ws["id"], persona_ids=[ws["kjetil"], ws["sara"]])
    with unit_of_work(engine) as session:
        delete_persona(session=session, workspace_id=ws["id"], persona_id=ws["sara"])
    assert _get(engine, ws["id"], insight_id).persona_names == ["Kjetil"]
    assert count(engine, InsightPersona) == 1


# --- the confirmed import --------------------------------------------------------------


def test_create_insights_writes_every_row(engine, ws):
    rows = [
        (2, InsightCreate(**_data(text="One", segment_ids=[ws["installers"]]))),
        (3, InsightCreate(**_data(text="Two", theme="Invoicing", persona_ids=[ws["ingrid"]]))),
    ]
    with unit_of_work(engine) as session:
        assert create_insights(session=session, workspace_id=ws["id"], rows=rows) == 2
    with read_session(engine) as session:
        stored = {i.text: i for i in list_insights(session=session, workspace_id=ws["id"])}
    assert stored["One"].segment_names == ["Installers"]
    assert (stored["Two"].theme, stored["Two"].persona_names) == ("Invoicing", ["Ingrid"])


def test_create_insights_is_all_or_nothing_and_names_the_rows(engine, ws):
    foreign = new_segment(engine, new_workspace(engine, "Other"), "Their segment")
    rows = [
        (2, InsightCreate(**_data(text="Good", theme="New theme", segment_ids=[ws["installers"]]))),
        (3, _data(text="")),
        (4, InsightCreate(**_data(text="Good too"))),
        (6, InsightCreate(**_data(text="Foreign", segment_ids=[foreign]))),
    ]
    refusal = refusal_of(engine, create_insights, workspace_id=ws["id"], rows=rows)
    assert [(p.row, p.field) for p in refusal.problems] == [(3, "Text"), (6, "Segments")]
    assert str(refusal.problems[1]) == "Row 6, Segments: Choose segments of this workspace."
    assert count(engine, Insight) == 0 and count(engine, InsightSegment) == 0
    assert "New theme" not in _themes(engine, ws["id"])


def test_create_insights_adds_a_new_theme_once_and_links_every_row(engine, ws):
    rows = [
        (2, InsightCreate(**_data(text="One", theme="Invoicing", segment_ids=[ws["installers"], ws["installers"]]))),
        (3, InsightCreate(**_data(text="Two", theme="INVOICING", persona_ids=[ws["kjetil"], ws["ingrid"]]))),
        (4, InsightCreate(**_data(text="Three", theme="delivery"))),
    ]
    with unit_of_work(engine) as session:
        assert create_insights(session=session, workspace_id=ws["id"], rows=rows) == 3
    themes = _themes(engine, ws["id"])
    assert themes.count("Invoicing") == 1 and "INVOICING" not in themes
    with read_session(engine) as session:
        stored = {i.text: i for i in list_insights(session=session, workspace_id=ws["id"])}
    assert [(stored[t].theme, stored[t].segment_names, stored[t].persona_names) for t in ("One", "Two")] == [
        ("Invoicing", ["Installers"], []),
        ("Invoicing", [], ["Kjetil", "Ingrid"]),
    ]
    assert stored["Three"].theme in themes


def test_import_preview_with_the_workspaces_names_then_create(engine, ws):
    raw = (
        b"Date,Type,Text,Source,Theme,Segments,Personas\r\n"
        b"2026-09-02,Pain,Parts are missing,Sales,Delivery,installers; CONTRACTORS,kjetil\r\n"
        b"2026-09-03,Need,Unknown persona,Sales,,,Nobody\r\n"
    )
    with read_session(engine) as session:
        segments = {s.name: s.id for s in list_segments(session=session, workspace_id=ws["id"])}
        personas = {p.name: p.id for p in list_personas(session=session, workspace_id=ws["id"])}
    preview = preview_insight_import(raw, "log.csv", segments=segments, personas=personas)
    assert [(r.row, r.reasons) for r in preview.rejected] == [(3, ["No persona named 'Nobody'."])]
    with unit_of_work(engine) as session:
        create_insights(session=session, workspace_id=ws["id"], rows=preview.valid)
    with read_session(engine) as session:
        [stored] = list_insights(session=session, workspace_id=ws["id"])
    assert sorted(stored.segment_names) == ["Contractors", "Installers"]
    assert stored.persona_names == ["Kjetil"]


# --- evidence and the persona card -----------------------------------------------------


def test_segment_and_persona_evidence_from_the_database(engine, ws):
    _create(engine, ws["id"], source_type="Sales", persona_ids=[ws["kjetil"]])
    _create(engine, ws["id"], source_type="Sales", segment_ids=[ws["installers"]], persona_ids=[ws["sara"]])
    _create(engine, ws["id"], source_type="Survey", segment_ids=[ws["installers"]], persona_ids=[ws["kjetil"]])
    _create(engine, ws["id"], source_type="Survey", persona_ids=[ws["ingrid"]])
    _create(engine, ws["id"], source_type="Other")  # names nobody
    # Another workspace with the same shape must not count here.
    other = new_workspace(engine, "Other")
    other_segment = new_segment(engine, other, "Installers")
    with unit_of_work(engine) as session:
        create_insight(session=session, workspace_id=other, data=_data(segment_ids=[other_segment]))
    with read_session(engine) as session:
        segments = segment_evidence(session=session, workspace_id=ws["id"])
        personas = persona_evidence(session=session, workspace_id=ws["id"])
        links = insight_links(session=session, workspace_id=ws["id"])
    assert segments == {ws["installers"]: Evidence(3, 2), ws["contractors"]: Evidence(1, 1)}
    assert segments[ws["installers"]].level == "solid"
    assert personas == {ws["kjetil"]: Evidence(2, 2), ws["sara"]: Evidence(1, 1), ws["ingrid"]: Evidence(1, 1)}
    assert len(links) == 5


def test_latest_insights_for_a_persona_newest_first_and_limited(engine, ws):
    for text, on, source in [
        ("Oldest", "2026-09-01", "Sales"),
        ("Newest", "2026-10-05", "Survey"),
        ("Middle A", "2026-09-20", "Sales"),
        ("Middle B", "2026-09-20", "Customer service"),
    ]:
        _create(engine, ws["id"], text=text, recorded_on=on, source_type=source, persona_ids=[ws["kjetil"]])
    _create(engine, ws["id"], text="Someone else's", recorded_on="2026-11-01", persona_ids=[ws["sara"]])
    _create(engine, ws["id"], text="Segment only", recorded_on="2026-11-02", segment_ids=[ws["installers"]])
    with read_session(engine) as session:
        latest = latest_insights_for_persona(session=session, workspace_id=ws["id"], persona_id=ws["kjetil"])
        two = latest_insights_for_persona(session=session, workspace_id=ws["id"], persona_id=ws["kjetil"], limit=2)
        none = latest_insights_for_persona(session=session, workspace_id=ws["id"], persona_id=ws["ingrid"])
    # Same date: the one recorded later (higher id) first.
    assert latest == [
        ("2026-10-05", "Survey", "Newest"),
        ("2026-09-20", "Customer service", "Middle B"),
        ("2026-09-20", "Sales", "Middle A"),
    ]
    assert two == latest[:2]
    assert none == []


def test_latest_insights_for_a_persona_of_another_workspace_are_not_shown(engine, ws):
    _create(engine, ws["id"], persona_ids=[ws["kjetil"]])
    other = new_workspace(engine, "Other")
    with read_session(engine) as session:
        assert latest_insights_for_persona(session=session, workspace_id=other, persona_id=ws["kjetil"]) == []


def test_two_insights_with_the_same_new_theme_at_once_share_one_theme(engine, ws):
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def record(n):
        try:
            barrier.wait(timeout=60)
            _create(
                engine,
                ws["id"],
                text=f"Said {n}",
                theme="Invoicing" if n % 2 else "INVOICING",
                segment_ids=[ws["installers"]],
            )
        except BaseException as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=record, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    themes = _themes(engine, ws["id"])
    assert [t for t in themes if t.lower() == "invoicing"] in (["Invoicing"], ["INVOICING"])
    assert len(themes) == len(DEFAULT_THEMES) + 1
    assert count(engine, Insight) == 4 and count(engine, InsightSegment) == 4
