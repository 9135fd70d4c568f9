"""The Token Status List itself: ``bits`` per entry, LSB-first within each byte, ZLIB, base64url.

Decoding guards against decompression bombs: the inflated size is capped before it is reached.
"""

from __future__ import annotations

import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from nansen.crypto.b64 import b64url_decode, b64url_encode
from nansen.errors import NansenError
from nansen.status.errors import MalformedStatusListError, StatusIndexError, StatusListTooLargeError

ALLOWED_BITS = (1, 2, 4, 8)
MAX_DECODED_BYTES = 16 * 1024 * 1024
STATUS_LIST_TYP = "statuslist+jwt"


class StatusList:
    """A mutable list of ``size`` entries of ``bits`` bits each."""

    def __init__(self, size: int, bits: int = 2, data: bytes | None = None) -> None:
        if bits not in ALLOWED_BITS:
            raise MalformedStatusListError(f"bits must be one of {ALLOWED_BITS}, not {bits}")
        length = (size * bits + 7) // 8
        if data is not None and len(data) != length:
            raise MalformedStatusListError(f"{len(data)} bytes do not hold {size} entries of {bits} bits")
        self.size = size
        self.bits = bits
        self._data = bytearray(data if data is not None else bytes(length))

    @property
    def data(self) -> bytes:
        return bytes(self._data)

    def _locate(self, index: int) -> tuple[int, int]:
        if not 0 <= index < self.size:
            raise StatusIndexError(f"index {index} is outside a list of {self.size}")
        bit = index * self.bits
        return bit // 8, bit % 8

    def get(self, index: int) -> int:
        byte, shift = self._locate(index)
        return (self._data[byte] >> shift) & ((1 << self.bits) - 1)

    def set(self, index: int, value: int) -> None:
        if not 0 <= value < 1 << self.bits:
            raise MalformedStatusListError(f"status {value} does not fit in {self.bits} bits")
        byte, shift = self._locate(index)
        mask = ((1 << self.bits) - 1) << shift
        self._data[byte] = (self._data[byte] & ~mask) | (value << shift)

    def encode(self) -> str:
        """The ``lst`` value: base64url of the ZLIB (RFC 1950) stream at the highest compression."""
        return b64url_encode(zlib.compress(bytes(self._data), 9))

    @classmethod
    def decode(cls, lst: str, *, bits: int, max_bytes: int = MAX_DECODED_BYTES) -> StatusList:
        try:
            compressed = b64url_decode(lst)
        except NansenError as exc:
            raise MalformedStatusListError("lst is not base64url") from exc
        inflater = zlib.decompressobj()
        try:
            data = inflater.decompress(compressed, max_bytes + 1)
        except zlib.error as exc:
            raise MalformedStatusListError(f"lst is not a ZLIB stream: {exc}") from exc
        if len(data) > max_bytes or inflater.unconsumed_tail:
            raise StatusListTooLargeError(f"status list inflates past {max_bytes} bytes")
        if not inflater.eof:
            raise MalformedStatusListError("lst is a truncated ZLIB stream")
        if bits not in ALLOWED_BITS:
            raise MalformedStatusListError(f"bits must be one of {ALLOWED_BITS}, not {bits}")
        return cls(len(data) * 8 // bits, bits, data)


@dataclass(frozen=True, slots=True)
class StatusListClaims:
    subject: str  # the uri credentials reference
    issuer: str
    issued_at: int
    expires_at: int | None
    ttl: int | None

    def payload(self, status_list: StatusList) -> dict[str, Any]:
        body: dict[str, Any] = {
            "iss": self.issuer,
            "sub": self.subject,
            "iat": self.issued_at,
            "status_list": {"bits": status_list.bits, "lst": status_list.encode()},
        }
        if self.expires_at is not None:
            body["exp"] = self.expires_at
        if self.ttl is not None:
            body["ttl"] = self.ttl
        return body


def parse_status_list_payload(unverified: Mapping[str, Any]) -> StatusList:
    """The list inside a (signature-checked) status list token payload."""
    try:
        claim = unverified["status_list"]
        bits, lst = claim["bits"], claim["lst"]
    except (KeyError, TypeError) as exc:
        raise MalformedStatusListError("payload has no status_list {bits, lst}") from exc
    if not isinstance(bits, int) or not isinstance(lst, str):
        raise MalformedStatusListError("status_list bits must be an integer and lst a string")
    return StatusList.decode(lst, bits=bits)
