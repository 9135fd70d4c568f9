"""The verifier under test: an app over an in-memory trust source, with one officer."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi.testclient import TestClient
from world import World

from verifier.settings import VerifierSettings


@dataclass
class Desk:
    client: TestClient
    world: World
    headers: dict[str, str]
    settings: VerifierSettings
