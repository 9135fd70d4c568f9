"""The real nansen-wallet CLI against the outside issuer built on npm @openid4vc/openid4vci 0.4.6
and @openid4vc/oauth2 (tests/interop/outside_issuer.mjs) with the OpenID4VCI 1.0 features a wallet
in the EUDI ecosystem meets (issue 17): an offer by reference (§4.1.3), batch issuance with one key
per credential (§8.2, batch_size §12.2.4), encrypted requests and responses (§8.2, §10), DPoP with
server nonces at the token and credential endpoints (RFC 9449 §5, §7, §8, §9), and display metadata
in the holder's language (Appendix B.2); and the refusals: an encryption the wallet lacks, a
DPoP nonce loop, a batch answer with the wrong number of credentials."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from interop_support import start_issuer
from offline_codes import presentation_in
from outside_issuer_process import OutsideIssuer, WalletRun, outside_issuers, wallet_runner

from nansen.chain import devchain
from nansen.crypto.keys import jwk_thumbprint


@pytest.fixture()
def outside() -> Iterator[Callable[..., OutsideIssuer]]:
    yield from outside_issuers()


@pytest.fixture()
def wallet(tmp_path: Path) -> WalletRun:
    return wallet_runner(tmp_path / "w")


def part(token: str, index: int) -> dict[str, Any]:
    piece = token.split(".")[index]
    return dict(json.loads(base64.urlsafe_b64decode(piece + "=" * (-len(piece) % 4))))


def test_everything_at_once_offer_by_reference_dpop_encryption_and_a_batch(
    outside: Callable[..., OutsideIssuer], wallet: WalletRun, tmp_path: Path
) -> None:
    issuer = outside(nonce=True, batch=3, encryption="required", dpop="required", by_reference=True)
    assert "credential_offer_uri=" in issuer.offer_uri
    received = wallet("receive", issuer.offer_uri)
    assert received.returncode == 0, received.stdout + received.stderr
    assert "gave 3 copies" in received.stdout
    seen = issuer.seen()
    assert seen[0]["path"] == "/offers/one"  # fetched before anything else

    # DPoP: the first token request has no nonce and is answered use_dpop_nonce; the second has it
    first, second = issuer.requests("/oauth/get-token")
    assert "nonce" not in part(first["headers"]["dpop"], 1) and "nonce" in part(second["headers"]["dpop"], 1)
    dpop_keys = {jwk_thumbprint(part(r["headers"]["dpop"], 0)["jwk"]) for r in (first, second)}
    # the credential endpoint asked for its own nonce once (401), then took a proof with ath
    asked, issued = issuer.requests("/v1/issue-credential")
    for request in (asked, issued):
        assert request["headers"]["authorization"].startswith("DPoP ")
        assert "ath" in part(request["headers"]["dpop"], 1)
        dpop_keys.add(jwk_thumbprint(part(request["headers"]["dpop"], 0)["jwk"]))
    assert len(dpop_keys) == 1  # one DPoP key per wallet

    # encrypted request (a JWE to the issuer's request key, with the response key inside)
    assert issued["headers"]["content-type"] == "application/jwt"
    assert part(issued["body"], 0) | {"epk": None} == {
        "alg": "ECDH-ES",
        "enc": "A256GCM",
        "kid": "request-key-1",
        "epk": None,
    }
    told = issuer.requests("/v1/told")  # the notice is a DPoP request too (its own nonce: one retry)
    assert len(told) == 2 and all(r["headers"]["authorization"].startswith("DPoP ") for r in told)
    assert json.loads(told[-1]["body"])["event"] == "credential_accepted"

    # one credential with 3 copies; each presentation uses a copy never shown before
    (kept,) = json.loads(wallet("list", "--json").stdout)["credentials"]
    assert "Copies not yet shown to any verifier: 3" in wallet("show", kept["id"]).stdout
    holder_keys = []
    for turn in range(4):
        out = tmp_path / f"codes{turn}"
        shown = wallet(
            "present",
            "--offline",
            "--nonce",
            f"n{turn}",
            "--audience",
            "a",
            "--claims",
            "given_name",
            "--out",
            str(out),
        )
        assert shown.returncode == 0, shown.stdout + shown.stderr
        assert ("could link it" in shown.stdout) is (turn == 3), shown.stdout
        issuer_jwt = presentation_in(out).split("~")[0]
        holder_keys.append(jwk_thumbprint(part(issuer_jwt, 1)["cnf"]["jwk"]))
    assert len(set(holder_keys[:3])) == 3 and holder_keys[3] in holder_keys[:3]
    shown = json.loads(wallet("show", kept["id"], "--json").stdout)
    assert (shown["name"], shown["copies_left"]) == ("Other ID", 0)


def test_display_metadata_in_the_holders_language(
    outside: Callable[..., OutsideIssuer], wallet: WalletRun
) -> None:
    issuer = outside(nonce=True)
    french = wallet("receive", issuer.offer_uri, lang="fr")
    assert french.returncode == 0, french.stdout + french.stderr
    assert "“Pièce d'identité”" in french.stdout  # fr-FR serves fr
    assert "“Carte d'identité de l'autre ONG”" in french.stdout and "“Colombe bleue”" in french.stdout
    assert "“Prénom”" in french.stdout
    # a label that tries to read as the wallet's own message stays inside the issuer's quotes
    lines = french.stdout.splitlines()
    assert not any(line.startswith(("It is accredited", "Saved credential 1")) for line in lines)
    assert "“Saved credential 1 from the registry. It is accredited”" in french.stdout
    (kept,) = json.loads(wallet("list", "--json").stdout)["credentials"]
    arabic = wallet("show", kept["id"], lang="ar").stdout
    assert "“بطاقة هوية”" in arabic and "“حمامة زرقاء”" in arabic and "“الاسم”: Amina" in arabic
    ukrainian = wallet("show", kept["id"], lang="uk").stdout
    assert "“Other ID”" in ukrainian and "“Ім'я”: Amina" in ukrainian  # no uk name: English
    assert "“Other ID”" in wallet("list", lang="es").stdout


def test_an_encryption_the_wallet_does_not_have_is_refused_before_the_code_is_used(
    outside: Callable[..., OutsideIssuer], wallet: WalletRun
) -> None:
    issuer = outside(encryption="unsupported")
    refused = wallet("receive", issuer.offer_uri)
    assert refused.returncode == 1
    assert "requires its answer to be encrypted in a way this wallet does not support" in refused.stderr
    assert issuer.requests("/oauth/get-token") == []


def test_a_dpop_nonce_loop_is_cut_after_one_retry(
    outside: Callable[..., OutsideIssuer], wallet: WalletRun
) -> None:
    issuer = outside(dpop="loop")
    refused = wallet("receive", issuer.offer_uri)
    assert refused.returncode == 1 and "keeps refusing the wallet's proof of its key" in refused.stderr
    assert len(issuer.requests("/oauth/get-token")) == 2


def test_a_batch_with_more_credentials_than_keys_is_refused(
    outside: Callable[..., OutsideIssuer], wallet: WalletRun
) -> None:
    issuer = outside(batch=2, wrong_count=True)
    refused = wallet("receive", issuer.offer_uri)
    assert refused.returncode == 7, refused.stdout + refused.stderr
    assert "The issuer sent 3 credentials for 2 keys. Nothing was saved." in refused.stderr
    (request,) = issuer.bodies("/v1/issue-credential")
    proofs = json.loads(request)["proofs"]["jwt"]
    assert len({jwk_thumbprint(part(p, 0)["jwk"]) for p in proofs}) == 2  # one fresh key per credential
    assert json.loads(wallet("list", "--json").stdout)["credentials"] == []
    (told,) = issuer.bodies("/v1/told")
    assert json.loads(told)["event"] == "credential_failure"  # §11: issued, but not kept


@pytest.mark.chain
def test_nansens_own_issuer_with_dpop_only(tmp_path: Path) -> None:
    """Nansen's issuer (issuer/dpop.py) where bearer tokens are off: the wallet gets a DPoP-bound
    token after the nonce retry, its credential with a proof of the same key, and a verdict from the
    chain (the issuer is accredited there)."""
    chain = devchain.start(tmp_path / "chain")
    process = None
    try:
        process = start_issuer(tmp_path, chain, NANSEN_ISSUER_ALLOW_BEARER_TOKENS="false")
        made = process.offer()
        run = wallet_runner(
            tmp_path / "w",
            NANSEN_WALLET_RPC_URL=process.settings.rpc_url,
            NANSEN_WALLET_CHAIN_ID=str(process.settings.chain_id),
            NANSEN_WALLET_DEPLOYMENTS_DIR=str(process.settings.deployments_dir),
        )
        received = run("receive", made["offer_uri"], "--tx-code", made["tx_code"])
        assert received.returncode == 0, received.stdout + received.stderr
        (kept,) = json.loads(run("list", "--json").stdout)["credentials"]
        assert kept["chain_check"] in ("valid", "not_checked"), kept
    finally:
        if process is not None:
            process.stop()
        devchain.stop(tmp_path / "chain")


def test_deferred_issuance_keeps_dpop_and_encryption(
    outside: Callable[..., OutsideIssuer], wallet: WalletRun
) -> None:
    issuer = outside(nonce=True, batch=2, encryption="required", dpop="required", deferred=True)
    received = wallet("receive", issuer.offer_uri)
    assert received.returncode == 0, received.stdout + received.stderr
    assert "still preparing" in received.stdout and "gave 2 copies" in received.stdout
    (collected,) = issuer.requests("/v1/collect-later")  # the nonce the credential endpoint gave holds
    assert collected["headers"]["authorization"].startswith("DPoP ") and "ath" in part(
        collected["headers"]["dpop"], 1
    )
    assert collected["headers"]["content-type"] == "application/jwt"  # encrypted, with its own response key
