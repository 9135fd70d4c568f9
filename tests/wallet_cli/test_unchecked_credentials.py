"""A credential the chain could not vouch for yet still has its content: it is read from the SD-JWT,
shown, and can be presented; only the chain's verdict is "not yet checked"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from offline_codes import presentation_in
from typer.testing import CliRunner
from world import CLAIMS, ISSUER_ID, VCT, World, make_world

from nansen.credential.result import Verdict
from nansen.credential.verification import CredentialVerifier
from nansen.crypto.keys import private_key_to_jwk
from nansen.errors import NansenError
from nansen.sdjwt.presentation import create_presentation
from wallet_cli.app import app
from wallet_cli.credential_content import unverified_content
from wallet_cli.store.wallet import Wallet

PASS = {"NANSEN_WALLET_PASSPHRASE": "a good passphrase"}


@pytest.fixture()
def world() -> World:
    return make_world()


def wallet_with(tmp_path: Path, world: World, record: dict[str, object]) -> tuple[Path, str]:
    wallet = Wallet.create(
        tmp_path / "w", PASS["NANSEN_WALLET_PASSPHRASE"], dict(private_key_to_jwk(world.holder_key))
    )
    return tmp_path / "w", wallet.add_credential(record)


def run(wallet: Path, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["--data-dir", str(wallet), "--lang", "en", *args], env=PASS)


def test_content_is_read_from_the_disclosures(world: World) -> None:
    issued = world.issue(1)[0]
    content = unverified_content(issued.compact)
    assert content.claims == CLAIMS  # every disclosure, and nothing about the credential itself
    assert content.vct == VCT and content.issuer_id == ISSUER_ID
    assert content.expires_at is not None and content.issued_at is not None
    assert content.expires_at > content.issued_at


@pytest.mark.parametrize("garbage", ["", "abc~", "a.b.c~", "not an sd-jwt", "é~"])
def test_unreadable_content_is_refused(garbage: str) -> None:
    with pytest.raises(NansenError):
        unverified_content(garbage)


def test_a_presentation_is_not_an_issued_credential(world: World) -> None:
    issued = world.issue(1)[0]
    presented = create_presentation(
        issued=issued.compact,
        disclose=[("nationality",)],
        holder_key=world.holder_key,
        aud="a",
        nonce="n",
        iat=1,
    )
    with pytest.raises(NansenError, match="no KB-JWT"):
        unverified_content(presented)


def test_a_credential_saved_by_the_old_version_offline_is_shown_and_presented(
    tmp_path: Path, world: World
) -> None:
    """The record the defective version wrote when the chain was down: no claims, no type."""
    issued = world.issue(1)[0]
    wallet, credential_id = wallet_with(
        tmp_path,
        world,
        {
            "compact": issued.compact,
            "vct": None,
            "received_at": 1,
            "issuer_name": "http://issuer.example",
            "issuer_id": None,
            "claims": {},
            "verified": False,
        },
    )
    shown = json.loads(run(wallet, "show", credential_id, "--json").output)
    assert shown["claims"] == CLAIMS and shown["type"] == VCT
    assert shown["chain_check"] == "not_checked" and shown["verified"] is False
    text = run(wallet, "show", credential_id)
    assert "nationality: SY" in text.output and "Valid until" in text.output
    assert "Not yet checked against the registry" in text.output
    listing = run(wallet, "list")
    assert f"{credential_id}  {VCT}" in listing.output and "[not yet checked]" in listing.output

    out = tmp_path / "codes"
    offline = run(
        wallet,
        "present",
        "--offline",
        "--nonce",
        "n-1",
        "--audience",
        "officer-7",
        "--claims",
        "nationality",
        "--out",
        str(out),
    )
    assert offline.exit_code == 0, offline.output
    result = CredentialVerifier(world.trust).verify_presentation(
        presentation_in(out), audience="officer-7", nonce="n-1"
    )
    assert result.verdict is Verdict.VALID and result.claims["nationality"] == "SY"
    assert "given_name" not in result.claims


def test_a_record_without_content_or_readable_sd_jwt_is_shown_as_it_is(tmp_path: Path, world: World) -> None:
    wallet, credential_id = wallet_with(
        tmp_path,
        world,
        {"compact": "damaged~", "vct": None, "received_at": 1, "claims": {}, "verified": False},
    )
    shown = run(wallet, "show", credential_id, "--json")
    assert shown.exit_code == 0
    assert json.loads(shown.output)["claims"] == {}


def test_claim_values_print_as_they_are(tmp_path: Path, world: World) -> None:
    """Values come from the issuer: console markup in them is text, not styling."""
    wallet, credential_id = wallet_with(
        tmp_path,
        world,
        {
            "compact": "x~",
            "vct": VCT,
            "received_at": 1,
            "claims": {"note": "[bold]x[/bold]"},
            "verified": True,
        },
    )
    assert "note: [bold]x[/bold]" in run(wallet, "show", credential_id).output


def test_expiry_is_shown(tmp_path: Path, world: World) -> None:
    record = {"compact": "x~", "vct": VCT, "received_at": 1, "claims": {"a": 1}, "verified": True}
    wallet, expired = wallet_with(tmp_path, world, {**record, "expires_at": 86_400 * 365 + 43_200})
    assert "Expired on 1971-01-0" in run(wallet, "show", expired).output
    live = Wallet.unlock(wallet, PASS["NANSEN_WALLET_PASSPHRASE"]).add_credential(
        {**record, "expires_at": 4_102_444_800 + 43_200}
    )
    assert "Valid until 2100-01-0" in run(wallet, "show", live).output
