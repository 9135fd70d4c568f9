"""Offline challenges: issued here, spent exactly once across worker processes, refused with the
reason once used, expired or never issued, swept an hour after their expiry, and kept in folders
nobody else may write to."""

from __future__ import annotations

import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from nansen.errors import ConfigurationError
from verifier.offline_challenges import (
    KEPT_AFTER_EXPIRY_SECONDS,
    SWEEP_EVERY_SECONDS,
    OfflineChallenges,
    Spending,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_a_challenge_is_spent_once_then_refused_as_used(tmp_path: Path) -> None:
    challenges = OfflineChallenges(tmp_path / "c")
    challenges.issue("nonce-1", ttl=300)
    assert challenges.known("nonce-1")
    assert challenges.spend("nonce-1") is Spending.SPENT_NOW
    assert challenges.spend("nonce-1") is Spending.USED
    assert challenges.known("nonce-1")


def test_a_nonce_never_issued_is_unknown(tmp_path: Path) -> None:
    challenges = OfflineChallenges(tmp_path / "c")
    assert challenges.spend("never-issued") is Spending.UNKNOWN
    assert not challenges.known("never-issued")


def test_an_expired_challenge_is_refused_and_stays_unspent(tmp_path: Path) -> None:
    clock = Clock()
    challenges = OfflineChallenges(tmp_path / "c", clock=clock)
    expires_at = challenges.issue("nonce-2", ttl=300)
    assert expires_at == clock.now + 300
    clock.now += 299
    assert challenges.spend("nonce-2") is Spending.SPENT_NOW  # still valid a second before
    challenges.issue("nonce-3", ttl=300)
    clock.now += 301
    assert challenges.spend("nonce-3") is Spending.EXPIRED
    assert challenges.spend("nonce-3") is Spending.EXPIRED  # the refusal did not spend it
    assert len(list((tmp_path / "c" / "spent").iterdir())) == 1  # nonce-2 only
    assert len(list((tmp_path / "c" / "pending").iterdir())) == 1  # nonce-3, unspent


def test_the_store_holds_no_nonce_in_clear(tmp_path: Path) -> None:
    OfflineChallenges(tmp_path / "c").issue("a-readable-nonce", ttl=300)
    for path in tmp_path.rglob("*"):
        assert "a-readable-nonce" not in path.name
        if path.is_file():
            assert path.read_bytes() == b""


def test_challenges_are_swept_an_hour_after_expiry_at_most_once_a_minute(tmp_path: Path) -> None:
    clock = Clock()
    challenges = OfflineChallenges(tmp_path / "c", clock=clock, sweep_in_background=False)
    challenges.issue("spent", ttl=300)  # the first issue sweeps (nothing to sweep yet)
    challenges.issue("left-pending", ttl=300)
    assert challenges.spend("spent") is Spending.SPENT_NOW
    clock.now += 300 + KEPT_AFTER_EXPIRY_SECONDS - 10
    challenges.issue("fresh", ttl=300)  # sweeps: too early for both
    assert challenges.spend("spent") is Spending.USED
    clock.now += SWEEP_EVERY_SECONDS - 20  # both now due, but the last sweep was under a minute ago
    challenges.issue("fresher", ttl=300)
    assert challenges.spend("spent") is Spending.USED
    assert challenges.spend("left-pending") is Spending.EXPIRED
    clock.now += 30
    challenges.issue("freshest", ttl=300)  # a minute since the last sweep: both go
    assert challenges.spend("spent") is Spending.UNKNOWN
    assert challenges.spend("left-pending") is Spending.UNKNOWN
    assert challenges.spend("fresh") is Spending.SPENT_NOW


def _wait_for_sweeps() -> None:
    for thread in threading.enumerate():
        if thread.name == "offline-challenge-sweep":
            thread.join(10)


def test_a_sweep_in_the_background_does_not_hold_up_issuing(tmp_path: Path) -> None:
    clock = Clock()
    challenges = OfflineChallenges(tmp_path / "c", clock=clock)
    challenges.issue("old", ttl=300)
    _wait_for_sweeps()
    clock.now += 300 + KEPT_AFTER_EXPIRY_SECONDS + SWEEP_EVERY_SECONDS + 1
    challenges.issue("new", ttl=300)
    _wait_for_sweeps()
    assert challenges.spend("old") is Spending.UNKNOWN
    assert challenges.spend("new") is Spending.SPENT_NOW


def test_a_spent_folder_removed_under_us_is_made_again_not_taken_for_used(tmp_path: Path) -> None:
    challenges = OfflineChallenges(tmp_path / "c")
    challenges.issue("nonce-4", ttl=300)
    shutil.rmtree(tmp_path / "c" / "spent")
    assert challenges.spend("nonce-4") is Spending.SPENT_NOW
    assert challenges.spend("nonce-4") is Spending.USED
    shutil.rmtree(tmp_path / "c")
    challenges.issue("nonce-5", ttl=300)
    assert challenges.spend("nonce-5") is Spending.SPENT_NOW


def test_our_folders_are_made_private_and_anothers_are_refused(tmp_path: Path) -> None:
    (tmp_path / "c" / "pending").mkdir(parents=True)
    (tmp_path / "c" / "pending").chmod(0o777)  # anyone could put a spent nonce back here
    OfflineChallenges(tmp_path / "c")
    assert (tmp_path / "c" / "pending").stat().st_mode & 0o777 == 0o700
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "pending").symlink_to(tmp_path / "c" / "pending")  # not a folder of ours
    with pytest.raises(ConfigurationError, match="not a folder of this user"):
        OfflineChallenges(tmp_path / "d")


_OTHER_WORKER = """
import sys
from pathlib import Path
from verifier.offline_challenges import OfflineChallenges, Spending
challenges = OfflineChallenges(Path(sys.argv[1]))
nonces = sys.argv[2:][::-1]  # from the other end: the two processes meet in the middle
print("ready", flush=True)
sys.stdin.readline()  # go
print(" ".join(n for n in nonces if challenges.spend(n) is Spending.SPENT_NOW), flush=True)
"""


def test_two_processes_and_many_threads_spend_each_challenge_exactly_once(tmp_path: Path) -> None:
    nonces = [f"nonce-{i}" for i in range(5000)]
    issuer = OfflineChallenges(tmp_path / "c")
    for nonce in nonces:
        issuer.issue(nonce, ttl=300)
    ours: list[str] = []
    go = threading.Barrier(5)

    def desk() -> None:
        mine = OfflineChallenges(tmp_path / "c")
        go.wait()
        ours.extend(n for n in nonces if mine.spend(n) is Spending.SPENT_NOW)

    command = [sys.executable, "-c", _OTHER_WORKER, str(tmp_path / "c"), *nonces]
    with subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as other:
        assert other.stdin is not None and other.stdout is not None
        assert other.stdout.readline().strip() == "ready"  # set up: both start together
        threads = [threading.Thread(target=desk) for _ in range(4)]
        for thread in threads:
            thread.start()
        other.stdin.write("go\n")
        other.stdin.flush()
        go.wait()
        for thread in threads:
            thread.join(60)
        theirs = other.stdout.readline().split()
        assert other.wait(60) == 0
    assert sorted(ours + theirs) == sorted(nonces)  # each exactly once: none lost, none twice
    assert ours and theirs  # both processes really spent some
