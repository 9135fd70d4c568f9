"""Initial schema: staff, offers, tokens, nonces, batches, credentials, status changes, audit log."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("token_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_table(
        "offers",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("code_sha256", sa.String(64), nullable=False, unique=True),
        sa.Column("tx_code_sha256", sa.String(64), nullable=False),
        sa.Column("tx_code_failures", sa.Integer, nullable=False),
        sa.Column("credential_type", sa.String(100), nullable=False),
        sa.Column("claims", sa.JSON, nullable=True),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("created_by", sa.Integer, sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
    )
    op.create_table(
        "access_tokens",
        sa.Column("token_sha256", sa.String(64), primary_key=True),
        sa.Column("offer_id", sa.String(64), sa.ForeignKey("offers.id"), nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
    )
    op.create_table(
        "nonces",
        sa.Column("value", sa.String(64), primary_key=True),
        sa.Column("expires_at", sa.Float, nullable=False),
    )
    op.create_table(
        "batches",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("root", sa.String(64), nullable=False, unique=True),
        sa.Column("count", sa.Integer, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("tx_hash", sa.String(66), nullable=True),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("confirmed_at", sa.Float, nullable=True),
    )
    op.create_table(
        "credentials",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("offer_id", sa.String(64), sa.ForeignKey("offers.id"), nullable=False, unique=True),
        sa.Column("credential_type", sa.String(100), nullable=False),
        sa.Column("status_index", sa.Integer, nullable=False, unique=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("batch_id", sa.Integer, sa.ForeignKey("batches.id"), nullable=True),
        sa.Column("batch_position", sa.Integer, nullable=True),
        sa.Column("leaf", sa.String(64), nullable=False),
        sa.Column("transaction_id", sa.String(64), nullable=False, unique=True),
        sa.Column("pending_payload", sa.JSON, nullable=True),
        sa.Column("issued", sa.Text, nullable=True),
        sa.Column("created_at", sa.Float, nullable=False),
        sa.Column("delivered_at", sa.Float, nullable=True),
    )
    op.create_index("credentials_state", "credentials", ["state"])
    op.create_table(
        "status_changes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("credential_id", sa.String(64), sa.ForeignKey("credentials.id"), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reason", sa.String(50), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("tx_hash", sa.String(66), nullable=True),
        sa.Column("created_at", sa.Float, nullable=False),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.Float, nullable=False),
        sa.Column("staff_id", sa.Integer, nullable=True),
        sa.Column("action", sa.String(50), nullable=False),
        sa.Column("credential_id", sa.String(64), nullable=True),
        sa.Column("detail", sa.String(200), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "audit_log",
        "status_changes",
        "credentials",
        "batches",
        "nonces",
        "access_tokens",
        "offers",
        "staff",
    ):
        op.drop_table(table)
