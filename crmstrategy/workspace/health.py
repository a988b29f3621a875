"""The strategy health check as a service: read one workspace's facts in one session, make the
snapshot the rules judge, and run every rule of crmstrategy.workspace.health_rules on it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from crmstrategy.analysis.evidence import Evidence
from crmstrategy.analysis.insights import workspace_evidence
from crmstrategy.analysis.models import PRIORITIES, ParticipantRead, SegmentRead
from crmstrategy.analysis.participants import list_participants
from crmstrategy.analysis.readiness import ReadinessSummary
from crmstrategy.analysis.readiness_ratings import readiness_summary
from crmstrategy.analysis.segments import list_segments
from crmstrategy.analysis.strengths import key_factor_coverage
from crmstrategy.core import clock
from crmstrategy.core.writing import require_workspace
from crmstrategy.implementation.anchoring import list_reviews, participation
from crmstrategy.implementation.feedback import list_feedback
from crmstrategy.implementation.follow_up import GoalFollowUp, goal_follow_up
from crmstrategy.implementation.follow_up_rules import feedback_waiting_days
from crmstrategy.implementation.models import FeedbackRead, PlanReviewRead
from crmstrategy.implementation.plan import ActionBrief, action_briefs, plan_gaps, plan_start_of
from crmstrategy.strategy.models import MapNodeRead
from crmstrategy.strategy.promise import version_stubs
from crmstrategy.strategy.strategy_map import list_nodes
from crmstrategy.workspace.health_rules import GoalFacts, HealthSnapshot, RuleResult, run_rules


@dataclass(frozen=True)
class HealthFacts:
    """What the health check reads of a workspace, read once in one session; the Overview reads the
    same facts for its progress and warnings, so the two never read them twice or differently."""

    today: date
    segments: list[SegmentRead]
    segment_evidence: dict[int, Evidence]
    persona_evidence: dict[int, Evidence]
    promise_versions: list
    nodes: list[MapNodeRead]
    initiatives_without_action: list[str]
    goals: list[GoalFollowUp]
    actions: list[ActionBrief]
    reviews: list[PlanReviewRead]
    readiness: ReadinessSummary
    participants: list[ParticipantRead]
    feedback: list[FeedbackRead]
    plan_start: date | None
    steps_taken: dict[int, list[str]]  # anchoring.participation
    factor_coverage: dict[int, tuple[int, int]]  # strengths.key_factor_coverage


def read_health_facts(
    *,
    session: Session,
    workspace_id: int,
    today: date | None = None,
    goals: list[GoalFollowUp] | None = None,
    feedback: list[FeedbackRead] | None = None,
    nodes: list[MapNodeRead] | None = None,
) -> HealthFacts:
    """`goals`, `feedback` and `nodes`, when the caller has read them already for the same day, are
    not read again."""
    today = today or clock.today()
    segment_evidence, persona_evidence = workspace_evidence(session=session, workspace_id=workspace_id)
    return HealthFacts(
        today=today,
        segments=list_segments(session=session, workspace_id=workspace_id),
        segment_evidence=segment_evidence,
        persona_evidence=persona_evidence,
        promise_versions=version_stubs(session=session, workspace_id=workspace_id),
        nodes=list_nodes(session=session, workspace_id=workspace_id) if nodes is None else nodes,
        initiatives_without_action=plan_gaps(session=session, workspace_id=workspace_id)[0],
        goals=goal_follow_up(session=session, workspace_id=workspace_id, today=today, with_values=False)
        if goals is None
        else goals,
        actions=action_briefs(session=session, workspace_id=workspace_id),
        reviews=list_reviews(session=session, workspace_id=workspace_id),
        readiness=readiness_summary(session=session, workspace_id=workspace_id),
        participants=list_participants(session=session, workspace_id=workspace_id),
        feedback=list_feedback(session=session, workspace_id=workspace_id) if feedback is None else feedback,
        plan_start=plan_start_of(require_workspace(session, workspace_id)),
        steps_taken=participation(session=session, workspace_id=workspace_id),
        factor_coverage=key_factor_coverage(session=session, workspace_id=workspace_id),
    )


def snapshot_of(facts: HealthFacts) -> HealthSnapshot:
    """The health rules' view of the facts."""
    today, segments, participants = facts.today, facts.segments, facts.participants
    bare = set(facts.initiatives_without_action)
    return HealthSnapshot(
        today=today,
        segments=[
            (s.name, s.priority, facts.segment_evidence[s.id].insights if s.id in facts.segment_evidence else 0)
            for s in segments
        ],
        current_promise=any(v.is_current for v in facts.promise_versions),
        objectives=[(n.name, n.owner) for n in facts.nodes if n.kind == "objective"],
        initiatives=[(n.name, n.name not in bare) for n in facts.nodes if n.kind == "initiative"],
        goals=[
            GoalFacts(f.goal.metric, f.objective, f.goal.owner, f.goal.measures, f.status.status) for f in facts.goals
        ],
        actions=[(a.title, a.owner) for a in facts.actions],
        last_review=facts.reviews[0].reviewed_on if facts.reviews else None,
        # (A rated statement has a mean: the check is for the type checker.)
        weak_readiness=[(s.text, s.mean) for s in facts.readiness.rated if s.level == "weak" and s.mean is not None],
        departments=[p.department for p in participants],
        feedback_waiting=[
            (f.text, days)
            for f in facts.feedback
            if (days := feedback_waiting_days(f.status, f.received_on, today)) is not None
        ],
        plan_start=facts.plan_start,
        readiness_rated=len(facts.readiness.rated),
        feedback_count=len(facts.feedback),
        people=[(p.name, p.is_leader, bool(facts.steps_taken.get(p.id))) for p in participants],
        target_factors=[
            (s.name, *facts.factor_coverage.get(s.id, (0, 0))) for s in segments if s.priority in PRIORITIES[:2]
        ],
    )


def health_snapshot(
    *,
    session: Session,
    workspace_id: int,
    today: date | None = None,
    goals: list[GoalFollowUp] | None = None,
    feedback: list[FeedbackRead] | None = None,
) -> HealthSnapshot:
    """`goals` and `feedback`, when the caller has read them already for the same day, are not read again."""
    return snapshot_of(
        read_health_facts(session=session, workspace_id=workspace_id, today=today, goals=goals, feedback=feedback)
    )


def health_check(
    *,
    session: Session,
    workspace_id: int,
    today: date | None = None,
    goals: list[GoalFollowUp] | None = None,
    feedback: list[FeedbackRead] | None = None,
) -> list[RuleResult]:
    """Every rule's result for the workspace: failed ones first by severity, then those not yet judged."""
    return run_rules(
        health_snapshot(session=session, workspace_id=workspace_id, today=today, goals=goals, feedback=feedback)
    )
