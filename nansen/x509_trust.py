"""X.509 certificate chains (an ``x5c`` JOSE header) checked against trust anchors a person configured.

Used by the wallet for verifiers' signed requests (OpenID4VP 1.0 section 5.9.3, client identifier
prefixes ``x509_san_dns`` and ``x509_hash``; HAIP). The anchors are a folder of PEM files the holder
or the deployment chose; nothing is trusted because it came with the request.

Path validation is ``cryptography.x509.verification`` (RFC 5280 path building and signatures,
validity periods, basicConstraints with path lengths), with changes to its web PKI profile, because
a verifier's request-signing certificate is not a TLS server certificate: the leaf needs no
serverAuth extended key usage and no subjectAltName (an ``x509_hash`` verifier is named by its
certificate's hash), but must not be a CA, and a keyUsage it has must allow ``digitalSignature``;
a CA's keyUsage, as in RFC 5280 section 6.1.4 (n), must allow ``keyCertSign`` when it is present
(the web PKI profile also wants it present, which deployment-made CAs often leave out).

Validity periods are checked once more here, before the path, so that an expired certificate is
reported as expired rather than as untrusted. Every refusal is an ``X509TrustError`` with a reason.
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.oid import NameOID
from cryptography.x509.verification import (
    Criticality,
    ExtensionPolicy,
    PolicyBuilder,
    Store,
    VerificationError,
)

from nansen.crypto.b64 import b64url_decode, b64url_encode
from nansen.crypto.keys import PublicKey, public_key_from_raw
from nansen.errors import ConfigurationError, CryptoError

MAX_CHAIN_LENGTH = 5
MAX_CERTIFICATE_BYTES = 16 * 1024
MAX_ANCHOR_FILES = 200
# what cryptography raises, lazily, for a damaged certificate (not all are ValueErrors)
_UNREADABLE = (
    CryptoError,
    ValueError,
    UnsupportedAlgorithm,
    x509.DuplicateExtension,
    x509.UnsupportedGeneralNameType,
    x509.InvalidVersion,
    CryptographyDeprecationWarning,
)


class X509TrustError(CryptoError):
    """A certificate chain could not be trusted; ``reason`` says which check failed."""

    reason = "x509_untrusted"


class CertificateMalformedError(X509TrustError):
    reason = "x509_malformed"


class CertificateExpiredError(X509TrustError):
    reason = "x509_expired"


class CertificateUntrustedError(X509TrustError):
    reason = "x509_untrusted"


@dataclass(frozen=True, slots=True)
class TrustAnchors:
    certificates: tuple[x509.Certificate, ...]


@dataclass(frozen=True, slots=True)
class TrustedChain:
    """A leaf certificate whose path to one of the anchors was validated."""

    leaf: x509.Certificate
    chain: tuple[x509.Certificate, ...]  # leaf first, the anchor last

    def public_key(self) -> PublicKey:
        return leaf_public_key(self.leaf)


def load_trust_anchors(folder: Path) -> TrustAnchors:
    """Every certificate in the ``*.pem`` files of ``folder`` (a missing folder holds none)."""
    if not folder.is_dir():
        return TrustAnchors(())
    certificates: list[x509.Certificate] = []
    for path in sorted(folder.glob("*.pem"))[:MAX_ANCHOR_FILES]:
        try:
            certificates.extend(x509.load_pem_x509_certificates(path.read_bytes()))
        except ValueError as exc:
            raise ConfigurationError(
                f"trust anchor file {path.name} holds no readable PEM certificate",
                user_message=f"The trust anchor file {path.name} is not a PEM certificate file.",
            ) from exc
    return TrustAnchors(tuple(certificates))


def parse_x5c(unverified_x5c: object) -> list[x509.Certificate]:
    """The certificates of an ``x5c`` header (RFC 7515 section 4.1.6: standard base64 DER, leaf first)."""
    if not isinstance(unverified_x5c, list) or not 1 <= len(unverified_x5c) <= MAX_CHAIN_LENGTH:
        raise CertificateMalformedError(f"x5c must list 1 to {MAX_CHAIN_LENGTH} certificates")
    certificates = []
    for entry in unverified_x5c:
        if not isinstance(entry, str) or len(entry) > MAX_CERTIFICATE_BYTES * 4 // 3 + 4:
            raise CertificateMalformedError("an x5c entry is not a certificate")
        try:
            # x5c is standard base64 with padding; turned into base64url for the strict decoder
            der = b64url_decode(entry.replace("+", "-").replace("/", "_").rstrip("="))
            with warnings.catch_warnings():
                # what cryptography only warns of today (a serial number that is not positive,
                # RFC 5280 4.1.2.2) it will refuse later: refused here already
                warnings.simplefilter("error", CryptographyDeprecationWarning)
                certificate = x509.load_der_x509_certificate(der)
            # parsed lazily by cryptography: read now, so a damaged part fails here, named as such
            certificate.public_key(), certificate.extensions, certificate.subject
            certificates.append(certificate)
        except _UNREADABLE as exc:
            raise CertificateMalformedError("an x5c entry is not a DER certificate") from exc
    return certificates


def verify_chain(
    certificates: Sequence[x509.Certificate], anchors: TrustAnchors, *, now: datetime
) -> TrustedChain:
    """The leaf (``certificates[0]``) with a validated path to one of ``anchors`` at ``now``."""
    if not certificates:
        raise CertificateMalformedError("no certificate")
    for certificate in certificates:
        if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
            raise CertificateExpiredError(
                "a certificate of the chain is outside its validity period",
                user_message="The verifier's certificate has expired or is not valid yet.",
            )
    if not anchors.certificates:
        raise CertificateUntrustedError(
            "no trust anchors are configured", user_message="No trust anchors are configured."
        )
    ca_policy = ExtensionPolicy.webpki_defaults_ca().may_be_present(
        x509.KeyUsage, Criticality.AGNOSTIC, _ca_may_certify
    )
    ee_policy = (
        ExtensionPolicy.permit_all()
        .may_be_present(x509.BasicConstraints, Criticality.AGNOSTIC, _leaf_is_not_a_ca)
        .may_be_present(x509.KeyUsage, Criticality.AGNOSTIC, _leaf_may_sign)
    )
    verifier = (
        PolicyBuilder()
        .store(Store(list(anchors.certificates)))
        .time(now)
        .max_chain_depth(MAX_CHAIN_LENGTH)
        .extension_policies(ca_policy=ca_policy, ee_policy=ee_policy)
        .build_client_verifier()
    )
    try:
        verified = verifier.verify(certificates[0], list(certificates[1:]))
    except (VerificationError, *_UNREADABLE) as exc:
        raise CertificateUntrustedError(
            f"no valid path to a trust anchor: {str(exc)[:200]}",
            user_message="The verifier's certificate does not lead to a trust anchor you have.",
        ) from exc
    return TrustedChain(certificates[0], tuple(verified.chain))


def _ca_may_certify(_policy: object, _certificate: x509.Certificate, extension: x509.KeyUsage | None) -> None:
    if extension is not None and not extension.key_cert_sign:
        raise ValueError("a CA certificate's keyUsage does not allow keyCertSign")


def _leaf_is_not_a_ca(
    _policy: object, _certificate: x509.Certificate, extension: x509.BasicConstraints | None
) -> None:
    if extension is not None and extension.ca:
        raise ValueError("the signing certificate is a CA certificate")


def _leaf_may_sign(_policy: object, _certificate: x509.Certificate, extension: x509.KeyUsage | None) -> None:
    if extension is not None and not extension.digital_signature:
        raise ValueError("the signing certificate's keyUsage does not allow digitalSignature")


def leaf_public_key(certificate: x509.Certificate) -> PublicKey:
    """The certificate's key, which must be a P-256 key (ES256 is the only signature we accept)."""
    key = certificate.public_key()
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
        raise CertificateMalformedError("the signing certificate's key is not a P-256 key")
    point = key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return public_key_from_raw(point[1:])


def certificate_hash(certificate: x509.Certificate) -> str:
    """base64url SHA-256 of the DER certificate: the ``x509_hash`` client identifier value."""
    return b64url_encode(hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).digest())


def dns_names(certificate: x509.Certificate) -> list[str]:
    try:
        san = certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except x509.ExtensionNotFound:
        return []
    return [str(name) for name in san.get_values_for_type(x509.DNSName)]


def subject_name(certificate: x509.Certificate) -> str | None:
    """The organisation named in the subject (O), else its common name (CN); text from outside."""
    for oid in (NameOID.ORGANIZATION_NAME, NameOID.COMMON_NAME):
        for attribute in certificate.subject.get_attributes_for_oid(oid):
            if isinstance(attribute.value, str) and attribute.value.strip():
                return attribute.value.strip()[:200]
    return None
