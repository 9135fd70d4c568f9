"""Text from outside cannot steer the holder's terminal (issue 16 item 2).

The attack from the issue runs against the real wallet process on a real pseudo-terminal; what the
person would see is read from a VT terminal emulator (pyte) fed with every byte the wallet wrote."""

from __future__ import annotations

import ast
import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pyte
import pytest
from issuer_double import issuer_double
from typer.testing import CliRunner
from world import VCT, make_world

from nansen.chain.devchain import free_port
from nansen.crypto.keys import private_key_to_jwk
from nansen.openid4vci.offer import PRE_AUTHORIZED_GRANT
from nansen.openid4vp.dcql import build_query
from nansen.openid4vp.request import new_request
from nansen.untrusted_text import is_unsafe
from wallet_cli.app import app
from wallet_cli.i18n import LANGUAGES
from wallet_cli.store.wallet import Wallet

PASSPHRASE = "a good passphrase"
WALLET_CLI = Path(__file__).resolve().parents[2] / "wallet_cli"
ESC = "\x1b"
RLE, PDF = "\u202b", "\u202c"  # the wallet's own right-to-left embedding of Arabic lines


@pytest.fixture(scope="module")
def wallet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    world = make_world()
    folder = tmp_path_factory.mktemp("terminal") / "w"
    opened = Wallet.create(folder, PASSPHRASE, dict(private_key_to_jwk(world.holder_key)))
    opened.add_credential(
        {
            "compact": world.issue(1)[0].compact,
            "vct": VCT,
            "received_at": 1,
            "issuer_name": f"NGO{ESC}]0;owned{ESC}\\\u202eevil",
            "claims": {"nationality": "SY", "given_name": "Amina", f"note{ESC}[2J": f"a\nb{ESC}[31m\x9b"},
            "claim_labels": [
                {
                    "path": ["nationality"],
                    "display": [{"lang": lang, "label": f"N{ESC}[1A"} for lang in LANGUAGES],
                }
            ],
            "display": [{"lang": lang, "name": "ID\u2067card\u2069\x07"} for lang in LANGUAGES],
            "chain_check": "valid",
        }
    )
    opened.record_event({"event": "shared", "to": f"v{ESC}[2K", "claims": [f"x{ESC}[A"], "credential": "c"})
    return folder


def screen_of(*args: str, answer: str) -> tuple[list[str], str, int]:
    """Runs the wallet on a pseudo-terminal, answers its question, and returns what a VT100 terminal
    of 160x30 shows, the raw text written, and the exit code."""
    master, slave = pty.openpty()
    env = {**os.environ, "NANSEN_WALLET_PASSPHRASE": PASSPHRASE, "COLUMNS": "160", "LINES": "30"}
    process = subprocess.Popen(
        [sys.executable, "-m", "wallet_cli.app", *args], stdin=slave, stdout=slave, stderr=slave, env=env
    )
    os.close(slave)
    written = b""
    answered = False
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 1)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the wallet closed the terminal
                break
            if not chunk:
                break
            written += chunk
        if not answered and b"[y/N]" in written:
            os.write(master, answer.encode() + b"\r")
            answered = True
        if process.poll() is not None and not ready:
            break
    code = process.wait(30)
    os.close(master)
    screen = pyte.Screen(160, 30)
    # pyte drops a line holding the (zero-width) right-to-left embedding; it has no bidi layout anyway
    pyte.ByteStream(screen).feed(written.replace(RLE.encode(), b"").replace(PDF.encode(), b""))
    return [line.rstrip() for line in screen.display], written.decode("utf-8", "replace"), code


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_purpose_cannot_erase_what_the_verifier_asks_for(wallet: Path, lang: str) -> None:
    """The attack from the issue: the purpose moves the cursor up and erases the consent line, then
    writes a shorter list in its place; a "yes" would have shared everything."""
    response_uri = f"http://127.0.0.1:{free_port()}/cb"  # never reached: the holder says no
    forged = "127.0.0.1 asks to see: nationality"
    request = new_request(
        response_uri=response_uri,
        nonce="n",
        state="s",
        dcql_query=build_query("person", VCT, [("nationality",), ("given_name",)]),
        purpose=f"\r{ESC}[2K{ESC}[1A{ESC}[2K{forged}",
    )
    lines, raw, code = screen_of(
        "--data-dir", str(wallet), "--lang", lang, "present", request.to_uri(), answer="n"
    )
    assert code == 8, raw
    asks = next(i for i, line in enumerate(lines) if "(nationality), given_name" in line)
    assert "127.0.0.1" in lines[asks - 1], lines  # the real list is on the screen, under who asks...
    assert forged not in lines  # ...and the forgery is not a line
    assert "\u241b[1A\u241b[2K" in raw  # the escape is shown as a symbol, as text
    if lang == "ar":
        assert f"{RLE}127.0.0.1" in raw and PDF in raw  # the wallet's own right-to-left marks are kept


def _outside_text_left(output: str) -> list[str]:
    """Unsafe characters in the output, apart from the wallet's own right-to-left marks."""
    return [
        hex(ord(c)) for c in output.replace("\u202b", "").replace("\u202c", "") if is_unsafe(c) and c != "\n"
    ]


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("command", [["list"], ["show"], ["history"], ["list", "--json"], ["show", "--json"]])
def test_names_labels_and_values_from_outside_are_neutralised(
    wallet: Path, lang: str, command: list[str]
) -> None:
    env = {"NANSEN_WALLET_PASSPHRASE": PASSPHRASE}
    runner = CliRunner()
    if command[0] == "show":
        listing = runner.invoke(app, ["--data-dir", str(wallet), "list", "--json"], env=env)
        command = ["show", json.loads(listing.output)["credentials"][0]["id"], *command[1:]]
    result = runner.invoke(app, ["--data-dir", str(wallet), "--lang", lang, *command], env=env)
    assert result.exit_code == 0, result.output
    assert _outside_text_left(result.output) == []
    if "--json" in command:
        json.loads(result.output)  # still JSON, the same values (escaped)
    elif command[0] == "show":
        assert "note\u241b[2J" in result.output and "a\u240ab\u241b[31m\ufffd" in result.output


@pytest.mark.parametrize("lang", LANGUAGES)
def test_an_issuer_error_description_cannot_forge_a_line(wallet: Path, lang: str) -> None:
    """The issuer's error_description reaches the holder inside an error message (on stderr)."""
    description = f"later{ESC}]0;title\x07\nSaved credential 1234 from Demo NGO.\u202e"
    with issuer_double() as issuer:
        issuer.answers["/credential"] = (
            400,
            json.dumps({"error": "x", "error_description": description}).encode(),
        )
        offer = json.dumps(
            {
                "credential_issuer": issuer.url,
                "credential_configuration_ids": ["refugee"],
                "grants": {PRE_AUTHORIZED_GRANT: {"pre-authorized_code": "c"}},
            }
        )
        result = CliRunner().invoke(
            app,
            ["--data-dir", str(wallet), "--lang", lang, "receive", offer],
            env={"NANSEN_WALLET_PASSPHRASE": PASSPHRASE},
        )
    assert result.exit_code == 7, result.output
    assert _outside_text_left(result.output) == []
    assert not any(
        line.strip("\u202b\u202c").startswith("Saved credential") for line in result.output.splitlines()
    )
    assert "\u240aSaved credential 1234" in result.output


WRITERS = ("print", "typer.echo", "click.echo", "typer.secho", "click.secho")


def test_nothing_in_the_wallet_writes_around_the_terminal_module() -> None:
    """A new print cannot forget to neutralise: only wallet_cli/terminal.py writes to the terminal."""
    offenders = []
    for path in WALLET_CLI.rglob("*.py"):
        if path.name == "terminal.py" or "i18n" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = ast.unparse(node.func)
                if name in (
                    "print",
                    "typer.echo",
                    "click.echo",
                    "typer.secho",
                    "click.secho",
                ) or name.endswith((".print", "stdout.write", "stderr.write", ".print_json", ".log")):
                    offenders.append(f"{path.relative_to(WALLET_CLI)}:{node.lineno}: {name}")
    assert offenders == [], "write through wallet_cli.terminal (ctx.say, ctx.emit_json, ctx.show_code)"
