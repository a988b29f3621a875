"""The guided path, plain words and headings, on every page, on the demo and on a new empty workspace:
each page of the method's path ends with exactly its Back and Next step; no page names an advice or a
seed by number, nor says "(sd)"; headings start at h1 and never skip a level."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from google.protobuf.json_format import MessageToDict

from crmstrategy.ui.frame import PAGE_FILES
from crmstrategy.workspace.method_path import PATH, Place, neighbours
from tests.app.conftest import PAGES, new_workspace, open_page
from tests.conftest import ROOT

INTERNAL = re.compile(r"(?i)\b(advice|seed)s?\s*\d|\(sd\)")
TEXT_FIELDS = {"body", "label", "help", "placeholder"}  # what a reader sees: text, labels, tooltips
MARKDOWN_HEADING = re.compile(r"^(#{1,6})\s", re.MULTILINE)


def _nodes(node):
    """Every element and block under `node`, in document order."""
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _nodes(child)


def _strings(value, key: str | None = None):
    if isinstance(value, dict):
        for k, v in value.items():
            if k != "arrowData":
                yield from _strings(v, k)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item, key)
    elif isinstance(value, str) and key in TEXT_FIELDS:
        yield value


def shown_texts(at) -> list[str]:
    """Every text a reader sees on the page and in the sidebar: Markdown, captions, headings, alerts,
    metric labels, tab and expander labels, widget labels and help, and the columns of tables."""
    texts: list[str] = []
    for root in (at.sidebar, at.main):
        for node in _nodes(root):
            proto = getattr(node, "proto", None)
            if proto is not None:
                texts += _strings(MessageToDict(proto))
            if type(node).__name__ == "Dataframe":
                texts += [str(c) for c in node.value.columns]
    return texts


def heading_levels(root) -> list[int]:
    """The levels of the headings under `root` in document order: st.title/header/subheader and
    Markdown headings."""
    levels: list[int] = []
    for node in _nodes(root):
        tag = getattr(getattr(node, "proto", None), "tag", "")
        if type(node).__name__ in ("Title", "Header", "Subheader") and tag:
            levels.append(int(tag.removeprefix("h")))
        elif type(node).__name__ in ("Markdown", "Caption"):
            levels += [len(m) for m in MARKDOWN_HEADING.findall(node.value)]
    return levels


def footer_labels(at) -> list[str]:
    """The footer's links as the reader reads them (the Next step is bold in the primary colour)."""
    footers = [n for n in _nodes(at.main) if getattr(n, "key", None) == "step_footer"]
    assert len(footers) <= 1
    return (
        [re.sub(r"^\*\*:primary\[(.*)\]\*\*$", r"\1", link.proto.label) for link in footers[0].get("page_link")]
        if footers
        else []
    )


def expected_footer(page: str) -> list[str]:
    step = next((s for s in PATH if PAGE_FILES[s.page] == page), None)
    if step is None:
        return []
    back, forward = neighbours(step.title)
    return ([f"← Back: {back.title}"] if back else []) + ([f"Next step: {forward.title} →"] if forward else [])


def _check_page(at, page: str) -> None:
    texts = shown_texts(at)
    assert len(texts) > 3  # the walk reads the page, not an empty tree
    assert [t for t in texts if INTERNAL.search(t)] == []
    assert heading_levels(at.sidebar) == []  # the sidebar's app name is not a heading
    levels = heading_levels(at.main)
    assert levels[0] == 1, levels
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), levels
    assert footer_labels(at) == expected_footer(page)


@pytest.mark.parametrize("page", PAGES)
def test_page_on_the_demo(app, page):
    _check_page(open_page(app, page), page)


@pytest.mark.parametrize("page", PAGES)
def test_page_on_a_new_empty_workspace(app, page):
    new_workspace(app, "Ærø & Øst")
    _check_page(open_page(app, page), page)


def test_the_footer_links_keep_the_workspace(app, db):
    from tests.app.conftest import demo_id

    at = open_page(app, "app_pages/analysis/personas.py")
    footer = [n for n in _nodes(at.main) if getattr(n, "key", None) == "step_footer"][0]
    links = [(link.proto.label, link.proto.page, link.proto.query_string) for link in footer.get("page_link")]
    assert links == [
        ("← Back: Segments", "segments", f"ws={demo_id(db)}"),
        ("**:primary[Next step: Insights →]**", "insights", f"ws={demo_id(db)}"),
    ]


def test_the_checks_would_see_what_they_look_for():
    """The patterns themselves: what the old pages said is caught, the method's plain words are not."""
    for old in (
        "Advice 2 · For each segment",
        "Seed 000: measure value",
        "failure causes in seeds 000 and 002",
        "advice 9",
        "Spread (sd)",
        "Advice 3-4 · Keep it simple",
    ):
        assert INTERNAL.search(old), old
    for plain in ("Why this matters: customers first", "The seed of an idea", "3/6/12-month plan", "Spread"):
        assert not INTERNAL.search(plain), plain
    assert MARKDOWN_HEADING.findall("#### Finance\ntext\n### x") == ["####", "###"]


def test_every_place_the_domain_names_has_its_page_and_address():
    """Progress checks, health rules and the path name places; each is a page script whose name is
    the place's address (the URL the links open)."""
    assert set(PAGE_FILES) == set(Place)
    for place, script in PAGE_FILES.items():
        assert (ROOT / script).is_file(), script
        assert Path(script).stem == place.value


def test_the_sidebar_opens_the_method_in_the_projects_own_words(app):
    """Every page has "How the method works" in the sidebar: docs/method.md without its title, in
    plain words (no advice or seed by number)."""
    at = open_page(app, "app_pages/analysis/segments.py")
    assert not [m for m in at.markdown if "Nine pieces of advice" in m.value]
    at.sidebar.button(key="method_guide").click().run(timeout=30)
    shown = [m.value for m in at.markdown if "Nine pieces of advice" in m.value]
    assert len(shown) == 1
    assert shown[0].startswith("The workbench follows a Scandinavian way of building a CRM strategy")
    assert "## Three steps" in shown[0] and "# The method" not in shown[0].split("\n")
    assert not INTERNAL.search(shown[0])
