"""The offline check in a real Chromium: the page makes the challenge, the holder's wallet CLI builds
its offline presentation from the nonce and audience read off the page, and Chromium's fake camera
plays the presentation's QR frames in turn (a y4m video the test writes from the frames' QR images),
so the page's own scanning code (getUserMedia and jsQR) reads them, reports progress, and the
result appears."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import zxingcpp
from browser_support import launch_chromium, new_page, save_failure_screenshot
from console_serving import add_preset, screenshot_dir, served, shot, sign_in, visible_text
from PIL import Image
from playwright.sync_api import Page, Playwright, expect
from world import VCT, World, make_world

from nansen.crypto.keys import private_key_to_jwk
from verifier.app import create_app
from verifier.officers import OfficerDirectory
from verifier.settings import VerifierSettings
from wallet_cli.store.wallet import Wallet

PASSPHRASE = "a good passphrase"
WIDTH, HEIGHT = 960, 960


def y4m(frames: list[Image.Image], path: Path, *, repeat: int = 4) -> None:
    """A 4:2:0 YUV4MPEG2 video showing each image ``repeat`` times (Chromium loops it), after a
    second of an empty screen (the holder has not turned theirs to the camera yet)."""
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F5:1 Ip A1:1 C420jpeg\n".encode())
        for image in [Image.new("RGB", (64, 64), "white")] * 2 + frames:
            canvas = Image.new("RGB", (WIDTH, HEIGHT), "white")
            fitted = image.convert("RGB")
            fitted.thumbnail((WIDTH - 40, HEIGHT - 40), Image.Resampling.NEAREST)
            canvas.paste(fitted, ((WIDTH - fitted.width) // 2, (HEIGHT - fitted.height) // 2))
            y, cb, cr = canvas.convert("YCbCr").split()
            half = (WIDTH // 2, HEIGHT // 2)
            planes = y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()
            for _ in range(repeat):
                out.write(b"FRAME\n" + planes)


@pytest.fixture()
def desk(tmp_path: Path) -> Iterator[tuple[str, str, World]]:
    settings = VerifierSettings(
        public_url="https://verifier.example",
        data_dir=tmp_path / "data",
        state_dir=tmp_path / "state",
        _env_file=None,  # type: ignore[call-arg]
    )
    token = OfficerDirectory(settings.officers_file).add("Officer Adaeze", "admin")
    world = make_world()
    with served(create_app(settings, trust=world.trust)) as base:
        yield base, token, world


def wallet_offline(tmp_path: Path, world: World, nonce: str, audience: str) -> list[Image.Image]:
    """The holder's wallet writes its offline codes (the frames, as PNG files) with --out."""
    wallet_dir = tmp_path / "wallet"
    wallet = Wallet.create(wallet_dir, PASSPHRASE, dict(private_key_to_jwk(world.holder_key)))
    wallet.add_credential({"compact": world.issue(1)[0].compact, "received_at": 1, "issuer_name": "Demo NGO"})
    out = tmp_path / "codes"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "wallet_cli.app",
            "--lang",
            "en",
            "--data-dir",
            str(wallet_dir),
            "present",
            "--offline",
            "--nonce",
            nonce,
            "--audience",
            audience,
            "--claims",
            "nationality,age_over_18",
            "--out",
            str(out),
        ],
        env={**os.environ, "NANSEN_WALLET_PASSPHRASE": PASSPHRASE},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return [Image.open(path) for path in sorted(out.glob("offline-*.png"))]


def challenge_on_screen(page: Page) -> tuple[str, str]:
    nonce = page.locator("#nonce").inner_text().replace(" ", "")
    audience = page.get_by_text("redirect_uri:").inner_text()
    qr = page.get_by_role("img", name="QR code of the challenge")
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(qr.screenshot())))
    assert found and nonce in found[0].text and audience in found[0].text
    return nonce, audience


def test_offline_check_with_the_camera(
    desk: tuple[str, str, World], tmp_path: Path, playwright: Playwright, request: pytest.FixtureRequest
) -> None:
    base, token, world = desk
    pictures = screenshot_dir(tmp_path)
    video = tmp_path / "holder-screen.y4m"
    browser = launch_chromium(
        playwright,
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}",
    )
    page = new_page(browser, viewport={"width": 1280, "height": 1000})
    try:
        sign_in(page, base, token)
        add_preset(
            page,
            base,
            name="Entry: nationality and over 18",
            vct=VCT,
            claims="nationality, age_over_18",
            purpose="Border entry check",
        )
        page.goto(f"{base}/console/offline")
        page.get_by_role("button", name="Create the challenge").click()
        nonce, audience = challenge_on_screen(page)
        # the holder's screen shows the wallet's frames in turn (NSN1, at most version 20)
        codes = wallet_offline(tmp_path, world, nonce, audience)
        assert len(codes) > 1
        y4m(codes, video)

        page.get_by_role("button", name="Start the camera").click()
        expect(page.get_by_label("Camera view")).to_be_visible()
        page.wait_for_function("() => document.getElementById('camera-view').readyState >= 2")
        shot(page, pictures / "officer-offline-scan.png")
        expect(page.locator("#verdict-word")).to_be_visible(timeout=30_000)
        text = visible_text(page)
        assert "VALID" in text and "NOT VALID" not in text
        assert "Nationality SY" in text and "Over 18 Yes" in text and "Amina" not in text
    except Exception:
        save_failure_screenshot(page, request.node.nodeid)
        raise
    finally:
        browser.close()
