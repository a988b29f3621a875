"""Segment tables and persona cards, read back with real CSV, XLSX and PDF readers."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from crmstrategy.analysis.exports import persona_markdown, persona_pdf, segments_csv, segments_xlsx
from crmstrategy.analysis.models import SEGMENT_LABELS, ChannelIn, PersonaRead, SegmentRead
from crmstrategy.analysis.personas import list_personas
from crmstrategy.analysis.segments import list_segments
from crmstrategy.core.db import read_session, unit_of_work
from crmstrategy.workspace.workspace_file import import_workspace, load_demo_document

SEGMENTS = [
    SegmentRead(
        id=1,
        workspace_id=1,
        position=0,
        name="Småbedrifter på Østlandet",
        description="Rørleggere med 1–10 ansatte",
        defining_needs="Deler i dag, kreditt",
        value_drivers=["Service", "Availability"],
        customer_count=2400,
        revenue=520000000.0,
        potential=640000000.5,
        expected_growth_pct=4.5,
        lifecycle_focus="Retain",
        notes="æøå äö",
    ),
    SegmentRead(
        id=2, workspace_id=1, position=1, name='=HYPERLINK("http://x","y")', expected_growth_pct=-12.0, notes="@SUM(A1)"
    ),
]


def _persona(**values) -> PersonaRead:
    base = dict(id=1, workspace_id=1, segment_id=1, segment_name="Småbedrifter", name="Bjørn Ærø Åsen")
    return PersonaRead(**(base | values))


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


# --- segments --------------------------------------------------------------------------


def test_segments_csv_reads_back_as_the_segments():
    data = segments_csv(SEGMENTS)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == list(SEGMENT_LABELS.values())
    records = [dict(zip(rows[0], row)) for row in rows[1:]]
    assert len(records) == 2
    assert records[0] == {
        "Name": "Småbedrifter på Østlandet",
        "Description": "Rørleggere med 1–10 ansatte",
        "Defining needs": "Deler i dag, kreditt",
        "Value drivers": "Service; Availability",
        "Customers": "2400",
        "Revenue": "520000000",
        "Potential": "640000000.5",
        "Expected growth %": "4.5",
        "Lifecycle focus": "Retain",
        "Notes": "æøå äö",
    }
    assert records[1]["Name"] == "'" + SEGMENTS[1].name
    assert records[1]["Notes"] == "'@SUM(A1)"
    assert records[1]["Expected growth %"] == "-12"
    assert records[1]["Customers"] == ""


def test_segments_xlsx_reads_back_as_the_segments():
    ws = load_workbook(io.BytesIO(segments_xlsx(SEGMENTS, "NOK")))["Segments"]
    header = [cell.value for cell in ws[1]]
    assert header == [
        "Name",
        "Description",
        "Defining needs",
        "Value drivers",
        "Customers",
        "Revenue (NOK)",
        "Potential (NOK)",
        "Expected growth %",
        "Lifecycle focus",
        "Notes",
    ]
    first = [cell.value for cell in ws[2]]
    assert first == [
        "Småbedrifter på Østlandet",
        "Rørleggere med 1–10 ansatte",
        "Deler i dag, kreditt",
        "Service; Availability",
        2400,
        520000000,
        640000000.5,
        4.5,
        "Retain",
        "æøå äö",
    ]
    second = {h: cell.value for h, cell in zip(header, ws[3])}
    assert second["Name"] == "'" + SEGMENTS[1].name
    assert second["Notes"] == "'@SUM(A1)"
    assert second["Expected growth %"] == -12
    assert second["Customers"] is None
    assert ws["F2"].number_format == "#,##0"
    assert ws.freeze_panes == "A2"
    assert ws.max_row == 3


def test_segments_xlsx_of_no_segments_still_has_the_header():
    ws = load_workbook(io.BytesIO(segments_xlsx([], "EUR"))).active
    assert ws.max_row == 1
    assert ws["F1"].value == "Revenue (EUR)"


# --- persona card ----------------------------------------------------------------------


def test_persona_markdown_escapes_markdown_and_html_in_user_text():
    persona = _persona(
        name="**Boss** <b>",
        needs="[click](http://evil) `code`\n# not a heading",
        quote="> nested\n- list",
        role_title="<script>alert(1)</script>",
        channels=[ChannelIn(kind="Owned", channel="_web_")],
    )
    markdown = persona_markdown(persona)
    assert markdown.startswith(r"# \*\*Boss\*\* \<b\>" + "\n")
    assert r"\[click\]\(http://evil\) \`code\`" in markdown
    assert "\n\\# not a heading\n" in markdown
    assert "> \\> nested\n> \\- list\n" in markdown
    assert r"- **Role or title:** \<script\>alert\(1\)\</script\>" in markdown
    assert r"- Owned: \_web\_" in markdown
    assert "<script>" not in markdown and "**Boss**" not in markdown


def test_persona_markdown_lists_facts_sections_and_channels():
    persona = _persona(
        role_title="Daglig leder",
        decision_role="Decision-maker",
        goals="Vokse",
        channels=[
            ChannelIn(kind="Owned", channel="Nyhetsbrev"),
            ChannelIn(kind="Owned", channel="Nettbutikk"),
            ChannelIn(kind="Earned", channel="Anbefalinger"),
        ],
    )
    markdown = persona_markdown(persona)
    assert (
        "- **Segment:** Småbedrifter\n- **Role or title:** Daglig leder\n- **Decision role:** Decision\\-maker"
    ) in markdown
    assert "## Goals\n\nVokse\n" in markdown
    assert "## Preferred channels\n\n- Owned: Nyhetsbrev, Nettbutikk\n- Earned: Anbefalinger\n" in markdown
    assert "## Needs" not in markdown


def test_persona_pdf_contains_the_name_and_norwegian_letters():
    persona = _persona(
        role_title="Daglig leder", goals="Mål: æ ø å Æ Ø Å", needs="Raske leveranser", quote="Jeg vil ha delene i dag."
    )
    data = persona_pdf(persona)
    assert data.startswith(b"%PDF")
    text = _pdf_text(data)
    assert "Bjørn Ærø Åsen" in text
    assert "æ ø å" in text
    assert "Daglig leder" in text
    assert "Raske leveranser" in text


def test_persona_pdf_with_every_field_filled_renders_every_part():
    persona = _persona(
        role_title="Innkjøpssjef",
        decision_role="Influencer",
        desired_relationship="Trusted advisor",
        lifecycle_stage="Develop",
        goals="G",
        needs="N",
        pains="P",
        motives="M",
        buying_process="B",
        touchpoints="T",
        quote="Q",
        channels=[ChannelIn(kind="Owned", channel="Nyhetsbrev"), ChannelIn(kind="Bought", channel="Google Ads")],
    )
    text = _pdf_text(persona_pdf(persona))
    for expected in (
        "Innkjøpssjef",
        "Influencer",
        "Trusted advisor",
        "Develop",
        "Pains and obstacles",
        "Buying process",
        "Owned: Nyhetsbrev",
        "Bought: Google Ads",
    ):
        assert expected in text


def test_persona_pdf_survives_emoji_and_right_to_left_text():
    persona = _persona(name="Bjørn 😀", quote="Fantastisk 👩‍🔧 ✅ ☀️", goals="שלום مرحبا", needs="🇳🇴 og æøå")
    text = _pdf_text(persona_pdf(persona))
    assert "Bjørn" in text
    assert "æøå" in text


def test_persona_pdf_flows_long_text_onto_more_pages():
    long_text = " ".join(["Lang tekst med æøå."] * 200)
    reader = PdfReader(io.BytesIO(persona_pdf(_persona(goals=long_text, needs=long_text, pains=long_text))))
    assert len(reader.pages) >= 2


@pytest.mark.parametrize("name", ["<b>x</b>", "Ola & Kari", "Per (CEO)"])
def test_persona_pdf_shows_special_characters_as_typed(name):
    assert name in _pdf_text(persona_pdf(_persona(name=name)))


def test_demo_segments_and_personas_export_from_the_database(sqlite_engine):
    with unit_of_work(sqlite_engine) as session:
        workspace_id = import_workspace(session=session, document=load_demo_document()).id
    with read_session(sqlite_engine) as session:
        segments = list_segments(session=session, workspace_id=workspace_id)
        personas = list_personas(session=session, workspace_id=workspace_id)

    rows = list(csv.reader(io.StringIO(segments_csv(segments).decode("utf-8-sig"), newline="")))
    assert [row[0] for row in rows[1:]] == [s.name for s in segments]
    assert [row[3] for row in rows[1:]] == ["; ".join(s.value_drivers) for s in segments]
    ws = load_workbook(io.BytesIO(segments_xlsx(segments, "NOK"))).active
    assert [(r[0].value, r[4].value, r[5].value) for r in ws.iter_rows(min_row=2)] == [
        (s.name, s.customer_count, s.revenue) for s in segments
    ]
    for persona in personas:
        text = _pdf_text(persona_pdf(persona))
        assert persona.name in text
        assert persona.segment_name in text
