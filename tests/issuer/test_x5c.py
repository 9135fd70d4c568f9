"""HAIP: credentials carry an x5c header with the certificate chain the deployment configures
(RFC 7515 §4.1.6: the signing key's certificate first); Nansen's own verifier ignores it (the
registry stays the source of truth) and a chain that is not for the signing key stops start-up."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi.testclient import TestClient
from issuer_desk import CLAIMS, PASSPHRASE, chain_setup, wallet_receive
from x509_support import issue_certificates

from issuer.app import create_app
from issuer.bootstrap import bootstrap_admin
from issuer.keys import load_signing_key
from nansen.chain import devchain
from nansen.chain.mirror import ChainMirror
from nansen.credential.result import Verdict
from nansen.credential.verification import CredentialVerifier
from nansen.crypto.jws import parse_compact
from nansen.errors import ConfigurationError

pytestmark = pytest.mark.chain


def test_x5c_is_sent_and_nansens_verifier_still_decides_from_the_registry(tmp_path: Path) -> None:
    chain = devchain.start(tmp_path / "chain")
    try:
        setup, settings = chain_setup(tmp_path, chain)
        signing = load_signing_key(settings.signing_key_file, PASSPHRASE)
        certificates = issue_certificates(tmp_path / "pki", signing.key.key)
        settings = settings.model_copy(update={"x5c_chain_file": certificates.chain_file})
        staff = {"Authorization": f"Bearer {bootstrap_admin(settings, 'Admin')}"}
        with TestClient(create_app(settings), raise_server_exceptions=False) as client:
            made = client.post("/offers", json={"claims": CLAIMS}, headers=staff).json()
            result, _ = wallet_receive(client, made["offer_uri"], made["tx_code"])
        compact = result["body"]["credentials"][0]["credential"]
        header = parse_compact(compact.split("~")[0]).header
        leaf = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
        assert isinstance(leaf.public_key(), ec.EllipticCurvePublicKey)
        assert leaf.public_key() == signing.key.key.public_key() and header["kid"] == signing.kid
        mirror = ChainMirror(setup.conn, setup.deployment)
        mirror.sync()
        assert CredentialVerifier(mirror).verify_issued(compact).verdict is Verdict.VALID

        other = issue_certificates(tmp_path / "other", ec.generate_private_key(ec.SECP256R1()))
        wrong = settings.model_copy(update={"x5c_chain_file": other.chain_file})
        with (
            pytest.raises(ConfigurationError, match="not for the signing key"),
            TestClient(create_app(wrong)),
        ):
            pass
    finally:
        devchain.stop(tmp_path / "chain")
