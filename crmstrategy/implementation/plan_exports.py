"""The plan as files teams take home: XLSX and CSV for Excel (safe to open: no formula runs), an ICS
calendar of the open actions' due dates, and Markdown for a wiki."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from icalendar import Calendar, Event

from crmstrategy.core.pdf import md_literal
from crmstrategy.core.tabular import Sheet, to_csv_bytes, to_xlsx_bytes
from crmstrategy.implementation.models import ACTION_LABELS, ROLE_IMPACT_LABELS, ActionRead, RoleImpactRead
from crmstrategy.implementation.plan_rules import HORIZONS, has_owner, is_overdue

NO_OWNER = "– no owner –"
PLAN_HEADER = [
    "Title",
    "Department",
    "Owner",
    "Horizon (months)",
    "Start",
    "Due",
    "Status",
    "Initiatives",
    "Kind",
    ACTION_LABELS["audience"],
    "Description",
    "Notes",
    "Overdue",
]


def _plan_rows(actions: list[ActionRead], today: date) -> list[list]:
    return [
        [
            a.title,
            a.department,
            a.owner if has_owner(a.owner) else NO_OWNER,
            a.shown_horizon,
            a.start_date,
            a.due_date,
            a.status,
            "; ".join(a.initiative_names),
            a.kind,
            a.audience,
            a.description,
            a.notes,
            "yes" if is_overdue(a.status, a.due_date, today) else "",
        ]
        for a in actions
    ]


def plan_xlsx(actions: list[ActionRead], impacts: list[RoleImpactRead], today: date) -> bytes:
    """One filterable sheet of the plan (real date cells) and one of what it means per role."""
    widths = {0: 40, 1: 18, 2: 20, 3: 10, 4: 12, 5: 12, 6: 13, 7: 36, 8: 14, 9: 24, 10: 50, 11: 40, 12: 9}
    plan = Sheet("Plan", PLAN_HEADER, _plan_rows(actions, today), widths, {4: "yyyy-mm-dd", 5: "yyyy-mm-dd"})
    roles = Sheet(
        "Role impacts",
        list(ROLE_IMPACT_LABELS.values()),
        [[r.audience, r.means, r.must_do, r.do_differently] for r in impacts],
        {0: 24, 1: 50, 2: 50, 3: 50},
    )
    return to_xlsx_bytes([plan, roles])


def plan_csv(actions: list[ActionRead], today: date) -> bytes:
    return to_csv_bytes(
        PLAN_HEADER, [[v.isoformat() if isinstance(v, date) else v for v in row] for row in _plan_rows(actions, today)]
    )


def plan_ics(actions: list[ActionRead], workspace: str, now: datetime) -> bytes:
    """One all-day event per open action on its due date; done and undated actions are left out."""
    calendar = Calendar()
    calendar.add("prodid", "-//CRM Strategy Workbench//Implementation plan//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"CRM plan · {workspace}")
    for action in actions:
        if action.status == "Done" or action.due_date is None:
            continue
        event = Event()
        event.add("uid", f"action-{action.id}-ws-{action.workspace_id}@crm-strategy-workbench")
        event.add("dtstamp", now)
        event.add("summary", action.title)
        event.add("dtstart", action.due_date)
        event.add("dtend", action.due_date + timedelta(days=1))
        lines = [
            f"Owner: {action.owner if has_owner(action.owner) else NO_OWNER}",
            f"Initiative: {'; '.join(action.initiative_names) or '–'}",
            f"Department: {action.department or '–'}",
            f"Status: {action.status}",
        ]
        if action.description:
            lines += ["", action.description]
        event.add("description", "\n".join(lines))
        calendar.add_component(event)
    return calendar.to_ical()


def plan_markdown(actions: list[ActionRead], impacts: list[RoleImpactRead], workspace: str, today: date) -> str:
    """By horizon, then department: what matters most in the next 3, 6 and 12 months, with owners."""
    lines = [f"# Implementation plan · {md_literal(workspace)}", ""]
    for horizon in (*HORIZONS, None):
        chosen = [a for a in actions if a.shown_horizon == horizon]
        if not chosen:
            continue
        lines += [f"## {'Next ' + str(horizon) + ' months' if horizon else 'No horizon yet'}", ""]
        for department in sorted({a.department for a in chosen}, key=lambda d: (d == "", d.casefold())):
            lines += [f"### {md_literal(department) if department else 'No department'}", ""]
            for a in (a for a in chosen if a.department == department):
                owner = md_literal(a.owner) if has_owner(a.owner) else "**no owner**"
                due = f", due {a.due_date.isoformat()}" if a.due_date else ""
                overdue = " **(overdue)**" if is_overdue(a.status, a.due_date, today) else ""
                lines.append(f"- **{md_literal(a.title)}** · {owner}{due} · {a.status}{overdue}")
                if a.initiative_names:
                    lines.append(f"  - Serves: {md_literal('; '.join(a.initiative_names))}")
                if a.description:
                    lines.append(f"  - {md_literal(a.description)}")
            lines.append("")
    if impacts:
        lines += ["## What the strategy means for each role", ""]
        for r in impacts:
            lines += [f"### {md_literal(r.audience)}", ""]
            for key in ("means", "must_do", "do_differently"):
                if getattr(r, key):
                    lines.append(f"- **{ROLE_IMPACT_LABELS[key]}:** {md_literal(getattr(r, key))}")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"
