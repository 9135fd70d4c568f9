"""Browser fixtures shared by the console tests: Debian's chromium driven by Playwright for Python
(never a browser Playwright downloads), axe-core injected from node_modules, a screenshot of every
failing test's page.

- ``browser``: one headless chromium per test module; skips loudly where chromium is not installed.
- ``page``: a fresh context and page per test (``en-GB``; pass another locale through
  ``browser_support.new_page(browser, locale=...)``); on failure its screenshot goes to
  ``$NANSEN_SCREENSHOT_DIR`` (default ``.data/browser-failures``) and the path is printed.
- ``console``: the staff console on a real issuer and chain (staff_console.py), started on demand.
- axe-core, page weight and the other helpers: browser_support.py.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from typing import Any

import pytest
from browser_support import new_page, save_failure_screenshot
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

CHROMIUM = shutil.which("chromium")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


# module scope: Playwright's sync API keeps an event loop running in this thread while it is open,
# which would break later tests that call asyncio.run()
@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    if CHROMIUM is None:
        pytest.skip(
            "BROWSER TESTS SKIPPED: Debian's `chromium` is not installed (run `make system-deps` as root)"
        )
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    # --no-sandbox: CI containers run as root, where chromium's sandbox cannot start
    launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
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


@pytest.fixture(scope="session")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The staff console on a real issuer process and chain (tests/browser/staff_console.py), shared
    by the console's test modules and started only when one asks for it."""
    from staff_console import running_console

    with running_console(tmp_path_factory.mktemp("staff-console")) as running:
        yield running
