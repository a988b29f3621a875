"""Thirty workshop participants rating the same segment at the same moment lose no rating,
on SQLite (BEGIN IMMEDIATE, busy timeout) and on PostgreSQL (the workspace row lock)."""

from __future__ import annotations

import time

from sqlmodel import select

from crmstrategy.analysis.models import SegmentFactor, StrengthRating
from crmstrategy.analysis.participants import create_participant
from crmstrategy.analysis.strengths import save_strength_ratings, segment_strength, set_segment_factors
from crmstrategy.core.db import read_session, unit_of_work
from tests.integration.support import count, new_segment, new_workspace, run_together

PARTICIPANTS = 30
FACTORS = ("Stock availability", "Speed at the counter", "Order accuracy", "Trade credit", "Price level")


def _workshop(engine) -> tuple[int, int, list[int], list[int]]:
    """A workspace, a segment with five key factors and thirty participants."""
    workspace_id = new_workspace(engine, "Busy workshop")
    segment_id = new_segment(engine, workspace_id, "Time-pressed installers")
    with unit_of_work(engine) as session:
        factor_ids = [
            f.id
            for f in set_segment_factors(
                session=session,
                workspace_id=workspace_id,
                segment_id=segment_id,
                factors=[{"factor": name, "weight": 30 - 5 * n} for n, name in enumerate(FACTORS)],
            )
        ]
        participant_ids = [
            create_participant(session=session, workspace_id=workspace_id, data={"name": f"Participant {n:02d}"}).id
            for n in range(PARTICIPANTS)
        ]
    return workspace_id, segment_id, factor_ids, participant_ids


def _scores(n: int, round_: int, factor_ids: list[int]) -> dict[int, int]:
    """A different, known score per participant, factor and round (1-5)."""
    return {factor_id: (n + 2 * k + round_) % 5 + 1 for k, factor_id in enumerate(factor_ids)}


def _stored(engine, segment_id: int) -> dict[int, dict[int, int]]:
    """participant id -> {segment-factor id: score} for the segment, read in a fresh session."""
    stored: dict[int, dict[int, int]] = {}
    with read_session(engine) as session:
        rows = session.exec(
            select(StrengthRating.participant_id, StrengthRating.segment_factor_id, StrengthRating.score)
            .join(SegmentFactor, SegmentFactor.id == StrengthRating.segment_factor_id)
            .where(SegmentFactor.segment_id == segment_id)
        ).all()
    for participant_id, factor_id, score in rows:
        stored.setdefault(participant_id, {})[factor_id] = score
    return stored


def _rater(engine, workspace_id, segment_id, participant_id, rounds: list[dict[int, int]]):
    def job():
        for scores in rounds:
            with unit_of_work(engine) as session:
                saved = save_strength_ratings(
                    session=session,
                    workspace_id=workspace_id,
                    segment_id=segment_id,
                    participant_id=participant_id,
                    ratings=[{"segment_factor_id": f, "score": s} for f, s in scores.items()],
                )
            assert saved == len(FACTORS)

    return job


def _check(engine, workspace_id, segment_id, factor_ids, participant_ids, expected: dict[int, dict[int, int]]):
    assert count(engine, StrengthRating) == PARTICIPANTS * len(FACTORS) == 150
    assert _stored(engine, segment_id) == expected
    with read_session(engine) as session:
        strength = segment_strength(session=session, workspace_id=workspace_id, segment_id=segment_id)
    assert len(strength.raters) == PARTICIPANTS
    assert strength.raters == [f"Participant {n:02d}" for n in range(PARTICIPANTS)]
    assert [f.stats.count for f in strength.factors] == [PARTICIPANTS] * len(FACTORS)
    # The statistics see exactly the scores that were sent.
    for k, factor in enumerate(strength.factors):
        assert sorted(factor.stats.scores) == sorted(expected[p][factor_ids[k]] for p in participant_ids)


def test_thirty_participants_rating_one_segment_at_once_lose_nothing(engine):
    workspace_id, segment_id, factor_ids, participant_ids = _workshop(engine)
    sent = {p: _scores(n, 0, factor_ids) for n, p in enumerate(participant_ids)}
    jobs = [_rater(engine, workspace_id, segment_id, p, [sent[p]]) for p in participant_ids]

    started = time.perf_counter()
    errors = run_together(jobs)
    elapsed = time.perf_counter() - started
    print(
        f"\n[{engine.dialect.name}] {PARTICIPANTS} sessions x {len(FACTORS)} ratings: "
        f"{count(engine, StrengthRating)} rows in {elapsed:.2f} s"
    )

    assert errors == []
    _check(engine, workspace_id, segment_id, factor_ids, participant_ids, sent)


def test_thirty_participants_rating_and_re_rating_at_once_keep_their_last_values(engine):
    """Each session saves twice, so the second saves (updates) race with others' first (inserts)."""
    workspace_id, segment_id, factor_ids, participant_ids = _workshop(engine)
    first = {p: _scores(n, 0, factor_ids) for n, p in enumerate(participant_ids)}
    last = {p: _scores(n, 3, factor_ids) for n, p in enumerate(participant_ids)}
    assert all(first[p] != last[p] for p in participant_ids)
    jobs = [_rater(engine, workspace_id, segment_id, p, [first[p], last[p]]) for p in participant_ids]

    started = time.perf_counter()
    errors = run_together(jobs)
    elapsed = time.perf_counter() - started
    print(
        f"\n[{engine.dialect.name}] {PARTICIPANTS} sessions x 2 saves x {len(FACTORS)} ratings: "
        f"{count(engine, StrengthRating)} rows in {elapsed:.2f} s"
    )

    assert errors == []
    _check(engine, workspace_id, segment_id, factor_ids, participant_ids, last)
