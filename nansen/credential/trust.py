"""What verification needs from the chain, as a Protocol: the ChainMirror satisfies it in memory."""

from __future__ import annotations

from typing import Protocol

from nansen.chain.mirror import Freshness
from nansen.chain.records import BatchRecord, CredentialStatus, IssuerRecord, SigningKeyRecord


class TrustSource(Protocol):
    @property
    def chain_id(self) -> int: ...

    @property
    def credential_registry(self) -> str: ...

    def issuer_by_id(self, issuer_id: str) -> IssuerRecord | None: ...

    def signing_key(self, issuer: str, kid: bytes) -> SigningKeyRecord | None: ...

    def batch(self, root: bytes) -> BatchRecord | None: ...

    def status(self, issuer: str, index: int) -> CredentialStatus: ...

    def freshness(self) -> Freshness: ...
