"""A credential request's work that needs no write transaction, done before it: the key proof's
checks and the credential's preparation.

SQLite's writers take turns across processes (issuer/write_lock.py); CPU spent inside a write
transaction is time every other process's wallets wait. So the proof's signature is checked in the
request's own coroutine, and the credential prepared on a plain read before the lock
(issuer/wallet_db.py, ``run_prepared``). The transaction (``IssuanceFlow.request_credential``) still
decides, in the old order: the access token, the request, then the proof's refusal if it had one,
then whether its c_nonce is already spent.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from issuer.signed_tokens import NONCE, TokenMinter
from issuer.tokens import sha256_hex
from nansen.credential.issuance import PreparedCredential
from nansen.crypto.keys import PublicKey, jwk_thumbprint
from nansen.openid4vci.errors import IssuanceProtocolError, invalid_proof

# as nansen.openid4vci.proof words it for a nonce its consume_nonce turns down
SPENT_NONCE = "the key proof's nonce is unknown, expired or used; get a fresh c_nonce"
ALREADY_REQUESTED = "This credential was already requested with another key."


def thumbprint(key: PublicKey) -> str:
    return jwk_thumbprint(key.jwk()).hex()


def pending_payload(body: dict[str, Any], key: bytes | None, disclosures: list[str]) -> dict[str, Any]:
    # an access token minted before sealing existed carries no key (its claims were stored plain):
    # its disclosures are kept as they were then, for the pipeline to sign with the body
    return {"body": body} if key is not None else {"body": body, "disclosures": disclosures}


@dataclass(frozen=True, slots=True)
class CheckedProof:
    """A key proof after the checks that need no database: its holder key and its c_nonce's digest,
    or the refusal to raise in its turn."""

    holder_key: PublicKey | None = None
    nonce_sha256: str | None = None
    refusal: IssuanceProtocolError | None = None


@dataclass(frozen=True, slots=True)
class Prepared:
    """A credential prepared ahead of its transaction, for the offer, claims and key it was made from."""

    offer_id: str
    claims: Any
    holder_key: PublicKey
    status_index: int
    credential: PreparedCredential

    def fits(self, offer: Any, holder_key: PublicKey) -> bool:
        return self.offer_id == offer.id and self.holder_key is holder_key and self.claims == offer.claims


def check_key_proof(
    proofs: Any, *, tokens: TokenMinter, audience: str, verify: Callable[..., PublicKey]
) -> CheckedProof:
    """``proofs`` checked as far as it can be without the database; a refusal is kept, not raised."""
    jwt_proofs = proofs.get("jwt") if isinstance(proofs, dict) else None
    if not isinstance(jwt_proofs, list) or len(jwt_proofs) != 1:
        return CheckedProof(refusal=invalid_proof("Send exactly one key proof as proofs.jwt."))
    nonces: list[str] = []

    def genuine_nonce(nonce: str) -> bool:  # whether it is still unspent is the transaction's to say
        if tokens.open(NONCE, nonce) is None:
            return False
        nonces.append(sha256_hex(nonce))
        return True

    try:
        holder_key = verify(
            jwt_proofs[0], expected_audience=audience, now=int(time.time()), consume_nonce=genuine_nonce
        )
    except IssuanceProtocolError as refusal:
        return CheckedProof(refusal=refusal)
    return CheckedProof(holder_key=holder_key, nonce_sha256=nonces[0])
