"""`present` with signed requests and the verifier's answers, against a small HTTP double (OpenID4VP 1.0
§5, §5.10, §8.2, §8.3, §8.5; RFC 9101): what is refused before anything is sent, what the verifier
is told once a request is trusted, and which follow-up address is shown."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

import pytest
from issuer_double import IssuerDouble, issuer_double
from typer.testing import CliRunner, Result
from world import VCT, World, make_world
from x509_support import verifier_certificates

from nansen.crypto.jws import sign_compact
from nansen.crypto.keys import PrivateKey, private_key_to_jwk
from nansen.openid4vp.dcql import build_query
from nansen.openid4vp.request import new_request
from wallet_cli.app import app
from wallet_cli.store.wallet import Wallet

PASS = {"NANSEN_WALLET_PASSPHRASE": "a good passphrase"}
SIGNER = verifier_certificates("verifier.example", organisation="Border Agency")
CLIENT_ID = f"x509_hash:{SIGNER.leaf_hash}"


@pytest.fixture(scope="module")
def world() -> World:
    return make_world()


@pytest.fixture()
def holder(tmp_path: Path, world: World) -> tuple[Path, Path]:
    """A wallet holding one credential, and a trust anchors folder with the verifier's root CA."""
    opened = Wallet.create(
        tmp_path / "w", PASS["NANSEN_WALLET_PASSPHRASE"], dict(private_key_to_jwk(world.holder_key))
    )
    (credential,) = world.issue(1)
    opened.add_credential(
        {
            "compact": credential.compact,
            "vct": VCT,
            "received_at": 1,
            "claims": dict(world.claims),
            "chain_check": "valid",
        }
    )
    anchors = tmp_path / "anchors"
    anchors.mkdir()
    (anchors / "root.pem").write_text(SIGNER.anchor_pem)
    return tmp_path / "w", anchors


def run(holder: tuple[Path, Path], link: str) -> Result:
    wallet, anchors = holder
    arguments = [
        "--data-dir",
        str(wallet),
        "--lang",
        "en",
        "present",
        link,
        "--yes",
        "--trust-anchors",
        str(anchors),
    ]
    return CliRunner().invoke(app, arguments, env=PASS)


def request_object(verifier: IssuerDouble, **extra: Any) -> str:
    payload = {
        "client_id": CLIENT_ID,
        "response_type": "vp_token",
        "response_mode": "direct_post",
        "response_uri": verifier.url + "/cb",
        "nonce": "n-1",
        "state": "s",
        "dcql_query": build_query("person", VCT, [("nationality",)]).to_json(),
        **extra,
    }
    header = {"typ": "oauth-authz-req+jwt", "x5c": SIGNER.x5c}
    return sign_compact(header=header, payload=json.dumps(payload).encode(), key=PrivateKey(SIGNER.leaf_key))


def link(**parameters: str) -> str:
    return "openid4vp://?" + urlencode({"client_id": CLIENT_ID, **parameters})


def test_a_signed_request_by_value_is_answered_and_the_follow_up_address_shown(holder: Any) -> None:
    with issuer_double() as verifier:
        verifier.answers["/cb"] = (200, b'{"redirect_uri": "https://verifier.example/cb#response_code=x1"}')
        # the link's own parameters beside a request object are ignored (§5.10.1, RFC 9101 §5)
        ignored = {"response_uri": verifier.url + "/elsewhere", "nonce": "other", "state": "other"}
        result = run(holder, link(request=request_object(verifier), **ignored))
        [(path, body)] = verifier.received
    assert result.exit_code == 0, result.output
    assert "Verified verifier: Border Agency (x509_hash:" in result.output
    assert "continue at: https://verifier.example/cb#response_code=x1" in result.output
    form = parse_qs(body.decode())
    assert path == "/cb" and form["state"] == ["s"] and json.loads(form["vp_token"][0])["person"]


@pytest.mark.parametrize(
    "address", ["http://verifier.example/cb", "javascript:alert(1)", "https://a@b.example/"]
)
def test_a_follow_up_address_that_is_not_safe_is_not_shown(holder: Any, address: str) -> None:
    with issuer_double() as verifier:
        verifier.answers["/cb"] = (200, json.dumps({"redirect_uri": address}).encode())
        result = run(holder, link(request=request_object(verifier)))
    assert result.exit_code == 0, result.output
    assert "not safe to open; it is not shown" in result.output and address not in result.output


def test_an_unsigned_request_is_shown_as_not_verified(holder: Any) -> None:
    with issuer_double() as verifier:
        verifier.answers["/cb"] = (200, b"{}")
        query = build_query("person", VCT, [("nationality",)])
        unsigned = new_request(response_uri=verifier.url + "/cb", nonce="n", state="s", dcql_query=query)
        result = run(holder, unsigned.to_uri())
    assert result.exit_code == 0, result.output
    assert "Not verified: 127.0.0.1. The request is not signed" in result.output


def test_an_unsigned_link_naming_a_certified_verifier_is_refused(holder: Any) -> None:
    with issuer_double() as verifier:
        query = json.dumps(build_query("person", VCT, [("nationality",)]).to_json())
        unsigned = link(
            response_type="vp_token",
            response_mode="direct_post",
            response_uri=verifier.url + "/cb",
            nonce="n",
            dcql_query=query,
        )
        result = run(holder, unsigned)
        assert verifier.received == []
    assert result.exit_code == 7 and "names a certified verifier but is not signed" in result.output


@pytest.mark.parametrize(
    ("status", "answer", "said"),
    [
        (302, b"", "did not give its request (answer 302)"),  # a redirect is not followed (§13.9)
        (404, b"{}", "did not give its request (answer 404)"),
        (200, b"not a jwt", "signed request could not be checked"),
    ],
)
def test_a_request_uri_that_does_not_give_a_signed_request_is_refused(
    holder: Any, status: int, answer: bytes, said: str
) -> None:
    with issuer_double() as verifier:
        verifier.answers["/ro"] = (status, answer)
        result = run(holder, link(request_uri=verifier.url + "/ro"))
        assert [path for path, _ in verifier.received] == ["/ro"]
    assert result.exit_code == 7 and said in result.output, result.output


def test_request_uri_method_is_get_or_post(holder: Any) -> None:
    with issuer_double() as verifier:
        result = run(holder, link(request_uri=verifier.url + "/ro", request_uri_method="PUT"))
        assert verifier.received == []
    assert result.exit_code == 2 and "request_uri_method" in result.output


def test_with_post_the_wallet_nonce_must_come_back_signed(holder: Any) -> None:
    with issuer_double() as verifier:
        verifier.answers["/ro"] = (200, request_object(verifier, wallet_nonce="not what was sent").encode())
        result = run(holder, link(request_uri=verifier.url + "/ro", request_uri_method="post"))
        [(path, body)] = verifier.received  # the request object only: nothing reaches /cb
    posted = parse_qs(body.decode())
    assert path == "/ro" and len(posted["wallet_nonce"][0]) >= 16
    assert json.loads(posted["wallet_metadata"][0])["request_object_signing_alg_values_supported"] == [
        "ES256"
    ]
    assert result.exit_code == 7 and "did not carry the check value this wallet sent" in result.output


def test_an_encrypted_answer_without_a_usable_key_is_refused_and_the_verifier_told(holder: Any) -> None:
    with issuer_double() as verifier:
        verifier.answers["/ro"] = (200, request_object(verifier, response_mode="direct_post.jwt").encode())
        result = run(holder, link(request_uri=verifier.url + "/ro"))
        received = verifier.received
    assert result.exit_code == 7 and "gives no key this wallet can use" in result.output
    # the error goes in clear, which §8.3.1 allows when no response can be encrypted; it holds no claim
    assert received[1:] == [("/cb", b"error=invalid_request&state=s")]
