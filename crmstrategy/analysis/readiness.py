"""The CRM readiness check (seed 002's vicious circle, seed 000's missing owner): the standard
statements, and the summary of participants' ratings. Pure: no database, no Streamlit."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from crmstrategy.analysis.scores import ScoreSpread

# (key, statement, why it matters). The order is the order of the vicious circle in seed 002.
STANDARD_STATEMENTS: tuple[tuple[str, str, str], ...] = (
    (
        "top_management",
        "Top management anchors CRM: leaders take part and set the direction.",
        "When top management is absent the vicious circle starts: goals are not set, departments are not "
        "integrated, users give up and the return is poor.",
    ),
    (
        "business_goals",
        "The business goals of CRM are set before the work starts.",
        "CRM implemented without business goals is the first way it goes wrong: without goals nobody can "
        "tell whether it works or intervene in time.",
    ),
    (
        "line_to_top",
        "The CRM lead has a direct line to top management.",
        "A CRM lead who stands alone in IT, without a line to top management, cannot settle priorities "
        "across departments.",
    ),
    (
        "data_quality",
        "Data-quality requirements are set, and someone owns them.",
        "Without data-quality demands the data decays, users stop trusting it, and the return on the investment falls.",
    ),
    (
        "departments",
        "Sales, marketing, service and IT work on CRM together.",
        "When departments are not integrated each keeps its own picture of the customer, and the customer "
        "meets a company that does not know them.",
    ),
    (
        "user_value",
        "Users see value from CRM in their daily work.",
        "Users who see no value in their own work give up; then the data thins out and the circle closes.",
    ),
    (
        "owner_after_launch",
        "CRM has a named owner after launch.",
        "Programmes stall after launch for want of ownership: launch is the start, not the goal, and "
        "someone must own the adjustments.",
    ),
)

WEAK_BELOW = 2.5
ATTENTION_BELOW = 3.5


@dataclass(frozen=True)
class Rating:
    statement_id: int
    participant_id: int
    score: int
    note: str = ""


@dataclass(frozen=True)
class StatementSummary(ScoreSpread):
    statement_id: int
    text: str
    why: str
    scores: list[int]
    notes: list[str] = field(default_factory=list)

    @property
    def level(self) -> str:
        if self.mean is None:
            return "not rated"
        if self.mean < WEAK_BELOW:
            return "weak"
        if self.mean < ATTENTION_BELOW:
            return "needs attention"
        return "in place"


@dataclass(frozen=True)
class ReadinessSummary:
    statements: list[StatementSummary]  # weakest first, unrated last

    @property
    def rated(self) -> list[StatementSummary]:
        return [s for s in self.statements if s.mean is not None]

    @property
    def overall(self) -> float | None:
        """Mean of the statement means (each statement counts once, however many rated it)."""
        means = [s.mean for s in self.statements if s.mean is not None]
        return statistics.fmean(means) if means else None

    @property
    def overall_percent(self) -> int | None:
        """The overall mean on 0-100, where 1 is 0 and 5 is 100."""
        return None if self.overall is None else round((self.overall - 1) / 4 * 100)

    @property
    def weak_points(self) -> list[StatementSummary]:
        return [s for s in self.rated if s.level in ("weak", "needs attention")]


def summarise(statements: list[tuple[int, str, str]], ratings: list[Rating]) -> ReadinessSummary:
    """`statements` as (id, text, why) in their own order; ratings from any participants."""
    by_statement: dict[int, list[Rating]] = {sid: [] for sid, _, _ in statements}
    for rating in ratings:
        if rating.statement_id in by_statement:
            by_statement[rating.statement_id].append(rating)
    summaries = [
        StatementSummary(
            sid, text, why, [r.score for r in by_statement[sid]], [r.note for r in by_statement[sid] if r.note]
        )
        for sid, text, why in statements
    ]
    order = {sid: index for index, (sid, _, _) in enumerate(statements)}
    summaries.sort(key=lambda s: (s.mean is None, s.mean if s.mean is not None else 0, order[s.statement_id]))
    return ReadinessSummary(summaries)
