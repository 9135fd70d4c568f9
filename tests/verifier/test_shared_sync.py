"""Workers of one verifier share one sync: the real `nansen-verifier serve --workers 2` on anvil,
behind a relay that names the process behind each RPC request (by its socket). Only the worker
holding the instance's lock calls the chain; the other answers from the leader's snapshot; when the
leader is killed another takes over; and when the leader can no longer sync, every worker goes stale
and says so, instead of answering from records nobody confirms any more."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from chain_world import ChainIssuer, chain_issuer
from presenting import eventually, present_online
from rpc_relay import Forward, Message, Relay, refusal, rpc_relay

from nansen.chain import devchain
from nansen.chain.deployment import save_deployment
from verifier.officers import OfficerDirectory
from verifier.settings import VerifierSettings

pytestmark = pytest.mark.chain
SERVE = Path(sys.executable).with_name("nansen-verifier")
STALENESS = 3.0


def children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rpartition(")")[2].split()[1]) == pid:
                found.add(int(stat.parent.name))
        except (OSError, ValueError):
            continue
    return found


def lock_holder(lock: Path) -> int | None:
    """The process holding the flock on ``lock``, from /proc/locks."""
    inode = lock.stat().st_ino
    for line in Path("/proc/locks").read_text().splitlines():
        fields = line.split()
        if "FLOCK" in fields and fields[-3].rsplit(":", 1)[-1] == str(inode):
            return int(fields[-4])
    return None


def process_of_port(port: int, pids: set[int]) -> int | None:
    """Which of ``pids`` owns the loopback TCP socket whose local port is ``port``."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].rsplit(":", 1)[1], 16) == port:
            inodes.add(fields[9])
    for pid in pids:
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                if os.readlink(f"/proc/{pid}/fd/{fd}").strip("socket:[]") in inodes:
                    return pid
        except OSError:
            continue
    return None


@pytest.fixture()
def serving(
    tmp_path: Path,
) -> Iterator[tuple[ChainIssuer, Relay, subprocess.Popen[bytes], httpx.Client, dict[str, str], Path]]:
    chain = devchain.start(tmp_path / "chain")
    server: subprocess.Popen[bytes] | None = None
    try:
        issuer = chain_issuer(chain)
        save_deployment(tmp_path / "deployments", issuer.deployment)
        data_dir = tmp_path / "data"
        token = OfficerDirectory(VerifierSettings(data_dir=data_dir, _env_file=None).officers_file).add(
            "Officer"
        )  # type: ignore[call-arg]
        (tmp_path / "state").mkdir()
        with rpc_relay(chain.rpc_url) as relay:
            port = devchain.free_port()
            settings = {
                "PUBLIC_URL": f"http://127.0.0.1:{port}",
                "RPC_URL": relay.url,
                "CHAIN_ID": str(chain.chain_id),
                "DEPLOYMENTS_DIR": str(tmp_path / "deployments"),
                "DATA_DIR": str(data_dir),
                "STATE_DIR": str(tmp_path / "state"),
                "SYNC_INTERVAL_SECONDS": "0.2",
                "SNAPSHOT_INTERVAL_SECONDS": "0",
                "MAX_STALENESS_SECONDS": str(STALENESS),
            }
            env = {**os.environ, **{f"NANSEN_VERIFIER_{k}": v for k, v in settings.items()}}
            command = [str(SERVE), "serve", "--port", str(port), "--workers", "2"]
            server = subprocess.Popen(command, env=env, start_new_session=True)
            relay.identify = lambda client_port: process_of_port(client_port, children(server.pid))  # type: ignore[union-attr]
            with httpx.Client(base_url=settings["PUBLIC_URL"], timeout=30) as client:
                eventually(lambda: _health(client), lambda h: h.get("status") == "ok", within=60)
                yield issuer, relay, server, client, {"Authorization": f"Bearer {token}"}, data_dir
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            try:
                server.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(5)
        devchain.stop(tmp_path / "chain")


def _health(client: httpx.Client) -> dict[str, Any]:
    try:
        with httpx.Client(base_url=str(client.base_url), timeout=10) as fresh:  # any worker
            return dict(fresh.get("/health").json())
    except httpx.TransportError:
        return {}


def _verdicts(
    client: httpx.Client, headers: dict[str, str], issuer: ChainIssuer, issued: Any, n: int
) -> list[str]:
    results = []
    for _ in range(n):
        with httpx.Client(base_url=str(client.base_url), timeout=30) as fresh:  # a new connection: any worker
            results.append(
                present_online(fresh, headers, issued=issued.compact, holder_key=issuer.holder)[1]["verdict"]
            )
    return results


def test_one_worker_syncs_the_other_follows_and_takes_over(
    serving: tuple[ChainIssuer, Relay, subprocess.Popen[bytes], httpx.Client, dict[str, str], Path],
) -> None:
    issuer, relay, server, client, headers, data_dir = serving
    lock = data_dir / "mirror-default.lock"
    workers = eventually(lambda: children(server.pid), lambda found: len(found) >= 2, within=30)
    leader = eventually(lambda: lock_holder(lock), lambda pid: pid in workers, within=30)
    ((_, issued),) = issuer.issue(1)
    eventually(
        lambda: _verdicts(client, headers, issuer, issued, 6), lambda v: set(v) == {"valid"}, within=30
    )
    assert relay.callers["eth_getLogs"] == {leader}  # the follower never asked the chain for logs
    assert set().union(*relay.callers.values()) == {leader}  # nor anything else

    relay.callers.clear()
    os.kill(leader, signal.SIGKILL)
    successor = eventually(lambda: lock_holder(lock), lambda pid: pid not in (None, leader), within=30)
    ((_, later),) = issuer.issue(1)
    eventually(lambda: _verdicts(client, headers, issuer, later, 6), lambda v: set(v) == {"valid"}, within=30)
    assert relay.callers["eth_getLogs"] == {successor}


def test_when_the_leader_cannot_sync_every_worker_goes_stale(
    serving: tuple[ChainIssuer, Relay, subprocess.Popen[bytes], httpx.Client, dict[str, str], Path],
) -> None:
    issuer, relay, _, client, headers, _ = serving
    ((_, issued),) = issuer.issue(1)
    eventually(
        lambda: _verdicts(client, headers, issuer, issued, 4), lambda v: set(v) == {"valid"}, within=30
    )

    def down(request: Message, forward: Forward) -> Message:
        return refusal(request, "maintenance")

    relay.rewrite = down
    # both workers (a new connection each time lands on either) report the leader's problem and age
    healths = eventually(
        lambda: [_health(client) for _ in range(6)],
        lambda hs: all(h.get("status") == "degraded" and h.get("reason") is not None for h in hs),
        within=30,
    )
    assert all(h["chain"]["synced_seconds_ago"] > STALENESS for h in healths)
    assert set(_verdicts(client, headers, issuer, issued, 4)) == {"unknown"}
