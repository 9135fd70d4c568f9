"""What the wallet endpoints answer once a request is parsed: token, nonce, credential, deferred.

The routes in ``issuer.routes.oid4vci`` and the fast path in ``issuer.fast_path`` both answer
through these, so they cannot drift apart. Refusals are raised (IssuanceProtocolError) and answered
by ``issuer.problems.refusal``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import partial
from typing import Any

from fastapi.responses import JSONResponse
from sqlalchemy import Connection

from issuer.deps import IssuerState
from issuer.issuance import Enqueued
from nansen.openid4vci.errors import IssuanceProtocolError

NO_STORE = {"Cache-Control": "no-store"}


def access_token_from(authorization: str) -> str:
    """The access token of an ``Authorization: Bearer <token>`` header."""
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        raise IssuanceProtocolError("invalid_token", "Send the access token as a Bearer token.", status=401)
    return token.strip()


async def token_answer(state: IssuerState, *, code: str, tx_code: str | None) -> JSONResponse:
    redeem = partial(state.flow.redeem, code=code, tx_code=tx_code)
    access_token, expires_in = await state.wallet_db.run(redeem)
    return JSONResponse(
        {"access_token": access_token, "token_type": "Bearer", "expires_in": expires_in}, headers=NO_STORE
    )


def nonce_answer(state: IssuerState) -> JSONResponse:
    return JSONResponse({"c_nonce": state.flow.new_nonce()}, headers=NO_STORE)


async def credential_answer(state: IssuerState, *, access_token: str, body: dict[str, Any]) -> JSONResponse:
    """Queues the credential, waits for its batch to be anchored, and delivers it or defers."""
    flow = state.flow
    # the proof's signature and the credential's preparation are checked and made before the write
    # lock, so other processes' wallets need not wait for them; refusals keep their order
    proof = flow.check_proof(body.get("proofs"), access_token=access_token)

    def prepare(reader: Connection) -> Callable[[Connection], Enqueued]:
        prepared = flow.prepare(reader, access_token=access_token, proof=proof)
        return partial(
            flow.request_credential,
            access_token=access_token,
            configuration_id=body.get("credential_configuration_id"),
            proof=proof,
            prepared=prepared,
        )

    queued = await state.wallet_db.run_prepared(prepare)
    if state.pipeline is not None:
        state.pipeline.wake()
    if await state.readiness.wait(queued.id, state.settings.credential_wait_seconds):
        deliver = partial(state.flow.deliver, credential_id=queued.id, key=queued.key)
        compact = await state.wallet_db.run(deliver)
        if compact is not None:
            return _credential(compact)
    # not anchored yet (chain slow or down): the wallet comes back with the transaction id
    return _pending(state, queued.transaction_id)


async def deferred_answer(state: IssuerState, *, access_token: str, transaction_id: str) -> JSONResponse:
    deliver = partial(state.flow.deliver_deferred, access_token=access_token, transaction_id=transaction_id)
    compact = await state.wallet_db.run(deliver)
    if compact is None:  # OpenID4VCI 1.0 section 9.2: still pending -> 202 with the same transaction id
        return _pending(state, transaction_id)
    return _credential(compact)


def _credential(compact: str) -> JSONResponse:
    return JSONResponse({"credentials": [{"credential": compact}]}, headers=NO_STORE)


def _pending(state: IssuerState, transaction_id: str) -> JSONResponse:
    # worth asking again after about one batch window
    interval = max(1, math.ceil(state.settings.batch_window_ms / 1000))
    return JSONResponse(
        {"transaction_id": transaction_id, "interval": interval}, status_code=202, headers=NO_STORE
    )
