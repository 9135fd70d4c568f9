"""Verification throughput with the region mirrored vs with the demo's few events: the same
presentation, the same process, taken in turns, so the registry's size is the only difference
(issue 22: within 10 %). Both chains carry the registries at the same addresses (the governance
account deploys them as its first transaction on each) and the same bench NGO, key and batch,
anchored at the same block time, so one presentation verifies against either mirror."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from bench.region.generate import deploy_on, deployment_of
from bench.region.node import Node, anvil
from bench.region.params import DAY, RegionParams
from bench.region.plan import GOVERNANCE, Action
from bench.region.writer import RegionWriter, issuer_id
from bench.timing import interleaved_rates
from nansen.chain.connection import connect
from nansen.chain.deployment import Deployment
from nansen.chain.mirror import ChainMirror
from nansen.chain.mirror_snapshot import read_snapshot
from nansen.credential.issuance import complete_credential, prepare_credential
from nansen.credential.result import Verdict
from nansen.credential.verification import CredentialVerifier
from nansen.crypto.b64 import b64url_decode
from nansen.crypto.keys import generate_private_key
from nansen.merkle import build_tree, leaf_hash
from nansen.sdjwt.presentation import create_presentation

AUD, NONCE = "https://verifier.example", "bench-nonce-0123456789"
VCT = "https://nansen.example/credentials/refugee-identity"
CLAIMS = {f"claim_{i}": f"value number {i}" for i in range(10)}


def compare_verification(
    node: Node, params: RegionParams, manifest: dict[str, Any], snapshot: Path, *, day: int, seconds: float
) -> dict[str, float]:
    """Presentations verified per second against the region's mirror ("region") and a demo-sized
    one ("demo"), the region's restored from ``snapshot`` and caught up; the NGO is registered
    from ``day`` on (a day after the region's last activity)."""
    deployment, ngo = deployment_of(manifest), params.issuers  # one NGO more than the region's
    signer, holder = generate_private_key(), generate_private_key()
    kid = str(signer.public_key().kid())
    anchored_at = params.start_time + (day + 1) * DAY + 3_600  # the writer's first block that day
    prepared = prepare_credential(
        issuer_id=issuer_id(ngo),
        vct=VCT,
        claims=CLAIMS,
        disclosable=[(name,) for name in CLAIMS],
        holder_key=holder.public_key(),
        issued_at=anchored_at,
        expires_at=int(time.time()) + DAY,
        status_index=7,
    )
    leaves = [prepared.leaf] + [leaf_hash(os.urandom(32)) for _ in range(params.credentials_per_batch - 1)]
    tree = build_tree(leaves)
    days = {
        day: [Action(GOVERNANCE, "accredit", (ngo,))],
        day + 1: [
            Action(ngo, "add_key", (b64url_decode(kid), signer.public_key().raw(), params.start_time)),
            Action(ngo, "anchor", (tree.root, len(leaves))),
        ],
    }

    def register(on: Node, on_deployment: Deployment) -> None:
        writer = RegionWriter(on, params, on_deployment)
        writer.fund([ngo])
        for number, actions in days.items():
            writer.run_day(number, actions)

    register(node, deployment)
    region = ChainMirror(connect(node.rpc_url, expected_chain_id=deployment.chain_id), deployment)
    region.restore(read_snapshot(snapshot, deployment))
    region.sync()
    with anvil(snapshot.parent / "demo", start_time=params.start_time) as demo_node:
        demo_deployment = deploy_on(demo_node, params)
        if (demo_deployment.issuer_registry, demo_deployment.credential_registry) != (
            deployment.issuer_registry,
            deployment.credential_registry,
        ):
            raise RuntimeError("the demo chain's registries are not at the region's addresses")
        demo_node.call("evm_setAutomine", [False])
        register(demo_node, demo_deployment)
        demo = ChainMirror(connect(demo_node.rpc_url, expected_chain_id=deployment.chain_id), demo_deployment)
        demo.sync()
    issued = complete_credential(
        prepared,
        chain_id=deployment.chain_id,
        registry=deployment.credential_registry,
        root=tree.root,
        proof=tree.proof(0),
        anchored_at=anchored_at,
        signer_key=signer,
        kid=kid,
    )
    presentation = create_presentation(
        issued=issued.compact,
        disclose=[(f"claim_{i}",) for i in range(5)],
        holder_key=holder,
        aud=AUD,
        nonce=NONCE,
        iat=int(time.time()),
    )
    verifiers = {"region": CredentialVerifier(region), "demo": CredentialVerifier(demo)}
    for name, verifier in verifiers.items():
        result = verifier.verify_presentation(presentation, audience=AUD, nonce=NONCE)
        if result.verdict is not Verdict.VALID:
            raise RuntimeError(
                f"the bench presentation is not valid against the {name} mirror: {result.checks}"
            )
    return interleaved_rates(
        {
            name: lambda verifier=verifier: verifier.verify_presentation(
                presentation, audience=AUD, nonce=NONCE
            )
            for name, verifier in verifiers.items()
        },
        seconds,
    )
