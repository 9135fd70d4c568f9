"""After an answer at the result limit the log reader sizes its next range for about that many logs
at the density it saw, instead of asking for the rest of the chain in one answer."""

from __future__ import annotations

from typing import Any

from nansen.chain.events import _event_table
from nansen.chain.mirror_logs import LogReader

REGISTRY = "0x5fbdb2315678afecb367f032d93f642f64180aa3"
SUSPENDED = "0x" + next(t for t, s in _event_table().items() if s.name == "IssuerSuspended").hex()
LOGS_PER_BLOCK = 250


class DenseNode:
    """A node whose every block holds LOGS_PER_BLOCK of our events (five years packed in days)."""

    def __init__(self) -> None:
        self.asked: list[tuple[int, int]] = []

    def rpc(self, method: str, params: list[Any]) -> Any:
        assert method == "eth_getLogs"
        first, last = int(params[0]["fromBlock"], 16), int(params[0]["toBlock"], 16)
        self.asked.append((first, last))
        return [self._log(block, i) for block in range(first, last + 1) for i in range(LOGS_PER_BLOCK)]

    def batch(self, calls: list[tuple[str, list[Any]]]) -> list[Any]:
        return [self.header(int(params[0], 16)) for _, params in calls]

    @staticmethod
    def header(number: int) -> dict[str, str]:
        return {"number": hex(number), "hash": f"0x{number:064x}", "timestamp": hex(86_400 * number)}

    def _log(self, block: int, index: int) -> dict[str, Any]:
        return {
            "address": REGISTRY,
            "topics": [SUSPENDED, "0x" + "00" * 32],
            "data": "0x",
            "blockNumber": hex(block),
            "blockHash": f"0x{block:064x}",
            "logIndex": hex(index),
        }


def test_after_a_full_answer_the_next_range_holds_about_the_result_limit() -> None:
    node = DenseNode()
    reader = LogReader(
        lambda m, p: node.header(int(p[0], 16)) if m == "eth_getBlockByNumber" else node.rpc(m, p),
        node.batch,
        [REGISTRY],
        rpc_url="http://127.0.0.1:1",
        span=100,
        max_span=1_000_000,
        max_results=1_000,
    )
    first = reader.read(1, 2_000)
    assert (first.first, first.last) == (1, 99)  # 100 blocks asked, the last one's logs asked again
    assert reader.span == 99 * 1_000 // (99 * LOGS_PER_BLOCK)  # 4 blocks: about 1,000 logs
    second = reader.read(first.last + 1, 2_000)
    assert node.asked[-1] == (100, 103)
    assert len(second.events) <= 1_000
