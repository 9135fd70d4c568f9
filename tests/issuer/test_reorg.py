"""Reorganisations that drop the issuer's transactions, on anvil (`anvil_reorg`) mining at once and
mining every 2 s: the revocation is sent again, the dropped anchor is anchored again with the same
root (so the delivered credential verifies again), and anchoring goes on past the nonce gap."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from issuer_desk import CLAIMS, chain_setup, wallet_receive

from issuer.app import create_app
from issuer.bootstrap import bootstrap_admin
from nansen.chain import devchain
from nansen.chain.connection import Connection
from nansen.chain.keystore import keystore_address
from nansen.chain.mirror import ChainMirror
from nansen.chain.records import CredentialStatus
from nansen.credential.verification import CredentialVerifier

pytestmark = pytest.mark.chain


def wait_for(condition: Callable[[], bool], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "not repaired in time"
        time.sleep(0.1)


def head(conn: Connection) -> int:
    return int(conn.rpc("eth_blockNumber", []), 16)


@pytest.fixture(params=[None, 2], ids=["automine", "2s-blocks"])
def world(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[TestClient, object, dict[str, str]]]:
    chain = devchain.start(tmp_path / "chain", block_time=request.param)
    try:
        setup, settings = chain_setup(tmp_path, chain)
        settings = settings.model_copy(update={"credential_wait_seconds": 0.2, "batch_window_ms": 20})
        admin = {"Authorization": f"Bearer {bootstrap_admin(settings, 'Admin')}"}
        with TestClient(create_app(settings), raise_server_exceptions=False) as client:
            yield client, setup, admin
    finally:
        devchain.stop(tmp_path / "chain")


def receive(client: TestClient, admin: dict[str, str]) -> str:
    made = client.post("/offers", json={"claims": CLAIMS}, headers=admin).json()
    result, _ = wallet_receive(client, made["offer_uri"], made["tx_code"])
    deadline = time.monotonic() + 60
    while result["status"] != 200:
        assert time.monotonic() < deadline, "never anchored"
        time.sleep(0.2)
        response = client.post(
            "/deferred_credential",
            headers={"Authorization": f"Bearer {result['access']}"},
            json={"transaction_id": result["body"]["transaction_id"]},
        )
        result = {"status": response.status_code, "body": response.json(), "access": result["access"]}
    return str(result["body"]["credentials"][0]["credential"])


def test_a_reorg_dropping_an_anchor_and_a_revocation_is_repaired(
    world: tuple[TestClient, object, dict[str, str]],
) -> None:
    client, setup, admin = world
    conn: Connection = setup.conn  # type: ignore[attr-defined]
    before = head(conn)
    first, second = receive(client, admin), receive(client, admin)
    rows = client.get("/credentials", headers=admin).json()
    assert [c["state"] for c in rows] == ["delivered", "delivered"]
    roots = {c["batch_root"] for c in rows}
    target = rows[0]
    revoke = client.post(f"/credentials/{target['id']}/revoke", json={"reason": "fraud"}, headers=admin)
    assert revoke.status_code == 202
    issuer = keystore_address(client.app.state.issuer.settings.chain_keystore)  # type: ignore[attr-defined]
    registry = setup.registry  # type: ignore[attr-defined]
    wait_for(lambda: registry.status_of(issuer, target["status_index"]) is CredentialStatus.REVOKED)

    depth = head(conn) - before  # every block since before the first anchor
    reply = conn.w3.provider.make_request("anvil_reorg", [depth, []])  # type: ignore[arg-type]
    assert "error" not in reply, reply
    # the issuer anchors the same roots again and sends the revocation again
    wait_for(lambda: all(registry.batch(bytes.fromhex(root)) is not None for root in roots))
    wait_for(lambda: registry.status_of(issuer, target["status_index"]) is CredentialStatus.REVOKED)
    mirror = ChainMirror(conn, setup.deployment)  # type: ignore[attr-defined]
    mirror.sync()
    verifier = CredentialVerifier(mirror)
    # one valid, one revoked: no anchor:root_not_anchored left
    assert sorted(verifier.verify_issued(c).reason for c in (first, second)) == ["ok", "status:revoked"]
    receive(client, admin)  # and anchoring goes on
    health = client.get("/health").json()
    assert health["status"] == "ok", health
