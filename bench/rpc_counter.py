"""A counting JSON-RPC relay: the service under test talks to the chain through it, so the RPC calls
it makes are counted on the wire, not taken from its own word."""

from __future__ import annotations

import json
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class RpcCounter:
    def __init__(self, upstream: str) -> None:
        self.upstream = upstream
        self.calls = 0
        self._lock = threading.Lock()

    def count(self, body: bytes) -> None:
        try:
            parsed = json.loads(body)
        except ValueError:
            parsed = None
        with self._lock:
            self.calls += len(parsed) if isinstance(parsed, list) else 1


@contextmanager
def counting_relay(upstream: str) -> Iterator[tuple[str, RpcCounter]]:
    """(relay URL, counter) for as long as the block runs; the relay listens on 127.0.0.1."""
    counter = RpcCounter(upstream)

    class Relay(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            counter.count(body)
            forwarded = urllib.request.Request(
                upstream, data=body, headers={"Content-Type": "application/json"}, method="POST"
            )
            with urllib.request.urlopen(forwarded, timeout=30) as answer:
                payload = answer.read()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Relay)
    thread = threading.Thread(target=server.serve_forever, name="rpc-relay", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", counter
    finally:
        server.shutdown()
        server.server_close()
