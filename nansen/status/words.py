"""On-chain status words <-> Token Status List bytes.

The CredentialRegistry keeps 128 two-bit entries per uint256 word, entry i in word i >> 7 at bit
2 * (i & 127) from the least significant bit. Each word as 32 little-endian bytes, concatenated,
is exactly the IETF byte layout for bits = 2 (LSB-first within each byte).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from nansen.status.errors import MalformedStatusListError
from nansen.status.token_status_list import StatusList

ENTRIES_PER_WORD = 128
WORD_BYTES = 32


def words_to_bytes(words: Sequence[int]) -> bytes:
    try:
        return b"".join(word.to_bytes(WORD_BYTES, "little") for word in words)
    except OverflowError as exc:
        raise MalformedStatusListError("a status word does not fit in 256 bits") from exc


def bytes_to_words(data: bytes) -> list[int]:
    if len(data) % WORD_BYTES:
        raise MalformedStatusListError("status bytes are not a whole number of 32-byte words")
    return [int.from_bytes(data[i : i + WORD_BYTES], "little") for i in range(0, len(data), WORD_BYTES)]


def status_from_words(words: Sequence[int], index: int) -> int:
    return (words[index // ENTRIES_PER_WORD] >> (2 * (index % ENTRIES_PER_WORD))) & 0b11


def status_list_from_words(sparse_words: Mapping[int, int], size: int) -> StatusList:
    """A bits=2 list of ``size`` entries from the words that are non-zero (a mirror's view)."""
    count = (size + ENTRIES_PER_WORD - 1) // ENTRIES_PER_WORD
    dense = [sparse_words.get(i, 0) for i in range(count)]
    return StatusList(size, 2, words_to_bytes(dense)[: (size * 2 + 7) // 8])
