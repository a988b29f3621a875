"""Thirty workshop participants rating the same segment at the same moment lose no rating,
on SQLite (one writer at a time: the writers' turn, BEGIN IMMEDIATE) and on PostgreSQL (each
participant's own rows upserted, without the workspace lock)."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from crmstrategy.analysis.models import SegmentFactor, StrengthRating
from crmstrategy.analysis.participants import create_participant
from crmstrategy.analysis.strengths import save_strength_ratings, segment_strength, set_segment_factors
from crmstrategy.core import clock
from crmstrategy.core.db import read_session, unit_of_work
from crmstrategy.core.fields import as_utc
from crmstrategy.core.models import Workspace
from crmstrategy.core.writing import writing
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


# --- the small write: each participant's own rows, upserted ------------------------------------------


def _save(engine, workspace_id, segment_id, participant_id, scores: dict[int, int | None]) -> int:
    with unit_of_work(engine) as session:
        return save_strength_ratings(
            session=session,
            workspace_id=workspace_id,
            segment_id=segment_id,
            participant_id=participant_id,
            ratings=[{"segment_factor_id": f, "score": s} for f, s in scores.items()],
        )


def test_thirty_participants_re_rating_and_clearing_at_once_change_only_their_own_rows(engine):
    """All thirty rate (150 rows). Then, at once, the even-numbered participants each change one
    score and clear another, the odd-numbered ones do nothing: exactly 135 rows, each with the
    value its participant last sent."""
    workspace_id, segment_id, factor_ids, participant_ids = _workshop(engine)
    first = {p: _scores(n, 0, factor_ids) for n, p in enumerate(participant_ids)}
    assert run_together([_rater(engine, workspace_id, segment_id, p, [first[p]]) for p in participant_ids]) == []
    assert _stored(engine, segment_id) == first

    expected = {p: dict(scores) for p, scores in first.items()}
    changes: dict[int, dict[int, int | None]] = {}
    for n, p in enumerate(participant_ids):
        if n % 2:
            continue
        changed, cleared = factor_ids[n % 5], factor_ids[(n + 1) % 5]
        changes[p] = {changed: first[p][changed] % 5 + 1, cleared: None}
        expected[p][changed] = first[p][changed] % 5 + 1
        del expected[p][cleared]
    saved: dict[int, int] = {}

    def change(p: int):
        def job():
            saved[p] = _save(engine, workspace_id, segment_id, p, changes[p])

        return job

    assert run_together([change(p) for p in changes]) == []

    assert saved == {p: 1 for p in changes}  # the one score each sent; the cleared one is not counted
    assert count(engine, StrengthRating) == 150 - 15 == 135
    assert _stored(engine, segment_id) == expected
    for n, p in enumerate(participant_ids):
        if n % 2:
            assert _stored(engine, segment_id)[p] == first[p]  # untouched by the others' saves


def test_a_re_save_upserts_the_same_rows_and_a_cleared_score_deletes_its_row(engine):
    workspace_id, segment_id, factor_ids, participant_ids = _workshop(engine)
    me, other = participant_ids[:2]
    assert _save(engine, workspace_id, segment_id, other, dict.fromkeys(factor_ids, 3)) == 5
    assert _save(engine, workspace_id, segment_id, me, {factor_ids[0]: 1, factor_ids[1]: 2}) == 2
    with read_session(engine) as session:
        ids_before = dict(
            session.exec(
                select(StrengthRating.segment_factor_id, StrengthRating.id).where(StrengthRating.participant_id == me)
            ).all()
        )

    assert _save(engine, workspace_id, segment_id, me, {factor_ids[0]: 5, factor_ids[1]: None, factor_ids[2]: 4}) == 2

    stored = _stored(engine, segment_id)
    assert stored[me] == {factor_ids[0]: 5, factor_ids[2]: 4}
    assert stored[other] == dict.fromkeys(factor_ids, 3)
    assert count(engine, StrengthRating) == 7
    with read_session(engine) as session:
        kept = session.exec(
            select(StrengthRating.id).where(
                StrengthRating.segment_factor_id == factor_ids[0], StrengthRating.participant_id == me
            )
        ).one()
    assert kept == ids_before[factor_ids[0]]  # updated in place, not deleted and inserted again
    # Clearing what is not there, and sending nothing, write nothing.
    assert _save(engine, workspace_id, segment_id, me, {factor_ids[1]: None}) == 0
    assert _save(engine, workspace_id, segment_id, me, {}) == 0
    assert _stored(engine, segment_id)[me] == {factor_ids[0]: 5, factor_ids[2]: 4}


def test_a_rating_touches_the_workspace_but_leaves_its_version(engine, monkeypatch):
    workspace_id, segment_id, factor_ids, participant_ids = _workshop(engine)

    def stored() -> tuple[datetime, int]:
        with read_session(engine) as session:
            row = session.get(Workspace, workspace_id)
            return as_utc(row.updated_at), row.version

    before = stored()
    moment = datetime(2026, 12, 1, 10, 15, tzinfo=UTC)
    monkeypatch.setattr(clock, "now", lambda: moment)
    _save(engine, workspace_id, segment_id, participant_ids[0], {factor_ids[0]: 4})
    assert stored() == (moment, before[1]) != before
    with read_session(engine) as session:
        assert as_utc(session.exec(select(StrengthRating.updated_at)).one()) == moment


def test_a_rating_does_not_wait_for_a_writer_holding_the_workspace(engine):
    """On PostgreSQL a participant's save goes through while another write to the workspace holds
    its row lock (an import, a key-factor edit); that writer touches the workspace when it ends. (On
    SQLite one writer at a time is the database's own rule.)"""
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite lets one writer in at a time")
    workspace_id, segment_id, factor_ids, participant_ids = _workshop(engine)
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with unit_of_work(engine) as session, writing(session, workspace_id):
            held.set()
            release.wait(timeout=30)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert held.wait(timeout=30)
        saved: list[int] = []
        rater = threading.Thread(
            target=lambda: saved.append(_save(engine, workspace_id, segment_id, participant_ids[0], {factor_ids[0]: 2}))
        )
        rater.start()
        rater.join(timeout=20)
        assert not rater.is_alive(), "the rating waited for the workspace lock"
        assert saved == [1]
        assert _stored(engine, segment_id) == {participant_ids[0]: {factor_ids[0]: 2}}
    finally:
        release.set()
        holder.join(timeout=30)
