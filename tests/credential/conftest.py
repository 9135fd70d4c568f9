"""Fixtures for credential tests; the in-memory world lives in credential_world.py."""

from __future__ import annotations

import pytest
from credential_world import World, make_world


@pytest.fixture()
def world() -> World:
    return make_world()
