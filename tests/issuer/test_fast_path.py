"""The wallet fast path: the plain case answers exactly as the route does; everything else reaches the
route with its body intact, and a refusal counts (a wrong tx_code, a spent nonce) exactly once."""

from __future__ import annotations

import asyncio
import json
import time
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from issuer_desk import CLAIMS, Office

from issuer.fast_path import WalletFastPath
from nansen.crypto.keys import generate_private_key
from nansen.openid4vci.offer import PRE_AUTHORIZED_GRANT, parse_offer
from nansen.openid4vci.proof import build_proof_jwt

FORM = "application/x-www-form-urlencoded"
# requests the route answers as it answers the plain form, but which the fast path hands on
ROUTE_TOKEN_EXTRA = {"resource": "x"}  # an extra field, which the route ignores
ROUTE_JSON_TYPE = "text/plain"  # the route parses JSON whatever the content type


def _token_form(code: str, tx_code: str | None, **extra: str) -> bytes:
    fields = {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": code, **extra}
    if tx_code is not None:
        fields["tx_code"] = tx_code
    return urlencode(fields).encode()


def _handed_on(path: str, body: bytes, headers: dict[str, str]) -> list[bytes]:
    """Runs one request through the fast path over a stand-in route; the bodies the route read."""
    received: list[bytes] = []

    async def route(scope: Any, receive: Any, send: Any) -> None:
        message = await receive()
        received.append(message["body"])
        await send({"type": "http.response.start", "status": 418, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def run() -> None:
        # a state the plain case would use (and fail on): only the route may answer these
        app = SimpleNamespace(state=SimpleNamespace(issuer=SimpleNamespace()))
        scope = {
            "type": "http",
            "method": "POST",
            "path": path,
            "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
            "app": app,
        }
        chunks = [body[:5], body[5:]]

        async def receive() -> dict[str, Any]:
            chunk = chunks.pop(0)
            return {"type": "http.request", "body": chunk, "more_body": bool(chunks)}

        async def send(message: Any) -> None:
            pass

        await WalletFastPath(route)(scope, receive, send)

    asyncio.run(run())
    return received


@pytest.mark.parametrize(
    ("path", "body", "headers"),
    [
        ("/token", _token_form("c", "1", **ROUTE_TOKEN_EXTRA), {"content-type": FORM}),
        ("/token", b'{"grant_type": "x"}', {"content-type": "application/json"}),
        ("/token", _token_form("c", "1"), {}),
        ("/token", _token_form("c", "1") + b"&tx_code=2", {"content-type": FORM}),
        ("/token", _token_form("c", ""), {"content-type": FORM}),
        ("/token", _token_form("c", "1" * 21), {"content-type": FORM}),
        ("/token", _token_form("c\u00e9", "1"), {"content-type": FORM}),
        ("/token", b"grant_type=authorization_code&pre-authorized_code=c", {"content-type": FORM}),
        ("/token", b"pre-authorized_code=c;tx_code=1", {"content-type": FORM}),
        ("/credential", b'{"proofs": {}}', {"content-type": "application/json"}),
        ("/credential", b'{"proofs": {}}', {"content-type": ROUTE_JSON_TYPE, "authorization": "Bearer t"}),
        ("/credential", b"{not json", {"content-type": "application/json", "authorization": "Bearer t"}),
        ("/credential", b"[1, 2]", {"content-type": "application/json", "authorization": "Bearer t"}),
        ("/credential", b"{}", {"content-type": "application/json", "authorization": "Basic dTpw"}),
        ("/deferred_credential", b"{}", {"content-type": "application/json", "authorization": "Bearer t"}),
    ],
)
def test_what_is_not_plain_reaches_the_route_with_its_body(
    path: str, body: bytes, headers: dict[str, str]
) -> None:
    assert _handed_on(path, body, headers) == [body]


def offer(office: Office) -> tuple[str, str]:
    response = office.client.post("/offers", json={"claims": CLAIMS}, headers=office.officer)
    assert response.status_code == 201, response.text
    made = response.json()
    return parse_offer(made["offer_uri"]).pre_authorized_code, made["tx_code"]


def post_token(office: Office, form: bytes, content_type: str = FORM) -> httpx.Response:
    return office.client.post("/token", content=form, headers={"Content-Type": content_type})


def answer(response: httpx.Response) -> tuple[int, Any, dict[str, str]]:
    """What a client sees, less the values that differ per request (date, length, fresh tokens)."""
    body = response.json()
    if isinstance(body, dict):
        body = {k: ("<token>" if k == "access_token" else v) for k, v in body.items()}
    headers = {k: v for k, v in response.headers.items() if k not in ("date", "content-length")}
    return response.status_code, body, headers


pytestmark = pytest.mark.chain


def test_token_answers_and_refusals_match_the_route(office: Office) -> None:
    code, tx_code = offer(office)
    wrong = "000000" if tx_code != "000000" else "111111"
    fast_wrong = post_token(office, _token_form(code, wrong))
    route_wrong = post_token(office, _token_form(code, wrong, **ROUTE_TOKEN_EXTRA))
    assert answer(fast_wrong) == answer(route_wrong)
    assert fast_wrong.json()["error"] == "invalid_grant"
    assert fast_wrong.headers["cache-control"] == "no-store"
    # two wrong codes counted once each (three lock the offer): the right one still works, once
    fast_right = post_token(office, _token_form(code, tx_code))
    assert fast_right.status_code == 200
    reused = post_token(office, _token_form(code, tx_code, **ROUTE_TOKEN_EXTRA))
    assert answer(reused) == answer(post_token(office, _token_form(code, tx_code)))
    assert reused.json()["error"] == "invalid_grant"

    code, tx_code = offer(office)
    route_right = post_token(office, _token_form(code, tx_code, **ROUTE_TOKEN_EXTRA))
    assert answer(route_right) == answer(fast_right)
    assert answer(fast_right)[1] == {"access_token": "<token>", "token_type": "Bearer", "expires_in": 300}


def test_token_requests_that_are_not_plain_keep_the_routes_wording(office: Office) -> None:
    code, tx_code = offer(office)
    missing = post_token(office, urlencode({"pre-authorized_code": code, "tx_code": tx_code}).encode())
    assert missing.status_code == 400
    assert missing.json() == {
        "error": "invalid_request",
        "error_description": "invalid fields: ['grant_type']",
    }
    as_json = post_token(
        office, json.dumps({"grant_type": PRE_AUTHORIZED_GRANT}).encode(), "application/json"
    )
    assert as_json.status_code == 400 and as_json.json()["error"] == "invalid_request"
    too_long = post_token(office, _token_form(code, "1" * 21))
    assert too_long.status_code == 400 and "tx_code" in too_long.json()["error_description"]
    # none of those counted as a wrong tx_code or spent the code
    assert post_token(office, _token_form(code, tx_code)).status_code == 200


def _credential_request(
    office: Office, code: str, tx_code: str, nonce: str | None = None
) -> tuple[dict, dict]:  # type: ignore[type-arg]
    token = post_token(office, _token_form(code, tx_code)).json()["access_token"]
    nonce = nonce or office.client.post("/nonce").json()["c_nonce"]
    proof = build_proof_jwt(
        holder_key=generate_private_key(),
        audience=office.settings.public_url.rstrip("/"),
        nonce=nonce,
        iat=int(time.time()),
    )
    body = {"credential_configuration_id": "refugee_identity", "proofs": {"jwt": [proof]}}
    return {"Authorization": f"Bearer {token}"}, body


def post_credential(
    office: Office, auth: dict[str, str], body: object, content_type: str = "application/json"
) -> httpx.Response:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return office.client.post("/credential", content=raw, headers={**auth, "Content-Type": content_type})


def test_credential_refusals_match_the_route_and_change_nothing(office: Office) -> None:
    code, tx_code = offer(office)
    auth, body = _credential_request(office, code, tx_code)
    for refused, error in [
        (({"Authorization": "Bearer made-up.token"}, body), "invalid_token"),
        ((auth, {**body, "proofs": {"jwt": ["not-a-jwt"]}}), "invalid_proof"),
        ((auth, {**body, "credential_configuration_id": "other"}), "unknown_credential_configuration"),
        ((auth, {**body, "credential_configuration_id": None}), "invalid_credential_request"),
    ]:
        fast = post_credential(office, *refused)
        assert answer(fast) == answer(post_credential(office, *refused, content_type=ROUTE_JSON_TYPE))
        assert fast.json()["error"] == error
    bad_token = post_credential(office, {"Authorization": "Bearer made-up.token"}, body)
    assert bad_token.status_code == 401
    assert bad_token.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    no_token = post_credential(office, {}, body)
    assert no_token.status_code == 401 and no_token.json()["error"] == "invalid_token"
    garbage = post_credential(office, auth, b"{not json")
    assert garbage.status_code == 400
    assert garbage.json()["error_description"] == "the credential request is not JSON"
    # after all those refusals the genuine request still gets its credential
    delivered = post_credential(office, auth, body)
    assert delivered.status_code == 200 and delivered.headers["cache-control"] == "no-store"
    assert list(delivered.json()) == ["credentials"]
    again = post_credential(office, auth, body)  # a retry: the same credential (tests/issuer/test_retry.py)
    assert answer(again) == answer(post_credential(office, auth, body, content_type=ROUTE_JSON_TYPE))
    assert again.json() == delivered.json()
    _, other_key = _credential_request(office, *offer(office))
    refused = post_credential(office, auth, other_key)
    assert answer(refused) == answer(post_credential(office, auth, other_key, content_type=ROUTE_JSON_TYPE))
    assert refused.json()["error"] == "invalid_credential_request"


def test_a_spent_nonce_is_refused_alike_and_spends_nothing_else(office: Office) -> None:
    first_auth, first_body = _credential_request(office, *offer(office))
    assert post_credential(office, first_auth, first_body).status_code == 200
    code, tx_code = offer(office)
    auth, _ = _credential_request(office, code, tx_code)
    replay = first_body  # its proof's c_nonce was spent on the first credential
    fast = post_credential(office, auth, replay)
    assert answer(fast) == answer(post_credential(office, auth, replay, content_type=ROUTE_JSON_TYPE))
    assert fast.status_code == 400 and fast.json()["error"] == "invalid_nonce"
    _, fresh = _credential_request(office, *offer(office))
    assert post_credential(office, auth, fresh).status_code == 200


def test_nonce_and_oversized_bodies(office: Office) -> None:
    nonce = office.client.post("/nonce")
    assert nonce.status_code == 200 and nonce.headers["cache-control"] == "no-store"
    assert list(nonce.json()) == ["c_nonce"]
    code, tx_code = offer(office)
    auth, body = _credential_request(office, code, tx_code)
    huge = {**body, "padding": "x" * (office.settings.max_body_bytes + 1)}
    assert post_credential(office, auth, huge).status_code == 413
    assert post_credential(office, auth, body).status_code == 200
