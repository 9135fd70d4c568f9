"""OpenID4VCI 1.0 endpoints for wallets: metadata, token, nonce, credential, deferred credential."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request, Response
from fastapi.responses import JSONResponse

from issuer.deps import IssuerState, StateDep
from issuer.dpop import ALGS as DPOP_ALGS
from issuer.http_cache import cached_document, cached_json
from issuer.key_history import REFRESH_SECONDS as KEYS_REFRESH_SECONDS
from issuer.key_history import KeysUnavailableError
from issuer.wallet_answers import (
    WalletAuth,
    credential_answer,
    deferred_answer,
    nonce_answer,
    token_answer,
    wallet_auth,
)
from nansen.openid4vci.errors import IssuanceProtocolError, invalid_request
from nansen.openid4vci.offer import PRE_AUTHORIZED_GRANT

router = APIRouter(tags=["openid4vci"])


METADATA_MAX_AGE = 60


@router.get("/.well-known/openid-credential-issuer")
def issuer_metadata(request: Request, state: StateDep) -> Response:
    return cached_json(request, _issuer_metadata(state), max_age=METADATA_MAX_AGE)


def _issuer_metadata(state: IssuerState) -> dict[str, Any]:
    base = state.flow.credential_issuer
    return {
        "credential_issuer": base,
        "credential_endpoint": f"{base}/credential",
        "nonce_endpoint": f"{base}/nonce",
        "deferred_credential_endpoint": f"{base}/deferred_credential",
        "display": [{"name": state.settings.display_name, "locale": "en"}],
        "credential_configurations_supported": {
            kind.id: {
                "format": "dc+sd-jwt",
                "vct": kind.vct,
                "cryptographic_binding_methods_supported": ["jwk"],
                "credential_signing_alg_values_supported": ["ES256"],
                "proof_types_supported": {"jwt": {"proof_signing_alg_values_supported": ["ES256"]}},
                "credential_metadata": {
                    "display": kind.display,
                    "claims": kind.issuer_metadata_claims(),
                },
            }
            for kind in state.types.values()
        },
    }


@router.get("/.well-known/oauth-authorization-server")
def authorization_server_metadata(request: Request, state: StateDep) -> Response:
    base = state.flow.credential_issuer
    document = {
        "issuer": base,
        "token_endpoint": f"{base}/token",
        "grant_types_supported": [PRE_AUTHORIZED_GRANT],
        "pre-authorized_grant_anonymous_access_supported": True,
        "dpop_signing_alg_values_supported": list(DPOP_ALGS),  # RFC 9449 §5.1
    }
    return cached_json(request, document, max_age=METADATA_MAX_AGE)


@router.get("/.well-known/jwt-vc-issuer")
def jwt_vc_issuer(request: Request, state: StateDep) -> Response:
    """SD-JWT VC issuer metadata: every key whose credentials may still be valid (issuer.key_history)."""
    try:
        keys = state.keys.published()
    except KeysUnavailableError as exc:
        raise HTTPException(503, exc.user_message, headers={"Retry-After": "5"}) from exc
    document = {"issuer": state.settings.issuer_id, "jwks": {"keys": keys}}
    return cached_json(request, document, max_age=int(KEYS_REFRESH_SECONDS))


@router.get("/.well-known/vct/{type_id}")
@router.get("/type-metadata/{type_id}")  # the earlier address, kept for wallets that stored it
def type_metadata(type_id: str, request: Request, state: StateDep) -> Response:
    """SD-JWT VC type metadata, the document a vct URL resolves to; its bytes are what the
    credentials' ``vct#integrity`` covers."""
    kind = state.types.get(type_id)
    if kind is None:
        raise HTTPException(404, "No credential type of that name.")
    return cached_document(
        request, kind.type_metadata_bytes, media_type="application/json", max_age=METADATA_MAX_AGE
    )


@router.post("/token")
async def token(
    request: Request,
    state: StateDep,
    grant_type: Annotated[str, Form(max_length=200)],
    pre_authorized_code: Annotated[str | None, Form(alias="pre-authorized_code", max_length=200)] = None,
    tx_code: Annotated[str | None, Form(max_length=20)] = None,
) -> JSONResponse:
    if grant_type != PRE_AUTHORIZED_GRANT:
        raise IssuanceProtocolError(
            "unsupported_grant_type", "Only the pre-authorized code grant is supported."
        )
    if not pre_authorized_code:
        raise invalid_request("pre-authorized_code is missing")
    return await token_answer(
        state, code=pre_authorized_code, tx_code=tx_code, dpop=request.headers.get("dpop")
    )


@router.post("/nonce")
async def nonce(state: StateDep) -> JSONResponse:
    return nonce_answer(state)


@router.post("/credential")
async def credential(request: Request, state: StateDep) -> JSONResponse:
    auth = _auth(request, state, "/credential")
    try:
        body = await request.json()
    except ValueError as exc:
        raise invalid_request("the credential request is not JSON") from exc
    if not isinstance(body, dict):
        raise invalid_request("the credential request must be a JSON object")
    return await credential_answer(state, access_token=auth.access_token, body=body, jkt=auth.jkt)


@router.post("/deferred_credential")
async def deferred_credential(request: Request, state: StateDep) -> JSONResponse:
    auth = _auth(request, state, "/deferred_credential")
    try:
        body = await request.json()
    except ValueError as exc:
        raise invalid_request("the deferred credential request is not JSON") from exc
    transaction_id = body.get("transaction_id") if isinstance(body, dict) else None
    if not isinstance(transaction_id, str):
        raise invalid_request("transaction_id is missing")
    return await deferred_answer(
        state, access_token=auth.access_token, transaction_id=transaction_id, jkt=auth.jkt
    )


def _auth(request: Request, state: IssuerState, endpoint: str) -> WalletAuth:
    return wallet_auth(
        state,
        authorization=request.headers.get("authorization", ""),
        dpop=request.headers.get("dpop"),
        endpoint=endpoint,
    )
