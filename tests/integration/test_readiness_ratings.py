"""Readiness-check services on SQLite and PostgreSQL: statements, ratings, the summary, two raters at once."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from crmstrategy.analysis.insights import list_themes
from crmstrategy.analysis.models import DEFAULT_THEMES, ReadinessRating, ReadinessRatingIn, ReadinessStatement
from crmstrategy.analysis.participants import create_participant, list_participants
from crmstrategy.analysis.readiness import STANDARD_STATEMENTS
from crmstrategy.analysis.readiness_ratings import (
    add_statement,
    delete_statement,
    list_statements,
    ratings_of,
    readiness_summary,
    save_ratings,
)
from crmstrategy.core.db import read_session, unit_of_work
from crmstrategy.core.errors import Problem, ValidationProblem
from crmstrategy.workspace.workspace_file import DEMO_PATH
from crmstrategy.workspace.workspaces import create_workspace
from tests.integration.support import count, new_workspace, run_together
from tests.support import refusal_of


@pytest.fixture
def ws(engine) -> dict:
    workspace = new_workspace(engine, "Acme")
    with unit_of_work(engine) as session:
        tor = create_participant(session=session, workspace_id=workspace, data={"name": "Tor"}).id
        hanne = create_participant(session=session, workspace_id=workspace, data={"name": "Hanne"}).id
    with read_session(engine) as session:
        statements = [s.id for s in list_statements(session=session, workspace_id=workspace)]
    return {"id": workspace, "tor": tor, "hanne": hanne, "statements": statements}


def _save(engine, ws, participant, ratings) -> int:
    with unit_of_work(engine) as session:
        return save_ratings(session=session, workspace_id=ws["id"], participant_id=ws[participant], ratings=ratings)


def _ratings(engine, ws, participant) -> dict[int, tuple]:
    with read_session(engine) as session:
        found = ratings_of(session=session, workspace_id=ws["id"], participant_id=ws[participant])
    return {sid: (r.score, r.note) for sid, r in found.items()}


def _statements(engine, workspace_id):
    with read_session(engine) as session:
        return list_statements(session=session, workspace_id=workspace_id)


# --- a new workspace -------------------------------------------------------------------


def test_a_new_workspace_has_the_seven_standard_statements_and_the_default_themes(engine):
    with unit_of_work(engine) as session:
        workspace_id = create_workspace(session=session, data={"name": "Fresh"}).id
    statements = _statements(engine, workspace_id)
    assert [(s.key, s.text, s.why) for s in statements] == list(STANDARD_STATEMENTS)
    assert [s.position for s in statements] == list(range(7))
    assert all(s.why for s in statements)
    with read_session(engine) as session:
        assert list_themes(session=session, workspace_id=workspace_id) == list(DEFAULT_THEMES)


def test_every_workspace_gets_its_own_statements(engine):
    a, b = new_workspace(engine, "A"), new_workspace(engine, "B")
    assert count(engine, ReadinessStatement, workspace_id=a) == 7
    assert count(engine, ReadinessStatement, workspace_id=b) == 7
    assert not {s.id for s in _statements(engine, a)} & {s.id for s in _statements(engine, b)}


# --- saving ratings --------------------------------------------------------------------


def test_save_ratings_inserts(engine, ws):
    first, second = ws["statements"][:2]
    saved = _save(
        engine,
        ws,
        "tor",
        [
            {"statement_id": first, "score": 2, "note": "  No owner yet "},
            ReadinessRatingIn(statement_id=second, score=5),
        ],
    )
    assert saved == 2
    assert _ratings(engine, ws, "tor") == {first: (2, "No owner yet"), second: (5, "")}
    assert _ratings(engine, ws, "hanne") == {}
    assert count(engine, ReadinessRating) == 2


def test_saving_again_updates_instead_of_adding(engine, ws):
    first, second = ws["statements"][:2]
    _save(engine, ws, "tor", [{"statement_id": first, "score": 2, "note": "Old"}, {"statement_id": second, "score": 3}])
    _save(engine, ws, "tor", [{"statement_id": first, "score": 4, "note": "Better now"}])
    assert _ratings(engine, ws, "tor") == {first: (4, "Better now"), second: (3, "")}
    assert count(engine, ReadinessRating) == 2


def test_a_score_of_none_clears_the_rating(engine, ws):
    first, second = ws["statements"][:2]
    _save(engine, ws, "tor", [{"statement_id": first, "score": 2}, {"statement_id": second, "score": 3}])
    _save(engine, ws, "hanne", [{"statement_id": first, "score": 4}])
    saved = _save(engine, ws, "tor", [{"statement_id": first, "score": None}, {"statement_id": second, "score": ""}])
    assert saved == 0
    assert _ratings(engine, ws, "tor") == {}
    assert _ratings(engine, ws, "hanne") == {first: (4, "")}
    assert count(engine, ReadinessRating) == 1


def test_clearing_a_rating_that_does_not_exist_writes_nothing(engine, ws):
    assert _save(engine, ws, "tor", [{"statement_id": ws["statements"][0], "score": None}]) == 0
    assert count(engine, ReadinessRating) == 0


def test_a_note_without_a_score_is_refused_and_nothing_written(engine, ws):
    first, second = ws["statements"][:2]
    _save(engine, ws, "tor", [{"statement_id": first, "score": 2, "note": "Kept"}])
    refusal = refusal_of(
        engine,
        save_ratings,
        workspace_id=ws["id"],
        participant_id=ws["tor"],
        ratings=[
            {"statement_id": second, "score": 4},
            {"statement_id": first, "score": None, "note": "Why I removed my score"},
        ],
    )
    assert refusal.problems == [Problem(STANDARD_STATEMENTS[0][1], "Give a score from 1 to 5 with the note.")]
    assert _ratings(engine, ws, "tor") == {first: (2, "Kept")}


@pytest.mark.parametrize("score", [0, 6, 2.5, "x"])
def test_a_score_outside_1_to_5_or_not_whole_is_refused(engine, ws, score):
    refusal = refusal_of(
        engine,
        save_ratings,
        workspace_id=ws["id"],
        participant_id=ws["tor"],
        ratings=[
            {"statement_id": ws["statements"][1], "score": 3},
            {"statement_id": ws["statements"][0], "score": score},
        ],
    )
    assert [p.field for p in refusal.problems] == ["Score"]
    assert "whole number from 1 to 5" in refusal.problems[0].message
    assert count(engine, ReadinessRating) == 0


def test_two_scores_for_one_statement_in_one_save_are_refused_saying_so(engine, ws):
    first = ws["statements"][0]
    refusal = refusal_of(
        engine,
        save_ratings,
        workspace_id=ws["id"],
        participant_id=ws["tor"],
        ratings=[{"statement_id": first, "score": 2}, {"statement_id": first, "score": 4}],
    )
    assert refusal.problems == [Problem(STANDARD_STATEMENTS[0][1], "Give one score per statement.")]
    assert count(engine, ReadinessRating) == 0


def test_every_bad_rating_is_reportedrun_together(engine, ws):
    refusal = refusal_of(
        engine,
        save_ratings,
        workspace_id=ws["id"],
        participant_id=ws["tor"],
        ratings=[
            {"statement_id": ws["statements"][0], "score": 9},
            {"statement_id": 999_999, "score": 3},
            {"statement_id": ws["statements"][2], "note": "No score"},
        ],
    )
    assert len(refusal.problems) == 3
    assert count(engine, ReadinessRating) == 0


def test_a_statement_of_another_workspace_is_refused(engine, ws):
    other = new_workspace(engine, "Other")
    foreign = _statements(engine, other)[0].id
    refusal = refusal_of(
        engine,
        save_ratings,
        workspace_id=ws["id"],
        participant_id=ws["tor"],
        ratings=[{"statement_id": ws["statements"][0], "score": 3}, {"statement_id": foreign, "score": 3}],
    )
    assert refusal.problems == [Problem("Statement", "That statement is not part of this workspace's check.")]
    assert count(engine, ReadinessRating) == 0


def test_a_participant_of_another_workspace_is_refused(engine, ws):
    other = new_workspace(engine, "Other")
    with unit_of_work(engine) as session:
        stranger = create_participant(session=session, workspace_id=other, data={"name": "Stranger"}).id
    refusal = refusal_of(
        engine,
        save_ratings,
        workspace_id=ws["id"],
        participant_id=stranger,
        ratings=[{"statement_id": ws["statements"][0], "score": 3}],
    )
    assert "That participant does not exist in this workspace" in str(refusal)
    assert count(engine, ReadinessRating) == 0
    with pytest.raises(ValidationProblem, match="does not exist in this workspace"):
        with read_session(engine) as session:
            ratings_of(session=session, workspace_id=ws["id"], participant_id=stranger)


# --- statements ------------------------------------------------------------------------


def test_add_statement_appends_an_own_statement(engine, ws):
    with unit_of_work(engine) as session:
        added = add_statement(
            session=session,
            workspace_id=ws["id"],
            data={"text": "  Field sales log visits the same day. ", "why": "Fresh data."},
        )
    statements = _statements(engine, ws["id"])
    assert statements[-1] == added
    assert (added.text, added.why, added.key, added.position) == (
        "Field sales log visits the same day.",
        "Fresh data.",
        None,
        7,
    )
    assert len(statements) == 8


@pytest.mark.parametrize("text", ["CRM has a named owner after launch.", "crm HAS A NAMED OWNER AFTER LAUNCH."])
def test_a_duplicate_statement_is_refused_ignoring_case(engine, ws, text):
    refusal = refusal_of(engine, add_statement, workspace_id=ws["id"], data={"text": text})
    assert refusal.problems == [Problem("Statement", "That statement is already in the check.")]
    assert count(engine, ReadinessStatement, workspace_id=ws["id"]) == 7


@pytest.mark.parametrize("text", ["", "   ", None])
def test_an_empty_statement_is_refused(engine, ws, text):
    refusal = refusal_of(engine, add_statement, workspace_id=ws["id"], data={"text": text})
    assert [p.field for p in refusal.problems] == ["Statement"]
    assert count(engine, ReadinessStatement, workspace_id=ws["id"]) == 7


def test_a_standard_statement_cannot_be_deleted(engine, ws):
    _save(engine, ws, "tor", [{"statement_id": ws["statements"][0], "score": 1}])
    refusal = refusal_of(engine, delete_statement, workspace_id=ws["id"], statement_id=ws["statements"][0])
    assert "standard statements of the check cannot be deleted" in str(refusal)
    assert count(engine, ReadinessStatement, workspace_id=ws["id"]) == 7
    assert count(engine, ReadinessRating) == 1


def test_an_own_statement_is_deleted_with_its_ratings(engine, ws):
    with unit_of_work(engine) as session:
        own = add_statement(session=session, workspace_id=ws["id"], data={"text": "Our own statement."}).id
    _save(engine, ws, "tor", [{"statement_id": own, "score": 2}, {"statement_id": ws["statements"][0], "score": 4}])
    _save(engine, ws, "hanne", [{"statement_id": own, "score": 3}])
    with unit_of_work(engine) as session:
        assert delete_statement(session=session, workspace_id=ws["id"], statement_id=own) == "Our own statement."
    assert [s.key for s in _statements(engine, ws["id"])] == [key for key, _, _ in STANDARD_STATEMENTS]
    assert count(engine, ReadinessRating) == 1
    assert _ratings(engine, ws, "tor") == {ws["statements"][0]: (4, "")}


def test_a_statement_of_another_workspace_cannot_be_deleted_through_this_one(engine, ws):
    other = new_workspace(engine, "Other")
    with unit_of_work(engine) as session:
        own = add_statement(session=session, workspace_id=other, data={"text": "Their statement."}).id
    refusal_of(engine, delete_statement, workspace_id=ws["id"], statement_id=own)
    assert count(engine, ReadinessStatement, workspace_id=other) == 8


# --- the summary -----------------------------------------------------------------------


def test_summary_of_a_small_check(engine, ws):
    first, second = ws["statements"][:2]
    _save(engine, ws, "tor", [{"statement_id": first, "score": 1}, {"statement_id": second, "score": 4}])
    _save(engine, ws, "hanne", [{"statement_id": first, "score": 5, "note": "We have a sponsor"}])
    with read_session(engine) as session:
        summary = readiness_summary(session=session, workspace_id=ws["id"])
    # Statement 1: [1, 5] -> mean 3, spread 2; statement 2: [4]; overall (3 + 4) / 2 = 3.5.
    weakest = summary.statements[0]
    assert (weakest.statement_id, weakest.mean, weakest.spread, weakest.low, weakest.high) == (first, 3, 2.0, 1, 5)
    assert weakest.notes == ["We have a sponsor"]
    assert summary.statements[1].statement_id == second
    assert summary.overall == 3.5
    assert [s.count for s in summary.statements[2:]] == [0] * 5
    assert [s.statement_id for s in summary.statements[2:]] == ws["statements"][2:]


def test_summary_of_the_demo_workspace_matches_the_file(engine, demo_workspace_id):
    demo = json.loads(DEMO_PATH.read_text(encoding="utf-8"))
    means = {}
    for statement in demo["readiness"]:
        scores = [rating["score"] for rating in statement["ratings"]]
        means[statement["key"]] = sum(scores) / len(scores)
    overall = sum(means.values()) / len(means)
    # By hand: 3.75 + 3.75 + 1.5 + 1.75 + 3.5 + 3.25 + 2.5 = 20, / 7 = 2.857 -> (1.857 / 4) * 100 = 46.4 -> 46.
    assert round((overall - 1) / 4 * 100) == 46

    with read_session(engine) as session:
        summary = readiness_summary(session=session, workspace_id=demo_workspace_id)
        statements = {s.id: s.key for s in list_statements(session=session, workspace_id=demo_workspace_id)}
        participants = list_participants(session=session, workspace_id=demo_workspace_id)
    assert summary.overall_percent == 46
    assert summary.overall == pytest.approx(overall)
    assert {statements[s.statement_id]: s.mean for s in summary.statements} == pytest.approx(means)
    assert [statements[s.statement_id] for s in summary.statements] == [
        "line_to_top",
        "data_quality",
        "owner_after_launch",
        "user_value",
        "departments",
        "top_management",
        "business_goals",
    ]
    assert [statements[s.statement_id] for s in summary.weak_points] == [
        "line_to_top",
        "data_quality",
        "owner_after_launch",
        "user_value",
    ]
    assert sum(s.count for s in summary.statements) == sum(len(s["ratings"]) for s in demo["readiness"])
    assert len(participants) == len(demo["participants"])


# --- two raters at once ----------------------------------------------------------------


def test_two_participants_rating_the_same_statement_at_once_are_both_kept(engine, ws):
    statement = ws["statements"][3]

    def rate(participant, score):
        return lambda: _save(
            engine,
            ws,
            participant,
            [{"statement_id": statement, "score": score, "note": f"{participant} says {score}"}],
        )

    assert run_together([rate("tor", 2), rate("hanne", 5)]) == []
    assert _ratings(engine, ws, "tor") == {statement: (2, "tor says 2")}
    assert _ratings(engine, ws, "hanne") == {statement: (5, "hanne says 5")}
    with read_session(engine) as session:
        [summary] = [
            s
            for s in readiness_summary(session=session, workspace_id=ws["id"]).statements
            if s.statement_id == statement
        ]
    assert sorted(summary.scores) == [2, 5]


def test_one_participant_saving_from_two_tabs_at_once_keeps_one_rating(engine, ws):
    statement = ws["statements"][0]
    jobs = [
        lambda score=score: _save(engine, ws, "tor", [{"statement_id": statement, "score": score}]) for score in (2, 4)
    ]
    assert run_together(jobs) == []
    assert count(engine, ReadinessRating) == 1
    assert _ratings(engine, ws, "tor")[statement][0] in (2, 4)


def test_thirty_participants_rating_every_statement_at_once_lose_nothing(engine, ws):
    """A full room: thirty save all seven statements at once (each participant's own rows, upserted),
    then the even-numbered ones at once change a score and a note and clear another statement."""
    with unit_of_work(engine) as session:
        people = [
            create_participant(session=session, workspace_id=ws["id"], data={"name": f"Participant {n:02d}"}).id
            for n in range(30)
        ]
    statements = ws["statements"]
    assert len(statements) == 7
    first = {
        p: {s: ((n + 2 * k) % 5 + 1, f"P{n} on {k}" if (n + k) % 3 == 0 else "") for k, s in enumerate(statements)}
        for n, p in enumerate(people)
    }

    def save(p: int, ratings: dict[int, tuple[int | None, str]]):
        def job():
            with unit_of_work(engine) as session:
                save_ratings(
                    session=session,
                    workspace_id=ws["id"],
                    participant_id=p,
                    ratings=[{"statement_id": s, "score": score, "note": note} for s, (score, note) in ratings.items()],
                )

        return job

    def stored() -> dict[int, dict[int, tuple[int, str]]]:
        found: dict[int, dict[int, tuple[int, str]]] = {}
        with read_session(engine) as session:
            for r in session.exec(select(ReadinessRating)).all():
                found.setdefault(r.participant_id, {})[r.statement_id] = (r.score, r.note)
        return found

    assert run_together([save(p, first[p]) for p in people]) == []
    assert count(engine, ReadinessRating) == 30 * 7 == 210
    assert stored() == first

    expected = {p: dict(ratings) for p, ratings in first.items()}
    changes = {}
    for n, p in enumerate(people[::2]):
        changed, cleared = statements[n % 7], statements[(n + 1) % 7]
        changes[p] = {changed: (first[p][changed][0] % 5 + 1, "Changed my mind"), cleared: (None, "")}
        expected[p][changed] = (first[p][changed][0] % 5 + 1, "Changed my mind")
        del expected[p][cleared]
    assert run_together([save(p, ratings) for p, ratings in changes.items()]) == []
    assert count(engine, ReadinessRating) == 210 - 15 == 195
    assert stored() == expected
    with read_session(engine) as session:
        summary = readiness_summary(session=session, workspace_id=ws["id"])
    for item in summary.statements:
        assert sorted(item.scores) == sorted(
            r[item.statement_id][0] for r in expected.values() if item.statement_id in r
        )
