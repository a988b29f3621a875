"""Where you are strong (advice 2): factor weights, ability and attractiveness scores, the
spread of participants' ratings, and the sensitivity of the segment ranking. Pure: numbers in,
numbers out; no database, no Streamlit.

Ability (0-100): the importance-weighted mean of the agreed strengths (1-5), where 1 is 0 and 5 is
100. A factor without an agreed value uses the median of the ratings once they are revealed;
factors without either are left out of both sums.

Attractiveness (0-100): each of size (current revenue), potential and growth is scaled across the
workspace's segments so that the lowest is 0 and the highest 1 (all equal: 0.5 each), then the
user's weights combine them.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

DEFAULT_ATTRACTIVENESS_WEIGHTS = {"size": 30.0, "potential": 40.0, "growth": 30.0}
ATTRACTIVENESS_LABELS = {"size": "Size (revenue)", "potential": "Potential", "growth": "Expected growth"}
SENSITIVITY_STEP = 0.20
FEW_FACTORS, MANY_FACTORS = 4, 6
DISAGREEMENT_RANGE = 2
QUADRANT_LINE = 50.0


class ScoreError(ValueError):
    """Input that has no meaningful score (for example: every weight is zero)."""


def weight_shares(weights: list[float]) -> list[float]:
    """Weights as shares of 100%."""
    if any(w < 0 for w in weights):
        raise ScoreError("Weights cannot be negative.")
    total = sum(weights)
    if total <= 0:
        raise ScoreError("At least one weight must be above zero.")
    return [w / total * 100 for w in weights]


def factor_count_advice(count: int) -> str | None:
    """The method asks for 4-6 factors; say so gently, never block."""
    if count < FEW_FACTORS:
        return (
            f"{count} factor{'s' if count != 1 else ''}: the method suggests 4 to 6 that matter most to "
            "these customers."
        )
    if count > MANY_FACTORS:
        return f"{count} factors: keep the 4 to 6 that matter most, or the score blurs."
    return None


class ScoreSpread:
    """Count, mean, median, spread and range of `self.scores` (ratings 1-5), for any class that
    has them: a factor's strength ratings here, a readiness statement's in crmstrategy.analysis.readiness."""

    scores: Sequence[int]

    @property
    def count(self) -> int:
        return len(self.scores)

    @property
    def mean(self) -> float | None:
        return statistics.fmean(self.scores) if self.scores else None

    @property
    def median(self) -> float | None:
        return float(statistics.median(self.scores)) if self.scores else None

    @property
    def spread(self) -> float | None:
        """Population standard deviation: 0 when everyone agrees (or one person rated)."""
        return statistics.pstdev(self.scores) if self.scores else None

    @property
    def low(self) -> int | None:
        return min(self.scores) if self.scores else None

    @property
    def high(self) -> int | None:
        return max(self.scores) if self.scores else None


@dataclass(frozen=True)
class RatingStats(ScoreSpread):
    scores: tuple[int, ...]

    @property
    def default_agreed(self) -> int | None:
        """The median, rounded half up to a whole score: the facilitator's starting point."""
        median = self.median
        if median is None:  # no scores
            return None
        return int(median + 0.5)


def effective_strength(agreed: int | None, stats: RatingStats, revealed: bool = True) -> int | None:
    """What the scores use: the agreed value, else the median of the ratings once they are
    revealed (hidden ratings must not show through a score), else nothing."""
    if agreed is not None:
        return agreed
    return stats.default_agreed if revealed else None


def ability_score(factors: list[tuple[float, int | None]]) -> float | None:
    """`factors` as (weight, strength 1-5 or None). None when nothing is rated (or all weights
    of the rated factors are zero)."""
    rated = [(w, s) for w, s in factors if s is not None and w > 0]
    total = sum(w for w, _ in rated)
    if not rated or total <= 0:
        return None
    return sum(w * (s - 1) / 4 for w, s in rated) / total * 100


@dataclass(frozen=True)
class SegmentFigures:
    segment_id: int
    revenue: float | None
    potential: float | None
    growth: float | None


def _scaled(values: dict[int, float | None]) -> dict[int, float]:
    known = [v for v in values.values() if v is not None]
    low, high = (min(known), max(known)) if known else (0.0, 0.0)
    result = {}
    for key, value in values.items():
        if value is None:
            result[key] = 0.0  # unknown counts as the least attractive, and the page says so
        elif high == low:
            result[key] = 0.5
        else:
            result[key] = (value - low) / (high - low)
    return result


def attractiveness_scores(segments: list[SegmentFigures], weights: dict[str, float]) -> dict[int, float]:
    shares = dict(
        zip(("size", "potential", "growth"), weight_shares([weights["size"], weights["potential"], weights["growth"]]))
    )
    size = _scaled({s.segment_id: s.revenue for s in segments})
    potential = _scaled({s.segment_id: s.potential for s in segments})
    growth = _scaled({s.segment_id: s.growth for s in segments})
    return {
        s.segment_id: shares["size"] * size[s.segment_id]
        + shares["potential"] * potential[s.segment_id]
        + shares["growth"] * growth[s.segment_id]
        for s in segments
    }


NOTHING_TO_RANK = "Nothing to rank yet: score the segments' size, potential and growth and rate their key factors."


def nothing_to_rank(segments: list[SegmentFigures]) -> bool:
    """True when no segment has a size, potential or growth: every segment is then equally attractive,
    and a ranking that "holds" when the weights move would say nothing."""
    return all(s.revenue is None and s.potential is None and s.growth is None for s in segments)


def ranking(scores: dict[int, float]) -> list[int]:
    """Segment ids from the highest score; ties keep the order given."""
    return [sid for sid, _ in sorted(scores.items(), key=lambda kv: -kv[1])]


@dataclass(frozen=True)
class Sensitivity:
    base_rank: dict[int, int]  # segment id -> 1-based rank with the chosen weights
    worst_rank: dict[int, int]
    best_rank: dict[int, int]

    def stable(self, segment_id: int) -> bool:
        return self.best_rank[segment_id] == self.worst_rank[segment_id] == self.base_rank[segment_id]


def sensitivity(
    segments: list[SegmentFigures], weights: dict[str, float], step: float = SENSITIVITY_STEP
) -> Sensitivity:
    """Move each attractiveness weight up and down by `step` (20%), one at a time, and record
    the best and worst rank each segment reaches."""

    def ranks(w: dict[str, float]) -> dict[int, int]:
        return {sid: n for n, sid in enumerate(ranking(attractiveness_scores(segments, w)), start=1)}

    base = ranks(weights)
    best, worst = dict(base), dict(base)
    for name in ("size", "potential", "growth"):
        for factor in (1 - step, 1 + step):
            moved = dict(weights, **{name: weights[name] * factor})
            if sum(moved.values()) <= 0:
                continue
            for sid, rank in ranks(moved).items():
                best[sid] = min(best[sid], rank)
                worst[sid] = max(worst[sid], rank)
    return Sensitivity(base, worst, best)


def quadrant(ability: float | None, attractiveness: float | None, line: float = QUADRANT_LINE) -> str:
    if ability is None or attractiveness is None:
        return "Not scored yet"
    if attractiveness >= line:
        return "Prioritise" if ability >= line else "Build ability"
    return "Maintain" if ability >= line else "Deprioritise"


def discuss_first(stats: dict[int, RatingStats], limit: int = 5) -> list[int]:
    """Keys (segment-factor ids) where participants disagree most: largest spread, then widest
    range; only where at least two rated and some are DISAGREEMENT_RANGE or more points apart
    (one point apart is ordinary rounding of the same view)."""
    contested: list[tuple[int, float, int]] = []  # (key, spread, range)
    for key, s in stats.items():
        if s.count >= 2:
            assert s.spread is not None and s.high is not None and s.low is not None  # there are scores
            if s.high - s.low >= DISAGREEMENT_RANGE:
                contested.append((key, s.spread, s.high - s.low))
    contested.sort(key=lambda c: (-c[1], -c[2]))
    return [key for key, _, _ in contested[:limit]]
