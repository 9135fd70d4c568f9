"""Fixtures: one test world, credentials anchored in batches of 1 and 100,000 (built once), and the
real verifier over that world."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from offline_support import issued_in_batch
from world import World, make_world

from verifier.app import create_app
from verifier.officers import OfficerDirectory
from verifier.settings import VerifierSettings


@pytest.fixture(scope="module")
def world() -> World:
    return make_world()


@pytest.fixture(scope="module")
def deep_credential(world: World) -> str:
    """Anchored in a batch of 100,000: the largest the issuer allows, a proof of depth 17."""
    return issued_in_batch(world, 100_000)


@pytest.fixture(scope="module")
def small_credential(world: World) -> str:
    return issued_in_batch(world, 1)


@pytest.fixture()
def verifier_desk(world: World, tmp_path: Path) -> Iterator[tuple[TestClient, dict[str, str]]]:
    """The real verifier app over the world's trust source, and an officer's headers."""
    settings = VerifierSettings(
        public_url="https://verifier.example",
        data_dir=tmp_path / "data",
        state_dir=tmp_path / "state",
        _env_file=None,  # type: ignore[call-arg]
    )
    token = OfficerDirectory(settings.officers_file).add("Officer Offline")
    with TestClient(create_app(settings, trust=world.trust), raise_server_exceptions=False) as client:
        yield client, {"Authorization": f"Bearer {token}"}
