"""Self-contained nonces and access tokens, the one-pipeline lease, and the readiness watch."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import insert

from issuer.db import make_engine, migrate, session_factory
from issuer.lease import FileLease, lease_for
from issuer.models import Credential, Offer, Staff
from issuer.readiness import ReadinessWatch
from issuer.signed_tokens import ACCESS_TOKEN, NONCE, TokenMinter
from nansen.crypto.b64 import b64url_decode, b64url_encode
from nansen.crypto.keys import generate_private_key


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def test_token_round_trip_and_expiry() -> None:
    clock = Clock()
    minter = TokenMinter(b"k" * 32, clock)
    token = minter.mint(ACCESS_TOKEN, "offer-1", 60)
    assert minter.open(ACCESS_TOKEN, token) == "offer-1"
    clock.now += 61
    assert minter.open(ACCESS_TOKEN, token) is None


def test_a_nonce_is_not_an_access_token() -> None:
    minter = TokenMinter(b"k" * 32)
    nonce = minter.new_nonce(60)
    assert minter.open(NONCE, nonce) is not None
    assert minter.open(ACCESS_TOKEN, nonce) is None


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t + "A",
        lambda t: t.replace(".", ""),
        lambda t: "." + t,
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),
        lambda t: b64url_encode(b"a" + b"\xff" * 8 + b"offer-1") + "." + t.split(".")[1],  # longer expiry
        lambda t: "x" * 600,
        lambda t: "",
    ],
)
def test_tampered_tokens_are_refused(mangle) -> None:  # type: ignore[no-untyped-def]
    minter = TokenMinter(b"k" * 32)
    assert minter.open(ACCESS_TOKEN, mangle(minter.mint(ACCESS_TOKEN, "offer-1", 60))) is None


def test_another_issuer_key_gives_another_secret() -> None:
    ours, theirs = generate_private_key(), generate_private_key()
    token = TokenMinter.from_signing_key(ours).mint(ACCESS_TOKEN, "offer-1", 60)
    assert TokenMinter.from_signing_key(ours).open(ACCESS_TOKEN, token) == "offer-1"
    assert TokenMinter.from_signing_key(theirs).open(ACCESS_TOKEN, token) is None
    body = b64url_decode(token.split(".")[0])
    assert body[9:] == b"offer-1"  # the subject is an offer id, never personal data


def test_only_one_process_holds_the_file_lease(tmp_path: Path) -> None:
    first, second = FileLease(tmp_path / "x.lock"), FileLease(tmp_path / "x.lock")
    assert first.try_acquire() and first.try_acquire()
    assert not second.try_acquire()
    first.release()
    assert second.try_acquire()
    second.release()


def test_sqlite_lease_lives_beside_the_database(tmp_path: Path) -> None:
    lease = lease_for(make_engine(f"sqlite:///{tmp_path / 'issuer.sqlite'}"))
    assert isinstance(lease, FileLease) and lease.try_acquire()
    assert (tmp_path / "issuer.anchoring.lock").exists()
    lease.release()


def test_readiness_watch_wakes_on_announce_and_on_poll(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'issuer.sqlite'}")
    migrate(engine)
    sessions = session_factory(engine)
    with sessions() as session:
        session.add(Staff(id=1, name="a", role="admin", token_sha256="0" * 64, active=True, created_at=0))
        session.commit()
        for n in (1, 2, 3):
            session.add(
                Offer(
                    id=f"o{n}",
                    code_sha256=f"{n}" * 64,
                    tx_code_sha256="0" * 64,
                    tx_code_failures=0,
                    credential_type="t",
                    claims=None,
                    state="redeemed",
                    created_by=1,
                    created_at=0,
                    expires_at=0,
                )
            )
        session.commit()
        for n, state in ((1, "queued"), (2, "ready"), (3, "queued")):
            session.execute(
                insert(Credential).values(
                    id=f"c{n}",
                    offer_id=f"o{n}",
                    credential_type="t",
                    status_index=n,
                    status="valid",
                    state=state,
                    leaf="00" * 32,
                    transaction_id=f"t{n}",
                    created_at=0,
                )
            )
        session.commit()
    watch = ReadinessWatch(sessions, poll_seconds=0.05)

    async def scenario() -> tuple[bool, bool, bool]:
        announced = asyncio.get_running_loop().call_later(0.1, watch.announce, ["c1"])
        results = await asyncio.gather(watch.wait("c1", 5), watch.wait("c2", 5), watch.wait("c3", 0.3))
        announced.cancel()
        return results[0], results[1], results[2]

    assert asyncio.run(scenario()) == (True, True, False)  # announced, found by the poll, timed out
