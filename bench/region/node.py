"""An anvil process for the region chain (its own flags: no periodic state dumps, mining on demand)
and raw JSON-RPC to it, batched, since the generator sends tens of thousands of transactions."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nansen.chain import devchain


class NodeError(RuntimeError):
    pass


@dataclass(frozen=True)
class Node:
    rpc_url: str
    pid: int

    def call(self, method: str, params: Sequence[Any] = (), *, timeout: float = 600.0) -> Any:
        reply = self._post({"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}, timeout)
        if "error" in reply:
            raise NodeError(f"{method}: {reply['error']}")
        return reply["result"]

    def call_many(self, calls: Sequence[tuple[str, Sequence[Any]]], *, timeout: float = 600.0) -> list[Any]:
        """One HTTP request carrying a JSON-RPC batch; every answer must be a result."""
        body = [{"jsonrpc": "2.0", "id": i, "method": m, "params": list(p)} for i, (m, p) in enumerate(calls)]
        replies = sorted(self._post(body, timeout), key=lambda reply: reply["id"])
        failed = [reply["error"] for reply in replies if "error" in reply]
        if failed:
            raise NodeError(f"{len(failed)} of {len(calls)} calls refused, first: {failed[0]}")
        return [reply["result"] for reply in replies]

    def _post(self, body: object, timeout: float) -> Any:
        request = urllib.request.Request(
            self.rpc_url, json.dumps(body).encode(), {"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read())


@contextmanager
def anvil(
    log_dir: Path,
    *,
    load_state: Path | None = None,
    start_time: int | None = None,
    mining: bool = True,
    prune_history: bool = False,
) -> Iterator[Node]:
    """A fresh anvil on a free loopback port for as long as the block runs. ``prune_history`` keeps
    no past states: with a region's state anvil copies it for every block it mines otherwise, and
    mines 3 empty blocks a second here (past states only serve calls at old blocks)."""
    port = devchain.free_port()
    args = [devchain.find_anvil(), "--host", "127.0.0.1", "--port", str(port), "--silent"]
    args += ["--chain-id", str(devchain.DEV_CHAIN_ID)]
    if load_state is not None:
        args += ["--load-state", str(load_state)]
    if start_time is not None:
        args += ["--timestamp", str(start_time)]
    if not mining:
        args.append("--no-mining")
    if prune_history:
        args.append("--prune-history")
    log_dir.mkdir(parents=True, exist_ok=True)
    with (log_dir / "anvil.log").open("ab") as log:
        process = subprocess.Popen(
            args, stdout=log, stderr=log, stdin=subprocess.DEVNULL, start_new_session=True
        )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 300  # loading a region's state takes a while
        while not devchain.rpc_answers(url):
            if process.poll() is not None or time.monotonic() > deadline:
                raise NodeError(f"anvil did not start; see {log_dir / 'anvil.log'}")
            time.sleep(0.1)
        yield Node(url, process.pid)
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
