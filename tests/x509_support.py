"""A deployment's X.509 trust anchor and a certificate for a signing key under it, for the x5c tests
(the issuer's credentials, the verifier's request objects)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

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


@dataclass(frozen=True)
class VerifierCertificates:
    """A verifier's request-signing certificate under a CA the wallet may trust (OpenID4VP §5.9.3)."""

    anchor_pem: str  # what a holder puts in their trust anchors folder
    leaf_key: ec.EllipticCurvePrivateKey
    x5c: list[str]  # standard base64 DER, the leaf first, then the intermediate; never the anchor
    leaf_hash: str  # the x509_hash client identifier value: base64url SHA-256 of the DER leaf


_CA_USAGE = x509.KeyUsage(
    digital_signature=False,
    content_commitment=False,
    key_encipherment=False,
    data_encipherment=False,
    key_agreement=False,
    key_cert_sign=True,
    crl_sign=True,
    encipher_only=False,
    decipher_only=False,
)


def verifier_certificates(
    dns_name: str = "localhost",
    *,
    organisation: str = "Border Agency",
    expired: bool = False,
    leaf_usage: x509.KeyUsage | None = None,
    ca_usage: x509.KeyUsage | None = _CA_USAGE,
) -> VerifierCertificates:
    """A root CA, an intermediate CA and a leaf with ``dns_name`` as dNSName; ``expired``: the leaf's
    validity ended an hour ago; ``leaf_usage``: a keyUsage extension for the leaf; ``ca_usage``: the
    CAs' keyUsage (None: no such extension)."""
    import base64
    import hashlib

    now = datetime.now(UTC) - timedelta(minutes=5)
    root_key, middle_key, leaf_key = (ec.generate_private_key(ec.SECP256R1()) for _ in range(3))

    def ca(subject: str, key: ec.EllipticCurvePrivateKey, issuer: x509.Name, signer: Any, depth: int) -> Any:
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(subject))
            .issuer_name(issuer)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now)
            .not_valid_after(now + timedelta(days=30))
            .add_extension(x509.BasicConstraints(ca=True, path_length=depth), critical=True)
        )
        return (builder if ca_usage is None else builder.add_extension(ca_usage, critical=True)).sign(
            signer, hashes.SHA256()
        )

    root = ca("Test verifier root CA", root_key, _name("Test verifier root CA"), root_key, 1)
    middle = ca("Test verifier issuing CA", middle_key, root.subject, root_key, 0)
    ends = (now - timedelta(days=2), now - timedelta(hours=1)) if expired else (now, now + timedelta(days=30))
    leaf: Any = (
        x509.CertificateBuilder()
        .subject_name(
            x509.Name(
                [
                    x509.NameAttribute(NameOID.COMMON_NAME, dns_name),
                    x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
                ]
            )
        )
        .issuer_name(middle.subject)
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(ends[0])
        .not_valid_after(ends[1])
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(dns_name)]), critical=False)
    )
    if leaf_usage is not None:
        leaf = leaf.add_extension(leaf_usage, critical=True)
    leaf = leaf.sign(middle_key, hashes.SHA256())
    der = [c.public_bytes(serialization.Encoding.DER) for c in (leaf, middle)]
    return VerifierCertificates(
        root.public_bytes(serialization.Encoding.PEM).decode(),
        leaf_key,
        [base64.b64encode(d).decode() for d in der],
        base64.urlsafe_b64encode(hashlib.sha256(der[0]).digest()).decode().rstrip("="),
    )
