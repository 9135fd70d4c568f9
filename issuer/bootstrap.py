"""Creating the first administrator, once."""

from __future__ import annotations

import time

from sqlalchemy import func, select

from issuer.db import make_engine, migrate, session_factory
from issuer.models import Staff
from issuer.settings import IssuerSettings
from issuer.tokens import new_token, sha256_hex
from nansen.errors import ConfigurationError


def bootstrap_admin(settings: IssuerSettings, name: str) -> str:
    """Creates the first administrator and returns its token (shown once, stored hashed)."""
    engine = make_engine(settings.database, busy_timeout_seconds=settings.database_busy_timeout_seconds)
    try:
        migrate(engine)
        with session_factory(engine)() as session:
            if session.scalar(select(func.count()).select_from(Staff).where(Staff.role == "admin")):
                raise ConfigurationError("an administrator exists already; add staff with POST /staff")
            token = new_token()
            session.add(
                Staff(
                    name=name,
                    role="admin",
                    token_sha256=sha256_hex(token),
                    active=True,
                    created_at=time.time(),
                )
            )
            session.commit()
        return token
    finally:
        engine.dispose()
