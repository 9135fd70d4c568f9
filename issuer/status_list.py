"""The issuer's status list as a signed IETF Token Status List JWT, derived from chain state."""

from __future__ import annotations

import json
import threading
import time

from issuer.chain_link import ChainLink
from issuer.keys import SigningKey
from nansen.credential.status_claim import status_list_uri
from nansen.crypto.jws import sign_compact
from nansen.status.token_status_list import STATUS_LIST_TYP, StatusList, StatusListClaims
from nansen.status.words import ENTRIES_PER_WORD, words_to_bytes

TTL_SECONDS = 60


class StatusListPublisher:
    def __init__(self, *, chain: ChainLink, issuer_id: str, size: int, key: SigningKey) -> None:
        self._chain = chain
        self._issuer_id = issuer_id
        self._size = size
        self._key = key
        self._lock = threading.Lock()
        self._cached: tuple[float, str] | None = None

    def token(self) -> str:
        with self._lock:
            now = time.time()
            if self._cached and now - self._cached[0] < TTL_SECONDS / 2:
                return self._cached[1]
            words = self._chain.get().registry.status_words(
                self._chain.address, 0, self._size // ENTRIES_PER_WORD
            )
            status_list = StatusList(self._size, 2, words_to_bytes(words))
            claims = StatusListClaims(
                subject=status_list_uri(self._issuer_id),
                issuer=self._issuer_id,
                issued_at=int(now),
                expires_at=int(now) + 86_400,
                ttl=TTL_SECONDS,
            )
            token = sign_compact(
                header={"typ": STATUS_LIST_TYP, "kid": self._key.kid},
                payload=json.dumps(claims.payload(status_list), separators=(",", ":")).encode(),
                key=self._key.key,
            )
            self._cached = (now, token)
            return token
