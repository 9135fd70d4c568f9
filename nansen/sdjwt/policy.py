"""What a verifier accepts: resource limits, the credential profile, and time checks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from nansen.crypto import errors as crypto_errors
from nansen.errors import CryptoError
from nansen.sdjwt.errors import (
    AlgorithmNotAllowedError,
    ClaimMissingError,
    DuplicateKeyError,
    ExpiredError,
    HeaderForbiddenError,
    IatInFutureError,
    KbSignatureInvalidError,
    MalformedError,
    NotIJsonError,
    NotYetValidError,
    SdJwtError,
    SignatureInvalidError,
    TooDeepError,
    TooLargeError,
)
from nansen.sdjwt.issuance import NEVER_DISCLOSABLE, TYP_SD_JWT_VC


@dataclass(frozen=True, slots=True)
class Limits:
    """Checked before (bytes, count) or while (depth) parsing untrusted input."""

    max_bytes: int = 64 * 1024
    max_disclosures: int = 256
    max_depth: int = 16


@dataclass(frozen=True, slots=True)
class Profile:
    """Credential-format rules on top of RFC 9901.

    The default is SD-JWT VC: ``typ`` ``dc+sd-jwt`` only (the legacy ``vc+sd-jwt`` is refused; pass
    it in ``accepted_typs`` to accept old wallets), ``vct`` and ``exp`` required in the issuer-signed
    payload, and iss/nbf/exp/cnf/vct/status never selectively disclosed.
    """

    accepted_typs: frozenset[str] = frozenset({TYP_SD_JWT_VC})
    require_vct: bool = True
    require_exp: bool = True
    never_disclosable: frozenset[str] = field(default=NEVER_DISCLOSABLE)


SD_JWT_VC = Profile()


def plain_sd_jwt(*typs: str) -> Profile:
    """A bare RFC 9901 profile (for the RFC examples): given typs, no vct/exp requirement."""
    return Profile(frozenset(typs), require_vct=False, require_exp=False, never_disclosable=frozenset())


def numeric_date(payload: Mapping[str, Any], name: str) -> int | float | None:
    value = payload.get(name)
    if value is None and name not in payload:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MalformedError(f"claim {name!r} must be a NumericDate")
    return value


def check_times(payload: Mapping[str, Any], *, now: int, clock_skew: int, profile: Profile) -> None:
    exp = numeric_date(payload, "exp")
    nbf = numeric_date(payload, "nbf")
    iat = numeric_date(payload, "iat")
    if exp is None and profile.require_exp:
        raise ClaimMissingError("the credential has no exp claim")
    if exp is not None and now >= exp + clock_skew:
        raise ExpiredError("the credential has expired")
    if nbf is not None and now + clock_skew < nbf:
        raise NotYetValidError("the credential is not yet valid")
    if iat is not None and iat > now + clock_skew:
        raise IatInFutureError("the credential was issued in the future")


def check_vct(payload: Mapping[str, Any], profile: Profile) -> None:
    if profile.require_vct and not isinstance(payload.get("vct"), str):
        raise ClaimMissingError("an SD-JWT VC needs a string vct claim")


def translate(exc: CryptoError, *, where: str, kb: bool = False) -> SdJwtError:
    """Map a JWS/JSON/key error to the SD-JWT error with the matching reason."""
    message = f"{where}: {exc}"
    if isinstance(exc, crypto_errors.DuplicateKeyError):
        return DuplicateKeyError(message)
    if isinstance(exc, crypto_errors.JsonTooLargeError):
        return TooLargeError(message)
    if isinstance(exc, crypto_errors.JsonTooDeepError):
        return TooDeepError(message)
    if isinstance(exc, crypto_errors.NotIJsonError):
        return NotIJsonError(message)
    if isinstance(exc, crypto_errors.AlgorithmNotAllowedError):
        return AlgorithmNotAllowedError(message)
    if isinstance(exc, crypto_errors.ForbiddenHeaderError | crypto_errors.CritNotUnderstoodError):
        return HeaderForbiddenError(message)
    if isinstance(exc, crypto_errors.SignatureInvalidError):
        return KbSignatureInvalidError(message) if kb else SignatureInvalidError(message)
    return MalformedError(message)
