"""Real processes: an issuer with two uvicorn workers, on SQLite and on PostgreSQL, whose workers are
killed (kill -9) while wallets wait for their credentials. Each wallet asks again with the same access
token and the same proof, whichever worker answers, and gets its credential or its deferred
transaction; every credential is issued exactly once with a valid anchor."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from issuer_desk import CLAIMS, chain_setup
from pg import reset_schema
from sqlalchemy import create_engine, text
from test_crash_and_outage import Server, assert_each_anchored_once, collect

from issuer.bootstrap import bootstrap_admin
from nansen.chain import devchain
from nansen.crypto.keys import generate_private_key
from nansen.openid4vci.offer import PRE_AUTHORIZED_GRANT, parse_offer
from nansen.openid4vci.proof import build_proof_jwt

pytestmark = pytest.mark.chain
WALLETS = 4


@pytest.fixture()
def issuer(tmp_path: Path, database_url: str) -> Iterator[tuple[Server, str, object, Path]]:
    chain_dir = tmp_path / "chain"
    chain = devchain.start(chain_dir)
    server = None
    try:
        setup, settings = chain_setup(tmp_path, chain)
        if database_url:
            reset_schema(database_url)
            settings = settings.model_copy(update={"database_url": database_url})
        token = bootstrap_admin(settings, "Admin")
        server = Server(settings, devchain.free_port(), workers=2)
        server.env["NANSEN_ISSUER_CREDENTIAL_WAIT_SECONDS"] = "30"  # answers still owed when killed
        server.start()
        yield server, token, setup, chain_dir
    finally:
        if server is not None:
            server.stop()
        devchain.stop(chain_dir)


def _wallet(base: str, admin: str) -> tuple[dict[str, str], dict[str, object]]:
    """Offer, token, nonce and proof: the credential request a wallet sends (and sends again)."""
    made = httpx.post(
        f"{base}/offers", json={"claims": CLAIMS}, headers={"Authorization": f"Bearer {admin}"}, timeout=10
    ).json()
    offer = parse_offer(made["offer_uri"])
    form = {
        "grant_type": PRE_AUTHORIZED_GRANT,
        "pre-authorized_code": offer.pre_authorized_code,
        "tx_code": made["tx_code"],
    }
    access = httpx.post(f"{base}/token", data=form, timeout=10).json()["access_token"]
    nonce = httpx.post(f"{base}/nonce", timeout=10).json()["c_nonce"]
    proof = build_proof_jwt(
        holder_key=generate_private_key(), audience=offer.credential_issuer, nonce=nonce, iat=int(time.time())
    )
    request = {"credential_configuration_id": "refugee_identity", "proofs": {"jwt": [proof]}}
    return {"Authorization": f"Bearer {access}"}, request


def _workers(master: int) -> list[int]:
    """The uvicorn master's worker processes (not multiprocessing's resource tracker)."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return [
        int(pid) for pid in children if b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes()
    ]


def _queued(database: str) -> int:
    engine = create_engine(database)
    try:
        with engine.connect() as db:
            return int(db.execute(text("SELECT count(*) FROM credentials")).scalar_one())
    finally:
        engine.dispose()


def test_a_wallet_whose_worker_died_gets_its_credential_on_retry(
    issuer: tuple[Server, str, object, Path],
) -> None:
    server, admin, setup, chain_dir = issuer
    base = f"http://127.0.0.1:{server.port}"
    port = int(server.env["NANSEN_ISSUER_RPC_URL"].rsplit(":", 1)[1])
    database = server.env.get("NANSEN_ISSUER_DATABASE_URL") or (
        f"sqlite:///{Path(server.env['NANSEN_ISSUER_DATA_DIR']) / 'issuer.sqlite'}"
    )
    wallets = [_wallet(base, admin) for _ in range(WALLETS)]
    devchain.stop(chain_dir)  # nothing is anchored: every answer is still owed when the workers die
    lost: list[BaseException | int] = []

    def ask(auth: dict[str, str], request: dict[str, object]) -> None:
        try:
            lost.append(httpx.post(f"{base}/credential", headers=auth, json=request, timeout=60).status_code)
        except httpx.TransportError as exc:
            lost.append(exc)

    threads = [threading.Thread(target=ask, args=wallet) for wallet in wallets]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 30
    while _queued(database) < WALLETS:  # every request is committed and waiting for its answer
        assert time.monotonic() < deadline, "the credential requests were not queued"
        time.sleep(0.1)
    assert server.process is not None
    workers = _workers(server.process.pid)
    assert len(workers) == 2
    for pid in workers:
        os.kill(pid, signal.SIGKILL)
    for thread in threads:
        thread.join(60)
    assert len(lost) == WALLETS and all(isinstance(x, httpx.TransportError) for x in lost), lost
    devchain.start(chain_dir, port=port)
    deadline = time.monotonic() + 90  # a new worker starts and migrates; slow on a loaded machine
    while True:  # the supervisor replaces the killed workers
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, "no worker came back"
        time.sleep(0.2)
    pending = []
    for auth, request in wallets:  # the same request again: same access token, same proof
        response = httpx.post(f"{base}/credential", headers=auth, json=request, timeout=60)
        body = response.json()
        access = auth["Authorization"].removeprefix("Bearer ")
        if response.status_code == 200:
            pending.append({"access": access, "credential": body["credentials"][0]["credential"]})
        else:
            assert response.status_code == 202, body
            pending.append({"access": access, "transaction_id": body["transaction_id"]})
    assert _queued(database) == WALLETS  # the retries made no second credential
    assert_each_anchored_once(setup, collect(base, pending), expected=WALLETS)
