"""Personal data sealed under the offer's key (issuer/sealed.py): the credential's disclosures move
out of pending_payload into sealed_disclosures; the access token's expiry is kept with the offer (its
claims are deleted once nothing can redeem it); the holder key's thumbprint is kept with the
credential (a retry proving that key gets the credential again)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    with op.batch_alter_table("offers") as batch:
        batch.add_column(sa.Column("token_expires_at", sa.Float, nullable=True))
        batch.add_column(sa.Column("retained_key", sa.String(64), nullable=True))
    with op.batch_alter_table("credentials") as batch:
        batch.add_column(sa.Column("sealed_disclosures", sa.Text, nullable=True))
        batch.add_column(sa.Column("holder_thumbprint", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("credentials") as batch:
        batch.drop_column("holder_thumbprint")
        batch.drop_column("sealed_disclosures")
    with op.batch_alter_table("offers") as batch:
        batch.drop_column("retained_key")
        batch.drop_column("token_expires_at")
