"""A real receive from the real issuer (its own process, anchoring on a real anvil chain) while the
wallet's chain node is a closed port: the credential is stored with its content, shown, presented
online and offline, and checked on chain later, when the wallet can reach it."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from offline_codes import presentation_in
from typer.testing import CliRunner

from nansen.chain import devchain
from nansen.chain.connection import connect
from nansen.chain.deployment import load_deployment
from nansen.chain.mirror import ChainMirror
from nansen.cli.demo_story import PERSON, VCT, http, service
from nansen.cli.dev_commands import DEMO_ISSUER_ID, DEMO_ISSUER_NAME, bootstrap_environment
from nansen.credential.result import Verdict, VerificationResult
from nansen.credential.verification import CredentialVerifier
from wallet_cli.app import app
from wallet_cli.store.wallet import Wallet

pytestmark = pytest.mark.chain
PASSPHRASE = "a good passphrase"


@dataclass
class Office:
    issuer: str
    verifier: str
    staff: dict[str, str]
    officer: dict[str, str]
    rpc_url: str
    chain_id: str
    deployments_dir: str


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Office]:
    data_dir = tmp_path_factory.mktemp("office")
    with ExitStack() as stack:
        stack.callback(devchain.stop, data_dir / "chain")
        env = bootstrap_environment(data_dir)
        logs = data_dir / "logs"
        logs.mkdir()
        issuer_port, verifier_port = devchain.free_port(), devchain.free_port()
        issuer = stack.enter_context(
            service(
                "issuer",
                "issuer.app",
                issuer_port,
                {
                    **os.environ,
                    **env["issuer"],
                    "NANSEN_ISSUER_PUBLIC_URL": f"http://127.0.0.1:{issuer_port}",
                    "NANSEN_ISSUER_CREDENTIAL_WAIT_SECONDS": "0",  # every receive goes the deferred way
                },
                logs,
            )
        )
        verifier = stack.enter_context(
            service(
                "verifier",
                "verifier.app",
                verifier_port,
                {
                    **os.environ,
                    **env["verifier"],
                    "NANSEN_VERIFIER_PUBLIC_URL": f"http://127.0.0.1:{verifier_port}",
                    "NANSEN_VERIFIER_SYNC_INTERVAL_SECONDS": "0.5",
                },
                logs,
            )
        )
        yield Office(
            issuer,
            verifier,
            {"Authorization": f"Bearer {env['tokens']['staff']}"},
            {"Authorization": f"Bearer {env['tokens']['officer']}"},
            env["wallet"]["NANSEN_WALLET_RPC_URL"],
            env["wallet"]["NANSEN_WALLET_CHAIN_ID"],
            env["wallet"]["NANSEN_WALLET_DEPLOYMENTS_DIR"],
        )


@dataclass
class Holder:
    directory: Path
    offline: dict[str, str]  # the chain node is a closed port
    online: dict[str, str]

    def run(self, *args: str, online: bool = False):  # type: ignore[no-untyped-def]
        return CliRunner().invoke(
            app,
            ["--data-dir", str(self.directory), "--lang", "en", *args],
            env=self.online if online else self.offline,
        )

    def receive(self, office: Office) -> tuple[str, dict[str, Any]]:
        status, offer = http("POST", f"{office.issuer}/offers", {"claims": PERSON}, _token(office.staff))
        assert status == 201, offer
        done = self.run("receive", offer["offer_uri"], "--tx-code", offer["tx_code"])
        assert done.exit_code == 0, done.output
        assert "could not be checked against the registry right now" in done.output
        return done.output.split("Saved credential ")[1].split()[0], offer


@pytest.fixture()
def holder(tmp_path: Path, office: Office, closed_rpc_url: str) -> Holder:
    chain = {
        "NANSEN_WALLET_CHAIN_ID": office.chain_id,
        "NANSEN_WALLET_DEPLOYMENTS_DIR": office.deployments_dir,
    }
    offline = {"NANSEN_WALLET_PASSPHRASE": PASSPHRASE, "NANSEN_WALLET_RPC_URL": closed_rpc_url, **chain}
    made = Holder(tmp_path / "wallet", offline, {**offline, "NANSEN_WALLET_RPC_URL": office.rpc_url})
    assert made.run("init").exit_code == 0
    return made


def _token(headers: dict[str, str]) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


def on_chain(office: Office, unverified: str) -> VerificationResult:
    """What a verifier with a fresh mirror of the chain makes of a credential or presentation."""
    conn = connect(office.rpc_url, expected_chain_id=int(office.chain_id))
    mirror = ChainMirror(conn, load_deployment(Path(office.deployments_dir), conn.chain_id))
    mirror.sync()
    if unverified.endswith("~"):
        return CredentialVerifier(mirror).verify_issued(unverified)
    return CredentialVerifier(mirror).verify_presentation(unverified, audience="officer-7", nonce="n-42")


def test_received_without_the_chain_then_shown_presented_and_checked_later(
    office: Office, holder: Holder, tmp_path: Path
) -> None:
    credential_id, _offer = holder.receive(office)

    shown = json.loads(holder.run("show", credential_id, "--json").output)
    assert shown["claims"] == PERSON and shown["type"] == VCT and shown["issuer_id"] == DEMO_ISSUER_ID
    assert shown["expires_at"] > time.time()
    assert (shown["chain_check"], shown["verified"], shown["chain_reason"]) == (
        "not_checked",
        False,
        "chain_unreachable",
    )
    text = holder.run("show", credential_id).output
    assert "“Nationality”: SY" in text and "“Given name”: Amina" in text and "Valid until" in text
    assert "Not yet checked against the registry" in text
    listed = json.loads(holder.run("list", "--json").output)["credentials"]
    assert [(c["id"], c["type"], c["verified"]) for c in listed] == [(credential_id, VCT, False)]

    out = tmp_path / "codes"
    offline = holder.run(
        "present",
        "--offline",
        "--nonce",
        "n-42",
        "--audience",
        "officer-7",
        "--claims",
        "nationality",
        "--out",
        str(out),
    )
    assert offline.exit_code == 0, offline.output
    checked = on_chain(office, presentation_in(out))
    assert checked.verdict is Verdict.VALID and checked.claims["nationality"] == "SY"

    status, request = http(
        "POST",
        f"{office.verifier}/requests",
        {"credential_type": VCT, "claims": [["nationality"], ["age_over_18"]], "purpose": "test"},
        _token(office.officer),
    )
    assert status == 201, request
    online = holder.run("present", request["request_uri"], "--yes", "--credential", credential_id)
    assert online.exit_code == 0, online.output
    _, result = http(
        "GET", f"{office.verifier}/requests/{request['id']}/result?wait=10", token=_token(office.officer)
    )
    assert result["verdict"] == "valid" and result["claims"] == {"nationality": "SY", "age_over_18": True}

    # the chain is reachable again: looking at the credential checks it, once, and keeps the verdict
    rechecked = holder.run("show", credential_id, online=True)
    assert "Checked against the registry on" in rechecked.output, rechecked.output
    shown = json.loads(holder.run("show", credential_id, "--json").output)  # offline again: remembered
    assert (shown["chain_check"], shown["verified"], shown["issuer"]) == ("valid", True, DEMO_ISSUER_NAME)
    assert shown["claims"] == PERSON


def _revoke_and_wait_for_the_chain(
    office: Office, holder: Holder, credential_id: str, offer: dict[str, Any]
) -> None:
    """The issuer's staff revoke the credential of ``offer``; returns once the chain shows it."""
    staff = _token(office.staff)
    listing = http("GET", f"{office.issuer}/credentials", token=staff)[1]
    issued = next(c["id"] for c in listing if c["offer_id"] == offer["id"])
    status, _ = http("POST", f"{office.issuer}/credentials/{issued}/revoke", {"reason": "fraud"}, staff)
    assert status == 202
    found = Wallet.unlock(holder.directory, PASSPHRASE).credential(credential_id)
    assert found is not None
    deadline = time.monotonic() + 30
    while on_chain(office, found.record["compact"]).reason != "status:revoked":
        assert time.monotonic() < deadline, "the revocation never reached the chain"
        time.sleep(0.5)


def test_revoked_before_the_wallet_could_check_it(office: Office, holder: Holder) -> None:
    credential_id, offer = holder.receive(office)
    _revoke_and_wait_for_the_chain(office, holder, credential_id, offer)

    listed = holder.run("list", online=True)
    assert (
        f"{credential_id}: This credential did not pass the registry checks (status:revoked)" in listed.output
    )
    assert "[did not pass the checks]" in listed.output
    shown = json.loads(holder.run("show", credential_id, "--json").output)
    assert (shown["chain_check"], shown["chain_reason"], shown["verified"]) == (
        "invalid",
        "status:revoked",
        False,
    )
    assert shown["claims"] == PERSON  # kept: the holder decides what to do with it


def test_check_sees_a_revocation_after_the_credential_was_found_valid(office: Office, holder: Holder) -> None:
    credential_id, offer = holder.receive(office)
    assert "Checked against the registry on" in holder.run("show", credential_id, online=True).output

    unreachable = holder.run("check")  # no connection: said plainly, nothing changed
    assert unreachable.exit_code == 6 and "cannot be reached right now" in unreachable.output
    assert json.loads(holder.run("show", credential_id, "--json").output)["chain_check"] == "valid"

    _revoke_and_wait_for_the_chain(office, holder, credential_id, offer)

    checked = holder.run("check", online=True)
    assert checked.exit_code == 0, checked.output
    assert (
        f"{credential_id}: This credential did not pass the registry checks (status:revoked)"
        in checked.output
    )
    shown = json.loads(holder.run("show", credential_id, "--json").output)
    assert (shown["chain_check"], shown["chain_reason"]) == ("invalid", "status:revoked")
    assert shown["claims"] == PERSON  # kept: the holder decides what to do with it
