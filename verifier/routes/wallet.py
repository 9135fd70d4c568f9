"""The wallet-facing response endpoint (direct_post). Public, addressed by an unguessable id."""

from __future__ import annotations

import logging
import re
from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import JSONResponse

from nansen.errors import NansenError
from nansen.openid4vp.request import parse_vp_token
from verifier.deps import ServiceState, StateDep
from verifier.officer_query import unpack
from verifier.response_check import verify_response
from verifier.service import outcome_without_presentation

router = APIRouter(prefix="/wallet", tags=["wallet"])
log = logging.getLogger("nansen.verifier")


# OAuth error codes are printable ASCII (RFC 6749 §5.2); ours to record are plain words only
_ERROR_CODE = re.compile(r"[a-z0-9_]{1,64}")
UNPARSEABLE = "signature:malformed"  # the presentation could not even be taken apart


def _error(status: int, error: str, description: str) -> JSONResponse:
    return JSONResponse(
        {"error": error, "error_description": description},
        status_code=status,
        headers={"Cache-Control": "no-store"},
    )


@router.post("/responses/{request_id}")
def post_response(
    request_id: str,
    state: StateDep,
    state_param: Annotated[str, Form(alias="state", max_length=200)],
    vp_token: Annotated[str | None, Form(max_length=60_000)] = None,
    error: Annotated[str | None, Form(max_length=200)] = None,
    error_description: Annotated[str | None, Form(max_length=2_000)] = None,  # never kept or shown
) -> JSONResponse:
    """OpenID4VP 1.0 §8.2 (``direct_post``): a vp_token, or an Authorization Error Response (§8.5)."""
    stored = state.store.get_request(request_id)
    if stored is None or stored.kind != "online":
        return _error(404, "invalid_request", "This presentation request does not exist.")
    if state_param != request_id:
        return _error(400, "invalid_request", "The state does not match this request.")
    if (vp_token is None) == (error is None):
        return _error(400, "invalid_request", "Send either a vp_token or an error.")
    if error is not None:
        return _declined(state, request_id, error)
    assert vp_token is not None
    # a malformed vp_token is refused before the request is used up, so the wallet can send a
    # correct one while the request lives; a well-formed one is judged and recorded once
    try:
        query, transaction_data = unpack(stored.query)
        presentations = parse_vp_token(vp_token, query)
        body = verify_response(
            state.link,
            query=query,
            transaction_data=transaction_data,
            presentations=presentations,
            audience=stored.audience,
            nonce=stored.nonce,
        )
    except NansenError as exc:
        return _error(400, "invalid_request", f"The vp_token is malformed: {exc.user_message}")
    if any(b["reason"] == UNPARSEABLE for q in body["queries"] for b in q["presentations"]):
        return _error(400, "invalid_request", "A presentation in the vp_token is not an SD-JWT.")
    # single use: of many copies arriving at once, one wins this atomic update
    if not state.store.consume(request_id):
        return _error(400, "invalid_request", "This request was already answered or has expired.")
    state.metrics.verdict_counter(body["verdict"]).inc()
    log.info("request answered: verdict=%s reason=%s", body["verdict"], body["reason"])
    state.store.put_result(request_id, body, state.settings.result_ttl_seconds)
    # the holder learns the outcome only in broad terms; the claims are for the officer
    return JSONResponse({"status": "received", "verdict": body["verdict"]})


def _declined(state: ServiceState, request_id: str, error: str) -> JSONResponse:
    """The wallet's error answer, shown to the officer at once (not "pending" until expiry)."""
    if not _ERROR_CODE.fullmatch(error):
        return _error(400, "invalid_request", "The error must be an OAuth error code.")
    if not state.store.consume(request_id):
        return _error(400, "invalid_request", "This request was already answered or has expired.")
    if error == "access_denied":
        body = outcome_without_presentation("holder:declined", "The holder declined to share.")
    else:
        body = outcome_without_presentation(
            f"wallet:{error}", f"The holder's wallet could not answer ({error})."
        )
    log.info("request answered without a presentation: reason=%s", body["reason"])
    state.store.put_result(request_id, body, state.settings.result_ttl_seconds)
    return JSONResponse({"status": "received"})
