"""Offline challenges: issued here, spent exactly once across worker processes, refused with the
reason once used, expired or never issued, and swept an hour after their expiry."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from verifier.offline_challenges import KEPT_AFTER_EXPIRY_SECONDS, OfflineChallenges, Spending


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_a_challenge_is_spent_once_then_refused_as_used(tmp_path: Path) -> None:
    challenges = OfflineChallenges(tmp_path)
    challenges.issue("nonce-1", ttl=300)
    assert challenges.known("nonce-1")
    assert challenges.spend("nonce-1") is Spending.SPENT_NOW
    assert challenges.spend("nonce-1") is Spending.USED
    assert challenges.known("nonce-1")


def test_a_nonce_never_issued_is_unknown(tmp_path: Path) -> None:
    challenges = OfflineChallenges(tmp_path)
    assert challenges.spend("never-issued") is Spending.UNKNOWN
    assert not challenges.known("never-issued")


def test_an_expired_challenge_is_refused_and_stays_unspent(tmp_path: Path) -> None:
    clock = Clock()
    challenges = OfflineChallenges(tmp_path, clock=clock)
    expires_at = challenges.issue("nonce-2", ttl=300)
    assert expires_at == clock.now + 300
    clock.now += 301
    assert challenges.spend("nonce-2") is Spending.EXPIRED
    assert challenges.spend("nonce-2") is Spending.EXPIRED  # not spent by the refusal


def test_the_store_holds_no_nonce_in_clear(tmp_path: Path) -> None:
    OfflineChallenges(tmp_path).issue("a-readable-nonce", ttl=300)
    for path in tmp_path.rglob("*"):
        assert "a-readable-nonce" not in path.name
        if path.is_file():
            assert path.read_bytes() == b""


def test_challenges_are_swept_an_hour_after_expiry(tmp_path: Path) -> None:
    clock = Clock()
    challenges = OfflineChallenges(tmp_path, clock=clock)
    challenges.issue("spent", ttl=300)
    challenges.issue("left-pending", ttl=300)
    assert challenges.spend("spent") is Spending.SPENT_NOW
    clock.now += 300 + KEPT_AFTER_EXPIRY_SECONDS - 10
    challenges.issue("fresh", ttl=300)  # issuing sweeps (at most once a minute): too early for both
    assert challenges.spend("spent") is Spending.USED
    clock.now += 100
    challenges.issue("fresher", ttl=300)
    assert challenges.spend("spent") is Spending.UNKNOWN
    assert challenges.spend("left-pending") is Spending.UNKNOWN
    assert challenges.spend("fresh") is Spending.SPENT_NOW


def test_two_processes_and_many_threads_spend_each_challenge_exactly_once(tmp_path: Path) -> None:
    nonces = [f"nonce-{i}" for i in range(300)]
    issuer = OfflineChallenges(tmp_path)
    for nonce in nonces:
        issuer.issue(nonce, ttl=300)
    # another worker process spends as many as it can, at the same time as our threads
    other = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from verifier.offline_challenges import "
            "OfflineChallenges, Spending; c = OfflineChallenges(Path(sys.argv[1]));"
            "won = [n for n in sys.argv[2:] if c.spend(n) is Spending.SPENT_NOW]; print(' '.join(won))",
            str(tmp_path),
            *nonces,
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    wins: list[str] = []

    def desk() -> None:
        mine = OfflineChallenges(tmp_path)
        wins.extend(n for n in nonces if mine.spend(n) is Spending.SPENT_NOW)

    threads = [threading.Thread(target=desk) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    out, _ = other.communicate(timeout=30)
    wins.extend(out.split())
    assert sorted(wins) == sorted(nonces)  # each exactly once: none lost, none twice
