"""A staff console under test: a real anvil chain with the demo NGO accredited, the issuer under
uvicorn as its own process, a wallet folder, and helpers to drive the console from Playwright."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import zxingcpp
from PIL import Image
from playwright.sync_api import Page, expect

from nansen.chain import devchain
from nansen.cli.demo_story import service
from nansen.cli.dev_commands import bootstrap_environment

PERSON = {
    "given_name": "Amina",
    "family_name": "Haddad",
    "birth_date": "1990-04-01",
    "sex": "female",
    "nationality": "SY",
    "place_of_birth": "Aleppo",
    "registration_number": "REG-2026-0042",
    "languages": "ar, en",
}


@dataclass
class Console:
    url: str  # the issuer's base URL
    admin_token: str
    issuer_env: dict[str, str]
    wallet_env: dict[str, str]
    data_dir: Path

    @property
    def home(self) -> str:
        return f"{self.url}/console/"


@contextmanager
def running_console(data_dir: Path) -> Iterator[Console]:
    with ExitStack() as stack:
        env = bootstrap_environment(data_dir)
        stack.callback(devchain.stop, data_dir / "chain")
        port = devchain.free_port()
        issuer_env = {**os.environ, **env["issuer"], "NANSEN_ISSUER_PUBLIC_URL": f"http://127.0.0.1:{port}"}
        logs = data_dir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        url = stack.enter_context(service("issuer", "issuer.app", port, issuer_env, logs))
        yield Console(url, env["tokens"]["staff"], issuer_env, {**os.environ, **env["wallet"]}, data_dir)


def sign_in(page: Page, console: Console, token: str | None = None) -> None:
    page.goto(console.home)
    expect(page).to_have_url(re.compile(r"/console/sign-in"))
    page.locator("#field-token").fill(token or console.admin_token)
    page.locator("main form button").click()
    expect(page).to_have_url(console.home)


def register(page: Page, console: Console, person: dict[str, str] | None = None) -> None:
    page.goto(f"{console.url}/console/register")
    for name, value in (person or PERSON).items():
        field = page.locator(f"#field-{name}")
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)
    page.locator("input[name=age_over_18][value=yes]").check()
    page.locator("main form button").click()


def read_offer(page: Page) -> tuple[str, str]:
    """The offer URI read from a screenshot of the QR code (zxing-cpp), and the spoken code."""
    png = page.locator(".qr img").screenshot()
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(found) == 1, f"expected one QR code in the screenshot, found {len(found)}"
    code = "".join(page.locator(".big-code > span:not(.visually-hidden)").all_inner_texts())
    return found[0].text, code


def wallet_receive(console: Console, offer_uri: str, tx_code: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "wallet_cli.app", "--lang", "en", "receive", offer_uri, "--tx-code", tx_code],
        env=console.wallet_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
