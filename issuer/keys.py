"""The issuer's ES256 signing key (encrypted PEM) and chain account (eth keystore), loaded at start."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from eth_account.signers.local import LocalAccount

from nansen.chain.keystore import load_account
from nansen.crypto.b64 import b64url_decode
from nansen.crypto.certificates import own_certificate_chain, x5c_values
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
    """The key with the certificate chain in ``path`` (PEM), for the credentials' ``x5c`` header;
    checked as ``nansen.crypto.certificates.own_certificate_chain`` says."""
    try:
        pem = path.read_bytes()
    except OSError as exc:
        raise ConfigurationError(f"certificate chain {path} did not load: {exc}") from exc
    chain = own_certificate_chain(
        pem,
        key.key.public_key(),
        source=str(path),
        hint=" (after rotate-key, install a certificate for the new key)",
    )
    return replace(key, x5c=x5c_values(chain))
