"""Follow-up services on SQLite and PostgreSQL: goal and customer measurements and their refusals, the
measurement import in one transaction, the feedback log and its routing, goal status and the health check."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from crmstrategy.analysis.insights import list_themes
from crmstrategy.analysis.models import Theme
from crmstrategy.analysis.participants import create_participant
from crmstrategy.analysis.segments import delete_segment
from crmstrategy.analysis.strengths import segment_factors, set_agreed_strengths, set_segment_factors
from crmstrategy.core.tabular import to_csv_bytes
from crmstrategy.implementation.anchoring import set_participation
from crmstrategy.implementation.feedback import (
    create_feedback,
    delete_feedback,
    list_feedback,
    update_feedback,
)
from crmstrategy.implementation.follow_up import (
    add_customer_measurement,
    add_goal_measurement,
    customer_measurements,
    delete_customer_measurements,
    goal_follow_up,
    goal_measurements,
    import_measurements,
    set_goal_measurements,
)
from crmstrategy.implementation.measurement_import import TEMPLATE_HEADER, preview_measurement_import
from crmstrategy.implementation.models import (
    CustomerMeasurement,
    CustomerMeasurementCreate,
    Feedback,
    GoalMeasurement,
    GoalMeasurementCreate,
)
from crmstrategy.implementation.plan import create_action, delete_action
from crmstrategy.strategy.goals import create_goal, delete_goal
from crmstrategy.strategy.strategy_map import create_node
from crmstrategy.strategy.targets import set_priority
from crmstrategy.workspace.health import health_check
from tests.integration.support import (
    call,
    count,
    export_document,
    import_document,
    new_persona,
    new_segment,
    new_workspace,
    read,
    version_of,
)
from tests.support import refusal_of

TODAY = date(2026, 12, 1)  # the clock of every test here


def _written(engine) -> dict[str, int]:
    return {model.__name__: count(engine, model) for model in (GoalMeasurement, CustomerMeasurement, Feedback, Theme)}


def _objective(engine, workspace_id: int, name: str = "Reduce churn") -> int:
    return call(engine, create_node, workspace_id=workspace_id, data={"kind": "objective", "name": name}).id


def _goal(
    engine, workspace_id: int, metric: str = "Installer churn per year", objective_id: int | None = None, **values
) -> int:
    objective_id = objective_id or _objective(engine, workspace_id, f"Objective for {metric}")
    data = {
        "objective_id": objective_id,
        "metric": metric,
        "unit": "%",
        "baseline": 14,
        "target": 9,
        "deadline": "2027-12-31",
        "owner": "Erik",
    } | values
    return call(engine, create_goal, workspace_id=workspace_id, data=data, today=TODAY).id


def _measure(engine, workspace_id: int, goal_id: int, day, value, **values):
    return call(
        engine,
        add_goal_measurement,
        workspace_id=workspace_id,
        today=TODAY,
        data={"goal_id": goal_id, "measured_on": day, "value": value} | values,
    )


def _values(engine, workspace_id: int, goal_id: int) -> list[tuple[date, float]]:
    return [
        (m.measured_on, m.value) for m in read(engine, goal_measurements, workspace_id=workspace_id).get(goal_id, [])
    ]


def _customer(engine, workspace_id: int, measure: str, day, value, segment_id: int | None = None):
    return call(
        engine,
        add_customer_measurement,
        workspace_id=workspace_id,
        today=TODAY,
        data={"measure": measure, "segment_id": segment_id, "measured_on": day, "value": value},
    )


def _customer_rows(engine, workspace_id: int) -> list[tuple[str, str, date, float]]:
    return [
        (m.measure, m.segment_name, m.measured_on, m.value)
        for m in read(engine, customer_measurements, workspace_id=workspace_id)
    ]


def _feedback(
    engine, workspace_id: int, text: str = "The parts were not in stock.", today: date = TODAY, **values
) -> int:
    return call(
        engine,
        create_feedback,
        workspace_id=workspace_id,
        today=today,
        data={"text": text, "received_on": "2026-11-20"} | values,
    )


def _one_feedback(engine, workspace_id: int, feedback_id: int):
    return read(engine, list_feedback, workspace_id=workspace_id, feedback_id=feedback_id)[0]


def _update(engine, workspace_id: int, feedback_id: int, today: date = TODAY, **changes):
    return call(
        engine,
        update_feedback,
        version=version_of(engine, Feedback, feedback_id),
        workspace_id=workspace_id,
        feedback_id=feedback_id,
        changes=changes,
        today=today,
    )


# --- goal measurements -----------------------------------------------------------------------


def test_a_goal_measurement_is_saved_and_read_back_oldest_first(engine):
    ws = new_workspace(engine)
    goal = _goal(engine, ws)
    saved = _measure(engine, ws, goal, "2026-11-30", 13.2, note=" From the ERP ", recorded_by="  Erik   Solberg ")
    assert (saved.goal_id, saved.measured_on, saved.value, saved.note, saved.recorded_by) == (
        goal,
        date(2026, 11, 30),
        13.2,
        "From the ERP",
        "Erik Solberg",
    )
    _measure(engine, ws, goal, "2026-10-31", "13,6")  # a decimal comma, as typed in Norway
    _measure(engine, ws, goal, TODAY, 13.1)  # today itself is not in the future
    [(listed_goal, listed)] = read(engine, goal_measurements, workspace_id=ws).items()
    assert listed_goal == goal
    assert [(m.measured_on, m.value, m.note) for m in listed] == [
        (date(2026, 10, 31), 13.6, ""),
        (date(2026, 11, 30), 13.2, "From the ERP"),
        (TODAY, 13.1, ""),
    ]
    assert count(engine, GoalMeasurement, goal_id=goal) == 3


def test_a_measurement_dated_in_the_future_is_refused_naming_the_date(engine):
    ws = new_workspace(engine)
    goal = _goal(engine, ws)
    tomorrow = TODAY + timedelta(days=1)
    refused = refusal_of(
        engine,
        add_goal_measurement,
        workspace_id=ws,
        today=TODAY,
        data={"goal_id": goal, "measured_on": tomorrow, "value": 13},
    )
    [problem] = refused.problems
    assert problem.field == "Date"
    assert tomorrow.isoformat() in problem.message and "future" in problem.message
    assert count(engine, GoalMeasurement) == 0


def test_the_same_goal_and_day_twice_is_refused_naming_the_value_already_there(engine):
    ws = new_workspace(engine)
    goal, other = _goal(engine, ws), _goal(engine, ws, "Counter satisfaction", baseline=3.6, target=4.3)
    _measure(engine, ws, goal, "2026-11-30", 14.7)
    refused = refusal_of(
        engine,
        add_goal_measurement,
        workspace_id=ws,
        today=TODAY,
        data={"goal_id": goal, "measured_on": "2026-11-30", "value": 12},
    )
    [problem] = refused.problems
    assert problem.field == "Date"
    assert "Installer churn per year" in problem.message and "2026-11-30" in problem.message
    assert "(14.7)" in problem.message
    assert _values(engine, ws, goal) == [(date(2026, 11, 30), 14.7)]
    # The same day for another goal is another value.
    _measure(engine, ws, other, "2026-11-30", 3.9)
    assert count(engine, GoalMeasurement) == 2


@pytest.mark.parametrize(
    "value, said",
    [("abc", "must be a number"), ("", "is required"), (None, "is required")],
    ids=["text", "empty", "none"],
)
def test_a_value_that_is_not_a_number_is_refused_naming_the_value(engine, value, said):
    ws = new_workspace(engine)
    goal = _goal(engine, ws)
    refused = refusal_of(
        engine,
        add_goal_measurement,
        workspace_id=ws,
        today=TODAY,
        data={"goal_id": goal, "measured_on": "2026-11-30", "value": value},
    )
    [problem] = refused.problems
    assert problem.field == "Value" and said in problem.message
    assert count(engine, GoalMeasurement) == 0


def test_a_deleted_goal_or_another_workspaces_goal_takes_no_measurement(engine):
    ws, other = new_workspace(engine), new_workspace(engine, "Other")
    goal, foreign = _goal(engine, ws), _goal(engine, other)
    _measure(engine, ws, goal, "2026-10-31", 14.5)
    _measure(engine, other, foreign, "2026-10-31", 11)
    call(engine, delete_goal, workspace_id=ws, goal_id=goal)
    assert count(engine, GoalMeasurement, goal_id=goal) == 0  # its values went with it
    before = _written(engine)
    for wrong in (goal, foreign):
        refused = refusal_of(
            engine,
            add_goal_measurement,
            workspace_id=ws,
            today=TODAY,
            data={"goal_id": wrong, "measured_on": "2026-11-30", "value": 14},
        )
        [problem] = refused.problems
        assert problem.field == "Goal"
        assert "does not exist" in problem.message and "nothing was saved" in problem.message
        assert _written(engine) == before
    assert _values(engine, other, foreign) == [(date(2026, 10, 31), 11)]


# --- a goal's whole table at once ------------------------------------------------------------


def test_set_goal_measurements_replaces_every_value_of_the_goal_and_only_that_goal(engine):
    ws = new_workspace(engine)
    goal, other = _goal(engine, ws), _goal(engine, ws, "Counter satisfaction", baseline=3.6, target=4.3)
    for day, value in (("2026-09-30", 14.5), ("2026-10-31", 14.6), ("2026-11-30", 14.7)):
        _measure(engine, ws, goal, day, value)
    _measure(engine, ws, other, "2026-11-30", 3.9)
    written = call(
        engine,
        set_goal_measurements,
        workspace_id=ws,
        goal_id=goal,
        today=TODAY,
        rows=[
            {"measured_on": "2026-11-30", "value": 13.0, "note": "Corrected"},
            {"measured_on": "2026-08-31", "value": "14,4", "recorded_by": "Erik"},
        ],
    )
    assert written == 2
    listed = read(engine, goal_measurements, workspace_id=ws)
    assert [(m.measured_on, m.value, m.note, m.recorded_by) for m in listed[goal]] == [
        (date(2026, 8, 31), 14.4, "", "Erik"),
        (date(2026, 11, 30), 13.0, "Corrected", ""),
    ]
    assert _values(engine, ws, other) == [(date(2026, 11, 30), 3.9)]
    # An empty table empties the goal.
    assert call(engine, set_goal_measurements, workspace_id=ws, goal_id=goal, today=TODAY, rows=[]) == 0
    assert count(engine, GoalMeasurement, goal_id=goal) == 0
    assert count(engine, GoalMeasurement, goal_id=other) == 1


GOOD = {"measured_on": "2026-10-31", "value": 14.6}


@pytest.mark.parametrize(
    "bad, field, said",
    [
        ({"measured_on": "2026-10-31", "value": 13}, "Date", "also on row 1"),
        ({"measured_on": "2026-12-24", "value": 13}, "Date", "2026-12-24 is in the future"),
        ({"measured_on": "2026-11-30", "value": "abc"}, "Value", "must be a number"),
    ],
    ids=["duplicate-date", "future-date", "text-value"],
)
def test_one_bad_row_among_good_ones_changes_nothing_and_names_its_row(engine, bad, field, said):
    ws = new_workspace(engine)
    goal = _goal(engine, ws)
    _measure(engine, ws, goal, "2026-09-30", 14.5)
    before = _values(engine, ws, goal)
    rows = [GOOD, bad, {"measured_on": "2026-08-31", "value": 14.4}]
    refused = refusal_of(engine, set_goal_measurements, workspace_id=ws, goal_id=goal, today=TODAY, rows=rows)
    [problem] = refused.problems
    assert (problem.row, problem.field) == (2, field)
    assert said in problem.message
    assert _values(engine, ws, goal) == before


def test_every_bad_row_is_reported_with_its_row_number_at_once(engine):
    ws = new_workspace(engine)
    goal = _goal(engine, ws)
    _measure(engine, ws, goal, "2026-09-30", 14.5)
    rows = [
        GOOD,
        {"measured_on": "2026-11-30", "value": 14.7},
        {"measured_on": "2026-10-31", "value": 13},  # row 3: the day of row 1
        {"measured_on": "2027-01-31", "value": 13},  # row 4: in the future
        {"measured_on": "2026-08-31", "value": "abc"},
    ]  # row 5: not a number
    refused = refusal_of(engine, set_goal_measurements, workspace_id=ws, goal_id=goal, today=TODAY, rows=rows)
    assert [(p.row, p.field) for p in refused.problems] == [(3, "Date"), (4, "Date"), (5, "Value")]
    assert "row 1" in refused.problems[0].message
    assert all(f"Row {p.row}, " in str(p) for p in refused.problems)
    assert _values(engine, ws, goal) == [(date(2026, 9, 30), 14.5)]
    assert count(engine, GoalMeasurement) == 1


# --- customer measures -----------------------------------------------------------------------


def test_customer_measures_are_saved_for_a_segment_and_for_all_customers(engine):
    ws = new_workspace(engine)
    installers = new_segment(engine, ws, "Installers")
    for_segment = _customer(engine, ws, "NPS", "2026-11-30", "-12", installers)
    for_all = _customer(engine, ws, " churn ", "2026-11-30", "7,5")
    assert (for_segment.measure, for_segment.segment_id, for_segment.segment_name, for_segment.value) == (
        "NPS",
        installers,
        "Installers",
        -12.0,
    )
    assert (for_all.measure, for_all.segment_id, for_all.segment_name, for_all.value) == ("Churn", None, "", 7.5)
    assert _customer_rows(engine, ws) == [
        ("Churn", "", date(2026, 11, 30), 7.5),
        ("NPS", "Installers", date(2026, 11, 30), -12.0),
    ]
    assert count(engine, CustomerMeasurement, workspace_id=ws) == 2


def test_the_same_measure_segment_and_day_twice_is_refused_but_not_for_another_segment_or_all(engine):
    ws = new_workspace(engine)
    installers, contractors = new_segment(engine, ws, "Installers"), new_segment(engine, ws, "Contractors")
    _customer(engine, ws, "NPS", "2026-11-30", 21, installers)
    refused = refusal_of(
        engine,
        add_customer_measurement,
        workspace_id=ws,
        today=TODAY,
        data={"measure": "NPS", "segment_id": installers, "measured_on": "2026-11-30", "value": 30},
    )
    [problem] = refused.problems
    assert problem.field == "Date"
    assert "NPS for Installers" in problem.message and "2026-11-30" in problem.message and "(21)" in problem.message
    assert count(engine, CustomerMeasurement) == 1
    # Another segment, all customers, another measure, another day: each its own value.
    _customer(engine, ws, "NPS", "2026-11-30", 35, contractors)
    _customer(engine, ws, "NPS", "2026-11-30", 25)
    _customer(engine, ws, "Satisfaction", "2026-11-30", 80, installers)
    _customer(engine, ws, "NPS", "2026-10-31", 18, installers)
    assert count(engine, CustomerMeasurement) == 5
    refused = refusal_of(
        engine,
        add_customer_measurement,
        workspace_id=ws,
        today=TODAY,
        data={"measure": "NPS", "segment_id": None, "measured_on": "2026-11-30", "value": 26},
    )
    assert "NPS for all customers" in refused.problems[0].message and "(25)" in refused.problems[0].message
    assert count(engine, CustomerMeasurement) == 5


def test_a_segment_of_another_workspace_or_a_future_day_takes_no_customer_measure(engine):
    ws, other = new_workspace(engine), new_workspace(engine, "Other")
    foreign = new_segment(engine, other, "Their installers")
    refused = refusal_of(
        engine,
        add_customer_measurement,
        workspace_id=ws,
        today=TODAY,
        data={"measure": "NPS", "segment_id": foreign, "measured_on": "2026-11-30", "value": 20},
    )
    [problem] = refused.problems
    assert problem.field == "Segment" and "does not exist" in problem.message
    refused = refusal_of(
        engine,
        add_customer_measurement,
        workspace_id=ws,
        today=TODAY,
        data={"measure": "NPS", "measured_on": "2026-12-02", "value": 20},
    )
    assert [p.field for p in refused.problems] == ["Date"]
    assert count(engine, CustomerMeasurement) == 0


@pytest.mark.parametrize(
    "measure, value", [("NPS", 101), ("NPS", -101), ("Churn", 120), ("Loyalty", -1), ("Satisfaction", "100,5")]
)
def test_a_customer_measure_outside_its_range_is_refused(engine, measure, value):
    ws = new_workspace(engine)
    refused = refusal_of(
        engine,
        add_customer_measurement,
        workspace_id=ws,
        today=TODAY,
        data={"measure": measure, "measured_on": "2026-11-30", "value": value},
    )
    [problem] = refused.problems
    assert measure in problem.message and "outside" in problem.message
    assert count(engine, CustomerMeasurement) == 0


def test_the_ends_of_each_range_are_accepted_and_an_unknown_measure_is_not(engine):
    ws = new_workspace(engine)
    _customer(engine, ws, "NPS", "2026-11-30", -100)
    _customer(engine, ws, "NPS", "2026-10-31", 100)
    _customer(engine, ws, "Churn", "2026-11-30", 0)
    _customer(engine, ws, "Churn", "2026-10-31", 100)
    assert count(engine, CustomerMeasurement) == 4
    refused = refusal_of(
        engine,
        add_customer_measurement,
        workspace_id=ws,
        today=TODAY,
        data={"measure": "Revenue", "measured_on": "2026-11-30", "value": 5},
    )
    assert [p.field for p in refused.problems] == ["Measure"]
    assert count(engine, CustomerMeasurement) == 4


def test_customer_measurements_are_deleted_by_id_and_only_in_their_workspace(engine):
    ws, other = new_workspace(engine), new_workspace(engine, "Other")
    first = _customer(engine, ws, "NPS", "2026-10-31", 18).id
    second = _customer(engine, ws, "NPS", "2026-11-30", 21).id
    foreign = _customer(engine, other, "NPS", "2026-11-30", 40).id
    assert call(engine, delete_customer_measurements, workspace_id=ws, measurement_ids=[first, first]) == 1
    assert [m.id for m in read(engine, customer_measurements, workspace_id=ws)] == [second]
    refused = refusal_of(engine, delete_customer_measurements, workspace_id=ws, measurement_ids=[second, foreign])
    assert "does not exist in this workspace" in str(refused)
    assert count(engine, CustomerMeasurement, id=second) == 1  # the refusal deleted nothing
    assert count(engine, CustomerMeasurement, id=foreign) == 1


def test_deleting_a_segment_removes_its_customer_measures_and_unlinks_its_feedback(engine):
    ws = new_workspace(engine)
    installers, contractors = new_segment(engine, ws, "Installers"), new_segment(engine, ws, "Contractors")
    _customer(engine, ws, "NPS", "2026-11-30", 21, installers)
    _customer(engine, ws, "Churn", "2026-11-30", 9, installers)
    _customer(engine, ws, "NPS", "2026-11-30", 35, contractors)
    _customer(engine, ws, "NPS", "2026-11-30", 25)
    said = _feedback(engine, ws, segment_id=installers)
    call(engine, delete_segment, workspace_id=ws, segment_id=installers)
    assert _customer_rows(engine, ws) == [
        ("NPS", "Contractors", date(2026, 11, 30), 35.0),
        ("NPS", "", date(2026, 11, 30), 25.0),
    ]
    assert count(engine, CustomerMeasurement, segment_id=installers) == 0
    kept = _one_feedback(engine, ws, said)
    assert (kept.segment_id, kept.segment_name) == (None, "")


# --- importing measurements ------------------------------------------------------------------


def _import_file(rows: list[list]) -> bytes:
    return to_csv_bytes(TEMPLATE_HEADER, rows)


def _preview(engine, ws: int, raw: bytes):
    from crmstrategy.analysis.segments import list_segments
    from crmstrategy.strategy.goals import list_goals

    goals = {g.id: g.metric for g in read(engine, list_goals, workspace_id=ws)}
    segments = {s.name: s.id for s in read(engine, list_segments, workspace_id=ws)}
    return preview_measurement_import(raw, "measurements.csv", goals=goals, segments=segments, taken=set(), today=TODAY)


def _import_workspace(engine):
    ws = new_workspace(engine)
    churn = _goal(engine, ws)
    csat = _goal(engine, ws, "Counter satisfaction", baseline=3.6, target=4.3)
    installers = new_segment(engine, ws, "Installers")
    raw = _import_file(
        [
            ["Counter satisfaction", "", "2026-10-31", "3,9", "", "Mona"],
            ["Installer churn per year", "", "2026-10-31", "14.6", "From the ERP", "Erik"],
            ["NPS", "Installers", "2026-11-30", "21", "", ""],
            ["Installer churn per year", "", "2026-11-30", "14.7", "", "Erik"],
            ["Churn", "", "2026-11-30", "8", "", ""],
        ]
    )
    preview = _preview(engine, ws, raw)
    assert (len(preview.valid), preview.rejected) == (5, [])
    return ws, churn, csat, installers, preview


def test_an_import_writes_every_row_of_its_preview(engine):
    ws, churn, csat, installers, preview = _import_workspace(engine)
    assert call(engine, import_measurements, workspace_id=ws, rows=preview.valid, today=TODAY) == 5
    assert _values(engine, ws, churn) == [(date(2026, 10, 31), 14.6), (date(2026, 11, 30), 14.7)]
    assert _values(engine, ws, csat) == [(date(2026, 10, 31), 3.9)]
    assert _customer_rows(engine, ws) == [
        ("Churn", "", date(2026, 11, 30), 8.0),
        ("NPS", "Installers", date(2026, 11, 30), 21.0),
    ]


def test_a_goal_deleted_after_the_preview_refuses_the_whole_import(engine):
    ws, churn, csat, installers, preview = _import_workspace(engine)
    churn_rows = sorted(
        n for n, item in preview.valid if isinstance(item, GoalMeasurementCreate) and item.goal_id == churn
    )
    assert len(churn_rows) == 2
    assert any(isinstance(item, CustomerMeasurementCreate) for _, item in preview.valid)
    call(engine, delete_goal, workspace_id=ws, goal_id=churn)
    before = _written(engine)
    refused = refusal_of(engine, import_measurements, workspace_id=ws, rows=preview.valid, today=TODAY)
    assert sorted(p.row for p in refused.problems) == churn_rows
    assert {p.field for p in refused.problems} == {"Goal"}
    assert all("does not exist" in p.message for p in refused.problems)
    # Nothing from the file, not even the rows of the goal and the measures still there.
    assert _written(engine) == before
    assert _values(engine, ws, csat) == [] and _customer_rows(engine, ws) == []


# --- customer feedback -----------------------------------------------------------------------


def test_feedback_is_created_with_its_defaults(engine):
    ws = new_workspace(engine)
    said = _feedback(engine, ws, text="  The parts were   not in stock. ", source="Ola, Rørlegger AS")
    item = _one_feedback(engine, ws, said)
    assert (
        item.text,
        item.source,
        item.received_on,
        item.status,
        item.sentiment,
        item.routed_to,
        item.response,
        item.status_changed_on,
        item.segment_id,
        item.persona_id,
        item.action_id,
    ) == (
        "The parts were   not in stock.",
        "Ola, Rørlegger AS",
        date(2026, 11, 20),
        "New",
        "Neutral",
        "",
        "",
        None,
        None,
        None,
        None,
    )
    assert not item.theme and (item.segment_name, item.persona_name, item.action_title) == ("", "", "")
    assert count(engine, Feedback, workspace_id=ws) == 1


def test_feedback_routed_to_nobody_is_refused(engine):
    ws = new_workspace(engine)
    for status in ("Routed", "Acted on"):
        refused = refusal_of(
            engine,
            create_feedback,
            workspace_id=ws,
            today=TODAY,
            data={"text": "Late again", "received_on": "2026-11-20", "status": status, "response": "Called back"},
        )
        [problem] = refused.problems
        assert f"'{status.lower()}'" in problem.message and "say to whom" in problem.message
    assert count(engine, Feedback) == 0


def test_feedback_acted_on_says_what_was_done_by_an_action_or_in_words(engine):
    ws = new_workspace(engine)
    refused = refusal_of(
        engine,
        create_feedback,
        workspace_id=ws,
        today=TODAY,
        data={"text": "Late again", "received_on": "2026-11-20", "status": "Acted on", "routed_to": "Logistics"},
    )
    [problem] = refused.problems
    assert "what was done" in problem.message
    assert count(engine, Feedback) == 0
    action = call(engine, create_action, workspace_id=ws, data={"title": "Delivery window by SMS"}).id
    by_action = _feedback(engine, ws, status="Acted on", routed_to="Logistics", action_id=action)
    in_words = _feedback(
        engine, ws, "Wrong invoice", status="Acted on", routed_to="Finance", response="Credited the difference"
    )
    item = _one_feedback(engine, ws, by_action)
    assert (item.status, item.action_id, item.action_title, item.status_changed_on) == (
        "Acted on",
        action,
        "Delivery window by SMS",
        TODAY,
    )
    assert (_one_feedback(engine, ws, in_words).response, _one_feedback(engine, ws, in_words).action_title) == (
        "Credited the difference",
        "",
    )
    assert count(engine, Feedback) == 2


def test_a_persona_alone_brings_its_segment_and_a_persona_of_another_segment_is_refused(engine):
    ws = new_workspace(engine)
    installers, contractors = new_segment(engine, ws, "Installers"), new_segment(engine, ws, "Contractors")
    ola = new_persona(engine, ws, installers, "Ola the installer")
    said = _feedback(engine, ws, persona_id=ola)
    item = _one_feedback(engine, ws, said)
    assert (item.persona_id, item.persona_name, item.segment_id, item.segment_name) == (
        ola,
        "Ola the installer",
        installers,
        "Installers",
    )
    assert (
        _one_feedback(engine, ws, _feedback(engine, ws, segment_id=installers, persona_id=ola)).segment_id == installers
    )
    refused = refusal_of(
        engine,
        create_feedback,
        workspace_id=ws,
        today=TODAY,
        data={"text": "Late again", "received_on": "2026-11-20", "segment_id": contractors, "persona_id": ola},
    )
    [problem] = refused.problems
    assert problem.field == "Persona" and "Ola the installer" in problem.message
    assert "another segment" in problem.message
    assert count(engine, Feedback) == 2


@pytest.mark.parametrize("link, field", [("action_id", "Action"), ("persona_id", "Persona"), ("segment_id", "Segment")])
def test_another_workspaces_action_persona_or_segment_is_refused(engine, link, field):
    ws, other = new_workspace(engine), new_workspace(engine, "Other")
    segment = new_segment(engine, other, "Their installers")
    foreign = {
        "segment_id": segment,
        "persona_id": new_persona(engine, other, segment, "Their persona"),
        "action_id": call(engine, create_action, workspace_id=other, data={"title": "Their action"}).id,
    }
    extra = {"status": "Acted on", "routed_to": "Sales"} if link == "action_id" else {}
    before = _written(engine)
    refused = refusal_of(
        engine,
        create_feedback,
        workspace_id=ws,
        today=TODAY,
        data={"text": "Late again", "received_on": "2026-11-20", link: foreign[link]} | extra,
    )
    [problem] = refused.problems
    assert problem.field == field and "does not exist in this workspace" in problem.message
    assert _written(engine) == before
    # Nor can an existing feedback be linked to it.
    own = _feedback(engine, ws)
    refused = refusal_of(
        engine,
        update_feedback,
        version=version_of(engine, Feedback, own),
        workspace_id=ws,
        feedback_id=own,
        today=TODAY,
        changes={link: foreign[link]} | extra,
    )
    assert [p.field for p in refused.problems] == [field]
    item = _one_feedback(engine, ws, own)
    assert (item.segment_id, item.persona_id, item.action_id, item.status) == (None, None, None, "New")


def test_the_day_the_status_changed_follows_routing_and_acting(engine):
    ws = new_workspace(engine)
    routed_at_once = _feedback(engine, ws, status="Routed", routed_to="Sales", today=date(2026, 11, 25))
    assert _one_feedback(engine, ws, routed_at_once).status_changed_on == date(2026, 11, 25)
    said = _feedback(engine, ws)
    assert _one_feedback(engine, ws, said).status_changed_on is None
    routed = _update(engine, ws, said, today=date(2026, 11, 22), status="Routed", routed_to="Logistics")
    assert (routed.status, routed.routed_to, routed.status_changed_on) == ("Routed", "Logistics", date(2026, 11, 22))
    # Routed to someone else, still routed: the day it was routed stays.
    again = _update(engine, ws, said, today=date(2026, 11, 24), routed_to="Erik")
    assert (again.routed_to, again.status_changed_on) == ("Erik", date(2026, 11, 22))
    acted = _update(engine, ws, said, today=date(2026, 11, 28), status="Acted on", response="Called the customer")
    assert (acted.status, acted.status_changed_on) == ("Acted on", date(2026, 11, 28))
    back = _update(engine, ws, said, today=TODAY, status="New")
    assert (back.status, back.status_changed_on) == ("New", None)
    assert _one_feedback(engine, ws, said).status_changed_on is None


def test_a_theme_named_on_feedback_joins_the_workspace_themes(engine):
    ws, other = new_workspace(engine), new_workspace(engine, "Other")
    themes_before, other_before = (
        read(engine, list_themes, workspace_id=ws),
        read(engine, list_themes, workspace_id=other),
    )
    assert "Opening hours" not in themes_before and "Price" in themes_before
    said = _feedback(engine, ws, theme="  Opening   hours ")
    assert _one_feedback(engine, ws, said).theme == "Opening hours"
    assert read(engine, list_themes, workspace_id=ws) == themes_before + ["Opening hours"]
    assert read(engine, list_themes, workspace_id=other) == other_before
    # A known theme in other letters is the same theme, not a new one.
    themes = count(engine, Theme)
    priced = _feedback(engine, ws, "Too dear", theme="price")
    assert _one_feedback(engine, ws, priced).theme == "Price"
    assert count(engine, Theme) == themes
    changed = _update(engine, ws, said, theme="opening hours")
    assert changed.theme == "Opening hours" and count(engine, Theme) == themes


def test_deleting_the_action_leaves_the_feedback_without_it(engine):
    ws = new_workspace(engine)
    action = call(engine, create_action, workspace_id=ws, data={"title": "Delivery window by SMS"}).id
    said = _feedback(engine, ws, status="Acted on", routed_to="Logistics", action_id=action, response="SMS pilot")
    call(engine, delete_action, workspace_id=ws, action_id=action)
    item = _one_feedback(engine, ws, said)
    assert (item.action_id, item.action_title, item.status, item.response) == (None, "", "Acted on", "SMS pilot")
    assert count(engine, Feedback, workspace_id=ws) == 1


def test_a_workspace_whose_acted_on_feedback_lost_its_action_still_exports_and_imports(engine):
    ws = new_workspace(engine)
    action = call(engine, create_action, workspace_id=ws, data={"title": "Delivery window by SMS"}).id
    _feedback(engine, ws, status="Acted on", routed_to="Logistics", action_id=action)
    call(engine, delete_action, workspace_id=ws, action_id=action)
    document = export_document(engine, ws)
    document["workspace"]["name"] = "Acme again"
    copy = import_document(engine, document).id
    assert [(f.text, f.status, f.response) for f in read(engine, list_feedback, workspace_id=copy)] == [
        ("The parts were not in stock.", "Acted on", "Led to the plan action 'Delivery window by SMS' (since deleted).")
    ]


def test_deleting_feedback_removes_only_that_one(engine):
    ws, other = new_workspace(engine), new_workspace(engine, "Other")
    gone, kept = _feedback(engine, ws, "Late again"), _feedback(engine, ws, "Wrong invoice")
    foreign = _feedback(engine, other, "Their feedback")
    assert call(engine, delete_feedback, workspace_id=ws, feedback_id=gone) == "Late again"
    assert [f.id for f in read(engine, list_feedback, workspace_id=ws)] == [kept]
    refused = refusal_of(engine, delete_feedback, workspace_id=ws, feedback_id=foreign)
    assert "does not exist in this workspace" in str(refused)
    refused = refusal_of(engine, delete_feedback, workspace_id=ws, feedback_id=gone)
    assert "does not exist in this workspace" in str(refused)
    assert count(engine, Feedback) == 2


def test_feedback_dated_in_the_future_is_refused_on_create_and_on_update(engine):
    ws = new_workspace(engine)
    refused = refusal_of(
        engine, create_feedback, workspace_id=ws, today=TODAY, data={"text": "Late again", "received_on": "2026-12-02"}
    )
    [problem] = refused.problems
    assert problem.field == "Date" and "2026-12-02" in problem.message and "future" in problem.message
    assert count(engine, Feedback) == 0
    said = _feedback(engine, ws)
    refused = refusal_of(
        engine,
        update_feedback,
        version=version_of(engine, Feedback, said),
        workspace_id=ws,
        feedback_id=said,
        today=TODAY,
        changes={"received_on": "2026-12-02", "text": "Changed"},
    )
    assert [p.field for p in refused.problems] == ["Date"]
    item = _one_feedback(engine, ws, said)
    assert (item.received_on, item.text) == (date(2026, 11, 20), "The parts were not in stock.")


def test_feedback_is_listed_newest_first(engine):
    ws = new_workspace(engine)
    for text, day in (("Oldest", "2026-09-01"), ("Newest", "2026-11-30"), ("Middle", "2026-10-15")):
        _feedback(engine, ws, text, received_on=day)
    assert [f.text for f in read(engine, list_feedback, workspace_id=ws)] == ["Newest", "Middle", "Oldest"]


# --- goal status and the health check on the demo ---------------------------------------------


def test_goal_follow_up_of_the_demo(engine, demo_workspace_id):
    followed = read(engine, goal_follow_up, workspace_id=demo_workspace_id, today=TODAY)
    statuses = {f.goal.metric: f.status.status for f in followed}
    assert statuses == {
        "Proactive calls to quiet regulars": "On track",
        "Installer churn per year": "Off track",
        "Counter satisfaction (CSAT)": "On track",
        "Orders placed ahead in the app": "At risk",
        "Projects per key contractor": "On track",
    }
    churn = next(f for f in followed if f.goal.metric == "Installer churn per year")
    assert churn.objective == "Reduce churn among installers"
    assert churn.status.latest == (date(2026, 11, 30), 14.7)
    assert churn.measurements[-1].value == 14.7 and len(churn.milestones) == 8
    # Statuses alone (the Overview's and the health check's reading) judge the same, from the same values
    quick = read(engine, goal_follow_up, workspace_id=demo_workspace_id, today=TODAY, with_values=False)
    assert [(f.goal.id, f.status) for f in quick] == [(f.goal.id, f.status) for f in followed]
    assert all(f.measurements == [] for f in quick)


def test_a_goal_without_measurements_is_not_measured_and_one_ahead_of_its_path_is_on_track(engine):
    ws = new_workspace(engine)
    goal = _goal(engine, ws, baseline_on="2026-06-30")
    [only] = read(engine, goal_follow_up, workspace_id=ws, today=TODAY)
    assert only.status.status == "Not measured"
    _measure(engine, ws, goal, "2026-11-30", 10)  # far ahead of the path from 14 to 9
    assert read(engine, goal_follow_up, workspace_id=ws, today=TODAY)[0].status.status == "On track"
    _measure(engine, ws, goal, TODAY, 16)  # now worse than the baseline
    assert read(engine, goal_follow_up, workspace_id=ws, today=TODAY)[0].status.status == "Off track"


DEMO_FAILURES = {"owners", "goals_on_track", "initiative_actions", "readiness", "feedback"}


def test_the_health_check_of_the_demo_fails_exactly_what_the_demo_lacks(engine, demo_workspace_id):
    results = read(engine, health_check, workspace_id=demo_workspace_id, today=TODAY)
    failed = {r.rule.key: r.finding for r in results if r.failed}
    assert set(failed) == DEMO_FAILURES
    assert len(results) == 14 and all(r.judged for r in results)  # the demo gives every rule something to judge
    # Each failure is the demo's own data speaking.
    assert failed["owners"].items == ("Action: Counter training: greet regulars by name",)
    assert failed["goals_on_track"].items == ("Installer churn per year (Erik Solberg)",)
    assert failed["initiative_actions"].items == ("Monthly newsletter with product news",)
    assert len(failed["readiness"].items) == 2
    assert any("direct line to top management" in item for item in failed["readiness"].items)
    assert any("Data-quality requirements" in item for item in failed["readiness"].items)
    overdue = [int(item.rsplit("(", 1)[1].split()[0]) for item in failed["feedback"].items]
    assert len(overdue) == 4 and all(days > 30 for days in overdue) and overdue == sorted(overdue, reverse=True)
    # Failed rules come first, the most serious first.
    order = [r.passed for r in results]
    assert order == sorted(order)
    assert [r.rule.severity for r in results[:2]] == ["Critical", "Critical"]


def test_acting_on_the_overdue_feedback_clears_the_feedback_rule(engine, demo_workspace_id):
    ws = demo_workspace_id
    waiting = [
        f
        for f in read(engine, list_feedback, workspace_id=ws)
        if f.status != "Acted on" and (TODAY - f.received_on).days > 30
    ]
    assert len(waiting) == 4
    for item in waiting:
        _update(
            engine,
            ws,
            item.id,
            status="Acted on",
            routed_to=item.routed_to or "Sales",
            response="Answered the customer",
        )
    failed = {r.rule.key for r in read(engine, health_check, workspace_id=ws, today=TODAY) if r.failed}
    assert failed == DEMO_FAILURES - {"feedback"}


def test_the_health_check_of_a_new_workspace_asks_for_the_basics(engine):
    ws = new_workspace(engine, "Brand new")
    results = read(engine, health_check, workspace_id=ws, today=TODAY)
    failed = {r.rule.key for r in results if r.failed}
    assert failed == {"target_segments", "promise", "departments"}
    assert not any(r.passed for r in results)  # nothing to judge is not a pass
    assert {r.rule.key for r in results if not r.judged} == {
        "owners",
        "goals_on_track",
        "activity_goals",
        "map_size",
        "initiative_actions",
        "plan_reviewed",
        "readiness",
        "feedback",
        "leader",
        "target_factors",
        "evidence",
    }
    assert results[0].rule.key == "target_segments"  # the one Critical failure leads


def _states(engine, ws) -> dict[str, str]:
    return {r.rule.key: r.state for r in read(engine, health_check, workspace_id=ws, today=TODAY)}


def test_the_leader_rule_reads_the_leader_flags_and_the_steps_taken(engine):
    ws = new_workspace(engine, "Leaders")
    kari = call(engine, create_participant, workspace_id=ws, data={"name": "Kari", "department": "Sales"})
    assert _states(engine, ws)["leader"] == "Failed"  # one participant, no leader
    mona = call(
        engine, create_participant, workspace_id=ws, data={"name": "Mona", "department": "Board", "is_leader": True}
    )
    assert _states(engine, ws)["leader"] == "Passed"  # nobody's steps recorded yet: the flag is enough
    call(engine, set_participation, workspace_id=ws, participant_id=kari.id, steps=["Analysis"])
    failed = next(r for r in read(engine, health_check, workspace_id=ws, today=TODAY) if r.rule.key == "leader")
    assert failed.failed and failed.finding.items == ("Mona",)  # others took part in a step, the leader in none
    call(engine, set_participation, workspace_id=ws, participant_id=mona.id, steps=["Strategy"])
    assert _states(engine, ws)["leader"] == "Passed"


def test_the_target_factor_rule_reads_the_key_factors_of_the_target_segments(engine):
    ws = new_workspace(engine, "Targets")
    target = new_segment(engine, ws, "Installers")
    other = new_segment(engine, ws, "Contractors")
    assert _states(engine, ws)["target_factors"] == "Not yet"
    call(
        engine,
        set_priority,
        workspace_id=ws,
        segment_id=target,
        priority="Primary target",
        rationale="They buy most often.",
    )
    result = next(r for r in read(engine, health_check, workspace_id=ws, today=TODAY) if r.rule.key == "target_factors")
    assert result.finding.items == ("Installers: no key factors",)
    call(engine, set_segment_factors, workspace_id=ws, segment_id=other, factors=[{"factor": "Price", "weight": 1}])
    call(engine, set_segment_factors, workspace_id=ws, segment_id=target, factors=[{"factor": "Stock", "weight": 1}])
    result = next(r for r in read(engine, health_check, workspace_id=ws, today=TODAY) if r.rule.key == "target_factors")
    assert result.finding.items == ("Installers: key factors not rated or agreed",)
    [factor] = read(engine, segment_factors, workspace_id=ws, segment_id=target)
    call(engine, set_agreed_strengths, workspace_id=ws, segment_id=target, agreed={factor.id: 4})
    assert _states(engine, ws)["target_factors"] == "Passed"  # the other segment is no target: not asked


# --- isolation -------------------------------------------------------------------------------


def test_measurements_and_feedback_of_one_workspace_never_show_in_another(engine):
    ws, other = new_workspace(engine), new_workspace(engine, "Other")
    goal, foreign_goal = _goal(engine, ws), _goal(engine, other)
    _measure(engine, ws, goal, "2026-11-30", 14.7)
    _measure(engine, other, foreign_goal, "2026-11-30", 10.0)
    _customer(engine, ws, "NPS", "2026-11-30", 21, new_segment(engine, ws, "Installers"))
    _customer(engine, other, "NPS", "2026-11-30", 40)
    _feedback(engine, ws, "Ours", received_on="2026-08-01")  # long overdue
    theirs = _feedback(engine, other, "Theirs")
    assert list(read(engine, goal_measurements, workspace_id=ws)) == [goal]
    assert list(read(engine, goal_measurements, workspace_id=other)) == [foreign_goal]
    assert _customer_rows(engine, ws) == [("NPS", "Installers", date(2026, 11, 30), 21.0)]
    assert _customer_rows(engine, other) == [("NPS", "", date(2026, 11, 30), 40.0)]
    assert [f.text for f in read(engine, list_feedback, workspace_id=ws)] == ["Ours"]
    assert [f.text for f in read(engine, list_feedback, workspace_id=other)] == ["Theirs"]
    assert read(engine, list_feedback, workspace_id=ws, feedback_id=theirs) == []
    assert [f.measurements[0].value for f in read(engine, goal_follow_up, workspace_id=other, today=TODAY)] == [10.0]
    # Ours is overdue; the other workspace's health does not hear of it.
    assert "feedback" in {r.rule.key for r in read(engine, health_check, workspace_id=ws, today=TODAY) if r.failed}
    assert "feedback" not in {
        r.rule.key for r in read(engine, health_check, workspace_id=other, today=TODAY) if r.failed
    }
    # Through this workspace another's goal and feedback cannot be changed.
    before = _written(engine)
    refusal_of(engine, set_goal_measurements, workspace_id=ws, goal_id=foreign_goal, today=TODAY, rows=[])
    refused = refusal_of(
        engine,
        update_feedback,
        version=version_of(engine, Feedback, theirs),
        workspace_id=ws,
        feedback_id=theirs,
        today=TODAY,
        changes={"text": "Changed"},
    )
    assert "does not exist in this workspace" in str(refused)
    assert _written(engine) == before
    assert _values(engine, other, foreign_goal) == [(date(2026, 11, 30), 10.0)]
    assert _one_feedback(engine, other, theirs).text == "Theirs"


def test_an_import_refuses_days_already_measured_and_a_day_given_twice(engine):
    ws, churn, csat, installers, preview = _import_workspace(engine)
    _customer(engine, ws, "NPS", "2026-11-30", 19, installers)
    twice = [(9, GoalMeasurementCreate(goal_id=csat, measured_on=date(2026, 10, 31), value=4.0))]
    refused = refusal_of(engine, import_measurements, workspace_id=ws, rows=preview.valid + twice, today=TODAY)
    assert [str(p) for p in refused.problems] == [
        "Row 4, Date: NPS for Installers already has a value on 2026-11-30 (19). Delete that one first, or "
        "choose another day.",
        "Row 9, Date: 'Counter satisfaction' already has a value on 2026-10-31 (3.9). Change or delete that one, "
        "or choose another day.",
    ]
    assert _values(engine, ws, csat) == []
