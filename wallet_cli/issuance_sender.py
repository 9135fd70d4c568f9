"""How the wallet sends its issuance requests: with a bearer token, or with DPoP (RFC 9449) when the
authorization server advertises ``dpop_signing_alg_values_supported`` with ES256.

With DPoP each token and resource request carries a fresh proof of the wallet's DPoP key (a resource
request also the hash of its access token, ``ath``). A server may ask for its nonce: a token
endpoint answers 400 ``use_dpop_nonce``, a resource 401 with ``WWW-Authenticate: DPoP
error="use_dpop_nonce"``, both with a ``DPoP-Nonce`` header (§8, §9); the wallet then sends the
request once more with that nonce. A server that asks again right after gets no third try: it is
looping, and the holder is told so. Any answer's ``DPoP-Nonce`` is kept for the next request to the
same server (§8.2), so a well-behaved server costs one retry per flow, not one per request.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import httpx

from nansen.crypto.keys import PrivateKey
from nansen.openid4vci.dpop_proof import DPOP_ALG, build_dpop_proof
from wallet_cli.errors import ExitCode, WalletError
from wallet_cli.i18n import _


def wants_dpop(unverified_server_metadata: Mapping[str, Any]) -> bool:
    algs = unverified_server_metadata.get("dpop_signing_alg_values_supported")
    return isinstance(algs, list) and DPOP_ALG in algs


class Sender:
    """``dpop_key`` None: bearer tokens only."""

    def __init__(self, client: httpx.Client, dpop_key: PrivateKey | None) -> None:
        self.client = client
        self.dpop_key = dpop_key
        self._nonces: dict[str, str] = {}  # server origin -> its latest DPoP-Nonce

    def token(self, url: str, form: Mapping[str, str]) -> httpx.Response:
        return self._send("POST", url, access_token=None, token_type=None, data=dict(form))

    def resource(
        self,
        url: str,
        *,
        access_token: str,
        token_type: str,
        json: Any = None,
        content: bytes | None = None,
        content_type: str | None = None,
    ) -> httpx.Response:
        """A request to a protected resource with the access token as the token type says."""
        headers = {"Content-Type": content_type} if content_type else None
        return self._send(
            "POST",
            url,
            access_token=access_token,
            token_type=token_type,
            json=json,
            content=content,
            headers=headers,
        )

    def plain(self, url: str) -> httpx.Response:
        """An unauthenticated POST (the nonce endpoint); its DPoP-Nonce, if any, is kept."""
        response = self.client.post(url)
        self._remember(url, response)
        return response

    def _send(
        self,
        method: str,
        url: str,
        *,
        access_token: str | None,
        token_type: str | None,
        headers: dict[str, str] | None = None,
        **body: Any,
    ) -> httpx.Response:
        dpop = self.dpop_key is not None and (token_type is None or token_type.lower() == "dpop")
        for attempt in (1, 2):
            sent = dict(headers or {})
            if access_token is not None:
                sent["Authorization"] = f"{'DPoP' if dpop else 'Bearer'} {access_token}"
            if dpop:
                assert self.dpop_key is not None
                sent["DPoP"] = build_dpop_proof(
                    key=self.dpop_key,
                    method=method,
                    url=url,
                    iat=int(time.time()),
                    nonce=self._nonces.get(_origin(url)),
                    access_token=access_token,
                )
            response = self.client.request(method, url, headers=sent, **body)
            renewed = self._remember(url, response)
            if not (dpop and _asks_for_nonce(response, resource=access_token is not None)):
                return response
            if attempt == 2 or not renewed:
                raise WalletError(
                    _(
                        "The issuer keeps refusing the wallet's proof of its key (DPoP nonce). This is "
                        "not a problem with your code: try again later or tell the officer."
                    ),
                    ExitCode.ERROR,
                )
        raise AssertionError("unreachable")  # pragma: no cover

    def _remember(self, url: str, response: httpx.Response) -> bool:
        """Keeps the server's new DPoP-Nonce; True if it gave one different from the last."""
        nonce = str(response.headers.get("DPoP-Nonce", ""))
        if not nonce or len(nonce) > 512:
            return False
        previous = self._nonces.get(_origin(url))
        self._nonces[_origin(url)] = nonce
        return nonce != previous


def _asks_for_nonce(response: httpx.Response, *, resource: bool) -> bool:
    if resource:
        challenge = response.headers.get("WWW-Authenticate", "")
        return response.status_code == 401 and "use_dpop_nonce" in challenge
    if response.status_code != 400:
        return False
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body, dict) and bool(body.get("error") == "use_dpop_nonce")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"
