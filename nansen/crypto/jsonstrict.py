"""Strict JSON parsing for untrusted input.

Refuses duplicate member names (RFC 8259 leaves the winner undefined, so two parsers can see two
different documents), NaN/Infinity, invalid UTF-8, texts above ``max_bytes`` and values nested
deeper than ``max_depth``; and what I-JSON (RFC 7493) forbids, which no issuer of ours writes
(a verifier must be at least as strict as the issuers it trusts): integers beyond +-(2^53 - 1),
numbers beyond a double's range (1e400), and lone surrogates (``"\\ud800"``: text that is not
Unicode, with no UTF-8 form).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from json.scanner import make_scanner
from typing import Any, cast

from nansen.crypto.errors import (
    DuplicateKeyError,
    JsonError,
    JsonTooDeepError,
    JsonTooLargeError,
    NotIJsonError,
)
from nansen.crypto.native import native

DEFAULT_MAX_BYTES = 64 * 1024
DEFAULT_MAX_DEPTH = 32
MAX_SAFE_INTEGER = 2**53 - 1  # I-JSON's integer range: what every JSON parser holds exactly
_SAFE_DIGITS = len(str(MAX_SAFE_INTEGER))  # a longer integer is out of range, unconverted
_SURROGATE = re.compile("[\ud800-\udfff]")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        seen: set[str] = set()
        for name, _ in pairs:
            if name in seen:
                raise DuplicateKeyError(f"duplicate JSON member name {name[:40]!r}")
            seen.add(name)
    return result


_unique_object: Callable[[list[tuple[str, Any]]], dict[str, Any]]
_native_loads: Callable[[bytes | str, int], Any] | None
# the same hook in C (KeyError(name) for a repeated name), and a whole strict parser
_unique_object, _native_loads = (
    (native.unique_object, native.json_loads) if native else (_no_duplicates, None)
)


def _refuse_constant(name: str) -> Any:
    raise JsonError(f"JSON constant {name} is not allowed")


def _safe_int(text: str) -> int:
    digits = len(text) - text.startswith("-")
    value = int(text) if digits <= _SAFE_DIGITS else None  # never converts 4,000 digits
    if value is None or abs(value) > MAX_SAFE_INTEGER:
        # the digit count, never the number: it may be a person's claim
        raise NotIJsonError(f"an integer of {digits} digits is beyond I-JSON's range (2^53 - 1)")
    return value


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise NotIJsonError("a number is beyond the range of a double (I-JSON)")
    return value


_NUMBERS: dict[str, Any] = {"parse_int": _safe_int, "parse_float": _finite_float}
_DECODER = json.JSONDecoder(object_pairs_hook=_unique_object, parse_constant=_refuse_constant, **_NUMBERS)
# a text without "{" holds no object, so no member names to repeat: the hook-free C path is as strict
_OBJECTLESS_DECODER = json.JSONDecoder(parse_constant=_refuse_constant, **_NUMBERS)
# typeshed types make_scanner's argument as a scanner; at run time it is the decoder (its context)
_SCANNER = make_scanner(cast(Any, _DECODER))
_OBJECTLESS_SCANNER = make_scanner(cast(Any, _OBJECTLESS_DECODER))


def json_depth(value: Any) -> int:
    """Nesting depth of a parsed JSON value: scalars 0, ``[]``/``{}`` 1."""
    depth = 0
    level: list[Any] = [value]
    while level:
        containers = [v for v in level if isinstance(v, dict | list)]
        if not containers:
            break
        depth += 1
        level = [c for v in containers for c in (v.values() if isinstance(v, dict) else v)]
    return depth


def _scan(decoder: json.JSONDecoder, scanner: make_scanner, text: str) -> Any:
    """``decoder.decode(text)``, calling its C scanner directly when the text is one bare value.

    ``decode`` wraps the scanner in two regular-expression whitespace skips; compact JWT and
    disclosure JSON has no outer whitespace, so that work is saved. Anything else (whitespace
    around the value, trailing data, an error) goes through ``decode`` for its exact behaviour.
    """
    try:
        value, end = scanner(text, 0)
    except (StopIteration, ValueError):
        return decoder.decode(text)
    return value if end == len(text) else decoder.decode(text)


def loads_strict(
    data: bytes | str, *, max_bytes: int = DEFAULT_MAX_BYTES, max_depth: int = DEFAULT_MAX_DEPTH
) -> Any:
    """Parse JSON strictly; raise a ``JsonError`` subclass on anything we refuse."""
    if len(data) > max_bytes:
        raise JsonTooLargeError(f"JSON text of {len(data)} bytes exceeds the limit of {max_bytes}")
    if _native_loads is not None:
        try:  # one C pass that accepts what the route below accepts, or less
            return _native_loads(data, max_depth)
        except ValueError:
            pass  # refused, or left to Python's json (a lone surrogate): it judges, in its words
    return _loads_in_python(data, max_depth)


def _loads_in_python(data: bytes | str, max_depth: int) -> Any:
    """``loads_strict`` through Python's json (the C module's fallback, and its reference in tests)."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JsonError("JSON text is not valid UTF-8") from exc
    else:
        text = data
    try:
        if "{" in text:
            value = _scan(_DECODER, _SCANNER, text)
        else:
            value = _scan(_OBJECTLESS_DECODER, _OBJECTLESS_SCANNER, text)
    except RecursionError as exc:
        raise JsonTooDeepError("JSON value nests too deeply") from exc
    except KeyError as exc:  # from the C hook
        name = str(exc.args[0]) if exc.args else ""
        raise DuplicateKeyError(f"duplicate JSON member name {name[:40]!r}") from None
    except ValueError as exc:  # JSONDecodeError, and int() digit limits
        raise JsonError(f"malformed JSON: {exc}") from exc
    # Counting brackets (in C) is a cheap upper bound on depth; walk only when it could be exceeded.
    if text.count("[") + text.count("{") > max_depth and json_depth(value) > max_depth:
        raise JsonTooDeepError(f"JSON value nests deeper than {max_depth}")
    # a lone surrogate comes from a \u escape, or from a str handed in with one: look only then
    if ("\\u" in text or not text.isascii()) and _holds_surrogate(value):
        raise NotIJsonError("a string holds a lone surrogate: it is not Unicode text (I-JSON)")
    return value


def check_i_json(value: Any) -> None:
    """Raise ``NotIJsonError`` if a value about to be written holds what ``loads_strict`` refuses
    to read back (issuers call it, so that no verifier refuses what they sign)."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, bool) or node is None:
            continue
        if isinstance(node, int):
            if abs(node) > MAX_SAFE_INTEGER:
                raise NotIJsonError("an integer is beyond I-JSON's range (2^53 - 1)")
        elif isinstance(node, float):
            if not math.isfinite(node):
                raise NotIJsonError("a number is not finite")
        elif isinstance(node, str):
            if not node.isascii() and _SURROGATE.search(node):
                raise NotIJsonError("a string holds a lone surrogate: it is not Unicode text")
        elif isinstance(node, dict):
            stack.extend(node)
            stack.extend(node.values())
        elif isinstance(node, list | tuple):
            stack.extend(node)


def _holds_surrogate(value: Any) -> bool:
    """Whether a string or member name anywhere in a parsed value holds a lone surrogate (a pair
    escaped as two ``\\u`` escapes is one character by then)."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            if not node.isascii() and _SURROGATE.search(node):
                return True
        elif isinstance(node, dict):
            stack.extend(node)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False
