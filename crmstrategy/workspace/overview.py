"""The Overview's read model: where a workspace stands in the method (progress through the three
steps, the health check, the plan's warnings, targets, promise and weakest readiness points), read in
one session, so the page shows one consistent moment."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from crmstrategy.analysis.models import PRIORITIES, SegmentRead
from crmstrategy.analysis.personas import list_personas
from crmstrategy.analysis.readiness import ReadinessSummary
from crmstrategy.implementation.plan import ActionBrief
from crmstrategy.implementation.plan_rules import (
    ReviewState,
    Taker,
    anchoring_warnings,
    is_overdue,
    review_state,
)
from crmstrategy.strategy.models import PromiseVersionRead
from crmstrategy.strategy.promise import current_promise
from crmstrategy.strategy.strategy_map import strategy_map
from crmstrategy.strategy.targets import MatrixRow, priority_matrix
from crmstrategy.workspace.health import read_health_facts, snapshot_of
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
    targets: list[MatrixRow]  # primary first, then secondary
    steps: list[StepProgress]  # analysis, strategy, implementation
    health: list[RuleResult]
    review: ReviewState
    overdue: list[ActionBrief]
    promise: PromiseVersionRead | None  # the current one

    @property
    def next_check(self) -> Check | None:
        """The first check not yet done, in the method's order (None when all are)."""
        return next((c for step in self.steps for c in step.checks if not c.done), None)


def overview(*, session: Session, workspace_id: int, today: date) -> Overview:
    personas = list_personas(session=session, workspace_id=workspace_id)
    matrix = priority_matrix(session=session, workspace_id=workspace_id)
    smap = strategy_map(session=session, workspace_id=workspace_id)
    facts = read_health_facts(session=session, workspace_id=workspace_id, today=today, nodes=list(smap.nodes.values()))
    segments, actions, participants = facts.segments, facts.actions, facts.participants
    promise = (
        current_promise(session=session, workspace_id=workspace_id)
        if any(v.is_current for v in facts.promise_versions)
        else None
    )
    review = review_state(
        facts.reviews[0].reviewed_on if facts.reviews else None, today, bool(actions), facts.plan_start
    )
    anchoring = anchoring_warnings(
        [Taker(p.name, p.department, p.is_leader, tuple(facts.steps_taken.get(p.id, []))) for p in participants]
    )
    steps = [
        analysis_progress(
            segments,
            personas,
            facts.segment_evidence,
            facts.persona_evidence,
            facts.readiness,
            abilities={r.segment_id: r.ability for r in matrix.rows},
            participants=participants,
        ),
        strategy_progress(
            segments, [n.kind for n in smap.nodes.values()], smap.breaches, promise_versions=facts.promise_versions
        ),
        # A new plan is not yet due for review, but it has not been reviewed either
        implementation_progress(
            actions,
            review.last_review is not None and not review.due,
            facts.initiatives_without_action,
            anchoring,
            goal_statuses=[g.status.status for g in facts.goals],
        ),
    ]
    targets = sorted(
        (r for r in matrix.rows if r.priority in PRIORITIES[:2]), key=lambda r: PRIORITIES.index(r.priority)
    )
    return Overview(
        segments=segments,
        persona_count=len(personas),
        readiness=facts.readiness,
        targets=targets,
        steps=steps,
        health=run_rules(snapshot_of(facts)),
        review=review,
        overdue=[a for a in actions if is_overdue(a.status, a.due_date, today)],
        promise=promise,
    )
