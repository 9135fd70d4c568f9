"""Officer requests with a whole DCQL query (issue 18 item 13): several credential queries,
credential_sets, claim_sets, values and transaction data; the result judges each credential query
and the whole (OpenID4VP 1.0 sections 6.4, 8.1, 8.4, 8.6)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from desk import Desk
from world import VCT

from nansen.openid4vp.request import PresentationRequest, parse_request_uri, vp_token_form
from nansen.openid4vp.transaction_data import kb_claims
from nansen.sdjwt.presentation import create_presentation


def query_of(*credentials: dict[str, Any], sets: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"credentials": list(credentials)}
    if sets is not None:
        out["credential_sets"] = sets
    return out


def credential(id_: str, *claims: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"id": id_, "format": "dc+sd-jwt", "meta": {"vct_values": [VCT]}, "claims": list(claims), **more}


IDENTITY = credential("identity", {"path": ["nationality"]}, {"path": ["age_over_18"], "values": [True]})
LANGUAGES = credential("languages", {"path": ["languages", None]})
TWO_SETS = query_of(
    IDENTITY, LANGUAGES, sets=[{"options": [["identity"]]}, {"required": False, "options": [["languages"]]}]
)


def create(desk: Desk, dcql: dict[str, Any], **more: Any) -> tuple[str, PresentationRequest]:
    response = desk.client.post("/requests", json={"dcql_query": dcql, **more}, headers=desk.headers)
    assert response.status_code == 201, response.text
    return response.json()["id"], parse_request_uri(response.json()["request_uri"])


def present(
    desk: Desk,
    request: PresentationRequest,
    disclose: Sequence[tuple[Any, ...]],
    *,
    extra: dict[str, Any] | None = None,
) -> str:
    return create_presentation(
        issued=desk.world.issue(1)[0].compact,
        disclose=list(disclose),
        holder_key=desk.world.holder_key,
        aud=request.audience,
        nonce=request.nonce,
        iat=int(time.time()),
        kb_claims=extra,
    )


def send(desk: Desk, request_id: str, request: PresentationRequest, token: dict[str, list[str]]) -> Any:
    return desk.client.post(f"/wallet/responses/{request_id}", data=vp_token_form(request, token))


def result(desk: Desk, request_id: str) -> dict[str, Any]:
    response = desk.client.get(f"/requests/{request_id}/result", params={"wait": 2}, headers=desk.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def by_query(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {q["id"]: q for q in body["queries"]}


def test_required_and_optional_queries_are_each_judged(desk: Desk) -> None:
    request_id, request = create(desk, TWO_SETS, purpose="Reception")
    assert request.dcql_query.credential_sets is not None and len(request.dcql_query.credentials) == 2
    token = {
        "identity": [present(desk, request, [("nationality",), ("age_over_18",)])],
        "languages": [present(desk, request, [("languages",), ("given_name",)])],
    }
    posted = send(desk, request_id, request, token)
    assert posted.status_code == 200 and posted.json()["verdict"] == "valid", posted.text
    body = result(desk, request_id)
    assert body["verdict"] == "valid" and body["reason"] == "ok"
    queries = by_query(body)
    assert queries["identity"]["verdict"] == "valid"
    assert queries["identity"]["presentations"][0]["claims"] == {"nationality": "SY", "age_over_18": True}
    assert queries["languages"]["presentations"][0]["claims"] == {"languages": ["ar", "en"]}  # not given_name
    assert {c["name"]: c["outcome"] for c in body["checks"]} == {"credential_sets": "passed"}


def test_an_optional_query_may_be_left_out(desk: Desk) -> None:
    request_id, request = create(desk, TWO_SETS)
    posted = send(
        desk,
        request_id,
        request,
        {"identity": [present(desk, request, [("nationality",), ("age_over_18",)])]},
    )
    assert posted.status_code == 200, posted.text
    body = result(desk, request_id)
    assert body["verdict"] == "valid"
    assert by_query(body)["languages"] == {
        "id": "languages",
        "verdict": "not_presented",
        "reason": "not_presented",
        "presentations": [],
    }


def test_a_vp_token_without_a_required_query_or_with_an_unknown_one_is_refused_unused(desk: Desk) -> None:
    request_id, request = create(desk, TWO_SETS)
    languages = present(desk, request, [("languages",)])
    missing = send(desk, request_id, request, {"languages": [languages]})
    assert missing.status_code == 400 and "requires" in missing.json()["error_description"]
    identity = present(desk, request, [("nationality",), ("age_over_18",)])
    unknown = send(desk, request_id, request, {"identity": [identity], "passport": [identity]})
    assert unknown.status_code == 400 and "'passport'" in unknown.json()["error_description"]
    several = send(desk, request_id, request, {"identity": [identity, identity]})
    assert several.status_code == 400 and "without multiple" in several.json()["error_description"]
    assert send(desk, request_id, request, {"identity": [identity]}).status_code == 200  # still usable


def test_a_value_the_query_does_not_accept_makes_the_answer_invalid(desk: Desk) -> None:
    strict = credential("identity", {"path": ["nationality"], "values": ["UA", "AF"]})
    request_id, request = create(desk, query_of(strict))
    send(desk, request_id, request, {"identity": [present(desk, request, [("nationality",)])]})
    body = result(desk, request_id)
    assert body["verdict"] == "invalid" and body["reason"] == "requested_claims:value_mismatch"
    assert body["claims"] == {} and by_query(body)["identity"]["presentations"][0]["claims"] == {}


def test_the_first_claim_set_the_presentation_satisfies_is_what_the_officer_sees(desk: Desk) -> None:
    age = credential(
        "age",
        {"id": "over_18", "path": ["age_over_18"], "values": [True]},
        {"id": "birth", "path": ["birth_date"]},
        claim_sets=[["over_18"], ["birth"]],
    )
    request_id, request = create(desk, query_of(age))
    send(desk, request_id, request, {"age": [present(desk, request, [("birth_date",)])]})
    body = result(desk, request_id)
    assert body["verdict"] == "valid" and body["claims"] == {"birth_date": "1990-04-01"}
    request_id, request = create(desk, query_of(age))
    send(desk, request_id, request, {"age": [present(desk, request, [("given_name",)])]})
    refused = result(desk, request_id)
    assert refused["verdict"] == "invalid" and refused["reason"] == "requested_claims:claims_missing"


def test_multiple_presentations_for_one_query(desk: Desk) -> None:
    many = credential("ids", {"path": ["nationality"]}, multiple=True)
    request_id, request = create(desk, query_of(many))
    token = {"ids": [present(desk, request, [("nationality",)]), present(desk, request, [("nationality",)])]}
    assert send(desk, request_id, request, token).status_code == 200
    body = result(desk, request_id)
    assert body["verdict"] == "valid" and len(by_query(body)["ids"]["presentations"]) == 2


def test_transaction_data_must_be_bound_in_the_key_binding_jwt(desk: Desk) -> None:
    statement = {"text": "I agree to be registered at this reception centre.", "credential_ids": ["identity"]}
    request_id, request = create(desk, query_of(IDENTITY), transaction_data=[statement])
    (entry,) = request.transaction_data
    assert entry.text == statement["text"]
    bound = present(desk, request, [("nationality",), ("age_over_18",)], extra=kb_claims([entry]))
    send(desk, request_id, request, {"identity": [bound]})
    body = result(desk, request_id)
    assert body["verdict"] == "valid", body
    assert {c["name"]: c["outcome"] for c in body["checks"]}["transaction_data"] == "passed"
    request_id, request = create(desk, query_of(IDENTITY), transaction_data=[statement])
    send(
        desk,
        request_id,
        request,
        {"identity": [present(desk, request, [("nationality",), ("age_over_18",)])]},
    )
    unbound = result(desk, request_id)
    assert unbound["verdict"] == "invalid" and unbound["reason"] == "transaction_data:not_bound"


def test_queries_this_verifier_cannot_judge_are_refused_at_creation(desk: Desk) -> None:
    cases = [
        (
            query_of(credential("a", {"path": ["x"]}), credential("a", {"path": ["y"]})),
            "appears more than once",
        ),
        (
            query_of(
                {
                    **IDENTITY,
                    "format": "mso_mdoc",
                    "meta": {"doctype_value": "d"},
                    "claims": [{"path": ["n", "e"]}],
                }
            ),
            "dc+sd-jwt credentials only",
        ),
        (
            query_of({**IDENTITY, "require_cryptographic_holder_binding": False}),
            "always requires holder binding",
        ),
        (query_of({**IDENTITY, "trusted_authorities": [{"type": "aki", "values": ["x"]}]}), "chain"),
        (query_of(IDENTITY, sets=[{"options": [["nobody"]]}]), "does not exist"),
    ]
    for dcql, message in cases:
        response = desk.client.post("/requests", json={"dcql_query": dcql}, headers=desk.headers)
        assert response.status_code == 400 and message in response.json()["detail"], (message, response.text)
        assert response.json()["reason"] == "dcql_invalid"
    statement = {"text": "x", "credential_ids": ["elsewhere"]}
    response = desk.client.post(
        "/requests",
        json={"dcql_query": query_of(IDENTITY), "transaction_data": [statement]},
        headers=desk.headers,
    )
    assert response.status_code == 400 and response.json()["reason"] == "invalid_transaction_data"
    both = {"dcql_query": query_of(IDENTITY), "credential_type": VCT, "claims": [["nationality"]]}
    assert desk.client.post("/requests", json=both, headers=desk.headers).status_code == 422
