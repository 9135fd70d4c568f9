"""The compact serialisation ``<jwt>~<d1>~...~<dn>~[<kb-jwt>]`` and the KB-JWT ``sd_hash``."""

from __future__ import annotations

from dataclasses import dataclass

from nansen.crypto.b64 import sha256_b64url
from nansen.sdjwt.errors import MalformedError, TooLargeError, TooManyDisclosuresError


@dataclass(frozen=True, slots=True)
class UnverifiedParts:
    """The pieces of an SD-JWT as received; nothing here is verified."""

    jwt: str
    disclosures: list[str]
    kb_jwt: str | None
    sd_hash_input: str  # ``<jwt>~<d1>~...~<dn>~`` exactly as presented


def split(unverified: str, *, max_bytes: int, max_disclosures: int) -> UnverifiedParts:
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
        raise MalformedError("an SD-JWT must not contain an empty disclosure ('~~')")
    kb = parts[-1] or None
    head = unverified[: len(unverified) - len(parts[-1])]
    return UnverifiedParts(parts[0], disclosures, kb, head)


def sd_hash(sd_hash_input: str) -> str:
    return sha256_b64url(sd_hash_input)


def join(jwt: str, disclosures: list[str]) -> str:
    """``<jwt>~<d1>~...~<dn>~`` (an SD-JWT without KB-JWT)."""
    return "~".join([jwt, *disclosures, ""])
