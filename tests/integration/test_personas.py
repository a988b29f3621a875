"""Persona services on SQLite and PostgreSQL: channels, segment checks, exact text round trips."""

from __future__ import annotations

import pytest

from crmstrategy.analysis.models import ChannelIn, Persona, PersonaChannel
from crmstrategy.analysis.personas import (
    create_persona,
    delete_persona,
    get_persona,
    list_personas,
    parse_channel_lines,
    persona_counts,
    update_persona,
)
from crmstrategy.core.db import read_session, unit_of_work
from crmstrategy.core.errors import Problem
from tests.integration.support import count, new_persona, new_segment, new_workspace, version_of
from tests.support import refusal_of


@pytest.fixture
def workspace_id(engine) -> int:
    return new_workspace(engine, "Acme")


@pytest.fixture
def segment_id(engine, workspace_id) -> int:
    return new_segment(engine, workspace_id, "Installers")


def _get(engine, workspace_id, persona_id):
    with read_session(engine) as session:
        return get_persona(session=session, workspace_id=workspace_id, persona_id=persona_id)


def test_create_persona_with_channels(engine, workspace_id, segment_id):
    with unit_of_work(engine) as session:
        created = create_persona(
            session=session,
            workspace_id=workspace_id,
            data={
                "name": "Ivar Installatør",
                "segment_id": segment_id,
                "role_title": "Daglig leder",
                "decision_role": "decision maker",
                "lifecycle_stage": "RETAIN",
                "needs": "Deler i dag",
                "channels": [
                    {"kind": "owned", "channel": "Newsletter"},
                    {"kind": "Earned", "channel": "Word of mouth"},
                    {"kind": "Owned", "channel": "newsletter"},
                ],
            },
        )
    stored = _get(engine, workspace_id, created.id)
    assert stored.name == "Ivar Installatør"
    assert stored.segment_name == "Installers"
    assert (stored.decision_role, stored.lifecycle_stage) == ("Decision-maker", "Retain")
    assert stored.channels == [
        ChannelIn(kind="Owned", channel="Newsletter"),
        ChannelIn(kind="Earned", channel="Word of mouth"),
    ]
    assert count(engine, PersonaChannel) == 2


def test_update_persona_changes_fields_and_replaces_channels(engine, workspace_id, segment_id):
    other_segment = new_segment(engine, workspace_id, "Renovators")
    persona_id = new_persona(
        engine, workspace_id, segment_id, "Ivar", goals="Grow", channels=[{"kind": "Owned", "channel": "Newsletter"}]
    )
    with unit_of_work(engine) as session:
        update_persona(
            version=version_of(session, Persona, persona_id),
            session=session,
            workspace_id=workspace_id,
            persona_id=persona_id,
            changes={
                "segment_id": other_segment,
                "pains": "Queues",
                "channels": parse_channel_lines("Bought", "Google Ads, LinkedIn"),
            },
        )
    stored = _get(engine, workspace_id, persona_id)
    assert (stored.segment_id, stored.segment_name, stored.goals, stored.pains) == (
        other_segment,
        "Renovators",
        "Grow",
        "Queues",
    )
    assert [c.channel for c in stored.channels] == ["Google Ads", "LinkedIn"]
    assert count(engine, PersonaChannel) == 2


def test_update_without_channels_keeps_them(engine, workspace_id, segment_id):
    persona_id = new_persona(
        engine, workspace_id, segment_id, "Ivar", channels=[{"kind": "Owned", "channel": "Newsletter"}]
    )
    with unit_of_work(engine) as session:
        update_persona(
            version=version_of(session, Persona, persona_id),
            session=session,
            workspace_id=workspace_id,
            persona_id=persona_id,
            changes={"quote": "Nå!"},
        )
    assert _get(engine, workspace_id, persona_id).channels == [ChannelIn(kind="Owned", channel="Newsletter")]


def test_persona_in_a_segment_of_another_workspace_is_refused(engine, workspace_id, segment_id):
    other = new_workspace(engine, "Other")
    foreign_segment = new_segment(engine, other, "Their segment")
    refusal = refusal_of(
        engine, create_persona, workspace_id=workspace_id, data={"name": "Spy", "segment_id": foreign_segment}
    )
    assert refusal.problems == [Problem("Segment", "Choose a segment of this workspace.")]
    assert count(engine, Persona) == 0


def test_moving_a_persona_to_another_workspaces_segment_is_refused(engine, workspace_id, segment_id):
    persona_id = new_persona(engine, workspace_id, segment_id, "Ivar")
    foreign_segment = new_segment(engine, new_workspace(engine, "Other"), "Their segment")
    refusal_of(
        engine,
        update_persona,
        version=version_of(engine, Persona, persona_id),
        workspace_id=workspace_id,
        persona_id=persona_id,
        changes={"segment_id": foreign_segment},
    )
    assert _get(engine, workspace_id, persona_id).segment_id == segment_id


def test_persona_in_a_missing_segment_is_refused(engine, workspace_id, segment_id):
    refusal_of(engine, create_persona, workspace_id=workspace_id, data={"name": "Ghost", "segment_id": 99999})
    assert count(engine, Persona) == 0


@pytest.mark.parametrize("duplicate", ["Ivar", "IVAR", "  ivar "])
def test_duplicate_persona_name_is_refused(engine, workspace_id, segment_id, duplicate):
    new_persona(engine, workspace_id, segment_id, "Ivar")
    other_segment = new_segment(engine, workspace_id, "Renovators")
    refusal = refusal_of(
        engine, create_persona, workspace_id=workspace_id, data={"name": duplicate, "segment_id": other_segment}
    )
    assert "already exists in this workspace" in str(refusal)
    assert count(engine, Persona) == 1


def test_renaming_onto_another_personas_name_is_refused(engine, workspace_id, segment_id):
    new_persona(engine, workspace_id, segment_id, "Ivar")
    rita = new_persona(engine, workspace_id, segment_id, "Rita")
    refusal_of(
        engine,
        update_persona,
        version=version_of(engine, Persona, rita),
        workspace_id=workspace_id,
        persona_id=rita,
        changes={"name": "ivar"},
    )
    assert _get(engine, workspace_id, rita).name == "Rita"


UNUSUAL_TEXT = {
    "name": "Bjørn 😀 <b>bold</b>",
    "role_title": "مدير المشتريات",
    "goals": "**Grow** _fast_ [link](http://x) `code` :red[alarm] $x$",
    "needs": "שלום עולם — ‏right to left‏",
    "pains": "<script>alert('x')</script> & &amp; \"quotes\"",
    "motives": "Line one\n\n    indented line\n# not a heading",
    "quote": "👩‍🔧🇳🇴 ✅ «Nå!»",
}


def test_emoji_rtl_html_and_markdown_text_is_stored_and_read_back_exactly(engine, workspace_id, segment_id):
    texts = {k: v for k, v in UNUSUAL_TEXT.items() if k != "name"}
    persona_id = new_persona(engine, workspace_id, segment_id, UNUSUAL_TEXT["name"], **texts)
    stored = _get(engine, workspace_id, persona_id)
    for field, text in UNUSUAL_TEXT.items():
        assert getattr(stored, field) == text, field


def test_10000_character_text_is_refused_and_nothing_written(engine, workspace_id, segment_id):
    refusal = refusal_of(
        engine,
        create_persona,
        workspace_id=workspace_id,
        data={
            "name": "Long",
            "segment_id": segment_id,
            "needs": "n" * 10_000,
            "channels": [{"kind": "Owned", "channel": "Newsletter"}],
        },
    )
    [problem] = refusal.problems
    assert problem.field == "Needs"
    assert "10,000" in problem.message and "4,000" in problem.message
    assert count(engine, Persona) == 0
    assert count(engine, PersonaChannel) == 0


def test_10000_character_update_is_refused_and_the_persona_unchanged(engine, workspace_id, segment_id):
    persona_id = new_persona(engine, workspace_id, segment_id, "Ivar", goals="Short")
    refusal_of(
        engine,
        update_persona,
        version=version_of(engine, Persona, persona_id),
        workspace_id=workspace_id,
        persona_id=persona_id,
        changes={"goals": "g" * 10_000, "name": "Renamed"},
    )
    stored = _get(engine, workspace_id, persona_id)
    assert (stored.name, stored.goals) == ("Ivar", "Short")


def test_delete_persona_removes_its_channels(engine, workspace_id, segment_id):
    persona_id = new_persona(
        engine, workspace_id, segment_id, "Ivar", channels=[{"kind": "Owned", "channel": "Newsletter"}]
    )
    with unit_of_work(engine) as session:
        assert delete_persona(session=session, workspace_id=workspace_id, persona_id=persona_id) == "Ivar"
    assert count(engine, Persona) == 0
    assert count(engine, PersonaChannel) == 0


def test_list_personas_by_segment_and_counts(engine, workspace_id, segment_id):
    other_segment = new_segment(engine, workspace_id, "Renovators")
    new_persona(engine, workspace_id, segment_id, "ivar")
    new_persona(engine, workspace_id, segment_id, "Anna")
    new_persona(engine, workspace_id, other_segment, "Rita")
    with read_session(engine) as session:
        everyone = list_personas(session=session, workspace_id=workspace_id)
        installers = list_personas(session=session, workspace_id=workspace_id, segment_id=segment_id)
        counts = persona_counts(session=session, workspace_id=workspace_id)
    assert [p.name for p in everyone] == ["Anna", "ivar", "Rita"]
    assert [p.name for p in installers] == ["Anna", "ivar"]
    assert counts == {segment_id: 2, other_segment: 1}
