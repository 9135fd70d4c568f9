"""A real issuer on a real anvil chain: accredited, with a registered key, anchoring batches."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from eth_account import Account
from world import CLAIMS, DISCLOSABLE, VCT

from nansen.chain import devchain
from nansen.chain.connection import Connection, connect
from nansen.chain.deployment import Deployment, deploy_registries
from nansen.chain.records import CredentialStatus
from nansen.chain.registry import Registry, RegistryWriter, batch_anchored_at
from nansen.chain.transactions import TransactionSender
from nansen.credential.issuance import complete_credential, prepare_credential
from nansen.crypto.b64 import b64url_decode
from nansen.crypto.keys import PrivateKey, generate_private_key
from nansen.merkle import build_tree
from nansen.sdjwt.issuance import IssuedSdJwt

ISSUER_ID = "https://field-office.ngo.example"


@dataclass
class ChainIssuer:
    conn: Connection
    deployment: Deployment
    registry: Registry
    writer: RegistryWriter
    signer: PrivateKey
    holder: PrivateKey
    next_index: int = 1000
    claims: dict[str, object] = field(default_factory=lambda: dict(CLAIMS))

    def issue(self, count: int = 1, *, anchor: bool = True) -> list[tuple[int, IssuedSdJwt]]:
        """``count`` credentials of one batch; ``anchor=False`` signs them as if their root had just
        been anchored (``anchored_at`` the latest block's time) without sending it to the chain."""
        now = int(time.time())
        indices = list(range(self.next_index, self.next_index + count))
        self.next_index += count
        prepared = [
            prepare_credential(
                issuer_id=ISSUER_ID,
                vct=VCT,
                claims=self.claims,
                disclosable=DISCLOSABLE,
                holder_key=self.holder.public_key(),
                issued_at=now - 5,
                expires_at=now + 86_400,
                status_index=i,
            )
            for i in indices
        ]
        tree = build_tree([p.leaf for p in prepared])
        if anchor:
            anchored_at = batch_anchored_at(self.writer.anchor_batch(tree.root, count), tree.root)
        else:
            anchored_at = int(self.conn.rpc("eth_getBlockByNumber", ["latest", False])["timestamp"], 16)
        kid = str(self.signer.public_key().kid())
        return [
            (
                index,
                complete_credential(
                    p,
                    chain_id=self.conn.chain_id,
                    registry=self.deployment.credential_registry,
                    root=tree.root,
                    proof=tree.proof(i),
                    anchored_at=anchored_at,
                    signer_key=self.signer,
                    kid=kid,
                ),
            )
            for i, (index, p) in enumerate(zip(indices, prepared, strict=True))
        ]

    def revoke(self, index: int) -> None:
        self.writer.set_statuses([index], [CredentialStatus.REVOKED])


def chain_issuer(chain: devchain.DevChain) -> ChainIssuer:
    conn = connect(chain.rpc_url, expected_chain_id=chain.chain_id)
    governance, account = Account.create(), Account.create()
    for a in (governance, account):
        devchain.fund(chain.rpc_url, a.address)
    gov_sender = TransactionSender(conn, governance)
    deployment = deploy_registries(conn, gov_sender)
    registry = Registry(conn, deployment)
    registry.writer(gov_sender).accredit_issuer(account.address, "Field Office NGO", ISSUER_ID)
    writer = registry.writer(TransactionSender(conn, account))
    signer = generate_private_key()
    writer.add_key(
        b64url_decode(str(signer.public_key().kid())), signer.public_key().raw(), int(time.time()) - 60
    )
    return ChainIssuer(conn, deployment, registry, writer, signer, generate_private_key())
