"""The body-size limit both services share: over-limit bodies are refused before the app sees them,
declared or streamed; bodies within the limit reach the app unchanged."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from nansen.asgi_limits import BodyLimitMiddleware

LIMIT = 100


class RecordingApp:
    """Reads the body as frameworks do: an error while reading becomes its own 400 answer."""

    def __init__(self) -> None:
        self.bodies: list[bytes] = []

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        chunks = []
        status = 200
        try:
            while True:
                message = await receive()
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    break
            self.bodies.append(b"".join(chunks))
        except Exception:
            status = 400
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b"answered by the app"})


def _call(
    app: RecordingApp, chunks: list[bytes], headers: list[tuple[bytes, bytes]], method: str = "POST"
) -> int:
    messages = [
        {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1}
        for i, chunk in enumerate(chunks)
    ]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": method, "path": "/", "headers": headers}
    asyncio.run(BodyLimitMiddleware(app, max_bytes=LIMIT)(scope, receive, send))
    if sent[0]["status"] == 413:
        assert json.loads(sent[1]["body"])["status"] == 413
    return int(sent[0]["status"])


def test_a_declared_length_over_the_limit_is_refused_unread() -> None:
    app = RecordingApp()
    assert _call(app, [b"x" * 10], [(b"content-length", b"101")]) == 413
    assert _call(app, [b"x" * 10], [(b"content-length", b"ten")]) == 413
    assert app.bodies == []


def test_a_streamed_body_over_the_limit_never_reaches_the_app() -> None:
    app = RecordingApp()
    assert _call(app, [b"x" * 60, b"x" * 60, b"x" * 60], []) == 413
    assert app.bodies == []


def test_bodies_within_the_limit_reach_the_app_whole() -> None:
    app = RecordingApp()
    assert _call(app, [b"a" * 40, b"b" * 40, b"c" * 20], []) == 200
    assert _call(app, [b"d" * 100], [(b"content-length", b"100")]) == 200
    assert _call(app, [b""], [], method="GET") == 200
    assert app.bodies == [b"a" * 40 + b"b" * 40 + b"c" * 20, b"d" * 100, b""]
