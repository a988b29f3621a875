"""What a new workspace starts with: value drivers, insight themes, the readiness statements, the
promise's word lists and the starter factor library. Each step keeps its own defaults; this
puts them together for a workspace created empty (an imported one brings its own)."""

from __future__ import annotations

from sqlmodel import Session

from crmstrategy.analysis.models import (
    DEFAULT_THEMES,
    DEFAULT_VALUE_DRIVERS,
    Factor,
    Theme,
    ValueDriver,
)
from crmstrategy.analysis.readiness_ratings import seed_standard_statements
from crmstrategy.strategy.promise import seed_terms

# What a new workspace's library starts with: the factors customers most often choose a supplier
# by, each with what it means, so a team picks and edits rather than starting from a blank page.
STARTER_FACTORS = (
    ("Price level", "What customers pay compared with other suppliers, discounts and terms included."),
    ("Delivery precision", "Deliveries arrive complete, on the day and at the time agreed."),
    ("Product range", "Customers find what they need in one place, the specialist items included."),
    ("Expertise and advice", "Our people know the products and help customers choose the right solution."),
    ("Service", "Questions, complaints and returns are handled quickly and helpfully."),
    ("Availability", "Products are in stock, and someone answers when customers need us."),
    ("Ease of ordering", "Ordering is quick and simple, in the channel the customer prefers."),
    ("Relationship", "Customers know and trust the people they deal with."),
)


def seed_new_workspace(session: Session, workspace_id: int) -> None:
    """Every starting list of a workspace created empty (an imported one brings its own)."""
    for position, name in enumerate(DEFAULT_VALUE_DRIVERS):
        session.add(ValueDriver(workspace_id=workspace_id, name=name, position=position))
    for position, name in enumerate(DEFAULT_THEMES):
        session.add(Theme(workspace_id=workspace_id, name=name, position=position))
    seed_standard_statements(session, workspace_id)
    seed_terms(session, workspace_id)
    seed_starter_factors(session, workspace_id)


def seed_starter_factors(session: Session, workspace_id: int) -> None:
    """Put the starter factors in a new workspace's library."""
    for name, description in STARTER_FACTORS:
        session.add(Factor(workspace_id=workspace_id, name=name, description=description))
    session.flush()
