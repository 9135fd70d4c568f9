"""The wallet reads answers from issuers and verifiers only up to a size, uncompressed: checked over
real sockets against a server that misbehaves in each way, and every HTTP call in the wallet goes
through the bounded client."""

from __future__ import annotations

import ast
import contextlib
import gzip
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from wallet_cli.bounded_http import MAX_ANSWER_BYTES, bounded_client
from wallet_cli.errors import WalletError

BIG = MAX_ANSWER_BYTES + 1


class Misbehaving(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen_encodings: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        Misbehaving.seen_encodings.append(self.headers.get("Accept-Encoding", ""))
        if self.path == "/small":
            self._send(b'{"ok": true}', {"Content-Length": "12"})
        elif self.path == "/declared":
            self._send(b"x" * BIG, {"Content-Length": str(BIG)})
        elif self.path == "/endless":  # no length: chunked, past the limit
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"y" * 65_536
            try:
                for _ in range(BIG // len(chunk) + 2):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.write(b"0\r\n\r\n")
            except (BrokenPipeError, ConnectionResetError):
                pass  # the wallet stopped reading: what it should do
        elif self.path == "/gzip":  # a small body that inflates past the limit
            body = gzip.compress(b"z" * BIG)
            self._send(body, {"Content-Length": str(len(body)), "Content-Encoding": "gzip"})

    def _send(self, body: bytes, headers: dict[str, str]) -> None:
        self.send_response(200)
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the wallet stopped reading
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


class QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a connection the wallet dropped mid-answer: what the tests want of it


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = QuietServer(("127.0.0.1", 0), Misbehaving)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_small_answer_is_read_and_uncompressed_answers_are_asked_for(server: str) -> None:
    with bounded_client(timeout=10) as client:
        assert client.get(f"{server}/small").json() == {"ok": True}
    assert Misbehaving.seen_encodings[-1] == "identity"


@pytest.mark.parametrize("path", ["/declared", "/endless", "/gzip"])
def test_an_answer_past_the_limit_or_compressed_is_refused(server: str, path: str) -> None:
    with bounded_client(timeout=10) as client, pytest.raises(WalletError) as refused:
        client.get(f"{server}{path}")
    assert "Nothing was saved" in refused.value.message


def test_the_wallet_makes_no_http_call_past_the_bounded_client() -> None:
    package = Path(__file__).resolve().parents[2] / "wallet_cli"
    calls = []
    for module in package.rglob("*.py"):
        if module.name == "bounded_http.py":
            continue
        for node in ast.walk(ast.parse(module.read_text())):
            called = node.func if isinstance(node, ast.Call) else None
            if (
                isinstance(called, ast.Attribute)
                and isinstance(called.value, ast.Name)
                and called.value.id == "httpx"
                and called.attr in {"Client", "AsyncClient", "get", "post", "put", "request", "stream"}
            ):
                calls.append(f"{module.relative_to(package)}:{called.lineno} httpx.{called.attr}")
    assert calls == []
