"""Fixtures: one test world, and credentials anchored in batches of 1 and 100,000 (built once)."""

from __future__ import annotations

import pytest
from offline_support import issued_in_batch
from world import World, make_world


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
