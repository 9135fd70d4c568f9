"""Real presentations for the offline transport tests: a 10-claim person in Arabic script, anchored
in a batch of any size (a real Merkle tree: ours plus filler leaves), so proofs have the depth of
that batch, and registered in a test world's trust source so the real verifier can say VALID."""

from __future__ import annotations

import time

from world import ISSUER_ADDRESS, ISSUER_ID, NOW, REGISTRY, VCT, World

from nansen.chain.records import BatchRecord
from nansen.credential.issuance import complete_credential, prepare_credential
from nansen.merkle import build_tree, leaf_hash
from nansen.sdjwt.presentation import create_presentation

PERSON = {
    "given_name": "أمينة",
    "family_name": "حداد",
    "birth_date": "1990-04-01",
    "sex": "female",
    "nationality": "SY",
    "place_of_birth": "حلب",
    "registration_number": "REG-2026-0042",
    "registration_date": "2026-11-20",
    "languages": ["ar", "en"],
    "age_over_18": True,
}
NAMES = tuple(PERSON)


def issued_in_batch(world: World, batch: int, *, status_index: int = 4242) -> str:
    """A credential of PERSON anchored in a batch of ``batch`` (its leaf in the middle)."""
    prepared = prepare_credential(
        issuer_id=ISSUER_ID,
        vct=VCT,
        claims=PERSON,
        disclosable=[(n,) for n in NAMES],
        holder_key=world.holder_key.public_key(),
        issued_at=NOW - 100,
        expires_at=NOW + 86_400,
        status_index=status_index,
    )
    position = batch // 2
    leaves = [leaf_hash(i.to_bytes(8, "big")) for i in range(batch)]
    leaves[position] = prepared.leaf
    tree = build_tree(leaves)
    world.trust.batches[tree.root] = BatchRecord(tree.root, ISSUER_ADDRESS, NOW - 90, batch)
    return complete_credential(
        prepared,
        chain_id=world.trust.chain_id,
        registry=REGISTRY,
        root=tree.root,
        proof=tree.proof(position),
        anchored_at=NOW - 90,
        signer_key=world.issuer_key,
        kid=world.kid,
    ).compact


def present(world: World, issued: str, disclosed: int, *, audience: str, nonce: str) -> str:
    return create_presentation(
        issued=issued,
        disclose=[(n,) for n in NAMES[:disclosed]],
        holder_key=world.holder_key,
        aud=audience,
        nonce=nonce,
        iat=int(time.time()),
    )
