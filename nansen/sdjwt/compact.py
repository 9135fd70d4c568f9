"""The compact serialisation ``<jwt>~<d1>~...~<dn>~[<kb-jwt>]`` and the KB-JWT ``sd_hash``."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from nansen.crypto.b64 import sha256_b64url
from nansen.crypto.jws import UnverifiedJws
from nansen.crypto.native import native
from nansen.sdjwt.disclosures import Disclosure
from nansen.sdjwt.errors import MalformedError, Part, TooLargeError, TooManyDisclosuresError

if TYPE_CHECKING:  # policy imports issuance, which imports this module
    from nansen.sdjwt.policy import Limits

# split, both JWS parsed, the payload and every disclosure opened, in one call
_native_read: Callable[..., UnverifiedParts] | None = native.read_sd_jwt if native else None


class UnverifiedParts(NamedTuple):
    """The pieces of an SD-JWT as received; nothing here is verified.

    The ``parsed_*`` members and ``sd_hash`` are filled when the C module took it all apart at
    once, which it does only when every step parses; otherwise they are None and each step parses
    its piece where the Python route always has, refusing in the same order and words.
    """

    jwt: str
    disclosures: list[str]
    kb_jwt: str | None
    sd_hash_input: str  # ``<jwt>~<d1>~...~<dn>~`` exactly as presented
    parsed_jwt: UnverifiedJws | None = None
    parsed_payload: dict[str, Any] | None = None  # the issuer JWT's payload as strict JSON
    nested_digests: bool = True  # whether an object below its top level has "_sd" or "..."
    parsed_disclosures: list[Disclosure] | None = None
    parsed_kb: UnverifiedJws | None = None
    sd_hash: str | None = None


def read_parts(unverified: Any, limits: Limits) -> UnverifiedParts:
    """``split``, with every piece parsed ahead in C when the C module is built and they all parse."""
    max_bytes, max_disclosures, max_depth = limits.max_bytes, limits.max_disclosures, limits.max_depth
    if _native_read is not None and type(unverified) is str:
        try:
            types = (UnverifiedParts, UnverifiedJws, Disclosure)
            return _native_read(unverified, max_bytes, max_disclosures, max_depth, *types)
        except ValueError:
            pass  # some step would fail: the Python route finds which, in its order
    return split(unverified, max_bytes=max_bytes, max_disclosures=max_disclosures)


def split(unverified: Any, *, max_bytes: int, max_disclosures: int) -> UnverifiedParts:
    if not isinstance(unverified, str):
        raise MalformedError("an SD-JWT must be text")
    if len(unverified) > max_bytes:
        raise TooLargeError(f"SD-JWT of {len(unverified)} characters exceeds the limit of {max_bytes}")
    if not unverified.isascii():
        raise MalformedError("an SD-JWT must be ASCII")
    parts = unverified.split("~")
    if len(parts) < 2:
        raise MalformedError("an SD-JWT must contain at least one '~'")
    if len(parts) - 2 > max_disclosures:
        raise TooManyDisclosuresError(f"more than {max_disclosures} disclosures")
    disclosures = parts[1:-1]
    if not all(disclosures):
        raise MalformedError("an SD-JWT must not contain an empty disclosure ('~~')").located(
            Part.DISCLOSURES
        )
    kb = parts[-1] or None
    head = unverified[: len(unverified) - len(parts[-1])]
    return UnverifiedParts(parts[0], disclosures, kb, head)


def sd_hash(sd_hash_input: str) -> str:
    return sha256_b64url(sd_hash_input)


def join(jwt: str, disclosures: list[str]) -> str:
    """``<jwt>~<d1>~...~<dn>~`` (an SD-JWT without KB-JWT)."""
    return "~".join([jwt, *disclosures, ""])
