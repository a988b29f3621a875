"""The strategy health check rules (crmstrategy.workspace.health_rules) on hand-built snapshots, and
run_rules' order."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from crmstrategy.implementation.follow_up_rules import FEEDBACK_ACT_DAYS
from crmstrategy.implementation.plan_rules import REVIEW_DAYS
from crmstrategy.strategy.strategy_graph import MAP_ADVICE_HIGH
from crmstrategy.workspace.health_rules import (
    RULES,
    SEVERITIES,
    Finding,
    GoalFacts,
    HealthSnapshot,
    NotYet,
    activity_only_goals,
    feedback_not_acted_on,
    goals_off_track,
    initiatives_without_actions,
    map_too_complex,
    missing_owners,
    no_current_promise,
    no_leader,
    no_target_segments,
    one_department,
    plan_not_reviewed,
    run_rules,
    segments_without_evidence,
    summary,
    targets_without_factors,
    weak_readiness,
)
from crmstrategy.workspace.method_path import Place

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 6, 1)


def _goal(metric="Churn", objective="Keep customers", owner="Anna", measures="Value", status="On track"):
    return GoalFacts(metric, objective, owner, measures, status)


# A workspace that passes every rule; each test breaks one thing.
HEALTHY = HealthSnapshot(
    today=TODAY,
    segments=[("Installers", "Primary target", 3), ("Contractors", "Secondary", 1)],
    current_promise=True,
    objectives=[("Keep customers", "Anna"), ("Win contractors", "Per")],
    initiatives=[("Pick-up app", True), ("Contractor desk", True)],
    goals=[_goal(), _goal("Share of wallet", "Win contractors", "Per")],
    actions=[("Build the app", "Kari"), ("Staff the desk", "Per")],
    last_review=TODAY - timedelta(days=30),
    weak_readiness=[],
    departments=["Sales", "Customer service", "Sales"],
    feedback_waiting=[("The counter queue is long", 5)],
    plan_start=TODAY - timedelta(days=200),
    readiness_rated=12,
    feedback_count=4,
    people=[("Mona", True, True), ("Kari", False, True)],
    target_factors=[("Installers", 5, 5), ("Contractors", 4, 1)],
)

# A new, empty workspace on the same day.
EMPTY = HealthSnapshot(today=TODAY)


def test_the_healthy_snapshot_passes_every_rule():
    for r in RULES:
        assert r.check(HEALTHY) is None, r.key


# --- target segments ---------------------------------------------------------------------------


def test_no_primary_target_names_the_segments():
    snapshot = replace(HEALTHY, segments=[("Installers", "Secondary", 2), ("Contractors", None, 1)])
    finding = no_target_segments(snapshot)
    assert finding.message.startswith("No primary target segment")
    assert finding.items == ("Installers", "Contractors")


def test_no_segments_at_all_is_its_own_finding():
    finding = no_target_segments(replace(HEALTHY, segments=[]))
    assert finding.message.startswith("No segments yet")
    assert finding.items == ()


def test_one_primary_target_among_others_passes():
    snapshot = replace(HEALTHY, segments=[("A", None, 0), ("B", "Not prioritised", 0), ("C", "Primary target", 0)])
    assert no_target_segments(snapshot) is None


# --- the promise ---------------------------------------------------------------------------


def test_no_current_promise_is_a_finding():
    finding = no_current_promise(replace(HEALTHY, current_promise=False))
    assert "No current customer promise" in finding.message
    assert finding.items == ()


def test_a_current_promise_passes():
    assert no_current_promise(HEALTHY) is None


# --- owners ------------------------------------------------------------------------------


def test_missing_owners_names_objectives_goals_and_actions_without_one():
    snapshot = replace(
        HEALTHY,
        objectives=[("Keep customers", ""), ("Win contractors", "Per")],
        goals=[_goal(owner="   "), _goal("Share of wallet", owner="Per")],
        actions=[("Build the app", "Kari"), ("Staff the desk", " ")],
    )
    finding = missing_owners(snapshot)
    assert finding.items == ("Objective: Keep customers", "Goal: Churn", "Action: Staff the desk")
    assert finding.message.startswith("3 items without an owner.")


def test_one_missing_owner_is_counted_in_the_singular():
    finding = missing_owners(replace(HEALTHY, actions=[("Build the app", "")]))
    assert finding.items == ("Action: Build the app",)
    assert finding.message.startswith("1 item without an owner.")


def test_an_owner_of_none_counts_as_missing():
    finding = missing_owners(replace(HEALTHY, objectives=[("Keep customers", None)]))
    assert finding.items == ("Objective: Keep customers",)


def test_everything_owned_passes():
    assert missing_owners(HEALTHY) is None
    assert missing_owners(replace(HEALTHY, objectives=[], goals=[])) is None  # the actions alone are judged


def test_nothing_to_own_is_not_yet_judged():
    assert missing_owners(replace(HEALTHY, objectives=[], goals=[], actions=[])) == NotYet(
        "No objectives, goals or actions yet, so nothing to own."
    )


# --- value goals ---------------------------------------------------------------------------


def test_an_objective_measured_only_by_activity_is_named():
    snapshot = replace(
        HEALTHY,
        goals=[
            _goal("Emails opened", "Win contractors", measures="Activity"),
            _goal("Calls made", "Win contractors", measures="Activity"),
            _goal("Churn", "Keep customers", measures="Value"),
            _goal("Visits", "Activate installers", measures="Activity"),
        ],
    )
    finding = activity_only_goals(snapshot)
    assert finding.items == ("Activate installers", "Win contractors")  # sorted by name
    assert finding.message.startswith("2 objectives measured only by activity")


def test_an_objective_with_one_value_and_one_activity_goal_is_fine():
    snapshot = replace(
        HEALTHY,
        goals=[
            _goal("Emails opened", "Keep customers", measures="Activity"),
            _goal("Churn", "Keep customers", measures="Value"),
        ],
    )
    assert activity_only_goals(snapshot) is None


def test_no_goals_leave_the_value_rule_not_yet_judged():
    assert activity_only_goals(replace(HEALTHY, goals=[])) == NotYet("No measurable goals yet.")


# --- the size of the map ---------------------------------------------------------------------


def _map_of(objectives: int, initiatives: int) -> HealthSnapshot:
    return replace(
        HEALTHY,
        objectives=[(f"Objective {n}", "Anna") for n in range(objectives)],
        initiatives=[(f"Initiative {n}", True) for n in range(initiatives)],
    )


def test_a_map_of_exactly_15_objectives_and_initiatives_passes():
    assert MAP_ADVICE_HIGH == 15
    assert map_too_complex(_map_of(7, 8)) is None


def test_an_empty_map_is_not_yet_judged_for_size():
    assert map_too_complex(_map_of(0, 0)) == NotYet("No objectives or initiatives on the strategy map yet.")
    assert map_too_complex(_map_of(1, 0)) is None


def test_a_map_of_16_objectives_and_initiatives_is_too_complex():
    finding = map_too_complex(_map_of(7, 9))
    assert finding.message.startswith("16 objectives and initiatives, more than 15")
    assert finding.items == ()


# --- initiatives with actions ---------------------------------------------------------------


def test_initiatives_without_an_action_are_named():
    snapshot = replace(
        HEALTHY, initiatives=[("Pick-up app", False), ("Contractor desk", True), ("Loyalty club", False)]
    )
    finding = initiatives_without_actions(snapshot)
    assert finding.items == ("Pick-up app", "Loyalty club")
    assert finding.message.startswith("2 initiatives with no action in the plan")


def test_every_initiative_with_an_action_passes():
    assert initiatives_without_actions(HEALTHY) is None


def test_no_initiatives_are_not_yet_judged():
    assert initiatives_without_actions(replace(HEALTHY, initiatives=[])) == NotYet(
        "No initiatives on the strategy map yet."
    )


# --- goals off track ------------------------------------------------------------------------


def test_goals_off_track_are_named_with_their_owner():
    snapshot = replace(
        HEALTHY,
        goals=[
            _goal("Churn", status="Off track"),
            _goal("NPS", status="At risk"),
            _goal("Share of wallet", owner="", status="Off track"),
        ],
    )
    finding = goals_off_track(snapshot)
    assert finding.items == ("Churn (Anna)", "Share of wallet (no owner)")
    assert finding.message.startswith("2 goals off track")


def test_goals_at_risk_or_not_measured_are_not_off_track():
    snapshot = replace(HEALTHY, goals=[_goal(status="At risk"), _goal("NPS", status="Not measured")])
    assert goals_off_track(snapshot) is None


def test_goals_none_of_them_measured_are_not_yet_judged_never_passed():
    snapshot = replace(HEALTHY, goals=[_goal(status="Not measured"), _goal("NPS", status="Not measured")])
    assert goals_off_track(snapshot) == NotYet("None of the 2 goals has a measured value yet.")
    [result] = [r for r in run_rules(snapshot) if r.rule.key == "goals_on_track"]
    assert (result.passed, result.failed, result.judged, result.state) == (False, False, False, "Not yet")


def test_one_goal_off_track_among_unmeasured_ones_fails():
    snapshot = replace(HEALTHY, goals=[_goal(status="Not measured"), _goal("NPS", status="Off track")])
    assert goals_off_track(snapshot).items == ("NPS (Anna)",)


def test_no_goals_are_not_yet_judged_on_track():
    assert goals_off_track(replace(HEALTHY, goals=[])) == NotYet("No measurable goals yet.")


# --- plan reviewed --------------------------------------------------------------------------


def test_a_plan_reviewed_90_days_ago_passes():
    assert REVIEW_DAYS == 90
    assert plan_not_reviewed(replace(HEALTHY, last_review=TODAY - timedelta(days=90))) is None


def test_a_plan_reviewed_91_days_ago_is_due():
    finding = plan_not_reviewed(replace(HEALTHY, last_review=TODAY - timedelta(days=91)))
    assert finding.message.startswith("Last reviewed on 2026-03-02, 91 days ago")


def test_a_plan_never_reviewed_91_days_after_its_start_is_a_finding():
    finding = plan_not_reviewed(replace(HEALTHY, last_review=None, plan_start=TODAY - timedelta(days=91)))
    assert finding.message == (
        "The plan has never been reviewed since it started on 2026-03-02. A plan must be "
        "maintained: review it at least every quarter."
    )
    assert plan_not_reviewed(replace(HEALTHY, last_review=None, plan_start=None)).message.startswith(
        "The plan has never been reviewed."
    )


def test_a_plan_never_reviewed_within_90_days_of_its_start_is_not_yet_judged():
    assert plan_not_reviewed(replace(HEALTHY, last_review=None, plan_start=TODAY)) == NotYet(
        "The plan started on 2026-06-01; its first review is due by 2026-08-30."
    )
    assert isinstance(
        plan_not_reviewed(replace(HEALTHY, last_review=None, plan_start=TODAY - timedelta(days=90))), NotYet
    )


def test_a_plan_with_no_actions_is_not_yet_judged_for_review():
    expected = NotYet("No actions in the plan yet, so nothing to review.")
    assert plan_not_reviewed(replace(HEALTHY, actions=[], last_review=None)) == expected
    assert plan_not_reviewed(replace(HEALTHY, actions=[], last_review=TODAY - timedelta(days=400))) == expected


# --- readiness ------------------------------------------------------------------------------


def test_weak_readiness_points_are_named_with_their_mean():
    snapshot = replace(HEALTHY, weak_readiness=[("Leadership asks for CRM results", 1.75), ("Data is clean", 2.0)])
    finding = weak_readiness(snapshot)
    assert finding.items == ("Leadership asks for CRM results (1.8 of 5)", "Data is clean (2.0 of 5)")
    assert finding.message.startswith("2 readiness points rated weak")


def test_one_weak_readiness_point_is_singular():
    assert weak_readiness(replace(HEALTHY, weak_readiness=[("X", 1.0)])).message.startswith("1 readiness point rated")


def test_no_weak_readiness_passes():
    assert weak_readiness(HEALTHY) is None


def test_readiness_nobody_rated_is_not_yet_judged():
    assert weak_readiness(replace(HEALTHY, readiness_rated=0)) == NotYet(
        "Nobody has rated the readiness statements yet."
    )


# --- departments ----------------------------------------------------------------------------


def test_everyone_from_one_department_is_a_finding():
    finding = one_department(replace(HEALTHY, departments=["Sales", "Sales", ""]))
    assert finding.items == ("Sales",)
    assert "Everyone who took part is from one department (Sales)" in finding.message


def test_departments_differing_only_by_case_and_spaces_count_as_one():
    finding = one_department(replace(HEALTHY, departments=["Sales", " sales ", "SALES"]))
    assert finding is not None
    assert len(finding.items) == 1
    assert finding.items[0].lower() == "sales"


def test_nobody_taking_part_is_a_finding():
    finding = one_department(replace(HEALTHY, departments=[]))
    assert finding.message.startswith("Nobody is recorded as taking part")
    assert finding.items == ()


def test_two_departments_pass():
    assert one_department(replace(HEALTHY, departments=["Sales", " Service"])) is None


# --- evidence -------------------------------------------------------------------------------


def test_segments_without_insight_are_named():
    snapshot = replace(
        HEALTHY, segments=[("Installers", "Primary target", 0), ("Contractors", None, 2), ("Renovators", None, 0)]
    )
    finding = segments_without_evidence(snapshot)
    assert finding.items == ("Installers", "Renovators")
    assert finding.message.startswith("2 segments without a single insight")


def test_segments_all_backed_by_insight_pass():
    assert segments_without_evidence(HEALTHY) is None


def test_no_segments_leave_the_evidence_rule_not_yet_judged():
    assert segments_without_evidence(replace(HEALTHY, segments=[])) == NotYet("No segments yet.")


# --- feedback -------------------------------------------------------------------------------


def test_feedback_waiting_30_days_passes_and_31_fails():
    assert feedback_not_acted_on(replace(HEALTHY, feedback_waiting=[("Queue", FEEDBACK_ACT_DAYS)])) is None
    finding = feedback_not_acted_on(replace(HEALTHY, feedback_waiting=[("Queue", FEEDBACK_ACT_DAYS + 1)]))
    assert finding.items == ("Queue (31 days)",)
    assert finding.message.startswith("1 piece of customer feedback not acted on for more than 30 days")


def test_late_feedback_is_listed_longest_waiting_first_and_long_texts_are_cut():
    long_text = "x" * 100
    snapshot = replace(HEALTHY, feedback_waiting=[("Short", 40), (long_text, 95), ("Recent", 3), ("Older", 60)])
    finding = feedback_not_acted_on(snapshot)
    assert finding.items == ("x" * 80 + "… (95 days)", "Older (60 days)", "Short (40 days)")
    assert finding.message.startswith("3 pieces of customer feedback")


def test_a_text_of_exactly_80_characters_is_not_cut():
    finding = feedback_not_acted_on(replace(HEALTHY, feedback_waiting=[("y" * 80, 31)]))
    assert finding.items == ("y" * 80 + " (31 days)",)


def test_no_feedback_waiting_passes():
    assert feedback_not_acted_on(replace(HEALTHY, feedback_waiting=[])) is None  # 4 logged, all acted on


def test_no_feedback_logged_is_not_yet_judged():
    assert feedback_not_acted_on(replace(HEALTHY, feedback_waiting=[], feedback_count=0)) == NotYet(
        "No customer feedback logged yet."
    )


# --- a leader takes part --------------------------------------------------------------------


def test_no_leader_among_the_participants_fails():
    finding = no_leader(replace(HEALTHY, people=[("Kari", False, True), ("Per", False, False)]))
    assert finding.message.startswith("None of the 2 participants is marked as a leader.")
    assert finding.items == ()


def test_a_leader_who_took_no_step_while_others_did_fails_and_is_named():
    finding = no_leader(replace(HEALTHY, people=[("Mona", True, False), ("Kari", False, True)]))
    assert finding.message.startswith("No leader is recorded in any step of the work")
    assert finding.items == ("Mona",)


def test_a_leader_taking_part_passes():
    assert no_leader(HEALTHY) is None
    # Nobody's steps recorded yet: a leader among the participants is enough
    assert no_leader(replace(HEALTHY, people=[("Mona", True, False), ("Kari", False, False)])) is None


def test_no_participants_leave_the_leader_rule_not_yet_judged():
    assert no_leader(replace(HEALTHY, people=[])) == NotYet("Nobody is recorded as taking part yet.")


# --- target segments have key factors and ratings --------------------------------------------


def test_target_segments_without_key_factors_or_ratings_are_named():
    snapshot = replace(HEALTHY, target_factors=[("Installers", 0, 0), ("Contractors", 4, 0), ("Renovators", 5, 1)])
    finding = targets_without_factors(snapshot)
    assert finding.items == ("Installers: no key factors", "Contractors: key factors not rated or agreed")
    assert finding.message.startswith("2 target segments without key factors rated")


def test_target_segments_with_rated_factors_pass():
    assert targets_without_factors(HEALTHY) is None


def test_no_target_segments_leave_the_factor_rule_not_yet_judged():
    assert targets_without_factors(replace(HEALTHY, target_factors=[])) == NotYet("No target segments chosen yet.")


# --- run_rules ------------------------------------------------------------------------------

EVERY_RULE_FUNCTION = {
    no_target_segments,
    no_current_promise,
    missing_owners,
    activity_only_goals,
    map_too_complex,
    initiatives_without_actions,
    goals_off_track,
    plan_not_reviewed,
    weak_readiness,
    one_department,
    segments_without_evidence,
    feedback_not_acted_on,
    no_leader,
    targets_without_factors,
}


def test_the_rules_are_the_fourteen_functions_each_registered_once():
    assert len(RULES) == 14
    assert {r.check for r in RULES} == EVERY_RULE_FUNCTION
    assert len({r.key for r in RULES}) == len(RULES)


def test_every_rule_has_a_known_severity_and_a_place():
    """Each place has its page script (tests/app/test_guide.py checks every one exists)."""
    for r in RULES:
        assert r.severity in SEVERITIES, r.key
        assert isinstance(r.page, Place), r.key
        assert r.title and r.fix, r.key


def test_run_rules_runs_every_rule_once():
    results = run_rules(HEALTHY)
    assert len(results) == len(RULES)
    assert sorted(r.rule.key for r in results) == sorted(r.key for r in RULES)
    assert all(r.passed for r in results)
    assert all(r.finding is None for r in results)


def test_failed_rules_come_first_ordered_by_severity():
    snapshot = replace(
        HEALTHY,
        current_promise=False,  # Warning
        segments=[("Installers", None, 0)],  # Critical + Notice
        departments=["Sales"],  # Warning
        goals=[_goal(status="Off track")],
    )  # Critical
    results = run_rules(snapshot)
    failed = [r for r in results if not r.passed]
    assert {r.rule.key for r in failed} == {"promise", "target_segments", "evidence", "departments", "goals_on_track"}
    # The failed ones first, then the passed
    assert results[: len(failed)] == failed
    assert all(r.passed for r in results[len(failed) :])
    # Most serious first; within a severity in the order declared
    ranks = [SEVERITIES.index(r.rule.severity) for r in failed]
    assert ranks == sorted(ranks)
    declared = [r.key for r in RULES]
    for severity in SEVERITIES:
        keys = [r.rule.key for r in failed if r.rule.severity == severity]
        assert keys == sorted(keys, key=declared.index)
    assert [r.rule.key for r in failed] == ["target_segments", "goals_on_track", "promise", "departments", "evidence"]


def test_a_failed_result_carries_its_finding():
    results = {r.rule.key: r for r in run_rules(replace(HEALTHY, current_promise=False))}
    assert not results["promise"].passed
    assert isinstance(results["promise"].finding, Finding)
    assert results["owners"].passed


@pytest.mark.parametrize("severity", SEVERITIES)
def test_every_severity_is_used_by_some_rule(severity):
    assert any(r.severity == severity for r in RULES)


def test_participants_without_any_department_are_asked_for_one():
    finding = one_department(replace(HEALTHY, departments=["", "  "]))
    assert finding is not None and "No participant has a department recorded" in finding.message
    assert finding.items == ()


# --- not yet judged, and the summary ------------------------------------------------------------


def test_an_empty_workspace_fails_three_rules_and_judges_no_other():
    results = run_rules(EMPTY)
    assert [(r.rule.key, r.state) for r in results] == [
        ("target_segments", "Failed"),
        ("promise", "Failed"),
        ("departments", "Failed"),
        ("owners", "Not yet"),
        ("goals_on_track", "Not yet"),
        ("activity_goals", "Not yet"),
        ("map_size", "Not yet"),
        ("initiative_actions", "Not yet"),
        ("plan_reviewed", "Not yet"),
        ("readiness", "Not yet"),
        ("feedback", "Not yet"),
        ("leader", "Not yet"),
        ("target_factors", "Not yet"),
        ("evidence", "Not yet"),
    ]
    assert not any(r.passed for r in results)
    assert summary(results) == "0 of 3 judged rules pass · 11 not yet judged."


def test_the_summary_counts_only_the_judged_rules():
    assert summary(run_rules(HEALTHY)) == "All 14 rules pass."
    some = run_rules(replace(HEALTHY, goals=[], current_promise=False))  # two goal rules wait, the promise fails
    assert summary(some) == "11 of 12 judged rules pass · 2 not yet judged."
    waiting = run_rules(replace(HEALTHY, goals=[]))
    assert summary(waiting) == "All 12 judged rules pass · 2 not yet judged."
    assert summary([r for r in run_rules(EMPTY) if not r.judged]) == (
        "No rule can be judged yet: all 11 wait for the work they check."
    )


def test_no_finding_or_reason_names_an_internal_reference():
    snapshots = [
        EMPTY,
        replace(
            HEALTHY,
            current_promise=False,
            segments=[("Installers", None, 0)],
            departments=["Sales"],
            goals=[_goal(status="Off track", measures="Activity")],
            objectives=[("O", "")] + [(f"O{n}", "A") for n in range(16)],
            initiatives=[("I", False)],
            last_review=TODAY - timedelta(days=200),
            weak_readiness=[("X", 1.0)],
            feedback_waiting=[("Y", 40)],
            people=[("Kari", False, True)],
            target_factors=[("Installers", 0, 0)],
        ),
    ]
    texts = []
    for snapshot in snapshots:
        for r in run_rules(snapshot):
            texts.append(r.finding.message if r.failed else r.not_yet.reason if r.not_yet else "")
    assert len(texts) == 28 and all(texts)  # every rule says something: waits in the first, fails in the second
    for text in texts:
        assert not re.search(r"\b(seed|advice)\s*\d", text, re.I), text
