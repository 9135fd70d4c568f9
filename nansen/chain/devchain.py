"""Local development chain: anvil from node_modules, state persisted in a data directory.

Dev tooling only. It is the one place that uses anvil-only RPC methods (anvil_setBalance to fund
fresh local accounts); nothing a production service runs imports it.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from nansen.endpoint_url import is_loopback_host
from nansen.errors import ChainError, ConfigurationError

DEV_CHAIN_ID = 31337
STATE_FILE = "anvil-state.json"
PROCESS_FILE = "anvil.json"


# chains this process started, so stopping them also reaps them
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


@dataclass(frozen=True)
class DevChain:
    pid: int
    rpc_url: str
    port: int
    chain_id: int
    data_dir: Path


def find_anvil() -> str:
    override = os.environ.get("NANSEN_ANVIL_BIN")
    candidates = [override] if override else []
    candidates.append(str(Path(__file__).resolve().parents[2] / "node_modules" / ".bin" / "anvil"))
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return candidate
    found = shutil.which("anvil")
    if found:
        return found
    raise ConfigurationError(
        "anvil not found",
        user_message="anvil is not installed. Run `make setup` (npm ci installs it into node_modules).",
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _is_loopback_http(url: str, also: frozenset[str] = frozenset()) -> bool:
    """Parsed, not prefix-matched: ``http://127.0.0.1.evil.example`` is not this machine. ``also``
    names other hosts the operator declared dev chains (docker-compose's ``chain``)."""
    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return False
    host = parts.hostname or ""
    return parts.scheme == "http" and "@" not in parts.netloc and (is_loopback_host(host) or host in also)


def _post(
    rpc_url: str,
    method: str,
    params: list[object],
    timeout: float,
    *,
    dev_hosts: frozenset[str] = frozenset(),
) -> dict[str, object]:
    if not _is_loopback_http(rpc_url, dev_hosts):
        raise ConfigurationError(
            f"dev chain helpers only talk to a loopback node, not {rpc_url}",
            user_message=f"Dev chain helpers only talk to a node on this machine, not {rpc_url}; name "
            "other dev chain hosts in NANSEN_DEV_CHAIN_HOSTS (never a real network's node).",
        )
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
    request = urllib.request.Request(rpc_url, body, {"Content-Type": "application/json"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (loopback, checked above)
        reply: dict[str, object] = json.loads(response.read())
    return reply


def rpc_answers(rpc_url: str, timeout: float = 0.5) -> bool:
    try:
        return bool(_post(rpc_url, "eth_chainId", [], timeout).get("result"))
    except (urllib.error.URLError, OSError, ValueError):
        return False


def start(
    data_dir: Path,
    *,
    port: int | None = None,
    chain_id: int = DEV_CHAIN_ID,
    block_time: float | None = None,
    hardfork: str | None = None,
    startup_timeout: float = 20.0,
) -> DevChain:
    """Starts anvil on 127.0.0.1, loading and periodically dumping its state in ``data_dir``."""
    data_dir.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    args = [
        find_anvil(),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--chain-id",
        str(chain_id),
        "--state",
        str(data_dir / STATE_FILE),
        "--state-interval",
        "1",
        "--silent",
    ]
    if block_time:
        args += ["--block-time", str(block_time)]
    if hardfork:  # e.g. "berlin": a chain without EIP-1559 fees, as some private networks still are
        args += ["--hardfork", hardfork]
    with (data_dir / "anvil.log").open("ab") as log:
        process = subprocess.Popen(  # noqa: S603 (our own binary, argument list)
            args, stdout=log, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True
        )
    _CHILDREN[process.pid] = process
    rpc_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + startup_timeout
    while not rpc_answers(rpc_url):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            process.wait()
            _CHILDREN.pop(process.pid, None)
            raise ChainError(
                f"anvil did not start on {rpc_url}",
                user_message=f"The local chain did not start; see {data_dir / 'anvil.log'}.",
            )
        time.sleep(0.05)
    chain = DevChain(pid=process.pid, rpc_url=rpc_url, port=port, chain_id=chain_id, data_dir=data_dir)
    (data_dir / PROCESS_FILE).write_text(
        json.dumps({"pid": chain.pid, "rpc_url": rpc_url, "port": port, "chain_id": chain_id}) + "\n"
    )
    return chain


def running(data_dir: Path) -> DevChain | None:
    """The chain started from ``data_dir`` if it still answers."""
    try:
        raw = json.loads((data_dir / PROCESS_FILE).read_text())
    except (OSError, ValueError):
        return None
    if not rpc_answers(raw["rpc_url"]):
        return None
    return DevChain(raw["pid"], raw["rpc_url"], raw["port"], raw["chain_id"], data_dir)


def stop(data_dir: Path, *, timeout: float = 10.0) -> bool:
    """Stops the chain (SIGTERM lets anvil dump its state); False when none was running."""
    try:
        pid = int(json.loads((data_dir / PROCESS_FILE).read_text())["pid"])
    except (OSError, ValueError, KeyError):
        return False
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        (data_dir / PROCESS_FILE).unlink(missing_ok=True)
        return False
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        _reap(pid)
        time.sleep(0.05)
    else:
        os.kill(pid, signal.SIGKILL)
    child = _CHILDREN.pop(pid, None)
    if child is not None:
        child.wait(timeout)
    (data_dir / PROCESS_FILE).unlink(missing_ok=True)
    return True


def _reap(pid: int) -> None:
    child = _CHILDREN.get(pid)
    if child is not None:
        if child.poll() is not None:
            _CHILDREN.pop(pid, None)
        return
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def fund(rpc_url: str, address: str, wei: int = 10**21, *, dev_hosts: frozenset[str] = frozenset()) -> None:
    """Gives a local account a balance (anvil_setBalance: dev chains only)."""
    reply = _post(rpc_url, "anvil_setBalance", [address, hex(wei)], 5.0, dev_hosts=dev_hosts)
    if "error" in reply:
        raise ChainError(f"anvil_setBalance failed: {reply['error']}")
