"""The strength and attractiveness arithmetic (crmstrategy.analysis.scores) against hand-computed cases."""

from __future__ import annotations

import math

import pytest

from crmstrategy.analysis.scores import (
    DISAGREEMENT_RANGE,
    NOTHING_TO_RANK,
    RatingStats,
    ScoreError,
    SegmentFigures,
    ability_score,
    attractiveness_scores,
    discuss_first,
    effective_strength,
    factor_count_advice,
    nothing_to_rank,
    quadrant,
    ranking,
    sensitivity,
    weight_shares,
)

EVEN = {"size": 30.0, "potential": 40.0, "growth": 30.0}


# --- weight shares ---------------------------------------------------------------------


def test_weight_shares_that_already_sum_to_100_are_unchanged():
    # 30 + 25 + 20 + 15 + 10 = 100, so each share is the weight itself.
    assert weight_shares([30, 25, 20, 15, 10]) == pytest.approx([30, 25, 20, 15, 10])


def test_weight_shares_of_small_numbers():
    # 1 + 1 + 2 = 4 -> 1/4 = 25 %, 1/4 = 25 %, 2/4 = 50 %.
    assert weight_shares([1, 1, 2]) == pytest.approx([25, 25, 50])


def test_weight_shares_with_a_zero_among_others():
    # 0 + 3 = 3 -> 0 %, 100 %.
    assert weight_shares([0, 3]) == pytest.approx([0, 100])


@pytest.mark.parametrize("weights", [[0, 0, 0], [0], []], ids=["all zero", "one zero", "none"])
def test_weight_shares_refuse_nothing_to_share(weights):
    with pytest.raises(ScoreError, match="above zero"):
        weight_shares(weights)


def test_weight_shares_refuse_a_negative_weight_even_when_the_sum_is_positive():
    # 5 + (-1) = 4 > 0, but a negative weight has no meaning.
    with pytest.raises(ScoreError, match="negative"):
        weight_shares([5, -1])


def test_score_error_is_a_value_error():
    assert issubclass(ScoreError, ValueError)


# --- ability ---------------------------------------------------------------------------


def test_ability_worked_example():
    # Strength 5 -> (5-1)/4 = 1, strength 2 -> (2-1)/4 = 0.25.
    # (2*1 + 1*0.25) / (2+1) * 100 = 2.25 / 3 * 100 = 75.
    assert ability_score([(2, 5), (1, 2)]) == pytest.approx(75)


def test_ability_ends_of_the_scale():
    # Strength 1 -> 0/4 = 0; strength 5 -> 4/4 = 1 (100); strength 3 -> 2/4 = 0.5 (50).
    assert ability_score([(10, 1), (3, 1)]) == 0
    assert ability_score([(10, 5), (3, 5)]) == pytest.approx(100)
    assert ability_score([(7, 3)]) == pytest.approx(50)


def test_ability_with_shares_of_100():
    # (30*(4-1)/4 + 25*(3-1)/4 + 20*(1-1)/4 + 15*(5-1)/4 + 10*(2-1)/4) / 100 * 100
    # = 22.5 + 12.5 + 0 + 15 + 2.5 = 52.5.
    assert ability_score([(30, 4), (25, 3), (20, 1), (15, 5), (10, 2)]) == pytest.approx(52.5)


def test_ability_leaves_an_unrated_factor_out_of_both_sums():
    # Only (2, 5) counts: 2*1 / 2 * 100 = 100, not 2*1 / 3 * 100 = 66.7.
    assert ability_score([(2, 5), (1, None)]) == pytest.approx(100)
    # Only (1, 2) counts: 1*0.25 / 1 * 100 = 25.
    assert ability_score([(4, None), (1, 2)]) == pytest.approx(25)


@pytest.mark.parametrize(
    "factors",
    [[], [(2, None), (1, None)], [(0, 4)]],
    ids=["no factors", "nothing rated", "rated only with weight zero"],
)
def test_ability_of_nothing_rated_is_none(factors):
    assert ability_score(factors) is None


# --- rating statistics -----------------------------------------------------------------


def test_rating_stats_of_five_ratings():
    stats = RatingStats((5, 4, 1, 4, 2))
    assert stats.count == 5
    # (5+4+1+4+2) / 5 = 16 / 5 = 3.2
    assert stats.mean == pytest.approx(3.2)
    # sorted 1, 2, 4, 4, 5 -> the middle is 4
    assert stats.median == 4
    # deviations from 3.2: 1.8, 0.8, -2.2, 0.8, -1.2; squares 3.24 + 0.64 + 4.84 + 0.64 + 1.44 = 10.8;
    # / 5 = 2.16 (population); sqrt(2.16) = 1.4697
    assert stats.spread == pytest.approx(math.sqrt(2.16))
    assert stats.spread == pytest.approx(1.4697, abs=1e-4)
    assert (stats.low, stats.high) == (1, 5)
    # the median 4 is already whole
    assert stats.default_agreed == 4


@pytest.mark.parametrize(
    "scores, median, agreed",
    [
        ((2, 3), 2.5, 3),  # (2+3)/2 = 2.5 -> half up 3 (round() would give 2)
        ((5, 4), 4.5, 5),  # (4+5)/2 = 4.5 -> half up 5 (round() would give 4)
        ((1, 2, 3, 4), 2.5, 3),  # middle two 2 and 3 -> 2.5 -> 3
        ((1, 1, 5, 5), 3.0, 3),  # middle two 1 and 5 -> 3, already whole
        ((1, 2, 2, 5), 2.0, 2),  # middle two 2 and 2 -> 2
    ],
)
def test_default_agreed_is_the_median_rounded_half_up(scores, median, agreed):
    stats = RatingStats(scores)
    assert stats.median == median
    assert stats.default_agreed == agreed


def test_one_rating_has_no_spread():
    stats = RatingStats((3,))
    assert (stats.mean, stats.median, stats.spread, stats.low, stats.high, stats.default_agreed) == (3, 3, 0, 3, 3, 3)


def test_empty_stats_are_none_everywhere():
    stats = RatingStats(())
    assert stats.count == 0
    assert (stats.mean, stats.median, stats.spread, stats.low, stats.high, stats.default_agreed) == (None,) * 6


def test_effective_strength_prefers_the_agreed_value():
    stats = RatingStats((5, 4, 1, 4, 2))  # median 4
    assert effective_strength(2, stats) == 2
    assert effective_strength(None, stats) == 4
    assert effective_strength(None, RatingStats(())) is None
    assert effective_strength(5, RatingStats(())) == 5


def test_hidden_ratings_do_not_show_through_the_strength():
    stats = RatingStats((5, 4, 1, 4, 2))
    assert effective_strength(None, stats, revealed=False) is None
    assert effective_strength(3, stats, revealed=False) == 3  # an agreed value counts either way
    assert effective_strength(None, stats, revealed=True) == 4


# --- discuss first ---------------------------------------------------------------------


def _disagreement_stats() -> dict[int, RatingStats]:
    return {
        1: RatingStats((1, 5)),  # spread |5-1|/2 = 2.0, range 4
        2: RatingStats((2, 4, 2, 4)),  # mean 3, every deviation 1 -> spread 1.0, range 2
        3: RatingStats((3, 4, 3, 4)),  # range 1: one point apart, not a disagreement
        4: RatingStats((5,)),  # one rating: nothing to disagree with
        5: RatingStats((1, 3, 5)),  # mean 3, squares 4+0+4 = 8, /3 -> sqrt(2.667) = 1.633, range 4
        6: RatingStats((2, 2, 2, 4)),  # mean 2.5, squares 0.25*3 + 2.25 = 3, /4 -> sqrt(0.75) = 0.866, range 2
        7: RatingStats((1, 5, 3, 3, 3, 3, 3, 3)),  # mean 3, squares 4+4 = 8, /8 = 1 -> spread 1.0 (as 2), range 4
        8: RatingStats((3, 3, 3)),  # full agreement
        9: RatingStats(()),  # nobody rated
    }


def test_discuss_first_orders_by_spread_then_range_and_leaves_out_small_differences():
    # Spreads: 1 -> 2.0, 5 -> 1.633, 7 -> 1.0 (range 4), 2 -> 1.0 (range 2), 6 -> 0.866.
    assert discuss_first(_disagreement_stats()) == [1, 5, 7, 2, 6]


def test_discuss_first_keeps_at_most_the_limit():
    assert discuss_first(_disagreement_stats(), limit=3) == [1, 5, 7]


def test_discuss_first_is_empty_when_everyone_is_within_one_point():
    assert DISAGREEMENT_RANGE == 2
    stats = {1: RatingStats((3, 4, 4, 3)), 2: RatingStats((1,)), 3: RatingStats((5, 5)), 4: RatingStats(())}
    assert discuss_first(stats) == []


# --- attractiveness --------------------------------------------------------------------


def test_attractiveness_worked_example_for_three_segments():
    segments = [
        SegmentFigures(1, revenue=100, potential=50, growth=10),
        SegmentFigures(2, revenue=200, potential=50, growth=None),
        SegmentFigures(3, revenue=300, potential=150, growth=0),
    ]
    # size 100..300: 0, 0.5, 1; potential 50..150: 0, 0, 1; growth 0..10 (known): 1, missing -> 0, 0.
    # 1: 30*0 + 40*0 + 30*1 = 30
    # 2: 30*0.5 + 40*0 + 30*0 = 15
    # 3: 30*1 + 40*1 + 30*0 = 70
    assert attractiveness_scores(segments, EVEN) == pytest.approx({1: 30, 2: 15, 3: 70})


def test_attractiveness_uses_weight_shares_not_raw_weights():
    segments = [SegmentFigures(1, 0, 0, 0), SegmentFigures(2, 10, 20, 30)]
    # Weights 1, 1, 2 -> shares 25, 25, 50. Segment 2 is highest everywhere: 25 + 25 + 50 = 100;
    # segment 1 lowest everywhere: 0.
    assert attractiveness_scores(segments, {"size": 1, "potential": 1, "growth": 2}) == pytest.approx({1: 0, 2: 100})
    # Only potential weighs: segment 2 -> 100 * 1 = 100.
    assert attractiveness_scores(segments, {"size": 0, "potential": 5, "growth": 0}) == pytest.approx({1: 0, 2: 100})


@pytest.mark.parametrize(
    "weights", [EVEN, {"size": 1, "potential": 0, "growth": 0}, {"size": 10, "potential": 70, "growth": 5}]
)
def test_attractiveness_of_equal_segments_is_50_with_any_weights(weights):
    segments = [SegmentFigures(n, revenue=500, potential=800, growth=3) for n in (1, 2, 3)]
    # Every criterion all equal -> 0.5 each; shares sum to 100 -> 0.5 * 100 = 50.
    assert attractiveness_scores(segments, weights) == pytest.approx({1: 50, 2: 50, 3: 50})


def test_a_missing_figure_counts_as_the_lowest():
    segments = [
        SegmentFigures(1, revenue=None, potential=10, growth=5),
        SegmentFigures(2, revenue=100, potential=10, growth=5),
        SegmentFigures(3, revenue=50, potential=10, growth=5),
    ]
    # size: known 50..100 -> 1: missing 0, 2: 1, 3: 0 (the lowest known is 0 too); potential and growth
    # all equal -> 0.5. 1: 0 + 40*0.5 + 30*0.5 = 35; 2: 30 + 20 + 15 = 65; 3: 0 + 20 + 15 = 35.
    assert attractiveness_scores(segments, EVEN) == pytest.approx({1: 35, 2: 65, 3: 35})


def test_a_figure_missing_everywhere_counts_as_zero_for_everyone():
    segments = [SegmentFigures(1, 100, 10, None), SegmentFigures(2, 200, 20, None)]
    # growth unknown for both -> 0 each; 1: 0 + 0 + 0 = 0; 2: 30 + 40 + 0 = 70.
    assert attractiveness_scores(segments, EVEN) == pytest.approx({1: 0, 2: 70})


def test_a_single_segment_is_the_middle():
    # One value per criterion: all equal -> 0.5 -> 50.
    assert attractiveness_scores([SegmentFigures(7, 100, 200, 3)], EVEN) == pytest.approx({7: 50})
    # With no figures at all each criterion is missing -> 0.
    assert attractiveness_scores([SegmentFigures(7, None, None, None)], EVEN) == {7: 0}


def test_attractiveness_refuses_all_zero_weights():
    with pytest.raises(ScoreError):
        attractiveness_scores([SegmentFigures(1, 1, 1, 1)], {"size": 0, "potential": 0, "growth": 0})


def test_ranking_is_highest_first_and_ties_keep_the_given_order():
    assert ranking({3: 10.0, 1: 20.0, 2: 10.0, 4: 0.0}) == [1, 3, 2, 4]


# --- sensitivity -----------------------------------------------------------------------


def test_a_20_percent_move_of_one_weight_swaps_two_close_segments():
    segments = [
        SegmentFigures(1, revenue=10, potential=0, growth=5),
        SegmentFigures(2, revenue=0, potential=10, growth=5),
        SegmentFigures(3, revenue=0, potential=0, growth=0),
    ]
    weights = {"size": 30, "potential": 28, "growth": 42}
    # Scaled: 1 -> size 1, potential 0, growth 1; 2 -> 0, 1, 1; 3 -> 0, 0, 0.
    # Base (shares 30/28/42): 1 = 30 + 42 = 72, 2 = 28 + 42 = 70, 3 = 0 -> ranks 1, 2, 3.
    # Size x0.8 = 24 (total 94): 1 = (24 + 42) / 94 = 70.2, 2 = (28 + 42) / 94 = 74.5 -> 2 first.
    assert attractiveness_scores(segments, weights) == pytest.approx({1: 72, 2: 70, 3: 0})
    moved = attractiveness_scores(segments, dict(weights, size=24))
    assert moved == pytest.approx({1: 66 / 94 * 100, 2: 70 / 94 * 100, 3: 0})
    result = sensitivity(segments, weights)
    assert result.base_rank == {1: 1, 2: 2, 3: 3}
    assert result.best_rank == {1: 1, 2: 1, 3: 3}
    assert result.worst_rank == {1: 2, 2: 2, 3: 3}
    assert (result.stable(1), result.stable(2), result.stable(3)) == (False, False, True)


def test_a_clear_ranking_does_not_move():
    segments = [SegmentFigures(1, 5, 5, 5), SegmentFigures(2, 10, 10, 10), SegmentFigures(3, 0, 0, 0)]
    # 2 is highest on everything (100), 1 in the middle (50), 3 lowest (0) under any weights.
    result = sensitivity(segments, EVEN)
    assert result.base_rank == result.best_rank == result.worst_rank == {2: 1, 1: 2, 3: 3}
    assert all(result.stable(sid) for sid in (1, 2, 3))


def test_sensitivity_with_a_zero_weight_keeps_a_clear_order():
    # A zero weight moved by 20 % stays zero; the others still move. Only size weighs here:
    # 1 has the higher revenue, so it stays first whatever happens to size.
    segments = [SegmentFigures(1, 10, 0, 0), SegmentFigures(2, 5, 10, 10)]
    result = sensitivity(segments, {"size": 1, "potential": 0, "growth": 0})
    assert result.base_rank == result.best_rank == result.worst_rank == {1: 1, 2: 2}


# --- the matrix's quadrants and the count advice ---------------------------------------


@pytest.mark.parametrize(
    "ability, attractiveness, expected",
    [
        (50, 50, "Prioritise"),  # exactly on both lines counts as high
        (100, 100, "Prioritise"),
        (49.99, 50, "Build ability"),
        (0, 100, "Build ability"),
        (50, 49.99, "Maintain"),
        (100, 0, "Maintain"),
        (49.99, 49.99, "Deprioritise"),
        (0, 0, "Deprioritise"),
        (None, 80, "Not scored yet"),
        (80, None, "Not scored yet"),
    ],
)
def test_quadrant_boundaries(ability, attractiveness, expected):
    assert quadrant(ability, attractiveness) == expected


def test_factor_count_advice_asks_for_four_to_six():
    assert factor_count_advice(3) == "3 factors: the method suggests 4 to 6 that matter most to these customers."
    assert factor_count_advice(1).startswith("1 factor: ")
    assert factor_count_advice(0).startswith("0 factors: ")
    assert factor_count_advice(4) is None
    assert factor_count_advice(5) is None
    assert factor_count_advice(6) is None
    assert factor_count_advice(7) == "7 factors: keep the 4 to 6 that matter most, or the score blurs."


# --- nothing to rank -----------------------------------------------------------------------------


def test_segments_without_size_potential_or_growth_have_nothing_to_rank():
    bare = [SegmentFigures(1, None, None, None), SegmentFigures(2, None, None, None)]
    assert nothing_to_rank(bare) is True
    assert nothing_to_rank([]) is True
    # One known figure anywhere makes a ranking
    assert nothing_to_rank(bare + [SegmentFigures(3, None, None, 4.0)]) is False
    assert NOTHING_TO_RANK == (
        "Nothing to rank yet: score the segments' size, potential and growth and rate their key factors."
    )
