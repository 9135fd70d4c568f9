"""The holder's checks of a signed request object (RFC 9101; OpenID4VP 1.0 §5, §5.9.3, §5.10): each
refusal names the check that failed, and a change to any byte of a good request is refused."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from cryptography import x509
from hypothesis import given, settings
from hypothesis import strategies as st
from x509_support import VerifierCertificates, verifier_certificates

from nansen.crypto.b64 import b64url_encode
from nansen.crypto.jws import sign_compact
from nansen.crypto.keys import PrivateKey, generate_private_key
from nansen.errors import NansenError
from nansen.openid4vp.request_object import (
    ClientIdMismatchError,
    RequestExpiredError,
    RequestObjectError,
    RequestSignatureError,
    RequestTypeError,
    WalletNonceError,
    verify_request_object,
)
from nansen.x509_trust import (
    CertificateExpiredError,
    CertificateUntrustedError,
    TrustAnchors,
)


def now() -> datetime:
    """The time of each check, not of collection: certificates made later in a test start later."""
    return datetime.now(UTC)


SIGNER = verifier_certificates("verifier.example")
ANCHORS = TrustAnchors(tuple(x509.load_pem_x509_certificates(SIGNER.anchor_pem.encode())))
SAN_ID = "x509_san_dns:verifier.example"


def payload(client_id: str = SAN_ID, **extra: Any) -> dict[str, Any]:
    return {
        "client_id": client_id,
        "response_type": "vp_token",
        "response_mode": "direct_post.jwt",
        "response_uri": "https://verifier.example/post",
        "nonce": "n-0S6_WzA2Mj",
        "dcql_query": {"credentials": []},
        "iss": "ignored",
        **extra,
    }


def sign(
    body: dict[str, Any],
    certificates: VerifierCertificates = SIGNER,
    *,
    key: PrivateKey | None = None,
    **header: Any,
) -> str:
    head = {"typ": "oauth-authz-req+jwt", "x5c": certificates.x5c, **header}
    signer = key or PrivateKey(certificates.leaf_key)
    return sign_compact(header=head, payload=json.dumps(body).encode(), key=signer)


def verify(token: str, client_id: str = SAN_ID, **options: Any) -> Any:
    return verify_request_object(token, link_client_id=client_id, anchors=ANCHORS, now=now(), **options)


def test_a_request_signed_by_a_certified_verifier_is_accepted_with_its_name() -> None:
    verified = verify(sign(payload()))
    assert verified.client_id == SAN_ID and verified.verifier_name == "Border Agency"
    assert verified.parameters["nonce"] == "n-0S6_WzA2Mj" and "iss" not in verified.parameters


def test_x509_hash_names_the_leaf_certificate() -> None:
    client_id = f"x509_hash:{SIGNER.leaf_hash}"
    assert verify(sign(payload(client_id)), client_id).client_id == client_id
    other = "x509_hash:" + b64url_encode(b"\0" * 32)
    with pytest.raises(ClientIdMismatchError, match="hash"):
        verify(sign(payload(other)), other)


def test_the_type_must_be_oauth_authz_req_jwt() -> None:
    with pytest.raises(RequestTypeError):
        verify(sign(payload(), typ="JWT"))


@pytest.mark.parametrize("alg", ["none", "HS256", "RS256"])
def test_only_es256_signatures(alg: str) -> None:
    head = b64url_encode(json.dumps({"alg": alg, "typ": "oauth-authz-req+jwt", "x5c": SIGNER.x5c}).encode())
    token = f"{head}.{b64url_encode(json.dumps(payload()).encode())}.{b64url_encode(b'x' * 32)}"
    with pytest.raises(RequestSignatureError, match="ES256"):
        verify(token)


def test_a_signature_by_another_key_is_refused() -> None:
    with pytest.raises(RequestSignatureError, match="does not verify"):
        verify(sign(payload(), key=generate_private_key()))


def test_a_certificate_from_another_ca_is_untrusted() -> None:
    stranger = verifier_certificates("verifier.example")
    with pytest.raises(CertificateUntrustedError, match="trust anchor"):
        verify(sign(payload(), stranger))
    with pytest.raises(CertificateUntrustedError, match="no trust anchors"):
        verify_request_object(sign(payload()), link_client_id=SAN_ID, anchors=TrustAnchors(()), now=now())


def test_an_expired_certificate_is_reported_as_expired() -> None:
    with pytest.raises(CertificateExpiredError):
        verify(sign(payload(), verifier_certificates("verifier.example", expired=True)))
    with pytest.raises(CertificateExpiredError):
        verify_request_object(
            sign(payload()), link_client_id=SAN_ID, anchors=ANCHORS, now=now() + timedelta(days=60)
        )


def test_the_client_id_must_be_a_dns_name_of_the_certificate_and_the_response_host() -> None:
    other = "x509_san_dns:other.example"
    with pytest.raises(ClientIdMismatchError, match="DNS name of the signing certificate"):
        verify(sign(payload(other)), other)
    elsewhere = payload(response_uri="https://collector.example/post")
    with pytest.raises(ClientIdMismatchError, match="response_uri host"):
        verify(sign(elsewhere))


def test_the_link_and_the_object_must_name_the_same_client() -> None:
    with pytest.raises(ClientIdMismatchError, match="in the link"):
        verify(sign(payload()), "x509_san_dns:verifier.example.evil")
    with pytest.raises(RequestObjectError, match="prefix"):
        verify(
            sign(payload("redirect_uri:https://verifier.example/post")),
            "redirect_uri:https://verifier.example/post",
        )


def test_wallet_nonce_and_expiry() -> None:
    assert verify(sign(payload(wallet_nonce="w1")), wallet_nonce="w1").parameters["wallet_nonce"] == "w1"
    with pytest.raises(WalletNonceError):
        verify(sign(payload(wallet_nonce="w1")), wallet_nonce="w2")
    with pytest.raises(WalletNonceError):
        verify(sign(payload()), wallet_nonce="w2")
    with pytest.raises(RequestExpiredError):
        verify(sign(payload(exp=int(now().timestamp()) - 600)))
    assert verify(sign(payload(exp=int(now().timestamp()) + 300))).client_id == SAN_ID


GOOD = sign(payload())


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=len(GOOD) - 1), st.sampled_from("AQgw-_"))
def test_changing_any_character_is_refused(position: int, replacement: str) -> None:
    if GOOD[position] in (replacement, "."):
        return
    tampered = GOOD[:position] + replacement + GOOD[position + 1 :]
    with pytest.raises(NansenError):
        verify(tampered)
