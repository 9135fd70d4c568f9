"""Sign-in throttling slows a guesser without locking out colleagues behind the same address."""

from __future__ import annotations

import pytest
from issuer_desk import Office

from issuer.throttle import ADDRESS_LIMIT, PREFIX_LIMIT, Throttle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


OFFICE = "203.0.113.7"  # one NAT'ed field office


def test_a_colleague_is_not_locked_out_by_mistyped_tokens_from_the_same_office() -> None:
    throttle = Throttle(clock=Clock())
    for i in range(30):  # three times the old per-address limit, each a different mistyped token
        throttle.failed(OFFICE, f"mistyped{i:02d}-rest-of-a-token")
    assert not throttle.blocked(OFFICE, "ColleagueToken-rest")


def test_completing_a_partly_seen_token_is_slowed() -> None:
    clock = Clock()
    throttle = Throttle(clock=clock)
    seen = "AbCdEfGh"  # the first characters of someone's token, seen over a shoulder
    for i in range(PREFIX_LIMIT):
        assert not throttle.blocked("198.51.100.1", f"{seen}guess{i}")
        throttle.failed("198.51.100.1", f"{seen}guess{i}")
    # from any address, every further try with that prefix is refused unchecked
    assert throttle.blocked("192.0.2.99", f"{seen}the-right-rest")
    assert not throttle.blocked("192.0.2.99", "OtherToken-rest")
    clock.now += 61
    assert not throttle.blocked("192.0.2.99", f"{seen}the-right-rest")  # a window, not a lock


def test_a_flood_from_one_address_reaches_its_ceiling() -> None:
    clock = Clock()
    throttle = Throttle(clock=clock)
    for i in range(ADDRESS_LIMIT):
        throttle.failed(OFFICE, f"wild{i:06d}-guess")
    assert throttle.blocked(OFFICE, "ColleagueToken-rest")
    assert not throttle.blocked("192.0.2.1", "ColleagueToken-rest")
    clock.now += 61
    assert not throttle.blocked(OFFICE, "ColleagueToken-rest")


def test_a_named_account_is_throttled_on_its_own() -> None:
    throttle = Throttle(clock=Clock())
    for i in range(5):
        throttle.failed(OFFICE, f"try{i:05d}-token", account="Amira")
    assert throttle.blocked("192.0.2.1", "fresh-token", account="amira")
    assert not throttle.blocked(OFFICE, "fresh-token", account="Bashir")


@pytest.mark.chain
@pytest.mark.parametrize("database_url", [""])
def test_staff_behind_one_address_still_sign_in_after_colleagues_mistype(office: Office) -> None:
    for i in range(12):  # the old limit was 10 per address
        wrong = office.client.get("/credentials", headers={"Authorization": f"Bearer {i:02d}wrong-token"})
        assert wrong.status_code == 401
    assert office.client.get("/credentials", headers=office.officer).status_code == 200
    seen = office.officer["Authorization"][: 7 + 8]  # "Bearer " and the token's first characters
    for i in range(PREFIX_LIMIT):
        office.client.get("/credentials", headers={"Authorization": f"{seen}guess{i}"})
    refused = office.client.get("/credentials", headers=office.officer)
    assert refused.status_code == 429 and refused.headers["retry-after"] == "60"
    assert refused.headers["content-type"] == "application/problem+json"
    assert office.client.get("/credentials", headers=office.admin).status_code == 200
