"""The verifier's request as the wallet resolves it (OpenID4VP 1.0 sections 5, 5.9.3, 5.10).

* by value, unsigned: client identifier prefix ``redirect_uri:`` only, shown as not verified;
* signed (RFC 9101), by value (``request``) or by reference (``request_uri``, fetched with GET, or
  with POST when ``request_uri_method=post``: the wallet then sends its metadata and a fresh
  ``wallet_nonce`` that must come back inside the signed object): client identifier prefixes
  ``x509_san_dns:`` and ``x509_hash:``, checked against the trust anchors (a folder of PEM files).
  Only the parameters inside the object count; the link's other parameters are ignored.

Any refusal here happens before the request is trusted, so nothing is sent to its response URI
(an attacker chooses that address in a forged request). HTTP redirects are not followed
(section 13.9): a request object is read only from the address the link named.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from nansen.openid4vp.request import PresentationRequest
from wallet_cli.bounded_http import bounded_client
from wallet_cli.errors import ExitCode, WalletError
from wallet_cli.i18n import _

MAX_REQUEST_OBJECT_BYTES = 64 * 1024
JAR_MEDIA_TYPE = "application/oauth-authz-req+jwt"
WALLET_METADATA = {
    "vp_formats_supported": {"dc+sd-jwt": {"sd-jwt_alg_values": ["ES256"], "kb-jwt_alg_values": ["ES256"]}},
    "client_id_prefixes_supported": ["redirect_uri", "x509_san_dns", "x509_hash"],
    "request_object_signing_alg_values_supported": ["ES256"],
    "response_modes_supported": ["direct_post", "direct_post.jwt"],
    "authorization_encryption_alg_values_supported": ["ECDH-ES"],
    "authorization_encryption_enc_values_supported": ["A128GCM", "A256GCM"],
}


@dataclass(frozen=True, slots=True)
class ResolvedRequest:
    request: PresentationRequest
    parameters: dict[str, Any]  # the request's parameters (inside the signed object, when signed)
    verified_name: str | None  # the certificate's organisation, when the signature chain was checked
    signed: bool

    @property
    def response_mode(self) -> str:
        return str(self.parameters.get("response_mode", "direct_post"))

    @property
    def who(self) -> str:
        """Whom the holder is told they answer: the certified name, else the response URI's host."""
        if self.signed and self.verified_name:
            return self.verified_name
        return urlsplit(self.request.response_uri).hostname or self.request.response_uri


def resolve(link: str, *, anchors_dir: Path) -> ResolvedRequest:
    from nansen.errors import NansenError
    from nansen.openid4vp.request import parse_request_parameters, request_link_parameters
    from nansen.openid4vp.request_object import is_signed_client_id

    try:
        parameters = request_link_parameters(link)
        if "request" not in parameters and "request_uri" not in parameters:
            if is_signed_client_id(parameters.get("client_id")):
                raise WalletError(
                    _("This request names a certified verifier but is not signed. It was refused."),
                    ExitCode.VERIFICATION_FAILED,
                )
            return ResolvedRequest(parse_request_parameters(parameters), parameters, None, False)
        return _signed(parameters, anchors_dir)
    except NansenError as exc:
        _tell_transaction_data_refused(exc)
        raise WalletError(
            _("This request cannot be used: {reason}").format(reason=exc.user_message), ExitCode.USAGE
        ) from None


def _tell_transaction_data_refused(exc: Exception) -> None:
    """A request refused only for its transaction data (sections 5.1, 8.5) is answered with
    ``invalid_transaction_data``: by then the rest of it, and for a signed request its signature,
    were found sound, so its response URI is the verifier's. Best effort, in clear."""
    response_uri, state = getattr(exc, "response_uri", None), getattr(exc, "state", None)
    if getattr(exc, "error", "") != "invalid_transaction_data" or not isinstance(response_uri, str):
        return
    import contextlib

    import httpx

    form = {"error": "invalid_transaction_data"} | (
        {"state": state} if isinstance(state, str) and state else {}
    )
    with (
        contextlib.suppress(httpx.HTTPError, httpx.InvalidURL, WalletError),
        bounded_client(timeout=5, follow_redirects=False) as client,
    ):
        client.post(response_uri, data=form)


def _signed(link: dict[str, str], anchors_dir: Path) -> ResolvedRequest:
    from nansen.errors import NansenError
    from nansen.openid4vp.request import parse_request_parameters
    from nansen.openid4vp.request_object import verify_request_object
    from nansen.x509_trust import load_trust_anchors

    client_id = link.get("client_id")
    if not client_id:
        raise WalletError(
            _("This request cannot be used: {reason}").format(reason="no client_id"), ExitCode.USAGE
        )
    wallet_nonce = None
    if "request" in link:
        token = link["request"]
    else:
        method = link.get("request_uri_method", "get")
        if method not in ("get", "post"):  # case-sensitive (section 5.1): invalid_request_uri_method
            raise WalletError(
                _("This request cannot be used: {reason}").format(reason="request_uri_method"),
                ExitCode.USAGE,
            )
        wallet_nonce = secrets.token_urlsafe(16) if method == "post" else None
        token = _fetch(link["request_uri"], wallet_nonce)
    try:
        verified = verify_request_object(
            token,
            link_client_id=client_id,
            anchors=load_trust_anchors(anchors_dir),
            now=datetime.now(UTC),
            wallet_nonce=wallet_nonce,
        )
    except NansenError as exc:
        raise WalletError(refusal_lines(getattr(exc, "reason", "")), ExitCode.VERIFICATION_FAILED) from None
    request = parse_request_parameters(verified.parameters, signed_client_id=verified.client_id)
    return ResolvedRequest(request, verified.parameters, verified.verifier_name, True)


def refusal_lines(reason: str) -> list[str]:
    """Why a signed request was refused, in plain words, and that the verifier was not told."""
    messages = {
        "request_signature_invalid": _(
            "The request's signature is not valid: it was changed or forged, or not signed as required."
        ),
        "request_typ_invalid": _(
            "The request is not marked as a signed OpenID4VP request (its type is wrong)."
        ),
        "x509_untrusted": _(
            "The verifier's certificate was not issued by an organisation you trust (it does not lead "
            "to any of your trust anchors)."
        ),
        "x509_expired": _("The verifier's certificate has expired or is not valid yet."),
        "client_id_mismatch": _(
            "The request's sender does not match the verifier's certificate (its name, address or "
            "fingerprint differs)."
        ),
        "request_expired": _("This request has expired. Ask the officer for a new one."),
        "wallet_nonce_mismatch": _(
            "The verifier's request did not carry the check value this wallet sent; it may be replayed."
        ),
    }
    first = messages.get(reason, _("The verifier's signed request could not be checked."))
    return [
        _("Refused: this request could not be verified. Nothing was shared."),
        first,
        _("The verifier was not told: its address cannot be trusted when its request does not verify."),
    ]


def _fetch(request_uri: str, wallet_nonce: str | None) -> str:
    """The request object at ``request_uri`` (GET, or POST with wallet_metadata and wallet_nonce)."""
    import httpx

    from nansen.endpoint_url import is_secure_endpoint

    if not is_secure_endpoint(request_uri):
        raise WalletError(
            _("This request cannot be used: {reason}").format(reason="request_uri is not an https address"),
            ExitCode.USAGE,
        )
    headers = {"Accept": JAR_MEDIA_TYPE}
    try:
        with bounded_client(timeout=20, follow_redirects=False) as client:
            if wallet_nonce is None:
                stream = client.stream("GET", request_uri, headers=headers)
            else:
                form = {"wallet_metadata": json.dumps(WALLET_METADATA), "wallet_nonce": wallet_nonce}
                stream = client.stream("POST", request_uri, headers=headers, data=form)
            with stream as response:
                body = b""
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > MAX_REQUEST_OBJECT_BYTES:
                        break
                status = response.status_code
    except (httpx.HTTPError, httpx.InvalidURL):
        raise WalletError(
            _("Cannot reach the verifier to fetch its request. Check the connection and try again."),
            ExitCode.UNREACHABLE,
        ) from None
    if status != 200 or len(body) > MAX_REQUEST_OBJECT_BYTES:
        raise WalletError(
            _(
                "The verifier did not give its request (answer {status}). Ask the officer for a new one."
            ).format(status=status),
            ExitCode.VERIFICATION_FAILED,
        )
    return body.decode("ascii", errors="replace")
