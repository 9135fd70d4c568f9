"""Adversarial differential tests of the C fast paths against their Python routes.

``json_loads`` (_native_json.c), ``canonical_leaf`` (_native_canonical.c) and ``read_sd_jwt``
(_native_sdjwt.c) each promise: accept what the Python route accepts, or less, with the very same
values (types included: ``True`` is not ``1``, ``1`` is not ``1.0``, ``-0.0`` is not ``0.0``), and
raise a bare ``ValueError`` on anything else so that the caller falls back to the Python route.

Every check here runs the C function and the Python reference side by side: whenever C accepts,
the reference must accept with an identical value tree; the public entry point must then give
exactly what the Python route gives, value or error (type and message). Inputs are hand-picked edge
cases (escapes cut at the closing quote, int64 boundaries, nesting at the limits, invalid UTF-8,
SD-JWT separators...) and Hypothesis mutations of valid texts and of real SD-JWTs. A few tests
watch traced memory across repeated calls, for references leaked on the refusal paths.
"""

from __future__ import annotations

import contextlib
import json
import os
import tracemalloc
from collections.abc import Callable, Iterator
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nansen.credential import anchor
from nansen.credential.anchor import ContentNotCanonicalError, content_leaf, content_leaf_in_python
from nansen.crypto import b64, jsonstrict, jws
from nansen.crypto.b64 import b64url_decode_in_python, b64url_encode
from nansen.crypto.errors import JsonError, JsonTooDeepError, NotIJsonError
from nansen.crypto.jsonstrict import DEFAULT_MAX_DEPTH, MAX_SAFE_INTEGER, _loads_in_python, loads_strict
from nansen.crypto.jws import UnverifiedJws, parse_compact
from nansen.crypto.keys import generate_private_key
from nansen.sdjwt import compact
from nansen.sdjwt import disclosures as disclosures_module
from nansen.sdjwt.compact import UnverifiedParts, read_parts, split
from nansen.sdjwt.disclosures import Disclosure, parse_disclosure
from nansen.sdjwt.errors import TooManyDisclosuresError
from nansen.sdjwt.issuance import issue_sd_jwt
from nansen.sdjwt.policy import Limits
from nansen.sdjwt.presentation import create_presentation
from nansen.sdjwt.verification import verify_presentation

if os.environ.get("NANSEN_PURE_PYTHON") == "1":
    pytest.skip("built without the C module (NANSEN_PURE_PYTHON=1)", allow_module_level=True)

from nansen.crypto import _native as native

FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


# ---- shared helpers ----------------------------------------------------------------------------


def typed(value: Any) -> tuple[Any, ...]:
    """A comparable form that tells types apart: True from 1, 1 from 1.0, -0.0 from 0.0, str from
    a str subclass, and keeps member order (the parsers build dicts in member order). A flat
    pre-order walk, without recursion: values nest up to 600 levels here."""
    out: list[Any] = []
    stack: list[Any] = [value]
    while stack:
        node = stack.pop()
        kind = type(node)
        if isinstance(node, dict):
            out.append((kind, len(node)))
            for k, v in reversed(node.items()):
                stack.extend((v, k))
        elif isinstance(node, list | tuple):
            out.append((kind, len(node)))
            stack.extend(reversed(node))
        elif isinstance(node, float):
            out.append((kind, repr(node)))
        elif isinstance(node, str):
            out.append((kind, node.encode("utf-8", "surrogatepass")))
        else:
            out.append((kind, node))
    return tuple(out)


def outcome(call: Callable[[], Any]) -> tuple[Any, ...]:
    """("value", typed tree) or ("error", type, message): what the caller of ``call`` sees."""
    try:
        return ("value", typed(call()))
    except Exception as exc:  # compared between routes, whatever it is
        return ("error", type(exc), str(exc))


@contextlib.contextmanager
def pure_python() -> Iterator[None]:
    """Every fast path under test switched off: the routes the C module stands in for."""
    with contextlib.ExitStack() as stack:
        for owner, name, replacement in (
            (jsonstrict, "_native_loads", None),
            (b64, "_native_decode", None),
            (b64, "_native_sha256", None),
            (disclosures_module, "_open", disclosures_module._open_in_python),
            (compact, "_native_read", None),
            (anchor, "_native_leaf", None),
        ):
            stack.enter_context(mock.patch.object(owner, name, replacement))
        jws._remembered_flat_header.cache_clear()  # headers remembered from a C parse
        stack.callback(jws._remembered_flat_header.cache_clear)
        yield


def traced_growth(call: Callable[[], object], rounds: int = 300) -> int:
    """Bytes still allocated after ``rounds`` more calls than a warm-up: a leak grows with rounds."""
    for _ in range(20):
        call()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(rounds):
            call()
        return tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()


# ---- json_loads ----------------------------------------------------------------------------------


def check_json(text: bytes | str, max_depth: int = DEFAULT_MAX_DEPTH) -> bool:
    """C accepts only what ``_loads_in_python`` accepts, with the same value; ``loads_strict`` gives
    exactly the Python route's answer. True when C accepted."""
    try:
        fast = native.json_loads(text, max_depth)
    except ValueError:  # a refusal (UnicodeError included): the caller falls back
        accepted = False
    else:
        accepted = True
    slow = outcome(lambda: _loads_in_python(text, max_depth))
    if accepted:
        assert slow == ("value", typed(fast)), (text, max_depth)
    else:
        assert slow[0] == "value" or issubclass(slow[1], JsonError), slow
    assert outcome(lambda: loads_strict(text, max_bytes=1 << 30, max_depth=max_depth)) == slow
    return accepted


def check_json_both(text: bytes, max_depth: int = DEFAULT_MAX_DEPTH) -> None:
    check_json(text, max_depth)
    with contextlib.suppress(UnicodeDecodeError):
        check_json(text.decode("utf-8"), max_depth)
    with contextlib.suppress(UnicodeDecodeError):  # a str with lone surrogates: C must hand it over
        check_json(text.decode("utf-8", "surrogatepass"), max_depth)


JSON_EDGES: list[bytes] = [
    # empty, whitespace (JSON's four, and the \x0b \x0c \x85 \xa0 it does not know), BOM, NUL
    b"",
    b" ",
    b" \t\r\n1\n\r\t ",
    b"\x0b1",
    b"1\x0c",
    b"[1,\x0b2]",
    b"\xc2\x851",
    b"\xc2\xa01",
    b"\xef\xbb\xbf1",
    b'\xef\xbb\xbf{"a":1}',
    b"\x00",
    b"1\x00",
    b'"\x00"',
    b'"a\x00b"',
    b"[1]\x00",
    # literals
    b"true",
    b"false",
    b"null",
    b"tru",
    b"nul",
    b"truex",
    b"[true,false,null]",
    b"True",
    b"NaN",
    b"-NaN",
    b"Infinity",
    b"-Infinity",
    b"[NaN]",
    b'{"a":Infinity}',
    # numbers
    b"-",
    b"--1",
    b"+1",
    b"1.",
    b"1.e5",
    b".5",
    b"1e",
    b"1e+",
    b"1e-",
    b"1E5",
    b"1e5",
    b"1e+5",
    b"1e-5",
    b"1.5e",
    b"01",
    b"-01",
    b"00",
    b"0",
    b"-0",
    b"0.0",
    b"-0.0",
    b"-0e0",
    b"0e0",
    b"1e400",
    b"-1e400",
    b"1e-400",
    b"-1e-400",
    b"4.9e-324",
    b"2.2250738585072014e-308",
    b"1.7976931348623157e308",
    b"1.7976931348623159e308",
    b"0." + b"0" * 400 + b"1",
    b"1" * 400 + b".5",
    b"1" * 4300,
    b"1" * 4301,
    b"-" + b"1" * 4301,
    b"[1" + b"0" * 5000 + b"]",
    b"1_000",
    b"0x10",
    b"1 2",
    b"[1 2]",
    b"[-]",
    b"[1.]",
    b"[1e]",
    b"[01]",
    b"-1.0",
    b"-1",
    # strings and escapes, valid and cut short near the closing quote or the end of the buffer
    b'""',
    b'"',
    b'"\\',
    b'"\\"',
    b'"\\""',
    b'"\\\\"',
    b'"\\\\\\"',
    b'"a\\"',
    b'"\\u"',
    b'"\\u0"',
    b'"\\u00"',
    b'"\\u004"',
    b'"\\u0041"',
    b'"\\u0041',
    b'"\\u004"1',
    b'"\\u00e9"',
    b'"\\u00E9"',
    b'"\\uFFFF"',
    b'"\\uffff"',
    b'"\\u0000"',
    b'"\\u001f"',
    b'"\\u007f"',
    b'"\\u2028\\u2029"',
    b'"\\ug000"',
    b'"\\u 123"',
    b'"\\u+123"',
    b'"\\u-123"',
    b'"\\U0041"',
    b'"\\x41"',
    b'"\\a"',
    b'"\\0"',
    b'"\\\'"',
    b'"\\/"',
    b'"\\b\\f\\n\\r\\t\\"\\\\\\/"',
    b'"\\\x01"',
    b'"\\\xc3\xa9"',
    b'"\\\n"',
    b'"\\ "',
    b'"\\u\\u0041"',
    b'"\\u00\\"',
    b'"\\u00\\"x"',
    b'"\\u12\\"ab"',
    # surrogates by escape: pairs, lone halves, reversed, cut pairs
    b'"\\ud83d\\ude00"',
    b'"\\uD83D\\uDE00"',
    b'"\\ud800\\udc00"',
    b'"\\udbff\\udfff"',
    b'"\\ud800"',
    b'"\\udc00"',
    b'"\\udfff"',
    b'"\\ude00\\ud83d"',
    b'"\\ud83d\\ud83d"',
    b'"\\ud83dx"',
    b'"\\ud83d\\"',
    b'"\\ud83d\\"x"',
    b'"\\ud83d\\u"',
    b'"\\ud83d\\ude0"',
    b'"\\ud83d\\ude0"0',
    b'"\\ud83d\\n"',
    b'"\\ud83d\\u0041"',
    b'"\\ud83d\\ud83d\\ude00"',
    b'"x\\ud800"',
    b'["\\ud800"]',
    b'{"\\ud800":1}',
    b'{"a":"\\udc00"}',
    # control characters raw in strings; DEL and C1 are fine
    b'"\x01"',
    b'"\x1f"',
    b'"\t"',
    b'"\n"',
    b'"\x7f"',
    b'"\xc2\x80"',
    # UTF-8: valid, mixed with escapes, and broken inside and outside strings
    b'"\xc3\xa9"',
    b'"\xe2\x82\xac"',
    b'"\xf0\x9f\x98\x80"',
    b'"\xf4\x8f\xbf\xbf"',
    b'"\xc3\xa9\\u00e9\\n\xe2\x82\xac"',
    b'"\\u00e9\xc3\xa9"',
    b'"\xc3"',
    b'"\xc3\\u00a9"',
    b'"\xe2\x82"',
    b'"\xe2\x82\\n"',
    b'"\xf0\x9f\x98"',
    b'"\xf0\x9f\x98\\u0041"',
    b'"\\u0041\xa9"',
    b'"\x80"',
    b'"\xbf"',
    b'"\xc0\xaf"',
    b'"\xc1\xbf"',
    b'"\xe0\x80\xaf"',
    b'"\xe0\x9f\xbf"',
    b'"\xf0\x80\x80\xaf"',
    b'"\xf0\x8f\xbf\xbf"',
    b'"\xed\xa0\x80"',
    b'"\xed\xbf\xbf"',
    b'"\xed\xa0\xbd\xed\xb8\x80"',
    b'"\xf4\x90\x80\x80"',
    b'"\xf5\x80\x80\x80"',
    b'"\xf8\x88\x80\x80\x80"',
    b'"\xfe"',
    b'"\xff"',
    b'"\\n\xff"',
    b"\xc3\xa9",
    b"1\xff",
    b"[1,\xff]",
    b'{"\xc3\xa9":1}',
    b'{"\xff":1}',
    b'{"\\n\xff":1}',
    b'{"a\xc3":1}',
    # objects: shape, separators, duplicate names however they are spelled
    b"{}",
    b"{ }",
    b"{",
    b"}",
    b'{"a"}',
    b'{"a":}',
    b'{"a":1,}',
    b'{,"a":1}',
    b'{"a":1 "b":2}',
    b'{"a"::1}',
    b'{"a":1}}',
    b"{1:1}",
    b"{'a':1}",
    b'{"a":1,"a":2}',
    b'{"a":1,"\\u0061":2}',
    b'{"\\u0061":1,"a":2}',
    b'{"\\u0061":1,"\\u0061":2}',
    b'{"\xc3\xa9":1,"\\u00e9":2}',
    b'{"\xc3\xa9":1,"\\u00E9":2}',
    b'{"\\ud83d\\ude00":1,"\xf0\x9f\x98\x80":2}',
    b'{"' + b"k" * 24 + b'":1,"' + b"k" * 24 + b'":2}',
    b'{"' + b"k" * 25 + b'":1,"' + b"k" * 25 + b'":2}',
    b'{"' + b"k" * 25 + b'":1,"' + b"k" * 24 + b'\\u006b":2}',
    b'{"a":{"b":1,"b":2}}',
    b'[{"a":1},{"a":2}]',
    b'{"a":1,"b":{"a":1}}',
    b'{"":1,"":2}',
    b'{"":1}',
    b'{"_sd":[],"...":1,"\\u005fsd":2}',
    b'{"a" : 1 , "b" :\t2\n}',
    # arrays
    b"[]",
    b"[ ]",
    b"[",
    b"]",
    b"[,]",
    b"[1,]",
    b"[,1]",
    b"[1,,2]",
    b"[1]]",
    b"[[]",
    b"[][]",
    b"[] []",
    b"[1,[2,[3,[4]]]]",
]


@pytest.mark.parametrize("text", JSON_EDGES, ids=range(len(JSON_EDGES)))
def test_json_edge_cases_agree(text: bytes) -> None:
    for max_depth in (0, 1, 2, DEFAULT_MAX_DEPTH):
        check_json_both(text, max_depth)


def test_json_accepts_the_plain_cases_itself() -> None:
    """The fast path must actually be taken for ordinary JSON, or the checks above prove little."""
    for text in (b'{"a":[1,-2.5e3,"\\u00e9\\ud83d\\ude00",true,null,{}]}', b"-0.0", b'"\\""', b"[]"):
        assert check_json(text), text


INT_BOUNDARIES = sorted(
    {
        sign * magnitude
        for sign in (1, -1)
        for base in (10**15, 10**16, 10**17, 10**18, 10**19, 2**53, 2**62, 2**63, 2**64)
        for magnitude in (base - 2, base - 1, base, base + 1)
    }
)


@pytest.mark.parametrize("number", INT_BOUNDARIES)
def test_json_integers_around_the_i_json_range(number: int) -> None:
    """Up to 2^53 - 1 either way the C loop takes them; beyond, C hands them over and the Python
    route refuses them (I-JSON), so both routes refuse; spelled as fractions they stay numbers."""
    safe = abs(number) <= MAX_SAFE_INTEGER
    text = str(number).encode()
    assert check_json(text, 0) is safe
    assert check_json(b"[" + text + b"]", 1) is safe
    if not safe:
        with pytest.raises(NotIJsonError, match="beyond I-JSON's range"):
            loads_strict(b"[" + text + b"]")
    for spelled in (text + b".0", text + b"e0", text + b"E+0", text + b".5e-1"):
        assert check_json(spelled, 0)


@pytest.mark.parametrize("digits", [15, 16, 17, 18, 19, 20, 4001])
def test_json_all_nines_and_the_sign(digits: int) -> None:
    for text in (b"9" * digits, b"-" + b"9" * digits, b"-" + b"9" * (digits - 1), b"1" + b"0" * (digits - 1)):
        safe = abs(int(text)) <= MAX_SAFE_INTEGER
        assert check_json(text, 0) is safe
        if not safe:
            with pytest.raises(NotIJsonError):
                loads_strict(text)


@pytest.mark.parametrize(
    "text",
    [b'"\\ud800"', b'"a\\udfffb"', b'{"\\udc00":1}', b'["\\ude00\\ud83d"]', b'{"a":["x","\\ud83d"]}'],
)
def test_json_lone_surrogates_are_refused_by_both_routes(text: bytes) -> None:
    assert not check_json(text)
    with pytest.raises(NotIJsonError, match="lone surrogate"):
        loads_strict(text)
    # a str that already holds one (not through an escape) is refused alike
    with pytest.raises(NotIJsonError, match="lone surrogate"):
        loads_strict(text.decode("unicode_escape"))


@pytest.mark.parametrize("text", [b"1e400", b"-1e400", b"[1.8e308]", b'{"a":123456789e999}'])
def test_json_numbers_beyond_a_double_are_refused_by_both_routes(text: bytes) -> None:
    assert not check_json(text)
    with pytest.raises(NotIJsonError, match="double"):
        loads_strict(text)


@pytest.mark.parametrize(
    ("max_depth", "depths"),
    [
        (0, (0, 1)),
        (1, (0, 1, 2)),
        (16, (15, 16, 17)),
        (32, (31, 32, 33)),
        (511, (510, 511, 512)),
        (512, (511, 512, 513)),
        (513, (512, 513, 514)),
        (600, (511, 512, 513, 600)),
    ],
)
def test_json_nesting_at_the_limit_and_the_clamp(max_depth: int, depths: tuple[int, ...]) -> None:
    for depth in depths:
        check_json(b"[" * depth + b"]" * depth, max_depth)
        check_json(b'{"a":' * depth + b"1" + b"}" * depth, max_depth)
        half = depth // 2
        mixed = b'[{"k":' * half + b"[]" * (depth % 2) + b"}]" * half
        check_json(mixed, max_depth)
        check_json(b"[" * depth + b"]" * (depth - 1), max_depth)  # unclosed: refused by both
        check_json(b"[" * depth + b'"\\ud800"' + b"]" * depth, max_depth)  # handed to Python


@pytest.mark.parametrize("count", [0, 1, 31, 32, 33, 34, 64, 65, 300])
def test_json_many_elements(count: int) -> None:
    """Past 32 elements the C parser moves them from its stack into a list."""
    items = [str(i).encode() for i in range(count)]
    body = b",".join(items)
    for text in (
        b"[" + body + b"]",
        b"[" + b",".join(b"[" + i + b"]" for i in items) + b"]",
        b"[" + b",".join(b'{"k":' + i + b"}" for i in items) + b"]",
        b"{" + b",".join(b'"k' + i + b'":' + i for i in items) + b"}",
        b"[" + body + (b"," if count else b"") + b'"\\ud800"]',  # handed over after the elements
        b"[" + body + b",]",
        b"[" + body + b",01]",
        b"[" + body,
        b'{"a":[' + body + b'],"a":1}',
    ):
        check_json(text, 3)


def test_json_member_name_cache_never_confuses_names() -> None:
    """Short ASCII names are kept in a 512-slot table by hash: names that share a slot, and many
    names in a row, must still come out as themselves."""

    def slot(name: bytes) -> int:
        h = 2166136261
        for c in name:
            h = ((h ^ c) * 16777619) & 0xFFFFFFFF
        return h % 512

    by_slot: dict[int, list[bytes]] = {}
    for i in range(4000):
        by_slot.setdefault(slot(b"n%d" % i), []).append(b"n%d" % i)
    sharing = next(names for names in by_slot.values() if len(names) >= 3)[:3]
    a, b, c = sharing
    for text in (
        b'{"%s":1,"%s":2,"%s":3}' % (a, b, c),
        b'{"%s":1,"%s":2,"%s":3}' % (c, b, a),
        b'[{"%s":1},{"%s":2},{"%s":1,"%s":2}]' % (a, b, b, a),
        b'{"%s":1,"%s":2}' % (a, a),
        b"{" + b",".join(b'"n%d":%d' % (i, i) for i in range(1500)) + b"}",
    ):
        check_json(text)
        check_json(text)


JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.sampled_from(INT_BOUNDARIES)
    | st.floats()
    | st.sampled_from([0.0, -0.0, 1.0, -1.0, 5e-324, 1e308, 1e16, 123456789012345678.0])
    | st.text(st.characters(exclude_categories=()), max_size=8)
    | st.sampled_from(["", "_sd", "...", "\\", '"', "\x00", "\x1f", "\x7f", "\u2028", "\ud800", "\udfff"])
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.lists(inner, min_size=30, max_size=36)
        | st.dictionaries(st.text(st.characters(exclude_categories=()), max_size=6), inner, max_size=5)
    ),
    max_leaves=40,
)
JSON_BITS = [
    b'"',
    b"\\",
    b"\\u",
    b"\\ud83d",
    b"\\ude00",
    b"\\u0061",
    b"0",
    b"-",
    b".",
    b"e",
    b"[",
    b"]",
    b"{",
    b"}",
    b":",
    b",",
    b" ",
    b"\x0b",
    b"\x0c",
    b"\x00",
    b"\x1f",
    b"\xc3",
    b"\xa9",
    b"\xc3\xa9",
    b"\xed\xa0\x80",
    b"\xf4\x90\x80\x80",
    b"\xc0\xaf",
    b"\xef\xbb\xbf",
    b'"a":1,',
    b'"a"',
    b"NaN",
    b"true",
    b"99999999999999999999",
]


def dumped(value: Any, ensure_ascii: bool, spaced: bool) -> bytes | None:
    try:
        text = json.dumps(value, ensure_ascii=ensure_ascii, separators=(", ", ": ") if spaced else (",", ":"))
    except ValueError:  # an int past the digit limit
        return None
    return text.encode("utf-8", "surrogatepass")


@FUZZ
@given(value=JSON_VALUES, ensure_ascii=st.booleans(), spaced=st.booleans(), max_depth=st.integers(0, 6))
def test_json_agrees_on_dumped_values(value: Any, ensure_ascii: bool, spaced: bool, max_depth: int) -> None:
    text = dumped(value, ensure_ascii, spaced)
    if text is not None:
        check_json_both(text, max_depth)
        check_json_both(text, DEFAULT_MAX_DEPTH)


@FUZZ
@given(
    value=JSON_VALUES,
    ensure_ascii=st.booleans(),
    edits=st.lists(
        st.tuples(
            st.sampled_from(["insert", "delete", "replace"]),
            st.integers(0, 10**6),
            st.sampled_from(JSON_BITS),
        ),
        min_size=1,
        max_size=3,
    ),
)
def test_json_agrees_on_mutated_texts(
    value: Any, ensure_ascii: bool, edits: list[tuple[str, int, bytes]]
) -> None:
    text = dumped(value, ensure_ascii, False)
    if text is None:
        return
    for op, where, bit in edits:
        at = where % (len(text) + 1)
        if op == "insert":
            text = text[:at] + bit + text[at:]
        elif op == "delete":
            text = text[:at] + text[at + 1 + where % 3 :]
        else:
            text = text[:at] + bit + text[at + 1 :]
    check_json_both(text, DEFAULT_MAX_DEPTH)


@FUZZ
@given(parts=st.lists(st.sampled_from(JSON_BITS) | st.binary(max_size=3), max_size=14))
def test_json_agrees_on_token_soup(parts: list[bytes]) -> None:
    check_json_both(b"".join(parts), 4)


def test_json_refusals_and_acceptances_leak_nothing() -> None:
    long_name = b"n" * 40
    texts = [
        b'{"a":[1,2,{"b":"\\u00e9"}],"' + long_name + b'":null}',
        b"[" + b",".join(b"[%d]" % i for i in range(40)) + b",01]",
        b"[" + b",".join(b'"%d"' % i for i in range(40)) + b',"\\ud800"]',
        b'{"a":1,"b":[1,2,3],"a":2}',
        b'{"x":{"y":[1,2,' + b'"' + b"s" * 600 + b'\\n"' + b"]},",
        b'{"' + b"k" * 30 + b'\\n":' + b"1" * 30 + b".5e1}",
        b"[" * 40 + b"]" * 39,
        b'["\xc3\\u00a9"]',
    ]

    def run() -> None:
        for text in texts:
            with contextlib.suppress(ValueError):
                native.json_loads(text, 64)
            with contextlib.suppress(ValueError):
                native.json_loads(text.decode("utf-8", "replace"), 64)

    assert traced_growth(run) < 64 * 1024


# ---- canonical_leaf ------------------------------------------------------------------------------


class Text(str):
    pass


class Number(int):
    pass


class Mapping_(dict[str, Any]):
    pass


class Items(list[Any]):
    pass


def check_leaf(payload: dict[Any, Any]) -> bool:
    """When C gives bytes they are the Python route's leaf; ``content_leaf`` always answers as the
    Python route does. True when C gave bytes."""
    fast = native.canonical_leaf(payload, anchor.ANCHOR_CLAIM)
    slow = outcome(lambda: content_leaf_in_python(payload))
    if fast is not None:
        assert slow == ("value", typed(fast)), payload
    else:
        assert slow[0] == "value" or issubclass(slow[1], ContentNotCanonicalError | TypeError | ValueError)
    assert outcome(lambda: content_leaf(payload)) == slow
    return fast is not None


LEAF_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**64), 2**64)
    | st.sampled_from(INT_BOUNDARIES)
    | st.floats()
    | st.text(st.characters(exclude_categories=()), max_size=10)
    | st.sampled_from(["\x00", "\x08", "\x0c", "\x1f", "\x7f", '"\\', "\u2028", "\ue000", "\uffff", "😀"])
    | st.builds(Text, st.text(max_size=3))
    | st.builds(Number, st.integers(-5, 5))
)
LEAF_KEYS = st.text(st.characters(exclude_categories=()), max_size=6) | st.sampled_from(
    ["anchor", "Anchor", "anchor\x00", "\ue000", "\uffff", "😀", "\ud800", "a\udc00"]
)
LEAF_VALUES = st.recursive(
    LEAF_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(LEAF_KEYS, inner, max_size=4)
        | st.builds(tuple, st.lists(inner, max_size=2))
        | st.builds(Items, st.lists(inner, max_size=2))
        | st.builds(Mapping_, st.dictionaries(st.text(max_size=2), inner, max_size=2))
    ),
    max_leaves=25,
)


@FUZZ
@given(payload=st.dictionaries(LEAF_KEYS, LEAF_VALUES, max_size=6))
def test_leaf_agrees_on_arbitrary_payloads(payload: dict[str, Any]) -> None:
    check_leaf(payload)


SIMPLE_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**63), 2**63 - 1) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=30,
)


@FUZZ
@given(payload=st.dictionaries(st.text(max_size=5) | st.just("anchor"), SIMPLE_VALUES, max_size=6))
def test_leaf_fast_path_is_taken_and_right_for_simple_payloads(payload: dict[str, Any]) -> None:
    assert check_leaf(payload)


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"anchor": 1},
        {"anchor": {"x": 1.5}},  # skipped, so its float does not matter... to either route
        {"a": {"anchor": 1}},  # only the top-level member is left out
        {"a": [{"anchor": 1}]},
        {"anchor\x00": 1, "anchor": 2},
        {"b": 1, "a": 2, "A": 3, "": 4, "\x00": 5, "é": 6, "\ue000": 7, "😀": 8, "\uffff": 9},
        {"k": "".join(map(chr, range(0x00, 0x80)))},
        {"k": "\u2028\u2029\x85\xa0é😀\U0010ffff"},
        {"k": "\ud800"},
        {"\udfff": 1},
        {"k": ["\ud83d\ude00"]},
        {"k": [True, False, None, 0, 1, -1]},
        {"k": 2**63 - 1, "l": -(2**63)},
        {"k": 2**63},
        {"k": -(2**63) - 1},
        {"k": 1.0},
        {"k": -0.0},
        {"k": float("nan")},
        {"k": float("inf")},
        {"k": Number(1)},
        {"k": Text("a")},
        {Text("k"): 1},
        {"k": (1, 2)},
        {"k": Items([1])},
        {"k": Mapping_(a=1)},
        {1: 2},
        {1: 2, "a": 3},
        {None: 1},
        {"k": b"bytes"},
        {"k": {1, 2}},
        {"k": object()},
        {"k": "x" * 2040 + "\n" + "y" * 10},
        {"k" * 3000: "\\" * 3000},
        {"k": ["\x01" * 700, "é" * 700, "😀" * 600]},
    ],
    ids=repr,
)
def test_leaf_edge_cases(payload: dict[Any, Any]) -> None:
    check_leaf(payload)


@pytest.mark.parametrize("length", range(2030, 2060))
def test_leaf_strings_across_the_hash_buffer(length: int) -> None:
    """The canonical text goes through a 2048-byte buffer: escapes and multi-byte characters
    straddling its edge."""
    for filler in ("x", "é", "😀"):
        assert check_leaf({"k": filler * (length // len(filler.encode())) + '"\\\n\x01'})
        assert check_leaf({"a" * length: 1, "b": "\x1f" * (length // 6)})


@pytest.mark.parametrize("depth", [60, 62, 63, 64, 65, 66, 70])
def test_leaf_nesting_at_its_limit(depth: int) -> None:
    lists: Any = 1
    dicts: Any = 1
    for _ in range(depth - 1):
        lists = [lists]
        dicts = {"d": dicts}
    check_leaf({"a": lists})
    check_leaf({"a": dicts})
    check_leaf({"a": lists, "b": 1.5})


def test_leaf_circular_values_are_left_to_python() -> None:
    loop: list[Any] = []
    loop.append(loop)
    shared: dict[str, Any] = {}
    shared["self"] = shared
    assert not check_leaf({"a": loop})
    assert not check_leaf({"a": shared})


def test_leaf_leaks_nothing() -> None:
    payloads: list[dict[Any, Any]] = [
        {"a": [1, "é", {"b": None}], "anchor": {"x": 1}},
        {"a": [1, 2, 1.5]},
        {"a": {"b": "\ud800"}},
        {"b": 1, 2: 3},
        {"a": 2**70},
        {"k": "x" * 5000},
    ]

    def run() -> None:
        for payload in payloads:
            native.canonical_leaf(payload, "anchor")

    assert traced_growth(run) < 64 * 1024


# ---- read_sd_jwt ---------------------------------------------------------------------------------

NOW = 1_800_000_000
AUD = "https://verifier.example"
NONCE = "n-0S6_WzA2Mj"
ISSUER = generate_private_key()
HOLDER = generate_private_key()
PAYLOAD = {
    "iss": "https://issuer.example",
    "vct": "https://credentials.example/id",
    "iat": NOW - 1000,
    "exp": NOW + 86400,
    "given_name": "Amina",
    "family_name": "Yusuf",
    "nationalities": ["SD", "SS"],
    "address": {"locality": "Kakuma", "country": "KE", "camp_block": "B7"},
    "score": -0.0,
    "flags": [True, 1, 1.0, None],
}
PATHS = {
    ("given_name",),
    ("family_name",),
    ("nationalities", 0),
    ("nationalities", 1),
    ("address",),
    ("address", "camp_block"),
    ("flags",),
}
ISSUED = issue_sd_jwt(
    payload=PAYLOAD, disclosable=PATHS, signer_key=ISSUER, kid="k", decoys=1, holder_key=HOLDER.public_key()
)
ALL = [
    ("given_name",),
    ("family_name",),
    ("nationalities", 0),
    ("nationalities", 1),
    ("address",),
    ("flags",),
]
PRESENTED = create_presentation(
    issued=ISSUED.compact, disclose=ALL, holder_key=HOLDER, aud=AUD, nonce=NONCE, iat=NOW
)
FEW = create_presentation(
    issued=ISSUED.compact, disclose=[("given_name",)], holder_key=HOLDER, aud=AUD, nonce=NONCE, iat=NOW
)
BARE = create_presentation(
    issued=ISSUED.compact, disclose=ALL, holder_key=None, aud=AUD, nonce=NONCE, iat=NOW
)
NONE_DISCLOSED = ISSUED.jwt + "~"
# digests only in the top-level _sd: the reader notes no nested digest name
FLAT_ISSUED = issue_sd_jwt(
    payload=PAYLOAD,
    disclosable={("given_name",), ("family_name",)},
    signer_key=ISSUER,
    kid="k",
    decoys=2,
    holder_key=HOLDER.public_key(),
)
FLAT = create_presentation(
    issued=FLAT_ISSUED.compact, disclose=[("given_name",)], holder_key=HOLDER, aud=AUD, nonce=NONCE, iat=NOW
)
SAMPLES = [PRESENTED, FEW, BARE, NONE_DISCLOSED, ISSUED.compact, FLAT]
SAMPLE_IDS = ["kb", "few", "bare", "none", "issued", "flat"]
LIMITS = Limits()

# what the Python route computes for each field of UnverifiedParts (nested_digests: see below)
COMPARED_FIELDS = {
    "jwt",
    "disclosures",
    "kb_jwt",
    "sd_hash_input",
    "parsed_jwt",
    "parsed_payload",
    "parsed_disclosures",
    "parsed_kb",
    "sd_hash",
}


def call_reader(text: str, limits: Limits) -> Any:
    types = (UnverifiedParts, UnverifiedJws, Disclosure)
    return native.read_sd_jwt(text, limits.max_bytes, limits.max_disclosures, limits.max_depth, *types)


def python_header(jwt: str) -> Any:
    """The header straight from the Python json route (parse_compact may remember headers)."""
    return _loads_in_python(b64url_decode_in_python(jwt.split(".")[0]), DEFAULT_MAX_DEPTH)


def python_parts(text: str, limits: Limits) -> dict[str, Any]:
    """Every piece the C reader fills, step by step through the Python route, which must not
    raise on any of them when C accepted the whole."""
    max_bytes, max_depth = limits.max_bytes, limits.max_depth
    with pure_python():
        parts = split(text, max_bytes=max_bytes, max_disclosures=limits.max_disclosures)
        parsed_jwt = parse_compact(parts.jwt, max_bytes=max_bytes)
        assert parsed_jwt.header == python_header(parts.jwt)
        payload = loads_strict(parsed_jwt.payload, max_bytes=max_bytes, max_depth=max_depth)
        assert isinstance(payload, dict), "the verifier refuses a payload that is not an object"
        found = [parse_disclosure(d, max_bytes=max_bytes, max_depth=max_depth) for d in parts.disclosures]
        parsed_kb = None
        if parts.kb_jwt is not None:
            parsed_kb = parse_compact(parts.kb_jwt, max_bytes=max_bytes)
            assert parsed_kb.header == python_header(parts.kb_jwt)
        sd_hash = compact.sd_hash(parts.sd_hash_input)
    return {
        "jwt": parts.jwt,
        "disclosures": parts.disclosures,
        "kb_jwt": parts.kb_jwt,
        "sd_hash_input": parts.sd_hash_input,
        "parsed_jwt": parsed_jwt,
        "parsed_payload": payload,
        "parsed_disclosures": found,
        "parsed_kb": parsed_kb,
        "sd_hash": sd_hash,
    }


def has_nested_digest_names(value: Any, top: bool = True) -> bool:
    """Whether an object below the top level has a member "_sd" or "..."."""
    if isinstance(value, dict):
        if not top and ("_sd" in value or "..." in value):
            return True
        return any(has_nested_digest_names(v, False) for v in value.values())
    if isinstance(value, list):
        return any(has_nested_digest_names(v, False) for v in value)
    return False


def check_reader(text: str, limits: Limits = LIMITS) -> bool:
    """C's parts equal the Python route's, field by field; ``read_parts`` falls back to ``split``
    exactly when C refuses. True when C accepted."""
    try:
        fast = call_reader(text, limits)
    except ValueError:
        expected = outcome(
            lambda: split(text, max_bytes=limits.max_bytes, max_disclosures=limits.max_disclosures)
        )
        assert outcome(lambda: read_parts(text, limits)) == expected
        return False
    assert type(fast) is UnverifiedParts and len(fast) == len(UnverifiedParts._fields)
    expected_parts = python_parts(text, limits)
    for name in fast._fields:
        if name in COMPARED_FIELDS:
            assert typed(getattr(fast, name)) == typed(expected_parts[name]), name
    nested = getattr(fast, "nested_digests", True)
    assert type(nested) is bool
    if has_nested_digest_names(expected_parts["parsed_payload"]):
        assert nested, "a digest name below the top level went unnoticed"
    return True


def verification(text: str, limits: Limits) -> tuple[Any, ...]:
    def run() -> tuple[Any, ...]:
        verified = verify_presentation(
            text,
            issuer_key_resolver=lambda header, payload: ISSUER.public_key(),
            expected_aud=AUD,
            expected_nonce=NONCE,
            now=NOW,
            require_key_binding=False,
            limits=limits,
        )
        return (
            verified.claims,
            verified.header,
            verified.issuer_payload,
            verified.disclosed_paths,
            verified.holder_jwk,
            verified.kb,
            verified.signed_content_digest,
            verified.kb_digest,
            verified.checks,
        )

    return outcome(run)


def check_verification(text: str, limits: Limits = LIMITS) -> None:
    """End to end: the verifier answers the same, value or error and its words, with or without C."""
    fast = verification(text, limits)
    with pure_python():
        slow = verification(text, limits)
    assert fast == slow


def test_every_field_the_reader_fills_is_compared() -> None:
    assert set(UnverifiedParts._fields) <= COMPARED_FIELDS | {"nested_digests"}, (
        "a new UnverifiedParts field: compare it with its Python route in python_parts"
    )


@pytest.mark.parametrize("text", SAMPLES, ids=SAMPLE_IDS)
def test_reader_takes_real_sd_jwts(text: str) -> None:
    assert check_reader(text)
    check_verification(text)
    assert verification(text, LIMITS)[0] == "value"


def test_reader_notes_digest_names_below_the_top() -> None:
    """Sanity for the nested_digests check in check_reader: both answers occur."""
    assert call_reader(PRESENTED, LIMITS).nested_digests  # array-element digests in nationalities
    assert not call_reader(FLAT, LIMITS).nested_digests


def b64json(text: str | bytes) -> str:
    return b64url_encode(text.encode() if isinstance(text, str) else text)


def replace_jws_part(token: str, index: int, part: str) -> str:
    pieces = token.split(".")
    pieces[index] = part
    return ".".join(pieces)


def with_jwt(text: str, jwt: str) -> str:
    return jwt + text[text.index("~") :]


def with_kb(text: str, kb: str) -> str:
    return text[: text.rindex("~") + 1] + kb


def with_disclosures(text: str, found: list[str]) -> str:
    head = text.split("~")
    return "~".join([head[0], *found, head[-1]])


KB = PRESENTED[PRESENTED.rindex("~") + 1 :]
DISCLOSED = PRESENTED.split("~")[1:-1]


def structural_cases() -> list[str]:
    header_texts = [
        "[]",
        '["alg"]',
        '"ES256"',
        "1",
        "null",
        "{}",
        '{"alg":"ES256","typ":"dc+sd-jwt","kid":"k"}',
        '{"alg":"ES256","alg":"ES256"}',
        '{"alg":"ES256","\\u0061lg":"ES256"}',
        '{"alg":"ES256","typ":"dc+sd-jwt","kid":"k","x":NaN}',
        '{"alg":"ES256","typ":"dc+sd-jwt","kid":"k","x":1e400}',
        '{"alg":"ES256","typ":"dc+sd-jwt","kid":"\\ud800"}',
        '{"alg":"ES256","typ":"dc+sd-jwt","kid":"\xff"}',
        '{"alg":"ES256","typ":"dc+sd-jwt","kid":"k","d":' + "[" * 32 + "]" * 32 + "}",
        '{"alg":"ES256","typ":"dc+sd-jwt","kid":"k","d":' + "[" * 31 + "]" * 31 + "}",
        ' {"alg":"ES256","typ":"dc+sd-jwt","kid":"k"} ',
        '{"alg":"ES256","typ":"dc+sd-jwt","kid":"k"}\x00',
        "\ufeff{}",
    ]
    payload = json.loads(b64url_decode_in_python(ISSUED.jwt.split(".")[1]))
    payload_texts = [
        "[]",
        "1",
        "{}",
        json.dumps(payload),
        json.dumps(payload, ensure_ascii=False, indent=1),
        json.dumps({**payload, "x": {"_sd": []}}),
        json.dumps({**payload, "x": [{"...": "A" * 43}]}),
        json.dumps({**payload, "x": ["..."], "y": "_sd", "...": 1}),
        json.dumps(payload)[:-1] + ',"x":{"\\u005fsd":[]}}',
        json.dumps(payload)[:-1] + ',"x":[{"\\u002e..":"' + "A" * 43 + '"}]}',
        json.dumps(payload)[:-1] + ',"iss":"dup"}',
        json.dumps(payload)[:-1] + ',"\\u0069ss":"dup"}',
        json.dumps(payload)[:-1] + ',"x":' + "[" * 15 + "]" * 15 + "}",
        json.dumps(payload)[:-1] + ',"x":' + "[" * 16 + "]" * 16 + "}",
        json.dumps(payload)[:-1] + ',"x":"\\ud800"}',
        json.dumps(payload)[:-1] + ',"x":-0.0,"y":1.0,"z":1,"w":true}',
        json.dumps(payload)[:-1] + ',"x":99999999999999999999999}',
    ]
    disclosure_texts = [
        '["salt"]',
        '["salt","v"]',
        '["salt","n","v"]',
        '["salt","n","v","w"]',
        "[]",
        "{}",
        '"salt"',
        '[1,"n","v"]',
        '[null,"v"]',
        '[["s"],"v"]',
        '["salt",1,"v"]',
        '["salt",null,"v"]',
        '["salt","_sd","v"]',
        '["salt","...","v"]',
        '["salt","\\u005fsd","v"]',
        '["salt","\\u002e\\u002e\\u002e","v"]',
        '["salt","_sd_alg","v"]',
        '["salt","_SD","v"]',
        '["salt","..","v"]',
        '["salt","\\ud800","v"]',
        '["\\ud800","n","v"]',
        '["salt","n","\\ud800"]',
        '["salt","n",{"a":1,"a":2}]',
        '["salt","n",{"a":1,"\\u0061":2}]',
        '["salt","n",NaN]',
        '["salt","n",-0.0]',
        '["salt","n",' + "[" * 15 + "]" * 15 + "]",
        '["salt","n",' + "[" * 16 + "]" * 16 + "]",
        ' ["salt","n","v"] ',
        '["salt","n","v"]\x00',
        '["s\xc3\xa9lt","n\xe2\x82\xac","\xf0\x9f\x98\x80"]',
        '["salt","n","\xff"]',
    ]
    out: list[str] = []
    for header in header_texts:
        out.append(
            with_jwt(BARE, replace_jws_part(ISSUED.jwt, 0, b64json(header.encode("utf-8", "surrogatepass"))))
        )
        out.append(
            with_kb(PRESENTED, replace_jws_part(KB, 0, b64json(header.encode("utf-8", "surrogatepass"))))
        )
    for body in payload_texts:
        out.append(with_jwt(BARE, replace_jws_part(ISSUED.jwt, 1, b64json(body))))
        out.append(with_kb(PRESENTED, replace_jws_part(KB, 1, b64json(body))))
    flat = json.loads(b64url_decode_in_python(FLAT_ISSUED.jwt.split(".")[1]))
    flat_text = json.dumps(flat)[:-1]
    for tail in (
        ',"x":{"_sd":[]}}',
        ',"x":{"\\u005fsd":[]}}',
        ',"x":{"...":1}}',
        ',"x":[{"...":"' + "A" * 43 + '"}]}',
        ',"x":[[{"_sd":[]}]]}',
        ',"x":{"y":{"z":{"_sd":[]}}}}',
        ',"x":["_sd","..."],"y":{"a":"_sd"},"...":{}}',
        ',"x":{"_s":1,"sd":2,"_sd_alg":3,"....":4,"..":5}}',
        "}",
    ):
        out.append(with_jwt(FLAT, replace_jws_part(FLAT_ISSUED.jwt, 1, b64json(flat_text + tail))))
    for text in disclosure_texts:
        encoded = b64json(text.encode("utf-8", "surrogatepass"))
        out.append(with_disclosures(BARE, [encoded]))
        out.append(with_disclosures(BARE, [*DISCLOSED, encoded]))
        out.append(with_disclosures(PRESENTED, [encoded, *DISCLOSED]))
    for jwt in (ISSUED.jwt, *(replace_jws_part(ISSUED.jwt, i, "") for i in range(3))):
        out.append(with_jwt(BARE, jwt))
    signature = ISSUED.jwt.split(".")[2]
    for bad in ("", "A", "AA", "AAA", signature + "A", signature[:-1] + "B", signature + "=", "+/", "A==="):
        out.append(with_jwt(BARE, replace_jws_part(ISSUED.jwt, 2, bad)))
        out.append(with_jwt(BARE, replace_jws_part(ISSUED.jwt, 1, bad)))
        out.append(with_kb(PRESENTED, replace_jws_part(KB, 2, bad)))
    return out


def separator_cases() -> list[str]:
    jwt, first = ISSUED.jwt, DISCLOSED[0]
    return [
        "",
        "~",
        "~~",
        "~~~",
        jwt,
        jwt + "~",
        jwt + "~~",
        jwt + "~~" + first + "~",
        jwt + "~" + first + "~~",
        jwt + "~" + first,
        jwt + "~" + first + "~" + KB,
        jwt + "~" + KB,
        jwt + "~" + KB + "~",
        jwt + "~" + KB + "." + "x",
        jwt + "~" + KB[:-1],
        "~" + first + "~",
        "." + jwt + "~",
        jwt + ".~",
        jwt.replace(".", "..", 1) + "~",
        jwt.replace(".", "", 1) + "~",
        jwt + "." + "~",
        jwt + "~" + ".".join(["", "", ""]),
        jwt + "~" + "..",
        jwt + "~" + "...",
        jwt + "~" + first + "." + "~",
        jwt + "~ ~",
        jwt + " ~",
        jwt + "~\n",
        jwt + "~\x00",
        jwt + "~é",
        "é" + jwt + "~",
        jwt + "~" + first + "é~",
        jwt + "~" + first + "=~",
        jwt + "~" + first + "~" + "=",
        PRESENTED + "~",
        PRESENTED + "~" + KB,
        PRESENTED + PRESENTED,
        PRESENTED.replace("~", "~~", 1),
        BARE + BARE,
        "~".join([jwt, *DISCLOSED, *DISCLOSED, ""]),
    ]


@pytest.mark.parametrize("text", structural_cases())
def test_reader_on_crafted_parts(text: str) -> None:
    check_reader(text)
    check_reader(text, Limits(max_depth=2))
    check_verification(text)


@pytest.mark.parametrize("text", separator_cases())
def test_reader_on_separators(text: str) -> None:
    check_reader(text)
    check_verification(text)


def test_reader_str_subclass_and_non_ascii() -> None:
    class Token(str):
        pass

    for text in SAMPLES:
        fast = call_reader(Token(text), LIMITS)
        assert typed(fast) == typed(call_reader(text, LIMITS))
        assert all(type(part) is str for part in (fast.jwt, fast.sd_hash_input, *fast.disclosures))
        assert type(read_parts(Token(text), LIMITS)) is UnverifiedParts
        for odd in (text + "é", text.replace("~", "\u02dc", 1), text + "\ud800", "\U0001f600" + text):
            check_reader(odd)
            check_reader(Token(odd))


@pytest.mark.parametrize("text", SAMPLES, ids=SAMPLE_IDS)
def test_reader_limits_at_their_boundaries(text: str) -> None:
    count = text.count("~") - 1
    for max_bytes in (len(text) - 1, len(text), len(text) + 1, 0):
        check_reader(text, Limits(max_bytes=max_bytes))
        check_verification(text, Limits(max_bytes=max_bytes))
    for max_disclosures in {0, max(count - 1, 0), count, count + 1}:
        check_reader(text, Limits(max_disclosures=max_disclosures))
        check_verification(text, Limits(max_disclosures=max_disclosures))
    for max_depth in (0, 1, 2, 3, 512, 600):
        check_reader(text, Limits(max_depth=max_depth))
        check_verification(text, Limits(max_depth=max_depth))


TOKEN_BITS = st.sampled_from(
    ["~", ".", "~~", "..", "A", "-", "_", "=", "+", "/", " ", "\x00", "é", "e", "W", "0"]
)


@FUZZ
@given(
    base=st.sampled_from(SAMPLES),
    edits=st.lists(
        st.tuples(st.sampled_from(["insert", "delete", "replace"]), st.integers(0, 10**6), TOKEN_BITS),
        min_size=1,
        max_size=3,
    ),
)
def test_reader_on_mutated_sd_jwts(base: str, edits: list[tuple[str, int, str]]) -> None:
    text = base
    for op, where, bit in edits:
        at = where % (len(text) + 1)
        if op == "insert":
            text = text[:at] + bit + text[at:]
        elif op == "delete":
            text = text[:at] + text[at + 1 + where % 4 :]
        else:
            text = text[:at] + bit + text[at + 1 :]
    check_reader(text)
    check_verification(text)


@FUZZ
@given(
    value=JSON_VALUES,
    where=st.sampled_from(["header", "payload", "kb-header", "kb-payload", "disclosure", "disclosure-array"]),
    salt=JSON_SCALARS,
    name=JSON_SCALARS,
)
def test_reader_on_generated_json_parts(value: Any, where: str, salt: Any, name: Any) -> None:
    if where == "disclosure-array":
        value = [salt, name, value]
    text = dumped(value, False, False)
    if text is None:
        return
    part = b64url_encode(text)
    if where == "header":
        token = with_jwt(BARE, replace_jws_part(ISSUED.jwt, 0, part))
    elif where == "payload":
        token = with_jwt(BARE, replace_jws_part(ISSUED.jwt, 1, part))
    elif where == "kb-header":
        token = with_kb(PRESENTED, replace_jws_part(KB, 0, part))
    elif where == "kb-payload":
        token = with_kb(PRESENTED, replace_jws_part(KB, 1, part))
    else:
        token = with_disclosures(PRESENTED, [*DISCLOSED, part])
    check_reader(token)
    check_verification(token)


def test_reader_leaks_nothing() -> None:
    texts = [
        PRESENTED,
        BARE,
        with_disclosures(BARE, [*DISCLOSED, b64json('["salt","_sd","v"]')]),
        with_disclosures(BARE, [*DISCLOSED, b64json('["salt","n",{"a":1,"a":2}]')]),
        with_kb(PRESENTED, replace_jws_part(KB, 0, b64json("[]"))),
        with_kb(PRESENTED, replace_jws_part(KB, 2, "A")),
        with_jwt(PRESENTED, replace_jws_part(ISSUED.jwt, 0, b64json("[]"))),
        with_jwt(PRESENTED, replace_jws_part(ISSUED.jwt, 1, b64json("[]"))),
        with_jwt(PRESENTED, replace_jws_part(ISSUED.jwt, 1, "A")),
        PRESENTED.replace("~", "~~", 2),
    ]

    def run() -> None:
        for text in texts:
            for limits in (LIMITS, Limits(max_disclosures=2)):
                with contextlib.suppress(ValueError):
                    call_reader(text, limits)

    assert traced_growth(run, rounds=100) < 64 * 1024


# ---- limits beyond the C route's range: it hands them to the Python route ------------------------------


def test_json_negative_max_depth_is_refused_as_in_python() -> None:
    assert outcome(lambda: _loads_in_python(b"1", -1))[1] is JsonTooDeepError
    with pytest.raises(ValueError):
        native.json_loads(b"1", -1)


def test_json_huge_max_depth_falls_back() -> None:
    assert _loads_in_python(b"[1]", 2**64) == [1]
    assert loads_strict(b"[1]", max_depth=2**64) == [1]


def test_reader_negative_max_disclosures_is_refused_as_in_python() -> None:
    limits = Limits(max_disclosures=-1)
    with pytest.raises(TooManyDisclosuresError):
        split(NONE_DISCLOSED, max_bytes=limits.max_bytes, max_disclosures=-1)
    with pytest.raises(TooManyDisclosuresError):
        read_parts(NONE_DISCLOSED, limits)


@pytest.mark.parametrize("field", ["max_bytes", "max_disclosures", "max_depth"])
def test_reader_huge_limits_fall_back(field: str) -> None:
    limits = Limits(**{field: 2**64})
    assert split(PRESENTED, max_bytes=limits.max_bytes, max_disclosures=limits.max_disclosures)
    assert read_parts(PRESENTED, limits).jwt == ISSUED.jwt
