"""Frames as the officer's camera gets them: every frame rendered as the wallet renders it (PNG file,
terminal), decoded by zxing-cpp and by jsQR, clean and as a 720p webcam sees it at 40 cm, then
reassembled and verified VALID by the real verifier."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from offline_support import NAMES, PERSON, present
from PIL import Image
from scanning import as_webcam_sees, jsqr_texts, terminal_image, zxing_texts
from world import VCT, World

from nansen.offline_transport import MAX_VERSION, assemble, encode_frames
from wallet_cli.offline_display import largest_version, terminal_screens, write_pngs

TERMINAL = (160, 50)  # a laptop's full-screen terminal at 8x16-pixel cells


@pytest.mark.parametrize(("credential", "disclosed"), [("small_credential", 2), ("deep_credential", 10)])
def test_every_frame_is_read_by_both_decoders_and_verifies_valid(
    world: World,
    request: pytest.FixtureRequest,
    verifier_desk: tuple[TestClient, dict[str, str]],
    tmp_path: Path,
    credential: str,
    disclosed: int,
) -> None:
    client, headers = verifier_desk
    challenge = client.post("/offline/challenges", headers=headers).json()
    presentation = present(
        world,
        request.getfixturevalue(credential),
        disclosed,
        audience=challenge["audience"],
        nonce=challenge["nonce"],
    )
    frames = encode_frames(presentation)
    files = write_pngs(frames, tmp_path / "codes")
    assert [f.name for f in files] == [f"offline-{i:02d}-of-{len(frames):02d}.png" for i in (1, 2, 3, 4)][
        : len(frames)
    ]
    pngs = [Image.open(path) for path in files]
    assert all(max(png.size) <= (17 + 4 * MAX_VERSION + 8) * 8 for png in pngs)  # version 20 at most
    version = largest_version(*TERMINAL)
    assert version is not None
    on_terminal = encode_frames(presentation, max_version=version)
    screens = [terminal_image(drawing) for drawing, _ in terminal_screens(on_terminal)]
    sets = {
        "png": (pngs, frames),
        "png seen by a webcam": ([as_webcam_sees(p, seed=i) for i, p in enumerate(pngs)], frames),
        "terminal seen by a webcam": (
            [as_webcam_sees(s, seed=i) for i, s in enumerate(screens)],
            on_terminal,
        ),
    }
    everything = [image for images, _ in sets.values() for image in images]
    by_jsqr = iter(jsqr_texts(everything, tmp_path))
    for name, (images, expected) in sets.items():
        assert zxing_texts(images) == expected, f"zxing-cpp, {name}"
        scanned = [next(by_jsqr) for _ in images]
        assert scanned == expected, f"jsQR, {name}"
        assert assemble(reversed(scanned)) == presentation

    body = {"frames": scanned, "nonce": challenge["nonce"], "audience": challenge["audience"]}
    ask = [[name] for name in NAMES[:disclosed]]
    verified = client.post(
        "/offline/verifications", json={**body, "credential_type": VCT, "claims": ask}, headers=headers
    )
    assert verified.status_code == 200, verified.text
    assert verified.json()["verdict"] == "valid"
    assert verified.json()["claims"] == {name: PERSON[name] for name in NAMES[:disclosed]}
