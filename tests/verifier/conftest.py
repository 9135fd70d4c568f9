"""Fixture: a verifier app over an in-memory trust source, with one officer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from desk import Desk
from fastapi.testclient import TestClient
from world import make_world

from verifier.app import create_app
from verifier.officers import OfficerDirectory
from verifier.settings import VerifierSettings


@pytest.fixture()
def desk(tmp_path: Path) -> Iterator[Desk]:
    settings = VerifierSettings(
        public_url="https://verifier.example",
        data_dir=tmp_path / "data",
        state_dir=tmp_path / "state",
        max_staleness_seconds=30,
        _env_file=None,  # type: ignore[call-arg]
    )
    token = OfficerDirectory(settings.officers_file).add("Officer Test")
    world = make_world()
    with TestClient(create_app(settings, trust=world.trust), raise_server_exceptions=False) as client:
        yield Desk(client, world, {"Authorization": f"Bearer {token}"}, settings)
