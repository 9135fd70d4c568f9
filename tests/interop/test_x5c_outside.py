"""HAIP: a verifier that trusts X.509 (here node:crypto's X509Certificate with @sd-jwt/sd-jwt-vc)
verifies our credential from its x5c header alone (RFC 7515 §4.1.6: the signing key's certificate
first, chained to the trust anchor the deployment configured), with no look at the issuer metadata's
keys; a different anchor is refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from interop_support import node, start_issuer
from x509_support import issue_certificates

from issuer.keys import load_signing_key
from nansen.chain import devchain

pytestmark = pytest.mark.chain


def test_an_x509_verifier_checks_the_credential_from_its_x5c(tmp_path: Path) -> None:
    chain = devchain.start(tmp_path / "chain")
    process = None
    try:
        process = start_issuer(tmp_path, chain)
        process.stop()
        settings = process.settings
        signing = load_signing_key(
            settings.signing_key_file, settings.signing_key_passphrase.get_secret_value()
        )
        certificates = issue_certificates(tmp_path / "pki", signing.key.key)
        process.env["NANSEN_ISSUER_X5C_CHAIN_FILE"] = str(certificates.chain_file)
        process.start()
        credential = process.receive()["credential"]
        base = {"credential": credential, "issuer_base": process.base}
        checked = node("verify_credential.mjs", {**base, "x5c_anchor": certificates.anchor_pem})
        assert checked["ok"] and checked["status"] == 0, checked
        stranger = issue_certificates(tmp_path / "stranger", ec.generate_private_key(ec.SECP256R1()))
        refused = node("verify_credential.mjs", {**base, "x5c_anchor": stranger.anchor_pem})
        assert not refused["ok"] and "not issued by" in refused["error"], refused
    finally:
        if process is not None:
            process.stop()
        devchain.stop(tmp_path / "chain")
