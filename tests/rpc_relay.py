"""A loopback JSON-RPC relay in front of anvil that counts requests by method and lets a test
rewrite any answer (a node that caps, cuts, reorders or forges its event logs)."""

from __future__ import annotations

import json
import threading
import urllib.request
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Message = dict[str, Any]
Forward = Callable[[Message], Message]
Rewrite = Callable[[Message, Forward], Message]


class Relay:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.url = ""
        self.calls: Counter[str] = Counter()
        self.rewrite: Rewrite | None = None  # set or swap it at any time
        # names the process behind a client port (tests/verifier/test_shared_sync.py): method -> callers
        self.identify: Callable[[int], object] | None = None
        self.callers: dict[str, set[object]] = {}
        self.max_batch: int | None = None  # a larger JSON-RPC batch is refused whole, as some providers do
        self._lock = threading.Lock()

    def forward(self, request: Message) -> Message:
        body = json.dumps(request).encode()
        upstream = urllib.request.Request(
            self.upstream, data=body, headers={"Content-Type": "application/json"}, method="POST"
        )
        with urllib.request.urlopen(upstream, timeout=30) as answer:
            return json.loads(answer.read())  # type: ignore[no-any-return]

    def answer(self, request: Message, caller: object = None) -> Message:
        if request.get("method") == "batch too large":
            return refusal(request, f"batch size exceeds {self.max_batch}", code=-32600)
        with self._lock:
            self.calls[str(request.get("method"))] += 1
            self.callers.setdefault(str(request.get("method")), set()).add(caller)
        rewrite = self.rewrite
        return rewrite(request, self.forward) if rewrite is not None else self.forward(request)


def refusal(request: Message, message: str, code: int = -32005) -> Message:
    return {"jsonrpc": "2.0", "id": request.get("id"), "error": {"code": code, "message": message}}


def span_of(request: Message) -> int:
    query = request["params"][0]
    return int(query["toBlock"], 16) - int(query["fromBlock"], 16) + 1


@contextmanager
def rpc_relay(upstream: str, rewrite: Rewrite | None = None) -> Iterator[Relay]:
    relay = Relay(upstream)
    relay.rewrite = rewrite

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            parsed = json.loads(self.rfile.read(int(self.headers.get("Content-Length", "0"))))
            who = relay.identify(self.client_address[1]) if relay.identify is not None else None
            if isinstance(parsed, list) and relay.max_batch is not None and len(parsed) > relay.max_batch:
                parsed = {"jsonrpc": "2.0", "id": None, "method": "batch too large"}
            answer: Any = (
                [relay.answer(r, who) for r in parsed]
                if isinstance(parsed, list)
                else relay.answer(parsed, who)
            )
            payload = json.dumps(answer).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    relay.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="rpc-relay", daemon=True)
    thread.start()
    try:
        yield relay
    finally:
        server.shutdown()
        server.server_close()
