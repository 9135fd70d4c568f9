"""The anchoring pipeline never dies: a dry chain account, a nonce taken by another sender and a
chain that stops answering are reported by /health and /metrics with the reason, and anchoring
resumes by itself once the cause is gone. Real anvil, the issuer app in process."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from issuer_desk import CLAIMS, PASSPHRASE, ChainSetup, chain_setup, wallet_receive

from issuer.app import create_app
from issuer.bootstrap import bootstrap_admin
from issuer.keys import create_signing_key
from issuer.lease import FileLease
from issuer.settings import IssuerSettings
from nansen.chain import devchain
from nansen.chain.keystore import keystore_address, load_account
from nansen.chain.transactions import TransactionSender

pytestmark = pytest.mark.chain


class Desk:
    def __init__(self, client: TestClient, setup: ChainSetup, settings: IssuerSettings, admin: str) -> None:
        self.client = client
        self.setup = setup
        self.settings = settings
        self.headers = {"Authorization": f"Bearer {admin}"}
        self.address = keystore_address(settings.chain_keystore)

    def receive(self) -> dict[str, object]:
        made = self.client.post("/offers", json={"claims": CLAIMS}, headers=self.headers).json()
        result, _ = wallet_receive(self.client, made["offer_uri"], made["tx_code"])
        return result

    def collect(self, pending: dict[str, object], timeout: float = 30) -> str:
        """The deferred credential, asked for until it is ready (bounded)."""
        if pending["status"] == 200:
            return str(pending["body"]["credentials"][0]["credential"])  # type: ignore[index]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            response = self.client.post(
                "/deferred_credential",
                headers={"Authorization": f"Bearer {pending['access']}"},
                json={"transaction_id": pending["body"]["transaction_id"]},  # type: ignore[index]
            )
            if response.status_code == 200:
                return str(response.json()["credentials"][0]["credential"])
            assert response.status_code == 202, response.text
            time.sleep(0.1)
        raise AssertionError("the credential was never anchored")

    def set_balance(self, wei: int) -> None:
        devchain.fund(self.setup.chain.rpc_url, self.address, wei)


def wait_for(condition: Callable[[], object], timeout: float = 30) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("condition not reached in time")


@pytest.fixture()
def make_desk(tmp_path: Path) -> Iterator[Callable[..., Desk]]:
    """An issuer app on a fresh anvil; ``balance`` (wei) is set on its chain account before it starts."""
    chain = devchain.start(tmp_path / "chain")
    clients: list[TestClient] = []

    def make(balance: int | None = None, **overrides: object) -> Desk:
        setup, settings = chain_setup(tmp_path, chain)
        settings = settings.model_copy(
            update={"credential_wait_seconds": 0.2, "batch_window_ms": 20, **overrides}
        )
        if balance is not None:
            devchain.fund(chain.rpc_url, keystore_address(settings.chain_keystore), balance)
        client = TestClient(create_app(settings), raise_server_exceptions=False)
        client.__enter__()
        clients.append(client)
        return Desk(client, setup, settings, bootstrap_admin(settings, "Admin"))

    try:
        yield make
    finally:
        for client in clients:
            client.__exit__(None, None, None)
        devchain.stop(tmp_path / "chain")


def test_a_dry_account_degrades_health_then_anchoring_resumes_when_funded(
    make_desk: Callable[..., Desk],
) -> None:
    desk = make_desk()
    desk.set_balance(10**12)  # 0.000001 ETH: less than one anchoring transaction costs
    pending = desk.receive()
    assert pending["status"] == 202  # deferred: the credential waits
    health = wait_for(lambda: (h := desk.client.get("/health").json())["status"] == "degraded" and h)
    assert isinstance(health, dict)
    assert f"account {desk.address} has 0.000001 ETH on chain 31337" in health["reason"]
    assert "fund it" in health["reason"] and health["queued_credentials"] == 1
    metrics = desk.client.get("/metrics").text
    assert "nansen_issuer_pipeline_degraded 1.0" in metrics
    assert "nansen_issuer_queued_credentials 1.0" in metrics
    desk.set_balance(10**21)
    assert desk.collect(pending).count("~") >= 2  # anchored and signed once the account has ETH
    health = wait_for(lambda: (h := desk.client.get("/health").json())["status"] == "ok" and h)
    assert isinstance(health, dict) and health["reason"] is None
    assert "nansen_issuer_pipeline_degraded 0.0" in desk.client.get("/metrics").text


def test_a_nonce_taken_by_another_sender_is_read_again_and_anchoring_goes_on(
    make_desk: Callable[..., Desk],
) -> None:
    desk = make_desk()
    desk.collect(desk.receive())  # the pipeline now has its next nonce cached
    other = TransactionSender(desk.setup.conn, load_account(desk.settings.chain_keystore, PASSPHRASE))
    writer = desk.setup.registry.writer(other)
    for _ in range(2):  # a command run beside the service, from the same account, bypassing the lease
        key = create_signing_key(desk.settings.data_dir / f"extra-{time.monotonic_ns()}.pem", PASSPHRASE)
        writer.add_key(key.kid_bytes, key.key.public_key().raw(), int(time.time()) - 60)
    assert desk.collect(desk.receive()).count("~") >= 2
    assert desk.client.get("/health").json()["status"] == "ok"


def test_a_low_balance_is_warned_about_while_anchoring_still_works(make_desk: Callable[..., Desk]) -> None:
    desk = make_desk(balance=10**16)  # 0.01 ETH: a few dozen batches at anvil's fees, under 200
    health = wait_for(lambda: (h := desk.client.get("/health").json())["warning"] and h)
    assert isinstance(health, dict) and health["status"] == "ok"
    assert f"chain account {desk.address} has 0.01 ETH, enough for about" in health["warning"]
    assert "fund it soon" in health["warning"]
    assert "nansen_issuer_chain_balance_low 1.0" in desk.client.get("/metrics").text
    assert desk.collect(desk.receive()).count("~") >= 2


def test_a_chain_that_stops_answering_is_reported_then_anchoring_resumes(
    make_desk: Callable[..., Desk], tmp_path: Path
) -> None:
    desk = make_desk()
    devchain.stop(tmp_path / "chain")
    pending = desk.receive()
    health = wait_for(lambda: (h := desk.client.get("/health").json())["status"] == "degraded" and h)
    assert isinstance(health, dict) and "Cannot reach the blockchain node" in health["reason"]
    assert "NANSEN_ISSUER_RPC_URL is right" in health["reason"]  # the issuer's own setting
    devchain.start(tmp_path / "chain", port=desk.setup.chain.port)
    assert desk.collect(pending).count("~") >= 2
    wait_for(lambda: desk.client.get("/health").json()["status"] == "ok")


def test_commands_sending_from_the_issuer_account_refuse_while_the_service_holds_the_lease(
    make_desk: Callable[..., Desk], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from issuer.cli import main

    desk = make_desk()
    wait_for(lambda: desk.client.get("/health").json()["status"] == "ok")
    settings = desk.settings
    for name in ("issuer_id", "rpc_url", "chain_id", "deployments_dir", "signing_key_file", "chain_keystore"):
        monkeypatch.setenv(f"NANSEN_ISSUER_{name.upper()}", str(getattr(settings, name)))
    monkeypatch.setenv("NANSEN_ISSUER_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("NANSEN_ISSUER_SIGNING_KEY_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("NANSEN_ISSUER_CHAIN_KEYSTORE_PASSPHRASE", PASSPHRASE)
    key_before = settings.signing_key_file.read_bytes()
    assert main(["rotate-key"]) == 1
    assert "A running issuer service sends from this chain account" in capsys.readouterr().err
    assert settings.signing_key_file.read_bytes() == key_before  # nothing changed
    assert not settings.signing_key_file.with_name(settings.signing_key_file.name + ".next").exists()
    desk.client.__exit__(None, None, None)  # the service stops and lets go of the lease
    lease = FileLease(Path(settings.database.removeprefix("sqlite:///")).with_suffix(".anchoring.lock"))
    assert lease.try_acquire()  # free now
    lease.release()
    assert main(["rotate-key"]) == 0
    assert settings.signing_key_file.read_bytes() != key_before
