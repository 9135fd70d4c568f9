"""Offline verification: challenge, scanned presentation, single-use nonce."""

from __future__ import annotations

import time

from desk import Desk
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
