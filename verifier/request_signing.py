"""The key and certificate chain that sign the verifier's request objects, loaded and checked at
start-up (OpenID4VP 1.0 §5.9.3 client identifier prefixes ``x509_hash`` and ``x509_san_dns``).

With ``x509_san_dns`` a wallet takes the host of the response URI to be the client identifier and
finds it among the leaf certificate's dNSName entries; a certificate without PUBLIC_URL's host would
make every wallet refuse every request, so the service refuses to start instead. With ``x509_hash``
(what HAIP asks verifiers to use) the identifier is the leaf's SHA-256, whatever its names.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from nansen.crypto.b64 import b64url_encode
from nansen.crypto.certificates import own_certificate_chain, x5c_values
from nansen.crypto.jws import sign_compact
from nansen.crypto.keys import PrivateKey, load_encrypted_private_key
from nansen.errors import ConfigurationError, NansenError
from nansen.x509_trust import dns_names
from verifier.settings import VerifierSettings

REQUEST_OBJECT_TYP = "oauth-authz-req+jwt"  # RFC 9101 §10.8; wallets refuse request objects without it
REQUEST_OBJECT_MEDIA_TYPE = "application/oauth-authz-req+jwt"


@dataclass(frozen=True)
class RequestSigner:
    key: PrivateKey
    x5c: tuple[str, ...]  # the chain as sent in the header, the key's certificate first
    client_id: str  # with its prefix: also what the holder's key binding JWT must name as aud
    name: str  # who the wallet is told signed: the DNS name, or the leaf's common name

    def sign(self, payload: Mapping[str, Any]) -> str:
        header = {"typ": REQUEST_OBJECT_TYP, "x5c": list(self.x5c)}
        body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        return sign_compact(header=header, payload=body, key=self.key)


def load_request_signer(settings: VerifierSettings) -> RequestSigner | None:
    """The configured signer, or None for unsigned ``redirect_uri:`` requests; ConfigurationError
    for a key or chain that no wallet would accept."""
    key_file, chain_file = settings.request_signing_key_file, settings.request_cert_chain_file
    if key_file is None or chain_file is None:
        return None
    key = _load_key(key_file, settings.request_signing_key_passphrase.get_secret_value())
    chain = own_certificate_chain(_read(chain_file), key.public_key(), source=str(chain_file))
    leaf = chain[0]
    if settings.client_id_prefix == "x509_san_dns":
        host = urlsplit(settings.public_url).hostname or ""
        if host not in [name.lower() for name in dns_names(leaf)]:  # DNS names ignore case
            raise ConfigurationError(
                f"the certificate in {chain_file} has no dNSName {host!r} (the host of "
                "NANSEN_VERIFIER_PUBLIC_URL), which the x509_san_dns client id prefix needs; "
                "use a certificate for that name, or NANSEN_VERIFIER_CLIENT_ID_PREFIX=x509_hash"
            )
        return RequestSigner(key, x5c_values(chain), f"x509_san_dns:{host}", host)
    digest = hashlib.sha256(leaf.public_bytes(serialization.Encoding.DER)).digest()
    client_id = f"x509_hash:{b64url_encode(digest)}"
    return RequestSigner(key, x5c_values(chain), client_id, _display_name(leaf) or client_id)


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ConfigurationError(f"{path} could not be read: {exc.strerror}") from exc


def _load_key(path: Path, passphrase: str) -> PrivateKey:
    pem = _read(path)
    try:
        if passphrase:
            return load_encrypted_private_key(pem, passphrase.encode())
        key = serialization.load_pem_private_key(pem, password=None)
    except NansenError as exc:
        raise ConfigurationError(f"the request signing key {path} did not load: {exc.message}") from exc
    except (ValueError, TypeError) as exc:  # encrypted without a passphrase, or not a PEM key
        raise ConfigurationError(
            f"the request signing key {path} did not load (encrypted? set "
            "NANSEN_VERIFIER_REQUEST_SIGNING_KEY_PASSPHRASE)"
        ) from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise ConfigurationError(f"the request signing key {path} is not a P-256 key (ES256)")
    return PrivateKey(key)


def _display_name(certificate: x509.Certificate) -> str:
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if names and isinstance(names[0].value, str):
        return names[0].value[:200]
    dns = dns_names(certificate)
    return dns[0] if dns else ""
