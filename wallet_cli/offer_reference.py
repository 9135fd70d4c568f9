"""Offers by reference (OpenID4VCI 1.0 §4.1.3): the link holds a ``credential_offer_uri`` and the
wallet fetches the offer from it. Only from a URL it may send personal data to (https, plain http
to this machine only: nansen.endpoint_url), without following redirects (they could lead anywhere),
within FETCH_TIMEOUT seconds and MAX_BYTES bytes: the link came from outside, often a QR code
anyone could have printed."""

from __future__ import annotations

import time
from typing import Any

import httpx

from nansen.openid4vci.offer import MAX_OFFER_BYTES
from wallet_cli.errors import ExitCode, WalletError
from wallet_cli.i18n import _

MAX_BYTES = MAX_OFFER_BYTES  # parse_offer refuses more anyway
FETCH_TIMEOUT = 10.0


def fetch_offer(client: httpx.Client, uri: str) -> Any:
    """The offer's JSON from ``uri`` (already checked with offer_reference)."""
    deadline = time.monotonic() + FETCH_TIMEOUT
    try:
        with client.stream(
            "GET", uri, headers={"Accept": "application/json"}, timeout=FETCH_TIMEOUT, follow_redirects=False
        ) as response:
            if response.status_code != 200:
                raise _refused(_("the issuer answered {status}").format(status=response.status_code))
            received = bytearray()
            for chunk in response.iter_bytes():
                received += chunk
                if len(received) > MAX_BYTES:
                    raise _refused(_("the offer is too large"))
                if time.monotonic() > deadline:
                    raise _refused(_("the issuer took too long"))
    except (httpx.HTTPError, httpx.InvalidURL):
        raise WalletError(
            _("Cannot reach the issuer to fetch the offer. Check your connection and try again."),
            ExitCode.UNREACHABLE,
        ) from None
    return bytes(received).decode("utf-8", errors="replace")


def _refused(reason: str) -> WalletError:
    return WalletError(_("This offer cannot be used: {reason}").format(reason=reason), ExitCode.USAGE)
