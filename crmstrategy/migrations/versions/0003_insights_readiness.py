"""Insight log with themes; participants; the readiness check. Existing workspaces get the
default themes and the standard readiness statements.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Frozen copies: a migration must seed what was standard when it was written.
DEFAULT_THEMES = ("Delivery", "Price", "Service", "Product", "Digital channels", "Communication")
STANDARD_STATEMENTS = (
    ("top_management", "Top management anchors CRM: leaders take part and set the direction."),
    ("business_goals", "The business goals of CRM are set before the work starts."),
    ("line_to_top", "The CRM lead has a direct line to top management."),
    ("data_quality", "Data-quality requirements are set, and someone owns them."),
    ("departments", "Sales, marketing, service and IT work on CRM together."),
    ("user_value", "Users see value from CRM in their daily work."),
    ("owner_after_launch", "CRM has a named owner after launch."),
)


def _workspace_fk() -> sa.Column:
    return sa.Column(
        "workspace_id", sa.Integer, sa.ForeignKey("workspace.id", ondelete="CASCADE"), nullable=False, index=True
    )


def upgrade() -> None:
    theme = op.create_table(
        "theme",
        sa.Column("id", sa.Integer, primary_key=True),
        _workspace_fk(),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.UniqueConstraint("workspace_id", "name", name="uq_theme_name"),
    )
    op.create_table(
        "insight",
        sa.Column("id", sa.Integer, primary_key=True),
        _workspace_fk(),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("source_type", sa.String(40), nullable=False),
        sa.Column("recorded_by", sa.String(120), nullable=False),
        sa.Column("recorded_on", sa.Date, nullable=False),
        sa.Column("theme_id", sa.Integer, sa.ForeignKey("theme.id", ondelete="SET NULL"), index=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "insight_segment",
        sa.Column("insight_id", sa.Integer, sa.ForeignKey("insight.id", ondelete="CASCADE"), primary_key=True),
        sa.Column(
            "segment_id", sa.Integer, sa.ForeignKey("segment.id", ondelete="CASCADE"), primary_key=True, index=True
        ),
    )
    op.create_table(
        "insight_persona",
        sa.Column("insight_id", sa.Integer, sa.ForeignKey("insight.id", ondelete="CASCADE"), primary_key=True),
        sa.Column(
            "persona_id", sa.Integer, sa.ForeignKey("persona.id", ondelete="CASCADE"), primary_key=True, index=True
        ),
    )
    op.create_table(
        "participant",
        sa.Column("id", sa.Integer, primary_key=True),
        _workspace_fk(),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("department", sa.String(120), nullable=False),
        sa.Column("role", sa.String(120), nullable=False),
        sa.Column("is_leader", sa.Boolean, nullable=False),
        sa.UniqueConstraint("workspace_id", "name", name="uq_participant_name"),
    )
    statement = op.create_table(
        "readiness_statement",
        sa.Column("id", sa.Integer, primary_key=True),
        _workspace_fk(),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("why", sa.Text, nullable=False),
        sa.Column("key", sa.String(40)),
        sa.Column("position", sa.Integer, nullable=False),
        sa.UniqueConstraint("workspace_id", "text", name="uq_readiness_statement_text"),
    )
    op.create_table(
        "readiness_rating",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "statement_id",
            sa.Integer,
            sa.ForeignKey("readiness_statement.id", ondelete="CASCADE"),
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
        sa.Column("note", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("statement_id", "participant_id", name="uq_readiness_rating"),
    )
    workspace_ids = [row[0] for row in op.get_bind().execute(sa.text("SELECT id FROM workspace")).fetchall()]
    if workspace_ids:
        op.bulk_insert(
            theme,
            [
                {"workspace_id": w, "name": name, "position": i}
                for w in workspace_ids
                for i, name in enumerate(DEFAULT_THEMES)
            ],
        )
        # The "why" sentences live with the app (crmstrategy.analysis.readiness); filled here as empty and
        # shown from the catalogue by key.
        op.bulk_insert(
            statement,
            [
                {"workspace_id": w, "text": text, "why": "", "key": key, "position": i}
                for w in workspace_ids
                for i, (key, text) in enumerate(STANDARD_STATEMENTS)
            ],
        )


def downgrade() -> None:
    for table in (
        "readiness_rating",
        "readiness_statement",
        "participant",
        "insight_persona",
        "insight_segment",
        "insight",
        "theme",
    ):
        op.drop_table(table)
