"""The customer promise: its versions (never overwritten), the segments each speaks to, and the
workspace's buzzword and jargon lists, filled with the defaults for the workspaces there are.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from crmstrategy.strategy.promise_checks import DEFAULT_BUZZWORDS, DEFAULT_JARGON

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "promise_version",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "workspace_id", sa.Integer, sa.ForeignKey("workspace.id", ondelete="CASCADE"), nullable=False, index=True
        ),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("delivers", sa.Text, nullable=False),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("perceived", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("author", sa.String(120), nullable=False),
        sa.Column("note", sa.String(300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("restored_from", sa.Integer),
        sa.Column("is_current", sa.Boolean, nullable=False),
        sa.UniqueConstraint("workspace_id", "number", name="uq_promise_version_number"),
    )
    op.create_table(
        "promise_version_segment",
        sa.Column("version_id", sa.Integer, sa.ForeignKey("promise_version.id", ondelete="CASCADE"), primary_key=True),
        sa.Column(
            "segment_id", sa.Integer, sa.ForeignKey("segment.id", ondelete="CASCADE"), primary_key=True, index=True
        ),
    )
    term = op.create_table(
        "promise_term",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "workspace_id", sa.Integer, sa.ForeignKey("workspace.id", ondelete="CASCADE"), nullable=False, index=True
        ),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("term", sa.String(60), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.UniqueConstraint("workspace_id", "kind", "term", name="uq_promise_term"),
    )
    workspace_ids = [row[0] for row in op.get_bind().execute(sa.text("SELECT id FROM workspace")).fetchall()]
    rows = [
        {"workspace_id": ws, "kind": kind, "term": t, "position": n}
        for ws in workspace_ids
        for kind, terms in (("buzzword", DEFAULT_BUZZWORDS), ("jargon", DEFAULT_JARGON))
        for n, t in enumerate(dict.fromkeys(terms))
    ]
    if rows:
        op.bulk_insert(term, rows)


def downgrade() -> None:
    for table in ("promise_term", "promise_version_segment", "promise_version"):
        op.drop_table(table)
