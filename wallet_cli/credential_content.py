"""What a credential says about itself, read from its SD-JWT without the chain.

The issuer's key lives in the chain registry, so nothing read here is verified: the wallet stores it
on receipt whatever the chain state and records the chain's verdict beside it (credential_record).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nansen.credential.anchor import ANCHOR_CLAIM
from nansen.crypto.jsonstrict import loads_strict
from nansen.crypto.jws import parse_compact
from nansen.sdjwt.compact import split
from nansen.sdjwt.disclosures import parse_disclosure
from nansen.sdjwt.errors import KbUnexpectedError, MalformedError
from nansen.sdjwt.policy import Limits
from nansen.sdjwt.processing import unfold

# issuer-signed claims about the credential itself, not about the person (shown apart, never shared)
ENVELOPE_CLAIMS = frozenset(
    {"iss", "iat", "exp", "nbf", "vct", "vct#integrity", "cnf", "status", ANCHOR_CLAIM}
)
_LIMITS = Limits()


@dataclass(frozen=True, slots=True)
class UnverifiedContent:
    vct: str | None
    issuer_id: str | None
    issued_at: int | None
    expires_at: int | None
    claims: dict[str, Any]  # the person's claims: issuer-signed in the clear and every disclosure
    holder_jwk: dict[str, Any] | None = None  # cnf.jwk: the key the credential is bound to


def unverified_content(unverified_compact: str) -> UnverifiedContent:
    """The content of an issued SD-JWT (``<jwt>~<d1>~...~``); raises a ``NansenError`` if unreadable."""
    parts = split(unverified_compact, max_bytes=_LIMITS.max_bytes, max_disclosures=_LIMITS.max_disclosures)
    if parts.kb_jwt is not None:
        raise KbUnexpectedError("an issued SD-JWT must end with '~' (no KB-JWT)")
    payload = loads_strict(
        parse_compact(parts.jwt, max_bytes=_LIMITS.max_bytes).payload,
        max_bytes=_LIMITS.max_bytes,
        max_depth=_LIMITS.max_depth,
    )
    if not isinstance(payload, dict):
        raise MalformedError("issuer JWT payload is not a JSON object")
    disclosures = [
        parse_disclosure(d, max_bytes=_LIMITS.max_bytes, max_depth=_LIMITS.max_depth)
        for d in parts.disclosures
    ]
    claims, _placed = unfold(payload, disclosures, max_depth=_LIMITS.max_depth)
    return UnverifiedContent(
        vct=_text(claims.get("vct")),
        issuer_id=_text(claims.get("iss")),
        issued_at=_number(claims.get("iat")),
        expires_at=_number(claims.get("exp")),
        claims={name: value for name, value in claims.items() if name not in ENVELOPE_CLAIMS},
        holder_jwk=_bound_key(claims.get("cnf")),
    )


def _bound_key(cnf: Any) -> dict[str, Any] | None:
    jwk = cnf.get("jwk") if isinstance(cnf, dict) else None
    return jwk if isinstance(jwk, dict) else None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _number(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
