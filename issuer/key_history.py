"""The issuer's public keys for ``/.well-known/jwt-vc-issuer``, from the chain's key history.

A verifier outside Nansen has only this JWKS to check a credential's signature, so it must keep a
key for as long as any credential that key signed may still be valid: a credential is signed while
its key is valid (before ``validUntil`` and ``retiredAt``, as the chain says) and lives at most the
configured credential lifetime. A key therefore stays listed until its end on chain plus that
lifetime, and leaves then; a retirement back-dated to before the key's start (a key compromised
before use) removes it at once. The records are read from the registry (its ``KeyAdded`` events and
each key's current state), so a retirement by governance shows here without the issuer's doing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from contextlib import suppress
from typing import Any

from issuer.chain_link import ChainLink
from issuer.keys import SigningKey
from nansen.chain.records import SigningKeyRecord
from nansen.crypto.b64 import b64url_encode
from nansen.crypto.keys import public_key_from_raw
from nansen.errors import ChainError

REFRESH_SECONDS = 5.0  # how stale the key history may be; also the document's max-age


class KeysUnavailableError(ChainError):
    """The chain has not been read yet, so which keys to list is not known."""


def signing_end(record: SigningKeyRecord) -> int | None:
    """When the chain stops accepting signatures by this key (None: not yet decided)."""
    ends = [t for t in (record.valid_until, record.retired_at) if t]
    return min(ends) if ends else None


def listed(record: SigningKeyRecord, *, now: int, credential_lifetime: int) -> bool:
    """Whether a credential this key signed may still be valid at ``now``."""
    end = signing_end(record)
    if end is None:
        return True
    return end > record.valid_from and now < end + credential_lifetime


def jwk_of(record: SigningKeyRecord) -> dict[str, Any]:
    return {
        **public_key_from_raw(record.public_key).jwk(),
        "kid": b64url_encode(record.kid),
        "alg": "ES256",
        "use": "sig",
    }


def jwks_of(
    records: Sequence[SigningKeyRecord], *, now: int, credential_lifetime: int
) -> list[dict[str, Any]]:
    return [jwk_of(r) for r in records if listed(r, now=now, credential_lifetime=credential_lifetime)]


class IssuerKeys:
    """The keys to publish, refreshed from the chain at most every ``REFRESH_SECONDS``.

    While the chain cannot be read the last history read is kept (it is still the best knowledge of
    which keys exist); before any read succeeded the keys are unknown and the caller says so.
    Without a chain link (``WORKER_ENABLED=false``) only the current signing key is published."""

    def __init__(
        self,
        *,
        chain: ChainLink | None,
        current: SigningKey,
        credential_lifetime: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._chain = chain
        self._current = current
        self._lifetime = credential_lifetime
        self._clock = clock
        self._lock = threading.Lock()
        self._records: list[SigningKeyRecord] | None = None
        self._read_at = float("-inf")

    def published(self) -> list[dict[str, Any]]:
        if self._chain is None:
            public = self._current.key.public_key().jwk()
            return [{**public, "kid": self._current.kid, "alg": "ES256", "use": "sig"}]
        records = self._history()
        return jwks_of(records, now=int(self._clock()), credential_lifetime=self._lifetime)

    def _history(self) -> list[SigningKeyRecord]:
        assert self._chain is not None
        with self._lock:
            if self._clock() - self._read_at >= REFRESH_SECONDS:
                self._read_at = self._clock()  # also after a failure: a down chain is asked again later
                with suppress(ChainError):  # on failure the last history read stays the best knowledge
                    self._records = self._chain.get().registry.keys_of(self._chain.address)
            if self._records is None:
                raise KeysUnavailableError(
                    "issuer keys not read from the chain yet",
                    user_message="The issuer's keys cannot be read from the chain now. Try again shortly.",
                )
            return self._records
