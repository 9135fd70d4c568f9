"""The online check in a real Chromium against a real chain: the officer shows the request QR code,
the holder's wallet CLI answers it (read from the QR code on screen), and the result appears by
itself: VALID with only the asked claims; DECLINED when the holder says no; after a revocation
REVOKED with the reason; with the chain stopped past the staleness bound UNKNOWN, explained as not
a refusal."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import zxingcpp
from chain_world import ChainIssuer, chain_issuer
from console_serving import add_preset, screenshot_dir, served, shot, sign_in, visible_text
from PIL import Image
from playwright.sync_api import Page, expect
from world import VCT

from nansen.chain import devchain
from nansen.chain.deployment import save_deployment
from nansen.crypto.keys import private_key_to_jwk
from verifier.app import create_app
from verifier.officers import OfficerDirectory
from verifier.settings import VerifierSettings
from wallet_cli.store.wallet import Wallet

pytestmark = pytest.mark.chain
SYNC = 0.2
STALENESS = 2.0
PASSPHRASE = "a good passphrase"


@dataclass
class Post:
    base: str
    token: str
    issuer: ChainIssuer
    chain_dir: Path
    wallet_dir: Path
    wallet: Wallet


@pytest.fixture()
def post(tmp_path: Path) -> Iterator[Post]:
    chain_dir = tmp_path / "chain"
    chain = devchain.start(chain_dir)
    try:
        issuer = chain_issuer(chain)
        save_deployment(tmp_path / "deployments", issuer.deployment)
        settings = VerifierSettings(
            public_url="http://127.0.0.1:1",  # replaced below once the port is known
            rpc_url=chain.rpc_url,
            chain_id=chain.chain_id,
            deployments_dir=tmp_path / "deployments",
            data_dir=tmp_path / "data",
            state_dir=tmp_path / "state",
            sync_interval_seconds=SYNC,
            max_staleness_seconds=STALENESS,
            _env_file=None,  # type: ignore[call-arg]
        )
        token = OfficerDirectory(settings.officers_file).add("Officer Adaeze", "admin")
        wallet_dir = tmp_path / "wallet"
        wallet = Wallet.create(wallet_dir, PASSPHRASE, dict(private_key_to_jwk(issuer.holder)))
        app = create_app(settings)
        with served(app) as base:
            # the wallet posts its answer to PUBLIC_URL: point it at the port the server got
            settings.public_url = base
            yield Post(base, token, issuer, chain_dir, wallet_dir, wallet)
    finally:
        devchain.stop(chain_dir)


def hold(post: Post) -> str:
    """A fresh credential from the chain issuer, put in the holder's wallet; returns its id."""
    ((_, issued),) = post.issuer.issue(1)
    return post.wallet.add_credential(
        {"compact": issued.compact, "received_at": int(time.time()), "issuer_name": "Field Office NGO"}
    )


def wallet_present(
    post: Post, request_uri: str, credential: str, *, answer: str | None = None
) -> subprocess.CompletedProcess[str]:
    """The holder's wallet CLI answers the request: at once (``--yes``), or typing ``answer``."""
    env = {**os.environ, "NANSEN_WALLET_PASSPHRASE": PASSPHRASE}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "wallet_cli.app",
            "--lang",
            "en",
            "--data-dir",
            str(post.wallet_dir),
            "present",
            request_uri,
            *(["--yes"] if answer is None else []),
            "--credential",
            credential,
        ],
        input=answer,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def request_on_screen(page: Page) -> str:
    """The request as the holder's phone would read it: the QR code decoded from a screenshot."""
    qr = page.get_by_role("img", name="QR code of the request")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=qr.element_handle())
    image = Image.open(io.BytesIO(qr.screenshot()))
    found = zxingcpp.read_barcodes(image)
    assert found, "no QR code readable on the page"
    link = page.get_by_role("link", name="Open the request in a wallet on this device").get_attribute("href")
    assert found[0].text == link
    return found[0].text


def online_check(
    page: Page, post: Post, credential: str, *, screenshot: Path | None = None, answer: str | None = None
) -> str:
    page.goto(f"{post.base}/console/online")
    page.get_by_role("button", name="Show the request code").click()
    expect(page.get_by_role("heading", name="Ask the holder to scan this code")).to_be_visible()
    request_uri = request_on_screen(page)
    if screenshot:
        shot(page, screenshot)
    done = wallet_present(post, request_uri, credential, answer=answer)
    assert done.returncode == (0 if answer is None else 8), done.stdout + done.stderr
    # nobody clicks: the page moves to the result by itself
    expect(page.locator(".verdict-word")).to_be_visible(timeout=20_000)
    return visible_text(page)


def test_online_check_valid_declined_revoked_then_unknown(post: Post, tmp_path: Path, page: Page) -> None:
    pictures = screenshot_dir(tmp_path)
    sign_in(page, post.base, post.token)
    add_preset(
        page,
        post.base,
        name="Entry: nationality and over 18",
        vct=VCT,
        claims="nationality, age_over_18",
        purpose="Border entry check",
    )
    first, second = hold(post), hold(post)
    time.sleep(SYNC * 3)  # the verifier's mirror sees the new batches

    text = online_check(page, post, first, screenshot=pictures / "officer-online-request.png")
    shot(page, pictures / "officer-result-valid.png")
    assert "VALID" in text and "NOT VALID" not in text
    assert "Nationality SY" in text and "Over 18 Yes" in text
    assert "Amina" not in text and "1990" not in text  # only the asked claims are shown
    assert "You decide." in text and "does not prove that the details are true" in text
    assert "Checked against the registry as of" in text
    assert "Field Office NGO" in text
    response = page.request.get(f"{post.base}/console/online")
    assert response.headers["cache-control"] == "no-store"

    text = online_check(page, post, first, answer="n\n")  # the holder says no
    assert "DECLINED" in text and "Nothing was shared" in text and "Nationality" not in text

    index = post.issuer.next_index - 2  # the first credential's status index
    post.issuer.revoke(index)
    time.sleep(SYNC * 3)
    text = online_check(page, post, first)
    shot(page, pictures / "officer-result-revoked.png")
    assert "REVOKED" in text and "The issuer has revoked this credential" in text
    assert "nationality" not in text.split("Each check")[0].replace("Ask", "")

    devchain.stop(post.chain_dir)
    time.sleep(STALENESS + 0.5)
    text = online_check(page, post, second)
    shot(page, pictures / "officer-result-unknown.png")
    assert "UNKNOWN" in text and "It is not a refusal" in text
    assert "cannot be decided now" in text.lower()
    assert "VALID" not in text.replace("NOT VALID", "")
