"""Pure ASGI middleware refusing bodies over a limit before anything parses them.

A declared Content-Length over the limit is refused unread; a streamed body (no declared length)
is read here up to the limit and refused as soon as it passes it, so the app never sees a byte of an
oversized body. Framework-free (plain ASGI callables), so both services share it from the core."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


class BodyLimitMiddleware:
    def __init__(self, app: ASGIApp, *, max_bytes: int, path_limits: dict[str, int] | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.path_limits = path_limits or {}  # a few paths that take more (a photo upload)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.path_limits.get(scope.get("path", ""), self.max_bytes)
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and not _declared_within(declared, limit):
            await refuse_too_large(send, limit)
            return
        if declared is None and scope.get("method") not in _BODILESS:
            # a streamed body of unknown length is read here, up to the limit, before the app sees
            # any of it (frameworks turn errors raised while they read a body into other answers)
            read = await read_within(receive, limit)
            if read is None:
                await refuse_too_large(send, limit)
                return
            receive = replay(read, receive)
        await self.app(scope, receive, send)


_BODILESS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE"})


def _declared_within(declared: bytes, limit: int) -> bool:
    return declared.isdigit() and int(declared) <= limit


async def read_body_within(scope: Scope, receive: Receive, limit: int) -> list[Message] | None:
    """For a caller that must read a request's whole body itself: its messages (see ``read_within``),
    or None when the body is over ``limit``, declared or as it streams in (refuse it, unread)."""
    for name, value in scope.get("headers") or ():
        if name == b"content-length" and not _declared_within(bytes(value), limit):
            return None
    return await read_within(receive, limit)


async def read_within(receive: Receive, limit: int) -> list[Message] | None:
    """The request's messages up to the end of its body (or its disconnect), or None once the body
    passes ``limit`` bytes."""
    messages: list[Message] = []
    seen = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages
        seen += len(message.get("body", b""))
        if seen > limit:
            return None
        if not message.get("more_body", False):
            return messages


def replay(messages: list[Message], receive: Receive) -> Receive:
    """``receive`` as if ``messages`` (already read from it) had not been: them first, then its own."""
    pending = list(messages)

    async def replayed() -> Message:
        return pending.pop(0) if pending else await receive()

    return replayed


async def refuse_too_large(send: Send, limit: int) -> None:
    """413 as a problem details document; the body was not read."""
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": "Request body too large",
        "status": 413,
        "detail": f"The request body is larger than {limit} bytes.",
    }
    raw = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(raw)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": raw})
