"""The wallet's side of the OpenID4VCI 1.0 pre-authorized code flow over HTTP: metadata, token,
nonce, credential (deferred if need be) and notifications, each at the endpoint the issuer's
metadata names (nansen.openid4vci.endpoints)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from nansen.crypto.keys import PrivateKey
from nansen.errors import NansenError
from nansen.openid4vci.endpoints import (
    AUTHORIZATION_SERVER_WELL_KNOWN,
    ISSUER_WELL_KNOWN,
    IssuerEndpoints,
    authorization_server,
    holder_must_act,
    issuer_endpoints,
    token_endpoint,
    well_known_url,
)
from nansen.openid4vci.offer import PRE_AUTHORIZED_GRANT, CredentialOffer
from nansen.openid4vci.proof import build_proof_jwt
from wallet_cli.errors import ExitCode, WalletError
from wallet_cli.i18n import _

DEFERRED_TIMEOUT = 120.0
_ERROR_CODE = re.compile(r"[a-z_]{1,40}")  # an OAuth error code; anything else is not shown


@dataclass(frozen=True, slots=True)
class Issued:
    compact: str
    metadata: dict[str, Any]
    notification_id: str | None
    notification_endpoint: str | None
    access_token: str


def issuer_metadata(client: httpx.Client, offer: CredentialOffer) -> dict[str, Any]:
    return _json(client.get(well_known_url(offer.credential_issuer, ISSUER_WELL_KNOWN)))


def obtain(
    client: httpx.Client,
    *,
    offer: CredentialOffer,
    metadata: dict[str, Any],
    configuration: str,
    tx_code: str | None,
    holder: PrivateKey,
    waiting: Callable[[], None],
) -> Issued:
    """The credential the issuer gives for ``configuration``; raises WalletError saying whose
    problem a refusal is."""
    try:
        endpoints = issuer_endpoints(metadata)
        server = authorization_server(
            metadata, credential_issuer=offer.credential_issuer, offered=offer.authorization_server
        )
        token_url = token_endpoint(
            _json(client.get(well_known_url(server, AUTHORIZATION_SERVER_WELL_KNOWN))), server=server
        )
    except NansenError as exc:
        raise WalletError(
            _("The issuer's metadata cannot be used: {reason}").format(reason=exc.user_message),
            ExitCode.ERROR,
        ) from None
    form = {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": offer.pre_authorized_code}
    if tx_code is not None:  # only when the offer asks for one: strict issuers refuse it otherwise
        form["tx_code"] = tx_code
    token = client.post(token_url, data=form)
    if token.status_code != 200:
        raise _token_refused(_error_code(token))
    access_token = _text(_json(token), "access_token")
    auth = {"Authorization": f"Bearer {access_token}"}
    nonce = _text(_json(client.post(endpoints.nonce)), "c_nonce") if endpoints.nonce else None
    proof = build_proof_jwt(
        holder_key=holder, audience=offer.credential_issuer, nonce=nonce, iat=int(time.time())
    )
    response = client.post(
        endpoints.credential,
        headers=auth,
        json={"credential_configuration_id": configuration, "proofs": {"jwt": [proof]}},
    )
    body = _deferred(client, endpoints, auth, response, waiting)
    notification_id = body.get("notification_id")
    return Issued(
        compact=_issued_credential(body),
        metadata=metadata,
        notification_id=notification_id if isinstance(notification_id, str) else None,
        notification_endpoint=endpoints.notification,
        access_token=access_token,
    )


def notify(issued: Issued, event: str) -> bool:
    """Tells the issuer what became of the credential (§11: credential_accepted, credential_failure,
    credential_deleted) when it asked to be told; True if it took the notice. A notice is a
    courtesy: failing to give it never undoes what the holder did."""
    if issued.notification_endpoint is None or issued.notification_id is None:
        return False
    try:
        with httpx.Client(timeout=10) as client:
            answer = client.post(
                issued.notification_endpoint,
                headers={"Authorization": f"Bearer {issued.access_token}"},
                json={"notification_id": issued.notification_id, "event": event},
            )
    except (httpx.HTTPError, httpx.InvalidURL):
        return False
    return answer.status_code in (200, 204)


def _deferred(
    client: httpx.Client,
    endpoints: IssuerEndpoints,
    auth: dict[str, str],
    response: httpx.Response,
    waiting: Callable[[], None],
) -> dict[str, Any]:
    body = _json(response)
    deadline = time.monotonic() + DEFERRED_TIMEOUT
    transaction_id = body.get("transaction_id")
    status = response.status_code
    while status == 202:  # deferred: OpenID4VCI 1.0 answers 202 until it is ready
        if endpoints.deferred is None:
            raise WalletError(
                _("The issuer asks to wait but names no place to collect the credential later."),
                ExitCode.ERROR,
            )
        if time.monotonic() > deadline:
            raise WalletError(_("The issuer did not finish in time. Try again later."), ExitCode.UNREACHABLE)
        waiting()
        time.sleep(_interval(body.get("interval")))
        response = client.post(endpoints.deferred, headers=auth, json={"transaction_id": transaction_id})
        body, status = _json(response), response.status_code
        if status == 400 and body.get("error") == "issuance_pending":
            status = 202  # the answer of drafts before 1.0
    if status != 200:
        raise WalletError(
            _("The issuer could not give the credential: {reason}").format(
                reason=str(body.get("error_description", body.get("error", "?")))[:300]
            ),
            ExitCode.VERIFICATION_FAILED,
        )
    return body


def _token_refused(error: str) -> WalletError:
    if holder_must_act(error):
        return WalletError(
            _("The issuer refused the code. Check the code with the officer and try again."),
            ExitCode.VERIFICATION_FAILED,
        )
    return WalletError(
        _(
            "The issuer could not give access ({error}). This is not a problem with your code: "
            "try again later or tell the officer."
        ).format(error=error),
        ExitCode.ERROR,
    )


def _error_code(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        body = None
    code = body.get("error") if isinstance(body, dict) else None
    if isinstance(code, str) and _ERROR_CODE.fullmatch(code):
        return code
    return f"HTTP {response.status_code}"


def _issued_credential(body: dict[str, Any]) -> str:
    """The one credential of a Credential Response (OpenID4VCI 1.0 section 8.3)."""
    credentials = body.get("credentials")
    first = credentials[0] if isinstance(credentials, list) and credentials else None
    compact = first.get("credential") if isinstance(first, dict) else None
    if not isinstance(compact, str):
        raise not_understood()
    return compact


def _text(body: dict[str, Any], name: str) -> str:
    value = body.get(name)
    if not isinstance(value, str) or not value:
        raise not_understood()
    return value


def _interval(value: Any) -> float:
    """The wait the issuer asks for before asking again, between 0.1 and 5 seconds."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return 5.0
    return min(max(float(value), 0.1), 5.0)


def not_understood() -> WalletError:
    return WalletError(_("The issuer sent an answer that is not understood."), ExitCode.ERROR)


def _json(response: Any) -> dict[str, Any]:
    try:
        value = response.json()
    except ValueError:
        raise not_understood() from None
    return value if isinstance(value, dict) else {}
