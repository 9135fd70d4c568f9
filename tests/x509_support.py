"""A deployment's X.509 trust anchor and a certificate for a signing key under it, for the x5c tests
(the issuer's credentials, the verifier's request objects)."""

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
    anchor_pem: str  # the trust anchor a verifier (or wallet) configures; not sent in x5c
    chain_file: Path  # the signer's certificate (what X5C_CHAIN_FILE / REQUEST_CERT_CHAIN_FILE names)


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def issue_certificates(
    directory: Path,
    signing_key: ec.EllipticCurvePrivateKey,
    *,
    common_name: str = "Field Office NGO credential issuer",
    dns_names: tuple[str, ...] = ("issuer.ngo.example",),
    file_name: str = "issuer-chain.pem",
) -> Certificates:
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
        .subject_name(_name(common_name))
        .issuer_name(anchor.subject)
        .public_key(signing_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
    )
    if dns_names:
        names = x509.SubjectAlternativeName([x509.DNSName(n) for n in dns_names])
        leaf = leaf.add_extension(names, critical=False)
    directory.mkdir(parents=True, exist_ok=True)
    chain_file = directory / file_name
    chain_file.write_bytes(leaf.sign(anchor_key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM))
    return Certificates(anchor.public_bytes(serialization.Encoding.PEM).decode(), chain_file)
