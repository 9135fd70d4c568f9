"""Verifier side: every check of RFC 9901 section 7.1 / 7.3 plus the SD-JWT VC profile.

Order: size and disclosure-count limits before any parsing; issuer JWT header policy (alg
allow-list, typ, no key-carrying headers), issuer key via the injected resolver, signature; strict
payload; ``_sd_alg``; disclosures (strict, each referenced exactly once, no duplicate digests,
no forbidden names, no overwrites); time claims; profile claims; then the KB-JWT.

Disclosure order carries no meaning (RFC 9901 section 4): without a KB-JWT, reordered disclosures
give the same result. With a KB-JWT the order is fixed by ``sd_hash``, so reordering is rejected.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, NamedTuple

from nansen.crypto.jsonstrict import loads_strict
from nansen.crypto.jws import ContentDigest, UnverifiedJws, check_header, parse_compact, verify_signature
from nansen.crypto.keys import PublicKey
from nansen.errors import CryptoError, NansenError
from nansen.sdjwt.compact import UnverifiedParts, read_parts
from nansen.sdjwt.disclosures import SD_ALG, parse_disclosure
from nansen.sdjwt.errors import (
    ClaimNameForbiddenError,
    HolderKeyMissingError,
    IssuerKeyUnknownError,
    KbMissingError,
    KbUnexpectedError,
    MalformedError,
    Part,
    SdAlgUnsupportedError,
    SdJwtError,
    TypInvalidError,
)
from nansen.sdjwt.keybinding import KeyBinding, holder_jwk, verify_kb_jwt
from nansen.sdjwt.policy import SD_JWT_VC, Limits, Profile, check_times, check_vct, translate
from nansen.sdjwt.processing import ClaimPath, digests_only_at_top, unfold

IssuerKeyResolver = Callable[[Mapping[str, Any], Mapping[str, Any]], PublicKey]
"""(header, unverified_payload) -> issuer key. Raise a ``NansenError`` when the issuer is unknown."""

DEFAULT_LIMITS = Limits()


class VerifiedSdJwt(NamedTuple):
    """A verified SD-JWT. ``claims`` holds the issuer-signed claims plus the disclosed ones."""

    claims: dict[str, Any]
    header: dict[str, Any]
    issuer_payload: dict[str, Any]
    disclosed_paths: tuple[ClaimPath, ...]
    holder_jwk: dict[str, Any] | None
    kb: KeyBinding | None
    signed_content_digest: ContentDigest
    kb_digest: ContentDigest | None
    checks: tuple[str, ...]


def _verify_core(
    parts: UnverifiedParts,
    *,
    issuer_key_resolver: IssuerKeyResolver,
    now: int,
    clock_skew: int,
    limits: Limits,
    profile: Profile,
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any], tuple[ClaimPath, ...], ContentDigest]:
    # each step locates its errors (a bare "malformed" or "too_deep" could be any part's); a try
    # costs nothing on the hot path until something raises
    try:
        parsed, unverified_payload, key = _issuer_jwt(parts, issuer_key_resolver, limits, profile)
        try:
            digest = verify_signature(parsed, key)
        except CryptoError as exc:
            raise translate(exc, where="issuer JWT") from exc
    except SdJwtError as exc:
        exc.located(Part.ISSUER_JWT)
        raise
    payload = unverified_payload  # verified from here on
    try:
        claims, paths = _disclosed(parts, parsed.payload, payload, limits, profile)
    except SdJwtError as exc:
        exc.located(Part.DISCLOSURES)
        raise
    try:
        check_times(claims, now=now, clock_skew=clock_skew, profile=profile)
    except SdJwtError as exc:
        exc.located(Part.VALIDITY)
        raise
    try:
        check_vct(payload, profile)
    except SdJwtError as exc:
        exc.located(Part.ISSUER_JWT)
        raise
    return claims, parsed.header, payload, paths, digest


_IGNORED_KEY_HEADERS = frozenset({"x5c"})


def _issuer_jwt(
    parts: UnverifiedParts, issuer_key_resolver: IssuerKeyResolver, limits: Limits, profile: Profile
) -> tuple[UnverifiedJws, dict[str, Any], PublicKey]:
    """The issuer JWT parsed and its header checked, its unverified payload, the issuer's key."""
    try:
        parsed = parts.parsed_jwt or parse_compact(parts.jwt, max_bytes=limits.max_bytes)
        # an x5c chain may ride along for X.509 verifiers (HAIP); the key is never taken from it
        check_header(parsed.header, allowed_header_keys=_IGNORED_KEY_HEADERS)
    except CryptoError as exc:
        raise translate(exc, where="issuer JWT") from exc
    header = parsed.header
    if header.get("typ") not in profile.accepted_typs:
        raise TypInvalidError(f"issuer JWT typ {str(header.get('typ'))[:30]!r} is not accepted")
    unverified_payload: Any = parts.parsed_payload
    if unverified_payload is None:
        try:
            unverified_payload = loads_strict(
                parsed.payload, max_bytes=limits.max_bytes, max_depth=limits.max_depth
            )
        except CryptoError as exc:
            raise translate(exc, where="issuer JWT payload") from exc
    if not isinstance(unverified_payload, dict):
        raise MalformedError("issuer JWT payload is not a JSON object")
    try:
        key = issuer_key_resolver(header, unverified_payload)
    except SdJwtError:
        raise
    except NansenError as exc:
        raise IssuerKeyUnknownError(f"no key for this issuer: {exc}") from exc
    return parsed, unverified_payload, key


def _disclosed(
    parts: UnverifiedParts, payload_json: bytes, payload: dict[str, Any], limits: Limits, profile: Profile
) -> tuple[dict[str, Any], tuple[ClaimPath, ...]]:
    """The claims with every presented disclosure in place (``payload`` verified), and their paths."""
    if payload.get("_sd_alg", SD_ALG) != SD_ALG:
        raise SdAlgUnsupportedError("only _sd_alg sha-256 is supported")
    disclosures = parts.parsed_disclosures
    if disclosures is None:
        max_bytes, max_depth = limits.max_bytes, limits.max_depth
        encoded = parts.disclosures
        disclosures = [parse_disclosure(d, max_bytes=max_bytes, max_depth=max_depth) for d in encoded]
    if parts.parsed_payload is not None:
        nested = parts.nested_digests
    else:
        nested = "_sd" not in payload or not digests_only_at_top(payload_json)
    claims, placed = unfold(payload, disclosures, max_depth=limits.max_depth, nested_digests=nested)
    paths = tuple(p.path for p in placed.values())
    if any(len(p) == 1 and p[0] in profile.never_disclosable for p in paths):
        raise ClaimNameForbiddenError("a claim that must be issuer-signed in the clear was disclosed")
    return claims, paths


def _read_parts(unverified: str, limits: Limits) -> UnverifiedParts:
    try:
        return read_parts(unverified, limits)
    except SdJwtError as exc:  # the presentation's outer shape: its envelope is the issuer JWT
        exc.located(Part.ISSUER_JWT)
        raise


_CORE_CHECKS = ("limits", "alg", "typ", "signature", "sd_alg", "disclosures", "times", "profile")


def verify_issued(
    unverified: str,
    *,
    issuer_key_resolver: IssuerKeyResolver,
    now: int,
    clock_skew: int = 60,
    limits: Limits = DEFAULT_LIMITS,
    profile: Profile = SD_JWT_VC,
) -> VerifiedSdJwt:
    """Check an SD-JWT as issued (``<jwt>~<d1>~...~``, no KB-JWT), e.g. in the wallet on receipt."""
    parts = _read_parts(unverified, limits)
    if parts.kb_jwt is not None:
        raise KbUnexpectedError("an issued SD-JWT must end with '~' (no KB-JWT)")
    claims, header, payload, paths, digest = _verify_core(
        parts,
        issuer_key_resolver=issuer_key_resolver,
        now=now,
        clock_skew=clock_skew,
        limits=limits,
        profile=profile,
    )
    jwk = holder_jwk(payload)
    return VerifiedSdJwt(claims, header, payload, paths, jwk, None, digest, None, _CORE_CHECKS)


def verify_presentation(
    unverified: str,
    *,
    issuer_key_resolver: IssuerKeyResolver,
    expected_aud: str,
    expected_nonce: str,
    now: int,
    clock_skew: int = 60,
    kb_max_age: int = 300,
    require_key_binding: bool = True,
    limits: Limits = DEFAULT_LIMITS,
    profile: Profile = SD_JWT_VC,
) -> VerifiedSdJwt:
    """Verify a presentation ``<jwt>~<d...>~<kb-jwt>`` completely or raise an ``SdJwtError``.

    A KB-JWT, when present, is always verified (even if ``require_key_binding`` is False).
    """
    parts = _read_parts(unverified, limits)
    if parts.kb_jwt is None and require_key_binding:
        raise KbMissingError("a Key Binding JWT is required")
    claims, header, payload, paths, digest = _verify_core(
        parts,
        issuer_key_resolver=issuer_key_resolver,
        now=now,
        clock_skew=clock_skew,
        limits=limits,
        profile=profile,
    )
    jwk = holder_jwk(payload)
    kb: KeyBinding | None = None
    if parts.kb_jwt is not None:
        if jwk is None:
            raise HolderKeyMissingError("a KB-JWT was presented but the credential has no cnf.jwk")
        try:
            kb = verify_kb_jwt(
                parts.kb_jwt,
                jwk=jwk,
                sd_hash_input=parts.sd_hash_input,
                parsed=parts.parsed_kb,
                sd_hash_of_input=parts.sd_hash,
                expected_aud=expected_aud,
                expected_nonce=expected_nonce,
                now=now,
                clock_skew=clock_skew,
                kb_max_age=kb_max_age,
                limits=limits,
            )
        except SdJwtError as exc:
            exc.located(Part.KEY_BINDING)
            raise
    checks = (*_CORE_CHECKS, "key_binding") if kb else _CORE_CHECKS
    return VerifiedSdJwt(
        claims, header, payload, paths, jwk, kb, digest, kb.kb_digest if kb else None, checks
    )
