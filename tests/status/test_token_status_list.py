"""Token Status List: every IETF vector decodes and re-encodes byte for byte; chain words agree."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nansen.crypto.b64 import b64url_encode
from nansen.crypto.jws import verify_compact
from nansen.crypto.keys import public_key_from_jwk
from nansen.status.allocator import IndexAllocator, InMemoryIndexStore
from nansen.status.errors import (
    MalformedStatusListError,
    StatusIndexError,
    StatusListFullError,
    StatusListTooLargeError,
)
from nansen.status.token_status_list import StatusList, parse_status_list_payload
from nansen.status.words import bytes_to_words, status_from_words, status_list_from_words, words_to_bytes

VECTORS = Path(__file__).resolve().parents[1] / "vectors" / "token-status-list"
ENCODING = json.loads((VECTORS / "tsl_vectors.json").read_text())["vectors"]
TOKENS = json.loads((VECTORS / "tsl_tokens.json").read_text())


@pytest.mark.parametrize("vector", ENCODING, ids=[v["name"] for v in ENCODING])
def test_vector_decodes_and_reencodes_byte_for_byte(vector: dict) -> None:  # type: ignore[type-arg]
    status_list = StatusList.decode(vector["lst"], bits=vector["bits"])
    assert status_list.size == vector["size"]
    listed = {int(i): s for i, s in vector["statuses"].items()}
    for index, status in listed.items():
        assert status_list.get(index) == status
    assert status_list.encode() == vector["lst"]


def test_status_list_token_example_verifies_and_parses() -> None:
    example = TOKENS["status_list_token_jwt"]
    verified = verify_compact(example["compact"], public_key_from_jwk(example["public_jwk"]))
    assert verified.header["typ"] == "statuslist+jwt"
    payload = json.loads(verified.payload)
    assert payload == example["expected_payload"]
    status_list = parse_status_list_payload(payload)
    assert [status_list.get(i) for i in range(4)] == [1, 0, 0, 1]


def test_decompression_bomb_is_refused() -> None:
    bomb = b64url_encode(zlib.compress(bytes(10_000_000), 9))
    with pytest.raises(StatusListTooLargeError):
        StatusList.decode(bomb, bits=1, max_bytes=1_000_000)


@pytest.mark.parametrize(
    "lst", ["not base64!", b64url_encode(b"not zlib"), b64url_encode(zlib.compress(b"ab")[:-3])]
)
def test_malformed_lst_is_refused(lst: str) -> None:
    with pytest.raises(MalformedStatusListError):
        StatusList.decode(lst, bits=2)


def test_bad_bits_and_index_are_refused() -> None:
    with pytest.raises(MalformedStatusListError):
        StatusList(8, bits=3)
    with pytest.raises(StatusIndexError):
        StatusList(8, bits=2).get(8)
    with pytest.raises(MalformedStatusListError):
        StatusList(8, bits=2).set(0, 4)


@given(st.dictionaries(st.integers(0, 1023), st.integers(0, 3), max_size=64))
def test_chain_words_are_the_ietf_layout(entries: dict[int, int]) -> None:
    status_list = StatusList(1024, bits=2)
    for index, value in entries.items():
        status_list.set(index, value)
    words = bytes_to_words(status_list.data)
    assert words_to_bytes(words) == status_list.data
    for index in range(0, 1024, 7):
        assert status_from_words(words, index) == status_list.get(index)
    sparse = {i: w for i, w in enumerate(words) if w}
    assert status_list_from_words(sparse, 1024).data == status_list.data


@given(st.binary(min_size=1, max_size=512), st.sampled_from([1, 2, 4, 8]))
def test_encode_decode_round_trip(data: bytes, bits: int) -> None:
    status_list = StatusList(len(data) * 8 // bits, bits, data)
    assert StatusList.decode(status_list.encode(), bits=bits).data == data


class Scripted:
    """Deterministic 'randomness' that keeps proposing taken indices."""

    def __init__(self) -> None:
        self.calls = 0

    def randbelow(self, bound: int) -> int:
        self.calls += 1
        return 0


def test_allocator_never_reuses_and_fills_up() -> None:
    store = InMemoryIndexStore()
    allocator = IndexAllocator(store, size=131_072, random=Scripted())
    first = allocator.allocate()
    second = allocator.allocate()  # the random draws collide; the bounded scan finds another
    assert first != second
    for index in range(131_072):
        store.mark_used(index)
    with pytest.raises(StatusListFullError):
        allocator.allocate()


def test_allocator_refuses_small_lists() -> None:
    from nansen.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="herd privacy"):
        IndexAllocator(InMemoryIndexStore(), size=1_000)


def test_random_indices_spread_over_the_list() -> None:
    allocator = IndexAllocator(InMemoryIndexStore())
    picks = {allocator.allocate() for _ in range(500)}
    assert len(picks) == 500
    assert max(picks) > 100_000 and min(picks) < 30_000
