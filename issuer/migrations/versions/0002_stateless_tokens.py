"""c_nonces and access tokens become self-contained (MAC-protected, see issuer/signed_tokens.py): their
tables go; a spent c_nonce is recorded (hashed, unique) with the credential it was spent on.
Indexes the pipeline looks up by: batch members, queued status changes, batches still sending."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"

INDEXES = (
    ("credentials_batch", "credentials", ["batch_id", "batch_position"]),
    ("status_changes_state", "status_changes", ["state"]),
    ("batches_state", "batches", ["state"]),
)


def upgrade() -> None:
    op.drop_table("access_tokens")
    op.drop_table("nonces")
    op.add_column("credentials", sa.Column("proof_nonce", sa.String(64), nullable=True))
    op.create_index("credentials_proof_nonce", "credentials", ["proof_nonce"], unique=True)
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in INDEXES:
        op.drop_index(name, table_name=table)
    op.drop_index("credentials_proof_nonce", table_name="credentials")
    with op.batch_alter_table("credentials") as batch:
        batch.drop_column("proof_nonce")
    op.create_table(
        "nonces",
        sa.Column("value", sa.String(64), primary_key=True),
        sa.Column("expires_at", sa.Float, nullable=False),
    )
    op.create_table(
        "access_tokens",
        sa.Column("token_sha256", sa.String(64), primary_key=True),
        sa.Column("offer_id", sa.String(64), sa.ForeignKey("offers.id"), nullable=False),
        sa.Column("expires_at", sa.Float, nullable=False),
    )
