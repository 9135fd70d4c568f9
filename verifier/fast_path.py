"""POST /offline/verifications without the framework's routing and dependency machinery.

At a border post the officer's desk submits one scanned presentation after another, and the
framework's per-request work (routing, dependency solving, re-encoding the answer) costs as much as
the verification itself. This pure ASGI layer answers the plain case — a well-formed body from a
signed-in officer — with the same function, the same nonce rules and the same responses as the route
in ``verifier.routes.offline``. Everything else (no or a bad token, a body the schema refuses) goes
on to that route with the body replayed, so every refusal keeps its one wording.
It sits inside the body-size limit and the latency metric, and outside nothing else.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from fastapi import HTTPException
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from verifier.deps import ServiceState, bearer_token
from verifier.problems import problem
from verifier.routes.offline import verify_submission
from verifier.schemas import OfflineVerificationCreate

PATH = "/offline/verifications"
_ROUTE = SimpleNamespace(path=PATH)


class OfflineVerificationFastPath:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != PATH or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        body, disconnected = await _read_body(receive)
        state: ServiceState | None = getattr(scope["app"].state, "service", None)
        submission = None if disconnected or state is None else _plain_case(scope, body, state)
        if submission is None:
            await self.app(scope, _replay(body, receive), send)
            return
        assert state is not None
        scope["route"] = _ROUTE  # the latency metric labels this request as the route would
        try:
            response = JSONResponse(verify_submission(state, submission))
        except HTTPException as exc:
            response = problem(exc.status_code, "Request refused", str(exc.detail))
        await response(scope, receive, send)


def _plain_case(scope: Scope, body: bytes, state: ServiceState) -> OfflineVerificationCreate | None:
    """The parsed body if the request is well-formed and from a signed-in officer, else None."""
    token = bearer_token(_header(scope, b"authorization"))
    if token is None or state.officers.authenticate(token) is None:
        return None
    if _header(scope, b"content-type").split(";")[0].strip() != "application/json":
        return None
    try:
        return OfflineVerificationCreate.model_validate_json(body)
    except ValidationError:
        return None


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value).decode("latin-1")
    return ""


async def _read_body(receive: Receive) -> tuple[bytes, bool]:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(chunks), True
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks), False


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            message: dict[str, Any] = {"type": "http.request", "body": body, "more_body": False}
            return message
        return await receive()

    return replayed
