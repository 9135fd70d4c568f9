"""The CLI with Typer's runner: messages, --json, exit codes, backup and restore, languages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from wallet_cli.app import app
from wallet_cli.store.wallet import Wallet

PASS = {"NANSEN_WALLET_PASSPHRASE": "a good passphrase"}
BACKUP = {"NANSEN_WALLET_BACKUP_PASSPHRASE": "another good passphrase"}


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def run(
    runner: CliRunner, wallet: Path, *args: str, env: dict[str, str] | None = None, input: str | None = None
):  # type: ignore[no-untyped-def]
    return runner.invoke(
        app, ["--data-dir", str(wallet), "--lang", "en", *args], env=env or PASS, input=input
    )


def seeded(tmp_path: Path) -> Path:
    wallet = Wallet.create(tmp_path / "w", PASS["NANSEN_WALLET_PASSPHRASE"], {"kty": "EC"})
    wallet.add_credential(
        {
            "compact": "abc~",
            "vct": "https://nansen.example/credentials/refugee-identity",
            "issuer_name": "Demo NGO",
            "claims": {"nationality": "SY"},
            "received_at": 1,
            "claim_labels": [
                {
                    "path": ["nationality"],
                    "display": [
                        {"lang": "en", "label": "Nationality"},
                        {"lang": "fr", "label": "Nationalité"},
                    ],
                }
            ],
        }
    )
    wallet.record_event({"event": "received", "issuer": "Demo NGO", "credential": "x"})
    return tmp_path / "w"


def test_init_then_refuses_a_second_time(runner: CliRunner, tmp_path: Path) -> None:
    first = run(runner, tmp_path / "w", "init")
    assert first.exit_code == 0 and "ready" in first.output
    second = run(runner, tmp_path / "w", "init")
    assert second.exit_code == 9


def test_list_show_json_and_labels(runner: CliRunner, tmp_path: Path) -> None:
    wallet = seeded(tmp_path)
    listing = run(runner, wallet, "list", "--json")
    assert listing.exit_code == 0
    entry = json.loads(listing.output)["credentials"][0]
    assert entry["issuer"] == "Demo NGO"
    shown = runner.invoke(app, ["--data-dir", str(wallet), "--lang", "fr", "show", entry["id"]], env=PASS)
    assert "“Nationalité”: SY" in shown.output
    assert run(runner, wallet, "show", "nothere").exit_code == 4


def test_wrong_passphrase_exit_code(runner: CliRunner, tmp_path: Path) -> None:
    wallet = seeded(tmp_path)
    result = run(runner, wallet, "list", env={"NANSEN_WALLET_PASSPHRASE": "wrong one"})
    assert result.exit_code == 3


def test_missing_wallet_says_what_to_do(runner: CliRunner, tmp_path: Path) -> None:
    result = run(runner, tmp_path / "none", "list")
    assert result.exit_code == 9


def test_delete_and_history(runner: CliRunner, tmp_path: Path) -> None:
    wallet = seeded(tmp_path)
    entry = json.loads(run(runner, wallet, "list", "--json").output)["credentials"][0]
    assert run(runner, wallet, "delete", entry["id"], "--yes").exit_code == 0
    events = json.loads(run(runner, wallet, "history", "--json").output)["events"]
    assert [e["event"] for e in events] == ["received", "deleted"]


def test_backup_restore_on_a_new_device(runner: CliRunner, tmp_path: Path) -> None:
    wallet = seeded(tmp_path)
    both = {**PASS, **BACKUP}
    assert run(runner, wallet, "backup", str(tmp_path / "backup.bin"), env=both).exit_code == 0
    restored = tmp_path / "new-device"
    assert run(runner, restored, "restore", str(tmp_path / "backup.bin"), env=both).exit_code == 0
    listing = json.loads(run(runner, restored, "list", "--json").output)
    assert listing["credentials"][0]["issuer"] == "Demo NGO"
    again = run(runner, restored, "restore", str(tmp_path / "backup.bin"), env=both)
    assert again.exit_code == 9
    wrong = run(
        runner,
        tmp_path / "other",
        "restore",
        str(tmp_path / "backup.bin"),
        env={**PASS, "NANSEN_WALLET_BACKUP_PASSPHRASE": "wrong one"},
    )
    assert wrong.exit_code == 3
    assert not (tmp_path / "other").exists()


def test_the_wallet_passphrase_does_not_answer_the_backup_prompt(runner: CliRunner, tmp_path: Path) -> None:
    wallet = seeded(tmp_path)
    backup = str(tmp_path / "backup.bin")
    asked = run(runner, wallet, "backup", backup, input="backup secret 1\nbackup secret 1\n")
    assert asked.exit_code == 0, asked.output
    assert "Choose a passphrase for the backup" in asked.output
    # the backup has its own passphrase: the wallet's (from the environment) does not open it
    assert (
        run(
            runner, tmp_path / "a", "restore", backup, input=PASS["NANSEN_WALLET_PASSPHRASE"] + "\n"
        ).exit_code
        == 3
    )
    restored = run(runner, tmp_path / "b", "restore", backup, input="backup secret 1\n")
    assert restored.exit_code == 0, restored.output
    assert "Backup passphrase" in restored.output
    assert run(runner, tmp_path / "b", "list").exit_code == 0  # the new wallet opens with its own passphrase


def test_a_short_backup_passphrase_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    wallet = seeded(tmp_path)
    result = run(
        runner,
        wallet,
        "backup",
        str(tmp_path / "b.bin"),
        env={**PASS, "NANSEN_WALLET_BACKUP_PASSPHRASE": "short"},
    )
    assert result.exit_code == 2 and "at least 8 characters" in result.output
    assert not (tmp_path / "b.bin").exists()


def test_offline_present_needs_its_options(runner: CliRunner, tmp_path: Path) -> None:
    wallet = seeded(tmp_path)
    result = run(runner, wallet, "present", "--offline")
    assert result.exit_code == 2


def test_malformed_offer_is_named(runner: CliRunner, tmp_path: Path) -> None:
    wallet = seeded(tmp_path)
    result = run(runner, wallet, "receive", "openid-credential-offer://?nothing=1")
    assert result.exit_code == 2
    result = run(runner, wallet, "present", "openid4vp://?client_id=x")
    assert result.exit_code == 2
