"""An outside wallet (@openid4vc/openid4vp, with `jose` for the JWE and Node's X.509 for the chain)
answers our verifier's HAIP-style requests: signed request objects by reference (RFC 9101; OpenID4VP
1.0 §5.10 request_uri_method post, with and without wallet_nonce; GET), client id prefixes x509_hash
and x509_san_dns (§5.9.3), encrypted responses (direct_post.jwt, §8.3) that reach VALID; a damaged
JWE and a JWE to another key are refused without using up the request; and a request object whose
certificate does not name the client id's host is refused by the wallet (what our start-up check
prevents)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from interop_support import IssuerProcess, node
from verifier_process import VerifierProcess
from x509_support import Certificates, issue_certificates

from nansen.crypto.b64 import b64url_decode
from nansen.crypto.certificates import x5c_values
from nansen.crypto.keys import PrivateKey
from verifier.request_signing import RequestSigner

pytestmark = pytest.mark.chain
LOCAL_HOST = "127.0.0.1"  # the verifier's public host in these tests: its dNSName for x509_san_dns


def _signing_files(
    directory: Path, *, dns_name: str
) -> tuple[ec.EllipticCurvePrivateKey, Certificates, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    key_file = directory / "request-key.pem"
    directory.mkdir(parents=True, exist_ok=True)
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    certificates = issue_certificates(
        directory, key, common_name="Border verifier", dns_names=(dns_name,), file_name="chain.pem"
    )
    return key, certificates, key_file


def _signed_verifier(
    tmp_path: Path, issuer: IssuerProcess, *, prefix: str, method: str
) -> Iterator[tuple[VerifierProcess, Certificates]]:
    _, certificates, key_file = _signing_files(tmp_path / "verifier-signing", dns_name=LOCAL_HOST)
    process = VerifierProcess(
        tmp_path,
        issuer.settings,
        NANSEN_VERIFIER_REQUEST_SIGNING_KEY_FILE=str(key_file),
        NANSEN_VERIFIER_REQUEST_CERT_CHAIN_FILE=str(certificates.chain_file),
        NANSEN_VERIFIER_CLIENT_ID_PREFIX=prefix,
        NANSEN_VERIFIER_REQUEST_URI_METHOD=method,
    )
    try:
        process.start()
        yield process, certificates
    finally:
        process.stop()


def _wallet(anchor_pem: str, received: dict[str, Any], **how: str) -> dict[str, Any]:
    """The outside wallet's answer; ``how`` names the link (or a request by value) and what to do."""
    return node(
        "wallet_present_signed.mjs",
        {
            "anchor_pem": anchor_pem,
            "credential": received["credential"],
            "holder_private_jwk": received["holder_private_jwk"],
            **how,
        },
    )


def _answer(
    verifier: VerifierProcess, certificates: Certificates, received: dict[str, Any], **how: str
) -> dict[str, Any]:
    request = verifier.request(_vct(received))
    answer = _wallet(certificates.anchor_pem, received, link=request["request_uri"], **how)
    assert answer["ok"], answer
    return {"request": request, **answer}


def _vct(received: dict[str, Any]) -> str:
    payload = json.loads(b64url_decode(received["credential"].split("~")[0].split(".")[1]))
    return str(payload["vct"])


def test_x509_hash_by_post_with_encrypted_responses(tmp_path: Path, issuer: IssuerProcess) -> None:
    received = issuer.receive(holder_private=True)
    for verifier, certificates in _signed_verifier(tmp_path, issuer, prefix="x509_hash", method="post"):
        # the library's own POST (its form carries the wallet metadata's members); a damaged JWE
        # first, then the good one for the same request
        first = _answer(
            verifier, certificates, received, fetch="library", enc="A128GCM", action="tamper_then_present"
        )
        assert first["client_prefix"] == "x509_hash" and first["client_id"].startswith("x509_hash:")
        assert first["response_mode"] == "direct_post.jwt"
        damaged, good = first["answers"]
        assert damaged["status"] == 400 and damaged["body"]["error"] == "invalid_request", damaged
        assert good["status"] == 200 and good["body"]["verdict"] == "valid", good
        status, result = verifier.result(first["request"]["id"])
        assert status == 200 and result["verdict"] == "valid", result
        assert result["claims"] == {"nationality": "SY", "age_over_18": True}

        # §5.10 as written: wallet_metadata and wallet_nonce posted, the nonce checked by the library
        second = _answer(
            verifier, certificates, received, fetch="wallet_nonce", enc="A256GCM", action="present"
        )
        assert second["wallet_nonce"] and second["answers"][0]["status"] == 200
        assert verifier.result(second["request"]["id"])[1]["verdict"] == "valid"

        # a JWE to another key (with our key's kid) is refused; the request stays open for the right one
        third = _answer(verifier, certificates, received, fetch="library", enc="A128GCM", action="wrong_key")
        (refused,) = third["answers"]
        assert refused["status"] == 400 and "does not decrypt" in refused["body"]["error_description"]
        again = _wallet(
            certificates.anchor_pem,
            received,
            link=third["request"]["request_uri"],
            fetch="library",
            enc="A128GCM",
            action="present",
        )
        assert again["ok"] and again["answers"][0]["status"] == 200, again
        assert verifier.result(third["request"]["id"])[1]["verdict"] == "valid"


def test_x509_san_dns_by_get_and_a_certificate_for_another_name(
    tmp_path: Path, issuer: IssuerProcess
) -> None:
    received = issuer.receive(holder_private=True)
    for verifier, certificates in _signed_verifier(tmp_path, issuer, prefix="x509_san_dns", method="get"):
        answered = _answer(verifier, certificates, received, fetch="library", enc="A128GCM", action="present")
        assert (
            answered["client_id"] == f"x509_san_dns:{LOCAL_HOST}"
            and answered["client_prefix"] == "x509_san_dns"
        )
        assert "request_uri_method" not in answered["request"]["request_uri"]
        assert answered["answers"][0]["status"] == 200
        assert verifier.result(answered["request"]["id"])[1]["verdict"] == "valid"

        # the same request object signed under a certificate for another name: the wallet refuses it
        # (§5.9.3); our verifier never starts so (tests/verifier/test_request_signing.py)
        request = verifier.request(_vct(received))
        request_uri = parse_qs(urlsplit(request["request_uri"]).query)["request_uri"][0]
        payload = json.loads(b64url_decode(httpx.get(request_uri, timeout=10).text.split(".")[1]))
        key, other, _ = _signing_files(tmp_path / "other-name", dns_name="verifier.example")
        chain = tuple(x509.load_pem_x509_certificates(other.chain_file.read_bytes()))
        mismatched = RequestSigner(PrivateKey(key), x5c_values(chain), payload["client_id"], "other")
        refused = _wallet(
            other.anchor_pem,
            received,
            client_id=payload["client_id"],
            request=mismatched.sign(payload),
            fetch="library",
            enc="A128GCM",
            action="present",
        )
        assert not refused["ok"] and "san dns names" in refused["error"], refused
