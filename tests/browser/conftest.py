"""Browser fixtures shared by the console tests (fixtures and helpers in tests/browser_support.py).

- ``browser``: one headless chromium per test module; skips loudly where chromium is not installed.
- ``page``: a fresh context and page per test (``en-GB``); on failure its screenshot is saved.
- ``console``: the staff console on a real issuer and chain (staff_console.py), started on demand.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from browser_support import browser, page, playwright, pytest_runtest_makereport

__all__ = ["browser", "page", "playwright", "pytest_runtest_makereport"]  # fixtures and hook, by import


@pytest.fixture(scope="session")
def console(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """The staff console on a real issuer process and chain (tests/browser/staff_console.py), shared
    by the console's test modules and started only when one asks for it."""
    from staff_console import running_console

    with running_console(tmp_path_factory.mktemp("staff-console")) as running:
        yield running
