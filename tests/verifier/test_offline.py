"""Offline verification: challenge, scanned presentation, single-use nonce."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterator

from desk import Desk, all_at_once
from fastapi.responses import JSONResponse
from world import VCT

from nansen.sdjwt.presentation import create_presentation


def test_offline_presentation_verifies_once(desk: Desk) -> None:
    challenge = desk.client.post("/offline/challenges", headers=desk.headers).json()
    assert len(challenge["nonce"]) >= 22  # 128 bits
    issued = desk.world.issue(1)[0]
    presentation = create_presentation(
        issued=issued.compact,
        disclose=[("nationality",)],
        holder_key=desk.world.holder_key,
        aud=challenge["audience"],
        nonce=challenge["nonce"],
        iat=int(time.time()),
    )
    body = {
        "presentation": presentation,
        "nonce": challenge["nonce"],
        "audience": challenge["audience"],
        "credential_type": VCT,
        "claims": [["nationality"]],
    }
    first = desk.client.post("/offline/verifications", json=body, headers=desk.headers)
    assert first.status_code == 200 and first.json()["verdict"] == "valid"
    assert first.json()["claims"] == {"nationality": "SY"}
    replay = desk.client.post("/offline/verifications", json=body, headers=desk.headers)
    assert replay.status_code == 409


def test_unknown_nonce_is_refused(desk: Desk) -> None:
    body = {
        "presentation": "x~",
        "nonce": "made-up",
        "audience": "a",
        "credential_type": VCT,
        "claims": [["x"]],
    }
    response = desk.client.post("/offline/verifications", json=body, headers=desk.headers)
    assert response.status_code == 404 and "challenge" in response.json()["detail"]
    audience = desk.client.post("/offline/challenges", headers=desk.headers).json()["audience"]
    right_audience = desk.client.post(
        "/offline/verifications", json={**body, "audience": audience}, headers=desk.headers
    )
    assert right_audience.status_code == 404 and "not issued" in right_audience.json()["detail"]


def _submission(desk: Desk) -> dict[str, object]:
    challenge = desk.client.post("/offline/challenges", headers=desk.headers).json()
    presentation = create_presentation(
        issued=desk.world.issue(1)[0].compact,
        disclose=[("nationality",)],
        holder_key=desk.world.holder_key,
        aud=challenge["audience"],
        nonce=challenge["nonce"],
        iat=int(time.time()),
    )
    return {
        "presentation": presentation,
        "nonce": challenge["nonce"],
        "audience": challenge["audience"],
        "credential_type": VCT,
        "claims": [["nationality"]],
    }


def test_requests_the_fast_path_hands_on_get_the_routes_answers(desk: Desk) -> None:
    """Not signed in, a body the schema refuses, not JSON: answered by the route, nonce untouched."""
    body = _submission(desk)
    no_token = desk.client.post("/offline/verifications", json=body)
    assert no_token.status_code == 401 and no_token.headers["content-type"] == "application/problem+json"
    bad_token = desk.client.post(
        "/offline/verifications", json=body, headers={"Authorization": "Bearer nope"}
    )
    assert bad_token.status_code == 401
    extra = desk.client.post("/offline/verifications", json={**body, "x": 1}, headers=desk.headers)
    assert extra.status_code == 422 and extra.json()["fields"] == ["x"]
    missing = desk.client.post(
        "/offline/verifications", json={k: v for k, v in body.items() if k != "nonce"}, headers=desk.headers
    )
    assert missing.status_code == 422 and missing.json()["fields"] == ["nonce"]
    as_form = desk.client.post(
        "/offline/verifications",
        content=b"nonce=1",
        headers={**desk.headers, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert as_form.status_code == 422
    garbage = desk.client.post(
        "/offline/verifications",
        content=b"{not json",
        headers={**desk.headers, "Content-Type": "application/json"},
    )
    assert garbage.status_code == 422
    # none of those consumed the nonce: the genuine submission still verifies, once
    first = desk.client.post("/offline/verifications", json=body, headers=desk.headers)
    assert first.status_code == 200 and first.json()["verdict"] == "valid"


def test_wrong_audience_and_oversize_are_refused(desk: Desk) -> None:
    body = _submission(desk)
    wrong = desk.client.post(
        "/offline/verifications",
        json={**body, "audience": "redirect_uri:https://elsewhere.example"},
        headers=desk.headers,
    )
    assert wrong.status_code == 400 and "audience" in wrong.json()["detail"]
    huge = desk.client.post(
        "/offline/verifications", json={**body, "presentation": "x" * 2_000_000}, headers=desk.headers
    )
    assert huge.status_code == 413, (huge.text, huge.request.headers)
    assert desk.client.post("/offline/verifications", json=body, headers=desk.headers).status_code == 200


def test_latency_is_labelled_by_route_on_the_fast_path_too(desk: Desk) -> None:
    posted = desk.client.post("/offline/verifications", json=_submission(desk), headers=desk.headers)
    assert posted.status_code == 200
    metrics = desk.client.get("/metrics").text
    assert 'nansen_http_request_seconds_count{route="/offline/verifications"} 1.0' in metrics
    assert 'route="unmatched"' not in metrics


def test_fifty_simultaneous_offline_copies_only_one_is_accepted(desk: Desk) -> None:
    body = _submission(desk)
    codes = all_at_once(
        50, lambda: desk.client.post("/offline/verifications", json=body, headers=desk.headers).status_code
    )
    assert codes.count(200) == 1 and codes.count(409) == 49


def test_an_expired_challenge_is_refused_and_says_so(desk: Desk) -> None:
    body = _submission(desk)
    challenge = (
        desk.settings.offline_challenges_dir / "pending" / hashlib.sha256(body["nonce"].encode()).hexdigest()
    )
    os.utime(challenge, (0, 0))  # its modification time is its expiry
    expired = desk.client.post("/offline/verifications", json=body, headers=desk.headers)
    assert expired.status_code == 409 and "expired" in expired.json()["detail"]
    assert challenge.exists()  # refused as expired, not spent


def test_the_fast_answer_is_the_bytes_the_framework_would_send(desk: Desk) -> None:
    """Non-ASCII claim values and all: the fast path's raw answer is JSONResponse's, byte for byte."""
    desk.world.claims["nationality"] = "Україна — Ελλάδα"
    body = _submission(desk)
    response = desk.client.post("/offline/verifications", json=body, headers=desk.headers)
    assert response.status_code == 200 and response.json()["verdict"] == "valid"
    assert response.json()["claims"] == {"nationality": "Україна — Ελλάδα"}
    assert response.content == JSONResponse(response.json()).body
    assert response.headers["content-type"] == "application/json"
    assert int(response.headers["content-length"]) == len(response.content)


def test_an_oversize_body_without_a_declared_length_is_refused_unread(desk: Desk) -> None:
    """Streamed in chunks (no content-length): the fast path stops reading at the limit and the
    stack's size limit answers; the challenge is untouched."""
    body = _submission(desk)

    def chunks() -> Iterator[bytes]:
        yield b'{"presentation": "'
        for _ in range(40):
            yield b"x" * 65_536
        yield b'"}'

    huge = desk.client.post(
        "/offline/verifications",
        content=chunks(),
        headers={**desk.headers, "Content-Type": "application/json"},
    )
    assert huge.status_code == 413, (huge.text, huge.request.headers)
    assert desk.client.post("/offline/verifications", json=body, headers=desk.headers).status_code == 200


def test_claim_paths_the_query_language_refuses_get_400_not_500(desk: Desk) -> None:
    body = _submission(desk)
    for claims in ([[""]], [["x" * 200]], [["a"] * 9]):
        refused = desk.client.post(
            "/offline/verifications", json={**body, "claims": claims}, headers=desk.headers
        )
        assert refused.status_code == 400 and refused.json()["reason"], (claims, refused.text)
    assert desk.client.post("/offline/verifications", json=body, headers=desk.headers).status_code == 200
