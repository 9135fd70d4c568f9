"""Loopback JSON-RPC relays that stand between a mirror and the node, so what a poor link or a public
node's limits cost is measured on the wire:

- ``shaped_relay``: a border post's link, 256 kbit/s each way and a 300 ms round trip. Each HTTP
  request waits half the round trip and its bytes' time on the uplink, the answer half the round
  trip and is then written in slices at the downlink's rate; one link, so concurrent requests queue.
- ``capped_relay``: a public node's ``eth_getLogs`` limits, answered as the providers answer them:
  a range wider than the cap is refused before the node is asked (Infura's live answer, code
  -32602 "range N exceeds limit of M", INFURA/infura#237), a result longer than the cap after it
  (the geth-style -32005 "query returned more than N results" Infura documents).

Both are one ``Relay`` whose ``Policy`` the bench may change between phases; it counts HTTP
requests, JSON-RPC calls and bytes each way (bodies and HTTP headers).
"""

from __future__ import annotations

import gzip
import json
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

SLICE_BYTES = 1_460  # one TCP segment's payload: the unit the downlink paces


@dataclass
class WireCounts:
    requests: int = 0
    calls: int = 0
    bytes_up: int = 0
    bytes_down: int = 0
    refused: int = 0
    methods: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, calls: list[dict[str, Any]], up: int, down: int, refused: int) -> None:
        with self._lock:
            self.requests += 1
            self.calls += len(calls)
            self.bytes_up += up
            self.bytes_down += down
            self.refused += refused
            for call in calls:
                method = str(call.get("method"))
                self.methods[method] = self.methods.get(method, 0) + 1

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return {
                "requests": self.requests,
                "calls": self.calls,
                "bytes_up": self.bytes_up,
                "bytes_down": self.bytes_down,
                "refused": self.refused,
            }


class Link:
    """One direction of a link: bytes take their turn and ``len / rate`` seconds each."""

    def __init__(self, bytes_per_second: float) -> None:
        self._rate = bytes_per_second
        self._free_at = 0.0
        self._lock = threading.Lock()

    def send(self, size: int) -> None:
        with self._lock:
            start = max(time.monotonic(), self._free_at)
            self._free_at = start + size / self._rate
            done = self._free_at
        time.sleep(max(0.0, done - time.monotonic()))


def _forward(upstream: str, body: bytes) -> bytes:
    request = urllib.request.Request(
        upstream, data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=600) as answer:
        payload: bytes = answer.read()
    return payload


@dataclass(frozen=True)
class Shape:
    """A link's rate each way and round trip; ``gzip`` answers compressed to a client that accepts
    it, as geth's HTTP server does (anvil does not, so without the relay the bytes would be raw)."""

    kbit_per_second: float = 256.0
    round_trip: float = 0.3
    gzip: bool = True


@dataclass(frozen=True)
class Cap:
    max_results: int = 1_000
    max_blocks: int = 2_000


@dataclass
class Policy:
    shape: Shape | None = None
    cap: Cap | None = None


class Relay:
    """A relay whose policy may change between phases of a bench (a post's link comes and goes)."""

    def __init__(self, upstream: str, policy: Policy | None = None) -> None:
        self.upstream = upstream
        self.policy = policy or Policy()
        self.counts = WireCounts()
        self._links: dict[Shape, tuple[Link, Link]] = {}
        relay = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as a client's connection pool uses it

            def do_POST(self) -> None:
                relay._handle(self)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, name="rpc-relay", daemon=True)

    def __enter__(self) -> Relay:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _link(self, shape: Shape) -> tuple[Link, Link]:
        if shape not in self._links:
            rate = shape.kbit_per_second * 1000 / 8
            self._links[shape] = (Link(rate), Link(rate))
        return self._links[shape]

    def _ask_node(self, call: dict[str, Any]) -> dict[str, Any]:
        answer: dict[str, Any] = json.loads(_forward(self.upstream, json.dumps(call).encode()))
        return answer

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        policy = self.policy
        body = handler.rfile.read(int(handler.headers.get("Content-Length", "0")))
        up = len(body) + sum(len(k) + len(v) + 4 for k, v in handler.headers.items())
        if policy.shape is not None:
            uplink, downlink = self._link(policy.shape)
            uplink.send(up)
            time.sleep(policy.shape.round_trip / 2)
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
        calls = [c for c in (parsed if isinstance(parsed, list) else [parsed]) if isinstance(c, dict)]
        refused = 0
        if policy.cap is not None and calls:  # each call of a batch meets the limits on its own
            answers = [_capped(policy.cap, call, self._ask_node) or self._ask_node(call) for call in calls]
            refused = sum("error" in answer for answer in answers)
            payload = json.dumps(answers if isinstance(parsed, list) else answers[0]).encode()
        else:
            payload = _forward(self.upstream, body)
        encoding = ""
        if (
            policy.shape is not None
            and policy.shape.gzip
            and "gzip" in handler.headers.get("Accept-Encoding", "")
        ):
            payload, encoding = gzip.compress(payload, compresslevel=6), "Content-Encoding: gzip\r\n"
        head = (
            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            f"{encoding}Content-Length: {len(payload)}\r\n\r\n"
        ).encode()
        if policy.shape is not None:
            time.sleep(policy.shape.round_trip / 2)
        handler.wfile.write(head)
        for start in range(0, len(payload), SLICE_BYTES):
            chunk = payload[start : start + SLICE_BYTES]
            if policy.shape is not None:
                downlink.send(len(chunk))
            handler.wfile.write(chunk)
        handler.wfile.flush()
        self.counts.add(calls, up, len(head) + len(payload), refused)


def _capped(
    cap: Cap, call: dict[str, Any], ask_node: Callable[[dict[str, Any]], dict[str, Any]]
) -> dict[str, Any] | None:
    """A public node's answer to an ``eth_getLogs`` past its limits, or None to pass the call on."""
    if call.get("method") != "eth_getLogs":
        return None
    params = call.get("params") or [{}]
    query = params[0] if isinstance(params[0], dict) else {}
    head: int | None = None

    def block(tag: object) -> int:
        nonlocal head
        if isinstance(tag, str) and tag.startswith("0x"):
            return int(tag, 16)
        if tag == "earliest":
            return 0
        if head is None:
            asked = ask_node({"jsonrpc": "2.0", "id": 0, "method": "eth_blockNumber", "params": []})
            head = int(asked["result"], 16)
        return head

    first, last = block(query.get("fromBlock", "latest")), block(query.get("toBlock", "latest"))
    ident = call.get("id")
    if last - first + 1 > cap.max_blocks:
        message = f"range {last - first + 1} exceeds limit of {cap.max_blocks}"
        return {"jsonrpc": "2.0", "id": ident, "error": {"code": -32602, "message": message}}
    answer = ask_node(call)
    if len(answer.get("result") or []) > cap.max_results:
        message = f"query returned more than {cap.max_results} results"
        return {"jsonrpc": "2.0", "id": ident, "error": {"code": -32005, "message": message}}
    return answer


@contextmanager
def shaped_relay(upstream: str, shape: Shape | None = None) -> Iterator[Relay]:
    """A relay over a border post's link (256 kbit/s each way, 300 ms round trip by default)."""
    with Relay(upstream, Policy(shape=shape or Shape())) as relay:
        yield relay


@contextmanager
def capped_relay(upstream: str, cap: Cap | None = None) -> Iterator[Relay]:
    """A relay that limits ``eth_getLogs`` as public nodes do (2,000 blocks, 1,000 results)."""
    with Relay(upstream, Policy(cap=cap or Cap())) as relay:
        yield relay
