"""Fixtures: the verifier with its console over an in-memory trust source, an admin officer; the
shared browser fixtures (tests/browser_support.py: one chromium per module, a page per test whose
screenshot is saved when the test fails)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_support import browser, page, playwright, pytest_runtest_makereport
from console_desk import Console
from fastapi.testclient import TestClient
from world import make_world

from verifier.app import create_app
from verifier.officers import OfficerDirectory
from verifier.settings import VerifierSettings

__all__ = ["browser", "page", "playwright", "pytest_runtest_makereport"]  # fixtures and hook, by import


@pytest.fixture()
def console(tmp_path: Path) -> Iterator[Console]:
    settings = VerifierSettings(
        public_url="https://verifier.example",
        data_dir=tmp_path / "data",
        state_dir=tmp_path / "state",
        _env_file=None,  # type: ignore[call-arg]
    )
    token = OfficerDirectory(settings.officers_file).add("Admin Adaeze", "admin")
    world = make_world()
    app = create_app(settings, trust=world.trust)
    # https: the session cookie is Secure, so the test client must speak to an https origin
    with TestClient(app, base_url="https://verifier.example", raise_server_exceptions=False) as client:
        yield Console(client, world, settings, token)
