"""`present` answers a whole DCQL query (issue 17, OpenID4VP 1.0 sections 6, 8.1, 8.4): every
required credential query or none, optional sets only with the holder's own yes, exactly the
selected claims (array elements too), `multiple`, and transaction data shown and bound in the
KB-JWT; what cannot be met is named in plain words and nothing is sent."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from issuer_double import IssuerDouble, issuer_double
from typer.testing import CliRunner, Result
from world import CLAIMS, VCT, World, make_world

from nansen.crypto.keys import private_key_to_jwk
from nansen.openid4vp.dcql import parse_query
from nansen.openid4vp.request import new_request
from nansen.openid4vp.transaction_data import STATEMENT_TYPE, encode_statement, parse_transaction_data
from wallet_cli.app import app
from wallet_cli.i18n import set_language
from wallet_cli.store.wallet import Wallet

PASS = {"NANSEN_WALLET_PASSPHRASE": "a good passphrase"}
PERMIT = "https://nansen.example/credentials/work-permit"


@pytest.fixture(scope="module")
def world() -> World:
    return make_world()


@pytest.fixture(autouse=True)
def _english_afterwards() -> Iterator[None]:
    """The CLI runs in this process and sets the language: later tests expect the default."""
    yield
    set_language("en")


@pytest.fixture()
def wallet(tmp_path: Path, world: World) -> Path:
    """An identity credential (id "ident...") and a work permit (id "permit...")."""
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


def credential(id_: str, vct: str, *claims: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"id": id_, "format": "dc+sd-jwt", "meta": {"vct_values": [vct]}, "claims": list(claims), **more}


def request_uri(verifier: IssuerDouble, dcql: dict[str, Any], statements: list[str] | None = None) -> str:
    query = parse_query(dcql)
    return new_request(
        response_uri=verifier.url + "/cb",
        nonce="n-1",
        state="s-1",
        dcql_query=query,
        purpose="Reception",
        transaction_data=parse_transaction_data(statements, query) if statements else (),
    ).to_uri()


def run(wallet: Path, *args: str, answers: str = "", lang: str = "en") -> Result:
    return CliRunner().invoke(
        app, ["--data-dir", str(wallet), "--lang", lang, *args], env=PASS, input=answers
    )


def sent(verifier: IssuerDouble) -> dict[str, list[str]]:
    [(path, body)] = verifier.received
    assert path == "/cb"
    token: dict[str, list[str]] = json.loads(parse_qs(body.decode())["vp_token"][0])
    return token


def _b64json(part: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


def disclosed(presentation: str) -> list[str]:
    """The claim names the presentation's disclosures reveal."""
    return sorted(_b64json(d)[1] for d in presentation.split("~")[1:-1])


def kb_payload(presentation: str) -> dict[str, Any]:
    payload: dict[str, Any] = _b64json(presentation.rsplit("~", 1)[1].split(".")[1])
    return payload


TWO_SETS = {
    "credentials": [
        credential("identity", VCT, {"path": ["nationality"]}),
        credential("permit", PERMIT, {"path": ["languages", None]}),
    ],
    "credential_sets": [{"options": [["identity"]]}, {"required": False, "options": [["permit"]]}],
}


def test_yes_shares_the_required_queries_and_never_the_optional_ones(wallet: Path) -> None:
    with issuer_double() as verifier:
        verifier.answers["/cb"] = (200, b"{}")
        result = run(wallet, "present", request_uri(verifier, TWO_SETS), "--yes")
        assert result.exit_code == 0, result.output
        token = sent(verifier)
    assert list(token) == ["identity"] and disclosed(token["identity"][0]) == ["nationality"]
    assert "asks to see:" in result.output and ": nationality" in result.output
    assert (
        "would also like to see, if you agree:" in result.output
        and "languages.0, languages.1" in result.output
    )


def test_the_holder_may_add_the_optional_queries(wallet: Path) -> None:
    with issuer_double() as verifier:
        verifier.answers["/cb"] = (200, b"{}")
        result = run(wallet, "present", request_uri(verifier, TWO_SETS), answers="y\ny\n")
        assert result.exit_code == 0, result.output
        token = sent(verifier)
    assert sorted(token) == ["identity", "permit"]
    assert disclosed(token["permit"][0]) == ["languages"]  # the array, not the other claims
    history = run(wallet, "history")
    assert "shared languages[0], languages[1]" in history.output and "shared nationality" in history.output


def test_a_required_query_that_cannot_be_met_means_nothing_is_sent(wallet: Path) -> None:
    dcql = {
        "credentials": [
            credential("identity", VCT, {"path": ["nationality"]}),
            credential("passport", "https://state.example/passport", {"path": ["document_number"]}),
            credential("permit", PERMIT, {"path": ["employer"]}),
        ]
    }
    with issuer_double() as verifier:
        result = run(wallet, "present", request_uri(verifier, dcql), "--yes")
        assert verifier.received == [("/cb", b"error=access_denied&state=s-1")]  # no presentation
    assert result.exit_code == 4
    assert (
        "- passport: you have no credential of this kind (https://state.example/passport)." in result.output
    )
    assert "does not have: employer" in result.output and "identity" not in result.output.split("give.")[1]


def test_a_value_the_verifier_does_not_accept_is_said_in_the_holders_language(wallet: Path) -> None:
    dcql = {"credentials": [credential("identity", VCT, {"path": ["nationality"], "values": ["UA"]})]}
    with issuer_double() as verifier:
        english = run(wallet, "present", request_uri(verifier, dcql), "--yes")
        french = run(wallet, "present", request_uri(verifier, dcql), "--yes", lang="fr")
        # the verifier cannot tell a value that did not match from a "no" ("DCQL Value Matching")
        assert verifier.received == [("/cb", b"error=access_denied&state=s-1")] * 2
    assert (
        english.exit_code == 4
        and "nationality is not one of the values the verifier accepts" in english.output
    )
    assert "n'a pas l'une des valeurs que le vérificateur accepte" in french.output


def test_multiple_sends_every_matching_credential_and_claim_sets_take_the_first_that_fits(
    wallet: Path,
) -> None:
    dcql = {
        "credentials": [
            credential(
                "any",
                VCT,
                {"id": "a", "path": ["document_number"]},
                {"id": "b", "path": ["age_over_18"], "values": [True]},
                claim_sets=[["a"], ["b"]],
                meta={"vct_values": [VCT, PERMIT]},
                multiple=True,
            )
        ]
    }
    with issuer_double() as verifier:
        verifier.answers["/cb"] = (200, b"{}")
        result = run(wallet, "present", request_uri(verifier, dcql), "--yes")
        assert result.exit_code == 0, result.output
        token = sent(verifier)
    assert len(token["any"]) == 2 and all(disclosed(p) == ["age_over_18"] for p in token["any"])


def test_a_statement_is_shown_and_bound_in_the_key_binding_jwt(wallet: Path) -> None:
    statement = encode_statement("I agree to be registered at this reception centre.", ["identity"])
    with issuer_double() as verifier:
        verifier.answers["/cb"] = (200, b"{}")
        result = run(wallet, "present", request_uri(verifier, TWO_SETS, [statement]), "--yes")
        assert result.exit_code == 0, result.output
        token = sent(verifier)
    assert "accept this statement: I agree to be registered at this reception centre." in result.output
    expected = base64.urlsafe_b64encode(hashlib.sha256(statement.encode()).digest()).rstrip(b"=").decode()
    payload = kb_payload(token["identity"][0])
    assert payload["transaction_data_hashes"] == [expected] and "transaction_data_hashes_alg" not in payload
    assert payload["aud"].endswith("/cb") and payload["nonce"] == "n-1"


def test_an_unknown_transaction_data_type_refuses_the_whole_request(wallet: Path) -> None:
    payment = {"type": "https://bank.example/payment", "credential_ids": ["identity"], "amount": "10 EUR"}
    encoded = base64.urlsafe_b64encode(json.dumps(payment).encode()).rstrip(b"=").decode()
    with issuer_double() as verifier:
        base = request_uri(verifier, TWO_SETS)
        result = run(wallet, "present", base + "&transaction_data=" + json.dumps([encoded]), "--yes")
        [(path, body)] = verifier.received
    assert result.exit_code == 2 and "does not understand" in result.output
    assert path == "/cb" and parse_qs(body.decode()) == {
        "error": ["invalid_transaction_data"],
        "state": ["s-1"],
    }
    assert STATEMENT_TYPE not in result.output
