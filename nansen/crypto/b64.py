"""Unpadded base64url (RFC 7515 section 2), strict on input.

Decoding refuses padding, whitespace, characters outside the URL-safe alphabet and non-canonical
trailing bits, so one byte string has exactly one accepted text form.
"""

from __future__ import annotations

import base64
import binascii
import re

from nansen.crypto.errors import EncodingError

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_VALID = re.compile(r"[A-Za-z0-9_-]*")
# The last character of a 2- or 3-character tail carries 4 or 2 unused bits that must be zero.
_CANONICAL_LAST_OF_2 = frozenset(_ALPHABET[::16])
_CANONICAL_LAST_OF_3 = frozenset(_ALPHABET[::4])
_TO_STANDARD = bytes.maketrans(b"-_", b"+/")


def b64url_encode(data: bytes) -> str:
    """Encode bytes as base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str | bytes) -> bytes:
    """Decode unpadded, canonical base64url; raise ``EncodingError`` otherwise."""
    if isinstance(text, bytes):
        try:
            text = text.decode("ascii")
        except UnicodeDecodeError as exc:
            raise EncodingError("base64url text is not ASCII") from exc
    if _VALID.fullmatch(text) is None:
        raise EncodingError("base64url text has a character outside the alphabet (or padding)")
    tail = len(text) % 4
    if tail == 1:
        raise EncodingError("base64url text has an impossible length")
    if (tail == 2 and text[-1] not in _CANONICAL_LAST_OF_2) or (
        tail == 3 and text[-1] not in _CANONICAL_LAST_OF_3
    ):
        raise EncodingError("base64url text is not canonical (non-zero trailing bits)")
    try:
        return binascii.a2b_base64(text.encode("ascii").translate(_TO_STANDARD) + b"=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:  # pragma: no cover - excluded by the checks above
        raise EncodingError("base64url text does not decode") from exc
