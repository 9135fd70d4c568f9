"""Base45 (RFC 9285): bytes as text in the QR alphanumeric alphabet, strict on input.

Two bytes become three characters (16 bits in 16.5 bits of alphanumeric mode), so a QR code holds
almost as many bytes as in byte mode, and every scanner returns the text unchanged (byte mode
leaves the text's charset to the scanner's guess).
"""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_VALUES = {c: i for i, c in enumerate(ALPHABET)}


class Base45Error(ValueError):
    """Text that is not canonical base45."""


def encoded_length(byte_count: int) -> int:
    return 3 * (byte_count // 2) + 2 * (byte_count % 2)


def b45encode(data: bytes) -> str:
    out: list[str] = []
    for i in range(0, len(data) - 1, 2):
        n = data[i] * 256 + data[i + 1]
        n, c = divmod(n, 45)
        e, d = divmod(n, 45)
        out += (ALPHABET[c], ALPHABET[d], ALPHABET[e])
    if len(data) % 2:
        d, c = divmod(data[-1], 45)
        out += (ALPHABET[c], ALPHABET[d])
    return "".join(out)


def b45decode(text: str) -> bytes:
    if len(text) % 3 == 1:
        raise Base45Error("base45 text has an impossible length")
    try:
        values = [_VALUES[c] for c in text]
    except KeyError:
        raise Base45Error("base45 text has a character outside the alphabet") from None
    out = bytearray()
    for i in range(0, len(values), 3):
        group = values[i : i + 3]
        n = sum(v * 45**k for k, v in enumerate(group))
        if len(group) == 3:
            if n > 0xFFFF:
                raise Base45Error("base45 group out of range")
            out += n.to_bytes(2, "big")
        else:
            if n > 0xFF:
                raise Base45Error("base45 group out of range")
            out.append(n)
    return bytes(out)
