"""The strategy document's layout: each section of what the workspace decided, in the method's order,
as neutral blocks (crmstrategy.workspace.blocks)."""

from __future__ import annotations

from collections import Counter
from datetime import date

from crmstrategy.analysis.models import PRIORITIES
from crmstrategy.implementation.follow_up_rules import (
    FEEDBACK_ACT_DAYS,
    STATUS_RULE,
    feedback_overdue,
    format_number,
)
from crmstrategy.implementation.models import (
    FEEDBACK_STATUSES,
    ActionRead,
    CustomerMeasurementRead,
)
from crmstrategy.workspace.blocks import Block, Bullets, Heading, PageBreak, Paragraph, Table
from crmstrategy.workspace.health_rules import summary
from crmstrategy.workspace.strategy_document import StrategyDocument

SECTIONS = (
    "Our customer promise",
    "Target segments",
    "Personas",
    "The strategy map",
    "Goals and follow-up",
    "Customer measures",
    "The 3/6/12-month plan",
    "Constraints from the company strategy",
    "What it means for each role",
    "Customer feedback",
    "Strategy health check",
)


def _num(value: float | None, unit: str = "") -> str:
    return "–" if value is None else f"{format_number(value)} {unit}".strip()


def _joined(names: list[str], limit: int = 12) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _cover(doc: StrategyDocument) -> list[Block]:
    blocks: list[Block] = [
        Paragraph(doc.workspace.name, "title"),
        Paragraph(f"CRM strategy · {doc.today.isoformat()}", "strong"),
    ]
    if doc.workspace.description:
        blocks.append(Paragraph(doc.workspace.description, "muted"))
    blocks.append(Heading(1, SECTIONS[0]))
    promise = doc.promise
    if promise is None:
        blocks.append(Paragraph("No current customer promise yet.", "muted"))
    else:
        blocks.append(Paragraph(promise.text, "lead"))
        parts = [
            ("What we deliver", promise.delivers),
            ("How it creates value", promise.value),
            ("How we want to be perceived", promise.perceived),
        ]
        blocks.append(Table(["Part", "In our words"], [[label, text] for label, text in parts if text], [1, 3]))
        if promise.segment_names:
            blocks.append(Paragraph("It speaks to: " + ", ".join(promise.segment_names), "muted"))
        blocks.append(
            Paragraph(
                f"Version {promise.number}, by {promise.author}, {promise.created_at.date().isoformat()}.", "muted"
            )
        )
    blocks.append(
        Paragraph("Contents: " + "; ".join(SECTIONS[1:]) + ". Made with the CRM Strategy Workbench.", "muted")
    )
    return blocks


def _segments(doc: StrategyDocument) -> list[Block]:
    blocks: list[Block] = [PageBreak(), Heading(1, SECTIONS[1])]
    if not doc.segments:
        return blocks + [Paragraph("No segments yet.", "muted")]
    targets = [r for r in doc.segments if r.priority in PRIORITIES[:2]]
    blocks.append(
        Paragraph(
            f"{len(targets)} of {len(doc.segments)} segments are targets: "
            + (_joined([r.name for r in targets]) or "none chosen yet")
            + "."
        )
    )
    blocks += doc.images.get("matrix", [])
    order: dict[str | None, int] = {p: n for n, p in enumerate(PRIORITIES)}
    rows = sorted(doc.segments, key=lambda r: (order.get(r.priority, len(PRIORITIES)), -r.attractiveness))
    blocks.append(
        Table(
            ["Segment", "Priority", "Attractiveness", "Ability", "Why"],
            [
                [
                    r.name,
                    r.priority or "Not chosen yet",
                    f"{r.attractiveness:.0f}",
                    "–" if r.ability is None else f"{r.ability:.0f}",
                    r.rationale,
                ]
                for r in rows
            ],
            [2.1, 1.5, 1.5, 0.9, 3.2],
        )
    )  # "Attractiveness" and "Not prioritised" on one line
    return blocks


def _personas(doc: StrategyDocument) -> list[Block]:
    blocks: list[Block] = [Heading(1, SECTIONS[2])]
    if not doc.personas:
        return blocks + [Paragraph("No personas for the target segments yet.", "muted")]
    blocks.append(Paragraph("The people behind the target segments."))
    for persona in doc.personas:
        blocks.append(Heading(3, persona.name))
        facts = [persona.segment_name] + [
            v
            for v in (persona.role_title, persona.decision_role, persona.desired_relationship, persona.lifecycle_stage)
            if v
        ]
        blocks.append(Paragraph(" · ".join(facts), "muted"))
        if persona.quote:
            blocks.append(Paragraph(f"“{persona.quote}”", "strong"))
        rows = [
            [label, text]
            for label, text in (("Needs", persona.needs), ("Pains", persona.pains), ("Motives", persona.motives))
            if text
        ]
        if rows:
            blocks.append(Table(["", ""], rows, [1, 5]))
    return blocks


def _map(doc: StrategyDocument) -> list[Block]:
    blocks: list[Block] = [PageBreak(), Heading(1, SECTIONS[3])]
    smap = doc.smap
    if not smap.nodes:
        return blocks + [Paragraph("No strategy map yet.", "muted")]
    counts = Counter(n.kind for n in smap.nodes.values())
    blocks.append(
        Paragraph(
            f"{counts['strategy']} company strategy elements, {counts['objective']} CRM objectives, "
            f"{counts['initiative']} initiatives and {counts['enabler']} enablers; each line runs "
            "from a node to what it supports."
        )
    )
    blocks += doc.images.get("map", [])
    initiatives_of: dict[int, list[str]] = {}
    for source, target in smap.links:
        if smap.nodes[source].kind == "initiative":
            initiatives_of.setdefault(target, []).append(smap.nodes[source].name)
    goals_of: dict[int, list[str]] = {}
    for item in doc.goals:
        goals_of.setdefault(item.goal.objective_id, []).append(item.goal.metric)
    objectives = smap.of_kind("objective")
    if objectives:
        blocks.append(Heading(2, "Objectives and the initiatives that reach them"))
        blocks.append(
            Table(
                ["Objective", "Owner", "Initiatives", "Goals"],
                [
                    [
                        o.name,
                        o.owner or "– no owner –",
                        _joined(initiatives_of.get(o.id, [])) or "–",
                        _joined(goals_of.get(o.id, [])) or "–",
                    ]
                    for o in objectives
                ],
                [2, 1.2, 3, 2],
            )
        )
    enablers = smap.of_kind("enabler")
    if enablers:
        blocks.append(Heading(2, "Enablers"))
        blocks.append(
            Table(
                ["Enabler", "Owner", "Needed by"],
                [
                    [
                        e.name,
                        e.owner or "– no owner –",
                        _joined([smap.nodes[t].name for s, t in smap.links if s == e.id]) or "–",
                    ]
                    for e in enablers
                ],
                [2, 1.2, 4],
            )
        )
    return blocks


def _goals(doc: StrategyDocument) -> list[Block]:
    blocks: list[Block] = [PageBreak(), Heading(1, SECTIONS[4])]
    if not doc.goals:
        return blocks + [Paragraph("No measurable goals yet.", "muted")]
    counts = Counter(g.status.status for g in doc.goals)
    blocks.append(
        Paragraph(
            ", ".join(
                f"{counts[s]} {s.lower()}" for s in ("On track", "At risk", "Off track", "Not measured") if counts[s]
            )
            + f" on {doc.today.isoformat()}."
        )
    )
    blocks.append(
        Table(
            ["Goal", "Owner", "Baseline → target", "Deadline", "Latest", "Status"],
            [
                [
                    f"{g.goal.metric} ({g.objective})" if g.objective else g.goal.metric,
                    g.goal.owner or "– no owner –",
                    f"{_num(g.goal.baseline)} → {_num(g.goal.target, g.goal.unit)}",
                    g.goal.deadline.isoformat(),
                    "–"
                    if g.status.latest is None
                    else f"{_num(g.status.latest[1])} ({g.status.latest[0].isoformat()})",
                    g.status.status,
                ]
                for g in doc.goals
            ],
            [2.8, 1.3, 1.6, 1.1, 1.5, 1],
        )
    )
    off = [g for g in doc.goals if g.status.status == "Off track"]
    if off:
        blocks.append(Heading(2, "Off track"))
        blocks.append(Bullets([f"{g.goal.metric} (owner: {g.goal.owner or 'none'}): {g.status.message}" for g in off]))
    blocks.append(Paragraph("How the status is decided: " + STATUS_RULE, "muted"))
    blocks += doc.images.get("goals", [])
    return blocks


def _customer(doc: StrategyDocument) -> list[Block]:
    blocks: list[Block] = [Heading(1, SECTIONS[5])]
    if not doc.customer:
        return blocks + [Paragraph("No customer measures recorded yet.", "muted")]
    latest: dict[tuple[str, str], CustomerMeasurementRead] = {}
    for m in doc.customer:
        latest[(m.measure, m.segment_name or "All customers")] = m  # oldest first, so the last one stays
    blocks.append(
        Table(
            ["Measure", "Segment", "Latest", "Measured on"],
            [[measure, segment, _num(m.value), m.measured_on.isoformat()] for (measure, segment), m in latest.items()],
            [1.4, 3, 1, 1.2],
        )
    )
    blocks += doc.images.get("customer", [])
    return blocks


def _plan(doc: StrategyDocument) -> list[Block]:
    blocks: list[Block] = [PageBreak(), Heading(1, SECTIONS[6])]
    if not doc.actions:
        return blocks + [Paragraph("No actions planned yet.", "muted")]
    assert doc.plan_start is not None  # read with the actions
    blocks.append(
        Paragraph(
            f"{len(doc.actions)} actions from {doc.plan_start.isoformat()}, by department: what "
            "matters most in the next 3, 6 and 12 months, and who is responsible."
        )
    )
    by_department: dict[str, list[ActionRead]] = {}
    for action in doc.actions:
        by_department.setdefault(action.department or "No department", []).append(action)
    for department in sorted(by_department, key=lambda d: (d == "No department", d.lower())):
        actions = sorted(by_department[department], key=lambda a: (a.shown_horizon or 99, a.due_date or date.max))
        blocks.append(Heading(2, f"{department} ({len(actions)})"))
        blocks.append(
            Table(
                ["Action", "Owner", "Horizon", "Due", "Status", "Initiative"],
                [
                    [
                        a.title,
                        a.owner or "– no owner –",
                        f"{a.shown_horizon} months" if a.shown_horizon else "–",
                        a.due_date.isoformat() if a.due_date else "–",
                        a.status,
                        "; ".join(a.initiative_names) or "–",
                    ]
                    for a in actions
                ],
                [2.8, 1.4, 0.9, 1.3, 1.0, 2.1],
            )
        )  # a date fits its column on one line
    return blocks


def _constraints(doc: StrategyDocument) -> list[Block]:
    """What the company strategy allows or demands, beside the plan that must respect it."""
    blocks: list[Block] = [Heading(1, SECTIONS[7])]
    constraints = doc.smap.constraints
    if not constraints:
        return blocks + [Paragraph("No constraints recorded yet.", "muted")]
    blocks.append(
        Paragraph(
            "What the company strategy allows or demands, and the parts of the strategy map each "
            "one touches: the plan must respect them."
        )
    )
    blocks.append(
        Table(
            ["Kind", "Constraint", "Touches"],
            [
                [c.kind, c.text, _joined([doc.smap.nodes[n].name for n in c.node_ids if n in doc.smap.nodes]) or "–"]
                for c in constraints
            ],
            [1.3, 3.5, 2.5],
        )
    )
    return blocks


def _roles(doc: StrategyDocument) -> list[Block]:
    blocks: list[Block] = [Heading(1, SECTIONS[8])]
    if not doc.role_impacts:
        return blocks + [Paragraph("Not described yet.", "muted")]
    for impact in doc.role_impacts:
        blocks.append(Heading(3, impact.audience))
        blocks.append(
            Table(
                ["", ""],
                [
                    [label, text]
                    for label, text in (
                        ("What it means", impact.means),
                        ("What they must do", impact.must_do),
                        ("What they must do differently", impact.do_differently),
                    )
                    if text
                ],
                [1.4, 4.6],
            )
        )
    return blocks


def _feedback(doc: StrategyDocument) -> list[Block]:
    blocks: list[Block] = [Heading(1, SECTIONS[9])]
    if not doc.feedback:
        return blocks + [Paragraph("No customer feedback logged yet.", "muted")]
    by_status = Counter(f.status for f in doc.feedback)
    by_theme = Counter(f.theme or "No theme" for f in doc.feedback)
    late = [f for f in doc.feedback if feedback_overdue(f.status, f.received_on, doc.today)]
    blocks.append(
        Paragraph(
            f"{len(doc.feedback)} pieces of feedback: "
            + ", ".join(f"{by_status[s]} {s.lower()}" for s in FEEDBACK_STATUSES)
            + "."
        )
    )
    blocks.append(Table(["Theme", "Feedback"], [[theme, str(n)] for theme, n in by_theme.most_common()], [3, 1]))
    if late:
        blocks.append(Heading(2, f"Not acted on for more than {FEEDBACK_ACT_DAYS} days ({len(late)})"))
        blocks.append(
            Table(
                ["Received", "Feedback", "Routed to", "Status"],
                [[f.received_on.isoformat(), f.text, f.routed_to or "–", f.status] for f in late[:50]],
                [1, 4, 1.4, 0.9],
            )
        )
    return blocks


def _health(doc: StrategyDocument) -> list[Block]:
    blocks: list[Block] = [PageBreak(), Heading(1, SECTIONS[10])]
    failed = [(r.rule, r.finding) for r in doc.health if r.finding is not None]  # r.failed
    waiting = [(r.rule, r.not_yet) for r in doc.health if r.not_yet is not None]  # not r.judged
    passed = [r for r in doc.health if r.passed]
    blocks.append(
        Paragraph(
            summary(doc.health) + " The rules follow why CRM programmes stall after launch (missing "
            "ownership, no link to value, structures too complex to adjust) and the vicious circle "
            "of absent leadership. A rule with nothing to judge yet is neither passed nor failed."
        )
    )
    if failed:
        blocks.append(
            Table(
                ["Severity", "Rule", "What was found"],
                [
                    [
                        rule.severity,
                        rule.title,
                        finding.message + ("" if not finding.items else " " + _joined(list(finding.items), 8) + "."),
                    ]
                    for rule, finding in failed
                ],
                [0.9, 2, 5],
            )
        )
    if waiting:
        blocks.append(Heading(2, "Not yet judged"))
        blocks.append(Bullets([f"{rule.title}: {not_yet.reason}" for rule, not_yet in waiting]))
    if passed:
        blocks.append(Heading(2, "Passed"))
        blocks.append(Bullets([r.rule.title for r in passed]))
    return blocks


def document_blocks(doc: StrategyDocument) -> list[Block]:
    """The document, section by section (SECTIONS), as blocks."""
    return (
        _cover(doc)
        + _segments(doc)
        + _personas(doc)
        + _map(doc)
        + _goals(doc)
        + _customer(doc)
        + _plan(doc)
        + _constraints(doc)
        + _roles(doc)
        + _feedback(doc)
        + _health(doc)
    )
