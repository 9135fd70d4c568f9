"""Fixtures: a real chain and an issuer app with an administrator and an officer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from issuer_desk import Office, chain_setup
from pg import postgres_server, reset_schema

from issuer.app import create_app
from issuer.bootstrap import bootstrap_admin
from nansen.chain import devchain


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str:
    if request.param == "sqlite":
        return ""
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.fixture()
def office(tmp_path: Path, database_url: str) -> Iterator[Office]:
    chain = devchain.start(tmp_path / "chain")
    try:
        setup, settings = chain_setup(tmp_path, chain)
        if database_url:
            reset_schema(database_url)
            settings = settings.model_copy(update={"database_url": database_url})
        admin = {"Authorization": f"Bearer {bootstrap_admin(settings, 'Admin')}"}
        with TestClient(create_app(settings), raise_server_exceptions=False) as client:
            created = client.post("/staff", json={"name": "Officer", "role": "officer"}, headers=admin)
            officer = {"Authorization": f"Bearer {created.json()['token']}"}
            yield Office(client, setup, settings, admin, officer)
    finally:
        devchain.stop(tmp_path / "chain")
