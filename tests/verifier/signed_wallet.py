"""A second, independent wallet for signed requests: jwcrypto verifies the request object (with the
key of the x5c leaf, the leaf checked against the test's trust anchor with ``cryptography``) and
encrypts the response (ECDH-ES). Nothing of the verifier's own JOSE code is used here."""

from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from desk import Desk
from jwcrypto import jwe, jwk, jws
from x509_support import Certificates, issue_certificates

from nansen.sdjwt.presentation import create_presentation
from verifier.settings import VerifierSettings


@dataclass
class Fetched:
    header: dict[str, Any]
    payload: dict[str, Any]


def signed_settings(tmp_path: Path, **overrides: Any) -> tuple[VerifierSettings, Certificates]:
    """Settings of a verifier that signs its requests, with a fresh key and certificate."""
    key = ec.generate_private_key(ec.SECP256R1())
    key_file = tmp_path / "request-key.pem"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    certificates = issue_certificates(
        tmp_path / "certs",
        key,
        common_name="Border Agency verifier",
        dns_names=("verifier.example",),
        file_name="verifier-chain.pem",
    )
    fields: dict[str, Any] = {
        "public_url": "https://verifier.example",
        "data_dir": tmp_path / "data",
        "state_dir": tmp_path / "state",
        "request_signing_key_file": key_file,
        "request_cert_chain_file": certificates.chain_file,
        "_env_file": None,
        **overrides,
    }
    return VerifierSettings(**fields), certificates


def link_parameters(link: str) -> dict[str, str]:
    parts = urlsplit(link)
    assert parts.scheme == "openid4vp", link
    return {k: v[0] for k, v in parse_qs(parts.query, strict_parsing=True).items()}


def request_path(link: str) -> str:
    return urlsplit(link_parameters(link)["request_uri"]).path


def verified_request_object(token: str, anchor_pem: str) -> Fetched:
    """The request object, its signature checked with the x5c leaf's key and the leaf with the anchor."""
    unverified = jws.JWS()
    unverified.deserialize(token)
    header = unverified.jose_header
    leaf = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
    leaf.verify_directly_issued_by(x509.load_pem_x509_certificate(anchor_pem.encode()))
    unverified.verify(jwk.JWK.from_pyca(leaf.public_key()), alg="ES256")
    return Fetched(header, json.loads(unverified.payload))


def leaf_dns_names(header: dict[str, Any]) -> list[str]:
    leaf = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
    san = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    return list(san.get_values_for_type(x509.DNSName))


def encrypted(request: dict[str, Any], parameters: dict[str, Any], *, enc: str = "A128GCM") -> str:
    """The ``response`` JWE for ``parameters``, to the request's own key (§8.3)."""
    key = request["client_metadata"]["jwks"]["keys"][0]
    recipient = jwk.JWK(**{k: key[k] for k in ("kty", "crv", "x", "y")})
    token = jwe.JWE(
        json.dumps(parameters).encode(),
        protected={"alg": "ECDH-ES", "enc": enc, "kid": key["kid"]},
    )
    token.add_recipient(recipient)
    return str(token.serialize(compact=True))


def presentation_for(desk: Desk, request: dict[str, Any], *, status_index: int = 7) -> str:
    issued = desk.world.issue(1, status_index=status_index)[0]
    return create_presentation(
        issued=issued.compact,
        disclose=[("nationality",), ("age_over_18",)],
        holder_key=desk.world.holder_key,
        aud=request["client_id"],
        nonce=request["nonce"],
        iat=int(time.time()),
    )


def vp_token_parameters(desk: Desk, request: dict[str, Any]) -> dict[str, Any]:
    return {"vp_token": {"credential": [presentation_for(desk, request)]}, "state": request["state"]}
