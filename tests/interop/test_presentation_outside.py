"""An outside wallet (@openid4vc/openid4vp, @sd-jwt/sd-jwt-vc) answers our verifier's requests: it
resolves the request (client id prefix redirect_uri:, DCQL, direct_post), declines with an
Authorization Error Response that the officer sees at once (OpenID4VP 1.0 §8.5), sends a malformed
vp_token that is refused with an OAuth error without using up the request (§8.2; RFC 6749 §5.2),
then a presentation with key binding that is judged valid."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from interop_support import IssuerProcess, node
from verifier_process import VerifierProcess

pytestmark = pytest.mark.chain


@pytest.fixture()
def verifier(tmp_path: Path, issuer: IssuerProcess) -> Iterator[VerifierProcess]:
    process = VerifierProcess(tmp_path, issuer.settings)
    try:
        process.start()
        yield process
    finally:
        process.stop()


def test_an_outside_wallet_declines_errs_and_presents(
    issuer: IssuerProcess, verifier: VerifierProcess
) -> None:
    received = issuer.receive(holder_private=True)
    vct = f"{issuer.settings.issuer_id}/.well-known/vct/refugee_identity"

    declined_request = verifier.request(vct)
    declined = node(
        "wallet_present.mjs", {"request_uri": declined_request["request_uri"], "action": "decline"}
    )
    assert declined["ok"] and declined["status"] == 200, declined
    assert declined["client_id"].startswith("redirect_uri:") and declined["response_mode"] == "direct_post"
    status, result = verifier.result(declined_request["id"])
    assert status == 200 and result["reason"] == "holder:declined" and result["verdict"] == "unknown"

    request = verifier.request(vct)
    malformed = node("wallet_present.mjs", {"request_uri": request["request_uri"], "action": "malformed"})
    assert malformed["ok"] and malformed["status"] == 400, malformed
    assert malformed["body"]["error"] == "invalid_request" and malformed["body"]["error_description"]
    presented = node(
        "wallet_present.mjs",
        {
            "request_uri": request["request_uri"],
            "action": "present",
            "credential": received["credential"],
            "holder_private_jwk": received["holder_private_jwk"],
        },
    )
    assert presented["ok"] and presented["status"] == 200, presented
    status, result = verifier.result(request["id"])
    assert status == 200 and result["verdict"] == "valid", result
    assert result["claims"] == {"nationality": "SY", "age_over_18": True}
