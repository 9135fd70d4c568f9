"""Holder side: pick disclosures by claim path and add a Key Binding JWT (RFC 9901 sections 4.3, 5).

The holder should have checked the issuer signature on receipt (``verify_issued``); here the
SD-JWT is only parsed, to learn where each disclosure sits.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from typing import Any

from nansen.crypto.jsonstrict import loads_strict
from nansen.crypto.jws import parse_compact, sign_compact
from nansen.crypto.keys import PrivateKey
from nansen.errors import CryptoError
from nansen.sdjwt.compact import join, sd_hash, split
from nansen.sdjwt.disclosures import Disclosure, parse_disclosure
from nansen.sdjwt.errors import IssuanceError, KbUnexpectedError, MalformedError
from nansen.sdjwt.processing import ClaimPath, unfold

KB_TYP = "kb+jwt"
_HOLDER_MAX_BYTES = 1024 * 1024
_HOLDER_MAX_DISCLOSURES = 4096
_HOLDER_MAX_DEPTH = 64


def _is_prefix(short: ClaimPath, long: ClaimPath) -> bool:
    return len(short) <= len(long) and long[: len(short)] == short


def _exists(claims: Any, path: ClaimPath) -> bool:
    node = claims
    for step in path:
        in_object = isinstance(node, dict) and isinstance(step, str) and step in node
        in_array = isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node)
        if not (in_object or in_array):
            return False
        node = node[step]
    return True


def select_disclosures(
    issued: str, disclose: Collection[ClaimPath], *, subtree: bool = True
) -> tuple[str, list[Disclosure]]:
    """The issuer JWT and, in issuance order, the disclosures needed to reveal ``disclose``.

    A path pulls in the disclosures of all its ancestors and, with ``subtree`` (the default), of
    everything below it; with ``subtree=False`` selectively disclosable children stay hidden unless
    listed themselves. Paths index arrays as in the fully disclosed claims.
    """
    parts = split(issued, max_bytes=_HOLDER_MAX_BYTES, max_disclosures=_HOLDER_MAX_DISCLOSURES)
    if parts.kb_jwt is not None:
        raise KbUnexpectedError("expected an issued SD-JWT without a KB-JWT")
    try:
        payload = loads_strict(parse_compact(parts.jwt, max_bytes=_HOLDER_MAX_BYTES).payload)
    except CryptoError as exc:
        raise MalformedError(f"issuer JWT is malformed: {exc}") from exc
    if not isinstance(payload, dict):
        raise MalformedError("issuer JWT payload is not a JSON object")
    disclosures = [
        parse_disclosure(d, max_bytes=_HOLDER_MAX_BYTES, max_depth=_HOLDER_MAX_DEPTH)
        for d in parts.disclosures
    ]
    claims, placed = unfold(payload, disclosures, max_depth=_HOLDER_MAX_DEPTH)
    wanted = [tuple(p) for p in disclose]
    missing = [p for p in wanted if not _exists(claims, p)]
    if missing:
        raise IssuanceError(f"claim paths not in the credential: {[str(p) for p in missing[:5]]}")

    def needed(path: ClaimPath) -> bool:
        return any(_is_prefix(path, w) or (subtree and _is_prefix(w, path)) for w in wanted)

    chosen = [d for d in disclosures if needed(placed[d.digest].path)]
    return parts.jwt, chosen


def create_presentation(
    *,
    issued: str,
    disclose: Collection[ClaimPath],
    holder_key: PrivateKey | None,
    aud: str,
    nonce: str,
    iat: int,
    subtree: bool = True,
    kb_claims: Mapping[str, Any] | None = None,
) -> str:
    """``<jwt>~<d...>~<kb-jwt>``; with ``holder_key=None`` no KB-JWT is added (``<jwt>~<d...>~``).
    ``kb_claims`` are further KB-JWT members (OpenID4VP's ``transaction_data_hashes``)."""
    jwt, chosen = select_disclosures(issued, disclose, subtree=subtree)
    presented = join(jwt, [d.encoded for d in chosen])
    if holder_key is None:
        return presented
    kb_payload = {**(kb_claims or {}), "iat": iat, "aud": aud, "nonce": nonce, "sd_hash": sd_hash(presented)}
    kb_jwt = sign_compact(
        header={"typ": KB_TYP},
        payload=json.dumps(kb_payload, separators=(",", ":")).encode("utf-8"),
        key=holder_key,
    )
    return presented + kb_jwt
