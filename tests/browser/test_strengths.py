"""A strengths round in a real workshop: two people rate on their own laptops at the same time,
the facilitator reveals and sees both, and the priority matrix goes out as an SVG. Plus one
edit in the key-factors table. Against a server of its own, on a database set up through the
services, so the ids and names are known."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest
from playwright.sync_api import Page, expect

from crmstrategy.analysis.participants import create_participant
from crmstrategy.analysis.segments import create_segment
from crmstrategy.analysis.strengths import ratings_of, segment_factors, segment_strength, set_segment_factors
from crmstrategy.workspace.workspaces import create_workspace
from tests.browser.conftest import (
    by_key,
    choose,
    goto,
    new_page,
    no_exception,
    own_server,
    read_in,
    screenshot,
    settle,
    table,
    type_cell,
)

pytestmark = pytest.mark.browser

SEGMENT = "Rørleggere & VVS"  # non-ASCII and an ampersand, for the SVG
OTHER_SEGMENT = "Facility buyers"
FACTORS = [("Lagerstatus", 30), ("Levering", 30), ("Pris", 20), ("Rådgivning", 20)]
# Lagerstatus: 1 against 5, the one the group must discuss; the others at most 1 apart.
SCORES = {"Åse Berg": [1, 4, 3, 2], "Bjørn Dæhlie": [5, 4, 4, 3]}


def _workshop(session) -> dict:
    """One workshop: two segments with key factors (only the second has agreed values) and two
    participants who have not rated yet."""
    ws = create_workspace(session=session, data={"name": "Workshop Tromsø"})
    segment = create_segment(
        session=session,
        workspace_id=ws.id,
        data={"name": SEGMENT, "revenue": 120_000_000, "potential": 200_000_000, "expected_growth_pct": 4},
    )
    factors = set_segment_factors(
        session=session,
        workspace_id=ws.id,
        segment_id=segment.id,
        factors=[{"factor": n, "weight": w} for n, w in FACTORS],
    )
    other = create_segment(
        session=session,
        workspace_id=ws.id,
        data={"name": OTHER_SEGMENT, "revenue": 40_000_000, "potential": 50_000_000, "expected_growth_pct": 1},
    )
    set_segment_factors(
        session=session,
        workspace_id=ws.id,
        segment_id=other.id,
        factors=[{"factor": n, "weight": w, "agreed_strength": 3} for n, w in FACTORS],
    )
    people = {
        name: create_participant(session=session, workspace_id=ws.id, data={"name": name, "department": d})
        for name, d in (("Åse Berg", "Salg"), ("Bjørn Dæhlie", "IT"))
    }
    return {
        "ws": ws.id,
        "segment": segment.id,
        "other": other.id,
        "factors": factors,
        "people": {name: p.id for name, p in people.items()},
    }


@pytest.fixture(scope="module")
def workshop(tmp_path_factory):
    with own_server(tmp_path_factory.mktemp("strengths-server"), _workshop) as env:
        yield env


def _fill_in_ratings(page: Page, workshop, name: str) -> None:
    """Open the Rate tab as `name` and click a score for every factor (without saving)."""
    goto(page, f"{workshop.url}/strengths?ws={workshop.ws}")
    page.get_by_role("tab", name="Rate").click()
    department = {"Åse Berg": "Salg", "Bjørn Dæhlie": "IT"}[name]
    choose(page, "strength_rater", f"{name} · {department}")
    settle(page)
    me = workshop.people[name]
    for factor, score in zip(workshop.factors, SCORES[name]):
        radios = by_key(page, f"strength_score_{workshop.segment}_{me}_{factor.id}")
        radios.get_by_text(str(score), exact=True).click()
        expect(radios.get_by_role("radio", checked=True)).to_have_value(str(score))  # option index = score


def test_two_people_rate_at_once_and_the_facilitator_sees_both_then_downloads_the_svg(workshop, browser, tmp_path):
    # The facilitator watches the room on the Facilitator tab, which refreshes itself while the
    # ratings are hidden (the participants' pages do not: a save there reruns its own progress).
    facilitator = new_page(browser)
    goto(facilitator, f"{workshop.url}/strengths?ws={workshop.ws}")
    facilitator.get_by_role("tab", name="Facilitator").click()
    panel = facilitator.get_by_role("tabpanel", name="Facilitator")
    expect(panel).to_contain_text("0 of 2 participants have rated every factor.")
    raters = {name: new_page(browser) for name in SCORES}
    try:
        for name, page in raters.items():
            _fill_in_ratings(page, workshop, name)
        # Both press "Save my ratings" at (nearly) the same moment.
        for name, page in raters.items():
            by_key(page, f"strength_submit_{workshop.segment}_{workshop.people[name]}", "button").click()
        for name, page in raters.items():
            settle(page)
            expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text(f"Saved 4 ratings for {name}.")
            expect(page.get_by_role("tab", name="Rate")).to_have_attribute("aria-selected", "true")
            no_exception(page)
            # Still hidden: nobody sees the other's numbers before the reveal.
            expect(page.get_by_test_id("stMetric").filter(has_text="Ratings")).to_contain_text("hidden")
            # A participant's own save is counted on their page at once.
            expect(page.get_by_test_id("stMetric").filter(has_text="Rated every factor")).to_contain_text(
                re.compile(r"[12] of 2")
            )
        # The facilitator's page follows both saves without a reload.
        expect(panel).to_contain_text("2 of 2 participants have rated every factor.", timeout=15_000)
    finally:
        for page in raters.values():
            page.context.close()

    for name, scores in SCORES.items():
        stored = read_in(workshop, ratings_of, segment_id=workshop.segment, participant_id=workshop.people[name])
        assert stored == {f.id: s for f, s in zip(workshop.factors, scores)}, name

    try:
        page = facilitator
        expect(panel.get_by_test_id("stDataFrame")).to_have_count(1)  # only the agreed values, no ratings yet
        by_key(page, "strength_reveal", "button").click()
        settle(page)
        expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("Ratings revealed.")
        # The confirmation above the tabs does not send the facilitator back to the first tab.
        expect(page.get_by_role("tab", name="Facilitator")).to_have_attribute("aria-selected", "true")
        assert read_in(workshop, segment_strength, segment_id=workshop.segment).revealed

        overview = panel.get_by_test_id("stDataFrame").first
        overview.scroll_into_view_if_needed()  # the grid draws (and lists its cells) once in view
        # Norwegian order puts Å last; Python's str.lower sort agrees here.
        expect(overview.locator("[role=columnheader]")).to_have_text(
            ["Factor", "Share", "Bjørn Dæhlie", "Åse Berg", "Mean", "Median", "Spread", "Range"]
        )
        table = overview.locator("table")
        expect(table).to_contain_text("Lagerstatus30 %51")  # factor, share, Bjørn's 5, Åse's 1, ...
        expect(table).to_contain_text("1–5")
        discuss = panel.get_by_test_id("stLayoutWrapper").filter(has_text="ratings from")  # the bordered card
        expect(discuss).to_have_count(1)
        expect(discuss).to_contain_text("Lagerstatus")
        expect(discuss).to_contain_text("ratings from 1 to 5, median 3")
        expect(discuss.get_by_test_id("stText")).to_have_text("Åse Berg: 1 · Bjørn Dæhlie: 5")
        no_exception(page)
        page.mouse.wheel(0, 250)
        page.wait_for_timeout(300)
        screenshot(page, "strengths-facilitator-revealed")

        goto(page, f"{workshop.url}/targets?ws={workshop.ws}")
        expect(page.get_by_test_id("stVegaLiteChart")).to_be_visible()
        screenshot(page, "targets-workshop")
        with page.expect_download() as download_info:
            by_key(page, "target_matrix_svg", "button").click()
        download = download_info.value
        assert download.suggested_filename == "workshop-tromso-priority-matrix-2026-12-01.svg"
        path = tmp_path / download.suggested_filename
        download.save_as(path)
        no_exception(page)
    finally:
        facilitator.context.close()

    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg")
    texts = {"".join(element.itertext()).strip() for element in root.iter() if element.tag.endswith("text")}
    assert SEGMENT in texts and OTHER_SEGMENT in texts, texts
    assert "Priority matrix" in texts


def test_half_typed_text_and_unsaved_scores_survive_a_look_at_the_facilitator_tab(workshop, browser):
    """The Key factors and Facilitator tabs run only while open: the factor typed and not yet added
    comes back with its tab, and the Rate tab, whose form holds the scores not yet saved, always
    runs. Nothing typed and not yet sent is lost by a look at another tab."""
    page = new_page(browser)
    try:
        _fill_in_ratings(page, workshop, "Åse Berg")  # scores clicked, not saved
        page.get_by_role("tab", name="Key factors").click()
        by_key(page, "strength_new_factor_name", "input").fill("Leveringspresisjon")
        page.get_by_role("tab", name="Facilitator").click()
        expect(page.get_by_role("tabpanel", name="Facilitator")).to_contain_text(
            "participants have rated every factor."
        )
        page.get_by_role("tab", name="Key factors").click()
        expect(by_key(page, "strength_new_factor_name", "input")).to_have_value("Leveringspresisjon")
        page.get_by_role("tab", name="Rate").click()
        me = workshop.people["Åse Berg"]
        for factor, score in zip(workshop.factors, SCORES["Åse Berg"]):
            radios = by_key(page, f"strength_score_{workshop.segment}_{me}_{factor.id}")
            expect(radios.get_by_role("radio", checked=True)).to_have_value(str(score))
        no_exception(page)
    finally:
        page.context.close()


def test_a_weight_changed_in_the_key_factors_table_is_saved(workshop, browser):
    """One real edit in the (canvas) data editor: the first factor's weight, saved as it is committed."""
    page = new_page(browser)
    try:
        goto(page, f"{workshop.url}/strengths?ws={workshop.ws}")
        choose(page, "strength_segment", OTHER_SEGMENT)
        settle(page)
        expect(page.get_by_test_id("stMetric").filter(has_text="Key factors")).to_contain_text("4")
        prefix = f"strength_factors_{workshop.ws}_{workshop.other}_v"
        expect(table(page, prefix).locator("table")).to_contain_text("Lagerstatus30")
        type_cell(page, prefix, 0, 1, "60", expect_value=str(FACTORS[0][1]))  # first row, Weight
        # The change is saved at once: there is no Save button.
        expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text(
            f"Saved the key factors of {OTHER_SEGMENT}."
        )
        no_exception(page)
        saved = read_in(workshop, segment_factors, segment_id=workshop.other)
        assert [(f.factor, f.weight, f.agreed_strength) for f in saved] == [
            (FACTORS[0][0], 60.0, 3),
            *[(n, float(w), 3) for n, w in FACTORS[1:]],
        ]
        # The table is drawn afresh with the share of the new weight: 60 of 130.
        expect(table(page, prefix).locator("table")).to_contain_text("Lagerstatus6046 %")
    finally:
        page.context.close()
