"""The wallet-facing response endpoint (direct_post, direct_post.jwt). Public, addressed by an
unguessable id."""

from __future__ import annotations

import logging
import re
import time
from typing import Annotated, Any

from fastapi import APIRouter, Form
from fastapi.responses import JSONResponse

from nansen.crypto.errors import JsonError
from nansen.crypto.jsonstrict import loads_strict
from nansen.errors import NansenError
from nansen.openid4vp.errors import PresentationProtocolError
from nansen.openid4vp.request import parse_vp_token
from verifier.deps import ServiceState, StateDep
from verifier.officer_query import unpack
from verifier.problems import oauth_error as _error
from verifier.response_check import verify_response
from verifier.response_encryption import MAX_RESPONSE_CHARS, open_response
from verifier.service import outcome_without_presentation
from verifier.store import StoredRequest

router = APIRouter(prefix="/wallet", tags=["wallet"])
log = logging.getLogger("nansen.verifier")


# OAuth error codes are printable ASCII (RFC 6749 §5.2); ours to record are plain words only
_ERROR_CODE = re.compile(r"[a-z0-9_]{1,64}")
UNPARSEABLE = "signature:malformed"  # the presentation could not even be taken apart


@router.post("/responses/{request_id}")
def post_response(
    request_id: str,
    state: StateDep,
    state_param: Annotated[str | None, Form(alias="state", max_length=200)] = None,
    vp_token: Annotated[str | None, Form(max_length=60_000)] = None,
    error: Annotated[str | None, Form(max_length=200)] = None,
    error_description: Annotated[str | None, Form(max_length=2_000)] = None,  # never kept or shown
    response: Annotated[str | None, Form(max_length=MAX_RESPONSE_CHARS)] = None,
) -> JSONResponse:
    """OpenID4VP 1.0 §8.2 (``direct_post``): a vp_token, or an Authorization Error Response (§8.5);
    §8.3.1 (``direct_post.jwt``): the same parameters inside the JWE ``response``."""
    stored = state.store.get_request(request_id)
    if stored is None or stored.kind != "online":
        return _error(404, "invalid_request", "This presentation request does not exist.")
    private_jwk = state.store.response_key(request_id)
    if response is not None:
        if state_param is not None or vp_token is not None or error is not None:
            return _error(400, "invalid_request", "Send the encrypted response alone.")
        if stored.state != "pending" or stored.expires_at < time.time():  # not even decrypted
            return _error(400, "invalid_request", "This request was already answered or has expired.")
        if private_jwk is None:
            return _error(400, "invalid_request", "This request did not ask for an encrypted response.")
        try:  # a response that does not open leaves the request as it was: the wallet may retry
            inner = open_response(private_jwk, response)
        except PresentationProtocolError as exc:
            return _error(400, "invalid_request", exc.user_message)
        state_param, vp_token, error = _text(inner, "state"), inner.get("vp_token"), _text(inner, "error")
    elif vp_token is not None:
        if private_jwk is not None:
            # §8.3.1: only an error may come unencrypted (a wallet that cannot encrypt says so)
            return _error(400, "invalid_request", "This request asks for an encrypted response.")
        try:  # strictly, with bounded depth: json.loads would recurse on "[[[[…" into a 500
            parsed = loads_strict(vp_token)
        except JsonError as exc:
            return _error(400, "invalid_request", f"The vp_token is malformed: not JSON ({exc.message}).")
        return _answer(state, request_id, stored, state_param, parsed, error)
    return _answer(state, request_id, stored, state_param, vp_token, error)


def _text(parameters: dict[str, Any], name: str) -> str | None:
    value = parameters.get(name)
    return value[:200] if isinstance(value, str) else None


def _answer(
    state: ServiceState,
    request_id: str,
    stored: StoredRequest,
    state_param: str | None,
    vp_token: str | dict[str, Any] | None,
    error: str | None,
) -> JSONResponse:
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
    state.store.forget_response_key(request_id)
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
    state.store.forget_response_key(request_id)
    if error == "access_denied":
        body = outcome_without_presentation("holder:declined", "The holder declined to share.")
    else:
        body = outcome_without_presentation(
            f"wallet:{error}", f"The holder's wallet could not answer ({error})."
        )
    log.info("request answered without a presentation: reason=%s", body["reason"])
    state.store.put_result(request_id, body, state.settings.result_ttl_seconds)
    return JSONResponse({"status": "received"})
