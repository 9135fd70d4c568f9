"""Fixtures: a real chain and an issuer app with an administrator and an officer."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from issuer_desk import ChainSetup, chain_setup

from issuer.app import create_app
from issuer.bootstrap import bootstrap_admin
from issuer.settings import IssuerSettings
from nansen.chain import devchain


@dataclass
class Office:
    client: TestClient
    chain: ChainSetup
    settings: IssuerSettings
    admin: dict[str, str]
    officer: dict[str, str]


@pytest.fixture()
def office(tmp_path: Path) -> Iterator[Office]:
    chain = devchain.start(tmp_path / "chain")
    try:
        setup, settings = chain_setup(tmp_path, chain)
        admin = {"Authorization": f"Bearer {bootstrap_admin(settings, 'Admin')}"}
        with TestClient(create_app(settings), raise_server_exceptions=False) as client:
            created = client.post("/staff", json={"name": "Officer", "role": "officer"}, headers=admin)
            officer = {"Authorization": f"Bearer {created.json()['token']}"}
            yield Office(client, setup, settings, admin, officer)
    finally:
        devchain.stop(tmp_path / "chain")
