"""A credential presented the moment it is delivered is never "invalid" because the verifier's
mirror has not seen its root yet: real `nansen-verifier serve` processes (one and two workers, each
worker with its own mirror) on a real anvil chain, with CONFIRMATIONS 0 and 2. And a root that was
truly never anchored still turns "invalid" once the mirror's confirmed chain is past the bound."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from chain_world import ChainIssuer, chain_issuer
from presenting import eventually, present_online

from nansen.chain import devchain
from nansen.chain.deployment import save_deployment
from nansen.sdjwt.issuance import IssuedSdJwt
from verifier.officers import OfficerDirectory
from verifier.settings import VerifierSettings

pytestmark = pytest.mark.chain
SERVE = Path(sys.executable).with_name("nansen-verifier")
# so long that the mirror syncs once, at start-up, and never again within a test: a root anchored
# after that start is unseen for certain (with a 1 s interval it would only be unseen for a moment)
NEVER = 3600.0


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[devchain.DevChain, ChainIssuer, Path]]:
    root = tmp_path_factory.mktemp("fresh")
    chain = devchain.start(root / "chain")
    try:
        issuer = chain_issuer(chain)
        save_deployment(root / "deployments", issuer.deployment)
        yield chain, issuer, root
    finally:
        devchain.stop(root / "chain")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def verifier_serving(
    world: tuple[devchain.DevChain, ChainIssuer, Path],
    name: str,
    *,
    workers: int,
    confirmations: int,
    sync_interval: float,
    anchor_grace: int = 600,
) -> Iterator[tuple[httpx.Client, dict[str, str]]]:
    """`nansen-verifier serve --workers N` as an operator runs it, and an officer's client for it."""
    chain, _, root = world
    port = _free_port()
    settings = {
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
        "RPC_URL": chain.rpc_url,
        "CHAIN_ID": str(chain.chain_id),
        "DEPLOYMENTS_DIR": str(root / "deployments"),
        "DATA_DIR": str(root / name / "data"),
        "STATE_DIR": str(root / name / "state"),
        "CONFIRMATIONS": str(confirmations),
        "SYNC_INTERVAL_SECONDS": str(sync_interval),
        "MAX_STALENESS_SECONDS": str(max(30.0, 2 * sync_interval)),
        "ANCHOR_GRACE_SECONDS": str(anchor_grace),
    }
    (root / name / "state").mkdir(parents=True)
    data_dir = root / name / "data"
    token = OfficerDirectory(VerifierSettings(data_dir=data_dir, _env_file=None).officers_file).add("Officer")  # type: ignore[call-arg]
    env = {**os.environ, **{f"NANSEN_VERIFIER_{k}": v for k, v in settings.items()}}
    command = [str(SERVE), "serve", "--port", str(port), "--workers", str(workers)]
    server = subprocess.Popen(command, env=env, start_new_session=True)  # its workers share its group
    try:
        with httpx.Client(base_url=settings["PUBLIC_URL"], timeout=30) as client:
            eventually(lambda: _health(client, server), lambda h: h.get("status") == "ok", within=60)
            yield client, {"Authorization": f"Bearer {token}"}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(5)


def _health(client: httpx.Client, server: subprocess.Popen[bytes]) -> dict[str, Any]:
    assert server.poll() is None, "the verifier exited"
    try:
        return dict(client.get("/health").json())
    except httpx.TransportError:
        return {}


def _present(client: httpx.Client, headers: dict[str, str], issuer: ChainIssuer, issued: IssuedSdJwt) -> Any:
    with httpx.Client(base_url=str(client.base_url), timeout=30) as fresh:  # a new connection: any worker
        posted, result = present_online(fresh, headers, issued=issued.compact, holder_key=issuer.holder)
    assert posted.json()["verdict"] == result["verdict"]
    return result


@pytest.mark.parametrize("workers", [1, 2])
def test_delivered_now_without_confirmations_is_never_invalid(
    world: tuple[devchain.DevChain, ChainIssuer, Path], workers: int
) -> None:
    _, issuer, _ = world
    with verifier_serving(world, f"c0-w{workers}", workers=workers, confirmations=0, sync_interval=NEVER) as (
        client,
        headers,
    ):
        # /health answered, so a worker's mirror has synced (start-up waits for that), and never
        # will again: the root anchored now is unseen by it. A second worker may have started after
        # the anchoring and seen it; no test can tell which worker answers, so: unseen or valid.
        (_, issued), *_ = issuer.issue()
        results = [_present(client, headers, issuer, issued) for _ in range(5 * workers)]
        assert {(r["verdict"], r["reason"]) for r in results} <= {
            ("unknown", "anchor:root_not_yet_seen"),
            ("valid", "ok"),
        }, results
        unseen = [r for r in results if r["verdict"] == "unknown"]
        assert all(r["claims"] == {} and "not seen yet" in r["detail"] for r in unseen)
        if workers == 1:
            assert len(unseen) == len(results)


@pytest.mark.parametrize("workers", [1, 2])
def test_delivered_now_with_two_confirmations_is_unknown_then_valid(
    world: tuple[devchain.DevChain, ChainIssuer, Path], workers: int
) -> None:
    _, issuer, _ = world
    with verifier_serving(world, f"c2-w{workers}", workers=workers, confirmations=2, sync_interval=0.2) as (
        client,
        headers,
    ):
        (_, issued), *_ = issuer.issue()  # anvil mines a block per transaction: the mirror stays 2 behind
        for _ in range(3 * workers):
            result = _present(client, headers, issuer, issued)
            assert (result["verdict"], result["reason"]) == ("unknown", "anchor:root_not_yet_seen")
        for _ in range(2):
            issuer.conn.rpc("evm_mine", [])
        seen = eventually(
            lambda: [_present(client, headers, issuer, issued) for _ in range(2 * workers)],
            lambda results: all(r["verdict"] == "valid" for r in results),
            within=30,
        )
        assert all(r["verdict"] != "invalid" for r in seen)


def test_a_root_never_anchored_turns_invalid_once_the_mirror_is_past_the_bound(
    world: tuple[devchain.DevChain, ChainIssuer, Path],
) -> None:
    _, issuer, _ = world
    with verifier_serving(world, "never", workers=1, confirmations=2, sync_interval=0.2, anchor_grace=2) as (
        client,
        headers,
    ):
        (_, forged), *_ = issuer.issue(anchor=False)  # signed with the accredited key, never anchored
        assert _present(client, headers, issuer, forged)["reason"] == "anchor:root_not_yet_seen"
        # four blocks 3 s apart: the mirror, 2 behind, then holds one stamped past anchored_at + 2
        issuer.conn.rpc("anvil_mine", ["0x4", "0x3"])
        result = eventually(
            lambda: _present(client, headers, issuer, forged),
            lambda r: r["verdict"] != "unknown",
            within=30,
        )
        assert (result["verdict"], result["reason"]) == ("invalid", "anchor:root_not_anchored")
