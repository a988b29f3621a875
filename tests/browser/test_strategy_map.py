"""A strategy map built by hand in the browser: four elements through the Elements form, three
links through the Links tab, the rules following along, and the map downloaded as SVG and read
back (names as text, one drawn line per link, each between the right two names). Then one
milestone changed in the Goals table. Against a server of its own, on a new empty workspace."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from crmstrategy.core import clock
from crmstrategy.core.db import unit_of_work
from crmstrategy.strategy.goals import create_goal, milestones_of
from crmstrategy.strategy.milestones import generate
from crmstrategy.strategy.models import NODE_KIND_LABELS, NODE_KIND_NOUNS
from crmstrategy.strategy.strategy_map import list_links, list_nodes, strategy_map
from tests.browser.conftest import (
    by_key,
    empty_workspace_server,
    goto,
    new_page,
    no_exception,
    read_in,
    screenshot,
    settle,
    table,
    type_cell,
)

pytestmark = pytest.mark.browser

# (kind label in the form, name, owner, label in the link selectboxes); non-ASCII, an ampersand
# and names long enough to be wrapped onto two lines in the drawing
ELEMENTS = {
    kind: (NODE_KIND_LABELS[kind], name, owner, NODE_KIND_NOUNS[kind])
    for kind, name, owner in (
        ("strategy", "Vekst med kjente kunder", "Hanne Lie"),
        ("objective", "Færre tapte rørleggere", "Erik Solberg"),
        ("initiative", "Ring & følg opp stille kunder", "Mona Dahl"),
        ("enabler", "Én CRM-plattform", "Tor Haugen"),
    )
}
LINKS = [("objective", "strategy"), ("initiative", "objective"), ("enabler", "initiative")]
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def blank(tmp_path_factory):
    with empty_workspace_server(tmp_path_factory.mktemp("map-server"), "Kart-verksted Bodø") as env:
        yield env


def _success(page: Page, text: str) -> None:
    # (the Rules section may show a success of its own: "The map keeps every rule")
    expect(page.get_by_test_id("stAlertContentSuccess").filter(has_text=text)).to_have_count(1)
    settle(page)  # the confirmation comes first in the run after the action; let the rest arrive
    expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)
    no_exception(page)


RULE_NAMES = [
    "Initiative supports no objective",
    "Objective without initiatives",
    "Objective without a measurable goal",
    "No owner",
    "Enabler enables nothing",
    "Cycle",
]


def _rules(page: Page):
    """The names of the rules listed under Rules (in bold after their badge), to expect()."""
    names = re.compile("^(" + "|".join(map(re.escape, RULE_NAMES)) + ")$")
    return page.get_by_test_id("stMarkdownContainer").locator("strong").filter(has_text=names)


def _map_drawn(page: Page) -> None:
    """Wait for Vega to draw the map: it does so after the run has ended, and the 620 px it then
    takes push everything below it down (a dropdown opened before would be left behind)."""
    chart = page.get_by_test_id("stVegaLiteChart").first
    expect(chart.locator("svg.marks")).to_be_visible()
    page.wait_for_function("el => el.getBoundingClientRect().height >= 600", arg=chart.element_handle())


def _choose(page: Page, key: str, option: str, tab: str | None = None) -> None:
    """Pick `option` in a selectbox: type it, then Enter on the one option left.

    Unlike the shared `choose` it scrolls first and lets the scroll events pass, and it needs no
    click on the option: the list closes (or is left behind) when the page moves under it, as it
    did here below the tall map. One more try if the list closed anyway. `tab`: the tab the box is
    on, chosen again while the box is hidden (a rerun now and then shows the first tab)."""
    box = by_key(page, key, "input")
    if box.input_value() == option:
        return
    options = page.get_by_role("option")
    for attempt in range(3):
        if tab is not None and not box.is_visible():
            _open_tab(page, tab)
        box.scroll_into_view_if_needed()
        page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        box.click()
        box.fill(option)
        try:
            expect(options).to_have_count(1, timeout=3_000)
            expect(options).to_have_text(option)
            page.keyboard.press("Enter")
            break
        except AssertionError:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
    expect(box).to_have_value(option)


def _add_element(page: Page, kind: str, bump_value: int = 0) -> None:
    label, name, owner, _ = ELEMENTS[kind]
    if page.get_by_test_id("stVegaLiteChart").count():
        _map_drawn(page)
    _choose(page, "map_new_kind", label)
    settle(page)
    by_key(page, "map_new_name", "input").fill(name)
    by_key(page, "map_new_owner", "input").fill(owner)
    by_key(page, "map_new_description", "textarea").fill(f"{label}, added in the browser.")
    if bump_value:
        # A select_slider: its thumb takes the arrow keys (options –, 1, 2, ... 5).
        for key, steps in (
            ("map_new_value", bump_value),
            ("map_new_complexity", 2),
            ("map_new_time", 1),
            ("map_new_cost", 1),
        ):
            thumb = by_key(page, key, "input[type=range]")
            thumb.focus()
            for _ in range(steps):
                page.keyboard.press("ArrowRight")
            expect(thumb).to_have_attribute("aria-valuetext", str(steps))
    by_key(page, "map_new_submit", "button").click()
    settle(page)
    _success(page, f"Added '{name}'. Link it under Links.")


def _link(page: Page, source: str, target: str) -> None:
    _, source_name, _, source_kind = ELEMENTS[source]
    _, target_name, _, target_kind = ELEMENTS[target]
    _map_drawn(page)
    _open_tab(page, "Links")
    _choose(page, "map_link_source", f"{source_name} · {source_kind}", tab="Links")
    settle(page)
    _choose(page, "map_link_target", f"{target_name} · {target_kind}", tab="Links")
    settle(page)
    _open_tab(page, "Links")  # the rerun after a choice now and then shows the first tab (see _open_tab)
    by_key(page, "map_link_add", "button").click()
    settle(page)
    _success(page, f"Linked '{source_name}' to '{target_name}'.")


def _open_tab(page: Page, name: str) -> None:
    """Make sure tab `name` is the one shown. After an action Streamlit normally keeps the tab,
    but now and then (about one run in eight here, on Goals' Milestones tab) the rerun shows the
    first tab again: it seems to disable a tab while its content is stale during a rerun, and the
    tab list then selects the first tab that is not. The tests check what was saved, not that."""
    tab = page.get_by_role("tab", name=name, exact=True)
    if tab.get_attribute("aria-selected") != "true":
        tab.click()
    expect(tab).to_have_attribute("aria-selected", "true")


def _text_of(element) -> str:
    """What a <text> element reads: its lines (<tspan>s) joined by spaces."""
    spans = [span.text or "" for span in element.findall(f"{SVG}tspan")]
    return " ".join(spans) if spans else (element.text or "")


def _aria(element) -> dict[str, str]:
    """Vega's aria-label "x: 0.5; y: 1; Name: ..." as a dict (the names here have no ';')."""
    return dict(part.split(": ", 1) for part in element.get("aria-label", "").split("; ") if ": " in part)


def test_build_a_small_map_and_download_it_as_svg(blank, browser, tmp_path):
    page = new_page(browser)
    try:
        goto(page, f"{blank.url}/strategy_map?ws={blank.ws}")
        expect(page.get_by_test_id("stAlertContentInfo").first).to_contain_text("The map is empty.")
        expect(page.get_by_test_id("stVegaLiteChart")).to_have_count(0)

        _add_element(page, "strategy")
        _add_element(page, "objective")
        _add_element(page, "initiative", bump_value=4)
        _add_element(page, "enabler")
        nodes = {n.name: n for n in read_in(blank, list_nodes)}
        assert {name: n.kind for name, n in nodes.items()} == {v[1]: k for k, v in ELEMENTS.items()}
        initiative = nodes[ELEMENTS["initiative"][1]]
        assert (initiative.business_value, initiative.complexity, initiative.time_effort, initiative.cost) == (
            4,
            2,
            1,
            1,
        )
        # Nothing linked yet: the objective, the initiative and the enabler each break a rule.
        expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible()
        expect(_rules(page)).to_have_text(
            [
                "Initiative supports no objective",
                "Objective without initiatives",
                "Objective without a measurable goal",
                "Enabler enables nothing",
            ]
        )

        for source, target in LINKS:
            _link(page, source, target)
        assert sorted(read_in(blank, list_links)) == sorted(
            (nodes[ELEMENTS[s][1]].id, nodes[ELEMENTS[t][1]].id) for s, t in LINKS
        )
        _open_tab(page, "Links")
        links_panel = page.get_by_role("tabpanel", name="Links")
        for source, target in LINKS:
            expect(links_panel).to_contain_text(f"{ELEMENTS[source][1]}  →  {ELEMENTS[target][1]}")
        # Linked up, only the missing goal is left.
        expect(_rules(page)).to_have_text(["Objective without a measurable goal"])

        _open_tab(page, "What depends on what")
        questions = page.get_by_role("tabpanel", name="What depends on what")
        expect(questions).to_contain_text(f"{ELEMENTS['strategy'][1]} · Company strategy")
        _open_tab(page, "Value against effort")
        ranking = page.get_by_role("tabpanel", name="Value against effort").get_by_test_id("stDataFrame")
        ranking.scroll_into_view_if_needed()
        expect(ranking.locator("table")).to_contain_text(f"1{ELEMENTS['initiative'][1]}41.3")  # value 4, effort 4/3
        screenshot(page, "strategy-map-value-tab")

        page.mouse.wheel(0, -5000)
        page.wait_for_timeout(300)
        expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible()
        screenshot(page, "strategy-map-built")

        with page.expect_download() as download_info:
            by_key(page, "map_svg", "button").click()
        download = download_info.value
        assert download.suggested_filename == "kart-verksted-bodo-strategy-map-2026-12-01.svg"
        path = tmp_path / download.suggested_filename
        download.save_as(path)
        no_exception(page)
    finally:
        page.context.close()

    root = ET.parse(path).getroot()
    assert root.tag == f"{SVG}svg"
    texts = [_text_of(t) for t in root.iter(f"{SVG}text")]
    for _, name, _, _ in ELEMENTS.values():
        assert name in texts, texts
    assert "Strategy map" in texts

    # The links: Vega draws a rule mark as <line>s in a group of class "mark-rule"; one per link.
    rule_groups = [g for g in root.iter(f"{SVG}g") if "mark-rule" in g.get("class", "").split()]
    assert len(rule_groups) == 1
    lines = rule_groups[0].findall(f"{SVG}line")
    assert len(lines) == len(LINKS)
    # Each line joins the data positions of the two names it links.
    at = {(float(a["x"]), float(a["y"])): a["Name"] for a in map(_aria, root.iter(f"{SVG}text")) if "Name" in a}
    drawn = {(at[(float(a["x"]), float(a["y"]))], at[(float(a["x2"]), float(a["y2"]))]) for a in map(_aria, lines)}
    assert drawn == {(ELEMENTS[s][1], ELEMENTS[t][1]) for s, t in LINKS}


def test_a_milestone_changed_in_the_goals_table_is_saved(blank, browser):
    """Quarterly milestones generated for a goal, then one value edited in the (canvas) data
    editor and saved."""
    objective = next((n for n in read_in(blank, list_nodes) if n.kind == "objective"), None)
    with unit_of_work(blank.engine) as session:
        if objective is None:  # this test run on its own
            from crmstrategy.strategy.strategy_map import create_node

            objective = create_node(
                session=session,
                workspace_id=blank.ws,
                data={"kind": "objective", "name": ELEMENTS["objective"][1], "owner": ELEMENTS["objective"][2]},
            )
        deadline = clock.today() + timedelta(days=330)
        goal = create_goal(
            session=session,
            workspace_id=blank.ws,
            data={
                "objective_id": objective.id,
                "metric": "Tapte rørleggere per år",
                "goal_type": "Result",
                "measures": "Value",
                "unit": "%",
                "baseline": 14,
                "target": 9,
                "deadline": deadline,
                "owner": "Erik",
            },
        )
    expected = generate(14, 9, clock.today(), deadline, "quarter")
    assert len(expected) >= 3

    page = new_page(browser)
    try:
        goto(page, f"{blank.url}/goals?ws={blank.ws}")
        expect(page.get_by_test_id("stDataFrame").first.locator("table")).to_contain_text("Tapte rørleggere per år")
        _open_tab(page, "Milestones")
        _choose(page, "goal_milestone_choice", f"Tapte rørleggere per år · {ELEMENTS['objective'][1]}")
        settle(page)
        _open_tab(page, "Milestones")
        by_key(page, "goal_generate_quarter", "button").click()
        settle(page)
        _success(page, f"Made {len(expected)} milestones, one per quarter.")
        assert read_in(blank, milestones_of)[goal.id] == expected
        _open_tab(page, "Milestones")

        prefix = f"goal_milestones_{blank.ws}_{goal.id}_v"
        expect(table(page, prefix).locator("table")).to_contain_text(expected[0][0].isoformat())
        type_cell(
            page,
            prefix,
            0,
            1,
            "13.5",  # first row, Value
            expect_value=re.compile(rf"^{re.escape(f'{expected[0][1]:g}')}"),
        )
        _open_tab(page, "Milestones")
        screenshot(page, "goals-milestone-edited")
        _success(page, f"Saved {len(expected)} milestones of")  # at once: there is no Save button
        assert read_in(blank, milestones_of)[goal.id] == [(expected[0][0], 13.5), *expected[1:]]

        page.mouse.wheel(0, -5000)
        page.wait_for_timeout(300)
        screenshot(page, "goals-workshop")
        # The rule on the map is kept now that the objective has a goal.
        goto(page, f"{blank.url}/strategy_map?ws={blank.ws}")
        broken = [b.rule for b in read_in(blank, strategy_map).breaches]
        assert "Objective without a measurable goal" not in broken
        expect(page.get_by_test_id("stVegaLiteChart").first).to_be_visible()
        expect(_rules(page)).to_have_text(broken)  # none after the first test, which linked the map
    finally:
        page.context.close()
