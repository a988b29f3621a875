"""Where-you-are-strong services on SQLite and PostgreSQL: the factor library, key factors,
ratings, agreed strengths, attractiveness weights, the priority matrix and the target choice."""

from __future__ import annotations

import json

import pytest

from crmstrategy.analysis.models import (
    Factor,
    Participant,
    Segment,
    SegmentFactor,
    SegmentFactorIn,
    StrengthRating,
)
from crmstrategy.analysis.participants import create_participant, delete_participant
from crmstrategy.analysis.segments import delete_segment, list_segments
from crmstrategy.analysis.strengths import (
    add_factor,
    delete_factor,
    key_factor_coverage,
    list_factors,
    rating_form,
    ratings_of,
    save_strength_ratings,
    segment_factors,
    segment_strength,
    set_agreed_strengths,
    set_ratings_revealed,
    set_segment_factors,
)
from crmstrategy.core.db import read_session, unit_of_work
from crmstrategy.core.errors import Problem, ValidationProblem
from crmstrategy.core.models import Workspace
from crmstrategy.strategy.targets import (
    priority_matrix,
    save_priorities,
    set_attractiveness_weights,
    set_priority,
    target_segments,
    workspace_weights,
)
from crmstrategy.workspace.workspace_file import DEMO_PATH
from crmstrategy.workspace.workspaces import create_workspace, delete_workspace, get_workspace
from tests.integration.support import count, new_segment, new_workspace
from tests.support import refusal_of

INSTALLER_FACTORS = [
    {"factor": "Stock availability", "weight": 30, "competitor_strength": 4},
    {"factor": "Speed at the counter", "weight": 25, "competitor_strength": 3},
    {"factor": "Order accuracy", "weight": 20},
]


@pytest.fixture
def ws(engine) -> dict:
    """A workspace with one segment ("Installers") and three participants, and an empty factor
    library (no starter factors, as after an import of a workspace without any), so each test's
    library holds exactly what it adds."""
    workspace = _bare_workspace(engine, "Acme")
    segment = new_segment(engine, workspace, "Installers", revenue=100, potential=200, expected_growth_pct=5)
    with unit_of_work(engine) as session:
        people = {
            name.lower(): create_participant(session=session, workspace_id=workspace, data={"name": name}).id
            for name in ("Tor", "Hanne", "Mona")
        }
    return {"id": workspace, "segment": segment} | people


def _bare_workspace(engine, name: str) -> int:
    """A workspace without the starting lists, so its factor library starts empty."""
    with unit_of_work(engine) as session:
        return create_workspace(session=session, data={"name": name}, with_defaults=False).id


def _set_factors(engine, workspace_id, segment_id, factors) -> list:
    with unit_of_work(engine) as session:
        return set_segment_factors(session=session, workspace_id=workspace_id, segment_id=segment_id, factors=factors)


def _factors(engine, workspace_id, segment_id) -> list:
    with read_session(engine) as session:
        return segment_factors(session=session, workspace_id=workspace_id, segment_id=segment_id)


def _library(engine, workspace_id) -> dict[str, tuple[str, ...]]:
    with read_session(engine) as session:
        return {f.name: f.segments for f in list_factors(session=session, workspace_id=workspace_id)}


def _rate(engine, ws, participant, scores: dict[int, int | None], segment=None) -> int:
    with unit_of_work(engine) as session:
        return save_strength_ratings(
            session=session,
            workspace_id=ws["id"],
            segment_id=segment or ws["segment"],
            participant_id=ws[participant],
            ratings=[{"segment_factor_id": f, "score": s} for f, s in scores.items()],
        )


def _ratings(engine, ws, participant, segment=None) -> dict[int, int]:
    with read_session(engine) as session:
        return ratings_of(
            session=session, workspace_id=ws["id"], segment_id=segment or ws["segment"], participant_id=ws[participant]
        )


def _strength(engine, workspace_id, segment_id):
    with read_session(engine) as session:
        return segment_strength(session=session, workspace_id=workspace_id, segment_id=segment_id)


def _ids(engine, ws) -> dict[str, int]:
    """Key factor name -> segment-factor id of the fixture's segment."""
    return {f.factor: f.id for f in _factors(engine, ws["id"], ws["segment"])}


# --- the factor library ----------------------------------------------------------------


def test_add_factor_joins_the_library_sorted_by_name(engine, ws):
    with unit_of_work(engine) as session:
        added = add_factor(
            session=session,
            workspace_id=ws["id"],
            data={"name": "  Trade   credit ", "description": " Buying on account. "},
        )
        add_factor(session=session, workspace_id=ws["id"], data={"name": "price level"})
    assert (added.name, added.description, added.segments) == ("Trade credit", "Buying on account.", ())
    with read_session(engine) as session:
        factors = list_factors(session=session, workspace_id=ws["id"])
    assert [f.name for f in factors] == ["price level", "Trade credit"]
    assert count(engine, Factor, workspace_id=ws["id"]) == 2


def test_a_factor_already_in_the_library_is_refused_ignoring_case(engine, ws):
    with unit_of_work(engine) as session:
        add_factor(session=session, workspace_id=ws["id"], data={"name": "Price level"})
    refusal = refusal_of(engine, add_factor, workspace_id=ws["id"], data={"name": "PRICE LEVEL"})
    assert refusal.problems == [Problem("Factor", "'PRICE LEVEL' is already in the library.")]
    assert _library(engine, ws["id"]) == {"Price level": ()}


@pytest.mark.parametrize("name", ["", "   ", None, "x" * 121])
def test_a_factor_without_a_proper_name_is_refused(engine, ws, name):
    refusal = refusal_of(engine, add_factor, workspace_id=ws["id"], data={"name": name})
    assert [p.field for p in refusal.problems] == ["Factor"]
    assert count(engine, Factor) == 0


def test_the_same_factor_name_in_two_workspaces_is_two_factors(engine, ws):
    other = _bare_workspace(engine, "Other")
    for workspace_id in (ws["id"], other):
        with unit_of_work(engine) as session:
            add_factor(session=session, workspace_id=workspace_id, data={"name": "Price level"})
    assert count(engine, Factor) == 2
    assert _library(engine, other) == {"Price level": ()}


def test_an_unused_factor_can_be_deleted(engine, ws):
    with unit_of_work(engine) as session:
        factor = add_factor(session=session, workspace_id=ws["id"], data={"name": "Trade credit"})
    with unit_of_work(engine) as session:
        assert delete_factor(session=session, workspace_id=ws["id"], factor_id=factor.id) == "Trade credit"
    assert count(engine, Factor) == 0


def test_a_factor_in_use_cannot_be_deleted_until_no_segment_uses_it(engine, ws):
    other = new_segment(engine, ws["id"], "Renovators")
    _set_factors(engine, ws["id"], ws["segment"], INSTALLER_FACTORS)
    _set_factors(engine, ws["id"], other, [{"factor": "Order accuracy", "weight": 1}])
    factor_id = _factors(engine, ws["id"], other)[0].factor_id
    refusal = refusal_of(engine, delete_factor, workspace_id=ws["id"], factor_id=factor_id)
    [problem] = refusal.problems
    assert problem.field == "Factor"
    assert "'Order accuracy' is a key factor of Installers, Renovators" in problem.message
    assert count(engine, Factor) == 3 and count(engine, SegmentFactor) == 4

    _set_factors(engine, ws["id"], ws["segment"], INSTALLER_FACTORS[:2])
    _set_factors(engine, ws["id"], other, [])
    with unit_of_work(engine) as session:
        delete_factor(session=session, workspace_id=ws["id"], factor_id=factor_id)
    assert set(_library(engine, ws["id"])) == {"Stock availability", "Speed at the counter"}


def test_a_factor_of_another_workspace_cannot_be_deleted_through_this_one(engine, ws):
    other = _bare_workspace(engine, "Other")
    with unit_of_work(engine) as session:
        theirs = add_factor(session=session, workspace_id=other, data={"name": "Theirs"}).id
    refusal = refusal_of(engine, delete_factor, workspace_id=ws["id"], factor_id=theirs)
    assert "does not exist in this workspace" in str(refusal)
    assert count(engine, Factor, workspace_id=other) == 1


# --- a segment's key factors -----------------------------------------------------------


def test_set_segment_factors_stores_them_in_order_and_new_names_join_the_library(engine, ws):
    created = _set_factors(engine, ws["id"], ws["segment"], INSTALLER_FACTORS)
    assert [(f.factor, f.weight, f.competitor_strength, f.agreed_strength) for f in created] == [
        ("Stock availability", 30, 4, None),
        ("Speed at the counter", 25, 3, None),
        ("Order accuracy", 20, None, None),
    ]
    assert _factors(engine, ws["id"], ws["segment"]) == created
    assert _library(engine, ws["id"]) == {
        "Order accuracy": ("Installers",),
        "Speed at the counter": ("Installers",),
        "Stock availability": ("Installers",),
    }


def test_an_existing_library_factor_is_reused_whatever_the_case(engine, ws):
    with unit_of_work(engine) as session:
        factor = add_factor(
            session=session, workspace_id=ws["id"], data={"name": "Price level", "description": "Net price."}
        )
    [key] = _set_factors(engine, ws["id"], ws["segment"], [SegmentFactorIn(factor="PRICE LEVEL", weight=2)])
    assert (key.factor_id, key.factor) == (factor.id, "Price level")
    assert count(engine, Factor) == 1


def test_one_factor_can_be_a_key_factor_of_two_segments(engine, ws):
    other = new_segment(engine, ws["id"], "Renovators")
    _set_factors(engine, ws["id"], ws["segment"], [{"factor": "Order accuracy", "weight": 20}])
    _set_factors(engine, ws["id"], other, [{"factor": "order accuracy", "weight": 5}])
    assert count(engine, Factor) == 1
    assert _library(engine, ws["id"]) == {"Order accuracy": ("Installers", "Renovators")}


def test_a_factor_name_with_a_non_ascii_capital_is_reused_across_segments(engine, ws):
    # Norwegian names start with Æ, Ø or Å; the second segment must find the library row, not
    # insert a second "Økonomi" and run into the unique name.
    other = new_segment(engine, ws["id"], "Renovators")
    _set_factors(engine, ws["id"], ws["segment"], [{"factor": "Økonomi", "weight": 1}])
    _set_factors(engine, ws["id"], other, [{"factor": "Økonomi", "weight": 2}])
    assert _library(engine, ws["id"]) == {"Økonomi": ("Installers", "Renovators")}
    refusal = refusal_of(engine, add_factor, workspace_id=ws["id"], data={"name": "økonomi"})
    assert "already in the library" in str(refusal)
    assert count(engine, Factor) == 1


def test_replacing_key_factors_keeps_ratings_of_kept_factors_and_drops_the_others(engine, ws):
    _set_factors(engine, ws["id"], ws["segment"], INSTALLER_FACTORS)
    before = _ids(engine, ws)
    _rate(
        engine,
        ws,
        "tor",
        {before["Stock availability"]: 4, before["Speed at the counter"]: 2, before["Order accuracy"]: 5},
    )
    _rate(engine, ws, "hanne", {before["Order accuracy"]: 3, before["Speed at the counter"]: 3})

    after = _set_factors(
        engine,
        ws["id"],
        ws["segment"],
        [
            {"factor": "Order accuracy", "weight": 50, "competitor_strength": 2},
            {"factor": "Price level", "weight": 10},
            {"factor": "Stock availability", "weight": 30, "competitor_strength": 4},
        ],
    )
    assert [(f.factor, f.weight, f.competitor_strength) for f in after] == [
        ("Order accuracy", 50, 2),
        ("Price level", 10, None),
        ("Stock availability", 30, 4),
    ]
    ids = {f.factor: f.id for f in after}
    assert ids["Order accuracy"] == before["Order accuracy"]
    assert ids["Stock availability"] == before["Stock availability"]
    assert _ratings(engine, ws, "tor") == {ids["Stock availability"]: 4, ids["Order accuracy"]: 5}
    assert _ratings(engine, ws, "hanne") == {ids["Order accuracy"]: 3}
    assert count(engine, StrengthRating) == 3
    # The dropped factor stays in the library, unused.
    assert _library(engine, ws["id"])["Speed at the counter"] == ()


def test_an_empty_list_removes_every_key_factor_and_its_ratings(engine, ws):
    _set_factors(engine, ws["id"], ws["segment"], INSTALLER_FACTORS)
    _rate(engine, ws, "tor", {f: 3 for f in _ids(engine, ws).values()})
    assert _set_factors(engine, ws["id"], ws["segment"], []) == []
    assert count(engine, SegmentFactor) == 0 and count(engine, StrengthRating) == 0
    assert count(engine, Factor) == 3


def test_a_factor_listed_twice_is_refused_and_nothing_written(engine, ws):
    _set_factors(engine, ws["id"], ws["segment"], INSTALLER_FACTORS[:1])
    refusal = refusal_of(
        engine,
        set_segment_factors,
        workspace_id=ws["id"],
        segment_id=ws["segment"],
        factors=[
            {"factor": "Trade credit", "weight": 1},
            {"factor": "Price level", "weight": 1},
            {"factor": "trade CREDIT", "weight": 2},
        ],
    )
    assert refusal.problems == [Problem("Factor", "'trade CREDIT' is listed twice; give each factor once.", 3)]
    assert [f.factor for f in _factors(engine, ws["id"], ws["segment"])] == ["Stock availability"]
    assert set(_library(engine, ws["id"])) == {"Stock availability"}


@pytest.mark.parametrize("weight", [0, -5, "heavy", None, 1001, float("nan")])
def test_a_bad_weight_in_the_middle_of_the_list_writes_nothing(engine, ws, weight):
    _set_factors(engine, ws["id"], ws["segment"], INSTALLER_FACTORS)
    _rate(engine, ws, "tor", {f: 4 for f in _ids(engine, ws).values()})
    before = _factors(engine, ws["id"], ws["segment"])
    refusal = refusal_of(
        engine,
        set_segment_factors,
        workspace_id=ws["id"],
        segment_id=ws["segment"],
        factors=[
            {"factor": "Brand new first", "weight": 10},
            {"factor": "Stock availability", "weight": weight},
            {"factor": "Brand new last", "weight": 10},
        ],
    )
    [problem] = refusal.problems
    assert (problem.field, problem.row) == ("Weight", 2)
    assert "above zero" in problem.message
    # Nothing half-written: the old key factors, their ratings and the library are as they were.
    assert _factors(engine, ws["id"], ws["segment"]) == before
    assert count(engine, StrengthRating) == 3
    assert set(_library(engine, ws["id"])) == {f["factor"] for f in INSTALLER_FACTORS}


def test_every_bad_row_is_reported(engine, ws):
    refusal = refusal_of(
        engine,
        set_segment_factors,
        workspace_id=ws["id"],
        segment_id=ws["segment"],
        factors=[
            {"factor": "", "weight": 1},
            {"factor": "Fine", "weight": 1},
            {"factor": "Competitor", "weight": 1, "competitor_strength": 6},
            {"factor": "Agreed", "weight": 1, "agreed_strength": 0},
            {"factor": "Colour", "weight": 1, "colour": "red"},
        ],
    )
    assert [(p.field, p.row) for p in refusal.problems] == [
        ("Factor", 1),
        ("Competitor's strength", 3),
        ("Agreed strength", 4),
        ("Colour", 5),
    ]
    assert count(engine, SegmentFactor) == 0 and count(engine, Factor) == 0


def test_key_factors_of_a_segment_of_another_workspace_are_refused(engine, ws):
    other = _bare_workspace(engine, "Other")
    theirs = new_segment(engine, other, "Theirs")
    refusal = refusal_of(
        engine,
        set_segment_factors,
        workspace_id=ws["id"],
        segment_id=theirs,
        factors=[{"factor": "Price level", "weight": 1}],
    )
    assert "That segment does not exist in this workspace" in str(refusal)
    assert count(engine, SegmentFactor) == 0 and count(engine, Factor) == 0


def test_the_library_shows_which_segments_use_each_factor(engine, ws):
    other = new_segment(engine, ws["id"], "Renovators")
    _set_factors(
        engine, ws["id"], other, [{"factor": "Stock availability", "weight": 1}, {"factor": "Showroom", "weight": 1}]
    )
    _set_factors(engine, ws["id"], ws["segment"], INSTALLER_FACTORS)
    with unit_of_work(engine) as session:
        add_factor(session=session, workspace_id=ws["id"], data={"name": "Unused"})
    assert _library(engine, ws["id"]) == {
        "Order accuracy": ("Installers",),
        "Showroom": ("Renovators",),
        "Speed at the counter": ("Installers",),
        "Stock availability": ("Installers", "Renovators"),
        "Unused": (),
    }


# --- ratings ---------------------------------------------------------------------------


def test_ratings_are_saved_updated_and_cleared_per_participant(engine, ws):
    _set_factors(engine, ws["id"], ws["segment"], INSTALLER_FACTORS)
    ids = list(_ids(engine, ws).values())
    assert _rate(engine, ws, "tor", {ids[0]: 4, ids[1]: "2", ids[2]: 5.0}) == 3
    assert _rate(engine, ws, "hanne", {ids[0]: 1}) == 1
    assert _ratings(engine, ws, "tor") == {ids[0]: 4, ids[1]: 2, ids[2]: 5}

    assert _rate(engine, ws, "tor", {ids[0]: 3, ids[1]: None, ids[2]: ""}) == 1
    assert _ratings(engine, ws, "tor") == {ids[0]: 3}
    assert _ratings(engine, ws, "hanne") == {ids[0]: 1}
    assert _ratings(engine, ws, "mona") == {}
    assert count(engine, StrengthRating) == 2


def test_rating_a_segment_without_key_factors_is_refused(engine, ws):
    refusal = refusal_of(
        engine,
        save_strength_ratings,
        workspace_id=ws["id"],
        segment_id=ws["segment"],
        participant_id=ws["tor"],
        ratings=[],
    )
    assert refusal.problems == [Problem("Key factors", "This segment has no key factors yet; add them before rating.")]


def test_a_factor_of_another_segment_is_refused_and_nothing_written(engine, ws):
    other = new_segment(engine, ws["id"], "Renovators")
    _set_factors(engine, ws["id"], ws["segment"], INSTALLER_FACTORS)
    [foreign] = _set_factors(engine, ws["id"], other, [{"factor": "Showroom", "weight": 1}])
    mine = list(_ids(engine, ws).values())
    refusal = refusal_of(
        engine,
        save_strength_ratings,
        workspace_id=ws["id"],
        segment_id=ws["segment"],
        participant_id=ws["tor"],
        ratings=[{"segment_factor_id": mine[0], "score": 4}, {"segment_factor_id": foreign.id, "score": 4}],
    )
    assert [p.field for p in refusal.problems] == ["Factor"]
    assert "not a key factor of this segment" in refusal.problems[0].message
    assert count(engine, StrengthRating) == 0


@pytest.mark.parametrize("score", [0, 6, 2.5, "x", True, float("inf")])
def test_a_strength_outside_1_to_5_or_not_whole_is_refused(engine, ws, score):
    _set_factors(engine, ws["id"], ws["segment"], INSTALLER_FACTORS)
    ids = list(_ids(engine, ws).values())
    refusal = refusal_of(
        engine,
        save_strength_ratings,
        workspace_id=ws["id"],
        segment_id=ws["segment"],
        participant_id=ws["tor"],
        ratings=[{"segment_factor_id": ids[0], "score": 3}, {"segment_factor_id": ids[1], "score": score}],
    )
    assert [p.field for p in refusal.problems] == ["Strength"]
    assert "whole number from 1 to 5" in refusal.problems[0].message
    assert count(engine, StrengthRating) == 0


def test_a_participant_of_another_workspace_cannot_rate(engine, ws):
    _set_factors(engine, ws["id"], ws["segment"], INSTALLER_FACTORS)
    other = _bare_workspace(engine, "Other")
    with unit_of_work(engine) as session:
        stranger = create_participant(session=session, workspace_id=other, data={"name": "Stranger"}).id
    refusal = refusal_of(
        engine,
        save_strength_ratings,
        workspace_id=ws["id"],
        segment_id=ws["segment"],
        participant_id=stranger,
        ratings=[{"segment_factor_id": list(_ids(engine, ws).values())[0], "score": 3}],
    )
    assert "That participant does not exist in this workspace" in str(refusal)
    assert count(engine, StrengthRating) == 0


def test_ratings_stay_hidden_until_revealed_and_can_be_hidden_again(engine, ws):
    _set_factors(engine, ws["id"], ws["segment"], INSTALLER_FACTORS)
    ids = _ids(engine, ws)
    _rate(engine, ws, "tor", {ids["Order accuracy"]: 2})
    strength = _strength(engine, ws["id"], ws["segment"])
    assert strength.revealed is False
    # The service hands the page everything; the page decides what to show.
    assert strength.factors[2].by_participant == {"Tor": 2}

    with unit_of_work(engine) as session:
        assert (
            set_ratings_revealed(session=session, workspace_id=ws["id"], segment_id=ws["segment"], revealed=True)
            is True
        )
    assert _strength(engine, ws["id"], ws["segment"]).revealed is True
    with read_session(engine) as session:
        assert [s.ratings_revealed for s in list_segments(session=session, workspace_id=ws["id"])] == [True]

    with unit_of_work(engine) as session:
        set_ratings_revealed(session=session, workspace_id=ws["id"], segment_id=ws["segment"], revealed=False)
    assert _strength(engine, ws["id"], ws["segment"]).revealed is False


def test_the_rating_form_holds_the_key_factors_in_order_her_own_scores_and_whether_revealed(engine, ws):
    _set_factors(engine, ws["id"], ws["segment"], INSTALLER_FACTORS)
    ids = _ids(engine, ws)
    _rate(engine, ws, "tor", {ids["Order accuracy"]: 2})
    _rate(engine, ws, "hanne", {ids["Order accuracy"]: 5})

    def form():
        with read_session(engine) as session:
            return rating_form(
                session=session, workspace_id=ws["id"], segment_id=ws["segment"], participant_id=ws["tor"]
            )

    first = form()
    assert [f.factor for f in first.factors] == [f["factor"] for f in INSTALLER_FACTORS]
    assert first.mine == {ids["Order accuracy"]: 2}  # her own, never the others'
    assert first.revealed is False
    _reveal(engine, ws)
    assert form().revealed is True
    with read_session(engine) as session, pytest.raises(ValidationProblem):
        rating_form(session=session, workspace_id=ws["id"] + 1000, segment_id=ws["segment"], participant_id=ws["tor"])


def test_revealing_one_segment_leaves_the_others_hidden(engine, ws):
    other = new_segment(engine, ws["id"], "Renovators")
    with unit_of_work(engine) as session:
        set_ratings_revealed(session=session, workspace_id=ws["id"], segment_id=other, revealed=True)
    assert _strength(engine, ws["id"], other).revealed is True
    assert _strength(engine, ws["id"], ws["segment"]).revealed is False


# --- strength, agreed values and ability ----------------------------------------------


def _reveal(engine, ws, segment=None) -> None:
    with unit_of_work(engine) as session:
        set_ratings_revealed(session=session, workspace_id=ws["id"], segment_id=segment or ws["segment"], revealed=True)


def _two_factor_segment(engine, ws, reveal: bool = True) -> dict[str, int]:
    """Weights 2 and 1; Quality rated 5, 5, 4 (median 5), Price rated 2, 1, 3 (median 2); revealed."""
    _set_factors(
        engine,
        ws["id"],
        ws["segment"],
        [
            {"factor": "Quality", "weight": 2, "competitor_strength": 3},
            {"factor": "Price", "weight": 1, "competitor_strength": 4},
        ],
    )
    ids = _ids(engine, ws)
    _rate(engine, ws, "tor", {ids["Quality"]: 5, ids["Price"]: 2})
    _rate(engine, ws, "hanne", {ids["Quality"]: 5, ids["Price"]: 1})
    _rate(engine, ws, "mona", {ids["Quality"]: 4, ids["Price"]: 3})
    if reveal:
        _reveal(engine, ws)
    return ids


def test_hidden_ratings_do_not_count_until_revealed_but_agreed_values_do(engine, ws):
    ids = _two_factor_segment(engine, ws, reveal=False)
    strength = _strength(engine, ws["id"], ws["segment"])
    assert [f.strength for f in strength.factors] == [None, None] and strength.ability is None
    with read_session(engine) as session:
        assert priority_matrix(session=session, workspace_id=ws["id"]).rows[0].ability is None
    with unit_of_work(engine) as session:
        set_agreed_strengths(session=session, workspace_id=ws["id"], segment_id=ws["segment"], agreed={ids["Price"]: 3})
    # Only the agreed Price counts while the ratings are hidden: 1 * (3-1)/4 / 1 * 100 = 50.
    assert _strength(engine, ws["id"], ws["segment"]).ability == pytest.approx(50)
    _reveal(engine, ws)
    # Revealed, Quality's median 5 joins: (2*1 + 1*0.5) / 3 * 100 = 83.33.
    assert _strength(engine, ws["id"], ws["segment"]).ability == pytest.approx(250 / 3)


def test_segment_strength_end_to_end(engine, ws):
    _two_factor_segment(engine, ws)
    strength = _strength(engine, ws["id"], ws["segment"])
    quality, price = strength.factors
    assert quality.by_participant == {"Hanne": 5, "Mona": 4, "Tor": 5}
    assert price.by_participant == {"Hanne": 1, "Mona": 3, "Tor": 2}
    # Shares: 2/3 = 66.67 %, 1/3 = 33.33 %.
    assert (quality.share, price.share) == pytest.approx((200 / 3, 100 / 3))
    # Medians: Quality 4, 5, 5 -> 5; Price 1, 2, 3 -> 2.
    assert (quality.strength, price.strength) == (5, 2)
    # Gap: 5 - 3 = 2; 2 - 4 = -2.
    assert (quality.gap, price.gap) == (2, -2)
    # (2*(5-1)/4 + 1*(2-1)/4) / 3 * 100 = (2 + 0.25) / 3 * 100 = 75.
    assert strength.ability == pytest.approx(75)
    assert strength.participants == strength.raters == ["Hanne", "Mona", "Tor"]
    # Price 1..3 is two points apart (spread 0.816); Quality only one.
    assert [f.factor.factor for f in strength.discuss_first] == ["Price"]
    assert strength.advice == "2 factors: the method suggests 4 to 6 that matter most to these customers."


def test_an_unrated_factor_is_left_out_of_ability(engine, ws):
    _set_factors(
        engine, ws["id"], ws["segment"], [{"factor": "Quality", "weight": 2}, {"factor": "Price", "weight": 1}]
    )
    _rate(engine, ws, "tor", {_ids(engine, ws)["Price"]: 2})
    _reveal(engine, ws)
    strength = _strength(engine, ws["id"], ws["segment"])
    # Only Price counts: 1 * 0.25 / 1 * 100 = 25.
    assert strength.ability == pytest.approx(25)
    assert strength.factors[0].strength is None and strength.factors[0].gap is None
    assert strength.raters == []  # Tor rated Price only: not every factor
    assert strength.started == ["Tor"]
    assert strength.participants == ["Hanne", "Mona", "Tor"]


def test_rated_by_counts_only_those_who_rated_every_key_factor(engine, ws):
    _two_factor_segment(engine, ws)  # all three rated Quality and Price
    assert _strength(engine, ws["id"], ws["segment"]).raters == ["Hanne", "Mona", "Tor"]
    _set_factors(
        engine,
        ws["id"],
        ws["segment"],
        [{"factor": "Quality", "weight": 2}, {"factor": "Price", "weight": 1}, {"factor": "Delivery", "weight": 1}],
    )
    _rate(engine, ws, "mona", {_ids(engine, ws)["Delivery"]: 4})
    _rate(engine, ws, "tor", {_ids(engine, ws)["Delivery"]: 3})
    strength = _strength(engine, ws["id"], ws["segment"])
    assert strength.raters == ["Mona", "Tor"]  # the newest factor has 2 ratings: 2 of 3 rated every factor
    assert strength.started == ["Hanne", "Mona", "Tor"]
    assert strength.waiting == ["Hanne"]
    assert [strength.rated_count(n) for n in strength.participants] == [2, 3, 3]
    with read_session(engine) as session:
        assert key_factor_coverage(session=session, workspace_id=ws["id"]) == {ws["segment"]: (3, 3)}


def test_key_factor_coverage_counts_factors_with_an_agreed_value_or_a_rating(engine, ws):
    with read_session(engine) as session:
        assert key_factor_coverage(session=session, workspace_id=ws["id"]) == {}
    _set_factors(engine, ws["id"], ws["segment"], INSTALLER_FACTORS)
    ids = _ids(engine, ws)
    with read_session(engine) as session:
        assert key_factor_coverage(session=session, workspace_id=ws["id"]) == {ws["segment"]: (3, 0)}
    _rate(engine, ws, "tor", {ids["Order accuracy"]: 2})  # hidden still counts: someone has rated it
    with unit_of_work(engine) as session:
        set_agreed_strengths(
            session=session, workspace_id=ws["id"], segment_id=ws["segment"], agreed={ids["Stock availability"]: 4}
        )
    other = new_workspace(engine, "Other")  # another workspace's factors are not counted
    _set_factors(engine, other, new_segment(engine, other, "Theirs"), [{"factor": "X", "weight": 1}])
    with read_session(engine) as session:
        assert key_factor_coverage(session=session, workspace_id=ws["id"]) == {ws["segment"]: (3, 2)}


def test_a_segment_without_key_factors_or_ratings_has_no_ability(engine, ws):
    strength = _strength(engine, ws["id"], ws["segment"])
    assert (strength.factors, strength.ability, strength.raters, strength.discuss_first) == ([], None, [], [])
    assert strength.advice.startswith("0 factors")
    _set_factors(engine, ws["id"], ws["segment"], INSTALLER_FACTORS)
    assert _strength(engine, ws["id"], ws["segment"]).ability is None


def test_agreed_strength_overrides_the_median_and_none_returns_to_it(engine, ws):
    ids = _two_factor_segment(engine, ws)
    with unit_of_work(engine) as session:
        assert (
            set_agreed_strengths(
                session=session,
                workspace_id=ws["id"],
                segment_id=ws["segment"],
                agreed={ids["Quality"]: 3, ids["Price"]: "4"},
            )
            == 2
        )
    strength = _strength(engine, ws["id"], ws["segment"])
    assert [(f.factor.agreed_strength, f.stats.default_agreed, f.strength) for f in strength.factors] == [
        (3, 5, 3),
        (4, 2, 4),
    ]
    # (2*(3-1)/4 + 1*(4-1)/4) / 3 * 100 = (1 + 0.75) / 3 * 100 = 58.33.
    assert strength.ability == pytest.approx(175 / 3)

    with unit_of_work(engine) as session:
        set_agreed_strengths(
            session=session, workspace_id=ws["id"], segment_id=ws["segment"], agreed={ids["Quality"]: None}
        )
    strength = _strength(engine, ws["id"], ws["segment"])
    assert [(f.factor.agreed_strength, f.strength) for f in strength.factors] == [(None, 5), (4, 4)]
    # (2*1 + 1*0.75) / 3 * 100 = 91.67.
    assert strength.ability == pytest.approx(275 / 3)


def test_an_agreed_strength_without_any_ratings_counts(engine, ws):
    _set_factors(
        engine,
        ws["id"],
        ws["segment"],
        [{"factor": "Quality", "weight": 1, "agreed_strength": 4}, {"factor": "Price", "weight": 3}],
    )
    # Only Quality has a strength: 1 * (4-1)/4 / 1 * 100 = 75.
    assert _strength(engine, ws["id"], ws["segment"]).ability == pytest.approx(75)


def test_changing_key_factors_keeps_agreed_strength_unless_given(engine, ws):
    ids = _two_factor_segment(engine, ws)
    with unit_of_work(engine) as session:
        set_agreed_strengths(
            session=session,
            workspace_id=ws["id"],
            segment_id=ws["segment"],
            agreed={ids["Quality"]: 3, ids["Price"]: 3},
        )
    _set_factors(
        engine,
        ws["id"],
        ws["segment"],
        [{"factor": "Quality", "weight": 5}, {"factor": "Price", "weight": 1, "agreed_strength": None}],
    )
    assert [(f.weight, f.agreed_strength) for f in _factors(engine, ws["id"], ws["segment"])] == [(5, 3), (1, None)]


@pytest.mark.parametrize("value", [0, 6, 2.5, "x", True])
def test_a_bad_agreed_strength_is_refused_and_nothing_written(engine, ws, value):
    ids = _two_factor_segment(engine, ws)
    refusal = refusal_of(
        engine,
        set_agreed_strengths,
        workspace_id=ws["id"],
        segment_id=ws["segment"],
        agreed={ids["Quality"]: 2, ids["Price"]: value},
    )
    assert [(p.field, p.row) for p in refusal.problems] == [("Agreed strength", 2)]
    assert [f.agreed_strength for f in _factors(engine, ws["id"], ws["segment"])] == [None, None]


def test_an_agreed_strength_for_a_factor_of_another_segment_is_refused(engine, ws):
    ids = _two_factor_segment(engine, ws)
    other = new_segment(engine, ws["id"], "Renovators")
    [foreign] = _set_factors(engine, ws["id"], other, [{"factor": "Showroom", "weight": 1}])
    refusal = refusal_of(
        engine,
        set_agreed_strengths,
        workspace_id=ws["id"],
        segment_id=ws["segment"],
        agreed={ids["Quality"]: 2, foreign.id: 2},
    )
    assert [(p.field, p.row) for p in refusal.problems] == [("Factor", 2)]
    assert [f.agreed_strength for f in _factors(engine, ws["id"], ws["segment"])] == [None, None]
    assert _factors(engine, ws["id"], other)[0].agreed_strength is None


# --- attractiveness weights, priorities, the matrix ------------------------------------


def test_attractiveness_weights_are_stored_and_used(engine, ws):
    assert _weights(engine, ws["id"]) == {"size": 30, "potential": 40, "growth": 30}
    with unit_of_work(engine) as session:
        assert set_attractiveness_weights(
            session=session, workspace_id=ws["id"], size="10", potential=0, growth=30
        ) == {"size": 10, "potential": 0, "growth": 30}
    assert _weights(engine, ws["id"]) == {"size": 10, "potential": 0, "growth": 30}
    with read_session(engine) as session:
        matrix = priority_matrix(session=session, workspace_id=ws["id"])
    assert matrix.weights == {"size": 10, "potential": 0, "growth": 30}
    # 10 / 40 = 25 %, 0 %, 30 / 40 = 75 %.
    assert matrix.shares == pytest.approx({"size": 25, "potential": 0, "growth": 75})


def _weights(engine, workspace_id) -> dict:
    with read_session(engine) as session:
        return workspace_weights(session, workspace_id)


@pytest.mark.parametrize(
    "size, potential, growth, field",
    [
        (0, 0, 0, ""),
        (-1, 40, 30, "Size (revenue)"),
        (30, -0.5, 30, "Potential"),
        (30, 40, 101, "Expected growth"),
        (30, "lots", 30, "Potential"),
    ],
)
def test_bad_attractiveness_weights_are_refused_and_nothing_written(engine, ws, size, potential, growth, field):
    refusal = refusal_of(
        engine, set_attractiveness_weights, workspace_id=ws["id"], size=size, potential=potential, growth=growth
    )
    assert [p.field for p in refusal.problems] == [field]
    assert _weights(engine, ws["id"]) == {"size": 30, "potential": 40, "growth": 30}


def test_weights_can_be_tried_in_the_matrix_without_saving(engine, ws):
    with read_session(engine) as session:
        matrix = priority_matrix(
            session=session, workspace_id=ws["id"], weights={"size": 1, "potential": 1, "growth": 2}
        )
    assert matrix.shares == pytest.approx({"size": 25, "potential": 25, "growth": 50})
    assert _weights(engine, ws["id"]) == {"size": 30, "potential": 40, "growth": 30}
    with pytest.raises(ValidationProblem, match="above zero"):
        with read_session(engine) as session:
            priority_matrix(session=session, workspace_id=ws["id"], weights={"size": 0, "potential": 0, "growth": 0})


@pytest.mark.parametrize("priority", ["Primary target", "Secondary"])
@pytest.mark.parametrize("rationale", ["", "   \n "])
def test_a_target_needs_a_rationale(engine, ws, priority, rationale):
    refusal = refusal_of(
        engine, set_priority, workspace_id=ws["id"], segment_id=ws["segment"], priority=priority, rationale=rationale
    )
    [problem] = refusal.problems
    assert problem.field == "Rationale"
    assert f"why 'Installers' is marked '{priority}'" in problem.message
    assert _segment(engine, ws)[0] is None


def _segment(engine, ws) -> tuple:
    with read_session(engine) as session:
        [segment] = list_segments(session=session, workspace_id=ws["id"])
    return segment.priority, segment.priority_rationale


def test_priority_with_a_rationale_is_stored_and_can_be_cleared(engine, ws):
    with unit_of_work(engine) as session:
        chosen = set_priority(
            session=session,
            workspace_id=ws["id"],
            segment_id=ws["segment"],
            priority="Primary target",
            rationale="  Largest and we are strong. ",
        )
    assert (chosen.priority, chosen.priority_rationale) == ("Primary target", "Largest and we are strong.")
    assert _segment(engine, ws) == ("Primary target", "Largest and we are strong.")
    with unit_of_work(engine) as session:
        set_priority(session=session, workspace_id=ws["id"], segment_id=ws["segment"], priority="Not prioritised")
    assert _segment(engine, ws) == ("Not prioritised", "")
    with unit_of_work(engine) as session:
        set_priority(session=session, workspace_id=ws["id"], segment_id=ws["segment"], priority=None)
    assert _segment(engine, ws) == (None, "")


def test_an_unknown_priority_is_refused(engine, ws):
    refusal = refusal_of(
        engine, set_priority, workspace_id=ws["id"], segment_id=ws["segment"], priority="Maybe", rationale="Because."
    )
    assert refusal.problems == [Problem("Priority", "Choose one of: Primary target, Secondary, Not prioritised.")]
    assert _segment(engine, ws) == (None, "")


def test_save_priorities_is_all_or_nothing_and_targets_list_primary_first(engine, ws):
    second = new_segment(engine, ws["id"], "Contractors")
    third = new_segment(engine, ws["id"], "Renovators")
    refusal = refusal_of(
        engine,
        save_priorities,
        workspace_id=ws["id"],
        choices={
            ws["segment"]: ("Secondary", "Growing."),
            second: ("Primary target", ""),
            third: ("Not prioritised", ""),
        },
    )
    assert [p.field for p in refusal.problems] == ["Rationale"]
    with read_session(engine) as session:
        assert [s.priority for s in list_segments(session=session, workspace_id=ws["id"])] == [None, None, None]

    with unit_of_work(engine) as session:
        assert (
            save_priorities(
                session=session,
                workspace_id=ws["id"],
                choices={
                    ws["segment"]: ("Secondary", "Growing."),
                    second: ("Not prioritised", ""),
                    third: ("Primary target", "Biggest potential."),
                },
            )
            == 3
        )
    with read_session(engine) as session:
        targets = target_segments(session=session, workspace_id=ws["id"])
    assert [(s.name, s.priority) for s in targets] == [("Renovators", "Primary target"), ("Installers", "Secondary")]


def test_matrix_notes_say_what_is_missing(engine, ws):
    with read_session(engine) as session:
        matrix = priority_matrix(session=session, workspace_id=ws["id"])
    [row] = matrix.rows
    assert (row.name, row.ability, row.attractiveness, row.quadrant) == ("Installers", None, 50, "Not scored yet")
    assert (row.rank, row.best_rank, row.worst_rank, row.stable) == (1, 1, 1, True)
    assert len(matrix.notes) == 2
    assert matrix.notes[0].startswith("No ability score yet") and "Installers" in matrix.notes[0]
    assert matrix.notes[1].startswith("With one segment there is nothing to compare")

    new_segment(engine, ws["id"], "Renovators", revenue=50)
    with read_session(engine) as session:
        matrix = priority_matrix(session=session, workspace_id=ws["id"])
    assert matrix.notes[0] == (
        "Missing revenue, potential or growth counts as the lowest: Renovators. Fill them in on the Segments page."
    )
    assert "Installers, Renovators" in matrix.notes[1]
    assert len(matrix.notes) == 2


def test_matrix_of_a_workspace_without_segments(engine):
    workspace = new_workspace(engine, "Empty")
    with read_session(engine) as session:
        matrix = priority_matrix(session=session, workspace_id=workspace)
    assert (matrix.rows, matrix.notes) == ([], ["There are no segments yet."])


def test_priority_matrix_of_the_demo(engine, demo_workspace_id):
    # By hand from data/demo_workspace.json (no agreed strengths in S1 and S2, so the medians count):
    # S1 Time-pressed installers: Stock [4,4,3,4,4] -> 4, Speed [4,3,4,3,4] -> 4, Order accuracy
    #   [5,4,1,4,2] -> 4, Trade credit [3,3,3,4,3] -> 3, Price [2,3,2,2,3] -> 2; weights 30/25/20/15/10:
    #   30*0.75 + 25*0.75 + 20*0.75 + 15*0.5 + 10*0.25 = 22.5 + 18.75 + 15 + 7.5 + 2.5 = 66.25 (of 100).
    # S2 Project contractors: Price [3,3,2,3] -> 3, Delivery [4,3,3,3] -> 3, Contact [4,4,3,4] -> 4,
    #   Advice [4,3,4,4] -> 4: 30*0.5 + 30*0.5 + 25*0.75 + 15*0.75 = 15 + 15 + 18.75 + 11.25 = 60.
    # S3 Quality-focused renovators (agreed 3, 2, 2, 4): 30*0.5 + 25*0.25 + 25*0.25 + 20*0.75 = 42.5.
    # S4 Facility managers (agreed 3, 3, 2, 4): 35*0.5 + 25*0.5 + 20*0.25 + 20*0.75 = 50.
    # Attractiveness (30/40/30): revenue 520/610/190/80 -> (x-80)/530; potential 640/820/310/150 ->
    #   (x-150)/670; growth 4/9/12/6 -> (x-4)/8.
    #   S1 = 30*440/530 + 40*490/670 + 0 = 24.906 + 29.254 = 54.16; S2 = 30 + 40 + 30*5/8 = 88.75;
    #   S3 = 30*110/530 + 40*160/670 + 30 = 6.226 + 9.552 + 30 = 45.78; S4 = 0 + 0 + 30*2/8 = 7.5.
    demo = json.loads(DEMO_PATH.read_text(encoding="utf-8"))
    assert [s["name"] for s in demo["segments"]][0] == "Time-pressed installers"
    with read_session(engine) as session:
        matrix = priority_matrix(session=session, workspace_id=demo_workspace_id)
    rows = {r.name: r for r in matrix.rows}
    assert {name: r.ability for name, r in rows.items()} == pytest.approx(
        {
            "Time-pressed installers": 66.25,
            "Project contractors": 60,
            "Quality-focused renovators": 42.5,
            "Facility managers": 50,
        }
    )
    assert {name: r.attractiveness for name, r in rows.items()} == pytest.approx(
        {
            "Time-pressed installers": 30 * 440 / 530 + 40 * 490 / 670,
            "Project contractors": 88.75,
            "Quality-focused renovators": 30 * 110 / 530 + 40 * 160 / 670 + 30,
            "Facility managers": 7.5,
        }
    )
    assert {name: r.quadrant for name, r in rows.items()} == {
        "Time-pressed installers": "Prioritise",
        "Project contractors": "Prioritise",
        "Quality-focused renovators": "Deprioritise",
        "Facility managers": "Maintain",
    }  # ability exactly 50 counts as high
    assert {name: r.rank for name, r in rows.items()} == {
        "Project contractors": 1,
        "Time-pressed installers": 2,
        "Quality-focused renovators": 3,
        "Facility managers": 4,
    }
    assert matrix.unstable == [] and len(matrix.stable) == 4
    assert matrix.notes == []
    assert {name: (r.priority, bool(r.rationale)) for name, r in rows.items()} == {
        s["name"]: (s["priority"], bool(s["priority_rationale"])) for s in demo["segments"]
    }
    assert {name: r.factor_count for name, r in rows.items()} == {
        s["name"]: len(s["key_factors"]) for s in demo["segments"]
    }
    assert rows["Project contractors"].bubble == 820_000_000

    installers = rows["Time-pressed installers"].segment_id
    strength = _strength(engine, demo_workspace_id, installers)
    assert strength.ability == pytest.approx(66.25)
    # Only Order accuracy (1..5) is two or more points apart; every other factor is within one.
    assert [f.factor.factor for f in strength.discuss_first] == ["Order accuracy"]
    assert strength.revealed is True
    assert len(strength.raters) == 5
    with read_session(engine) as session:
        assert [s.name for s in target_segments(session=session, workspace_id=demo_workspace_id)] == [
            "Time-pressed installers",
            "Project contractors",
            "Quality-focused renovators",
        ]


# --- deleting what ratings depend on ---------------------------------------------------


def test_deleting_a_segment_removes_its_key_factors_and_ratings(engine, ws):
    other = new_segment(engine, ws["id"], "Renovators")
    _set_factors(engine, ws["id"], ws["segment"], INSTALLER_FACTORS)
    [kept] = _set_factors(engine, ws["id"], other, [{"factor": "Order accuracy", "weight": 1}])
    _rate(engine, ws, "tor", {f: 4 for f in _ids(engine, ws).values()})
    _rate(engine, ws, "tor", {kept.id: 2}, segment=other)
    with unit_of_work(engine) as session:
        delete_segment(session=session, workspace_id=ws["id"], segment_id=ws["segment"])
    assert count(engine, SegmentFactor) == 1 and count(engine, StrengthRating) == 1
    assert _ratings(engine, ws, "tor", segment=other) == {kept.id: 2}
    # The factors stay in the library; the ones no segment uses any more can now go.
    assert _library(engine, ws["id"]) == {
        "Order accuracy": ("Renovators",),
        "Speed at the counter": (),
        "Stock availability": (),
    }
    with read_session(engine) as session:
        matrix = priority_matrix(session=session, workspace_id=ws["id"])
    assert [r.name for r in matrix.rows] == ["Renovators"]


def test_deleting_a_participant_removes_their_ratings_only(engine, ws):
    ids = _two_factor_segment(engine, ws)
    with unit_of_work(engine) as session:
        assert delete_participant(session=session, workspace_id=ws["id"], participant_id=ws["hanne"]) == "Hanne"
    assert count(engine, StrengthRating) == 4
    assert count(engine, Participant) == 2
    strength = _strength(engine, ws["id"], ws["segment"])
    assert strength.raters == strength.participants == ["Mona", "Tor"]
    assert [f.by_participant for f in strength.factors] == [{"Mona": 4, "Tor": 5}, {"Mona": 3, "Tor": 2}]
    # Medians now: Quality 4, 5 -> 4.5 -> 5; Price 2, 3 -> 2.5 -> 3: (2*1 + 1*0.5) / 3 * 100 = 83.33.
    assert strength.ability == pytest.approx(250 / 3)
    assert _ratings(engine, ws, "tor") == {ids["Quality"]: 5, ids["Price"]: 2}


def test_deleting_the_workspace_removes_every_factor_and_rating(engine, ws, demo_workspace_id):
    _two_factor_segment(engine, ws)
    demo_ratings = count(engine, StrengthRating) - 6
    with unit_of_work(engine) as session:
        delete_workspace(session=session, workspace_id=ws["id"], confirm_name="Acme")
    assert count(engine, StrengthRating) == demo_ratings > 0
    assert count(engine, Factor, workspace_id=ws["id"]) == 0
    assert count(engine, Segment, workspace_id=ws["id"]) == 0
    assert count(engine, Workspace) == 1
    with read_session(engine) as session:
        assert get_workspace(session=session, workspace_id=demo_workspace_id).name.startswith("Demo")
