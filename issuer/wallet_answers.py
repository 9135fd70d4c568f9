"""What the wallet endpoints answer once a request is parsed: token, nonce, credential, deferred.

The routes in ``issuer.routes.oid4vci`` and the fast path in ``issuer.fast_path`` both answer
through these, so they cannot drift apart. Refusals are raised (IssuanceProtocolError) and answered
by ``issuer.problems.refusal``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from fastapi.responses import JSONResponse
from sqlalchemy import Connection

from issuer import dpop as dpop_check
from issuer.deps import IssuerState
from issuer.issuance import Enqueued
from nansen.openid4vci.errors import IssuanceProtocolError

NO_STORE = {"Cache-Control": "no-store"}


@dataclass(frozen=True, slots=True)
class WalletAuth:
    access_token: str
    jkt: str | None  # the DPoP key's thumbprint for a DPoP-bound token; None for a bearer token


def access_token_from(authorization: str) -> str:
    """The access token of an ``Authorization: Bearer <token>`` header."""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise IssuanceProtocolError("invalid_token", "Send the access token as a Bearer token.", status=401)
    return token.strip()


def wallet_auth(state: IssuerState, *, authorization: str, dpop: str | None, endpoint: str) -> WalletAuth:
    """The access token and, for a DPoP-bound one, the thumbprint of the key its proof was made with
    (RFC 9449 §7: ``Authorization: DPoP <token>`` and a ``DPoP`` proof with ``ath``)."""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "dpop" or not token.strip():
        return WalletAuth(access_token_from(authorization), None)
    if dpop is None:
        raise dpop_check.DpopRefusal(
            "invalid_dpop_proof",
            "Send a DPoP proof with a DPoP access token.",
            nonce=dpop_check.new_nonce(state.flow.tokens),
            resource=True,
        )
    jkt = dpop_check.check_proof(
        dpop,
        tokens=state.flow.tokens,
        method="POST",
        url=state.flow.credential_issuer + endpoint,
        now=int(time.time()),
        access_token=token.strip(),
    )
    return WalletAuth(token.strip(), jkt)


async def token_answer(
    state: IssuerState, *, code: str, tx_code: str | None, dpop: str | None = None
) -> JSONResponse:
    jkt = None
    if dpop is not None:
        jkt = dpop_check.check_proof(
            dpop,
            tokens=state.flow.tokens,
            method="POST",
            url=state.flow.credential_issuer + "/token",
            now=int(time.time()),
        )
    elif not state.settings.allow_bearer_tokens:
        raise dpop_check.DpopRefusal(
            "invalid_dpop_proof",
            "This issuer issues only DPoP-bound access tokens: send a DPoP proof (RFC 9449).",
            nonce=dpop_check.new_nonce(state.flow.tokens),
            resource=False,
        )
    redeem = partial(state.flow.redeem, code=code, tx_code=tx_code, jkt=jkt)
    access_token, expires_in = await state.wallet_db.run(redeem)
    token_type = "Bearer" if jkt is None else "DPoP"
    return JSONResponse(
        {"access_token": access_token, "token_type": token_type, "expires_in": expires_in},
        headers=_dpop_headers(state, jkt),
    )


def nonce_answer(state: IssuerState) -> JSONResponse:
    return JSONResponse({"c_nonce": state.flow.new_nonce()}, headers=NO_STORE)


async def credential_answer(
    state: IssuerState, *, access_token: str, body: dict[str, Any], jkt: str | None = None
) -> JSONResponse:
    """Queues the credential, waits for its batch to be anchored, and delivers it or defers."""
    flow = state.flow
    # the proof's signature and the credential's preparation are checked and made before the write
    # lock, so other processes' wallets need not wait for them; refusals keep their order
    proof = flow.check_proof(body.get("proofs"), access_token=access_token, jkt=jkt)

    def prepare(reader: Connection) -> Callable[[Connection], Enqueued]:
        prepared = flow.prepare(reader, access_token=access_token, proof=proof, jkt=jkt)
        return partial(
            flow.request_credential,
            access_token=access_token,
            configuration_id=body.get("credential_configuration_id"),
            proof=proof,
            prepared=prepared,
            jkt=jkt,
        )

    queued = await state.wallet_db.run_prepared(prepare)
    if state.pipeline is not None:
        state.pipeline.wake()
    headers = _dpop_headers(state, jkt)
    if await state.readiness.wait(queued.id, state.settings.credential_wait_seconds):
        deliver = partial(state.flow.deliver, credential_id=queued.id, key=queued.key)
        compact = await state.wallet_db.run(deliver)
        if compact is not None:
            return _credential(compact, headers)
    # not anchored yet (chain slow or down): the wallet comes back with the transaction id
    return _pending(state, queued.transaction_id, headers)


async def deferred_answer(
    state: IssuerState, *, access_token: str, transaction_id: str, jkt: str | None = None
) -> JSONResponse:
    deliver = partial(
        state.flow.deliver_deferred, access_token=access_token, transaction_id=transaction_id, jkt=jkt
    )
    compact = await state.wallet_db.run(deliver)
    headers = _dpop_headers(state, jkt)
    if compact is None:  # OpenID4VCI 1.0 section 9.2: still pending -> 202 with the same transaction id
        return _pending(state, transaction_id, headers)
    return _credential(compact, headers)


def _dpop_headers(state: IssuerState, jkt: str | None) -> dict[str, str]:
    """no-store, and for a DPoP client the next nonce to use (RFC 9449 §8.2)."""
    if jkt is None:
        return NO_STORE
    return {**NO_STORE, "DPoP-Nonce": dpop_check.new_nonce(state.flow.tokens)}


def _credential(compact: str, headers: dict[str, str]) -> JSONResponse:
    return JSONResponse({"credentials": [{"credential": compact}]}, headers=headers)


def _pending(state: IssuerState, transaction_id: str, headers: dict[str, str]) -> JSONResponse:
    # worth asking again after about one batch window
    interval = max(1, math.ceil(state.settings.batch_window_ms / 1000))
    return JSONResponse(
        {"transaction_id": transaction_id, "interval": interval}, status_code=202, headers=headers
    )
