"""Fixture: the verifier with its console over an in-memory trust source, an admin officer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from console_desk import Console
from fastapi.testclient import TestClient
from world import make_world

from verifier.app import create_app
from verifier.officers import OfficerDirectory
from verifier.settings import VerifierSettings


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
