"""OpenID4VCI 1.0 endpoints for wallets: metadata, token, nonce, credential, deferred credential."""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlalchemy import select

from issuer.deps import IssuerState, SessionDep, StateDep
from issuer.issuance import Enqueued
from issuer.models import Credential
from nansen.openid4vci.errors import IssuanceProtocolError, invalid_request
from nansen.openid4vci.offer import PRE_AUTHORIZED_GRANT

router = APIRouter(tags=["openid4vci"])
NO_STORE = {"Cache-Control": "no-store"}


def _bearer(request: Request) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise IssuanceProtocolError("invalid_token", "Send the access token as a Bearer token.", status=401)
    return token.strip()


@router.get("/.well-known/openid-credential-issuer")
def issuer_metadata(state: StateDep) -> dict[str, Any]:
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
                    "claims": kind.type_metadata()["claims"],
                },
            }
            for kind in state.types.values()
        },
    }


@router.get("/.well-known/oauth-authorization-server")
def authorization_server_metadata(state: StateDep) -> dict[str, Any]:
    base = state.flow.credential_issuer
    return {
        "issuer": base,
        "token_endpoint": f"{base}/token",
        "grant_types_supported": [PRE_AUTHORIZED_GRANT],
        "pre-authorized_grant_anonymous_access_supported": True,
    }


@router.get("/.well-known/jwt-vc-issuer")
def jwt_vc_issuer(state: StateDep) -> dict[str, Any]:
    key = state.flow.signing_key
    return {
        "issuer": state.settings.issuer_id,
        "jwks": {"keys": [{**key.key.public_key().jwk(), "kid": key.kid, "alg": "ES256", "use": "sig"}]},
    }


@router.get("/type-metadata/{type_id}")
def type_metadata(type_id: str, state: StateDep) -> dict[str, Any]:
    kind = state.types.get(type_id)
    if kind is None:
        raise invalid_request("unknown credential type")
    return kind.type_metadata()


@router.post("/token")
def token(
    state: StateDep,
    session: SessionDep,
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
    access_token, expires_in = state.flow.redeem(session, code=pre_authorized_code, tx_code=tx_code)
    return JSONResponse(
        {"access_token": access_token, "token_type": "Bearer", "expires_in": expires_in}, headers=NO_STORE
    )


@router.post("/nonce")
async def nonce(state: StateDep) -> JSONResponse:
    return JSONResponse({"c_nonce": state.flow.new_nonce()}, headers=NO_STORE)


def _retry_seconds(state: IssuerState) -> int:
    """When a deferred credential is worth asking for again: about one batch window from now."""
    return max(1, math.ceil(state.settings.batch_window_ms / 1000))


def _request(state: IssuerState, access_token: str, body: dict[str, Any]) -> Enqueued:
    with state.sessions() as session:
        return state.flow.request_credential(
            session,
            access_token=access_token,
            configuration_id=body.get("credential_configuration_id"),
            proofs=body.get("proofs"),
        )


def _deliver(state: IssuerState, credential_id: str) -> str | None:
    with state.sessions() as session:
        return state.flow.deliver(session, credential_id)


def _deferred(state: IssuerState, access_token: str, transaction_id: str) -> str | None:
    with state.sessions() as session:
        offer = state.flow.offer_for_token(session, access_token)
        found = session.execute(
            select(Credential.id, Credential.offer_id).where(Credential.transaction_id == transaction_id)
        ).one_or_none()
        if found is None or found.offer_id != offer.id:
            raise IssuanceProtocolError("invalid_transaction_id", "This transaction id is unknown.")
        return state.flow.deliver(session, found.id)


@router.post("/credential")
async def credential(request: Request, state: StateDep) -> JSONResponse:
    access_token = _bearer(request)
    try:
        body = await request.json()
    except ValueError as exc:
        raise invalid_request("the credential request is not JSON") from exc
    if not isinstance(body, dict):
        raise invalid_request("the credential request must be a JSON object")
    queued = await run_in_threadpool(_request, state, access_token, body)
    if state.pipeline is not None:
        state.pipeline.wake()
    if await state.readiness.wait(queued.id, state.settings.credential_wait_seconds):
        compact = await run_in_threadpool(_deliver, state, queued.id)
        if compact is not None:
            return JSONResponse({"credentials": [{"credential": compact}]}, headers=NO_STORE)
    # not anchored yet (chain slow or down): the wallet comes back with the transaction id
    return JSONResponse(
        {"transaction_id": queued.transaction_id, "interval": _retry_seconds(state)},
        status_code=202,
        headers=NO_STORE,
    )


@router.post("/deferred_credential")
async def deferred_credential(request: Request, state: StateDep) -> JSONResponse:
    access_token = _bearer(request)
    try:
        body = await request.json()
    except ValueError as exc:
        raise invalid_request("the deferred credential request is not JSON") from exc
    transaction_id = body.get("transaction_id") if isinstance(body, dict) else None
    if not isinstance(transaction_id, str):
        raise invalid_request("transaction_id is missing")
    compact = await run_in_threadpool(_deferred, state, access_token, transaction_id)
    if compact is None:  # OpenID4VCI 1.0 section 9.2: still pending -> 202 with the same transaction id
        return JSONResponse(
            {"transaction_id": transaction_id, "interval": _retry_seconds(state)},
            status_code=202,
            headers=NO_STORE,
        )
    return JSONResponse({"credentials": [{"credential": compact}]}, headers=NO_STORE)
