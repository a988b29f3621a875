"""The strategy document on SQLite and PostgreSQL, read back with real readers: the PDF with pypdf (its
outline, its text section by section, its images), the HTML with html.parser (one h1 per section, charts as
inline PNG, no request made, user text shown literally) and the Markdown with its zip of charts (headings,
image links, user text escaped). Also a workspace of long texts and Nordic letters, a 60-node strategy map,
and an empty workspace."""

from __future__ import annotations

import base64
import io
import random
import re
import zipfile
from collections import Counter
from datetime import date
from html.parser import HTMLParser

import pypdf
import pytest

from bench.generate import large_workspace_document, strategy_map_sections
from crmstrategy.analysis.models import PRIORITIES
from crmstrategy.implementation.anchoring import save_role_impact
from crmstrategy.implementation.models import FEEDBACK_STATUSES
from crmstrategy.implementation.plan import create_action
from crmstrategy.strategy.goals import create_goal
from crmstrategy.strategy.strategy_map import add_constraint, create_node
from crmstrategy.workspace.blocks import Image
from crmstrategy.workspace.document_exports import (
    document_html,
    document_markdown,
    document_markdown_zip,
    document_pdf,
)
from crmstrategy.workspace.document_layout import SECTIONS, document_blocks
from crmstrategy.workspace.strategy_document import strategy_document
from crmstrategy.workspace.workspace_file import load_demo_document
from tests.integration.support import call, demo_copy, import_document, new_persona, new_segment, new_workspace, read

TODAY = date(2026, 12, 1)
DEMO_NAME = "Demo: Nordvik Rørhandel"
HOSTILE = "<script>alert(1)</script> & <b>x</b>"
MD_HOSTILE = "**bold** | pipe"
ENTITIES = "R&amp;D &lt;b&gt; &#169; &copy;"  # entity references, typed as text
PNG = b"\x89PNG\r\n\x1a\n"


# --- reading the files back ---------------------------------------------------------------------


def _flat(text: str) -> str:
    """Text without any whitespace. The PDF writer breaks a word too wide for its table column by characters
    and pypdf puts a line break wherever a line ended, so text is compared with whitespace taken out."""
    return re.sub(r"\s+", "", text)


def _holds(part: str, needle: str) -> bool:
    return _flat(needle) in _flat(part)


class _Pdf:
    """A PDF opened with pypdf: its outline, its text lines without the page footers, its images."""

    def __init__(self, pdf: bytes, workspace_name: str):
        assert pdf.startswith(b"%PDF-")
        self.reader = pypdf.PdfReader(io.BytesIO(pdf))
        footer = re.compile(rf"^{re.escape(workspace_name)} · CRM strategy · page (\d+)$")
        self.pages = [page.extract_text() or "" for page in self.reader.pages]
        self.footers: list[int] = []
        self.lines: list[str] = []
        for text in self.pages:
            for line in text.splitlines():
                line = re.sub(r"\s+", " ", line).strip()
                found = footer.match(line)
                if found:
                    self.footers.append(int(found.group(1)))
                elif line:
                    self.lines.append(line)
        self.text = "\n".join(self.lines)

    def outline(self) -> list[str]:
        """The top-level bookmarks' titles (nested lists hold the subsections)."""
        return [item.title for item in self.reader.outline if not isinstance(item, list)]

    def sections(self) -> dict[str, str]:
        """The text cut at the section headings, each a line of its own (the cover's table of contents
        names every section too, but inside a sentence); the first part holds the cover as well."""
        starts, position = [], 0
        for title in SECTIONS:
            assert title in self.lines[position:], f"no heading line {title!r} after line {position}"
            position = self.lines.index(title, position)
            starts.append(position)
            position += 1
        starts[0] = 0
        ends = starts[1:] + [len(self.lines)]
        return {title: "\n".join(self.lines[start:end]) for title, start, end in zip(SECTIONS, starts, ends)}

    def title(self) -> list[str]:
        """The cover's title: the lines before the date line under it."""
        return self.lines[: self.lines.index(f"CRM strategy · {TODAY.isoformat()}")]

    def image_sizes(self) -> list[tuple[int, int]]:
        return [image.image.size for page in self.reader.pages for image in page.images]


class _Html(HTMLParser):
    """The parts of the HTML file the tests look at: every start tag, h1 and h2 texts, table cells, paragraphs,
    img attributes and every URL-bearing attribute."""

    def __init__(self, html: bytes):
        super().__init__(convert_charrefs=True)
        self.tags: Counter = Counter()
        self.h1: list[str] = []
        self.h2: list[str] = []
        self.cells: list[str] = []
        self.paragraphs: list[str] = []
        self.images: list[dict] = []
        self.urls: list[str] = []
        self._open: list[str] = []
        self._text: list[str] = []
        self.feed(html.decode("utf-8"))
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags[tag] += 1
        attributes = dict(attrs)
        self.urls += [value or "" for name, value in attrs if name in ("src", "href", "action", "poster")]
        if tag == "img":
            self.images.append(attributes)
        if tag in ("h1", "h2", "td", "th", "p"):
            self._open.append(tag)
            self._text = []

    def handle_endtag(self, tag):
        if self._open and self._open[-1] == tag:
            self._open.pop()
            text = "".join(self._text)
            {"h1": self.h1, "h2": self.h2, "td": self.cells, "th": self.cells, "p": self.paragraphs}[tag].append(text)

    def handle_data(self, data):
        if self._open:
            self._text.append(data)


def _md_unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _md_headings(text: str) -> list[tuple[int, str]]:
    return [(len(m.group(1)), _md_unescape(m.group(2))) for m in re.finditer(r"^(#{1,6}) (.+)$", text, re.M)]


def _md_cells(row: str) -> list[str]:
    """A table row's cells: split at the pipes that are not escaped."""
    assert row.startswith("| ") and row.endswith(" |"), row
    return [cell.strip() for cell in re.split(r"(?<!\\)\|", row[1:-1])]


def _charts(doc) -> list[Image]:
    return [block for block in document_blocks(doc) if isinstance(block, Image)]


# --- the documents --------------------------------------------------------------------------------


def _document(engine, workspace_id: int, **kwargs):
    return read(engine, strategy_document, workspace_id=workspace_id, today=TODAY, **kwargs)


@pytest.fixture(scope="module")
def shared() -> dict:
    """Documents built once per kind of database and shared by this module's tests: a PDF with its charts
    takes seconds, and the `engine` fixture gives each test a new, empty database."""
    return {}


@pytest.fixture
def demo(engine, shared) -> dict:
    """The demo imported into a database of this kind, its document read on TODAY, and the PDF, HTML and
    Markdown of it."""
    key = ("demo", engine.dialect.name)
    if key not in shared:
        document = load_demo_document()
        workspace_id = import_document(engine, document).id
        doc = _document(engine, workspace_id)
        text, images = document_markdown(doc)
        shared[key] = {
            "file": document,
            "doc": doc,
            "pdf": document_pdf(doc),
            "html": document_html(doc),
            "md": text,
            "md_images": images,
            "zip": document_markdown_zip(doc),
        }
    return shared[key]


@pytest.fixture
def demo_pdf(demo) -> _Pdf:
    return _Pdf(demo["pdf"], DEMO_NAME)


@pytest.fixture
def hostile(engine, shared):
    """The demo's document (without charts) after adding user text that is HTML and Markdown: a role impact
    and three actions."""
    key = ("hostile", engine.dialect.name)
    if key not in shared:
        workspace_id = import_document(engine, demo_copy("Hostile text")).id
        call(
            engine,
            save_role_impact,
            workspace_id=workspace_id,
            data={"audience": "Warehouse", "means": HOSTILE, "must_do": MD_HOSTILE},
        )
        for title, owner, due in (
            (MD_HOSTILE, "Åse Lindström", "2027-01-29"),
            (HOSTILE, "<i>Ola</i>", "2027-02-26"),
            (ENTITIES, "Kari", "2027-03-26"),
        ):
            call(
                engine,
                create_action,
                workspace_id=workspace_id,
                data={
                    "title": title,
                    "department": "Warehouse",
                    "owner": owner,
                    "due_date": due,
                    "description": HOSTILE,
                },
            )
        shared[key] = _document(engine, workspace_id, with_charts=False)
    return shared[key]


# --- PDF --------------------------------------------------------------------------------------------


def test_the_pdf_outline_lists_every_section_in_order(demo, demo_pdf):
    assert demo_pdf.outline() == list(SECTIONS)
    assert demo_pdf.reader.metadata.title == f"CRM strategy · {DEMO_NAME}"
    assert demo_pdf.footers == list(range(1, len(demo_pdf.reader.pages) + 1))  # every page numbered


def test_the_pdf_text_holds_each_section_in_its_place(demo, demo_pdf):
    file, doc = demo["file"], demo["doc"]
    parts = demo_pdf.sections()

    cover = parts["Our customer promise"]
    assert demo_pdf.title() == [DEMO_NAME]  # the footer with the same name taken out
    current = next(v for v in file["promise"]["versions"] if v["number"] == file["promise"]["current"])
    assert _holds(cover, current["text"])
    assert _holds(cover, "Version 3, by Mona Dahl")

    segments = parts["Target segments"]
    for segment in file["segments"]:
        assert _holds(segments, segment["name"] + segment["priority"]), segment["name"]  # a row: name, priority

    refs = {s["ref"]: s["priority"] for s in file["segments"]}
    targets = [p["name"] for p in file["personas"] if refs[p["segment"]] in PRIORITIES[:2]]
    others = [p["name"] for p in file["personas"] if refs[p["segment"]] not in PRIORITIES[:2]]
    assert len(targets) == 5 and others == ["Per the property technician lead"]
    personas = parts["Personas"]
    assert [line for line in personas.splitlines() if line in targets + others] == targets
    assert not _holds(personas, others[0])

    smap = parts["The strategy map"]
    objectives = [n["name"] for n in file["map_nodes"] if n["kind"] == "objective"]
    assert len(objectives) == 3
    for name in objectives + [n["name"] for n in file["map_nodes"] if n["kind"] == "enabler"]:
        assert _holds(smap, name), name

    goals = parts["Goals and follow-up"]
    for goal in file["goals"]:
        assert _holds(goals, goal["metric"]), goal["metric"]
    status = {g.goal.metric: g.status.status for g in doc.goals}
    assert status["Installer churn per year"] == "Off track"
    assert "Off track" in goals.splitlines()  # the subsection of the goals off track
    assert _holds(goals, "• Installer churn per year (owner: Erik Solberg): Latest 14.7 %")
    assert _holds(goals, "(2026-11-30) Off track")  # the churn goal's row ends in its status
    assert _holds(goals, "1 off track on 2026-12-01.")
    assert not _holds(parts["Customer measures"], "Installer churn per year")

    customer = parts["Customer measures"]
    measures = {m["measure"] for m in file["follow_up"]["customer_measurements"]}
    assert measures == {"Churn", "Conversion", "Loyalty", "NPS", "Satisfaction"}
    for measure in measures:
        assert _holds(customer, measure), measure
    assert _holds(customer, "Churn All customers 13.4 2026-09-30")

    plan = parts["The 3/6/12-month plan"]
    by_department = Counter(a["department"] for a in file["plan"]["actions"])
    headings = [f"{d} ({n})" for d, n in sorted(by_department.items(), key=lambda item: item[0].lower())]
    lines = plan.splitlines()
    assert [line for line in lines if line in headings] == headings  # by department, in order of name
    starts = [lines.index(h) for h in headings] + [len(lines)]
    chunks = {h.rsplit(" (", 1)[0]: "\n".join(lines[a:b]) for h, a, b in zip(headings, starts, starts[1:])}
    for action in file["plan"]["actions"]:
        row = action["title"] + (action["owner"] or "– no owner –")
        assert _holds(chunks[action["department"]], row), action["title"]

    roles = parts["What it means for each role"]
    for impact in file["plan"]["role_impacts"]:
        assert impact["audience"] in roles.splitlines()
        assert _holds(roles, impact["means"]) and _holds(roles, impact["do_differently"])

    feedback = parts["Customer feedback"]
    statuses = Counter(f["status"] for f in file["follow_up"]["feedback"])
    sentence = (
        f"{sum(statuses.values())} pieces of feedback: "
        + ", ".join(f"{statuses[s]} {s.lower()}" for s in FEEDBACK_STATUSES)
        + "."
    )
    assert sentence == "12 pieces of feedback: 4 new, 4 routed, 4 acted on."
    assert _holds(feedback, sentence)
    assert "Not acted on for more than 30 days (4)" in feedback.splitlines()

    constraints = parts["Constraints from the company strategy"]
    names = {n["ref"]: n["name"] for n in file["map_nodes"]}
    assert len(file["constraints"]) == 3
    for constraint in file["constraints"]:
        assert _holds(constraints, constraint["kind"] + constraint["text"]), constraint["text"]  # a row
        for ref in constraint["nodes"]:
            assert _holds(constraints, names[ref]), names[ref]
    assert not _holds(parts["The 3/6/12-month plan"], file["constraints"][0]["text"])

    health = parts["Strategy health check"]
    failed = [r.rule.title for r in doc.health if not r.passed]
    passed = [r.rule.title for r in doc.health if r.passed]
    assert failed and passed
    assert len(doc.health) == 14 and all(r.judged for r in doc.health)  # the demo has something for every rule
    assert _holds(health, f"{len(passed)} of 14 rules pass.")
    assert len(passed) == 9
    for title in failed:
        assert _holds(health, title), title
    for title in passed:
        assert f"• {title}" in health.splitlines()
    for earlier in SECTIONS[:-1]:  # nothing of the health check leaks into an earlier section
        assert not _holds(parts[earlier], "rules pass.")


def test_nordic_letters_come_through_in_the_pdf_text(demo, demo_pdf):
    for word in (
        "Rørhandel",
        "“Jeg bruker to dager i måneden på å finne ut hvilken faktura som hører til",
        "Kundene mine betaler for at det skal være riktig – og pent – i tjue år.",
    ):
        assert _holds(demo_pdf.text, word), word


def test_the_pdf_holds_an_image_for_every_chart(demo, demo_pdf):
    charts = _charts(demo["doc"])
    assert [c.name for c in charts] == ["priority-matrix", "strategy-map", "goals-1", "customer-measures"]
    sizes = demo_pdf.image_sizes()
    assert len(sizes) >= len(charts)
    assert Counter(sizes) >= Counter(c.size_px for c in charts)  # each chart's own picture, at full size


def test_the_plan_table_shows_each_due_date_whole(demo, demo_pdf):
    plan = demo_pdf.sections()["The 3/6/12-month plan"]
    spaced = re.sub(r"\s+", " ", plan)
    for action in demo["file"]["plan"]["actions"]:
        if action["due_date"]:
            assert action["due_date"] in spaced, action["title"]


# --- HTML -------------------------------------------------------------------------------------------


def test_the_html_has_one_h1_per_section_and_charts_inlined_as_png(demo):
    html = demo["html"]
    parsed = _Html(html)
    assert parsed.h1 == list(SECTIONS)
    charts = _charts(demo["doc"])
    assert [image["alt"] for image in parsed.images] == [c.title for c in charts]
    for image, chart in zip(parsed.images, charts):
        prefix = "data:image/png;base64,"
        assert image["src"].startswith(prefix)
        payload = base64.b64decode(image["src"][len(prefix) :], validate=True)
        assert payload.startswith(PNG)
        assert payload == chart.png
    # Nothing is fetched: no URL but the inline pictures, no stylesheet or script from elsewhere
    assert parsed.urls and all(url.startswith("data:image/png;base64,") for url in parsed.urls)
    assert not any(url.lower().startswith(("http", "//")) for url in parsed.urls)
    raw = html.decode("utf-8")
    assert "@import" not in raw and "url(" not in raw
    assert parsed.tags["script"] == 0 and parsed.tags["link"] == 0
    assert '<meta charset="utf-8">' in raw
    assert DEMO_NAME in parsed.paragraphs
    assert "Installer churn per year (Reduce churn among installers)" in parsed.cells
    assert "Off track" in parsed.cells


def test_html_in_user_text_is_shown_literally(hostile):
    html = document_html(hostile)
    parsed = _Html(html)
    raw = html.decode("utf-8")
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;x&lt;/b&gt;"
    assert escaped in raw
    assert "<script" not in raw and "<b>" not in raw and "<i>" not in raw
    assert parsed.tags["script"] == 0 and parsed.tags["b"] == 0 and parsed.tags["i"] == 0
    assert parsed.cells.count(HOSTILE) == 2  # the role impact and the action's title, as typed
    assert "<i>Ola</i>" in parsed.cells
    assert ENTITIES in parsed.cells and "R&amp;amp;D &amp;lt;b&amp;gt; &amp;#169; &amp;copy;" in raw
    assert "Warehouse (3)" in parsed.h2


# --- Markdown ---------------------------------------------------------------------------------------


def test_the_markdown_has_every_section_as_a_heading_and_links_its_charts(demo):
    text, images = demo["md"], demo["md_images"]
    headings = _md_headings(text)
    assert [h for level, h in headings if level == 1 and h in SECTIONS] == list(SECTIONS)
    links = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)
    assert links == [f"charts/{c.name}.png" for c in _charts(demo["doc"])]
    assert set(links) == set(images)
    assert all(png.startswith(PNG) for png in images.values())
    with zipfile.ZipFile(io.BytesIO(demo["zip"])) as archive:
        assert sorted(archive.namelist()) == sorted(["crm-strategy.md", *links])
        assert archive.read("crm-strategy.md").decode("utf-8") == text
        for link in links:
            assert archive.read(link) == images[link]
            assert archive.read(link).startswith(PNG)
    assert "Rørhandel" in text


def test_markdown_characters_in_user_text_are_escaped(hostile):
    text, _ = document_markdown(hostile)
    lines = text.splitlines()
    header = "| Action | Owner | Horizon | Due | Status | Initiative |"
    [row] = [line for line in lines if "bold" in line and line.startswith("|") and "Åse Lindström" in line]
    cells = _md_cells(row)
    assert len(cells) == len(_md_cells(header))  # the pipe did not add a column
    assert cells[0] == r"\*\*bold\*\* \| pipe" and _md_unescape(cells[0]) == MD_HOSTILE
    assert cells[1] == "Åse Lindström"
    assert not re.search(r"(?<!\\)\*\*bold", text)  # never bold
    for line in lines:
        if "alert" in line:
            assert not re.search(r"(?<!\\)<", line.replace("<br>", "")), line  # no tag left unescaped
            assert r"\<script\>alert\(1\)\</script\>" in line
    role = [line for line in lines if line.startswith("| What they must do |")]
    assert any(_md_cells(line)[1] == r"\*\*bold\*\* \| pipe" for line in role)
    assert "### Warehouse" in lines and "## Warehouse \\(3\\)" in lines


def test_entity_references_in_user_text_are_escaped_in_markdown(hostile):
    text, _ = document_markdown(hostile)
    [row] = [line for line in text.splitlines() if line.startswith("|") and "amp;D" in line]
    assert not re.search(r"(?<!\\)&(#[0-9]+|#x[0-9a-f]+|[a-z][a-z0-9]*);", row, re.I), row


# --- long texts, letters, a large map, an empty workspace -------------------------------------------

LETTERS = "æøåÆØÅäö"


def _long_text() -> str:
    words = ["kundeløftet", "Ærlighet", "Østlandet", "Åpningstider", "växande", "önskemål", "måned", "bær"]
    text, n = "Begynnelsen ÆØÅ", 0
    while len(text) < 3980:
        text += f" {words[n % len(words)]}{n}"
        n += 1
    text = text[:3984].rstrip()
    return text + " slutten äö " + "x" * (4000 - len(text) - 12)


def test_long_texts_and_nordic_letters_build_a_pdf(engine):
    name = "Ærlige Økonomer på Åsgårdstrand – Bäckström & Öberg"
    long_text = _long_text()
    word = "".join(LETTERS[n % len(LETTERS)] for n in range(200))
    assert len(long_text) == 4000 and len(word) == 200 and " " not in word
    workspace_id = new_workspace(engine, name)
    segment = "Små håndverkere i Ørsta og Älvdalen"
    segment_id = new_segment(engine, workspace_id, segment, priority=PRIORITIES[0])
    new_persona(engine, workspace_id, segment_id, "Åsa Öström fra Ærøy", quote="Jeg vil ha det på lager – nå.")
    call(
        engine,
        save_role_impact,
        workspace_id=workspace_id,
        data={"audience": "Økonomi og ÅTERFÖRSÄLJARE", "means": long_text, "must_do": word},
    )
    doc = _document(engine, workspace_id)
    pdf = _Pdf(document_pdf(doc), name)
    assert pdf.outline() == list(SECTIONS)
    assert _flat(" ".join(pdf.title())) == _flat(name)  # over lines, at the title's size
    parts = pdf.sections()
    roles = parts["What it means for each role"]
    assert "Økonomi og ÅTERFÖRSÄLJARE" in roles.splitlines()
    assert _holds(roles, long_text[:80])  # the start ...
    assert _holds(roles, long_text[-80:])  # ... and the end of the long text
    assert _holds(roles, long_text)  # and everything between, over pages
    assert _holds(roles, word)  # the long word broken over lines, no letter lost
    assert _holds(parts["Target segments"], segment + PRIORITIES[0])
    assert "Åsa Öström fra Ærøy" in parts["Personas"].splitlines()
    assert set(LETTERS) <= set(pdf.text)
    assert len(pdf.footers) == len(pdf.reader.pages) >= 6


def test_a_60_node_strategy_map_builds_with_every_objective_and_its_image(engine):
    document = large_workspace_document(segments=5, personas=10, insights=20, name="Large map") | strategy_map_sections(
        random.Random(3), 60
    )
    document["plan"]["actions"] = []  # they served the generator's other map; a plan of 1,000 is not the point
    document["promise"]["versions"] = document["promise"]["versions"][-3:]  # the current one among them
    document["follow_up"] = {"goal_measurements": [], "customer_measurements": [], "feedback": []}
    assert len(document["map_nodes"]) == 60
    workspace_id = import_document(engine, document).id
    doc = _document(engine, workspace_id)
    assert len(doc.smap.nodes) == 60
    pdf = _Pdf(document_pdf(doc), "Large map")
    assert pdf.outline() == list(SECTIONS)
    smap = pdf.sections()["The strategy map"]
    objectives = [n["name"] for n in document["map_nodes"] if n["kind"] == "objective"]
    assert len(objectives) == 18
    for name in objectives:
        assert _holds(smap, name), name
    assert _holds(smap, "6 company strategy elements, 18 CRM objectives, 24 initiatives and 12 enablers")
    [chart] = doc.images["map"]
    width, height = chart.size_px
    assert chart.png.startswith(PNG) and width <= 2000 + 1
    assert chart.size_px in pdf.image_sizes()
    assert len(pdf.image_sizes()) >= len(_charts(doc))


EMPTY = {
    "Our customer promise": "No current customer promise yet.",
    "Target segments": "No segments yet.",
    "Personas": "No personas for the target segments yet.",
    "The strategy map": "No strategy map yet.",
    "Goals and follow-up": "No measurable goals yet.",
    "Customer measures": "No customer measures recorded yet.",
    "The 3/6/12-month plan": "No actions planned yet.",
    "Constraints from the company strategy": "No constraints recorded yet.",
    "What it means for each role": "Not described yet.",
    "Customer feedback": "No customer feedback logged yet.",
}


def test_an_empty_workspace_gives_every_section_with_nothing_yet_in_all_three_formats(engine):
    assert set(EMPTY) == set(SECTIONS[:-1])
    doc = _document(engine, new_workspace(engine, "Tomt ærend"))
    assert doc.images == {} and _charts(doc) == []

    pdf = _Pdf(document_pdf(doc), "Tomt ærend")
    assert pdf.outline() == list(SECTIONS)
    parts = pdf.sections()
    for title, sentence in EMPTY.items():
        assert sentence in parts[title].splitlines(), title
    health = parts["Strategy health check"]
    assert _holds(health, "0 of 3 judged rules pass · 11 not yet judged.")
    assert "Not yet judged" in health.splitlines() and "Passed" not in health.splitlines()
    assert _holds(health, "• Goals on track: No measurable goals yet.")
    assert pdf.image_sizes() == []

    parsed = _Html(document_html(doc))
    assert parsed.h1 == list(SECTIONS)
    assert set(EMPTY.values()) <= set(parsed.paragraphs)
    assert parsed.images == [] and parsed.urls == []

    text, images = document_markdown(doc)
    assert images == {}
    assert [h for level, h in _md_headings(text) if level == 1 and h in SECTIONS] == list(SECTIONS)
    for sentence in EMPTY.values():
        assert f"*{sentence}*" in [_md_unescape(line) for line in text.splitlines()], sentence
    with zipfile.ZipFile(io.BytesIO(document_markdown_zip(doc))) as archive:
        assert archive.namelist() == ["crm-strategy.md"]


# --- the health check's three states ----------------------------------------------------------------


def test_goals_that_are_all_not_measured_are_not_yet_judged_in_all_three_formats(engine):
    workspace_id = new_workspace(engine, "Unmeasured goals")
    objective = call(
        engine,
        create_node,
        workspace_id=workspace_id,
        data={"kind": "objective", "name": "Keep installers", "owner": "Mona"},
    )
    for metric in ("Installer churn", "Share of wallet"):
        call(
            engine,
            create_goal,
            workspace_id=workspace_id,
            today=TODAY,
            data={
                "objective_id": objective.id,
                "metric": metric,
                "baseline": 10,
                "target": 5,
                "deadline": "2027-06-30",
                "owner": "Mona",
            },
        )
    doc = _document(engine, workspace_id, with_charts=False)
    assert [g.status.status for g in doc.goals] == ["Not measured", "Not measured"]
    states = {r.rule.key: r.state for r in doc.health}
    assert (states["goals_on_track"], states["activity_goals"], states["owners"]) == ("Not yet", "Passed", "Passed")
    judged = sum(r.judged for r in doc.health)
    passed = sum(r.passed for r in doc.health)
    sentence = f"{passed} of {judged} judged rules pass · {14 - judged} not yet judged."
    reason = "Goals on track: None of the 2 goals has a measured value yet."

    health = _Pdf(document_pdf(doc), "Unmeasured goals").sections()["Strategy health check"]
    lines = health.splitlines()
    assert _holds(health, sentence)
    waiting, done = lines.index("Not yet judged"), lines.index("Passed")
    assert waiting < done
    assert _holds("\n".join(lines[waiting:done]), "• " + reason)
    assert not _holds("\n".join(lines[done:]), "Goals on track")  # never "Passed: Goals on track"

    parsed = _Html(document_html(doc))
    assert parsed.h2[-2:] == ["Not yet judged", "Passed"]
    assert any(p.startswith(sentence) for p in parsed.paragraphs)
    raw = document_html(doc).decode("utf-8")
    not_yet, passed_part = raw.split(">Not yet judged</h2>")[1].split(">Passed</h2>")
    assert reason in not_yet and "Goals on track" not in passed_part

    text, _ = document_markdown(doc)
    plain = _md_unescape(text)
    not_yet, passed_part = plain.split("\n## Not yet judged\n")[1].split("\n## Passed\n")
    assert f"- {reason}" in not_yet.splitlines()
    assert "Goals on track" not in passed_part.split("\n# ")[0]
    assert sentence in plain


def test_constraints_without_nodes_are_listed_in_all_three_formats(engine):
    workspace_id = new_workspace(engine, "Constraints only")
    call(
        engine,
        add_constraint,
        workspace_id=workspace_id,
        data={"kind": "Market priorities", "text": "Norway <first> & **Sweden** later"},
    )
    doc = _document(engine, workspace_id, with_charts=False)
    part = _Pdf(document_pdf(doc), "Constraints only").sections()["Constraints from the company strategy"]
    assert _holds(part, "Market priorities Norway <first> & **Sweden** later –")
    parsed = _Html(document_html(doc))
    assert "Norway <first> & **Sweden** later" in parsed.cells
    text, _ = document_markdown(doc)
    [row] = [line for line in text.splitlines() if line.startswith("| Market priorities |")]
    assert [_md_unescape(c) for c in _md_cells(row)] == ["Market priorities", "Norway <first> & **Sweden** later", "–"]
