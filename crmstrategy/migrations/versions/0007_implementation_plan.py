"""The implementation plan (advice 7-8): actions with the initiatives they serve and their change
history, plan reviews, the plan's start, who took part in which step, and what the strategy means
per role or department.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _workspace_fk() -> sa.Column:
    return sa.Column(
        "workspace_id", sa.Integer, sa.ForeignKey("workspace.id", ondelete="CASCADE"), nullable=False, index=True
    )


def upgrade() -> None:
    with op.batch_alter_table("workspace") as batch:
        batch.add_column(sa.Column("plan_start", sa.Date))
    op.create_table(
        "action",
        sa.Column("id", sa.Integer, primary_key=True),
        _workspace_fk(),
        sa.Column("title", sa.String(120), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("department", sa.String(120), nullable=False),
        sa.Column("owner", sa.String(120), nullable=False),
        sa.Column("horizon", sa.Integer),
        sa.Column("start_date", sa.Date),
        sa.Column("due_date", sa.Date),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("audience", sa.String(200), nullable=False),
        sa.Column("notes", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "action_initiative",
        sa.Column("action_id", sa.Integer, sa.ForeignKey("action.id", ondelete="CASCADE"), primary_key=True),
        sa.Column(
            "node_id", sa.Integer, sa.ForeignKey("map_node.id", ondelete="CASCADE"), primary_key=True, index=True
        ),
    )
    op.create_table(
        "action_change",
        sa.Column("id", sa.Integer, primary_key=True),
        _workspace_fk(),
        sa.Column("action_id", sa.Integer, sa.ForeignKey("action.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.String(120), nullable=False),
        sa.Column("field", sa.String(40), nullable=False),
        sa.Column("old", sa.Text, nullable=False),
        sa.Column("new", sa.Text, nullable=False),
    )
    op.create_table(
        "plan_review",
        sa.Column("id", sa.Integer, primary_key=True),
        _workspace_fk(),
        sa.Column("reviewed_on", sa.Date, nullable=False),
        sa.Column("reviewed_by", sa.String(120), nullable=False),
        sa.Column("changes", sa.Text, nullable=False),
    )
    op.create_table(
        "step_participation",
        sa.Column("participant_id", sa.Integer, sa.ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("step", sa.String(20), primary_key=True),
    )
    op.create_table(
        "role_impact",
        sa.Column("id", sa.Integer, primary_key=True),
        _workspace_fk(),
        sa.Column("audience", sa.String(120), nullable=False),
        sa.Column("means", sa.Text, nullable=False),
        sa.Column("must_do", sa.Text, nullable=False),
        sa.Column("do_differently", sa.Text, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.UniqueConstraint("workspace_id", "audience", name="uq_role_impact_audience"),
    )


def downgrade() -> None:
    for table in ("role_impact", "step_participation", "plan_review", "action_change", "action_initiative", "action"):
        op.drop_table(table)
    with op.batch_alter_table("workspace") as batch:
        batch.drop_column("plan_start")
