"""Unpadded base64url (RFC 7515 section 2), strict on input.

Decoding refuses padding, whitespace, characters outside the URL-safe alphabet and non-canonical
trailing bits, so one byte string has exactly one accepted text form.
"""

from __future__ import annotations

import binascii
import hashlib
from collections.abc import Callable, Sequence

from nansen.crypto.errors import EncodingError
from nansen.crypto.native import native

_native_decode: Callable[[str | bytes], bytes] | None
_native_sha256: Callable[[str], str] | None
_native_decode, _native_sha256 = (native.b64url_decode, native.sha256_b64url) if native else (None, None)

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
# The last character of a 2- or 3-character tail carries 4 or 2 unused bits that must be zero.
_CANONICAL_LAST_OF_2 = frozenset(_ALPHABET[::16])
_CANONICAL_LAST_OF_3 = frozenset(_ALPHABET[::4])
# One pass maps the URL-safe alphabet onto the standard one and turns "+", "/" and "=" (valid in
# standard base64 but not here) into "!", which strict decoding then refuses.
_TO_STANDARD_STRICT = bytes.maketrans(b"-_+/=", b"+/!!!")
_TO_URLSAFE = bytes.maketrans(b"+/", b"-_")


def b64url_encode(data: bytes) -> str:
    """Encode bytes as base64url without padding."""
    return binascii.b2a_base64(data, newline=False).translate(_TO_URLSAFE).rstrip(b"=").decode("ascii")


_PADDING = (b"", b"", b"==", b"=")


def b64url_decode(text: str | bytes) -> bytes:
    """Decode unpadded, canonical base64url; raise ``EncodingError`` otherwise."""
    if _native_decode is None:
        return b64url_decode_in_python(text)
    try:
        return _native_decode(text)
    except ValueError as exc:
        raise EncodingError(str(exc)) from None
    except TypeError:
        raise EncodingError("base64url text must be a string") from None


def sha256_b64url(text: str) -> str:
    """The base64url SHA-256 of ASCII ``text`` (disclosure digests, ``sd_hash``)."""
    if _native_sha256 is None:
        return b64url_encode(hashlib.sha256(text.encode("ascii")).digest())
    return _native_sha256(text)


def b64url_decode_in_python(text: str | bytes) -> bytes:
    """``b64url_decode`` without the C module (its fallback, and its reference in tests)."""
    if isinstance(text, str):
        try:
            raw = text.encode("ascii")
        except UnicodeEncodeError as exc:
            raise EncodingError("base64url text is not ASCII") from exc
    elif isinstance(text, bytes):
        raw = text
    else:
        raise EncodingError("base64url text must be a string")
    tail = len(raw) % 4
    if tail == 1:
        raise EncodingError("base64url text has an impossible length")
    try:
        decoded = binascii.a2b_base64(raw.translate(_TO_STANDARD_STRICT) + _PADDING[tail], strict_mode=True)
    except binascii.Error as exc:
        raise EncodingError("base64url text has a character outside the alphabet (or padding)") from exc
    if tail and chr(raw[-1]) not in (_CANONICAL_LAST_OF_2 if tail == 2 else _CANONICAL_LAST_OF_3):
        raise EncodingError("base64url text is not canonical (non-zero trailing bits)")
    return decoded


def b64url_encode_hashes(hashes: Sequence[bytes]) -> list[str]:
    """``[b64url_encode(h) for h in hashes]`` for 32-byte hashes, in one C call.

    Each hash with a zero byte appended is 33 bytes, exactly 44 characters: the hash's own 43
    followed by an "A" (the mirror image of ``b64url_decode_hashes``).
    """
    if {*map(len, hashes)} - {32}:
        raise ValueError("hashes must be 32 bytes each")
    if not hashes:
        return []
    text = binascii.b2a_base64(b"\0".join(hashes) + b"\0", newline=False).translate(_TO_URLSAFE).decode()
    return [text[i : i + 43] for i in range(0, len(text), 44)]


def b64url_decode_hashes(items: object) -> tuple[bytes, ...]:
    """Decode a list of canonical base64url SHA-256 values (43 characters each) in one pass.

    Each item with an extra "A" is 44 characters, 33 bytes whose last byte holds the item's two
    unused bits: canonical exactly when that byte is zero. One C call decodes the whole list.
    """
    try:
        if not isinstance(items, list) or {*map(len, items)} - {43}:
            raise TypeError
        joined = "A".join(items) + "A"  # TypeError unless every item is a str
    except TypeError as exc:
        raise EncodingError("hashes must be a list of 43-character base64url strings") from exc
    if not items:
        return ()
    try:
        raw = binascii.a2b_base64(joined.encode().translate(_TO_STANDARD_STRICT), strict_mode=True)
    except binascii.Error as exc:
        raise EncodingError("base64url text has a character outside the alphabet (or padding)") from exc
    if raw[32::33].count(0) != len(items):
        raise EncodingError("base64url text is not canonical (non-zero trailing bits)")
    return tuple([raw[i : i + 32] for i in range(0, len(raw), 33)])
