"""Every answer the verifier gives, for its OpenAPI document (nansen/openapi.py merges this in)."""

from __future__ import annotations

from nansen.openapi import Answers, media, oauth_error, problem

_SIGN_IN: Answers = {401: problem("Not signed in, or the officer token is not valid.")}
_PENDING = media(
    "application/json",
    "No answer from the holder yet (long-poll again, up to `wait` seconds).",
    {"type": "object", "required": ["status"], "properties": {"status": {"type": "string"}}},
)
_REQUEST_OBJECT: Answers = {
    200: media("application/oauth-authz-req+jwt", "The signed request object (RFC 9101)."),
    404: oauth_error("No such request, or this verifier sends its requests by value."),
    410: oauth_error("The request was already answered, or has expired."),
}
BY_TAG: dict[str, Answers] = {"officer": _SIGN_IN}
ANSWERS: dict[str, Answers] = {
    "POST /requests": {
        400: problem("The DCQL query or transaction data cannot be used (`reason`: dcql_invalid, ...)."),
    },
    "GET /requests/{request_id}/qr.png": {
        200: media("image/png", "The request's QR code."),
        404: problem("No such presentation request."),
    },
    "GET /requests/{request_id}/result": {
        202: _PENDING,
        404: problem("No such presentation request."),
        410: problem("The result was already read, or the request expired unanswered."),
    },
    "POST /wallet/responses/{request_id}": {
        400: oauth_error("The response is refused (OAuth error code in `error`)."),
        404: oauth_error("No such presentation request."),
        422: None,  # wallets get OAuth error objects (400), never a validation problem
    },
    "GET /wallet/requests/{request_id}": _REQUEST_OBJECT,
    "POST /wallet/requests/{request_id}": {
        **_REQUEST_OBJECT,
        400: oauth_error("wallet_metadata or wallet_nonce is refused (OAuth error code in `error`)."),
        422: None,
    },
    "POST /offline/verifications": {
        400: problem("The audience does not match the challenge, or the presentation is refused."),
        404: problem("No such offline challenge."),
        409: problem("The challenge's nonce was already used or has expired."),
    },
    "GET /metrics": {200: media("text/plain", "Prometheus text exposition.")},
}
