"""SQLite's write lock held by someone else past the busy timeout: the request is answered 503 with
Retry-After (never a 500), nothing changes, and the same request succeeds once the lock is gone."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from issuer_desk import CLAIMS, chain_setup

from issuer.app import create_app
from issuer.bootstrap import bootstrap_admin
from issuer.settings import IssuerSettings
from nansen.chain import devchain
from nansen.openid4vci.offer import PRE_AUTHORIZED_GRANT, parse_offer

pytestmark = pytest.mark.chain


@contextmanager
def _write_lock_held(database: Path) -> Iterator[None]:
    """Another process's writer, as a backup tool or a second issuer would hold it (WAL readers go on)."""
    other = sqlite3.connect(database, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        yield
        other.execute("ROLLBACK")
    finally:
        other.close()


@pytest.fixture()
def issuer(tmp_path: Path) -> Iterator[tuple[TestClient, IssuerSettings, dict[str, str]]]:
    chain = devchain.start(tmp_path / "chain")
    try:
        _, base = chain_setup(tmp_path, chain)
        settings = base.model_copy(update={"database_busy_timeout_seconds": 0.2})
        staff = {"Authorization": f"Bearer {bootstrap_admin(settings, 'Admin')}"}
        with TestClient(create_app(settings), raise_server_exceptions=False) as client:
            yield client, settings, staff
    finally:
        devchain.stop(tmp_path / "chain")


def _database(settings: IssuerSettings) -> Path:
    return Path(settings.database.removeprefix("sqlite:///"))


def test_a_held_write_lock_is_503_with_retry_after_and_changes_nothing(
    issuer: tuple[TestClient, IssuerSettings, dict[str, str]],
) -> None:
    client, settings, staff = issuer
    made = client.post("/offers", json={"claims": CLAIMS}, headers=staff).json()
    form = {
        "grant_type": PRE_AUTHORIZED_GRANT,
        "pre-authorized_code": parse_offer(made["offer_uri"]).pre_authorized_code,
        "tx_code": "000000" if made["tx_code"] != "000000" else "111111",  # a wrong one: would count
    }
    with _write_lock_held(_database(settings)):
        busy_offer = client.post("/offers", json={"claims": CLAIMS}, headers=staff)
        assert busy_offer.status_code == 503, busy_offer.text
        assert busy_offer.headers["retry-after"] == "2"
        assert busy_offer.headers["content-type"] == "application/problem+json"
        assert "Amina" not in busy_offer.text
        for _ in range(settings.tx_code_attempts + 1):
            busy_token = client.post("/token", data=form)
            assert busy_token.status_code == 503, busy_token.text
            assert busy_token.json()["error"] == "temporarily_unavailable"
            assert busy_token.headers["retry-after"] == "2"
    with sqlite3.connect(_database(settings)) as reader:
        assert reader.execute("SELECT count(*) FROM offers").fetchone() == (1,)  # the busy one was not made
    # the wrong tx_codes sent while busy did not count: the right one still opens the offer
    right = client.post("/token", data=form | {"tx_code": made["tx_code"]})
    assert right.status_code == 200, right.text


def test_the_console_shows_a_busy_page(issuer: tuple[TestClient, IssuerSettings, dict[str, str]]) -> None:
    client, settings, staff = issuer
    token = staff["Authorization"].removeprefix("Bearer ")
    form = client.get("/console/sign-in").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', form)
    assert csrf is not None
    with _write_lock_held(_database(settings)):
        page = client.post(
            "/console/sign-in",
            data={"csrf_token": csrf.group(1), "token": token},
            headers={"Accept-Language": "ar"},
        )
    assert page.status_code == 503 and page.headers["retry-after"] == "2"
    assert "جهة الإصدار مشغولة" in page.text
