"""The staff console: sessions signed in before ``sessions_valid_after`` are refused (sign out
everywhere), and each staff member's chosen console language."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    with op.batch_alter_table("staff") as batch:
        batch.add_column(sa.Column("sessions_valid_after", sa.Float, nullable=False, server_default="0"))
        batch.add_column(sa.Column("language", sa.String(8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("staff") as batch:
        batch.drop_column("language")
        batch.drop_column("sessions_valid_after")
