"""Checking a received credential against the chain registry (no contact with the issuer)."""

from __future__ import annotations

import os
from pathlib import Path

from nansen.credential.result import VerificationResult


def verify_on_chain(compact: str) -> VerificationResult | None:
    """The full verification, or None when the chain cannot be reached right now."""
    from nansen.chain.connection import connect
    from nansen.chain.deployment import check_deployment, load_deployment
    from nansen.chain.mirror import ChainMirror
    from nansen.credential.verification import CredentialVerifier
    from nansen.errors import NansenError

    try:
        conn = connect(
            os.environ.get("NANSEN_WALLET_RPC_URL", "http://127.0.0.1:8545"),
            expected_chain_id=int(os.environ.get("NANSEN_WALLET_CHAIN_ID", "31337")),
            timeout=10,
        )
        deployment = load_deployment(
            Path(os.environ.get("NANSEN_WALLET_DEPLOYMENTS_DIR", "deployments")), conn.chain_id
        )
        check_deployment(conn, deployment)
        mirror = ChainMirror(conn, deployment)
        mirror.sync()
    except NansenError:
        return None
    return CredentialVerifier(mirror).verify_issued(compact)
