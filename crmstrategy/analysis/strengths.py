"""Where you are strong (advice 2): the factor library, each segment's key factors, the
participants' strength ratings (hidden until the facilitator reveals them), the agreed values,
the attractiveness weights and the target-segment choice. crmstrategy.analysis.scores does the arithmetic.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from crmstrategy.analysis.models import (
    Factor,
    FactorCreate,
    Participant,
    Segment,
    SegmentFactor,
    SegmentFactorIn,
    SegmentFactorRead,
    SegmentRead,
    StrengthRating,
    StrengthRatingIn,
)
from crmstrategy.analysis.scores import (
    RatingStats,
    ability_score,
    discuss_first,
    effective_strength,
    factor_count_advice,
    weight_shares,
)
from crmstrategy.core.errors import Problem, ValidationProblem
from crmstrategy.core.fields import score_1_to_5
from crmstrategy.core.models import id_col, id_of
from crmstrategy.core.validation import validated
from crmstrategy.core.versioning import check_versions
from crmstrategy.core.writing import require_in_workspace, save_own_rows, writing


@dataclass(frozen=True)
class FactorUse:
    id: int
    name: str
    description: str
    segments: tuple[str, ...]  # names of the segments that use it


def list_factors(*, session: Session, workspace_id: int) -> list[FactorUse]:
    rows = session.exec(
        select(Factor).where(Factor.workspace_id == workspace_id).order_by(func.lower(Factor.name))
    ).all()
    used: dict[int, list[str]] = defaultdict(list)
    for factor_id, segment_name in session.exec(
        select(SegmentFactor.factor_id, Segment.name)
        .join(Segment, col(Segment.id) == SegmentFactor.segment_id)
        .where(Segment.workspace_id == workspace_id)
        .order_by(col(Segment.position), col(Segment.id))
    ).all():
        used[factor_id].append(segment_name)
    return [FactorUse(id_of(r), r.name, r.description, tuple(used[id_of(r)])) for r in rows]


def add_factor(*, session: Session, workspace_id: int, data: FactorCreate | dict) -> FactorUse:
    with writing(session, workspace_id):
        clean = validated(FactorCreate, data, labels={"name": "Factor", "description": "Description"})
        if _factor_by_name(session, workspace_id, clean.name) is not None:
            raise ValidationProblem([Problem("Factor", f"'{clean.name}' is already in the library.")])
        row = Factor(workspace_id=workspace_id, name=clean.name, description=clean.description)
        session.add(row)
        session.flush()
        return FactorUse(id_of(row), row.name, row.description, ())


def delete_factor(*, session: Session, workspace_id: int, factor_id: int) -> str:
    """Only a factor no segment uses can go, so no segment's score changes behind its back."""
    with writing(session, workspace_id):
        row = require_in_workspace(session, Factor, factor_id, workspace_id, "factor")
        users = session.exec(
            select(Segment.name)
            .join(SegmentFactor, col(SegmentFactor.segment_id) == Segment.id)
            .where(SegmentFactor.factor_id == factor_id)
        ).all()
        if users:
            raise ValidationProblem(
                [
                    Problem(
                        "Factor",
                        f"'{row.name}' is a key factor of {', '.join(users)}; remove it from those segments first.",
                    )
                ]
            )
        name = row.name
        session.delete(row)
        return name


def _factor_by_name(session: Session, workspace_id: int, name: str) -> Factor | None:
    # Compared in Python: SQL lower() folds only ASCII on SQLite (and on PostgreSQL with the C
    # locale), so lower('Økonomi') = 'Økonomi' would never equal 'økonomi' and a second segment
    # using the factor would insert it again and hit the unique name.
    wanted = name.lower()
    for row in session.exec(select(Factor).where(Factor.workspace_id == workspace_id)).all():
        if row.name.lower() == wanted:
            return row
    return None


def segment_factors(*, session: Session, workspace_id: int, segment_id: int) -> list[SegmentFactorRead]:
    require_in_workspace(session, Segment, segment_id, workspace_id, "segment")
    return _segment_factors(session, [segment_id])[segment_id]


def _segment_factors(session: Session, segment_ids: list[int]) -> dict[int, list[SegmentFactorRead]]:
    result: dict[int, list[SegmentFactorRead]] = {sid: [] for sid in segment_ids}
    if not segment_ids:
        return result
    rows = session.exec(
        select(SegmentFactor, Factor.name)
        .join(Factor, col(Factor.id) == SegmentFactor.factor_id)
        .where(col(SegmentFactor.segment_id).in_(segment_ids))
        .order_by(col(SegmentFactor.segment_id), col(SegmentFactor.position), col(SegmentFactor.id))
    ).all()
    for sf, name in rows:
        result[sf.segment_id].append(SegmentFactorRead.model_validate(sf.model_dump() | {"factor": name}))
    return result


def key_factor_versions(*, session: Session, workspace_id: int, segment_id: int) -> dict[int, int]:
    """The segment's key factors as id → version: what its key-factor tables are drawn from."""
    require_in_workspace(session, Segment, segment_id, workspace_id, "segment")
    return dict(
        session.exec(
            select(id_col(SegmentFactor.id), SegmentFactor.version).where(SegmentFactor.segment_id == segment_id)
        ).all()
    )


def _check_key_factors_drawn(session: Session, segment: Segment, drawn: dict[int, int] | None) -> None:
    if drawn is not None:
        check_versions(
            session.exec(select(SegmentFactor).where(SegmentFactor.segment_id == segment.id)).all(),
            drawn,
            subject=f"The key factors of '{segment.name}'",
        )


def set_segment_factors(
    *,
    session: Session,
    workspace_id: int,
    segment_id: int,
    factors: list[SegmentFactorIn | dict],
    drawn: dict[int, int] | None = None,
) -> list[SegmentFactorRead]:
    """Replace a segment's key factors with `factors` (in order). Factors kept keep their
    participants' ratings; factors left out lose theirs; new names join the library. `drawn`
    (key_factor_versions when the table was drawn) refuses the save when someone changed them since."""
    with writing(session, workspace_id):
        segment = require_in_workspace(session, Segment, segment_id, workspace_id, "segment")
        _check_key_factors_drawn(session, segment, drawn)
        clean: list[SegmentFactorIn] = []
        problems: list[Problem] = []
        seen: set[str] = set()
        for n, item in enumerate(factors, start=1):
            try:
                factor = validated(
                    SegmentFactorIn,
                    item,
                    row=n,
                    labels={
                        "factor": "Factor",
                        "weight": "Weight",
                        "competitor_strength": "Competitor's strength",
                        "agreed_strength": "Agreed strength",
                    },
                )
            except ValidationProblem as exc:
                problems.extend(exc.problems)
                continue
            if factor.factor.lower() in seen:
                problems.append(Problem("Factor", f"'{factor.factor}' is listed twice; give each factor once.", n))
                continue
            seen.add(factor.factor.lower())
            clean.append(factor)
        if problems:
            raise ValidationProblem(problems)
        existing = {
            sf.factor_id: sf
            for sf in session.exec(select(SegmentFactor).where(SegmentFactor.segment_id == segment_id)).all()
        }
        keep: set[int] = set()
        for position, factor in enumerate(clean):
            library_row = _factor_by_name(session, workspace_id, factor.factor)
            if library_row is None:
                library_row = Factor(workspace_id=workspace_id, name=factor.factor)
                session.add(library_row)
                session.flush()
            library_id = id_of(library_row)
            row = existing.get(library_id) or SegmentFactor(segment_id=segment_id, factor_id=library_id, weight=1)
            row.weight, row.competitor_strength, row.position = factor.weight, factor.competitor_strength, position
            if "agreed_strength" in factor.model_fields_set:
                row.agreed_strength = factor.agreed_strength
            session.add(row)
            keep.add(library_id)
        for factor_id, row in existing.items():
            if factor_id not in keep:
                session.exec(delete(StrengthRating).where(col(StrengthRating.segment_factor_id) == row.id))
                session.delete(row)
        session.flush()
        return segment_factors(session=session, workspace_id=workspace_id, segment_id=segment_id)


def ratings_of(*, session: Session, workspace_id: int, segment_id: int, participant_id: int) -> dict[int, int]:
    """One participant's own ratings of a segment's factors: segment-factor id -> score."""
    require_in_workspace(session, Segment, segment_id, workspace_id, "segment")
    require_in_workspace(session, Participant, participant_id, workspace_id, "participant")
    rows = session.exec(
        select(StrengthRating)
        .join(SegmentFactor, col(SegmentFactor.id) == StrengthRating.segment_factor_id)
        .where(SegmentFactor.segment_id == segment_id, StrengthRating.participant_id == participant_id)
    ).all()
    return {r.segment_factor_id: r.score for r in rows}


@dataclass(frozen=True)
class RatingForm:
    """What one participant's rating form is drawn from, read in one session."""

    factors: list[SegmentFactorRead]
    mine: dict[int, int]  # segment-factor id -> their score
    revealed: bool


def rating_form(*, session: Session, workspace_id: int, segment_id: int, participant_id: int) -> RatingForm:
    mine = ratings_of(session=session, workspace_id=workspace_id, segment_id=segment_id, participant_id=participant_id)
    segment = session.get(Segment, segment_id)
    assert segment is not None  # ratings_of checked it is in the workspace
    return RatingForm(
        factors=_segment_factors(session, [segment_id])[segment_id], mine=mine, revealed=segment.ratings_revealed
    )


def save_strength_ratings(
    *, session: Session, workspace_id: int, segment_id: int, participant_id: int, ratings: list[StrengthRatingIn | dict]
) -> int:
    """Store one participant's ratings of a segment's factors; a score of None clears one.

    A whole workshop saves at the same moment, so this write is kept small: checks that read only
    the segment, the participant and the segment's key-factor ids, then one upsert of this
    participant's rows (and one delete of those cleared); the statistics are computed on read
    (segment_strength).

    It does not go through writing(): the workspace lock makes writers to one workspace take turns
    so that an edit drawn from a version, or a check-then-insert (a name, a library factor), is
    never overtaken halfway. A participant's ratings need neither: they are that participant's own
    rows, one per key factor, never anyone else's and never a version someone else drew from, and
    the upsert on their unique (segment_factor_id, participant_id) is atomic on both databases,
    however many save at once. Nothing stale, nothing lost holds without the lock: two saves of
    one participant are last-saved-wins on the same rows; a key factor or participant removed
    meanwhile takes its ratings with it (ON DELETE CASCADE) or refuses the insert (the foreign
    key: "someone saved a conflicting change", nothing saved). The workspace's updated_at is
    touched without waiting for that lock (touch_workspace)."""
    typed: list[StrengthRatingIn | ValidationProblem] = []
    for item in ratings:
        try:
            typed.append(validated(StrengthRatingIn, item, labels={"score": "Strength"}))
        except ValidationProblem as exc:
            typed.append(exc)
    require_in_workspace(session, Segment, segment_id, workspace_id, "segment")
    require_in_workspace(session, Participant, participant_id, workspace_id, "participant")
    factor_ids = set(session.exec(select(SegmentFactor.id).where(SegmentFactor.segment_id == segment_id)).all())
    if not factor_ids:
        raise ValidationProblem(
            [Problem("Key factors", "This segment has no key factors yet; add them before rating.")]
        )
    clean: dict[int, int | None] = {}
    problems: list[Problem] = []
    for rating in typed:
        if isinstance(rating, ValidationProblem):
            problems.extend(rating.problems)
        elif rating.segment_factor_id not in factor_ids:
            problems.append(
                Problem("Factor", "That factor is not a key factor of this segment any more; reload the page.")
            )
        else:
            clean[rating.segment_factor_id] = rating.score
    if problems:
        raise ValidationProblem(problems)
    scored = {factor_id: {"score": score} for factor_id, score in clean.items() if score is not None}
    save_own_rows(
        session,
        StrengthRating,
        workspace_id=workspace_id,
        participant_id=participant_id,
        key="segment_factor_id",
        scored=scored,
        cleared=[factor_id for factor_id, score in clean.items() if score is None],
        update=("score",),
    )
    return len(scored)


def set_ratings_revealed(*, session: Session, workspace_id: int, segment_id: int, revealed: bool) -> bool:
    with writing(session, workspace_id):
        row = require_in_workspace(session, Segment, segment_id, workspace_id, "segment")
        row.ratings_revealed = bool(revealed)
        session.add(row)
        return row.ratings_revealed


def set_agreed_strengths(
    *,
    session: Session,
    workspace_id: int,
    segment_id: int,
    agreed: dict[int, int | None],
    drawn: dict[int, int] | None = None,
) -> int:
    """The facilitator's agreed strength per key factor (None: back to the median); `drawn` as for
    set_segment_factors."""
    with writing(session, workspace_id):
        segment = require_in_workspace(session, Segment, segment_id, workspace_id, "segment")
        _check_key_factors_drawn(session, segment, drawn)
        rows = {
            sf.id: sf for sf in session.exec(select(SegmentFactor).where(SegmentFactor.segment_id == segment_id)).all()
        }
        problems: list[Problem] = []
        clean: dict[int, int | None] = {}
        for n, (factor_id, value) in enumerate(agreed.items(), start=1):
            if factor_id not in rows:
                problems.append(
                    Problem("Factor", "That factor is not a key factor of this segment any more; reload the page.", n)
                )
                continue
            try:
                clean[factor_id] = score_1_to_5(value, "Agreed strength")
            except ValueError as exc:
                problems.append(Problem("Agreed strength", str(exc), n))
        if problems:
            raise ValidationProblem(problems)
        for factor_id, value in clean.items():
            rows[factor_id].agreed_strength = value
            session.add(rows[factor_id])
        return len(clean)


@dataclass(frozen=True)
class FactorRatings:
    factor: SegmentFactorRead
    share: float  # the weight as a share of 100%
    by_participant: dict[str, int]  # participant name -> score
    stats: RatingStats
    strength: int | None  # what the scores use: agreed, else median

    @property
    def gap(self) -> int | None:
        """Our strength minus the main competitor's (negative: they are stronger)."""
        if self.strength is None or self.factor.competitor_strength is None:
            return None
        return self.strength - self.factor.competitor_strength


@dataclass(frozen=True)
class SegmentStrength:
    segment: SegmentRead
    factors: list[FactorRatings]
    participants: list[str]  # everyone in the workspace, by name
    raters: list[str]  # those who rated every key factor: only they have finished
    started: list[str]  # those who rated at least one key factor
    ability: float | None
    discuss_first: list[FactorRatings]
    advice: str | None  # the gentle 4-6 warning

    @property
    def revealed(self) -> bool:
        return self.segment.ratings_revealed

    @property
    def waiting(self) -> list[str]:
        """Participants who have not rated every key factor yet (none, or only some)."""
        return [name for name in self.participants if name not in self.raters]

    @property
    def partly(self) -> list[str]:
        """Participants who have rated some key factors but not every one."""
        return [name for name in self.started if name not in self.raters]

    def rated_count(self, name: str) -> int:
        return sum(name in f.by_participant for f in self.factors)


def segment_strength(*, session: Session, workspace_id: int, segment_id: int) -> SegmentStrength:
    """Everything the facilitator view shows for one segment. Individual ratings are in it
    whether revealed or not: the page decides what to show."""
    row = require_in_workspace(session, Segment, segment_id, workspace_id, "segment")
    segment = SegmentRead.model_validate(row.model_dump() | {"value_drivers": []})
    factors = _segment_factors(session, [segment_id])[segment_id]
    names = dict(
        session.exec(select(Participant.id, Participant.name).where(Participant.workspace_id == workspace_id)).all()
    )
    scores: dict[int, dict[str, int]] = defaultdict(dict)
    if factors:
        for r in session.exec(
            select(StrengthRating).where(col(StrengthRating.segment_factor_id).in_([f.id for f in factors]))
        ).all():
            scores[r.segment_factor_id][names[r.participant_id]] = r.score
    shares = weight_shares([f.weight for f in factors]) if factors else []
    rated: list[FactorRatings] = []
    for f, share in zip(factors, shares):
        by_participant = dict(sorted(scores[f.id].items(), key=lambda kv: kv[0].lower()))
        stats = RatingStats(tuple(by_participant.values()))
        rated.append(
            FactorRatings(
                f, share, by_participant, stats, effective_strength(f.agreed_strength, stats, segment.ratings_revealed)
            )
        )
    by_id = {r.factor.id: r for r in rated}
    contested = discuss_first({r.factor.id: r.stats for r in rated})
    started = sorted({name for r in rated for name in r.by_participant}, key=str.lower)
    # A factor added after the round counts: whoever has not rated it yet has not finished.
    raters = [name for name in started if all(name in r.by_participant for r in rated)]
    return SegmentStrength(
        segment=segment,
        factors=rated,
        participants=sorted(names.values(), key=str.lower),
        raters=raters,
        started=started,
        ability=ability_score([(r.factor.weight, r.strength) for r in rated]),
        discuss_first=[by_id[i] for i in contested],
        advice=factor_count_advice(len(rated)),
    )


def key_factor_coverage(*, session: Session, workspace_id: int) -> dict[int, tuple[int, int]]:
    """Segment id -> (its key factors, of them those with an agreed value or at least one rating), for
    every segment that has key factors: what the health check asks of the target segments."""
    rated = set(
        session.exec(
            select(StrengthRating.segment_factor_id)
            .join(SegmentFactor, col(SegmentFactor.id) == StrengthRating.segment_factor_id)
            .join(Segment, col(Segment.id) == SegmentFactor.segment_id)
            .where(Segment.workspace_id == workspace_id)
        ).all()
    )
    coverage: dict[int, tuple[int, int]] = {}
    for sf_id, segment_id, agreed in session.exec(
        select(SegmentFactor.id, SegmentFactor.segment_id, SegmentFactor.agreed_strength)
        .join(Segment, col(Segment.id) == SegmentFactor.segment_id)
        .where(Segment.workspace_id == workspace_id)
    ).all():
        factors, judged = coverage.get(segment_id, (0, 0))
        coverage[segment_id] = (factors + 1, judged + (agreed is not None or sf_id in rated))
    return coverage


def _scores_by_factor(session: Session, segment_factor_ids: list[int]) -> dict[int, list[int]]:
    scores: dict[int, list[int]] = defaultdict(list)
    if segment_factor_ids:
        for sf_id, score in session.exec(
            select(StrengthRating.segment_factor_id, StrengthRating.score).where(
                col(StrengthRating.segment_factor_id).in_(segment_factor_ids)
            )
        ).all():
            scores[sf_id].append(score)
    return scores
