"""Generate a large workspace as a workspace JSON document (loaded through the normal import).

python -m bench.generate --out large.json
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import UTC, date, datetime, timedelta

from crmstrategy.analysis.models import (
    CHANNEL_KINDS,
    DECISION_ROLES,
    DEFAULT_THEMES,
    INSIGHT_KINDS,
    INSIGHT_SOURCES,
    LIFECYCLE_STAGES,
    PRIORITIES,
    RELATIONSHIPS,
)
from crmstrategy.analysis.readiness import STANDARD_STATEMENTS
from crmstrategy.core import clock
from crmstrategy.strategy.milestones import generate
from crmstrategy.workspace.workspace_file import FORMAT_VERSION, KIND

SEGMENTS = 50
PERSONAS = 300
INSIGHTS = 2000
PARTICIPANTS = 12

_NEEDS = [
    "fast delivery",
    "expert advice",
    "predictable prices",
    "one contact person",
    "self-service ordering",
    "documentation",
    "sustainable products",
    "flexible credit",
    "training",
    "same-day pick-up",
]
_PAINS = [
    "back-orders",
    "wrong invoices",
    "long queues",
    "unclear delivery times",
    "price changes",
    "no answer after hours",
    "complaints from end customers",
    "too many logins",
]
_ROLES = ["Owner", "Purchasing manager", "Site manager", "Office manager", "Technical lead", "CFO", "Installer"]
_CHANNELS = {
    "Owned": ["App", "Web shop", "Newsletter", "Trade counter", "Customer portal"],
    "Bought": ["Trade fair", "Search ads", "Trade magazine"],
    "Earned": ["Word of mouth", "Reviews", "Instagram"],
}
_DRIVERS = [
    "Price",
    "Service",
    "Quality",
    "Convenience",
    "Expertise",
    "Availability",
    "Delivery precision",
    "Sustainability",
]


_DEPARTMENTS = ["Management", "Sales", "Marketing", "Customer service", "IT", "Finance"]
MAP_NODES = 60
FACTORS = 30
KEY_FACTORS = 5  # per segment, each rated by every participant
PROMISE_VERSIONS = 200
ACTIONS = 1000
MEASUREMENTS = 5000  # goal values and customer measures together
CUSTOMER_MEASUREMENTS = 1000
FEEDBACK = 600


def plan_section(
    rng: random.Random, initiative_refs: list[str], participants: int = PARTICIPANTS, actions: int = ACTIONS
) -> dict:
    """A plan of `actions` actions over the three horizons and six departments: some done, some
    overdue, some without an owner or initiative, a few undated; a history, reviews, steps, roles."""
    from crmstrategy.implementation.plan_rules import STATUSES, add_months

    start = clock.today() - timedelta(days=60)
    items = []
    for n in range(1, actions + 1):
        due = (
            None
            if n % 25 == 0
            else add_months(start, rng.choice([1, 2, 3, 4, 5, 6, 8, 10, 12])) - timedelta(days=rng.randint(0, 27))
        )
        owner = "" if n % 40 == 0 else f"Participant {rng.randint(1, participants):02d}"
        items.append(
            {
                "title": f"Action {n:04d} · {rng.choice(_NEEDS)} for the customer",
                "description": "Generated.",
                "department": _DEPARTMENTS[n % len(_DEPARTMENTS)],
                "owner": owner,
                "horizon": 12 if due is None else None,
                "start_date": None if due is None else (due - timedelta(days=rng.randint(10, 60))).isoformat(),
                "due_date": None if due is None else due.isoformat(),
                "status": rng.choice(STATUSES),
                "kind": "Communication" if n % 10 == 0 else "Task",
                "audience": "All staff" if n % 10 == 0 else "",
                "notes": "",
                "initiatives": [] if n % 30 == 0 else rng.sample(initiative_refs, 1),
                "history": [
                    {
                        "changed_at": f"{start.isoformat()}T09:00:00+00:00",
                        "changed_by": "Participant 01",
                        "field": "created",
                        "old": "",
                        "new": f"Action {n:04d}",
                    }
                ],
            }
        )
    return {
        "plan": {
            "start": start.isoformat(),
            "actions": items,
            "reviews": [
                {
                    "reviewed_on": (start + timedelta(days=d)).isoformat(),
                    "reviewed_by": "Participant 01",
                    "changes": "Quarterly review.",
                }
                for d in (0, 30)
            ],
            "participation": [
                {"participant": f"U{u}", "steps": ["Analysis", "Strategy", "Implementation"]}
                for u in range(1, participants + 1)
            ],
            "role_impacts": [
                {"audience": d, "means": "Generated.", "must_do": "Generated.", "do_differently": "Generated."}
                for d in _DEPARTMENTS
            ],
        }
    }


def promise_section(
    rng: random.Random, segments: int = SEGMENTS, participants: int = PARTICIPANTS, versions: int = PROMISE_VERSIONS
) -> dict:
    """A long history of the promise: every version speaks to the target segments (the first 15),
    some restore an earlier one, the last is current; default word lists."""
    from crmstrategy.strategy.promise_checks import DEFAULT_BUZZWORDS, DEFAULT_JARGON

    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    items = []
    for n in range(1, versions + 1):
        need, pain = rng.choice(_NEEDS), rng.choice(_PAINS)
        items.append(
            {
                "number": n,
                "created_at": (start + timedelta(hours=3 * n)).isoformat(),
                "author": f"Participant {rng.randint(1, participants):02d}",
                "delivers": f"{need.capitalize()} for every customer.",
                "value": f"No more {pain}: customers spend their time on their own customers.",
                "perceived": "The supplier that makes the day easier.",
                "text": f"Version {n}: {need} and no more {pain}, so your day goes to your customers – "
                "levert som lovet, på lager når du trenger det.",
                "note": "Sharper." if n % 3 else "",
                "restored_from": n - 5 if n % 17 == 0 else None,
                "segments": [f"S{i}" for i in range(1, min(segments, 15) + 1)],
            }
        )
    return {
        "promise": {
            "buzzwords": list(DEFAULT_BUZZWORDS),
            "jargon": list(DEFAULT_JARGON),
            "current": versions,
            "versions": items,
        }
    }


def strategy_map_sections(rng: random.Random, nodes: int = MAP_NODES, participants: int = PARTICIPANTS) -> dict:
    """A map of `nodes` elements (about 1:3:4:2 strategy, objectives, initiatives, enablers), every
    initiative supporting one or two objectives, each objective a goal with quarterly milestones."""
    counts = {
        "strategy": max(1, nodes // 10),
        "objective": max(1, nodes * 3 // 10),
        "initiative": max(1, nodes * 4 // 10),
    }
    counts["enabler"] = max(1, nodes - sum(counts.values()))
    items, refs = [], {kind: [] for kind in counts}
    for kind, count in counts.items():
        for i in range(1, count + 1):
            ref = f"N{len(items) + 1}"
            refs[kind].append(ref)
            extra = (
                {
                    "business_value": rng.randint(1, 5),
                    "complexity": rng.randint(1, 5),
                    "time_effort": rng.randint(1, 5),
                    "cost": rng.randint(1, 5),
                    "lifecycle_stage": rng.choice(LIFECYCLE_STAGES),
                    "channel": rng.choice(_CHANNELS["Owned"]),
                }
                if kind == "initiative"
                else {}
            )
            items.append(
                {
                    "ref": ref,
                    "kind": kind,
                    "name": f"{kind.capitalize()} {i:02d} · Økt kundeverdi",
                    "description": "Generated for the benchmark.",
                    "owner": "" if i % 9 == 0 else f"Participant {rng.randint(1, participants):02d}",
                }
                | extra
            )
    links = [[o, rng.choice(refs["strategy"])] for o in refs["objective"]]
    for ref in refs["initiative"]:
        links += [[ref, o] for o in rng.sample(refs["objective"], min(2, len(refs["objective"])))]
    for ref in refs["enabler"]:
        links += [[ref, i] for i in rng.sample(refs["initiative"], min(3, len(refs["initiative"])))]
    today = clock.today()
    baseline_on = today - timedelta(days=365)
    goals = []
    for n, ref in enumerate(refs["objective"]):
        deadline = date(today.year + 1 + n % 2, 12, 31)
        goals.append(
            {
                "ref": f"G{n + 1}",
                "objective": ref,
                "goal_type": "Result",
                "metric": f"Goal {n + 1:02d}",
                "unit": "%",
                "baseline": 10.0,
                "target": 20.0 + n,
                "deadline": deadline.isoformat(),
                "baseline_on": baseline_on.isoformat(),
                "owner": f"Participant {n % participants + 1:02d}",
                "measures": rng.choice(["Value", "Activity"]),
                "milestones": [
                    {"due": d.isoformat(), "value": v} for d, v in generate(10.0, 20.0 + n, baseline_on, deadline)
                ],
            }
        )
    return {
        "map_nodes": items,
        "map_links": links,
        "goals": goals,
        "constraints": [
            {"kind": "IT-platform order", "text": "Platform work comes first.", "nodes": refs["enabler"][:2]}
        ],
    }


def follow_up_section(
    rng: random.Random,
    goals: list[dict],
    segments: int = SEGMENTS,
    actions: int = ACTIONS,
    measurements: int = MEASUREMENTS,
    feedback: int = FEEDBACK,
) -> dict:
    """Weekly values for every goal back from today (some goals keep up with their path, some fall
    behind), monthly customer measures for the target segments and all customers, and a feedback
    log in every status, part of it linked to actions and part waiting for more than 30 days."""
    from crmstrategy.implementation.models import CUSTOMER_MEASURES, FEEDBACK_STATUSES, SENTIMENTS

    today = clock.today()
    goal_count = max(1, measurements - CUSTOMER_MEASUREMENTS)
    measured = []
    for n, goal in enumerate(goals):
        weeks = goal_count // len(goals) + (1 if n < goal_count % len(goals) else 0)
        pace = (0.95, 0.8, 0.4)[n % 3]  # on track, at risk, off track
        rise = (goal["target"] - goal["baseline"]) / (2 * 52)
        for week in range(weeks):
            day = today - timedelta(weeks=weeks - 1 - week)
            since = max(0, (day - date.fromisoformat(goal["baseline_on"])).days // 7)
            measured.append(
                {
                    "goal": goal["ref"],
                    "measured_on": day.isoformat(),
                    "value": round(goal["baseline"] + pace * rise * since + rng.uniform(-0.3, 0.3), 2),
                    "note": "",
                    "recorded_by": "Participant 01",
                }
            )
    customer = []
    series = [(m, f"S{s}" if s else None) for m in CUSTOMER_MEASURES for s in range(0, min(segments, 15) + 1)]
    for n in range(CUSTOMER_MEASUREMENTS):
        measure, segment = series[n % len(series)]
        months = n // len(series)
        day = today - timedelta(days=30 * months + 1)
        _, low, high = CUSTOMER_MEASURES[measure]
        customer.append(
            {
                "measure": measure,
                "segment": segment,
                "measured_on": day.isoformat(),
                "value": round(rng.uniform(max(low, 0), min(high, 60)), 1),
                "note": "",
                "recorded_by": "Participant 02",
            }
        )
    items = []
    for n in range(1, feedback + 1):
        status = FEEDBACK_STATUSES[n % 3]
        items.append(
            {
                "text": f"Feedback {n:04d}: {rng.choice(_PAINS)} – «det må bli bedre».",
                "source": f"Customer {n:04d}",
                "channel": rng.choice(["Phone", "Email", "Counter", "App"]),
                "received_on": (today - timedelta(days=rng.randint(0, 200))).isoformat(),
                "sentiment": rng.choice(SENTIMENTS),
                "routed_to": "" if status == "New" else _DEPARTMENTS[n % 6],
                "status": status,
                "response": "Handled." if status == "Acted on" else "",
                "recorded_by": "Participant 03",
                "theme": rng.choice(DEFAULT_THEMES),
                "status_changed_on": None if status == "New" else today.isoformat(),
                "segment": f"S{rng.randint(1, segments)}",
                "persona": None,
                "action": f"A{rng.randint(1, actions)}" if status == "Acted on" and n % 2 else None,
            }
        )
    return {"follow_up": {"goal_measurements": measured, "customer_measurements": customer, "feedback": items}}


def _key_factors(rng: random.Random, participants: int) -> list[dict]:
    items = []
    for number in rng.sample(range(1, FACTORS + 1), KEY_FACTORS):
        centre = rng.randint(2, 4)
        items.append(
            {
                "factor": f"Factor {number:02d}",
                "weight": float(rng.randint(1, 10) * 5),
                "competitor_strength": rng.randint(1, 5),
                "agreed_strength": rng.choice([None, None, centre]),
                "ratings": [
                    {"participant": f"U{u}", "score": min(5, max(1, centre + rng.randint(-2, 2)))}
                    for u in range(1, participants + 1)
                ],
            }
        )
    return items


def large_workspace_document(
    segments: int = SEGMENTS,
    personas: int = PERSONAS,
    insights: int = INSIGHTS,
    participants: int = PARTICIPANTS,
    seed: int = 7,
    name: str = "Large workspace",
) -> dict:
    rng = random.Random(seed)

    def sentence(words: list[str], n: int) -> str:
        return "; ".join(rng.sample(words, min(n, len(words)))).capitalize() + "."

    segment_items = []
    for i in range(1, segments + 1):
        segment_items.append(
            {
                "ref": f"S{i}",
                "name": f"Segment {i:03d} · {rng.choice(_NEEDS).capitalize()}",
                "description": "Customers who " + sentence(_NEEDS, 2).lower() + " Æøå in Norwegian letters.",
                "defining_needs": sentence(_NEEDS, 3),
                "value_drivers": rng.sample(_DRIVERS, 3),
                "customer_count": rng.randint(10, 5000),
                "revenue": float(rng.randint(1, 500) * 1_000_000),
                "potential": float(rng.randint(1, 800) * 1_000_000),
                "expected_growth_pct": float(rng.randint(-5, 25)),
                "lifecycle_focus": rng.choice(LIFECYCLE_STAGES),
                "notes": "Generated for the benchmark.",
                "priority": PRIORITIES[0]
                if i <= 5
                else PRIORITIES[1]
                if i <= 15
                else PRIORITIES[2]
                if i <= 40
                else None,
                "priority_rationale": "Generated: attractive and we are strong." if i <= 40 else "",
                "ratings_revealed": i % 2 == 0,
                "key_factors": _key_factors(rng, participants),
            }
        )
    persona_items = []
    for i in range(1, personas + 1):
        kinds = rng.sample(CHANNEL_KINDS, 2)
        persona_items.append(
            {
                "ref": f"P{i}",
                "segment": f"S{(i - 1) % segments + 1}",
                "name": f"Persona {i:03d}",
                "role_title": rng.choice(_ROLES),
                "decision_role": rng.choice(DECISION_ROLES),
                "desired_relationship": rng.choice(RELATIONSHIPS),
                "lifecycle_stage": rng.choice(LIFECYCLE_STAGES),
                "goals": sentence(_NEEDS, 2),
                "needs": sentence(_NEEDS, 3),
                "pains": sentence(_PAINS, 3),
                "motives": "Wants to look good to their own customers.",
                "buying_process": "Orders weekly; compares two suppliers.",
                "touchpoints": "App, phone, counter.",
                "quote": "Det må bare virke – hver gang.",
                "channels": [{"kind": k, "channel": rng.choice(_CHANNELS[k])} for k in kinds],
            }
        )
    participant_items = [
        {
            "ref": f"U{i}",
            "name": f"Participant {i:02d}",
            "department": _DEPARTMENTS[i % 6],
            "role": rng.choice(_ROLES),
            "is_leader": i <= 2,
        }
        for i in range(1, participants + 1)
    ]
    start = clock.today() - timedelta(days=730)
    insight_items = []
    for i in range(insights):
        persona = rng.randint(1, personas)
        insight_items.append(
            {
                "text": f"Insight {i:04d}: " + sentence(_PAINS + _NEEDS, 2),
                "kind": rng.choice(INSIGHT_KINDS),
                "source_type": rng.choice(INSIGHT_SOURCES),
                "recorded_by": f"Participant {rng.randint(1, participants):02d}",
                "recorded_on": (start + timedelta(days=rng.randint(0, 729))).isoformat(),
                "theme": rng.choice(DEFAULT_THEMES),
                "segments": [f"S{rng.randint(1, segments)}"] if i % 3 else [],
                "personas": [f"P{persona}"] if i % 2 else [],
            }
        )
    readiness = [
        {
            "key": key,
            "text": text,
            "why": why,
            "ratings": [
                {"participant": f"U{u}", "score": rng.randint(1, 5), "note": ""} for u in range(1, participants + 1)
            ],
        }
        for key, text, why in STANDARD_STATEMENTS
    ]
    map_sections = strategy_map_sections(rng, participants=participants)
    return (
        {
            "format_version": FORMAT_VERSION,
            "kind": KIND,
            "exported_at": None,
            "workspace": {
                "name": name,
                "currency": "NOK",
                "description": "Generated large workspace.",
                "weight_size": 25.0,
                "weight_potential": 50.0,
                "weight_growth": 25.0,
            },
            "factors": [
                {"name": f"Factor {n:02d}", "description": f"What customers weigh, number {n}."}
                for n in range(1, FACTORS + 1)
            ],
            "value_drivers": _DRIVERS,
            "segments": segment_items,
            "personas": persona_items,
            "themes": list(DEFAULT_THEMES),
            "participants": participant_items,
            "insights": insight_items,
            "readiness": readiness,
        }
        | map_sections
        | promise_section(rng, segments, participants)
        | plan_section(rng, [n["ref"] for n in map_sections["map_nodes"] if n["kind"] == "initiative"], participants)
        | follow_up_section(rng, map_sections["goals"], segments)
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--segments", type=int, default=SEGMENTS)
    parser.add_argument("--personas", type=int, default=PERSONAS)
    parser.add_argument("--insights", type=int, default=INSIGHTS)
    args = parser.parse_args()
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(
            large_workspace_document(args.segments, args.personas, args.insights), handle, ensure_ascii=False, indent=1
        )
