"""OpenID4VCI as the issuer's metadata says (issue 17): endpoints at the paths the metadata names
(token endpoint from RFC 8414 metadata of the listed authorization server), tx_code only when the
offer has one and of its length and kind, no c_nonce without a nonce endpoint, a choice among
several offered configurations, token errors that blame the holder only for invalid_grant, and the
issuer told (§11) what became of the credential. The issuer is a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from issuer_double import IssuerDouble, issuer_double
from typer.testing import CliRunner, Result

from nansen.crypto.keys import generate_private_key, private_key_to_jwk
from nansen.openid4vci.endpoints import authorization_server, token_endpoint, well_known_url
from nansen.openid4vci.errors import IssuanceProtocolError
from nansen.openid4vci.offer import PRE_AUTHORIZED_GRANT, parse_offer
from wallet_cli.app import app
from wallet_cli.store.wallet import Wallet

PASS = {"NANSEN_WALLET_PASSPHRASE": "a good passphrase"}
ELSEWHERE = {  # every endpoint away from the paths a guessing wallet would try
    "/.well-known/openid-credential-issuer": (
        200,
        b'{"credential_configurations_supported": {}, "credential_endpoint": "{base}/vci/issue",'
        b' "authorization_servers": ["{base}/as"], "notification_endpoint": "{base}/vci/told"}',
    ),
    "/.well-known/oauth-authorization-server/as": (
        200,
        b'{"issuer": "{base}/as", "token_endpoint": "{base}/as/grant"}',
    ),
    "/as/grant": (200, b'{"access_token": "t", "token_type": "Bearer"}'),
    "/vci/issue": (200, b'{"credentials": [{"credential": "x.y.z~"}], "notification_id": "n-1"}'),
    "/vci/told": (204, b""),
}


def run(wallet: Path, *args: str, answer: str = "") -> Result:
    return CliRunner().invoke(app, ["--data-dir", str(wallet), "--lang", "en", *args], env=PASS, input=answer)


def offer(issuer: str, *, tx_code: dict[str, Any] | None = None, ids: tuple[str, ...] = ("refugee",)) -> str:
    grant: dict[str, Any] = {"pre-authorized_code": "code"}
    if tx_code is not None:
        grant["tx_code"] = tx_code
    return json.dumps(
        {
            "credential_issuer": issuer,
            "credential_configuration_ids": list(ids),
            "grants": {PRE_AUTHORIZED_GRANT: grant},
        }
    )


@pytest.fixture()
def wallet(tmp_path: Path) -> Path:
    Wallet.create(
        tmp_path / "w", PASS["NANSEN_WALLET_PASSPHRASE"], dict(private_key_to_jwk(generate_private_key()))
    )
    return tmp_path / "w"


@pytest.fixture()
def issuer() -> Iterator[IssuerDouble]:
    with issuer_double() as server:
        server.answers = dict(ELSEWHERE)
        yield server


def only_public_metadata_read(issuer: IssuerDouble) -> bool:
    """Nothing but the issuer's public metadata was asked for (to show what the credential is):
    no code sent, no try used up."""
    return [path for path, _ in issuer.received] == ["/.well-known/openid-credential-issuer"]


def sent(issuer: IssuerDouble, path: str) -> list[bytes]:
    return [body for where, body in issuer.received if where == path]


def proof_claims(issuer: IssuerDouble) -> dict[str, Any]:
    (request,) = sent(issuer, "/vci/issue")
    proof = json.loads(request)["proofs"]["jwt"][0]
    payload = proof.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


def test_endpoints_come_from_the_metadata_and_no_nonce_endpoint_means_no_nonce(
    wallet: Path, issuer: IssuerDouble
) -> None:
    result = run(wallet, "receive", offer(issuer.url))
    assert "cannot be read" in result.output  # the double's credential: every request before it went
    paths = [where for where, _ in issuer.received]
    assert not {"/token", "/nonce", "/credential"} & set(paths), paths
    (form,) = sent(issuer, "/as/grant")
    assert parse_qs(form.decode()) == {"grant_type": [PRE_AUTHORIZED_GRANT], "pre-authorized_code": ["code"]}
    claims = proof_claims(issuer)
    assert "nonce" not in claims and claims["aud"] == issuer.url
    # the credential was not kept, and the issuer is told so (§11)
    (notice,) = sent(issuer, "/vci/told")
    assert json.loads(notice) == {"notification_id": "n-1", "event": "credential_failure"}


def test_a_nonce_endpoint_gives_the_proof_its_nonce(wallet: Path, issuer: IssuerDouble) -> None:
    metadata = json.loads(issuer.answers["/.well-known/openid-credential-issuer"][1].replace(b"{base}", b"B"))
    metadata["nonce_endpoint"] = "{base}/vci/fresh"
    issuer.answers["/.well-known/openid-credential-issuer"] = (
        200,
        json.dumps(metadata).replace("B/", "{base}/").encode(),
    )
    issuer.answers["/vci/fresh"] = (200, b'{"c_nonce": "fresh-1"}')
    run(wallet, "receive", offer(issuer.url))
    assert proof_claims(issuer)["nonce"] == "fresh-1"


@pytest.mark.parametrize(
    ("answer", "words", "code"),
    [
        (b'{"error": "invalid_grant"}', "Check the code with the officer", 7),
        (b'{"error": "invalid_client"}', "not a problem with your code", 1),
        (b"<html>down</html>", "not a problem with your code", 1),
    ],
)
def test_only_invalid_grant_blames_the_code(
    wallet: Path, issuer: IssuerDouble, answer: bytes, words: str, code: int
) -> None:
    issuer.answers["/as/grant"] = (400 if answer.startswith(b"{") else 503, answer)
    result = run(wallet, "receive", offer(issuer.url, tx_code={"length": 4}), "--tx-code", "1234")
    assert words in result.output, result.output
    assert result.exit_code == code, result.output
    (form,) = sent(issuer, "/as/grant")
    assert parse_qs(form.decode())["tx_code"] == ["1234"]


@pytest.mark.parametrize(
    ("tx_code", "given", "words"),
    [
        ({"length": 6}, "12345", "must have 6 characters"),
        ({"input_mode": "numeric"}, "12a4", "digits only"),
        ({}, "\uff11\uff12\uff13", "digits only"),  # fullwidth digits are not what a numeric keypad sends
    ],
)
def test_a_code_the_offer_rules_out_is_not_sent(
    wallet: Path, issuer: IssuerDouble, tx_code: dict[str, Any], given: str, words: str
) -> None:
    result = run(wallet, "receive", offer(issuer.url, tx_code=tx_code), "--tx-code", given)
    assert result.exit_code == 2 and words in result.output, result.output
    assert only_public_metadata_read(issuer)


def test_a_text_code_of_the_right_length_is_sent(wallet: Path, issuer: IssuerDouble) -> None:
    run(
        wallet,
        "receive",
        offer(issuer.url, tx_code={"input_mode": "text", "length": 5}),
        "--tx-code",
        "ab-3Z",
    )
    (form,) = sent(issuer, "/as/grant")
    assert parse_qs(form.decode())["tx_code"] == ["ab-3Z"]


def test_several_configurations_the_holder_chooses(wallet: Path, issuer: IssuerDouble) -> None:
    ids = ("refugee", "work-permit")
    picked = run(wallet, "receive", offer(issuer.url, ids=ids), answer="2\n")
    assert "1. refugee" in picked.output and "2. work-permit" in picked.output, picked.output
    assert json.loads(sent(issuer, "/vci/issue")[0])["credential_configuration_id"] == "work-permit"
    named = run(wallet, "receive", offer(issuer.url, ids=ids), "--configuration", "refugee")
    assert json.loads(sent(issuer, "/vci/issue")[1])["credential_configuration_id"] == "refugee"
    assert "Which credential" not in named.output
    unknown = run(wallet, "receive", offer(issuer.url, ids=ids), "--configuration", "passport")
    assert unknown.exit_code == 2 and "It offers: refugee, work-permit" in unknown.output


def test_metadata_that_points_elsewhere_insecurely_is_refused(wallet: Path, issuer: IssuerDouble) -> None:
    issuer.answers["/.well-known/oauth-authorization-server/as"] = (
        200,
        b'{"issuer": "{base}/as", "token_endpoint": "http://token.example/grant"}',
    )
    result = run(wallet, "receive", offer(issuer.url))
    assert result.exit_code == 1 and "token_endpoint must be an https URL" in result.output, result.output
    assert sent(issuer, "/as/grant") == []


def test_well_known_urls_put_the_segment_before_the_path() -> None:
    assert (
        well_known_url("https://a.example/tenant/1/", "/.well-known/x")
        == "https://a.example/.well-known/x/tenant/1"
    )
    assert well_known_url("https://a.example", "/.well-known/x") == "https://a.example/.well-known/x"


def test_the_authorization_server_must_be_listed_and_its_metadata_its_own() -> None:
    listed = {"authorization_servers": ["https://as1.example", "https://as2.example"]}
    assert (
        authorization_server(listed, credential_issuer="https://i.example", offered=None)
        == "https://as1.example"
    )
    assert authorization_server(
        listed, credential_issuer="https://i.example", offered="https://as2.example"
    ) == ("https://as2.example")
    assert (
        authorization_server({}, credential_issuer="https://i.example", offered=None) == "https://i.example"
    )
    with pytest.raises(IssuanceProtocolError, match="does not list"):
        authorization_server(listed, credential_issuer="https://i.example", offered="https://evil.example")
    with pytest.raises(IssuanceProtocolError, match="about another server"):
        token_endpoint(
            {"issuer": "https://evil.example", "token_endpoint": "https://evil.example/t"},
            server="https://as1.example",
        )


def test_an_offer_without_tx_code_asks_for_none() -> None:
    plain = parse_offer(offer("https://i.example"))
    assert not plain.tx_code_requested and plain.tx_code_length is None
    asked = parse_offer(offer("https://i.example", tx_code={}))
    assert asked.tx_code_requested and asked.tx_code_length is None and asked.tx_code_input_mode == "numeric"
    with pytest.raises(IssuanceProtocolError, match="input_mode"):
        parse_offer(offer("https://i.example", tx_code={"input_mode": "emoji"}))


@pytest.mark.parametrize("answer", ["9\n", "x\n", "0\n"])
def test_a_choice_outside_the_list_is_refused(wallet: Path, issuer: IssuerDouble, answer: str) -> None:
    result = run(wallet, "receive", offer(issuer.url, ids=("refugee", "work-permit")), answer=answer)
    assert result.exit_code == 2 and "Type a number from 1 to 2" in result.output, result.output
    assert only_public_metadata_read(issuer)
