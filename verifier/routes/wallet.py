"""The wallet-facing response endpoint (direct_post). Public, addressed by an unguessable id."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import JSONResponse

from nansen.errors import NansenError
from nansen.openid4vp.dcql import parse_query
from nansen.openid4vp.request import parse_vp_token
from verifier.deps import StateDep
from verifier.problems import problem
from verifier.service import refusal, single_query, verify_for_query

router = APIRouter(prefix="/wallet", tags=["wallet"])
log = logging.getLogger("nansen.verifier")


def _error(status: int, error: str, description: str) -> JSONResponse:
    return JSONResponse({"error": error, "error_description": description}, status_code=status)


@router.post("/responses/{request_id}")
def post_response(
    request_id: str,
    state: StateDep,
    state_param: Annotated[str, Form(alias="state", max_length=200)],
    vp_token: Annotated[str | None, Form(max_length=60_000)] = None,
    error: Annotated[str | None, Form(max_length=100)] = None,
) -> JSONResponse:
    stored = state.store.get_request(request_id)
    if stored is None or stored.kind != "online":
        return _error(404, "invalid_request", "This presentation request does not exist.")
    if state_param != request_id:
        return _error(400, "invalid_request", "The state does not match this request.")
    if vp_token is None:
        return _declined(state, request_id, error)
    # single use: of many copies arriving at once, one wins this atomic update
    if not state.store.consume(request_id):
        return _error(400, "invalid_request", "This request was already answered or has expired.")
    try:
        presentations = parse_vp_token(vp_token, parse_query(stored.query))
        body = verify_for_query(
            state.link,
            presentation=next(iter(presentations.values())),
            query=single_query(stored.query),
            audience=stored.audience,
            nonce=stored.nonce,
        )
    except NansenError as exc:
        body = refusal("malformed_response", exc.user_message)
    state.metrics.verdict_counter(body["verdict"]).inc()
    log.info("request answered: verdict=%s reason=%s", body["verdict"], body["reason"])
    state.store.put_result(request_id, body, state.settings.result_ttl_seconds)
    # the holder learns the outcome only in broad terms; the claims are for the officer
    return JSONResponse({"status": "received", "verdict": body["verdict"]})


def _declined(state: StateDep, request_id: str, error: str | None) -> JSONResponse:
    """An OpenID4VP error response (section 8.5) in place of a vp_token: the holder declined
    (access_denied) or the wallet could not answer. Either way nothing was shared; the request is
    spent so the officer's page can say so at once."""
    if not error:  # the same answer as the schema's for a missing field
        return problem(422, "Invalid request", "Invalid or missing fields: vp_token", fields=["vp_token"])
    if not state.store.consume(request_id, outcome="declined"):
        return _error(400, "invalid_request", "This request was already answered or has expired.")
    log.info("request answered: declined by the wallet")
    return JSONResponse({"status": "received"})
