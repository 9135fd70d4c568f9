"""The verifier under test: an app over an in-memory trust source, with one officer."""

from __future__ import annotations

import threading
from collections.abc import Callable
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


def all_at_once(count: int, post: Callable[[], int]) -> list[int]:
    """The status codes of ``count`` calls of ``post`` released together from their own threads."""
    codes: list[int] = []
    barrier = threading.Barrier(count)

    def run() -> None:
        barrier.wait()
        codes.append(post())

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return codes
