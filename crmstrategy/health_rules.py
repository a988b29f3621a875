"""The strategy health check: the ways CRM programmes stall (seeds 000 and 002) as explicit rules.
Each rule is a function of a snapshot of the workspace that returns a finding, or None when the
strategy passes it. Pure: no database, no Streamlit."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from crmstrategy.follow_up_rules import FEEDBACK_ACT_DAYS
from crmstrategy.plan_rules import REVIEW_DAYS
from crmstrategy.strategy_graph import MAP_ADVICE_HIGH

SEVERITIES = ("Critical", "Warning", "Notice")  # most serious first


@dataclass(frozen=True)
class GoalFacts:
    metric: str
    objective: str
    owner: str
    measures: str  # "Value" or "Activity"
    status: str    # follow_up_rules.GOAL_STATUSES


@dataclass(frozen=True)
class HealthSnapshot:
    """What the rules look at, read from one workspace on one day."""
    today: date
    segments: list[tuple[str, str | None, int]] = field(default_factory=list)  # name, priority, insights backing it
    current_promise: bool = False
    objectives: list[tuple[str, str]] = field(default_factory=list)             # name, owner
    initiatives: list[tuple[str, bool]] = field(default_factory=list)           # name, has an action
    goals: list[GoalFacts] = field(default_factory=list)
    actions: list[tuple[str, str]] = field(default_factory=list)                # title, owner
    last_review: date | None = None
    weak_readiness: list[tuple[str, float]] = field(default_factory=list)       # statement, mean score
    departments: list[str] = field(default_factory=list)                        # of each participant
    feedback_waiting: list[tuple[str, int]] = field(default_factory=list)       # text, days waiting (not acted on)


@dataclass(frozen=True)
class Rule:
    key: str
    title: str
    severity: str
    page: str   # where it is fixed
    fix: str    # the link's words
    check: Callable[[HealthSnapshot], Finding | None]


@dataclass(frozen=True)
class Finding:
    message: str
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class RuleResult:
    rule: Rule
    finding: Finding | None

    @property
    def passed(self) -> bool:
        return self.finding is None


RULES: list[Rule] = []


def rule(key: str, title: str, severity: str, page: str, fix: str):
    """Register a rule function under its title, severity and the page where it is fixed."""
    assert severity in SEVERITIES

    def register(check: Callable[[HealthSnapshot], Finding | None]):
        RULES.append(Rule(key, title, severity, page, fix, check))
        return check
    return register


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _blank(owner: str | None) -> bool:
    return not (owner or "").strip()


@rule("target_segments", "Target segments chosen", "Critical", "app_pages/strategy/targets.py", "Choose target segments")
def no_target_segments(s: HealthSnapshot) -> Finding | None:
    if any(priority == "Primary target" for _, priority, _ in s.segments):
        return None
    if not s.segments:
        return Finding("No segments yet, so no target segments: the strategy does not say which customers come first.")
    return Finding("No primary target segment: without a choice of customers the strategy tries to serve everyone "
                   "equally and wins no one.", tuple(name for name, _, _ in s.segments))


@rule("promise", "A current customer promise", "Warning", "app_pages/strategy/promise.py", "Write the customer promise")
def no_current_promise(s: HealthSnapshot) -> Finding | None:
    if s.current_promise:
        return None
    return Finding("No current customer promise: nobody can say in a sentence what the customers are to get.")


@rule("owners", "Every objective, goal and action has an owner", "Critical", "app_pages/implementation/plan.py", "Name the owners")
def missing_owners(s: HealthSnapshot) -> Finding | None:
    items = ([f"Objective: {name}" for name, owner in s.objectives if _blank(owner)]
             + [f"Goal: {g.metric}" for g in s.goals if _blank(g.owner)]
             + [f"Action: {title}" for title, owner in s.actions if _blank(owner)])
    if not items:
        return None
    return Finding(f"{_count(len(items), 'item')} without an owner. Seed 000: programmes stall for want of "
                   "ownership far more often than for want of technology.", tuple(items))


@rule("activity_goals", "Goals measure value, not only activity", "Warning", "app_pages/strategy/goals.py", "Add a value goal")
def activity_only_goals(s: HealthSnapshot) -> Finding | None:
    by_objective: dict[str, set[str]] = {}
    for goal in s.goals:
        by_objective.setdefault(goal.objective, set()).add(goal.measures)
    only = sorted(name for name, kinds in by_objective.items() if kinds == {"Activity"})
    if not only:
        return None
    return Finding(f"{_count(len(only), 'objective')} measured only by activity (opens, clicks, calls). Seed 000: "
                   "track churn, loyalty and conversion, or nobody sees whether customers gain.", tuple(only))


@rule("map_size", f"The map keeps to {MAP_ADVICE_HIGH} objectives and initiatives", "Warning",
      "app_pages/strategy/strategy_map.py", "Simplify the strategy map")
def map_too_complex(s: HealthSnapshot) -> Finding | None:
    size = len(s.objectives) + len(s.initiatives)
    if size <= MAP_ADVICE_HIGH:
        return None
    return Finding(f"{size} objectives and initiatives, more than {MAP_ADVICE_HIGH}: a structure this large is hard "
                   "to adjust (seed 000) and hard for everyone to understand (advice 4). Merge or drop some.")


@rule("initiative_actions", "Every initiative has an action", "Warning", "app_pages/implementation/plan.py", "Plan the initiatives")
def initiatives_without_actions(s: HealthSnapshot) -> Finding | None:
    bare = tuple(name for name, has_action in s.initiatives if not has_action)
    if not bare:
        return None
    return Finding(f"{_count(len(bare), 'initiative')} with no action in the plan: nothing says who does what "
                   "to make them happen.", bare)


@rule("goals_on_track", "Goals on track", "Critical", "app_pages/implementation/follow_up.py", "Follow up the goals")
def goals_off_track(s: HealthSnapshot) -> Finding | None:
    off = [g for g in s.goals if g.status == "Off track"]
    if not off:
        return None
    return Finding(f"{_count(len(off), 'goal')} off track: decide with the owner what to adjust, now rather than at "
                   "the deadline.", tuple(f"{g.metric} ({g.owner or 'no owner'})" for g in off))


@rule("plan_reviewed", f"The plan reviewed within {REVIEW_DAYS} days", "Warning", "app_pages/implementation/plan.py", "Review the plan")
def plan_not_reviewed(s: HealthSnapshot) -> Finding | None:
    if not s.actions:
        return None  # there is no plan to review yet; the owners rule and step 3 say so
    if s.last_review is None:
        return Finding("The plan has never been reviewed. A plan must be maintained (advice 8): review it at least "
                       "every quarter.")
    days = (s.today - s.last_review).days
    if days <= REVIEW_DAYS:
        return None
    return Finding(f"Last reviewed on {s.last_review.isoformat()}, {days} days ago: review it at least every "
                   "quarter (advice 8).")


@rule("readiness", "No weak readiness points", "Warning", "app_pages/analysis/readiness.py", "Work on readiness")
def weak_readiness(s: HealthSnapshot) -> Finding | None:
    if not s.weak_readiness:
        return None
    return Finding(f"{_count(len(s.weak_readiness), 'readiness point')} rated weak. Seed 002: without leadership, "
                   "business goals and data-quality demands the programme enters the vicious circle.",
                   tuple(f"{text} ({mean:.1f} of 5)" for text, mean in s.weak_readiness))


@rule("departments", "Participants from several departments", "Warning", "app_pages/analysis/participants.py",
      "Invite other departments")
def one_department(s: HealthSnapshot) -> Finding | None:
    departments = {d.strip().lower(): d.strip() for d in s.departments if d.strip()}
    if len(departments) >= 2:
        return None
    if not s.departments:
        return Finding("Nobody is recorded as taking part: a strategy made by one person is anchored nowhere.")
    if not departments:
        return Finding("No participant has a department recorded: say where each comes from, so it shows whether "
                       "several departments took part (advice 7).")
    only = next(iter(departments.values()))
    return Finding(f"Everyone who took part is from one department ({only}). Advice 7: involve several departments "
                   "from the analysis on; seed 002: a CRM lead alone in one department fails.", (only,))


@rule("evidence", "Every segment rests on what customers said", "Notice", "app_pages/analysis/insights.py",
      "Record customer insight")
def segments_without_evidence(s: HealthSnapshot) -> Finding | None:
    bare = tuple(name for name, _, insights in s.segments if insights == 0)
    if not bare:
        return None
    return Finding(f"{_count(len(bare), 'segment')} without a single insight from customers or frontline staff: "
                   "talk to them before building on it (advice 1).", bare)


@rule("feedback", f"Customer feedback acted on within {FEEDBACK_ACT_DAYS} days", "Warning", "app_pages/implementation/feedback.py",
      "Act on the feedback")
def feedback_not_acted_on(s: HealthSnapshot) -> Finding | None:
    late = sorted(((text, days) for text, days in s.feedback_waiting if days > FEEDBACK_ACT_DAYS), key=lambda x: -x[1])
    if not late:
        return None
    return Finding(f"{_count(len(late), 'piece')} of customer feedback not acted on for more than {FEEDBACK_ACT_DAYS} "
                   "days: feedback left lying teaches customers and staff not to give it (advice 9).",
                   tuple(f"{text[:80]}{'…' if len(text) > 80 else ''} ({days} days)" for text, days in late))


def run_rules(snapshot: HealthSnapshot) -> list[RuleResult]:
    """Every rule's result: the failed ones first, then the passed ones; within each, the most serious
    first, and rules of the same severity in the order they are declared."""
    results = [RuleResult(r, r.check(snapshot)) for r in RULES]
    return sorted(results, key=lambda r: (r.passed, SEVERITIES.index(r.rule.severity)))
