"""Analysis progress: which checks are done, and the detail naming what is missing."""

from __future__ import annotations

from crmstrategy.models import PersonaRead, SegmentRead
from crmstrategy.progress import analysis_progress


def _segment(id: int, name: str, **values) -> SegmentRead:
    base = {"defining_needs": "Parts today", "customer_count": 100}
    return SegmentRead(id=id, workspace_id=1, position=id, name=name, **(base | values))


def _persona(id: int, name: str, segment: SegmentRead, **values) -> PersonaRead:
    base = {"needs": "Speed", "pains": "Queues"}
    return PersonaRead(id=id, workspace_id=1, segment_id=segment.id, segment_name=segment.name, name=name,
                       **(base | values))


def _by_label(progress) -> dict:
    return {check.label: check for check in progress.checks}


def test_empty_workspace_has_nothing_done():
    progress = analysis_progress([], [])
    assert progress.step == "1 · Analysis"
    assert progress.done_count == 0
    assert len(progress.checks) == 5
    checks = _by_label(progress)
    assert checks["Needs-based segments"].detail == (
        "0 segments. Describe at least two groups of customers by what they need.")
    assert checks["Each segment says what its customers need"].detail == "No segments yet."
    assert checks["Personas with needs and pains"].detail == "No personas yet."
    assert checks["A persona for every segment"].page == "pages/personas.py"


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
    segments = [_segment(1, "A"), _segment(2, "B", defining_needs=""),
                _segment(3, "C", customer_count=None, revenue=None, potential=None)]
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
