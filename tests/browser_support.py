"""Browser helpers for the console tests: Debian's chromium driven by Playwright for Python (never a
browser Playwright downloads) and axe-core injected from node_modules. The fixtures live in
tests/browser/conftest.py; these are importable from any test (tests/ is on the path).

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
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, Response

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = shutil.which("chromium")
SCREENSHOTS = Path(os.environ.get("NANSEN_SCREENSHOT_DIR", ROOT / ".data" / "browser-failures"))
NO_CHROMIUM = "BROWSER TESTS SKIPPED: Debian's `chromium` is not installed (run `make system-deps` as root)"


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
