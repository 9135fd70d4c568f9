"""The issuer's status list as a signed IETF Token Status List JWT, derived from chain state.

How fast a revocation is seen: the chain is read again at most every ``REFRESH_SECONDS`` (so a
status is published within that of reaching the chain), and the token says a consumer should fetch
again after ``ttl`` seconds. ``exp`` is ``iat + ttl``: a verifier that caches to ``exp`` alone still
sees a revocation within ``ttl`` (the draft's ttl and exp, draft-ietf-oauth-status-list §5.1). An
unchanged list keeps its token (and ETag) until half its ttl has passed, so caches can revalidate.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from issuer.chain_link import ChainLink
from issuer.keys import SigningKey
from nansen.credential.status_claim import status_list_uri
from nansen.crypto.jws import sign_compact
from nansen.status.token_status_list import STATUS_LIST_TYP, StatusList, StatusListClaims
from nansen.status.words import ENTRIES_PER_WORD, words_to_bytes

REFRESH_SECONDS = 2.0


@dataclass(frozen=True, slots=True)
class _Published:
    token: str
    words: tuple[int, ...]
    issued_at: float
    read_at: float


class StatusListPublisher:
    def __init__(
        self,
        *,
        chain: ChainLink,
        issuer_id: str,
        size: int,
        key: SigningKey,
        ttl: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._chain = chain
        self._issuer_id = issuer_id
        self._size = size
        self._key = key
        self.ttl = ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._published: _Published | None = None

    def token(self) -> str:
        with self._lock:
            now = self._clock()
            last = self._published
            if last is not None and now - last.read_at < REFRESH_SECONDS:
                return last.token
            words = tuple(
                self._chain.get().registry.status_words(
                    self._chain.address, 0, self._size // ENTRIES_PER_WORD
                )
            )
            if last is not None and words == last.words and now - last.issued_at < self.ttl / 2:
                self._published = _Published(last.token, words, last.issued_at, now)
            else:
                self._published = _Published(self._sign(words, int(now)), words, now, now)
            return self._published.token

    def _sign(self, words: tuple[int, ...], now: int) -> str:
        status_list = StatusList(self._size, 2, words_to_bytes(words))
        claims = StatusListClaims(
            subject=status_list_uri(self._issuer_id),
            issuer=self._issuer_id,
            issued_at=now,
            expires_at=now + self.ttl,
            ttl=self.ttl,
        )
        return sign_compact(
            header={"typ": STATUS_LIST_TYP, "kid": self._key.kid},
            payload=json.dumps(claims.payload(status_list), separators=(",", ":")).encode(),
            key=self._key.key,
        )
