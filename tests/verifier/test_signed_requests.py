"""Signed requests by reference (OpenID4VP 1.0 §5, §5.10; RFC 9101; HAIP), checked by a second JOSE
implementation (jwcrypto): the link, the request object fetched by GET and POST, and who may fetch it."""

from __future__ import annotations

import base64
import hashlib
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from desk import Desk
from fastapi.testclient import TestClient
from signed_wallet import (
    encrypted,
    leaf_dns_names,
    link_parameters,
    request_path,
    signed_settings,
    verified_request_object,
    vp_token_parameters,
)
from world import VCT, make_world
from x509_support import Certificates

from verifier.app import create_app
from verifier.officers import OfficerDirectory
from verifier.settings import VerifierSettings

ASK = {"credential_type": VCT, "claims": [["nationality"], ["age_over_18"]], "purpose": "Border entry check"}


def signed_desk(tmp_path: Path, **overrides: object) -> Iterator[tuple[Desk, Certificates]]:
    settings, certificates = signed_settings(tmp_path, **overrides)
    token = OfficerDirectory(settings.officers_file).add("Officer Test")
    world = make_world()
    with TestClient(create_app(settings, trust=world.trust), raise_server_exceptions=False) as client:
        yield Desk(client, world, {"Authorization": f"Bearer {token}"}, settings), certificates


@pytest.fixture()
def signed(tmp_path: Path) -> Iterator[tuple[Desk, Certificates]]:
    yield from signed_desk(tmp_path)


def open_request(desk: Desk) -> dict:  # type: ignore[type-arg]
    made = desk.client.post("/requests", json=ASK, headers=desk.headers)
    assert made.status_code == 201, made.text
    return made.json()  # type: ignore[no-any-return]


def test_the_link_carries_only_the_client_id_and_the_request_uri(signed: tuple[Desk, Certificates]) -> None:
    desk, certificates = signed
    created = open_request(desk)
    link = link_parameters(created["request_uri"])
    leaf = x509.load_pem_x509_certificate(certificates.chain_file.read_bytes())
    leaf_hash = base64.urlsafe_b64encode(hashlib.sha256(leaf.public_bytes(Encoding.DER)).digest()).rstrip(
        b"="
    )
    assert link == {
        "client_id": f"x509_hash:{leaf_hash.decode()}",  # HAIP's prefix is the default
        "request_uri": f"https://verifier.example/wallet/requests/{created['id']}",
        "request_uri_method": "post",
    }
    qr = desk.client.get(f"/requests/{created['id']}/qr.png", headers=desk.headers)
    assert qr.status_code == 200 and qr.headers["content-type"] == "image/png"


def test_the_request_object_is_signed_with_the_configured_chain(signed: tuple[Desk, Certificates]) -> None:
    desk, certificates = signed
    created = open_request(desk)
    fetched = desk.client.get(request_path(created["request_uri"]))
    assert fetched.status_code == 200
    assert fetched.headers["content-type"] == "application/oauth-authz-req+jwt"
    assert fetched.headers["cache-control"] == "no-store"
    request = verified_request_object(fetched.text, certificates.anchor_pem)
    assert request.header["typ"] == "oauth-authz-req+jwt" and request.header["alg"] == "ES256"
    payload = request.payload
    assert payload["client_id"] == link_parameters(created["request_uri"])["client_id"]
    assert payload["aud"] == "https://self-issued.me/v2"  # §5.8, static discovery
    assert payload["iat"] <= time.time() < payload["exp"] == created["expires_at"]
    assert payload["response_type"] == "vp_token" and payload["response_mode"] == "direct_post.jwt"
    assert payload["response_uri"] == f"https://verifier.example/wallet/responses/{created['id']}"
    assert payload["state"] == created["id"] and len(payload["nonce"]) >= 32
    assert payload["dcql_query"]["credentials"][0]["meta"]["vct_values"] == [VCT]
    metadata = payload["client_metadata"]
    assert metadata["vp_formats_supported"]["dc+sd-jwt"] == {
        "sd-jwt_alg_values": ["ES256"],
        "kb-jwt_alg_values": ["ES256"],
    }
    (key,) = metadata["jwks"]["keys"]
    assert key["kty"] == "EC" and key["crv"] == "P-256" and "d" not in key
    assert key["use"] == "enc" and key["alg"] == "ECDH-ES" and key["kid"]
    assert metadata["encrypted_response_enc_values_supported"] == ["A128GCM", "A256GCM"]
    # fetched again (a wallet retrying): the same request, the same key
    again = verified_request_object(
        desk.client.get(request_path(created["request_uri"])).text, certificates.anchor_pem
    )
    assert again.payload["nonce"] == payload["nonce"] and again.payload["client_metadata"] == metadata
    # each request has a key of its own
    other = open_request(desk)
    other_payload = verified_request_object(
        desk.client.get(request_path(other["request_uri"])).text, certificates.anchor_pem
    ).payload
    assert other_payload["client_metadata"]["jwks"]["keys"][0]["kid"] != key["kid"]


def test_post_binds_the_wallet_nonce_and_the_wallets_issuer(signed: tuple[Desk, Certificates]) -> None:
    desk, certificates = signed
    created = open_request(desk)
    path = request_path(created["request_uri"])
    posted = desk.client.post(
        path,
        data={
            "wallet_metadata": '{"issuer": "https://wallet.example", "vp_formats_supported": {}}',
            "wallet_nonce": "qPmxiNFCR3QTm19POc8u",
            "something_else": "ignored (§5.10)",
        },
        headers={"Accept": "application/oauth-authz-req+jwt"},
    )
    assert posted.status_code == 200 and posted.headers["content-type"] == "application/oauth-authz-req+jwt"
    payload = verified_request_object(posted.text, certificates.anchor_pem).payload
    assert payload["wallet_nonce"] == "qPmxiNFCR3QTm19POc8u" and payload["aud"] == "https://wallet.example"
    bare = verified_request_object(desk.client.post(path).text, certificates.anchor_pem).payload
    assert "wallet_nonce" not in bare and bare["aud"] == "https://self-issued.me/v2"
    for form, why in (
        ({"wallet_metadata": "not json"}, "not JSON"),
        ({"wallet_metadata": "[1, 2]"}, "JSON object"),
        ({"wallet_metadata": "[" * 15_000}, "not JSON"),  # deeper than any parser should recurse
        ({"wallet_metadata": '{"issuer": 1, "issuer": 2}'}, "not JSON"),
        ({"wallet_nonce": "has spaces in it"}, "printable ASCII"),
        ({"wallet_nonce": "x" * 201}, "wallet_nonce"),
    ):
        refused = desk.client.post(path, data=form)
        assert refused.status_code == 400, form
        assert refused.json()["error"] == "invalid_request" and why in refused.json()["error_description"]


def test_unknown_or_answered_requests_are_not_served(signed: tuple[Desk, Certificates]) -> None:
    desk, certificates = signed
    for method in ("GET", "POST"):
        unknown = desk.client.request(method, "/wallet/requests/no-such-request")
        assert unknown.status_code == 404 and unknown.json()["error"] == "invalid_request_uri"
    created = open_request(desk)
    path = request_path(created["request_uri"])
    request = verified_request_object(desk.client.get(path).text, certificates.anchor_pem).payload
    answered = desk.client.post(
        f"/wallet/responses/{created['id']}",
        data={"response": encrypted(request, vp_token_parameters(desk, request))},
    )
    assert answered.status_code == 200 and answered.json()["verdict"] == "valid"
    for method in ("GET", "POST"):
        gone = desk.client.request(method, path)
        assert gone.status_code == 410 and "already answered" in gone.json()["error_description"]


def test_an_unsigned_deployment_sends_requests_by_value(tmp_path: Path, desk: Desk) -> None:
    created = desk.client.post("/requests", json=ASK, headers=desk.headers).json()
    assert link_parameters(created["request_uri"])["client_id"].startswith("redirect_uri:")
    refused = desk.client.get(f"/wallet/requests/{created['id']}")
    assert refused.status_code == 404 and "by value" in refused.json()["error_description"]


def test_x509_san_dns_names_the_public_host(tmp_path: Path) -> None:
    for desk, certificates in signed_desk(tmp_path, client_id_prefix="x509_san_dns"):
        created = open_request(desk)
        assert link_parameters(created["request_uri"])["client_id"] == "x509_san_dns:verifier.example"
        fetched = verified_request_object(
            desk.client.get(request_path(created["request_uri"])).text, certificates.anchor_pem
        )
        assert fetched.payload["client_id"] == "x509_san_dns:verifier.example"
        assert "verifier.example" in leaf_dns_names(fetched.header)


def test_settings_need_both_files_or_neither(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="set both"):
        VerifierSettings(request_signing_key_file=tmp_path / "key.pem", _env_file=None)  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="needs a passphrase"):
        signed_settings(tmp_path, environment="production")


def test_an_expired_request_is_no_longer_served_nor_answered(tmp_path: Path) -> None:
    for desk, certificates in signed_desk(tmp_path, request_ttl_seconds=1):
        created = open_request(desk)
        path = request_path(created["request_uri"])
        request = verified_request_object(desk.client.get(path).text, certificates.anchor_pem).payload
        time.sleep(1.5)  # past the request's one-second lifetime
        gone = desk.client.get(path)
        assert gone.status_code == 410 and "expired" in gone.json()["error_description"]
        late = desk.client.post(
            f"/wallet/responses/{created['id']}",
            data={"response": encrypted(request, vp_token_parameters(desk, request))},
        )
        assert late.status_code == 400 and "expired" in late.json()["error_description"]
