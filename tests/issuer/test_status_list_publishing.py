"""/status-list: exp and ttl agree, a revocation is published within seconds of reaching the chain,
and HTTP caching (ETag, Cache-Control, gzip) works (draft-ietf-oauth-status-list §5.1, RFC 9110)."""

from __future__ import annotations

import json
import time

import pytest
from issuer_desk import CLAIMS, Office, wallet_receive

from nansen.chain.keystore import keystore_address
from nansen.chain.records import CredentialStatus
from nansen.crypto.jws import parse_compact
from nansen.status.token_status_list import parse_status_list_payload

pytestmark = pytest.mark.chain


@pytest.fixture()
def database_url() -> str:
    return ""  # the status list is read from the chain: SQLite only


def _payload(office: Office) -> dict:  # type: ignore[type-arg]
    response = office.client.get("/status-list")
    assert response.status_code == 200, response.text
    return json.loads(parse_compact(response.text).payload)  # type: ignore[no-any-return]


def test_exp_is_ttl_after_iat_and_caching_headers_are_sent(office: Office) -> None:
    payload = _payload(office)
    assert payload["ttl"] == office.settings.status_list_ttl_seconds == 30
    assert payload["exp"] - payload["iat"] == payload["ttl"]
    zipped = office.client.get("/status-list", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip" and zipped.headers["vary"] == "Accept-Encoding"
    assert zipped.headers["content-type"] == "application/statuslist+jwt"
    assert zipped.headers["cache-control"] == "public, max-age=2"
    plain = office.client.get("/status-list", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers and plain.text == zipped.text  # httpx inflated it
    assert plain.headers["etag"] == zipped.headers["etag"]
    again = office.client.get("/status-list", headers={"If-None-Match": plain.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    refused = office.client.get("/status-list", headers={"Accept-Encoding": "gzip;q=0"})
    assert "content-encoding" not in refused.headers
    for path in ("/.well-known/openid-credential-issuer", "/.well-known/oauth-authorization-server"):
        document = office.client.get(path, headers={"Accept-Encoding": "gzip"})
        assert document.headers["etag"] and document.headers["cache-control"].startswith("public")


def test_a_revocation_is_published_within_seconds_of_reaching_the_chain(office: Office) -> None:
    made = office.client.post("/offers", json={"claims": CLAIMS}, headers=office.officer).json()
    received, _ = wallet_receive(office.client, made["offer_uri"], made["tx_code"])
    assert received["status"] == 200
    credential = office.client.get("/credentials", headers=office.officer).json()[0]
    index = credential["status_index"]
    assert parse_status_list_payload(_payload(office)).get(index) == CredentialStatus.VALID
    revoked = office.client.post(
        f"/credentials/{credential['id']}/revoke", json={"reason": "lost_device"}, headers=office.officer
    )
    assert revoked.status_code == 202
    issuer = keystore_address(office.settings.chain_keystore)
    deadline = time.monotonic() + 20
    while office.chain.registry.status_of(issuer, index) != CredentialStatus.REVOKED:
        assert time.monotonic() < deadline, "the revocation never reached the chain"
        time.sleep(0.2)
    # from here, the list must show it within the publisher's refresh interval (2 s) and some slack
    deadline = time.monotonic() + 5
    while parse_status_list_payload(_payload(office)).get(index) != CredentialStatus.REVOKED:
        assert time.monotonic() < deadline, "the revocation was not published within seconds"
        time.sleep(0.2)
