"""/.well-known/jwt-vc-issuer lists every key whose credentials may still be valid, read from the
chain's key history (issuer.key_history), and a key leaves when the chain's dates say so."""

from __future__ import annotations

import time

import pytest
from issuer_desk import Office

from issuer.chain_link import ChainLink
from issuer.key_history import IssuerKeys, jwks_of, listed
from issuer.keys import load_signing_key
from nansen.chain.deployment import load_deployment
from nansen.chain.keystore import load_account
from nansen.chain.records import SigningKeyRecord
from nansen.chain.transactions import TransactionSender
from nansen.crypto.b64 import b64url_decode
from nansen.crypto.keys import generate_private_key

pytestmark = pytest.mark.chain
DAY = 86_400


@pytest.fixture()
def database_url() -> str:
    return ""  # the key history does not touch the database: SQLite only


def _record(valid_from: int, valid_until: int = 0, retired_at: int = 0) -> SigningKeyRecord:
    return SigningKeyRecord("0xabc", b"k" * 32, b"\1" * 64, valid_from, valid_until, retired_at)


def test_a_key_stays_listed_for_a_credential_lifetime_after_its_end_on_chain() -> None:
    lifetime = 365 * DAY
    retired = _record(1_000, retired_at=5_000)
    assert listed(retired, now=5_000, credential_lifetime=lifetime)
    assert listed(retired, now=5_000 + lifetime - 1, credential_lifetime=lifetime)
    assert not listed(retired, now=5_000 + lifetime, credential_lifetime=lifetime)
    # the earlier of validUntil and retiredAt ends the key's signing
    assert not listed(_record(1_000, 3_000, 9_000), now=3_000 + lifetime, credential_lifetime=lifetime)
    assert listed(_record(1_000), now=10**10, credential_lifetime=lifetime)
    # a retirement back-dated to before the key's start (compromised before use): no credential of
    # it can be valid, so it leaves at once
    assert not listed(_record(1_000, retired_at=1_000), now=1_001, credential_lifetime=lifetime)


def test_the_served_keys_follow_the_chain_through_a_rotation(office: Office) -> None:
    settings = office.settings
    passphrase = settings.signing_key_passphrase.get_secret_value()
    old = load_signing_key(settings.signing_key_file, passphrase)
    served = office.client.get("/.well-known/jwt-vc-issuer")
    assert served.status_code == 200
    assert [k["kid"] for k in served.json()["jwks"]["keys"]] == [old.kid]
    assert served.headers["cache-control"] == "public, max-age=5" and served.headers["etag"]

    # rotate on chain: a new key from now, the old one retired now (as `nansen-issuer rotate-key`)
    account = load_account(settings.chain_keystore, passphrase)
    writer = office.chain.registry.writer(TransactionSender(office.chain.conn, account))
    new_key = generate_private_key()
    new_kid = new_key.public_key().kid()
    now = int(time.time())
    writer.add_key(b64url_decode(new_kid), new_key.public_key().raw(), now - 60)
    writer.retire_key(old.kid_bytes, now + 1)

    clock = [float(now)]
    keys = IssuerKeys(
        chain=ChainLink(
            rpc_url=settings.rpc_url,
            deployment=load_deployment(settings.deployments_dir, settings.chain_id),
            account=account,
        ),
        current=old,
        credential_lifetime=30 * DAY,
        clock=lambda: clock[0],
    )
    assert {k["kid"] for k in keys.published()} == {old.kid, str(new_kid)}
    clock[0] = now + 1 + 30 * DAY - 1  # the last second a credential signed just before may live
    assert {k["kid"] for k in keys.published()} == {old.kid, str(new_kid)}
    clock[0] = now + 1 + 30 * DAY
    assert [k["kid"] for k in keys.published()] == [str(new_kid)]
    assert jwks_of([], now=now, credential_lifetime=DAY) == []

    # the service itself reads the chain's history too (after its refresh interval)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        kids = {k["kid"] for k in office.client.get("/.well-known/jwt-vc-issuer").json()["jwks"]["keys"]}
        if kids == {old.kid, str(new_kid)}:
            break
        time.sleep(0.5)
    assert kids == {old.kid, str(new_kid)}


def test_the_jwks_answers_a_revalidation_with_304(office: Office) -> None:
    first = office.client.get("/.well-known/jwt-vc-issuer")
    again = office.client.get("/.well-known/jwt-vc-issuer", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
