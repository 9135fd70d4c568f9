"""Every answer the issuer gives, for its OpenAPI document (nansen/openapi.py merges this in)."""

from __future__ import annotations

from nansen.openapi import Answers, json_body, media, oauth_error, problem

_SIGN_IN: Answers = {
    401: problem("Not signed in, or the staff token is not valid."),
    429: problem("Too many failed sign-ins (issuer/throttle.py); try again after Retry-After seconds."),
    503: problem("The database is busy or unreachable: nothing changed; retry after Retry-After seconds."),
}
_PENDING = media(
    "application/json",
    "Not anchored yet: ask the deferred credential endpoint with this transaction id after `interval`.",
    {
        "type": "object",
        "required": ["transaction_id", "interval"],
        "properties": {"transaction_id": {"type": "string"}, "interval": {"type": "integer"}},
    },
)
_WALLET: Answers = {
    400: oauth_error("The request is refused (OpenID4VCI error code in `error`)."),
    401: oauth_error("The access token is missing, unknown or expired (`invalid_token`)."),
    422: None,  # wallets get OAuth error objects (400), never a validation problem
    503: oauth_error("`temporarily_unavailable`: the database is busy; retry after Retry-After seconds."),
}
BY_TAG: dict[str, Answers] = {
    "offers": _SIGN_IN,
    "credentials": _SIGN_IN,
    "staff": {**_SIGN_IN, 403: problem("Only an administrator can do this.")},
}
ANSWERS: dict[str, Answers] = {
    "GET /.well-known/jwt-vc-issuer": {503: problem("The chain's key history has not been read yet.")},
    "GET /type-metadata/{type_id}": {404: problem("No credential type of that name.")},
    "GET /.well-known/vct/{type_id}": {404: problem("No credential type of that name.")},
    "POST /token": {400: _WALLET[400], 422: None, 503: _WALLET[503]},
    "POST /credential": {**_WALLET, 202: _PENDING},
    "POST /deferred_credential": {**_WALLET, 202: _PENDING},
    "POST /offers": {404: problem("No credential type of that name.")},
    "POST /staff/{staff_id}/deactivate": {
        404: problem("No staff member with this id."),
        409: problem("Already deactivated, yourself, or the last administrator."),
    },
    "POST /credentials/{credential_id}/{action}": {
        404: problem("No credential with this id, or no such action."),
        409: problem("The credential's status does not allow this change."),
    },
    "GET /status-list": {
        200: media("application/statuslist+jwt", "The signed status list token."),
        503: problem("The chain cannot be read now."),
    },
    "GET /metrics": {200: media("text/plain", "Prometheus text exposition.")},
}
BODIES = {
    "POST /credential": json_body(
        {
            "type": "object",
            "required": ["credential_configuration_id", "proofs"],
            "properties": {
                "credential_configuration_id": {"type": "string"},
                "proofs": {
                    "type": "object",
                    "properties": {"jwt": {"type": "array", "items": {"type": "string"}}},
                },
            },
        }
    ),
    "POST /deferred_credential": json_body(
        {
            "type": "object",
            "required": ["transaction_id"],
            "properties": {"transaction_id": {"type": "string"}},
        }
    ),
}
