"""The real nansen-wallet CLI answers an outside verifier built on npm @openid4vc/openid4vp
(tests/interop/outside_verifier.mjs) the HAIP way: a signed request object by reference (RFC 9101,
OpenID4VP 1.0 §5), fetched with GET or POST (§5.10, with the wallet_nonce coming back signed), client
identifier prefixes x509_san_dns: and x509_hash: checked against the holder's trust anchors folder
(§5.9.3), and the answer encrypted with direct_post.jwt (§8.3), which the outside verifier decrypts
and checks with @sd-jwt/sd-jwt-vc. A forged, untrusted or mismatched request is refused and nothing
is sent to its response URI; a trusted request the wallet cannot answer gets an error (§8.5)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from interop_support import NodeServer
from world import ISSUER_ID, VCT, World, make_world
from x509_support import VerifierCertificates, verifier_certificates

from nansen.credential.status_claim import status_list_uri
from nansen.crypto.jws import sign_compact
from nansen.crypto.keys import PrivateKey, private_key_to_jwk
from nansen.status.token_status_list import STATUS_LIST_TYP, StatusList, StatusListClaims
from wallet_cli.store.wallet import Wallet

WALLET = str(Path(sys.executable).with_name("nansen-wallet"))
PASSPHRASE = "a good passphrase"
TRUSTED = verifier_certificates("localhost", organisation="Border Agency")
# trusted too, with a name that tries to steer the terminal and reorder the line (shown neutralised)
STEERING = verifier_certificates("localhost", organisation="Border\x1b[2J Agency\u202e")


def signer(certificates: VerifierCertificates) -> dict[str, Any]:
    key: ec.EllipticCurvePrivateKey = certificates.leaf_key
    return {"private_jwk": private_key_to_jwk(PrivateKey(key)), "x5c": certificates.x5c}


def status_list_token(world: World) -> dict[str, str]:
    """The world issuer's status list (every credential valid), as its status list token (Token
    Status List §5), for the outside verifier's status check of the presented credential."""
    uri = status_list_uri(ISSUER_ID)
    claims = StatusListClaims(uri, ISSUER_ID, int(time.time()), int(time.time()) + 3600, None)
    header = {"typ": STATUS_LIST_TYP, "kid": world.kid}
    token = sign_compact(
        header=header, payload=json.dumps(claims.payload(StatusList(1024))).encode(), key=world.issuer_key
    )
    return {"uri": uri, "token": token}


class OutsideVerifier(NodeServer):
    def __init__(self, world: World) -> None:
        setup = {
            "issuer_jwk": dict(world.issuer_key.public_key().jwk()),
            "status_list": status_list_token(world),
        }
        super().__init__("outside_verifier.mjs", setup)

    def request(self, **options: Any) -> tuple[str, str]:
        body = {"client_id": "x509_san_dns:localhost", "signer": signer(TRUSTED), "vct": VCT, **options}
        made = httpx.post(f"{self.base}/requests", json=body, timeout=10)
        assert made.status_code == 200, made.text
        return made.json()["id"], made.json()["link"]

    def outcome(self, request_id: str) -> dict[str, Any]:
        return dict(httpx.get(f"{self.base}/outcome/{request_id}", timeout=5).json())

    def seen(self, request_id: str) -> list[tuple[str, str]]:
        seen = httpx.get(f"{self.base}/seen", timeout=5).json()
        wallet_side = ("/request", "/response")
        return [
            (s["method"], s["path"]) for s in seen if s.get("id") == request_id and s["path"] in wallet_side
        ]


@pytest.fixture(scope="module")
def setting(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[OutsideVerifier, Any]]:
    """One outside verifier and one wallet holding a Nansen credential (a real SD-JWT VC with key
    binding); the holder's trust anchors folder holds the verifier's root CA."""
    world = make_world()
    home = tmp_path_factory.mktemp("holder")
    opened = Wallet.create(home / "w", PASSPHRASE, dict(private_key_to_jwk(world.holder_key)))
    (credential,) = world.issue(1)
    claims = dict(world.claims)
    opened.add_credential(
        {
            "compact": credential.compact,
            "vct": VCT,
            "received_at": 1,
            "claims": claims,
            "chain_check": "valid",
        }
    )
    anchors = home / "anchors"
    anchors.mkdir()
    (anchors / "border-agency-root.pem").write_text(TRUSTED.anchor_pem)
    (anchors / "another-root.pem").write_text(STEERING.anchor_pem)
    env = {
        **os.environ,
        "NANSEN_WALLET_PASSPHRASE": PASSPHRASE,
        "NANSEN_WALLET_TRUST_ANCHORS_DIR": str(anchors),
    }

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        command = [WALLET, "--data-dir", str(home / "w"), "--lang", "en", *args]
        return subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, check=False)

    verifier = OutsideVerifier(world)
    try:
        yield verifier, run
    finally:
        verifier.stop()


def test_signed_request_by_reference_with_get_and_an_encrypted_answer(setting: Any) -> None:
    verifier, wallet = setting
    request_id, link = verifier.request(claims=["nationality", "age_over_18"], method="get", redirect=True)
    assert "request_uri=" in link and "dcql_query" not in link  # by reference: the link holds no request
    shared = wallet("present", link, "--yes")
    assert shared.returncode == 0, shared.stdout + shared.stderr + str(verifier.outcome(request_id))
    assert "Verified verifier: Border Agency (x509_san_dns:localhost)" in shared.stdout
    assert "Border Agency asks to see:\n" in shared.stdout and ": nationality, age_over_18\n" in shared.stdout
    assert f"continue at: {verifier.base}/done#response_code=" in shared.stdout  # shown, not opened (§8.2)
    outcome = verifier.outcome(request_id)["outcome"]
    assert outcome["verified"] and outcome["claims"] == {"nationality": "SY", "age_over_18": True}
    assert outcome["header"]["kid"] == f"enc-{request_id}" and outcome["header"]["enc"] == "A128GCM"
    assert verifier.seen(request_id) == [("GET", "/request"), ("POST", "/response")]


def test_x509_hash_by_post_with_wallet_nonce_a256gcm_and_no_state(setting: Any) -> None:
    verifier, wallet = setting
    request_id, link = verifier.request(
        client_id=f"x509_hash:{TRUSTED.leaf_hash}",
        claims=["given_name"],
        method="post",
        enc_values=["A256GCM"],
        state=False,  # optional (§5.2)
    )
    shared = wallet("present", link, "--yes")
    assert shared.returncode == 0, shared.stdout + shared.stderr
    assert f"Verified verifier: Border Agency (x509_hash:{TRUSTED.leaf_hash})" in shared.stdout
    answer = verifier.outcome(request_id)
    assert (
        answer["outcome"]["claims"] == {"given_name": "Amina"}
        and answer["outcome"]["header"]["enc"] == "A256GCM"
    )
    assert answer["wallet_metadata"]["vp_formats_supported"]["dc+sd-jwt"]["kb-jwt_alg_values"] == ["ES256"]
    assert verifier.seen(request_id) == [("POST", "/request"), ("POST", "/response")]


@pytest.mark.parametrize(
    ("options", "said"),
    [
        ({"forge": True}, "signature is not valid"),
        ({"signer": signer(verifier_certificates("localhost"))}, "not issued by an organisation you trust"),
        ({"client_id": "x509_san_dns:verifier.example"}, "does not match the verifier's certificate"),
        ({"signer": signer(verifier_certificates("localhost", expired=True))}, "certificate has expired"),
    ],
    ids=["bad-signature", "untrusted-certificate", "san-mismatch", "expired-certificate"],
)
def test_a_request_that_does_not_verify_is_refused_and_nothing_is_sent(
    setting: Any, options: dict[str, Any], said: str
) -> None:
    """The untrusted certificate chains to a root CA that is not in the holder's folder; the SAN
    mismatch is the trusted certificate (for localhost) used as x509_san_dns:verifier.example."""
    verifier, wallet = setting
    request_id, link = verifier.request(claims=["nationality"], method="get", **options)
    refused = wallet("present", link, "--yes")
    assert refused.returncode == 7, refused.stdout + refused.stderr
    assert said in refused.stderr and "The verifier was not told" in refused.stderr
    assert verifier.seen(request_id) == [("GET", "/request")]  # its response URI cannot be trusted
    assert verifier.outcome(request_id)["outcome"] is None


def test_claims_the_credential_lacks_are_refused_and_the_verifier_told(setting: Any) -> None:
    verifier, wallet = setting
    request_id, link = verifier.request(claims=["nationality", "blood_type"], method="get")
    refused = wallet("present", link, "--yes")
    assert refused.returncode == 4 and "does not have: blood_type" in refused.stderr, refused.stderr
    outcome = verifier.outcome(request_id)["outcome"]
    assert outcome == {"error": "access_denied", "encrypted": True, "header": outcome["header"]}


def test_a_verifier_that_does_not_accept_es256_key_binding_is_told(setting: Any) -> None:
    verifier, wallet = setting
    request_id, link = verifier.request(
        claims=["nationality"], method="get", vp_formats={"dc+sd-jwt": {"kb-jwt_alg_values": ["EdDSA"]}}
    )
    refused = wallet("present", link, "--yes")
    assert refused.returncode == 7 and "does not accept the kind of credential" in refused.stderr
    assert verifier.outcome(request_id)["outcome"]["error"] == "vp_formats_not_supported"


def test_the_verified_name_is_shown_neutralised(setting: Any) -> None:
    verifier, wallet = setting
    request_id, link = verifier.request(claims=["nationality"], method="get", signer=signer(STEERING))
    shared = wallet("present", link, "--yes")
    assert shared.returncode == 0, shared.stdout + shared.stderr
    assert "Verified verifier: Border\u241b[2J Agency\ufffd (x509_san_dns:localhost)" in shared.stdout
    assert "\x1b" not in shared.stdout and "\u202e" not in shared.stdout
    assert verifier.outcome(request_id)["outcome"]["verified"]
