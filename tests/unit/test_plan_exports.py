"""The implementation plan as files, read back with real readers: openpyxl for XLSX, csv for CSV,
icalendar for ICS, and the Markdown text itself. Read models are built by hand (no database)."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

from icalendar import Calendar
from openpyxl import load_workbook

from crmstrategy.implementation.models import ROLE_IMPACT_LABELS, ActionRead, RoleImpactRead
from crmstrategy.implementation.plan_exports import (
    NO_OWNER,
    PLAN_HEADER,
    plan_csv,
    plan_ics,
    plan_markdown,
    plan_xlsx,
)
from crmstrategy.implementation.plan_rules import effective_horizon

PLAN_START = date(2026, 12, 1)
TODAY = date(2027, 2, 1)
NOW = datetime(2027, 2, 1, 9, 30, tzinfo=UTC)
HOSTILE = '=HYPERLINK("http://evil","click")'
NORDIC = "Opplæring ved disken – æøå ÆØÅ äö"
MARKDOWNY = "**bold** [link](x) <b>"


def _action(id: int, title: str, **values) -> ActionRead:
    base = dict(id=id, workspace_id=7, title=title, department="Sales", owner="Kari Nordmann")
    base |= values
    base.setdefault("shown_horizon", effective_horizon(base.get("horizon"), PLAN_START, base.get("due_date")))
    return ActionRead(**base)


def _actions() -> list[ActionRead]:
    return [
        # overdue, open, hostile title, two initiatives
        _action(
            1,
            HOSTILE,
            start_date=date(2026, 12, 1),
            due_date=date(2027, 1, 15),
            status="In progress",
            initiative_ids=[3, 4],
            initiative_names=["Key accounts", "Self-service"],
            description="+47 call every customer",
            kind="Communication",
            audience="All sellers",
        ),
        # Nordic letters, no owner, 6-month horizon, not yet due
        _action(
            2,
            NORDIC,
            department="Kundeservice",
            owner="",
            due_date=date(2027, 4, 20),
            description="@channel Lær bort ø og å",
            notes="Husk æ",
            initiative_names=["Key accounts"],
        ),
        # done and overdue by date: neither overdue nor in the calendar
        _action(3, "Clean the customer register", due_date=date(2027, 1, 10), status="Done"),
        # no due date and no hand-set horizon
        _action(4, MARKDOWNY, department="", owner="Ola", description=MARKDOWNY),
        # no due date, horizon set by hand; due in the 12-month horizon later in the list is separate
        _action(5, "Train the team leads", owner="Åse Øyen", horizon=12, department="Kundeservice"),
        _action(6, "Review the segment targets", due_date=date(2027, 10, 1), status="Blocked"),
    ]


def _impacts() -> list[RoleImpactRead]:
    return [
        RoleImpactRead(
            id=1,
            workspace_id=7,
            audience="Butikkansatte",
            means="Kundene får svar i dag",
            must_do="Registrere hver henvendelse",
            do_differently="Spørre om e-post",
        ),
        RoleImpactRead(
            id=2, workspace_id=7, audience="=cmd|' /C calc'!A0", means="@risk", must_do="", do_differently="-1 visits"
        ),
    ]


# --- XLSX ------------------------------------------------------------------------------


def _workbook():
    return load_workbook(io.BytesIO(plan_xlsx(_actions(), _impacts(), TODAY)))


def test_xlsx_has_a_plan_and_a_role_impacts_sheet_with_the_plan_header():
    workbook = _workbook()
    assert workbook.sheetnames == ["Plan", "Role impacts"]
    plan = workbook["Plan"]
    assert [c.value for c in plan[1]] == PLAN_HEADER
    assert plan.max_row == len(_actions()) + 1
    assert plan.auto_filter.ref == f"A1:M{len(_actions()) + 1}"
    assert plan.freeze_panes == "A2"


def test_xlsx_first_row_cell_by_cell():
    plan = _workbook()["Plan"]
    row = {h: c for h, c in zip(PLAN_HEADER, plan[2])}
    assert row["Title"].value == "'" + HOSTILE
    assert row["Title"].data_type == "s"
    assert row["Department"].value == "Sales"
    assert row["Owner"].value == "Kari Nordmann"
    assert row["Horizon (months)"].value == 3
    assert row["Horizon (months)"].data_type == "n"
    assert row["Start"].value == datetime(2026, 12, 1)
    assert row["Due"].value == datetime(2027, 1, 15)
    assert row["Start"].is_date and row["Due"].is_date
    assert row["Start"].number_format == "yyyy-mm-dd"
    assert row["Due"].number_format == "yyyy-mm-dd"
    assert row["Status"].value == "In progress"
    assert row["Initiatives"].value == "Key accounts; Self-service"
    assert row["Kind"].value == "Communication"
    assert row["Who is told"].value == "All sellers"
    assert row["Description"].value == "'+47 call every customer"
    assert row["Notes"].value is None
    assert row["Overdue"].value == "yes"


def test_xlsx_second_row_cell_by_cell_keeps_nordic_letters_and_flags_no_owner():
    plan = _workbook()["Plan"]
    row = {h: c.value for h, c in zip(PLAN_HEADER, plan[3])}
    assert row == {
        "Title": NORDIC,
        "Department": "Kundeservice",
        "Owner": NO_OWNER,
        "Horizon (months)": 6,
        "Start": None,
        "Due": datetime(2027, 4, 20),
        "Status": "Not started",
        "Initiatives": "Key accounts",
        "Kind": "Task",
        "Who is told": None,
        "Description": "'@channel Lær bort ø og å",
        "Notes": "Husk æ",
        "Overdue": None,
    }


def test_xlsx_overdue_only_for_open_actions_past_their_due_date():
    plan = _workbook()["Plan"]
    overdue = {r[0].value: r[12].value for r in plan.iter_rows(min_row=2)}
    assert overdue == {
        "'" + HOSTILE: "yes",
        NORDIC: None,
        "Clean the customer register": None,
        MARKDOWNY: None,
        "Train the team leads": None,
        "Review the segment targets": None,
    }


def test_xlsx_undated_rows_have_empty_dates_and_the_hand_set_horizon():
    plan = _workbook()["Plan"]
    rows = {r[0].value: r for r in plan.iter_rows(min_row=2)}
    assert rows["Train the team leads"][3].value == 12
    assert rows["Train the team leads"][5].value is None
    assert rows[MARKDOWNY][3].value is None
    assert rows[MARKDOWNY][2].value == "Ola"


def test_xlsx_has_no_formula_cells_anywhere():
    workbook = _workbook()
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)


def test_xlsx_role_impacts_rows_match_and_are_neutralised():
    sheet = _workbook()["Role impacts"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0] == list(ROLE_IMPACT_LABELS.values())
    assert rows[1] == ["Butikkansatte", "Kundene får svar i dag", "Registrere hver henvendelse", "Spørre om e-post"]
    assert rows[2] == ["'=cmd|' /C calc'!A0", "'@risk", None, "'-1 visits"]
    assert sheet.auto_filter.ref == "A1:D3"


# --- CSV -------------------------------------------------------------------------------


def _csv_rows() -> list[list[str]]:
    raw = plan_csv(_actions(), TODAY)
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_csv_starts_with_a_bom_and_has_the_plan_header():
    raw = plan_csv(_actions(), TODAY)
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = _csv_rows()
    assert rows[0] == PLAN_HEADER
    assert len(rows) == len(_actions()) + 1


def test_csv_rows_cell_by_cell():
    rows = _csv_rows()
    assert rows[1] == [
        "'" + HOSTILE,
        "Sales",
        "Kari Nordmann",
        "3",
        "2026-12-01",
        "2027-01-15",
        "In progress",
        "Key accounts; Self-service",
        "Communication",
        "All sellers",
        "'+47 call every customer",
        "",
        "yes",
    ]
    assert rows[2] == [
        NORDIC,
        "Kundeservice",
        NO_OWNER,
        "6",
        "",
        "2027-04-20",
        "Not started",
        "Key accounts",
        "Task",
        "",
        "'@channel Lær bort ø og å",
        "Husk æ",
        "",
    ]
    assert rows[3][0] == "Clean the customer register"
    assert rows[3][5] == "2027-01-10"
    assert rows[3][12] == ""


def test_csv_keeps_nordic_letters_as_utf8():
    raw = plan_csv(_actions(), TODAY)
    assert "æøå ÆØÅ äö".encode() in raw
    assert any(NORDIC in row for row in _csv_rows())


def test_csv_undated_actions_have_empty_dates_and_horizon_as_set():
    rows = {r[0]: r for r in _csv_rows()[1:]}
    assert rows["Train the team leads"][3:6] == ["12", "", ""]
    assert rows[MARKDOWNY][3:6] == ["", "", ""]


# --- ICS -------------------------------------------------------------------------------


def _events(actions=None, workspace="Jernvare AS · Øst"):
    calendar = Calendar.from_ical(plan_ics(_actions() if actions is None else actions, workspace, NOW))
    return calendar, [c for c in calendar.walk() if c.name == "VEVENT"]


def test_ics_has_one_event_per_open_action_with_a_due_date():
    _, events = _events()
    open_dated = [a for a in _actions() if a.status != "Done" and a.due_date is not None]
    assert len(events) == len(open_dated) == 3
    assert [str(e["SUMMARY"]) for e in events] == [a.title for a in open_dated]
    summaries = {str(e["SUMMARY"]) for e in events}
    assert "Clean the customer register" not in summaries
    assert "Train the team leads" not in summaries and MARKDOWNY not in summaries


def test_ics_events_are_all_day_on_the_due_date():
    _, events = _events()
    by_title = {str(e["SUMMARY"]): e for e in events}
    for action in (a for a in _actions() if a.title in by_title):
        event = by_title[action.title]
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        assert type(start) is date and type(end) is date
        assert start == action.due_date
        assert end == action.due_date + timedelta(days=1)


def test_ics_summary_is_the_title_exactly_and_description_names_owner_and_initiatives():
    _, events = _events()
    by_title = {str(e["SUMMARY"]): e for e in events}
    assert HOSTILE in by_title and NORDIC in by_title
    first = str(by_title[HOSTILE]["DESCRIPTION"])
    assert "Owner: Kari Nordmann" in first
    assert "Initiative: Key accounts; Self-service" in first
    assert "+47 call every customer" in first
    second = str(by_title[NORDIC]["DESCRIPTION"])
    assert f"Owner: {NO_OWNER}" in second
    assert "Initiative: Key accounts" in second
    assert "Lær bort ø og å" in second


def test_ics_uids_are_unique_and_stable_for_the_same_input():
    _, events = _events()
    uids = [str(e["UID"]) for e in events]
    assert len(set(uids)) == len(uids)
    _, again = _events()
    assert [str(e["UID"]) for e in again] == uids
    later = Calendar.from_ical(plan_ics(_actions(), "Jernvare AS · Øst", NOW + timedelta(days=3)))
    assert [str(e["UID"]) for e in later.walk("VEVENT")] == uids


def test_ics_calendar_is_named_after_the_workspace():
    calendar, _ = _events(workspace="Jernvare AS · Øst")
    assert "Jernvare AS · Øst" in str(calendar["X-WR-CALNAME"])


def test_ics_without_open_dated_actions_has_no_events():
    undated = [a for a in _actions() if a.due_date is None or a.status == "Done"]
    _, events = _events(undated)
    assert events == []


# --- Markdown --------------------------------------------------------------------------


def _markdown() -> str:
    return plan_markdown(_actions(), _impacts(), "Jernvare AS", TODAY)


def test_markdown_horizon_sections_in_order():
    text = _markdown()
    headings = [line for line in text.splitlines() if line.startswith("## ")]
    assert headings == [
        "## Next 3 months",
        "## Next 6 months",
        "## Next 12 months",
        "## No horizon yet",
        "## What the strategy means for each role",
    ]


def _section(text: str, heading: str) -> str:
    after = text.split(heading + "\n", 1)[1]
    return after.split("\n## ", 1)[0]


def test_markdown_places_actions_in_their_horizon():
    text = _markdown()
    three, six = _section(text, "## Next 3 months"), _section(text, "## Next 6 months")
    twelve, none = _section(text, "## Next 12 months"), _section(text, "## No horizon yet")
    assert "HYPERLINK" in three and "Clean the customer register" in three
    assert "Opplæring ved disken" in six
    assert "Train the team leads" in twelve and "Review the segment targets" in twelve
    assert "bold" in none and "Train the team leads" not in none


def test_markdown_departments_are_level_three_headings():
    text = _markdown()
    three = _section(text, "## Next 3 months")
    assert "### Sales" in three
    six = _section(text, "## Next 6 months")
    assert "### Kundeservice" in six
    none = _section(text, "## No horizon yet")
    assert "### No department" in none


def test_markdown_action_lines_show_owner_or_no_owner_and_overdue():
    lines = _markdown().splitlines()
    hostile = next(line for line in lines if "HYPERLINK" in line and line.startswith("- "))
    assert "Kari Nordmann" in hostile
    assert ", due 2027-01-15 · In progress" in hostile
    assert "(overdue)" in hostile
    nordic = next(line for line in lines if "Opplæring" in line)
    assert "**no owner**" in nordic
    assert "(overdue)" not in nordic
    done = next(line for line in lines if "Clean the customer register" in line)
    assert "(overdue)" not in done and "Done" in done
    undated = next(line for line in lines if "Train the team leads" in line)
    assert "Åse Øyen" in undated and "due" not in undated


def test_markdown_escapes_user_text_so_it_shows_literally():
    text = _markdown()
    assert "**bold**" not in text
    assert "[link](x)" not in text
    assert "<b>" not in text
    assert "\\*\\*bold\\*\\*" in text
    assert "\\[link\\]\\(x\\)" in text
    assert "\\<b\\>" in text
    line = next(line for line in text.splitlines() if line.startswith("- ") and "bold" in line)
    assert line.startswith("- **\\*\\*bold\\*\\*")


def test_markdown_lists_initiatives_served():
    text = _markdown()
    assert "Serves: Key accounts; Self\\-service" in text


def test_markdown_role_impacts_use_the_three_labels():
    text = _markdown()
    roles = _section(text, "## What the strategy means for each role")
    assert "### Butikkansatte" in roles
    for key in ("means", "must_do", "do_differently"):
        assert f"- **{ROLE_IMPACT_LABELS[key]}:**" in roles
    assert "- **What the strategy means for them:** Kundene får svar i dag" in roles
    # An empty field is left out rather than shown as an empty bullet.
    second = roles.split("### =cmd", 1)[1]
    assert ROLE_IMPACT_LABELS["must_do"] + ":**" not in second


def test_markdown_without_impacts_has_no_role_section():
    text = plan_markdown(_actions(), [], "Jernvare AS", TODAY)
    assert "What the strategy means" not in text
    assert text.startswith("# Implementation plan · Jernvare AS\n")
