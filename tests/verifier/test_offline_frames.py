"""POST /offline/verifications with the scanned frames (docs/offline-qr.md) in place of the
presentation: reassembled and verified, or refused with what is missing, before the nonce is spent."""

from __future__ import annotations

import time

from desk import Desk
from world import VCT

from nansen.offline_transport import encode_frames
from nansen.sdjwt.presentation import create_presentation


def _challenge(desk: Desk) -> tuple[dict[str, str], list[str]]:
    challenge = desk.client.post("/offline/challenges", headers=desk.headers).json()
    presentation = create_presentation(
        issued=desk.world.issue(1)[0].compact,
        disclose=[("nationality",), ("given_name",)],
        holder_key=desk.world.holder_key,
        aud=challenge["audience"],
        nonce=challenge["nonce"],
        iat=int(time.time()),
    )
    body = {"nonce": challenge["nonce"], "audience": challenge["audience"], "credential_type": VCT}
    return {**body, "claims": [["nationality"], ["given_name"]]}, encode_frames(presentation, max_version=8)


def _post(desk: Desk, body: dict[str, object]) -> tuple[int, dict[str, object]]:
    response = desk.client.post("/offline/verifications", json=body, headers=desk.headers)
    return response.status_code, response.json()


def test_frames_in_any_order_verify_once(desk: Desk) -> None:
    body, frames = _challenge(desk)
    assert len(frames) >= 3
    status, result = _post(desk, {**body, "frames": [*reversed(frames), frames[0]]})
    assert status == 200 and result["verdict"] == "valid"
    assert result["claims"] == {"nationality": "SY", "given_name": "Amina"}
    assert _post(desk, {**body, "frames": frames})[0] == 409


def test_what_is_wrong_with_the_frames_is_said_and_the_nonce_stays_unspent(desk: Desk) -> None:
    body, frames = _challenge(desk)
    _, others = _challenge(desk)
    total = len(frames)
    cases = [
        (frames[:1] + frames[2:], "frames_missing", f"Frame 2 of {total} is not scanned yet"),
        (frames[:-1], "frames_missing", f"Frame {total} of {total} is not scanned yet"),
        ([*frames, others[1]], "frame_foreign", "belongs to another presentation"),
        ([frames[0], frames[1][:-3], *frames[2:]], "frame_damaged", f"Frame 2 of {total} is damaged"),
        ([*frames, "hello"], "not_a_frame", "not part of a Nansen offline presentation"),
    ]
    for sent, reason, detail in cases:
        status, problem = _post(desk, {**body, "frames": sent})
        assert (status, problem["reason"]) == (400, reason), problem
        assert detail in str(problem["detail"])
    status, result = _post(desk, {**body, "frames": frames})
    assert status == 200 and result["verdict"] == "valid"


def test_presentation_or_frames_one_of_the_two_within_limits(desk: Desk) -> None:
    body, frames = _challenge(desk)
    both = _post(desk, {**body, "frames": frames, "presentation": "x~"})
    neither = _post(desk, body)
    assert both[0] == neither[0] == 422 and "either the presentation or its frames" in str(both[1]["detail"])
    assert _post(desk, {**body, "frames": ["NSN1:" + "A" * 1_000]})[1]["fields"] == ["frames.0"]
    assert _post(desk, {**body, "frames": frames[:1] * 100})[1]["fields"] == ["frames"]
    assert _post(desk, {**body, "frames": []})[1]["fields"] == ["frames"]
    assert _post(desk, {**body, "frames": frames})[1]["verdict"] == "valid"
