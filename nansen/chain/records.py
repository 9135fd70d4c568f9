"""Immutable records of registry state, as read from the chain or rebuilt from its events."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class CredentialStatus(IntEnum):
    """2-bit entries of an issuer's on-chain status list (IETF Token Status List values)."""

    VALID = 0
    REVOKED = 1
    SUSPENDED = 2


@dataclass(frozen=True)
class IssuerRecord:
    address: str
    name: str
    issuer_id: str
    accredited_at: int
    accredited: bool
    suspended: bool
    # the governance account that accredited it (only governance can): known to a mirror that
    # replayed the registry's events, "" for a direct read of the record (the contract keeps no accreditor)
    accredited_by: str = ""

    @property
    def active(self) -> bool:
        return self.accredited and not self.suspended


@dataclass(frozen=True)
class SigningKeyRecord:
    issuer: str
    kid: bytes
    public_key: bytes  # P-256 x || y, 64 bytes
    valid_from: int
    valid_until: int  # 0: open-ended
    retired_at: int  # 0: not retired

    def valid_at(self, timestamp: int) -> bool:
        return (
            timestamp >= self.valid_from
            and (self.valid_until == 0 or timestamp < self.valid_until)
            and (self.retired_at == 0 or timestamp < self.retired_at)
        )


@dataclass(frozen=True)
class BatchRecord:
    root: bytes
    issuer: str
    anchored_at: int
    count: int
