"""Canary values in a credential must not be kept by the verifier: not in logs, files, metrics or
error messages, and claims that were not requested never reach the officer."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest
from desk import Desk
from world import VCT

from nansen.openid4vp.request import parse_request_uri, vp_token_form
from nansen.sdjwt.presentation import create_presentation

CANARIES = {
    "given_name": "CanaryGivenQ7x",
    "family_name": "CanaryFamilyZ3k",
    "birth_date": "1911-11-11",
    "nationality": "CanaryNationW9",
}


def all_bytes_under(*roots: Path) -> bytes:
    return b"".join(p.read_bytes() for root in roots for p in root.rglob("*") if p.is_file())


def test_no_canary_survives_a_verification(desk: Desk, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    desk.world.claims = {**desk.world.claims, **CANARIES}
    created = desk.client.post(
        "/requests", json={"credential_type": VCT, "claims": [["nationality"]]}, headers=desk.headers
    ).json()
    request = parse_request_uri(created["request_uri"])
    issued = desk.world.issue(1)[0]
    presentation = create_presentation(
        issued=issued.compact,
        disclose=[("nationality",), ("given_name",), ("family_name",)],
        holder_key=desk.world.holder_key,
        aud=request.audience,
        nonce=request.nonce,
        iat=int(time.time()),
    )
    posted = desk.client.post(
        f"/wallet/responses/{created['id']}", data=vp_token_form(request, {"credential": presentation})
    )
    result = desk.client.get(
        f"/requests/{created['id']}/result", params={"wait": 2}, headers=desk.headers
    ).json()
    assert result["claims"] == {"nationality": "CanaryNationW9"}  # asked for, shown once
    replay = desk.client.post(
        f"/wallet/responses/{created['id']}", data=vp_token_form(request, {"credential": presentation})
    )
    metrics = desk.client.get("/metrics").text
    health = desk.client.get("/health").text
    outputs = [posted.text, replay.text, metrics, health, caplog.text, str(result["checks"])]
    files = all_bytes_under(desk.settings.state_dir, desk.settings.data_dir)
    for value in CANARIES.values():
        for output in outputs:
            assert value not in output
        assert value.encode() not in files, f"{value} left in verifier files"
    for value in ("CanaryGivenQ7x", "CanaryFamilyZ3k"):
        assert value not in str(result)
