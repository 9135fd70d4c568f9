"""Merkle proofs: every index of random trees verifies; any tampering fails."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nansen.errors import MerkleError
from nansen.merkle import (
    MAX_DEPTH,
    InclusionProof,
    MerkleProofError,
    build_tree,
    leaf_hash,
    node_hash,
    root_from_json,
    verify_proof,
)

leaves_strategy = st.lists(st.binary(min_size=1, max_size=16), min_size=1, max_size=40, unique=True)


@given(leaves_strategy)
def test_every_proof_verifies_and_round_trips(data: list[bytes]) -> None:
    leaves = [leaf_hash(d) for d in data]
    tree = build_tree(leaves)
    for index, leaf in enumerate(leaves):
        proof = tree.proof(index)
        assert verify_proof(leaf_hash=leaf, proof=proof, root=tree.root)
        assert InclusionProof.from_json(proof.to_json()) == proof
        assert root_from_json(leaf_hash=leaf, unverified=proof.to_json()) == (tree.root, len(leaves))


@given(leaves_strategy, st.data())
def test_tampering_fails(data: list[bytes], draw: st.DataObject) -> None:
    leaves = [leaf_hash(d) for d in data]
    tree = build_tree(leaves)
    index = draw.draw(st.integers(0, len(leaves) - 1))
    proof = tree.proof(index)
    assert not verify_proof(leaf_hash=leaf_hash(b"other"), proof=proof, root=tree.root)
    if len(leaves) > 1:
        other = (index + 1) % len(leaves)
        moved = InclusionProof(other, proof.leaf_count, proof.siblings)
        assert not verify_proof(leaf_hash=leaves[index], proof=moved, root=tree.root)
        resized = InclusionProof(index, proof.leaf_count + 1, proof.siblings)
        assert not verify_proof(leaf_hash=leaves[index], proof=resized, root=tree.root)
    if proof.siblings:
        flipped = bytes([proof.siblings[0][0] ^ 1]) + proof.siblings[0][1:]
        bad = InclusionProof(index, proof.leaf_count, (flipped, *proof.siblings[1:]))
        assert not verify_proof(leaf_hash=leaves[index], proof=bad, root=tree.root)


def test_an_inner_node_cannot_pass_as_a_leaf() -> None:
    leaves = [leaf_hash(bytes([i])) for i in range(4)]
    tree = build_tree(leaves)
    inner = node_hash(leaves[0], leaves[1])
    forged = InclusionProof(0, 2, (node_hash(leaves[2], leaves[3]),))
    # the inner node hashes with the node domain, so it is never a valid leaf of the same root
    assert not verify_proof(leaf_hash=leaf_hash(inner), proof=forged, root=tree.root)


@pytest.mark.parametrize(
    "unverified",
    [
        None,
        {"index": 0, "count": 1},
        {"index": 1, "count": 1, "path": []},
        {"index": 0, "count": 2, "path": []},
        {"index": 0, "count": 2, "path": ["!!"]},
        {"index": 0, "count": 2, "path": ["AAAA"]},
        {"index": 0, "count": 1 << 40, "path": []},
        {"index": True, "count": 2, "path": ["A" * 43]},
        {"index": 0, "count": 2, "path": ["A" * 43] * (MAX_DEPTH + 1)},
        {"index": 0, "count": 2, "path": ["A" * 43], "extra": 1},
        {"index": 0, "count": 2, "path": ["A" * 42 + "B"]},  # non-zero trailing bits
        {"index": 0, "count": 2, "path": ["A" * 42 + "="]},
        {"index": 0, "count": 2, "path": [b"A" * 43]},
        {"index": 0, "count": 2, "path": ["A" * 43, "A" * 43]},
        {"index": 0, "count": 3, "path": ["A" * 43]},
        {"index": 2, "count": 3, "path": ["A" * 43] * 2},  # the promoted last leaf has no sibling there
    ],
)
def test_malformed_proofs_are_refused(unverified: object) -> None:
    with pytest.raises(MerkleProofError):
        InclusionProof.from_json(unverified)
    with pytest.raises(MerkleProofError):  # the hot path's one-call walk refuses the same
        root_from_json(leaf_hash=leaf_hash(b"x"), unverified=unverified)


def test_empty_tree_is_refused() -> None:
    with pytest.raises(MerkleError):
        build_tree([])
