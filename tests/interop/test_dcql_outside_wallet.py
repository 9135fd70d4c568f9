"""An outside wallet (npm `dcql` to parse, validate and run the query; @openid4vc/openid4vp;
@sd-jwt/sd-jwt-vc) answers an officer's DCQL request with several credential queries, a required
and an optional credential set, claim sets, values and a transaction data statement (issue 18 item
13; OpenID4VP 1.0 §6, §8.1, §8.4): our verifier judges each query and the whole. Negative: a
presentation whose value the query does not accept, forced past the outside wallet's own check."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
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


def dcql_request(verifier: VerifierProcess, body: dict[str, Any]) -> dict[str, Any]:
    made = httpx.post(f"{verifier.base}/requests", json=body, headers=verifier.officer, timeout=10)
    assert made.status_code == 201, made.text
    return dict(made.json())


def test_an_outside_wallet_answers_several_queries_and_our_verifier_judges_each(
    issuer: IssuerProcess, verifier: VerifierProcess
) -> None:
    received = issuer.receive(holder_private=True)
    vct = f"{issuer.settings.issuer_id}/.well-known/vct/refugee_identity"

    def query(id_: str, *claims: dict[str, Any], **more: Any) -> dict[str, Any]:
        return {
            "id": id_,
            "format": "dc+sd-jwt",
            "meta": {"vct_values": [vct]},
            "claims": list(claims),
            **more,
        }

    dcql = {
        "credentials": [
            query(
                "age",
                {"id": "over_18", "path": ["age_over_18"], "values": [True]},
                {"id": "birth", "path": ["birth_date"]},
                claim_sets=[["over_18"], ["birth"]],
            ),
            query("origin", {"path": ["nationality"], "values": ["SY", "AF"]}),
            query("languages", {"path": ["languages", None]}),
        ],
        "credential_sets": [
            {"options": [["age", "origin"]]},
            {"required": False, "options": [["languages"]]},
        ],
    }
    statement = {"text": "I agree to be registered at this reception centre.", "credential_ids": ["origin"]}
    created = dcql_request(
        verifier, {"dcql_query": dcql, "purpose": "Reception", "transaction_data": [statement]}
    )
    answered = node(
        "wallet_present_dcql.mjs",
        {
            "request_uri": created["request_uri"],
            "credential": received["credential"],
            "holder_private_jwk": received["holder_private_jwk"],
        },
    )
    assert answered["ok"] and answered["status"] == 200, answered
    assert answered["can_be_satisfied"] and sorted(answered["answered"]) == ["age", "languages", "origin"]
    assert answered["transaction_data"] == [{"type": "urn:nansen:transaction-data:statement", **statement}]
    status, result = verifier.result(created["id"])
    assert status == 200 and result["verdict"] == "valid", result
    queries = {q["id"]: q for q in result["queries"]}
    assert {q: queries[q]["verdict"] for q in queries} == {
        "age": "valid",
        "origin": "valid",
        "languages": "valid",
    }
    assert queries["age"]["presentations"][0]["claims"] == {"age_over_18": True}  # the first claim set
    assert queries["origin"]["presentations"][0]["claims"] == {"nationality": "SY"}
    assert queries["languages"]["presentations"][0]["claims"] == {"languages": ["ar", "en"]}
    checks = {c["name"]: c["outcome"] for c in result["checks"]}
    assert checks == {"credential_sets": "passed", "transaction_data": "passed"}

    mismatch = {"credentials": [query("origin", {"path": ["nationality"], "values": ["UA"]})]}
    created = dcql_request(verifier, {"dcql_query": mismatch})
    forced = node(
        "wallet_present_dcql.mjs",
        {
            "request_uri": created["request_uri"],
            "credential": received["credential"],
            "holder_private_jwk": received["holder_private_jwk"],
            "force": True,
        },
    )
    assert forced["ok"] and not forced["can_be_satisfied"] and forced["status"] == 200, forced
    status, result = verifier.result(created["id"])
    assert (
        status == 200
        and result["verdict"] == "invalid"
        and result["reason"] == "requested_claims:value_mismatch"
    )
    assert result["claims"] == {}
