"""Workspaces, value drivers and needs-based segments.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _fk(target: str) -> sa.ForeignKey:
    return sa.ForeignKey(target, ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "workspace",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("name", name="uq_workspace_name"),
    )
    op.create_table(
        "value_driver",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("workspace_id", sa.Integer, _fk("workspace.id"), nullable=False, index=True),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.UniqueConstraint("workspace_id", "name", name="uq_value_driver_name"),
    )
    op.create_table(
        "segment",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("workspace_id", sa.Integer, _fk("workspace.id"), nullable=False, index=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("defining_needs", sa.Text, nullable=False),
        sa.Column("customer_count", sa.Integer),
        sa.Column("revenue", sa.Float),
        sa.Column("potential", sa.Float),
        sa.Column("expected_growth_pct", sa.Float),
        sa.Column("lifecycle_focus", sa.String(20)),
        sa.Column("notes", sa.Text, nullable=False),
        sa.UniqueConstraint("workspace_id", "name", name="uq_segment_name"),
    )
    op.create_table(
        "segment_value_driver",
        sa.Column("segment_id", sa.Integer, _fk("segment.id"), primary_key=True),
        sa.Column("value_driver_id", sa.Integer, _fk("value_driver.id"), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("segment_value_driver")
    op.drop_table("segment")
    op.drop_table("value_driver")
    op.drop_table("workspace")
