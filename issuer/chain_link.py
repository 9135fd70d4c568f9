"""The issuer's link to the chain, made and checked on first use and retried while the chain is down.

The service starts without the chain (offers queue, wallets get deferred responses); configuration
errors (no deployment file for the configured chain id, unreadable keystore) still stop it at once.
A node serving another chain or contracts that are not ours is refused every time it is tried.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from eth_account.signers.local import LocalAccount

from nansen.chain.connection import connect
from nansen.chain.deployment import Deployment, check_deployment
from nansen.chain.registry import Registry, RegistryWriter
from nansen.chain.transactions import TransactionSender


@dataclass(frozen=True)
class Chain:
    registry: Registry
    writer: RegistryWriter
    sender: TransactionSender  # the one nonce owner of the issuer's account in this process


class ChainLink:
    def __init__(self, *, rpc_url: str, deployment: Deployment, account: LocalAccount) -> None:
        self._rpc_url = rpc_url
        self.deployment = deployment
        self.address: str = account.address
        self._account = account
        self._lock = threading.Lock()
        self._chain: Chain | None = None

    def get(self) -> Chain:
        """The checked chain; raises the chain layer's errors (RpcUnavailableError, ...) while down."""
        with self._lock:
            if self._chain is None:
                conn = connect(
                    self._rpc_url,
                    expected_chain_id=self.deployment.chain_id,
                    settings_prefix="NANSEN_ISSUER_",
                )
                check_deployment(conn, self.deployment)
                registry = Registry(conn, self.deployment)
                sender = TransactionSender(conn, self._account)
                self._chain = Chain(registry, registry.writer(sender), sender)
            return self._chain

    def connected(self) -> Chain | None:
        """The chain if a connection was made, without trying to make one."""
        with self._lock:
            return self._chain
