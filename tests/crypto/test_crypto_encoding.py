"""base64url and strict JSON: round trips and refusals."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nansen.crypto.b64 import b64url_decode, b64url_decode_hashes, b64url_encode, b64url_encode_hashes
from nansen.crypto.errors import (
    DuplicateKeyError,
    EncodingError,
    JsonError,
    JsonTooDeepError,
    JsonTooLargeError,
)
from nansen.crypto.jsonstrict import json_depth, loads_strict


@given(st.binary(max_size=200))
def test_b64_round_trip(data: bytes) -> None:
    text = b64url_encode(data)
    assert "=" not in text
    assert b64url_decode(text) == data


@given(st.text(max_size=40))
def test_b64_decode_accepts_only_canonical_text(text: str) -> None:
    try:
        data = b64url_decode(text)
    except EncodingError:
        return
    assert b64url_encode(data) == text


@pytest.mark.parametrize(
    "bad",
    ["YQ==", "YQ=", "Y Q", "YQ\n", "a+b/", "abcde", "YR", "YWJ", "é"],
    ids=[
        "padding2",
        "padding1",
        "space",
        "newline",
        "std-alphabet",
        "len-mod-4-1",
        "bits2",
        "bits3",
        "non-ascii",
    ],
)
def test_b64_refuses(bad: str) -> None:
    with pytest.raises(EncodingError):
        b64url_decode(bad)


def test_b64_matches_stdlib() -> None:
    assert b64url_decode("_-8") == base64.urlsafe_b64decode("_-8=")


def test_json_refuses_duplicate_keys_at_any_depth() -> None:
    with pytest.raises(DuplicateKeyError, match="'a'"):
        loads_strict('{"x": [{"a": 1, "a": 2}]}')


@pytest.mark.parametrize("bad", ["NaN", "[Infinity]", '{"a": -Infinity}', "{", "", '{"a":1}x', b"\xff"])
def test_json_refuses_malformed(bad: str | bytes) -> None:
    with pytest.raises(JsonError):
        loads_strict(bad)


def test_json_limits() -> None:
    with pytest.raises(JsonTooLargeError):
        loads_strict("[" + "1," * 100 + "1]", max_bytes=50)
    with pytest.raises(JsonTooDeepError):
        loads_strict("[" * 10 + "]" * 10, max_depth=9)
    with pytest.raises(JsonTooDeepError):
        loads_strict("[" * 100_000 + "]" * 100_000, max_bytes=10**6)
    assert loads_strict("[" * 9 + "]" * 9, max_depth=9) is not None


def test_json_huge_integer_is_a_json_error() -> None:
    with pytest.raises(JsonError):
        loads_strict("1" * 5000)


def test_json_depth() -> None:
    assert json_depth(1) == 0
    assert json_depth({"a": [1, {"b": {}}]}) == 4


_B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _one_by_one(items: list[str]) -> tuple[bytes, ...] | None:
    try:
        decoded = tuple(b64url_decode(i) for i in items)
    except EncodingError:
        return None
    return decoded if all(len(d) == 32 for d in decoded) else None


@given(
    st.lists(
        st.one_of(
            st.binary(min_size=32, max_size=32).map(b64url_encode),
            st.text(alphabet=_B64URL, min_size=43, max_size=43),
            st.text(min_size=41, max_size=45),
        ),
        max_size=20,
    )
)
def test_hash_list_decoding_agrees_with_one_by_one(items: list[str]) -> None:
    """The one-pass decoder of Merkle paths accepts exactly what the strict decoder accepts."""
    try:
        together: tuple[bytes, ...] | None = b64url_decode_hashes(items)
    except EncodingError:
        together = None
    assert together == _one_by_one(items)


@given(st.lists(st.binary(min_size=32, max_size=32), max_size=40))
def test_hash_list_encoding_agrees_with_one_by_one(hashes: list[bytes]) -> None:
    """The one-call encoder of Merkle paths gives each hash's own text, and decodes back."""
    encoded = b64url_encode_hashes(hashes)
    assert encoded == [b64url_encode(h) for h in hashes]
    assert b64url_decode_hashes(encoded) == tuple(hashes)


def test_hash_list_encoding_refuses_other_lengths() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        b64url_encode_hashes([b"\x00" * 31])
