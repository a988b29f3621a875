"""The strategy map (company strategy, objectives, initiatives, enablers and their links), the
company-strategy constraints, measurable goals with milestones, and the long-term goal limit.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _workspace_fk() -> sa.Column:
    return sa.Column(
        "workspace_id", sa.Integer, sa.ForeignKey("workspace.id", ondelete="CASCADE"), nullable=False, index=True
    )


def upgrade() -> None:
    with op.batch_alter_table("workspace") as batch:
        batch.add_column(sa.Column("max_long_term_goals", sa.Integer, nullable=False, server_default="5"))
    with op.batch_alter_table("workspace") as batch:
        batch.alter_column("max_long_term_goals", server_default=None)
    op.create_table(
        "map_node",
        sa.Column("id", sa.Integer, primary_key=True),
        _workspace_fk(),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("owner", sa.String(120), nullable=False),
        sa.Column("business_value", sa.Integer),
        sa.Column("complexity", sa.Integer),
        sa.Column("time_effort", sa.Integer),
        sa.Column("cost", sa.Integer),
        sa.Column("lifecycle_stage", sa.String(20)),
        sa.Column("channel", sa.String(120)),
        sa.Column("position", sa.Integer, nullable=False),
        sa.UniqueConstraint("workspace_id", "name", name="uq_map_node_name"),
    )
    op.create_table(
        "map_link",
        sa.Column("id", sa.Integer, primary_key=True),
        _workspace_fk(),
        sa.Column(
            "source_id", sa.Integer, sa.ForeignKey("map_node.id", ondelete="CASCADE"), nullable=False, index=True
        ),
        sa.Column(
            "target_id", sa.Integer, sa.ForeignKey("map_node.id", ondelete="CASCADE"), nullable=False, index=True
        ),
        sa.UniqueConstraint("source_id", "target_id", name="uq_map_link"),
    )
    op.create_table(
        "strategy_constraint",
        sa.Column("id", sa.Integer, primary_key=True),
        _workspace_fk(),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
    )
    op.create_table(
        "constraint_node",
        sa.Column(
            "constraint_id", sa.Integer, sa.ForeignKey("strategy_constraint.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column(
            "node_id", sa.Integer, sa.ForeignKey("map_node.id", ondelete="CASCADE"), primary_key=True, index=True
        ),
    )
    op.create_table(
        "goal",
        sa.Column("id", sa.Integer, primary_key=True),
        _workspace_fk(),
        sa.Column(
            "objective_id", sa.Integer, sa.ForeignKey("map_node.id", ondelete="CASCADE"), nullable=False, index=True
        ),
        sa.Column("goal_type", sa.String(10), nullable=False),
        sa.Column("metric", sa.String(120), nullable=False),
        sa.Column("unit", sa.String(40), nullable=False),
        sa.Column("baseline", sa.Float, nullable=False),
        sa.Column("target", sa.Float, nullable=False),
        sa.Column("deadline", sa.Date, nullable=False),
        sa.Column("owner", sa.String(120), nullable=False),
        sa.Column("measures", sa.String(10), nullable=False),
    )
    op.create_table(
        "milestone",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("goal_id", sa.Integer, sa.ForeignKey("goal.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("due", sa.Date, nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.UniqueConstraint("goal_id", "due", name="uq_milestone_due"),
    )


def downgrade() -> None:
    for table in ("milestone", "goal", "constraint_node", "strategy_constraint", "map_link", "map_node"):
        op.drop_table(table)
    with op.batch_alter_table("workspace") as batch:
        batch.drop_column("max_long_term_goals")
