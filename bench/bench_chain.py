"""Gas per anchored credential, gas per status change, sequential transactions per second on anvil."""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from eth_account import Account
from web3 import Web3

from bench.report import emit
from nansen.chain import devchain
from nansen.chain.connection import connect
from nansen.chain.deployment import deploy_registries
from nansen.chain.records import CredentialStatus
from nansen.chain.registry import Registry
from nansen.chain.transactions import TransactionSender

BENCH = "chain"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        chain = devchain.start(Path(tmp))
        try:
            run(chain)
        finally:
            devchain.stop(Path(tmp))


def run(chain: devchain.DevChain) -> None:
    conn = connect(chain.rpc_url, expected_chain_id=chain.chain_id)
    gov_account, issuer_account = Account.create(), Account.create()
    for account in (gov_account, issuer_account):
        devchain.fund(chain.rpc_url, account.address)
    governance = TransactionSender(conn, gov_account)
    registry = Registry(conn, deploy_registries(conn, governance))
    registry.writer(governance).accredit_issuer(issuer_account.address, "Bench NGO", "https://bench.example")
    issuer = registry.writer(TransactionSender(conn, issuer_account))

    for batch_size in (1, 100, 1_000, 10_000):
        gas = issuer.anchor_batch(os.urandom(32), batch_size).gas_used
        emit(
            BENCH,
            f"anchor_gas_per_credential_batch_{batch_size}",
            gas / batch_size,
            "gas",
            tx_gas=gas,
            target="<= 50 at 1000",
            reference_eas_attest=200_000,
        )

    issuer.set_statuses([0], [CredentialStatus.SUSPENDED])  # the word exists now
    gas = issuer.set_statuses([1], [CredentialStatus.REVOKED]).gas_used
    emit(
        BENCH,
        "status_change_single_existing_word",
        gas,
        "gas",
        target="<= 30000",
        reference_eas_revoke=26_000,
    )
    indices = list(range(128, 228))
    gas = issuer.set_statuses(indices, [CredentialStatus.REVOKED] * 100).gas_used
    emit(BENCH, "status_change_100_in_one_word_per_entry", gas / 100, "gas", tx_gas=gas, target="<= 1100")
    spread = [1_024 + 128 * i for i in range(100)]
    gas = issuer.set_statuses(spread, [CredentialStatus.REVOKED] * 100).gas_used
    emit(BENCH, "status_change_100_spread_over_words_per_entry", gas / 100, "gas", tx_gas=gas)

    count = 300
    started = time.perf_counter()
    for _ in range(count):
        issuer.anchor_batch(os.urandom(32), 1)
    ours = count / (time.perf_counter() - started)

    # reference in the same run: web3.py's defaults (middleware on, 0.1 s receipt polling)
    w3 = Web3(Web3.HTTPProvider(chain.rpc_url))
    contract = w3.eth.contract(
        address=registry.credential_registry.address, abi=registry.credential_registry.abi
    )
    ref_count = 30
    nonce = w3.eth.get_transaction_count(issuer_account.address)
    started = time.perf_counter()
    for i in range(ref_count):
        tx = contract.functions.anchorBatch(os.urandom(32), 1).build_transaction(
            {"from": issuer_account.address, "nonce": nonce + i}
        )
        signed = issuer_account.sign_transaction(tx)
        w3.eth.wait_for_transaction_receipt(w3.eth.send_raw_transaction(signed.raw_transaction))
    reference = ref_count / (time.perf_counter() - started)
    emit(BENCH, "sequential_tx_per_second", ours, "tx/s", target=">= 100")
    emit(BENCH, "sequential_tx_per_second_web3_defaults", reference, "tx/s")
    emit(BENCH, "sequential_tx_speedup_vs_web3_defaults", ours / reference, "ratio")


if __name__ == "__main__":
    main()
