"""RFC 8785 JSON Canonicalization Scheme: the one module that owns canonical form.

Whatever is hashed into a Merkle leaf is first put in this form, so issuer and verifier hash the
same bytes whatever their JSON libraries do with key order, whitespace or escaping.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from typing import Any

from nansen.errors import NansenError

MAX_SAFE_INTEGER = 2**53 - 1


class CanonicalFormError(NansenError):
    reason = "not_canonicalizable"


def canonicalize(value: Any) -> bytes:
    """The RFC 8785 canonical UTF-8 bytes of a JSON value."""
    parts: list[str] = []
    _write(value, parts)
    return "".join(parts).encode("utf-8")


def _write(value: Any, out: list[str]) -> None:
    if value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, str):
        out.append(_string(value))
    elif isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise CanonicalFormError(f"integer {value} is outside the I-JSON safe range")
        out.append(str(value))
    elif isinstance(value, float):
        out.append(_number(value))
    elif isinstance(value, Mapping):
        out.append("{")
        # RFC 8785 sorts member names by their UTF-16 code units
        for i, key in enumerate(sorted(value, key=_utf16_key)):
            if not isinstance(key, str):
                raise CanonicalFormError("object member names must be strings")
            if i:
                out.append(",")
            out.append(_string(key))
            out.append(":")
            _write(value[key], out)
        out.append("}")
    elif isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        out.append("[")
        for i, item in enumerate(value):
            if i:
                out.append(",")
            _write(item, out)
        out.append("]")
    else:
        raise CanonicalFormError(f"{type(value).__name__} is not a JSON value")


def _utf16_key(key: Any) -> bytes:
    if not isinstance(key, str):
        raise CanonicalFormError("object member names must be strings")
    return key.encode("utf-16-be")


def _string(text: str) -> str:
    # json.dumps with ensure_ascii=False escapes exactly what RFC 8785 requires: " \\ and C0 controls,
    # using \b \f \n \r \t and \u00XX lower-case hex for the rest
    return json.dumps(text, ensure_ascii=False)


def _number(value: float) -> str:
    """ECMAScript Number.prototype.toString for a finite double (RFC 8785 section 3.2.2.3)."""
    if not math.isfinite(value):
        raise CanonicalFormError("NaN and Infinity are not JSON numbers")
    if value == 0:
        return "0"
    if value.is_integer() and abs(value) < 1e21:
        return str(int(value))
    text = repr(value)  # shortest round-trip digits
    mantissa, _, exponent = text.partition("e")
    if not exponent:
        return text
    digits = mantissa.replace(".", "").replace("-", "")
    exp = int(exponent)
    sign = "-" if value < 0 else ""
    if -7 < exp < 21:
        # ECMAScript uses plain notation in this range
        point = exp + 1
        if point <= 0:
            return f"{sign}0.{'0' * -point}{digits}"
        return (
            f"{sign}{digits}{'0' * (point - len(digits))}"
            if point >= len(digits)
            else (f"{sign}{digits[:point]}.{digits[point:]}")
        )
    head = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{sign}{head}e{'+' if exp > 0 else '-'}{abs(exp)}"


def is_simple_json(value: Any) -> bool:
    """True when RFC 8785 and sorted compact ``json.dumps`` agree on ``value``: no floats, integers
    in the safe range, and no member name with characters at or above U+E000 (where code-point
    order and UTF-16 order differ)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return True
    if isinstance(value, int):
        return abs(value) <= MAX_SAFE_INTEGER
    if isinstance(value, Mapping):
        return all(
            isinstance(k, str) and all(ord(c) < 0xE000 for c in k) and is_simple_json(v)
            for k, v in value.items()
        )
    if isinstance(value, list | tuple):
        return all(is_simple_json(v) for v in value)
    return False


def canonicalize_simple(value: Any) -> bytes:
    """RFC 8785 bytes of a value known to satisfy :func:`is_simple_json`, at C speed.

    Issuers check ``is_simple_json`` before anchoring, so every anchored leaf was computed by both
    routes alike; a verifier may then use this fast route on the hot path.
    """
    return _SIMPLE_ENCODER.encode(value).encode("utf-8")


_SIMPLE_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)
