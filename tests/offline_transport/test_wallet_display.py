"""`nansen-wallet present --offline`: the frames animated in a real terminal (a pty of a given size),
sized to it; PNG files when the terminal is too small or there is none, and with --out."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import shutil
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest
from offline_codes import presentation_in
from scanning import terminal_image, zxing_texts
from typer.testing import CliRunner
from world import World

from nansen.credential.result import Verdict
from nansen.credential.verification import CredentialVerifier
from nansen.crypto.keys import private_key_to_jwk
from nansen.offline_transport import assemble, parse_frame
from wallet_cli.app import app
from wallet_cli.offline_display import largest_version
from wallet_cli.store.wallet import Wallet

PASS = {"NANSEN_WALLET_PASSPHRASE": "a good passphrase"}
AUDIENCE, NONCE = "redirect_uri:https://verifier.example/offline", "offline-nonce-1"
ASK = [
    "present",
    "--offline",
    "--nonce",
    NONCE,
    "--audience",
    AUDIENCE,
    "--claims",
    "nationality,age_over_18",
]
_BLOCKS = frozenset(" ▀▄█")
_MAIN = "import sys; from wallet_cli.app import main; sys.exit(main())"


@pytest.fixture()
def wallet(tmp_path: Path, world: World, deep_credential: str) -> Path:
    created = Wallet.create(
        tmp_path / "w", PASS["NANSEN_WALLET_PASSPHRASE"], private_key_to_jwk(world.holder_key)
    )
    record = {"compact": deep_credential, "vct": None, "received_at": 1, "claims": {}, "verified": False}
    created.add_credential(record)
    return tmp_path / "w"


def _verified(world: World, presentation: str) -> None:
    result = CredentialVerifier(world.trust).verify_presentation(presentation, audience=AUDIENCE, nonce=NONCE)
    assert result.verdict is Verdict.VALID, result.checks
    assert result.claims["nationality"] == "SY" and "given_name" not in result.claims


def test_out_writes_the_frames_as_png_files(wallet: Path, world: World, tmp_path: Path) -> None:
    out = tmp_path / "codes"
    done = CliRunner().invoke(
        app, ["--data-dir", str(wallet), "--lang", "en", *ASK, "--out", str(out)], env=PASS
    )
    assert done.exit_code == 0, done.output
    assert f"Wrote 3 codes to {out}." in done.output or f"Wrote 4 codes to {out}." in done.output
    _verified(world, presentation_in(out))
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    refused = CliRunner().invoke(
        app, ["--data-dir", str(wallet), "--lang", "en", *ASK, "--out", str(a_file)], env=PASS
    )
    assert refused.exit_code == 2 and "must be a folder" in refused.output


def test_without_a_terminal_the_codes_go_to_a_private_folder_it_names(wallet: Path, world: World) -> None:
    done = CliRunner().invoke(app, ["--data-dir", str(wallet), "--lang", "en", *ASK], env=PASS)
    assert done.exit_code == 0, done.output
    written = next(line for line in done.output.splitlines() if " codes to " in line)
    folder = Path(written.split(" codes to ", 1)[1].rstrip("."))
    try:
        assert folder.stat().st_mode & 0o777 == 0o700
        _verified(world, presentation_in(folder))
    finally:
        shutil.rmtree(folder)


def _run_in_terminal(
    wallet: Path, columns: int, lines: int, *, until: str, seconds: float
) -> tuple[str, int]:
    """Runs the wallet in a pty of that size; Ctrl+C once ``until`` has shown twice (or on time)."""
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", lines, columns, 0, 0))
    env = {**os.environ, **PASS, "NANSEN_WALLET_DIR": str(wallet), "TERM": "xterm"}
    process = subprocess.Popen(
        [sys.executable, "-c", _MAIN, "--lang", "en", *ASK],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env=env,
        start_new_session=True,
    )
    os.close(terminal)
    output = bytearray()
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline and output.decode(errors="replace").count(until) < 2:
            if process.poll() is not None and not select.select([controller], [], [], 0)[0]:
                break
            if select.select([controller], [], [], 0.2)[0]:
                try:
                    output += os.read(controller, 65536)
                except OSError:
                    break
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
        code = process.wait(timeout=30)
        while select.select([controller], [], [], 0.2)[0]:
            try:
                chunk = os.read(controller, 65536)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(controller)
    return output.decode("utf-8", errors="replace"), code


def test_the_terminal_shows_every_frame_in_turn_sized_to_fit(wallet: Path, world: World) -> None:
    columns, lines = 100, 48
    version = largest_version(columns, lines)
    assert version is not None and 17 + 4 * version + 4 <= columns
    output, code = _run_in_terminal(wallet, columns, lines, until="Frame 1 of", seconds=60)
    assert code == 0, output[-2000:]
    assert "Stopped showing the codes." in output
    screens = [s.replace("\x1b[K", "").replace("\r", "") for s in output.split("\x1b[H")[1:]]
    texts = {}
    for screen in screens:
        code_lines = [line for line in screen.split("\n") if line and set(line) <= _BLOCKS]
        if not code_lines:
            continue
        assert len(code_lines) + 2 <= lines and max(len(line) for line in code_lines) <= columns
        [text] = zxing_texts([terminal_image("\n".join(code_lines))])
        assert text is not None
        frame = parse_frame(text)
        assert f"Frame {frame.index} of {frame.total}." in screen
        texts[frame.index] = text
    assert len(texts) == parse_frame(next(iter(texts.values()))).total >= 2
    _verified(world, assemble(texts.values()))


def test_a_terminal_too_small_falls_back_to_files(wallet: Path, world: World) -> None:
    output, code = _run_in_terminal(wallet, 40, 20, until="then delete them", seconds=60)
    assert code == 0, output[-2000:]
    assert "This terminal is too small to show the codes." in output
    written = next(line for line in output.replace("\r", "").splitlines() if "codes to " in line)
    folder = Path(written.split(" codes to ", 1)[1].strip().rstrip("."))
    try:
        _verified(world, presentation_in(folder))
    finally:
        shutil.rmtree(folder)


def test_the_code_is_sized_to_the_terminal() -> None:
    # columns x lines -> the largest version whose half-block drawing and status lines fit
    assert largest_version(200, 60) == 20  # 101 x 51 characters, and 3 lines of status
    assert largest_version(160, 50) == 18
    assert largest_version(80, 24) == 5  # the classic terminal: small codes, more of them
    assert largest_version(80, 23) is None and largest_version(40, 60) is None  # files instead
