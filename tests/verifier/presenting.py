"""Helpers for tests that drive a running verifier: one online presentation, and bounded polling."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import httpx
from world import VCT

from nansen.crypto.keys import PrivateKey
from nansen.openid4vp.request import parse_request_uri, vp_token_form
from nansen.sdjwt.presentation import create_presentation

T = TypeVar("T")
ASK = {"credential_type": VCT, "claims": [["nationality"], ["age_over_18"]]}


def present_online(
    client: httpx.Client, headers: dict[str, str], *, issued: str, holder_key: PrivateKey
) -> tuple[httpx.Response, dict[str, Any]]:
    """An officer's request answered by the holder: the wallet-facing answer and the officer's result
    (``client``: a TestClient, or an httpx.Client for a verifier running in its own process)."""
    created = client.post("/requests", json=ASK, headers=headers)
    assert created.status_code == 201, created.text
    request_id = created.json()["id"]
    request = parse_request_uri(created.json()["request_uri"])
    presentation = create_presentation(
        issued=issued,
        disclose=[("nationality",), ("age_over_18",)],
        holder_key=holder_key,
        aud=request.audience,
        nonce=request.nonce,
        iat=int(time.time()),
    )
    posted = client.post(
        f"/wallet/responses/{request_id}", data=vp_token_form(request, {"credential": presentation})
    )
    result = client.get(f"/requests/{request_id}/result", params={"wait": 5}, headers=headers)
    assert result.status_code == 200, result.text
    return posted, result.json()


def eventually(probe: Callable[[], T], done: Callable[[T], bool], *, within: float) -> T:
    """Probes until ``done`` holds, failing after ``within`` seconds with the last value seen."""
    deadline = time.monotonic() + within
    while True:
        value = probe()
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {within} s; last seen: {value!r}")
        time.sleep(0.1)
