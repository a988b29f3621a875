"""The strategy health check: the ways CRM programmes stall (missing ownership, no link to real value,
structures too complex to adjust, absent leadership) as explicit rules. Each rule is a function of a
snapshot of the workspace that returns a finding when the strategy fails it, None when it passes, or
NotYet when there is nothing for it to judge yet (no goals, no plan, ...): an empty workspace must not
look healthy. Pure: no database, no Streamlit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from crmstrategy.implementation.follow_up_rules import FEEDBACK_ACT_DAYS
from crmstrategy.implementation.plan_rules import REVIEW_DAYS, next_review_by
from crmstrategy.strategy.strategy_graph import MAP_ADVICE_HIGH
from crmstrategy.workspace.method_path import Place

SEVERITIES = ("Critical", "Warning", "Notice")  # most serious first


@dataclass(frozen=True)
class GoalFacts:
    metric: str
    objective: str
    owner: str
    measures: str  # "Value" or "Activity"
    status: str  # follow_up_rules.GOAL_STATUSES


@dataclass(frozen=True)
class HealthSnapshot:
    """What the rules look at, read from one workspace on one day."""

    today: date
    segments: list[tuple[str, str | None, int]] = field(default_factory=list)  # name, priority, insights backing it
    current_promise: bool = False
    objectives: list[tuple[str, str]] = field(default_factory=list)  # name, owner
    initiatives: list[tuple[str, bool]] = field(default_factory=list)  # name, has an action
    goals: list[GoalFacts] = field(default_factory=list)
    actions: list[tuple[str, str]] = field(default_factory=list)  # title, owner
    last_review: date | None = None
    weak_readiness: list[tuple[str, float]] = field(default_factory=list)  # statement, mean score
    departments: list[str] = field(default_factory=list)  # of each participant
    feedback_waiting: list[tuple[str, int]] = field(default_factory=list)  # text, days waiting (not acted on)
    plan_start: date | None = None  # the day the plan's horizons count from
    readiness_rated: int = 0  # readiness statements with at least one rating
    feedback_count: int = 0  # every piece of feedback logged, acted on or not
    people: list[tuple[str, bool, bool]] = field(default_factory=list)  # name, is a leader, took part in a step
    target_factors: list[tuple[str, int, int]] = field(
        default_factory=list
    )  # target segment, key factors, of them with an agreed value or a rating


@dataclass(frozen=True)
class Rule:
    key: str
    title: str
    severity: str
    page: Place  # where it is fixed
    fix: str  # the link's words
    check: Callable[[HealthSnapshot], Finding | NotYet | None]


@dataclass(frozen=True)
class Finding:
    message: str
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class NotYet:
    """The rule has nothing to judge yet; `reason` says what it waits for."""

    reason: str


@dataclass(frozen=True)
class RuleResult:
    rule: Rule
    finding: Finding | None
    not_yet: NotYet | None = None

    @property
    def passed(self) -> bool:
        return self.finding is None and self.not_yet is None

    @property
    def failed(self) -> bool:
        return self.finding is not None

    @property
    def judged(self) -> bool:
        return self.not_yet is None

    @property
    def state(self) -> str:
        """One of STATES."""
        return "Failed" if self.failed else "Not yet" if self.not_yet else "Passed"


STATES = ("Failed", "Not yet", "Passed")  # the order results are listed in


RULES: list[Rule] = []


def rule(key: str, title: str, severity: str, page: Place, fix: str):
    """Register a rule function under its title, severity and the page where it is fixed."""
    assert severity in SEVERITIES

    def register(check: Callable[[HealthSnapshot], Finding | NotYet | None]):
        RULES.append(Rule(key, title, severity, page, fix, check))
        return check

    return register


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _blank(owner: str | None) -> bool:
    return not (owner or "").strip()


@rule("target_segments", "Target segments chosen", "Critical", Place.TARGETS, "Choose target segments")
def no_target_segments(s: HealthSnapshot) -> Finding | None:
    if any(priority == "Primary target" for _, priority, _ in s.segments):
        return None
    if not s.segments:
        return Finding("No segments yet, so no target segments: the strategy does not say which customers come first.")
    return Finding(
        "No primary target segment: without a choice of customers the strategy tries to serve everyone "
        "equally and wins no one.",
        tuple(name for name, _, _ in s.segments),
    )


@rule("promise", "A current customer promise", "Warning", Place.PROMISE, "Write the customer promise")
def no_current_promise(s: HealthSnapshot) -> Finding | None:
    if s.current_promise:
        return None
    return Finding("No current customer promise: nobody can say in a sentence what the customers are to get.")


@rule("owners", "Every objective, goal and action has an owner", "Critical", Place.PLAN, "Name the owners")
def missing_owners(s: HealthSnapshot) -> Finding | NotYet | None:
    if not (s.objectives or s.goals or s.actions):
        return NotYet("No objectives, goals or actions yet, so nothing to own.")
    items = (
        [f"Objective: {name}" for name, owner in s.objectives if _blank(owner)]
        + [f"Goal: {g.metric}" for g in s.goals if _blank(g.owner)]
        + [f"Action: {title}" for title, owner in s.actions if _blank(owner)]
    )
    if not items:
        return None
    return Finding(
        f"{_count(len(items), 'item')} without an owner. CRM programmes stall for want of ownership "
        "far more often than for want of technology.",
        tuple(items),
    )


@rule("activity_goals", "Goals measure value, not only activity", "Warning", Place.GOALS, "Add a value goal")
def activity_only_goals(s: HealthSnapshot) -> Finding | NotYet | None:
    if not s.goals:
        return NotYet("No measurable goals yet.")
    by_objective: dict[str, set[str]] = {}
    for goal in s.goals:
        by_objective.setdefault(goal.objective, set()).add(goal.measures)
    only = sorted(name for name, kinds in by_objective.items() if kinds == {"Activity"})
    if not only:
        return None
    return Finding(
        f"{_count(len(only), 'objective')} measured only by activity (opens, clicks, calls). Track "
        "churn, loyalty and conversion too, or nobody sees whether customers gain.",
        tuple(only),
    )


@rule(
    "map_size",
    f"The map keeps to {MAP_ADVICE_HIGH} objectives and initiatives",
    "Warning",
    Place.STRATEGY_MAP,
    "Simplify the strategy map",
)
def map_too_complex(s: HealthSnapshot) -> Finding | NotYet | None:
    size = len(s.objectives) + len(s.initiatives)
    if size == 0:
        return NotYet("No objectives or initiatives on the strategy map yet.")
    if size <= MAP_ADVICE_HIGH:
        return None
    return Finding(
        f"{size} objectives and initiatives, more than {MAP_ADVICE_HIGH}: a structure this large is hard "
        "to adjust when something must change, and hard for everyone to understand. Merge or drop some."
    )


@rule("initiative_actions", "Every initiative has an action", "Warning", Place.PLAN, "Plan the initiatives")
def initiatives_without_actions(s: HealthSnapshot) -> Finding | NotYet | None:
    if not s.initiatives:
        return NotYet("No initiatives on the strategy map yet.")
    bare = tuple(name for name, has_action in s.initiatives if not has_action)
    if not bare:
        return None
    return Finding(
        f"{_count(len(bare), 'initiative')} with no action in the plan: nothing says who does what "
        "to make them happen.",
        bare,
    )


@rule("goals_on_track", "Goals on track", "Critical", Place.FOLLOW_UP, "Follow up the goals")
def goals_off_track(s: HealthSnapshot) -> Finding | NotYet | None:
    off = [g for g in s.goals if g.status == "Off track"]
    if not off:
        if not s.goals:
            return NotYet("No measurable goals yet.")
        if all(g.status == "Not measured" for g in s.goals):
            return NotYet(f"None of the {_count(len(s.goals), 'goal')} has a measured value yet.")
        return None
    return Finding(
        f"{_count(len(off), 'goal')} off track: decide with the owner what to adjust, now rather than at the deadline.",
        tuple(f"{g.metric} ({g.owner or 'no owner'})" for g in off),
    )


@rule("plan_reviewed", f"The plan reviewed within {REVIEW_DAYS} days", "Warning", Place.PLAN, "Review the plan")
def plan_not_reviewed(s: HealthSnapshot) -> Finding | NotYet | None:
    if not s.actions:
        return NotYet("No actions in the plan yet, so nothing to review.")
    if s.last_review is None:
        due = next_review_by(None, s.plan_start)
        if due is not None and s.today <= due:
            assert s.plan_start is not None  # never reviewed: the review is due counting from the start
            return NotYet(
                f"The plan started on {s.plan_start.isoformat()}; its first review is due by {due.isoformat()}."
            )
        return Finding(
            "The plan has never been reviewed"
            + (f" since it started on {s.plan_start.isoformat()}" if s.plan_start else "")
            + ". A plan must be maintained: review it at least every quarter."
        )
    days = (s.today - s.last_review).days
    if days <= REVIEW_DAYS:
        return None
    return Finding(
        f"Last reviewed on {s.last_review.isoformat()}, {days} days ago: a plan must be maintained, "
        "review it at least every quarter."
    )


@rule("readiness", "No weak readiness points", "Warning", Place.READINESS, "Work on readiness")
def weak_readiness(s: HealthSnapshot) -> Finding | NotYet | None:
    if not s.weak_readiness:
        return None if s.readiness_rated else NotYet("Nobody has rated the readiness statements yet.")
    return Finding(
        f"{_count(len(s.weak_readiness), 'readiness point')} rated weak. Without leadership, business "
        "goals and demands on data quality a CRM programme enters a vicious circle: users give up and "
        "the return is poor.",
        tuple(f"{text} ({mean:.1f} of 5)" for text, mean in s.weak_readiness),
    )


@rule("departments", "Participants from several departments", "Warning", Place.PARTICIPANTS, "Invite other departments")
def one_department(s: HealthSnapshot) -> Finding | None:
    departments = {d.strip().lower(): d.strip() for d in s.departments if d.strip()}
    if len(departments) >= 2:
        return None
    if not s.departments:
        return Finding("Nobody is recorded as taking part: a strategy made by one person is anchored nowhere.")
    if not departments:
        return Finding(
            "No participant has a department recorded: say where each comes from, so it shows whether "
            "several departments took part."
        )
    only = next(iter(departments.values()))
    return Finding(
        f"Everyone who took part is from one department ({only}). Involve several departments from the "
        "analysis on: a CRM lead who stands alone in one department fails.",
        (only,),
    )


@rule("evidence", "Every segment rests on what customers said", "Notice", Place.INSIGHTS, "Record customer insight")
def segments_without_evidence(s: HealthSnapshot) -> Finding | NotYet | None:
    if not s.segments:
        return NotYet("No segments yet.")
    bare = tuple(name for name, _, insights in s.segments if insights == 0)
    if not bare:
        return None
    return Finding(
        f"{_count(len(bare), 'segment')} without a single insight from customers or frontline staff: "
        "talk to them before building on it.",
        bare,
    )


@rule(
    "feedback",
    f"Customer feedback acted on within {FEEDBACK_ACT_DAYS} days",
    "Warning",
    Place.FEEDBACK,
    "Act on the feedback",
)
def feedback_not_acted_on(s: HealthSnapshot) -> Finding | NotYet | None:
    if not (s.feedback_count or s.feedback_waiting):
        return NotYet("No customer feedback logged yet.")
    late = sorted(((text, days) for text, days in s.feedback_waiting if days > FEEDBACK_ACT_DAYS), key=lambda x: -x[1])
    if not late:
        return None
    return Finding(
        f"{_count(len(late), 'piece')} of customer feedback not acted on for more than {FEEDBACK_ACT_DAYS} "
        "days: feedback left lying teaches customers and staff not to give it.",
        tuple(f"{text[:80]}{'…' if len(text) > 80 else ''} ({days} days)" for text, days in late),
    )


@rule("leader", "A leader takes part", "Warning", Place.PARTICIPANTS, "Bring a leader in")
def no_leader(s: HealthSnapshot) -> Finding | NotYet | None:
    if not s.people:
        return NotYet("Nobody is recorded as taking part yet.")
    leaders = [name for name, is_leader, _ in s.people if is_leader]
    if not leaders:
        return Finding(
            f"None of the {_count(len(s.people), 'participant')} is marked as a leader. When top "
            "management is absent, business goals are never set and CRM programmes stall: bring a "
            "leader in, and mark the leaders on Participants."
        )
    steps_recorded = any(took_part for _, _, took_part in s.people)
    if not steps_recorded or any(took_part for _, is_leader, took_part in s.people if is_leader):
        return None
    return Finding(
        "No leader is recorded in any step of the work, though others are: when top management is "
        "absent CRM programmes stall. Involve the leaders and record which steps they took part in.",
        tuple(leaders),
    )


@rule(
    "target_factors",
    "Every target segment has key factors and ratings",
    "Warning",
    Place.STRENGTHS,
    "Rate the key factors",
)
def targets_without_factors(s: HealthSnapshot) -> Finding | NotYet | None:
    if not s.target_factors:
        return NotYet("No target segments chosen yet.")
    items = tuple(
        f"{name}: no key factors" if factors == 0 else f"{name}: key factors not rated or agreed"
        for name, factors, judged in s.target_factors
        if factors == 0 or judged == 0
    )
    if not items:
        return None
    return Finding(
        f"{_count(len(items), 'target segment')} without key factors rated: nobody has said what these "
        "customers choose a supplier by, or how strong the company is on it, so the choice rests on "
        "size alone.",
        items,
    )


def run_rules(snapshot: HealthSnapshot) -> list[RuleResult]:
    """Every rule's result: the failed ones first, then those not yet judged, then the passed ones;
    within each, the most serious first, and rules of the same severity in the order they are declared."""
    results = []
    for r in RULES:
        outcome = r.check(snapshot)
        results.append(RuleResult(r, None, outcome) if isinstance(outcome, NotYet) else RuleResult(r, outcome))
    return sorted(results, key=lambda r: (STATES.index(r.state), SEVERITIES.index(r.rule.severity)))


def summary(results: list[RuleResult]) -> str:
    """The check in one sentence, counting only the rules that could be judged: the Overview, the
    health check page and the strategy document say the same."""
    judged = [r for r in results if r.judged]
    passed = sum(r.passed for r in judged)
    waiting = len(results) - len(judged)
    if not judged:
        return f"No rule can be judged yet: all {len(results)} wait for the work they check."
    head = (
        f"All {len(judged)} judged rules pass"
        if passed == len(judged)
        else f"{passed} of {len(judged)} judged rules pass"
    )
    if not waiting:
        head = f"All {len(results)} rules pass" if passed == len(results) else f"{passed} of {len(results)} rules pass"
    return head + (f" · {waiting} not yet judged." if waiting else ".")
