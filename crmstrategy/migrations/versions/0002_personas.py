"""Personas per segment, with their preferred channels.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "persona",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "workspace_id", sa.Integer, sa.ForeignKey("workspace.id", ondelete="CASCADE"), nullable=False, index=True
        ),
        sa.Column(
            "segment_id", sa.Integer, sa.ForeignKey("segment.id", ondelete="CASCADE"), nullable=False, index=True
        ),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("role_title", sa.String(200), nullable=False),
        sa.Column("decision_role", sa.String(20)),
        sa.Column("desired_relationship", sa.String(30)),
        sa.Column("lifecycle_stage", sa.String(20)),
        *[
            sa.Column(name, sa.Text, nullable=False)
            for name in ("goals", "needs", "pains", "motives", "buying_process", "touchpoints", "quote")
        ],
        sa.UniqueConstraint("workspace_id", "name", name="uq_persona_name"),
    )
    op.create_table(
        "persona_channel",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "persona_id", sa.Integer, sa.ForeignKey("persona.id", ondelete="CASCADE"), nullable=False, index=True
        ),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("channel", sa.String(120), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("persona_channel")
    op.drop_table("persona")
