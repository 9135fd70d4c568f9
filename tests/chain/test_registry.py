"""The typed client against real contracts on anvil: writes, reads and named reverts."""

from __future__ import annotations

import os
import threading

import pytest

from nansen.chain.connection import Connection
from nansen.chain.errors import ContractRevertedError
from nansen.chain.records import CredentialStatus
from nansen.chain.registry import Registry, RegistryWriter
from nansen.chain.transactions import TransactionSender

pytestmark = pytest.mark.chain

PUBLIC_KEY = bytes(range(64))


@pytest.fixture(scope="module")
def gov(registry: Registry, governance: TransactionSender) -> RegistryWriter:
    return registry.writer(governance)


@pytest.fixture()
def issuer(registry: Registry, gov: RegistryWriter, conn: Connection, new_account) -> RegistryWriter:  # type: ignore[no-untyped-def]
    writer = registry.writer(TransactionSender(conn, new_account()))
    gov.accredit_issuer(writer.address, "Field Office", f"https://ngo.example/{writer.address.lower()}")
    return writer


def test_accredited_issuer_reads_back(registry: Registry, issuer: RegistryWriter) -> None:
    record = registry.issuer(issuer.address)
    assert record.accredited and not record.suspended and record.active
    assert record.name == "Field Office"
    assert registry.issuer_by_issuer_id(record.issuer_id) == issuer.address
    assert registry.issuer_by_issuer_id("https://unknown.example") is None


def test_non_governance_accreditation_reverts_with_named_error(
    registry: Registry, issuer: RegistryWriter
) -> None:
    with pytest.raises(ContractRevertedError, match="IssuerRegistryUnauthorized") as info:
        issuer.accredit_issuer(issuer.address, "Self", "https://self.example")
    assert info.value.error_name == "IssuerRegistryUnauthorized"
    assert info.value.error_args == {"caller": issuer.address}


def test_key_validity_window_and_retirement(
    registry: Registry, issuer: RegistryWriter, gov: RegistryWriter
) -> None:
    kid = os.urandom(32)
    issuer.add_key(kid, PUBLIC_KEY, valid_from=1_000, valid_until=0)
    key = registry.signing_key(issuer.address, kid)
    assert key.public_key == PUBLIC_KEY and key.valid_at(5_000) and not key.valid_at(999)
    assert registry.is_key_valid_at(issuer.address, kid, 5_000)
    gov.retire_issuer_key(issuer.address, kid, 4_000)  # compromise: retroactive
    assert registry.is_key_valid_at(issuer.address, kid, 3_999)
    assert not registry.is_key_valid_at(issuer.address, kid, 4_000)
    assert registry.signing_key(issuer.address, kid).retired_at == 4_000


def test_duplicate_key_is_refused(issuer: RegistryWriter) -> None:
    kid = os.urandom(32)
    issuer.add_key(kid, PUBLIC_KEY, valid_from=0)
    with pytest.raises(ContractRevertedError) as info:
        issuer.add_key(kid, PUBLIC_KEY, valid_from=0)
    assert info.value.error_name == "IssuerRegistryKeyExists"
    assert info.value.error_args["kid"] == kid


def test_anchor_batch_then_duplicate_root_refused(registry: Registry, issuer: RegistryWriter) -> None:
    root = os.urandom(32)
    receipt = issuer.anchor_batch(root, 1_000)
    batch = registry.batch(root)
    assert batch is not None and batch.issuer == issuer.address and batch.count == 1_000
    assert receipt.gas_used <= 50_000
    with pytest.raises(ContractRevertedError, match="CredentialRegistryRootAlreadyAnchored"):
        issuer.anchor_batch(root, 1)
    assert registry.batch(os.urandom(32)) is None


def test_suspended_issuer_cannot_anchor(
    registry: Registry, issuer: RegistryWriter, gov: RegistryWriter
) -> None:
    gov.suspend_issuer(issuer.address)
    assert not registry.issuer(issuer.address).active
    with pytest.raises(ContractRevertedError) as info:
        issuer.anchor_batch(os.urandom(32), 1)
    assert info.value.error_name == "CredentialRegistryIssuerNotActive"
    gov.reinstate_issuer(issuer.address)
    issuer.anchor_batch(os.urandom(32), 1)


def test_statuses_change_in_batches_and_revoked_is_final(registry: Registry, issuer: RegistryWriter) -> None:
    issuer.set_statuses(
        [5, 6, 300], [CredentialStatus.REVOKED, CredentialStatus.SUSPENDED, CredentialStatus.SUSPENDED]
    )
    assert registry.status_of(issuer.address, 5) is CredentialStatus.REVOKED
    assert registry.status_of(issuer.address, 6) is CredentialStatus.SUSPENDED
    words = registry.status_words(issuer.address, 0, 3)
    assert words[0] == (1 << 10) | (2 << 12)
    assert words[2] == 2 << (2 * (300 - 256))
    issuer.set_statuses([6], [CredentialStatus.VALID])
    assert registry.status_of(issuer.address, 6) is CredentialStatus.VALID
    with pytest.raises(ContractRevertedError) as info:
        issuer.set_statuses([5], [CredentialStatus.VALID])
    assert info.value.error_name == "CredentialRegistryRevokedIsFinal"
    assert info.value.error_args == {"index": 5}


def test_one_issuer_cannot_touch_anothers_list(
    registry: Registry, issuer: RegistryWriter, gov: RegistryWriter
) -> None:
    gov.set_statuses([9], [CredentialStatus.REVOKED])  # governance writes only its own (unused) list
    assert registry.status_of(issuer.address, 9) is CredentialStatus.VALID


def test_concurrent_sends_share_one_nonce_sequence(registry: Registry, issuer: RegistryWriter) -> None:
    errors: list[BaseException] = []

    def anchor() -> None:
        try:
            for _ in range(5):
                issuer.anchor_batch(os.urandom(32), 1)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=anchor) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []


def test_unmined_transaction_times_out_with_its_hash(
    conn: Connection, registry: Registry, new_account
) -> None:  # type: ignore[no-untyped-def]
    from nansen.chain.errors import TransactionTimeoutError

    sender = TransactionSender(conn, new_account(), receipt_timeout=0.5)
    conn.rpc("evm_setAutomine", [False])  # dev chain only: hold the transaction in the pool
    try:
        with pytest.raises(TransactionTimeoutError, match="no receipt for transaction 0x") as info:
            registry.writer(sender).set_statuses([1], [CredentialStatus.SUSPENDED])
        assert info.value.tx_hash.startswith("0x") and len(info.value.tx_hash) == 66
        assert "may still be mined" in info.value.user_message
    finally:
        conn.rpc("evm_setAutomine", [True])
    conn.rpc("evm_mine", [])
    assert sender.wait(info.value.tx_hash).tx_hash == info.value.tx_hash  # nothing was dropped
