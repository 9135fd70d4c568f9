"""Browser fixtures shared by the console tests (helpers in tests/browser_support.py).

- ``browser``: one headless chromium per test module; skips loudly where chromium is not installed.
- ``page``: a fresh context and page per test (``en-GB``); on failure its screenshot is saved.
- ``console``: the staff console on a real issuer and chain (staff_console.py), started on demand.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browser_support import CHROMIUM, NO_CHROMIUM, new_page, save_failure_screenshot
from playwright.sync_api import Browser, Page, Playwright, sync_playwright


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
