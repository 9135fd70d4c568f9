"""Our wallet CLI answers an outside verifier's DCQL request (issue 17): @openid4vc/openid4vp builds
the request and checks the response, npm `dcql` validates the query and decides whether what our
wallet sent satisfies it, @sd-jwt/sd-jwt-vc verifies each presentation and its key binding
(OpenID4VP 1.0 §6, §8.1, §8.4, §B.3.3). Several credential queries, a required and an optional
credential set, claim sets, values, a null array path and a statement in transaction_data; then the
refusals: claims the credential lacks, a required set nothing satisfies, a value the query does not
accept, and a transaction data type the wallet does not understand."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from interop_support import node
from issuer_double import IssuerDouble, issuer_double
from typer.testing import CliRunner, Result
from world import CLAIMS, VCT, World, make_world

from nansen.crypto.jws import sign_compact
from nansen.crypto.keys import private_key_to_jwk
from nansen.status.token_status_list import StatusList, StatusListClaims
from wallet_cli.app import app
from wallet_cli.store.wallet import Wallet

PASS = {"NANSEN_WALLET_PASSPHRASE": "a good passphrase"}
PERMIT = "https://nansen.example/credentials/work-permit"
STATEMENT = {
    "type": "urn:nansen:transaction-data:statement",
    "credential_ids": ["identity"],
    "text": "I agree that the clinic may keep my nationality for six months.",
}


@pytest.fixture(scope="module")
def world() -> World:
    return make_world()


@pytest.fixture()
def wallet(tmp_path: Path, world: World) -> Path:
    (identity,), (permit,) = world.issue(1), world.issue(1, status_index=9, vct=PERMIT)
    opened = Wallet.create(
        tmp_path / "w", PASS["NANSEN_WALLET_PASSPHRASE"], dict(private_key_to_jwk(world.holder_key))
    )
    for compact, vct, received in ((identity.compact, VCT, 1), (permit.compact, PERMIT, 2)):
        opened.add_credential(
            {
                "compact": compact,
                "vct": vct,
                "received_at": received,
                "claims": dict(CLAIMS),
                "chain_check": "valid",
            }
        )
    return tmp_path / "w"


@pytest.fixture()
def endpoint() -> Iterator[IssuerDouble]:
    """The outside verifier's response endpoint: keeps what the wallet posts."""
    with issuer_double() as double:
        double.answers["/cb"] = (200, b"{}")
        yield double


def query(id_: str, vct: str, *claims: dict[str, Any], **more: Any) -> dict[str, Any]:
    asked = {"claims": list(claims)} if claims else {}  # no claims: none selectively disclosable (§6.4.1)
    return {"id": id_, "format": "dc+sd-jwt", "meta": {"vct_values": [vct]}, **asked, **more}


def ask(
    endpoint: IssuerDouble, dcql: dict[str, Any], transaction_data: list[Any] | None = None
) -> dict[str, Any]:
    made = node(
        "verifier_dcql.mjs",
        {
            "action": "create",
            "query": dcql,
            "response_uri": endpoint.url + "/cb",
            "transaction_data": transaction_data,
        },
    )
    assert made["ok"], made
    return made


def present(wallet: Path, request_uri: str, *, answers: str = "") -> Result:
    args = ["--data-dir", str(wallet), "--lang", "en", "present", request_uri]
    return CliRunner().invoke(app, args + ([] if answers else ["--yes"]), env=PASS, input=answers)


def posted(endpoint: IssuerDouble) -> dict[str, str]:
    [(path, body)] = endpoint.received
    assert path == "/cb"
    return {k: v[0] for k, v in parse_qs(body.decode()).items()}


def status_list_token(world: World) -> str:
    """The issuer's status list (every entry valid), as @sd-jwt/sd-jwt-vc fetches it."""
    claims = StatusListClaims(
        "https://ngo.example/status-list", "https://ngo.example", int(time.time()), None, None
    )
    payload = json.dumps(claims.payload(StatusList(1024))).encode()
    return sign_compact(
        header={"typ": "statuslist+jwt", "kid": world.kid}, payload=payload, key=world.issuer_key
    )


def test_our_wallet_satisfies_an_outside_verifiers_dcql_query(
    wallet: Path, world: World, endpoint: IssuerDouble
) -> None:
    dcql = {
        "credentials": [
            query(
                "identity",
                VCT,
                {"id": "nat", "path": ["nationality"], "values": ["SY", "IQ"]},
                {"id": "age", "path": ["age_over_18"], "values": [True]},
                {"id": "dob", "path": ["birth_date"]},
                claim_sets=[["nat", "age"], ["nat", "dob"]],
            ),
            query("permit", PERMIT, {"path": ["languages", None]}),
            query("passport", "https://state.example/passport", {"path": ["document_number"]}),
        ],
        "credential_sets": [
            {"options": [["passport"], ["identity"]]},
            {"required": False, "options": [["permit"]]},
        ],
    }
    made = ask(endpoint, dcql, [STATEMENT])
    result = present(wallet, made["request_uri"], answers="y\ny\n")
    assert result.exit_code == 0, result.output
    assert "accept this statement: I agree that the clinic may keep my nationality" in result.output
    issuer_jwk = {k: v for k, v in private_key_to_jwk(world.issuer_key).items() if k != "d"}
    judged = node(
        "verifier_dcql.mjs",
        {
            "action": "validate",
            "request": made["request"],
            "form": posted(endpoint),
            "issuer_jwk": issuer_jwk,
            "status_list_jwt": status_list_token(world),
        },
    )
    assert judged["ok"] and judged["satisfied"], judged
    # exactly what was selected: the first claim set, the array, nothing else
    assert judged["claims"] == {
        "identity": [{"nationality": "SY", "age_over_18": True}],
        "permit": [{"languages": ["ar", "en"]}],
    }
    assert judged["transaction_data"] == [{"credential_id": "identity", "type": STATEMENT["type"]}]


def test_what_our_wallet_cannot_give_is_refused_and_nothing_is_sent(
    wallet: Path, endpoint: IssuerDouble
) -> None:
    lacking = {"credentials": [query("identity", VCT, {"path": ["document_number"]})]}
    result = present(wallet, ask(endpoint, lacking)["request_uri"])
    assert result.exit_code == 4 and "does not have: document_number" in result.output
    unsatisfiable = {
        "credentials": [query("passport", "https://state.example/passport"), query("identity", VCT)],
        "credential_sets": [{"options": [["passport"]]}, {"required": False, "options": [["identity"]]}],
    }
    result = present(wallet, ask(endpoint, unsatisfiable)["request_uri"])
    assert result.exit_code == 4 and "- passport: you have no credential of this kind" in result.output
    mismatch = {"credentials": [query("identity", VCT, {"path": ["nationality"], "values": ["UA"]})]}
    result = present(wallet, ask(endpoint, mismatch)["request_uri"])
    assert (
        result.exit_code == 4 and "nationality is not one of the values the verifier accepts" in result.output
    )
    # none of the three sent a presentation (section 6.4.2: never a partial answer), only access_denied
    assert [parse_qs(body.decode())["error"] for _path, body in endpoint.received] == [["access_denied"]] * 3


def test_an_unknown_transaction_data_type_refuses_the_whole_request(
    wallet: Path, endpoint: IssuerDouble
) -> None:
    payment = {"type": "https://bank.example/payment", "credential_ids": ["identity"], "amount": "10.00"}
    made = ask(endpoint, {"credentials": [query("identity", VCT, {"path": ["nationality"]})]}, [payment])
    result = present(wallet, made["request_uri"])
    assert result.exit_code == 2 and "does not understand" in result.output
    assert posted(endpoint) == {"error": "invalid_transaction_data", "state": made["request"]["state"]}
    assert json.dumps(payment["amount"]) not in result.output
