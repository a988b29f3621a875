"""The readiness summary: means, spread and range per statement, the overall score, weakest first."""

from __future__ import annotations

import importlib.util

import pytest

from crmstrategy.analysis.readiness import STANDARD_STATEMENTS, Rating, summarise
from crmstrategy.core.db import MIGRATIONS_DIR


def _statements(n: int) -> list[tuple[int, str, str]]:
    return [(sid, f"Statement {sid}", f"Why {sid}") for sid in range(1, n + 1)]


def _ratings(scores_by_statement: dict[int, list[int]]) -> list[Rating]:
    return [
        Rating(sid, participant, score)
        for sid, scores in scores_by_statement.items()
        for participant, score in enumerate(scores, start=1)
    ]


def _one(scores: list[int]):
    [summary] = summarise(_statements(1), _ratings({1: scores})).statements
    return summary


# --- the standard statements -----------------------------------------------------------


def test_there_are_seven_standard_statements_each_with_a_key_text_and_why():
    assert len(STANDARD_STATEMENTS) == 7
    keys = [key for key, _, _ in STANDARD_STATEMENTS]
    assert len(set(keys)) == 7
    assert keys[0] == "top_management" and keys[-1] == "owner_after_launch"
    for key, text, why in STANDARD_STATEMENTS:
        assert key and text.endswith(".") and len(why) > 40, key
    assert len({text.lower() for _, text, _ in STANDARD_STATEMENTS}) == 7


def test_the_migrations_frozen_statements_match_the_catalogue():
    """Migration 0003 seeds a copy; list_statements finds the "why" by key, so keys and texts must agree."""
    path = MIGRATIONS_DIR / "versions" / "0003_insights_readiness.py"
    spec = importlib.util.spec_from_file_location("migration_0003", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert list(module.STANDARD_STATEMENTS) == [(key, text) for key, text, _ in STANDARD_STATEMENTS]


# --- one statement ---------------------------------------------------------------------


def test_mean_spread_and_range_of_two_opposite_scores():
    summary = _one([1, 5])
    assert summary.count == 2
    assert summary.mean == 3
    assert summary.spread == 2.0
    assert (summary.low, summary.high) == (1, 5)


def test_population_standard_deviation_on_hand_computed_scores():
    summary = _one([1, 2, 3, 4, 5])  # mean 3, deviations 4+1+0+1+4 = 10, 10/5 = 2 -> sqrt(2)
    assert summary.mean == 3
    assert summary.spread == pytest.approx(2**0.5)
    summary = _one([2, 4, 4, 4])  # mean 3.5, deviations 2.25+0.25*3 = 3, 3/4 = 0.75 -> sqrt(0.75)
    assert summary.mean == 3.5
    assert summary.spread == pytest.approx(0.75**0.5)
    assert (summary.low, summary.high) == (2, 4)


def test_a_single_rating_has_no_spread():
    summary = _one([4])
    assert (summary.mean, summary.spread, summary.low, summary.high) == (4, 0.0, 4, 4)


def test_everyone_agreeing_has_no_spread():
    assert _one([3, 3, 3]).spread == 0.0


def test_an_unrated_statement_has_no_numbers():
    summary = _one([])
    assert (summary.count, summary.mean, summary.spread, summary.low, summary.high) == (0, None, None, None, None)
    assert summary.level == "not rated"


def test_only_non_empty_notes_are_kept():
    ratings = [Rating(1, 1, 2, "No owner after launch"), Rating(1, 2, 4, ""), Rating(1, 3, 3, "Depends")]
    [summary] = summarise(_statements(1), ratings).statements
    assert summary.notes == ["No owner after launch", "Depends"]
    assert summary.scores == [2, 4, 3]


@pytest.mark.parametrize(
    "scores, level",
    [
        ([1], "weak"),
        ([2, 2, 3], "weak"),  # 2.33
        ([2, 3], "needs attention"),  # exactly 2.5: no longer weak
        ([3, 3, 4], "needs attention"),  # 3.33
        ([3, 4], "in place"),  # exactly 3.5: in place
        ([5], "in place"),
    ],
)
def test_levels_at_the_boundaries(scores, level):
    assert _one(scores).level == level


def test_ratings_of_statements_not_in_the_list_are_ignored():
    summary = summarise(_statements(1), [Rating(1, 1, 4), Rating(99, 1, 1)])
    assert [s.statement_id for s in summary.statements] == [1]
    assert summary.statements[0].scores == [4]
    assert summary.overall == 4


# --- several statements ----------------------------------------------------------------


def test_weakest_first_ties_in_the_statements_own_order_unrated_last():
    statements = [(sid, f"S{sid}", "") for sid in (30, 10, 20, 40, 50, 60)]  # own order is not id order
    ratings = _ratings({10: [2, 2], 20: [4], 30: [2], 50: [1, 5], 60: [3]})
    # Means: 30 -> 2, 10 -> 2, 20 -> 4, 40 -> unrated, 50 -> 3, 60 -> 3.
    order = [s.statement_id for s in summarise(statements, ratings).statements]
    assert order == [30, 10, 50, 60, 20, 40]


def test_several_unrated_statements_keep_their_own_order_at_the_end():
    statements = [(sid, f"S{sid}", "") for sid in (5, 3, 4, 1)]
    order = [s.statement_id for s in summarise(statements, _ratings({4: [5]})).statements]
    assert order == [4, 5, 3, 1]


def test_overall_is_the_mean_of_statement_means_not_of_all_ratings():
    # Statement 1: three people say 1; statement 2: one person says 5.
    # Mean of all ratings would be (1+1+1+5)/4 = 2; the mean of the means is (1+5)/2 = 3.
    summary = summarise(_statements(2), _ratings({1: [1, 1, 1], 2: [5]}))
    assert summary.overall == 3
    assert summary.overall_percent == 50


def test_unrated_statements_do_not_pull_the_overall_down():
    summary = summarise(_statements(3), _ratings({1: [4], 2: [2]}))
    assert summary.overall == 3
    assert [s.statement_id for s in summary.rated] == [2, 1]


@pytest.mark.parametrize("scores, percent", [([1], 0), ([5], 100), ([3], 50), ([2], 25), ([4], 75), ([1, 1, 2], 8)])
def test_overall_percent_maps_1_to_0_and_5_to_100(scores, percent):
    # [1, 1, 2] -> overall 4/3 -> (1/3) / 4 = 8.33 % -> 8
    assert summarise(_statements(1), _ratings({1: scores})).overall_percent == percent


def test_nothing_rated_gives_no_overall():
    summary = summarise(_statements(3), [])
    assert summary.overall is None
    assert summary.overall_percent is None
    assert summary.rated == [] and summary.weak_points == []
    assert [s.statement_id for s in summary.statements] == [1, 2, 3]


def test_weak_points_are_the_weak_and_needs_attention_statements_weakest_first():
    ratings = _ratings({1: [4, 4], 2: [2, 3], 3: [1, 2], 4: [3, 4], 5: [3]})
    # Means: 1 -> 4 in place, 2 -> 2.5 attention, 3 -> 1.5 weak, 4 -> 3.5 in place, 5 -> 3 attention, 6 unrated.
    summary = summarise(_statements(6), ratings)
    assert [(s.statement_id, s.level) for s in summary.weak_points] == [
        (3, "weak"),
        (2, "needs attention"),
        (5, "needs attention"),
    ]
    assert summary.statements[-1].statement_id == 6
