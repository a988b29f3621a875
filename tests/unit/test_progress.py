"""Analysis progress: which checks are done, and the detail naming what is missing."""

from __future__ import annotations

from crmstrategy.analysis.evidence import Evidence
from crmstrategy.analysis.models import PersonaRead, SegmentRead
from crmstrategy.analysis.readiness import Rating, summarise
from crmstrategy.workspace.method_path import Place
from crmstrategy.workspace.progress import analysis_progress, evidence_sentence


def _segment(id: int, name: str, **values) -> SegmentRead:
    base = {"defining_needs": "Parts today", "customer_count": 100}
    return SegmentRead(id=id, workspace_id=1, position=id, name=name, **(base | values))


def _persona(id: int, name: str, segment: SegmentRead, **values) -> PersonaRead:
    base = {"needs": "Speed", "pains": "Queues"}
    return PersonaRead(
        id=id, workspace_id=1, segment_id=segment.id, segment_name=segment.name, name=name, **(base | values)
    )


def _by_label(progress) -> dict:
    return {check.label: check for check in progress.checks}


def test_empty_workspace_has_nothing_done():
    progress = analysis_progress([], [])
    assert progress.step == "1 · Analysis"
    assert progress.done_count == 0
    assert len(progress.checks) == 5
    checks = _by_label(progress)
    assert checks["Needs-based segments"].detail == (
        "0 segments. Describe at least two groups of customers by what they need."
    )
    assert checks["Each segment says what its customers need"].detail == "No segments yet."
    assert checks["Personas with needs and pains"].detail == "No personas yet."
    assert checks["A persona for every segment"].page == Place.PERSONAS


def test_complete_workspace_has_every_check_done():
    a, b = _segment(1, "Installers"), _segment(2, "Renovators", customer_count=None, potential=5e6)
    progress = analysis_progress([a, b], [_persona(1, "Ivar", a), _persona(2, "Rita", b)])
    assert progress.done_count == 5
    assert all(check.done for check in progress.checks)
    checks = _by_label(progress)
    assert checks["Needs-based segments"].detail == "2 segments."
    assert checks["A persona for every segment"].detail == "2 personas across 2 segments."


def test_one_segment_is_not_enough():
    check = _by_label(analysis_progress([_segment(1, "Only")], []))["Needs-based segments"]
    assert not check.done
    assert check.detail.startswith("1 segment. ")


def test_segment_without_persona_is_named_in_the_detail():
    a, b = _segment(1, "Installers"), _segment(2, "Facility managers")
    check = _by_label(analysis_progress([a, b], [_persona(1, "Ivar", a)]))["A persona for every segment"]
    assert not check.done
    assert check.detail == "1 persona across 1 segment. Without a persona: 'Facility managers'."


def test_segments_missing_needs_or_size_are_named():
    segments = [
        _segment(1, "A"),
        _segment(2, "B", defining_needs=""),
        _segment(3, "C", customer_count=None, revenue=None, potential=None),
    ]
    checks = _by_label(analysis_progress(segments, []))
    assert checks["Each segment says what its customers need"].detail == "Missing defining needs: 'B'."
    assert checks["Size or potential per segment"].detail == "No size, revenue or potential: 'C'."
    assert not checks["Each segment says what its customers need"].done


def test_long_lists_of_names_are_shortened():
    segments = [_segment(n, f"S{n}", defining_needs="") for n in range(1, 8)]
    detail = _by_label(analysis_progress(segments, []))["Each segment says what its customers need"].detail
    assert detail == "Missing defining needs: 'S1', 'S2', 'S3', 'S4' and 3 more."


def test_persona_without_pains_is_named():
    a = _segment(1, "Installers")
    check = _by_label(analysis_progress([a], [_persona(1, "Ivar", a, pains="")]))["Personas with needs and pains"]
    assert not check.done
    assert check.detail == "Needs or pains missing: 'Ivar'."


# --- evidence --------------------------------------------------------------------------

EVIDENCE_CHECK = "Segments and personas rest on what customers said"
SOLID, THIN = Evidence(3, 2), Evidence(5, 1)


def _evidence_check(segments, personas, segment_evidence, persona_evidence):
    progress = analysis_progress(segments, personas, segment_evidence, persona_evidence)
    assert len(progress.checks) == 6
    return _by_label(progress)[EVIDENCE_CHECK]


def test_evidence_check_is_left_out_when_no_evidence_is_given():
    a = _segment(1, "Installers")
    assert EVIDENCE_CHECK not in _by_label(analysis_progress([a], [], segment_evidence={1: SOLID}))


def test_evidence_check_names_the_weak_segments_and_personas():
    a, b = _segment(1, "Installers"), _segment(2, "Renovators")
    ivar, rita = _persona(1, "Ivar", a), _persona(2, "Rita", b)
    # Renovators rest on one kind of source; Rita is missing from the evidence: none.
    check = _evidence_check([a, b], [ivar, rita], {1: SOLID, 2: THIN}, {1: SOLID})
    assert not check.done
    assert check.detail == (
        "1 segment ('Renovators') and 1 persona ('Rita') rest on no or thin evidence: "
        "fewer than 3 insights, or one kind of source."
    )
    assert check.page == Place.INSIGHTS


def test_evidence_check_with_only_weak_personas():
    a = _segment(1, "Installers")
    personas = [_persona(1, "Ivar", a), _persona(2, "Rita", a)]
    check = _evidence_check([a], personas, {1: SOLID}, {1: Evidence(2, 2), 2: Evidence(0, 0)})
    assert not check.done
    assert check.detail == (
        "2 personas ('Ivar', 'Rita') rest on no or thin evidence: fewer than 3 insights, or one kind of source."
    )


def test_evidence_check_shortens_long_lists_after_three_names():
    segments = [_segment(n, f"S{n}") for n in range(1, 6)]
    check = _evidence_check(segments, [], {}, {})
    assert check.detail.startswith("5 segments ('S1', 'S2', 'S3' and 2 more) rest on no or thin evidence")


def test_evidence_check_is_done_when_everything_is_solid():
    a, b = _segment(1, "Installers"), _segment(2, "Renovators")
    check = _evidence_check([a, b], [_persona(1, "Ivar", a)], {1: SOLID, 2: Evidence(9, 4)}, {1: SOLID})
    assert check.done
    assert check.detail == "Every segment and persona rests on at least 3 insights from 2 kinds of source."


def test_evidence_check_without_segments_is_not_done():
    check = _evidence_check([], [], {}, {})
    assert not check.done
    assert check.detail == "No segments yet."


def test_evidence_sentence_treats_missing_evidence_as_none():
    a = _segment(1, "Installers")
    assert evidence_sentence([a], [], {}, {}).startswith("1 segment ('Installers') rest on no or thin")


# --- readiness -------------------------------------------------------------------------

READINESS_CHECK = "Readiness check rated"
STATEMENTS = [(1, "Top management anchors CRM.", ""), (2, "Goals are set.", ""), (3, "CRM has an owner.", "")]


def _readiness_check(ratings):
    progress = analysis_progress([], [], readiness=summarise(STATEMENTS, ratings))
    check = _by_label(progress)[READINESS_CHECK]
    assert check.page == Place.READINESS
    return check


def test_readiness_check_gives_the_score_the_unrated_count_and_the_weakest_statement():
    # Statement 1: [1, 2] -> 1.5 (weak); statement 2: [4, 4] -> 4; statement 3 unrated.
    # Overall (1.5 + 4) / 2 = 2.75 -> (1.75 / 4) * 100 = 43.75 -> 44.
    check = _readiness_check([Rating(1, 1, 1), Rating(1, 2, 2), Rating(2, 1, 4), Rating(2, 2, 4)])
    assert not check.done
    assert check.detail == "Readiness 44/100. Not rated yet: 1 statement. Weakest: Top management anchors CRM."


def test_readiness_check_counts_several_unrated_statements():
    check = _readiness_check([Rating(2, 1, 5)])
    assert check.detail == "Readiness 100/100. Not rated yet: 2 statements."
    assert not check.done


def test_readiness_check_is_done_when_every_statement_is_rated():
    # Means 4, 3, 5: statement 2 (3, needs attention) is the weakest.
    check = _readiness_check([Rating(1, 1, 4), Rating(2, 1, 3), Rating(3, 1, 5)])
    assert check.done
    assert check.detail == "Readiness 75/100. Weakest: Goals are set."


def test_readiness_check_without_weak_points_names_none():
    check = _readiness_check([Rating(1, 1, 4), Rating(2, 1, 5), Rating(3, 1, 4)])
    assert check.done
    assert check.detail == "Readiness 83/100."


def test_readiness_check_before_anyone_rated():
    check = _readiness_check([])
    assert not check.done
    assert check.detail == "Nobody has rated the readiness statements yet."


def test_readiness_check_with_no_statements_is_not_done():
    progress = analysis_progress([], [], readiness=summarise([], []))
    check = _by_label(progress)[READINESS_CHECK]
    assert not check.done
    assert check.detail == "Nobody has rated the readiness statements yet."


def test_strength_check_names_the_segments_without_an_ability_score():
    a, b = _segment(1, "Installers"), _segment(2, "Renovators")
    check = _by_label(analysis_progress([a, b], [], abilities={1: 62.5, 2: None}))["Where we are strong, per segment"]
    assert not check.done and "'Renovators'" in check.detail and "Installers" not in check.detail
    check = _by_label(analysis_progress([a, b], [], abilities={1: 62.5, 2: 0.0}))["Where we are strong, per segment"]
    assert check.done  # an ability of 0 is a score, not a missing one


def test_target_choice_needs_a_primary_target_every_segment_decided_and_rationales():
    from crmstrategy.workspace.progress import strategy_progress

    def check(*segments):
        return strategy_progress(list(segments)).checks[0]

    assert not check().done and check().detail == "No segments yet."
    secondary_only = check(_segment(1, "A", priority="Secondary", priority_rationale="Later"))
    assert not secondary_only.done and "No primary target" in secondary_only.detail
    undecided = check(_segment(1, "A", priority="Primary target", priority_rationale="Strong"), _segment(2, "B"))
    assert not undecided.done and "Not decided yet: 'B'" in undecided.detail
    no_reason = check(_segment(1, "A", priority="Primary target"), _segment(2, "B", priority="Not prioritised"))
    assert not no_reason.done
    done = check(
        _segment(1, "A", priority="Primary target", priority_rationale="Strong"),
        _segment(2, "B", priority="Not prioritised"),
    )
    assert done.done and done.detail == "Primary: 'A'." and done.page == Place.TARGETS


def test_the_map_checks_separate_its_lines_from_its_goals():
    from crmstrategy.strategy.strategy_graph import Breach
    from crmstrategy.workspace.progress import strategy_progress

    def checks(kinds, breaches):
        return _by_label(strategy_progress([], kinds, breaches))

    empty = checks([], [])
    assert not empty["A strategy map with clear lines"].done
    assert "start from the company strategy" in empty["A strategy map with clear lines"].detail
    assert not empty["A measurable goal for every objective"].done
    goal = Breach("Objective without a measurable goal", "Without a measurable goal …: Churn.", (2,))
    loose = Breach("Initiative supports no objective", "Every initiative must …: Newsletter.", (3,))
    advice = Breach("More than 15 objectives and initiatives", "The map has 16 …", (2, 3), "advice")
    kinds = ["strategy", "objective", "initiative"]
    only_goal = checks(kinds, [goal, advice])
    assert only_goal["A strategy map with clear lines"].done  # advice is not a broken line
    assert not only_goal["A measurable goal for every objective"].done
    assert only_goal["A measurable goal for every objective"].detail == goal.message
    broken = checks(kinds, [loose])
    assert not broken["A strategy map with clear lines"].done
    assert broken["A strategy map with clear lines"].detail.startswith(
        "1 rule broken. Initiative supports no objective"
    )
    assert broken["A measurable goal for every objective"].done
    assert strategy_progress([]).checks[-1].label == "Target segments chosen"  # without a map: one check


def test_with_participants_the_first_check_is_who_takes_part():
    from crmstrategy.analysis.models import ParticipantRead

    empty = analysis_progress([], [], participants=[])
    first = empty.checks[0]
    assert (first.label, first.done, first.page) == ("Who takes part", False, Place.PARTICIPANTS)
    assert first.detail == "No participants yet. Name the people in the room, with their department."
    assert len(empty.checks) == 6
    people = [
        ParticipantRead(id=1, workspace_id=1, name="Kari", department="Sales", is_leader=True),
        ParticipantRead(id=2, workspace_id=1, name="Ola", department="IT"),
        ParticipantRead(id=3, workspace_id=1, name="Per", department="IT"),
    ]
    first = analysis_progress([], [], participants=people).checks[0]
    assert (first.done, first.detail) == (True, "3 participants from 2 departments, 1 leader.")
