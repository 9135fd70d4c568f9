"""The issuer's ES256 signing key (encrypted PEM) and chain account (eth keystore), loaded at start."""

from __future__ import annotations

import base64
import itertools
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from eth_account.signers.local import LocalAccount

from nansen.chain.keystore import load_account
from nansen.crypto.b64 import b64url_decode
from nansen.crypto.keys import (
    PrivateKey,
    encrypt_private_key,
    generate_private_key,
    load_encrypted_private_key,
)
from nansen.errors import ConfigurationError, NansenError


@dataclass(frozen=True)
class SigningKey:
    key: PrivateKey
    kid: str  # RFC 7638 thumbprint, base64url
    x5c: tuple[str, ...] = ()  # its certificate chain (RFC 7515 §4.1.6), if the deployment has one

    @property
    def kid_bytes(self) -> bytes:
        return b64url_decode(self.kid)


def load_signing_key(path: Path, passphrase: str) -> SigningKey:
    try:
        key = load_encrypted_private_key(path.read_bytes(), passphrase.encode())
    except FileNotFoundError as exc:
        raise ConfigurationError(
            f"signing key {path} not found",
            user_message=f"No signing key at {path}. Create one with `nansen-issuer init-key`.",
        ) from exc
    except NansenError as exc:
        raise ConfigurationError(f"signing key {path} did not load: {exc.message}") from exc
    return SigningKey(key, str(key.public_key().kid()))


def create_signing_key(path: Path, passphrase: str) -> SigningKey:
    if path.exists():
        raise ConfigurationError(f"{path} already exists; not overwriting a signing key")
    key = generate_private_key()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(encrypt_private_key(key, passphrase.encode()))
    tmp.chmod(0o600)
    tmp.replace(path)
    return SigningKey(key, str(key.public_key().kid()))


def load_chain_account(path: Path, passphrase: str) -> LocalAccount:
    return load_account(path, passphrase)


def with_certificate_chain(key: SigningKey, path: Path) -> SigningKey:
    """The key with the certificate chain in ``path`` (PEM: the key's certificate first, then any
    intermediates, not the trust anchor, as HAIP asks), for the credentials' ``x5c`` header. Refused
    unless the first certificate is for this very key, each is issued by the next, and all are in
    their validity period: a chain a verifier would refuse is a configuration error."""
    try:
        chain = x509.load_pem_x509_certificates(path.read_bytes())
    except (OSError, ValueError) as exc:
        raise ConfigurationError(f"certificate chain {path} did not load: {exc}") from exc
    leaf_key = chain[0].public_key()
    ours = key.key.public_key().raw()
    if not isinstance(leaf_key, ec.EllipticCurvePublicKey) or _raw_point(leaf_key) != ours:
        raise ConfigurationError(
            f"the first certificate in {path} is not for the signing key {key.kid} "
            "(after rotate-key, install a certificate for the new key)"
        )
    now = datetime.now(UTC)
    for certificate, issuer in itertools.pairwise(chain):
        try:
            certificate.verify_directly_issued_by(issuer)
        except (ValueError, TypeError, InvalidSignature) as exc:
            raise ConfigurationError(f"the certificates in {path} are not a chain: {exc}") from exc
    for certificate in chain:
        if not certificate.not_valid_before_utc <= now < certificate.not_valid_after_utc:
            raise ConfigurationError(f"a certificate in {path} is outside its validity period")
    der = tuple(base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode() for c in chain)
    return replace(key, x5c=der)


def _raw_point(public: ec.EllipticCurvePublicKey) -> bytes:
    numbers = public.public_numbers()
    return numbers.x.to_bytes(32, "big") + numbers.y.to_bytes(32, "big")
