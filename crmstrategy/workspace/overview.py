"""The Overview's read model: where a workspace stands in the method (progress through the three
steps, the health check, the plan's warnings, targets, promise and weakest readiness points), read in
one session, so the page shows one consistent moment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from crmstrategy.analysis.insights import workspace_evidence
from crmstrategy.analysis.models import PRIORITIES, SegmentRead
from crmstrategy.analysis.participants import list_participants
from crmstrategy.analysis.personas import list_personas
from crmstrategy.analysis.readiness import ReadinessSummary
from crmstrategy.analysis.readiness_ratings import readiness_summary
from crmstrategy.analysis.segments import list_segments
from crmstrategy.analysis.strengths import key_factor_coverage
from crmstrategy.core.writing import require_workspace
from crmstrategy.implementation.anchoring import list_reviews, participation
from crmstrategy.implementation.feedback import list_feedback
from crmstrategy.implementation.follow_up import goal_follow_up
from crmstrategy.implementation.plan import ActionBrief, action_briefs, plan_gaps, plan_start_of
from crmstrategy.implementation.plan_rules import (
    ReviewState,
    Taker,
    anchoring_warnings,
    is_overdue,
    review_state,
)
from crmstrategy.strategy.models import PromiseVersionRead
from crmstrategy.strategy.promise import current_promise, version_stubs
from crmstrategy.strategy.strategy_map import strategy_map
from crmstrategy.strategy.targets import MatrixRow, priority_matrix
from crmstrategy.workspace.health import snapshot_of
from crmstrategy.workspace.health_rules import RuleResult, run_rules
from crmstrategy.workspace.progress import (
    Check,
    StepProgress,
    analysis_progress,
    implementation_progress,
    strategy_progress,
)


@dataclass(frozen=True)
class Overview:
    segments: list[SegmentRead]
    persona_count: int
    readiness: ReadinessSummary
    targets: list[MatrixRow]              # primary first, then secondary
    steps: list[StepProgress]             # analysis, strategy, implementation
    health: list[RuleResult]
    review: ReviewState
    overdue: list[ActionBrief]
    promise: PromiseVersionRead | None    # the current one

    @property
    def next_check(self) -> Check | None:
        """The first check not yet done, in the method's order (None when all are)."""
        return next((c for step in self.steps for c in step.checks if not c.done), None)


def overview(*, session: Session, workspace_id: int, today: date) -> Overview:
    workspace = require_workspace(session, workspace_id)
    segments = list_segments(session=session, workspace_id=workspace_id)
    personas = list_personas(session=session, workspace_id=workspace_id)
    readiness = readiness_summary(session=session, workspace_id=workspace_id)
    matrix = priority_matrix(session=session, workspace_id=workspace_id)
    smap = strategy_map(session=session, workspace_id=workspace_id)
    promise_versions = version_stubs(session=session, workspace_id=workspace_id)
    promise = (current_promise(session=session, workspace_id=workspace_id)
               if any(v.is_current for v in promise_versions) else None)
    actions = action_briefs(session=session, workspace_id=workspace_id)
    reviews = list_reviews(session=session, workspace_id=workspace_id)
    review = review_state(reviews[0].reviewed_on if reviews else None, today, bool(actions), plan_start_of(workspace))
    steps_taken = participation(session=session, workspace_id=workspace_id)
    participants = list_participants(session=session, workspace_id=workspace_id)
    anchoring = anchoring_warnings([Taker(p.name, p.department, p.is_leader, tuple(steps_taken.get(p.id, [])))
                                    for p in participants])
    without_action, _ = plan_gaps(session=session, workspace_id=workspace_id)
    goals = goal_follow_up(session=session, workspace_id=workspace_id, today=today, with_values=False)
    segment_evidence, persona_evidence = workspace_evidence(session=session, workspace_id=workspace_id)
    steps = [analysis_progress(segments, personas, segment_evidence, persona_evidence, readiness,
                               abilities={r.segment_id: r.ability for r in matrix.rows}, participants=participants),
             strategy_progress(segments, [n.kind for n in smap.nodes.values()], smap.breaches,
                               promise_versions=promise_versions),
             # A new plan is not yet due for review, but it has not been reviewed either
             implementation_progress(actions, review.last_review is not None and not review.due, without_action,
                                     anchoring, goal_statuses=[g.status.status for g in goals])]
    health = run_rules(snapshot_of(
        today=today, segments=segments, segment_evidence=segment_evidence, promise_versions=promise_versions,
        nodes=list(smap.nodes.values()), initiatives_without_action=without_action, goals=goals, actions=actions,
        reviews=reviews, readiness=readiness, participants=participants,
        feedback=list_feedback(session=session, workspace_id=workspace_id), plan_start=plan_start_of(workspace),
        steps_taken=steps_taken, factor_coverage=key_factor_coverage(session=session, workspace_id=workspace_id)))
    targets = sorted((r for r in matrix.rows if r.priority in PRIORITIES[:2]), key=lambda r: PRIORITIES.index(r.priority))
    return Overview(segments=segments, persona_count=len(personas), readiness=readiness, targets=targets, steps=steps,
                    health=health, review=review, overdue=[a for a in actions if is_overdue(a.status, a.due_date, today)],
                    promise=promise)
