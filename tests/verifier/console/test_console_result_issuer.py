"""The result page says who accredited the issuer: the registry's governance account the chain
mirror saw accredit it (the registry keeps an address, not a name), neutralised like all outside text."""

from __future__ import annotations

import time
from dataclasses import replace

from console_desk import Console, text_of
from httpx import Response
from test_console_pages import request_uri, start_online
from world import ISSUER_ADDRESS

from nansen.openid4vp.request import parse_request_uri, vp_token_form
from nansen.sdjwt.presentation import create_presentation
from verifier.web.i18n import LANGUAGE_COOKIE

GOVERNANCE = "0x1234567890AbcdEF1234567890aBcdef12345678"


def _shown(console: Console) -> Response:
    console.sign_in()
    request_id = start_online(console)
    request = parse_request_uri(request_uri(console, request_id))
    presentation = create_presentation(
        issued=console.world.issue(1)[0].compact,
        disclose=[("nationality",), ("age_over_18",)],
        holder_key=console.world.holder_key,
        aud=request.audience,
        nonce=request.nonce,
        iat=int(time.time()),
    )
    console.client.post(
        f"/wallet/responses/{request_id}", data=vp_token_form(request, {"credential": presentation})
    )
    shown = console.post(f"/console/online/{request_id}/result")
    assert shown.status_code == 200
    return shown


def _accredited_by(console: Console, accreditor: str) -> None:
    issuers = console.world.trust.issuers
    issuers[ISSUER_ADDRESS] = replace(issuers[ISSUER_ADDRESS], accredited_by=accreditor)


def test_the_governance_account_that_accredited_the_issuer_is_named(console: Console) -> None:
    _accredited_by(console, GOVERNANCE)
    console.client.cookies.set(LANGUAGE_COOKIE, "fr")
    page = text_of(_shown(console))
    assert f"accrédité dans le registre de confiance par son compte de gouvernance {GOVERNANCE}" in page


def test_without_a_known_accreditor_the_registrys_governance_is_named_as_such(console: Console) -> None:
    page = text_of(_shown(console))
    assert "accredited in the trust registry by its governance." in page and "governance account" not in page


def test_the_accreditor_is_outside_text_and_is_neutralised(console: Console) -> None:
    _accredited_by(console, "0xabc\u202eevil\u0007")
    page = _shown(console).text
    assert "\u202e" not in page and "\u0007" not in page and "0xabc\ufffdevil\u2407" in page
