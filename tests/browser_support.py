"""Browser helpers for the console tests: Debian's chromium driven by Playwright for Python (never a
browser Playwright downloads) and axe-core injected from node_modules. The fixtures live in
tests/browser/conftest.py; these are importable from any test (tests/ is on the path).

- ``launch_chromium(playwright, *extra_args)``: the one way to start the browser (skips loudly where
  chromium is missing); extra arguments for tests that need them (a fake camera).
- ``playwright``, ``browser``, ``page`` and the report hook the ``page`` fixture needs: fixtures a
  conftest takes by importing them (tests/browser, tests/verifier/console).
- ``new_page(browser, locale=...)``: a fresh context and page.
- ``save_failure_screenshot(page, nodeid)``: to ``$NANSEN_SCREENSHOT_DIR``
  (default ``.data/browser-failures``).
- ``axe_violations(page)``: axe-core's serious and critical violations on the page as it is.
- ``PageWeight(page)``: bytes the page and its assets transferred, by resource.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Playwright, Response, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium")
SCREENSHOTS = Path(os.environ.get("NANSEN_SCREENSHOT_DIR", ROOT / ".data" / "browser-failures"))
NO_CHROMIUM = "BROWSER TESTS SKIPPED: Debian's `chromium` is not installed (run `make system-deps` as root)"


def launch_chromium(playwright: Playwright, *extra_args: str) -> Browser:
    """Debian's chromium, headless; skips loudly where it is not installed."""
    if CHROMIUM is None:
        pytest.skip(NO_CHROMIUM)
    # --no-sandbox: CI containers run as root, where chromium's sandbox cannot start
    return playwright.chromium.launch(
        executable_path=CHROMIUM, headless=True, args=["--no-sandbox", *extra_args]
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


# Module scope, not session: Playwright's sync API keeps an asyncio loop running in the main thread
# while it lives, and every later test that calls asyncio.run() (or starts its own sync_playwright)
# would fail with "cannot be called from a running event loop".
@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    if CHROMIUM is None:
        pytest.skip(NO_CHROMIUM)
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    launched = launch_chromium(playwright)
    try:
        yield launched
    finally:
        launched.close()


@pytest.fixture()
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    opened = new_page(browser)
    try:
        yield opened
    finally:
        report = getattr(request.node, "report_call", None)
        if report is not None and report.failed:
            save_failure_screenshot(opened, request.node.nodeid)
        opened.context.close()


def new_page(browser: Browser, *, locale: str = "en-GB", **options: Any) -> Page:
    options.setdefault("viewport", {"width": 1280, "height": 900})
    context = browser.new_context(locale=locale, **options)
    context.set_default_timeout(15_000)
    return context.new_page()


def save_failure_screenshot(page: Page, nodeid: str) -> Path | None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / (re.sub(r"[^A-Za-z0-9_.-]+", "_", nodeid) + ".png")
    try:
        page.screenshot(path=str(path), full_page=True)
    except Exception:  # the page may have crashed: the original failure matters more
        return None
    print(f"\nscreenshot of the failing page: {path}")
    return path


def axe_violations(page: Page, *, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict[str, Any]]:
    """axe-core's violations of WCAG 2.x A/AA rules at these impacts, each with its rule id and nodes.

    Injected through the DevTools protocol (page.evaluate), which the page's CSP does not govern."""
    if not AXE.exists():
        raise AssertionError(f"{AXE} is missing: run `make setup` (npm ci installs axe-core)")
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """async () => {
            const r = await axe.run(document, {runOnly: {type: "tag",
                values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(" "))}));
        }"""
    )
    return [v for v in result if v["impact"] in impacts]


class PageWeight:
    """Counts the bytes of every response the page receives (bodies, uncompressed as served)."""

    def __init__(self, page: Page) -> None:
        self.by_url: dict[str, int] = {}
        page.on("response", self._record)

    def _record(self, response: Response) -> None:
        try:
            self.by_url[response.url] = len(response.body())
        except Exception:  # a redirect or an aborted request has no body
            self.by_url.setdefault(response.url, 0)

    @property
    def total(self) -> int:
        return sum(self.by_url.values())
