"""POST /offline/verifications without the framework's middleware, routing and dependency machinery.

At a border post the officer's desk submits one scanned presentation after another, and the
framework's per-request work (its middleware stack, routing, dependency solving, re-encoding the
answer) costs a good part of what the verification itself costs. ``VerifierApp`` puts this layer in
front of the whole stack: it answers the plain case — a well-formed body within the size limit from
a signed-in officer — with the same function, the same nonce rules and the same responses as the
route in ``verifier.routes.offline``, and times it under the route's label. Everything else (no or a
bad token, a body the schema refuses) goes on to the stack with what was read replayed, so every
refusal keeps its one wording; a body over the limit is refused here by the shared size limit.
"""

from __future__ import annotations

import json
import time
from typing import Any

from fastapi import FastAPI, HTTPException
from pydantic import ValidationError
from starlette.types import Receive, Scope, Send

from nansen.asgi_limits import read_body_within, refuse_too_large, replay
from nansen.errors import NansenError
from verifier.deps import ServiceState, bearer_token
from verifier.problems import core_problem, problem, unexpected_problem
from verifier.routes.offline import verify_submission
from verifier.schemas import OfflineVerificationCreate

PATH = "/offline/verifications"


class VerifierApp(FastAPI):
    """FastAPI, with the plain offline verification answered before the middleware stack."""

    def __init__(self, *, max_body_bytes: int, **fastapi_options: Any) -> None:
        super().__init__(**fastapi_options)
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != PATH or scope["method"] != "POST":
            await super().__call__(scope, receive, send)
            return
        started = time.perf_counter()
        messages = await read_body_within(scope, receive, self.max_body_bytes)
        if messages is None:
            await refuse_too_large(send, self.max_body_bytes)
            return
        if messages[-1]["type"] != "http.request":
            return  # the client went away: nobody to answer
        state: ServiceState | None = getattr(self.state, "service", None)
        body = b"".join(m.get("body", b"") for m in messages)
        submission = None if state is None else _plain_case(scope, body, state)
        if state is None or submission is None:
            await super().__call__(scope, replay(messages, receive), send)
            return
        try:
            body = _encode(verify_submission(state, submission))
        except HTTPException as exc:
            await problem(exc.status_code, "Request refused", str(exc.detail))(scope, receive, send)
        except NansenError as exc:
            await core_problem(exc)(scope, receive, send)
        except Exception as exc:  # what the stack's last-resort handler would have answered
            await unexpected_problem(exc, PATH)(scope, receive, send)
        else:
            await _send_json(send, body)
        state.metrics.route_latency(PATH).observe(time.perf_counter() - started)


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


# the bytes JSONResponse would send, without building a response object for every answer
_ENCODER = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":"))
_JSON_TYPE = (b"content-type", b"application/json")


def _encode(content: dict[str, object]) -> bytes:
    return _ENCODER.encode(content).encode("utf-8")


async def _send_json(send: Send, body: bytes) -> None:
    headers = [(b"content-length", str(len(body)).encode("ascii")), _JSON_TYPE]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope["headers"]:
        if key == name:
            return bytes(value).decode("latin-1")
    return ""
