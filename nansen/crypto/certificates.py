"""A signer's own X.509 certificate chain, as a deployment configures it for ``x5c`` headers (HAIP):
the issuer's credentials and the verifier's request objects carry it so that X.509-based parties can
check who signed. The chain is checked once, at start-up: a chain the other side would refuse is a
configuration error, not something to find out from a wallet's refusal."""

from __future__ import annotations

import base64
import itertools
from datetime import UTC, datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from nansen.crypto.keys import PublicKey
from nansen.errors import ConfigurationError


def own_certificate_chain(
    pem: bytes, key: PublicKey, *, source: str, hint: str = "", now: datetime | None = None
) -> tuple[x509.Certificate, ...]:
    """The certificates in ``pem`` (the key's certificate first, then any intermediates, not the
    trust anchor, as HAIP asks). Refused unless the first certificate is for ``key``, each is issued
    by the next, and all are in their validity period. ``source`` names the file in the message."""
    try:
        chain = tuple(x509.load_pem_x509_certificates(pem))
    except ValueError as exc:
        raise ConfigurationError(f"certificate chain {source} did not load: {exc}") from exc
    leaf_key = chain[0].public_key()
    if not isinstance(leaf_key, ec.EllipticCurvePublicKey) or _raw_point(leaf_key) != key.raw():
        raise ConfigurationError(
            f"the first certificate in {source} is not for the signing key {key.kid()}{hint}"
        )
    for certificate, issuer in itertools.pairwise(chain):
        try:
            certificate.verify_directly_issued_by(issuer)
        except (ValueError, TypeError, InvalidSignature) as exc:
            raise ConfigurationError(f"the certificates in {source} are not a chain: {exc}") from exc
    at = now or datetime.now(UTC)
    for certificate in chain:
        if not certificate.not_valid_before_utc <= at < certificate.not_valid_after_utc:
            raise ConfigurationError(f"a certificate in {source} is outside its validity period")
    return chain


def x5c_values(chain: tuple[x509.Certificate, ...]) -> tuple[str, ...]:
    """The ``x5c`` header value (RFC 7515 §4.1.6): standard base64 (not base64url) of each DER."""
    return tuple(base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode() for c in chain)


def _raw_point(public: ec.EllipticCurvePublicKey) -> bytes:
    numbers = public.public_numbers()
    return numbers.x.to_bytes(32, "big") + numbers.y.to_bytes(32, "big")
