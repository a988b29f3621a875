"""Target segments (advice 2): the priority matrix of ability against attractiveness, the weights of
attractiveness, and the segments the leadership team chooses to go after."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from crmstrategy.analysis.models import (
    PRIORITIES,
    Segment,
    SegmentCreate,
    SegmentRead,
)
from crmstrategy.analysis.scores import (
    ATTRACTIVENESS_LABELS,
    RatingStats,
    ScoreError,
    SegmentFigures,
    Sensitivity,
    ability_score,
    attractiveness_scores,
    effective_strength,
    nothing_to_rank,
    quadrant,
    sensitivity,
    weight_shares,
)
from crmstrategy.analysis.segments import list_segments
from crmstrategy.analysis.strengths import _scores_by_factor, _segment_factors
from crmstrategy.core.errors import Problem, ValidationProblem
from crmstrategy.core.fields import text_limit
from crmstrategy.core.models import WorkspaceCreate
from crmstrategy.core.text import clean_text
from crmstrategy.core.validation import validated
from crmstrategy.core.writing import require_in_workspace, require_workspace, writing


def set_attractiveness_weights(*, session: Session, workspace_id: int, size, potential, growth) -> dict[str, float]:
    with writing(session, workspace_id) as workspace:
        current = workspace.model_dump(include=set(WorkspaceCreate.model_fields))
        clean = validated(
            WorkspaceCreate,
            current | {"weight_size": size, "weight_potential": potential, "weight_growth": growth},
            labels={
                "weight_size": ATTRACTIVENESS_LABELS["size"],
                "weight_potential": ATTRACTIVENESS_LABELS["potential"],
                "weight_growth": ATTRACTIVENESS_LABELS["growth"],
            },
        )
        workspace.weight_size = clean.weight_size
        workspace.weight_potential = clean.weight_potential
        workspace.weight_growth = clean.weight_growth
        return {"size": clean.weight_size, "potential": clean.weight_potential, "growth": clean.weight_growth}


def set_priority(
    *,
    session: Session,
    workspace_id: int,
    segment_id: int,
    priority: str | None,
    rationale: str = "",
    version: int | None = None,
) -> SegmentRead:
    """Mark a segment as a target (or not) with why; with `version`, refused when someone changed
    the segment since it was drawn."""
    with writing(session, workspace_id):
        row = require_in_workspace(
            session,
            Segment,
            segment_id,
            workspace_id,
            "segment",
            version=version,
            labels={"name": "Segment", "priority": "Priority", "priority_rationale": "Rationale"},
        )
        problems = []
        if priority is not None and priority not in PRIORITIES:
            problems.append(Problem("Priority", f"Choose one of: {', '.join(PRIORITIES)}."))
        try:
            rationale = clean_text(rationale, "Rationale", max_length=text_limit(SegmentCreate, "priority_rationale"))
        except ValueError as exc:
            problems.append(Problem("Rationale", str(exc)))
        if priority in PRIORITIES[:2] and not (rationale or "").strip():
            problems.append(
                Problem(
                    "Rationale",
                    f"Say in a sentence why '{row.name}' is marked '{priority}': "
                    "the people who were not in the room will ask.",
                )
            )
        if problems:
            raise ValidationProblem(problems)
        row.priority, row.priority_rationale = priority, rationale
        session.add(row)
        session.flush()
        return SegmentRead.model_validate(row.model_dump() | {"value_drivers": []})


def save_priorities(
    *,
    session: Session,
    workspace_id: int,
    choices: dict[int, tuple[str | None, str]],
    versions: dict[int, int] | None = None,
) -> int:
    """Several segments' choices in one go (the page's table), all or nothing; `versions` are the
    segments' versions when the table was drawn."""
    problems: list[Problem] = []
    for segment_id, (priority, rationale) in choices.items():
        try:
            set_priority(
                session=session,
                workspace_id=workspace_id,
                segment_id=segment_id,
                priority=priority,
                rationale=rationale,
                version=None if versions is None else versions.get(segment_id),
            )
        except ValidationProblem as exc:
            problems.extend(exc.problems)
    if problems:
        raise ValidationProblem(problems)
    return len(choices)


@dataclass(frozen=True)
class MatrixRow:
    segment_id: int
    name: str
    ability: float | None
    attractiveness: float
    revenue: float | None
    potential: float | None
    growth: float | None
    bubble: float  # what sizes the bubble: potential, else revenue, else 0
    quadrant: str
    priority: str | None
    rationale: str
    factor_count: int
    rank: int  # by attractiveness with the chosen weights
    best_rank: int
    worst_rank: int

    @property
    def stable(self) -> bool:
        return self.best_rank == self.worst_rank == self.rank


@dataclass(frozen=True)
class PriorityMatrix:
    weights: dict[str, float]
    shares: dict[str, float]
    rows: list[MatrixRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what makes the picture less certain

    @property
    def stable(self) -> list[MatrixRow]:
        return [r for r in self.rows if r.stable]

    @property
    def unstable(self) -> list[MatrixRow]:
        return [r for r in self.rows if not r.stable]

    @property
    def nothing_to_rank(self) -> bool:
        """No segment has a size, potential or growth: there is no ranking to test."""
        return nothing_to_rank([SegmentFigures(r.segment_id, r.revenue, r.potential, r.growth) for r in self.rows])


def workspace_weights(session: Session, workspace_id: int) -> dict[str, float]:
    ws = require_workspace(session, workspace_id)
    return {"size": ws.weight_size, "potential": ws.weight_potential, "growth": ws.weight_growth}


def priority_matrix(*, session: Session, workspace_id: int, weights: dict[str, float] | None = None) -> PriorityMatrix:
    """Ability against attractiveness for every segment, with the sensitivity of the ranking.
    `weights` (size/potential/growth) try other weights without saving them."""
    weights = weights or workspace_weights(session, workspace_id)
    try:
        shares = dict(
            zip(
                ("size", "potential", "growth"),
                weight_shares([weights["size"], weights["potential"], weights["growth"]]),
            )
        )
    except ScoreError as exc:
        raise ValidationProblem([Problem("Attractiveness weights", str(exc))]) from None
    segments = list_segments(session=session, workspace_id=workspace_id)
    if not segments:
        return PriorityMatrix(weights, shares, [], ["There are no segments yet."])
    factors = _segment_factors(session, [s.id for s in segments])
    scores = _scores_by_factor(session, [f.id for fs in factors.values() for f in fs])
    abilities = {
        s.id: ability_score(
            [
                (f.weight, effective_strength(f.agreed_strength, RatingStats(tuple(scores[f.id])), s.ratings_revealed))
                for f in factors[s.id]
            ]
        )
        for s in segments
    }
    figures = [SegmentFigures(s.id, s.revenue, s.potential, s.expected_growth_pct) for s in segments]
    attractiveness = attractiveness_scores(figures, weights)
    sens: Sensitivity = sensitivity(figures, weights)
    notes = []
    missing = [s.name for s in segments if None in (s.revenue, s.potential, s.expected_growth_pct)]
    if missing:
        notes.append(
            f"Missing revenue, potential or growth counts as the lowest: {', '.join(missing)}. "
            "Fill them in on the Segments page."
        )
    unrated = [s.name for s in segments if abilities[s.id] is None]
    if unrated:
        notes.append(
            f"No ability score yet (no key factors with a strength): {', '.join(unrated)}. "
            "They are listed but not drawn."
        )
    if len(segments) == 1:
        notes.append("With one segment there is nothing to compare: attractiveness is shown as the middle (50).")
    rows = []
    for s in segments:
        ability = abilities[s.id]
        rows.append(
            MatrixRow(
                segment_id=s.id,
                name=s.name,
                ability=ability,
                attractiveness=attractiveness[s.id],
                revenue=s.revenue,
                potential=s.potential,
                growth=s.expected_growth_pct,
                bubble=float(s.potential or s.revenue or 0),
                quadrant=quadrant(ability, attractiveness[s.id]),
                priority=s.priority,
                rationale=s.priority_rationale,
                factor_count=len(factors[s.id]),
                rank=sens.base_rank[s.id],
                best_rank=sens.best_rank[s.id],
                worst_rank=sens.worst_rank[s.id],
            )
        )
    return PriorityMatrix(weights, shares, rows, notes)


def target_segments(*, session: Session, workspace_id: int) -> list[SegmentRead]:
    """The chosen targets, primary first: what later steps (promise, plan) build on."""
    segments = list_segments(session=session, workspace_id=workspace_id)
    order: dict[str | None, int] = {PRIORITIES[0]: 0, PRIORITIES[1]: 1}
    return sorted((s for s in segments if s.priority in order), key=lambda s: (order[s.priority], s.position))
