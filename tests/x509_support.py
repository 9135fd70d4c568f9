"""A deployment's X.509 trust anchor and an issuer certificate for its signing key, for the x5c tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


@dataclass(frozen=True)
class Certificates:
    anchor_pem: str  # the trust anchor a verifier configures; not sent in x5c
    chain_file: Path  # the issuer certificate (what X5C_CHAIN_FILE names)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def issue_certificates(directory: Path, signing_key: ec.EllipticCurvePrivateKey) -> Certificates:
    anchor_key = ec.generate_private_key(ec.SECP256R1())
    now = datetime.now(UTC) - timedelta(minutes=5)
    anchor = (
        x509.CertificateBuilder()
        .subject_name(_name("Nansen test trust anchor"))
        .issuer_name(_name("Nansen test trust anchor"))
        .public_key(anchor_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(anchor_key, hashes.SHA256())
    )
    leaf = (
        x509.CertificateBuilder()
        .subject_name(_name("Field Office NGO credential issuer"))
        .issuer_name(anchor.subject)
        .public_key(signing_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("issuer.ngo.example")]), critical=False)
        .sign(anchor_key, hashes.SHA256())
    )
    directory.mkdir(parents=True, exist_ok=True)
    chain_file = directory / "issuer-chain.pem"
    chain_file.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    return Certificates(anchor.public_bytes(serialization.Encoding.PEM).decode(), chain_file)
