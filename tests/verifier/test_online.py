"""The OpenID4VP flow end to end against the app: request, wallet response, one-time result."""

from __future__ import annotations

from desk import Desk, all_at_once
from world import ISSUER_ADDRESS, VCT

from nansen.chain.records import CredentialStatus
from nansen.openid4vp.request import parse_request_uri, vp_token_form
from nansen.sdjwt.presentation import create_presentation

ASK = {"credential_type": VCT, "claims": [["nationality"], ["age_over_18"]], "purpose": "Border entry check"}


def open_request(desk: Desk, body: dict | None = None) -> dict:  # type: ignore[type-arg]
    response = desk.client.post("/requests", json=body or ASK, headers=desk.headers)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def answer(
    desk: Desk,
    created: dict,
    *,
    disclose=(("nationality",), ("age_over_18",)),
    status_index: int = 7,  # type: ignore[no-untyped-def,type-arg]
    audience: str | None = None,
) -> dict:  # type: ignore[type-arg]
    request = parse_request_uri(created["request_uri"])
    issued = desk.world.issue(1, status_index=status_index)[0]
    import time

    presentation = create_presentation(
        issued=issued.compact,
        disclose=list(disclose),
        holder_key=desk.world.holder_key,
        aud=audience or request.audience,
        nonce=request.nonce,
        iat=int(time.time()),
    )
    form = vp_token_form(request, {"credential": presentation})
    path = "/wallet/responses/" + created["id"]
    return {"path": path, "form": form}


def result(desk: Desk, created: dict) -> tuple[int, dict]:  # type: ignore[type-arg]
    response = desk.client.get(f"/requests/{created['id']}/result", params={"wait": 2}, headers=desk.headers)
    return response.status_code, response.json()


def test_officer_endpoints_need_a_token(desk: Desk) -> None:
    assert desk.client.post("/requests", json=ASK).status_code == 401
    bad = {"Authorization": "Bearer not-a-token"}
    assert desk.client.post("/requests", json=ASK, headers=bad).status_code == 401


def test_valid_presentation_shows_exactly_the_requested_claims(desk: Desk) -> None:
    created = open_request(desk)
    assert created["request_uri"].startswith("openid4vp://?")
    assert "█" in created["qr_text"] or "▀" in created["qr_text"]
    png = desk.client.get(created["qr_png_url"], headers=desk.headers)
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    sent = answer(desk, created, disclose=(("nationality",), ("age_over_18",), ("given_name",)))
    posted = desk.client.post(sent["path"], data=sent["form"])
    assert posted.status_code == 200 and posted.json()["verdict"] == "valid"
    status, body = result(desk, created)
    assert status == 200 and body["verdict"] == "valid", body
    assert body["claims"] == {"nationality": "SY", "age_over_18": True}  # given_name was disclosed, not asked
    assert body["issuer"]["name"] == "Demo NGO"
    assert body["chain"]["block"] == 100
    again = desk.client.get(f"/requests/{created['id']}/result", headers=desk.headers)
    assert again.status_code == 410


def test_pending_result_answers_202(desk: Desk) -> None:
    created = open_request(desk)
    response = desk.client.get(f"/requests/{created['id']}/result", headers=desk.headers)
    assert response.status_code == 202 and response.json()["status"] == "pending"


def test_fifty_simultaneous_copies_only_one_is_accepted(desk: Desk) -> None:
    created = open_request(desk)
    sent = answer(desk, created)
    codes = all_at_once(50, lambda: desk.client.post(sent["path"], data=sent["form"]).status_code)
    assert codes.count(200) == 1 and codes.count(400) == 49


def test_missing_claim_is_named(desk: Desk) -> None:
    created = open_request(desk)
    sent = answer(desk, created, disclose=(("nationality",),))
    desk.client.post(sent["path"], data=sent["form"])
    _, body = result(desk, created)
    assert body["verdict"] == "invalid" and body["reason"] == "requested_claims:claims_missing"
    assert body["checks"][-1]["missing"] == ["age_over_18"]
    assert body["claims"] == {}


def test_revoked_credential_is_invalid(desk: Desk) -> None:
    desk.world.trust.statuses[(ISSUER_ADDRESS, 55)] = CredentialStatus.REVOKED
    created = open_request(desk)
    sent = answer(desk, created, status_index=55)
    desk.client.post(sent["path"], data=sent["form"])
    _, body = result(desk, created)
    assert body["verdict"] == "invalid" and body["reason"] == "status:revoked"


def test_stale_chain_is_unknown_never_valid(desk: Desk) -> None:
    desk.world.trust.age = 10_000
    created = open_request(desk)
    sent = answer(desk, created)
    desk.client.post(sent["path"], data=sent["form"])
    _, body = result(desk, created)
    assert body["verdict"] == "unknown" and body["claims"] == {}
    health = desk.client.get("/health").json()
    assert health["status"] == "degraded" and not health["chain"]["within_staleness_bound"]


def test_wrong_audience_fails_key_binding(desk: Desk) -> None:
    created = open_request(desk)
    sent = answer(desk, created, audience="redirect_uri:https://evil.example/wallet/responses/x")
    desk.client.post(sent["path"], data=sent["form"])
    _, body = result(desk, created)
    assert body["verdict"] == "invalid" and body["reason"] == "key_binding:kb_aud_mismatch"


def test_bad_wallet_posts_get_clear_errors(desk: Desk) -> None:
    """Wallet-facing refusals are OAuth error objects (RFC 6749 §5.2), never problem details."""
    created = open_request(desk)
    path = "/wallet/responses/" + created["id"]
    unknown = desk.client.post("/wallet/responses/nope", data={"vp_token": "{}", "state": "x"})
    assert unknown.status_code == 404 and unknown.json()["error"] == "invalid_request"
    assert desk.client.post(path, data={"vp_token": "{}", "state": "wrong"}).status_code == 400
    for form in (
        {"state": created["id"]},
        {"vp_token": "{}"},
        {"state": created["id"], "vp_token": "{}", "error": "access_denied"},
    ):
        refused = desk.client.post(path, data=form)
        assert refused.status_code == 400, form
        assert refused.headers["content-type"] == "application/json"
        assert refused.json()["error"] == "invalid_request" and refused.json()["error_description"]
    assert "state" in desk.client.post(path, data={"vp_token": "{}"}).json()["error_description"]


def test_a_malformed_vp_token_is_refused_and_the_wallet_may_try_again(desk: Desk) -> None:
    """OpenID4VP 1.0 §8.2/§8.5: a malformed response is an invalid_request; it does not use up the
    request, so a correct vp_token sent afterwards within its lifetime is judged."""
    created = open_request(desk)
    sent = answer(desk, created)
    deep = "[" * 15_000  # deeper than any parser should recurse
    for garbage in ("not json", "{}", '{"credential": ["not an sd-jwt"]}', '{"other": ["x"]}', deep):
        refused = desk.client.post(sent["path"], data={"vp_token": garbage, "state": created["id"]})
        assert refused.status_code == 400, garbage
        assert refused.json()["error"] == "invalid_request"
    assert result(desk, created)[0] == 202  # still pending
    posted = desk.client.post(sent["path"], data=sent["form"])
    assert posted.status_code == 200 and posted.json()["verdict"] == "valid"
    again = desk.client.post(sent["path"], data={"vp_token": "not json", "state": created["id"]})
    assert again.status_code == 400
    assert result(desk, created)[1]["verdict"] == "valid"  # a valid presentation already received stays


def test_a_declined_request_is_shown_to_the_officer_at_once(desk: Desk) -> None:
    """OpenID4VP 1.0 §8.5: the wallet's Authorization Error Response (error=access_denied)."""
    created = open_request(desk)
    path = "/wallet/responses/" + created["id"]
    declined = desk.client.post(
        path, data={"error": "access_denied", "error_description": "user said no", "state": created["id"]}
    )
    assert declined.status_code == 200
    status, body = result(desk, created)
    assert status == 200 and body["verdict"] == "unknown" and body["reason"] == "holder:declined"
    assert "user said no" not in str(body) and body["claims"] == {}
    sent = answer(desk, created)
    assert desk.client.post(sent["path"], data=sent["form"]).status_code == 400  # answered already
    other = open_request(desk)
    desk.client.post(
        "/wallet/responses/" + other["id"], data={"error": "vp_formats_not_supported", "state": other["id"]}
    )
    assert result(desk, other)[1]["reason"] == "wallet:vp_formats_not_supported"
    third = open_request(desk)
    odd = desk.client.post(
        "/wallet/responses/" + third["id"], data={"error": "<script>", "state": third["id"]}
    )
    assert odd.status_code == 400 and result(desk, third)[0] == 202


def test_oversized_body_is_refused_before_parsing(desk: Desk) -> None:
    response = desk.client.post(
        "/requests",
        content=b"{" + b" " * 200_000 + b"}",
        headers={**desk.headers, "content-type": "application/json"},
    )
    assert response.status_code == 413


def test_malformed_officer_body_names_the_field(desk: Desk) -> None:
    response = desk.client.post("/requests", json={"claims": [["x"]]}, headers=desk.headers)
    assert response.status_code == 422 and "credential_type" in response.json()["detail"]
    response = desk.client.post(
        "/requests", content=b"{not json", headers={**desk.headers, "content-type": "application/json"}
    )
    assert response.status_code == 422
