"""Key factors per segment with weights and strengths, participants' strength ratings, the
target-segment choice, and the workspace's attractiveness weights.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("workspace") as batch:
        batch.add_column(sa.Column("weight_size", sa.Float, nullable=False, server_default="30"))
        batch.add_column(sa.Column("weight_potential", sa.Float, nullable=False, server_default="40"))
        batch.add_column(sa.Column("weight_growth", sa.Float, nullable=False, server_default="30"))
    with op.batch_alter_table("segment") as batch:
        batch.add_column(sa.Column("priority", sa.String(20)))
        batch.add_column(sa.Column("priority_rationale", sa.Text, nullable=False, server_default=""))
        batch.add_column(sa.Column("ratings_revealed", sa.Boolean, nullable=False, server_default=sa.false()))
    # The server defaults only fill the rows that exist; new rows get their values from the app.
    with op.batch_alter_table("workspace") as batch:
        for column in ("weight_size", "weight_potential", "weight_growth"):
            batch.alter_column(column, server_default=None)
    with op.batch_alter_table("segment") as batch:
        for column in ("priority_rationale", "ratings_revealed"):
            batch.alter_column(column, server_default=None)
    op.create_table(
        "factor",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "workspace_id", sa.Integer, sa.ForeignKey("workspace.id", ondelete="CASCADE"), nullable=False, index=True
        ),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.UniqueConstraint("workspace_id", "name", name="uq_factor_name"),
    )
    op.create_table(
        "segment_factor",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "segment_id", sa.Integer, sa.ForeignKey("segment.id", ondelete="CASCADE"), nullable=False, index=True
        ),
        sa.Column("factor_id", sa.Integer, sa.ForeignKey("factor.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("weight", sa.Float, nullable=False),
        sa.Column("competitor_strength", sa.Integer),
        sa.Column("agreed_strength", sa.Integer),
        sa.Column("position", sa.Integer, nullable=False),
        sa.UniqueConstraint("segment_id", "factor_id", name="uq_segment_factor"),
    )
    op.create_table(
        "strength_rating",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "segment_factor_id",
            sa.Integer,
            sa.ForeignKey("segment_factor.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column(
            "participant_id",
            sa.Integer,
            sa.ForeignKey("participant.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("score", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("segment_factor_id", "participant_id", name="uq_strength_rating"),
    )


def downgrade() -> None:
    op.drop_table("strength_rating")
    op.drop_table("segment_factor")
    op.drop_table("factor")
    with op.batch_alter_table("segment") as batch:
        batch.drop_column("ratings_revealed")
        batch.drop_column("priority_rationale")
        batch.drop_column("priority")
    with op.batch_alter_table("workspace") as batch:
        batch.drop_column("weight_growth")
        batch.drop_column("weight_potential")
        batch.drop_column("weight_size")
