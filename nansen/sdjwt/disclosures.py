"""Disclosures (RFC 9901 section 4.2): creation, strict parsing, digests.

A disclosure is ``b64url(JSON [salt, name, value])`` for an object property or
``b64url(JSON [salt, value])`` for an array element; its digest is ``b64url(sha256(ascii(disclosure)))``
over the exact text as transmitted, so the issuer's encoding is what is hashed, never a re-encoding.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any, NamedTuple, NewType, Protocol

from nansen.crypto import errors as crypto_errors
from nansen.crypto.b64 import b64url_decode, b64url_encode, sha256_b64url
from nansen.crypto.jsonstrict import check_i_json, loads_strict
from nansen.crypto.native import native
from nansen.sdjwt.errors import (
    ClaimNameForbiddenError,
    DuplicateKeyError,
    IssuanceError,
    MalformedError,
    NotIJsonError,
    TooDeepError,
    TooLargeError,
)

Digest = NewType("Digest", str)
"""base64url SHA-256 of a disclosure (or a decoy)."""

SD_ALG = "sha-256"
SALT_BYTES = 16  # 128 bits, RFC 9901 section 9.3
FORBIDDEN_NAMES = frozenset({"_sd", "..."})


class RandomSource(Protocol):
    """What issuance needs from randomness; the ``secrets`` module satisfies it."""

    def token_bytes(self, nbytes: int) -> bytes: ...


class Disclosure(NamedTuple):
    """(A NamedTuple: the C module's SD-JWT reader makes these directly.)"""

    encoded: str
    digest: Digest
    salt: str
    name: str | None  # None for an array element
    value: Any


def digest_of(encoded: str) -> Digest:
    return Digest(sha256_b64url(encoded))


def decoy_digest(random: RandomSource) -> Digest:
    return Digest(b64url_encode(hashlib.sha256(random.token_bytes(SALT_BYTES)).digest()))


def create_disclosure(name: str | None, value: Any, random: RandomSource) -> Disclosure:
    if name is not None and name in FORBIDDEN_NAMES:
        raise IssuanceError(f"claim name {name!r} cannot be disclosed")
    salt = b64url_encode(random.token_bytes(SALT_BYTES))
    array = [salt, value] if name is None else [salt, name, value]
    try:
        check_i_json(array)  # what a verifier would refuse (its loads_strict) is never issued
    except crypto_errors.NotIJsonError as exc:
        raise IssuanceError(f"claim {name!r} holds a value I-JSON forbids: {exc}") from exc
    try:
        text = json.dumps(array, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise IssuanceError(f"claim value is not JSON-serialisable: {exc}") from exc
    encoded = b64url_encode(text.encode("utf-8"))
    return Disclosure(encoded, digest_of(encoded), salt, name, value)


def _open_in_python(encoded: str) -> tuple[str, str]:
    try:
        return digest_of(encoded), b64url_decode(encoded).decode("utf-8")
    except UnicodeEncodeError as exc:  # from digest_of; b64url_decode says the same
        raise crypto_errors.EncodingError("base64url text is not ASCII") from exc


_open: Callable[[str], tuple[str, str]] = native.open_disclosure if native else _open_in_python  # one call


def parse_disclosure(unverified_encoded: str, *, max_bytes: int, max_depth: int) -> Disclosure:
    """Parse one disclosure strictly; raises ``SdJwtError`` subclasses only."""
    if len(unverified_encoded) > -(-4 * max_bytes // 3):  # unpadded base64url of max_bytes bytes
        raise TooLargeError(f"disclosure: longer than the {max_bytes}-byte limit allows")
    try:
        digest, text = _open(unverified_encoded)
        array = loads_strict(text, max_bytes=max_bytes, max_depth=max_depth)
    except crypto_errors.DuplicateKeyError as exc:
        raise DuplicateKeyError(f"disclosure: {exc}") from exc
    except crypto_errors.JsonTooLargeError as exc:
        raise TooLargeError(f"disclosure: {exc}") from exc
    except crypto_errors.JsonTooDeepError as exc:
        raise TooDeepError(f"disclosure: {exc}") from exc
    except crypto_errors.NotIJsonError as exc:
        raise NotIJsonError(f"disclosure: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise MalformedError("disclosure is not base64url JSON: JSON text is not valid UTF-8") from exc
    except (crypto_errors.EncodingError, crypto_errors.JsonError, ValueError) as exc:
        raise MalformedError(f"disclosure is not base64url JSON: {exc}") from exc
    if not isinstance(array, list) or len(array) not in (2, 3):
        raise MalformedError("disclosure must be a JSON array of 2 or 3 elements")
    if not isinstance(array[0], str):
        raise MalformedError("disclosure salt must be a string")
    name: str | None = None
    if len(array) == 3:
        if not isinstance(array[1], str):
            raise MalformedError("disclosure claim name must be a string")
        name = array[1]
        if name in FORBIDDEN_NAMES:
            raise ClaimNameForbiddenError(f"disclosure uses the reserved claim name {name!r}")
    return Disclosure(unverified_encoded, Digest(digest), array[0], name, array[-1])
