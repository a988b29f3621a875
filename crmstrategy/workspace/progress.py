"""What is filled in and what is missing, per step of the method (pure: counts in, checks out)."""

from __future__ import annotations

from dataclasses import dataclass

from crmstrategy.analysis.evidence import Evidence
from crmstrategy.analysis.models import PRIORITIES, PersonaRead, SegmentRead
from crmstrategy.analysis.readiness import ReadinessSummary
from crmstrategy.workspace.method_path import Place


@dataclass(frozen=True)
class Check:
    label: str
    done: bool
    detail: str
    page: Place  # where it is done


@dataclass(frozen=True)
class StepProgress:
    step: str
    checks: list[Check]

    @property
    def done_count(self) -> int:
        return sum(check.done for check in self.checks)


def _names(items: list[str], limit: int = 4) -> str:
    shown = ", ".join(f"'{n}'" for n in items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def evidence_sentence(
    segments: list[SegmentRead],
    personas: list[PersonaRead],
    segment_evidence: dict[int, Evidence],
    persona_evidence: dict[int, Evidence],
) -> str:
    """One sentence on which segments and personas rest on no or thin evidence."""
    weak_segments = [s.name for s in segments if segment_evidence.get(s.id, Evidence(0, 0)).level != "solid"]
    weak_personas = [p.name for p in personas if persona_evidence.get(p.id, Evidence(0, 0)).level != "solid"]
    if not weak_segments and not weak_personas:
        return "Every segment and persona rests on at least 3 insights from 2 kinds of source."
    parts = []
    if weak_segments:
        parts.append(
            f"{len(weak_segments)} segment{'s' if len(weak_segments) != 1 else ''} ({_names(weak_segments, 3)})"
        )
    if weak_personas:
        parts.append(
            f"{len(weak_personas)} persona{'s' if len(weak_personas) != 1 else ''} ({_names(weak_personas, 3)})"
        )
    return " and ".join(parts) + " rest on no or thin evidence: fewer than 3 insights, or one kind of source."


def analysis_progress(
    segments: list[SegmentRead],
    personas: list[PersonaRead],
    segment_evidence: dict[int, Evidence] | None = None,
    persona_evidence: dict[int, Evidence] | None = None,
    readiness: ReadinessSummary | None = None,
    abilities: dict[int, float | None] | None = None,
    participants: list | None = None,
) -> StepProgress:
    """Step 1. With `participants` (ParticipantRead), the first check is who takes part: a new
    workspace starts there, since the people in the room rate the readiness check and the strengths."""
    checks: list[Check] = []
    if participants is not None:
        departments = {p.department for p in participants if p.department}
        leaders = sum(1 for p in participants if p.is_leader)
        checks.append(
            Check(
                "Who takes part",
                bool(participants),
                "No participants yet. Name the people in the room, with their department."
                if not participants
                else f"{len(participants)} participant{'s' if len(participants) != 1 else ''} from {len(departments)} "
                f"department{'s' if len(departments) != 1 else ''}, {leaders} leader{'s' if leaders != 1 else ''}.",
                Place.PARTICIPANTS,
            )
        )
    n = len(segments)
    checks.append(
        Check(
            "Needs-based segments",
            n >= 2,
            f"{n} segment{'s' if n != 1 else ''}."
            + ("" if n >= 2 else " Describe at least two groups of customers by what they need."),
            Place.SEGMENTS,
        )
    )
    no_needs = [s.name for s in segments if not s.defining_needs]
    checks.append(
        Check(
            "Each segment says what its customers need",
            n > 0 and not no_needs,
            "All segments describe their defining needs."
            if n and not no_needs
            else ("No segments yet." if not n else f"Missing defining needs: {_names(no_needs)}."),
            Place.SEGMENTS,
        )
    )
    no_size = [s.name for s in segments if s.customer_count is None and s.revenue is None and s.potential is None]
    checks.append(
        Check(
            "Size or potential per segment",
            n > 0 and not no_size,
            "Every segment has a size, revenue or potential."
            if n and not no_size
            else ("No segments yet." if not n else f"No size, revenue or potential: {_names(no_size)}."),
            Place.SEGMENTS,
        )
    )
    with_persona = {p.segment_id for p in personas}
    lacking = [s.name for s in segments if s.id not in with_persona]
    checks.append(
        Check(
            "A persona for every segment",
            n > 0 and not lacking,
            f"{len(personas)} persona{'s' if len(personas) != 1 else ''} across {len(with_persona)} segment"
            f"{'s' if len(with_persona) != 1 else ''}."
            + (f" Without a persona: {_names(lacking)}." if lacking else ""),
            Place.PERSONAS,
        )
    )
    thin = [p.name for p in personas if not (p.needs and p.pains)]
    checks.append(
        Check(
            "Personas with needs and pains",
            bool(personas) and not thin,
            "Every persona has needs and pains."
            if personas and not thin
            else ("No personas yet." if not personas else f"Needs or pains missing: {_names(thin)}."),
            Place.PERSONAS,
        )
    )
    if segment_evidence is not None and persona_evidence is not None:
        solid = (
            bool(segments)
            and all(segment_evidence.get(s.id, Evidence(0, 0)).level == "solid" for s in segments)
            and all(persona_evidence.get(p.id, Evidence(0, 0)).level == "solid" for p in personas)
        )
        checks.append(
            Check(
                "Segments and personas rest on what customers said",
                solid,
                evidence_sentence(segments, personas, segment_evidence, persona_evidence)
                if segments
                else "No segments yet.",
                Place.INSIGHTS,
            )
        )
    if readiness is not None:
        unrated = [s.text for s in readiness.statements if s.count == 0]
        rated_all = bool(readiness.statements) and not unrated
        if readiness.overall is None:
            detail = "Nobody has rated the readiness statements yet."
        else:
            detail = f"Readiness {readiness.overall_percent}/100."
            if unrated:
                detail += f" Not rated yet: {len(unrated)} statement{'s' if len(unrated) != 1 else ''}."
            weak = readiness.weak_points
            if weak:
                detail += f" Weakest: {weak[0].text}"
        checks.append(Check("Readiness check rated", rated_all, detail, Place.READINESS))
    if abilities is not None:
        unscored = [s.name for s in segments if abilities.get(s.id) is None]
        checks.append(
            Check(
                "Where we are strong, per segment",
                n > 0 and not unscored,
                "No segments yet."
                if not n
                else (
                    "Every segment has key factors with an agreed strength."
                    if not unscored
                    else f"No key factors with a strength yet: {_names(unscored)}."
                ),
                Place.STRENGTHS,
            )
        )
    return StepProgress("1 · Analysis", checks)


GOAL_RULE = "Objective without a measurable goal"


def strategy_progress(
    segments: list[SegmentRead],
    node_kinds: list[str] | None = None,
    breaches: list | None = None,
    *,
    promise_versions: list | None = None,
) -> StepProgress:
    """Step 2: the choice of target segments; with the map (`node_kinds` of its elements and
    the rule breaches from strategy_graph.check_rules), its lines and its goals; with the
    `promise_versions` (PromiseVersionRead, oldest first), the customer promise."""
    primary = [s.name for s in segments if s.priority == PRIORITIES[0]]
    targets = [s for s in segments if s.priority in PRIORITIES[:2]]
    unchosen = [s.name for s in segments if s.priority is None]
    if not segments:
        detail = "No segments yet."
    elif not primary:
        detail = "No primary target yet: choose one or two segments to win first."
    else:
        detail = f"Primary: {_names(primary)}." + (f" Not decided yet: {_names(unchosen)}." if unchosen else "")
    checks = [
        Check(
            "Target segments chosen",
            bool(primary) and not unchosen and all(s.priority_rationale.strip() for s in targets),
            detail,
            Place.TARGETS,
        )
    ]
    if node_kinds is not None:
        breaches = breaches or []
        objectives, initiatives = node_kinds.count("objective"), node_kinds.count("initiative")
        line_breaches = [b for b in breaches if b.rule != GOAL_RULE and b.severity == "warning"]
        if not objectives or not initiatives:
            detail = "No objectives and initiatives on the map yet: start from the company strategy."
        elif line_breaches:
            detail = (
                f"{len(line_breaches)} rule{'s' if len(line_breaches) != 1 else ''} broken. "
                f"{line_breaches[0].rule}: {line_breaches[0].message}"
            )
        else:
            detail = f"{objectives} objectives and {initiatives} initiatives, every line clear."
        checks.append(
            Check(
                "A strategy map with clear lines",
                bool(objectives and initiatives) and not line_breaches,
                detail,
                Place.STRATEGY_MAP,
            )
        )
        without_goal = next((b for b in breaches if b.rule == GOAL_RULE), None)
        checks.append(
            Check(
                "A measurable goal for every objective",
                bool(objectives) and without_goal is None,
                "No objectives yet."
                if not objectives
                else (without_goal.message if without_goal else "Every objective has a measurable goal."),
                Place.GOALS,
            )
        )
    if promise_versions is not None:
        checks.append(promise_check(promise_versions))
    return StepProgress("2 · Strategy", checks)


def promise_check(versions: list) -> Check:
    current = next((v for v in versions if v.is_current), None)
    if current is not None:
        detail = f"Version {current.number} of {len(versions)} is the current promise."
    elif versions:
        detail = (
            f"{len(versions)} version{'s' if len(versions) != 1 else ''} saved, none marked as the current promise."
        )
    else:
        detail = "No promise yet: what we deliver, how it creates value, how we want to be perceived."
    return Check("A customer promise", current is not None, detail, Place.PROMISE)


def implementation_progress(
    actions: list,
    reviewed: bool,
    initiatives_without_action: list[str],
    anchoring: list[str],
    goal_statuses: list[str] | None = None,
) -> StepProgress:
    """Step 3: a plan over the three horizons, one owner per action, initiatives in the plan, a plan
    reviewed within 90 days, a strategy anchored across departments (the anchoring warnings), and
    with `goal_statuses` (follow_up_rules.GOAL_STATUSES, one per goal) goals followed up."""
    from crmstrategy.implementation.plan_rules import HORIZONS, has_owner

    horizons = {a.shown_horizon for a in actions}
    missing = [f"{h} months" for h in HORIZONS if h not in horizons]
    checks = [
        Check(
            "A plan for the next 3, 6 and 12 months",
            bool(actions) and not missing,
            "No actions yet."
            if not actions
            else (
                f"{len(actions)} actions over all three horizons."
                if not missing
                else f"Nothing planned for: {', '.join(missing)}."
            ),
            Place.PLAN,
        )
    ]
    no_owner = [a.title for a in actions if not has_owner(a.owner)]
    checks.append(
        Check(
            "One owner for every action",
            bool(actions) and not no_owner,
            "No actions yet."
            if not actions
            else ("Every action has an owner." if not no_owner else f"Without an owner: {_names(no_owner)}."),
            Place.PLAN,
        )
    )
    checks.append(
        Check(
            "Every initiative has an action",
            bool(actions) and not initiatives_without_action,
            "No actions yet."
            if not actions
            else (
                "Every initiative on the map has an action."
                if not initiatives_without_action
                else f"No action yet: {_names(initiatives_without_action)}."
            ),
            Place.PLAN,
        )
    )
    checks.append(
        Check(
            "The plan is maintained",
            bool(actions) and reviewed,
            "No actions yet."
            if not actions
            else ("Reviewed within the last 90 days." if reviewed else "Not reviewed for 90 days, or never."),
            Place.PLAN,
        )
    )
    checks.append(
        Check(
            "Anchored across departments and leaders",
            not anchoring,
            anchoring[0] if anchoring else "Leaders and several departments took part.",
            Place.ANCHORING,
        )
    )
    if goal_statuses is not None:
        unmeasured = goal_statuses.count("Not measured")
        counts = ", ".join(
            f"{goal_statuses.count(s)} {s.lower()}"
            for s in ("On track", "At risk", "Off track")
            if goal_statuses.count(s)
        )
        checks.append(
            Check(
                "Goals followed up with measured values",
                bool(goal_statuses) and not unmeasured,
                "No goals yet."
                if not goal_statuses
                else (
                    f"Every goal is measured: {counts}."
                    if not unmeasured
                    else f"{unmeasured} of {len(goal_statuses)} goals have no measured value yet."
                    + (f" The others: {counts}." if counts else "")
                ),
                Place.FOLLOW_UP,
            )
        )
    return StepProgress("3 · Implementation", checks)
