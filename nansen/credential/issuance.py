"""Issuer side: prepare a credential, anchor its batch's Merkle root, then sign it with its proof."""

from __future__ import annotations

import secrets
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from nansen.credential.anchor import ANCHOR_CLAIM, AnchorClaim, issuance_leaf
from nansen.credential.status_claim import status_claim
from nansen.crypto.keys import PrivateKey, PublicKey
from nansen.errors import CredentialError
from nansen.merkle import InclusionProof
from nansen.sdjwt.disclosures import RandomSource
from nansen.sdjwt.issuance import IssuedSdJwt, PreparedSdJwt, prepare_sd_jwt, sign_prepared
from nansen.sdjwt.processing import ClaimPath

RESERVED_CLAIMS = frozenset(
    {"iss", "iat", "exp", "nbf", "vct", "vct#integrity", "cnf", "status", ANCHOR_CLAIM, "_sd", "_sd_alg"}
)


@dataclass(frozen=True, slots=True)
class PreparedCredential:
    prepared: PreparedSdJwt
    leaf: bytes


def prepare_credential(
    *,
    issuer_id: str,
    vct: str,
    claims: Mapping[str, Any],
    disclosable: Collection[ClaimPath],
    holder_key: PublicKey,
    issued_at: int,
    expires_at: int,
    status_index: int,
    decoys: int = 2,
    random: RandomSource = secrets,
    vct_integrity: str | None = None,
) -> PreparedCredential:
    """The payload with digests in place of disclosable claims, and its Merkle leaf."""
    clash = RESERVED_CLAIMS.intersection(claims)
    if clash:
        raise CredentialError(f"claims use reserved names: {sorted(clash)}")
    if expires_at <= issued_at:
        raise CredentialError("a credential must expire after it is issued")
    payload = {
        "iss": issuer_id,
        "iat": issued_at,
        "exp": expires_at,
        "vct": vct,
        "status": status_claim(issuer_id, status_index),
        **claims,
    }
    if vct_integrity is not None:  # SD-JWT VC: integrity metadata (W3C SRI) of the type metadata
        payload["vct#integrity"] = vct_integrity
    prepared = prepare_sd_jwt(
        payload=payload, disclosable=disclosable, decoys=decoys, holder_key=holder_key, random=random
    )
    return PreparedCredential(prepared, issuance_leaf(prepared.body))


def complete_credential(
    prepared: PreparedCredential,
    *,
    chain_id: int,
    registry: str,
    root: bytes,
    proof: InclusionProof,
    anchored_at: int,
    signer_key: PrivateKey,
    kid: str,
    x5c: Sequence[str] = (),
) -> IssuedSdJwt:
    """Adds the anchor claim (root anchored on chain, inclusion proof, the anchoring block's
    timestamp) and signs; ``x5c`` is the signer's certificate chain for verifiers that trust X.509
    (the registry stays the authority)."""
    anchor = AnchorClaim(
        chain_id=chain_id, registry=registry, root=root, proof=proof, anchored_at=anchored_at
    )
    return sign_prepared(
        prepared.prepared,
        signer_key=signer_key,
        kid=kid,
        extra_claims={ANCHOR_CLAIM: anchor.to_json()},
        extra_header={"x5c": list(x5c)} if x5c else None,
    )
