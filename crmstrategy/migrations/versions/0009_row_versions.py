"""Row versions: every row users edit carries a counter that each write moves on, so an edit
drawn from an older version is refused instead of overwriting someone else's change.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

VERSIONED_TABLES = (
    "workspace",
    "segment",
    "persona",
    "insight",
    "participant",
    "readiness_statement",
    "factor",
    "segment_factor",
    "map_node",
    "strategy_constraint",
    "goal",
    "milestone",
    "action",
    "role_impact",
    "goal_measurement",
    "customer_measurement",
    "feedback",
)


def upgrade() -> None:
    for table in VERSIONED_TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("version", sa.Integer, nullable=False, server_default="1"))


def downgrade() -> None:
    for table in reversed(VERSIONED_TABLES):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("version")
