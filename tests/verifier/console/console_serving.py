"""The verifier served over real HTTP on 127.0.0.1 (uvicorn in a thread of the test) and the
officer's first steps in the console (the browser: tests/browser_support.py)."""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Page, expect

from nansen.chain.devchain import free_port

START_SECONDS = 20.0
DOCS_SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


@contextmanager
def served(app: FastAPI) -> Iterator[str]:
    """The app on a free loopback port until the block ends; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False, lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_SECONDS
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the verifier did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(15)


def screenshot_dir(tmp_path: Path) -> Path:
    """docs/screenshots when NANSEN_WRITE_SCREENSHOTS=1 (to refresh the README's pictures), else
    the test's own folder: a test run leaves the repository as it was."""
    return DOCS_SCREENSHOTS if os.environ.get("NANSEN_WRITE_SCREENSHOTS") == "1" else tmp_path


def sign_in(page: Page, base: str, token: str) -> None:
    page.goto(f"{base}/console")
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
    page.get_by_label("Officer token").fill(token)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Start a check")).to_be_visible()


def add_preset(page: Page, base: str, *, name: str, vct: str, claims: str, purpose: str) -> None:
    page.goto(f"{base}/console/admin/presets")
    page.get_by_label("Name", exact=True).fill(name)
    page.get_by_label("Credential type").fill(vct)
    page.get_by_label("Claims to ask for").fill(claims)
    page.get_by_label("Purpose shown to the holder").fill(purpose)
    page.get_by_role("button", name="Add the preset").click()
    expect(page.get_by_role("cell", name=name, exact=True)).to_be_visible()


def shot(page: Page, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)


def visible_text(page: Page) -> str:
    return re.sub(r"\s+", " ", page.locator("main").inner_text())
