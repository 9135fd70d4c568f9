"""`present` chooses a credential that matches the request and is not known to be unusable, online
and offline, and says so when there is none (issue 16 item 8). Before, it took the newest of the
type whatever its state, and --offline took the newest credential of any type."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from issuer_double import issuer_double
from offline_codes import presentation_in
from typer.testing import CliRunner, Result
from world import VCT, World, make_world

from nansen.crypto.keys import private_key_to_jwk
from nansen.openid4vp.dcql import build_query
from nansen.openid4vp.request import new_request
from wallet_cli.app import app
from wallet_cli.credential_choice import Wanted, choose
from wallet_cli.errors import WalletError
from wallet_cli.store.wallet import StoredCredential, Wallet

PASS = {"NANSEN_WALLET_PASSPHRASE": "a good passphrase"}
OTHER_VCT = "https://nansen.example/credentials/work-permit"
NOW = 2_000_000_000


def record(received_at: int, **fields: object) -> dict[str, object]:
    return {
        "compact": f"c{received_at}~",
        "vct": VCT,
        "received_at": received_at,
        "claims": {"nationality": "SY", "given_name": "Amina"},
        "chain_check": "valid",
        **fields,
    }


def pick(records: list[dict[str, object]], wanted: Wanted, **options: str) -> str:
    stored = [StoredCredential(f"id{n}", r) for n, r in enumerate(records)]
    return choose(stored, wanted, now=NOW, **options).id  # type: ignore[arg-type]


ASKED = Wanted((VCT,), (("nationality",),))


def test_the_newest_usable_credential_is_chosen() -> None:
    assert pick([record(1), record(2)], ASKED) == "id1"
    revoked = record(3, chain_check="invalid", chain_reason="revoked")
    assert pick([record(1), record(2), revoked], ASKED) == "id1"
    expired = record(3, expires_at=NOW - 1)
    assert pick([record(1), expired], ASKED) == "id0"
    other_type = record(3, vct=OTHER_VCT)
    assert pick([record(1), other_type], ASKED) == "id0"
    without_claim = record(3, claims={"given_name": "Amina"})
    assert pick([record(1), without_claim], ASKED) == "id0"


def test_a_checked_credential_comes_before_one_not_yet_checked() -> None:
    assert pick([record(1), record(2, chain_check="not_checked")], ASKED) == "id0"
    assert pick([record(2, chain_check="not_checked")], ASKED) == "id0"  # usable: the verifier checks


def test_nested_claim_paths_are_matched() -> None:
    wanted = Wanted((VCT,), (("place_of_birth", "country"),))
    nested = record(1, claims={"place_of_birth": {"country": "SY"}})
    assert pick([nested, record(2)], wanted) == "id0"


@pytest.mark.parametrize(
    ("reason", "said"),
    [
        ("revoked", "revoked by its issuer"),
        ("status:suspended", "suspended by its issuer"),
        ("issuer_suspended", "its issuer is suspended"),
        ("signature_invalid", "did not pass the registry checks (signature_invalid)"),
    ],
)
def test_when_none_is_usable_the_holder_is_told_why(reason: str, said: str) -> None:
    records = [record(1, expires_at=NOW), record(2, chain_check="invalid", chain_reason=reason)]
    with pytest.raises(WalletError, match=re.escape(f"id0: expired; id1: {said}")) as raised:
        pick(records, ASKED)
    assert raised.value.code == 7


def test_an_explicit_choice_is_checked_too() -> None:
    revoked = record(2, chain_check="invalid", chain_reason="revoked")
    with pytest.raises(WalletError, match="revoked by its issuer"):
        pick([record(1), revoked], ASKED, credential_id="id1")
    assert pick([record(1), record(2)], ASKED, credential_id="id0") == "id0"
    with pytest.raises(WalletError, match="There is no credential nothere") as raised:
        pick([record(1)], ASKED, credential_id="nothere")
    assert raised.value.code == 4


def test_no_credential_of_the_kind_or_with_the_claims() -> None:
    with pytest.raises(WalletError, match="no credential of the kind"):
        pick([record(1, vct=OTHER_VCT)], ASKED)
    with pytest.raises(WalletError, match="does not have: age_over_18"):
        pick([record(1)], Wanted((VCT,), (("age_over_18",),)))


def test_without_a_type_several_kinds_are_not_guessed_between() -> None:
    any_type = Wanted((), (("nationality",),))
    assert pick([record(1), record(2, claims={"x": 1}, vct=OTHER_VCT)], any_type) == "id0"
    with pytest.raises(WalletError, match="--type"):
        pick([record(1), record(2, vct=OTHER_VCT)], any_type)


# -- the real command, online and offline, with real credentials -----------------------------------


@pytest.fixture(scope="module")
def world() -> World:
    return make_world()


def wallet_with(
    tmp_path: Path, world: World, newest: dict[str, object], oldest: dict[str, object] | None = None
) -> tuple[Path, str, str]:
    """A wallet holding a valid credential and, received later, another one (``newest``); returns
    the issuer-signed JWT of each."""
    valid, other = world.issue(2)
    holder = dict(private_key_to_jwk(world.holder_key))
    opened = Wallet.create(tmp_path / "w", PASS["NANSEN_WALLET_PASSPHRASE"], holder)
    opened.add_credential(record(1, compact=valid.compact, **(oldest or {})))
    opened.add_credential(record(2, compact=other.compact, **newest))
    return tmp_path / "w", valid.compact.split("~")[0], other.compact.split("~")[0]


def run(wallet: Path, *args: str) -> Result:
    return CliRunner().invoke(app, ["--data-dir", str(wallet), "--lang", "en", *args], env=PASS)


def offline(wallet: Path, tmp_path: Path, *options: str) -> tuple[Result, str]:
    out = tmp_path / "codes"
    result = run(
        wallet,
        "present",
        "--offline",
        "--nonce",
        "n",
        "--audience",
        "a",
        "--claims",
        "nationality",
        "--out",
        str(out),
        *options,
    )
    return result, presentation_in(out) if out.exists() else ""


def test_offline_does_not_present_a_revoked_credential(tmp_path: Path, world: World) -> None:
    wallet, valid, revoked = wallet_with(
        tmp_path, world, {"chain_check": "invalid", "chain_reason": "revoked"}
    )
    result, presentation = offline(wallet, tmp_path)
    assert result.exit_code == 0, result.output
    assert presentation.startswith(valid + "~") and not presentation.startswith(revoked)


def test_offline_presents_the_type_the_officer_accepts(tmp_path: Path, world: World) -> None:
    wallet, wanted, _other = wallet_with(tmp_path, world, {"vct": OTHER_VCT})
    result, presentation = offline(wallet, tmp_path, "--type", VCT)
    assert result.exit_code == 0, result.output
    assert presentation.startswith(wanted + "~")


def test_offline_says_so_when_nothing_can_be_presented(tmp_path: Path, world: World) -> None:
    wallet, _valid, _other = wallet_with(tmp_path, world, {"expires_at": 1})
    result, presentation = offline(wallet, tmp_path, "--type", OTHER_VCT)
    assert result.exit_code == 4 and "no credential of the kind" in result.output
    assert presentation == ""


def _request(response_uri: str) -> str:
    query = build_query("person", VCT, [("nationality",)])
    return new_request(response_uri=response_uri, nonce="n", state="s", dcql_query=query).to_uri()


def test_online_does_not_present_a_credential_marked_invalid(tmp_path: Path, world: World) -> None:
    wallet, valid, invalid = wallet_with(
        tmp_path, world, {"chain_check": "invalid", "chain_reason": "suspended"}
    )
    with issuer_double() as verifier:
        verifier.answers["/cb"] = (200, b"{}")
        result = run(wallet, "present", _request(verifier.url + "/cb"), "--yes")
        assert result.exit_code == 0, result.output
        [(path, body)] = verifier.received
    assert path == "/cb"
    token = json.loads(parse_qs(body.decode())["vp_token"][0])
    assert token["person"][0].startswith(valid + "~") and not token["person"][0].startswith(invalid)


def test_online_says_so_when_every_credential_is_unusable(tmp_path: Path, world: World) -> None:
    revoked = {"chain_check": "invalid", "chain_reason": "revoked"}
    wallet, _valid, _invalid = wallet_with(tmp_path, world, revoked, {"expires_at": 1})
    with issuer_double() as verifier:
        result = run(wallet, "present", _request(verifier.url + "/cb"), "--yes")
        # no claim leaves the wallet; the verifier only learns the answer is no (OpenID4VP 1.0 §8.5)
        assert verifier.received == [("/cb", b"error=access_denied&state=s")]
    assert result.exit_code == 7
    assert "expired" in result.output and "revoked by its issuer" in result.output
