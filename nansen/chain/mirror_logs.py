"""The registry's event logs read from a node that may cap, cut, reorder or garble its answers.

Ranges adapt: a range whose answer is small is doubled for the next query (up to ``max_span``), a
refused one is narrowed (to the range or limit the node's message names, else halved) and asked
again, down to one block. Many public nodes cap ``eth_getLogs`` at some thousand blocks or results
and word the refusal each their own way; some cut an answer at their result limit without saying
so, so of an answer of ``max_results`` logs or more only the blocks before its last log's block
are used (they are whole if the node cut in order, as providers do), and the rest is asked again.

Each answer is checked before anything is used: every log is one of our two contracts', inside the
asked range, not ``removed``, in strictly increasing (block, logIndex) order, decodes, and carries
the hash of the canonical block at its height (the headers are fetched in JSON-RPC batches). A
failed check raises LogsRejectedError and the caller applies nothing from that answer. Omissions
cannot all be seen from the logs alone: the mirror also refuses events that presuppose one it never
saw (a key of an unknown issuer, a root anchored twice), see ChainMirror.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Set
from dataclasses import dataclass
from typing import Any

from eth_abi.exceptions import DecodingError

from nansen.chain.errors import LogQueryRefusedError, LogsRejectedError, RpcRefusedError
from nansen.chain.events import DecodedEvent, decode_log

HEADERS_PER_BATCH = 100
MAX_REFUSALS_PER_READ = 48  # halving a million blocks reaches one in 20 steps
PROBE_AFTER_SUCCESSES = 16  # a limit learnt from a vague refusal is tried again this rarely

Rpc = Callable[[str, list[Any]], Any]
RpcBatch = Callable[[list[tuple[str, list[Any]]]], list[Any]]

# Infura and Alchemy name a range that works: "Try with this block range [0x10, 0x2f]"
_SUGGESTED_RANGE = re.compile(r"\[\s*(0x[0-9a-f]+)\s*,\s*(0x[0-9a-f]+)\s*\]", re.IGNORECASE)
# "max block range 10", "limited to a 10,000 range", "up to a 2K block range", "max is 1k blocks"
_NUMBER = re.compile(r"(?<![\w.])(\d[\d,]*)(?:\s?([kK]))?(?![\w.])")
_RESULT_WORDS = ("result", "response size", "logs in the response", "too many logs")


@dataclass(frozen=True)
class CheckedRange:
    first: int
    last: int
    events: list[DecodedEvent]  # ours, in chain order
    block_hash: str  # of ``last``
    block_time: int
    times: dict[int, int]  # block number -> timestamp, for every block with an event


@dataclass(frozen=True)
class Narrowing:
    span: int
    block_limit: bool  # the node limits blocks per query (not results): do not grow past it


def narrowing(first: int, last: int, detail: str) -> Narrowing:
    """How far to ask next after the node refused [first, last] with the message ``detail``."""
    asked = last - first + 1
    half = Narrowing(max(1, asked // 2), block_limit=False)
    suggested = _SUGGESTED_RANGE.search(detail)
    if suggested is not None:
        start, end = int(suggested.group(1), 16), int(suggested.group(2), 16)
        return Narrowing(end - first + 1, False) if start == first and first <= end < last else half
    text = detail.lower()
    if any(word in text for word in _RESULT_WORDS):
        return half
    if "block" in text or "range" in text:
        limits = [
            int(number.replace(",", "")) * (1000 if kilo else 1)
            for number, kilo in _NUMBER.findall(detail)
            if number.replace(",", "")
        ]
        fitting = [n for n in limits if 1 <= n < asked]
        return Narrowing(min(fitting), True) if fitting else Narrowing(half.span, True)
    return Narrowing(half.span, True)  # unknown words: assume a block limit, probed again later


class LogReader:
    """Reads and checks one range at a time; remembers what the node accepts between reads."""

    def __init__(
        self,
        rpc: Rpc,
        rpc_batch: RpcBatch,
        addresses: Iterable[str],
        *,
        rpc_url: str,
        span: int,
        max_span: int,
        max_results: int = 1_000,
    ) -> None:
        self._rpc, self._rpc_batch, self._rpc_url = rpc, rpc_batch, rpc_url
        self._addresses = sorted(addresses)
        self._ours = {a.lower() for a in self._addresses}
        self.span = span
        self._max_span = max(max_span, span)
        self._ceiling = self._max_span
        self._max_results = max_results
        self._successes_at_ceiling = 0
        self._batch = HEADERS_PER_BATCH

    def read(self, first: int, target: int) -> CheckedRange:
        """The checked events of [first, last] for the widest ``last`` <= ``target`` the node serves."""
        refusals = 0
        while True:
            last = min(target, first + self.span - 1)
            query = {"fromBlock": hex(first), "toBlock": hex(last), "address": self._addresses}
            try:
                logs = self._rpc("eth_getLogs", [query])
            except RpcRefusedError as exc:
                refusals += 1
                if last == first or refusals > MAX_REFUSALS_PER_READ:
                    raise LogQueryRefusedError(self._rpc_url, first, last, exc.detail) from None
                self._narrow(narrowing(first, last, exc.detail))
                continue
            if not isinstance(logs, list):
                raise LogsRejectedError(first, last, "the answer is not a list of logs")
            if len(logs) >= self._max_results and last > first:
                logs, last = self._before_last_block(logs, first, last)
                # the next range is sized for about max_results logs at this density: an answer
                # of hundreds of thousands of logs is hundreds of MB of JSON held at once
                self.span = max(1, (last - first + 1) * self._max_results // max(1, len(logs)))
            checked = self._check(logs, first, last)
            self._widen(len(logs), last - first + 1)
            return checked

    def _before_last_block(self, logs: list[Any], first: int, last: int) -> tuple[list[Any], int]:
        """An answer maybe cut at the node's result limit (in order, as providers cut): the blocks
        before its last log's block are whole and kept; that block is asked again next time."""
        try:
            blocks = [int(raw["blockNumber"], 16) for raw in logs]
        except (KeyError, TypeError, ValueError):
            raise LogsRejectedError(first, last, "a log is malformed") from None
        if any(later < earlier for earlier, later in itertools.pairwise(blocks)):
            raise LogsRejectedError(first, last, "logs out of order or repeated")
        cut = blocks[-1]
        if cut <= first:  # one block holds them all: it cannot be split
            return logs, first
        return [raw for raw, block in zip(logs, blocks, strict=True) if block < cut], min(cut, last + 1) - 1

    def _narrow(self, narrowed: Narrowing) -> None:
        self.span = narrowed.span
        if narrowed.block_limit:
            self._ceiling = narrowed.span
            self._successes_at_ceiling = 0

    def _widen(self, results: int, asked: int) -> None:
        if asked < self.span or results * 4 >= self._max_results:
            return  # the range was cut by the target, or the answer was not small
        if self.span >= self._ceiling and self._ceiling < self._max_span:
            self._successes_at_ceiling += 1
            if self._successes_at_ceiling < PROBE_AFTER_SUCCESSES:
                return
            self._ceiling, self._successes_at_ceiling = min(self._max_span, self._ceiling * 2), 0
        self.span = min(self._ceiling, self.span * 2)

    def _check(self, logs: list[Any], first: int, last: int) -> CheckedRange:
        previous = (-1, -1)
        hashes: dict[int, str] = {}
        events: list[DecodedEvent] = []
        for raw in logs:
            try:
                position = (int(raw["blockNumber"], 16), int(raw["logIndex"], 16))
                address, block_hash = str(raw["address"]).lower(), str(raw["blockHash"])
                removed = raw.get("removed", False)
            except (KeyError, TypeError, ValueError, AttributeError):
                raise LogsRejectedError(first, last, "a log is malformed") from None
            if address not in self._ours:
                raise LogsRejectedError(first, last, "a log of another contract")
            if not first <= position[0] <= last:
                raise LogsRejectedError(first, last, "a log outside the asked blocks")
            if position <= previous:
                raise LogsRejectedError(first, last, "logs out of order or repeated")
            if removed is not False:
                raise LogsRejectedError(first, last, "a log marked removed")
            if hashes.setdefault(position[0], block_hash) != block_hash:
                raise LogsRejectedError(first, last, "two block hashes for one block")
            previous = position
            try:
                event = decode_log(raw)
            except (DecodingError, KeyError, TypeError, ValueError, IndexError):
                raise LogsRejectedError(first, last, "a log that does not decode") from None
            if event is not None:
                events.append(event)
        headers = self._headers(first, last, sorted(hashes.keys() | {last}))
        for number, block_hash in hashes.items():
            if headers[number]["hash"] != block_hash:
                raise LogsRejectedError(first, last, f"a log of block {number} that is not on the chain")
        end = headers[last]
        times = {number: int(header["timestamp"], 16) for number, header in headers.items()}
        return CheckedRange(first, last, events, end["hash"], times[last], times)

    def _headers(self, first: int, last: int, numbers: list[int]) -> dict[int, dict[str, Any]]:
        answers: list[Any] = []
        while len(answers) < len(numbers):
            chunk = numbers[len(answers) : len(answers) + self._batch]
            calls = [("eth_getBlockByNumber", [hex(n), False]) for n in chunk]
            if len(calls) == 1:
                answers.append(self._rpc(*calls[0]))
                continue
            try:
                answers.extend(self._rpc_batch(calls))
            except RpcRefusedError:
                self._batch //= 2  # nodes cap batches (or refuse them: then one by one)
        headers: dict[int, dict[str, Any]] = {}
        for number, header in zip(numbers, answers, strict=True):
            try:
                if int(header["number"], 16) != number:
                    raise ValueError
                int(header["timestamp"], 16)
                str(header["hash"])
            except (KeyError, TypeError, ValueError):
                raise LogsRejectedError(first, last, f"block {number} is missing or malformed") from None
            headers[number] = header
        return headers


def check_consistent(
    checked: CheckedRange,
    issuers: Set[str],
    keys: Set[tuple[str, bytes]],
    roots: Set[bytes],
    *,
    max_words: int,
) -> None:
    """Refuses events that presuppose one the mirror never saw, or repeat one it did: the contracts
    never emit them, so the node dropped or invented logs. ``issuers``, ``keys`` and ``roots`` are
    the mirror's before this range; nothing is applied until this passed."""
    new_issuers: set[str] = set()
    new_keys: set[tuple[str, bytes]] = set()
    new_roots: set[bytes] = set()
    for event in checked.events:
        args, name = event.args, event.name
        issuer: str = args.get("issuer", "")
        known = issuer in issuers or issuer in new_issuers
        problem = None
        if name == "IssuerAccredited":
            problem = "an issuer accredited twice" if known else None
            new_issuers.add(issuer)
        elif name in ("IssuerSuspended", "IssuerReinstated", "KeyAdded", "BatchAnchored") and not known:
            problem = f"{name} of an issuer never accredited"
        elif name in ("KeyAdded", "KeyRetired"):
            slot = (issuer, args["kid"])
            added = slot in keys or slot in new_keys
            problem = (
                ("a key added twice" if added else None)
                if name == "KeyAdded"
                else (None if added else "a key retired that was never added")
            )
            new_keys.add(slot)
        if name == "StatusWordChanged" and not 0 <= args["wordIndex"] < max_words:
            problem = "a status word beyond the list"
        if name == "BatchAnchored" and problem is None:
            problem = "a root anchored twice" if args["root"] in roots or args["root"] in new_roots else None
            new_roots.add(args["root"])
        if problem is not None:
            raise LogsRejectedError(checked.first, checked.last, problem)
