"""The anchor claim: which on-chain root commits to this credential, and the inclusion proof.

The leaf binds the exact signed content: SHA-256 leaf hash of the RFC 8785 canonical JSON of the
issuer-signed payload without the ``anchor`` claim (digests of disclosures included, so every
disclosure is bound too).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from nansen.canonical import canonicalize_simple, is_simple_json
from nansen.crypto.b64 import b64url_decode, b64url_encode
from nansen.crypto.native import native
from nansen.errors import CredentialError, NansenError
from nansen.merkle import InclusionProof, leaf_hash, root_from_json

ANCHOR_CLAIM = "anchor"
ANCHORED_AT = "anchored_at"  # member of the anchor claim
_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")

# the canonical text streamed into the hash, never built
_native_leaf: Callable[[dict[str, Any], str], bytes | None] | None = native.canonical_leaf if native else None


class AnchorClaimError(CredentialError):
    reason = "anchor_malformed"


class ContentNotCanonicalError(AnchorClaimError):
    reason = "content_not_canonical"


@dataclass(frozen=True, slots=True)
class AnchorClaim:
    chain_id: int
    registry: str  # CredentialRegistry address, checksummed
    root: bytes
    proof: InclusionProof
    # the anchoring block's timestamp as the issuer saw it: tells a verifier whose mirror has not
    # seen the root yet how long to wait before concluding it was never anchored (a hint, not a fact)
    anchored_at: int | None = None

    def to_json(self) -> dict[str, Any]:
        claim: dict[str, Any] = {
            "chain_id": self.chain_id,
            "registry": self.registry,
            "root": b64url_encode(self.root),
            "proof": self.proof.to_json(),
        }
        if self.anchored_at is not None:
            claim[ANCHORED_AT] = self.anchored_at
        return claim


def content_leaf(payload: Mapping[str, Any]) -> bytes:
    """The Merkle leaf hash of a payload, ignoring its anchor claim (verifier hot path).

    Raises ``ContentNotCanonicalError`` for text with no UTF-8 form (a lone surrogate escape),
    which no issuer can have anchored."""
    if _native_leaf is not None and type(payload) is dict:
        leaf = _native_leaf(payload, ANCHOR_CLAIM)
        if leaf is not None:
            return leaf
    return content_leaf_in_python(payload)


def content_leaf_in_python(payload: Mapping[str, Any]) -> bytes:
    """``content_leaf`` without the C module (its fallback, and its reference in tests)."""
    unanchored = {k: v for k, v in payload.items() if k != ANCHOR_CLAIM}
    try:
        return leaf_hash(canonicalize_simple(unanchored))
    except UnicodeEncodeError as exc:
        raise ContentNotCanonicalError("credential content holds text with no UTF-8 form") from exc


def issuance_leaf(payload: Mapping[str, Any]) -> bytes:
    """The leaf of a payload about to be anchored: it must be simple JSON, so that the verifier's
    fast canonical route and RFC 8785 give the same bytes."""
    if not is_simple_json(payload):
        raise CredentialError(
            "credential payloads must be simple JSON (no floats, safe integers, ordinary member names)"
        )
    # for simple JSON the fast route is RFC 8785 (a Hypothesis property in tests/test_canonical.py)
    return leaf_hash(canonicalize_simple(payload))


class ProvenAnchor(NamedTuple):
    """What the verifier learns from an anchor claim: where it points and whether its proof holds."""

    chain_id: int
    registry: str
    root: bytes  # the root the claim names
    leaf_count: int  # the batch size the proof commits to
    proof_holds: bool  # the proof leads from the credential's leaf to ``root``


def prove_anchor(unverified: Any, *, leaf: bytes) -> ProvenAnchor:
    """Check an anchor claim's members and walk its proof from ``leaf`` (one C call when built)."""
    chain_id, registry, root = _claim_fields(unverified)
    try:
        computed, leaf_count = root_from_json(leaf_hash=leaf, unverified=unverified["proof"])
    except KeyError as exc:
        raise AnchorClaimError(f"anchor claim is missing or mistypes a member: {exc}") from exc
    except NansenError as exc:
        raise AnchorClaimError(f"anchor claim is malformed: {exc.message}") from exc
    return ProvenAnchor(chain_id, registry, root, leaf_count, computed == root)


def claimed_anchoring_time(unverified: Any) -> int | None:
    """The anchor claim's ``anchored_at`` (a claim already walked by ``prove_anchor``), or None when
    it has none (credentials issued before it existed). Raises ``AnchorClaimError`` if malformed."""
    value = unverified.get(ANCHORED_AT) if isinstance(unverified, Mapping) else None
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise AnchorClaimError("anchor anchored_at must be a non-negative integer (seconds)")
    return value


def _claim_fields(unverified: Any) -> tuple[int, str, bytes]:
    if not isinstance(unverified, Mapping):
        raise AnchorClaimError("the credential has no anchor claim object")
    try:
        chain_id = unverified["chain_id"]
        registry = unverified["registry"]
        root = b64url_decode(unverified["root"])
    except (KeyError, TypeError) as exc:
        raise AnchorClaimError(f"anchor claim is missing or mistypes a member: {exc}") from exc
    except NansenError as exc:
        raise AnchorClaimError(f"anchor claim is malformed: {exc.message}") from exc
    if not isinstance(chain_id, int) or isinstance(chain_id, bool) or chain_id <= 0:
        raise AnchorClaimError("anchor chain_id must be a positive integer")
    if not isinstance(registry, str) or not _ADDRESS.fullmatch(registry):
        raise AnchorClaimError("anchor registry must be an address")
    if len(root) != 32:
        raise AnchorClaimError("anchor root must be 32 bytes")
    return chain_id, registry, root
