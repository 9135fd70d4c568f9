"""The request signing key and certificate chain are checked at start-up: a key or chain that every
wallet would refuse stops the service with a message that says what to fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi.testclient import TestClient
from pydantic import SecretStr
from signed_wallet import signed_settings
from world import make_world
from x509_support import issue_certificates

from nansen.errors import ConfigurationError
from verifier.app import create_app
from verifier.request_signing import load_request_signer


def test_x509_san_dns_needs_the_public_host_among_the_certificates_names(tmp_path: Path) -> None:
    settings, _ = signed_settings(
        tmp_path, public_url="https://border.example", client_id_prefix="x509_san_dns"
    )
    with pytest.raises(ConfigurationError, match=r"no dNSName 'border\.example'.*x509_hash"):
        load_request_signer(settings)
    app = create_app(settings, trust=make_world().trust)
    with pytest.raises(ConfigurationError, match="no dNSName"), TestClient(app):
        pass  # start-up itself refuses
    # x509_hash does not depend on the names: the same certificate serves
    hashed = load_request_signer(settings.model_copy(update={"client_id_prefix": "x509_hash"}))
    assert hashed is not None and hashed.client_id.startswith("x509_hash:")
    assert hashed.name == "Border Agency verifier"  # what the console may show


def test_the_certificate_must_be_for_the_signing_key(tmp_path: Path) -> None:
    settings, _ = signed_settings(tmp_path)
    other = issue_certificates(tmp_path / "other", ec.generate_private_key(ec.SECP256R1()), file_name="o.pem")
    with pytest.raises(ConfigurationError, match="not for the signing key"):
        load_request_signer(settings.model_copy(update={"request_cert_chain_file": other.chain_file}))


def test_an_encrypted_key_needs_its_passphrase(tmp_path: Path) -> None:
    settings, _ = signed_settings(tmp_path)
    assert settings.request_signing_key_file is not None
    key = serialization.load_pem_private_key(settings.request_signing_key_file.read_bytes(), None)
    encrypted_file = tmp_path / "encrypted-key.pem"
    encrypted_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"correct horse"),
        )
    )
    encrypted = settings.model_copy(update={"request_signing_key_file": encrypted_file})
    with pytest.raises(ConfigurationError, match="REQUEST_SIGNING_KEY_PASSPHRASE"):
        load_request_signer(encrypted)
    wrong = encrypted.model_copy(update={"request_signing_key_passphrase": SecretStr("battery staple")})
    with pytest.raises(ConfigurationError, match="did not load"):
        load_request_signer(wrong)
    right = encrypted.model_copy(update={"request_signing_key_passphrase": SecretStr("correct horse")})
    assert load_request_signer(right) is not None


def test_other_keys_and_missing_files_are_named(tmp_path: Path) -> None:
    settings, _ = signed_settings(tmp_path)
    p384 = tmp_path / "p384.pem"
    p384.write_bytes(
        ec.generate_private_key(ec.SECP384R1()).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    with pytest.raises(ConfigurationError, match="not a P-256 key"):
        load_request_signer(settings.model_copy(update={"request_signing_key_file": p384}))
    with pytest.raises(ConfigurationError, match="could not be read"):
        load_request_signer(settings.model_copy(update={"request_cert_chain_file": tmp_path / "absent.pem"}))
    garbage = tmp_path / "garbage.pem"
    garbage.write_text("not a certificate")
    with pytest.raises(ConfigurationError, match="did not load"):
        load_request_signer(settings.model_copy(update={"request_cert_chain_file": garbage}))
