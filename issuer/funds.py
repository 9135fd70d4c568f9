"""Watching the chain account's balance, so operators hear about it before anchoring stops.

Anchoring a batch stores its root and count whatever its size, so a batch costs about the same gas
(about 50,000; 100,000 here with margin); a status change costs less. The warning counts how many
more batches the balance pays for at the current fee cap.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from nansen.chain.errors import format_eth
from nansen.chain.transactions import TransactionSender

BATCH_GAS = 100_000
CHECK_EVERY_SECONDS = 30.0


class FundsWatch:
    def __init__(self, *, low_balance_batches: int, clock: Callable[[], float] = time.time) -> None:
        self._low_batches = low_balance_batches
        self._clock = clock
        self._checked_at: float | None = None

    def due(self) -> bool:
        return self._checked_at is None or self._clock() - self._checked_at >= CHECK_EVERY_SECONDS

    def recheck(self) -> None:
        self._checked_at = None

    def check(self, sender: TransactionSender) -> tuple[int, str | None]:
        """The balance in wei and a warning when it pays for fewer than the configured batches."""
        self._checked_at = self._clock()
        balance = sender.balance()
        per_batch = sender.cost_of(BATCH_GAS)
        if per_batch == 0 or balance >= self._low_batches * per_batch:
            return balance, None
        return balance, (
            f"chain account {sender.address} has {format_eth(balance)} ETH, enough for about "
            f"{balance // per_batch} more batches at the current fees (about {format_eth(per_batch)} ETH "
            "each); fund it soon"
        )
