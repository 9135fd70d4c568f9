"""A tiny real HTTP server on 127.0.0.1 that answers each path with a fixed status and body and
records what it was sent: an issuer whose answers a test chooses (wrong shapes, hostile text), or a
verifier's response endpoint that keeps what the wallet posted."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# "{base}" in an answer becomes the double's own URL (metadata names endpoints by absolute URL)
GOOD = {
    "/.well-known/openid-credential-issuer": (
        200,
        b'{"credential_configurations_supported": {}, "credential_endpoint": "{base}/credential",'
        b' "nonce_endpoint": "{base}/nonce", "deferred_credential_endpoint": "{base}/deferred_credential"}',
    ),
    "/.well-known/oauth-authorization-server": (
        200,
        b'{"issuer": "{base}", "token_endpoint": "{base}/token"}',
    ),
    "/token": (200, b'{"access_token": "t"}'),
    "/nonce": (200, b'{"c_nonce": "n"}'),
}


class IssuerDouble(ThreadingHTTPServer):
    answers: dict[str, tuple[int, bytes]]
    received: list[tuple[str, bytes]]  # (path, body) of every request, in order

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: IssuerDouble

    def _answer(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.received.append((self.path, body))
        status, body = self.server.answers.get(self.path, (404, b"{}"))
        body = body.replace(b"{base}", self.server.url.encode())
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, format: str, *args: Any) -> None:  # quiet test output
        return


@contextmanager
def issuer_double() -> Iterator[IssuerDouble]:
    server = IssuerDouble(("127.0.0.1", 0), _Handler)
    server.answers = dict(GOOD)
    server.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)
