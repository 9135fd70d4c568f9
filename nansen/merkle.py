"""Binary Merkle tree over SHA-256 with separate leaf, node and root domains.

leaf = sha256(0x00 || data), node = sha256(0x01 || left || right): a leaf can never pass for an
inner node (no second-preimage forgery). The root commits to the leaf count too:
root = sha256(0x02 || uint64(count) || top), so a proof cannot claim another batch size.
The tree is positional; an odd node at the end of a level is promoted unchanged, so a proof for
it has no sibling at that level. The sibling count is fixed by (index, leaf_count).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from hashlib import sha256
from typing import Any

from nansen.crypto.b64 import b64url_decode_hashes, b64url_encode_hashes
from nansen.crypto.native import native
from nansen.errors import MerkleError, NansenError

MAX_DEPTH = 32
MAX_LEAVES = 1 << MAX_DEPTH
_LEAF, _NODE, _ROOT = b"\x00", b"\x01", b"\x02"

_native_root: Callable[[bytes, int, int, tuple[bytes, ...] | list[Any]], bytes] | None
_native_root = native.merkle_root if native else None


class MerkleProofError(MerkleError):
    reason = "proof_malformed"


def leaf_hash(data: bytes) -> bytes:
    return sha256(_LEAF + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return sha256(_NODE + left + right).digest()


def _seal(top: bytes, leaf_count: int) -> bytes:
    return sha256(_ROOT + leaf_count.to_bytes(8, "big") + top).digest()


def _path_length(index: int, leaf_count: int) -> int:
    """How many siblings the proof of ``index`` has in a tree of ``leaf_count`` leaves."""
    length = 0
    while leaf_count > 1:
        if not (index == leaf_count - 1 and leaf_count % 2 == 1):  # promoted without a sibling
            length += 1
        index //= 2
        leaf_count = (leaf_count + 1) // 2
    return length


@dataclass(frozen=True, slots=True)
class InclusionProof:
    index: int
    leaf_count: int
    siblings: tuple[bytes, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "count": self.leaf_count,
            "path": b64url_encode_hashes(self.siblings),
        }

    @classmethod
    def from_json(cls, unverified: Any) -> InclusionProof:
        return cls._from_fields(*_proof_fields(unverified))

    @classmethod
    def _from_fields(cls, index: int, count: int, path: list[Any]) -> InclusionProof:
        try:
            siblings = b64url_decode_hashes(path)
        except NansenError as exc:
            raise MerkleProofError("proof path holds a value that is not a base64url SHA-256 hash") from exc
        if len(siblings) != _path_length(index, count):
            raise MerkleProofError("proof path does not fit its index and count")
        return cls(index, count, siblings)


def _proof_fields(unverified: Any) -> tuple[int, int, list[Any]]:
    """index, count and path of a proof in its JSON form, checked for type and range."""
    if not isinstance(unverified, Mapping) or set(unverified) != {"index", "count", "path"}:
        raise MerkleProofError("a proof is an object with exactly index, count and path")
    index, count, path = unverified["index"], unverified["count"], unverified["path"]
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (index, count)):
        raise MerkleProofError("proof index and count must be integers")
    if not 0 < count <= MAX_LEAVES or not 0 <= index < count:
        raise MerkleProofError("proof index or count out of range")
    if not isinstance(path, list) or len(path) > MAX_DEPTH:
        raise MerkleProofError(f"proof path must be a list of at most {MAX_DEPTH} hashes")
    return index, count, path


def root_from_json(*, leaf_hash: bytes, unverified: Any) -> tuple[bytes, int]:
    """The root a proof in its JSON form leads to from ``leaf_hash``, and the proof's leaf count
    (the verify hot path: one C call decodes and walks the path when the C module is built)."""
    index, count, path = _proof_fields(unverified)
    if _native_root is None or len(leaf_hash) != 32:
        return compute_root(leaf_hash=leaf_hash, proof=InclusionProof._from_fields(index, count, path)), count
    try:
        return _native_root(leaf_hash, index, count, path), count
    except ValueError as exc:
        raise MerkleProofError(
            "proof path holds a value that is not a base64url SHA-256 hash, or does not fit its index"
            " and count"
        ) from exc


class MerkleTree:
    """All levels of a tree, so every proof is a cheap walk."""

    def __init__(self, leaf_hashes: Sequence[bytes]) -> None:
        if not leaf_hashes:
            raise MerkleError("a Merkle tree needs at least one leaf")
        if len(leaf_hashes) > MAX_LEAVES:
            raise MerkleError(f"a Merkle tree holds at most {MAX_LEAVES} leaves")
        levels = [list(leaf_hashes)]
        while len(levels[-1]) > 1:
            level = levels[-1]
            pairs = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
            if len(level) % 2:
                pairs.append(level[-1])
            levels.append(pairs)
        self._levels = levels
        self._root = _seal(levels[-1][0], len(leaf_hashes))

    @property
    def root(self) -> bytes:
        return self._root

    @property
    def leaf_count(self) -> int:
        return len(self._levels[0])

    def proof(self, index: int) -> InclusionProof:
        if not 0 <= index < self.leaf_count:
            raise MerkleError(f"leaf {index} is not in a tree of {self.leaf_count}")
        siblings = []
        position = index
        for level in self._levels[:-1]:
            sibling = position ^ 1
            if sibling < len(level):
                siblings.append(level[sibling])
            position //= 2
        return InclusionProof(index, self.leaf_count, tuple(siblings))

    def all_proofs(self) -> list[InclusionProof]:
        return [self.proof(i) for i in range(self.leaf_count)]


def build_tree(leaf_hashes: Sequence[bytes]) -> MerkleTree:
    return MerkleTree(leaf_hashes)


def compute_root(*, leaf_hash: bytes, proof: InclusionProof) -> bytes:
    """The root a proof leads to from ``leaf_hash``; every sibling must be used, none missing."""
    if _native_root is None or len(leaf_hash) != 32:
        return compute_root_in_python(leaf_hash=leaf_hash, proof=proof)
    try:
        return _native_root(leaf_hash, proof.index, proof.leaf_count, proof.siblings)
    except (ValueError, OverflowError, TypeError) as exc:
        raise MerkleProofError("proof path does not fit its index and count") from exc


def compute_root_in_python(*, leaf_hash: bytes, proof: InclusionProof) -> bytes:
    """``compute_root`` without the C module (its fallback, and its reference in tests)."""
    node, position, count, siblings, used = leaf_hash, proof.index, proof.leaf_count, proof.siblings, 0
    try:
        while count > 1:
            if position % 2:
                node = sha256(_NODE + siblings[used] + node).digest()
                used += 1
            elif position + 1 < count:
                node = sha256(_NODE + node + siblings[used]).digest()
                used += 1
            position //= 2
            count = (count + 1) // 2
    except IndexError:
        used = -1
    if used != len(siblings):
        raise MerkleProofError("proof path does not fit its index and count")
    return _seal(node, proof.leaf_count)


def verify_proof(*, leaf_hash: bytes, proof: InclusionProof, root: bytes) -> bool:
    try:
        return compute_root(leaf_hash=leaf_hash, proof=proof) == root
    except MerkleProofError:
        return False
