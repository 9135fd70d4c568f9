"""A real process killed in the middle of writes: the wallet always opens, nothing is lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from wallet_cli.store.wallet import Wallet

PASSPHRASE = "a good passphrase"
WRITER = """
import sys
from pathlib import Path
from wallet_cli.store.wallet import Wallet
wallet = Wallet.unlock(Path(sys.argv[1]), sys.argv[2])
for i in range(int(sys.argv[3])):
    wallet.add_credential({"compact": "c%d~" % i, "vct": "t", "claims": {}, "received_at": i})
    wallet.record_event({"event": "received", "issuer": "x", "credential": str(i)})
    print("wrote", i, flush=True)
print("done", flush=True)
"""


def test_crash_before_rename_keeps_the_old_state(tmp_path: Path) -> None:
    Wallet.create(tmp_path / "w", PASSPHRASE, {"kty": "EC"})
    env = {**os.environ, "NANSEN_WALLET_CRASH_AT": "before-rename"}
    result = subprocess.run(
        [sys.executable, "-c", WRITER, str(tmp_path / "w"), PASSPHRASE, "1"],
        env=env,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 137
    assert list((tmp_path / "w").rglob("*.tmp-nansen"))  # the half-written temp file is there
    wallet = Wallet.unlock(tmp_path / "w", PASSPHRASE)  # cleans it and opens the old state
    assert wallet.credentials() == ([], [])
    assert not list((tmp_path / "w").rglob("*.tmp-nansen"))


def test_kill_9_at_random_moments(tmp_path: Path) -> None:
    """Killed after it reported k writes (the next write then under way): what it reported is there.

    Counted in writes the writer announces, not in seconds, so a slow or busy machine kills it at the
    same moments as a fast one."""
    Wallet.create(tmp_path / "w", PASSPHRASE, {"kty": "EC"})
    written = 0
    for reported in (1, 3, 7, 12, 20):
        process = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path / "w"), PASSPHRASE, "50"],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None
        for _ in range(reported):
            assert process.stdout.readline().startswith("wrote")
        process.send_signal(signal.SIGKILL)
        process.wait(30)
        process.stdout.close()
        written += reported
        wallet = Wallet.unlock(tmp_path / "w", PASSPHRASE)
        good, bad = wallet.credentials()
        _events, damaged = wallet.history()
        assert bad == [] and damaged == 0  # never a half-written file
        assert len(good) >= written  # nothing it reported written is lost
