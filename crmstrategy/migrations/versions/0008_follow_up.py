"""Follow-up (advice 9, seed 000): when each goal's baseline was measured, measured values per
goal, customer measures per segment over time, and the customer feedback log with its routing.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _workspace_fk() -> sa.Column:
    return sa.Column(
        "workspace_id", sa.Integer, sa.ForeignKey("workspace.id", ondelete="CASCADE"), nullable=False, index=True
    )


def _measured() -> list[sa.Column]:
    return [
        sa.Column("measured_on", sa.Date, nullable=False),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("note", sa.String(300), nullable=False),
        sa.Column("recorded_by", sa.String(120), nullable=False),
    ]


def _optional(name: str, target: str) -> sa.Column:
    return sa.Column(name, sa.Integer, sa.ForeignKey(target, ondelete="SET NULL"), nullable=True, index=True)


def upgrade() -> None:
    with op.batch_alter_table("goal") as batch:
        batch.add_column(sa.Column("baseline_on", sa.Date))
    op.create_table(
        "goal_measurement",
        sa.Column("id", sa.Integer, primary_key=True),
        _workspace_fk(),
        sa.Column("goal_id", sa.Integer, sa.ForeignKey("goal.id", ondelete="CASCADE"), nullable=False, index=True),
        *_measured(),
        sa.UniqueConstraint("goal_id", "measured_on", name="uq_goal_measurement_day"),
    )
    op.create_table(
        "customer_measurement",
        sa.Column("id", sa.Integer, primary_key=True),
        _workspace_fk(),
        sa.Column("measure", sa.String(20), nullable=False),
        sa.Column("segment_id", sa.Integer, sa.ForeignKey("segment.id", ondelete="CASCADE"), nullable=True, index=True),
        *_measured(),
    )
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer, primary_key=True),
        _workspace_fk(),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("source", sa.String(120), nullable=False),
        sa.Column("channel", sa.String(60), nullable=False),
        sa.Column("received_on", sa.Date, nullable=False),
        sa.Column("sentiment", sa.String(10), nullable=False),
        sa.Column("routed_to", sa.String(120), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),
        sa.Column("response", sa.Text, nullable=False),
        sa.Column("recorded_by", sa.String(120), nullable=False),
        _optional("segment_id", "segment.id"),
        _optional("persona_id", "persona.id"),
        _optional("theme_id", "theme.id"),
        _optional("action_id", "action.id"),
        sa.Column("status_changed_on", sa.Date),
    )


def downgrade() -> None:
    for table in ("feedback", "customer_measurement", "goal_measurement"):
        op.drop_table(table)
    with op.batch_alter_table("goal") as batch:
        batch.drop_column("baseline_on")
