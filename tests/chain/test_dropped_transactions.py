"""A sender whose transactions a reorg dropped: the ones after wait behind a nonce gap until the
sender fills it, and a transaction the node forgot is reported as dropped instead of waited for."""

from __future__ import annotations

import pytest
from eth_account import Account
from eth_account.signers.local import LocalAccount

from nansen.chain import devchain
from nansen.chain.connection import Connection
from nansen.chain.errors import TransactionDroppedError
from nansen.chain.transactions import TransactionSender

pytestmark = pytest.mark.chain


def anvil(conn: Connection, method: str, params: list[object]) -> None:
    reply = conn.w3.provider.make_request(method, params)  # type: ignore[arg-type]
    assert "error" not in reply, reply


def test_a_nonce_gap_left_by_a_reorg_is_filled_and_the_next_transaction_is_mined(
    conn: Connection, new_account
) -> None:  # type: ignore[no-untyped-def]
    sender = TransactionSender(conn, new_account())
    other: LocalAccount = Account.create()
    first = sender.send(other.address, b"")
    anvil(conn, "anvil_reorg", [1, []])  # the block with the first transaction is replaced
    assert conn.rpc("eth_getTransactionByHash", [first.tx_hash]) is None
    assert int(conn.rpc("eth_getTransactionCount", [sender.address, "latest"]), 16) == 0
    second = sender.send(other.address, b"\x01")  # its cached nonce is 1: behind a gap at 0
    assert second.block_number > 0
    assert int(conn.rpc("eth_getTransactionCount", [sender.address, "latest"]), 16) == 2


def test_a_transaction_the_node_dropped_is_reported_not_awaited(tmp_path) -> None:  # type: ignore[no-untyped-def]
    chain = devchain.start(tmp_path / "chain", block_time=30)  # nothing is mined while we look
    try:
        from nansen.chain.connection import connect

        conn = connect(chain.rpc_url, expected_chain_id=chain.chain_id)
        account: LocalAccount = Account.create()
        devchain.fund(chain.rpc_url, account.address)
        sender = TransactionSender(conn, account, receipt_timeout=20)
        tx_hash = sender.submit(Account.create().address, b"")
        anvil(conn, "anvil_dropTransaction", [tx_hash])
        with pytest.raises(TransactionDroppedError, match=f"transaction {tx_hash} was dropped"):
            sender.wait(tx_hash)
    finally:
        devchain.stop(tmp_path / "chain")
