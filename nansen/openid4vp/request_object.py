"""Signed request objects (RFC 9101, JAR) checked by the holder, as OpenID4VP 1.0 uses them.

A verifier that signs its request names itself by a client identifier with the prefix
``x509_san_dns:<dns name>`` or ``x509_hash:<base64url SHA-256 of its DER leaf certificate>``
(section 5.9.3) and puts its certificate chain in the ``x5c`` header. The holder checks, in order:

1. ``typ`` is ``oauth-authz-req+jwt`` (section 5: a wallet MUST NOT process any other) and ``alg``
   is ES256 (``none`` and HMAC are refused before any key is touched);
2. the signature, with the key of the leaf certificate;
3. the chain, against the trust anchors the holder or the deployment configured (nansen.x509_trust);
4. the client identifier: the object's ``client_id`` equals the one in the link (section 5.10.1),
   and the leaf has that dNSName (and, as the wallet keeps no list of trusted client identifiers,
   the ``response_uri`` host is that name) or that hash;
5. ``exp``/``nbf`` when present, and the ``wallet_nonce`` the wallet sent with a POST (section 5.10).

Only the parameters inside the object are used afterwards; ``iss`` is ignored (section 5) and so
is ``aud``, which names the wallet only under dynamic discovery, which this wallet does not do.
A failure is a ``RequestObjectError`` (or an ``X509TrustError`` for the chain): the object's
``response_uri`` then names no party anyone vouched for, so nothing may be sent there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from nansen.crypto.errors import AlgorithmNotAllowedError, JsonError, JwsError, SignatureInvalidError
from nansen.crypto.jsonstrict import loads_strict
from nansen.crypto.jws import check_header, parse_compact, verify_signature
from nansen.openid4vp.errors import PresentationProtocolError
from nansen.x509_trust import (
    TrustAnchors,
    certificate_hash,
    dns_names,
    leaf_public_key,
    parse_x5c,
    subject_name,
    verify_chain,
)

TYP = "oauth-authz-req+jwt"
X509_SAN_DNS = "x509_san_dns:"
X509_HASH = "x509_hash:"
SIGNED_PREFIXES = (X509_SAN_DNS, X509_HASH)
MAX_REQUEST_OBJECT_BYTES = 64 * 1024
CLOCK_SKEW_SECONDS = 60


class RequestObjectError(PresentationProtocolError):
    reason = "request_object_invalid"


class RequestTypeError(RequestObjectError):
    reason = "request_typ_invalid"


class RequestSignatureError(RequestObjectError):
    reason = "request_signature_invalid"


class ClientIdMismatchError(RequestObjectError):
    reason = "client_id_mismatch"


class RequestExpiredError(RequestObjectError):
    reason = "request_expired"


class WalletNonceError(RequestObjectError):
    reason = "wallet_nonce_mismatch"


@dataclass(frozen=True, slots=True)
class VerifiedRequestObject:
    parameters: dict[str, Any]  # the authorization request, from inside the signed object only
    client_id: str
    verifier_name: str | None  # the certificate subject's O or CN: text from outside, neutralise it


def is_signed_client_id(client_id: object) -> bool:
    return isinstance(client_id, str) and client_id.startswith(SIGNED_PREFIXES)


def verify_request_object(
    unverified_jwt: str,
    *,
    link_client_id: str,
    anchors: TrustAnchors,
    now: datetime,
    wallet_nonce: str | None = None,
) -> VerifiedRequestObject:
    """The request inside a signed request object, after every check of the module docstring."""
    try:
        parsed = parse_compact(unverified_jwt.strip(), max_bytes=MAX_REQUEST_OBJECT_BYTES)
    except JwsError as exc:
        raise RequestObjectError("the request object is not a signed JWT") from exc
    if parsed.header.get("typ") != TYP:
        raise RequestTypeError(f"the request object's typ is not {TYP}")
    try:
        check_header(parsed.header, allowed_header_keys=frozenset({"x5c"}))
    except AlgorithmNotAllowedError as exc:
        raise RequestSignatureError("the request object is not signed with ES256") from exc
    except JwsError as exc:
        raise RequestObjectError("the request object's header is not acceptable") from exc
    try:
        payload = loads_strict(parsed.payload)
    except JsonError as exc:
        raise RequestObjectError("the request object's payload is not JSON") from exc
    if not isinstance(payload, dict):
        raise RequestObjectError("the request object's payload is not a JSON object")
    client_id = payload.get("client_id")
    if client_id != link_client_id:
        raise ClientIdMismatchError("the client_id in the link differs from the one in the request object")
    if not is_signed_client_id(client_id):
        raise RequestObjectError("a signed request needs a client_id with prefix x509_san_dns: or x509_hash:")
    certificates = parse_x5c(parsed.header.get("x5c"))
    try:
        verify_signature(parsed, leaf_public_key(certificates[0]))
    except SignatureInvalidError as exc:
        raise RequestSignatureError("the request object's signature does not verify") from exc
    chain = verify_chain(certificates, anchors, now=now)
    _check_client_id(str(client_id), chain.leaf, payload)
    _check_time(payload, now)
    if wallet_nonce is not None and payload.get("wallet_nonce") != wallet_nonce:
        raise WalletNonceError("the request object does not carry the wallet_nonce the wallet sent")
    parameters = {k: v for k, v in payload.items() if k not in ("iss", "aud", "iat", "exp", "nbf", "jti")}
    return VerifiedRequestObject(parameters, str(client_id), subject_name(chain.leaf))


def _check_client_id(client_id: str, leaf: Any, payload: Mapping[str, Any]) -> None:
    if client_id.startswith(X509_HASH):
        if client_id[len(X509_HASH) :] != certificate_hash(leaf):
            raise ClientIdMismatchError("the x509_hash client_id is not the hash of the signing certificate")
        return
    name = client_id[len(X509_SAN_DNS) :]
    if name.lower() not in {n.lower() for n in dns_names(leaf)}:
        raise ClientIdMismatchError("the x509_san_dns client_id is not a DNS name of the signing certificate")
    response_uri = payload.get("response_uri")
    host = urlsplit(response_uri).hostname if isinstance(response_uri, str) else None
    if host is None or host.lower() != name.lower():
        # section 5.9.3: without a list of trusted client identifiers the response URI's host must
        # be the certified name, else a certified verifier could send the answer to anyone
        raise ClientIdMismatchError("the response_uri host is not the certified DNS name")


def _check_time(payload: Mapping[str, Any], now: datetime) -> None:
    seconds = now.timestamp()
    exp, nbf = payload.get("exp"), payload.get("nbf")
    if exp is not None and (not isinstance(exp, int | float) or exp + CLOCK_SKEW_SECONDS < seconds):
        raise RequestExpiredError("the request object has expired")
    if nbf is not None and (not isinstance(nbf, int | float) or nbf - CLOCK_SKEW_SECONDS > seconds):
        raise RequestExpiredError("the request object is not valid yet")
