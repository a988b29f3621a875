"""The 3/6/12-month plan in Chromium: an action added through the form, one cell edited in the plan
table (saved with its history), and the XLSX and ICS downloads read back by openpyxl and icalendar."""

from __future__ import annotations

import io
import re
from datetime import date

import openpyxl
import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from crmstrategy.analysis.participants import create_participant
from crmstrategy.implementation.plan import action_history, create_action, list_actions, set_plan_start
from crmstrategy.strategy.strategy_map import create_node
from crmstrategy.workspace.workspaces import create_workspace
from tests.browser.conftest import (
    by_key,
    click_option,
    goto,
    new_page,
    no_exception,
    own_server,
    read_in,
    screenshot,
    settle,
)

pytestmark = pytest.mark.browser


def _setup(session) -> dict:
    ws = create_workspace(session=session, data={"name": "Rørlegger Øst"}).id
    create_participant(
        session=session, workspace_id=ws, data={"name": "Kari Nordmann", "department": "Sales", "is_leader": True}
    )
    create_node(session=session, workspace_id=ws, data={"kind": "initiative", "name": "Loyalty programme"})
    set_plan_start(session=session, workspace_id=ws, start="2026-12-01")
    create_action(
        session=session,
        workspace_id=ws,
        data={
            "title": "Agree the loyalty rules",
            "owner": "Kari Nordmann",
            "department": "Sales",
            "due_date": "2027-01-15",
        },
    )
    return {"ws": ws}


def _pick(page, key: str, option: str) -> None:
    """Type into a selectbox or multiselect in a form and click the option (Escape would undo a
    selectbox's choice, so the list is left to close by itself)."""
    # Clicking the box opens the list (and closes a date picker left open by the field before).
    click_option(page, by_key(page, key, "input"), option)


def test_add_an_action_edit_one_in_the_table_and_download_the_plan(browser, tmp_path):
    with own_server(tmp_path, _setup) as env:
        page = new_page(browser)
        goto(page, f"{env.url}/plan?ws={env.ws}")
        page.get_by_role("tab", name="Add an action").click()
        # The date input is a field of year, month and day segments; it loads lazily.
        year = by_key(page, "plan_new_due", "[data-type=year]")
        expect(year).to_be_visible(timeout=20_000)
        by_key(page, "plan_new_title", "input").fill("Launch the loyalty programme – æøå")
        by_key(page, "plan_new_department", "input").fill("Marketing")
        _pick(page, "plan_new_owner", "Kari Nordmann")
        year.click()
        page.keyboard.type("20270430")  # each segment moves on to the next when full
        _pick(page, "plan_new_initiatives", "Loyalty programme")
        expect(by_key(page, "plan_new_due", "[data-type=day]")).to_have_text("30")
        by_key(page, "plan_new_submit", "button").click()
        settle(page)
        expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text(
            "Added 'Launch the loyalty programme – æøå' to the 6-month horizon."
        )
        added = next(a for a in read_in(env, list_actions) if a.title.startswith("Launch"))
        assert (added.due_date, added.owner, added.initiative_names) == (
            date(2027, 4, 30),
            "Kari Nordmann",
            ["Loyalty programme"],
        )

        # One edit in the (canvas) data editor: the first row's title, sorted by due date.
        page.get_by_role("tab", name="Plan").click()
        by_key(page, "plan_editor_name", "input").fill("Ola")
        by_key(page, "plan_editor_name", "input").press("Enter")
        settle(page)
        grid = page.get_by_test_id("stDataFrame").first
        expect(grid.locator("canvas").first).to_be_visible()
        box = grid.bounding_box()
        row_height = box["height"] / 4  # header, two rows, the trailing "add" row
        grid.dblclick(position={"x": 120, "y": row_height * 1.5})
        editor = page.get_by_test_id("portal").locator(".gdg-clip-region textarea")
        expect(editor).to_be_visible()
        editor.fill("Agree the loyalty rules and rewards")
        page.keyboard.press("Enter")
        settle(page)
        expect(page.get_by_test_id("stAlertContentSuccess")).to_contain_text("Saved: 1 updated.")
        edited = next(a for a in read_in(env, list_actions) if a.title.startswith("Agree"))
        assert edited.title == "Agree the loyalty rules and rewards"
        change = read_in(env, action_history, action_id=edited.id)[0]
        assert (change.field, change.old, change.new, change.changed_by) == (
            "title",
            "Agree the loyalty rules",
            "Agree the loyalty rules and rewards",
            "Ola",
        )
        screenshot(page, "plan-edited")

        page.get_by_role("tab", name="Downloads").click()
        with page.expect_download() as xlsx_download:
            by_key(page, "plan_xlsx", "button").click()
        sheet = openpyxl.load_workbook(io.BytesIO(xlsx_download.value.path().read_bytes()))["Plan"]
        rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
        launch = rows["Launch the loyalty programme – æøå"]
        assert launch[1:4] == ("Marketing", "Kari Nordmann", 6) and launch[5].date() == date(2027, 4, 30)
        assert "Agree the loyalty rules and rewards" in rows

        with page.expect_download() as ics_download:
            by_key(page, "plan_ics", "button").click()
        calendar = Calendar.from_ical(ics_download.value.path().read_bytes())
        events = {str(e.get("summary")): e for e in calendar.walk("VEVENT")}
        assert set(events) == {"Launch the loyalty programme – æøå", "Agree the loyalty rules and rewards"}
        assert events["Launch the loyalty programme – æøå"].get("dtstart").dt == date(2027, 4, 30)
        assert "Owner: Kari Nordmann" in str(events["Launch the loyalty programme – æøå"].get("description"))
        no_exception(page)


# --- the timeline on the demo --------------------------------------------------------------------

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def _aria(label: str | None) -> dict[str, str]:
    """Vega's aria-label "Start: Nov 2026; Action: ...; Due: ..." as a dict."""
    return dict(part.split(": ", 1) for part in (label or "").split("; ") if ": " in part)


def _inside(box: dict, frame: dict) -> bool:
    return (
        box["x"] >= frame["x"] - 1
        and box["y"] >= frame["y"] - 1
        and box["x"] + box["width"] <= frame["x"] + frame["width"] + 1
        and box["y"] + box["height"] <= frame["y"] + frame["height"] + 1
    )


def test_the_timeline_shows_every_dated_action_of_the_demo_from_the_earliest_start_to_the_latest_due_date(server, page):
    """The facilitator's report: the timeline was cut off at "Jun 20…" and the 12-month actions fell off it."""
    from crmstrategy.workspace.workspace_file import load_demo_document

    plan = load_demo_document()["plan"]
    dated = [a for a in plan["actions"] if a["due_date"]]
    assert len(dated) == 19  # the demo's one undated action is said to be left out, under the chart
    first = min(min(a["start_date"] or plan["start"], a["due_date"]) for a in dated)
    last = max(a["due_date"] for a in dated)
    for size in ({"width": 1280, "height": 720}, {"width": 1920, "height": 1080}):
        page.set_viewport_size(size)
        goto(page, server + "/plan?ws=1", timeout=90_000)  # the first visit may load the demo
        page.get_by_role("tab", name="Timeline").click()
        settle(page, timeout=90_000)
        chart = page.get_by_test_id("stVegaLiteChart").first
        expect(chart.locator("svg.marks")).to_be_visible()
        chart.scroll_into_view_if_needed()
        frame = chart.bounding_box()
        column = page.get_by_test_id("stMainBlockContainer").bounding_box()
        assert frame["x"] + frame["width"] <= column["x"] + column["width"] + 1, (frame, column)
        svg = chart.locator("svg.marks").bounding_box()
        assert _inside(svg, frame), (svg, frame)

        bars = chart.locator("g.mark-rect path[aria-label*='Due: ']")
        expect(bars).to_have_count(len(dated))
        drawn = {}
        for bar in bars.all():
            drawn[_aria(bar.get_attribute("aria-label"))["Action"]] = bar.bounding_box()
        assert set(drawn) == {a["title"] for a in dated}
        for title, box in drawn.items():
            assert box["width"] > 2 and _inside(box, svg), (size, title, box, svg)
        # Every tick label of the time axis can be read whole
        labels = chart.locator("g.role-axis-label text")
        for label in labels.all():
            assert _inside(label.bounding_box(), svg), (size, label.text_content(), svg)

        # The axis runs from the month of the earliest start to the month of the latest due date, or beyond
        axis = next(
            a
            for a in (g.get_attribute("aria-label") or "" for g in chart.locator("g.role-axis").all())
            if a.startswith("X-axis")
        )
        found = re.search(r"values from (\w+) (\d{4}) to (\w+) (\d{4})", axis)
        assert found, axis
        begins = (int(found[2]), MONTHS.index(found[1]) + 1)
        ends = (int(found[4]), MONTHS.index(found[3]) + 1)
        assert begins <= (int(first[:4]), int(first[5:7])), axis
        assert ends >= (int(last[:4]), int(last[5:7])), axis
        no_exception(page)
    screenshot(page, "plan-timeline-1920")
