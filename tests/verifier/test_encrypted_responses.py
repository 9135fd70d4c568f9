"""direct_post.jwt (OpenID4VP 1.0 §8.3): responses encrypted by jwcrypto to the request's own key are
judged like direct_post ones; anything that is not a JWE for that key is an invalid_request that
leaves the request open for a correct answer."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from desk import Desk
from jwcrypto import jwe, jwk
from signed_wallet import encrypted, request_path, verified_request_object, vp_token_parameters
from test_signed_requests import open_request, signed_desk
from world import VCT
from x509_support import Certificates

from nansen.crypto.b64 import b64url_decode, b64url_encode
from nansen.openid4vp.dcql import parse_query
from nansen.openid4vp.transaction_data import kb_claims, parse_transaction_data
from nansen.sdjwt.presentation import create_presentation


@pytest.fixture()
def signed(tmp_path: Path) -> Iterator[tuple[Desk, Certificates]]:
    yield from signed_desk(tmp_path)


def fetch(desk: Desk, certificates: Certificates) -> tuple[dict[str, Any], str]:
    created = open_request(desk)
    token = desk.client.get(request_path(created["request_uri"])).text
    return verified_request_object(token, certificates.anchor_pem).payload, created["id"]


def post(desk: Desk, request_id: str, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
    answer = desk.client.post(f"/wallet/responses/{request_id}", data=form)
    return answer.status_code, answer.json()


def pending(desk: Desk, request_id: str) -> bool:
    return desk.client.get(f"/requests/{request_id}/result", headers=desk.headers).status_code == 202


@pytest.mark.parametrize("enc", ["A128GCM", "A256GCM"])
def test_an_encrypted_presentation_is_valid(signed: tuple[Desk, Certificates], enc: str) -> None:
    desk, certificates = signed
    request, request_id = fetch(desk, certificates)
    status, body = post(
        desk, request_id, {"response": encrypted(request, vp_token_parameters(desk, request), enc=enc)}
    )
    assert status == 200 and body == {"status": "received", "verdict": "valid"}
    result = desk.client.get(f"/requests/{request_id}/result", headers=desk.headers).json()
    assert result["verdict"] == "valid" and result["claims"] == {"nationality": "SY", "age_over_18": True}
    assert desk.client.app.state.service.store.response_key(request_id) is None  # type: ignore[attr-defined]


def test_an_encrypted_decline_is_shown_at_once(signed: tuple[Desk, Certificates]) -> None:
    desk, certificates = signed
    request, request_id = fetch(desk, certificates)
    declined = {"error": "access_denied", "state": request["state"]}
    assert post(desk, request_id, {"response": encrypted(request, declined)})[0] == 200
    result = desk.client.get(f"/requests/{request_id}/result", headers=desk.headers).json()
    assert result["reason"] == "holder:declined"
    # §8.3.1: a wallet that cannot encrypt may still say no in the clear
    other, other_id = fetch(desk, certificates)
    assert post(desk, other_id, {"error": "access_denied", "state": other["state"]})[0] == 200


def _tampered(token: str) -> str:
    head, key, iv, ciphertext, tag = token.split(".")
    flipped = bytearray(b64url_decode(ciphertext))
    flipped[0] ^= 1
    return ".".join((head, key, iv, b64url_encode(bytes(flipped)), tag))


def _to_other_key(request: dict[str, Any], parameters: dict[str, Any], *, same_kid: bool) -> str:
    other = jwk.JWK.generate(kty="EC", crv="P-256")
    kid = request["client_metadata"]["jwks"]["keys"][0]["kid"] if same_kid else "another-key"
    token = jwe.JWE(
        json.dumps(parameters).encode(), protected={"alg": "ECDH-ES", "enc": "A128GCM", "kid": kid}
    )
    token.add_recipient(other)
    return str(token.serialize(compact=True))


def _with_algorithms(request: dict[str, Any], parameters: dict[str, Any], alg: str, enc: str) -> str:
    key = request["client_metadata"]["jwks"]["keys"][0]
    recipient = jwk.JWK(**{k: key[k] for k in ("kty", "crv", "x", "y")})
    token = jwe.JWE(json.dumps(parameters).encode(), protected={"alg": alg, "enc": enc})
    token.add_recipient(recipient)
    return str(token.serialize(compact=True))


def test_what_is_not_a_jwe_for_this_request_is_refused_and_changes_nothing(
    signed: tuple[Desk, Certificates],
) -> None:
    desk, certificates = signed
    request, request_id = fetch(desk, certificates)
    parameters = vp_token_parameters(desk, request)
    good = encrypted(request, parameters)
    refusals = {
        "damaged": (_tampered(good), "does not decrypt"),
        "another key, our kid": (_to_other_key(request, parameters, same_kid=True), "does not decrypt"),
        "another key, its kid": (_to_other_key(request, parameters, same_kid=False), "another key"),
        "key wrapping": (_with_algorithms(request, parameters, "ECDH-ES+A128KW", "A128GCM"), "alg"),
        "CBC": (_with_algorithms(request, parameters, "ECDH-ES", "A128CBC-HS256"), "enc"),
        "not a JWE": ("eyJhbGciOiJFUzI1NiJ9.e30.c2ln", "5 parts"),
        "not even base64": ("a.b.c.d.!", "not a usable JWE"),
        "plain text inside": (_plaintext_jwe(request), "JSON object"),
    }
    for name, (token, why) in refusals.items():
        status, body = post(desk, request_id, {"response": token})
        assert status == 400 and body["error"] == "invalid_request", name
        assert why in body["error_description"], (name, body)
        assert pending(desk, request_id), name
    # the vp_token in the clear, or the JWE beside other parameters: refused too
    assert (
        post(desk, request_id, {"vp_token": json.dumps(parameters["vp_token"]), "state": request_id})[0]
        == 400
    )
    assert post(desk, request_id, {"response": good, "state": request_id})[0] == 400
    assert pending(desk, request_id)
    # the request was never used up: the correct answer is judged
    assert post(desk, request_id, {"response": good}) == (200, {"status": "received", "verdict": "valid"})
    assert post(desk, request_id, {"response": good})[1]["error_description"].startswith(
        "This request was already"
    )


def _plaintext_jwe(request: dict[str, Any]) -> str:
    key = request["client_metadata"]["jwks"]["keys"][0]
    recipient = jwk.JWK(**{k: key[k] for k in ("kty", "crv", "x", "y")})
    token = jwe.JWE(b'["not", "an", "object"]', protected={"alg": "ECDH-ES", "enc": "A128GCM"})
    token.add_recipient(recipient)
    return str(token.serialize(compact=True))


def test_a_jwe_for_one_request_does_not_open_another(signed: tuple[Desk, Certificates]) -> None:
    desk, certificates = signed
    first, first_id = fetch(desk, certificates)
    _, second_id = fetch(desk, certificates)
    status, body = post(desk, second_id, {"response": encrypted(first, vp_token_parameters(desk, first))})
    assert status == 400 and "another key" in body["error_description"]
    assert pending(desk, first_id) and pending(desk, second_id)


def test_a_jwe_to_a_request_that_asked_for_none(tmp_path: Path, desk: Desk) -> None:
    created = desk.client.post(
        "/requests", json={"credential_type": "x", "claims": [["nationality"]]}, headers=desk.headers
    ).json()
    status, body = post(desk, created["id"], {"response": "a.b.c.d.e"})
    assert status == 400 and "did not ask for an encrypted response" in body["error_description"]


def test_an_unencrypted_deployment_option(tmp_path: Path) -> None:
    """RESPONSE_MODE=direct_post: signed requests with plain responses (no key in the request)."""
    for desk, certificates in signed_desk(tmp_path, response_mode="direct_post"):
        request, request_id = fetch(desk, certificates)
        assert request["response_mode"] == "direct_post" and "jwks" not in request["client_metadata"]
        form = vp_token_parameters(desk, request)
        status, body = post(desk, request_id, {"vp_token": json.dumps(form["vp_token"]), "state": request_id})
        assert status == 200 and body["verdict"] == "valid"


def test_a_signed_request_carries_the_officers_transaction_data(signed: tuple[Desk, Certificates]) -> None:
    """§5.1, §8.4: the request object carries the entries; the KB-JWT must bind them."""
    desk, certificates = signed
    identity = {"id": "identity", "format": "dc+sd-jwt", "meta": {"vct_values": [VCT]}}
    identity["claims"] = [{"path": ["nationality"]}]
    statement = {"text": "I agree to be registered at this reception centre.", "credential_ids": ["identity"]}
    made = desk.client.post(
        "/requests",
        json={"dcql_query": {"credentials": [identity]}, "transaction_data": [statement]},
        headers=desk.headers,
    )
    assert made.status_code == 201, made.text
    token = desk.client.get(request_path(made.json()["request_uri"])).text
    request = verified_request_object(token, certificates.anchor_pem).payload
    query = parse_query(request["dcql_query"])
    (entry,) = parse_transaction_data(request["transaction_data"], query)
    assert entry.text == statement["text"]
    presentation = create_presentation(
        issued=desk.world.issue(1)[0].compact,
        disclose=[("nationality",)],
        holder_key=desk.world.holder_key,
        aud=request["client_id"],
        nonce=request["nonce"],
        iat=int(time.time()),
        kb_claims=kb_claims([entry]),
    )
    parameters = {"vp_token": {"identity": [presentation]}, "state": request["state"]}
    assert post(desk, request["state"], {"response": encrypted(request, parameters)})[0] == 200
    body = desk.client.get(f"/requests/{request['state']}/result", headers=desk.headers).json()
    assert body["verdict"] == "valid", body
    assert {c["name"]: c["outcome"] for c in body["checks"]}["transaction_data"] == "passed"
