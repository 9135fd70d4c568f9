"""The wallet's side of the OpenID4VCI 1.0 pre-authorized code flow over HTTP: metadata, token,
nonce, credential (deferred if need be) and notifications, each at the endpoint the issuer's
metadata names (nansen.openid4vci.endpoints), with DPoP when the authorization server asks for it
(wallet_cli.issuance_sender), an encrypted answer when the issuer supports one
(wallet_cli.issuance_encryption) and several copies when it issues batches (wallet_cli.issuance_batch)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import httpx

from nansen.crypto.keys import PrivateKey
from nansen.errors import NansenError
from nansen.openid4vci.endpoints import (
    AUTHORIZATION_SERVER_WELL_KNOWN,
    ISSUER_WELL_KNOWN,
    IssuerEndpoints,
    authorization_server,
    issuer_endpoints,
    token_endpoint,
    well_known_url,
)
from nansen.openid4vci.offer import PRE_AUTHORIZED_GRANT, CredentialOffer
from nansen.openid4vci.proof import build_proof_jwt
from wallet_cli.bounded_http import bounded_client
from wallet_cli.errors import ExitCode, WalletError
from wallet_cli.i18n import _
from wallet_cli.issuance_answers import (
    credential_answer,
    error_code,
    interval,
    issued_credentials,
    json_body,
    text,
    token_refused,
)
from wallet_cli.issuance_batch import Instance, batch_size, instances, proof_keys
from wallet_cli.issuance_encryption import ResponseEncryption, response_encryption
from wallet_cli.issuance_sender import Sender, wants_dpop

DEFERRED_TIMEOUT = 120.0


@dataclass(frozen=True, slots=True)
class Issued:
    instances: list[Instance]  # one, or the copies of a batch
    metadata: dict[str, Any]
    notification_id: str | None
    notification_endpoint: str | None
    access_token: str
    token_type: str

    @property
    def notice(self) -> dict[str, str] | None:
        """What telling the issuer about this credential later takes (kept with the credential
        for ``credential_deleted``); None when the issuer did not ask to be told."""
        if self.notification_endpoint is None or self.notification_id is None:
            return None
        return {
            "endpoint": self.notification_endpoint,
            "notification_id": self.notification_id,
            "access_token": self.access_token,
            "token_type": self.token_type,
        }


@dataclass(frozen=True, slots=True)
class _Access:
    sender: Sender
    access_token: str
    token_type: str
    encryption: ResponseEncryption | None

    def post(self, url: str, request: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        body, content_type = self.encryption.body(request) if self.encryption else (None, "application/json")
        response = self.sender.resource(
            url,
            access_token=self.access_token,
            token_type=self.token_type,
            json=None if body is not None else request,
            content=body,
            content_type=content_type if body is not None else None,
        )
        return response.status_code, credential_answer(response, self.encryption)


def issuer_metadata(client: httpx.Client, offer: CredentialOffer) -> dict[str, Any]:
    return json_body(client.get(well_known_url(offer.credential_issuer, ISSUER_WELL_KNOWN)))


def obtain(
    client: httpx.Client,
    *,
    offer: CredentialOffer,
    metadata: dict[str, Any],
    configuration: str,
    tx_code: str | None,
    holder: PrivateKey,
    dpop_key: Callable[[], PrivateKey],
    waiting: Callable[[], None],
) -> Issued:
    """The credential (one or a batch of copies) the issuer gives for ``configuration``; raises
    WalletError saying whose problem a refusal is. ``dpop_key`` is asked for only if needed."""
    try:
        endpoints = issuer_endpoints(metadata)
        server = authorization_server(
            metadata, credential_issuer=offer.credential_issuer, offered=offer.authorization_server
        )
        server_metadata = json_body(client.get(well_known_url(server, AUTHORIZATION_SERVER_WELL_KNOWN)))
        token_url = token_endpoint(server_metadata, server=server)
    except NansenError as exc:
        raise WalletError(
            _("The issuer's metadata cannot be used: {reason}").format(reason=exc.user_message),
            ExitCode.ERROR,
        ) from None
    encryption = response_encryption(metadata)  # before the code is spent on a refusal
    sender = Sender(client, dpop_key() if wants_dpop(server_metadata) else None)
    form = {"grant_type": PRE_AUTHORIZED_GRANT, "pre-authorized_code": offer.pre_authorized_code}
    if tx_code is not None:  # only when the offer asks for one: strict issuers refuse it otherwise
        form["tx_code"] = tx_code
    token = sender.token(token_url, form)
    if token.status_code != 200:
        raise token_refused(error_code(token))
    token_body = json_body(token)
    token_type = token_body.get("token_type")
    access = _Access(
        sender,
        text(token_body, "access_token"),
        token_type if isinstance(token_type, str) and token_type.lower() == "dpop" else "Bearer",
        encryption,
    )
    nonce = text(json_body(sender.plain(endpoints.nonce)), "c_nonce") if endpoints.nonce else None
    keys = proof_keys(batch_size(metadata), holder)
    iat = int(time.time())
    request: dict[str, Any] = {
        "credential_configuration_id": configuration,
        "proofs": {
            "jwt": [
                build_proof_jwt(holder_key=key, audience=offer.credential_issuer, nonce=nonce, iat=iat)
                for key in keys
            ]
        },
    }
    if encryption is not None:
        request["credential_response_encryption"] = encryption.request_parameter()
    body = _deferred(access, endpoints, *access.post(endpoints.credential, request), waiting)
    notification_id = body.get("notification_id")
    issued = Issued(
        instances=[],
        metadata=metadata,
        notification_id=notification_id if isinstance(notification_id, str) else None,
        notification_endpoint=endpoints.notification,
        access_token=access.access_token,
        token_type=access.token_type,
    )
    try:
        return replace(issued, instances=instances(issued_credentials(body), keys))
    except WalletError:
        notify(issued.notice, "credential_failure", sender.dpop_key)  # §11: it was issued, not kept
        raise


def notify(notice: Any, event: str, dpop_key: PrivateKey | None = None) -> bool:
    """Tells the issuer what became of the credential (§11: credential_accepted, credential_failure,
    credential_deleted) when it asked to be told; True if it took the notice. A notice is a
    courtesy: failing to give it never undoes what the holder did."""
    if not isinstance(notice, dict) or not all(
        isinstance(notice.get(name), str) for name in ("endpoint", "notification_id", "access_token")
    ):
        return False  # none asked for, or a record from before notices were kept
    token_type = notice.get("token_type")
    try:
        with bounded_client(timeout=10) as client:
            answer = Sender(client, dpop_key).resource(
                notice["endpoint"],
                access_token=notice["access_token"],
                token_type=token_type if isinstance(token_type, str) else "Bearer",
                json={"notification_id": notice["notification_id"], "event": event},
            )
    except (httpx.HTTPError, httpx.InvalidURL, WalletError):
        return False
    return answer.status_code in (200, 204)  # an expired token (401) at delete time: nothing to do


def _deferred(
    access: _Access,
    endpoints: IssuerEndpoints,
    status: int,
    body: dict[str, Any],
    waiting: Callable[[], None],
) -> dict[str, Any]:
    deadline = time.monotonic() + DEFERRED_TIMEOUT
    transaction_id = body.get("transaction_id")
    while status == 202:  # deferred: OpenID4VCI 1.0 answers 202 until it is ready
        if endpoints.deferred is None:
            raise WalletError(
                _("The issuer asks to wait but names no place to collect the credential later."),
                ExitCode.ERROR,
            )
        if time.monotonic() > deadline:
            raise WalletError(_("The issuer did not finish in time. Try again later."), ExitCode.UNREACHABLE)
        waiting()
        time.sleep(interval(body.get("interval")))
        request: dict[str, Any] = {"transaction_id": transaction_id}
        if access.encryption is not None:  # 1.0 §9.1: the deferred answer is encrypted the same way
            request["credential_response_encryption"] = access.encryption.request_parameter()
        status, body = access.post(endpoints.deferred, request)
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
